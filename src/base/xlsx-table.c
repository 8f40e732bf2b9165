/* xlsx-table.c — a sheet read as a CSV file is: its rows through the CSV header and row rules */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/xlsx.h"

/* What stands in a cell that cannot be read as a value (a formula without a cached value);
 * non-empty, so that the row is not skipped as empty and the cell is named when it is read. */
#define NO_VALUE "#NO-VALUE"

struct table {
    struct kkr_xlsx *x;
    const char *path;
    const char *sheet;
    struct kkr_csv_feed *feed;
    kkr_csv_row_fn fn;
    void *userdata;
    size_t column_count;            /* schema columns */

    /* the current row, per sheet column (index col - 1) */
    long row;                       /* 0 before the first cell */
    long last_col;
    bool row_has_value;
    char *text;
    size_t len, cap;
    size_t *off, *flen;
    enum kkr_cell_type *types;
    unsigned char *flags;           /* CELL_* below */
    size_t cols, cols_cap;          /* columns filled so far (the last one + 1) */
    struct kkr_csv_field *fields;   /* for the feed, cols entries */
    size_t fields_cap;
    struct kkr_csv_field *out;      /* schema order, with types, for fn */
    bool rows_fed;
};

enum { CELL_SET = 1, CELL_NO_VALUE = 2, CELL_ERROR = 4 };

static enum kkr_status nomem(struct kkr_diag *diag, const char *name)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
}

static enum kkr_status cell_fail(const struct table *t, struct kkr_diag *diag, long row,
                                 long col, enum kkr_status st, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static enum kkr_status cell_fail(const struct table *t, struct kkr_diag *diag, long row,
                                 long col, enum kkr_status st, const char *fmt, ...)
{
    char loc[600], ref[16], msg[1024];
    kkr_xlsx_cell_name(row, col, ref, sizeof ref);
    snprintf(loc, sizeof loc, "%s:%s!%s", t->path, t->sheet, ref);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kkr_fail(diag, st, loc, 0, 0, "%s", msg);
}

/* Called by the CSV rules for each data row: the fields get their cell types, and a cell that
 * holds no value is refused where it is read. */
static enum kkr_status take_row(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct table *t = ud;
    for (size_t c = 0; c < t->column_count; c++) {
        t->out[c] = row->fields[c];
        t->out[c].type = KKR_CELL_TEXT;
        long col = row->columns[c];
        if (col <= 0 || (size_t)col > t->cols)
            continue;
        unsigned char fl = t->flags[col - 1];
        if (fl & CELL_NO_VALUE)
            return cell_fail(t, diag, row->line, col, KKR_ERR_VALUE,
                             "a formula without a cached value, expected a value (open the "
                             "file in Excel and save it, so the results are stored)");
        if (fl & CELL_ERROR)
            return cell_fail(t, diag, row->line, col, KKR_ERR_VALUE,
                             "found the error value %s, expected a value", row->fields[c].text);
        t->out[c].type = t->types[col - 1];
    }
    struct kkr_csv_row copy = *row;
    copy.fields = t->out;
    return t->fn(t->userdata, &copy, diag);
}

static enum kkr_status flush_row(struct table *t, struct kkr_diag *diag)
{
    if (!t->row_has_value) {
        t->cols = 0;
        t->len = 0;
        return KKR_OK;
    }
    if (t->cols > t->fields_cap) {
        struct kkr_csv_field *f = realloc(t->fields, t->cols * sizeof *f);
        if (!f)
            return nomem(diag, t->path);
        t->fields = f;
        t->fields_cap = t->cols;
    }
    for (size_t i = 0; i < t->cols; i++) {
        if (t->flags[i] & CELL_SET) {
            t->fields[i].text = t->text + t->off[i];
            t->fields[i].len = t->flen[i];
        } else {
            t->fields[i].text = "";
            t->fields[i].len = 0;
        }
    }
    enum kkr_status st = kkr_csv_feed_row(t->feed, t->row, t->fields, t->cols);
    t->rows_fed = true;
    t->cols = 0;
    t->len = 0;
    t->row_has_value = false;
    return st;
}

static bool put_text(struct table *t, size_t i, const char *s, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *p = realloc(t->text, cap);
        if (!p)
            return false;
        t->text = p;
        t->cap = cap;
    }
    memcpy(t->text + t->len, s, len);
    t->text[t->len + len] = '\0';
    t->off[i] = t->len;
    t->flen[i] = len;
    t->len += len + 1;
    return true;
}

