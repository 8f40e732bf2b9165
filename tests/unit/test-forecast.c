/* test-forecast.c — unit tests for forecast.c, ets.c and forecast-set.c */
#include <math.h>
#include <stdio.h>
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

#include "../forecast/theta-reference.h"

/* Against R's forecast::thetaf: tests/forecast/theta-reference.h is produced by
 * tests/forecast/make-theta-reference.R. The seasonality test and R's decompose() figure are
 * the same computation (to rounding); R's Nelder-Mead stops a little short of the least-squares
 * optimum our search finds, so alpha and the forecasts agree to a few parts in ten thousand. */
static void test_theta_reference(void)
{
    for (size_t i = 0; i < sizeof theta_ref / sizeof theta_ref[0]; i++) {
        const struct theta_ref_case *c = &theta_ref[i];
        CHECK_INT(kkr_seasonal_test(c->y, c->n, c->m), c->seasonal);
        double fig[12];
        if (c->seasonal) {
            CHECK(kkr_decompose_mult(c->y, c->n, c->m, fig));
            for (int j = 0; j < c->m; j++)
                CHECK_NEAR(fig[j], c->figure[j], 1e-9);
        }
        struct kkr_theta_model md;
        CHECK(kkr_theta_fit(c->y, c->n, c->m, &md));
        CHECK_INT(md.seasonal, c->seasonal);
        CHECK_NEAR(md.alpha, c->alpha, 0.01);
        CHECK_NEAR(md.drift, c->drift, 1e-6 * fabs(c->drift) + 1e-9);
        double means[12], sum, sd;
        kkr_theta_forecast(&md, c->h, means, &sum, &sd);
        for (int h = 0; h < c->h; h++) {
            if (fabs(means[h] - c->mean[h]) > 5e-4 * fabs(c->mean[h]))
                fprintf(stderr, "theta reference %s h=%d: %.6f, R %.6f\n", c->name, h + 1,
                        means[h], c->mean[h]);
            CHECK_NEAR(means[h], c->mean[h], 5e-4 * fabs(c->mean[h]));
        }
        CHECK(sd > 0);
        /* the member: the same on the logs of the adjusted series (R: thetaf on them, as a
         * series without a season) */
        CHECK(kkr_theta_fit_logs(c->y, c->n, c->m, &md));
        CHECK_NEAR(md.sign, c->y[0] < 0 ? -1.0 : 1.0, 0);
        CHECK_NEAR(md.alpha, c->log_alpha, 0.01);
        CHECK_NEAR(md.drift, c->log_drift, 1e-6 * fabs(c->log_drift) + 1e-9);
        double rsum = 0;
        kkr_theta_forecast(&md, c->h, means, &sum, &sd);
        for (int h = 0; h < c->h; h++) {
            if (fabs(means[h] - c->log_mean[h]) > 5e-4 * fabs(c->log_mean[h]))
                fprintf(stderr, "theta on logs %s h=%d: %.6f, R %.6f\n", c->name, h + 1,
                        means[h], c->log_mean[h]);
            CHECK_NEAR(means[h], c->log_mean[h], 5e-4 * fabs(c->log_mean[h]));
            rsum += c->log_mean[h];
        }
        CHECK_NEAR(sum, rsum, 5e-4 * fabs(rsum));
        CHECK(sd > 0 && sd < 0.5 * fabs(sum));
    }
    /* both signs in the adjusted series: the member takes it as it is, as kkr_theta_fit */
    double y[48], a[6], b[6], sa, sb, da, db;
    for (int t = 0; t < 48; t++)
        y[t] = -100.0 + 5.0 * t + (t % 3 == 0 ? 1.5 : -0.75);
    struct kkr_theta_model ml, mp;
    CHECK(kkr_theta_fit_logs(y, 48, 12, &ml) && kkr_theta_fit(y, 48, 12, &mp));
    CHECK_NEAR(ml.sign, 0.0, 0);
    kkr_theta_forecast(&ml, 6, a, &sa, &da);
    kkr_theta_forecast(&mp, 6, b, &sb, &db);
    CHECK_NEAR(sa, sb, 0);
    CHECK_NEAR(da, db, 0);
}

