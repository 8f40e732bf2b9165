/* sie-book.c — what a read SIE file gives (DESIGN §12): balance rows (#PSALDO, #PBUDGET) read
 * as totals or partition, the cells, utfall and budget as import rows, a new workbook */
#include "sie-private.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kkr/csv.h"
#include "kkr/import.h"
#include "kkr/money.h"
#include "kkr/output.h"
#include "kkr/path.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

/* ---- cells ---- */

int sie_cell_find(struct cells *c, int unit, int kind, int period)
{
    uint64_t key = (uint64_t)(uint32_t)(unit + 1) << 24 | (uint64_t)kind << 16 |
                   (uint64_t)PERIOD_SLOT(period);
    if ((c->count + 1) * 2 > c->index_cap) {
        size_t cap = c->index_cap ? c->index_cap * 2 : 256;
        uint32_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < c->count; i++) {
            const struct cell *x = &c->v[i];
            uint64_t k = (uint64_t)(uint32_t)(x->unit + 1) << 24 | (uint64_t)x->kind << 16 |
                         (uint64_t)PERIOD_SLOT(x->period);
            size_t j = sie_mix(k) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = (uint32_t)i + 1;
        }
        free(c->index);
        c->index = t;
        c->index_cap = cap;
    }
    size_t j = sie_mix(key) & (c->index_cap - 1);
    while (c->index[j]) {
        const struct cell *x = &c->v[c->index[j] - 1];
        if (x->unit == unit && x->kind == kind && x->period == period)
            return (int)(c->index[j] - 1);
        j = (j + 1) & (c->index_cap - 1);
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct cell *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->count] = (struct cell){unit, kind, period, 0, 0};
    c->index[j] = (uint32_t)c->count + 1;
    return (int)c->count++;
}

enum kkr_status sie_balance_row(struct reader *r, const struct rec *rec, bool budget)
{
    char b[80];
    struct kkr_sie_balances *bal = budget ? &r->f->info.pbudget : &r->f->info.psaldo;
    enum kkr_status st = sie_need_fields(r, rec, 5, "årsnr period konto {objektlista} belopp");
    if (st != KKR_OK)
        return st;
    bal->rows++;
    long yearno;
    if (!sie_parse_int(&rec->f[0], &yearno) || yearno > 0 || yearno < -99)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->f[0].col,
                           "cannot parse årsnr '%s', expected 0 (this year), -1, -2 ...",
                           sie_show(b, sizeof b, rec->f[0].s, rec->f[0].len));
    int period = sie_parse_period(&rec->f[1]);
    if (!period)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->f[1].col,
                           "cannot parse period '%s', expected YYYYMM",
                           sie_show(b, sizeof b, rec->f[1].s, rec->f[1].len));
    int64_t account = -1;
    bool numeric = sie_parse_account(&rec->f[2], &account);
    const struct tok *list = &rec->f[3];
    if (list->type != TOK_LIST)
        return sie_fail_at(r, KKR_ERR_SYNTAX, list->col,
                           "'%s' where the object list belongs, expected {} or {dimension object "
                           "...}", sie_show(b, sizeof b, list->s, list->len));
    int64_t ore;
    if (!sie_parse_amount(&rec->f[4], &ore))
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->f[4].col,
                           "cannot parse amount '%s', expected kronor like -1234.50 (a decimal "
                           "point, at most two decimals)",
                           sie_show(b, sizeof b, rec->f[4].s, rec->f[4].len));
    if (!numeric) {
        bal->rows_odd++;
        return sie_odd_account(r, &rec->f[2], ore);
    }
    int unit, nobj, single;
    st = sie_list_unit(r, rec, list, &unit, &nobj, &single);
    if (st != KKR_OK)
        return st;
    struct brows *v = budget ? &r->pbudget : &r->psaldo;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        struct brow *n = realloc(v->v, cap * sizeof *n);
        if (!n)
            return sie_nomem(r);
        v->v = n;
        v->cap = cap;
    }
    v->v[v->count++] = (struct brow){account, period, sie_account_kind(r, &rec->f[2], account),
                                     rec->f[2].s[0] - '0', unit, nobj, single, ore, r->line};
    return KKR_OK;
}

