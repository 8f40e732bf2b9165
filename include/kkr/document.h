/* document.h — the månadsrapport's parts beside the tables (DESIGN §14): the workbook's own
 * sammanfattning.md, or what the drafted Sammanfattning reads (the previous locked prognos, the
 * measures' outlook), and the prognoshistorik; assembled once for report --pdf and
 * report --table sammanfattning */
#ifndef KKR_DOCUMENT_H
#define KKR_DOCUMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "kkr/history.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* What the measures of a scenario do to the result (optional input of the draft). */
struct kkr_summary_measures {
    const char *name;            /* the scenario, e.g. the file name "atgarder-maj.csv" */
    size_t count;                /* number of measures */
    int64_t effect_ore;          /* their expected effect on the result (positive = better) */
    int64_t result_ore;          /* the expected helår avvikelse after them */
    int64_t target_ore;          /* the goal (0 = nollresultat) */
    double probability;          /* P(result >= target) from a simulation, or < 0 when none */
};

/* The latest locked snapshot of wb's year before period, rolled up for period into out;
 * *found false (out untouched) when there is none. */
enum kkr_status kkr_snapshot_previous(const struct kkr_workbook *wb, int period,
                                      struct kkr_rollup *out, int *month, bool *found,
                                      struct kkr_diag *diag, struct kkr_warnings *warn);

/* The measures file at path applied to the prognos of period: the bridge's effect and result,
 * and the exact probability of reaching nollresultat when some measure is uncertain (else
 * probability < 0). *name receives the file's base name (the caller frees it; sm->name points
 * to it). */
enum kkr_status kkr_summary_measures_compute(const struct kkr_workbook *wb, int period,
                                             const char *path, struct kkr_summary_measures *sm,
                                             char **name, struct kkr_diag *diag,
                                             struct kkr_warnings *warn);

struct kkr_document_options {
    const char *measures_path;   /* a scenario for the draft, or NULL */
    bool markdown;               /* read wb->dir/sammanfattning.md (it replaces the draft) */
    bool history;                /* build the prognoshistorik */
};

/* The parts. When markdown is set the draft's inputs are not read. */
struct kkr_document {
    char *markdown;              /* sammanfattning.md (valid UTF-8), or NULL */
    bool has_before;             /* before holds the previous locked prognos */
    int before_month;
    struct kkr_rollup before;
    bool has_measures;
    struct kkr_summary_measures measures;
    char *measures_name;
    struct kkr_history *history; /* NULL unless asked for */
};

/* Assembles the parts for the report of rollup (its period). A sammanfattning.md that is not
 * UTF-8 is KKR_ERR_SYNTAX naming the file and byte; the measures file's and snapshots' errors
 * carry their file:line:column. On failure *doc is empty. */
enum kkr_status kkr_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                                   const struct kkr_document_options *opt,
                                   struct kkr_document *doc, struct kkr_diag *diag,
                                   struct kkr_warnings *warn);
void kkr_document_release(struct kkr_document *doc);

#endif
