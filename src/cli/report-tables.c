/* report-tables.c — kkr report --table prognoshistorik | sammanfattning (DESIGN §13, §14) */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/chart.h"
#include "kkr/csv.h"
#include "kkr/history.h"
#include "kkr/text.h"
#include "kkr/output.h"
#include "kkr/scenario.h"
#include "kkr/summary.h"

bool cli_report_table_is_extra(const char *table)
{
    return table && (strcmp(table, "prognoshistorik") == 0 || strcmp(table, "sammanfattning") == 0);
}

/* The latest locked snapshot of the year before the period, rolled up (NULL when none). */
enum kkr_status cli_previous_snapshot(const struct kkr_workbook *wb, int period,
                                      struct kkr_rollup *out, int *month, bool *found,
                                      struct kkr_diag *diag)
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
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    st = kkr_snapshot_load(wb, wb->year, best, &snap, diag, &warn);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
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

/* The measures' part of the summary: the bridge from the current forecast, and the exact
 * probability of reaching nollresultat when the distribution can be enumerated. */
static int summary_measures(const struct kkr_workbook *wb, int period, const char *path,
                            struct kkr_summary_measures *sm, char **name)
{
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_measures *m = NULL;
    enum kkr_status st = kkr_measures_load(path, wb, &m, &diag, &warn);
    struct kkr_bridge *b = NULL;
    if (st == KKR_OK) {
        struct kkr_bridge_options bopt;
        kkr_bridge_options_init(&bopt);
        bopt.period = period;
        st = kkr_bridge_compute(wb, m, &bopt, &b, &diag, &warn);
    }
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
    if (st != KKR_OK) {
        kkr_measures_free(m);
        return cli_fail_diag(&diag, st);
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
    if (uncertain && kkr_sim_input_from_measures(m, b->baseline_ore, &in, &diag) == KKR_OK) {
        struct kkr_sim_summary dist;
        struct kkr_diag quiet;
        if (kkr_sim_exact(&in, 0, b->result_ore, &dist, &quiet) == KKR_OK)
            sm->probability = dist.p_target;
        kkr_sim_input_release(&in);
    }
    const char *base = strrchr(path, '/');
    *name = strdup(base ? base + 1 : path);
    sm->name = *name;
    kkr_bridge_free(b);
    kkr_measures_free(m);
    return EXIT_OK;
}

int cli_report_extra_table(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                           const char *table, enum kkr_format format, enum kkr_display_unit unit,
                           const char *output, const char *measures_path)
{
    struct kkr_diag diag;
    enum kkr_status st;
    struct kkr_output out;
    if (strcmp(table, "prognoshistorik") == 0) {
        struct kkr_history *h = NULL;
        struct kkr_warnings warn;
        kkr_warnings_init(&warn);
        st = kkr_history_build(wb, rollup->period, &h, &diag, &warn);
        cli_print_warnings(&warn);
        kkr_warnings_release(&warn);
        if (st == KKR_OK && (st = kkr_output_open(&out, output, false, &diag)) == KKR_OK) {
            st = kkr_history_write(out.fp, wb, h, format, unit, &diag);
            st = st == KKR_OK ? kkr_output_commit(&out, &diag) : (kkr_output_abort(&out), st);
        }
        kkr_history_free(h);
        return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    }
    /* sammanfattning */
    if (format != KKR_FORMAT_TEXT && format != KKR_FORMAT_MD) {
        cli_error("--table sammanfattning: expected --format text or md");
        return EXIT_BAD_INPUT;
    }
    struct kkr_rollup before;
    int before_month = 0;
    bool have_before = false;
    st = cli_previous_snapshot(wb, rollup->period, &before, &before_month, &have_before, &diag);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    struct kkr_summary_measures sm;
    char *name = NULL;
    int code = EXIT_OK;
    if (measures_path)
        code = summary_measures(wb, rollup->period, measures_path, &sm, &name);
    struct kkr_summary *s = NULL;
    if (code == EXIT_OK) {
        struct kkr_summary_input in = {
            .wb = wb, .now = rollup, .before = have_before ? &before : NULL,
            .before_month = before_month, .measures = measures_path ? &sm : NULL,
            .unit = unit, .style = &KKR_STYLE_TEXT,
        };
        st = kkr_summary_draft(&in, &s, &diag);
        if (st == KKR_OK && (st = kkr_output_open(&out, output, false, &diag)) == KKR_OK) {
            st = kkr_summary_write(out.fp, s, format, 92, &diag);
            st = st == KKR_OK ? kkr_output_commit(&out, &diag) : (kkr_output_abort(&out), st);
        }
        code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    }
    kkr_summary_free(s);
    free(name);
    if (have_before)
        kkr_rollup_release(&before);
    return code;
}

/* The månadsrapport's parts for kkr report --pdf: sammanfattning.md when the workbook has one
 * (else the drafted text, in the PDF's number style), and the prognoshistorik. */
int cli_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                       enum kkr_display_unit unit, const char *measures_path,
                       struct cli_document *doc)
{
    memset(doc, 0, sizeof *doc);
    struct kkr_diag diag;
    enum kkr_status st;
    char *md_path = NULL;
    if (asprintf(&md_path, "%s/sammanfattning.md", wb->dir) < 0) {
        cli_error("out of memory");
        return EXIT_BAD_INPUT;
    }
    size_t len = 0;
    st = kkr_file_read_all(md_path, &doc->markdown, &len, &diag);
    if (st == KKR_OK) {
        size_t bad;
        if (!kkr_utf8_valid(doc->markdown, len, &bad)) {
            cli_error("%s: byte %zu is not UTF-8, expected the summary as UTF-8 text", md_path,
                      bad + 1);
            free(md_path);
            cli_document_release(doc);
            return EXIT_BAD_INPUT;
        }
    } else if (st != KKR_ERR_NOT_FOUND) {
        free(md_path);
        return cli_fail_diag(&diag, st);
    }
    free(md_path);
    if (!doc->markdown) {
        struct kkr_rollup before;
        int before_month = 0;
        bool have_before = false;
        st = cli_previous_snapshot(wb, rollup->period, &before, &before_month, &have_before,
                                   &diag);
        if (st != KKR_OK)
            return cli_fail_diag(&diag, st);
        struct kkr_summary_measures sm;
        int code = measures_path ? summary_measures(wb, rollup->period, measures_path, &sm,
                                                    &doc->measures_name)
                                 : EXIT_OK;
        if (code == EXIT_OK) {
            struct kkr_summary_input in = {
                .wb = wb, .now = rollup, .before = have_before ? &before : NULL,
                .before_month = before_month, .measures = measures_path ? &sm : NULL,
                .unit = unit, .style = &KKR_STYLE_PRINT,
            };
            st = kkr_summary_draft(&in, &doc->summary, &diag);
            code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
        }
        if (have_before)
            kkr_rollup_release(&before);
        if (code != EXIT_OK) {
            cli_document_release(doc);
            return code;
        }
    }
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    st = kkr_history_build(wb, rollup->period, &doc->history, &diag, &warn);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
    if (st != KKR_OK) {
        cli_document_release(doc);
        return cli_fail_diag(&diag, st);
    }
    return EXIT_OK;
}

void cli_document_release(struct cli_document *doc)
{
    free(doc->markdown);
    free(doc->measures_name);
    kkr_summary_free(doc->summary);
    kkr_history_free(doc->history);
    memset(doc, 0, sizeof *doc);
}
