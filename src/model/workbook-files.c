/* workbook-files.c — the workbook's CSV files, row by row: slag, verksamheter, belopp, prognos */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kkr/csv.h"
#include "kkr/hash.h"
#include "kkr/money.h"
#include "kkr/path.h"
#include "kkr/text.h"
#include "kkr/workbook.h"
#include "kkr/xlsx.h"
#include "workbook-private.h"

#include "workbook-loader.h"

/* ---- the slag table ---- */

int kkr_workbook_find_slag(const struct kkr_workbook *wb, const char *code, size_t len)
{
    enum kkr_kind typ;
    if (kkr_kind_parse(code, len, &typ))
        return (int)typ;
    kkr_text_trim(&code, &len);
    for (size_t i = KKR_TYPES; i < wb->slag_count; i++)
        if (kkr_text_equal_fold(code, len, wb->slag[i].code, strlen(wb->slag[i].code)))
            return (int)i;
    return -1;
}

/* The two typer: the whole slag table of a workbook without slag.csv. */
bool loader_slag_init(struct kkr_workbook *wb)
{
    static const char *const code[KKR_TYPES] = {"intäkt", "kostnad"};
    static const char *const name[KKR_TYPES] = {"Intäkter", "Kostnader"};
    wb->slag = calloc(KKR_TYPES, sizeof *wb->slag);
    if (!wb->slag)
        return false;
    wb->slag_count = KKR_TYPES;
    for (int t = 0; t < KKR_TYPES; t++) {
        wb->slag[t].typ = (enum kkr_kind)t;
        if (!(wb->slag[t].code = strdup(code[t])) || !(wb->slag[t].name = strdup(name[t])))
            return false;
    }
    return true;
}

/* slag.csv (DESIGN §5.2): slag;namn;typ, appended to the two typer */
static const struct kkr_csv_column slag_columns[] = {
    {"slag|kod|code|kind", true},
    {"namn|name|benämning", false},
    {"typ|type", true},
    {NULL, false},
};

static enum kkr_status take_slag(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct kkr_workbook *wb = ud;
    const struct kkr_csv_field *f = row->fields;
    const char *code = f[0].text;
    size_t len = f[0].len;
    kkr_text_trim(&code, &len);
    enum kkr_kind typ;
    if (len == 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "empty slag, expected a code such as 'personal'");
    /* as unit codes and names: a control character would reach a report's rows or the
     * terminal (issue 12) */
    enum kkr_status cst = kkr_csv_check_text(row, 0, "slag", false, diag);
    if (cst == KKR_OK)
        cst = kkr_csv_check_text(row, 1, "namn", false, diag);
    if (cst != KKR_OK)
        return cst;
    if (kkr_kind_parse(code, len, &typ) || kkr_text_equal_fold(code, len, "netto", 5) ||
        kkr_text_equal_fold(code, len, "net", 3) || kkr_text_equal_fold(code, len, "total", 5))
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "slag '%.*s' is a reserved name, expected a code other than intäkt, "
                        "kostnad, netto and their aliases",
                        (int)len, code);
    for (size_t i = 0; i < len; i++)
        if (code[i] == ':' || code[i] == ',' || code[i] == '=' ||
            (unsigned char)code[i] < 0x20 || code[i] == 0x7f)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0] + (long)i,
                            "slag '%.*s' holds '%c', expected a code without ':', ',', '=' or "
                            "control characters (they would break SLAG:column)",
                            (int)len, code, (unsigned char)code[i] < 0x20 ? '?' : code[i]);
    int dup = kkr_workbook_find_slag(wb, code, len);
    if (dup >= 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "duplicate slag '%.*s', first on line %ld", (int)len, code,
                        wb->slag[dup].line);
    if (!kkr_kind_parse(f[2].text, f[2].len, &typ))
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[2],
                        "unknown typ '%s', expected intäkt or kostnad", f[2].text);
    if (wb->slag_count >= 4000)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "more than 4000 slag, expected a short list");
    struct kkr_slag *t = realloc(wb->slag, (wb->slag_count + 1) * sizeof *t);
    if (!t)
        return loader_nomem(diag, row->path);
    wb->slag = t;
    struct kkr_slag *sl = &wb->slag[wb->slag_count];
    memset(sl, 0, sizeof *sl);
    sl->typ = typ;
    sl->line = row->line;
    sl->code = strndup(code, len);
    sl->name = f[1].len ? strndup(f[1].text, f[1].len) : strndup(code, len);
    wb->slag_count++;
    if (!sl->code || !sl->name)
        return loader_nomem(diag, row->path);
    wb->row_count++;
    return KKR_OK;
}

