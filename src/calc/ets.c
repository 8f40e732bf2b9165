/* ets.c — exponential smoothing (Holt-Winters state space models) fitted by likelihood */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "kkr/forecast.h"

#define MAX_M 12
/* Nelder-Mead budget: the likelihood surface in 1-4 smoothing parameters is smooth and
 * shallow; more iterations buy almost nothing in forecast accuracy. */
#define MAX_ITER 120
#define SIMPLEX_TOL 2e-3

static double phi_sum(const struct kkr_ets_model *md, int h)
{
    if (md->trend == 'N')
        return 0.0;
    if (!md->damped)
        return h;
    double s = 0.0, p = 1.0;
    for (int i = 0; i < h; i++) {
        p *= md->phi;
        s += p;
    }
    return s;
}

/* Runs the model over y[0..n). Returns false when the model breaks down (a non-positive mean
 * in a multiplicative model). Leaves the final states in *l, *b, s[]. */
static bool filter(const struct kkr_ets_model *md, const double *y, int n, int m, double *l_out,
                   double *b_out, double *s, double *sse_out, double *sumlog_out)
{
    double l = md->level0, b = md->trend0;
    double phi = md->trend == 'N' ? 0.0 : (md->damped ? md->phi : 1.0);
    bool mult_err = md->error == 'M';
    for (int j = 0; j < m; j++)
        s[j] = md->season0[j];
    /* the sum of log(mu) for multiplicative errors, kept as a running product that is only
     * taken to its log when it grows large or small (log was a fifth of the backtest's time) */
    double sse = 0.0, sumlog = 0.0, prod = 1.0;
    /* locals: a store to s[] could otherwise alias the model's doubles and force reloads */
    const char season = md->season;
    const double alpha = md->alpha, beta = md->beta, gamma = md->gamma, sign = md->sign;
    const bool positive = mult_err || season == 'M';
    int j = 0;
    for (int t = 0; t < n; t++) {
        double base = l + phi * b;
        double sj = season == 'N' ? 1.0 : s[j];
        double mu;
        if (season == 'A')
            mu = base + sj;
        else if (season == 'M')
            mu = base * sj;
        else
            mu = base;
        if (positive && (!(mu > 0.0) || !(base > 0.0)))
            return false;
        double yt = y[t] * sign;
        double e = yt - mu;
        if (mult_err) {
            double r = e / mu;
            sse += r * r;
            if (mu > 1e-100 && mu < 1e100) {
                prod *= mu;
                if (prod > 1e150 || prod < 1e-150) {
                    sumlog += log(prod);
                    prod = 1.0;
                }
            } else {
                sumlog += log(mu);
            }
        } else {
            sse += e * e;
        }
        /* State updates in the error-correction form; written with the absolute error they
         * are the same for additive and multiplicative errors. */
        if (season == 'M') {
            l = base + alpha * e / sj;
            b = phi * b + beta * e / sj;
            s[j] = sj + gamma * e / base;
        } else {
            l = base + alpha * e;
            b = phi * b + beta * e;
            if (season == 'A')
                s[j] = sj + gamma * e;
        }
        if (!isfinite(l))
            return false;
        if (++j == m)
            j = 0;
    }
    *l_out = l;
    *b_out = b;
    *sse_out = sse;
    *sumlog_out = sumlog + log(prod);
    return true;
}

static double neg2loglik(const struct kkr_ets_model *md, const double *y, int n, int m,
                         bool *ok)
{
    double l, b, s[MAX_M], sse, sumlog;
    *ok = filter(md, y, n, m, &l, &b, s, &sse, &sumlog);
    if (!*ok)
        return 1e300;
    double sig2 = sse / n;
    if (sig2 < 1e-300)
        sig2 = 1e-300;
    return n * log(2.0 * M_PI * sig2) + n + 2.0 * sumlog;
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}
static double logit(double p)
{
    return log(p / (1.0 - p));
}

struct fit_ctx {
    struct kkr_ets_model md;
    const double *y;
    int n, m;
};

#define P_LO 1e-4
#define PHI_LO 0.8
#define PHI_HI 0.98