/* ---- balance rows: the reading, then the cells ---- */

static int cmp_brow(const void *a, const void *b)
{
    const struct brow *x = a, *y = b;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    if (x->account != y->account)
        return x->account < y->account ? -1 : 1;
    if (x->nobj != y->nobj)
        return x->nobj < y->nobj ? -1 : 1;   /* the {} row first */
    return (x->line > y->line) - (x->line < y->line);
}

/* Evidence for the reading from the groups (period, account) of rows. */
static void reading_evidence(struct brows *v, struct kkr_sie_balances *bal)
{
    for (size_t a = 0; a < v->count;) {
        size_t b = a;
        while (b < v->count && v->v[b].period == v->v[a].period &&
               v->v[b].account == v->v[a].account)
            b++;
        bool has_total = v->v[a].nobj == 0;
        bool has_objects = v->v[b - 1].nobj > 0;
        if (has_objects) {
            bal->groups_with_objects++;
            if (!has_total) {
                if (!bal->evidence_partition++)
                    bal->first_partition_line = v->v[a].line;
            } else {
                /* a {} row equal to the sum of one dimension's rows: a total */
                int64_t total = v->v[a].ore;
                bool eq = false;
                for (size_t i = a; i < b && !eq; i++) {
                    if (v->v[i].nobj != 1)
                        continue;
                    int d = v->v[i].single_dim;
                    int64_t sum = 0;
                    bool ok = true;
                    for (size_t k = a; k < b; k++)
                        if (v->v[k].nobj == 1 && v->v[k].single_dim == d)
                            ok &= !__builtin_add_overflow(sum, v->v[k].ore, &sum);
                    eq = ok && sum == total;
                }
                if (eq && !bal->evidence_totals++)
                    bal->first_totals_line = v->v[a].line;
            }
        }
        a = b;
    }
}

static enum kkr_status add_cell(struct reader *r, struct source *src, int unit, int kind,
                                int period, int64_t ore, uint64_t rows, long line)
{
    int ci = sie_cell_find(&src->cells, unit, kind, period);
    if (ci < 0)
        return sie_nomem(r);
    struct cell *c = &src->cells.v[ci];
    if (__builtin_add_overflow(c->ore, ore, &c->ore))
        return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, line, 0,
                        "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
    c->rows += rows;
    if (unit < 0 && r->f->rest_unit < 0)
        r->f->rest_unit = 0x7fffffff;
    return KKR_OK;
}

static bool year_from_trans(const struct kkr_sie_info *in, int year)
{
    for (int i = 0; i < in->trans_year_count; i++)
        if (in->trans_years[i] == year)
            return true;
    return false;
}