enum kkr_status loader_load_slag(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    char *path = kkr_path_join(wb->dir, "slag.csv");
    if (!path)
        return loader_nomem(diag, wb->dir);
    enum kkr_status st = kkr_csv_read_file(path, slag_columns, take_slag, wb, diag, warn);
    free(path);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    return st;
}

/* A field that came from an .xlsx cell of the wrong kind for its column says so. */
static const char *cell_kind(enum kkr_cell_type type)
{
    return type == KKR_CELL_DATE ? "a date" : type == KKR_CELL_BOOLEAN ? "a boolean" : "text";
}

/* A period field: text as kkr_period_parse reads it, a date cell (YYYY-MM-DD) its month. */
static bool parse_period_field(const struct kkr_csv_field *f, int *year, int *month)
{
    if (f->type == KKR_CELL_DATE)
        return f->len >= 7 && kkr_period_parse(f->text, 7, year, month);
    return kkr_period_parse(f->text, f->len, year, month);
}

/* ---- verksamheter.csv ---- */

static const struct kkr_csv_column unit_columns[] = {
    {"kod|code|id|verksamhet|unit", true},
    {"namn|name|benämning|benamning", true},
    {"överordnad|overordnad|parent|förälder", false},
    {"arbetsbok|workbook|länk", false},
    {"ansvarig|responsible|chef", false}, /* DESIGN §11: kkr template --per ansvarig */
    {NULL, false},
};

static enum kkr_status take_unit(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct loader *ld = ud;
    struct kkr_workbook *wb = ld->wb;
    const struct kkr_csv_field *f = row->fields;
    if (f[0].len == 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "empty kod, expected a unit code");
    /* A control character has no place in a code, and one at the start (e.g. "'<tab>HT", the
     * formula-safe form of a text that begins with a tab) would keep the code from being found
     * by its own name, as lookups trim (fuzz-workbook). */
    for (size_t i = 0; i < f[0].len; i++)
        if ((unsigned char)f[0].text[i] < 0x20 || f[0].text[i] == 0x7f)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                            "kod with a control character (byte 0x%02x at %zu), expected a "
                            "unit code of letters, digits and punctuation",
                            (unsigned char)f[0].text[i], i + 1);
    enum kkr_status st = kkr_csv_check_text(row, 0, "kod", false, diag);
    if (st == KKR_OK)
        st = kkr_csv_check_text(row, 1, "namn", false, diag);
    if (st == KKR_OK)
        st = kkr_csv_check_text(row, 2, "överordnad", false, diag);
    if (st != KKR_OK)
        return st;
    /* every CSV contract writes kod 'total' for the total row (report, forecast, lock) */
    if (kkr_text_equal_fold(f[0].text, f[0].len, "total", 5))
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "kod '%s' is reserved for the total row, expected another unit code",
                        f[0].text);
    if (wb->unit_count == ld->units_capacity) {
        size_t cap = ld->units_capacity ? ld->units_capacity * 2 : 64;
        struct kkr_unit *units = realloc(wb->units, cap * sizeof *units);
        if (!units)
            return loader_nomem(diag, row->path);
        wb->units = units;
        char **pc = realloc(ld->parent_code, cap * sizeof *pc);
        if (!pc)
            return loader_nomem(diag, row->path);
        ld->parent_code = pc;
        ld->units_capacity = cap;
    }
    struct kkr_unit *u = &wb->units[wb->unit_count];
    memset(u, 0, sizeof *u);
    u->code = strndup(f[0].text, f[0].len);
    u->name = strndup(f[1].len ? f[1].text : f[0].text, f[1].len ? f[1].len : f[0].len);
    ld->parent_code[wb->unit_count] = f[2].len ? strndup(f[2].text, f[2].len) : NULL;
    u->responsible = f[4].len ? strndup(f[4].text, f[4].len) : NULL;
    u->line = row->line;
    u->parent = -1;
    if (f[3].len) {
        u->workbook = strndup(f[3].text, f[3].len);
        if (!u->workbook)
            return loader_nomem(diag, row->path);
        ld->links++;
    }
    ld->parent_column = row->columns[2];
    wb->unit_count++;
    if (!u->code || !u->name || (f[2].len && !ld->parent_code[wb->unit_count - 1]) ||
        (f[4].len && !u->responsible))
        return loader_nomem(diag, row->path);
    wb->row_count++;
    return KKR_OK;
}

