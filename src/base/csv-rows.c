/* csv-rows.c — CSV records into rows: fields, the header matched to the columns, feeds */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "kkr/csv.h"
#include "kkr/text.h"

#include "csv-private.h"

void record_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->status != KKR_OK)
        return;
    if (r->field_count == 0) /* (a quoted first field may end lines later) */
        r->row_line = r->record_start ? r->record_start : r->line;
    if (r->field_count == r->field_cap) {
        size_t cap = r->field_cap ? r->field_cap * 2 : 16;
        size_t *off = realloc(r->field_off, cap * sizeof *off);
        if (off)
            r->field_off = off;
        size_t *ln = realloc(r->field_len, cap * sizeof *ln);
        if (ln)
            r->field_len = ln;
        if (!off || !ln) {
            r->status = kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0, "out of memory");
            return;
        }
        r->field_cap = cap;
    }
    if (r->text_len + len + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 256;
        while (cap < r->text_len + len + 1)
            cap *= 2;
        char *t = realloc(r->text, cap);
        if (!t) {
            r->status = kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0, "out of memory");
            return;
        }
        r->text = t;
        r->text_cap = cap;
    }
    const char *src = s ? s : "";
    kkr_text_trim(&src, &len);
    /* the apostrophe kkr's own CSV writers put before = + - @ tab CR (formula injection,
     * kkr_csv_safe_text) is not part of the text: kkr reads its snapshots and utfall back */
    if (len >= 2 && src[0] == '\'' && strchr("=+-@\t\r", src[1])) {
        src++;
        len--;
    }
    memcpy(r->text + r->text_len, src, len);
    r->text[r->text_len + len] = '\0';
    r->field_off[r->field_count] = r->text_len;
    r->field_len[r->field_count] = len;
    r->text_len += len + 1;
    r->field_count++;
}

/* Lists the first alias of every column, for messages: "kod;namn;överordnad". */
void expected_columns(const struct reader *r, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < r->column_count; c++) {
        const char *names = r->columns[c].names;
        size_t n = strcspn(names, "|");
        int w = snprintf(buf + pos, size - pos, "%s%.*s", c ? ";" : "", (int)n, names);
        if (w < 0 || (size_t)w >= size - pos)
            break;
        pos += (size_t)w;
    }
}

bool kkr_csv_name_matches(const char *aliases, const char *name, size_t len)
{
    while (*aliases) {
        size_t n = strcspn(aliases, "|");
        if (kkr_text_equal_fold(name, len, aliases, n))
            return true;
        aliases += n;
        if (*aliases == '|')
            aliases++;
    }
    return false;
}

static int match_column(const struct reader *r, const char *s, size_t len)
{
    for (size_t c = 0; c < r->column_count; c++)
        if (kkr_csv_name_matches(r->columns[c].names, s, len))
            return (int)c;
    return -1;
}

/* The header is matched: where each column the schema reads lies in a row. */
static void header_matched(struct reader *r)
{
    r->max_column = 0;
    r->placed_count = 0;
    free(r->placed);
    r->placed = malloc((r->column_count ? r->column_count : 1) * sizeof *r->placed);
    if (!r->placed) {
        r->status = kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->row_line, 0, "out of memory");
        return;
    }
    for (size_t c = 0; c < r->column_count; c++) {
        long col = r->source_column[c];
        if (col > r->max_column)
            r->max_column = col;
        if (col)
            r->placed[r->placed_count++] = (struct placed){c, (size_t)col - 1};
        r->out_fields[c] = (struct kkr_csv_field){"", 0, KKR_CELL_TEXT};
    }
    r->row = (struct kkr_csv_row){.fields = r->out_fields, .columns = r->source_column,
                                  .field_count = r->column_count, .path = r->name};
    r->header_fields = r->field_count;
    r->header_done = true;
}

