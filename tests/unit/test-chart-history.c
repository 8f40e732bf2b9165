/* test-chart-history.c — the points of the prognoshistorik chart (kkr_chart_set_build): the
 * report month's locked snapshot is drawn, and a helårsbudget nobody replaced is no "aktuell"
 * forecast */
#include <stdlib.h>
#include <sys/stat.h>

#include "kkr/chart.h"
#include "kkr/rollup.h"
#include "kkr/workbook.h"
#include "test.h"
#include "tmpdir.h"

/* One unit, budget 1 200 000 kr a year (100 000 a month), utfall January to March; locked
 * forecasts of February (1 300 000) and March (1 250 000). */
static char *history_workbook(void)
{
    char *dir = tmp_workbook();
    tmp_write(dir, "verksamheter.csv", "kod;namn;överordnad\nÄO;Äldreomsorg;\n");
    tmp_write(dir, "budget.csv", "verksamhet;slag;period;belopp\nÄO;kostnad;2024;1 200 000\n");
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\nÄO;kostnad;202401;100 000\n"
                                 "ÄO;kostnad;202402;110 000\nÄO;kostnad;202403;105 000\n");
    char sub[600];
    snprintf(sub, sizeof sub, "%s/snapshots", dir);
    mkdir(sub, 0777);
    tmp_write(dir, "snapshots/202402.csv", "verksamhet;slag;prognos;metod;kommentar\n"
                                           "ÄO;kostnad;1300000,00;manuell;\n");
    tmp_write(dir, "snapshots/202403.csv", "verksamhet;slag;prognos;metod;kommentar\n"
                                           "ÄO;kostnad;1250000,00;manuell;\n");
    return dir;
}

/* The chart's points for the workbook in dir at period; count in *n (at most 13). */
static size_t points(const char *dir, int period, struct kkr_chart_point *out)
{
    struct kkr_diag d;
    struct kkr_workbook *wb = NULL;
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, NULL), KKR_OK);
    if (!wb)
        return 0;
    struct kkr_rollup r;
    CHECK_INT(kkr_rollup_build(wb, period, NULL, &r, &d), KKR_OK);
    struct kkr_chart_set_options so;
    kkr_chart_set_options_init(&so);
    struct kkr_chart_set set;
    size_t n = 0;
    CHECK_INT(kkr_chart_set_build(&set, wb, &r, &so, &d), KKR_OK);
    const struct kkr_chart *ch = &set.charts[KKR_CHART_PROGNOSHISTORIK];
    CHECK(set.present[KKR_CHART_PROGNOSHISTORIK]);
    CHECK_INT(ch->budget_full_ore, 120000000);
    for (n = 0; n < ch->point_count && n < 13; n++)
        out[n] = ch->points[n];
    kkr_chart_set_release(&set);
    kkr_rollup_release(&r);
    kkr_workbook_free(wb);
    return n;
}

int main(void)
{
    char *dir = history_workbook();
    struct kkr_chart_point p[13];

    /* no prognos.csv: both locked months, March's included; no "aktuell" point at the
     * helårsbudget */
    size_t n = points(dir, 3, p);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(p[0].month, 2);
        CHECK_INT(p[0].forecast_ore, 130000000);
        CHECK(!p[0].current);
        CHECK_INT(p[1].month, 3);
        CHECK_INT(p[1].forecast_ore, 125000000);
        CHECK(!p[1].current);
    }

    /* at period 2 (March's snapshot is later): February only, no aktuell */
    n = points(dir, 2, p);
    CHECK_INT(n, 1);
    CHECK(n == 1 && p[0].month == 2 && !p[0].current);

    /* prognos.csv equal to March's lock: the locked point is the current one */
    tmp_write(dir, "prognos.csv", "verksamhet;slag;prognos;kommentar\nÄO;kostnad;1 250 000;\n");
    n = points(dir, 3, p);
    CHECK_INT(n, 2);
    CHECK(n == 2 && p[1].month == 3 && !p[1].current);

    /* prognos.csv changed after the lock: the current forecast follows the locked one */
    tmp_write(dir, "prognos.csv", "verksamhet;slag;prognos;kommentar\nÄO;kostnad;1 280 000;\n");
    n = points(dir, 3, p);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK(p[1].month == 3 && !p[1].current);
        CHECK(p[2].month == 3 && p[2].current);
        CHECK_INT(p[2].forecast_ore, 128000000);
    }

    /* prognos.csv and no lock of the month: locked February, then the current March */
    char path[600];
    snprintf(path, sizeof path, "%s/snapshots/202403.csv", dir);
    unlink(path);
    n = points(dir, 3, p);
    CHECK_INT(n, 2);
    CHECK(n == 2 && p[0].month == 2 && !p[0].current && p[1].month == 3 && p[1].current);
    tmp_remove(dir);
    TEST_MAIN_END();
}
