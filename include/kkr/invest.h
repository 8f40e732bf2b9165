/* invest.h — investeringar.csv: the investment projects of the year (DESIGN §5.3) */
#ifndef KKR_INVEST_H
#define KKR_INVEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/status.h"
#include "kkr/workbook.h"

/* The largest amount of a row (about 92 billion kr), so sums of many rows cannot overflow. */
#define KKR_INVEST_MAX ((int64_t)9223372036854775 / 1000)

/* One row of investeringar.csv: a project, or a group (a row others name as överordnad).
 * Amounts in öre, as entered (investments are never sign-flipped). A group's figures are the
 * sums of its rows (its own amounts, if any, plus its projects'). */
struct kkr_invest {
    char *code;             /* projekt */
    char *name;             /* namn */
    char *comment;          /* kommentar, or NULL */
    int parent;             /* index of the group, -1 at top level */
    int depth;
    int unit;               /* verksamhet (index into wb->units), -1 when not given */
    long line;
    bool is_group;          /* some row names it as överordnad */
    bool multi_year;        /* total_budget given: a project over several years */
    int64_t budget, actual, forecast;          /* the year: budget, utfall, prognos */
    int64_t total_budget, actual_before, total_forecast; /* the whole project (multi-year) */
    bool has_forecast;      /* prognos given; else prognos = budget */
};

struct kkr_investments {
    size_t count;
    struct kkr_invest *items;   /* file order */
    int *order;                 /* report order: groups followed by their rows, depth first */
    struct kkr_invest total;    /* the sum of the top-level rows */
};

/* Loads DIR/investeringar.csv for wb; KKR_ERR_NOT_FOUND (diag line 0) when there is none.
 * Errors (unknown överordnad or verksamhet, cycles, duplicate projekt, bad amounts) name
 * file:line:column. */
enum kkr_status kkr_investments_load(const struct kkr_workbook *wb,
                                     struct kkr_investments **out, struct kkr_diag *diag,
                                     struct kkr_warnings *warn);
void kkr_investments_free(struct kkr_investments *inv);

#endif
