/* accuracy.h — prognossäkerhet: each locked month's helårsprognos against the outcome, as the
 * annual report prints it (DESIGN §7, §13) */
#ifndef KKR_ACCURACY_H
#define KKR_ACCURACY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/format.h"
#include "kkr/money.h"
#include "kkr/sheet.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* The locked months of the fiscal year against the outcome, for every unit (report order) and
 * the total. The outcome is the year's utfall when the year is finished (utfall through
 * December); before that, the current helårsprognos of the report period as kkr report shows
 * it (prognos.csv, else the helårsbudget), since the bokslut is not known yet. All amounts net
 * cost (costs positive), exact öre. Read-only for callers. */
struct kkr_accuracy {
    int year;
    bool finished;            /* utfall through December: the outcome is the bokslut */
    int period;               /* the month of the outcome: 12, or the report period */
    size_t month_count;
    int *months;              /* the locked months (1..period), ascending */
    size_t row_count;         /* every unit in report order, then the total */
    int *unit;                /* per row: index into wb->units, -1 for the total */
    int *depth;               /* per row: 0 for top-level units and the total */
    int64_t *budget_ore;      /* per row: the helårsbudget */
    int64_t *outcome_ore;     /* per row: utfall helår, or the current helårsprognos */
    int64_t *forecast_ore;    /* [month * row_count + row]: that locked month's helårsprognos */
};

/* The figures the table prints, each from exact öre: the result against budget (positive =
 * överskott) of a locked prognos and of the outcome, and the difference
 * prognos − outcome in net cost = outcome's result − the prognos' result: positive means the
 * prognos was too high and the year came out better than it said, negative that it was too
 * low (kkr's rule: positive is better). */
int64_t kkr_accuracy_result(const struct kkr_accuracy *a, size_t month, size_t row);
int64_t kkr_accuracy_outcome_result(const struct kkr_accuracy *a, size_t row);
int64_t kkr_accuracy_difference(const struct kkr_accuracy *a, size_t month, size_t row);

/* Builds the table from wb->dir/snapshots. No locked month of the year up to the outcome's
 * month is KKR_ERR_NOT_FOUND (with a message naming the folder); a snapshot that does not load
 * fails with its file:line:column. warn collects the snapshots' warnings. */
enum kkr_status kkr_accuracy_build(const struct kkr_workbook *wb, struct kkr_accuracy **out,
                                   struct kkr_diag *diag, struct kkr_warnings *warn);
void kkr_accuracy_free(struct kkr_accuracy *a);

/* Writes the table. CSV and JSON are long, one row per locked month and unit, then the total:
 * kod;snapshot;resultat_prognos;resultat_utfall;differens;namn;nivå;jämförelse (jämförelse
 * "utfall", or "prognos YYYYMM" before the year is finished; resultat_utfall is then the
 * current prognos' result). Text and Markdown are the annual report's table: the top-level
 * units (at the kommun level the nämnder) and the total by name, the locked months as
 * columns, first each prognos' result and the outcome's, then the differences, with footnotes
 * saying the signs and what the outcome is. Figures in unit, each rounded from its own exact
 * value. depth 0: those defaults (text and Markdown the top level, CSV and JSON every
 * level); N >= 1: the first N levels of the tree in every format (deeper rows indented in
 * text and Markdown), the total always. */
enum kkr_status kkr_accuracy_write(FILE *out, const struct kkr_workbook *wb,
                                   const struct kkr_accuracy *a, enum kkr_format format,
                                   enum kkr_display_unit unit, int depth, struct kkr_diag *diag);

/* The same table as a sheet "Prognossäkerhet" in doc: the top-level units (depth 0 or 1; N:
 * the first N levels, as outline levels) and the total, a
 * column per locked month (the result), the outcome, then a column per month (the difference),
 * the footnotes under it. */
void kkr_accuracy_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                        const struct kkr_accuracy *a, enum kkr_display_unit unit, int depth);

#endif