/* Resolves parents, rejects unknown parents and cycles, computes depth and report order. */
static enum kkr_status build_tree(struct loader *ld, const char *path, long parent_column,
                                  struct kkr_diag *diag)
{
    struct kkr_workbook *wb = ld->wb;
    size_t n = wb->unit_count;
    for (size_t u = 0; u < n; u++) {
        char *pc = ld->parent_code[u];
        if (!pc)
            continue;
        int p = kkr_workbook_find_unit(wb, pc, strlen(pc));
        if (p < 0)
            return kkr_fail(diag, KKR_ERR_VALUE, path, wb->units[u].line, parent_column,
                            "unknown överordnad '%s', expected a kod of this file", pc);
        if ((size_t)p == u)
            return kkr_fail(diag, KKR_ERR_VALUE, path, wb->units[u].line, parent_column,
                            "unit '%s' is its own överordnad", pc);
        wb->units[u].parent = p;
    }
    /* depth without recursion: walk up to a unit whose depth is known; a walk that meets
     * itself is a cycle */
    int *state = calloc(n ? n : 1, sizeof *state); /* 0 new, 1 on the current walk, 2 done */
    int *path_units = malloc((n ? n : 1) * sizeof *path_units);
    if (!state || !path_units) {
        free(state);
        free(path_units);
        return loader_nomem(diag, path);
    }
    enum kkr_status st = KKR_OK;
    for (size_t start = 0; start < n && st == KKR_OK; start++) {
        size_t len = 0;
        int u = (int)start;
        while (u >= 0 && state[u] == 0) {
            state[u] = 1;
            path_units[len++] = u;
            u = wb->units[u].parent;
        }
        if (u >= 0 && state[u] == 1) {
            st = kkr_fail(diag, KKR_ERR_VALUE, path, wb->units[u].line, parent_column,
                          "cycle in the tree through '%s', expected every chain of överordnad "
                          "to end at a top-level unit",
                          wb->units[u].code);
            break;
        }
        int depth = u >= 0 ? wb->units[u].depth + 1 : 0;
        for (size_t i = len; i-- > 0;) {
            wb->units[path_units[i]].depth = depth++;
            state[path_units[i]] = 2;
        }
    }
    free(state);
    free(path_units);
    if (st != KKR_OK)
        return st;