#include "../forecast/airline-reference.h"

/* Against R's arima(method = "CSS"), ARIMA(0,1,1)(0,1,1)12: tests/forecast/airline-reference.h
 * is produced by tests/forecast/make-airline-reference.R. Both minimise the same sum of
 * squares (residuals before the differences start taken as zero), R by BFGS from zero, kkr by
 * Nelder-Mead from (-0.4, -0.6), so the MA parameters agree to a few thousandths and the
 * forecasts to a few parts in ten thousand; the variance is R's times n / (n - 2) (kkr counts
 * the two parameters), and the one-month sd of the sum is R's standard error, back-transformed,
 * to 2 % (predict() adds the uncertainty of its filtered state; the forecasts are compared with
 * those from the fit's own residuals, as kkr forecasts, not with predict()'s). */
static void test_airline_reference(void)
{
    for (size_t i = 0; i < sizeof airline_ref / sizeof airline_ref[0]; i++) {
        const struct airline_ref_case *c = &airline_ref[i];
        struct kkr_airline_model md;
        CHECK(kkr_airline_fit(c->y, c->n, 12, &md));
        CHECK_NEAR(md.sign, c->sign, 0);
        CHECK_NEAR(md.theta, c->ma1, 3e-3);
        CHECK_NEAR(md.seasonal_theta, c->sma1, 3e-3);
        int nw = c->n - 13;
        CHECK_NEAR(md.sigma2, c->sigma2 * nw / (nw - 2), 1e-3 * c->sigma2);
        double means[12], sum, sd, want = 0;
        CHECK(kkr_airline_forecast(&md, c->y, c->n, c->h, means, &sum, &sd));
        for (int h = 0; h < c->h; h++) {
            if (fabs(means[h] - c->mean[h]) > 5e-4 * fabs(c->mean[h]))
                fprintf(stderr, "airline reference %s h=%d: %.6f, R %.6f\n", c->name, h + 1,
                        means[h], c->mean[h]);
            CHECK_NEAR(means[h], c->mean[h], 5e-4 * fabs(c->mean[h]));
            want += c->mean[h];
        }
        CHECK_NEAR(sum, want, 5e-4 * fabs(want));
        double sd1;
        CHECK(kkr_airline_forecast(&md, c->y, c->n, 1, means, &sum, &sd1));
        double g = c->sign != 0 ? fabs(c->mean[0]) : 1.0;
        CHECK_NEAR(sd1, g * c->se1 * sqrt((double)nw / (nw - 2)), 0.02 * g * c->se1);
        CHECK(sd > sd1);
    }
}

/* The airline model by hand: the series 100 * 1.01^t is a straight line in the logs, whose
 * differences w_t vanish, so every residual is zero whatever the MA parameters; the forecasts
 * continue the line exactly (each month 1 % up) and the variance is zero. Data with signs
 * of both kinds is taken as it is; fewer than three years do not fit. */
#include "../forecast/damped-reference.h"

/* `damped` against R: ets(model = "AAN", damped = TRUE) on the logs of thetaf's seasonally
 * adjusted series, forecasts exponentiated and reseasonalised (make-damped-reference.R). Within
 * 2 % a month and 1.5 % on the sum (here at most 1.3 %), not closer: like kkr's ets, the member
 * takes its initial level and trend from a line through the first ten points where R fits
 * them (on -ldeaths, left out, that puts them up to 7 % apart). */
