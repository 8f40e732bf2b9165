/* forecast.c — full-year forecasts (helårsprognos) per series with intervals (DESIGN §7) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>

#include "kkr/forecast.h"
#include "kkr/money.h"

void kkr_forecast_options_init(struct kkr_forecast_options *opt)
{
    opt->level = 0.8;
}

bool kkr_forecast_level_parse(const char *s, double *level)
{
    double v;
    if (!s || !kkr_decimal_parse(s, strlen(s), &v))
        return false;
    if (v >= 1.0 && strchr(s, '%') == NULL)
        v /= 100.0;
    if (!(v > 0.0 && v < 1.0))
        return false;
    *level = v;
    return true;
}

double kkr_forecast_z(double level)
{
    if (!(level > 0.0 && level < 1.0))
        level = 0.8;
    return gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
}

/* ---- helpers on a series ---- */

static int cur_index(const struct kkr_series *s)
{
    return 12 * (s->years - 1);
}

static double sum_range(const double *v, int from, int to)
{
    double t = 0.0;
    for (int i = from; i < to; i++)
        t += v[i];
    return t;
}

static bool budget_year_has(const struct kkr_series *s, int y)
{
    if (!s->budget)
        return false;
    for (int i = 0; i < 12; i++)
        if (s->budget[12 * y + i] != 0.0)
            return true;
    return false;
}

static int known_months(const struct kkr_series *s)
{
    int n = cur_index(s) + s->k - s->start;
    return n > 0 ? n : 0;
}

static void finish(struct kkr_forecast *out, double full, double sd, double level,
                   const char *method)
{
    if (!(sd >= 0.0) || !isfinite(sd))
        sd = 0.0;
    double z = kkr_forecast_z(level);
    out->full = full;
    out->sd = sd;
    out->low = full - z * sd;
    out->high = full + z * sd;
    out->method = method;
    out->budget_step = NAN;
}

static enum kkr_status too_short(struct kkr_diag *diag, const char *name)
{
    return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "too little history for method '%s'", name);
}

/* ---- budget: utfall 1..k + budget k+1..12 ---- */

static enum kkr_status run_budget(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                  struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    if (!budget_year_has(s, s->years - 1))
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no budget for the year");
    double full = sum_range(s->values, cur, cur + k) + sum_range(s->budget, cur + k, cur + 12);
    /* Monthly residuals against the budget (this year's months, and earlier years' when this
     * year has fewer than three): a systematic part carries over every remaining month. */
    double sr = 0, sr2 = 0;
    int nr = 0;
    for (int i = 0; i < k; i++) {
        double r = s->values[cur + i] - s->budget[cur + i];
        sr += r;
        sr2 += r * r;
        nr++;
    }
    if (nr < 3) {
        for (int y = 0; y < s->years - 1; y++) {
            if (12 * y < s->start || !budget_year_has(s, y))
                continue;
            for (int i = 0; i < 12; i++) {
                double r = s->values[12 * y + i] - s->budget[12 * y + i];
                sr += r;
                sr2 += r * r;
                nr++;
            }
        }
    }
    double rest = 12 - k, var = 0.0;
    if (nr > 0) {
        double mean = sr / nr;
        var = rest * (sr2 / nr - mean * mean) + rest * rest * mean * mean;
    }
    finish(out, full, sqrt(var), opt->level, "budget");
    return KKR_OK;
}

/* ---- runrate: utfall 1..k / k * 12 ---- */

static enum kkr_status run_runrate(const struct kkr_series *s,
                                   const struct kkr_forecast_options *opt,
                                   struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    if (k < 1 || cur + k - s->start < 1)
        return too_short(diag, "runrate");
    double mean = sum_range(s->values, cur, cur + k) / k;
    double var1;
    if (k >= 2) {
        double ss = 0;
        for (int i = 0; i < k; i++)
            ss += (s->values[cur + i] - mean) * (s->values[cur + i] - mean);
        var1 = ss / (k - 1);
    } else if (cur - 12 >= s->start) {
        /* one month: the spread of last year's months */
        double m = sum_range(s->values, cur - 12, cur) / 12, ss = 0;
        for (int i = cur - 12; i < cur; i++)
            ss += (s->values[i] - m) * (s->values[i] - m);
        var1 = ss / 11;
    } else {
        var1 = mean * mean / 4.0;
    }
    double rest = 12 - k;
    /* the rest of the year's months, and the error of the mean carried over them */
    double var = rest * var1 + rest * rest * var1 / k;
    finish(out, 12.0 * mean, sqrt(var), opt->level, "runrate");
    return KKR_OK;
}

/* ---- trend: least-squares line through months 1..k, extended to December ---- */

static enum kkr_status run_trend(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                 struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    if (k < 3 || cur + k - s->start < 3)
        return too_short(diag, "trend");
    double x[12];
    for (int i = 0; i < k; i++)
        x[i] = i + 1;
    double c0, c1, cov00, cov01, cov11, sumsq;
    if (gsl_fit_linear(x, 1, s->values + cur, 1, (size_t)k, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq) != GSL_SUCCESS)
        return kkr_fail(diag, KKR_ERR_NUMERIC, NULL, 0, 0, "trend: least squares failed");
    double rest = 12 - k, tsum = 0;
    for (int t = k + 1; t <= 12; t++)
        tsum += t;
    double full = sum_range(s->values, cur, cur + k) + rest * c0 + tsum * c1;
    /* Prediction variance of the sum of the remaining months: new noise plus the uncertainty
     * of the line at those months (x' cov x with x = (rest, sum of t)). */
    double sig2 = k > 2 ? sumsq / (k - 2) : 0.0;
    double var = rest * sig2 + rest * rest * cov00 + 2 * rest * tsum * cov01 + tsum * tsum * cov11;
    double sd = sqrt(var > 0 ? var : 0);
    /* t quantile instead of the normal one: few points */
    double level = opt->level;
    double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, k - 2);
    finish(out, full, sd * tq / kkr_forecast_z(level), level, "trend");
    return KKR_OK;
}