/* The smoothing parameters from unconstrained coordinates: alpha in (lo, 1 - lo), beta in
 * (lo, alpha), gamma in (lo, 1 - alpha), phi in (0.8, 0.98) (the usual admissible box). */
static void unpack(struct kkr_ets_model *md, const gsl_vector *x)
{
    size_t i = 0;
    md->alpha = P_LO + (1.0 - 2 * P_LO) * sigmoid(gsl_vector_get(x, i++));
    if (md->trend != 'N')
        md->beta = P_LO + (md->alpha - P_LO) * sigmoid(gsl_vector_get(x, i++));
    else
        md->beta = 0.0;
    if (md->season != 'N')
        md->gamma = P_LO + (1.0 - md->alpha - P_LO) * sigmoid(gsl_vector_get(x, i++));
    else
        md->gamma = 0.0;
    if (md->damped)
        md->phi = PHI_LO + (PHI_HI - PHI_LO) * sigmoid(gsl_vector_get(x, i++));
    else
        md->phi = 1.0;
}

static double cost(const gsl_vector *x, void *params)
{
    struct fit_ctx *c = params;
    unpack(&c->md, x);
    bool ok;
    double v = neg2loglik(&c->md, c->y, c->n, c->m, &ok);
    return ok ? v : 1e300;
}

/* Initial states: a straight line through the first seasons (or the first ten points), the
 * seasonal pattern from the detrended first seasons (classical decomposition). */
static bool init_states(struct kkr_ets_model *md, const double *y, int n, int m)
{
    int len;
    if (md->season != 'N')
        len = (n / m >= 3 ? 3 : 2) * m;
    else
        len = n < 10 ? n : 10;
    if (len > n)
        len = n;
    double st = 0, sy = 0, stt = 0, sty = 0;
    for (int t = 0; t < len; t++) {
        double v = y[t] * md->sign;
        st += t;
        sy += v;
        stt += (double)t * t;
        sty += t * v;
    }
    double den = len * stt - st * st;
    double slope = den > 0 ? (len * sty - st * sy) / den : 0.0;
    double icpt = (sy - slope * st) / len;
    if (md->season != 'N') {
        double acc[MAX_M] = {0};
        int cnt[MAX_M] = {0};
        for (int t = 0; t < len; t++) {
            double fit = icpt + slope * t;
            double v = y[t] * md->sign;
            if (md->season == 'M') {
                if (!(fit > 0))
                    return false;
                acc[t % m] += v / fit;
            } else {
                acc[t % m] += v - fit;
            }
            cnt[t % m]++;
        }
        double tot = 0;
        for (int j = 0; j < m; j++) {
            md->season0[j] = acc[j] / cnt[j];
            tot += md->season0[j];
        }
        for (int j = 0; j < m; j++) {
            if (md->season == 'M') {
                md->season0[j] *= m / tot;
                if (!(md->season0[j] > 0))
                    return false;
            } else {
                md->season0[j] -= tot / m;
            }
        }
    } else {
        for (int j = 0; j < MAX_M; j++)
            md->season0[j] = 0.0;
    }
    if (md->trend != 'N') {
        md->level0 = icpt - slope;
        md->trend0 = slope;
    } else {
        /* The mean of the first points: a level model has no slope to carry. */
        md->level0 = icpt + slope * (len - 1) / 2.0;
        md->trend0 = 0.0;
    }
    return true;
}

