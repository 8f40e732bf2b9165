/* table.c — plain-text tables laid out by display width (report, forecast, whatif) */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/table.h"
#include "kkr/text.h"

#define MAX_COLS 256

struct column {
    enum kkr_align align;
    size_t min_width;
    char *gap;                  /* NULL: one space */
};

struct span {
    size_t row, first, last;
    char *text;
};

struct kkr_table {
    size_t cols, rows, cap;
    char **cell;                /* rows * cols, NULL = empty */
    struct column col[MAX_COLS];
    struct span *spans;
    size_t span_count, span_cap;
    bool nomem;                 /* sticky: the first allocation failure */
};

struct kkr_table *kkr_table_new(size_t cols)
{
    if (cols == 0 || cols > MAX_COLS)
        return NULL;
    struct kkr_table *t = calloc(1, sizeof *t);
    if (t)
        t->cols = cols;
    return t;
}

void kkr_table_free(struct kkr_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cell[i]);
    free(t->cell);
    for (size_t c = 0; c < t->cols; c++)
        free(t->col[c].gap);
    for (size_t i = 0; i < t->span_count; i++)
        free(t->spans[i].text);
    free(t->spans);
    free(t);
}

void kkr_table_column(struct kkr_table *t, size_t col, enum kkr_align align, size_t min_width,
                      const char *gap)
{
    if (!t || t->nomem || col >= t->cols)
        return;
    struct column *c = &t->col[col];
    c->align = align;
    c->min_width = min_width;
    free(c->gap);
    c->gap = NULL;
    if (gap && !(c->gap = strdup(gap)))
        t->nomem = true;
}

void kkr_table_row(struct kkr_table *t)
{
    if (!t || t->nomem)
        return;
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **cell = cap <= SIZE_MAX / sizeof *cell / t->cols
                          ? realloc(t->cell, cap * t->cols * sizeof *cell) : NULL;
        if (!cell) {
            t->nomem = true;
            return;
        }
        t->cell = cell;
        t->cap = cap;
    }
    memset(&t->cell[t->rows * t->cols], 0, t->cols * sizeof *t->cell);
    t->rows++;
}

/* Takes ownership of s (NULL means out of memory). */
static void set_cell(struct kkr_table *t, size_t col, char *s)
{
    if (!s) {
        t->nomem = true;
        return;
    }
    char **slot = &t->cell[(t->rows - 1) * t->cols + col];
    free(*slot);
    *slot = s;
}

void kkr_table_cell(struct kkr_table *t, size_t col, const char *text)
{
    if (!t || t->nomem || t->rows == 0 || col >= t->cols)
        return;
    set_cell(t, col, strdup(text ? text : ""));
}

void kkr_table_cellf(struct kkr_table *t, size_t col, const char *fmt, ...)
{
    if (!t || t->nomem || t->rows == 0 || col >= t->cols)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    set_cell(t, col, s);
}

void kkr_table_span(struct kkr_table *t, size_t first, size_t last, const char *text)
{
    if (!t || t->nomem || t->rows == 0 || first > last || last >= t->cols)
        return;
    if (t->span_count == t->span_cap) {
        size_t cap = t->span_cap ? t->span_cap * 2 : 4;
        struct span *s = realloc(t->spans, cap * sizeof *s);
        if (!s) {
            t->nomem = true;
            return;
        }
        t->spans = s;
        t->span_cap = cap;
    }
    char *copy = strdup(text ? text : "");
    if (!copy) {
        t->nomem = true;
        return;
    }
    t->spans[t->span_count++] = (struct span){t->rows - 1, first, last, copy};
}

static size_t text_width(const char *s)
{
    return s ? kkr_utf8_width(s, strlen(s)) : 0;
}

size_t kkr_table_width(const struct kkr_table *t, size_t col)
{
    if (!t || col >= t->cols)
        return 0;
    size_t w = t->col[col].min_width;
    for (size_t r = 0; r < t->rows; r++) {
        size_t cw = text_width(t->cell[r * t->cols + col]);
        if (cw > w)
            w = cw;
    }
    return w;
}

/* A line under construction; errors stick. */
struct line {
    char *buf;
    size_t len, cap;
    bool nomem;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (l->nomem)
        return;
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 128;
        while (cap < l->len + n + 1)
            cap *= 2;
        char *b = realloc(l->buf, cap);
        if (!b) {
            l->nomem = true;
            return;
        }
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void put_spaces(struct line *l, size_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(l, spaces, k);
        n -= k;
    }
}

static const char *gap_of(const struct kkr_table *t, size_t col)
{
    return t->col[col].gap ? t->col[col].gap : " ";
}

