/* scenario.h — what-if on savings measures: bridge, simulation, goal seek (DESIGN §6) */
#ifndef KKR_SCENARIO_H
#define KKR_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* ---- measures (åtgärder) ---- */

/* One measure. effect_ore is its full effect on the helår result: positive improves it (a
 * saving or a new revenue), negative worsens it. */
struct kkr_measure {
    char *description;      /* beskrivning */
    int unit;               /* index into wb->units, -1 for the whole nämnd */
    int kind;               /* slag: an index of wb->slag (KKR_REVENUE / KKR_COST without
                             * slag.csv, or without a workbook), -1 when not given */
    int64_t effect_ore;     /* effekt, or -antal × per_månad × months from drivers */
    double probability;     /* sannolikhet 0..1 (default 1) */
    int64_t expected_ore;   /* effect × probability, rounded to öre once (half away from 0) */
    int64_t spread_ore;     /* spridning: standard deviation of the effect, 0 if none */
    bool from_drivers;      /* effect computed from antal;per_månad;från_period */
    double count;           /* antal (drivers only) */
    int64_t per_month_ore;  /* per_månad (drivers only): a cost per month and piece */
    int from_month;         /* från_period's month 1..12 (drivers only) */
    int months;             /* from_month..12 (drivers only) */
    long line;              /* line in the measures file */
};

/* A measures file: one scenario. */
struct kkr_measures {
    char *path;             /* as given */
    char *name;             /* the file's base name without .csv: the scenario's name */
    size_t count;
    struct kkr_measure *items;
};

/* Loads a measures file: columns verksamhet;beskrivning;effekt;sannolikhet, optional slag
 * and spridning, or antal;per_månad;från_period instead of effekt. verksamhet may be empty
 * (the whole nämnd); units are looked up in wb; från_period must lie in wb->year. Errors name
 * file:line:column (KKR_ERR_SYNTAX, KKR_ERR_VALUE, KKR_ERR_OVERFLOW, KKR_ERR_IO). On error
 * *out is NULL. The result is owned by the caller: kkr_measures_free(). */
enum kkr_status kkr_measures_load(const char *path, const struct kkr_workbook *wb,
                                  struct kkr_measures **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn);

/* The same from a buffer; name is used in messages and as the scenario's name. */
enum kkr_status kkr_measures_load_buffer(const char *name, const char *data, size_t len,
                                         const struct kkr_workbook *wb,
                                         struct kkr_measures **out, struct kkr_diag *diag,
                                         struct kkr_warnings *warn);

void kkr_measures_free(struct kkr_measures *m);

/* Drivers: -count × per_month_ore × (13 - from_month), rounded once to öre. 2 pieces at
 * 85 000 kr from June: -1 190 000 kr. False on overflow or a month outside 1..12. */
bool kkr_measure_drivers_effect(double count, int64_t per_month_ore, int from_month,
                                int64_t *effect_ore);

/* effect × probability rounded once to öre, half away from zero. False on overflow. */
bool kkr_measure_expected(int64_t effect_ore, double probability, int64_t *expected_ore);

/* ---- the bridge (brygga): baseline → each measure → result → reconciliation ---- */

/* One step: a measure's expected effect. Strings are owned by the bridge. */
struct kkr_bridge_step {
    char *label;            /* the measure's beskrivning */
    char *unit_code;        /* NULL for the whole nämnd */
    char *unit_name;        /* NULL for the whole nämnd */
    int64_t effect_ore;     /* full effect */
    double probability;
    int64_t expected_ore;   /* what the step adds to the bridge */
};

struct kkr_bridge_options {
    int period;             /* report period 1..12 of wb->year for the current forecast;
                             * 0 = wb->last_actual_month (1 when there is no utfall) */
    int baseline_year;      /* 0: the current forecast is the baseline; else a snapshot */
    int baseline_month;
};

void kkr_bridge_options_init(struct kkr_bridge_options *opt);