bool kkr_ets_fit_model(const double *y, int n, int m, char error, char trend, char season,
                       bool damped, struct kkr_ets_model *out)
{
    if (m > MAX_M || m < 1)
        return false;
    if (season != 'N' && (m < 2 || n < 2 * m))
        return false;
    if (trend == 'N' && damped)
        return false;
    if (n < 3)
        return false;
    struct fit_ctx c;
    memset(&c, 0, sizeof c);
    c.md.error = error;
    c.md.trend = trend;
    c.md.season = season;
    c.md.damped = damped;
    c.md.sign = 1.0;
    bool all_pos = true, all_neg = true;
    for (int t = 0; t < n; t++) {
        if (!(y[t] > 0))
            all_pos = false;
        if (!(y[t] < 0))
            all_neg = false;
    }
    if (all_neg)
        c.md.sign = -1.0;
    if ((error == 'M' || season == 'M') && !all_pos && !all_neg)
        return false;
    if (!init_states(&c.md, y, n, m))
        return false;
    c.y = y;
    c.n = n;
    c.m = m;

    size_t np = 1 + (trend != 'N') + (season != 'N') + damped;
    int states = 1 + (trend != 'N') + (season != 'N' ? m - 1 : 0);
    int k = (int)np + states + 1;
    if (n - k - 1 <= 0)
        return false;

    gsl_vector *x = gsl_vector_alloc(np), *step = gsl_vector_alloc(np);
    gsl_multimin_fminimizer *mz =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, np);
    if (!x || !step || !mz) {
        gsl_vector_free(x);
        gsl_vector_free(step);
        if (mz)
            gsl_multimin_fminimizer_free(mz);
        return false;
    }
    /* Starting values: alpha 0.3, beta 0.1 alpha, gamma 0.1 (1 - alpha), phi 0.95. */
    size_t i = 0;
    double a0 = 0.3;
    gsl_vector_set(x, i++, logit((a0 - P_LO) / (1 - 2 * P_LO)));
    if (trend != 'N')
        gsl_vector_set(x, i++, logit(0.1));
    if (season != 'N')
        gsl_vector_set(x, i++, logit(0.1));
    if (damped)
        gsl_vector_set(x, i++, logit((0.95 - PHI_LO) / (PHI_HI - PHI_LO)));
    gsl_vector_set_all(step, 1.0);
    gsl_multimin_function f = {cost, np, &c};
    bool ok = false;
    if (gsl_multimin_fminimizer_set(mz, &f, x, step) == GSL_SUCCESS) {
        for (int it = 0; it < MAX_ITER; it++) {
            if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), SIMPLEX_TOL) ==
                GSL_SUCCESS)
                break;
        }
        unpack(&c.md, gsl_multimin_fminimizer_x(mz));
        bool fin;
        double v = neg2loglik(&c.md, y, n, m, &fin);
        if (fin && isfinite(v)) {
            double l, b, s[MAX_M], sse, sumlog;
            filter(&c.md, y, n, m, &l, &b, s, &sse, &sumlog);
            c.md.sigma2 = sse / (n - (int)np > 0 ? n - (int)np : 1);
            c.md.loglik = -0.5 * v;
            c.md.n = n;
            c.md.params = k;
            c.md.aicc = v + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0);
            ok = true;
        }
    }
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(x);
    gsl_vector_free(step);
    if (ok)
        *out = c.md;
    return ok;
}

/* The flat model for very short series: the mean, with the spread of the points. */
static void fit_mean(const double *y, int n, struct kkr_ets_model *out)
{
    memset(out, 0, sizeof *out);
    out->error = 'A';
    out->trend = 'N';
    out->season = 'N';
    out->sign = 1.0;
    out->phi = 1.0;
    double mean = 0;
    for (int t = 0; t < n; t++)
        mean += y[t];
    mean = n > 0 ? mean / n : 0.0;
    double ss = 0;
    for (int t = 0; t < n; t++)
        ss += (y[t] - mean) * (y[t] - mean);
    out->level0 = mean;
    out->sigma2 = n > 1 ? ss / (n - 1) : (n == 1 ? 0.01 * mean * mean : 0.0);
    out->n = n;
    out->params = 1;
    out->aicc = HUGE_VAL;
}

void kkr_ets_fit(const double *y, int n, int m, struct kkr_ets_model *out)
{
    static const struct {
        char e, t, s;
        bool d;
    } models[] = {
        {'A', 'N', 'N', false}, {'A', 'A', 'N', false}, {'A', 'A', 'N', true},
        {'A', 'N', 'A', false}, {'A', 'A', 'A', false}, {'A', 'A', 'A', true},
        {'M', 'N', 'N', false}, {'M', 'A', 'N', true},
        {'M', 'N', 'M', false}, {'M', 'A', 'M', false}, {'M', 'A', 'M', true},
    };
    bool found = false;
    struct kkr_ets_model best, cur;
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (!kkr_ets_fit_model(y, n, m, models[i].e, models[i].t, models[i].s, models[i].d,
                               &cur))
            continue;
        if (!found || cur.aicc < best.aicc) {
            best = cur;
            found = true;
        }
    }
    if (found)
        *out = best;
    else
        fit_mean(y, n, out);
}

