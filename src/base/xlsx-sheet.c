/* xlsx-sheet.c — one .xlsx sheet streamed cell by cell; cell references */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#include "xlsx-private.h"

/* ---- cell references ---- */

void kkr_xlsx_cell_name(long row, long col, char *buf, size_t size)
{
    char letters[8];
    int n = 0;
    for (long c = col; c > 0 && n < 7; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char rev[8];
    for (int i = 0; i < n; i++)
        rev[i] = letters[n - 1 - i];
    rev[n] = '\0';
    char full[40];
    snprintf(full, sizeof full, "%s%ld", rev, row);
    snprintf(buf, size, "%s", full);
}

/* "C7" -> column 3, row 7; false on anything else. A reference may lack the row ("C"). */
static bool parse_ref(const char *s, long *row, long *col)
{
    long c = 0, r = 0;
    size_t i = 0;
    while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) {
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
        if (c > MAX_COLUMNS)
            return false;
        i++;
    }
    if (i == 0)
        return false;
    size_t digits_at = i;
    while (s[i] >= '0' && s[i] <= '9') {
        r = r * 10 + (s[i] - '0');
        if (r > MAX_ROWS)
            return false;
        i++;
    }
    if (s[i] || (i > digits_at && r == 0))
        return false;
    *col = c;
    *row = i > digits_at ? r : 0;
    return true;
}

static bool parse_row_number(const char *s, long *row)
{
    long r = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        r = r * 10 + (*s - '0');
        if (r > MAX_ROWS)
            return false;
    }
    if (r == 0)
        return false;
    *row = r;
    return true;
}

/* ---- a sheet, streamed ---- */

enum cell_part { IN_NONE, IN_V, IN_IS_T };

struct sheet_ctx {
    struct part_ctx pc;
    const char *sheet;
    kkr_xlsx_cell_fn cell_fn;
    kkr_xlsx_row_fn row_fn;
    void *userdata;

    bool in_data;           /* inside <sheetData> */
    bool in_row, in_cell, in_is;
    int phonetic;           /* inside <rPh> of an inline string */
    enum cell_part collect;
    long row, last_row;     /* the current row; the row before it */
    long col;               /* the current cell's column; the last one of the row */
    bool row_had_cells;

    struct kkr_xlsx_cell cell;
    const char *t;          /* the t attribute while in a cell (copied into type) */
    long style;
    bool has_v;
    char *text;
    size_t len, cap;
};

static enum kkr_status sheet_fail(struct sheet_ctx *sc, enum kkr_status st, const char *ref,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum kkr_status sheet_fail(struct sheet_ctx *sc, enum kkr_status st, const char *ref,
                                  const char *fmt, ...)
{
    char loc[600], msg[1024];
    snprintf(loc, sizeof loc, "%s:%s%s%s", sc->pc.x->name, sc->sheet, ref ? "!" : "",
             ref ? ref : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kkr_fail(sc->pc.diag, st, loc, 0, 0, "%s", msg);
}

static void sheet_stop(struct sheet_ctx *sc, enum kkr_status st)
{
    xlsx_stop(&sc->pc, st);
}

static void begin_row(struct sheet_ctx *sc, const char **atts)
{
    const char *r = xlsx_attr(atts, "r");
    long row = sc->last_row + 1;
    if (r && !parse_row_number(r, &row)) {
        char ref[48];
        snprintf(ref, sizeof ref, "%ld:%ld", sc->last_row + 1, sc->last_row + 1);
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, ref,
                                  "row number '%.20s', expected 1..%ld", r, MAX_ROWS));
        return;
    }
    if (row > MAX_ROWS) {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, NULL, "more than %ld rows", MAX_ROWS));
        return;
    }
    sc->in_row = true;
    sc->row = row;
    sc->col = 0;
    sc->row_had_cells = false;
}

static void end_row(struct sheet_ctx *sc)
{
    sc->in_row = false;
    sc->last_row = sc->row;
    if (sc->row_had_cells && sc->row_fn) {
        enum kkr_status st = sc->row_fn(sc->userdata, sc->row, sc->pc.diag);
        if (st != KKR_OK)
            sheet_stop(sc, st);
    }
}