/* ---- seasonal: utfall 1..k / the share months 1..k made of earlier years ---- */

#define SEASONAL_YEARS 3

static enum kkr_status run_seasonal(const struct kkr_series *s,
                                    const struct kkr_forecast_options *opt,
                                    struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    if (k < 1)
        return too_short(diag, "seasonal");
    double part = 0, whole = 0, share_y[SEASONAL_YEARS];
    double month_sum[12] = {0};
    int ny = 0;
    for (int y = s->years - 2; y >= 0 && ny < SEASONAL_YEARS; y--) {
        if (12 * y < s->start)
            break;
        double p = sum_range(s->values, 12 * y, 12 * y + k);
        double w = sum_range(s->values, 12 * y, 12 * y + 12);
        part += p;
        whole += w;
        for (int i = 0; i < 12; i++)
            month_sum[i] += s->values[12 * y + i];
        share_y[ny++] = w != 0.0 ? p / w : NAN;
    }
    if (ny == 0)
        return too_short(diag, "seasonal");
    if (!(whole != 0.0) || !(part / whole > 0.01))
        return kkr_fail(diag, KKR_ERR_NUMERIC, NULL, 0, 0,
                        "seasonal: months 1..%d made no share of earlier years", k);
    double share = part / whole;
    double sk = sum_range(s->values, cur, cur + k);
    double full = sk / share;
    /* Spread: the residuals of this year's months against the seasonal pattern, and the
     * spread of the forecasts each earlier year alone would give. */
    double ss = 0;
    for (int i = 0; i < k; i++) {
        double r = s->values[cur + i] - full * month_sum[i] / whole;
        ss += r * r;
    }
    double rest = 12 - k, var = 0;
    if (k >= 2)
        var = ss / (k - 1) * rest * (1.0 + rest / k);
    if (ny >= 2) {
        double m = 0, v = 0;
        int c = 0;
        for (int i = 0; i < ny; i++)
            if (isfinite(share_y[i]) && share_y[i] > 0) {
                m += sk / share_y[i];
                c++;
            }
        if (c >= 2) {
            m /= c;
            for (int i = 0; i < ny; i++)
                if (isfinite(share_y[i]) && share_y[i] > 0)
                    v += (sk / share_y[i] - m) * (sk / share_y[i] - m);
            v = v / (c - 1) * (1.0 + 1.0 / c);
            if (v > var)
                var = v;
        }
    }
    if (var == 0.0)
        var = pow(0.05 * full * rest / 12.0, 2);
    finish(out, full, sqrt(var), opt->level, "seasonal");
    return KKR_OK;
}

/* ---- ets: Holt-Winters on the whole monthly history ---- */

static enum kkr_status run_ets(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                               struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    int n = known_months(s);
    if (n < 1)
        return too_short(diag, "ets");
    double sk = sum_range(s->values, cur, cur + k);
    if (k == 12) {
        finish(out, sk, 0.0, opt->level, "ets");
        return KKR_OK;
    }
    struct kkr_ets_model md;
    kkr_ets_fit(s->values + s->start, n, 12, &md);
    double sum, sd;
    kkr_ets_forecast(&md, s->values + s->start, n, 12, 12 - k, NULL, &sum, &sd);
    finish(out, sk + sum, sd, opt->level, "ets");
    return KKR_OK;
}

/* ---- theta and damped: members of auto (not offered as --method) ---- */

static enum kkr_status run_theta(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                 struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    int n = known_months(s);
    if (n < 3)
        return too_short(diag, "theta");
    double sk = sum_range(s->values, cur, cur + k);
    struct kkr_theta_model md;
    if (!kkr_theta_fit_logs(s->values + s->start, n, 12, &md))
        return kkr_fail(diag, KKR_ERR_NUMERIC, NULL, 0, 0, "theta: the fit failed");
    double sum, sd;
    kkr_theta_forecast(&md, 12 - k, NULL, &sum, &sd);
    finish(out, sk + sum, sd, opt->level, "theta");
    return KKR_OK;
}

static enum kkr_status run_damped(const struct kkr_series *s,
                                  const struct kkr_forecast_options *opt,
                                  struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    int n = known_months(s);
    double sk = sum_range(s->values, cur, cur + k);
    double sum, sd;
    if (n < 10)
        return too_short(diag, "damped");
    /* the model chosen on the years before this one (as the backtest chooses it at each
     * year's start), refitted on the months up to now */
    int n0 = cur - s->start;
    struct kkr_ets_model chosen;
    kkr_damped_choose(s->values + s->start, n0 >= 10 ? n0 : n, 12, &chosen);
    if (!kkr_damped_forecast_model(s->values + s->start, n, 12, 12 - k, &chosen, NULL, &sum, &sd))
        return too_short(diag, "damped");
    finish(out, sk + sum, sd, opt->level, "damped");
    return KKR_OK;
}

/* ratio: the months k+1..12 from the last three months, as in earlier years. utfall 1..k +
 * (months k-2..k) x the mean over up to three earlier years of (their months k+1..12 / their
 * months k-2..k) (fewer months when k < 3). The month-of-year pattern of the rest of the year
 * at the level of the latest months. */
#define RATIO_MONTHS 3
#define RATIO_YEARS 3

