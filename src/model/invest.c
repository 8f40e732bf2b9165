/* invest.c — investeringar.csv: projects, groups and multi-year figures, summed exactly */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"
#include "kkr/invest.h"
#include "kkr/money.h"
#include "kkr/text.h"

enum {
    C_CODE, C_NAME, C_BUDGET, C_ACTUAL, C_FORECAST, C_COMMENT, C_PARENT, C_UNIT, C_TOTAL,
    C_BEFORE, C_TOTAL_FORECAST
};

static const struct kkr_csv_column columns[] = {
    {"projekt|kod|project", true},
    {"namn|name|benämning", true},
    {"budget", true},
    {"utfall|actual", true},
    {"prognos|forecast", false},
    {"kommentar|comment", false},
    {"överordnad|overordnad|grupp|group|parent", false},
    {"verksamhet|unit", false},
    {"total_budget|totalbudget", false},
    {"utfall_tidigare_år|utfall_tidigare_ar|tidigare_år", false},
    {"total_prognos|slutprognos", false},
    {NULL, false},
};

struct load {
    const struct kkr_workbook *wb;
    struct kkr_investments *inv;
    char **parent_code;
    long parent_col;
    size_t cap;
};

static enum kkr_status nomem(struct kkr_diag *diag, const char *path)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
}

static enum kkr_status amount(const struct kkr_csv_row *row, int col, const char *name,
                              int64_t *out, bool *given, struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    *out = 0;
    if (given)
        *given = f->len > 0;
    if (f->len == 0)
        return KKR_OK;
    if (!kkr_money_parse(f->text, f->len, out) || *out > KKR_INVEST_MAX || *out < -KKR_INVEST_MAX)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                        "cannot parse amount '%s' in column '%s', expected kronor like "
                        "'-1 234,56'",
                        f->text, name);
    return KKR_OK;
}

static enum kkr_status take(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct load *ld = ud;
    struct kkr_investments *inv = ld->inv;
    const struct kkr_csv_field *f = row->fields;
    if (f[C_CODE].len == 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[C_CODE],
                        "empty projekt, expected a project code");
    for (size_t i = 0; i < inv->count; i++)
        if (strlen(inv->items[i].code) == f[C_CODE].len &&
            memcmp(inv->items[i].code, f[C_CODE].text, f[C_CODE].len) == 0)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[C_CODE],
                            "duplicate projekt '%s', first on line %ld", f[C_CODE].text,
                            inv->items[i].line);
    if (inv->count == ld->cap) {
        size_t cap = ld->cap ? ld->cap * 2 : 32;
        struct kkr_invest *items = realloc(inv->items, cap * sizeof *items);
        if (!items)
            return nomem(diag, row->path);
        inv->items = items;
        char **pc = realloc(ld->parent_code, cap * sizeof *pc);
        if (!pc)
            return nomem(diag, row->path);
        ld->parent_code = pc;
        ld->cap = cap;
    }
    struct kkr_invest *it = &inv->items[inv->count];
    memset(it, 0, sizeof *it);
    ld->parent_code[inv->count] = NULL;
    inv->count++;
    it->line = row->line;
    it->parent = -1;
    it->unit = -1;
    it->code = strndup(f[C_CODE].text, f[C_CODE].len);
    it->name = strndup(f[C_NAME].len ? f[C_NAME].text : f[C_CODE].text,
                       f[C_NAME].len ? f[C_NAME].len : f[C_CODE].len);
    if (f[C_COMMENT].len)
        it->comment = strndup(f[C_COMMENT].text, f[C_COMMENT].len);
    if (f[C_PARENT].len)
        ld->parent_code[inv->count - 1] = strndup(f[C_PARENT].text, f[C_PARENT].len);
    if (!it->code || !it->name || (f[C_COMMENT].len && !it->comment) ||
        (f[C_PARENT].len && !ld->parent_code[inv->count - 1]))
        return nomem(diag, row->path);
    ld->parent_col = row->columns[C_PARENT];
    if (f[C_UNIT].len) {
        it->unit = kkr_workbook_find_unit(ld->wb, f[C_UNIT].text, f[C_UNIT].len);
        if (it->unit < 0)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[C_UNIT],
                            "unknown verksamhet '%s', expected a kod from verksamheter.csv",
                            f[C_UNIT].text);
    }
    bool total_given, fc_given, tf_given;
    enum kkr_status st = amount(row, C_BUDGET, "budget", &it->budget, NULL, diag);
    if (st == KKR_OK)
        st = amount(row, C_ACTUAL, "utfall", &it->actual, NULL, diag);
    if (st == KKR_OK)
        st = amount(row, C_FORECAST, "prognos", &it->forecast, &fc_given, diag);
    if (st == KKR_OK)
        st = amount(row, C_TOTAL, "total_budget", &it->total_budget, &total_given, diag);
    if (st == KKR_OK)
        st = amount(row, C_BEFORE, "utfall_tidigare_år", &it->actual_before, NULL, diag);
    if (st == KKR_OK)
        st = amount(row, C_TOTAL_FORECAST, "total_prognos", &it->total_forecast, &tf_given,
                    diag);
    if (st != KKR_OK)
        return st;
    it->has_forecast = fc_given;
    if (!fc_given)
        it->forecast = it->budget;
    it->multi_year = total_given;
    if (total_given && !tf_given)
        it->total_forecast = it->total_budget; /* slutprognos: default the total budget */
    if (!total_given && (tf_given || row->fields[C_BEFORE].len))
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[C_TOTAL],
                        "utfall_tidigare_år or total_prognos without total_budget, expected "
                        "the whole project's total_budget");
    return KKR_OK;
}

