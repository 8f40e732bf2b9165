/* test-xlsx.c — the .xlsx reader on files built here with libzip: parts, cells, numbers, dates */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "kkr/xlsx.h"
#include "test.h"
#include "tmpdir.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELNS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char *ROOT_RELS =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RELNS "/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";

/* Writes a zip of (name, content) pairs, NULL-terminated. */
static void write_zip(const char *path, const char *const *parts)
{
    int err;
    remove(path);
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) {
        fprintf(stderr, "zip_open %s failed\n", path);
        exit(2);
    }
    for (size_t i = 0; parts[i]; i += 2) {
        zip_source_t *s = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0);
        if (!s || zip_file_add(z, parts[i], s, ZIP_FL_ENC_UTF_8) < 0) {
            fprintf(stderr, "zip_file_add %s failed\n", parts[i]);
            exit(2);
        }
    }
    if (zip_close(z) != 0) {
        fprintf(stderr, "zip_close %s failed\n", path);
        exit(2);
    }
}

/* Two sheets whose tab order ("Budget" first) is not the order of their parts. */
static const char *WORKBOOK =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook " NS ">"
    "<workbookPr date1904=\"false\"/><sheets>"
    "<sheet name=\"Budget\" sheetId=\"2\" r:id=\"rId2\"/>"
    "<sheet name=\"Blad1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WORKBOOK_RELS =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RELNS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RELNS "/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" RELNS "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" RELNS "/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";
static const char *STRINGS =
    "<?xml version=\"1.0\"?><sst " NS " count=\"5\" uniqueCount=\"5\">"
    "<si><t>verksamhet</t></si><si><t>slag</t></si><si><t>period</t></si>"
    "<si><r><rPr><b/></rPr><t>bel</t></r><r><t xml:space=\"preserve\">opp</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>"
    "<si><t>rad 1_x000D_\nrad 2 &amp; &#228;</t></si></sst>";
/* xf 0 general, 1 builtin date 14, 2 custom "yyyy-mm", 3 custom "# ##0,00" (no date),
 * 4 time h:mm (no date) */
static const char *STYLES =
    "<?xml version=\"1.0\"?><styleSheet " NS "><numFmts count=\"2\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"#\\ ##0,00\\ &quot;kr&quot;\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"20\"/></cellXfs></styleSheet>";
static const char *SHEET_BLAD1 =
    "<?xml version=\"1.0\"?><worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
    "<is><t>only</t></is></c></row></sheetData></worksheet>";
static const char *SHEET_BUDGET =
    "<?xml version=\"1.0\"?><worksheet " NS "><dimension ref=\"A1:E6\"/><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
    "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c></row>"
    "<row r=\"2\"><c r=\"A2\"><v>101</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>kostnad</t></is>"
    "</c><c r=\"C2\" s=\"1\"><v>43891</v></c><c r=\"D2\" s=\"3\"><v>1234.5599999999999</v></c>"
    "</row>"
    "<row r=\"3\"><c r=\"A3\" t=\"str\"><f>\"1\"&amp;\"01\"</f><v>101</v></c>"
    "<c r=\"B3\" t=\"inlineStr\"><is><t>intäkt</t></is></c><c r=\"C3\" s=\"2\"><v>43862.75</v>"
    "</c><c r=\"D3\"><f>-2*617.25</f><v>-1234.5</v></c><c r=\"E3\" t=\"s\"><v>4</v></c></row>"
    "<row r=\"4\" spans=\"1:5\"><c r=\"A4\" s=\"1\"/><c r=\"B4\" t=\"b\"><v>1</v></c>"
    "<c r=\"C4\" s=\"4\"><v>0.5</v></c><c r=\"D4\"><f>SUM(X1:X9)</f></c>"
    "<c r=\"E4\" t=\"e\"><v>#DIV/0!</v></c></row>"
    "<row r=\"6\"><c t=\"inlineStr\"><is><t>a6</t></is></c><c><v>1E-3</v></c></row>"
    "</sheetData></worksheet>";

