/* forecast-set.c — forecasts and backtests over a whole workbook (every unit and slag) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/forecast.h"
#include "kkr/money.h"

enum kkr_status kkr_forecast_series_from_workbook(const struct kkr_workbook *wb, int unit,
                                                  int kind, int k, double **values,
                                                  double **budget, struct kkr_series *out,
                                                  struct kkr_diag *diag)
{
    int months = wb->month_count;
    double *v = malloc((size_t)months * sizeof *v);
    double *b = malloc((size_t)months * sizeof *b);
    if (!v || !b) {
        free(v);
        free(b);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t cell = kkr_workbook_cell(wb, unit, kind);
    int start = -1, last = -1;
    for (int i = 0; i < months; i++) {
        v[i] = kkr_money_to_kr(wb->actual_ore[cell + (size_t)i]);
        b[i] = kkr_money_to_kr(wb->budget_ore[cell + (size_t)i]);
        if (wb->actual_has[cell + (size_t)i]) {
            if (start < 0)
                start = i;
            last = i;
        }
    }
    out->end = last >= 0 && last < months - 12 ? last + 1 : 0;
    out->values = v;
    out->budget = b;
    out->years = months / 12;
    out->k = k;
    int known_end = months - 12 + k;
    out->start = start < 0 || start > known_end ? known_end : start;
    *values = v;
    *budget = b;
    return KKR_OK;
}

void kkr_forecast_set_free(struct kkr_forecast_set *set)
{
    if (!set)
        return;
    free(set->full_ore);
    free(set->low_ore);
    free(set->high_ore);
    free(set->sd);
    free(set->has);
    free(set->method_used);
    free(set->budget_step);
    free(set);
}

static bool year_has_amounts(const struct kkr_workbook *wb, int unit, int kind)
{
    size_t cell = kkr_workbook_cell(wb, unit, kind);
    int from = wb->month_count - 12;
    for (int i = from; i < wb->month_count; i++)
        if (wb->budget_ore[cell + (size_t)i] != 0 || wb->actual_has[cell + (size_t)i])
            return true;
    return false;
}

enum kkr_status kkr_forecast_set_compute(const struct kkr_workbook *wb, int period,
                                         const struct kkr_forecast_method *method,
                                         const struct kkr_forecast_options *opt,
                                         struct kkr_forecast_set **out, struct kkr_diag *diag)
{
    *out = NULL;
    if (period < 0 || period > 12)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "period %d is outside 0..12", period);
    struct kkr_forecast_set *set = calloc(1, sizeof *set);
    if (!set)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t count = kkr_workbook_slots(wb);
    set->year = wb->year;
    set->period = period;
    set->method = method;
    set->count = count;
    set->level = opt->level;
    set->full_ore = calloc(count ? count : 1, sizeof *set->full_ore);
    set->low_ore = calloc(count ? count : 1, sizeof *set->low_ore);
    set->high_ore = calloc(count ? count : 1, sizeof *set->high_ore);
    set->sd = calloc(count ? count : 1, sizeof *set->sd);
    set->has = calloc(count ? count : 1, sizeof *set->has);
    set->method_used = calloc(count ? count : 1, sizeof *set->method_used);
    set->budget_step = malloc((count ? count : 1) * sizeof *set->budget_step);
    if (!set->full_ore || !set->low_ore || !set->high_ore || !set->sd || !set->has ||
        !set->method_used || !set->budget_step) {
        kkr_forecast_set_free(set);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        set->budget_step[i] = NAN;
    for (size_t u = 0; u < wb->unit_count; u++) {
        for (int kind = 0; kind < (int)wb->slag_count; kind++) {
            size_t idx = kkr_workbook_slot(wb, (int)u, kind);
            if (!year_has_amounts(wb, (int)u, kind))
                continue;
            double *v, *b;
            struct kkr_series s;
            enum kkr_status st =
                kkr_forecast_series_from_workbook(wb, (int)u, kind, period, &v, &b, &s, diag);
            if (st != KKR_OK) {
                kkr_forecast_set_free(set);
                return st;
            }
            struct kkr_forecast f;
            kkr_forecast_run(method, &s, opt, &f);
            free(v);
            free(b);
            if (!kkr_money_from_kr(f.full, &set->full_ore[idx]) ||
                !kkr_money_from_kr(f.low, &set->low_ore[idx]) ||
                !kkr_money_from_kr(f.high, &set->high_ore[idx])) {
                const char *code = wb->units[u].code;
                kkr_forecast_set_free(set);
                return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                                "forecast of '%s' %s does not fit", code,
                                wb->slag[kind].code);
            }
            set->sd[idx] = f.sd;
            set->has[idx] = 1;
            set->method_used[idx] = f.method;
            set->budget_step[idx] = f.budget_step;
        }
    }
    *out = set;
    return KKR_OK;
}

struct kkr_forecast_fill kkr_forecast_set_fill(const struct kkr_forecast_set *set)
{
    struct kkr_forecast_fill fill = {set->full_ore, set->has, set->method->name};
    return fill;
}

enum kkr_status kkr_backtest_workbook(const struct kkr_workbook *wb,
                                      const struct kkr_forecast_options *opt,
                                      struct kkr_backtest_summary *out, kkr_backtest_case_fn fn,
                                      void *userdata, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    double z = kkr_forecast_z(opt->level);
    int inside[KKR_BACKTEST_METHODS + 1][12] = {{0}};
    for (size_t u = 0; u < wb->unit_count; u++) {
        for (int kind = 0; kind < (int)wb->slag_count; kind++) {
            double *v, *b;
            struct kkr_series s;
            enum kkr_status st =
                kkr_forecast_series_from_workbook(wb, (int)u, kind, 0, &v, &b, &s, diag);
            if (st != KKR_OK)
                return st;
            if (s.years < 3 || s.start > 12 * (s.years - 3)) {
                /* fewer than two complete years before the forecast year: nothing to replay */
                free(v);
                free(b);
                continue;
            }
            struct kkr_backtest_series bt;
            st = kkr_backtest_series_compute(&s, opt, &bt, diag);
            if (st != KKR_OK) {
                free(v);
                free(b);
                return st;
            }
            for (int y = bt.first; y < s.years - 1; y++) {
                double o = bt.outcome[y];
                if (!isfinite(o) || o == 0.0)
                    continue;
                for (int k = 1; k <= 11; k++) {
                    const double *full = kkr_backtest_series_full(&bt, y, k);
                    const double *sd = kkr_backtest_series_sd(&bt, y, k);
                    for (int m = 0; m <= KKR_BACKTEST_METHODS; m++) {
                        double f, lo, hi;
                        if (m < KKR_BACKTEST_METHODS) {
                            if (!isfinite(full[m]))
                                continue;
                            f = full[m];
                            lo = f - z * sd[m];
                            hi = f + z * sd[m];
                        } else {
                            struct kkr_forecast a;
                            kkr_forecast_auto_choose(&bt, y, k, full, sd, opt, &a);
                            if (!a.method)
                                continue;
                            f = a.full;
                            lo = a.low;
                            hi = a.high;
                        }
                        out->cases[m][k]++;
                        out->mape[m][k] += fabs(f - o) / fabs(o) * 100.0;
                        if (o >= lo && o <= hi)
                            inside[m][k]++;
                        if (fn)
                            fn(userdata, (int)u, kind, wb->year - (s.years - 1) + y, k, m, f, lo,
                               hi, o);
                    }
                }
            }
            kkr_backtest_series_release(&bt);
            free(v);
            free(b);
        }
    }
    for (int m = 0; m <= KKR_BACKTEST_METHODS; m++)
        for (int k = 1; k <= 11; k++)
            if (out->cases[m][k]) {
                out->mape[m][k] /= out->cases[m][k];
                out->coverage[m][k] = 100.0 * inside[m][k] / out->cases[m][k];
            }
    return KKR_OK;
}