/* Multiplicative models have no simple closed form for the variance of a sum of forecasts:
 * simulate sample paths from the final states (fixed seed: the same input gives the same
 * interval). */
#define SIM_PATHS 400

static double simulate_sum_var(const struct kkr_ets_model *md, double l0, double b0,
                               const double *s0, int n, int m, int h)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return 0.0;
    gsl_rng_set(rng, 20261123);
    double phi = md->trend == 'N' ? 0.0 : (md->damped ? md->phi : 1.0);
    double sig = sqrt(md->sigma2 > 0 ? md->sigma2 : 0.0);
    double mean = 0.0, m2 = 0.0;
    int used = 0;
    for (int p = 0; p < SIM_PATHS; p++) {
        double l = l0, b = b0, s[MAX_M];
        for (int j = 0; j < m; j++)
            s[j] = s0[j];
        double total = 0.0;
        bool ok = true;
        for (int i = 1; i <= h; i++) {
            int j = (n + i - 1) % m;
            double base = l + phi * b;
            double sj = md->season == 'N' ? 1.0 : s[j];
            double mu = md->season == 'A' ? base + sj : (md->season == 'M' ? base * sj : base);
            double eps = gsl_ran_gaussian_ziggurat(rng, sig);
            double e = md->error == 'M' ? mu * eps : eps;
            total += mu + e;
            if (md->season == 'M') {
                if (!(base > 0) || !(sj > 0)) {
                    ok = false;
                    break;
                }
                l = base + md->alpha * e / sj;
                b = phi * b + md->beta * e / sj;
                s[j] = sj + md->gamma * e / base;
            } else {
                l = base + md->alpha * e;
                b = phi * b + md->beta * e;
                if (md->season == 'A')
                    s[j] = sj + md->gamma * e;
            }
        }
        if (!ok || !isfinite(total))
            continue;
        used++;
        double d = total - mean;
        mean += d / used;
        m2 += d * (total - mean);
    }
    gsl_rng_free(rng);
    return used > 1 ? m2 / (used - 1) : 0.0;
}

void kkr_ets_forecast(const struct kkr_ets_model *md, const double *y, int n, int m, int h,
                      double *means, double *sum, double *sd)
{
    double l, b, s[MAX_M], sse, sumlog;
    if (m > MAX_M)
        m = MAX_M;
    if (md->aicc == HUGE_VAL && md->params == 1) {
        /* the mean model: no filtering */
        l = md->level0;
        b = 0;
        for (int j = 0; j < m; j++)
            s[j] = 0;
    } else if (!filter(md, y, n, m, &l, &b, s, &sse, &sumlog)) {
        /* A multiplicative model that broke down on the newer data: carry the last value. */
        l = n > 0 ? y[n - 1] * md->sign : 0.0;
        b = 0;
        for (int j = 0; j < m; j++)
            s[j] = md->season == 'M' ? 1.0 : 0.0;
    }
    double mu[64];
    if (h > 64)
        h = 64;
    double total = 0.0;
    for (int i = 1; i <= h; i++) {
        double base = l + phi_sum(md, i) * b;
        int j = (n + i - 1) % m;
        double v = base;
        if (md->season == 'A')
            v = base + s[j];
        else if (md->season == 'M')
            v = base * s[j];
        mu[i - 1] = v * md->sign;
        total += mu[i - 1];
        if (means)
            means[i - 1] = mu[i - 1];
    }
    double var = 0.0;
    if (md->error == 'M' || md->season == 'M') {
        var = simulate_sum_var(md, l, b, s, n, m, h);
    } else {
        /* Variance of the sum of the h errors: the innovation at step i moves every later
         * forecast by c_j = alpha + beta * phi_j (+ gamma a season later). */
        for (int i = 1; i <= h; i++) {
            double acc = 1.0;
            for (int j = 1; j <= h - i; j++) {
                double c = md->alpha + md->beta * phi_sum(md, j);
                if (md->season != 'N' && j % m == 0)
                    c += md->gamma;
                acc += c;
            }
            var += acc * acc;
        }
        var *= md->sigma2;
    }
    *sum = total;
    *sd = sqrt(var);
}