struct dump {
    char text[4096];
    size_t rows;
};

static enum kkr_status dump_cell(void *ud, const struct kkr_xlsx_cell *c, struct kkr_diag *diag)
{
    struct dump *d = ud;
    (void)diag;
    size_t n = strlen(d->text);
    snprintf(d->text + n, sizeof d->text - n, "%s:%d%s%s%s=%s|", c->ref, (int)c->type,
             c->formula ? "f" : "", c->has_value ? "" : "-", c->is_date ? "d" : "", c->text);
    return KKR_OK;
}

static enum kkr_status dump_row(void *ud, long row, struct kkr_diag *diag)
{
    struct dump *d = ud;
    (void)row, (void)diag;
    d->rows++;
    return KKR_OK;
}

static void test_numbers(void)
{
    char buf[64];
    int64_t ore = 0;
    CHECK(kkr_xlsx_number_plain("1.2345E+3", 9, buf, sizeof buf));
    CHECK_STR(buf, "1234.5");
    CHECK(kkr_xlsx_number_plain("202001.0", 8, buf, sizeof buf));
    CHECK_STR(buf, "202001");
    CHECK(kkr_xlsx_number_plain("-0.10", 5, buf, sizeof buf));
    CHECK_STR(buf, "-0.1");
    CHECK(kkr_xlsx_number_plain("1E-3", 4, buf, sizeof buf));
    CHECK_STR(buf, "0.001");
    CHECK(kkr_xlsx_number_plain("-0", 2, buf, sizeof buf));
    CHECK_STR(buf, "0");
    CHECK(kkr_xlsx_number_plain("8.5000000000000006E-2", 21, buf, sizeof buf));
    CHECK_STR(buf, "0.085000000000000006");
    CHECK(kkr_xlsx_number_plain("1E+20", 5, buf, sizeof buf));
    CHECK_STR(buf, "100000000000000000000");
    CHECK(!kkr_xlsx_number_plain("abc", 3, buf, sizeof buf));
    CHECK(!kkr_xlsx_number_plain("1,5", 3, buf, sizeof buf));
    CHECK(!kkr_xlsx_number_plain("", 0, buf, sizeof buf));
    CHECK(!kkr_xlsx_number_plain("1E", 2, buf, sizeof buf));
    CHECK(!kkr_xlsx_number_plain("1E+300", 6, buf, 20)); /* does not fit the buffer */

    /* read from the decimal text, rounded once, half away from zero */
    CHECK(kkr_xlsx_number_ore("1234.5599999999999", 18, &ore));
    CHECK_INT(ore, 123456);
    CHECK(kkr_xlsx_number_ore("0.005", 5, &ore));
    CHECK_INT(ore, 1);
    CHECK(kkr_xlsx_number_ore("-0.005", 6, &ore));
    CHECK_INT(ore, -1);
    CHECK(kkr_xlsx_number_ore("-0.0049999", 10, &ore));
    CHECK_INT(ore, 0);
    /* 1.005 as a double is 1.00499999999999989...; Excel writes 17 digits, so that text is
     * what is rounded */
    CHECK(kkr_xlsx_number_ore("1.0049999999999999", 18, &ore));
    CHECK_INT(ore, 100);
    CHECK(kkr_xlsx_number_ore("1.005", 5, &ore));
    CHECK_INT(ore, 101);
    CHECK(kkr_xlsx_number_ore("1.2345E+3", 9, &ore));
    CHECK_INT(ore, 123450);
    CHECK(kkr_xlsx_number_ore("5E-3", 4, &ore));
    CHECK_INT(ore, 1);
    CHECK(kkr_xlsx_number_ore("4E-4", 4, &ore));
    CHECK_INT(ore, 0);
    CHECK(kkr_xlsx_number_ore("92233720368547758.07", 20, &ore));
    CHECK_INT(ore, INT64_MAX);
    CHECK(!kkr_xlsx_number_ore("92233720368547758.08", 20, &ore));
    CHECK(!kkr_xlsx_number_ore("1E+30", 5, &ore));
    CHECK(!kkr_xlsx_number_ore("12 kr", 5, &ore));
}

