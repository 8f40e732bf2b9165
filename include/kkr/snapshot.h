/* snapshot.h — locking a report period's helår prognos into snapshots/YYYYMM.csv (kkr lock) */
#ifndef KKR_SNAPSHOT_H
#define KKR_SNAPSHOT_H

#include <stdio.h>

#include "kkr/forecast.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

/* The metod column says where a row's prognos came from (DESIGN §3): an entered figure from
 * prognos.csv is "manuell", a unit-kind that had neither is its helårsbudget; a computed row
 * carries the name of the method that made it (seasonal, ets, ...). */
#define KKR_SNAPSHOT_ENTERED "manuell"
#define KKR_SNAPSHOT_BUDGET "helårsbudget"
#define KKR_SNAPSHOT_ACTUAL "utfall"     /* a finished year: the bokslut (DESIGN §5.1) */

/* An empty snapshot of the workbook's units for year and month (1..12). */
enum kkr_status kkr_snapshot_new(const struct kkr_workbook *wb, int year, int month,
                                 struct kkr_snapshot **out, struct kkr_diag *diag);

/* Sets one unit-slag (slag: an index of wb->slag): its own helår prognos, metod and kommentar
 * (both may be NULL; copied). */
enum kkr_status kkr_snapshot_set(struct kkr_snapshot *snap, int unit, int slag,
                                 int64_t forecast_ore, const char *method, const char *comment,
                                 struct kkr_diag *diag);

/* The snapshot of a report: every unit-kind that has amounts in the year or an entered
 * prognos, with the own helår prognos that the roll-up r uses (so that a report compared
 * against the snapshot right after locking shows no change). set is the forecast set whose
 * fill r was built with, or NULL: computed rows take the method set->method_used names and an
 * interval note as kommentar; entered rows take prognos.csv's kommentar. */
enum kkr_status kkr_snapshot_from_rollup(const struct kkr_workbook *wb,
                                         const struct kkr_rollup *r,
                                         const struct kkr_forecast_set *set,
                                         struct kkr_snapshot **out, struct kkr_diag *diag);

/* Writes the snapshot as CSV (UTF-8, ';', decimal comma, header
 * verksamhet;slag;prognos;metod;kommentar), rows in verksamheter.csv order, intäkt before
 * kostnad. Text is quoted as RFC 4180 and otherwise kept exactly, so that it loads back
 * unchanged with kkr_snapshot_load. Returns KKR_OK, or KKR_ERR_NOMEM / KKR_ERR_IO: the CSV
 * writer's first error, checked once at the end. */
enum kkr_status kkr_snapshot_write(FILE *out, const struct kkr_workbook *wb,
                                   const struct kkr_snapshot *snap);

/* DIR/snapshots/YYYYMM.csv for the workbook (malloc'd; NULL when out of memory). */
char *kkr_snapshot_path(const struct kkr_workbook *wb, int year, int month);

/* Locks the snapshot: creates DIR/snapshots when missing and writes
 * DIR/snapshots/YYYYMM.csv whole or not at all. A snapshot is never overwritten: when the file
 * exists (or appears while writing) returns KKR_ERR_EXISTS and leaves it untouched. */
enum kkr_status kkr_snapshot_lock(const struct kkr_workbook *wb, const struct kkr_snapshot *snap,
                                  struct kkr_diag *diag);

#endif