static void test_damped_reference(void)
{
    for (size_t i = 0; i < sizeof damped_ref / sizeof damped_ref[0]; i++) {
        const struct damped_ref_case *c = &damped_ref[i];
        double means[12], sum, sd, rsum = 0;
        CHECK(kkr_damped_forecast(c->y, c->n, c->m, c->h, means, &sum, &sd));
        for (int h = 0; h < c->h; h++) {
            if (fabs(means[h] - c->mean[h]) > 0.02 * fabs(c->mean[h]))
                fprintf(stderr, "%s h=%d: %.6g against R's %.6g\n", c->name, h + 1, means[h],
                        c->mean[h]);
            CHECK_NEAR(means[h], c->mean[h], 0.02 * fabs(c->mean[h]));
            rsum += c->mean[h];
        }
        CHECK_NEAR(sum, rsum, 0.015 * fabs(rsum));
        CHECK(sd > 0 && sd < 0.5 * fabs(sum));
    }
    /* the member's model choice: the non-seasonal model with the smallest AICc on the same
     * logs, as R's among the same five where R's choice is clear (2 AICc below the next; on
     * the others the models are near ties: ANN against MNN on USAccDeaths, three trend models
     * within 0.1 on wineind, where kkr's fixed initial states put AAN first, forecasting
     * within 0.06 % of R's MAdN). Its forecasts within 2.5 % a month (AirPassengers' AAN
     * slope differs 0.2 % a month from R's fitted start) and 1.5 % on the sum. */
    for (size_t i = 0; i < sizeof damped_ref / sizeof damped_ref[0]; i++) {
        const struct damped_ref_case *c = &damped_ref[i];
        struct kkr_ets_model md;
        kkr_damped_choose(c->y, c->n, c->m, &md);
        char name[8];
        snprintf(name, sizeof name, "%c%c%s%c", md.error, md.trend, md.damped ? "d" : "",
                 md.season);
        if (c->margin > 2.0) {
            if (strcmp(name, c->chosen) != 0)
                fprintf(stderr, "%s: chose %s, R %s\n", c->name, name, c->chosen);
            CHECK(strcmp(name, c->chosen) == 0);
        }
        double means[12], sum, sd, rsum = 0;
        CHECK(kkr_damped_forecast_model(c->y, c->n, c->m, c->h, &md, means, &sum, &sd));
        for (int h = 0; h < c->h; h++) {
            if (fabs(means[h] - c->chosen_mean[h]) > 0.025 * fabs(c->chosen_mean[h]))
                fprintf(stderr, "%s (%s) h=%d: %.6g against R's %.6g\n", c->name, name, h + 1,
                        means[h], c->chosen_mean[h]);
            CHECK_NEAR(means[h], c->chosen_mean[h], 0.025 * fabs(c->chosen_mean[h]));
            rsum += c->chosen_mean[h];
        }
        CHECK_NEAR(sum, rsum, 0.015 * fabs(rsum));
        CHECK(sd > 0 && sd < 0.5 * fabs(sum));
    }
    /* kkr's own ranking: wineind's choice is the smallest AICc of the five fits on its logs
     * (the adjustment as in kkr_damped_forecast) */
    {
        const struct damped_ref_case *c = &damped_ref[3];
        double fig[12], x[256];
        CHECK(kkr_seasonal_test(c->y, c->n, 12) && kkr_decompose_mult(c->y, c->n, 12, fig));
        for (int t = 0; t < c->n; t++)
            x[t] = log(c->y[t] / fig[t % 12]);
        static const char error[] = "AAAMM", trend[] = "NAANA";
        static const bool damped[] = {false, false, true, false, true};
        double best = HUGE_VAL;
        int besti = -1;
        for (int j = 0; j < 5; j++) {
            struct kkr_ets_model f;
            if (kkr_ets_fit_model(x, c->n, 1, error[j], trend[j], 'N', damped[j], &f) &&
                f.aicc < best) {
                best = f.aicc;
                besti = j;
            }
        }
        struct kkr_ets_model md;
        kkr_damped_choose(c->y, c->n, c->m, &md);
        CHECK(besti >= 0 && md.error == error[besti] && md.trend == trend[besti] &&
              md.damped == damped[besti]);
        CHECK_NEAR(md.aicc, best, 1e-9 * fabs(best));
    }
    /* a model that no longer applies is the damped trend: MNN asked of a series whose
     * adjusted values change sign (no logs) */
    {
        double y[48], a[6], b[6], sa, sb, da, db;
        for (int t = 0; t < 48; t++)
            y[t] = -100.0 + 5.0 * t + (t % 3 == 0 ? 1.5 : -0.75);
        struct kkr_ets_model mnn = {.error = 'M', .trend = 'N', .season = 'N'};
        CHECK(kkr_damped_forecast_model(y, 48, 12, 6, &mnn, a, &sa, &da));
        CHECK(kkr_damped_forecast(y, 48, 12, 6, b, &sb, &db));
        CHECK_NEAR(sa, sb, 1e-9 * fabs(sb));
    }
    /* both signs in the adjusted series: no logs, the damped trend on it as it is (a line
     * through a sign change continues it) */
    double y[48], means[6], sum, sd;
    for (int t = 0; t < 48; t++)
        y[t] = -100.0 + 5.0 * t;   /* not seasonal: not adjusted */
    CHECK(kkr_damped_forecast(y, 48, 12, 6, means, &sum, &sd));
    CHECK_NEAR(means[0], -100.0 + 5.0 * 48, 2.0);
    CHECK(means[5] > means[0]);
}

