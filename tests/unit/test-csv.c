/* test-csv.c — the CSV reader: delimiters, quotes, encodings, header aliases, line numbers */
#include <dirent.h>
#include <stdio.h>
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

/* ---- differential test: the memchr fast path against libcsv alone ---- */

static const struct kkr_csv_column any_columns[] = {
    {"verksamhet|vht|kod|unit", false},
    {"slag|konto|kind", false},
    {"period|datum|månad", false},
    {"belopp|prognos|effekt|andel|amount", false},
    {"kommentar|text|namn|beskrivning", false},
    {NULL, false},
};

struct transcript {
    char *text;
    size_t len, cap;
};

static void append(struct transcript *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->text = realloc(t->text, t->cap);
        if (!t->text)
            abort();
    }
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len] = '\0';
}

static enum kkr_status record(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct transcript *t = ud;
    char head[64];
    (void)diag;
    append(t, head, (size_t)snprintf(head, sizeof head, "%ld:", row->line));
    for (size_t c = 0; c < row->field_count; c++) {
        append(t, head, (size_t)snprintf(head, sizeof head, "[%ld|", row->columns[c]));
        append(t, row->fields[c].text, row->fields[c].len);
        append(t, "]", 1);
    }
    append(t, "\n", 1);
    return KKR_OK;
}

/* Reads data with and without the fast path; both must give the same rows or the same error. */
static void same_both_ways(const char *name, const char *data, size_t len)
{
    struct transcript fast = {0}, slow = {0};
    struct kkr_diag dfast, dslow;
    kkr_diag_clear(&dfast);
    kkr_diag_clear(&dslow);
    struct kkr_csv_options with_fast, without_fast;
    kkr_csv_options_init(&with_fast);
    kkr_csv_options_init(&without_fast);
    without_fast.fast_path = false;
    enum kkr_status sfast = kkr_csv_read_buffer_with(name, data, len, any_columns, &with_fast,
                                                     record, &fast, &dfast, NULL);
    enum kkr_status sslow = kkr_csv_read_buffer_with(name, data, len, any_columns,
                                                     &without_fast, record, &slow, &dslow, NULL);
    CHECK_INT(sfast, sslow);
    CHECK_INT(fast.len, slow.len);
    CHECK(fast.len == slow.len && (fast.len == 0 || memcmp(fast.text, slow.text, fast.len) == 0));
    if (sfast != KKR_OK) {
        CHECK_INT(dfast.line, dslow.line);
        CHECK_INT(dfast.column, dslow.column);
        CHECK_STR(dfast.message, dslow.message);
    }
    if (sfast != sslow || fast.len != slow.len)
        fprintf(stderr, "  (differs on %s)\n", name);
    free(fast.text);
    free(slow.text);
}

/* Every file of a folder under the source root (not recursive). Returns the number read. */
static int same_both_ways_in(const char *folder)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", KKR_SOURCE_ROOT, folder);
    DIR *d = opendir(path);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[8192];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        char *data;
        size_t len;
        struct kkr_diag diag;
        if (kkr_file_read_all(file, &data, &len, &diag) != KKR_OK)
            continue; /* a folder */
        same_both_ways(e->d_name, data, len);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_fast_path_matches_libcsv(void)
{
    static const char *const cases[] = {
        "verksamhet;belopp\nPOL;1\n",
        "verksamhet;belopp\r\nPOL; 1 \r\n\r\nFOV;2",
        "verksamhet;belopp\rPOL;1\rFOV;2\r",
        "verksamhet,belopp\nPOL,\"1,5\"\nFOV,2\n",
        "verksamhet\tbelopp\tkommentar\nPOL\t1\t\t\n",
        "verksamhet;belopp\n   \n;;\nPOL;1;;;\n",
        "verksamhet;belopp\nPOL;1;x\n",
        "verksamhet;belopp\n\"PO\nL\";1\nFOV;2\n",
        "verksamhet;belopp\n\"open;1\nFOV;2\n",
        "verksamhet;belopp\nPO\"L;1\n",
        "verksamhet;belopp;kommentar\nPOL;1;\"a \"\"b\"\"\"\nFOV;\t2\t;c\n",
        "verksamhet;belopp\nPOL\n",
        "verksamhet;belopp\r\r\nPOL;1\r\n",
        "verksamhet;belopp\nPO\rL;1\nFOV;2\r",
        "verksamhet;belopp\nPOL;1\r\nFOV;2\rSB;3\n\rHT;4",
        "verksamhet;belopp\n\"A\r\nB\";1\r\nC;2\r\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_both_ways("case.csv", cases[i], strlen(cases[i]));
    int files = 0;
    files += same_both_ways_in("budgets/smedjebacken-2020");
    files += same_both_ways_in("tests/data/import");
    files += same_both_ways_in("tests/data/chart-60");
    files += same_both_ways_in("tests/fuzz/corpus/csv");
    files += same_both_ways_in("tests/fuzz/corpus/workbook");
    files += same_both_ways_in("tests/fuzz/corpus/import");
    files += same_both_ways_in("tests/fuzz/corpus/measures");
    CHECK(files >= 50);
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
    test_fast_path_matches_libcsv();
    TEST_MAIN_END();
}
