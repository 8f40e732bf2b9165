/* test-forecast.c — unit tests for forecast.c, ets.c and forecast-set.c */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "kkr/forecast.h"
#include "test.h"

static struct kkr_forecast_options opt;

static struct kkr_forecast run(const struct kkr_forecast_method *m, const double *v,
                               const double *b, int years, int k)
{
    struct kkr_series s = {v, b, years, 0, k, 0};
    struct kkr_forecast f;
    struct kkr_diag d;
    memset(&f, 0, sizeof f);
    enum kkr_status st = m->run(&s, &opt, &f, &d);
    CHECK_INT(st, KKR_OK);
    return f;
}

static void test_table(void)
{
    const struct kkr_forecast_method *m;
    struct kkr_diag d;
    CHECK_INT(kkr_forecast_method_find("seasonal", &m, &d), KKR_OK);
    CHECK(m == &kkr_forecast_seasonal);
    CHECK_INT(kkr_forecast_method_find("magic", &m, &d), KKR_ERR_NOT_FOUND);
    CHECK_STR(d.message, "unknown forecast method 'magic' (valid: budget, runrate, trend, "
                         "seasonal, ets, auto)");
    int n = 0;
    while (kkr_forecast_methods[n])
        n++;
    CHECK_INT(n, 6);
    CHECK_NEAR(kkr_forecast_z(0.8), 1.2815515655, 1e-9);
    CHECK_NEAR(kkr_forecast_z(0.95), 1.9599639845, 1e-9);
}

static void test_budget(void)
{
    double v[12] = {10, 10, 10}, b[12];
    for (int i = 0; i < 12; i++)
        b[i] = 12;
    struct kkr_forecast f = run(&kkr_forecast_budget, v, b, 1, 3);
    /* 30 + 9 * 12; residuals -2 each month: systematic, 9 * 2 = 18 */
    CHECK_NEAR(f.full, 138.0, 1e-9);
    CHECK_NEAR(f.sd, 18.0, 1e-9);
    CHECK_NEAR(f.low, 138.0 - 1.2815515655 * 18.0, 1e-6);
    CHECK_STR(f.method, "budget");
    /* no budget: the method does not apply, kkr_forecast_run falls back to the utfall */
    struct kkr_series s = {v, NULL, 1, 0, 3, 0};
    kkr_forecast_run(&kkr_forecast_budget, &s, &opt, &f);
    CHECK_NEAR(f.full, 30.0, 1e-9);
    CHECK_STR(f.method, "utfall");
}

static void test_runrate(void)
{
    double v[12] = {10, 12, 14};
    struct kkr_forecast f = run(&kkr_forecast_runrate, v, NULL, 1, 3);
    /* mean 12; s^2 = 4; var = 9 * 4 + 81 * 4 / 3 = 144 */
    CHECK_NEAR(f.full, 144.0, 1e-9);
    CHECK_NEAR(f.sd, 12.0, 1e-9);
    CHECK_NEAR(f.high, 144.0 + 1.2815515655 * 12.0, 1e-6);
}

static void test_trend(void)
{
    double v[12] = {1, 2, 3};
    struct kkr_forecast f = run(&kkr_forecast_trend, v, NULL, 1, 3);
    CHECK_NEAR(f.full, 78.0, 1e-9); /* 1 + 2 + ... + 12 */
    CHECK_NEAR(f.sd, 0.0, 1e-9);
    double w[12] = {1, 3, 2, 4};
    f = run(&kkr_forecast_trend, w, NULL, 1, 4);
    /* line 0.5 + 0.8 t: 10 + 8 * 0.5 + 0.8 * (5 + ... + 12) */
    CHECK_NEAR(f.full, 68.4, 1e-9);
    /* s^2 = 1.8 / 2 = 0.9; cov: [1.5 -0.45; -0.45 0.18] * 0.9 / 0.9 ... by hand:
     * (X'X)^-1 = [1.5, -0.5; -0.5, 0.2], times 0.9 -> var(sum) = 8*0.9 + 64*1.35
     * + 2*8*68*(-0.45) + 68^2*0.18 = 7.2 + 86.4 - 489.6 + 832.32 = 436.32 */
    double sd = sqrt(436.32);
    /* t quantile with 2 df at 0.9: 1.885618083; sd is the normal-equivalent one */
    CHECK_NEAR(f.high - f.full, 1.885618083 * sd, 1e-6);
    CHECK_NEAR(f.sd, 1.885618083 * sd / 1.2815515655, 1e-6);
}

