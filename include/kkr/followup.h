/* followup.h — the one follow-up pipeline: workbook → forecast set → roll-up (DESIGN §10) */
#ifndef KKR_FOLLOWUP_H
#define KKR_FOLLOWUP_H

#include <stdbool.h>
#include <stdint.h>

#include "kkr/forecast.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* What kkr report shows, kkr lock freezes and kkr chart draws is built here, once, so the
 * three cannot drift apart: the report period's roll-up, with computed forecasts filled in
 * where prognos.csv has none when a method is given. */
struct kkr_followup_options {
    int period;                                 /* months 1..period of wb->year (0..12) */
    const struct kkr_forecast_method *method;   /* NULL: prognos.csv, else the helårsbudget */
    struct kkr_forecast_options forecast;       /* the interval level of the method */
};

/* Zeroes opt, the default forecast options (80 %). period must still be set. */
void kkr_followup_options_init(struct kkr_followup_options *opt);

/* The result. Read-only for callers; release with kkr_followup_release. */
struct kkr_followup {
    int period;
    struct kkr_forecast_set *set;   /* the computed forecasts, or NULL without a method */
    struct kkr_forecast_fill fill;  /* pointers into set (used by rollup) */
    struct kkr_rollup rollup;       /* the follow-up figures; rollup.source says which prognos
                                     * came from where */
};

/* Builds the follow-up of wb for opt->period. Statuses: those of kkr_forecast_set_compute and
 * kkr_rollup_build (KKR_ERR_USAGE for a period outside 0..12, KKR_ERR_OVERFLOW, KKR_ERR_NOMEM).
 * On failure *out is empty (releasing it is allowed and does nothing). */
enum kkr_status kkr_followup_build(const struct kkr_workbook *wb,
                                   const struct kkr_followup_options *opt,
                                   struct kkr_followup *out, struct kkr_diag *diag);
void kkr_followup_release(struct kkr_followup *f);

/* The interval band of the helår netto prognos of one unit's subtree (unit -1: the total):
 * the standard deviations of the computed parts (rollup.source KKR_FROM_COMPUTED) added in
 * quadrature (independent errors) around the row's prognos; entered parts (prognos.csv) and
 * budget parts carry none. *has is false when no part is computed (or no method was given).
 * KKR_ERR_OVERFLOW when the band does not fit in öre (kkr_forecast_band). */
enum kkr_status kkr_followup_band(const struct kkr_workbook *wb, const struct kkr_followup *f,
                                  int unit, bool *has, int64_t *low_ore, int64_t *high_ore,
                                  struct kkr_diag *diag);

#endif
