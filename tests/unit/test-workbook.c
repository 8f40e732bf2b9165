/* test-workbook.c — loading: the bundled example, tree order, annual spreads, history, errors */
#include <stdlib.h>

#include "kkr/workbook.h"
#include "test.h"
#include "tmpdir.h"

static int64_t year_sum(const struct kkr_workbook *wb, const int64_t *series, int unit, int kind,
                        int year)
{
    int64_t sum = 0;
    size_t base = kkr_workbook_cell(wb, unit, kind);
    for (int m = 1; m <= 12; m++)
        sum += series[base + (size_t)kkr_workbook_month_index(wb, year, m)];
    return sum;
}

static void test_example(void)
{
    struct kkr_workbook *wb;
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_warnings_init(&w);
    CHECK_INT(kkr_workbook_load(KKR_SOURCE_ROOT "/budgets/smedjebacken-2020", &wb, &d, &w), KKR_OK);
    if (!wb)
        return;
    CHECK_INT(w.count, 0);
    CHECK_INT(wb->unit_count, 15);
    CHECK_INT(wb->year, 2020);
    CHECK_INT(wb->first_year, 2020);
    CHECK_INT(wb->last_actual_month, 5);
    CHECK_STR(wb->committee, "Omsorgsnämnden");
    int ao = kkr_workbook_find_unit(wb, "AO", 2), sb = kkr_workbook_find_unit(wb, " SB ", 4);
    CHECK(ao >= 0 && sb >= 0);
    CHECK_INT(wb->units[sb].parent, ao);
    CHECK_INT(wb->units[sb].depth, 1);
    CHECK(!wb->units[ao].is_leaf && wb->units[sb].is_leaf);
    CHECK(kkr_workbook_unit_within(wb, sb, ao));
    CHECK(!kkr_workbook_unit_within(wb, ao, sb));
    CHECK_INT(kkr_workbook_find_unit(wb, "sb", 2), -1); /* codes are exact */
    /* POL intäkt budget: the 12 months of budget.csv */
    int pol = kkr_workbook_find_unit(wb, "POL", 3);
    CHECK_INT(year_sum(wb, wb->budget_ore, pol, KKR_REVENUE, 2020), -11259200); /* -112 592,00 kr */
    CHECK(wb->forecast_has[kkr_workbook_slot(wb, pol, KKR_REVENUE)]);
    CHECK_INT(wb->forecast_ore[kkr_workbook_slot(wb, pol, KKR_REVENUE)], -12259500);

    struct kkr_snapshot *snap;
    CHECK_INT(kkr_snapshot_load(wb, 2020, 4, &snap, &d, &w), KKR_OK);
    int fov = kkr_workbook_find_unit(wb, "FOV", 3);
    CHECK_INT(snap->forecast_ore[kkr_workbook_slot(wb, fov, KKR_COST)], 884522700);
    CHECK_STR(snap->method[kkr_workbook_slot(wb, fov, KKR_COST)], "manuell");
    kkr_snapshot_free(snap);
    CHECK_INT(kkr_snapshot_load(wb, 2020, 3, &snap, &d, &w), KKR_ERR_NOT_FOUND);
    CHECK(snap == NULL);
    int *periods;
    size_t count;
    CHECK_INT(kkr_snapshot_list(wb, &periods, &count, &d), KKR_OK);
    CHECK_INT(count, 1);
    if (count)
        CHECK_INT(periods[0], 202004);
    free(periods);
    kkr_workbook_free(wb);
    kkr_warnings_release(&w);
}

static void test_tree_order_and_spread(void)
{
    char *dir = tmp_workbook();
    /* a child listed before its parent: report order still puts it under the parent */
    tmp_write(dir, "verksamheter.csv", "kod;namn;överordnad\nC;Barn;P\nT;Topp;\nP;Förälder;\n"
                                       "G;Barnbarn;C\n");
    /* 1 000,01 kr a year, evenly: 83,33 or 83,34 a month, adding up exactly */
    tmp_write(dir, "budget.csv", "verksamhet;slag;period;belopp\nG;kostnad;2021;1000,01\n"
                                 "C;kostnad;2021;-12,00\nT;intäkt;2021;-1200\n");
    tmp_write(dir, "periodisering.csv", "verksamhet;slag;månad;andel\nT;intäkt;7;50 %\n"
                                        "T;intäkt;8;50 %\n");
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\nG;kostnad;2019-03;10\n"
                                 "G;kostnad;202102;7\nG;kostnad;202102;3\n");
    struct kkr_workbook *wb;
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_warnings_init(&w);
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, &w), KKR_OK);
    if (wb) {
        CHECK_INT(wb->year, 2021);
        CHECK_INT(wb->first_year, 2019);
        CHECK_INT(wb->month_count, 36);
        CHECK_INT(wb->last_actual_month, 2);
        const char *expected[] = {"T", "P", "C", "G"};
        for (int i = 0; i < 4; i++)
            CHECK_STR(wb->units[wb->order[i]].code, expected[i]);
        int g = kkr_workbook_find_unit(wb, "G", 1), t = kkr_workbook_find_unit(wb, "T", 1);
        CHECK_INT(wb->units[g].depth, 2);
        CHECK_INT(year_sum(wb, wb->budget_ore, g, KKR_COST, 2021), 100001);
        size_t base = kkr_workbook_cell(wb, g, KKR_COST) + 24;
        for (int m = 0; m < 12; m++)
            CHECK(wb->budget_ore[base + m] == 8333 || wb->budget_ore[base + m] == 8334);
        size_t tb = kkr_workbook_cell(wb, t, KKR_REVENUE) + 24;
        CHECK_INT(wb->budget_ore[tb + 6], -60000);
        CHECK_INT(wb->budget_ore[tb + 7], -60000);
        CHECK_INT(wb->budget_ore[tb + 0], 0);
        /* two utfall rows for the same month are summed; history is kept */
        CHECK_INT(wb->actual_ore[base + 1], 1000);
        CHECK_INT(wb->actual_ore[kkr_workbook_cell(wb, g, KKR_COST) + 2], 1000);
        CHECK(wb->actual_has[base + 1] && !wb->actual_has[base + 2]);
        kkr_workbook_free(wb);
    }
    /* the leaf T has budget but no utfall */
    CHECK_INT(w.count, 1);
    if (w.count)
        CHECK(strstr(w.items[0], "unit 'T' has budget but no utfall in 2021") != NULL);
    kkr_warnings_release(&w);
    tmp_remove(dir);
}

