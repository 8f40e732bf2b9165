/* accuracy.c — prognossäkerhet: each locked month's helårsprognos against the outcome */
#include <stdlib.h>
#include <string.h>

#include "kkr/accuracy.h"
#include "kkr/followup.h"
#include "kkr/rollup.h"

void kkr_accuracy_free(struct kkr_accuracy *a)
{
    if (!a)
        return;
    free(a->months);
    free(a->unit);
    free(a->depth);
    free(a->budget_ore);
    free(a->outcome_ore);
    free(a->forecast_ore);
    free(a);
}

int64_t kkr_accuracy_result(const struct kkr_accuracy *a, size_t month, size_t row)
{
    return a->budget_ore[row] - a->forecast_ore[month * a->row_count + row];
}

int64_t kkr_accuracy_outcome_result(const struct kkr_accuracy *a, size_t row)
{
    return a->budget_ore[row] - a->outcome_ore[row];
}

int64_t kkr_accuracy_difference(const struct kkr_accuracy *a, size_t month, size_t row)
{
    return a->forecast_ore[month * a->row_count + row] - a->outcome_ore[row];
}

enum kkr_status kkr_accuracy_build(const struct kkr_workbook *wb, struct kkr_accuracy **out,
                                   struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    bool finished = wb->last_actual_month == 12;
    int period = finished ? 12 : wb->last_actual_month;
    int *periods = NULL;
    size_t pc = 0;
    enum kkr_status st = kkr_snapshot_list(wb, &periods, &pc, diag);
    if (st != KKR_OK)
        return st;
    size_t used = 0;
    for (size_t i = 0; i < pc; i++)
        used += periods[i] / 100 == wb->year && periods[i] % 100 <= period;
    if (used == 0) {
        free(periods);
        return kkr_fail(diag, KKR_ERR_NOT_FOUND, NULL, 0, 0,
                        "no locked snapshots of %d%s in %s/snapshots (kkr lock)", wb->year,
                        finished ? "" : " up to the report period", wb->dir);
    }
    /* the outcome: the year's utfall, or the current prognos of the report period */
    struct kkr_followup_options fo;
    kkr_followup_options_init(&fo);
    fo.period = period;
    struct kkr_followup now;
    st = kkr_followup_build(wb, &fo, &now, diag);
    if (st != KKR_OK) {
        free(periods);
        return st;
    }
    size_t rows = now.rollup.row_count;
    struct kkr_accuracy *a = calloc(1, sizeof *a);
    if (a) {
        a->months = malloc(used * sizeof *a->months);
        a->unit = malloc(rows * sizeof *a->unit);
        a->depth = malloc(rows * sizeof *a->depth);
        a->budget_ore = malloc(rows * sizeof *a->budget_ore);
        a->outcome_ore = malloc(rows * sizeof *a->outcome_ore);
        a->forecast_ore = malloc(used * rows * sizeof *a->forecast_ore);
    }
    if (!a || !a->months || !a->unit || !a->depth || !a->budget_ore || !a->outcome_ore ||
        !a->forecast_ore) {
        free(periods);
        kkr_followup_release(&now);
        kkr_accuracy_free(a);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    a->year = wb->year;
    a->finished = finished;
    a->period = period;
    a->row_count = rows;
    for (size_t r = 0; r < rows; r++) {
        const struct kkr_rollup_row *row = &now.rollup.rows[r];
        a->unit[r] = row->unit;
        a->depth[r] = row->depth;
        a->budget_ore[r] = row->net.budget_full;
        a->outcome_ore[r] = finished ? row->net.actual_ytd : row->net.forecast_full;
    }
    kkr_followup_release(&now);
    for (size_t i = 0; i < pc && st == KKR_OK; i++) {
        int y = periods[i] / 100, m = periods[i] % 100;
        if (y != wb->year || m > period)
            continue;
        struct kkr_snapshot *snap = NULL;
        st = kkr_snapshot_load(wb, y, m, &snap, diag, warn);
        if (st != KKR_OK)
            break;
        struct kkr_rollup then;
        st = kkr_rollup_build_with(wb, period, snap->forecast_ore, snap->forecast_has, NULL,
                                   &then, diag);
        kkr_snapshot_free(snap);
        if (st != KKR_OK)
            break;
        int64_t *f = a->forecast_ore + a->month_count * rows;
        for (size_t r = 0; r < rows; r++)
            f[r] = then.rows[r].net.forecast_full;
        a->months[a->month_count++] = m;
        kkr_rollup_release(&then);
    }
    free(periods);
    if (st != KKR_OK) {
        kkr_accuracy_free(a);
        return st;
    }
    *out = a;
    return KKR_OK;
}