static enum kkr_status run_ratio(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                 struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    if (k < 1)
        return too_short(diag, "ratio");
    double sk = sum_range(s->values, cur, cur + k);
    if (k == 12) {
        finish(out, sk, 0.0, opt->level, "ratio");
        return KKR_OK;
    }
    int q = k < RATIO_MONTHS ? k : RATIO_MONTHS;
    double recent = sum_range(s->values, cur + k - q, cur + k);
    double rest_y[RATIO_YEARS], sum = 0;
    int ny = 0;
    for (int y = s->years - 2; y >= 0 && ny < RATIO_YEARS; y--) {
        if (12 * y < s->start)
            break;
        double den = sum_range(s->values, 12 * y + k - q, 12 * y + k);
        if (den == 0.0)
            continue;
        rest_y[ny] = recent * sum_range(s->values, 12 * y + k, 12 * y + 12) / den;
        sum += rest_y[ny++];
    }
    if (ny == 0 || !isfinite(sum))
        return too_short(diag, "ratio");
    double rest = sum / ny, var = 0;
    /* spread: of the rests each earlier year alone would give */
    if (ny >= 2) {
        for (int i = 0; i < ny; i++)
            var += (rest_y[i] - rest) * (rest_y[i] - rest);
        var = var / (ny - 1) * (1.0 + 1.0 / ny);
    }
    if (var == 0.0)
        var = pow(0.05 * rest, 2);
    finish(out, sk + rest, sqrt(var), opt->level, "ratio");
    return KKR_OK;
}

/* ---- level: a trend-free seasonal ETS (A,N,A or M,N,M, the smaller AICc), a member of auto:
 * late in the year the month-of-year pattern at the current level carries the rest, and a
 * trend (which ets may choose) mostly adds noise. In the backtest it is fitted at the year's
 * start and its filter run on as the months arrive. ---- */

static bool level_fit(const double *y, int n, struct kkr_ets_model *md)
{
    struct kkr_ets_model a, m;
    bool ha = kkr_ets_fit_model(y, n, 12, 'A', 'N', 'A', false, &a);
    bool hm = kkr_ets_fit_model(y, n, 12, 'M', 'N', 'M', false, &m);
    if (!ha && !hm)
        return false;
    *md = ha && (!hm || a.aicc <= m.aicc) ? a : m;
    return true;
}

static enum kkr_status run_level(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                 struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    int n = known_months(s);
    double sk = sum_range(s->values, cur, cur + k);
    struct kkr_ets_model md;
    if (n < 24 || !level_fit(s->values + s->start, n, &md))
        return too_short(diag, "level");
    double sum, sd;
    kkr_ets_forecast(&md, s->values + s->start, n, 12, 12 - k, NULL, &sum, &sd);
    finish(out, sk + sum, sd, opt->level, "level");
    return KKR_OK;
}

/* ---- arima: the airline model ARIMA(0,1,1)(0,1,1)12, a member of auto. In the backtest it is
 * fitted at the year's start and its filter run on as the months arrive, as level. ---- */

#define ARIMA_MIN 36

static enum kkr_status run_arima(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                 struct kkr_forecast *out, struct kkr_diag *diag)
{
    int cur = cur_index(s), k = s->k;
    int n = known_months(s);
    double sk = sum_range(s->values, cur, cur + k);
    struct kkr_airline_model md;
    double sum, sd;
    if (n < ARIMA_MIN || !kkr_airline_fit(s->values + s->start, n, 12, &md) ||
        !kkr_airline_forecast(&md, s->values + s->start, n, 12 - k, NULL, &sum, &sd))
        return too_short(diag, "arima");
    finish(out, sk + sum, sd, opt->level, "arima");
    return KKR_OK;
}

static const struct kkr_forecast_method member_arima = {
    "arima", ARIMA_MIN, run_arima, "the airline model ARIMA(0,1,1)(0,1,1)12 on the logs"};
static const struct kkr_forecast_method member_level = {
    "level", 24, run_level, "trend-free seasonal ETS (A,N,A or M,N,M)"};
static const struct kkr_forecast_method member_ratio = {
    "ratio", 13, run_ratio, "the rest of the year from the last three months, as in earlier years"};
static const struct kkr_forecast_method member_theta = {
    "theta", 3, run_theta, "SES with drift on the logs of the seasonally adjusted series"};
static const struct kkr_forecast_method member_damped = {
    "damped", 10, run_damped,
    "non-seasonal ETS (damped trend or another, by AICc) on the logs of the adjusted series"};

/* ---- auto: per series, the method that did best in earlier years at the same k ---- */

static void base_forecasts(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                           double *full, double *sd);
static void replay_current(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                           struct kkr_backtest_series *b);

static enum kkr_status run_auto(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                                struct kkr_forecast *out, struct kkr_diag *diag)
{
    if (known_months(s) < 1 && !budget_year_has(s, s->years - 1))
        return too_short(diag, "auto");
    struct kkr_backtest_series b;
    enum kkr_status st = kkr_backtest_series_compute(s, opt, &b, diag);
    if (st != KKR_OK)
        return st;
    replay_current(s, opt, &b);
    double full[KKR_BACKTEST_MEMBERS], sd[KKR_BACKTEST_MEMBERS];
    base_forecasts(s, opt, full, sd);
    kkr_forecast_auto_choose(&b, s->years - 1, s->k, full, sd, opt, out);
    kkr_backtest_series_release(&b);
    if (!out->method)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no method applies");
    return KKR_OK;
}

const struct kkr_forecast_method kkr_forecast_budget = {
    "budget", 0, run_budget, "utfall 1..k + budget k+1..12"};
const struct kkr_forecast_method kkr_forecast_runrate = {
    "runrate", 1, run_runrate, "utfall 1..k / k * 12"};
const struct kkr_forecast_method kkr_forecast_trend = {
    "trend", 3, run_trend, "least-squares line through months 1..k, extended to December"};
