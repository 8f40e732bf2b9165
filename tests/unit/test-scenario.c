/* test-scenario.c — unit tests for scenario.c and scenario-sim.c: measures, drivers, bridge,
 * simulation against exact enumeration */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "kkr/scenario.h"
#include "../bench/sim-naive.h"
#include "test.h"

#define KR(x) ((int64_t)(x) * 100)

static void test_drivers(void)
{
    int64_t e = 0;
    /* 2 new cases from June (202006): 7 months × 85 000 kr × 2 = 1 190 000 kr, a cost. */
    CHECK(kkr_measure_drivers_effect(2.0, KR(85000), 6, &e));
    CHECK_INT(e, -KR(1190000));
    /* From December: one month. */
    CHECK(kkr_measure_drivers_effect(1.0, KR(85000), 12, &e));
    CHECK_INT(e, -KR(85000));
    /* From January: the whole year. */
    CHECK(kkr_measure_drivers_effect(3.0, 1234567, 1, &e));
    CHECK_INT(e, -3 * 12 * 1234567LL);
    /* Half a position from 202009: 0,5 × 40 000 × 4 = 80 000 kr. */
    CHECK(kkr_measure_drivers_effect(0.5, KR(40000), 9, &e));
    CHECK_INT(e, -KR(80000));
    /* A negative per_månad is a saving per month. */
    CHECK(kkr_measure_drivers_effect(1.0, -KR(10000), 7, &e));
    CHECK_INT(e, KR(60000));
    e = 42;
    CHECK(!kkr_measure_drivers_effect(1.0, KR(1), 13, &e));
    CHECK(!kkr_measure_drivers_effect(1.0, KR(1), 0, &e));
    CHECK(!kkr_measure_drivers_effect(-1.0, KR(1), 1, &e));
    CHECK(!kkr_measure_drivers_effect(2.0, INT64_MAX / 3, 1, &e));
    CHECK_INT(e, 42);
}

static void test_expected(void)
{
    int64_t x = 0;
    CHECK(kkr_measure_expected(KR(100000), 0.8, &x));
    CHECK_INT(x, KR(80000));
    CHECK(kkr_measure_expected(KR(-300000), 1.0, &x));
    CHECK_INT(x, KR(-300000));
    CHECK(kkr_measure_expected(KR(123456), 0.0, &x));
    CHECK_INT(x, 0);
    /* Half an öre rounds away from zero, as written in decimal (0,35 is not exact in binary). */
    CHECK(kkr_measure_expected(10, 0.35, &x));
    CHECK_INT(x, 4);
    CHECK(kkr_measure_expected(-10, 0.35, &x));
    CHECK_INT(x, -4);
    CHECK(kkr_measure_expected(12345, 0.5, &x));
    CHECK_INT(x, 6173);
    CHECK(kkr_measure_expected(-12345, 0.5, &x));
    CHECK_INT(x, -6173);
    /* 1 234 567,89 kr × 0,3 = 370 370,367 kr -> 370 370,37 kr */
    CHECK(kkr_measure_expected(123456789, 0.3, &x));
    CHECK_INT(x, 37037037);
    CHECK(!kkr_measure_expected(100, 1.3, &x));
    CHECK(!kkr_measure_expected(100, -0.1, &x));
}

static const char *load_error(const char *csv, struct kkr_diag *diag, enum kkr_status *st)
{
    struct kkr_measures *m = NULL;
    kkr_diag_clear(diag);
    *st = kkr_measures_load_buffer("m.csv", csv, strlen(csv), NULL, &m, diag, NULL);
    CHECK(m == NULL);
    kkr_measures_free(m);
    return diag->message;
}