/* ---- the theta method and the damped trend on the seasonally adjusted series ---- */

bool kkr_seasonal_test(const double *y, int n, int m)
{
    if (m < 2 || m > MAX_M || n <= 2 * m)
        return false;
    double mean = 0;
    bool constant = true;
    for (int t = 0; t < n; t++) {
        mean += y[t];
        if (y[t] != y[0])
            constant = false;
    }
    if (constant)
        return false;
    mean /= n;
    double c0 = 0, r[MAX_M + 1];
    for (int t = 0; t < n; t++)
        c0 += (y[t] - mean) * (y[t] - mean);
    for (int lag = 1; lag <= m; lag++) {
        double c = 0;
        for (int t = 0; t + lag < n; t++)
            c += (y[t] - mean) * (y[t + lag] - mean);
        r[lag] = c / c0;
    }
    double ss = 0;
    for (int lag = 1; lag < m; lag++)
        ss += r[lag] * r[lag];
    double stat = sqrt((1.0 + 2.0 * ss) / n);
    /* qnorm(0.95): a one-sided 90 % test, as forecast::thetaf */
    return fabs(r[m]) / stat > 1.6448536269514722;
}

bool kkr_decompose_mult(const double *y, int n, int m, double *figure)
{
    if (m < 2 || m > MAX_M || n < 2 * m)
        return false;
    /* the centred moving average of R's decompose(): weights 1/m, the two ends half */
    int half = m / 2;
    double acc[MAX_M] = {0};
    int cnt[MAX_M] = {0};
    for (int t = half; t + half < n; t++) {
        double tr = 0;
        if (m % 2 == 0) {
            tr = 0.5 * (y[t - half] + y[t + half]);
            for (int j = -half + 1; j < half; j++)
                tr += y[t + j];
        } else {
            for (int j = -half; j <= half; j++)
                tr += y[t + j];
        }
        tr /= m;
        if (!(tr != 0.0))
            return false;
        acc[t % m] += y[t] / tr;
        cnt[t % m]++;
    }
    double tot = 0;
    for (int j = 0; j < m; j++) {
        if (cnt[j] == 0)
            return false;
        figure[j] = acc[j] / cnt[j];
        tot += figure[j];
    }
    for (int j = 0; j < m; j++) {
        figure[j] /= tot / m;
        if (!(fabs(figure[j]) >= 1e-4) || !isfinite(figure[j]))
            return false;
    }
    return true;
}

/* Simple exponential smoothing with l0 chosen by least squares for each alpha (the one-step
 * errors are linear in l0) and alpha by a grid and golden-section search on the MSE. */
static double ses_sse(const double *x, int n, double a, double *l0_out, double *ln_out)
{
    double l = 0.0, c = 1.0, sec = 0.0, scc = 0.0, see = 0.0;
    /* with l0 = 0: e_t = x_t - l_{t-1}, l_t = l_{t-1} + a e_t; l0 enters e_t as -(1-a)^t l0 */
    for (int t = 0; t < n; t++) {
        double e = x[t] - l;
        sec += e * c;
        scc += c * c;
        see += e * e;
        l += a * e;
        c *= 1.0 - a;
    }
    double l0 = scc > 0 ? sec / scc : 0.0;
    /* final level: l_n(l0) = l_n(0) + (1-a)^n l0 */
    *l0_out = l0;
    *ln_out = l + c * l0;
    return see - 2.0 * l0 * sec + l0 * l0 * scc;
}