enum kkr_status sie_balances_to_cells(struct reader *r, bool budget)
{
    struct kkr_sie_info *in = &r->f->info;
    struct brows *v = budget ? &r->pbudget : &r->psaldo;
    struct kkr_sie_balances *bal = budget ? &in->pbudget : &in->psaldo;
    struct source *src = budget ? &r->f->budget : &r->f->utfall;
    if (v->count)
        qsort(v->v, v->count, sizeof *v->v, cmp_brow);
    reading_evidence(v, bal);
    const char *label = budget ? "#PBUDGET" : "#PSALDO";
    enum kkr_sie_reading reading = r->opt->reading;
    bal->reading_given = reading != KKR_SIE_READING_AUTO;
    if (!bal->groups_with_objects) {
        reading = KKR_SIE_READING_NONE;
    } else if (reading == KKR_SIE_READING_AUTO) {
        if (bal->evidence_totals && !bal->evidence_partition) {
            reading = KKR_SIE_READING_TOTALS;
        } else if (bal->evidence_partition && !bal->evidence_totals) {
            reading = KKR_SIE_READING_PARTITION;
        } else if (bal->evidence_totals) {
            return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, bal->first_partition_line, 1,
                            "%s rows with objects read both ways: here object rows with no {} "
                            "row (a partition), on line %ld a {} row equal to its objects' sum "
                            "(totals); --reading totals or --reading partition decides",
                            label, bal->first_totals_line);
        } else {
            size_t first = 0;
            for (size_t i = 0; i < v->count; i++)
                if (v->v[i].nobj > 0) {
                    first = i;
                    break;
                }
            return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, v->v[first].line, 1,
                            "%s rows with objects that cannot be told: is the {} row the "
                            "account's total (totals) or the part without objects "
                            "(partition)? No {} row equals a dimension's sum and none is "
                            "missing; --reading totals or --reading partition decides", label);
        }
    }
    bal->reading = reading;
    for (size_t a = 0; a < v->count;) {
        size_t b = a;
        while (b < v->count && v->v[b].period == v->v[a].period &&
               v->v[b].account == v->v[a].account)
            b++;
        const struct brow *g = &v->v[a];
        int year = g->period / 100;
        bool skip = budget ? (in->year && year != in->year) : year_from_trans(in, year);
        if (skip) {
            bal->rows_other_year += b - a;
            a = b;
            continue;
        }
        /* the parts: (unit, amount, rows) to add */
        int64_t group_ore = 0;
        uint64_t group_rows = 0;
        bool ok = true;
        if (reading == KKR_SIE_READING_TOTALS) {
            bool has_total = g->nobj == 0;
            int64_t parts = 0;
            uint64_t other_rows = 0;
            /* with no {} row the total is the sum of the chosen dimension's rows, else the
             * first dimension's */
            int dim = r->opt->dim;
            bool dim_has = false;
            for (size_t i = a; i < b; i++)
                dim_has |= v->v[i].nobj == 1 && v->v[i].single_dim == dim;
            if (!has_total && !dim_has)
                for (size_t i = a; i < b; i++)
                    if (v->v[i].nobj == 1) {
                        dim = v->v[i].single_dim;
                        break;
                    }
            for (size_t i = a; i < b; i++) {
                const struct brow *x = &v->v[i];
                if (x->nobj == 0)
                    continue;
                if (x->nobj == 1 && x->single_dim == r->opt->dim) {
                    ok &= !__builtin_add_overflow(parts, x->ore, &parts);
                    if (x->kind >= 0) {
                        enum kkr_status st = add_cell(r, src, x->unit, x->kind, x->period,
                                                      x->ore, 1, x->line);
                        if (st != KKR_OK)
                            return st;
                    }
                    bal->rows_used++;
                    group_rows++;
                } else if (!has_total && x->nobj == 1 && x->single_dim == dim) {
                    /* a total given only as the parts of another dimension */
                    ok &= !__builtin_add_overflow(group_ore, x->ore, &group_ore);
                    bal->rows_used++;
                    other_rows++;
                } else {
                    bal->rows_breakdown++;
                }
            }
            int64_t total = 0;
            if (has_total) {
                total = g->ore;
                bal->rows_used++;
            } else {
                total = dim == r->opt->dim ? parts : group_ore;
            }
            int64_t rest = 0;
            ok &= !__builtin_sub_overflow(total, parts, &rest);
            if (!ok)
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
            /* the rows behind the rest: the {} row, or the other dimension's rows; a total
             * broken down whole adds no row of its own */
            uint64_t rest_rows = has_total ? 1 : other_rows;
            if (rest != 0) {
                group_rows += rest_rows;
                if (g->kind >= 0) {
                    enum kkr_status st = add_cell(r, src, -1, g->kind, g->period, rest,
                                                  rest_rows, g->line);
                    if (st != KKR_OK)
                        return st;
                }
            }
            group_ore = total;
        } else {
            for (size_t i = a; i < b; i++) {
                const struct brow *x = &v->v[i];
                ok &= !__builtin_add_overflow(group_ore, x->ore, &group_ore);
                if (x->kind >= 0) {
                    enum kkr_status st = add_cell(r, src, x->unit, x->kind, x->period, x->ore,
                                                  1, x->line);
                    if (st != KKR_OK)
                        return st;
                }
                bal->rows_used++;
                group_rows++;
            }
            if (!ok)
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        }
        src->rows_read += group_rows;
        if (__builtin_add_overflow(src->read_ore, group_ore, &src->read_ore))
            return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                            "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        if (g->kind < 0) {
            src->left_out_rows[g->cls] += group_rows;
            if (__builtin_add_overflow(src->left_out_ore[g->cls], group_ore,
                                       &src->left_out_ore[g->cls]))
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        }
        a = b;
    }
    return KKR_OK;
}

