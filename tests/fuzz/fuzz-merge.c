/* fuzz-merge.c — kkr import --into's merge (kkr_import_merge) of new utfall rows into any
 * existing utfall.csv, through the one CSV reader, and the workbook loader on the result.
 *
 * Input: split at a line "--8<--" into the existing utfall.csv and the new rows, 8 bytes a
 * row: target (byte 0 mod the map's 4 targets), slag (byte 1 bit 0: intäkt/kostnad), period
 * (byte 2 mod 24: a month of 2019 or 2020), amount (bytes 3..6, a signed 32-bit öre amount).
 * The workbook around it is fixed (verksamheter.csv, budget.csv, bok.conf år = 2020) and lives
 * in memory (fuzz-util.h); the existing file is also served through a memfd, as the merge
 * reads it by path.
 *
 * Checks: a failed merge is located and explained; when the existing file loads as the
 * workbook's utfall.csv, the merge succeeds and its result loads too (an int64 overflow of a
 * sum is the only load error allowed), and holds both: every cell of a month that was
 * imported is the new rows' (as the new rows alone load), every other cell the existing
 * file's, and the result's months with utfall are those of the two. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"
#include "kkr/import.h"
#include "kkr/workbook.h"

static const char map_csv[] = "kod;verksamhet\n"
                              "1;POL\n"
                              "2;AO\n"
                              "3;HT\n"
                              "4;SB\n";
static const char units_csv[] = "kod;namn;överordnad\n"
                                "POL;Politisk verksamhet;\n"
                                "AO;Äldreomsorg;\n"
                                "HT;Hemtjänst;AO\n"
                                "SB;Särskilt boende;AO\n"
                                "X;Övrigt;\n";
static const char budget_csv[] = "verksamhet;slag;period;belopp\n"
                                 "HT;kostnad;2020;1200\n";
static const char conf[] = "år = 2020\n";

static struct kkr_import_map *map;
static int utfall_fd = -1;
static char utfall_path[64];

static void setup(void)
{
    if (map)
        return;
    memfs_reset();
    memfs_put("map.csv", map_csv, sizeof map_csv - 1);
    struct kkr_diag diag;
    if (kkr_import_map_load(MEMFS_DIR "map.csv", &map, &diag, NULL) != KKR_OK ||
        kkr_import_map_target_count(map) != 4) {
        fprintf(stderr, "fuzz-merge: the fixed map does not load\n");
        abort();
    }
    utfall_fd = memfd_create("utfall", MFD_CLOEXEC);
    if (utfall_fd < 0) {
        perror("fuzz-merge: memfd_create");
        abort();
    }
    snprintf(utfall_path, sizeof utfall_path, "/proc/self/fd/%d", utfall_fd);
}

static void put(int fd, const char *data, size_t len)
{
    if (ftruncate(fd, 0) != 0)
        abort();
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
}

/* The fixed workbook with utfall.csv = data[0..len). */
static enum kkr_status load(const char *data, size_t len, struct kkr_workbook **wb,
                            struct kkr_diag *diag)
{
    memfs_reset();
    memfs_put("verksamheter.csv", units_csv, sizeof units_csv - 1);
    memfs_put("budget.csv", budget_csv, sizeof budget_csv - 1);
    memfs_put("bok.conf", conf, sizeof conf - 1);
    memfs_put("utfall.csv", data, len);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_workbook_load(MEMFS_DIR, wb, diag, &warn);
    kkr_warnings_release(&warn);
    if (st == KKR_OK && (*wb)->slag_count != KKR_TYPES)
        abort();
    return st;
}

/* The new rows from the input: a result as kkr_import_read leaves it. */
static struct kkr_import_result *new_rows(const uint8_t *d, size_t len)
{
    struct kkr_import_result *r = calloc(1, sizeof *r);
    size_t n = len / 8;
    if (!r || !(r->cells = calloc(n ? n : 1, sizeof *r->cells)))
        abort();
    for (size_t i = 0; i < n; i++, d += 8) {
        struct kkr_import_cell *c = &r->cells[i];
        c->target = d[0] % 4;
        c->kind = d[1] & 1;
        c->period = (2019 + d[2] % 24 / 12) * 100 + d[2] % 12 + 1;
        c->amount_ore = (int32_t)((uint32_t)d[3] | (uint32_t)d[4] << 8 | (uint32_t)d[5] << 16 |
                                  (uint32_t)d[6] << 24);
        c->rows = 1;
        r->rows_read = r->rows_imported = n;
        r->read_ore += c->amount_ore;
        r->imported_ore = r->read_ore;
    }
    r->cell_count = n;
    struct kkr_diag diag;
    if (kkr_import_result_finish(r, map, &diag) != KKR_OK)
        abort();
    return r;
}