/* The header matched by the caller's rule (kkr_csv_options.match_header). */
static void take_header_by(struct reader *r)
{
    for (size_t i = 0; i < r->field_count; i++)
        r->map[i] = -1;
    struct kkr_csv_field *names = calloc(r->field_count ? r->field_count : 1, sizeof *names);
    if (!names) {
        r->status = kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->row_line, 0, "out of memory");
        return;
    }
    for (size_t i = 0; i < r->field_count; i++)
        names[i] = (struct kkr_csv_field){r->text + r->field_off[i], r->field_len[i],
                                          KKR_CELL_TEXT};
    r->status = r->match_header(r->userdata, r->name, r->row_line, names, r->field_count,
                                r->source_column, r->diag);
    free(names);
    if (r->status != KKR_OK)
        return;
    for (size_t c = 0; c < r->column_count; c++) {
        long col = r->source_column[c];
        if (col < 0 || col > (long)r->field_count || (col && r->map[col - 1] >= 0)) {
            r->status = kkr_fail(r->diag, KKR_ERR_USAGE, r->name, r->row_line, col,
                                 "header matched to column %ld twice or out of range", col);
            return;
        }
        if (col)
            r->map[col - 1] = (int)c;
    }
    header_matched(r);
}

static void take_header(struct reader *r)
{
    char expected[256];
    if (r->field_count > MAX_HEADER_FIELDS) {
        r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->row_line, 0,
                             "header has %zu columns, at most %d are read", r->field_count,
                             MAX_HEADER_FIELDS);
        return;
    }
    if (r->match_header) {
        take_header_by(r);
        return;
    }
    for (size_t i = 0; i < r->field_count; i++) {
        const char *s = r->text + r->field_off[i];
        int c = match_column(r, s, r->field_len[i]);
        r->map[i] = c;
        if (c < 0)
            continue;
        if (r->source_column[c]) {
            r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->row_line, (long)i + 1,
                                 "column '%s' appears twice in the header (also column %ld)", s,
                                 r->source_column[c]);
            return;
        }
        r->source_column[c] = (long)i + 1;
    }
    for (size_t c = 0; c < r->column_count; c++) {
        if (r->columns[c].required && !r->source_column[c]) {
            size_t n = strcspn(r->columns[c].names, "|");
            expected_columns(r, expected, sizeof expected);
            r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->row_line, 0,
                                 "missing column '%.*s' in the header, expected '%s'", (int)n,
                                 r->columns[c].names, expected);
            return;
        }
    }
    header_matched(r);
}

void record_end(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (r->status != KKR_OK) {
        r->field_count = 0;
        r->text_len = 0;
        return;
    }
    if (!r->header_done) {
        take_header(r);
        if (r->header_only)
            r->stop = true;
        goto done;
    }
    bool all_empty = true;
    for (size_t i = 0; i < r->field_count; i++)
        if (r->field_len[i])
            all_empty = false;
    if (all_empty)
        goto done;
    if (r->field_count > r->header_fields) {
        /* trailing empty fields are what Excel leaves after a deleted column: tolerate them */
        for (size_t i = r->header_fields; i < r->field_count; i++) {
            if (r->field_len[i]) {
                char hint[40] = "";
                if (r->delim == '\t')
                    snprintf(hint, sizeof hint, " (an unquoted tab in a text?)");
                else if (r->delim)
                    snprintf(hint, sizeof hint, " (an unquoted '%c' in a text?)", r->delim);
                r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->row_line, (long)i + 1,
                                     "found %zu fields, expected %zu as in the header%s",
                                     r->field_count, r->header_fields, hint);
                goto done;
            }
        }
    }
    for (size_t c2 = 0; c2 < r->column_count; c2++) {
        r->out_fields[c2].text = "";
        r->out_fields[c2].len = 0;
    }
    for (size_t i = 0; i < r->field_count && i < r->header_fields; i++) {
        int c2 = r->map[i];
        if (c2 >= 0) {
            r->out_fields[c2].text = r->text + r->field_off[i];
            r->out_fields[c2].len = r->field_len[i];
        }
    }
    for (size_t c2 = 0; c2 < r->column_count; c2++) {
        long col = r->source_column[c2];
        if (r->columns[c2].required && col > (long)r->field_count) {
            size_t n = strcspn(r->columns[c2].names, "|");
            r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->row_line, col,
                                 "found %zu fields, expected %zu as in the header (no '%.*s')",
                                 r->field_count, r->header_fields, (int)n, r->columns[c2].names);
            goto done;
        }
    }
    struct kkr_csv_row row = {
        .fields = r->out_fields,
        .columns = r->source_column,
        .field_count = r->column_count,
        .line = r->row_line,
        .path = r->name,
    };
    if (r->from_fast)
        r->fast_rows++;
    else
        r->slow_rows++;
    r->status = r->fn(r->userdata, &row, r->diag);
