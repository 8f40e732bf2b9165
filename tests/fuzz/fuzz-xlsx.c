/* fuzz-xlsx.c — the .xlsx cell reader (kkr/xlsx.h) on any sheet, shared strings and styles.
 *
 * An input is up to four parts split at "--8<--" lines: the sheet's XML, sharedStrings.xml,
 * styles.xml and workbook.xml (empty: a default naming the sheet Blad1). They are packed into a
 * zip in memory (stored, so that the fuzzer's bytes reach expat as they are) and read twice:
 * cell by cell, and as a table through the CSV rules. An input that starts with "PK" is opened
 * as a zip itself (libzip's damaged-file paths).
 *
 * Checks: every cell's text is NUL-terminated at its length and valid UTF-8; its reference is
 * its row and column in A1 form, within Excel's grid; rows never go back within a sheet read
 * as a table; a number that kkr_xlsx_number_plain accepts rounds to the same öre from its
 * plain form as from its stored form; a table field is NUL-terminated at its length. */
#include <zip.h>

#include "fuzz-util.h"
#include "kkr/text.h"
#include "kkr/xlsx.h"

static const char ROOT_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char WORKBOOK_RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";
static const char WORKBOOK[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Blad1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const struct kkr_csv_column columns[] = {
    {"verksamhet|a", true}, {"slag|b", false}, {"period|c", false}, {"belopp|d", false},
    {NULL, false},
};

static enum kkr_status take_cell(void *ud, const struct kkr_xlsx_cell *c, struct kkr_diag *diag)
{
    (void)ud, (void)diag;
    FUZZ_ASSERT(c->text[c->len] == '\0');
    FUZZ_ASSERT(kkr_utf8_valid(c->text, c->len, NULL));
    FUZZ_ASSERT(c->row >= 1 && c->row <= 1048576 && c->col >= 1 && c->col <= 16384);
    char ref[16];
    kkr_xlsx_cell_name(c->row, c->col, ref, sizeof ref);
    FUZZ_ASSERT(strcmp(ref, c->ref) == 0);
    if (c->type == KKR_XLSX_NUMBER) {
        char plain[1200];
        int64_t a, b;
        if (kkr_xlsx_number_plain(c->text, c->len, plain, sizeof plain)) {
            bool ok_a = kkr_xlsx_number_ore(c->text, c->len, &a);
            bool ok_b = kkr_xlsx_number_ore(plain, strlen(plain), &b);
            FUZZ_ASSERT(ok_a == ok_b);
            FUZZ_ASSERT(!ok_a || a == b);
        }
    }
    return KKR_OK;
}

struct table_state {
    long last_line;
};

static enum kkr_status take_row(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct table_state *t = ud;
    (void)diag;
    FUZZ_ASSERT(row->line > t->last_line);
    t->last_line = row->line;
    for (size_t i = 0; i < row->field_count; i++)
        FUZZ_ASSERT(row->fields[i].text[row->fields[i].len] == '\0');
    return KKR_OK;
}

static void read_all(struct kkr_xlsx *x)
{
    struct kkr_diag diag;
    for (size_t i = 0; i < kkr_xlsx_sheet_count(x) && i < 4; i++) {
        kkr_diag_clear(&diag);
        (void)kkr_xlsx_sheet_read(x, i, take_cell, NULL, NULL, &diag);
    }
    struct table_state t = {0};
    kkr_diag_clear(&diag);
    (void)kkr_xlsx_read_sheet_table(x, NULL, columns, take_row, &t, &diag);
}

static bool add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    if (!s)
        return false;
    zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
    if (i < 0) {
        zip_source_free(s);
        return false;
    }
    zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
    return true;
}

/* Packs the parts into a zip in memory; returns a malloc'd buffer or NULL. */
static char *pack(const struct fuzz_part *p, size_t n, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        return NULL;
    zip_source_keep(src);
    zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    char *out = NULL;
    if (!z)
        goto done;
    bool ok = add(z, "_rels/.rels", ROOT_RELS, sizeof ROOT_RELS - 1) &&
              add(z, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS, sizeof WORKBOOK_RELS - 1) &&
              add(z, "xl/worksheets/sheet1.xml", p[0].data, p[0].len);
    if (ok && n > 1)
        ok = add(z, "xl/sharedStrings.xml", p[1].data, p[1].len);
    if (ok && n > 2)
        ok = add(z, "xl/styles.xml", p[2].data, p[2].len);
    if (ok)
        ok = n > 3 && p[3].len ? add(z, "xl/workbook.xml", p[3].data, p[3].len)
                               : add(z, "xl/workbook.xml", WORKBOOK, sizeof WORKBOOK - 1);
    if (!ok || zip_close(z) != 0) {
        zip_discard(z);
        goto done;
    }
    if (zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t size = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        if (size >= 0 && (out = malloc((size_t)size + 1)) != NULL) {
            zip_int64_t got = zip_source_read(src, out, (zip_uint64_t)size);
            if (got != size) {
                free(out);
                out = NULL;
            } else {
                *len = (size_t)size;
            }
        }
        zip_source_close(src);
    }
done:
    zip_source_free(src);
    zip_error_fini(&ze);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    struct kkr_diag diag;
    struct kkr_xlsx *x = NULL;
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        if (kkr_xlsx_open_buffer("fuzz.xlsx", data, size, &x, &diag) == KKR_OK) {
            read_all(x);
            kkr_xlsx_free(x);
        }
        return 0;
    }
    struct fuzz_part parts[4];
    size_t n = fuzz_split(data, size, parts, 4);
    size_t len = 0;
    char *zip = pack(parts, n, &len);
    if (!zip)
        return 0;
    if (kkr_xlsx_open_buffer("fuzz.xlsx", zip, len, &x, &diag) == KKR_OK) {
        read_all(x);
        kkr_xlsx_free(x);
    }
    free(zip);
    return 0;
}