static void test_load_buffer(void)
{
    const char *csv =
        "verksamhet;beskrivning;effekt;sannolikhet;slag;spridning\n"
        ";Ökade intäkter;100 000;80 %;intäkt;\n"
        ";Vakanser;\"1 234 567,89\";0,3;;50 000\n"
        ";Oförutsedd kostnad;-540 000;;;\n";
    struct kkr_measures *m = NULL;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    enum kkr_status st = kkr_measures_load_buffer("scen/a.csv", csv, strlen(csv), NULL, &m,
                                                  &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st != KKR_OK) {
        fprintf(stderr, "%s\n", diag.message);
        return;
    }
    CHECK_STR(m->name, "a");
    CHECK_INT(m->count, 3);
    CHECK_STR(m->items[0].description, "Ökade intäkter");
    CHECK_INT(m->items[0].unit, -1);
    CHECK_INT(m->items[0].kind, KKR_REVENUE);
    CHECK_INT(m->items[0].effect_ore, KR(100000));
    CHECK_NEAR(m->items[0].probability, 0.8, 1e-12);
    CHECK_INT(m->items[0].expected_ore, KR(80000));
    CHECK_INT(m->items[0].line, 2);
    CHECK_INT(m->items[1].effect_ore, 123456789);
    CHECK_INT(m->items[1].expected_ore, 37037037);
    CHECK_INT(m->items[1].spread_ore, KR(50000));
    CHECK_INT(m->items[1].kind, -1);
    CHECK_NEAR(m->items[2].probability, 1.0, 0);
    CHECK_INT(m->items[2].expected_ore, KR(-540000));

    /* The bridge without a workbook, from a given baseline. */
    struct kkr_bridge *b = NULL;
    st = kkr_bridge_from_baseline(NULL, m, KR(-1000000), "Prognos april", &b, &diag);
    CHECK_INT(st, KKR_OK);
    if (b) {
        CHECK_INT(b->step_count, 3);
        CHECK_INT(b->measures_ore, KR(80000) + 37037037 - KR(540000));
        CHECK_INT(b->result_ore, KR(-1000000) + KR(80000) + 37037037 - KR(540000));
        CHECK(!b->reconciled);
        CHECK(b->steps[0].unit_code == NULL);
        CHECK_STR(b->steps[1].label, "Vakanser");
    }
    kkr_bridge_free(b);

    struct kkr_sim_input in;
    CHECK_INT(kkr_sim_input_from_measures(m, KR(-7), &in, &diag), KKR_OK);
    CHECK_INT(in.count, 3);
    CHECK_INT(in.effect_ore[1], 123456789);
    CHECK_INT(in.spread_ore[1], KR(50000));
    CHECK_INT(in.baseline_ore, KR(-7));
    kkr_sim_input_release(&in);
    kkr_measures_free(m);

    /* Drivers instead of effekt. */
    const char *drv = "verksamhet;beskrivning;antal;per_månad;från_period;sannolikhet\n"
                      ";Nya assistansärenden;2;85 000;202006;1\n"
                      ";Halvtid;0,5;40 000;2020-09;50 %\n";
    kkr_diag_clear(&diag);
    st = kkr_measures_load_buffer("d.csv", drv, strlen(drv), NULL, &m, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st == KKR_OK) {
        CHECK_INT(m->count, 2);
        CHECK(m->items[0].from_drivers);
        CHECK_INT(m->items[0].months, 7);
        CHECK_INT(m->items[0].effect_ore, KR(-1190000));
        CHECK_INT(m->items[0].expected_ore, KR(-1190000));
        CHECK_INT(m->items[1].months, 4);
        CHECK_INT(m->items[1].effect_ore, KR(-80000));
        CHECK_INT(m->items[1].expected_ore, KR(-40000));
    } else {
        fprintf(stderr, "%s\n", diag.message);
    }
    kkr_measures_free(m);

    /* Errors: file:line:column and what. */
    const char *msg = load_error("verksamhet;beskrivning;effekt;sannolikhet\n"
                                 ";A;100;0,5\n;B;100;1,3\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_VALUE);
    CHECK_STR(diag.file, "m.csv");
    CHECK_INT(diag.line, 3);
    CHECK_INT(diag.column, 4);
    CHECK_STR(msg, "sannolikhet '1,3' is outside 0..1, expected a probability like '0,8' or "
                   "'80 %'");
    msg = load_error("verksamhet;beskrivning;effekt;antal;per_månad;från_period\n"
                     ";A;100;2;85 000;202006\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_VALUE);
    CHECK_INT(diag.line, 2);
    CHECK_INT(diag.column, 4);
    CHECK_STR(msg, "both effekt and antal given, expected either 'effekt' or "
                   "'antal;per_månad;från_period'");
    msg = load_error("verksamhet;beskrivning;antal;per_månad;från_period\n"
                     ";A;2;85 000;202013\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_SYNTAX);
    CHECK_INT(diag.column, 5);
    CHECK_STR(msg, "cannot parse period '202013', expected YYYYMM or YYYY-MM");
    msg = load_error("verksamhet;beskrivning;antal;per_månad;från_period\n"
                     ";A;2;;202006\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_VALUE);
    CHECK_STR(msg, "missing per_månad, expected 'antal;per_månad;från_period' together");
    msg = load_error("verksamhet;beskrivning;effekt\n;A;12,3x\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_SYNTAX);
    CHECK_INT(diag.column, 3);
    CHECK_STR(msg, "cannot parse amount '12,3x' in column 'effekt', expected kronor like "
                   "'-1 234,56'");
    msg = load_error("verksamhet;beskrivning;effekt\n;A;\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_VALUE);
    CHECK_STR(msg, "no effekt given, expected 'effekt' or 'antal;per_månad;från_period'");
    /* Without a workbook every unit is unknown. */
    msg = load_error("verksamhet;beskrivning;effekt\nXX;A;1\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_VALUE);
    CHECK_INT(diag.column, 1);
    msg = load_error("verksamhet;beskrivning;effekt;sannolikhet\n;A;1;mycket\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_SYNTAX);
    /* A header with neither effekt nor all three drivers: line 1, as a missing column. */
    msg = load_error("verksamhet;beskrivning;sannolikhet\n;A;1\n", &diag, &st);
    CHECK_INT(st, KKR_ERR_SYNTAX);
    CHECK_INT(diag.line, 1);
    CHECK_INT(diag.column, 0);
    CHECK_STR(msg, "missing column 'effekt' in the header, expected "
                   "'verksamhet;beskrivning;effekt;sannolikhet' or "
                   "'verksamhet;beskrivning;antal;per_månad;från_period;sannolikhet'");
    msg = load_error("verksamhet;beskrivning;antal;från_period\n;A;2;202006\n", &diag, &st);
    CHECK_INT(diag.line, 1);
    CHECK(strstr(msg, "missing column 'per_månad'") == msg);
    /* Only a header: no measures, one warning. */
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    const char *hdr = "verksamhet;beskrivning;effekt;sannolikhet\n";
    CHECK_INT(kkr_measures_load_buffer("h.csv", hdr, strlen(hdr), NULL, &m, &diag, &warn),
              KKR_OK);
    CHECK(m != NULL && m->count == 0);
    CHECK_INT(warn.count, 1);
    if (warn.count == 1)
        CHECK_STR(warn.items[0], "h.csv: no measures, only a header");
    kkr_measures_free(m);
    kkr_warnings_release(&warn);
}

/* ---- simulation ---- */

static void test_summarize(void)
{
    int64_t r[5] = {5, 1, 3, 2, 4};
    struct kkr_sim_summary s;
    kkr_sim_summarize(r, 5, 3, 2, &s);
    CHECK_INT(s.draws, 5);
    CHECK_NEAR(s.p_target, 0.6, 1e-15);
    CHECK_INT(s.p10_ore, 1);
    CHECK_INT(s.p50_ore, 3);
    CHECK_INT(s.p90_ore, 5);
    CHECK_INT(s.p20_ore, 2);
    CHECK_NEAR(s.mean_ore, 3.0, 1e-12);
    CHECK_INT(s.need_expected_ore, 1);
    CHECK_INT(s.need_80_ore, 1);
}

static void test_exact_by_hand(void)
{
    /* Two coin flips of 100 and 200 kr from -250 kr: -250, -150, -50, +50 kr, each 1/4. */
    double p[2] = {0.5, 0.5};
    int64_t e[2] = {KR(100), KR(200)};
    struct kkr_sim_input in = {2, p, e, NULL, KR(-250)};
    struct kkr_sim_summary s;
    struct kkr_diag diag;
    CHECK_INT(kkr_sim_exact(&in, 0, KR(-100), &s, &diag), KKR_OK);
    CHECK_NEAR(s.p_target, 0.25, 1e-15);
    CHECK_INT(s.p10_ore, KR(-250));
    CHECK_INT(s.p50_ore, KR(-150));
    CHECK_INT(s.p90_ore, KR(50));
    CHECK_INT(s.p20_ore, KR(-250));
    CHECK_NEAR(s.mean_ore, KR(-100), 1e-6);
    CHECK_INT(s.need_expected_ore, KR(100));
    CHECK_INT(s.need_80_ore, KR(250));

    /* A certain measure and an impossible one only shift the result. */
    double p2[3] = {1.0, 0.0, 0.9};
    int64_t e2[3] = {KR(1000), KR(5000), KR(300)};
    struct kkr_sim_input in2 = {3, p2, e2, NULL, KR(-1200)};
    CHECK_INT(kkr_sim_exact(&in2, 0, KR(70), &s, &diag), KKR_OK);
    CHECK_NEAR(s.p_target, 0.9, 1e-12);
    CHECK_INT(s.p10_ore, KR(-200));
    CHECK_INT(s.p20_ore, KR(100));
    CHECK_INT(s.need_80_ore, 0);

    /* Too many uncertain measures, or a spread: not enumerable. */
    double p3[21];
    int64_t e3[21];
    for (int i = 0; i < 21; i++)
        p3[i] = 0.5, e3[i] = KR(1);
    struct kkr_sim_input in3 = {21, p3, e3, NULL, 0};
    CHECK_INT(kkr_sim_exact(&in3, 0, 0, &s, &diag), KKR_ERR_USAGE);
    int64_t sp[2] = {0, KR(5)};
    struct kkr_sim_input in4 = {2, p, e, sp, 0};
    CHECK_INT(kkr_sim_exact(&in4, 0, 0, &s, &diag), KKR_ERR_USAGE);
    double bad[2] = {0.5, 1.3};
    struct kkr_sim_input in5 = {2, bad, e, NULL, 0};
    int64_t out[4];
    CHECK_INT(kkr_sim_draw(&in5, 4, 1, out, &diag), KKR_ERR_VALUE);
    CHECK_INT(kkr_sim_exact(&in5, 0, 0, &s, &diag), KKR_ERR_VALUE);
    int64_t huge[2] = {INT64_MAX / 2, INT64_MAX / 2 + 10};
    struct kkr_sim_input in6 = {2, p, huge, NULL, 0};
    CHECK_INT(kkr_sim_draw(&in6, 4, 1, out, &diag), KKR_ERR_OVERFLOW);
}

/* A scenario of n independent all-or-nothing measures with varied probabilities and effects
 * (savings and costs), deterministic. */
static void make_measures(size_t n, double *p, int64_t *e)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = 0.05 + 0.9 * (double)((i * 37) % 19) / 18.0;
        int64_t kr = 50000 + (int64_t)((i * 7919) % 23) * 25000 + (int64_t)i * 1237;
        e[i] = (i % 4 == 3 ? -kr : kr) * 100 + (int64_t)(i * 17 % 100);
    }
}

static void compare_with_exact(size_t n, int64_t baseline_ore, int64_t target_ore, size_t draws,
                               bool naive)
{
    double p[20];
    int64_t e[20];
    make_measures(n, p, e);
    struct kkr_sim_input in = {n, p, e, NULL, baseline_ore};
    struct kkr_sim_summary exact, sim;
    struct kkr_diag diag;
    CHECK_INT(kkr_sim_exact(&in, target_ore, 0, &exact, &diag), KKR_OK);
    /* The case must be a real test: neither certain nor impossible. */
    CHECK(exact.p_target > 0.05 && exact.p_target < 0.95);
    if (getenv("KKR_TEST_VERBOSE"))
        printf("n=%zu exact P=%.6f mean=%.0f\n", n, exact.p_target, exact.mean_ore);
    int64_t *r = malloc(draws * sizeof *r);
    if (!r)
        return;
    double se = sqrt(exact.p_target * (1.0 - exact.p_target) / (double)draws);
    const unsigned long seeds[] = {1, 2, 42, 20200603, 4294967295UL};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        enum kkr_status st = naive ? sim_draw_naive(&in, draws, seeds[s], r, &diag)
                                   : kkr_sim_draw(&in, draws, seeds[s], r, &diag);
        CHECK_INT(st, KKR_OK);
        kkr_sim_summarize(r, draws, target_ore, 0, &sim);
        CHECK_NEAR(sim.p_target, exact.p_target, 4.0 * se);
        if (getenv("KKR_TEST_VERBOSE"))
            printf("  %s seed %lu: simulated P=%.6f (%+.2f se)\n", naive ? "naive" : "alias",
                   seeds[s], sim.p_target, (sim.p_target - exact.p_target) / se);
        /* The mean too, within 4 standard errors of the exact variance. */
        double var = 0;
        for (size_t i = 0; i < n; i++)
            var += p[i] * (1 - p[i]) * (double)e[i] * (double)e[i];
        CHECK_NEAR(sim.mean_ore, exact.mean_ore, 4.0 * sqrt(var / (double)draws));
    }
    free(r);
}

static void test_sim_vs_exact(void)
{
    /* Targets near the middle of the distribution. */
    compare_with_exact(12, KR(-1000000), 0, 200000, false);
    compare_with_exact(20, KR(-1800000), 0, 200000, false);
    compare_with_exact(3, KR(-500000), 0, 100000, false);
    compare_with_exact(11, KR(-1000000), 0, 100000, false);
    compare_with_exact(12, KR(-1000000), 0, 100000, true);
}

static void test_sim_properties(void)
{
    double p[25];
    int64_t e[25];
    for (size_t i = 0; i < 25; i++) {
        p[i] = 0.1 + 0.03 * (double)i;
        e[i] = KR(10000) * (int64_t)(i + 1);
    }
    struct kkr_sim_input in = {25, p, e, NULL, KR(-500000)};
    struct kkr_diag diag;
    int64_t a[1000], b[1000], c[1000];
    CHECK_INT(kkr_sim_draw(&in, 1000, 7, a, &diag), KKR_OK);
    CHECK_INT(kkr_sim_draw(&in, 1000, 7, b, &diag), KKR_OK);
    CHECK_INT(kkr_sim_draw(&in, 1000, 8, c, &diag), KKR_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, c, sizeof a) != 0);
    /* Every draw is the baseline plus a subset sum of the effects (all multiples of 10 000
     * kr) and within the possible range. */
    int64_t lo = KR(-500000), hi = lo;
    for (size_t i = 0; i < 25; i++)
        hi += e[i];
    bool ok = true;
    for (size_t i = 0; i < 1000; i++)
        ok = ok && a[i] >= lo && a[i] <= hi && (a[i] - lo) % KR(10000) == 0;
    CHECK(ok);

    /* All certain: every draw is the same. */
    double one[3] = {1.0, 0.0, 1.0};
    int64_t eff[3] = {KR(200000), KR(999), KR(-240000)};
    struct kkr_sim_input cert = {3, one, eff, NULL, KR(-1000000)};
    CHECK_INT(kkr_sim_draw(&cert, 1000, 1, a, &diag), KKR_OK);
    ok = true;
    for (size_t i = 0; i < 1000; i++)
        ok = ok && a[i] == KR(-1040000);
    CHECK(ok);

    /* A spread: effect 100 000 kr ± 20 000 kr with p = 0,5: mean 50 000 kr. */
    double ps[1] = {0.5};
    int64_t es[1] = {KR(100000)}, ss[1] = {KR(20000)};
    struct kkr_sim_input spread = {1, ps, es, ss, 0};
    size_t n = 200000;
    int64_t *r = malloc(n * sizeof *r);
    if (r) {
        CHECK_INT(kkr_sim_draw(&spread, n, 3, r, &diag), KKR_OK);
        struct kkr_sim_summary s;
        kkr_sim_summarize(r, n, 1, KR(50000), &s);
        double sd = sqrt(0.5 * KR(20000) * (double)KR(20000) + 0.25 * (double)KR(100000)
                         * (double)KR(100000));
        CHECK_NEAR(s.mean_ore, KR(50000), 4.0 * sd / sqrt((double)n));
        /* P(result >= 1 öre) = P(in) × P(effect > 0) ≈ 0,5 */
        CHECK_NEAR(s.p_target, 0.5, 4.0 * sqrt(0.25 / (double)n));
        CHECK(s.p90_ore > KR(100000));
        free(r);
    }
}

/* The reference workbook: the protocol's bridge, exactly, and the scenario's table. */
static void test_reference_bridge(void)
{
    struct kkr_workbook *wb = NULL;
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    enum kkr_status st = kkr_workbook_load(KKR_SOURCE_ROOT "/budgets/smedjebacken-2020", &wb,
                                           &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st != KKR_OK) {
        fprintf(stderr, "%s\n", diag.message);
        return;
    }
    struct kkr_measures *m = NULL;
    st = kkr_measures_load(KKR_SOURCE_ROOT "/budgets/smedjebacken-2020/atgarder-maj.csv", wb, &m,
                           &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st != KKR_OK) {
        fprintf(stderr, "%s\n", diag.message);
        kkr_workbook_free(wb);
        return;
    }
    CHECK_INT(m->count, 6);
    CHECK_STR(m->name, "atgarder-maj");
    CHECK_INT(m->items[0].unit, kkr_workbook_find_unit(wb, "FOV", 3));

    struct kkr_bridge_options opt;
    kkr_bridge_options_init(&opt);
    opt.baseline_year = 2020;
    opt.baseline_month = 4;
    struct kkr_bridge *b = NULL;
    st = kkr_bridge_compute(wb, m, &opt, &b, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (b) {
        /* -1 000 000 + 1 140 000 - 540 000 = -400 000 kr, nothing unexplained */
        CHECK_INT(b->baseline_ore, KR(-1000000));
        CHECK_STR(b->baseline_label, "Prognos april (snapshot 202004)");
        const int64_t steps[6] = {200000, 300000, 540000, 100000, -240000, -300000};
        CHECK_INT(b->step_count, 6);
        for (size_t i = 0; i < 6 && i < b->step_count; i++)
            CHECK_INT(b->steps[i].expected_ore, KR(steps[i]));
        CHECK_STR(b->steps[2].unit_code, "OAO");
        CHECK_INT(b->measures_ore, KR(600000));
        CHECK_INT(b->result_ore, KR(-400000));
        CHECK(b->reconciled);
        CHECK_STR(b->newer_label, "Prognos maj (aktuell)");
        CHECK_INT(b->newer_ore, KR(-400000));
        CHECK_INT(b->rest_ore, 0);
    }
    kkr_bridge_free(b);

    /* The table with the measures applied: the total's helår avvikelse is the result. */
    struct kkr_scenario_view v;
    st = kkr_scenario_view_build(wb, m, &opt, &v, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st == KKR_OK) {
        CHECK(v.wb == wb);
        const struct kkr_rollup_row *t = kkr_rollup_total(&v.rollup);
        CHECK_INT(kkr_figures_variance_full(&t->net), KR(-400000));
        kkr_scenario_view_release(&v);
    }

    /* The current forecast as the baseline: no reconciliation. */
    kkr_bridge_options_init(&opt);
    st = kkr_bridge_compute(wb, m, &opt, &b, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (b) {
        CHECK_INT(b->baseline_ore, KR(-400000));
        CHECK_INT(b->result_ore, KR(200000));
        CHECK(!b->reconciled);
    }
    kkr_bridge_free(b);
    kkr_measures_free(m);

    /* A unit-less measure gets a row of its own; a parent (LSS) carries its measure. */
    const char *csv = "verksamhet;beskrivning;effekt;sannolikhet;slag\n"
                      ";Statsbidrag;300 000;50 %;intäkt\n"
                      "LSS;Avtal;250 000;0,8;\n";
    st = kkr_measures_load_buffer("x.csv", csv, strlen(csv), wb, &m, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st == KKR_OK) {
        st = kkr_scenario_view_build(wb, m, &opt, &v, &diag, NULL);
        CHECK_INT(st, KKR_OK);
        if (st == KKR_OK) {
            CHECK(v.wb != wb);
            CHECK_INT(v.wb->unit_count, wb->unit_count + 1);
            const struct kkr_rollup_row *t = kkr_rollup_total(&v.rollup);
            CHECK_INT(kkr_figures_variance_full(&t->net), KR(-400000 + 150000 + 200000));
            int lss = kkr_workbook_find_unit(wb, "LSS", 3);
            struct kkr_rollup base;
            int64_t lss_before = 0;
            CHECK_INT(kkr_rollup_build(wb, wb->last_actual_month, NULL, &base, &diag), KKR_OK);
            for (size_t i = 0; i < base.row_count; i++)
                if (base.rows[i].unit == lss)
                    lss_before = kkr_figures_variance_full(&base.rows[i].net);
            kkr_rollup_release(&base);
            for (size_t i = 0; i < v.rollup.row_count; i++) {
                const struct kkr_rollup_row *row = &v.rollup.rows[i];
                if (row->unit == (int)wb->unit_count) {
                    CHECK_INT(kkr_figures_variance_full(&row->net), KR(150000));
                    CHECK_INT(row->kind[KKR_REVENUE].forecast_full, KR(-150000));
                }
                if (row->unit == lss) /* the parent's own measure: 250 000 × 0,8 */
                    CHECK_INT(kkr_figures_variance_full(&row->net), lss_before + KR(200000));
            }
            kkr_scenario_view_release(&v);
        }
        kkr_measures_free(m);
    }
    kkr_workbook_free(wb);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_drivers();
    test_expected();
    test_load_buffer();
    test_summarize();
    test_exact_by_hand();
    test_sim_vs_exact();
    test_sim_properties();
    test_reference_bridge();
    TEST_MAIN_END();
}
