/* test-followup.c — the forecast set rolled up the tree (sums, intervals, a 2 000-level chain),
 * the interval band's one rule, and the follow-up pipeline shared by report, lock and chart */
#include <math.h>
#include <stdlib.h>

#include "kkr/followup.h"
#include "kkr/forecast.h"
#include "kkr/money.h"
#include "test.h"
#include "tmpdir.h"

/* A: B, C (leaves). Budget 2024 per month; utfall January–March. */
static struct kkr_workbook *small_workbook(char **dir)
{
    *dir = tmp_workbook();
    tmp_write(*dir, "verksamheter.csv", "kod;namn;överordnad\nA;Omsorg;\nB;Hemtjänst;A\nC;Boende;A\n");
    tmp_write(*dir, "budget.csv",
              "verksamhet;slag;period;belopp\n"
              "B;kostnad;2024;1 200 000\n"
              "C;kostnad;2024;2 400 000\n"
              "C;intäkt;2024;-120 000\n"
              "A;kostnad;2024;12 000\n");
    tmp_write(*dir, "utfall.csv",
              "verksamhet;slag;period;belopp\n"
              "B;kostnad;202401;100 000,01\nB;kostnad;202402;110 000\nB;kostnad;202403;90 000\n"
              "C;kostnad;202401;200 000\nC;kostnad;202402;210 000\nC;kostnad;202403;205 000\n"
              "C;intäkt;202401;-10 000\n");
    struct kkr_workbook *wb = NULL;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(*dir, &wb, &d, NULL), KKR_OK);
    return wb;
}

static const struct kkr_forecast_row *find_row(const struct kkr_workbook *wb,
                                               const struct kkr_forecast_table *t,
                                               const char *code, int kind)
{
    int u = code ? kkr_workbook_find_unit(wb, code, strlen(code)) : -1;
    for (size_t i = 0; i < t->count; i++)
        if (t->rows[i].unit == u && t->rows[i].kind == kind)
            return &t->rows[i];
    return NULL;
}

static void test_band(void)
{
    struct kkr_diag d;
    int64_t lo = 1, hi = 2;
    /* sd 3 000 kr and 4 000 kr in quadrature: 5 000 kr; z(80 %) = 1.2815515655 -> ±6 407,76 kr */
    CHECK_INT(kkr_forecast_band(3000.0 * 3000.0 + 4000.0 * 4000.0, 0.8, 100000000, &lo, &hi, &d),
              KKR_OK);
    CHECK_INT(lo, 100000000 - 640776);
    CHECK_INT(hi, 100000000 + 640776);
    CHECK_INT(kkr_forecast_band(0.0, 0.8, -5, &lo, &hi, &d), KKR_OK);
    CHECK_INT(lo, -5);
    CHECK_INT(hi, -5);
    /* one rule for every band: too wide for öre is an error, not a wrap or a lost band */
    CHECK_INT(kkr_forecast_band(1e34, 0.8, 0, &lo, &hi, &d), KKR_ERR_OVERFLOW);
    CHECK(strstr(d.message, "interval") != NULL);
    CHECK_INT(kkr_forecast_band(1e30, 0.8, INT64_MAX - 10, &lo, &hi, &d), KKR_ERR_OVERFLOW);
    CHECK_INT(kkr_forecast_band(NAN, 0.8, 0, &lo, &hi, &d), KKR_ERR_OVERFLOW);
}