static void test_airline_by_hand(void)
{
    double y[48];
    for (int t = 0; t < 48; t++)
        y[t] = 100.0 * pow(1.01, t);
    struct kkr_airline_model md;
    CHECK(kkr_airline_fit(y, 48, 12, &md));
    CHECK_NEAR(md.sign, 1.0, 0);
    CHECK_NEAR(md.sigma2, 0.0, 1e-20);
    double means[12], sum, sd, want = 0;
    CHECK(kkr_airline_forecast(&md, y, 48, 12, means, &sum, &sd));
    for (int h = 0; h < 12; h++) {
        CHECK_NEAR(means[h], 100.0 * pow(1.01, 48 + h), 1e-9 * means[h]);
        want += 100.0 * pow(1.01, 48 + h);
    }
    CHECK_NEAR(sum, want, 1e-9 * want);
    CHECK_NEAR(sd, 0.0, 1e-9);
    y[5] = -1.0;
    CHECK(kkr_airline_fit(y, 48, 12, &md));
    CHECK_NEAR(md.sign, 0.0, 0);
    CHECK(!kkr_airline_fit(y, 35, 12, &md));
}

/* The theta method and the damped trend by hand: a series that is a level times a fixed
 * seasonal figure. The centred moving average of a periodic series is its mean, so the
 * figure comes back exactly, the adjusted series is flat, and both forecast the level times
 * the figure of each coming month; the SES of a constant has no error. */