/* ------------------------------------------------------------------ results */

static int unit_index(const struct kkr_sie_file *f, int unit)
{
    return unit < 0 ? f->rest_unit : unit;
}

enum kkr_status kkr_sie_result(const struct kkr_sie_file *f, bool budget,
                               const struct kkr_import_map *map,
                               struct kkr_import_result **out, struct kkr_diag *diag)
{
    *out = NULL;
    const struct source *src = budget ? &f->budget : &f->utfall;
    const struct kkr_sie_info *in = &f->info;
    struct kkr_import_result *res = calloc(1, sizeof *res);
    int *target = calloc(in->unit_count ? in->unit_count : 1, sizeof *target);
    int *unmapped = calloc(in->unit_count ? in->unit_count : 1, sizeof *unmapped);
    if (!res || !target || !unmapped)
        goto oom;
    res->cells = malloc(sizeof *res->cells * (src->cells.count ? src->cells.count : 1));
    res->unmapped = calloc(in->unit_count ? in->unit_count : 1, sizeof *res->unmapped);
    if (!res->cells || !res->unmapped)
        goto oom;
    for (size_t i = 0; i < in->unit_count; i++) {
        target[i] = kkr_import_map_lookup(map, in->units[i].code, strlen(in->units[i].code));
        unmapped[i] = -1;
    }
    res->rows_read = src->rows_read;
    res->read_ore = src->read_ore;
    for (int c = 0; c < 10; c++) {
        res->left_out_rows[c] = src->left_out_rows[c];
        res->left_out_ore[c] = src->left_out_ore[c];
    }
    for (size_t i = 0; i < src->cells.count; i++) {
        const struct cell *c = &src->cells.v[i];
        int u = unit_index(f, c->unit);
        if (target[u] < 0) {
            if (unmapped[u] < 0) {
                unmapped[u] = (int)res->unmapped_count;
                struct kkr_import_unmapped *m = &res->unmapped[res->unmapped_count++];
                if (!(m->code = strdup(in->units[u].code)))
                    goto oom;
            }
            struct kkr_import_unmapped *m = &res->unmapped[unmapped[u]];
            m->rows += c->rows;
            if (!kkr_money_add(m->amount_ore, c->ore, &m->amount_ore))
                goto overflow;
            continue;
        }
        res->cells[res->cell_count++] =
            (struct kkr_import_cell){target[u], c->kind, c->period, c->ore, c->rows};
        res->rows_imported += c->rows;
        if (!kkr_money_add(res->imported_ore, c->ore, &res->imported_ore))
            goto overflow;
    }
    free(target);
    free(unmapped);
    enum kkr_status st = kkr_import_result_finish(res, map, diag);
    if (st != KKR_OK) {
        kkr_import_result_free(res);
        return st;
    }
    *out = res;
    return KKR_OK;
overflow:
    free(target);
    free(unmapped);
    kkr_import_result_free(res);
    return kkr_fail(diag, KKR_ERR_OVERFLOW, f->path, 0, 0,
                    "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
oom:
    free(target);
    free(unmapped);
    kkr_import_result_free(res);
    return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
}

/* ------------------------------------------------------------------ a new workbook */

static bool code_taken(char **codes, size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (codes[i] && strcmp(codes[i], c) == 0)
            return true;
    return false;
}

/* The codes of a new workbook: the object codes trimmed (the CSV reader trims), never empty,
 * never "total", unique; the rest "övrigt" (or "alla" when there are no objects at all). */
static enum kkr_status init_codes(struct kkr_sie_file *f, struct kkr_diag *diag)
{
    if (f->init_codes)
        return KKR_OK;
    const struct kkr_sie_info *in = &f->info;
    char **codes = calloc(in->unit_count ? in->unit_count : 1, sizeof *codes);
    if (!codes)
        return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
    for (size_t i = 0; i < in->unit_count; i++) {
        const char *base = in->units[i].code;
        size_t len = strlen(base);
        kkr_text_trim(&base, &len);
        char b[256];
        if (in->has_rest && i + 1 == in->unit_count)
            snprintf(b, sizeof b, "%s", in->unit_count == 1 ? "alla" : "övrigt");
        else if (len == 0)
            snprintf(b, sizeof b, "objekt");
        else {
            /* at most 200 bytes, cut between characters (fuzz-sie: a cut inside U+00A0 made
             * utfall.csv that no reader takes back) */
            size_t n = len < 200 ? len : 200;
            while (n > 0 && n < len && ((unsigned char)base[n] & 0xC0) == 0x80)
                n--;
            snprintf(b, sizeof b, "%.*s", (int)n, base);
        }
        if (kkr_text_equal_fold(b, strlen(b), "total", 5))
            snprintf(b + strlen(b), sizeof b - strlen(b), "-1");
        char c[300];
        snprintf(c, sizeof c, "%s", b);
        for (int k = 2; code_taken(codes, i, c); k++)
            snprintf(c, sizeof c, "%s-%d", b, k);
        if (!(codes[i] = strdup(c))) {
            for (size_t k = 0; k < i; k++)
                free(codes[k]);
            free(codes);
            return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
        }
    }
    f->init_codes = codes;
    return KKR_OK;
}

const char *kkr_sie_unit_code(const struct kkr_sie_file *f, size_t i)
{
    struct kkr_diag diag;
    if (i >= f->info.unit_count || init_codes((struct kkr_sie_file *)f, &diag) != KKR_OK)
        return NULL;
    return f->init_codes[i];
}

enum kkr_status kkr_sie_units_map(const struct kkr_sie_file *f, struct kkr_import_map **out,
                                  struct kkr_diag *diag)
{
    *out = NULL;
    enum kkr_status st = init_codes((struct kkr_sie_file *)f, diag);
    struct kkr_import_map *map = NULL;
    if (st == KKR_OK)
        st = kkr_import_map_new(f->path, &map, diag);
    for (size_t i = 0; st == KKR_OK && i < f->info.unit_count; i++)
        st = kkr_import_map_add(map, f->info.units[i].code, f->init_codes[i], diag);
    if (st != KKR_OK) {
        kkr_import_map_free(map);
        return st;
    }
    *out = map;
    return KKR_OK;
}

static enum kkr_status write_file(const char *dir, const char *name,
                                  enum kkr_status (*fill)(FILE *fp, const void *ud,
                                                          struct kkr_diag *diag),
                                  const void *ud, struct kkr_diag *diag)
{
    char *path = kkr_path_join(dir, name);
    if (!path)
        return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
    struct kkr_output o;
    enum kkr_status st = kkr_output_open(&o, path, true, diag);
    if (st == KKR_OK) {
        st = fill(o.fp, ud, diag);
        if (st == KKR_OK && ferror(o.fp))
            st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "write error");
        if (st == KKR_OK)
            st = kkr_output_commit(&o, diag);
        else
            kkr_output_abort(&o);
    }
    free(path);
    return st;
}