static void test_table(void)
{
    char *dir;
    struct kkr_workbook *wb = small_workbook(&dir);
    if (!wb) {
        tmp_remove(dir);
        return;
    }
    /* a hand-made set: B and C kostnad computed, C intäkt computed, A kostnad not */
    size_t n = kkr_workbook_slots(wb);
    int cost = kkr_workbook_find_slag(wb, "kostnad", strlen("kostnad"));
    int revenue = kkr_workbook_find_slag(wb, "intäkt", strlen("intäkt"));
    int64_t full[8] = {0}, low[8] = {0}, high[8] = {0};
    double sd[8] = {0};
    uint8_t has[8] = {0};
    const char *used[8] = {0};
    double step[8] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    int b = kkr_workbook_find_unit(wb, "B", 1), c = kkr_workbook_find_unit(wb, "C", 1);
    int a = kkr_workbook_find_unit(wb, "A", 1);
    size_t bk = kkr_workbook_slot(wb, b, cost), ck = kkr_workbook_slot(wb, c, cost);
    size_t ci = kkr_workbook_slot(wb, c, revenue);
    full[bk] = 123456789; low[bk] = 1; high[bk] = 2; sd[bk] = 3000; has[bk] = 1; used[bk] = "trend";
    full[ck] = 250000000; sd[ck] = 4000; has[ck] = 1; used[ck] = "ets";
    full[ci] = -11000000; sd[ci] = 0; has[ci] = 1; used[ci] = "runrate";
    struct kkr_forecast_set set = {2024, 3, &kkr_forecast_auto, n, full, low, high, sd, has,
                                   used, step, 0.8};
    struct kkr_forecast_table t;
    struct kkr_diag d;
    CHECK_INT(kkr_forecast_table_build(wb, &set, &t, &d), KKR_OK);
    /* three unit-kind rows (the set has), then A and the total */
    CHECK_INT(t.count, 5);
    const struct kkr_forecast_row *r = find_row(wb, &t, "B", cost);
    CHECK(r && r->forecast_ore == 123456789 && r->low_ore == 1 && r->high_ore == 2);
    CHECK(r && r->budget_ore == 120000000 && r->actual_ore == 30000001);
    CHECK_STR(r ? r->method : NULL, "trend");
    CHECK(find_row(wb, &t, "A", cost) == NULL);   /* not in the set: no row of its own */
    const struct kkr_forecast_row *pa = find_row(wb, &t, "A", -1);
    const struct kkr_forecast_row *tot = find_row(wb, &t, NULL, -1);
    CHECK(pa && tot);
    if (pa && tot) {
        /* A's own kostnad has no forecast: its budget (12 000 kr) stands in */
        CHECK_INT(pa->forecast_ore, 123456789 + 250000000 - 11000000 + 1200000);
        CHECK_INT(pa->budget_ore, 120000000 + 240000000 - 12000000 + 1200000);
        CHECK_INT(pa->actual_ore, 30000001 + 61500000 - 1000000);
        CHECK_INT(pa->low_ore, pa->forecast_ore - 640776);
        CHECK_INT(pa->high_ore, pa->forecast_ore + 640776);
        CHECK_STR(pa->method, "auto");
        CHECK_INT(tot->forecast_ore, pa->forecast_ore);
        CHECK_INT(tot->low_ore, pa->low_ore);
        CHECK(t.rows[3].unit == a && t.rows[4].unit == -1);
    }
    kkr_forecast_table_release(&t);
    /* a sum beyond int64 names its unit */
    full[ck] = INT64_MAX - 5;
    CHECK_INT(kkr_forecast_table_build(wb, &set, &t, &d), KKR_ERR_OVERFLOW);
    CHECK(strstr(d.message, "'A'") != NULL);
    CHECK(t.rows == NULL);
    kkr_workbook_free(wb);
    tmp_remove(dir);
}

/* A 2 000-level chain: one pass gives every level its subtree's sum (a parent × unit loop
 * took seconds here). */
static void test_chain(void)
{
    enum { LEVELS = 2000 };
    char *dir = tmp_workbook();
    size_t cap = (size_t)LEVELS * 64 + 64;
    char *units = malloc(cap), *budget = malloc(cap);
    size_t ul = (size_t)snprintf(units, cap, "kod;namn;överordnad\n");
    size_t bl = (size_t)snprintf(budget, cap, "verksamhet;slag;period;belopp\n");
    for (int i = 0; i < LEVELS; i++) {
        if (i == 0)
            ul += (size_t)snprintf(units + ul, cap - ul, "U0;Nivå 0;\n");
        else
            ul += (size_t)snprintf(units + ul, cap - ul, "U%d;Nivå %d;U%d\n", i, i, i - 1);
        bl += (size_t)snprintf(budget + bl, cap - bl, "U%d;kostnad;2024;%d\n", i, 12 * (i + 1));
    }
    tmp_write(dir, "verksamheter.csv", units);
    tmp_write(dir, "budget.csv", budget);
    tmp_write(dir, "utfall.csv", "verksamhet;slag;period;belopp\nU1999;kostnad;202401;5\n");
    free(units);
    free(budget);
    struct kkr_workbook *wb = NULL;
    struct kkr_diag d;
    CHECK_INT(kkr_workbook_load(dir, &wb, &d, NULL), KKR_OK);
    if (!wb)
        fprintf(stderr, "%s:%ld: %s\n", d.file, d.line, d.message);
    if (wb) {
        struct kkr_forecast_options fo;
        kkr_forecast_options_init(&fo);
        struct kkr_forecast_set *set = NULL;
        CHECK_INT(kkr_forecast_set_compute(wb, 1, &kkr_forecast_budget, &fo, &set, &d), KKR_OK);
        struct kkr_forecast_table t;
        CHECK_INT(kkr_forecast_table_build(wb, set, &t, &d), KKR_OK);
        /* 2 000 unit rows, 1 999 parents and the total */
        CHECK_INT(t.count, 2 * LEVELS);
        /* level i's subtree budget: Σ_{j >= i} 12 (j + 1) kr */
        for (int i = 0; i < LEVELS - 1; i += 333) {
            char code[16];
            snprintf(code, sizeof code, "U%d", i);
            const struct kkr_forecast_row *r = find_row(wb, &t, code, -1);
            int64_t want = 0;
            for (int j = i; j < LEVELS; j++)
                want += 1200 * (int64_t)(j + 1);
            CHECK(r && r->budget_ore == want);
        }
        const struct kkr_forecast_row *tot = find_row(wb, &t, NULL, -1);
        CHECK(tot && tot->actual_ore == 500);
        kkr_forecast_table_release(&t);
        kkr_forecast_set_free(set);
        kkr_workbook_free(wb);
    }
    tmp_remove(dir);
}