const struct kkr_forecast_method kkr_forecast_seasonal = {
    "seasonal", 13, run_seasonal, "utfall 1..k / the share months 1..k made of earlier years"};
const struct kkr_forecast_method kkr_forecast_ets = {
    "ets", 1, run_ets, "exponential smoothing (Holt-Winters, chosen by AICc)"};
const struct kkr_forecast_method kkr_forecast_auto = {
    "auto", 0, run_auto,
    "nine members weighted per series by their backtest errors and latest revisions"};

const struct kkr_forecast_method *const kkr_forecast_methods[] = {
    &kkr_forecast_budget, &kkr_forecast_runrate, &kkr_forecast_trend, &kkr_forecast_seasonal,
    &kkr_forecast_ets, &kkr_forecast_auto, NULL,
};

enum kkr_status kkr_forecast_method_find(const char *name, const struct kkr_forecast_method **out,
                                         struct kkr_diag *diag)
{
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; kkr_forecast_methods[i]; i++) {
        if (name && strcmp(kkr_forecast_methods[i]->name, name) == 0) {
            *out = kkr_forecast_methods[i];
            return KKR_OK;
        }
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                kkr_forecast_methods[i]->name);
    }
    return kkr_fail(diag, KKR_ERR_NOT_FOUND, NULL, 0, 0,
                    "unknown forecast method '%s' (valid: %s)", name ? name : "", list);
}

void kkr_forecast_run(const struct kkr_forecast_method *m, const struct kkr_series *s,
                      const struct kkr_forecast_options *opt, struct kkr_forecast *out)
{
    struct kkr_diag diag;
    if (known_months(s) >= m->min_history && m->run(s, opt, out, &diag) == KKR_OK &&
        isfinite(out->full))
        return;
    if (m != &kkr_forecast_budget && run_budget(s, opt, out, &diag) == KKR_OK)
        return;
    /* No budget either: nothing more than the utfall so far is expected. */
    int cur = cur_index(s);
    finish(out, sum_range(s->values, cur, cur + s->k), 0.0, opt->level, "utfall");
}

/* ---- backtest of one series ---- */

static const struct kkr_forecast_method *const base_methods[KKR_BACKTEST_MEMBERS] = {
    &kkr_forecast_budget, &kkr_forecast_runrate, &kkr_forecast_trend, &kkr_forecast_seasonal,
    &kkr_forecast_ets, &member_theta, &member_damped, &member_ratio, &member_level,
    &member_arima,
};
enum {
    M_BUDGET, M_RUNRATE, M_TREND, M_SEASONAL, M_ETS, M_THETA, M_DAMPED, M_RATIO, M_LEVEL, M_ARIMA
};

const char *kkr_backtest_method_name(int i)
{
    if (i >= 0 && i < KKR_BACKTEST_METHODS)
        return base_methods[i]->name;
    return "auto";
}

/* The members on s as it stands; NAN where a member does not apply. */
static void base_forecasts(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                           double *full, double *sd)
{
    struct kkr_diag diag;
    for (int i = 0; i < KKR_BACKTEST_MEMBERS; i++) {
        struct kkr_forecast f;
        if (known_months(s) >= base_methods[i]->min_history &&
            base_methods[i]->run(s, opt, &f, &diag) == KKR_OK && isfinite(f.full)) {
            full[i] = f.full;
            sd[i] = f.sd;
        } else {
            full[i] = NAN;
            sd[i] = NAN;
        }
    }
}

static size_t bt_index(int y, int k, int m)
{
    return ((size_t)y * 12 + (size_t)k) * KKR_BACKTEST_MEMBERS + (size_t)m;
}

static bool auto_combine(const struct kkr_backtest_series *b, int y, int k, const double *full,
                         const double *sd, double *f, double *s, double *step);

/* The members' forecasts of year y at k = k_from..k_to from the data before (the year's data
 * up to k), as the backtest makes them: ets, level, arima and damped chosen or fitted at the
 * year's start and refitted or filtered on. */