static enum kkr_status take_cell(void *ud, const struct kkr_xlsx_cell *cell,
                                 struct kkr_diag *diag)
{
    struct table *t = ud;
    enum kkr_status st;
    if (cell->row != t->row) {
        if (cell->row < t->row)
            return cell_fail(t, diag, cell->row, cell->col, KKR_ERR_SYNTAX,
                             "cell %s after row %ld, expected rows in order", cell->ref, t->row);
        if ((st = flush_row(t, diag)) != KKR_OK)
            return st;
        t->row = cell->row;
        t->last_col = 0;
    }
    if (cell->col <= t->last_col)
        return cell_fail(t, diag, cell->row, cell->col, KKR_ERR_SYNTAX,
                         "cell %s out of column order, expected the cells of a row from left "
                         "to right",
                         cell->ref);
    t->last_col = cell->col;
    size_t i = (size_t)cell->col - 1;
    if (i + 1 > t->cols_cap) {
        size_t cap = t->cols_cap ? t->cols_cap : 16;
        while (cap < i + 1)
            cap *= 2;
        size_t *off = realloc(t->off, cap * sizeof *off);
        if (off)
            t->off = off;
        size_t *flen = realloc(t->flen, cap * sizeof *flen);
        if (flen)
            t->flen = flen;
        enum kkr_cell_type *types = realloc(t->types, cap * sizeof *types);
        if (types)
            t->types = types;
        unsigned char *flags = realloc(t->flags, cap);
        if (flags)
            t->flags = flags;
        if (!off || !flen || !types || !flags)
            return nomem(diag, t->path);
        t->cols_cap = cap;
    }
    for (size_t k = t->cols; k < i; k++)
        t->flags[k] = 0; /* the gap */
    t->cols = i + 1;
    t->flags[i] = CELL_SET;
    t->types[i] = KKR_CELL_TEXT;

    const char *s = cell->text;
    size_t len = cell->len;
    char buf[1200];
    if (!cell->has_value) {
        t->flags[i] |= CELL_NO_VALUE;
        s = NO_VALUE;
        len = strlen(s);
    } else if (cell->type == KKR_XLSX_ERROR) {
        t->flags[i] |= CELL_ERROR;
        if (len == 0) {
            s = "#ERROR";
            len = strlen(s);
        }
    } else if (cell->is_date) {
        int y, m, d;
        if (!kkr_xlsx_cell_date(t->x, cell, &y, &m, &d))
            return cell_fail(t, diag, cell->row, cell->col, KKR_ERR_SYNTAX,
                             "found '%.40s' in a date cell, expected a date", cell->text);
        len = (size_t)snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        s = buf;
        t->types[i] = KKR_CELL_DATE;
    } else if (cell->type == KKR_XLSX_NUMBER) {
        if (!kkr_xlsx_number_plain(cell->text, cell->len, buf, sizeof buf))
            return cell_fail(t, diag, cell->row, cell->col, KKR_ERR_SYNTAX,
                             "found '%.40s' in a number cell, expected a number like 1234.5",
                             cell->text);
        s = buf;
        len = strlen(buf);
        t->types[i] = KKR_CELL_NUMBER;
    } else if (cell->type == KKR_XLSX_BOOLEAN) {
        bool v = len == 1 && s[0] == '1';
        s = v ? "TRUE" : "FALSE";
        len = strlen(s);
        t->types[i] = KKR_CELL_BOOLEAN;
    }
    if (!put_text(t, i, s, len))
        return nomem(diag, t->path);
    for (size_t k = 0; k < len; k++)
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r' && s[k] != '\n') {
            t->row_has_value = true;
            break;
        }
    return KKR_OK;
}

enum kkr_status kkr_xlsx_read_sheet_table(struct kkr_xlsx *x, const char *sheet,
                                          const struct kkr_csv_column *columns,
                                          kkr_csv_row_fn fn, void *userdata,
                                          struct kkr_diag *diag)
{
    const char *path = kkr_xlsx_name(x);
    int index = 0;
    if (sheet) {
        index = kkr_xlsx_sheet_find(x, sheet);
        if (index < 0)
            return kkr_fail(diag, KKR_ERR_NOT_FOUND, path, 0, 0,
                            "no sheet '%s', expected one of the %zu sheets (the first is '%s')",
                            sheet, kkr_xlsx_sheet_count(x), kkr_xlsx_sheet_name(x, 0));
    }
    struct table t = {
        .x = x, .path = path, .sheet = kkr_xlsx_sheet_name(x, (size_t)index), .fn = fn,
        .userdata = userdata,
    };
    while (columns[t.column_count].names)
        t.column_count++;
    t.out = calloc(t.column_count ? t.column_count : 1, sizeof *t.out);
    if (!t.out)
        return nomem(diag, path);
    enum kkr_status st = kkr_csv_feed_new(path, columns, take_row, &t, diag, &t.feed);
    if (st == KKR_OK)
        st = kkr_xlsx_sheet_read(x, (size_t)index, take_cell, NULL, &t, diag);
    if (st == KKR_OK)
        st = flush_row(&t, diag);
    if (st == KKR_OK && !kkr_csv_feed_has_header(t.feed))
        st = kkr_fail(diag, KKR_ERR_SYNTAX, path, 0, 0,
                      "the sheet is empty, expected a header row");
    if (st != KKR_OK)
        kkr_xlsx_diag_locate(diag, path, t.sheet);
    kkr_csv_feed_free(t.feed);
    free(t.text);
    free(t.off);
    free(t.flen);
    free(t.types);
    free(t.flags);
    free(t.fields);
    free(t.out);
    return st;
}

enum kkr_status kkr_xlsx_read_table(const char *path, const struct kkr_csv_column *columns,
                                    kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                    struct kkr_warnings *warn)
{
    (void)warn;
    struct kkr_xlsx *x;
    enum kkr_status st = kkr_xlsx_open(path, &x, diag);
    if (st != KKR_OK)
        return st;
    st = kkr_xlsx_read_sheet_table(x, NULL, columns, fn, userdata, diag);
    kkr_xlsx_free(x);
    return st;
}
