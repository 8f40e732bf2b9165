/* cmd-import.h — what kkr import's ledger and SIE halves share (cmd-import.c,
 * cmd-import-sie.c) */
#ifndef KKR_CMD_IMPORT_H
#define KKR_CMD_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "kkr/import.h"
#include "kkr/sie.h"

/* "-1 234,56" (kr, for the summary lines), in buf (at least 32 bytes). */
static inline const char *kr(char *buf, int64_t ore)
{
    kkr_import_format_ore(buf, ore, " ");
    return buf;
}

static inline const char *rows(uint64_t n)
{
    return n == 1 ? "row" : "rows";
}

/* utfall kept in Excel (DESIGN §11) is the user's file: --into does not rewrite it. False (with
 * *code set and the message printed) when DIR keeps utfall as .xlsx, or has both. */
bool cli_import_into_keeps_csv(const char *into, int *code);

/* The account rules of --accounts RULES.csv and --slag SET (*out NULL when neither is given).
 * Returns an exit code, the message printed. */
int cli_import_load_accounts(const char *rules_path, const char *slag,
                             struct kkr_import_accounts **out);

/* Writes res as utfall rows to out_path ('-' = standard output), or with into merges them into
 * into/utfall.csv; the merged file must load as the workbook's utfall.csv before it replaces
 * it. Returns an exit code, the message printed. */
int cli_import_write_utfall(const char *out_path, const char *into,
                            const struct kkr_import_result *res, const struct kkr_import_map *map);

/* The progress bar (a struct cli_import_progress as userdata; only on a terminal) and the
 * ledger's summary (cmd-import-summary.c). */
struct cli_import_progress {
    bool tty;
    bool shown;
    struct timespec start, last;
};
void cli_import_progress_show(void *userdata, const struct kkr_import_progress *p);
void cli_import_progress_clear(struct cli_import_progress *pr);
void cli_import_summary(const char *ledger, const struct kkr_import_result *r, bool by_slag);
/* The SIE summary: every record, the balances' reading, utfall (and budget with --init). With
 * by_slag (--slag) the imported rows and amounts per slag too. */
void cli_import_sie_summary(const char *file, const struct kkr_sie_info *in,
                            const struct kkr_import_result *ut,
                            const struct kkr_import_result *bu, bool by_slag);

/* --dim N, --reading R, --encoding E into sopt; false after a usage error (cmd-import-sie.c). */
bool cli_import_sie_dim(const char *arg, struct kkr_sie_options *sopt);
bool cli_import_sie_reading(const char *arg, struct kkr_sie_options *sopt);
bool cli_import_sie_encoding(const char *arg, struct kkr_sie_options *sopt);

/* kkr import FILE.se (cmd-import-sie.c). */
int cli_import_sie(const char *file, const char *map_path, const char *out_path,
                   const char *into, const char *init, const char *rules_path,
                   const char *slag, bool strict, struct kkr_sie_options *sopt);

#endif
