/* document.c — the månadsrapport's parts beside the tables: sammanfattning.md, the previous
 * locked prognos, the measures' outlook, the prognoshistorik */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"
#include "kkr/document.h"
#include "kkr/scenario.h"
#include "kkr/text.h"

enum kkr_status kkr_snapshot_previous(const struct kkr_workbook *wb, int period,
                                      struct kkr_rollup *out, int *month, bool *found,
                                      struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *found = false;
    int *periods = NULL;
    size_t n = 0;
    enum kkr_status st = kkr_snapshot_list(wb, &periods, &n, diag);
    if (st != KKR_OK)
        return st;
    int best = 0;
    for (size_t i = 0; i < n; i++)
        if (periods[i] / 100 == wb->year && periods[i] % 100 < period)
            best = periods[i] % 100;
    free(periods);
    if (best == 0)
        return KKR_OK;
    struct kkr_snapshot *snap = NULL;
    st = kkr_snapshot_load(wb, wb->year, best, &snap, diag, warn);
    if (st != KKR_OK)
        return st;
    st = kkr_rollup_build_with(wb, period, snap->forecast_ore, snap->forecast_has, NULL, out,
                               diag);
    kkr_snapshot_free(snap);
    if (st == KKR_OK) {
        *found = true;
        *month = best;
    }
    return st;
}

enum kkr_status kkr_summary_measures_compute(const struct kkr_workbook *wb, int period,
                                             const char *path, struct kkr_summary_measures *sm,
                                             char **name, struct kkr_diag *diag,
                                             struct kkr_warnings *warn)
{
    *name = NULL;
    struct kkr_measures *m = NULL;
    enum kkr_status st = kkr_measures_load(path, wb, &m, diag, warn);
    struct kkr_bridge *b = NULL;
    if (st == KKR_OK) {
        struct kkr_bridge_options bopt;
        kkr_bridge_options_init(&bopt);
        bopt.period = period;
        st = kkr_bridge_compute(wb, m, &bopt, &b, diag, warn);
    }
    if (st != KKR_OK) {
        kkr_measures_free(m);
        return st;
    }
    memset(sm, 0, sizeof *sm);
    sm->count = m->count;
    sm->effect_ore = b->measures_ore;
    sm->result_ore = b->result_ore;
    sm->target_ore = 0;
    sm->probability = -1;
    /* a probability only when some measure is uncertain (else it is 0 or 100 % by arithmetic) */
    bool uncertain = false;
    for (size_t i = 0; i < m->count; i++)
        uncertain |= (m->items[i].probability > 0 && m->items[i].probability < 1) ||
                     m->items[i].spread_ore != 0;
    struct kkr_sim_input in;
    struct kkr_diag quiet;
    if (uncertain && kkr_sim_input_from_measures(m, b->baseline_ore, &in, &quiet) == KKR_OK) {
        struct kkr_sim_summary dist;
        if (kkr_sim_exact(&in, 0, b->result_ore, &dist, &quiet) == KKR_OK)
            sm->probability = dist.p_target;
        kkr_sim_input_release(&in);
    }
    kkr_bridge_free(b);
    kkr_measures_free(m);
    const char *base = strrchr(path, '/');
    *name = strdup(base ? base + 1 : path);
    if (!*name)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sm->name = *name;
    return KKR_OK;
}

/* wb->dir/sammanfattning.md into *text (NULL when there is none). */
static enum kkr_status read_markdown(const struct kkr_workbook *wb, char **text,
                                     struct kkr_diag *diag)
{
    *text = NULL;
    char *path = NULL;
    if (asprintf(&path, "%s/sammanfattning.md", wb->dir) < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t len = 0;
    enum kkr_status st = kkr_file_read_all(path, text, &len, diag);
    if (st == KKR_ERR_NOT_FOUND) {
        kkr_diag_clear(diag);
        *text = NULL;
        st = KKR_OK;
    } else if (st == KKR_OK) {
        size_t bad;
        if (!kkr_utf8_valid(*text, len, &bad)) {
            st = kkr_fail(diag, KKR_ERR_SYNTAX, path, 0, 0,
                          "byte %zu is not UTF-8, expected the summary as UTF-8 text", bad + 1);
            free(*text);
            *text = NULL;
        }
    }
    free(path);
    return st;
}

void kkr_document_release(struct kkr_document *doc)
{
    free(doc->markdown);
    if (doc->has_before)
        kkr_rollup_release(&doc->before);
    free(doc->measures_name);
    kkr_history_free(doc->history);
    memset(doc, 0, sizeof *doc);
}

enum kkr_status kkr_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                                   const struct kkr_document_options *opt,
                                   struct kkr_document *doc, struct kkr_diag *diag,
                                   struct kkr_warnings *warn)
{
    memset(doc, 0, sizeof *doc);
    enum kkr_status st = KKR_OK;
    if (opt->markdown)
        st = read_markdown(wb, &doc->markdown, diag);
    if (st == KKR_OK && !doc->markdown)
        st = kkr_snapshot_previous(wb, rollup->period, &doc->before, &doc->before_month,
                                   &doc->has_before, diag, warn);
    if (st == KKR_OK && !doc->markdown && opt->measures_path) {
        st = kkr_summary_measures_compute(wb, rollup->period, opt->measures_path, &doc->measures,
                                          &doc->measures_name, diag, warn);
        doc->has_measures = st == KKR_OK;
    }
    if (st == KKR_OK && opt->history)
        st = kkr_history_build(wb, rollup->period, &doc->history, diag, warn);
    if (st != KKR_OK)
        kkr_document_release(doc);
    return st;
}
