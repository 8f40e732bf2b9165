/* forecast-dump.c — the backtest table of every series of a workbook, for tuning auto on half A
 *
 * usage: forecast-dump DIR [LEVEL]
 * Prints kod;y;k;replayed;outcome;budget_total; then full and sd of the KKR_BACKTEST_MEMBERS
 * members, then auto's forecast, low and high (empty where not run), for every complete year of
 * every unit with kind kostnad that the backtest replays or keeps for auto's weights.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kkr/forecast.h"
#include "kkr/workbook.h"

static void num(double v)
{
    if (isfinite(v))
        printf(";%.6g", v);
    else
        printf(";");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: forecast-dump DIR [LEVEL]\n");
        return 2;
    }
    struct kkr_diag diag;
    struct kkr_warnings warn = {0};
    struct kkr_workbook *wb;
    if (kkr_workbook_load(argv[1], &wb, &diag, &warn) != KKR_OK) {
        fprintf(stderr, "forecast-dump: cannot load %s\n", argv[1]);
        return 1;
    }
    struct kkr_forecast_options opt;
    kkr_forecast_options_init(&opt);
    if (argc > 2)
        opt.level = atof(argv[2]);
    for (size_t u = 0; u < wb->unit_count; u++) {
        for (int kind = 0; kind < (int)wb->slag_count; kind++) {
            double *v, *b;
            struct kkr_series s;
            if (kkr_forecast_series_from_workbook(wb, (int)u, kind, 0, &v, &b, &s, &diag) != KKR_OK)
                return 1;
            if (s.years < 3 || s.start > 12 * (s.years - 3)) {
                free(v);
                free(b);
                continue;
            }
            struct kkr_backtest_series bt;
            if (kkr_backtest_series_compute(&s, &opt, &bt, &diag) != KKR_OK)
                return 1;
            for (int y = 0; y < s.years - 1; y++) {
                double o = bt.outcome[y];
                if (!isfinite(o) || o == 0.0)
                    continue;
                for (int k = 1; k <= 11; k++) {
                    const double *full = kkr_backtest_series_full(&bt, y, k);
                    const double *sd = kkr_backtest_series_sd(&bt, y, k);
                    printf("%s;%s;%d;%d;%d", wb->units[u].code, wb->slag[kind].code, y, k,
                           y >= bt.first);
                    num(o);
                    num(bt.budget_total[y]);
                    for (int m = 0; m < KKR_BACKTEST_MEMBERS; m++)
                        num(full[m]);
                    for (int m = 0; m < KKR_BACKTEST_MEMBERS; m++)
                        num(sd[m]);
                    struct kkr_forecast a = {0};
                    if (y >= bt.first)
                        kkr_forecast_auto_choose(&bt, y, k, full, sd, &opt, &a);
                    if (a.method) {
                        num(a.full);
                        num(a.low);
                        num(a.high);
                    } else
                        printf(";;;");
                    printf("\n");
                }
            }
            kkr_backtest_series_release(&bt);
            free(v);
            free(b);
        }
    }
    kkr_workbook_free(wb);
    return 0;
}
