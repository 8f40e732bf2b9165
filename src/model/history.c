/* history.c — prognoshistorik: each locked snapshot of the year rolled up to the top level */
#include <stdlib.h>
#include <string.h>

#include "kkr/history.h"
#include "kkr/rollup.h"

void kkr_history_free(struct kkr_history *h)
{
    if (!h)
        return;
    free(h->months);
    free(h->units);
    free(h->budget_ore);
    free(h->forecast_ore);
    free(h);
}

enum kkr_status kkr_history_build(const struct kkr_workbook *wb, int period,
                                  struct kkr_history **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    *out = NULL;
    int *periods = NULL;
    size_t pc = 0;
    enum kkr_status st = kkr_snapshot_list(wb, &periods, &pc, diag);
    if (st != KKR_OK)
        return st;
    struct kkr_history *h = calloc(1, sizeof *h);
    size_t top = 0;
    for (size_t u = 0; u < wb->unit_count; u++)
        top += wb->units[u].parent < 0;
    if (h) {
        h->months = malloc((pc ? pc : 1) * sizeof *h->months);
        h->units = malloc((top ? top : 1) * sizeof *h->units);
        h->budget_ore = calloc(top + 1, sizeof *h->budget_ore);
        h->forecast_ore = calloc((pc ? pc : 1) * (top + 1), sizeof *h->forecast_ore);
    }
    if (!h || !h->months || !h->units || !h->budget_ore || !h->forecast_ore) {
        free(periods);
        kkr_history_free(h);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    h->unit_count = top;
    for (size_t i = 0, t = 0; i < wb->unit_count; i++)
        if (wb->units[wb->order[i]].parent < 0)
            h->units[t++] = wb->order[i];
    for (size_t i = 0; i < pc && st == KKR_OK; i++) {
        int y = periods[i] / 100, m = periods[i] % 100;
        if (y != wb->year || m > period)
            continue;
        struct kkr_snapshot *snap = NULL;
        st = kkr_snapshot_load(wb, y, m, &snap, diag, warn);
        if (st != KKR_OK)
            break;
        struct kkr_rollup r;
        st = kkr_rollup_build_with(wb, m, snap->forecast_ore, snap->forecast_has, NULL, &r, diag);
        kkr_snapshot_free(snap);
        if (st != KKR_OK)
            break;
        int64_t *row = h->forecast_ore + h->month_count * (top + 1);
        for (size_t j = 0, t = 0; j + 1 < r.row_count; j++) {
            if (r.rows[j].depth != 0)
                continue;
            row[t] = r.rows[j].net.forecast_full;
            h->budget_ore[t] = r.rows[j].net.budget_full;
            t++;
        }
        row[top] = kkr_rollup_total(&r)->net.forecast_full;
        h->budget_ore[top] = kkr_rollup_total(&r)->net.budget_full;
        h->months[h->month_count++] = m;
        kkr_rollup_release(&r);
    }
    free(periods);
    if (st != KKR_OK) {
        kkr_history_free(h);
        return st;
    }
    /* without a snapshot the budgets still come from a roll-up of the current workbook */
    if (h->month_count == 0) {
        struct kkr_rollup r;
        st = kkr_rollup_build(wb, period, NULL, &r, diag);
        if (st != KKR_OK) {
            kkr_history_free(h);
            return st;
        }
        for (size_t j = 0, t = 0; j + 1 < r.row_count; j++)
            if (r.rows[j].depth == 0)
                h->budget_ore[t++] = r.rows[j].net.budget_full;
        h->budget_ore[top] = kkr_rollup_total(&r)->net.budget_full;
        kkr_rollup_release(&r);
    }
    *out = h;
    return KKR_OK;
}
