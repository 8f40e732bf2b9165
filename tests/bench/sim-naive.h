/* sim-naive.h — the straightforward scenario sampler (one gsl_rng_uniform per measure and
 * draw): the baseline of bench-whatif and the second sampler of test-scenario's statistics.
 * Test code, not the library's: kkr_sim_draw is what kkr uses. */
#ifndef KKR_SIM_NAIVE_H
#define KKR_SIM_NAIVE_H

#include <stddef.h>
#include <stdint.h>

#include "kkr/scenario.h"

/* The same distribution as kkr_sim_draw (the same input checks and errors), another random
 * stream. */
enum kkr_status sim_draw_naive(const struct kkr_sim_input *in, size_t n, unsigned long seed,
                               int64_t *results_ore, struct kkr_diag *diag);

#endif