static enum kkr_status fill_units(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct kkr_sie_file *f = ud;
    fputs("kod;namn;överordnad\n", fp);
    for (size_t i = 0; i < f->info.unit_count; i++) {
        kkr_csv_write_text(fp, f->init_codes[i], ';');
        fputc(';', fp);
        const char *name = f->info.units[i].name;
        size_t len = strlen(name);
        kkr_text_trim(&name, &len);
        char *n = strndup(name, len);
        if (!n)
            return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
        kkr_csv_write_text(fp, n[0] ? n : f->init_codes[i], ';');
        free(n);
        fputs(";\n", fp);
    }
    return KKR_OK;
}

struct fill_rows {
    const struct kkr_import_result *res;
    const struct kkr_import_map *map;
};

static enum kkr_status fill_rows(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct fill_rows *fr = ud;
    return kkr_import_write(fp, fr->res, fr->map, diag);
}

static enum kkr_status fill_conf(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct kkr_sie_file *f = ud;
    (void)diag;
    fputs("# written by kkr import from a SIE file\n", fp);
    if (f->info.organisation && f->info.organisation[0]) {
        const char *s = f->info.organisation;
        size_t len = strlen(s);
        kkr_text_trim(&s, &len);
        fprintf(fp, "organisation = %.*s\n", (int)len, s);
    }
    fprintf(fp, "år = %d\n", f->info.year);
    return KKR_OK;
}

