/* test-sie.c — the SIE reader: CRC-32 against its published check values, the same result
 * whatever the read size, the reading of object rows, vouchers and their revisions */
#include <stdlib.h>
#include <string.h>

#include "kkr/import.h"
#include "kkr/sie.h"
#include "test.h"
#include "tmpdir.h"

static void test_crc(void)
{
    /* the check values of CRC-32 (ISO-HDLC, zlib's crc32) */
    CHECK(kkr_sie_crc32(0, "", 0) == 0);
    CHECK(kkr_sie_crc32(0, "a", 1) == 0xE8B7BE43u);
    CHECK(kkr_sie_crc32(0, "abc", 3) == 0x352441C2u);
    CHECK(kkr_sie_crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(kkr_sie_crc32(kkr_sie_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
    /* eight bytes at a time and one at a time agree on every length */
    unsigned char buf[100];
    for (int i = 0; i < 100; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= 100; len++) {
        uint32_t one = 0;
        for (size_t k = 0; k < len; k++)
            one = kkr_sie_crc32(one, buf + k, 1);
        CHECK(kkr_sie_crc32(0, buf, len) == one);
    }
}

static const char books[] =
    "#FLAGGA 0\r\n"
    "#FORMAT PC8\r\n"
    "#SIETYP 4\r\n"
    "#FNAMN \"Testkommunen \\\"AB\\\"\"\r\n"
    "#RAR 0 20240101 20241231\r\n"
    "#RAR -1 20230101 20231231\r\n"
    "#DIM 1 Ansvar\r\n"
    "#OBJEKT 1 \"10\" \"Vård\"\r\n"
    "#PSALDO -1 202305 4010 {} 300.00\r\n"
    "#PSALDO -1 202305 4010 {1 \"10\"} 200.00\r\n"
    "#PSALDO -1 202305 4010 {1 \"20\"} 100.00\r\n"
    "#PSALDO -1 202306 3010 {} -50.25\r\n"
    "#PSALDO 0 202401 4010 {} 999.00\r\n"
    "#PBUDGET 0 202401 4010 {1 10} 1000\r\n"
    "#VER A 1 20240105 \"text\"\r\n"
    "{\r\n"
    "  #TRANS 4010 {1 \"10\"} 100.50\r\n"
    "  #BTRANS 4010 {1 \"10\"} 7.00\r\n"
    "  #RTRANS 5010 {} 20.00 20240110\r\n"
    "  #TRANS 5010 {} 20.00 20240105\r\n"
    "  #TRANS 1930 {} -120.50\r\n"
    "}\r\n"
    "#VER A 2 20240201\r\n"
    "{\r\n"
    "\t#TRANS 3010\t{1\t20}\t-10\r\n"
    "\t#TRANS 1930 {} 10\r\n"
    "}";   /* no newline at the end */

static struct kkr_import_result *read_with(const char *path, size_t chunk, bool budget,
                                           struct kkr_sie_file **fout)
{
    struct kkr_sie_options opt;
    kkr_sie_options_init(&opt);
    opt.chunk_size = chunk;
    struct kkr_sie_file *f = NULL;
    struct kkr_diag diag;
    enum kkr_status st = kkr_sie_read(path, &opt, &f, &diag, NULL);
    CHECK_INT(st, KKR_OK);
    if (st != KKR_OK) {
        fprintf(stderr, "  %s\n", diag.message);
        return NULL;
    }
    struct kkr_import_map *map = NULL;
    struct kkr_import_result *r = NULL;
    CHECK_INT(kkr_sie_units_map(f, &map, &diag), KKR_OK);
    CHECK_INT(kkr_sie_result(f, budget, map, &r, &diag), KKR_OK);
    kkr_import_map_free(map);
    if (fout)
        *fout = f;
    else
        kkr_sie_free(f);
    return r;
}

static void test_read(void)
{
    char *dir = tmp_workbook();
    char path[600];
    snprintf(path, sizeof path, "%s/books.se", dir);
    tmp_write(dir, "books.se", books);
    struct kkr_sie_file *f = NULL;
    struct kkr_import_result *r = read_with(path, 0, false, &f);
    if (!r)
        goto out;
    const struct kkr_sie_info *in = kkr_sie_info(f);
    CHECK_INT(in->year, 2024);
    CHECK_STR(in->organisation, "Testkommunen \"AB\"");
    CHECK_INT(in->vouchers, 2);
    CHECK_INT(in->trans, 5);
    CHECK_INT(in->rtrans, 1);
    CHECK_INT(in->btrans, 1);
    CHECK_INT(in->psaldo.reading, KKR_SIE_READING_TOTALS);
    CHECK_INT(in->psaldo.evidence_totals, 1);
    CHECK_INT(in->psaldo.rows_other_year, 1);      /* 2024 comes from the vouchers */
    CHECK_INT(in->unit_count, 3);                  /* 10, 20 and the rest */
    CHECK_STR(in->units[0].name, "V\xc3\xa5rd");   /* this source is UTF-8: told from CP437 */
    CHECK_STR(kkr_sie_unit_code(f, 2), "övrigt");
    /* cells: unit order (10, 20, rest), intäkt first, period */
    struct { int target, kind, period; int64_t ore; } want[] = {
        {0, 1, 202305, 20000}, {0, 1, 202401, 10050},
        {1, 0, 202402, -1000}, {1, 1, 202305, 10000},
        {2, 0, 202306, -5025}, {2, 1, 202401, 2000},
    };
    CHECK_INT(r->cell_count, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r->cell_count && i < sizeof want / sizeof want[0]; i++) {
        CHECK_INT(r->cells[i].target, want[i].target);
        CHECK_INT(r->cells[i].kind, want[i].kind);
        CHECK_INT(r->cells[i].period, want[i].period);
        CHECK_INT(r->cells[i].amount_ore, want[i].ore);
    }
    CHECK_INT(r->left_out_rows[1], 2);
    CHECK_INT(r->left_out_ore[1], -11050);
    /* any read size gives the same */
    static const size_t chunks[] = {1, 2, 3, 7, 64, 1000};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct kkr_import_result *x = read_with(path, chunks[c], false, NULL);
        if (!x)
            continue;
        CHECK_INT(x->cell_count, r->cell_count);
        for (size_t i = 0; i < x->cell_count && i < r->cell_count; i++)
            CHECK_INT(x->cells[i].amount_ore, r->cells[i].amount_ore);
        kkr_import_result_free(x);
    }
    struct kkr_import_result *b = read_with(path, 0, true, NULL);
    if (b) {
        CHECK_INT(b->cell_count, 1);
        CHECK_INT(b->cells[0].amount_ore, 100000);
        kkr_import_result_free(b);
    }
    kkr_import_result_free(r);
    kkr_sie_free(f);
out:
    tmp_remove(dir);
}

static void test_detect(void)
{
    CHECK(kkr_sie_detect("#FLAGGA 0\n", 10));
    CHECK(kkr_sie_detect("\xEF\xBB\xBF  \r\n#FLAGGA\t0", 15));
    CHECK(!kkr_sie_detect("#FLAGGAN 0\n", 11));
    CHECK(!kkr_sie_detect("verksamhet;konto\n", 17));
}

int main(void)
{
    test_crc();
    test_read();
    test_detect();
    TEST_MAIN_END();
}
