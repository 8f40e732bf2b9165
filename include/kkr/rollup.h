/* rollup.h — per-unit figures for a report period, rolled up to parents and the total */
#ifndef KKR_ROLLUP_H
#define KKR_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

#include "kkr/status.h"
#include "kkr/workbook.h"

/* The largest figure a roll-up holds, in öre (about 23 billiarder kr): a quarter of int64, so
 * that an avvikelse (a difference of two figures) and the change of an avvikelse against a
 * snapshot (a difference of two avvikelser) always fit. kkr_rollup_build* fail beyond it. */
#define KKR_FIGURE_MAX_ORE (INT64_MAX / 4)

/* The six figures of a follow-up row, in öre. avvikelse = budget - utfall / budget - prognos. */
struct kkr_figures {
    int64_t budget_ytd;     /* budget months 1..k */
    int64_t actual_ytd;     /* utfall months 1..k */
    int64_t budget_full;    /* budget months 1..12 */
    int64_t forecast_full;  /* helårsprognos */
    int64_t actual_full;    /* utfall months 1..12 (the bokslut once December is booked) */
};

static inline int64_t kkr_figures_variance_ytd(const struct kkr_figures *f)
{
    return f->budget_ytd - f->actual_ytd;
}
static inline int64_t kkr_figures_variance_full(const struct kkr_figures *f)
{
    return f->budget_full - f->forecast_full;
}

/* Where a unit-kind's helår prognos came from. */
enum kkr_forecast_source {
    KKR_FROM_NONE = 0,      /* no amounts at all */
    KKR_FROM_ENTERED,       /* prognos.csv (or the baseline given by the caller) */
    KKR_FROM_COMPUTED,      /* a forecast method (struct kkr_forecast_fill) */
    KKR_FROM_BUDGET,        /* nothing entered or computed: prognos = helårsbudget */
    KKR_FROM_ACTUAL,        /* a finished year (period 12, December booked): prognos = utfall,
                             * the bokslut (DESIGN §5.1); not computed */
};
#define KKR_FORECAST_SOURCES 5

/* Computed forecasts to use where prognos.csv has none: per unit and slag, index
 * kkr_workbook_slot(). has may be NULL (all present). */
struct kkr_forecast_fill {
    const int64_t *full_ore;
    const uint8_t *has;
    const char *method;     /* shown in the report's note, e.g. "seasonal" */
};

/* One row of the unit table: a unit's subtree (own amounts plus all descendants), or the
 * total. */
struct kkr_rollup_row {
    int unit;                          /* index into wb->units, -1 for the total */
    int depth;                         /* 0 for top-level units and the total */
    struct kkr_figures kind[KKR_TYPES]; /* per typ: the sum of the typ's slag */
    struct kkr_figures *slag;          /* per slag of wb->slag (slag_count entries) */
    struct kkr_figures net;            /* revenue + cost */
    bool computed;                     /* some part's prognos is computed or from budget */
    bool entered;                      /* some part's prognos is entered */
};

struct kkr_rollup {
    int year;
    int period;                        /* k: months 1..k are "ackumulerat period" */
    size_t row_count;                  /* unit_count + 1 */
    struct kkr_rollup_row *rows;       /* in wb->order, the total last */
    size_t slag_count;                 /* wb->slag_count */
    /* Per unit and slag (kkr_workbook_slot()): the unit's own figures and source. */
    struct kkr_figures *own;
    enum kkr_forecast_source *source;
    const char *method;                /* the fill method name, or NULL */
    struct kkr_figures *slag_figures;  /* the storage of the rows' slag arrays */
};

/* Builds the roll-up for months 1..period of wb->year (period 1..12). The forecast of each
 * unit-kind is prognos.csv's if entered, else fill's (when fill is not NULL and has it), else
 * the helårsbudget. Sums are exact; KKR_ERR_OVERFLOW names the unit whose sum overflowed. */
enum kkr_status kkr_rollup_build(const struct kkr_workbook *wb, int period,
                                 const struct kkr_forecast_fill *fill, struct kkr_rollup *out,
                                 struct kkr_diag *diag);

/* The same with the entered forecasts replaced by a given set (e.g. a snapshot, or a
 * scenario with measures applied): forecast_ore/has indexed kkr_workbook_slot(). */
enum kkr_status kkr_rollup_build_with(const struct kkr_workbook *wb, int period,
                                      const int64_t *forecast_ore, const uint8_t *forecast_has,
                                      const struct kkr_forecast_fill *fill,
                                      struct kkr_rollup *out, struct kkr_diag *diag);

/* The figures of an earlier year (year < wb->year, e.g. the previous year for the fg columns of
 * DESIGN §5.1): budget and utfall of months 1..period and of the whole year; the prognos of
 * every unit-slag is that year's utfall (its bokslut), source KKR_FROM_ACTUAL. */
enum kkr_status kkr_rollup_build_year(const struct kkr_workbook *wb, int year, int period,
                                      struct kkr_rollup *out, struct kkr_diag *diag);

/* True when the report period finishes the year: period 12 and utfall.csv has December of
 * wb->year. */
bool kkr_rollup_year_finished(const struct kkr_workbook *wb, int period);

void kkr_rollup_release(struct kkr_rollup *r);

/* The total row (last row). */
static inline const struct kkr_rollup_row *kkr_rollup_total(const struct kkr_rollup *r)
{
    return &r->rows[r->row_count - 1];
}

#endif