done:
    r->last_end_line = r->line;
    r->field_count = 0;
    r->text_len = 0;
}

/* ---- rows from another source (xlsx sheets) ---- */

struct kkr_csv_feed {
    struct reader r;
};

enum kkr_status kkr_csv_feed_new(const char *name, const struct kkr_csv_column *columns,
                                 kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                 struct kkr_csv_feed **out)
{
    *out = NULL;
    struct kkr_csv_feed *feed = calloc(1, sizeof *feed);
    if (!feed)
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    struct reader *r = &feed->r;
    *r = (struct reader){
        .name = name, .columns = columns, .fn = fn, .userdata = userdata, .diag = diag,
        .status = KKR_OK,
    };
    while (columns[r->column_count].names)
        r->column_count++;
    r->source_column = calloc(r->column_count ? r->column_count : 1, sizeof *r->source_column);
    r->out_fields = calloc(r->column_count ? r->column_count : 1, sizeof *r->out_fields);
    if (!r->source_column || !r->out_fields) {
        kkr_csv_feed_free(feed);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    *out = feed;
    return KKR_OK;
}

enum kkr_status kkr_csv_feed_row(struct kkr_csv_feed *feed, long line,
                                 const struct kkr_csv_field *fields, size_t count)
{
    struct reader *r = &feed->r;
    if (r->status != KKR_OK)
        return r->status;
    r->line = line;
    r->record_start = line;
    for (size_t i = 0; i < count && r->status == KKR_OK; i++)
        record_field((void *)fields[i].text, fields[i].len, r);
    /* a spreadsheet writes no empty cells: a row shorter than the header is filled up */
    for (size_t i = count; r->header_done && i < r->header_fields && r->status == KKR_OK; i++)
        record_field(NULL, 0, r);
    if (r->field_count == 0)
        record_field(NULL, 0, r); /* a row of nothing (an empty header) */
    record_end(-1, r);
    return r->status;
}

bool kkr_csv_feed_has_header(const struct kkr_csv_feed *feed)
{
    return feed->r.header_done;
}

void kkr_csv_feed_free(struct kkr_csv_feed *feed)
{
    if (!feed)
        return;
    free(feed->r.text);
    free(feed->r.field_off);
    free(feed->r.field_len);
    free(feed->r.source_column);
    free(feed->r.out_fields);
    free(feed->r.placed);
    free(feed);
}

enum kkr_status kkr_csv_check_text(const struct kkr_csv_row *row, size_t col, const char *what,
                                   bool line_breaks, struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    size_t at;
    if (!kkr_text_has_control(f->text, f->len, line_breaks ? "\n\r" : "", &at))
        return KKR_OK;
    unsigned char c = (unsigned char)f->text[at];
    unsigned code = c == 0xC2 ? (unsigned char)f->text[at + 1] : c;
    return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[col],
                    "%s with a control character (U+%04X at byte %zu), expected text%s", what,
                    code, at + 1,
                    line_breaks ? " (line breaks are the only control characters allowed)"
                                : " without control characters");
}