    /* report order: depth first, children in file order, iterative */
    int *first_child = malloc((n ? n : 1) * sizeof *first_child);
    int *next_sibling = malloc((n ? n : 1) * sizeof *next_sibling);
    int *last_child = malloc((n ? n : 1) * sizeof *last_child);
    int *stack = malloc((n ? n : 1) * sizeof *stack);
    wb->order = malloc((n ? n : 1) * sizeof *wb->order);
    if (!first_child || !next_sibling || !last_child || !stack || !wb->order) {
        free(first_child);
        free(next_sibling);
        free(last_child);
        free(stack);
        return loader_nomem(diag, path);
    }
    for (size_t u = 0; u < n; u++)
        first_child[u] = next_sibling[u] = last_child[u] = -1;
    for (size_t u = 0; u < n; u++) {
        int p = wb->units[u].parent;
        wb->units[u].is_leaf = true;
        if (p < 0)
            continue;
        if (last_child[p] < 0)
            first_child[p] = (int)u;
        else
            next_sibling[last_child[p]] = (int)u;
        last_child[p] = (int)u;
    }
    size_t out = 0;
    for (size_t top = 0; top < n; top++) {
        if (wb->units[top].parent >= 0)
            continue;
        size_t sp = 0;
        stack[sp++] = (int)top;
        while (sp > 0) {
            int u = stack[--sp];
            wb->order[out++] = u;
            /* push children in reverse so that the first child comes out first */
            size_t mark = sp;
            for (int c = first_child[u]; c >= 0; c = next_sibling[c])
                stack[sp++] = c;
            for (size_t a = mark, b = sp - 1; a < b && sp > mark; a++, b--) {
                int t = stack[a];
                stack[a] = stack[b];
                stack[b] = t;
            }
        }
    }
    for (size_t u = 0; u < n; u++)
        if (first_child[u] >= 0)
            wb->units[u].is_leaf = false;
    free(first_child);
    free(next_sibling);
    free(last_child);
    free(stack);
    return KKR_OK;
}

enum kkr_status loader_load_units(struct loader *ld, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    struct kkr_workbook *wb = ld->wb;
    /* the parent column number is needed for messages after reading: read the header once */
    enum kkr_status st = loader_read_file(ld, "verksamheter", unit_columns, take_unit, ld,
                                          &ld->units_src, diag, warn);
    const char *path = ld->units_src.path;
    if (!path)
        return st;
    if (st == KKR_OK && wb->unit_count == 0)
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 2, 0, "no units, expected at least one row");
    if (st == KKR_OK) {
        int a = -1, b = -1;
        if (loader_index_build(wb, &a, &b) != KKR_OK)
            st = loader_nomem(diag, path);
        else if (a >= 0)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, wb->units[b].line, 1,
                          "duplicate kod '%s', first on line %ld", wb->units[b].code,
                          wb->units[a].line);
    }
    if (st == KKR_OK)
        st = build_tree(ld, path, ld->parent_column, diag);
    loader_locate(diag, &ld->units_src);
    return st;
}

/* ---- budget.csv and utfall.csv ---- */

static const struct kkr_csv_column amount_columns[] = {
    {"verksamhet|unit|kod|code", true},
    {"slag|kind|typ", true},
    {"period|månad|month", true},
    {"belopp|amount|summa", true},
    {NULL, false},
};

struct amount_ctx {
    struct loader *ld;
    struct pending_list *list;
    bool allow_annual;
};

static enum kkr_status parse_unit_field(const struct kkr_workbook *wb,
                                        const struct kkr_csv_row *row, size_t col, int *unit,
                                        struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    *unit = kkr_workbook_find_unit(wb, f->text, f->len);
    if (*unit < 0) {
        if (f->len == 0)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[col],
                            "empty verksamhet, expected a kod from verksamheter.csv");
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[col],
                        "unknown verksamhet '%s', expected a kod from verksamheter.csv", f->text);
    }
    /* a linking unit's amounts are its nämnd's workbook (its budget is the nämnd's frame) */
    if (wb->units[*unit].workbook)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[col],
                        "amounts on '%s', which links the workbook '%s' (arbetsbok), expected "
                        "them in that workbook's own files", wb->units[*unit].code,
                        wb->units[*unit].workbook);
    return KKR_OK;
}