static void test_seasonal(void)
{
    double v[24], b[24] = {0};
    for (int i = 0; i < 12; i++)
        v[i] = i + 1;
    v[12] = 2;
    v[13] = 4;
    v[14] = 6;
    struct kkr_forecast f = run(&kkr_forecast_seasonal, v, b, 2, 3);
    /* share of months 1..3 last year 6/78; 12 / (6/78) = 156 */
    CHECK_NEAR(f.full, 156.0, 1e-9);
    CHECK_STR(f.method, "seasonal");
    /* too short: no earlier year */
    struct kkr_series s = {v + 12, NULL, 1, 0, 3, 0};
    struct kkr_diag d;
    CHECK_INT(kkr_forecast_seasonal.run(&s, &opt, &f, &d), KKR_ERR_VALUE);
}

static void test_ets_basic(void)
{
    /* a constant series: every model forecasts the constant, with no spread */
    double y[36];
    for (int i = 0; i < 36; i++)
        y[i] = 100.0;
    struct kkr_ets_model md;
    kkr_ets_fit(y, 30, 12, &md);
    double sum, sd, means[6];
    kkr_ets_forecast(&md, y, 30, 12, 6, means, &sum, &sd);
    CHECK_NEAR(sum, 600.0, 1e-6);
    CHECK_NEAR(means[5], 100.0, 1e-6);
    CHECK(sd < 1e-3);
    /* short series fall back to the mean; none at all gives zero */
    kkr_ets_fit(y, 2, 12, &md);
    kkr_ets_forecast(&md, y, 2, 12, 3, NULL, &sum, &sd);
    CHECK_NEAR(sum, 300.0, 1e-9);
    kkr_ets_fit(y, 0, 12, &md);
    kkr_ets_forecast(&md, y, 0, 12, 3, NULL, &sum, &sd);
    CHECK_NEAR(sum, 0.0, 1e-12);
    /* a straight line: the trend models follow it */
    double line[40];
    for (int i = 0; i < 40; i++)
        line[i] = 50.0 + 2.0 * i + (i % 2 ? 0.5 : -0.5);
    CHECK(kkr_ets_fit_model(line, 40, 1, 'A', 'A', 'N', false, &md));
    kkr_ets_forecast(&md, line, 40, 1, 1, means, &sum, &sd);
    CHECK_NEAR(means[0], 130.0, 1.5);
    /* a multiplicative model does not apply to a series with zeros and both signs */
    double mixed[30];
    for (int i = 0; i < 30; i++)
        mixed[i] = i % 3 - 1.0;
    CHECK(!kkr_ets_fit_model(mixed, 30, 1, 'M', 'N', 'N', false, &md));
}

#include "../forecast/ets-reference.h"

/* Against R's forecast::ets with the same model: the fixture tests/forecast/ets-reference.h
 * is produced by tests/forecast/make-ets-reference.R. Our initial states come from a
 * decomposition, R optimises them too, so the point forecasts agree within a few percent
 * and the log-likelihoods within a few units. */
static void test_ets_reference(void)
{
    for (size_t i = 0; i < sizeof ets_ref / sizeof ets_ref[0]; i++) {
        const struct ets_ref_case *c = &ets_ref[i];
        struct kkr_ets_model md;
        /* R's parameters and initial states in our filter: the same point forecasts */
        memset(&md, 0, sizeof md);
        md.error = c->model[0];
        md.trend = c->model[1];
        md.season = c->model[strlen(c->model) - 1];
        md.damped = strlen(c->model) == 4;
        md.alpha = c->alpha;
        md.beta = c->beta;
        md.gamma = c->gamma;
        md.phi = c->phi;
        md.level0 = c->l0;
        md.trend0 = c->b0;
        md.sign = 1.0;
        md.params = 2;
        for (int j = 0; j < 12; j++)
            md.season0[j] = c->s0[j];
        double rmeans[12], rs, rsd;
        kkr_ets_forecast(&md, c->y, c->n, c->m, c->h, rmeans, &rs, &rsd);
        for (int h = 0; h < c->h; h++)
            CHECK_NEAR(rmeans[h], c->mean[h], 1e-3 * fabs(c->mean[h]));
        bool ok = kkr_ets_fit_model(c->y, c->n, c->m, c->model[0], c->model[1],
                                    c->model[strlen(c->model) - 1], strlen(c->model) == 4, &md);
        CHECK(ok);
        if (!ok)
            continue;
        double sum, sd, means[12];
        kkr_ets_forecast(&md, c->y, c->n, c->m, c->h, means, &sum, &sd);
        double rsum = 0;
        for (int h = 0; h < c->h; h++)
            rsum += c->mean[h];
        if (fabs(sum - rsum) > c->tol * fabs(rsum))
            fprintf(stderr, "ets reference %s %s: sum %.4f, R %.4f\n", c->name, c->model, sum,
                    rsum);
        CHECK_NEAR(sum, rsum, c->tol * fabs(rsum));
        /* the interval of the sum is within a factor of 1.6 of R's simulated one */
        double ratio = sd / c->sum_sd;
        if (!(ratio > 1 / 1.6 && ratio < 1.6))
            fprintf(stderr, "ets reference %s %s: sd %.4f, R %.4f\n", c->name, c->model, sd,
                    c->sum_sd);
        CHECK(ratio > 1 / 1.6 && ratio < 1.6);
    }
}

