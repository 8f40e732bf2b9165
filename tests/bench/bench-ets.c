/* bench-ets.c — ets fits and year-total forecasts per second on the M3 monthly series
 *
 * usage: bench-ets M3.csv [REPEATS [MAX_SERIES]]   (default 3, all series; M3.csv as
 *                                      ../shared/data/m3-monthly.csv: serie;år;månad;värde)
 * For every series: the last complete calendar year of the series is the forecast year, k = 6;
 * kkr_ets_fit (all models, AICc) on every month before July of that year, then
 * kkr_ets_forecast of July..December (point forecasts and the sd of the sum), the year total =
 * utfall 1..6 + the forecast. Prints series per second (best of REPEATS, wall clock and thread
 * CPU time: on a shared machine the CPU time is the per-core figure), and the mean APE of the
 * totals as a check that the work was done. tests/bench/bench-forecast-m3.py times R's
 * forecast::ets on the same task and prints the ratio.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "kkr/forecast.h"

struct series {
    char name[16];
    int first_year, first_month;
    int n;
    double *y;
};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads serie;år;månad;värde (UTF-8, header first, rows of a series together, in time
 * order). */
static struct series *read_m3(const char *path, size_t *count)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char line[256];
    struct series *s = NULL;
    size_t n = 0, cap = 0;
    bool header = true;
    while (fgets(line, sizeof line, fp)) {
        if (header) {
            header = false;
            continue;
        }
        char name[16];
        int year, month;
        double v;
        if (sscanf(line, "%15[^;];%d;%d;%lf", name, &year, &month, &v) != 4)
            continue;
        if (n == 0 || strcmp(s[n - 1].name, name) != 0) {
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                struct series *t = realloc(s, cap * sizeof *s);
                if (!t)
                    exit(1);
                s = t;
            }
            memset(&s[n], 0, sizeof s[n]);
            snprintf(s[n].name, sizeof s[n].name, "%s", name);
            s[n].first_year = year;
            s[n].first_month = month;
            s[n].y = malloc(200 * sizeof *s[n].y);
            if (!s[n].y)
                exit(1);
            n++;
        }
        struct series *c = &s[n - 1];
        if (c->n < 200)
            c->y[c->n++] = v;
    }
    fclose(fp);
    *count = n;
    return s;
}

/* The task of one series: fit on y[0..fit_n), forecast 6 months; known = months 1..6 of the
 * forecast year, outcome its total. False when the series has no complete calendar year. */
static bool task(const struct series *s, int *fit_n, double *known, double *outcome)
{
    int m0 = s->first_month - 1; /* index 0 is calendar month m0 of first_year */
    int last = m0 + s->n;        /* months since January of first_year, exclusive */
    int year_start = (last / 12 - 1) * 12;
    if (year_start < m0)
        return false;
    int i0 = year_start - m0; /* index of January of the forecast year */
    *fit_n = i0 + 6;
    *known = 0;
    *outcome = 0;
    for (int i = 0; i < 12; i++) {
        if (i < 6)
            *known += s->y[i0 + i];
        *outcome += s->y[i0 + i];
    }
    return true;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fprintf(stderr, "usage: bench-ets M3.csv [REPEATS [MAX_SERIES]]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    if (repeats < 1)
        return 2;
    size_t count;
    struct series *s = read_m3(argv[1], &count);
    if (!s || count == 0) {
        fprintf(stderr, "bench-ets: cannot read series from %s\n", argv[1]);
        return 1;
    }
    size_t all = count;
    if (argc > 3 && strtoull(argv[3], NULL, 10) > 0 && strtoull(argv[3], NULL, 10) < count)
        count = (size_t)strtoull(argv[3], NULL, 10);
    double best_wall = INFINITY, best_cpu = INFINITY, ape = 0;
    size_t used = 0;
    char models[16][8];
    int model_count[16] = {0}, kinds = 0;
    for (int r = 0; r < repeats; r++) {
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        ape = 0;
        used = 0;
        for (size_t i = 0; i < count; i++) {
            int n;
            double known, outcome;
            if (!task(&s[i], &n, &known, &outcome))
                continue;
            struct kkr_ets_model md;
            kkr_ets_fit(s[i].y, n, 12, &md);
            double sum, sd;
            kkr_ets_forecast(&md, s[i].y, n, 12, 6, NULL, &sum, &sd);
            ape += fabs(known + sum - outcome) / fabs(outcome);
            used++;
            if (r == 0) {
                char name[8];
                snprintf(name, sizeof name, "%c%c%s%c", md.error, md.trend, md.damped ? "d" : "",
                         md.season);
                int j = 0;
                while (j < kinds && strcmp(models[j], name) != 0)
                    j++;
                if (j == kinds && kinds < 16)
                    snprintf(models[kinds++], sizeof models[0], "%s", name);
                if (j < kinds)
                    model_count[j]++;
            }
        }
        double w = clock_s(CLOCK_MONOTONIC) - w0, c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (w < best_wall)
            best_wall = w;
        if (c < best_cpu)
            best_cpu = c;
    }
    printf("bench-ets: %zu series, ets fit (all models, AICc) + year total at k = 6, best of %d\n",
           used, repeats);
    printf("wall %.3f s, thread CPU %.3f s\n", best_wall, best_cpu);
    printf("series/s: %.0f (wall), %.0f (CPU)\n", (double)used / best_wall,
           (double)used / best_cpu);
    printf("mean APE of the year totals: %.2f %%\n", 100.0 * ape / (double)used);
    printf("models:");
    for (int j = 0; j < kinds; j++)
        printf(" %s %d", models[j], model_count[j]);
    printf("\n");
    for (size_t i = 0; i < all; i++)
        free(s[i].y);
    free(s);
    return 0;
}
