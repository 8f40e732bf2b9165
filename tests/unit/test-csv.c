/* test-csv.c — the CSV reader: delimiters, quotes, encodings, header aliases, line numbers */
#include <stdlib.h>

#include "kkr/csv.h"
#include "test.h"

static const struct kkr_csv_column columns[] = {
    {"verksamhet|unit", true},
    {"belopp|amount", true},
    {"kommentar|comment", false},
    {NULL, false},
};

struct seen {
    char text[16][3][64];
    long line[16];
    long column_of_amount;
    int rows;
};

static enum kkr_status collect(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct seen *s = ud;
    (void)diag;
    if (s->rows < 16) {
        for (int c = 0; c < 3; c++)
            snprintf(s->text[s->rows][c], 64, "%s", row->fields[c].text);
        s->line[s->rows] = row->line;
    }
    s->column_of_amount = row->columns[1];
    s->rows++;
    return KKR_OK;
}

static enum kkr_status read(const char *data, struct seen *s, struct kkr_diag *d,
                            struct kkr_warnings *w)
{
    memset(s, 0, sizeof *s);
    kkr_diag_clear(d);
    return kkr_csv_read_buffer("t.csv", data, strlen(data), columns, collect, s, d, w);
}

int main(void)
{
    struct seen s;
    struct kkr_diag d;
    struct kkr_warnings w;
    kkr_warnings_init(&w);

    /* semicolons, a quoted field with the delimiter, a doubled quote, an empty line */
    CHECK_INT(read("verksamhet;belopp;kommentar\nPOL;1 234,50;\"a; \"\"b\"\"\"\n\nFOV;-5;\n", &s,
                   &d, &w), KKR_OK);
    CHECK_INT(s.rows, 2);
    CHECK_STR(s.text[0][0], "POL");
    CHECK_STR(s.text[0][1], "1 234,50");
    CHECK_STR(s.text[0][2], "a; \"b\"");
    CHECK_INT(s.line[1], 4);

    /* commas, English headers in another order and case, CRLF, a BOM, a quoted newline */
    CHECK_INT(read("\xef\xbb\xbf" "Amount,UNIT\r\n\"1,5\",HT\r\n\"2\n\",KB\r\n3,SB\r\n", &s, &d,
                   &w), KKR_OK);
    CHECK_INT(s.rows, 3);
    CHECK_STR(s.text[0][0], "HT");
    CHECK_STR(s.text[0][1], "1,5");
    CHECK_STR(s.text[0][2], "");
    CHECK_INT(s.column_of_amount, 1);
    CHECK_INT(s.line[2], 5); /* the quoted newline spans lines 3-4 */

    /* tabs */
    CHECK_INT(read("unit\tamount\nA\t1\n", &s, &d, &w), KKR_OK);
    CHECK_STR(s.text[0][1], "1");

    /* Windows-1252 is converted with one warning */
    CHECK_INT(read("verksamhet;belopp;kommentar\nS\xc4;1;\xf6vrigt\n", &s, &d, &w), KKR_OK);
    CHECK_STR(s.text[0][0], "SÄ");
    CHECK_STR(s.text[0][2], "övrigt");
    CHECK_INT(w.count, 1);
    CHECK_STR(w.items[0], "t.csv: not UTF-8, read as Windows-1252");

    /* rows of only empty fields and trailing empty fields are what Excel leaves: skipped */
    CHECK_INT(read("verksamhet;belopp\n;\nA;1;;\n", &s, &d, &w), KKR_OK);
    CHECK_INT(s.rows, 1);

    /* errors carry line and column */
    CHECK_INT(read("verksamhet;kommentar\nA;x\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 1);
    CHECK(strstr(d.message, "missing column 'belopp'") != NULL);

    CHECK_INT(read("verksamhet;belopp\nA;1;5\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 2);
    CHECK_INT(d.column, 3);

    CHECK_INT(read("verksamhet;belopp\nA;1\nB;2\"x\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 3);
    CHECK_INT(d.column, 2);

    CHECK_INT(read("verksamhet;belopp\nA;\"1\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 2);
    CHECK(strstr(d.message, "not closed") != NULL);

    CHECK_INT(read("verksamhet;belopp;unit\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.column, 3);

    CHECK_INT(read("", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK(strstr(d.message, "empty") != NULL);
    CHECK_INT(read("\n\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(read("verksamhet belopp\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK(strstr(d.message, "delimiter") != NULL);

    memset(&s, 0, sizeof s);
    CHECK_INT(kkr_csv_read_buffer("t.csv", "a;b\n\0", 5, columns, collect, &s, &d, &w),
              KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 2);
    CHECK_INT(read("\xff\xfe" "a", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK(strstr(d.message, "UTF-16") != NULL);
    CHECK_INT(read("verksamhet;belopp\nA\x81;1\n", &s, &d, &w), KKR_ERR_SYNTAX);
    CHECK_INT(d.line, 2);

    CHECK_INT(kkr_csv_read_file("/nonexistent/x.csv", columns, collect, &s, &d, &w),
              KKR_ERR_NOT_FOUND);
    kkr_warnings_release(&w);
    TEST_MAIN_END();
}