/* The pipeline: the roll-up of report is the roll-up lock freezes; the band from it. */
static void test_followup(void)
{
    char *dir;
    struct kkr_workbook *wb = small_workbook(&dir);
    if (!wb) {
        tmp_remove(dir);
        return;
    }
    struct kkr_followup_options opt;
    kkr_followup_options_init(&opt);
    CHECK_NEAR(opt.forecast.level, 0.8, 1e-12);
    opt.period = 3;
    struct kkr_followup f;
    struct kkr_diag d;
    /* no method: prognos = helårsbudget, no set, no band */
    CHECK_INT(kkr_followup_build(wb, &opt, &f, &d), KKR_OK);
    CHECK(f.set == NULL);
    CHECK_INT(kkr_rollup_total(&f.rollup)->net.forecast_full,
              kkr_rollup_total(&f.rollup)->net.budget_full);
    bool has = true;
    int64_t lo, hi;
    CHECK_INT(kkr_followup_band(wb, &f, -1, &has, &lo, &hi, &d), KKR_OK);
    CHECK(!has);
    kkr_followup_release(&f);

    opt.method = &kkr_forecast_runrate;
    CHECK_INT(kkr_followup_build(wb, &opt, &f, &d), KKR_OK);
    CHECK(f.set != NULL);
    /* B kostnad: runrate = utfall 1..3 / 3 × 12 */
    int b = kkr_workbook_find_unit(wb, "B", 1);
    size_t bk = kkr_workbook_slot(wb, b, kkr_workbook_find_slag(wb, "kostnad", 7));
    CHECK_INT(f.rollup.own[bk].forecast_full, 120000004);
    CHECK_INT(f.rollup.source[bk], KKR_FROM_COMPUTED);
    /* the same as building the roll-up by hand from the same set */
    struct kkr_rollup by_hand;
    struct kkr_forecast_fill fill = kkr_forecast_set_fill(f.set);
    CHECK_INT(kkr_rollup_build(wb, 3, &fill, &by_hand, &d), KKR_OK);
    CHECK_INT(kkr_rollup_total(&by_hand)->net.forecast_full,
              kkr_rollup_total(&f.rollup)->net.forecast_full);
    kkr_rollup_release(&by_hand);
    /* the band: computed parts' sds in quadrature around the total's prognos */
    double var = 0;
    for (size_t i = 0; i < f.set->count; i++)
        if (f.rollup.source[i] == KKR_FROM_COMPUTED && f.set->has[i])
            var += f.set->sd[i] * f.set->sd[i];
    int64_t want_lo, want_hi;
    int64_t net = kkr_rollup_total(&f.rollup)->net.forecast_full;
    CHECK_INT(kkr_forecast_band(var, 0.8, net, &want_lo, &want_hi, &d), KKR_OK);
    CHECK_INT(kkr_followup_band(wb, &f, -1, &has, &lo, &hi, &d), KKR_OK);
    CHECK(has == (var > 0));
    if (has) {
        CHECK_INT(lo, want_lo);
        CHECK_INT(hi, want_hi);
    }
    kkr_followup_release(&f);
    kkr_followup_release(&f);   /* released twice: nothing */

    /* a bad period fails and leaves *out empty */
    opt.period = 13;
    CHECK_INT(kkr_followup_build(wb, &opt, &f, &d), KKR_ERR_USAGE);
    CHECK(f.set == NULL && f.rollup.rows == NULL);
    kkr_workbook_free(wb);
    tmp_remove(dir);
}

int main(void)
{
    test_band();
    test_table();
    test_chain();
    test_followup();
    TEST_MAIN_END();
}