static void replay_year(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                        struct kkr_backtest_series *out, int y, int k_from, int k_to)
{
    struct kkr_series sub = *s;
    sub.years = y + 1;
    /* ets: the model chosen by AICc on the data before the year; its parameters are
     * refitted every month (choosing among all models every month costs 11x and changes
     * little). */
    struct kkr_ets_model md;
    int n0 = 12 * y - s->start;
    kkr_ets_fit(s->values + s->start, n0, 12, &md);
    /* level: fitted at the year's start, its filter run on as the months arrive */
    struct kkr_ets_model ml;
    bool has_level = n0 >= 24 && level_fit(s->values + s->start, n0, &ml);
    struct kkr_airline_model ma;
    bool has_arima = n0 >= ARIMA_MIN && kkr_airline_fit(s->values + s->start, n0, 12, &ma);
    /* damped: its model chosen at the year's start, refitted every month */
    struct kkr_ets_model mdd;
    kkr_damped_choose(s->values + s->start, n0, 12, &mdd);
    for (int k = k_from; k <= k_to; k++) {
        sub.k = k;
        struct kkr_diag d;
        if (has_level) {
            double sum, sd;
            kkr_ets_forecast(&ml, s->values + s->start, n0 + k, 12, 12 - k, NULL, &sum, &sd);
            double full = sum_range(s->values, 12 * y, 12 * y + k) + sum;
            if (isfinite(full)) {
                out->full[bt_index(y, k, M_LEVEL)] = full;
                out->sd[bt_index(y, k, M_LEVEL)] = sd;
            }
        }
        double asum, asd;
        if (has_arima && kkr_airline_forecast(&ma, s->values + s->start, n0 + k, 12 - k,
                                              NULL, &asum, &asd)) {
            out->full[bt_index(y, k, M_ARIMA)] =
                sum_range(s->values, 12 * y, 12 * y + k) + asum;
            out->sd[bt_index(y, k, M_ARIMA)] = asd;
        }
        double dsum, dsd;
        if (n0 + k >= member_damped.min_history &&
            kkr_damped_forecast_model(s->values + s->start, n0 + k, 12, 12 - k, &mdd, NULL,
                                      &dsum, &dsd)) {
            double full = sum_range(s->values, 12 * y, 12 * y + k) + dsum;
            if (isfinite(full)) {
                out->full[bt_index(y, k, M_DAMPED)] = full;
                out->sd[bt_index(y, k, M_DAMPED)] = dsd;
            }
        }
        for (int m = 0; m < KKR_BACKTEST_MEMBERS; m++) {
            if (m == M_ETS || m == M_LEVEL || m == M_ARIMA || m == M_DAMPED)
                continue;
            struct kkr_forecast f;
            if (known_months(&sub) >= base_methods[m]->min_history &&
                base_methods[m]->run(&sub, opt, &f, &d) == KKR_OK && isfinite(f.full)) {
                out->full[bt_index(y, k, m)] = f.full;
                out->sd[bt_index(y, k, m)] = f.sd;
            }
        }
        double sum, sd;
        /* the chosen model's parameters refitted as the months arrive (as the live
         * forecast refits); the model itself stays the one chosen at the year's start */
        struct kkr_ets_model mk;
        if (md.aicc != HUGE_VAL &&
            kkr_ets_fit_model(s->values + s->start, n0 + k, 12, md.error, md.trend,
                              md.season, md.damped, &mk))
            md = mk;
        kkr_ets_forecast(&md, s->values + s->start, n0 + k, 12, 12 - k, NULL, &sum, &sd);
        double full = sum_range(s->values, 12 * y, 12 * y + k) + sum;
        if (isfinite(full)) {
            out->full[bt_index(y, k, M_ETS)] = full;
            out->sd[bt_index(y, k, M_ETS)] = sd;
        }
    }
}

/* The current year at k - 1 and k as the backtest replays a year, for the members' latest
 * revision in auto (auto_combine); nothing before February or without a year before. */
static void replay_current(const struct kkr_series *s, const struct kkr_forecast_options *opt,
                           struct kkr_backtest_series *b)
{
    int y = s->years - 1, k = s->k;
    if (k < 2 || k > 11 || y < 1 || 12 * (y - 1) < s->start)
        return;
    replay_year(s, opt, b, y, k - 1, k);
}

enum kkr_status kkr_backtest_series_compute(const struct kkr_series *s,
                                            const struct kkr_forecast_options *opt,
                                            struct kkr_backtest_series *out,
                                            struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->years = s->years;
    size_t cells = (size_t)s->years * 12 * KKR_BACKTEST_MEMBERS;
    out->full = malloc(cells * sizeof *out->full);
    out->sd = malloc(cells * sizeof *out->sd);
    out->outcome = malloc((size_t)s->years * sizeof *out->outcome);
    out->budget_total = malloc((size_t)s->years * sizeof *out->budget_total);
    out->comb_full = malloc((size_t)s->years * 12 * sizeof *out->comb_full);
    out->comb_sd = malloc((size_t)s->years * 12 * sizeof *out->comb_sd);
    if (!out->full || !out->sd || !out->outcome || !out->budget_total || !out->comb_full ||
        !out->comb_sd) {
        kkr_backtest_series_release(out);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < cells; i++)
        out->full[i] = out->sd[i] = NAN;
    for (int y = 0; y < s->years; y++) {
        out->outcome[y] = NAN;
        out->budget_total[y] = budget_year_has(s, y) && 12 * y >= s->start
                                   ? sum_range(s->budget, 12 * y, 12 * y + 12)
                                   : NAN;
    }
    for (int i = 0; i < s->years * 12; i++)
        out->comb_full[i] = out->comb_sd[i] = NAN;
    out->first = s->years;
    for (int y = 0; y < s->years - 1; y++) {
        /* a complete year with at least a year of data before it; the first complete year
         * itself is not replayed, but what budget, runrate and trend would have said of it is
         * kept for auto's weights (it is the only year they have in a short series) */
        if (12 * y < s->start || (s->end > 0 && 12 * y + 12 > s->end))
            continue;
        bool pre = 12 * (y - 1) < s->start;
        if (!pre && out->first == s->years)
            out->first = y;
        out->outcome[y] = sum_range(s->values, 12 * y, 12 * y + 12);
        struct kkr_series sub = *s;
        sub.years = y + 1;
        if (pre) {
            for (int k = 1; k <= 11; k++) {
                sub.k = k;
                struct kkr_diag d;
                for (int m = M_BUDGET; m <= M_TREND; m++) {
                    struct kkr_forecast f;
                    if (known_months(&sub) >= base_methods[m]->min_history &&
                        base_methods[m]->run(&sub, opt, &f, &d) == KKR_OK && isfinite(f.full)) {
                        out->full[bt_index(y, k, m)] = f.full;
                        out->sd[bt_index(y, k, m)] = f.sd;
                    }
                }
            }
            continue;
        }
        replay_year(s, opt, out, y, 1, 11);
    }
    /* auto's own forecasts of the replayed years (each from the years before it), for the
     * calibration of its interval */
    for (int y = out->first; y < s->years - 1; y++) {
        if (!isfinite(out->outcome[y]))
            continue;
        for (int k = 1; k <= 11; k++) {
            double f, sd, step;
            if (auto_combine(out, y, k, out->full + bt_index(y, k, 0),
                             out->sd + bt_index(y, k, 0), &f, &sd, &step)) {
                out->comb_full[y * 12 + k] = f;
                out->comb_sd[y * 12 + k] = sd;
            }
        }
    }
    return KKR_OK;
}

