/* scenario-sim.c — Monte Carlo and exact distributions of a scenario's result, on plain arrays */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "kkr/money.h"
#include "kkr/scenario.h"

/* Measures per alias block: 2^10 outcomes, 24 kB of table, one 32-bit random number. */
#define BLOCK_MAX 10
#define EXACT_MAX 20

/* One column of a block's alias table: keep the column's own outcome when the low bits of
 * the random number are below thr, else take the alias. */
struct alias_entry {
    int64_t keep_ore;
    int64_t alias_ore;
    uint32_t thr;
};

struct block {
    int bits;                   /* measures in the block: 2^bits columns */
    struct alias_entry *table;
};

static bool is_constant(const struct kkr_sim_input *in, size_t i)
{
    int64_t spread = in->spread_ore ? in->spread_ore[i] : 0;
    return spread == 0 && (in->probability[i] <= 0.0 || in->probability[i] >= 1.0);
}

static bool is_spread(const struct kkr_sim_input *in, size_t i)
{
    return in->spread_ore && in->spread_ore[i] != 0;
}

/* Checks the probabilities and that no draw can overflow (spread draws are checked each). */
static enum kkr_status check_input(const struct kkr_sim_input *in, int64_t *constant_ore,
                                   struct kkr_diag *diag)
{
    int64_t bound_ore = in->baseline_ore < 0 ? -in->baseline_ore : in->baseline_ore;
    int64_t constant = in->baseline_ore;
    if (in->baseline_ore == INT64_MIN)
        return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0, "baseline does not fit");
    for (size_t i = 0; i < in->count; i++) {
        double p = in->probability[i];
        if (!(p >= 0.0 && p <= 1.0))
            return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                            "probability %g of measure %zu is outside 0..1", p, i + 1);
        int64_t e = in->effect_ore[i];
        if (e == INT64_MIN || (in->spread_ore && in->spread_ore[i] < 0))
            return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                            "effect of measure %zu does not fit", i + 1);
        if (!kkr_money_add(bound_ore, e < 0 ? -e : e, &bound_ore))
            return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                            "the sum of the measures' effects does not fit");
        if (is_constant(in, i) && p >= 1.0)
            constant += e;      /* cannot overflow: |constant| <= bound */
    }
    *constant_ore = constant;
    return KKR_OK;
}

/* 32-bit threshold for "u < thr happens with probability p" (u uniform on 0..2^32-1). */
static uint64_t bernoulli_threshold(double p)
{
    if (p >= 1.0)
        return UINT64_C(1) << 32;
    return (uint64_t)(p * 4294967296.0);
}

