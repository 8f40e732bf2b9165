/* fuzz-import.c — kkr import's streaming row parser (kkr_import_read) on any ledger bytes.
 *
 * Input: byte 0 chooses the reader's options (bit 7: every row through libcsv; bit 6: a tiny
 * chunk size 1 + (bits 0..5) bytes, so that lines straddle reads; bit 5 without bit 6: the
 * Kommun-Bas kostnadsslag of --slag kommunbas); the rest is split at a line
 * "--8<--" into the ledger and, optionally, an existing utfall.csv for kkr_import_merge. The
 * ledger is served through a memfd (/proc/self/fd/N), the map is fixed.
 *
 * Checks: every row is accounted for (read = imported + left out + unmapped, in rows and
 * öre); the fast path and the libcsv path with the default chunk size give the same status
 * and the same cells; the written utfall rows read back to the imported total; a failed
 * read is located and explained. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"
#include "kkr/csv.h"
#include "kkr/import.h"
#include "kkr/money.h"

static const char map_csv[] = "kod;verksamhet\n"
                              "1*;POL\n"
                              "10;AO\n"
                              "2*;SB\n"
                              "ABC;HT\n"
                              "=X;HT\n";

static struct kkr_import_map *map;
static struct kkr_import_accounts *kommunbas;
static int ledger_fd = -1, utfall_fd = -1;
static char ledger_path[64], utfall_path[64];

static void setup(void)
{
    if (map)
        return;
    memfs_reset();
    memfs_put("map.csv", map_csv, sizeof map_csv - 1);
    struct kkr_diag diag;
    if (kkr_import_map_load(MEMFS_DIR "map.csv", &map, &diag, NULL) != KKR_OK) {
        fprintf(stderr, "fuzz-import: the fixed map does not load: %s\n", diag.message);
        abort();
    }
    if (kkr_import_accounts_new("kommunbas", &kommunbas, &diag) != KKR_OK)
        abort();
    ledger_fd = memfd_create("ledger", MFD_CLOEXEC);
    utfall_fd = memfd_create("utfall", MFD_CLOEXEC);
    if (ledger_fd < 0 || utfall_fd < 0) {
        perror("fuzz-import: memfd_create");
        abort();
    }
    snprintf(ledger_path, sizeof ledger_path, "/proc/self/fd/%d", ledger_fd);
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

static void check_accounting(const struct kkr_import_result *r,
                             const struct kkr_import_accounts *acc)
{
    uint64_t rows = r->rows_imported;
    int64_t ore = r->imported_ore;
    for (int c = 0; c < 10; c++) {
        rows += r->left_out_rows[c];
        ore += r->left_out_ore[c];
    }
    for (size_t i = 0; i < r->unmapped_count; i++) {
        rows += r->unmapped[i].rows;
        ore += r->unmapped[i].amount_ore;
    }
    FUZZ_ASSERT(rows == r->rows_read);
    FUZZ_ASSERT(ore == r->read_ore);
    int64_t cells = 0;
    for (size_t i = 0; i < r->cell_count; i++) {
        FUZZ_ASSERT(r->cells[i].target >= 0 &&
                    (size_t)r->cells[i].target < kkr_import_map_target_count(map));
        FUZZ_ASSERT(r->cells[i].kind >= 0 &&
                    (size_t)r->cells[i].kind < kkr_import_accounts_slag_count(acc));
        cells += r->cells[i].amount_ore;
    }
    FUZZ_ASSERT(cells == r->imported_ore);
}

static bool same_result(const struct kkr_import_result *a, const struct kkr_import_result *b)
{
    if (a->cell_count != b->cell_count || a->rows_read != b->rows_read ||
        a->read_ore != b->read_ore || a->unmapped_count != b->unmapped_count)
        return false;
    for (size_t i = 0; i < a->cell_count; i++)
        if (a->cells[i].target != b->cells[i].target || a->cells[i].kind != b->cells[i].kind ||
            a->cells[i].period != b->cells[i].period ||
            a->cells[i].amount_ore != b->cells[i].amount_ore)
            return false;
    return true;
}

struct back {
    int64_t sum;
};

static enum kkr_status take_back(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct back *b = ud;
    int64_t ore;
    (void)diag;
    FUZZ_ASSERT(kkr_money_parse(row->fields[3].text, row->fields[3].len, &ore));
    b->sum += ore;
    return KKR_OK;
}

static void write_back(const struct kkr_import_result *r)
{
    static const struct kkr_csv_column cols[] = {
        {"verksamhet", true}, {"slag", true}, {"period", true}, {"belopp", true}, {NULL, false},
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    struct kkr_diag diag;
    FUZZ_ASSERT(kkr_import_write(f, r, map, &diag) == KKR_OK);
    fclose(f);
    struct back b = {0};
    FUZZ_ASSERT(kkr_csv_read_buffer("utfall.csv", buf, len, cols, take_back, &b, &diag, NULL) ==
                KKR_OK);
    FUZZ_ASSERT(b.sum == r->imported_ore);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size == 0)
        return 0;
    struct kkr_import_options opt;
    kkr_import_options_init(&opt);
    opt.slow_path_only = data[0] & 0x80;
    /* 64 KB stands for the default 256 KB: larger than any input here, so one chunk holds it
     * all either way, and under ASan a buffer over 128 KB is a fresh mmap on every run (page
     * faults were half of the fuzzer's time) */
    opt.chunk_size = data[0] & 0x40 ? 1 + (size_t)(data[0] & 0x3f) : 65536;
    const struct kkr_import_accounts *acc = (data[0] & 0x60) == 0x20 ? kommunbas : NULL;
    struct fuzz_part parts[2];
    size_t n = fuzz_split(data + 1, size - 1, parts, 2);
    put(ledger_fd, parts[0].data, parts[0].len);

    struct kkr_import_result *r = NULL;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_import_read(ledger_path, map, acc, &opt, &r, &diag, &warn);

    /* the same ledger the other way: fast path (or slow) with the default chunk size */
    struct kkr_import_options other;
    kkr_import_options_init(&other);
    other.slow_path_only = !opt.slow_path_only;
    other.chunk_size = 65536;
    struct kkr_import_result *r2 = NULL;
    struct kkr_diag diag2;
    enum kkr_status st2 = kkr_import_read(ledger_path, map, acc, &other, &r2, &diag2, NULL);
    FUZZ_ASSERT(st == st2);

    if (st == KKR_OK) {
        FUZZ_ASSERT(r != NULL);
        check_accounting(r, acc);
        FUZZ_ASSERT(same_result(r, r2));
        write_back(r);
        if (n > 1) {
            put(utfall_fd, parts[1].data, parts[1].len);
            FILE *out = fuzz_devnull();
            (void)kkr_import_merge(out, utfall_path, r, map, &diag, &warn);
        }
    } else {
        FUZZ_ASSERT(r == NULL);
        FUZZ_ASSERT(diag.message[0] != '\0');
        FUZZ_ASSERT(diag.line == diag2.line);
    }
    kkr_import_result_free(r);
    kkr_import_result_free(r2);
    kkr_warnings_release(&warn);
    return 0;
}
