/* chart-data.c — the standard chart set's data from a workbook's roll-up and snapshots */
#include "kkr/chart.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/rollup.h"
#include "kkr/workbook.h"

void kkr_chart_set_options_init(struct kkr_chart_set_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->unit = KKR_UNIT_KKR;
    opt->unit_index = -1;
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

void kkr_chart_set_release(struct kkr_chart_set *set)
{
    free(set->rows);
    free(set->unit_rows);
    for (size_t i = 0; i < set->label_count; i++)
        free(set->labels[i]);
    free(set->labels);
    free(set->steps);
    free(set->points);
    for (int i = 0; i < KKR_CHART_KINDS; i++) {
        free(set->titles[i]);
        free(set->subtitles[i]);
    }
    memset(set, 0, sizeof *set);
}

/* The helår forecast of the total for a snapshot. */
static enum kkr_status snapshot_total(const struct kkr_workbook *wb, int period,
                                      const struct kkr_snapshot *snap, int64_t *out_ore,
                                      struct kkr_diag *diag)
{
    struct kkr_rollup r;
    memset(&r, 0, sizeof r);
    enum kkr_status st = kkr_rollup_build_with(wb, period, snap->forecast_ore,
                                               snap->forecast_has, NULL, &r, diag);
    if (st != KKR_OK)
        return st;
    *out_ore = kkr_rollup_total(&r)->net.forecast_full;
    kkr_rollup_release(&r);
    return KKR_OK;
}

/* Whether the roll-up holds a forecast: some unit-slag's prognos entered, computed or the
 * bokslut, not only helårsbudgetar standing in for a prognos nobody made. */
static bool has_forecast(const struct kkr_workbook *wb, const struct kkr_rollup *rollup)
{
    size_t cells = kkr_workbook_slots(wb);
    for (size_t i = 0; rollup->source && i < cells; i++)
        if (rollup->source[i] == KKR_FROM_ENTERED || rollup->source[i] == KKR_FROM_COMPUTED ||
            rollup->source[i] == KKR_FROM_ACTUAL)
            return true;
    return false;
}

static enum kkr_status build(struct kkr_chart_set *set, const struct kkr_workbook *wb,
                             const struct kkr_rollup *rollup,
                             const struct kkr_chart_set_options *opt, struct kkr_diag *diag)
{
    memset(set, 0, sizeof *set);
    size_t n = rollup->row_count;
    enum kkr_status st = KKR_OK;
    set->rows = calloc(n, sizeof *set->rows);
    set->unit_rows = calloc(n, sizeof *set->unit_rows);
    set->labels = calloc(n + 1 + opt->step_count, sizeof *set->labels);
    set->points = calloc(13, sizeof *set->points);
    if (!set->rows || !set->unit_rows || !set->labels || !set->points)
        goto nomem;

    const char *month = kkr_month_name(rollup->period);
    const char *who = wb->committee ? wb->committee : "Nämnden";
    char base[512];
    if (wb->organisation)
        snprintf(base, sizeof base, "%s, %s · prognos %s %d", who, wb->organisation, month,
                 rollup->year);
    else
        snprintf(base, sizeof base, "%s · prognos %s %d", who, month, rollup->year);

    /* bar rows: the table's rows in report order, the total last */
    size_t nu = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kkr_rollup_row *row = &rollup->rows[i];
        char name[512];
        kkr_report_row_name(wb, row, name, sizeof name);
        set->labels[set->label_count] = strdup(name);
        if (!set->labels[set->label_count])
            goto nomem;
        const char *label = set->labels[set->label_count++];
        bool total = row->unit < 0;
        set->rows[i] = (struct kkr_chart_row){label, row->depth, total,
                                              kkr_figures_variance_full(&row->net),
                                              row->net.budget_full};
        if (!total)
            set->unit_rows[nu++] = (struct kkr_chart_row){label, row->depth, false,
                                                          row->net.forecast_full,
                                                          row->net.budget_full};
    }

    for (int k = 0; k < KKR_CHART_KINDS; k++) {
        kkr_chart_init(&set->charts[k], (enum kkr_chart_kind)k);
        set->charts[k].unit = opt->unit;
        set->charts[k].year = rollup->year;
        set->subtitles[k] = strdup(base);
        if (!set->subtitles[k])
            goto nomem;
        set->charts[k].subtitle = set->subtitles[k];
    }
    struct kkr_chart *c = &set->charts[KKR_CHART_AVVIKELSE];
    c->title = set->titles[KKR_CHART_AVVIKELSE] =
        strdup("Avvikelse mot budget, helår, per verksamhet");
    c->rows = set->rows;
    c->row_count = n;
    set->present[KKR_CHART_AVVIKELSE] = true;

    c = &set->charts[KKR_CHART_BUDGET_PROGNOS];
    c->title = set->titles[KKR_CHART_BUDGET_PROGNOS] =
        strdup("Budget och prognos, helår, per verksamhet");
    c->rows = set->unit_rows;
    c->row_count = nu;
    set->present[KKR_CHART_BUDGET_PROGNOS] = true;

    /* ackumulerat: a unit's subtree or the total */
    int u = opt->unit_index;
    const struct kkr_rollup_row *sel = kkr_rollup_total(rollup);
    for (size_t i = 0; u >= 0 && i < n; i++)
        if (rollup->rows[i].unit == u)
            sel = &rollup->rows[i];
    struct kkr_chart_monthly *mo = &set->monthly;
    int64_t bud = 0, act = 0;
    for (int m = 1; m <= 12; m++) {
        int mi = kkr_workbook_month_index(wb, rollup->year, m);
        for (size_t x = 0; mi >= 0 && x < wb->unit_count; x++) {
            if (u >= 0 && !kkr_workbook_unit_within(wb, (int)x, u))
                continue;
            for (int k = 0; k < (int)wb->slag_count; k++) {
                size_t cell = kkr_workbook_cell(wb, (int)x, k) + (size_t)mi;
                if (!kkr_money_add(bud, wb->budget_ore[cell], &bud) ||
                    (m <= rollup->period && !kkr_money_add(act, wb->actual_ore[cell], &act)))
                    return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                                    "monthly sum overflows for the chart");
            }
        }
        mo->budget_cum_ore[m - 1] = bud;
        mo->actual_cum_ore[m - 1] = m <= rollup->period ? act : 0;
    }
    mo->actual_months = rollup->period;
    /* the table's own sums for the last points, so the chart and the table agree exactly */
    mo->budget_cum_ore[11] = sel->net.budget_full;
    if (rollup->period >= 1)
        mo->actual_cum_ore[rollup->period - 1] = sel->net.actual_ytd;
    kkr_chart_forecast_path(mo->budget_cum_ore, mo->actual_cum_ore, rollup->period,
                            sel->net.forecast_full, mo->forecast_cum_ore);
    if (opt->has_interval) {
        mo->has_band = true;
        kkr_chart_forecast_path(mo->budget_cum_ore, mo->actual_cum_ore, rollup->period,
                                opt->low_ore, mo->low_cum_ore);
        kkr_chart_forecast_path(mo->budget_cum_ore, mo->actual_cum_ore, rollup->period,
                                opt->high_ore, mo->high_cum_ore);
    }
    c = &set->charts[KKR_CHART_ACKUMULERAT];
    if (u >= 0)
        c->title = set->titles[KKR_CHART_ACKUMULERAT] =
            dup_printf("Ackumulerat: budget, utfall och prognos – %s", wb->units[u].name);
    else
        c->title = set->titles[KKR_CHART_ACKUMULERAT] =
            dup_printf("Ackumulerat: budget, utfall och prognos – %s",
                       kkr_workbook_whole_name(wb));
    c->monthly = mo;
    set->present[KKR_CHART_ACKUMULERAT] = true;

    /* brygga */
    c = &set->charts[KKR_CHART_BRYGGA];
    c->title = set->titles[KKR_CHART_BRYGGA] =
        strdup("Brygga: från prognos till resultat efter åtgärder");
    if (opt->step_count > 0) {
        set->steps = calloc(opt->step_count, sizeof *set->steps);
        if (!set->steps)
            goto nomem;
        /* copies of the caller's labels: the set outlives opt (issue 11) */
        for (size_t i = 0; i < opt->step_count; i++) {
            set->steps[i] = opt->steps[i];
            if (opt->steps[i].label) {
                set->labels[set->label_count] = strdup(opt->steps[i].label);
                if (!set->labels[set->label_count])
                    goto nomem;
                set->steps[i].label = set->labels[set->label_count++];
            }
        }
        c->steps = set->steps;
        c->step_count = opt->step_count;
        set->present[KKR_CHART_BRYGGA] = true;
        if (opt->bridge_subtitle) {
            free(set->subtitles[KKR_CHART_BRYGGA]);
            set->subtitles[KKR_CHART_BRYGGA] = dup_printf("%s · %s", base, opt->bridge_subtitle);
            c->subtitle = set->subtitles[KKR_CHART_BRYGGA];
        }
    }

    /* prognoshistorik: the locked snapshots of the fiscal year up to the report period (its own
     * month's too), then the current forecast — when there is one: a helårsbudget that nothing
     * entered, computed or booked has replaced is no forecast and is not drawn as "aktuell";
     * and a current forecast equal to the report month's locked one is that point already. */
    c = &set->charts[KKR_CHART_PROGNOSHISTORIK];
    c->title = set->titles[KKR_CHART_PROGNOSHISTORIK] =
        strdup("Helårsprognosen månad för månad");
    c->budget_full_ore = kkr_rollup_total(rollup)->net.budget_full;
    int *periods = NULL;
    size_t pc = 0;
    st = kkr_snapshot_list(wb, &periods, &pc, diag);
    if (st != KKR_OK)
        return st;
    size_t np = 0;
    for (size_t i = 0; i < pc && st == KKR_OK; i++) {
        int y = periods[i] / 100, m = periods[i] % 100;
        if (y != rollup->year || m > rollup->period)
            continue;
        struct kkr_snapshot *snap = NULL;
        st = kkr_snapshot_load(wb, y, m, &snap, diag, NULL);
        if (st == KKR_OK) {
            int64_t tot = 0;
            st = snapshot_total(wb, m, snap, &tot, diag);
            if (st == KKR_OK)
                set->points[np++] = (struct kkr_chart_point){m, tot, false};
        }
        kkr_snapshot_free(snap);
    }
    free(periods);
    if (st != KKR_OK)
        return st;
    int64_t current = kkr_rollup_total(rollup)->net.forecast_full;
    bool locked_now = np > 0 && set->points[np - 1].month == rollup->period;
    if (has_forecast(wb, rollup) && !(locked_now && set->points[np - 1].forecast_ore == current))
        set->points[np++] = (struct kkr_chart_point){rollup->period, current, true};
    c->points = set->points;
    c->point_count = np;
    set->present[KKR_CHART_PROGNOSHISTORIK] = true;

    for (int k = 0; k < KKR_CHART_KINDS; k++)
        if (!set->titles[k] || !set->subtitles[k])
            goto nomem;
    return KKR_OK;