static void test_dates(void)
{
    int y, m, d;
    CHECK(kkr_xlsx_serial_date("43891", 5, false, &y, &m, &d));
    CHECK(y == 2020 && m == 3 && d == 1);
    CHECK(kkr_xlsx_serial_date("1", 1, false, &y, &m, &d));
    CHECK(y == 1900 && m == 1 && d == 1);
    CHECK(kkr_xlsx_serial_date("59", 2, false, &y, &m, &d));
    CHECK(y == 1900 && m == 2 && d == 28);
    CHECK(kkr_xlsx_serial_date("60", 2, false, &y, &m, &d)); /* Lotus's 29 February 1900 */
    CHECK(y == 1900 && m == 2 && d == 29);
    CHECK(kkr_xlsx_serial_date("61", 2, false, &y, &m, &d));
    CHECK(y == 1900 && m == 3 && d == 1);
    CHECK(kkr_xlsx_serial_date("45443.999", 9, false, &y, &m, &d));
    CHECK(y == 2024 && m == 5 && d == 31);
    /* the 1904 system: 0 is 1 January 1904; the same day is 1462 less than in 1900 */
    CHECK(kkr_xlsx_serial_date("0", 1, true, &y, &m, &d));
    CHECK(y == 1904 && m == 1 && d == 1);
    CHECK(kkr_xlsx_serial_date("42429", 5, true, &y, &m, &d));
    CHECK(y == 2020 && m == 3 && d == 1);
    CHECK(!kkr_xlsx_serial_date("-1", 2, false, &y, &m, &d));
    CHECK(!kkr_xlsx_serial_date("3000000", 7, false, &y, &m, &d));
}

static void test_cells(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/cells.xlsx", dir);
    const char *parts[] = {"[Content_Types].xml", "<Types/>", "_rels/.rels", ROOT_RELS,
                           "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels",
                           WORKBOOK_RELS, "xl/sharedStrings.xml", STRINGS, "xl/styles.xml",
                           STYLES, "xl/worksheets/sheet1.xml", SHEET_BLAD1,
                           "xl/worksheets/sheet2.xml", SHEET_BUDGET, NULL};
    write_zip(path, parts);
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_xlsx *x = NULL;
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_OK);
    if (!x) {
        fprintf(stderr, "%s: %s\n", diag.file, diag.message);
        return;
    }
    CHECK_INT(kkr_xlsx_sheet_count(x), 2);
    CHECK_STR(kkr_xlsx_sheet_name(x, 0), "Budget");
    CHECK_STR(kkr_xlsx_sheet_name(x, 1), "Blad1");
    CHECK_INT(kkr_xlsx_sheet_find(x, "Blad1"), 1);
    CHECK_INT(kkr_xlsx_sheet_find(x, "Blad9"), -1);
    CHECK(!kkr_xlsx_date1904(x));
    struct dump d = {{0}, 0};
    CHECK_INT(kkr_xlsx_sheet_read(x, 0, dump_cell, dump_row, &d, &diag), KKR_OK);
    CHECK_STR(d.text,
              "A1:1=verksamhet|B1:1=slag|C1:1=period|D1:1=belopp|"
              "A2:0=101|B2:2=kostnad|C2:0d=43891|D2:0=1234.5599999999999|"
              "A3:2f=101|B3:2=intäkt|C3:0d=43862.75|D3:0f=-1234.5|E3:1=rad 1\r\nrad 2 & ä|"
              "B4:3=1|C4:0=0.5|D4:0f-=|E4:4=#DIV/0!|"
              "A6:2=a6|B6:0=1E-3|");
    CHECK_INT(d.rows, 5);
    d.text[0] = '\0';
    CHECK_INT(kkr_xlsx_sheet_read(x, 1, dump_cell, NULL, &d, &diag), KKR_OK);
    CHECK_STR(d.text, "A1:2=only|");
    CHECK_INT(kkr_xlsx_sheet_read(x, 2, dump_cell, NULL, &d, &diag), KKR_ERR_NOT_FOUND);
    kkr_xlsx_free(x);
}