static enum kkr_status parse_slag_field(const struct kkr_workbook *wb,
                                        const struct kkr_csv_row *row, size_t col, int *slag,
                                        struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    *slag = kkr_workbook_find_slag(wb, f->text, f->len);
    if (*slag < 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[col],
                        wb->slag_count > KKR_TYPES
                            ? "unknown slag '%s', expected 'intäkt', 'kostnad' or a slag of "
                              "slag.csv"
                            : "unknown slag '%s', expected 'intäkt' or 'kostnad'",
                        f->text);
    return KKR_OK;
}

static enum kkr_status parse_amount_field(const struct kkr_csv_row *row, size_t col,
                                          const char *colname, int64_t *ore,
                                          struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    if (f->type == KKR_CELL_NUMBER) {
        /* a number cell: its stored decimal, rounded to öre once (half away from zero) */
        if (kkr_xlsx_number_ore(f->text, f->len, ore))
            return KKR_OK;
        return kkr_fail(diag, KKR_ERR_OVERFLOW, row->path, row->line, row->columns[col],
                        "amount %s in column '%s' is too large, expected at most "
                        "92 233 720 368 547 758 kr",
                        f->text, colname);
    }
    if (f->type != KKR_CELL_TEXT)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                        "found %s cell '%s' in column '%s', expected an amount in kronor",
                        cell_kind(f->type), f->text, colname);
    if (kkr_money_parse(f->text, f->len, ore))
        return KKR_OK;
    /* digits before the decimal separator: 17 or more (and it did not parse) is too large,
     * e.g. 99 999 999 999 999 999 kr; counting decimals too would call 1,50 x 9 "too large" */
    size_t ndigits = 0;
    for (size_t i = 0; i < f->len && f->text[i] != ',' && f->text[i] != '.'; i++)
        ndigits += f->text[i] >= '0' && f->text[i] <= '9';
    if (ndigits >= 17)
        return kkr_fail(diag, KKR_ERR_OVERFLOW, row->path, row->line, row->columns[col],
                        "amount '%s' in column '%s' is too large, expected at most "
                        "92 233 720 368 547 758 kr",
                        f->text, colname);
    return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                        "cannot parse amount '%s' in column '%s', expected kronor like "
                        "'-1 234,56'",
                        f->text, colname);
}

static bool pending_push(struct pending_list *l, const struct pending *p)
{
    if (l->count == l->capacity) {
        size_t cap = l->capacity ? l->capacity * 2 : 1024;
        struct pending *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return false;
        l->items = items;
        l->capacity = cap;
    }
    l->items[l->count++] = *p;
    return true;
}

/* Says what is wrong with a period that kkr_period_parse rejected, or with an annual period
 * where only months are allowed: the month, the year, or the form (202013, 189912, 20205). */
static enum kkr_status period_error(const struct kkr_csv_row *row, size_t col, bool allow_annual,
                                    struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    const char *s = f->text;
    size_t len = f->len;
    const char *forms = allow_annual ? "YYYYMM, YYYY-MM or YYYY" : "YYYYMM or YYYY-MM";
    bool monthly = (len == 6 && loader_digits(s, 6)) ||
                   (len == 7 && loader_digits(s, 4) && s[4] == '-' && loader_digits(s + 5, 2));
    if (monthly || (len == 4 && loader_digits(s, 4))) {
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = monthly ? (s[len - 2] - '0') * 10 + (s[len - 1] - '0') : 0;
        if (y < 1900 || y > 2199)
            return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                            "period '%s' has year %d, expected a year in 1900..2199", s, y);
        if (monthly && (m < 1 || m > 12))
            return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                            "period '%s' has month %d, expected a month in 01..12", s, m);
        if (!monthly && !allow_annual)
            return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                            "period '%s' is a whole year, expected a month (%s): utfall is "
                            "booked per month",
                            s, forms);
    }
    return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                    "cannot parse period '%s', expected %s", s, forms);
}

