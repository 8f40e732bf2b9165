/* bench-whatif.c — simulated scenario draws per second: alias-block sampler vs a naive loop
 *
 * usage: bench-whatif [DRAWS [MEASURES [REPEATS]]]   (default 1 000 000 draws, 50 measures, 3)
 * Prints draws per second of kkr_sim_draw (the one kkr whatif --simulate uses) and of the
 * naive baseline (one gsl_rng_uniform per measure and draw) measured in the same run, the
 * ratio, and shows that both give the same distribution (P(result >= 0), the mean against
 * the exact mean and its standard error). Wall clock and thread CPU time are both printed:
 * on a shared machine the CPU time is the per-core figure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "kkr/scenario.h"
#include "sim-naive.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time and this thread's CPU time (per core, not counting time the shared machine
 * gave to other processes). */
struct timing {
    double wall, cpu;
};

typedef enum kkr_status (*draw_fn)(const struct kkr_sim_input *, size_t, unsigned long,
                                   int64_t *, struct kkr_diag *);

/* Best of repeats (the machine is shared): seconds for n draws. */
static struct timing run(draw_fn fn, const struct kkr_sim_input *in, size_t n, int repeats,
                         int64_t *r)
{
    struct timing best = {INFINITY, INFINITY};
    for (int k = 0; k < repeats; k++) {
        struct kkr_diag diag;
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        if (fn(in, n, 20200603UL + (unsigned long)k, r, &diag) != KKR_OK) {
            fprintf(stderr, "bench-whatif: %s\n", diag.message);
            exit(1);
        }
        double w = clock_s(CLOCK_MONOTONIC) - w0, c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (w < best.wall)
            best.wall = w;
        if (c < best.cpu)
            best.cpu = c;
    }
    return best;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    size_t m = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 50;
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    if (n == 0 || m == 0 || repeats < 1)
        return 2;

    /* 50 uncertain measures: savings and costs of 10 000 – 600 000 kr, p in 0,05..0,95. */
    double *p = malloc(m * sizeof *p);
    int64_t *e = malloc(m * sizeof *e);
    int64_t *r = malloc(n * sizeof *r);
    if (!p || !e || !r)
        return 1;
    int64_t sum_ore = 0;
    for (size_t i = 0; i < m; i++) {
        p[i] = 0.05 + 0.9 * (double)((i * 37) % 19) / 18.0;
        int64_t kr = 10000 + (int64_t)((i * 7919) % 59) * 10000;
        e[i] = (i % 5 == 4 ? -kr : kr) * 100 + (int64_t)(i * 13 % 100);
        sum_ore += (int64_t)llround((double)e[i] * p[i]);
    }
    /* A baseline that puts nollresultat near the middle of the distribution. */
    int64_t baseline_ore = -sum_ore;
    struct kkr_sim_input in = {m, p, e, NULL, baseline_ore};

    struct kkr_sim_summary sf, sn;
    struct timing t_fast = run(kkr_sim_draw, &in, n, repeats, r);
    kkr_sim_summarize(r, n, 0, 0, &sf);
    struct timing t_naive = run(sim_draw_naive, &in, n, repeats, r);
    kkr_sim_summarize(r, n, 0, 0, &sn);

    printf("bench-whatif: %zu measures, %zu draws, best of %d (wall clock / thread CPU time)\n",
           m, n, repeats);
    printf("  naive (gsl_rng_uniform per measure): %7.3f s %11.0f draws/s   cpu %7.3f s "
           "%11.0f draws/s\n", t_naive.wall, (double)n / t_naive.wall, t_naive.cpu,
           (double)n / t_naive.cpu);
    printf("  kkr_sim_draw (alias blocks of 10):   %7.3f s %11.0f draws/s   cpu %7.3f s "
           "%11.0f draws/s\n", t_fast.wall, (double)n / t_fast.wall, t_fast.cpu,
           (double)n / t_fast.cpu);
    printf("  ratio (cpu): %.1fx   target >= 5 000 000 draws/s per core: %s (wall %s)\n",
           t_naive.cpu / t_fast.cpu, (double)n / t_fast.cpu >= 5e6 ? "met" : "NOT met",
           (double)n / t_fast.wall >= 5e6 ? "met" : "NOT met");
    /* The exact mean and the standard error of a simulated mean, to judge the two. */
    double mean_ore = (double)baseline_ore, var = 0;
    for (size_t i = 0; i < m; i++) {
        mean_ore += p[i] * (double)e[i];
        var += p[i] * (1.0 - p[i]) * (double)e[i] * (double)e[i];
    }
    printf("  P(result >= 0): naive %.4f, alias %.4f;  mean: naive %.0f kr, alias %.0f kr, "
           "exact %.0f kr (standard error %.0f kr)\n", sn.p_target, sf.p_target,
           sn.mean_ore / 100.0, sf.mean_ore / 100.0,
           fabs(mean_ore) < 50 ? 0.0 : mean_ore / 100.0,
           sqrt(var / (double)n) / 100.0);
    free(p), free(e), free(r);
    return 0;
}