static void test_theta_damped_by_hand(void)
{
    static const double fig[12] = {0.8, 0.9, 1.1, 1.0, 1.2, 1.3, 0.6, 0.9, 1.0, 1.1, 1.05, 1.05};
    double y[60];
    for (int t = 0; t < 60; t++)
        y[t] = 250.0 * fig[t % 12];
    CHECK(kkr_seasonal_test(y, 60, 12));
    double f[12];
    CHECK(kkr_decompose_mult(y, 60, 12, f));
    for (int j = 0; j < 12; j++)
        CHECK_NEAR(f[j], fig[j], 1e-12);
    struct kkr_theta_model md;
    CHECK(kkr_theta_fit(y, 54, 12, &md));
    CHECK(md.seasonal);
    CHECK_NEAR(md.drift, 0.0, 1e-9);
    CHECK_NEAR(md.level, 250.0, 1e-6);
    double means[12], sum, sd, want = 0;
    kkr_theta_forecast(&md, 6, means, &sum, &sd);
    for (int h = 0; h < 6; h++) {
        CHECK_NEAR(means[h], 250.0 * fig[(54 + h) % 12], 1e-6);
        want += 250.0 * fig[(54 + h) % 12];
    }
    CHECK_NEAR(sum, want, 1e-5);
    CHECK(sd < 1e-6);
    /* damped: the same on the flat adjusted series (with a little noise to fit) */
    double z[60];
    for (int t = 0; t < 60; t++)
        z[t] = y[t] * (1.0 + 0.001 * ((t * 7) % 3 - 1));
    CHECK(kkr_damped_forecast(z, 54, 12, 6, means, &sum, &sd));
    CHECK_NEAR(sum, want, 0.01 * want);
    for (int h = 0; h < 6; h++)
        CHECK_NEAR(means[h], 250.0 * fig[(54 + h) % 12], 0.01 * 250.0);
    /* a flat series is not seasonal; too short a series has no figure */
    double flat[40];
    for (int t = 0; t < 40; t++)
        flat[t] = 7.0;
    CHECK(!kkr_seasonal_test(flat, 40, 12));
    CHECK(!kkr_decompose_mult(y, 20, 12, f));
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
    /* the first year is not replayed (no year before it); its outcome is kept for the
     * budget's and the run rate's record */
    CHECK_INT(bt.first, 1);
    CHECK(isnan(kkr_backtest_series_full(&bt, 0, 6)[3]));
    CHECK_NEAR(bt.outcome[2], truth / pow(1.03, 2) * 1.0, truth * 0.03);
    /* runrate for year 1, k = 6 from the table is utfall 1..6 * 2 */
    double s6 = 0;
    for (int i = 0; i < 6; i++)
        s6 += v[12 + i];
    CHECK_NEAR(kkr_backtest_series_full(&bt, 1, 6)[1], 2 * s6, 1e-9);
    /* ratio (member 7) by hand: year 1 at k = 6 is utfall 1..6 + its months 4..6 times
     * year 0's months 7..12 over its months 4..6 (one earlier year) */
    double r46 = v[12 + 3] + v[12 + 4] + v[12 + 5], p46 = v[3] + v[4] + v[5], p712 = 0;
    for (int i = 6; i < 12; i++)
        p712 += v[i];
    CHECK_NEAR(kkr_backtest_series_full(&bt, 1, 6)[7], s6 + r46 * p712 / p46, 1e-9);
    /* level (member 8): the trend-free seasonal ETS with the smaller AICc of A,N,A and M,N,M
     * (both checked against R's forecast::ets in test_ets_reference: USAccDeaths ANA,
     * ldeaths MNM), fitted on the months before the year, its filter run on over months
     * 1..k of the year */
    for (int y = 2; y <= 3; y++) {
        struct kkr_ets_model ma, mm;
        CHECK(kkr_ets_fit_model(v, 12 * y, 12, 'A', 'N', 'A', false, &ma));
        CHECK(kkr_ets_fit_model(v, 12 * y, 12, 'M', 'N', 'M', false, &mm));
        const struct kkr_ets_model *ml = ma.aicc <= mm.aicc ? &ma : &mm;
        double lsum, lsd, known = 0;
        kkr_ets_forecast(ml, v, 12 * y + 6, 12, 6, NULL, &lsum, &lsd);
        for (int i = 0; i < 6; i++)
            known += v[12 * y + i];
        CHECK_NEAR(kkr_backtest_series_full(&bt, y, 6)[8], known + lsum, 1e-9);
        CHECK_NEAR(kkr_backtest_series_sd(&bt, y, 6)[8], lsd, 1e-9);
    }
    /* not before two years of data */
    CHECK(isnan(kkr_backtest_series_full(&bt, 1, 6)[8]));
    kkr_backtest_series_release(&bt);
    {
        struct kkr_series s4 = {v, b, 5, 0, 2, 0};
        struct kkr_backtest_series b4;
        CHECK_INT(kkr_backtest_series_compute(&s4, &opt, &b4, &d), KKR_OK);
        /* year 3 at k = 2 (fewer than three months known: months 1..2): the mean of the
         * ratios of the three years before it */
        double r3 = 0;
        for (int y = 0; y <= 2; y++) {
            double rest = 0;
            for (int i = 2; i < 12; i++)
                rest += v[12 * y + i];
            r3 += rest / (v[12 * y] + v[12 * y + 1]);
        }
        double k2 = v[36] + v[37];
        CHECK_NEAR(kkr_backtest_series_full(&b4, 3, 2)[7], k2 + k2 * r3 / 3, 1e-9);
        kkr_backtest_series_release(&b4);
    }

    /* One year: no earlier year to learn from, so the weights are the priors: auto =
     * (budget + 0.3 runrate + 2 ets + theta) / 4.3 (seasonal needs a year before, damped ten
     * months), its sd the same mean of the sds times 0.87, its interval a t quantile with 4
     * degrees of freedom. */
    struct kkr_series s1 = {v + 48, b + 48, 1, 0, 4, 0};
    struct kkr_forecast a;
    kkr_forecast_run(&kkr_forecast_auto, &s1, &opt, &a);
    CHECK_STR(a.method, "kombination");
    struct kkr_forecast fb = run(&kkr_forecast_budget, v + 48, b + 48, 1, 4);
    struct kkr_forecast fr = run(&kkr_forecast_runrate, v + 48, b + 48, 1, 4);
    struct kkr_forecast fe = run(&kkr_forecast_ets, v + 48, b + 48, 1, 4);
    struct kkr_theta_model tm;
    CHECK(kkr_theta_fit_logs(v + 48, 4, 12, &tm));
    double tsum, tsd;
    kkr_theta_forecast(&tm, 8, NULL, &tsum, &tsd);
    double ft = v[48] + v[49] + v[50] + v[51] + tsum;
    CHECK_NEAR(a.full, (fb.full + 0.3 * fr.full + 2 * fe.full + ft) / 4.3, 1e-6);
    double sd = 0.87 * (fb.sd + 0.3 * fr.sd + 2 * fe.sd + tsd) / 4.3;
    CHECK_NEAR(a.sd, sd, 1e-6);
    CHECK_NEAR(a.high - a.full, 1.533206274 * sd, 1e-6); /* qt(0.9, 4) */

    /* An informative budget: a budget that was exact in earlier years (the run rate was not)
     * takes nearly all the weight. */
    double bb[60];
    for (int i = 0; i < 60; i++)
        bb[i] = v[i];
    struct kkr_series sb = {v, bb, 5, 0, 4, 0};
    kkr_forecast_run(&kkr_forecast_auto, &sb, &opt, &a);
    CHECK_NEAR(a.full, truth, 1e-3 * truth);
}