/* Builds the alias table (Vose) of the 2^k outcomes of k all-or-nothing measures. */
static bool block_build(struct block *b, const double *p, const int64_t *e, int k)
{
    size_t n = (size_t)1 << k;
    double *prob = malloc(n * sizeof *prob);
    int64_t *value = malloc(n * sizeof *value);
    size_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    b->table = malloc(n * sizeof *b->table);
    b->bits = k;
    if (!prob || !value || !small || !large || !b->table) {
        free(prob), free(value), free(small), free(large), free(b->table);
        b->table = NULL;
        return false;
    }
    for (size_t mask = 0; mask < n; mask++) {
        double q = 1.0;
        int64_t v = 0;
        for (int i = 0; i < k; i++) {
            if (mask & ((size_t)1 << i)) {
                q *= p[i];
                v += e[i];
            } else {
                q *= 1.0 - p[i];
            }
        }
        prob[mask] = q * (double)n;
        value[mask] = v;
    }
    size_t ns = 0, nl = 0;
    for (size_t j = 0; j < n; j++) {
        if (prob[j] < 1.0)
            small[ns++] = j;
        else
            large[nl++] = j;
    }
    int shift = 32 - k;
    double scale = (double)((uint64_t)1 << shift);
    while (ns > 0 && nl > 0) {
        size_t s = small[--ns], l = large[nl - 1];
        b->table[s].keep_ore = value[s];
        b->table[s].alias_ore = value[l];
        b->table[s].thr = (uint32_t)(prob[s] * scale);
        prob[l] = (prob[l] + prob[s]) - 1.0;
        if (prob[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What is left has probability 1 up to rounding. */
    while (nl > 0) {
        size_t l = large[--nl];
        b->table[l] = (struct alias_entry){value[l], value[l], (uint32_t)((uint64_t)1 << shift)};
    }
    while (ns > 0) {
        size_t s = small[--ns];
        b->table[s] = (struct alias_entry){value[s], value[s], (uint32_t)((uint64_t)1 << shift)};
    }
    free(prob), free(value), free(small), free(large);
    return true;
}

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r)
        gsl_rng_set(r, seed);
    return r;
}

/* Draws one measure with a spread: the effect e + s·z rounded to öre. */
static bool spread_draw(gsl_rng *r, int64_t e, int64_t s, int64_t *out)
{
    double v = (double)e + (double)s * gsl_ran_gaussian_ziggurat(r, 1.0);
    if (!(fabs(v) < 9.0e18))
        return false;
    *out = (int64_t)llround(v);
    return true;
}

enum kkr_status kkr_sim_draw(const struct kkr_sim_input *in, size_t n, unsigned long seed,
                             int64_t *results_ore, struct kkr_diag *diag)
{
    int64_t constant_ore;
    enum kkr_status st = check_input(in, &constant_ore, diag);
    if (st != KKR_OK)
        return st;

    /* Sort the measures: all-or-nothing uncertain ones into alias blocks, the ones with a
     * spread into a per-measure list; certain ones are already in constant_ore. */
    size_t uncertain = 0, spreads = 0;
    for (size_t i = 0; i < in->count; i++) {
        if (is_spread(in, i))
            spreads++;
        else if (!is_constant(in, i))
            uncertain++;
    }
    size_t block_count = (uncertain + BLOCK_MAX - 1) / BLOCK_MAX;
    struct block *blocks = calloc(block_count ? block_count : 1, sizeof *blocks);
    size_t *spread_idx = malloc((spreads ? spreads : 1) * sizeof *spread_idx);
    uint64_t *spread_thr = malloc((spreads ? spreads : 1) * sizeof *spread_thr);
    double *bp = malloc((uncertain ? uncertain : 1) * sizeof *bp);
    int64_t *be = malloc((uncertain ? uncertain : 1) * sizeof *be);
    gsl_rng *r = rng_new(seed);
    if (!blocks || !spread_idx || !spread_thr || !bp || !be || !r) {
        st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (gsl_rng_min(r) != 0 || gsl_rng_max(r) != 0xffffffffUL) {
        st = kkr_fail(diag, KKR_ERR_NUMERIC, NULL, 0, 0, "random generator is not 32-bit");
        goto done;
    }
    size_t u = 0, sp = 0;
    for (size_t i = 0; i < in->count; i++) {
        if (is_spread(in, i)) {
            spread_idx[sp] = i;
            spread_thr[sp++] = bernoulli_threshold(in->probability[i]);
        } else if (!is_constant(in, i)) {
            bp[u] = in->probability[i];
            be[u++] = in->effect_ore[i];
        }
    }
    for (size_t b = 0; b < block_count; b++) {
        size_t first = b * BLOCK_MAX;
        int k = (int)(uncertain - first < BLOCK_MAX ? uncertain - first : BLOCK_MAX);
        if (!block_build(&blocks[b], bp + first, be + first, k)) {
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
    }

    for (size_t d = 0; d < n; d++) {
        int64_t sum = constant_ore;
        for (size_t b = 0; b < block_count; b++) {
            const struct block *blk = &blocks[b];
            uint32_t x = (uint32_t)gsl_rng_get(r);
            int shift = 32 - blk->bits;
            const struct alias_entry *a = &blk->table[x >> shift];
            uint32_t low = shift == 32 ? x : (x & (uint32_t)((UINT64_C(1) << shift) - 1));
            sum += low < a->thr ? a->keep_ore : a->alias_ore;
        }
        for (size_t s = 0; s < spreads; s++) {
            size_t i = spread_idx[s];
            if ((uint64_t)gsl_rng_get(r) >= spread_thr[s])
                continue;
            int64_t v;
            if (!spread_draw(r, in->effect_ore[i], in->spread_ore[i], &v)
                || !kkr_money_add(sum, v, &sum)) {
                st = kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                              "a simulated result does not fit");
                goto done;
            }
        }
        results_ore[d] = sum;
    }

done:
    for (size_t b = 0; blocks && b < block_count; b++)
        free(blocks[b].table);
    free(blocks), free(spread_idx), free(spread_thr), free(bp), free(be);
    gsl_rng_free(r);
    return st;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* max(0, target − have); a difference that does not fit sets out->overflow (never a
 * saturated figure: a printed INT64_MAX öre would be wrong by the overflow). */
static int64_t need(int64_t target_ore, int64_t have_ore, struct kkr_sim_summary *out)
{
    int64_t d;
    if (!kkr_money_sub(target_ore, have_ore, &d)) {
        if (target_ore > have_ore)
            out->overflow = true;
        return 0;
    }
    return d > 0 ? d : 0;
}

void kkr_sim_summarize(int64_t *results_ore, size_t n, int64_t target_ore, int64_t expected_ore,
                       struct kkr_sim_summary *out)
{
    memset(out, 0, sizeof *out);
    out->draws = n;
    out->need_expected_ore = need(target_ore, expected_ore, out);
    if (n == 0)
        return;
    qsort(results_ore, n, sizeof *results_ore, cmp_i64);
    size_t at_least = 0;
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (results_ore[i] >= target_ore)
            at_least++;
        sum += (long double)results_ore[i];
    }
    out->p_target = (double)at_least / (double)n;
    out->mean_ore = (double)(sum / (long double)n);
    /* Nearest rank: the smallest value with at least q·n draws at or below it. */
    out->p10_ore = results_ore[(n * 10 + 99) / 100 - 1];
    out->p50_ore = results_ore[(n * 50 + 99) / 100 - 1];
    out->p90_ore = results_ore[(n * 90 + 99) / 100 - 1];
    /* The largest value with at least 80 % of the draws at or above it. */
    out->p20_ore = results_ore[n / 5];
    out->need_80_ore = need(target_ore, out->p20_ore, out);
}

struct outcome {
    int64_t value_ore;
    double prob;
};

static int cmp_outcome(const void *a, const void *b)
{
    const struct outcome *x = a, *y = b;
    return (x->value_ore > y->value_ore) - (x->value_ore < y->value_ore);
}

enum kkr_status kkr_sim_exact(const struct kkr_sim_input *in, int64_t target_ore,
                              int64_t expected_ore, struct kkr_sim_summary *out,
                              struct kkr_diag *diag)
{
    int64_t constant_ore;
    enum kkr_status st = check_input(in, &constant_ore, diag);
    if (st != KKR_OK)
        return st;
    size_t k = 0, idx[EXACT_MAX];
    for (size_t i = 0; i < in->count; i++) {
        if (is_spread(in, i))
            return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                            "the exact distribution needs measures without spridning");
        if (is_constant(in, i))
            continue;
        if (k == EXACT_MAX)
            return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                            "the exact distribution takes at most %d uncertain measures",
                            EXACT_MAX);
        idx[k++] = i;
    }
    size_t n = (size_t)1 << k;
    struct outcome *o = malloc(n * sizeof *o);
    if (!o)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double p0 = 1.0;
    for (size_t j = 0; j < k; j++)
        p0 *= 1.0 - in->probability[idx[j]];
    o[0] = (struct outcome){constant_ore, p0};
    for (size_t mask = 1; mask < n; mask++) {
        size_t j = (size_t)__builtin_ctzl((unsigned long)mask);
        size_t i = idx[j];
        const struct outcome *prev = &o[mask & (mask - 1)];
        /* A product each time (not a ratio of neighbours) so small probabilities stay exact. */
        double q = 1.0;
        for (size_t b = 0; b < k; b++)
            q *= (mask >> b & 1) ? in->probability[idx[b]] : 1.0 - in->probability[idx[b]];
        o[mask] = (struct outcome){prev->value_ore + in->effect_ore[i], q};
    }

    memset(out, 0, sizeof *out);
    out->need_expected_ore = need(target_ore, expected_ore, out);
    long double mean = 0, p_target = 0;
    for (size_t m = 0; m < n; m++) {
        mean += (long double)o[m].prob * (long double)o[m].value_ore;
        if (o[m].value_ore >= target_ore)
            p_target += o[m].prob;
    }
    out->mean_ore = (double)mean;
    out->p_target = (double)p_target;
    qsort(o, n, sizeof *o, cmp_outcome);
    const double eps = 1e-12;
    const double qs[3] = {0.10, 0.50, 0.90};
    int64_t *dst[3] = {&out->p10_ore, &out->p50_ore, &out->p90_ore};
    for (int t = 0; t < 3; t++) {
        long double cum = 0;
        *dst[t] = o[n - 1].value_ore;
        for (size_t m = 0; m < n; m++) {
            cum += o[m].prob;
            /* The last outcome of a run of equal values decides. */
            if ((m + 1 == n || o[m + 1].value_ore != o[m].value_ore) && cum >= qs[t] - eps) {
                *dst[t] = o[m].value_ore;
                break;
            }
        }
    }
    long double below = 0;
    out->p20_ore = o[0].value_ore;
    for (size_t m = 0; m < n; m++) {
        if ((m == 0 || o[m - 1].value_ore != o[m].value_ore) && 1.0L - below >= 0.8L - eps)
            out->p20_ore = o[m].value_ore;
        below += o[m].prob;
    }
    out->need_80_ore = need(target_ore, out->p20_ore, out);
    free(o);
    return KKR_OK;
}