void kkr_backtest_series_release(struct kkr_backtest_series *b)
{
    if (!b)
        return;
    free(b->full);
    free(b->sd);
    free(b->outcome);
    free(b->budget_total);
    free(b->comb_full);
    free(b->comb_sd);
    b->full = b->sd = b->outcome = b->budget_total = b->comb_full = b->comb_sd = NULL;
}

const double *kkr_backtest_series_full(const struct kkr_backtest_series *b, int y, int k)
{
    return b->full + bt_index(y, k, 0);
}

const double *kkr_backtest_series_sd(const struct kkr_backtest_series *b, int y, int k)
{
    return b->sd + bt_index(y, k, 0);
}

/* ---- auto ---- */

/* auto: a combination of budget, runrate, seasonal, ets, theta, damped, ratio, level and arima
 * with weights learned per series in its backtest (README: Prognos, Träffsäkerhet).
 *
 * Two weightings, averaged: (1) a member's weight is 1 / its MSE, the mean squared relative
 * error of its year-end forecasts in earlier years at the same k (k - 1 and k + 1 count
 * half); (2) the same from its errors at every k of earlier years, each year and k's squared
 * errors divided by their mean over the members (so that the small errors late in the year
 * count as much as the large ones early), k +- d counting 0.7^d. Both are shrunk by 0.3
 * pseudo-cases towards the mean and divided by the member's prior (runrate 0.3, ets 2, the
 * others 1). An informative budget (DESIGN §7): the budget's weight is multiplied by how much
 * smaller its squared errors were than the run rate's, over all k of the earlier years.
 *
 * From February both are multiplied by the members' latest revision factors: a member that
 * moved its forecast of the year far from k - 1 to k (relative to the members' median) has
 * just been surprised by the month that came in, and is trusted less for the rest of it.
 *
 * When the series' record shows that its budget is no better than last year's total (the
 * squared errors of the budget's year totals at least half those of the previous year's
 * total), half of the forecast is the median of the members instead (a robust centre,
 * which neither one member's miss nor a noisy record of weights moves). Where the record
 * says nothing of that (no such year yet), the budget keeps its place.
 *
 * A budget that plans a step (DESIGN §7): when the budget's change from last year's total
 * differs by more than 5 percentage points (and by more than twice the spread of the yearly
 * changes) from the series' mean yearly change, and by more than 5 points from the changes the
 * budget planned in earlier years, it carries a decision the history cannot know (a new
 * wing, a unit back to normal after a closure). Then (12 - k) / 12 of the forecast is the
 * budget's, so that the months as they arrive take over. A budget made the same way every
 * year (last year's total, or last year's x the series' mean growth) never plans a step.
 *
 * The interval: the weighted mean of the members' standard deviations (their errors are
 * strongly correlated), scaled by 0.87 and by how the combination's own errors in earlier
 * years compared with it (z-scores, shrunk by two pseudo-cases), with the quantile of a t
 * distribution with 4 degrees of freedom (the errors have heavier tails than a normal's).
 * The constants were chosen on half A of the M3 series and the care workbook. */
static const int comb_parts[] = {M_BUDGET, M_RUNRATE, M_SEASONAL, M_ETS, M_THETA, M_DAMPED,
                                 M_RATIO, M_LEVEL, M_ARIMA};
#define COMB_PARTS ((int)(sizeof comb_parts / sizeof comb_parts[0]))
static const double comb_prior[COMB_PARTS] = {1.0, 0.3, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0};
#define COMB_PSEUDO 0.3
#define COMB_NEAR 0.5
#define COMB_DECAY 0.7
#define COMB_MEDIAN 0.5
#define BUDGET_NAIVE 0.5
#define BUDGET_STEP 0.05
#define BUDGET_STEP_SPREAD 2.0
#define CAL_PSEUDO 2.0
#define CAL_SCALE 0.87
#define CAL_DF 4.0

static int clamp_k(int k)
{
    return k < 1 ? 1 : (k > 11 ? 11 : k);
}

/* How much smaller the budget's squared relative errors were than the run rate's over all k
 * of the years before y (1 when not smaller, or no such years). */
static double budget_informative(const struct kkr_backtest_series *b, int y)
{
    double sb = 0, sr = 0;
    for (int py = 0; py < y && py < b->years; py++) {
        double o = b->outcome[py];
        if (!isfinite(o) || o == 0.0)
            continue;
        for (int kk = 1; kk <= 11; kk++) {
            double fb = b->full[bt_index(py, kk, M_BUDGET)];
            double fr = b->full[bt_index(py, kk, M_RUNRATE)];
            if (!isfinite(fb) || !isfinite(fr))
                continue;
            sb += (fb - o) * (fb - o) / (o * o);
            sr += (fr - o) * (fr - o) / (o * o);
        }
    }
    if (sr > sb && sb > 0)
        return sr / sb;
    return sr > sb ? 1e6 : 1.0;
}

/* The budget's year totals against last year's total: the sum of the squared relative errors
 * of the budget over that of the previous year's total, over the years before y whose
 * previous year is complete (*n of them); NAN when there is none. */
static double budget_vs_last_year(const struct kkr_backtest_series *b, int y, int *n)
{
    double sb = 0, sl = 0;
    *n = 0;
    for (int py = 1; py < y && py < b->years; py++) {
        double o = b->outcome[py], last = b->outcome[py - 1], bt = b->budget_total[py];
        if (!isfinite(o) || o == 0.0 || !isfinite(last) || !isfinite(bt))
            continue;
        sb += (bt - o) * (bt - o) / (o * o);
        sl += (last - o) * (last - o) / (o * o);
        (*n)++;
    }
    return sl > 0 ? sb / sl : NAN;
}

/* The change the budget of year y plans from the total of year y - 1 (NAN when either is
 * missing or their signs differ). */