static void ses_fit(const double *x, int n, double *alpha, double *l0, double *ln, double *sse)
{
    const double lo = 1e-4, hi = 0.9999;
    double best = HUGE_VAL, ba = 0.5, tl0, tln;
    for (int i = 0; i <= 20; i++) {
        double a = lo + (hi - lo) * i / 20.0;
        double v = ses_sse(x, n, a, &tl0, &tln);
        if (v < best) {
            best = v;
            ba = a;
        }
    }
    double step = (hi - lo) / 20.0;
    double a0 = ba - step < lo ? lo : ba - step, a1 = ba + step > hi ? hi : ba + step;
    const double g = 0.6180339887498949;
    double c = a1 - g * (a1 - a0), d = a0 + g * (a1 - a0);
    double fc = ses_sse(x, n, c, &tl0, &tln), fd = ses_sse(x, n, d, &tl0, &tln);
    for (int it = 0; it < 40; it++) {
        if (fc < fd) {
            a1 = d;
            d = c;
            fd = fc;
            c = a1 - g * (a1 - a0);
            fc = ses_sse(x, n, c, &tl0, &tln);
        } else {
            a0 = c;
            c = d;
            fc = fd;
            d = a0 + g * (a1 - a0);
            fd = ses_sse(x, n, d, &tl0, &tln);
        }
    }
    double a = 0.5 * (a0 + a1);
    double v = ses_sse(x, n, a, &tl0, &tln);
    if (!(v <= best)) {
        a = ba;
        v = ses_sse(x, n, a, &tl0, &tln);
    }
    *alpha = a;
    *l0 = tl0;
    *ln = tln;
    *sse = v > 0 ? v : 0.0;
}

/* y[0..n) divided by the seasonal figure when the series passes the seasonal test; false when
 * it is not seasonal (x = y, figure all 1). */
static bool season_adjust(const double *y, int n, int m, double *x, double *figure)
{
    bool seasonal = m > 1 && kkr_seasonal_test(y, n, m) && kkr_decompose_mult(y, n, m, figure);
    for (int j = 0; j < MAX_M; j++)
        if (!seasonal)
            figure[j] = 1.0;
    for (int t = 0; t < n; t++)
        x[t] = seasonal ? y[t] / figure[t % m] : y[t];
    return seasonal;
}

static bool theta_fit(const double *y, int n, int m, bool on_logs, struct kkr_theta_model *out)
{
    memset(out, 0, sizeof *out);
    if (n < 3 || m < 1 || m > MAX_M)
        return false;
    double xs[1024], *x = n <= 1024 ? xs : malloc((size_t)n * sizeof *x);
    if (!x)
        return false;
    out->m = m;
    out->n = n;
    out->seasonal = season_adjust(y, n, m, x, out->season);
    if (on_logs) {
        double sign = x[0] < 0 ? -1.0 : 1.0;
        bool logs = true;
        for (int t = 0; t < n && logs; t++)
            logs = sign * x[t] > 0;
        for (int t = 0; t < n && logs; t++)
            x[t] = log(sign * x[t]);
        out->sign = logs ? sign : 0.0;
    }
    double sse;
    ses_fit(x, n, &out->alpha, &out->level0, &out->level, &sse);
    out->sigma2 = sse / (n - 2);
    /* the drift: half the slope of the least-squares line through the adjusted series */
    double st = 0, sx = 0, stt = 0, stx = 0;
    for (int t = 0; t < n; t++) {
        st += t;
        sx += x[t];
        stt += (double)t * t;
        stx += t * x[t];
    }
    double den = n * stt - st * st;
    out->drift = den > 0 ? 0.5 * (n * stx - st * sx) / den : 0.0;
    if (x != xs)
        free(x);
    return isfinite(out->level) && isfinite(out->drift) && isfinite(out->sigma2);
}

bool kkr_theta_fit(const double *y, int n, int m, struct kkr_theta_model *out)
{
    return theta_fit(y, n, m, false, out);
}

bool kkr_theta_fit_logs(const double *y, int n, int m, struct kkr_theta_model *out)
{
    return theta_fit(y, n, m, true, out);
}

