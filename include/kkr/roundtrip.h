/* roundtrip.h — the month's prognos round trip with the enhetschefer (DESIGN §11):
 * kkr template writes one xlsx per unit or ansvarig, kkr collect reads them back into
 * prognos.csv */
#ifndef KKR_ROUNDTRIP_H
#define KKR_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/status.h"
#include "kkr/workbook.h"

/* Who gets a file. */
enum kkr_template_per {
    KKR_PER_TOP,            /* one per top-level unit, with its whole subtree (default) */
    KKR_PER_UNIT,           /* one per unit with figures of its own */
    KKR_PER_RESPONSIBLE,    /* one per ansvarig (verksamheter.csv), inherited down the tree */
};

/* Parses "verksamhet" (KKR_PER_UNIT), "ansvarig", "toppnivå"/"top". */
bool kkr_template_per_parse(const char *s, enum kkr_template_per *out);

/* One file written by kkr_template_write. */
struct kkr_template_file {
    char *path;
    char *key;              /* the unit code or the ansvarig */
    size_t rows;            /* unit-slag rows to fill in */
};

struct kkr_template_result {
    struct kkr_template_file *files;
    size_t count;
};
void kkr_template_result_release(struct kkr_template_result *r);

/* Writes the templates for report period (1..12) into folder as prognos-YYYYMM-KEY.xlsx: per
 * unit and slag the helårsbudget, the utfall of months 1..period, the latest locked prognos
 * before the period with its comment, kkr's proposal (method auto) with its 80 % interval,
 * and the two cells to fill in. Refuses (KKR_ERR_EXISTS, nothing written) when any of the
 * files exists; all files are written to temporary names first. */
enum kkr_status kkr_template_write(const struct kkr_workbook *wb, int period,
                                   enum kkr_template_per per, const char *folder,
                                   struct kkr_template_result *out, struct kkr_diag *diag,
                                   struct kkr_warnings *warn);

/* What kkr collect took from one file. */
struct kkr_collect_file {
    const char *path;       /* as given (borrowed) */
    size_t taken;           /* prognoser taken */
    size_t empty;           /* rows left empty (no answer) */
    size_t comments;        /* kommentarer taken */
};

/* The collected prognos: the workbook's prognos.csv with the files' answers in it. */
struct kkr_collect_result {
    struct kkr_collect_file *files;
    size_t count;
    int64_t *forecast_ore;  /* per slot (kkr_workbook_slot) */
    uint8_t *forecast_has;
    char **comment;
    size_t slot_count;
};
void kkr_collect_result_release(struct kkr_collect_result *r);

/* Reads filled templates made for this workbook and period. A bad file or cell is an error
 * naming file:sheet!cell; a file made for another workbook or period, and the same unit and
 * slag in two files (both named), are errors. Writes nothing. */
enum kkr_status kkr_collect_read(const struct kkr_workbook *wb, int period,
                                 char *const *paths, size_t count,
                                 struct kkr_collect_result *out, struct kkr_diag *diag,
                                 struct kkr_warnings *warn);

/* Writes DIR/prognos.csv (verksamhet;slag;prognos;kommentar) from the result, atomically.
 * Refuses a workbook whose prognos is kept as prognos.xlsx. */
enum kkr_status kkr_collect_write(const struct kkr_workbook *wb,
                                  const struct kkr_collect_result *r, struct kkr_diag *diag);

#endif