/* Three years of backtest in which every member missed years 0 (80) and 1 (100) by the same
 * 110 at every k, so that both weightings are the priors; year 2 is the one combined. */
enum { REC_YEARS = 3, REC_CELLS = REC_YEARS * 12 * KKR_BACKTEST_MEMBERS };
struct equal_record {
    double full[REC_CELLS], sd[REC_CELLS], comb_full[REC_YEARS * 12], comb_sd[REC_YEARS * 12];
    double outcome[REC_YEARS], budget_total[REC_YEARS];
    struct kkr_backtest_series b;
};

static void equal_record_init(struct equal_record *r)
{
    for (int i = 0; i < REC_CELLS; i++) {
        r->full[i] = 110.0;
        r->sd[i] = 1.0;
    }
    for (int i = 0; i < REC_YEARS * 12; i++)
        r->comb_full[i] = r->comb_sd[i] = NAN;
    r->outcome[0] = 80.0;
    r->outcome[1] = 100.0;
    r->outcome[2] = NAN;
    r->budget_total[0] = NAN;
    r->budget_total[1] = 100.0;
    r->budget_total[2] = NAN;
    r->b = (struct kkr_backtest_series){REC_YEARS,       r->full,      r->sd,     r->outcome, 0,
                                        r->budget_total, r->comb_full, r->comb_sd};
}

/* Year 2's members at k = 6: budget, runrate, trend (not a member), seasonal, ets, theta,
 * damped, ratio, level, arima; and their prior-weighted mean. */
static const double rec_f2[KKR_BACKTEST_MEMBERS] = {100, 130, NAN, 110, 120, 90,
                                                    105, 115, 95,  125};
static const double rec_s2[KKR_BACKTEST_MEMBERS] = {1, 1, NAN, 1, 1, 1, 1, 1, 1, 1};
static const double rec_priors = (1 * 100 + 0.3 * 130 + 1 * 110 + 2 * 120 + 1 * 90 + 1 * 105 +
                                  1 * 115 + 1 * 95 + 1 * 125) / 9.3; /* 1019 / 9.3 = 109.5698... */