static enum kkr_status take_amount(void *ud, const struct kkr_csv_row *row,
                                   struct kkr_diag *diag)
{
    struct amount_ctx *ctx = ud;
    struct pending p = {0};
    int unit, year, month, slag;
    enum kkr_status st = parse_unit_field(ctx->ld->wb, row, 0, &unit, diag);
    if (st == KKR_OK)
        st = parse_slag_field(ctx->ld->wb, row, 1, &slag, diag);
    if (st != KKR_OK)
        return st;
    const struct kkr_csv_field *f = &row->fields[2];
    if (!parse_period_field(f, &year, &month) || (month == 0 && !ctx->allow_annual))
        return period_error(row, 2, ctx->allow_annual, diag);
    st = parse_amount_field(row, 3, "belopp", &p.amount_ore, diag);
    if (st != KKR_OK)
        return st;
    p.unit = unit;
    p.slag = (int16_t)slag;
    p.year = (int16_t)year;
    p.month = (int8_t)month;
    p.line = (int32_t)(row->line > INT32_MAX ? INT32_MAX : row->line);
    if (!pending_push(ctx->list, &p))
        return loader_nomem(diag, row->path);
    ctx->ld->wb->row_count++;
    return KKR_OK;
}

enum kkr_status loader_load_amounts(struct loader *ld, const char *name,
                                    struct pending_list *list, bool allow_annual,
                                    struct source *src, struct kkr_diag *diag,
                                    struct kkr_warnings *warn)
{
    struct amount_ctx ctx = {ld, list, allow_annual};
    return loader_read_file(ld, name, amount_columns, take_amount, &ctx, src, diag, warn);
}

/* ---- periodisering.csv ---- */

const struct kkr_csv_column loader_share_columns[] = {
    {"verksamhet|unit|kod", true},
    {"slag|kind", true},
    {"månad|manad|month|period", true},
    {"andel|share|vikt", true},
    {NULL, false},
};

enum kkr_status loader_take_share(void *ud, const struct kkr_csv_row *row,
                                  struct kkr_diag *diag)
{
    struct loader *ld = ud;
    int unit = -1;
    enum kkr_status st;
    /* an empty or '*' verksamhet is the default for every unit without shares of its own */
    const struct kkr_csv_field *uf = &row->fields[0];
    if (!(uf->len == 0 || (uf->len == 1 && uf->text[0] == '*'))) {
        st = parse_unit_field(ld->wb, row, 0, &unit, diag);
        if (st != KKR_OK)
            return st;
    }
    /* an empty or '*' slag: every slag; otherwise one slag (a typ name: that slot only) */
    int one = -1;
    const struct kkr_csv_field *kf = &row->fields[1];
    if (!(kf->len == 0 || (kf->len == 1 && kf->text[0] == '*'))) {
        st = parse_slag_field(ld->wb, row, 1, &one, diag);
        if (st != KKR_OK)
            return st;
    }
    const struct kkr_csv_field *mf = &row->fields[2];
    char *end;
    errno = 0;
    long month = mf->type == KKR_CELL_DATE ? 0 : strtol(mf->text, &end, 10);
    if (mf->type == KKR_CELL_DATE || mf->len == 0 || *end || month < 1 || month > 12) {
        int y, m;
        if (!parse_period_field(mf, &y, &m) || m == 0)
            return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[2],
                            "cannot parse månad '%s', expected 1..12 or YYYYMM", mf->text);
        month = m;
    }
    double share;
    const struct kkr_csv_field *sf = &row->fields[3];
    if (sf->type == KKR_CELL_DATE || sf->type == KKR_CELL_BOOLEAN ||
        !kkr_decimal_parse(sf->text, sf->len, &share) || share < 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[3],
                        "cannot parse andel '%s', expected a share >= 0 like '0,085' or "
                        "'8,5 %%'",
                        sf->text);
    size_t ns = ld->wb->slag_count;
    for (size_t i = 0; i < ns; i++) {
        if (one >= 0 && i != (size_t)one)
            continue;
        size_t slot = (size_t)(unit + 1) * ns + i;
        ld->shares[slot * 12 + (size_t)month - 1] += share;
        ld->shares_has[slot] = 1;
    }
    ld->wb->row_count++;
    return KKR_OK;
}

