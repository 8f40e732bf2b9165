/* sim-naive.c — the straightforward scenario sampler for the benchmark and the tests */
#include "sim-naive.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "kkr/money.h"

enum kkr_status sim_draw_naive(const struct kkr_sim_input *in, size_t n, unsigned long seed,
                               int64_t *results_ore, struct kkr_diag *diag)
{
    /* the library's checks and messages: kkr_sim_draw of no draws checks the input only */
    int64_t none;
    enum kkr_status st = kkr_sim_draw(in, 0, seed, &none, diag);
    if (st != KKR_OK)
        return st;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    gsl_rng_set(r, seed);
    for (size_t d = 0; d < n; d++) {
        int64_t sum = in->baseline_ore;
        for (size_t i = 0; i < in->count; i++) {
            if (!(gsl_rng_uniform(r) < in->probability[i]))
                continue;
            int64_t v = in->effect_ore[i];
            if (in->spread_ore && in->spread_ore[i] != 0) {
                /* the effect e + s·z rounded to öre, as kkr_sim_draw draws it */
                double x = (double)v +
                           (double)in->spread_ore[i] * gsl_ran_gaussian_ziggurat(r, 1.0);
                if (!(fabs(x) < 9.0e18))
                    goto overflow;
                v = (int64_t)llround(x);
            }
            if (!kkr_money_add(sum, v, &sum))
                goto overflow;
        }
        results_ore[d] = sum;
    }
    gsl_rng_free(r);
    return KKR_OK;
overflow:
    gsl_rng_free(r);
    return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0, "a simulated result does not fit");
}