/* auto's median share by hand. Two past years in which every member missed by the same
 * amount give every member the same record, so both weightings are the priors (budget 1,
 * runrate 0.3, seasonal 1, ets 2, theta 1, damped 1, ratio 1, level 1, arima 1) and the budget's
 * factor is 1 (its errors equal the run rate's). The combination is then the prior-weighted
 * mean of the members' forecasts; when the budget's year totals were no better than last
 * year's (squared errors at least half), half of it is the members' median instead. */
static void test_auto_median_by_hand(void)
{
    static struct equal_record rec;
    equal_record_init(&rec);
    struct kkr_backtest_series *b = &rec.b;
    double *budget_total = rec.budget_total;
    const double *f2 = rec_f2, *s2 = rec_s2, weighted = rec_priors;
    const double median = 110.0;                  /* 90 95 100 105 [110] 115 120 125 130 */
    struct kkr_forecast f;

    /* the budget of year 1 was right (last year's total 80 missed by 20 %): no median */
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, weighted, 1e-9);
    CHECK_STR(f.method, "kombination");
    /* a budget 10 % off: squared errors a quarter of last year's (< 1/2): still no median */
    budget_total[1] = 90.0;
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, weighted, 1e-9);
    /* a budget as far off as last year's total: half the forecast is the median */
    budget_total[1] = 80.0;
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, 0.5 * weighted + 0.5 * median, 1e-9);
    /* no year with a budget and a complete year before it: the record says nothing */
    budget_total[1] = NAN;
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, weighted, 1e-9);
}

/* The members' latest revision: a member that moved its forecast far from k - 1 to k is
 * trusted less, its weights times mean / (its squared move + mean), the moves relative to the
 * members' median forecast. Every member missed the same in years 0 and 1, so the weights are
 * otherwise the priors (as above). */
static void test_auto_revision_by_hand(void)
{
    static struct equal_record rec;
    equal_record_init(&rec);
    struct kkr_backtest_series *b = &rec.b;
    double *full = rec.full;
    const double *f2 = rec_f2, *s2 = rec_s2;
    /* year 2 at k = 6 (median 110), and at k = 5: runrate 22 lower (0.2 of the median), ets
     * 11 lower (0.1), the others where they are now */
    for (int m = 0; m < KKR_BACKTEST_MEMBERS; m++) {
        full[(2 * 12 + 6) * KKR_BACKTEST_MEMBERS + m] = f2[m];
        full[(2 * 12 + 5) * KKR_BACKTEST_MEMBERS + m] = f2[m];
    }
    full[(2 * 12 + 5) * KKR_BACKTEST_MEMBERS + 1] = 130 - 22;
    full[(2 * 12 + 5) * KKR_BACKTEST_MEMBERS + 4] = 120 - 11;
    /* squared moves 0.04 and 0.01, their mean over nine members 0.05 / 9: runrate's factor
     * (0.05 / 9) / (0.04 + 0.05 / 9) = 5 / 41, ets' 5 / 14, the others' 1 */
    const double rr = 0.3 * 5.0 / 41.0, ets = 2.0 * 5.0 / 14.0;
    const double want = (100 + rr * 130 + 110 + ets * 120 + 90 + 105 + 115 + 95 + 125) /
                        (1 + rr + 1 + ets + 5);
    struct kkr_forecast f;
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, want, 1e-9);
    /* the same moves for every member: the factors are all equal and change nothing */
    for (int m = 0; m < KKR_BACKTEST_MEMBERS; m++)
        full[(2 * 12 + 5) * KKR_BACKTEST_MEMBERS + m] = f2[m] - 5.0;
    kkr_forecast_auto_choose(b, 2, 6, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, rec_priors, 1e-9);
    /* in January there is no month before to have moved from */
    kkr_forecast_auto_choose(b, 2, 1, f2, s2, &opt, &f);
    CHECK_NEAR(f.full, rec_priors, 1e-9);
}