nomem:
    return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

enum kkr_status kkr_chart_set_build(struct kkr_chart_set *set, const struct kkr_workbook *wb,
                                    const struct kkr_rollup *rollup,
                                    const struct kkr_chart_set_options *opt,
                                    struct kkr_diag *diag)
{
    enum kkr_status st = build(set, wb, rollup, opt, diag);
    if (st != KKR_OK)
        kkr_chart_set_release(set); /* nothing half-built is left to the caller */
    return st;
}

/* ---- a bar chart of many rows ---- */

struct ranked {
    size_t row;
    uint64_t magnitude;
};

static int by_magnitude(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->magnitude != y->magnitude)
        return x->magnitude < y->magnitude ? 1 : -1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_row(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

enum kkr_status kkr_chart_reduce(const struct kkr_chart *ch, size_t max, struct kkr_chart *out,
                                 struct kkr_chart_row **rows_out, char *subtitle, size_t size,
                                 struct kkr_diag *diag)
{
    size_t n = ch->row_count, top = 0, totals = 0;
    for (size_t i = 0; i < n; i++) {
        top += ch->rows[i].depth == 0 && !ch->rows[i].total;
        totals += ch->rows[i].total;
    }
    struct ranked *rank = malloc((n ? n : 1) * sizeof *rank);
    struct kkr_chart_row *rows = malloc((max + totals + 1) * sizeof *rows);
    if (!rank || !rows) {
        free(rank);
        free(rows);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t k = 0;
    bool top_level = top <= max;
    for (size_t i = 0; i < n; i++) {
        const struct kkr_chart_row *r = &ch->rows[i];
        if (r->total || (top_level && r->depth != 0))
            continue;
        int64_t dev = ch->kind == KKR_CHART_AVVIKELSE ? r->value_ore : r->budget_ore - r->value_ore;
        rank[k++] = (struct ranked){i, magnitude(dev)};
    }
    if (!top_level) {
        qsort(rank, k, sizeof *rank, by_magnitude);
        k = k < max ? k : max;
        qsort(rank, k, sizeof *rank, by_row);
    }
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        rows[m] = ch->rows[rank[j].row];
        rows[m++].depth = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (ch->rows[i].total)
            rows[m++] = ch->rows[i];
    free(rank);
    size_t units = n - totals;
    *out = *ch;
    out->rows = rows;
    out->row_count = m;
    out->slice_from = out->slice_count = 0;
    if (top_level)
        snprintf(subtitle, size, "%s%sde %zu verksamhetsområdena (alla %zu verksamheter finns i "
                 "tabellen)", ch->subtitle ? ch->subtitle : "", ch->subtitle ? " · " : "", top,
                 units);
    else
        snprintf(subtitle, size, "%s%sde %zu största avvikelserna av %zu verksamheter",
                 ch->subtitle ? ch->subtitle : "", ch->subtitle ? " · " : "", max, units);
    out->subtitle = subtitle;
    *rows_out = rows;
    return KKR_OK;
}