/* Spreads an annual amount over 12 months by shares, exactly: the öre left after rounding
 * down go to the months with the largest remainders (earlier months first on ties), so the
 * months always add up to the annual amount. */
void loader_spread(int64_t amount_ore, const double *shares, int64_t *out)
{
    double total = 0;
    for (int m = 0; m < 12; m++)
        total += shares[m];
    double frac[12];
    int64_t given = 0;
    for (int m = 0; m < 12; m++) {
        double exact = (double)amount_ore * (shares[m] / total);
        double fl = exact < 0 ? -floor(-exact) : floor(exact); /* toward zero */
        out[m] = (int64_t)fl;
        frac[m] = exact < 0 ? fl - exact : exact - fl;
        given += out[m];
    }
    int64_t left = amount_ore - given;
    int step = left < 0 ? -1 : 1;
    while (left != 0) {
        int best = 0;
        for (int m = 1; m < 12; m++)
            if (frac[m] > frac[best])
                best = m;
        if (frac[best] < 0) { /* every month had one: start another round */
            for (int m = 0; m < 12; m++)
                frac[m] = 0;
            continue;
        }
        out[best] += step;
        frac[best] = -1;
        left -= step;
    }
}

/* ---- prognos.csv ---- */

const struct kkr_csv_column loader_forecast_columns[] = {
    {"verksamhet|unit|kod", true},
    {"slag|kind", true},
    {"prognos|forecast|helårsprognos", true},
    {"kommentar|comment|kommentarer", false},
    {NULL, false},
};

enum kkr_status loader_take_forecast(void *ud, const struct kkr_csv_row *row,
                                     struct kkr_diag *diag)
{
    struct loader *ld = ud;
    struct kkr_workbook *wb = ld->wb;
    int unit, slag;
    enum kkr_status st = parse_unit_field(wb, row, 0, &unit, diag);
    if (st == KKR_OK)
        st = parse_slag_field(wb, row, 1, &slag, diag);
    if (st != KKR_OK)
        return st;
    size_t slot = kkr_workbook_slot(wb, unit, slag);
    if (ld->forecast_line[slot])
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "a second prognos for '%s' %s, the first is on line %ld",
                        wb->units[unit].code, wb->slag[slag].code, ld->forecast_line[slot]);
    /* a prognos for a whole typ and one for a slag of the same typ would count twice */
    for (size_t s2 = 0; s2 < wb->slag_count; s2++) {
        size_t other = kkr_workbook_slot(wb, unit, (int)s2);
        bool clash = (int)s2 != slag && wb->slag[s2].typ == wb->slag[slag].typ &&
                     ((int)s2 < KKR_TYPES || slag < KKR_TYPES);
        if (clash && ld->forecast_line[other])
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[1],
                            "a prognos for '%s' %s and one for %s (line %ld), expected either "
                            "the whole typ or its slag",
                            wb->units[unit].code, wb->slag[slag].code, wb->slag[s2].code,
                            ld->forecast_line[other]);
    }
    ld->forecast_line[slot] = row->line;
    if (row->fields[2].len) {
        st = parse_amount_field(row, 2, "prognos", &wb->forecast_ore[slot], diag);
        if (st != KKR_OK)
            return st;
        wb->forecast_has[slot] = 1;
    }
    if (row->fields[3].len) {
        enum kkr_status cst = kkr_csv_check_text(row, 3, "kommentar", true, diag);
        if (cst != KKR_OK)
            return cst;
        wb->forecast_comment[slot] = strndup(row->fields[3].text, row->fields[3].len);
        if (!wb->forecast_comment[slot])
            return loader_nomem(diag, row->path);
    }
    wb->row_count++;
    return KKR_OK;
}