static double budget_plan(const struct kkr_backtest_series *b, int y)
{
    if (y < 1 || y >= b->years)
        return NAN;
    double last = b->outcome[y - 1], bt = b->budget_total[y];
    if (!isfinite(last) || !isfinite(bt) || !(bt / last > 0))
        return NAN;
    return bt / last - 1.0;
}

/* The change of the total of year y from that of year y - 1 (NAN as budget_plan). */
static double yearly_change(const struct kkr_backtest_series *b, int y)
{
    double o = b->outcome[y], prev = b->outcome[y - 1];
    return isfinite(o) && isfinite(prev) && o / prev > 0 ? o / prev - 1.0 : NAN;
}

/* Whether the budget of year y plans a step (see auto above): its change from last year is
 * far from both the series' yearly changes and the budget's earlier plans. */
static bool budget_plans_step(const struct kkr_backtest_series *b, int y)
{
    double plan = budget_plan(b, y);
    if (!isfinite(plan))
        return false;
    /* the mean and spread of the yearly changes before y, and the mean of the earlier plans */
    double sum = 0, plans = 0;
    int ng = 0, np = 0;
    for (int py = 1; py < y && py < b->years; py++) {
        double change = yearly_change(b, py), p = budget_plan(b, py);
        if (isfinite(change)) {
            sum += change;
            ng++;
        }
        if (isfinite(p)) {
            plans += p;
            np++;
        }
    }
    if (ng == 0 || np == 0)
        return false;
    double mean = sum / ng, ss = 0;
    for (int py = 1; py < y && py < b->years; py++) {
        double change = yearly_change(b, py);
        if (isfinite(change))
            ss += (change - mean) * (change - mean);
    }
    double spread = ng > 1 ? sqrt(ss / (ng - 1)) : 0.0;
    return fabs(plan - mean) > fmax(BUDGET_STEP, BUDGET_STEP_SPREAD * spread) &&
           fabs(plan - plans / np) > BUDGET_STEP;
}

/* The weights from the squared errors se[i] over cnt[i] cases (all over all_n: their mean),
 * the priors and the budget's factor; false when no member has a forecast. */
static bool weights_from(const double *se, const double *cnt, double all, double all_n,
                         double bfac, const double *full, double *w)
{
    double base = all_n > 0 ? all / all_n : 1.0;
    bool any = false;
    for (int i = 0; i < COMB_PARTS; i++) {
        w[i] = 0.0;
        if (!isfinite(full[comb_parts[i]]))
            continue;
        double mse = (se[i] + COMB_PSEUDO * base) / (cnt[i] + COMB_PSEUDO);
        w[i] = comb_prior[i] / (mse + 1e-12);
        if (comb_parts[i] == M_BUDGET)
            w[i] *= bfac;
        any = true;
    }
    return any;
}

/* Weighting (1): the record at k (k +- 1 half) of the years before y. */
static bool weights_at_k(const struct kkr_backtest_series *b, int y, int k, const double *full,
                         double bfac, double *w)
{
    double se[COMB_PARTS] = {0}, cnt[COMB_PARTS] = {0}, all = 0, all_n = 0;
    for (int py = 0; py < y && py < b->years; py++) {
        double o = b->outcome[py];
        if (!isfinite(o) || o == 0.0)
            continue;
        for (int kk = clamp_k(k - 1); kk <= clamp_k(k + 1); kk++) {
            double wt = kk == k ? 1.0 : COMB_NEAR;
            for (int i = 0; i < COMB_PARTS; i++) {
                double f = b->full[bt_index(py, kk, comb_parts[i])];
                if (!isfinite(f))
                    continue;
                double e = (f - o) / o;
                se[i] += wt * e * e;
                cnt[i] += wt;
                all += wt * e * e;
                all_n += wt;
            }
        }
    }
    return weights_from(se, cnt, all, all_n, bfac, full, w);
}

/* Weighting (2): the record at every k of the years before y, each year and k relative to the
 * members' mean squared error there, k +- d counting COMB_DECAY^d. */
static bool weights_relative(const struct kkr_backtest_series *b, int y, int k,
                             const double *full, double bfac, double *w)
{
    double se[COMB_PARTS] = {0}, cnt[COMB_PARTS] = {0}, all = 0, all_n = 0;
    double decay[11];
    decay[0] = 1.0;
    for (int d = 1; d < 11; d++)
        decay[d] = decay[d - 1] * COMB_DECAY;
    for (int py = 0; py < y && py < b->years; py++) {
        double o = b->outcome[py];
        if (!isfinite(o) || o == 0.0)
            continue;
        for (int kk = 1; kk <= 11; kk++) {
            double e2[COMB_PARTS], mean = 0;
            int m = 0;
            for (int i = 0; i < COMB_PARTS; i++) {
                double f = b->full[bt_index(py, kk, comb_parts[i])];
                e2[i] = isfinite(f) ? (f - o) * (f - o) / (o * o) : NAN;
                if (isfinite(f)) {
                    mean += e2[i];
                    m++;
                }
            }
            if (m == 0 || !(mean > 0))
                continue;
            mean /= m;
            double wt = decay[abs(kk - k)];
            for (int i = 0; i < COMB_PARTS; i++) {
                if (!isfinite(e2[i]))
                    continue;
                se[i] += wt * e2[i] / mean;
                cnt[i] += wt;
                all += wt * e2[i] / mean;
                all_n += wt;
            }
        }
    }
    return weights_from(se, cnt, all, all_n, bfac, full, w);
}

