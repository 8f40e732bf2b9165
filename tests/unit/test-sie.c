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

/* The fast scanner for #TRANS lines and the full field grammar give the same file: the same
 * cells, counts, units and #KSUMMA; the lines of the common shape take the fast path (the
 * first #TRANS of a file is counted by the full grammar, as is any unusual line). */
static const char shapes[] =
    "#FLAGGA 0\n"
    "#KSUMMA\n"
    "#FORMAT PC8\n"
    "#SIETYP 4\n"
    "#RAR 0 20240101 20241231\n"
    "#DIM 1 Ansvar\n"
    "#OBJEKT 1 \"10\" \"Tio\"\n"
    "#VER A 1 20240105 \"v\"\n"
    "{\n"
    "\t#TRANS 4010 {1 \"10\"} 1.00\n"                            /* first: full grammar */
    "\t#TRANS 4010 {1 \"10\"} 100.50 20240105 \"Faktura\"\n"     /* fast */
    "\t#TRANS  5010\t{6 \"p\" 1 \"20\"}  -0.5 20240210\r\n"       /* fast, runs of blanks, CR */
    "\t#TRANS 5010 {1 10} 2 20240105 \"a \\\"b\\\"\"\n"          /* escaped quote in the text */
    "\t#TRANS 3010 {} -3.1\n"                                    /* fast */
    "\t#TRANS 3010 {\"1\" \"10\"} 4\n"                           /* quoted dimension: full */
    "\t#TRANS 3010 {1 \"2\\\"0\"} -4\n"                          /* escaped quote: full */
    "\t#TRANS FEL {1 \"10\"} 5\n"                                /* odd account: full */
    "\t#TRANS 1930 {1 \"10\"} -104.90 \"20240105\"\n"            /* quoted transdat: full */
    "}\n"
    "#KSUMMA %s\n";

static enum kkr_status read_shapes(const char *path, bool slow, size_t chunk,
                                   struct kkr_sie_file **f, struct kkr_diag *diag)
{
    struct kkr_sie_options opt;
    kkr_sie_options_init(&opt);
    opt.slow_path_only = slow;
    opt.chunk_size = chunk;
    return kkr_sie_read(path, &opt, f, diag, NULL);
}

static void test_fast_path(void)
{
    char *dir = tmp_workbook();
    char path[600], text[2048];
    snprintf(path, sizeof path, "%s/shapes.se", dir);
    /* the checksum as the full grammar computes it (test_crc checks the CRC itself) */
    snprintf(text, sizeof text, shapes, "1");
    tmp_write(dir, "shapes.se", text);
    struct kkr_sie_file *f = NULL, *g = NULL;
    struct kkr_diag diag, diag2;
    CHECK_INT(read_shapes(path, true, 0, &f, &diag), KKR_ERR_VALUE);
    unsigned long crc = 0;
    const char *at = strstr(diag.message, "file's checksum ");
    CHECK(at && sscanf(at, "file's checksum %lu", &crc) == 1);
    /* the fast path finds the same checksum */
    CHECK_INT(read_shapes(path, false, 0, &f, &diag2), KKR_ERR_VALUE);
    CHECK_STR(diag2.message, diag.message);
    char sum[24];
    snprintf(sum, sizeof sum, "%lu", crc);
    snprintf(text, sizeof text, shapes, sum);
    tmp_write(dir, "shapes.se", text);
    static const size_t chunks[] = {0, 1, 5, 64};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        CHECK_INT(read_shapes(path, true, chunks[c], &f, &diag), KKR_OK);
        CHECK_INT(read_shapes(path, false, chunks[c], &g, &diag2), KKR_OK);
        if (!f || !g)
            break;
        const struct kkr_sie_info *a = kkr_sie_info(f), *b = kkr_sie_info(g);
        CHECK(a->ksumma && b->ksumma);
        CHECK_INT(a->trans_fast, 0);
        CHECK_INT(b->trans_fast, 3);   /* with #KSUMMA the texts are read too */
        CHECK_INT(a->trans, 9);
        CHECK_INT(b->trans, 9);
        CHECK_INT(a->records, b->records);
        CHECK_INT(a->lines, b->lines);
        CHECK_INT(a->odd_account_rows, 1);
        CHECK_INT(b->odd_account_rows, 1);
        CHECK_INT(a->unit_count, b->unit_count);
        for (size_t i = 0; i < a->unit_count && i < b->unit_count; i++)
            CHECK_STR(a->units[i].code, b->units[i].code);
        struct kkr_import_map *ma = NULL, *mb = NULL;
        struct kkr_import_result *ra = NULL, *rb = NULL;
        CHECK_INT(kkr_sie_units_map(f, &ma, &diag), KKR_OK);
        CHECK_INT(kkr_sie_units_map(g, &mb, &diag), KKR_OK);
        CHECK_INT(kkr_sie_result(f, false, ma, &ra, &diag), KKR_OK);
        CHECK_INT(kkr_sie_result(g, false, mb, &rb, &diag), KKR_OK);
        if (ra && rb) {
            CHECK_INT(ra->cell_count, rb->cell_count);
            CHECK_INT(ra->rows_read, 8);
            CHECK_INT(rb->rows_read, 8);
            for (size_t i = 0; i < ra->cell_count && i < rb->cell_count; i++) {
                CHECK_INT(ra->cells[i].target, rb->cells[i].target);
                CHECK_INT(ra->cells[i].period, rb->cells[i].period);
                CHECK_INT(ra->cells[i].amount_ore, rb->cells[i].amount_ore);
            }
            /* by hand: 10 intäkt 4.00; 10 kostnad 1.00 + 100.50 + 2; 20 kostnad -0.50 in
             * February (its transdat); 2"0 intäkt -4.00; the rest intäkt -3.10 */
            static const int64_t want[] = {400, 10350, -50, -400, -310};
            CHECK_INT(ra->cell_count, 5);
            for (size_t i = 0; i < ra->cell_count && i < 5; i++)
                CHECK_INT(ra->cells[i].amount_ore, want[i]);
        }
        kkr_import_result_free(ra);
        kkr_import_result_free(rb);
        kkr_import_map_free(ma);
        kkr_import_map_free(mb);
        kkr_sie_free(f);
        kkr_sie_free(g);
        f = g = NULL;
    }
    /* without #KSUMMA a row's text is not read: the escaped quote in it stays on the fast path */
    char *k1 = strstr(text, "#KSUMMA\n"), *k2 = strstr(text, "#KSUMMA ");
    if (k1 && k2) {
        *k2 = '\0';
        memmove(k1, k1 + 8, strlen(k1 + 8) + 1);
        tmp_write(dir, "shapes.se", text);
        CHECK_INT(read_shapes(path, true, 0, &f, &diag), KKR_OK);
        CHECK_INT(read_shapes(path, false, 0, &g, &diag2), KKR_OK);
        if (f && g) {
            CHECK_INT(kkr_sie_info(f)->trans_fast, 0);
            CHECK_INT(kkr_sie_info(g)->trans_fast, 4);
            CHECK_INT(kkr_sie_info(g)->trans, kkr_sie_info(f)->trans);
            CHECK(!kkr_sie_info(g)->ksumma);
        }
        kkr_sie_free(f);
        kkr_sie_free(g);
    }
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
    test_fast_path();
    test_detect();
    TEST_MAIN_END();
}