static enum kkr_status fill_slag(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    return kkr_import_write_slag(fp, ud, diag);
}

static void remove_tree(const char *dir)
{
    static const char *const names[] = {"verksamheter.csv", "utfall.csv", "budget.csv",
                                        "bok.conf", "slag.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = kkr_path_join(dir, names[i]);
        if (p) {
            unlink(p);
            free(p);
        }
    }
    rmdir(dir);
}

static int dir_state(const char *dir)
{
    /* 0 absent, 1 an empty folder, 2 anything else */
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno == ENOENT ? 0 : 2;
    if (!S_ISDIR(sb.st_mode))
        return 2;
    DIR *d = opendir(dir);
    if (!d)
        return 2;
    int state = 1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            state = 2;
    closedir(d);
    return state;
}

enum kkr_status kkr_sie_init_workbook(const struct kkr_sie_file *f, const char *dir,
                                      struct kkr_diag *diag)
{
    const struct kkr_sie_info *in = &f->info;
    if (!in->year) {
        int y = 0;
        for (size_t i = 0; i < f->utfall.cells.count; i++)
            if (f->utfall.cells.v[i].period / 100 > y)
                y = f->utfall.cells.v[i].period / 100;
        if (!y)
            return kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                            "no #RAR 0 and no vouchers, expected a fiscal year for the new "
                            "workbook's bok.conf");
        ((struct kkr_sie_file *)f)->info.year = y;
    }
    if (in->unit_count == 0) {
        return kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                        "no amounts on accounts 3xxx-7xxx and no objects, expected something "
                        "for a workbook");
    }
    int state = dir_state(dir);
    if (state == 2)
        return kkr_fail(diag, KKR_ERR_EXISTS, dir, 0, 0,
                        "exists and is not an empty folder, expected a new folder for --init "
                        "(kkr never writes into an existing workbook with --init)");
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.XXXXXX", dir) < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (!mkdtemp(tmp)) {
        enum kkr_status st = kkr_fail(diag, KKR_ERR_IO, dir, 0, 0,
                                      "cannot make a folder next to it: %s", strerror(errno));
        free(tmp);
        return st;
    }
    /* mkdtemp makes it 0700; a workbook folder is as any folder the user makes */
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0777 & ~um);
    struct kkr_import_map *map = NULL;
    struct kkr_import_result *ut = NULL, *bu = NULL;
    enum kkr_status st = kkr_sie_units_map(f, &map, diag);
    if (st == KKR_OK)
        st = kkr_sie_result(f, false, map, &ut, diag);
    if (st == KKR_OK)
        st = kkr_sie_result(f, true, map, &bu, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "verksamheter.csv", fill_units, f, diag);
    struct fill_rows fu = {ut, map}, fb = {bu, map};
    if (st == KKR_OK)
        st = write_file(tmp, "utfall.csv", fill_rows, &fu, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "budget.csv", fill_rows, &fb, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "bok.conf", fill_conf, f, diag);
    if (st == KKR_OK && kkr_import_accounts_kommunbas(f->accounts))
        st = write_file(tmp, "slag.csv", fill_slag, f->accounts, diag);
    if (st == KKR_OK) {
        /* the workbook must load as it is, before it takes the folder's name */
        struct kkr_workbook *wb = NULL;
        struct kkr_diag d2;
        kkr_diag_clear(&d2);
        if (kkr_workbook_load(tmp, &wb, &d2, NULL) != KKR_OK) {
            char m[1200];
            kkr_diag_format(&d2, m, sizeof m);
            st = kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                          "the new workbook does not load (%s)", m);
        }
        kkr_workbook_free(wb);
    }
    if (st == KKR_OK && rename(tmp, dir) != 0)
        st = kkr_fail(diag, KKR_ERR_IO, dir, 0, 0, "cannot move the new workbook into place: "
                      "%s", strerror(errno));
    if (st != KKR_OK)
        remove_tree(tmp);
    free(tmp);
    kkr_import_result_free(ut);
    kkr_import_result_free(bu);
    kkr_import_map_free(map);
    return st;
}
