/* chart-layout.c — the layout maths of charts: scales, ticks, label placement, paths */
#include "kkr/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <zlib.h>

#include "kkr/output.h"

#include "chart-private.h"

/* ---- layout maths ---- */

double kkr_scale_map(const struct kkr_scale *s, double v)
{
    if (s->d1 == s->d0)
        return (s->p0 + s->p1) / 2;
    return s->p0 + (v - s->d0) * (s->p1 - s->p0) / (s->d1 - s->d0);
}

int kkr_chart_nice_ticks(double lo, double hi, int max_ticks, double *first, double *last,
                         double *step)
{
    if (max_ticks < 2)
        max_ticks = 2;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        double pad = lo != 0 ? fabs(lo) * 0.1 : 1.0;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / (max_ticks - 1);
    double mag = pow(10.0, floor(log10(raw)));
    static const double mult[] = {1, 2, 5, 10, 20};
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        double st = mult[i] * mag;
        double f = floor(lo / st + 1e-9) * st;
        double l = ceil(hi / st - 1e-9) * st;
        int n = (int)lround((l - f) / st) + 1;
        if (n <= max_ticks) {
            *first = f == 0 ? 0 : f; /* no -0 */
            *last = l == 0 ? 0 : l;
            *step = st;
            return n;
        }
    }
    /* not reached: 20 × mag always fits */
    *first = lo;
    *last = hi;
    *step = hi - lo;
    return 2;
}

void kkr_chart_bar_extent(const struct kkr_scale *s, double base, double v, double *a, double *b)
{
    double p = kkr_scale_map(s, base), q = kkr_scale_map(s, v);
    *a = p < q ? p : q;
    *b = p < q ? q : p;
}

static int cmp_by_want(const void *a, const void *b, void *ctx)
{
    const double *want = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (want[i] < want[j])
        return -1;
    if (want[i] > want[j])
        return 1;
    return i < j ? -1 : i > j;
}

bool kkr_chart_place_labels(const double *want, const double *size, size_t n, double gap,
                            double lo, double hi, double *pos)
{
    if (n == 0)
        return true;
    size_t *ord = malloc(n * sizeof *ord);
    double *off = malloc(n * sizeof *off);
    double *q = malloc(n * sizeof *q);
    double *wt = malloc(n * sizeof *wt);
    size_t *len = malloc(n * sizeof *len);
    if (!ord || !off || !q || !wt || !len) {
        free(ord), free(off), free(q), free(wt), free(len);
        for (size_t i = 0; i < n; i++)
            pos[i] = want[i];
        return false;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    qsort_r(ord, n, sizeof *ord, cmp_by_want, (void *)want);
    /* p_i = off_i + q_i with q non-decreasing keeps every pair gap apart; the closest such q to
     * the wanted centres is an isotonic regression (pool adjacent violators). */
    off[0] = 0;
    for (size_t i = 1; i < n; i++)
        off[i] = off[i - 1] + (size[ord[i - 1]] + size[ord[i]]) / 2 + gap;
    size_t blocks = 0;
    for (size_t i = 0; i < n; i++) {
        q[blocks] = want[ord[i]] - off[i];
        wt[blocks] = 1;
        len[blocks] = 1;
        blocks++;
        while (blocks > 1 && q[blocks - 2] > q[blocks - 1]) {
            double w = wt[blocks - 2] + wt[blocks - 1];
            q[blocks - 2] = (q[blocks - 2] * wt[blocks - 2] + q[blocks - 1] * wt[blocks - 1]) / w;
            wt[blocks - 2] = w;
            len[blocks - 2] += len[blocks - 1];
            blocks--;
        }
    }
    double qmin = lo + size[ord[0]] / 2;
    double qmax = hi - size[ord[n - 1]] / 2 - off[n - 1];
    bool fits = qmin <= qmax + 1e-9;
    size_t i = 0;
    for (size_t b = 0; b < blocks; b++) {
        double v = q[b];
        if (!fits)
            v = qmin;
        else if (v < qmin)
            v = qmin;
        else if (v > qmax)
            v = qmax;
        for (size_t k = 0; k < len[b]; k++, i++)
            pos[ord[i]] = off[i] + v;
    }
    free(ord), free(off), free(q), free(wt), free(len);
    return fits;
}

bool kkr_chart_intervals_disjoint(const double *start, const double *size, size_t n)
{
    const double eps = 1e-6;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (start[i] < start[j] + size[j] - eps && start[j] < start[i] + size[i] - eps)
                return false;
    return true;
}

double kkr_chart_stack_rows(const double *height, size_t n, double gap, double y0, double *top)
{
    double y = y0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            y += gap;
        top[i] = y;
        y += height[i];
    }
    return y;
}

/* a * b / c rounded half away from zero, without overflow in the product. */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t c)
{
    __int128 p = (__int128)a * b;
    bool neg = (p < 0) != (c < 0);
    if (p < 0)
        p = -p;
    __int128 d = c < 0 ? -(__int128)c : c;
    __int128 r = (p + d / 2) / d;
    return (int64_t)(neg ? -r : r);
}

void kkr_chart_forecast_path(const int64_t budget_cum_ore[12], const int64_t actual_cum_ore[12],
                             int k, int64_t full_ore, int64_t out_ore[12])
{
    if (k < 0)
        k = 0;
    if (k > 12)
        k = 12;
    for (int m = 0; m < k; m++)
        out_ore[m] = actual_cum_ore[m];
    if (k == 12)
        return;
    int64_t base_b = k > 0 ? budget_cum_ore[k - 1] : 0;
    int64_t base_a = k > 0 ? actual_cum_ore[k - 1] : 0;
    int64_t rem_b = budget_cum_ore[11] - base_b;
    int64_t rem = full_ore - base_a;
    for (int m = k; m < 12; m++) {
        if (rem_b != 0)
            out_ore[m] = base_a + mul_div_round(rem, budget_cum_ore[m] - base_b, rem_b);
        else
            out_ore[m] = base_a + mul_div_round(rem, m - k + 1, 12 - k);
    }
    out_ore[11] = full_ore;
}

void kkr_chart_pdf_date(char *buf, size_t size, const char *fallback)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && v >= 0) {
            time_t t = (time_t)v;
            struct tm tm;
            if (gmtime_r(&t, &tm)) {
                strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
                return;
            }
        }
    }
    snprintf(buf, size, "%s", fallback);
}