/* ---- the sheet as a table, with the CSV rules ---- */

static const struct kkr_csv_column COLUMNS[] = {
    {"verksamhet|unit", true}, {"slag", true}, {"period", true}, {"belopp", true},
    {NULL, false},
};

static enum kkr_status table_row(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct dump *d = ud;
    (void)diag;
    size_t n = strlen(d->text);
    n += (size_t)snprintf(d->text + n, sizeof d->text - n, "%ld:", row->line);
    for (size_t i = 0; i < row->field_count; i++) {
        n += (size_t)snprintf(d->text + n, sizeof d->text - n, "%ld/%d/%s;", row->columns[i],
                              (int)row->fields[i].type, row->fields[i].text);
    }
    snprintf(d->text + n, sizeof d->text - n, "|");
    return KKR_OK;
}

static void write_table(const char *path, const char *sheet_data)
{
    static char sheet[8192];
    snprintf(sheet, sizeof sheet, "<worksheet " NS "><sheetData>%s</sheetData></worksheet>",
             sheet_data);
    const char *parts[] = {"_rels/.rels", ROOT_RELS, "xl/workbook.xml", WORKBOOK,
                           "xl/_rels/workbook.xml.rels", WORKBOOK_RELS, "xl/sharedStrings.xml",
                           STRINGS, "xl/styles.xml", STYLES, "xl/worksheets/sheet1.xml",
                           SHEET_BLAD1, "xl/worksheets/sheet2.xml", sheet, NULL};
    write_zip(path, parts);
}

static const char *table_error(const char *dir, const char *sheet_data)
{
    static char msg[1600];
    char path[600];
    snprintf(path, sizeof path, "%s/bad.xlsx", dir);
    write_table(path, sheet_data);
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct dump d = {{0}, 0};
    enum kkr_status st = kkr_xlsx_read_table(path, COLUMNS, table_row, &d, &diag, NULL);
    if (st == KKR_OK)
        return "ok";
    kkr_diag_format(&diag, msg, sizeof msg);
    /* without the folder */
    size_t n = strlen(dir) + 1;
    return strncmp(msg, dir, n - 1) == 0 ? msg + n : msg;
}

#define HEADER "<row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v>" \
               "</c><c t=\"s\"><v>3</v></c></row>"

