/* test-table.c — text tables: display widths (å ä ö), alignment, gaps, spans, trailing blanks,
 * sticky errors */
#include <stdlib.h>

#include "kkr/table.h"
#include "test.h"

/* Writes t into a string (malloc'd). */
static char *render(struct kkr_table *t, enum kkr_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct kkr_diag d;
    *st = kkr_table_write(t, mem, &d);
    fclose(mem);
    return buf;
}

static void test_widths(void)
{
    struct kkr_table *t = kkr_table_new(3);
    kkr_table_column(t, 0, KKR_ALIGN_LEFT, 0, NULL);
    kkr_table_column(t, 1, KKR_ALIGN_RIGHT, 0, NULL);
    kkr_table_column(t, 2, KKR_ALIGN_RIGHT, 0, "  ");
    kkr_table_row(t);
    kkr_table_cell(t, 0, "Kod");
    kkr_table_cell(t, 1, "Låg");
    kkr_table_cell(t, 2, "Hög");
    kkr_table_row(t);
    kkr_table_cell(t, 0, "Äldreomsorg");
    kkr_table_cellf(t, 1, "%d", -12345);
    kkr_table_cell(t, 2, "1 234");
    kkr_table_row(t);            /* an empty row is an empty line */
    kkr_table_row(t);
    kkr_table_cell(t, 0, "ö");
    CHECK_INT(kkr_table_width(t, 0), 11);   /* "Äldreomsorg": 11 characters, 12 bytes */
    CHECK_INT(kkr_table_width(t, 1), 6);
    enum kkr_status st;
    char *s = render(t, &st);
    CHECK_INT(st, KKR_OK);
    /* the headings end where their figures end, though "Låg" is 4 bytes; no trailing blanks */
    CHECK_STR(s, "Kod            Låg    Hög\n"
                 "Äldreomsorg -12345  1 234\n"
                 "\n"
                 "ö\n");
    free(s);
    kkr_table_free(t);
}

static void test_min_width_and_span(void)
{
    struct kkr_table *t = kkr_table_new(4);
    kkr_table_column(t, 0, KKR_ALIGN_LEFT, 6, NULL);
    kkr_table_column(t, 1, KKR_ALIGN_RIGHT, 4, "  ");
    kkr_table_column(t, 2, KKR_ALIGN_RIGHT, 4, "  ");
    kkr_table_column(t, 3, KKR_ALIGN_LEFT, 0, " ");
    kkr_table_row(t);
    kkr_table_cell(t, 0, "kr");
    /* over columns 1..2 and their gaps: 2 + 4 + 2 + 4 = 12 wide, "Helår" (5) centred */
    kkr_table_span(t, 1, 2, "Helår");
    kkr_table_row(t);
    kkr_table_cell(t, 1, "a");
    kkr_table_cell(t, 2, "b");
    kkr_table_cell(t, 3, "*");
    kkr_table_row(t);
    kkr_table_cell(t, 0, "x");
    kkr_table_cell(t, 1, "1");
    kkr_table_cell(t, 2, "22");
    /* a span wider than its columns does not widen them */
    kkr_table_row(t);
    kkr_table_span(t, 0, 0, "en mycket lång rubrik");
    kkr_table_cell(t, 1, "3");
    enum kkr_status st;
    char *s = render(t, &st);
    CHECK_INT(st, KKR_OK);
    CHECK_STR(s, "kr        Helår\n"
                 "           a     b *\n"
                 "x          1    22\n"
                 "en mycket lång rubrik     3\n");
    free(s);
    CHECK_INT(kkr_table_width(t, 0), 6);
    kkr_table_free(t);
}

static void test_errors(void)
{
    CHECK(kkr_table_new(0) == NULL);
    CHECK(kkr_table_new(257) == NULL);
    kkr_table_free(NULL);
    struct kkr_table *t = kkr_table_new(2);
    /* a cell before any row, or past the last column, is ignored */
    kkr_table_cell(t, 0, "lost");
    kkr_table_row(t);
    kkr_table_cell(t, 5, "lost");
    kkr_table_cell(t, 1, "x");
    kkr_table_cell(t, 1, "yy");   /* set twice: the last one counts */
    CHECK_INT(kkr_table_width(t, 1), 2);
    enum kkr_status st;
    char *s = render(t, &st);
    CHECK_STR(s, " yy\n");
    free(s);
    /* a write error is reported */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        struct kkr_diag d;
        setvbuf(full, NULL, _IONBF, 0);
        CHECK_INT(kkr_table_write(t, full, &d), KKR_ERR_IO);
        fclose(full);
    }
    kkr_table_free(t);
}

int main(void)
{
    test_widths();
    test_min_width_and_span();
    test_errors();
    TEST_MAIN_END();
}
