/* sheet.c — the sheet model: tables with titles, columns, outline levels and notes */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/sheet.h"

void kkr_sheet_doc_init(struct kkr_sheet_doc *doc)
{
    memset(doc, 0, sizeof *doc);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void sheet_free(struct kkr_sheet *s)
{
    if (!s)
        return;
    free(s->name);
    free_strings(s->title, s->title_count);
    free_strings(s->notes, s->note_count);
    for (size_t r = 0; r < s->row_count; r++)
        free_strings(s->rows[r].cells, s->col_count);
    free(s->rows);
    for (size_t c = 0; c < s->col_count; c++) {
        free(s->cols[c].heading);
        free(s->cols[c].group);
        free(s->cols[c].hint);
    }
    free(s->cols);
    free(s);
}

void kkr_sheet_doc_release(struct kkr_sheet_doc *doc)
{
    for (size_t i = 0; i < doc->sheet_count; i++)
        sheet_free(doc->sheets[i]);
    free(doc->sheets);
    free(doc->title);
    free(doc->author);
    memset(doc, 0, sizeof *doc);
}

static char *dup_or_fail(struct kkr_sheet_doc *doc, const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        doc->failed = true;
    return d;
}

void kkr_sheet_doc_set_info(struct kkr_sheet_doc *doc, const char *title, const char *author,
                            time_t created)
{
    free(doc->title);
    free(doc->author);
    doc->title = dup_or_fail(doc, title);
    doc->author = dup_or_fail(doc, author);
    doc->created = created;
}

time_t kkr_sheet_doc_date(int year, int period)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && v >= 0)
            return (time_t)v;
    }
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = (period >= 1 && period <= 12 ? period : 1) - 1;
    tm.tm_mday = 1;
    return timegm(&tm);
}

struct kkr_sheet *kkr_sheet_add(struct kkr_sheet_doc *doc, const char *name)
{
    struct kkr_sheet **v = realloc(doc->sheets, (doc->sheet_count + 1) * sizeof *v);
    struct kkr_sheet *s = calloc(1, sizeof *s);
    if (v)
        doc->sheets = v;
    if (!v || !s || !(s->name = strdup(name))) {
        free(s);
        doc->failed = true;
        return NULL;
    }
    s->freeze_cols = 1;
    s->indent_col = 0;
    doc->sheets[doc->sheet_count++] = s;
    return s;
}

static void add_line(struct kkr_sheet_doc *doc, char ***lines, size_t *count, const char *fmt,
                     va_list ap)
{
    char *text;
    if (vasprintf(&text, fmt, ap) < 0) {
        doc->failed = true;
        return;
    }
    char **v = realloc(*lines, (*count + 1) * sizeof *v);
    if (!v) {
        free(text);
        doc->failed = true;
        return;
    }
    *lines = v;
    v[(*count)++] = text;
}

void kkr_sheet_add_title(struct kkr_sheet_doc *doc, struct kkr_sheet *s, const char *fmt, ...)
{
    if (!s)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_line(doc, &s->title, &s->title_count, fmt, ap);
    va_end(ap);
}

void kkr_sheet_add_note(struct kkr_sheet_doc *doc, struct kkr_sheet *s, const char *fmt, ...)
{
    if (!s)
        return;
    va_list ap;
    va_start(ap, fmt);
    add_line(doc, &s->notes, &s->note_count, fmt, ap);
    va_end(ap);
}

struct kkr_sheet_column *kkr_sheet_add_column(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                              const char *heading, const char *group,
                                              bool number)
{
    if (!s)
        return NULL;
    if (s->row_count) { /* columns come first */
        doc->failed = true;
        return NULL;
    }
    struct kkr_sheet_column *v = realloc(s->cols, (s->col_count + 1) * sizeof *v);
    if (!v) {
        doc->failed = true;
        return NULL;
    }
    s->cols = v;
    struct kkr_sheet_column *c = &v[s->col_count++];
    memset(c, 0, sizeof *c);
    c->heading = dup_or_fail(doc, heading ? heading : "");
    c->group = dup_or_fail(doc, group);
    c->number = number;
    return c;
}

