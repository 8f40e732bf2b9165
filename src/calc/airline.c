/* airline.c — the airline model, ARIMA(0,1,1)(0,1,1)_m (Box & Jenkins 1970), a member of auto.
 *
 * On the logarithms of the series (of its negation when every value is negative; the values
 * themselves when they change sign), the differences w_t = z_t - z_{t-1} - z_{t-m} + z_{t-m-1}
 * follow w_t = e_t + theta e_{t-1} + Theta e_{t-m} + theta Theta e_{t-m-1}. The two MA
 * parameters minimise the conditional sum of squares (residuals before the first difference
 * taken as zero), as R's arima(method = "CSS"). Another family than the smoothing members: it
 * carries the month-of-year pattern as last year's months moved by this year's level, and
 * its errors differ from theirs where it matters for a combination. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_multimin.h>

#include "kkr/forecast.h"

#define AIRLINE_BOUND 0.99 /* |theta| < 1: an invertible MA */
#define AIRLINE_TOL 1e-5
#define AIRLINE_ITER 400

/* The transformed series z of y: logs of sign * y, or y itself (sign 0). */
static bool transform(const double *y, int n, double sign, double *z)
{
    for (int t = 0; t < n; t++) {
        if (!isfinite(y[t]))
            return false;
        z[t] = sign != 0.0 ? log(sign * y[t]) : y[t];
    }
    return true;
}

/* The residuals e of the differences of z (n - m - 1 of them), their sum of squares. */
static double residuals(const double *z, int n, int m, double th, double sth, double *e)
{
    double sse = 0.0;
    for (int t = m + 1; t < n; t++) {
        int i = t - m - 1;
        double v = z[t] - z[t - 1] - z[t - m] + z[t - m - 1];
        if (i >= 1)
            v -= th * e[i - 1];
        if (i >= m)
            v -= sth * e[i - m];
        if (i >= m + 1)
            v -= th * sth * e[i - m - 1];
        e[i] = v;
        sse += v * v;
    }
    return sse;
}

struct css {
    const double *z;
    int n, m;
    double *e;
};

static double css_cost(const gsl_vector *x, void *params)
{
    const struct css *c = params;
    double th = AIRLINE_BOUND * tanh(gsl_vector_get(x, 0));
    double sth = AIRLINE_BOUND * tanh(gsl_vector_get(x, 1));
    double sse = residuals(c->z, c->n, c->m, th, sth, c->e);
    return isfinite(sse) ? sse : HUGE_VAL;
}

bool kkr_airline_fit(const double *y, int n, int m, struct kkr_airline_model *out)
{
    if (m < 2 || n < 3 * m)
        return false;
    bool pos = true, neg = true;
    for (int t = 0; t < n; t++) {
        pos = pos && y[t] > 0.0;
        neg = neg && y[t] < 0.0;
    }
    out->sign = pos ? 1.0 : (neg ? -1.0 : 0.0);
    out->m = m;
    double *z = malloc((size_t)n * sizeof *z), *e = malloc((size_t)n * sizeof *e);
    gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    gsl_multimin_fminimizer *mz =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    bool ok = false;
    if (z && e && x && step && mz && transform(y, n, out->sign, z)) {
        struct css c = {z, n, m, e};
        gsl_multimin_function f = {css_cost, 2, &c};
        gsl_vector_set(x, 0, atanh(-0.4 / AIRLINE_BOUND)); /* the classic airline's region */
        gsl_vector_set(x, 1, atanh(-0.6 / AIRLINE_BOUND));
        gsl_vector_set_all(step, 0.5);
        if (gsl_multimin_fminimizer_set(mz, &f, x, step) == GSL_SUCCESS) {
            for (int it = 0; it < AIRLINE_ITER; it++) {
                if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
                    break;
                if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), AIRLINE_TOL) ==
                    GSL_SUCCESS)
                    break;
            }
            const gsl_vector *b = gsl_multimin_fminimizer_x(mz);
            out->theta = AIRLINE_BOUND * tanh(gsl_vector_get(b, 0));
            out->seasonal_theta = AIRLINE_BOUND * tanh(gsl_vector_get(b, 1));
            double sse = residuals(z, n, m, out->theta, out->seasonal_theta, e);
            int nw = n - m - 1;
            out->sigma2 = sse / (nw > 2 ? nw - 2 : 1);
            ok = isfinite(out->sigma2);
        }
    }
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(x);
    gsl_vector_free(step);
    free(z);
    free(e);
    return ok;
}

bool kkr_airline_forecast(const struct kkr_airline_model *md, const double *y, int n, int h,
                          double *means, double *sum, double *sd)
{
    int m = md->m;
    *sum = 0.0;
    *sd = 0.0;
    if (h <= 0)
        return true;
    if (n < m + 2)
        return false;
    double *z = malloc((size_t)(n + h) * sizeof *z), *e = malloc((size_t)(n + h) * sizeof *e);
    double *psi = malloc((size_t)h * sizeof *psi), *g = malloc((size_t)h * sizeof *g);
    bool ok = z && e && psi && g && transform(y, n, md->sign, z);
    if (ok) {
        double th = md->theta, sth = md->seasonal_theta;
        residuals(z, n, m, th, sth, e);
        /* the filter run on with future residuals zero */
        for (int j = 0; j < h; j++) {
            int t = n + j, i = t - m - 1;
            double w = (i >= 1 ? th * e[i - 1] : 0.0) + (i >= m ? sth * e[i - m] : 0.0) +
                       (i >= m + 1 ? th * sth * e[i - m - 1] : 0.0);
            z[t] = w + z[t - 1] + z[t - m] - z[t - m - 1];
            e[i] = 0.0;
            double v = md->sign != 0.0 ? md->sign * exp(z[t]) : z[t];
            if (means)
                means[j] = v;
            *sum += v;
            g[j] = md->sign != 0.0 ? fabs(v) : 1.0; /* d level / d z */
        }
        /* psi weights of (1 + th B)(1 + sth B^m) / ((1 - B)(1 - B^m)); the error of the sum is
         * sum_i e_i sum_{t >= i} g_t psi_{t-i} (to first order on the log scale) */
        double cum = 0.0;
        for (int j = 0; j < h; j++) {
            double c = (j == 0) + (j == 1) * th + (j == m) * sth + (j == m + 1) * th * sth;
            cum += c;
            psi[j] = cum + (j >= m ? psi[j - m] : 0.0);
        }
        double var = 0.0;
        for (int i = 0; i < h; i++) {
            double a = 0.0;
            for (int t = i; t < h; t++)
                a += g[t] * psi[t - i];
            var += a * a;
        }
        *sd = sqrt(md->sigma2 * var);
        ok = isfinite(*sum) && isfinite(*sd);
    }
    free(z);
    free(e);
    free(psi);
    free(g);
    return ok;
}