/* A budget that plans a step: its change from last year far from the series' yearly changes
 * and from the budget's earlier plans; then (12 - k) / 12 of the forecast is the budget's. */
static void test_auto_budget_step_by_hand(void)
{
    enum { YEARS = 4, CELLS = YEARS * 12 * KKR_BACKTEST_MEMBERS };
    static double full[CELLS], sd[CELLS], comb_full[YEARS * 12], comb_sd[YEARS * 12];
    double outcome[YEARS], budget_total[YEARS];
    struct kkr_backtest_series b = {YEARS, full, sd, outcome, 0, budget_total, comb_full,
                                    comb_sd};
    /* year 3 at k: budget, runrate, trend (not a member), seasonal, ets, theta, damped, ratio,
     * level, arima; every member was exact in years 0-2, so the weights are the priors */
    const double f3[KKR_BACKTEST_MEMBERS] = {115, 130, NAN, 110, 120, 90, 105, 115, 95, 125};
    const double s3[KKR_BACKTEST_MEMBERS] = {1, 1, NAN, 1, 1, 1, 1, 1, 1, 1};
    const double weighted = (1 * 115 + 0.3 * 130 + 1 * 110 + 2 * 120 + 1 * 90 + 1 * 105 +
                             1 * 115 + 1 * 95 + 1 * 125) / 9.3;
    struct {
        double outcome[3], budget[4]; /* years 0-2; budgets of years 0-3 */
        bool step;
        const char *why;
    } cases[] = {
        {{100, 102, 104}, {NAN, 102, 104, 115}, true, "+10.6 % after 2 % a year"},
        {{100, 102, 104}, {NAN, 102, 104, 106}, false, "+1.9 %: the usual"},
        {{100, 130, 104}, {NAN, 102, 104, 115}, false, "the yearly changes spread +-35 %"},
        {{100, 110, 121}, {NAN, 100, 110, 121}, false, "last year's total, as always"},
        {{100, 110, 121}, {NAN, 110, 121, 133.1}, false, "the series' own 10 % a year"},
        {{100, 102, 104}, {NAN, NAN, NAN, 115}, false, "no earlier plan to compare with"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int y = 0; y < 3; y++) {
            outcome[y] = cases[c].outcome[y];
            for (int i = 0; i < 12 * KKR_BACKTEST_MEMBERS; i++) {
                full[y * 12 * KKR_BACKTEST_MEMBERS + i] = outcome[y];
                sd[y * 12 * KKR_BACKTEST_MEMBERS + i] = 1.0;
            }
        }
        outcome[3] = NAN;
        for (int y = 0; y < 3; y++)
            budget_total[y] = cases[c].budget[y];
        for (int i = 0; i < YEARS * 12; i++)
            comb_full[i] = comb_sd[i] = NAN;
        for (int k = 3; k <= 9; k += 6) {
            /* without a budget for year 3 there is no plan, so no step */
            struct kkr_forecast f, base;
            budget_total[3] = NAN;
            kkr_forecast_auto_choose(&b, 3, k, f3, s3, &opt, &base);
            if (c == 0)
                CHECK_NEAR(base.full, weighted, 1e-9);
            budget_total[3] = cases[c].budget[3];
            kkr_forecast_auto_choose(&b, 3, k, f3, s3, &opt, &f);
            double wb = cases[c].step ? (12 - k) / 12.0 : 0.0;
            double want = wb * f3[0] + (1 - wb) * base.full;
            if (fabs(f.full - want) > 1e-9)
                fprintf(stderr, "case %zu (%s), k = %d:\n", c, cases[c].why, k);
            CHECK_NEAR(f.full, want, 1e-9);
            CHECK(cases[c].step || fabs(f.full - base.full) < 1e-9);
        }
    }
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
    test_theta_reference();
    test_airline_reference();
    test_airline_by_hand();
    test_damped_reference();
    test_theta_damped_by_hand();
    test_auto();
    test_auto_median_by_hand();
    test_auto_budget_step_by_hand();
    test_auto_revision_by_hand();
    TEST_MAIN_END();
}