struct kkr_sheet_row *kkr_sheet_add_row(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                        int level, bool bold)
{
    if (!s)
        return NULL;
    if (s->row_count == s->row_cap) {
        size_t cap = s->row_cap ? 2 * s->row_cap : 64;
        struct kkr_sheet_row *v = realloc(s->rows, cap * sizeof *v);
        if (!v) {
            doc->failed = true;
            return NULL;
        }
        s->rows = v;
        s->row_cap = cap;
    }
    char **cells = calloc(s->col_count ? s->col_count : 1, sizeof *cells);
    if (!cells) {
        doc->failed = true;
        return NULL;
    }
    struct kkr_sheet_row *r = &s->rows[s->row_count++];
    r->cells = cells;
    r->level = level;
    r->bold = bold;
    return r;
}

void kkr_sheet_set(struct kkr_sheet_doc *doc, struct kkr_sheet_row *row, size_t col,
                   const char *text)
{
    if (!row)
        return;
    free(row->cells[col]);
    row->cells[col] = dup_or_fail(doc, text ? text : "");
}

/* ---- from kkr's own CSV ---- */

/* Splits one record at *pos into fields (malloc'd); returns the field count, 0 at the end,
 * -1 on an unterminated quote. */
static long csv_record(const char *s, size_t len, size_t *pos, char ***out)
{
    size_t i = *pos;
    if (i >= len)
        return 0;
    char **fields = NULL;
    long n = 0;
    for (;;) {
        char *buf = malloc(len - i + 1);
        size_t b = 0;
        if (!buf)
            goto fail;
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    free(buf);
                    goto fail;
                }
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        buf[b++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                buf[b++] = s[i++];
            }
        }
        while (i < len && s[i] != ';' && s[i] != '\n')
            buf[b++] = s[i++];
        if (b && buf[b - 1] == '\r')
            b--;
        buf[b] = '\0';
        /* the formula-safe apostrophe of kkr_csv_safe_text: the xlsx cell is text anyway */
        if (buf[0] == '\'' && strchr("=+-@\t\r", buf[1]) && buf[1])
            memmove(buf, buf + 1, b);
        char **v = realloc(fields, (size_t)(n + 1) * sizeof *v);
        if (!v) {
            free(buf);
            goto fail;
        }
        fields = v;
        fields[n++] = buf;
        if (i >= len || s[i] == '\n') {
            if (i < len)
                i++;
            break;
        }
        i++; /* ';' */
    }
    *pos = i;
    *out = fields;
    return n;
fail:
    free_strings(fields, (size_t)n);
    return -1;
}

static bool plain_decimal(const char *s)
{
    if (*s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static bool in_list(const char *list, const char *name)
{
    if (!list)
        return false;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && memcmp(p, name, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

enum kkr_status kkr_sheet_from_csv(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                   const char *csv, size_t len, const char *text_columns,
                                   int (*level_of)(void *ctx, char *const *fields, size_t n),
                                   void *ctx, struct kkr_diag *diag)
{
    if (!s)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t pos = 0;
    if (len >= 3 && memcmp(csv, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    char **head = NULL;
    long nh = csv_record(csv, len, &pos, &head);
    if (nh <= 0)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no table to write");
    size_t first_col = s->col_count;
    for (long c = 0; c < nh; c++)
        kkr_sheet_add_column(doc, s, head[c], NULL, !in_list(text_columns, head[c]));
    size_t first_row = s->row_count;
    enum kkr_status st = KKR_OK;
    for (;;) {
        char **f = NULL;
        long n = csv_record(csv, len, &pos, &f);
        if (n == 0)
            break;
        if (n < 0) {
            st = kkr_fail(diag, KKR_ERR_SYNTAX, NULL, 0, 0, "unterminated quote in a table");
            break;
        }
        if (n == 1 && f[0][0] == '\0') { /* an empty line */
            free_strings(f, 1);
            continue;
        }
        struct kkr_sheet_row *row =
            kkr_sheet_add_row(doc, s, level_of ? level_of(ctx, f, (size_t)n) : 0, false);
        for (long c = 0; row && c < n && c < nh; c++) {
            row->cells[first_col + (size_t)c] = f[c];
            f[c] = NULL;
        }
        free_strings(f, (size_t)n);
    }
    /* a column is a number column only when all its fields are numbers */
    for (long c = 0; c < nh && st == KKR_OK; c++) {
        struct kkr_sheet_column *col = &s->cols[first_col + (size_t)c];
        for (size_t r = first_row; col->number && r < s->row_count; r++) {
            const char *t = s->rows[r].cells[first_col + (size_t)c];
            if (t && t[0] && !plain_decimal(t))
                col->number = false;
        }
    }
    free_strings(head, (size_t)nh);
    if (st == KKR_OK && doc->failed)
        st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return st;
}
