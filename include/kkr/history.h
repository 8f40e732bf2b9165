/* history.h — prognoshistorik: the helårsprognos month by month from the locked snapshots
 * (DESIGN §13) */
#ifndef KKR_HISTORY_H
#define KKR_HISTORY_H

#include <stdint.h>
#include <stdio.h>

#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* The locked months of the fiscal year up to the report period, and per month the helår
 * prognos (netto, öre) of each top-level unit and the total, as kkr_rollup_build_with rolls
 * the snapshot up (a unit-slag the snapshot lacks counts with its helårsbudget). Read-only for
 * callers. */
struct kkr_history {
    size_t month_count;
    int *months;              /* 1..12, ascending */
    size_t unit_count;        /* top-level units, in report order */
    int *units;               /* indices into wb->units */
    int64_t *budget_ore;      /* helårsbudget per unit, then the total: unit_count + 1 */
    int64_t *forecast_ore;    /* [month * (unit_count + 1) + unit], the total last */
};

/* Builds the history of wb's fiscal year for the months 1..period (1..12) from
 * wb->dir/snapshots. No snapshot at all is not an error (month_count 0). */
enum kkr_status kkr_history_build(const struct kkr_workbook *wb, int period,
                                  struct kkr_history **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn);
void kkr_history_free(struct kkr_history *h);

/* Writes the history. CSV and JSON are long: one row per month and unit, then the total
 * (kod "total"): period;kod;namn;prognos_helår;förändring;avvikelse_helår, where förändring is
 * how far the helår avvikelse moved since the month before (positive = better; empty for the
 * first month) and avvikelse_helår = budget − prognos. Text and Markdown are a matrix of
 * top-level units × locked months (the prognos' avvikelse against budget), then the change in
 * the last month. Figures in unit, each rounded from its own exact value; excel: CSV for
 * Swedish Excel (BOM, decimal comma is moot for integers). */
enum kkr_status kkr_history_write(FILE *out, const struct kkr_workbook *wb,
                                  const struct kkr_history *h, enum kkr_format format,
                                  enum kkr_display_unit unit, struct kkr_diag *diag);

#endif
