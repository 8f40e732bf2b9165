/* forecast-rollup.c — a forecast set summed up the tree with intervals, in one linear pass */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/forecast.h"
#include "kkr/money.h"

enum kkr_status kkr_forecast_band(double var, double level, int64_t forecast_ore,
                                  int64_t *low_ore, int64_t *high_ore, struct kkr_diag *diag)
{
    int64_t half_ore;
    if (!(var >= 0) || !kkr_money_from_kr(kkr_forecast_z(level) * sqrt(var), &half_ore) ||
        !kkr_money_sub(forecast_ore, half_ore, low_ore) ||
        !kkr_money_add(forecast_ore, half_ore, high_ore))
        return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                        "the interval of a forecast does not fit in 64-bit öre");
    return KKR_OK;
}

/* A subtree's sums: budget, utfall, forecast (öre) and the variance of the forecast (kr²). */
struct sums {
    int64_t budget_ore, actual_ore, forecast_ore;
    double var;
};

static bool sums_add(struct sums *acc, const struct sums *s)
{
    acc->var += s->var;
    return kkr_money_add(acc->budget_ore, s->budget_ore, &acc->budget_ore) &&
           kkr_money_add(acc->actual_ore, s->actual_ore, &acc->actual_ore) &&
           kkr_money_add(acc->forecast_ore, s->forecast_ore, &acc->forecast_ore);
}

static enum kkr_status overflow(struct kkr_diag *diag, const struct kkr_workbook *wb, int unit)
{
    return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                    "the forecast sum for '%s' does not fit in 64-bit öre",
                    unit >= 0 ? wb->units[unit].code : "total");
}

enum kkr_status kkr_forecast_table_build(const struct kkr_workbook *wb,
                                         const struct kkr_forecast_set *set,
                                         struct kkr_forecast_table *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    size_t n = wb->unit_count;
    struct kkr_forecast_row *rows = calloc(n * (wb->slag_count + 1) + 1, sizeof *rows);
    struct sums *sub = calloc(n + 1, sizeof *sub);   /* by unit index; [n] is the total */
    if (!rows || !sub) {
        free(rows);
        free(sub);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    enum kkr_status st = KKR_OK;
    int from = wb->month_count - 12;
    size_t count = 0;
    /* each unit's own figures; the unit-kind rows in report order */
    for (size_t oi = 0; oi < n && st == KKR_OK; oi++) {
        int u = wb->order[oi];
        for (int kind = 0; kind < (int)wb->slag_count && st == KKR_OK; kind++) {
            size_t cell = kkr_workbook_cell(wb, u, kind), idx = kkr_workbook_slot(wb, u, kind);
            struct sums own = {0, 0, 0, 0};
            for (int i = 0; i < 12; i++)
                if (!kkr_money_add(own.budget_ore, wb->budget_ore[cell + (size_t)(from + i)],
                                   &own.budget_ore) ||
                    (i < set->period &&
                     !kkr_money_add(own.actual_ore, wb->actual_ore[cell + (size_t)(from + i)],
                                    &own.actual_ore)))
                    st = overflow(diag, wb, u);
            own.forecast_ore = set->has[idx] ? set->full_ore[idx] : own.budget_ore;
            own.var = set->has[idx] ? set->sd[idx] * set->sd[idx] : 0.0;
            if (st == KKR_OK && !sums_add(&sub[u], &own))
                st = overflow(diag, wb, u);
            if (!set->has[idx])
                continue;
            struct kkr_forecast_row *r = &rows[count++];
            *r = (struct kkr_forecast_row){u, kind, own.budget_ore, own.actual_ore,
                                           set->full_ore[idx], set->low_ore[idx],
                                           set->high_ore[idx], set->method_used[idx]};
        }
    }
    /* children before parents: the reverse of the depth-first report order */
    for (size_t oi = n; oi-- > 0 && st == KKR_OK;) {
        int u = wb->order[oi];
        int p = wb->units[u].parent;
        if (!sums_add(&sub[p >= 0 ? (size_t)p : n], &sub[u]))
            st = overflow(diag, wb, p);
    }
    /* the parents in report order, then the total */
    for (size_t oi = 0; oi <= n && st == KKR_OK; oi++) {
        int p = oi < n ? wb->order[oi] : -1;
        if (p >= 0 && wb->units[p].is_leaf)
            continue;
        const struct sums *s = &sub[p >= 0 ? (size_t)p : n];
        struct kkr_forecast_row *r = &rows[count++];
        *r = (struct kkr_forecast_row){p, -1, s->budget_ore, s->actual_ore, s->forecast_ore,
                                       0, 0, set->method->name};
        st = kkr_forecast_band(s->var, set->level, s->forecast_ore, &r->low_ore, &r->high_ore,
                               diag);
    }
    free(sub);
    if (st != KKR_OK) {
        free(rows);
        return st;
    }
    out->set = set;
    out->count = count;
    out->rows = rows;
    return KKR_OK;
}

void kkr_forecast_table_release(struct kkr_forecast_table *t)
{
    if (!t)
        return;
    free(t->rows);
    memset(t, 0, sizeof *t);
}