static void begin_cell(struct sheet_ctx *sc, const char **atts)
{
    if (!sc->in_row) { /* a <c> outside <row>: start an implied row */
        static const char *none[] = {NULL};
        begin_row(sc, none);
        if (sc->pc.status != KKR_OK)
            return;
    }
    const char *r = xlsx_attr(atts, "r");
    long row = sc->row, col = sc->col + 1;
    if (r) {
        long rr;
        if (!parse_ref(r, &rr, &col)) {
            char ref[16];
            kkr_xlsx_cell_name(sc->row, sc->col + 1, ref, sizeof ref);
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, ref,
                                      "cell reference '%.20s', expected a column A..XFD and "
                                      "a row 1..%ld",
                                      r, MAX_ROWS));
            return;
        }
        if (rr)
            row = rr;
    }
    if (col > MAX_COLUMNS) {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, NULL, "more than %ld columns",
                                  MAX_COLUMNS));
        return;
    }
    sc->in_cell = true;
    sc->col = col;
    sc->cell.row = row;
    sc->cell.col = col;
    kkr_xlsx_cell_name(row, col, sc->cell.ref, sizeof sc->cell.ref);
    sc->cell.formula = false;
    sc->has_v = false;
    sc->len = 0;
    const char *t = xlsx_attr(atts, "t");
    enum kkr_xlsx_type type = KKR_XLSX_NUMBER;
    if (!t || strcmp(t, "n") == 0)
        type = KKR_XLSX_NUMBER;
    else if (strcmp(t, "s") == 0)
        type = KKR_XLSX_SHARED_STRING;
    else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0)
        type = KKR_XLSX_INLINE_STRING;
    else if (strcmp(t, "b") == 0)
        type = KKR_XLSX_BOOLEAN;
    else if (strcmp(t, "e") == 0)
        type = KKR_XLSX_ERROR;
    else if (strcmp(t, "d") == 0)
        type = KKR_XLSX_DATE;
    else {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, sc->cell.ref,
                                  "cell type '%.20s', expected n, s, str, inlineStr, b, e or d",
                                  t));
        return;
    }
    sc->cell.type = type;
    const char *s = xlsx_attr(atts, "s");
    sc->style = s ? atol(s) : 0;
}

static bool text_append(struct sheet_ctx *sc, const char *s, size_t len)
{
    if (!xlsx_grow((void **)&sc->text, &sc->cap, sc->len + len + 1, 1))
        return false;
    memcpy(sc->text + sc->len, s, len);
    sc->len += len;
    return true;
}