void kkr_theta_forecast(const struct kkr_theta_model *md, int h, double *means, double *sum,
                        double *sd)
{
    double a = md->alpha > 1e-10 ? md->alpha : 1e-10;
    double lift = (1.0 - pow(1.0 - a, md->n)) / a;
    double total = 0.0, fig = 0.0;
    for (int i = 1; i <= h; i++) {
        double s = md->season[(md->n + i - 1) % md->m];
        double v = md->level + md->drift * ((i - 1) + lift);
        v = (md->sign != 0.0 ? md->sign * exp(v) : v) * s;
        if (means)
            means[i - 1] = v;
        total += v;
        fig += s;
    }
    /* the sum of h SES errors: the innovation at step i moves the later forecasts by alpha */
    double var = 0.0;
    for (int i = 1; i <= h; i++) {
        double c = 1.0 + a * (h - i);
        var += c * c;
    }
    var *= md->sigma2;
    /* on the logs sqrt(var) / h is the sd of the mean log forecast: a relative error */
    if (h > 0)
        var *= md->sign != 0.0 ? (total / h) * (total / h) : (fig / h) * (fig / h);
    *sum = total;
    *sd = sqrt(var);
}

/* The seasonally adjusted series of y[0..n) in x and its figure, on the logs (of -x for
 * revenues) where it has one sign: a trend in per cent, as the series grow; with both signs x
 * itself (*logs false). *sign is -1 for an all-negative series. */
static void adjusted_logs(const double *y, int n, int m, double *x, double *figure, double *sign,
                          bool *logs)
{
    season_adjust(y, n, m, x, figure);
    *sign = n > 0 && x[0] < 0 ? -1.0 : 1.0;
    *logs = n > 0;
    for (int t = 0; t < n && *logs; t++)
        *logs = *sign * x[t] > 0;
    for (int t = 0; t < n && *logs; t++)
        x[t] = log(*sign * x[t]);
}

void kkr_damped_choose(const double *y, int n, int m, struct kkr_ets_model *chosen)
{
    /* where nothing can be chosen, the damped trend */
    fit_mean(y, 0, chosen);
    chosen->trend = 'A';
    chosen->damped = true;
    if (m < 1 || m > MAX_M)
        return;
    double xs[1024], *x = n <= 1024 ? xs : malloc((size_t)n * sizeof *x);
    if (!x)
        return;
    double figure[MAX_M], sign;
    bool logs;
    adjusted_logs(y, n, m, x, figure, &sign, &logs);
    kkr_ets_fit(x, n, 1, chosen);
    if (x != xs)
        free(x);
}

bool kkr_damped_forecast_model(const double *y, int n, int m, int h,
                               const struct kkr_ets_model *chosen, double *means, double *sum,
                               double *sd)
{
    if (m < 1 || m > MAX_M || h > 64)
        return false;
    double xs[1024], *x = n <= 1024 ? xs : malloc((size_t)n * sizeof *x);
    if (!x)
        return false;
    double figure[MAX_M], sign;
    bool logs;
    adjusted_logs(y, n, m, x, figure, &sign, &logs);
    struct kkr_ets_model md;
    /* the chosen model refitted; where it no longer applies (an M model once the adjusted
     * series changes sign) the damped trend */
    bool ok = (chosen && kkr_ets_fit_model(x, n, 1, chosen->error, chosen->trend, 'N',
                                           chosen->damped, &md)) ||
              kkr_ets_fit_model(x, n, 1, 'A', 'A', 'N', true, &md);
    if (ok) {
        double mu[64], s, d, fig = 0.0, total = 0.0;
        kkr_ets_forecast(&md, x, n, 1, h, mu, &s, &d);
        for (int i = 1; i <= h; i++) {
            double f = figure[(n + i - 1) % m];
            mu[i - 1] = logs ? sign * exp(mu[i - 1]) * f : mu[i - 1] * f;
            total += mu[i - 1];
            fig += f;
            if (means)
                means[i - 1] = mu[i - 1];
        }
        *sum = total;
        /* on the logs d / h is the sd of the mean log forecast: a relative error of the total */
        *sd = h > 0 ? (logs ? fabs(total) * d / h : d * fig / h) : 0.0;
        ok = isfinite(total) && isfinite(*sd);
    }
    if (x != xs)
        free(x);
    return ok;
}

bool kkr_damped_forecast(const double *y, int n, int m, int h, double *means, double *sum,
                         double *sd)
{
    return kkr_damped_forecast_model(y, n, m, h, NULL, means, sum, sd);
}
