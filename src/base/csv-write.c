/* csv-write.c — CSV out: fields quoted when needed, formulas neutralised, errors that stick */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"
#include "kkr/money.h"

static bool formula_like(const char *s)
{
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
           s[0] == '\r';
}

const char *kkr_csv_safe_text(const char *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", formula_like(s) ? "'" : "", s);
    return buf;
}

/* One field: the apostrophe first when safe and formula-like; quoted (quotes doubled) when it
 * holds the delimiter, a quote, CR or LF. Written straight to the stream: nothing to allocate,
 * so nothing that could fail and drop the field. */
static void put_field(FILE *out, const char *s, char delim, bool safe)
{
    bool apostrophe = safe && formula_like(s);
    bool quote = false;
    for (const char *p = s; *p && !quote; p++)
        quote = *p == delim || *p == '"' || *p == '\n' || *p == '\r';
    if (!quote) {
        if (apostrophe)
            fputc('\'', out);
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (apostrophe)
        fputc('\'', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

void kkr_csv_write_text(FILE *out, const char *s, char delim)
{
    put_field(out, s, delim, true);
}

/* ---- the writer ---- */

struct kkr_csv_writer {
    FILE *out;
    struct kkr_csv_write_options opt;
    enum kkr_status status;
    size_t fields;          /* in the current row */
};

static struct kkr_csv_writer nomem_writer = {NULL, {';', true, "\n"}, KKR_ERR_NOMEM, 0};

void kkr_csv_write_options_init(struct kkr_csv_write_options *opt)
{
    opt->delim = ';';
    opt->decimal_comma = true;
    opt->eol = "\n";
}

struct kkr_csv_writer *kkr_csv_writer_new(FILE *out, const struct kkr_csv_write_options *opt)
{
    struct kkr_csv_writer *w = calloc(1, sizeof *w);
    if (!w)
        return &nomem_writer;
    w->out = out;
    if (opt)
        w->opt = *opt;
    else
        kkr_csv_write_options_init(&w->opt);
    if (!w->opt.eol)
        w->opt.eol = "\n";
    w->status = KKR_OK;
    return w;
}

void kkr_csv_writer_free(struct kkr_csv_writer *w)
{
    if (w && w != &nomem_writer)
        free(w);
}

enum kkr_status kkr_csv_writer_status(const struct kkr_csv_writer *w)
{
    return w->status;
}

static bool field_begin(struct kkr_csv_writer *w)
{
    if (w->status != KKR_OK)
        return false;
    if (w->fields++)
        fputc(w->opt.delim, w->out);
    return true;
}

void kkr_csv_writer_text(struct kkr_csv_writer *w, const char *s)
{
    if (field_begin(w))
        put_field(w->out, s ? s : "", w->opt.delim, true);
}

void kkr_csv_writer_plain(struct kkr_csv_writer *w, const char *s)
{
    if (field_begin(w))
        put_field(w->out, s ? s : "", w->opt.delim, false);
}

void kkr_csv_writer_ore(struct kkr_csv_writer *w, int64_t ore)
{
    char buf[64];
    kkr_money_format_exact(buf, sizeof buf, ore,
                           w->opt.decimal_comma ? &KKR_STYLE_EXCEL : &KKR_STYLE_PLAIN);
    kkr_csv_writer_plain(w, buf);
}

void kkr_csv_writer_int(struct kkr_csv_writer *w, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    kkr_csv_writer_plain(w, buf);
}

void kkr_csv_writer_end_row(struct kkr_csv_writer *w)
{
    if (w->status != KKR_OK)
        return;
    fputs(w->opt.eol, w->out);
    w->fields = 0;
}

enum kkr_status kkr_csv_writer_finish(struct kkr_csv_writer *w, struct kkr_diag *diag)
{
    if (w->status == KKR_OK && w->fields)
        w->status = KKR_ERR_USAGE;
    if (w->status == KKR_OK && (fflush(w->out) != 0 || ferror(w->out)))
        w->status = KKR_ERR_IO;
    switch (w->status) {
    case KKR_OK:
        return KKR_OK;
    case KKR_ERR_NOMEM:
        return kkr_fail(diag, w->status, NULL, 0, 0, "out of memory");
    case KKR_ERR_USAGE:
        return kkr_fail(diag, w->status, NULL, 0, 0, "a CSV row left unfinished");
    default:
        return kkr_fail(diag, w->status, NULL, 0, 0, "write error");
    }
}
