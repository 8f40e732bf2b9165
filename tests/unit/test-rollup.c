/* test-rollup.c — exact sums up the tree, forecast sources, the published total of 80 853 */
#include "kkr/money.h"
#include "kkr/rollup.h"
#include "test.h"
#include "tmpdir.h"

static const struct kkr_rollup_row *row_of(const struct kkr_workbook *wb,
                                           const struct kkr_rollup *r, const char *code)
{
    int u = kkr_workbook_find_unit(wb, code, strlen(code));
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].unit == u)
            return &r->rows[i];
    return NULL;
}

static void test_example(void)
{
    struct kkr_workbook *wb;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(KKR_SOURCE_ROOT "/budgets/smedjebacken-2020", &wb, &d, NULL),
              KKR_OK);
    if (!wb)
        return;
    struct kkr_rollup r;
    CHECK_INT(kkr_rollup_build(wb, 5, NULL, &r, &d), KKR_OK);
    const struct kkr_rollup_row *t = kkr_rollup_total(&r);
    CHECK_INT(t->unit, -1);
    /* the total reads 80 853 kkr while the rounded rows add up to 80 852 */
    CHECK_INT(kkr_money_in_unit(t->net.budget_ytd, KKR_UNIT_KKR), 80853);
    int64_t rounded_rows = 0;
    for (size_t i = 0; i + 1 < r.row_count; i++)
        if (r.rows[i].depth == 0)
            rounded_rows += kkr_money_in_unit(r.rows[i].net.budget_ytd, KKR_UNIT_KKR);
    CHECK_INT(rounded_rows, 80852);
    /* a parent is the exact sum of its children */
    const struct kkr_rollup_row *ao = row_of(wb, &r, "AO");
    int64_t children = 0;
    const char *kids[] = {"SB", "KB", "HT", "OAO"};
    for (int i = 0; i < 4; i++)
        children += row_of(wb, &r, kids[i])->net.forecast_full;
    CHECK_INT(ao->net.forecast_full, children);
    CHECK_INT(kkr_money_in_unit(kkr_figures_variance_full(&t->net), KKR_UNIT_KKR), -400);
    CHECK_INT(kkr_figures_variance_full(&t->net), -40000000); /* exactly -400 000,00 kr */
    CHECK(!t->computed);
    CHECK(t->entered);
    /* slag rows */
    CHECK_INT(kkr_money_in_unit(t->kind[KKR_REVENUE].actual_ytd, KKR_UNIT_KKR), -9925);
    CHECK_INT(kkr_money_in_unit(t->kind[KKR_COST].forecast_full, KKR_UNIT_KKR), 220150);
    int64_t helar = t->net.budget_full;
    kkr_rollup_release(&r);

    /* period 3: the sum of months 1..3 of every unit, the same helår */
    CHECK_INT(kkr_rollup_build(wb, 3, NULL, &r, &d), KKR_OK);
    int64_t q1 = 0;
    for (size_t u = 0; u < wb->unit_count; u++)
        for (int k = 0; k < (int)wb->slag_count; k++)
            for (int m = 0; m < 3; m++)
                q1 += wb->budget_ore[kkr_workbook_cell(wb, (int)u, k) + (size_t)m];
    CHECK_INT(kkr_rollup_total(&r)->net.budget_ytd, q1);
    CHECK_INT(kkr_rollup_total(&r)->net.budget_full, helar);
    kkr_rollup_release(&r);
    CHECK_INT(kkr_rollup_build(wb, 13, NULL, &r, &d), KKR_ERR_USAGE);
    kkr_workbook_free(wb);
}

static void test_sources(void)
{
    char *dir = tmp_workbook();
    tmp_write(dir, "verksamheter.csv", "kod;namn;överordnad\nP;P;\nA;A;P\nB;B;P\nE;Tom;\n");
    tmp_write(dir, "budget.csv", "verksamhet;slag;period;belopp\nA;kostnad;2022;1200\n"
                                 "B;kostnad;2022;2400\nP;kostnad;202201;5\n");
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\nA;kostnad;202201;150\n"
                                 "B;kostnad;202201;100\n");
    tmp_write(dir, "prognos.csv", "verksamhet;slag;prognos\nA;kostnad;1500\n");
    struct kkr_workbook *wb;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, NULL), KKR_OK);
    if (wb) {
        struct kkr_rollup r;
        /* A entered, B computed (from the fill), P's own amount from the budget */
        int64_t fill_ore[8] = {0};
        uint8_t fill_has[8] = {0};
        int b = kkr_workbook_find_unit(wb, "B", 1);
        fill_ore[b * 2 + KKR_COST] = 300000;
        fill_has[b * 2 + KKR_COST] = 1;
        struct kkr_forecast_fill fill = {fill_ore, fill_has, "runrate"};
        CHECK_INT(kkr_rollup_build(wb, 1, &fill, &r, &d), KKR_OK);
        const struct kkr_rollup_row *p = row_of(wb, &r, "P");
        CHECK_INT(p->net.forecast_full, 150000 + 300000 + 500);
        CHECK_INT(p->net.budget_full, 120000 + 240000 + 500);
        CHECK_INT(p->net.actual_ytd, 25000);
        CHECK_INT(p->net.budget_ytd, 10000 + 20000 + 500);
        CHECK(p->computed && p->entered);
        CHECK(!row_of(wb, &r, "A")->computed);
        CHECK_INT(r.source[b * 2 + KKR_COST], KKR_FROM_COMPUTED);
        int e = kkr_workbook_find_unit(wb, "E", 1);
        CHECK_INT(r.source[e * 2 + KKR_COST], KKR_FROM_NONE);
        CHECK(!row_of(wb, &r, "E")->computed);
        CHECK_STR(r.method, "runrate");
        CHECK_INT(kkr_rollup_total(&r)->net.forecast_full, 450500);
        kkr_rollup_release(&r);

        /* a replaced forecast set (a snapshot or a scenario) */
        int64_t alt[8] = {0};
        uint8_t alt_has[8] = {0};
        int a = kkr_workbook_find_unit(wb, "A", 1);
        alt[a * 2 + KKR_COST] = 100000;
        alt_has[a * 2 + KKR_COST] = 1;
        CHECK_INT(kkr_rollup_build_with(wb, 1, alt, alt_has, NULL, &r, &d), KKR_OK);
        CHECK_INT(kkr_rollup_total(&r)->net.forecast_full, 100000 + 240000 + 500);
        kkr_rollup_release(&r);
        kkr_workbook_free(wb);
    }
    tmp_remove(dir);
}

int main(void)
{
    test_example();
    test_sources();
    TEST_MAIN_END();
}
