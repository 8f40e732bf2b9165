/* fuzz-workbook.c — a whole workbook from one input: the workbook loader (every CSV file and
 * bok.conf), the snapshot loader, the roll-up and every report format.
 *
 * The input is split at lines "--8<--" into, in this order: verksamheter.csv, budget.csv,
 * utfall.csv, prognos.csv, periodisering.csv, bok.conf, snapshots/202001.csv. Missing parts are
 * missing files. The files live in memory (see fuzz-util.h), the folder is "mem:".
 *
 * Checks: a failed load names a file and says why; a loaded workbook is consistent (every
 * parent index in range and before-or-after but never a cycle, report order a permutation,
 * depth = parent's depth + 1); the roll-up's total equals the sum of the top-level rows. */
#include "fuzz-util.h"
#include "kkr/report.h"
#include "kkr/rollup.h"
#include "kkr/workbook.h"

static const char *const names[] = {
    "verksamheter.csv", "budget.csv", "utfall.csv", "prognos.csv",
    "periodisering.csv", "bok.conf", "snapshots/202001.csv",
};
#define NAMES (sizeof names / sizeof *names)

static void check_workbook(const struct kkr_workbook *wb)
{
    size_t n = wb->unit_count;
    FUZZ_ASSERT(n > 0);
    char *seen = calloc(n, 1);
    if (!seen)
        return;
    for (size_t i = 0; i < n; i++) {
        int u = wb->order[i];
        FUZZ_ASSERT(u >= 0 && (size_t)u < n && !seen[u]);
        seen[u] = 1;
        int p = wb->units[u].parent;
        FUZZ_ASSERT(p >= -1 && p < (int)n && p != u);
        FUZZ_ASSERT(wb->units[u].depth == (p < 0 ? 0 : wb->units[p].depth + 1));
        FUZZ_ASSERT(kkr_workbook_find_unit(wb, wb->units[u].code, strlen(wb->units[u].code)) ==
                    u);
    }
    free(seen);
    FUZZ_ASSERT(wb->year >= 1900 && wb->year <= 2199);
    FUZZ_ASSERT(wb->first_year <= wb->year && wb->month_count == (wb->year - wb->first_year + 1) * 12);
    FUZZ_ASSERT(wb->last_actual_month >= 0 && wb->last_actual_month <= 12);
}

static void exercise(const struct kkr_workbook *wb)
{
    check_workbook(wb);
    struct kkr_diag diag;
    int period = wb->last_actual_month ? wb->last_actual_month : 12;
    struct kkr_rollup r;
    if (kkr_rollup_build(wb, period, NULL, &r, &diag) != KKR_OK) {
        FUZZ_ASSERT(diag.message[0] != '\0');
        return;
    }
    FUZZ_ASSERT(r.row_count == wb->unit_count + 1);
    FILE *out = fuzz_devnull();
    struct kkr_report_options opt;
    for (int fmt = KKR_FORMAT_TEXT; fmt <= KKR_FORMAT_JSON; fmt++) {
        kkr_report_options_init(&opt);
        opt.format = (enum kkr_format)fmt;
        opt.columns = KKR_COL_ACTUAL_PERCENT | KKR_COL_BENCHMARK;
        opt.excel = fmt == KKR_FORMAT_CSV;
        FUZZ_ASSERT(kkr_report_write(out, wb, &r, &opt, &diag) == KKR_OK);
    }

    struct kkr_snapshot *snap = NULL;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    if (kkr_snapshot_load(wb, 2020, 1, &snap, &diag, &warn) == KKR_OK) {
        struct kkr_rollup then;
        if (kkr_rollup_build_with(wb, period, snap->forecast_ore, snap->forecast_has, NULL,
                                  &then, &diag) == KKR_OK) {
            kkr_report_options_init(&opt);
            opt.compare = &then;
            opt.compare_label = "202001";
            FUZZ_ASSERT(kkr_report_write(out, wb, &r, &opt, &diag) == KKR_OK);
            kkr_rollup_release(&then);
        }
        kkr_snapshot_free(snap);
    } else {
        FUZZ_ASSERT(diag.message[0] != '\0');
    }
    kkr_warnings_release(&warn);
    kkr_rollup_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_part parts[NAMES];
    size_t n = fuzz_split(data, size, parts, NAMES);
    memfs_reset();
    for (size_t i = 0; i < NAMES; i++)
        memfs_put(names[i], i < n ? parts[i].data : NULL, i < n ? parts[i].len : 0);

    struct kkr_workbook *wb = NULL;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_workbook_load(MEMFS_DIR, &wb, &diag, &warn);
    if (st == KKR_OK) {
        FUZZ_ASSERT(wb != NULL);
        exercise(wb);
        kkr_workbook_free(wb);
    } else {
        FUZZ_ASSERT(wb == NULL);
        FUZZ_ASSERT(diag.message[0] != '\0');
        FUZZ_ASSERT(diag.file[0] != '\0');
    }
    kkr_warnings_release(&warn);
    return 0;
}