/* Helår avvikelse (budget − prognos, total row) of the result. All amounts in öre. */
struct kkr_bridge {
    char *scenario;         /* the measures' name */
    char *baseline_label;   /* "Prognos april (snapshot 202004)" or "Prognos maj (aktuell)" */
    int64_t baseline_ore;
    size_t step_count;
    struct kkr_bridge_step *steps;
    int64_t measures_ore;   /* Σ expected: "Summa åtgärder" */
    int64_t result_ore;     /* baseline + Σ: "Resultat efter åtgärder" */
    /* Reconciliation: set when the baseline is a snapshot older than the current forecast. */
    bool reconciled;
    char *newer_label;      /* "Prognos maj (aktuell)" */
    int64_t newer_ore;      /* the current forecast's helår avvikelse */
    int64_t rest_ore;       /* newer − result: "Oförklarad rest" */
    /* Where every goal figure starts (DESIGN §6): baseline + measures + rest, the expected
     * result with the latest knowledge — the current forecast (newer_ore) when reconciled,
     * else result_ore. "Ytterligare besparing som behövs" is the target minus this. */
    int64_t outlook_ore;
};

/* Computes the bridge of one scenario against the current forecast (prognos.csv, else the
 * helårsbudget) or a locked snapshot. KKR_ERR_NOT_FOUND when the snapshot does not exist;
 * KKR_ERR_OVERFLOW on sums. The caller frees with kkr_bridge_free(). */
enum kkr_status kkr_bridge_compute(const struct kkr_workbook *wb, const struct kkr_measures *m,
                                   const struct kkr_bridge_options *opt, struct kkr_bridge **out,
                                   struct kkr_diag *diag, struct kkr_warnings *warn);

/* The same from a given baseline (no workbook): no reconciliation. */
enum kkr_status kkr_bridge_from_baseline(const struct kkr_workbook *wb,
                                         const struct kkr_measures *m, int64_t baseline_ore,
                                         const char *baseline_label, struct kkr_bridge **out,
                                         struct kkr_diag *diag);

void kkr_bridge_free(struct kkr_bridge *b);

/* ---- the scenario's follow-up table ---- */

/* The forecast per unit and slag (index kkr_workbook_slot(), wb->unit_count units) with
 * every measure's expected effect applied to its unit: forecast -= expected on the measure's
 * slag (kostnad when none is given). Measures for the whole nämnd are not applied here (they
 * have no unit); kkr_scenario_rollup shows them on a row of their own. base is the
 * baseline's own forecast per unit and kind. */
enum kkr_status kkr_scenario_apply(const struct kkr_workbook *wb, const struct kkr_measures *m,
                                   const int64_t *base_forecast_ore, int64_t *out_forecast_ore,
                                   struct kkr_diag *diag);

/* A workbook view for the scenario's report: when some measures name no unit, a copy of wb
 * with one extra top-level unit "ATGARDER" / "Åtgärder för hela nämnden" (no budget, no
 * utfall) carrying them; else wb itself. rollup is built from the baseline with the measures
 * applied. Release with kkr_scenario_view_release(). */
struct kkr_scenario_view {
    const struct kkr_workbook *wb;  /* what to pass to kkr_report_write */
    struct kkr_workbook *owned;     /* the extended copy, or NULL */
    struct kkr_rollup rollup;
};

enum kkr_status kkr_scenario_view_build(const struct kkr_workbook *wb,
                                        const struct kkr_measures *m,
                                        const struct kkr_bridge_options *opt,
                                        struct kkr_scenario_view *out, struct kkr_diag *diag,
                                        struct kkr_warnings *warn);
void kkr_scenario_view_release(struct kkr_scenario_view *v);

/* ---- Monte Carlo on plain arrays (no workbook needed) ---- */

/* The random part of a scenario: result = baseline + Σ b_i × (effect_i + spread_i × z_i),
 * b_i ~ Bernoulli(probability_i), z_i ~ N(0, 1). spread_ore may be NULL (all 0). */
struct kkr_sim_input {
    size_t count;
    const double *probability;
    const int64_t *effect_ore;
    const int64_t *spread_ore;
    int64_t baseline_ore;
};

