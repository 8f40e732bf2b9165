/* fuzz-sie.c — the SIE reader (kkr_sie_read) on any bytes, and what it makes of them.
 *
 * Input: byte 0 chooses the options (bit 7: a tiny chunk size 1 + (bits 0..5) bytes, so that
 * lines straddle reads; bit 6: --dim 6 instead of 1; with neither, bits 0..1 pick --reading
 * auto/totals/partition and bits 2..3 --encoding auto/cp437/utf-8/windows-1252); the rest is the
 * file, served through a memfd (/proc/self/fd/N).
 *
 * Checks: the same file with the default chunk size and every #TRANS through the full field
 * grammar (no fast scanner) gives the same status, line, column and message, the same record
 * counts and warnings, and the same utfall and budget; a failed read is located and explained; a good one accounts for
 * every row (read = imported + left out + unmapped, in rows and öre), its utfall rows go
 * through the writer and read back to the imported total, and the new workbook's unit codes
 * are unique and non-empty. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-util.h"
#include "kkr/csv.h"
#include "kkr/import.h"
#include "kkr/money.h"
#include "kkr/sie.h"

static int fd = -1;
static char path[64];

static void setup(void)
{
    if (fd >= 0)
        return;
    /* CRC-32 of "123456789", the usual check value */
    if (kkr_sie_crc32(0, "123456789", 9) != 0xCBF43926u) {
        fprintf(stderr, "fuzz-sie: kkr_sie_crc32 is not CRC-32\n");
        abort();
    }
    fd = memfd_create("sie", MFD_CLOEXEC);
    if (fd < 0) {
        perror("fuzz-sie: memfd_create");
        abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
}

static void put(const uint8_t *data, size_t len)
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

static void check_accounting(const struct kkr_import_result *r)
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
        if (i) {
            const struct kkr_import_cell *a = &r->cells[i - 1], *b = &r->cells[i];
            FUZZ_ASSERT(a->target != b->target || a->kind != b->kind || a->period < b->period);
        }
        cells += r->cells[i].amount_ore;
    }
    FUZZ_ASSERT(cells == r->imported_ore);
}

static bool same(const struct kkr_import_result *a, const struct kkr_import_result *b)
{
    if (a->cell_count != b->cell_count || a->rows_read != b->rows_read ||
        a->read_ore != b->read_ore)
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

static void write_back(const struct kkr_import_result *r, const struct kkr_import_map *map)
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

static void results(const struct kkr_sie_file *f, struct kkr_import_map **map,
                    struct kkr_import_result **ut, struct kkr_import_result **bu)
{
    struct kkr_diag diag;
    FUZZ_ASSERT(kkr_sie_units_map(f, map, &diag) == KKR_OK);
    FUZZ_ASSERT(kkr_sie_result(f, false, *map, ut, &diag) == KKR_OK);
    FUZZ_ASSERT(kkr_sie_result(f, true, *map, bu, &diag) == KKR_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size == 0)
        return 0;
    struct kkr_sie_options opt;
    kkr_sie_options_init(&opt);
    uint8_t o = data[0];
    if (o & 0x80) {
        opt.chunk_size = 1 + (size_t)(o & 0x3f);
    } else {
        opt.chunk_size = 65536;
        if (!(o & 0x40)) {
            opt.reading = (enum kkr_sie_reading)(o & 3) == KKR_SIE_READING_NONE
                              ? KKR_SIE_READING_AUTO : (enum kkr_sie_reading)(o & 3);
            opt.encoding = (enum kkr_sie_encoding)((o >> 2) & 3);
        }
    }
    if (o & 0x40)
        opt.dim = 6;
    put(data + 1, size - 1);

    struct kkr_sie_file *f = NULL, *g = NULL;
    struct kkr_diag diag, diag2;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = kkr_sie_read(path, &opt, &f, &diag, &warn);
    struct kkr_sie_options other = opt;
    other.chunk_size = 0;
    other.slow_path_only = true;
    struct kkr_warnings warn2;
    kkr_warnings_init(&warn2);
    enum kkr_status st2 = kkr_sie_read(path, &other, &g, &diag2, &warn2);
    FUZZ_ASSERT(st == st2);
    if (st != KKR_OK) {
        FUZZ_ASSERT(f == NULL && g == NULL);
        FUZZ_ASSERT(diag.message[0] != '\0');
        FUZZ_ASSERT(diag.line == diag2.line && diag.column == diag2.column);
        FUZZ_ASSERT(strcmp(diag.message, diag2.message) == 0);
        kkr_warnings_release(&warn);
        kkr_warnings_release(&warn2);
        return 0;
    }
    FUZZ_ASSERT(warn.count == warn2.count);
    for (size_t i = 0; i < warn.count; i++)
        FUZZ_ASSERT(strcmp(warn.items[i], warn2.items[i]) == 0);
    const struct kkr_sie_info *fi = kkr_sie_info(f), *gi = kkr_sie_info(g);
    FUZZ_ASSERT(gi->trans_fast == 0);
    FUZZ_ASSERT(fi->records == gi->records && fi->lines == gi->lines && fi->trans == gi->trans &&
                fi->vouchers == gi->vouchers && fi->label_count == gi->label_count &&
                fi->unit_count == gi->unit_count && fi->encoding == gi->encoding &&
                fi->ksumma == gi->ksumma && fi->odd_account_rows == gi->odd_account_rows);
    for (size_t i = 0; i < fi->label_count; i++)
        FUZZ_ASSERT(strcmp(fi->labels[i].label, gi->labels[i].label) == 0 &&
                    fi->labels[i].count == gi->labels[i].count);
    for (size_t i = 0; i < fi->unit_count; i++)
        FUZZ_ASSERT(strcmp(fi->units[i].code, gi->units[i].code) == 0 &&
                    strcmp(fi->units[i].name, gi->units[i].name) == 0);
    struct kkr_import_map *map = NULL, *map2 = NULL;
    struct kkr_import_result *ut = NULL, *bu = NULL, *ut2 = NULL, *bu2 = NULL;
    results(f, &map, &ut, &bu);
    results(g, &map2, &ut2, &bu2);
    check_accounting(ut);
    check_accounting(bu);
    FUZZ_ASSERT(same(ut, ut2) && same(bu, bu2));
    write_back(ut, map);
    const struct kkr_sie_info *in = kkr_sie_info(f);
    for (size_t i = 0; i < in->unit_count; i++) {
        const char *c = kkr_sie_unit_code(f, i);
        FUZZ_ASSERT(c && c[0]);
        for (size_t k = 0; k < i; k++)
            FUZZ_ASSERT(strcmp(c, kkr_sie_unit_code(f, k)) != 0);
    }
    kkr_import_result_free(ut);
    kkr_import_result_free(bu);
    kkr_import_result_free(ut2);
    kkr_import_result_free(bu2);
    kkr_import_map_free(map);
    kkr_import_map_free(map2);
    kkr_sie_free(f);
    kkr_sie_free(g);
    kkr_warnings_release(&warn);
    kkr_warnings_release(&warn2);
    return 0;
}
