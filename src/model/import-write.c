/* import-write.c — the result: sorting cells, utfall rows, the merge into utfall.csv */
#include "import-private.h"

#include <unistd.h>

/* ---- result ---- */

void kkr_import_result_free(struct kkr_import_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->unmapped_count; i++)
        free(r->unmapped[i].code);
    free(r->unmapped);
    free(r->cells);
    free(r->periods);
    free(r);
}

static const struct kkr_import_map *sort_map;

static int cmp_cell(const void *a, const void *b)
{
    const struct kkr_import_cell *x = a, *y = b;
    long ox = sort_map->targets[x->target].order, oy = sort_map->targets[y->target].order;
    if (ox != oy)
        return ox < oy ? -1 : 1;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    if (x->kind != y->kind)
        return kkr_import_slag_order(x->kind) < kkr_import_slag_order(y->kind) ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

enum kkr_status kkr_import_result_finish(struct kkr_import_result *r,
                                         const struct kkr_import_map *map,
                                         struct kkr_diag *diag)
{
    sort_map = map;
    if (r->cell_count)
        qsort(r->cells, r->cell_count, sizeof *r->cells, cmp_cell);
    size_t n = 0;
    for (size_t i = 0; i < r->cell_count; i++) {
        struct kkr_import_cell *c = &r->cells[i];
        if (n && r->cells[n - 1].target == c->target && r->cells[n - 1].kind == c->kind &&
            r->cells[n - 1].period == c->period) {
            if (!kkr_money_add(r->cells[n - 1].amount_ore, c->amount_ore,
                               &r->cells[n - 1].amount_ore))
                return kkr_fail(diag, KKR_ERR_OVERFLOW, map->path, 0, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
            r->cells[n - 1].rows += c->rows;
        } else {
            r->cells[n++] = *c;
        }
    }
    r->cell_count = n;
    free(r->periods);
    r->period_count = 0;
    r->periods = malloc(sizeof(int) * (n ? n : 1));
    if (!r->periods)
        return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        r->periods[r->period_count++] = r->cells[i].period;
    if (r->period_count)
        qsort(r->periods, r->period_count, sizeof(int), cmp_int);
    size_t k = 0;
    for (size_t i = 0; i < r->period_count; i++)
        if (k == 0 || r->periods[k - 1] != r->periods[i])
            r->periods[k++] = r->periods[i];
    r->period_count = k;
    return KKR_OK;
}

/* ------------------------------------------------------------------ writing */

enum { COL_UNIT, COL_KIND, COL_PERIOD, COL_AMOUNT, COL_COUNT };

/* layout: the role (COL_*, or -1 for another column, left empty) of each of the ncol columns
 * of the file written to; NULL = verksamhet;slag;period;belopp. Returns the CSV writer's
 * first error, checked once at the end. */
static enum kkr_status write_rows(FILE *fp, const struct kkr_import_result *r,
                                  const struct kkr_import_map *map, char delim,
                                  const char *eol, const int *layout, size_t ncol,
                                  bool header, struct kkr_diag *diag)
{
    static const int standard[COL_COUNT] = {COL_UNIT, COL_KIND, COL_PERIOD, COL_AMOUNT};
    if (!layout) {
        layout = standard;
        ncol = COL_COUNT;
    }
    struct kkr_csv_write_options wo = {delim, true, eol};
    struct kkr_csv_writer *w = kkr_csv_writer_new(fp, &wo);
    if (header) {
        static const char *const names[COL_COUNT] = {"verksamhet", "slag", "period", "belopp"};
        for (int k = 0; k < COL_COUNT; k++)
            kkr_csv_writer_plain(w, names[k]);
        kkr_csv_writer_end_row(w);
    }
    char period[16];
    for (size_t i = 0; i < r->cell_count; i++) {
        const struct kkr_import_cell *c = &r->cells[i];
        for (size_t k = 0; k < ncol; k++) {
            switch (layout[k]) {
            case COL_UNIT:
                kkr_csv_writer_text(w, map->targets[c->target].name); /* neutralised */
                break;
            case COL_KIND:
                kkr_csv_writer_plain(w, kkr_import_slag(c->kind)->code);
                break;
            case COL_PERIOD:
                snprintf(period, sizeof period, "%06d", c->period);
                kkr_csv_writer_plain(w, period);
                break;
            case COL_AMOUNT:
                kkr_csv_writer_ore(w, c->amount_ore);
                break;
            default:
                kkr_csv_writer_plain(w, "");
                break;
            }
        }
        kkr_csv_writer_end_row(w);
    }
    enum kkr_status st = kkr_csv_writer_finish(w, diag);
    kkr_csv_writer_free(w);
    return st;
}

/* utfall.csv's columns as the workbook loader names them (workbook.c amount_columns). */
static const struct kkr_csv_column utfall_columns[] = {
    {"verksamhet|unit|kod|code", true},
    {"slag|kind|typ", true},
    {"period|månad|month", true},
    {"belopp|amount|summa", true},
    {NULL, false},
};

/* The line end of the file's first line outside quotes: LF, CR LF or a lone CR. */
static const char *first_line_end(const char *s, size_t len)
{
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == '\n')
            return "\n";
        else if (!quoted && s[i] == '\r')
            return i + 1 < len && s[i + 1] == '\n' ? "\r\n" : "\r";
    }
    return "\n";
}