static void test_table(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/table.xlsx", dir);
    /* header on row 2 after an empty styled row; a gap column in row 4; row 5 only styles */
    write_table(path, "<row r=\"1\"><c r=\"A1\" s=\"1\"/></row>"
                      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"C2\" t=\"s\"><v>0</v>"
                      "</c><c r=\"D2\" t=\"s\"><v>1</v></c><c r=\"E2\" t=\"s\"><v>2</v></c></row>"
                      "<row r=\"4\"><c r=\"A4\"><v>1.5E+3</v></c><c r=\"C4\"><v>101</v></c>"
                      "<c r=\"D4\" t=\"inlineStr\"><is><t> kostnad </t></is></c>"
                      "<c r=\"E4\" s=\"1\"><v>43891</v></c></row>"
                      "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"inlineStr\"><is><t> "
                      "</t></is></c></row>"
                      "<row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t>-1 234,50</t></is></c>"
                      "<c r=\"C7\" t=\"b\"><v>0</v></c><c r=\"D7\" t=\"str\"><f>A1</f><v>"
                      "int\xc3\xa4kt</v></c><c r=\"E7\"><v>202002</v></c></row>");
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct dump d = {{0}, 0};
    CHECK_INT(kkr_xlsx_read_table(path, COLUMNS, table_row, &d, &diag, NULL), KKR_OK);
    CHECK_STR(d.text, "4:3/1/101;4/0/kostnad;5/2/2020-03-01;1/1/1500;|"
                      "7:3/3/FALSE;4/0/intäkt;5/1/202002;1/0/-1 234,50;|");

    /* the messages name file:sheet!cell */
    CHECK_STR(table_error(dir, ""), "bad.xlsx:Budget: the sheet is empty, expected a header row");
    CHECK_STR(table_error(dir, "<row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c></row>"),
              "bad.xlsx:Budget!3:3: missing column 'slag' in the header, expected "
              "'verksamhet;slag;period;belopp'");
    CHECK_STR(table_error(dir, HEADER "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c></row>"),
              "bad.xlsx:Budget!A2: shared string 5 out of range, expected an index below 5 (the "
              "file has 5 shared strings)");
    CHECK_STR(table_error(dir, HEADER "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>x</v></c></row>"),
              "bad.xlsx:Budget!A2: shared string index 'x', expected a number below 5");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"D7\"><f>B1*2"
                               "</f></c></row>"),
              "bad.xlsx:Budget!D7: a formula without a cached value, expected a value (open "
              "the file in Excel and save it, so the results are stored)");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"C7\" "
                               "t=\"e\"><v>#N/A</v></c></row>"),
              "bad.xlsx:Budget!C7: found the error value #N/A, expected a value");
    /* an error value or a formula outside the columns read is no concern */
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"H7\" "
                               "t=\"e\"><v>#N/A</v></c></row>"),
              "bad.xlsx:Budget!H7: found 8 fields, expected 4 as in the header");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"A7\"><v>12kr</v></c></row>"),
              "bad.xlsx:Budget!A7: found '12kr' in a number cell, expected a number like 1234.5");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"C7\"><v>1</v></c><c r=\"B7\">"
                               "<v>1</v></c></row>"),
              "bad.xlsx:Budget!B7: cell B7 out of column order, expected the cells of a row "
              "from left to right");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"7C\"><v>1</v></c></row>"),
              "bad.xlsx:Budget!A7: cell reference '7C', expected a column A..XFD and a row "
              "1..1048576");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"C7\" t=\"z\"><v>1</v></c></row>"),
              "bad.xlsx:Budget!C7: cell type 'z', expected n, s, str, inlineStr, b, e or d");
    CHECK_STR(table_error(dir, HEADER "<row r=\"7\"><c r=\"C7\"><v>1</v></c></row"),
              "bad.xlsx:Budget: malformed XML in part 'xl/worksheets/sheet2.xml' at line 1, "
              "column 306: not well-formed (invalid token)");
}