static const struct span *span_at(const struct kkr_table *t, size_t row, size_t col)
{
    for (size_t i = 0; i < t->span_count; i++)
        if (t->spans[i].row == row && t->spans[i].first == col)
            return &t->spans[i];
    return NULL;
}

enum kkr_status kkr_table_write(const struct kkr_table *t, FILE *out, struct kkr_diag *diag)
{
    if (!t || t->nomem)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t width[MAX_COLS];
    for (size_t c = 0; c < t->cols; c++)
        width[c] = kkr_table_width(t, c);
    struct line l = {0};
    for (size_t r = 0; r < t->rows && !l.nomem; r++) {
        l.len = 0;
        for (size_t c = 0; c < t->cols; c++) {
            const struct span *sp = span_at(t, r, c);
            if (sp) {
                /* the span takes the place of its columns and their gaps */
                size_t w = 0;
                for (size_t k = sp->first; k <= sp->last; k++)
                    w += (k > 0 ? text_width(gap_of(t, k)) : 0) + width[k];
                size_t tw = text_width(sp->text);
                size_t left = w > tw ? (w - tw + 1) / 2 : 0;
                put_spaces(&l, left);
                put(&l, sp->text, strlen(sp->text));
                put_spaces(&l, w > tw + left ? w - tw - left : 0);
                c = sp->last;
                continue;
            }
            if (c > 0)
                put(&l, gap_of(t, c), strlen(gap_of(t, c)));
            const char *s = t->cell[r * t->cols + c];
            size_t w = text_width(s), padding = width[c] > w ? width[c] - w : 0;
            if (t->col[c].align == KKR_ALIGN_RIGHT)
                put_spaces(&l, padding);
            if (s)
                put(&l, s, strlen(s));
            if (t->col[c].align == KKR_ALIGN_LEFT)
                put_spaces(&l, padding);
        }
        while (l.len > 0 && l.buf[l.len - 1] == ' ')
            l.len--;
        put(&l, "\n", 1);
        if (!l.nomem)
            fwrite(l.buf, 1, l.len, out);
    }
    bool nomem = l.nomem;
    free(l.buf);
    if (nomem)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the table");
    return KKR_OK;
}

size_t kkr_text_write_wrapped_from(FILE *out, const char *p, size_t n, size_t width,
                                   size_t col, size_t indent)
{
    const char *stop = p + n;
    size_t start = col;   /* a line's first word needs no space before it */
    while (p < stop && *p == ' ')
        p++;
    while (p < stop) {
        const char *end = memchr(p, ' ', (size_t)(stop - p));
        size_t len = end ? (size_t)(end - p) : (size_t)(stop - p);
        size_t w = kkr_utf8_width(p, len);
        if (col > start && col + 1 + w > width) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = start = indent;
        } else if (col > start) {
            fputc(' ', out);
            col++;
        }
        for (size_t i = 0; i < len; i++) {
            if (p[i] == '\xc2' && i + 1 < len && p[i + 1] == '\xa0') {
                fputc(' ', out);
                i++;
            } else {
                fputc(p[i], out);
            }
        }
        col += w;
        p += len;
        while (p < stop && *p == ' ')
            p++;
    }
    return col;
}

void kkr_text_write_wrapped(FILE *out, const char *p, size_t width)
{
    kkr_text_write_wrapped_from(out, p, strlen(p), width, 0, 0);
    fputc('\n', out);
}

size_t kkr_table_indent(int depth)
{
    enum { MAX_INDENT = 12 };
    return 2 * (size_t)(depth < 0 ? 0 : depth < MAX_INDENT ? depth : MAX_INDENT);
}

void kkr_text_write_comment(FILE *out, size_t width, const char *head, const char *comment)
{
    fputs(head, out);
    size_t col = kkr_utf8_width(head, strlen(head)), n = strlen(comment);
    char *text = malloc(n + 1);
    if (!text) {   /* out of memory: the comment as it is, unwrapped */
        fprintf(out, "%s\n", comment);
        return;
    }
    memcpy(text, comment, n + 1);
    for (char *p = text; *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\r' && *p != '\n') || *p == 0x7f)
            *p = ' ';
    for (const char *p = text;;) {
        size_t len = strcspn(p, "\r\n");
        if (col + kkr_utf8_width(p, len) <= width)
            fwrite(p, 1, len, out);   /* as written, its spaces too */
        else
            kkr_text_write_wrapped_from(out, p, len, width, col, 4);
        p += len;
        if (!*p)
            break;
        p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
        fputs("\n    ", out);
        col = 4;
    }
    fputc('\n', out);
    free(text);
}