/* Draws n scenario results into results_ore (n entries), with GSL's mt19937 seeded with
 * seed. Same input and seed, same results. Measures with probability 0 or 1 and no spread
 * draw nothing; the others are sampled in blocks of up to 10 all-or-nothing measures from an
 * alias table of the block's 2^k outcomes (one 32-bit random number per block and draw).
 * KKR_ERR_VALUE for a probability outside 0..1, KKR_ERR_OVERFLOW when a sum may not fit. */
enum kkr_status kkr_sim_draw(const struct kkr_sim_input *in, size_t n, unsigned long seed,
                             int64_t *results_ore, struct kkr_diag *diag);

/* (The straightforward sampler, one gsl_rng_uniform per measure and draw, is the benchmark's
 * baseline: tests/bench/sim-naive.c.) */

/* What the nämnd asks of a distribution. */
struct kkr_sim_summary {
    size_t draws;           /* 0 for an exact distribution */
    double p_target;        /* P(result >= target) */
    int64_t p10_ore, p50_ore, p90_ore;  /* percentiles (nearest rank) */
    int64_t p20_ore;        /* the largest v with P(result >= v) >= 0.8 */
    double mean_ore;        /* the mean result */
    int64_t need_expected_ore;  /* max(0, target − expected result) */
    int64_t need_80_ore;        /* max(0, target − p20): further saving for 80 % confidence */
    bool overflow;              /* a need does not fit in int64 öre (then it reads 0): the
                                 * caller reports an overflow error */
};

/* Summarises n draws (sorts results_ore in place). expected_ore is the exact expected result
 * (baseline + Σ expected) for need_expected_ore. */
void kkr_sim_summarize(int64_t *results_ore, size_t n, int64_t target_ore, int64_t expected_ore,
                       struct kkr_sim_summary *out);

/* The exact distribution by enumerating the outcomes of the uncertain measures (0 < p < 1);
 * at most 20 of them and no spread, else KKR_ERR_USAGE. */
enum kkr_status kkr_sim_exact(const struct kkr_sim_input *in, int64_t target_ore,
                              int64_t expected_ore, struct kkr_sim_summary *out,
                              struct kkr_diag *diag);

/* Fills a kkr_sim_input from a scenario (arrays malloc'd, owned by the caller: free
 * probability, effect_ore, spread_ore with kkr_sim_input_release). */
enum kkr_status kkr_sim_input_from_measures(const struct kkr_measures *m, int64_t baseline_ore,
                                            struct kkr_sim_input *out, struct kkr_diag *diag);
void kkr_sim_input_release(struct kkr_sim_input *in);

/* ---- one scenario as kkr whatif shows it ---- */

/* A measures file, its bridge and the distribution of its result. The caller owns measures and
 * bridge (kkr_measures_free, kkr_bridge_free). */
struct kkr_bridge_scenario {
    struct kkr_measures *measures;
    struct kkr_bridge *bridge;
    bool has_need80;                /* an exact or simulated distribution is available */
    bool simulated;                 /* dist is from draws (kkr_sim_draw), not exact */
    struct kkr_sim_summary dist;    /* need_* and, when simulated or exact, the rest */
};

/* Fills sc->dist, has_need80 and simulated for sc->measures and sc->bridge, every figure from
 * the bridge's outlook_ore (baseline + measures + the unexplained rest: the measures' draws
 * around the current forecast when the bridge is reconciled): with draws > 0 a
 * Monte Carlo of draws results from seed; else the exact distribution when it can be
 * enumerated (kkr_sim_exact), else only the expected need. KKR_ERR_OVERFLOW when the saving
 * needed to reach target_ore does not fit in öre; KKR_ERR_NOMEM. */
enum kkr_status kkr_bridge_scenario_distribute(struct kkr_bridge_scenario *sc, int64_t target_ore,
                                               size_t draws, unsigned long seed,
                                               struct kkr_diag *diag);

#endif