static void end_cell(struct sheet_ctx *sc)
{
    struct kkr_xlsx *x = sc->pc.x;
    struct kkr_xlsx_cell *c = &sc->cell;
    sc->in_cell = false;
    if (!text_append(sc, "", 0)) {
        sheet_stop(sc, xlsx_nomem(sc->pc.diag, x->name));
        return;
    }
    sc->text[sc->len] = '\0';
    /* openpyxl and others write a formula never calculated as <f>..</f><v></v>: an empty
     * cached value is none, except for a text result (t="str"), which may be empty */
    c->has_value = sc->has_v && !(c->formula && sc->len == 0 &&
                                  c->type != KKR_XLSX_INLINE_STRING);
    c->text = sc->text;
    c->len = sc->len;
    if (!sc->has_v && !c->formula)
        return; /* a styled empty cell */
    if (c->type == KKR_XLSX_SHARED_STRING && sc->has_v) {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(sc->text, &end, 10);
        if (end == sc->text || *end || errno || sc->text[0] == '-') {
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, c->ref,
                                      "shared string index '%.30s', expected a number below %zu",
                                      sc->text, x->sst_count));
            return;
        }
        if (i >= x->sst_count) {
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, c->ref,
                                      "shared string %llu out of range, expected an index below "
                                      "%zu (the file has %zu shared strings)",
                                      i, x->sst_count, x->sst_count));
            return;
        }
        c->text = x->sst_text + x->sst_off[i];
        c->len = (i + 1 < x->sst_count ? x->sst_off[i + 1] : x->sst_len) - x->sst_off[i] - 1;
    } else if (c->type == KKR_XLSX_INLINE_STRING) {
        c->len = xlsx_unescape_ooxml(sc->text, sc->len);
    }
    c->is_date = c->type == KKR_XLSX_DATE ||
                 (c->type == KKR_XLSX_NUMBER && sc->style > 0 && (size_t)sc->style < x->xf_count &&
                  x->xf_date[sc->style]);
    sc->row_had_cells = true;
    enum kkr_status st = sc->cell_fn(sc->userdata, c, sc->pc.diag);
    if (st != KKR_OK)
        sheet_stop(sc, st);
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sheet_ctx *sc = ud;
    if (sc->pc.status != KKR_OK)
        return;
    const char *n = xlsx_local(name);
    if (!sc->in_data) {
        if (strcmp(n, "sheetData") == 0)
            sc->in_data = true;
        return;
    }
    if (sc->in_cell) {
        if (strcmp(n, "v") == 0) {
            sc->collect = IN_V;
            sc->has_v = true;
            sc->len = 0;
        } else if (strcmp(n, "f") == 0) {
            sc->cell.formula = true;
        } else if (strcmp(n, "is") == 0) {
            sc->in_is = true;
            sc->has_v = true;
            sc->len = 0;
        } else if (strcmp(n, "rPh") == 0) {
            sc->phonetic++;
        } else if (strcmp(n, "t") == 0 && sc->in_is && !sc->phonetic) {
            sc->collect = IN_IS_T;
        }
    } else if (strcmp(n, "c") == 0) {
        begin_cell(sc, atts);
    } else if (strcmp(n, "row") == 0) {
        begin_row(sc, atts);
    }
}

static void sheet_end(void *ud, const XML_Char *name)
{
    struct sheet_ctx *sc = ud;
    if (sc->pc.status != KKR_OK || !sc->in_data)
        return;
    const char *n = xlsx_local(name);
    if (sc->in_cell) {
        if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)
            sc->collect = IN_NONE;
        else if (strcmp(n, "is") == 0)
            sc->in_is = false;
        else if (strcmp(n, "rPh") == 0)
            sc->phonetic--;
        else if (strcmp(n, "c") == 0)
            end_cell(sc);
    } else if (strcmp(n, "row") == 0) {
        end_row(sc);
    } else if (strcmp(n, "sheetData") == 0) {
        sc->in_data = false;
    }
}

static void sheet_chars(void *ud, const XML_Char *s, int len)
{
    struct sheet_ctx *sc = ud;
    if (sc->collect != IN_NONE && !text_append(sc, s, (size_t)len))
        sheet_stop(sc, xlsx_nomem(sc->pc.diag, sc->pc.x->name));
}

enum kkr_status kkr_xlsx_sheet_read(struct kkr_xlsx *x, size_t index, kkr_xlsx_cell_fn cell_fn,
                                    kkr_xlsx_row_fn row_fn, void *userdata,
                                    struct kkr_diag *diag)
{
    if (index >= x->sheet_count)
        return kkr_fail(diag, KKR_ERR_NOT_FOUND, x->name, 0, 0,
                        "no sheet %zu, expected one of the %zu sheets", index + 1,
                        x->sheet_count);
    const struct sheet *sh = &x->sheets[index];
    char loc[600];
    snprintf(loc, sizeof loc, "%s:%s", x->name, sh->name);
    if (!sh->part)
        return kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0,
                        "the sheet has no part in the workbook's relations, expected a "
                        "worksheet");
    if (!sh->worksheet)
        return kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                        "is a chart or dialog sheet, expected a worksheet with cells");
    struct sheet_ctx sc = {
        .pc = {.x = x, .diag = diag, .status = KKR_OK, .sheet = sh->name},
        .sheet = sh->name, .cell_fn = cell_fn, .row_fn = row_fn, .userdata = userdata,
    };
    XML_Parser p = xlsx_new_parser(&sc.pc);
    if (!p)
        return xlsx_nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(p, sheet_chars);
    enum kkr_status st = xlsx_parse_part(x, sh->part, p, &sc.pc, false, diag);
    XML_ParserFree(p);
    free(sc.text);
    return st;
}