static bool imported(const struct kkr_import_result *r, int year, int month)
{
    int p = year * 100 + month;
    for (size_t i = 0; i < r->period_count; i++)
        if (r->periods[i] == p)
            return true;
    return false;
}

/* The cell of unit code, slag and month in wb: amount and whether utfall had a row. */
static int64_t cell(const struct kkr_workbook *wb, const char *code, int slag, int year,
                    int month, bool *has)
{
    int u = kkr_workbook_find_unit(wb, code, strlen(code));
    int m = kkr_workbook_month_index(wb, year, month);
    FUZZ_ASSERT(u >= 0);
    if (m < 0) {
        *has = false;
        return 0;
    }
    size_t at = kkr_workbook_cell(wb, u, slag) + (size_t)m;
    *has = wb->actual_has[at];
    return wb->actual_ore[at];
}

static void check_both(const struct kkr_workbook *old, const struct kkr_workbook *fresh,
                       const struct kkr_workbook *merged, const struct kkr_import_result *r)
{
    FUZZ_ASSERT(merged->unit_count == old->unit_count);
    int first = old->first_year < fresh->first_year ? old->first_year : fresh->first_year;
    FUZZ_ASSERT(merged->first_year <= first);
    for (size_t u = 0; u < merged->unit_count; u++) {
        const char *code = merged->units[u].code;
        for (int slag = 0; slag < KKR_TYPES; slag++)
            for (int y = merged->first_year; y <= merged->year; y++)
                for (int m = 1; m <= 12; m++) {
                    bool hm, he;
                    int64_t vm = cell(merged, code, slag, y, m, &hm);
                    int64_t ve = imported(r, y, m) ? cell(fresh, code, slag, y, m, &he)
                                                   : cell(old, code, slag, y, m, &he);
                    if (vm != ve || hm != he) {
                        fprintf(stderr, "fuzz-merge: %s slag %d %04d%02d: merged %lld (%d), "
                                "expected %lld (%d)\n", code, slag, y, m, (long long)vm, hm,
                                (long long)ve, he);
                        abort();
                    }
                }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    struct fuzz_part parts[2];
    size_t n = fuzz_split(data, size, parts, 2);
    struct kkr_import_result *r =
        new_rows(n > 1 ? (const uint8_t *)parts[1].data : NULL, n > 1 ? parts[1].len : 0);
    put(utfall_fd, parts[0].data, parts[0].len);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        abort();
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_import_merge(out, utfall_path, r, map, &diag, &warn);
    kkr_warnings_release(&warn);
    FUZZ_ASSERT(fclose(out) == 0);
    if (st != KKR_OK)
        FUZZ_ASSERT(diag.message[0] != '\0');

    struct kkr_workbook *old = NULL;
    struct kkr_diag odiag;
    enum kkr_status ost = load(parts[0].data, parts[0].len, &old, &odiag);
    if (ost == KKR_OK) {
        /* a file the workbook loads is one the merge can take */
        if (st != KKR_OK) {
            fprintf(stderr, "fuzz-merge: the existing file loads, the merge fails: %s\n",
                    diag.message);
            abort();
        }
        char *fbuf = NULL;
        size_t flen = 0;
        FILE *f = open_memstream(&fbuf, &flen);
        if (!f || kkr_import_write(f, r, map, &diag) != KKR_OK || fclose(f) != 0)
            abort();
        struct kkr_workbook *fresh = NULL, *merged = NULL;
        FUZZ_ASSERT(load(fbuf, flen, &fresh, &diag) == KKR_OK);
        enum kkr_status mst = load(buf, len, &merged, &diag);
        if (mst != KKR_OK && mst != KKR_ERR_OVERFLOW) {
            fprintf(stderr, "fuzz-merge: the existing file loads, the merged one does not: "
                    "%s:%ld:%ld: %s\n", diag.file, diag.line, diag.column, diag.message);
            abort();
        }
        if (mst == KKR_OK)
            check_both(old, fresh, merged, r);
        kkr_workbook_free(fresh);
        kkr_workbook_free(merged);
        free(fbuf);
    } else {
        FUZZ_ASSERT(odiag.message[0] != '\0');
    }
    kkr_workbook_free(old);
    kkr_import_result_free(r);
    free(buf);
    return 0;
}