static void weighted(const double *w, const double *full, const double *sd, double *f,
                     double *s)
{
    double tw = 0, tf = 0, ts = 0;
    for (int i = 0; i < COMB_PARTS; i++) {
        if (w[i] == 0.0)
            continue;
        tw += w[i];
        tf += w[i] * full[comb_parts[i]];
        ts += w[i] * (isfinite(sd[comb_parts[i]]) ? sd[comb_parts[i]] : 0.0);
    }
    *f = tf / tw;
    *s = ts / tw;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of the members' forecasts (the mean of the middle two of an even number). */
static double members_median(const double *full)
{
    double v[COMB_PARTS];
    int n = 0;
    for (int i = 0; i < COMB_PARTS; i++)
        if (isfinite(full[comb_parts[i]]))
            v[n++] = full[comb_parts[i]];
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The members' latest revision: how far each moved its forecast of year y from k - 1 to k
 * (as the backtest makes them), squared, relative to the members' median forecast. A member
 * that had to move far on the month just come in is trusted less for the rest of the year:
 * its weights are multiplied by mean / (its + mean), the mean over the members (all 1 before
 * February, or with fewer than three members to compare). */
static void revision_factors(const struct kkr_backtest_series *b, int y, int k, double *fac)
{
    for (int i = 0; i < COMB_PARTS; i++)
        fac[i] = 1.0;
    if (k < 2 || k > 11 || y < 0 || y >= b->years)
        return;
    const double *now = b->full + bt_index(y, k, 0), *before = b->full + bt_index(y, k - 1, 0);
    double r[COMB_PARTS], mean = 0;
    int n = 0;
    for (int i = 0; i < COMB_PARTS; i++)
        if (isfinite(now[comb_parts[i]]))
            n++;
    if (n < 3)
        return;
    double ref = fabs(members_median(now));
    if (!(ref > 0) || !isfinite(ref))
        return;
    n = 0;
    for (int i = 0; i < COMB_PARTS; i++) {
        int m = comb_parts[i];
        r[i] = NAN;
        if (!isfinite(now[m]) || !isfinite(before[m]))
            continue;
        double d = (now[m] - before[m]) / ref;
        r[i] = d * d;
        mean += r[i];
        n++;
    }
    if (n < 3 || !(mean > 0))
        return;
    mean /= n;
    for (int i = 0; i < COMB_PARTS; i++)
        if (isfinite(r[i]))
            fac[i] = mean / (r[i] + mean);
}

/* auto's forecast of year y at k from the members' forecasts full/sd (before calibration);
 * *step the budget's planned step when the forecast follows one, else NAN. */
static bool auto_combine(const struct kkr_backtest_series *b, int y, int k, const double *full,
                         const double *sd, double *f, double *s, double *step)
{
    *step = NAN;
    double w[COMB_PARTS], f1, s1, f2, s2;
    double bfac = budget_informative(b, y), fac[COMB_PARTS];
    revision_factors(b, y, k, fac);
    if (!weights_at_k(b, y, k, full, bfac, w))
        return false;
    for (int i = 0; i < COMB_PARTS; i++)
        w[i] *= fac[i];
    weighted(w, full, sd, &f1, &s1);
    weights_relative(b, y, k, full, bfac, w);
    for (int i = 0; i < COMB_PARTS; i++)
        w[i] *= fac[i];
    weighted(w, full, sd, &f2, &s2);
    *f = (f1 + f2) / 2.0;
    *s = (s1 + s2) / 2.0;
    int n;
    double vs = budget_vs_last_year(b, y, &n);
    if (n > 0 && vs >= BUDGET_NAIVE)
        *f = (1.0 - COMB_MEDIAN) * *f + COMB_MEDIAN * members_median(full);
    if (isfinite(full[M_BUDGET]) && budget_plans_step(b, y)) {
        double wb = (12 - k) / 12.0;
        *f = wb * full[M_BUDGET] + (1.0 - wb) * *f;
        if (isfinite(sd[M_BUDGET]))
            *s = wb * sd[M_BUDGET] + (1.0 - wb) * *s;
        *step = budget_plan(b, y);
    }
    return isfinite(*f);
}

void kkr_forecast_auto_choose(const struct kkr_backtest_series *b, int y, int k,
                              const double *base_full, const double *base_sd,
                              const struct kkr_forecast_options *opt, struct kkr_forecast *out)
{
    double f, s, step;
    if (!auto_combine(b, y, k, base_full, base_sd, &f, &s, &step)) {
        /* none of the members applies (e.g. trend alone): the first method that does */
        for (int i = 0; i < KKR_BACKTEST_MEMBERS; i++)
            if (isfinite(base_full[i])) {
                finish(out, base_full[i], base_sd[i], opt->level, base_methods[i]->name);
                return;
            }
        out->method = NULL;
        out->full = NAN;
        out->budget_step = NAN;
        return;
    }
    /* calibration: the combination's errors in the replayed years before y against its sd */
    double z2 = 0, n = 0;
    for (int py = b->first; py < y && py < b->years; py++) {
        double o = b->outcome[py];
        if (!isfinite(o) || o == 0.0)
            continue;
        for (int kk = clamp_k(k - 1); kk <= clamp_k(k + 1); kk++) {
            double pf = b->comb_full[py * 12 + kk], ps = b->comb_sd[py * 12 + kk];
            if (!isfinite(pf) || !(ps > 0))
                continue;
            double wt = kk == k ? 1.0 : 0.5;
            z2 += wt * (pf - o) * (pf - o) / (ps * ps);
            n += wt;
        }
    }
    double scale = CAL_SCALE * sqrt((CAL_PSEUDO + z2) / (CAL_PSEUDO + n));
    finish(out, f, s * scale, opt->level, "kombination");
    out->budget_step = step;
    double level = opt->level > 0.0 && opt->level < 1.0 ? opt->level : 0.8;
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, CAL_DF) * out->sd;
    out->low = f - half;
    out->high = f + half;
}