/* ---- a scenario's distribution: simulated, else exact when it can be enumerated ---- */

enum kkr_status kkr_bridge_scenario_distribute(struct kkr_bridge_scenario *sc, int64_t target_ore,
                                               size_t draws, unsigned long seed,
                                               struct kkr_diag *diag)
{
    /* The draws start from baseline + rest (= outlook − Σ expected), so that their expected
     * value is the outlook: the current forecast when the bridge is reconciled. */
    const struct kkr_bridge *br = sc->bridge;
    int64_t start_ore, expected_ore = br->outlook_ore;
    if (!kkr_money_sub(expected_ore, br->measures_ore, &start_ore))
        return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                        "the baseline with the unexplained rest does not fit in int64 öre");
    struct kkr_sim_input in;
    enum kkr_status st = kkr_sim_input_from_measures(sc->measures, start_ore, &in, diag);
    if (st != KKR_OK)
        return st;
    if (draws > 0) {
        int64_t *r = malloc(draws * sizeof *r);
        if (!r) {
            kkr_sim_input_release(&in);
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        st = kkr_sim_draw(&in, draws, seed, r, diag);
        if (st == KKR_OK) {
            kkr_sim_summarize(r, draws, target_ore, expected_ore, &sc->dist);
            sc->simulated = sc->has_need80 = true;
        }
        free(r);
    } else {
        struct kkr_diag quiet;
        if (kkr_sim_exact(&in, target_ore, expected_ore, &sc->dist, &quiet)
            == KKR_OK) {
            sc->has_need80 = true;
        } else {
            memset(&sc->dist, 0, sizeof sc->dist);
            if (target_ore > expected_ore &&
                !kkr_money_sub(target_ore, expected_ore, &sc->dist.need_expected_ore))
                sc->dist.overflow = true;
        }
    }
    kkr_sim_input_release(&in);
    if (st == KKR_OK && sc->dist.overflow) {
        char t[64];
        kkr_money_format(t, sizeof t, target_ore, KKR_UNIT_KR, &KKR_STYLE_TEXT);
        st = kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                      "--target %s kr: the saving needed (target − result) does not fit in "
                      "int64 öre, expected a target within about ±92 233 720 368 547 758 kr of "
                      "the result", t);
    }
    return st;
}