enum kkr_status kkr_import_write(FILE *fp, const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag)
{
    return write_rows(fp, r, map, ';', "\n", NULL, 0, true, diag);
}

struct merge_rows {
    long *line;        /* start line of each data row */
    bool *drop;
    size_t count, cap;
    const struct kkr_import_result *res;
};

static enum kkr_status merge_row(void *userdata, const struct kkr_csv_row *row,
                                 struct kkr_diag *diag)
{
    struct merge_rows *m = userdata;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        long *l = realloc(m->line, cap * sizeof *l);
        if (!l)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        m->line = l;
        bool *d = realloc(m->drop, cap * sizeof *d);
        if (!d)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        m->drop = d;
        m->cap = cap;
    }
    const char *s = row->fields[2].text;
    size_t len = row->fields[2].len;
    kkr_text_trim(&s, &len);
    int year, month;
    bool drop = false;
    if (kkr_period_parse(s, len, &year, &month) && month > 0) {
        int p = year * 100 + month;
        drop = bsearch(&p, m->res->periods, m->res->period_count, sizeof(int), cmp_int) != NULL;
    }
    m->line[m->count] = row->line;
    m->drop[m->count] = drop;
    m->count++;
    return KKR_OK;
}

enum kkr_status kkr_import_merge(FILE *fp, const char *utfall_path,
                                 const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    if (access(utfall_path, F_OK) != 0)
        return kkr_import_write(fp, r, map, diag);
    char *data = NULL;
    size_t len = 0;
    enum kkr_status st = kkr_file_read_all(utfall_path, &data, &len, diag);
    if (st != KKR_OK)
        return st;
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (!kkr_utf8_valid(data + skip, len - skip, NULL) && !memchr(data, '\0', len)) {
        /* Windows-1252 (the workbook loaded, so the bytes are valid there): the kept rows are
         * converted, so the file is one encoding again */
        size_t cl;
        /* after the BOM, which the loader skips too: converted, its three bytes would become
         * "ï»¿" in front of the first column's name (fuzz-merge) */
        char *conv = kkr_cp1252_to_utf8(data + skip, len - skip, &cl);
        free(data);
        if (!conv)
            return kkr_fail(diag, KKR_ERR_NOMEM, utfall_path, 0, 0, "out of memory");
        data = conv;
        len = cl;
        kkr_warn(warn, "%s: Windows-1252, rewritten as UTF-8", utfall_path);
    }
    /* the one CSV reader, with the loader's columns and limits: the header gives the file's
     * own column order and count, the rows the lines to keep or drop */
    long cols[4];
    struct kkr_csv_header h = {.columns = cols};
    st = kkr_csv_read_header(utfall_path, data, len, utfall_columns, &h, diag);
    if (st != KKR_OK) {
        free(data);
        return st;
    }
    struct merge_rows m = {0};
    m.res = r;
    int *layout = NULL;
    st = kkr_csv_read_buffer(utfall_path, data, len, utfall_columns, merge_row, &m, diag, NULL);
    if (st != KKR_OK)
        goto out;
    const char *eol = first_line_end(data, len);
    /* Walk the lines: a dropped row takes its lines up to the next row's first line. */
    long line = 1;
    size_t row = 0;
    bool dropping = false;
    const char *p = data, *end = data + len;
    bool last_has_nl = true;
    while (p < end) {
        /* a line ends at LF, CR LF or a lone CR, as the CSV reader counts lines */
        const char *e = p;
        while (e < end && *e != '\n' && !(*e == '\r' && (e + 1 == end || e[1] != '\n')))
            e++;
        if (e == end)
            e = NULL;
        const char *le = e ? e + 1 : end;
        while (row < m.count && m.line[row] <= line) {
            dropping = m.drop[row];
            row++;
        }
        if (!dropping) {
            fwrite(p, 1, (size_t)(le - p), fp);
            last_has_nl = e != NULL;
        }
        p = le;
        line++;
    }
    if (!last_has_nl && r->cell_count)
        fputs(eol, fp);
    layout = malloc((h.field_count ? h.field_count : 1) * sizeof *layout);
    if (!layout) {
        st = kkr_fail(diag, KKR_ERR_NOMEM, utfall_path, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < h.field_count; k++)
        layout[k] = -1;
    for (int k = 0; k < COL_COUNT; k++)
        layout[cols[k] - 1] = k;
    st = write_rows(fp, r, map, h.delimiter, eol, layout, h.field_count, false, diag);
    if (st == KKR_ERR_IO)
        kkr_fail(diag, KKR_ERR_IO, utfall_path, 0, 0, "write error");
out:
    free(layout);
    free(m.line);
    free(m.drop);
    free(data);
    return st;
}