static void test_auto(void)
{
    /* Five years with a fixed seasonal pattern and 3 % growth: seasonal (or the
     * combination) wins; the forecast is close to the truth. */
    double v[60], b[60];
    for (int y = 0; y < 5; y++)
        for (int i = 0; i < 12; i++) {
            double base = 100.0 * pow(1.03, y) * (i == 6 ? 0.5 : (i == 11 ? 1.6 : 1.0));
            v[12 * y + i] = base * (1.0 + 0.01 * (((y * 7 + i * 3) % 5) - 2));
            b[12 * y + i] = 100.0 * pow(1.03, y);
        }
    double truth = 0;
    for (int i = 0; i < 12; i++)
        truth += v[48 + i];
    struct kkr_series s = {v, b, 5, 0, 4, 0};
    struct kkr_forecast f;
    kkr_forecast_run(&kkr_forecast_auto, &s, &opt, &f);
    CHECK(fabs(f.full - truth) / truth < 0.02);
    CHECK(f.low < f.full && f.full < f.high);
    CHECK(strcmp(f.method, "runrate") != 0 && strcmp(f.method, "trend") != 0);
    struct kkr_backtest_series bt;
    struct kkr_diag d;
    CHECK_INT(kkr_backtest_series_compute(&s, &opt, &bt, &d), KKR_OK);
    CHECK(isnan(bt.outcome[0]));
    CHECK_NEAR(bt.outcome[2], truth / pow(1.03, 2) * 1.0, truth * 0.03);
    /* runrate for year 1, k = 6 from the table is utfall 1..6 * 2 */
    double s6 = 0;
    for (int i = 0; i < 6; i++)
        s6 += v[12 + i];
    CHECK_NEAR(bt.full[(1 * 12 + 6) * KKR_BACKTEST_METHODS + 1], 2 * s6, 1e-9);
    kkr_backtest_series_release(&bt);

    /* Two years: no earlier year to learn from, so the weights are the priors: auto =
     * (budget + runrate + seasonal + 2 ets) / 5, and its sd the same mean of the sds. */
    struct kkr_series s2 = {v + 36, b + 36, 2, 0, 4, 0};
    struct kkr_forecast a;
    kkr_forecast_run(&kkr_forecast_auto, &s2, &opt, &a);
    CHECK_STR(a.method, "kombination");
    struct kkr_forecast fb = run(&kkr_forecast_budget, v + 36, b + 36, 2, 4);
    struct kkr_forecast fr = run(&kkr_forecast_runrate, v + 36, b + 36, 2, 4);
    struct kkr_forecast fs = run(&kkr_forecast_seasonal, v + 36, b + 36, 2, 4);
    struct kkr_forecast fe = run(&kkr_forecast_ets, v + 36, b + 36, 2, 4);
    CHECK_NEAR(a.full, (fb.full + fr.full + fs.full + 2 * fe.full) / 5, 1e-6);
    CHECK_NEAR(a.sd, (fb.sd + fr.sd + fs.sd + 2 * fe.sd) / 5, 1e-6);
}

int main(void)
{
    gsl_set_error_handler_off();
    kkr_forecast_options_init(&opt);
    test_table();
    test_budget();
    test_runrate();
    test_trend();
    test_seasonal();
    test_ets_basic();
    test_ets_reference();
    test_auto();
    TEST_MAIN_END();
}