static void expect_error(const char *units, const char *budget, enum kkr_status status,
                         const char *file, long line, long column, const char *message_part)
{
    char *dir = tmp_workbook();
    tmp_write(dir, "verksamheter.csv", units);
    tmp_write(dir, "budget.csv", budget);
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\n");
    struct kkr_workbook *wb = (void *)1;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, NULL), status);
    CHECK(wb == NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    CHECK_STR(d.file, path);
    CHECK_INT(d.line, line);
    CHECK_INT(d.column, column);
    if (!strstr(d.message, message_part)) {
        fprintf(stderr, "message '%s' lacks '%s'\n", d.message, message_part);
        CHECK(0);
    }
    tmp_remove(dir);
}

static void test_errors(void)
{
    const char *units = "kod;namn;överordnad\nA;A;\nB;B;A\n";
    const char *budget = "verksamhet;slag;period;belopp\n";
    expect_error(units, "verksamhet;slag;period;belopp\nA;kostnad;202013;1\n", KKR_ERR_SYNTAX,
                 "budget.csv", 2, 3, "period '202013'");
    expect_error(units, "verksamhet;slag;period;belopp\nX;kostnad;202001;1\n", KKR_ERR_VALUE,
                 "budget.csv", 2, 1, "unknown verksamhet 'X'");
    expect_error(units, "verksamhet;slag;period;belopp\nA;skatt;202001;1\n", KKR_ERR_VALUE,
                 "budget.csv", 2, 2, "unknown slag 'skatt'");
    expect_error(units, "verksamhet;slag;period;belopp\nA;kostnad;202001;12,3x\n",
                 KKR_ERR_SYNTAX, "budget.csv", 2, 4, "cannot parse amount '12,3x'");
    expect_error(units,
                 "verksamhet;slag;period;belopp\nA;kostnad;202001;90000000000000000\n"
                 "A;kostnad;202001;90000000000000000\n",
                 KKR_ERR_OVERFLOW, "budget.csv", 3, 4, "overflows");
    expect_error("kod;namn;överordnad\nA;A;C\nB;B;A\nC;C;B\n", budget, KKR_ERR_VALUE,
                 "verksamheter.csv", 2, 3, "cycle");
    expect_error("kod;namn;överordnad\nA;A;\nA;B;\n", budget, KKR_ERR_VALUE, "verksamheter.csv",
                 3, 1, "duplicate kod 'A', first on line 2");
    expect_error("kod;namn;överordnad\nA;A;Z\n", budget, KKR_ERR_VALUE, "verksamheter.csv", 2, 3,
                 "unknown överordnad 'Z'");
}

static void test_period_parse(void)
{
    int y = 0, m = 0;
    CHECK(kkr_period_parse("202005", 6, &y, &m) && y == 2020 && m == 5);
    CHECK(kkr_period_parse("2020-12", 7, &y, &m) && y == 2020 && m == 12);
    CHECK(kkr_period_parse("2021", 4, &y, &m) && y == 2021 && m == 0);
    CHECK(!kkr_period_parse("2020-13", 7, &y, &m));
    CHECK(!kkr_period_parse("20205", 5, &y, &m));
    CHECK(!kkr_period_parse("202000", 6, &y, &m));
    CHECK(!kkr_period_parse("2020-1", 6, &y, &m));
    CHECK(!kkr_period_parse("1850", 4, &y, &m));
    enum kkr_kind k;
    CHECK(kkr_kind_parse("Intäkter", strlen("Intäkter"), &k) && k == KKR_REVENUE);
    CHECK(kkr_kind_parse("KOSTNAD", 7, &k) && k == KKR_COST);
    CHECK(!kkr_kind_parse("netto", 5, &k));
    CHECK_STR(kkr_month_name(5), "maj");
}

int main(void)
{
    test_example();
    test_tree_order_and_spread();
    test_errors();
    test_period_parse();
    TEST_MAIN_END();
}