static void test_bad_files(const char *dir)
{
    char path[600], msg[1600];
    struct kkr_diag diag;
    struct kkr_xlsx *x = NULL;
    size_t n = strlen(dir) + 1;

    snprintf(path, sizeof path, "%s/text.xlsx", dir);
    tmp_write(dir, "text.xlsx", "verksamhet;slag;period;belopp\n");
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_ERR_SYNTAX);
    kkr_diag_format(&diag, msg, sizeof msg);
    CHECK_STR(msg + n, "text.xlsx: not a zip file, expected an .xlsx workbook (Excel 2007 or "
                       "later; save an .xls or .csv as .xlsx)");

    /* the first half of a real file: a local header, no central directory */
    snprintf(path, sizeof path, "%s/whole.xlsx", dir);
    const char *parts[] = {"_rels/.rels", ROOT_RELS, "xl/workbook.xml", WORKBOOK,
                           "xl/_rels/workbook.xml.rels", WORKBOOK_RELS, NULL};
    write_zip(path, parts);
    FILE *f = fopen(path, "rb");
    char buf[8192];
    size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(len > 200);
    snprintf(path, sizeof path, "%s/half.xlsx", dir);
    f = fopen(path, "wb");
    if (f) {
        fwrite(buf, 1, len / 2, f);
        fclose(f);
    }
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_ERR_SYNTAX);
    kkr_diag_format(&diag, msg, sizeof msg);
    CHECK_STR(msg + n, "half.xlsx: truncated zip file (no central directory at the end), "
                       "expected a whole .xlsx workbook");
    CHECK_INT(kkr_xlsx_open_buffer("half.xlsx", buf, len / 2, &x, &diag), KKR_ERR_SYNTAX);
    CHECK_STR(diag.message, "truncated zip file (no central directory at the end), expected a "
                            "whole .xlsx workbook");
    CHECK_INT(kkr_xlsx_open_buffer("whole.xlsx", buf, len, &x, &diag), KKR_OK);
    if (x) {
        struct dump d = {{0}, 0};
        CHECK_INT(kkr_xlsx_sheet_read(x, 0, dump_cell, NULL, &d, &diag), KKR_ERR_SYNTAX);
        kkr_diag_format(&diag, msg, sizeof msg);
        CHECK_STR(msg, "whole.xlsx:Budget: no part 'xl/worksheets/sheet2.xml' in the file, "
                       "expected an .xlsx workbook as Excel writes it");
        kkr_xlsx_free(x);
        x = NULL;
    }

    snprintf(path, sizeof path, "%s/missing.xlsx", dir);
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_ERR_NOT_FOUND);

    /* a zip without the workbook part */
    snprintf(path, sizeof path, "%s/nobook.xlsx", dir);
    const char *other[] = {"word/document.xml", "<document/>", NULL};
    write_zip(path, other);
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_ERR_SYNTAX);
    kkr_diag_format(&diag, msg, sizeof msg);
    CHECK_STR(msg + n, "nobook.xlsx: no part 'xl/workbook.xml' in the file, expected an .xlsx "
                       "workbook as Excel writes it");

    /* a DOCTYPE (entity bombs) is refused */
    snprintf(path, sizeof path, "%s/dtd.xlsx", dir);
    const char *dtd[] = {"xl/workbook.xml",
                         "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY a \"aaaa\">]><workbook/>",
                         NULL};
    write_zip(path, dtd);
    CHECK_INT(kkr_xlsx_open(path, &x, &diag), KKR_ERR_SYNTAX);
    CHECK_STR(diag.message, "a DOCTYPE in an .xlsx part, expected plain XML as Excel writes it");
    CHECK(x == NULL);
}

static void test_locate(void)
{
    struct kkr_diag diag;
    kkr_fail(&diag, KKR_ERR_SYNTAX, "b.xlsx", 7, 3, "x");
    kkr_xlsx_diag_locate(&diag, "b.xlsx", "Blad1");
    CHECK_STR(diag.file, "b.xlsx:Blad1!C7");
    CHECK_INT(diag.line, 0);
    kkr_fail(&diag, KKR_ERR_SYNTAX, "b.xlsx", 7, 0, "x");
    kkr_xlsx_diag_locate(&diag, "b.xlsx", "Blad1");
    CHECK_STR(diag.file, "b.xlsx:Blad1!7:7");
    kkr_fail(&diag, KKR_ERR_SYNTAX, "other.csv", 7, 3, "x");
    kkr_xlsx_diag_locate(&diag, "b.xlsx", "Blad1");
    CHECK_STR(diag.file, "other.csv");
    CHECK_INT(diag.line, 7);
    char ref[16];
    kkr_xlsx_cell_name(1048576, 16384, ref, sizeof ref);
    CHECK_STR(ref, "XFD1048576");
    kkr_xlsx_cell_name(1, 27, ref, sizeof ref);
    CHECK_STR(ref, "AA1");
}

int main(void)
{
    char *dir = tmp_workbook();
    test_numbers();
    test_dates();
    test_cells(dir);
    test_table(dir);
    test_bad_files(dir);
    test_locate();
    tmp_remove(dir);
    TEST_MAIN_END();
}