static void add(struct kkr_invest *dst, const struct kkr_invest *src)
{
    dst->budget += src->budget;
    dst->actual += src->actual;
    dst->forecast += src->forecast;
    dst->total_budget += src->total_budget;
    dst->actual_before += src->actual_before;
    dst->total_forecast += src->total_forecast;
    dst->multi_year |= src->multi_year;
}

void kkr_investments_free(struct kkr_investments *inv)
{
    if (!inv)
        return;
    for (size_t i = 0; i < inv->count; i++) {
        free(inv->items[i].code);
        free(inv->items[i].name);
        free(inv->items[i].comment);
    }
    free(inv->items);
    free(inv->order);
    free(inv);
}

static int find(const struct kkr_investments *inv, const char *code)
{
    for (size_t i = 0; i < inv->count; i++)
        if (strcmp(inv->items[i].code, code) == 0)
            return (int)i;
    return -1;
}

enum kkr_status kkr_investments_load(const struct kkr_workbook *wb,
                                     struct kkr_investments **out, struct kkr_diag *diag,
                                     struct kkr_warnings *warn)
{
    *out = NULL;
    size_t n = strlen(wb->dir);
    char *path;
    if (asprintf(&path, "%s%sinvesteringar.csv", wb->dir, n && wb->dir[n - 1] == '/' ? "" : "/") <
        0)
        return nomem(diag, wb->dir);
    struct kkr_investments *inv = calloc(1, sizeof *inv);
    struct load ld = {wb, inv, NULL, 0, 0};
    if (inv)
        inv->total.parent = inv->total.unit = -1;
    enum kkr_status st = inv ? kkr_csv_read_file(path, columns, take, &ld, diag, warn)
                             : nomem(diag, path);
    for (size_t i = 0; st == KKR_OK && i < inv->count; i++) {
        if (!ld.parent_code[i])
            continue;
        int p = find(inv, ld.parent_code[i]);
        if (p < 0 || p == (int)i)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, inv->items[i].line, ld.parent_col,
                          p < 0 ? "unknown överordnad '%s', expected a projekt of this file"
                                : "projekt '%s' is its own överordnad",
                          ld.parent_code[i]);
        else {
            inv->items[i].parent = p;
            inv->items[p].is_group = true;
        }
    }
    /* depth, rejecting cycles: a chain longer than the file loops */
    for (size_t i = 0; st == KKR_OK && i < inv->count; i++) {
        int d = 0;
        for (int p = inv->items[i].parent; p >= 0; p = inv->items[p].parent)
            if (++d > (int)inv->count) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, inv->items[i].line, ld.parent_col,
                              "cycle of överordnad through '%s', expected groups that end at "
                              "a top-level row",
                              inv->items[i].code);
                break;
            }
        inv->items[i].depth = d;
    }
    /* sums: each row's own figures go to every group above it and to the total */
    if (st == KKR_OK) {
        struct kkr_invest *own = malloc((inv->count ? inv->count : 1) * sizeof *own);
        inv->order = malloc((inv->count ? inv->count : 1) * sizeof *inv->order);
        if (!own || !inv->order) {
            free(own);
            st = nomem(diag, path);
        } else {
            memcpy(own, inv->items, inv->count * sizeof *own);
            for (size_t i = 0; i < inv->count; i++) {
                if (inv->items[i].is_group && !inv->items[i].has_forecast)
                    inv->items[i].forecast = inv->items[i].budget;
                for (int p = inv->items[i].parent; p >= 0; p = inv->items[p].parent)
                    add(&inv->items[p], &own[i]);
                add(&inv->total, &own[i]);
            }
            free(own);
            /* report order: depth first, file order */
            size_t k = 0;
            for (size_t i = 0; i < inv->count; i++) {
                if (inv->items[i].parent >= 0)
                    continue;
                /* a small explicit walk: push the row, then its subtree in file order */
                size_t start = k;
                inv->order[k++] = (int)i;
                for (size_t q = start; q < k; q++) {
                    int g = inv->order[q];
                    size_t at = q + 1, moved = 0;
                    for (size_t j = 0; j < inv->count; j++)
                        if (inv->items[j].parent == g) {
                            memmove(&inv->order[at + moved + 1], &inv->order[at + moved],
                                    (k - at - moved) * sizeof *inv->order);
                            inv->order[at + moved] = (int)j;
                            moved++;
                            k++;
                        }
                }
            }
        }
    }
    if (ld.parent_code)
        for (size_t i = 0; inv && i < inv->count; i++)
            free(ld.parent_code[i]);
    free(ld.parent_code);
    free(path);
    if (st != KKR_OK) {
        kkr_investments_free(inv);
        return st;
    }
    *out = inv;
    return KKR_OK;
}
