/* workbook.c — loading and validating a workbook folder into per-unit monthly öre series */
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

#define MAX_HISTORY_YEARS 30
#define MAX_SAME_WARNINGS 10

/* ---- small vocabulary ---- */

const char *kkr_kind_name(enum kkr_kind kind)
{
    return kind == KKR_REVENUE ? "intäkt" : "kostnad";
}

bool kkr_kind_parse(const char *s, size_t len, enum kkr_kind *out)
{
    static const char *const revenue[] = {"intäkt", "intäkter", "intakt", "intakter", "revenue"};
    static const char *const cost[] = {"kostnad", "kostnader", "cost", "costs"};
    /* the spelling kkr itself writes first: most rows of a large file take this path */
    if (len == 7 && memcmp(s, "kostnad", 7) == 0) {
        *out = KKR_COST;
        return true;
    }
    if (len == 7 && memcmp(s, "int\xc3\xa4kt", 7) == 0) {
        *out = KKR_REVENUE;
        return true;
    }
    for (size_t i = 0; i < sizeof revenue / sizeof *revenue; i++)
        if (kkr_text_equal_fold(s, len, revenue[i], strlen(revenue[i]))) {
            *out = KKR_REVENUE;
            return true;
        }
    for (size_t i = 0; i < sizeof cost / sizeof *cost; i++)
        if (kkr_text_equal_fold(s, len, cost[i], strlen(cost[i]))) {
            *out = KKR_COST;
            return true;
        }
    return false;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool kkr_period_parse(const char *s, size_t len, int *year, int *month)
{
    kkr_text_trim(&s, &len);
    int y, m;
    if (len == 6 && digits(s, 6)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
    } else if (len == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
    } else if (len == 4 && digits(s, 4)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = 0;
    } else {
        return false;
    }
    if (y < 1900 || y > 2199 || (len != 4 && (m < 1 || m > 12)))
        return false;
    *year = y;
    *month = m;
    return true;
}

const char *kkr_month_name(int month)
{
    static const char *const names[] = {"januari", "februari", "mars", "april", "maj", "juni",
                                        "juli", "augusti", "september", "oktober", "november",
                                        "december"};
    return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

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
static bool slag_init(struct kkr_workbook *wb)
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

static enum kkr_status nomem(struct kkr_diag *diag, const char *path);

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
        return nomem(diag, row->path);
    wb->slag = t;
    struct kkr_slag *sl = &wb->slag[wb->slag_count];
    memset(sl, 0, sizeof *sl);
    sl->typ = typ;
    sl->line = row->line;
    sl->code = strndup(code, len);
    sl->name = f[1].len ? strndup(f[1].text, f[1].len) : strndup(code, len);
    wb->slag_count++;
    if (!sl->code || !sl->name)
        return nomem(diag, row->path);
    wb->row_count++;
    return KKR_OK;
}

static enum kkr_status load_slag(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    char *path = kkr_path_join(wb->dir, "slag.csv");
    if (!path)
        return nomem(diag, wb->dir);
    enum kkr_status st = kkr_csv_read_file(path, slag_columns, take_slag, wb, diag, warn);
    free(path);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    return st;
}

/* ---- the workbook and its private part ---- */

struct kkr_workbook *kkr_workbook_alloc(void)
{
    struct kkr_workbook_impl *impl = calloc(1, sizeof *impl);
    if (!impl)
        return NULL;
    kkr_hash_init(&impl->unit_index);
    return &impl->wb;
}

static struct kkr_workbook_impl *impl_of(const struct kkr_workbook *wb)
{
    /* every workbook comes from kkr_workbook_alloc: wb is the first member of its impl */
    return (struct kkr_workbook_impl *)(uintptr_t)wb;
}

/* ---- loading state ---- */

/* An amount row kept until the fiscal year (and so the array layout) is known. */
struct pending {
    int64_t amount_ore;
    int32_t unit;
    int32_t line;
    int16_t year;
    int8_t month;     /* 0 = an annual amount to spread */
    int16_t slag;     /* index into wb->slag */
};

struct pending_list {
    struct pending *items;
    size_t count, capacity;
};

/* The file a workbook file was read from, for messages after reading. */
struct source {
    char *path;
    char *sheet;               /* the sheet when .xlsx, else NULL */
};

struct loader {
    struct kkr_workbook *wb;
    struct source units_src, budget_src, actual_src;
    struct kkr_warnings *warn;
    size_t units_capacity;
    char *path;                 /* the file being read */
    struct pending_list budget, actual;
    /* periodisering.csv: shares per unit and slag, plus defaults (unit -1) */
    double *shares;             /* [(unit + 1) * slag_count + slag][12] */
    uint8_t *shares_has;
    long *forecast_line;        /* prognos.csv line per unit-slag for duplicate messages */
    char **parent_code;         /* per unit, until the tree is built */
    long parent_column;         /* the överordnad column of verksamheter.csv */
    const char *replace_name;   /* kkr_workbook_load_replacing: this file of the folder ... */
    const char *replace_path;   /* ... is read from here (messages name the folder's file) */
    size_t links;               /* units with an arbetsbok (a kommun workbook, DESIGN §13) */
    const struct kkr_csv_options *csv; /* how the CSV files are read (NULL = defaults) */
};

/* Reads one CSV file of the workbook (path = DIR/name), or its replacement. */
static enum kkr_status read_csv(struct loader *ld, const char *path, const char *name,
                                const struct kkr_csv_column *columns, kkr_csv_row_fn fn,
                                void *userdata, struct kkr_diag *diag,
                                struct kkr_warnings *warn)
{
    if (!ld->replace_name || strcmp(ld->replace_name, name) != 0)
        return kkr_csv_read_file_with(path, columns, ld->csv, fn, userdata, diag, warn);
    char *data;
    size_t len;
    enum kkr_status st = kkr_file_read_all(ld->replace_path, &data, &len, diag);
    if (st == KKR_OK) {
        st = kkr_csv_read_buffer_with(path, data, len, columns, ld->csv, fn, userdata, diag,
                                      warn);
        free(data);
    }
    return st;
}

static enum kkr_status nomem(struct kkr_diag *diag, const char *path)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

enum kkr_status kkr_workbook_file(const char *dir, const char *name, char **path, bool *is_xlsx,
                                  struct kkr_diag *diag)
{
    char *csv = NULL, *xlsx = NULL;
    size_t n = strlen(dir);
    const char *sep = n && dir[n - 1] == '/' ? "" : "/";
    *path = NULL;
    *is_xlsx = false;
    if (asprintf(&csv, "%s%s%s.csv", dir, sep, name) < 0) {
        csv = NULL;
        goto nomem;
    }
    if (asprintf(&xlsx, "%s%s%s.xlsx", dir, sep, name) < 0) {
        xlsx = NULL;
        goto nomem;
    }
    bool has_xlsx = file_exists(xlsx);
    if (has_xlsx && file_exists(csv)) {
        enum kkr_status st = kkr_fail(diag, KKR_ERR_VALUE, xlsx, 0, 0,
                                      "both %s.csv and %s.xlsx in the workbook, expected one of "
                                      "them (remove or rename the other)",
                                      name, name);
        free(csv);
        free(xlsx);
        return st;
    }
    if (has_xlsx) {
        free(csv);
        *path = xlsx;
        *is_xlsx = true;
        return KKR_OK;
    }
    free(xlsx);
    *path = csv;
    if (!file_exists(csv))
        return kkr_fail(diag, KKR_ERR_NOT_FOUND, csv, 0, 0, "cannot open: %s", strerror(ENOENT));
    return KKR_OK;
nomem:
    free(csv);
    free(xlsx);
    return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
}

/* Reads workbook file NAME as NAME.csv or NAME.xlsx through the same column rules; src (may be
 * NULL) keeps which. A missing file is KKR_ERR_NOT_FOUND with diag->line 0. */
static enum kkr_status read_file(struct loader *ld, const char *name,
                                 const struct kkr_csv_column *columns, kkr_csv_row_fn fn,
                                 void *userdata, struct source *src, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    char *path, csv_name[64];
    bool is_xlsx = false;
    enum kkr_status st = KKR_OK;
    snprintf(csv_name, sizeof csv_name, "%s.csv", name);
    if (ld->replace_name && strcmp(ld->replace_name, csv_name) == 0) {
        /* a CSV file written to replace this one (import --into): read as the folder's */
        if (!(path = kkr_path_join(ld->wb->dir, csv_name)))
            return nomem(diag, ld->wb->dir);
    } else {
        st = kkr_workbook_file(ld->wb->dir, name, &path, &is_xlsx, diag);
        if (st == KKR_ERR_NOT_FOUND)
            st = KKR_OK; /* the CSV reader says it, as before */
        if (st != KKR_OK) {
            free(path);
            return st;
        }
    }
    struct kkr_xlsx *x = NULL;
    if (!is_xlsx) {
        st = read_csv(ld, path, csv_name, columns, fn, userdata, diag, warn);
    } else if ((st = kkr_xlsx_open(path, &x, diag)) == KKR_OK) {
        st = kkr_xlsx_read_sheet_table(x, NULL, columns, fn, userdata, diag);
        if (src && !(src->sheet = strdup(kkr_xlsx_sheet_name(x, 0))) && st == KKR_OK)
            st = nomem(diag, path);
    }
    kkr_xlsx_free(x);
    if (src)
        src->path = path;
    else
        free(path);
    return st;
}

/* A message about a row of a file already read (src): file:line:column, or file:sheet!cell. */
static void locate(struct kkr_diag *diag, const struct source *src)
{
    if (src->sheet)
        kkr_xlsx_diag_locate(diag, src->path, src->sheet);
}

static void source_release(struct source *src)
{
    free(src->path);
    free(src->sheet);
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

int kkr_workbook_find_unit(const struct kkr_workbook *wb, const char *code, size_t len)
{
    size_t u;
    kkr_text_trim(&code, &len);
    return kkr_hash_find(&impl_of(wb)->unit_index, code, len, &u) ? (int)u : -1;
}

/* Builds the index; a duplicate code sets *dup_a (first) and *dup_b (second) and fails. */
static enum kkr_status index_build(struct kkr_workbook *wb, int *dup_a, int *dup_b)
{
    struct kkr_hash *ix = &impl_of(wb)->unit_index;
    kkr_hash_release(ix);
    enum kkr_status st = kkr_hash_reserve(ix, wb->unit_count);
    for (size_t u = 0; u < wb->unit_count && st == KKR_OK; u++) {
        size_t first;
        st = kkr_hash_put(ix, wb->units[u].code, strlen(wb->units[u].code), u, &first);
        if (st == KKR_OK && first != SIZE_MAX) {
            *dup_a = (int)first;
            *dup_b = (int)u;
            break;
        }
    }
    return st;
}

enum kkr_status kkr_workbook_index_units(struct kkr_workbook *wb, struct kkr_diag *diag)
{
    int a = -1, b = -1;
    if (index_build(wb, &a, &b) != KKR_OK)
        return nomem(diag, wb->dir);
    if (a >= 0)
        return kkr_fail(diag, KKR_ERR_VALUE, wb->dir, 0, 0,
                        "two units with the kod '%s' at the kommun level, expected unique codes",
                        wb->units[b].code);
    return KKR_OK;
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
            return nomem(diag, row->path);
        wb->units = units;
        char **pc = realloc(ld->parent_code, cap * sizeof *pc);
        if (!pc)
            return nomem(diag, row->path);
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
            return nomem(diag, row->path);
        ld->links++;
    }
    ld->parent_column = row->columns[2];
    wb->unit_count++;
    if (!u->code || !u->name || (f[2].len && !ld->parent_code[wb->unit_count - 1]) ||
        (f[4].len && !u->responsible))
        return nomem(diag, row->path);
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
        return nomem(diag, path);
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
        return nomem(diag, path);
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

static enum kkr_status load_units(struct loader *ld, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    struct kkr_workbook *wb = ld->wb;
    /* the parent column number is needed for messages after reading: read the header once */
    enum kkr_status st = read_file(ld, "verksamheter", unit_columns, take_unit, ld,
                                   &ld->units_src, diag, warn);
    const char *path = ld->units_src.path;
    if (!path)
        return st;
    if (st == KKR_OK && wb->unit_count == 0)
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 2, 0, "no units, expected at least one row");
    if (st == KKR_OK) {
        int a = -1, b = -1;
        if (index_build(wb, &a, &b) != KKR_OK)
            st = nomem(diag, path);
        else if (a >= 0)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, wb->units[b].line, 1,
                          "duplicate kod '%s', first on line %ld", wb->units[b].code,
                          wb->units[a].line);
    }
    if (st == KKR_OK)
        st = build_tree(ld, path, ld->parent_column, diag);
    locate(diag, &ld->units_src);
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
    bool monthly = (len == 6 && digits(s, 6)) ||
                   (len == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2));
    if (monthly || (len == 4 && digits(s, 4))) {
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
        return nomem(diag, row->path);
    ctx->ld->wb->row_count++;
    return KKR_OK;
}

static enum kkr_status load_amounts(struct loader *ld, const char *name,
                                    struct pending_list *list, bool allow_annual,
                                    struct source *src, struct kkr_diag *diag,
                                    struct kkr_warnings *warn)
{
    struct amount_ctx ctx = {ld, list, allow_annual};
    return read_file(ld, name, amount_columns, take_amount, &ctx, src, diag, warn);
}

/* ---- periodisering.csv ---- */

static const struct kkr_csv_column share_columns[] = {
    {"verksamhet|unit|kod", true},
    {"slag|kind", true},
    {"månad|manad|month|period", true},
    {"andel|share|vikt", true},
    {NULL, false},
};

static enum kkr_status take_share(void *ud, const struct kkr_csv_row *row,
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
static void spread(int64_t amount_ore, const double *shares, int64_t *out)
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

static const struct kkr_csv_column forecast_columns[] = {
    {"verksamhet|unit|kod", true},
    {"slag|kind", true},
    {"prognos|forecast|helårsprognos", true},
    {"kommentar|comment|kommentarer", false},
    {NULL, false},
};

static enum kkr_status take_forecast(void *ud, const struct kkr_csv_row *row,
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
            return nomem(diag, row->path);
    }
    wb->row_count++;
    return KKR_OK;
}

/* ---- bok.conf ---- */

static enum kkr_status load_conf(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    char *path = kkr_path_join(wb->dir, "bok.conf");
    if (!path)
        return nomem(diag, wb->dir);
    char *data;
    size_t len;
    enum kkr_status st = kkr_file_read_all(path, &data, &len, diag);
    if (st == KKR_ERR_NOT_FOUND) {
        kkr_diag_clear(diag);
        free(path);
        return KKR_OK;
    }
    if (st != KKR_OK) {
        free(path);
        return st;
    }
    char *text = data;
    size_t text_len = len;
    char *converted = NULL;
    if (!(wb->layout.conf_path = strdup(path))) {
        free(data);
        st = nomem(diag, path);
        free(path);
        return st;
    }
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        text_len -= 3;
    }
    if (memchr(text, '\0', text_len)) {
        free(data);
        st = kkr_fail(diag, KKR_ERR_SYNTAX, path, 0, 0, "NUL byte, expected text");
        free(path);
        return st;
    }
    if (!kkr_utf8_valid(text, text_len, NULL)) {
        converted = kkr_cp1252_to_utf8(text, text_len, &text_len);
        if (!converted) {
            free(data);
            st = nomem(diag, path);
            free(path);
            return st;
        }
        text = converted;
        kkr_warn(warn, "%s: not UTF-8, read as Windows-1252", path);
    }
    long line = 0;
    char *cur = text;
    while (st == KKR_OK && cur && *cur) {
        char *nl = strchr(cur, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *s = cur;
        cur = nl ? nl + 1 : NULL;
        size_t n = strlen(s);
        if (n && s[n - 1] == '\r')
            s[--n] = '\0';
        const char *k = s;
        size_t kn = n;
        kkr_text_trim(&k, &kn);
        if (kn == 0 || k[0] == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = kkr_fail(diag, KKR_ERR_SYNTAX, path, line, 1,
                          "cannot read '%s', expected 'key = value'", s);
            break;
        }
        const char *key = s, *val = eq + 1;
        size_t keylen = (size_t)(eq - s), vallen = strlen(val);
        kkr_text_trim(&key, &keylen);
        kkr_text_trim(&val, &vallen);
        char **slot = NULL;
        struct kkr_workbook_layout *lay = &wb->layout;
        long vcol = (long)(val - s) + 1;
        char vbuf[64];
        snprintf(vbuf, sizeof vbuf, "%.*s", (int)(vallen < 60 ? vallen : 60), val);
        if (kkr_text_equal_fold(key, keylen, "kolumner", 8) ||
            kkr_text_equal_fold(key, keylen, "columns", 7)) {
            free(lay->columns);
            if (!(lay->columns = strndup(val, vallen))) {
                st = nomem(diag, path);
                break;
            }
            lay->columns_line = line;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "tecken", 6) ||
                   kkr_text_equal_fold(key, keylen, "sign", 4)) {
            if (kkr_text_equal_fold(val, vallen, "nettokostnad", 12))
                lay->sign = KKR_SIGN_NET_COST;
            else if (kkr_text_equal_fold(val, vallen, "resultat", 8))
                lay->sign = KKR_SIGN_RESULT;
            else {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "tecken '%s', expected nettokostnad or resultat", vbuf);
                break;
            }
            lay->sign_set = true;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "decimaler", 9) ||
                   kkr_text_equal_fold(key, keylen, "procentdecimaler", 16)) {
            bool pct = keylen > 9;
            if (vallen != 1 || val[0] < '0' || val[0] > '2') {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "%s '%s', expected 0, 1 or 2", pct ? "procentdecimaler" : "decimaler",
                              vbuf);
                break;
            }
            *(pct ? &lay->percent_decimals : &lay->decimals) = val[0] - '0';
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "enhet", 5) ||
                   kkr_text_equal_fold(key, keylen, "unit", 4)) {
            char ubuf[16];
            if (vallen >= sizeof ubuf ||
                (snprintf(ubuf, sizeof ubuf, "%.*s", (int)vallen, val),
                 !kkr_display_unit_parse(ubuf, &lay->unit))) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "enhet '%s', expected kkr, kr or mnkr", vbuf);
                break;
            }
            lay->unit_set = true;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "totalrad", 8)) {
            if (vallen == 0) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "empty totalrad, expected the total row's label, e.g. Summa");
                break;
            }
            slot = &lay->total_label;
        } else if (kkr_text_equal_fold(key, keylen, "organisation", 12) ||
            kkr_text_equal_fold(key, keylen, "kommun", 6))
            slot = &wb->organisation;
        else if (kkr_text_equal_fold(key, keylen, "nämnd", strlen("nämnd")) ||
                 kkr_text_equal_fold(key, keylen, "namnd", 5) ||
                 kkr_text_equal_fold(key, keylen, "committee", 9))
            slot = &wb->committee;
        else if (kkr_text_equal_fold(key, keylen, "titel", 5) ||
                 kkr_text_equal_fold(key, keylen, "title", 5))
            slot = &wb->title;
        else if (kkr_text_equal_fold(key, keylen, "år", strlen("år")) ||
                 kkr_text_equal_fold(key, keylen, "ar", 2) ||
                 kkr_text_equal_fold(key, keylen, "year", 4)) {
            int y, m;
            if (!kkr_period_parse(val, vallen, &y, &m) || m != 0) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, path, line, (long)(val - s) + 1,
                              "cannot parse år '%.*s', expected a year like 2020", (int)vallen,
                              val);
                break;
            }
            wb->year = y;
            continue;
        } else {
            kkr_warn(warn, "%s:%ld: unknown key '%.*s' ignored", path, line, (int)keylen, key);
            continue;
        }
        size_t at;
        if (kkr_text_has_control(val, vallen, "", &at)) {
            st = kkr_fail(diag, KKR_ERR_VALUE, path, line, (long)(val - s) + (long)at + 1,
                          "'%.*s' with a control character, expected text without control "
                          "characters", (int)keylen, key);
            break;
        }
        free(*slot);
        *slot = strndup(val, vallen);
        if (!*slot)
            st = nomem(diag, path);
    }
    free(converted);
    free(data);
    free(path);
    return st;
}

/* ---- putting it together ---- */

static void loader_release(struct loader *ld)
{
    if (ld->parent_code)
        for (size_t u = 0; u < ld->wb->unit_count; u++)
            free(ld->parent_code[u]);
    free(ld->parent_code);
    free(ld->budget.items);
    free(ld->actual.items);
    free(ld->shares);
    free(ld->shares_has);
    free(ld->forecast_line);
    source_release(&ld->units_src);
    source_release(&ld->budget_src);
    source_release(&ld->actual_src);
}

/* Places pending rows into the monthly arrays (summing rows for the same cell). */
static enum kkr_status place(struct loader *ld, struct pending_list *list, int64_t *amounts,
                             uint8_t *has, const struct source *src, struct kkr_diag *diag,
                             struct kkr_warnings *warn)
{
    struct kkr_workbook *wb = ld->wb;
    const char *path = src->path;
    size_t later = 0, older = 0;
    int later_year = 0;
    enum kkr_status st = KKR_OK;
    for (size_t i = 0; i < list->count && st == KKR_OK; i++) {
        const struct pending *p = &list->items[i];
        if (p->year > wb->year) {
            later++;
            later_year = p->year;
            continue;
        }
        if (p->year < wb->first_year) {
            older++;
            continue;
        }
        size_t base = kkr_workbook_cell(wb, p->unit, p->slag) +
                      (size_t)(p->year - wb->first_year) * 12;
        int64_t months[12] = {0};
        if (p->month == 0) {
            size_t slot = (size_t)(p->unit + 1) * wb->slag_count + (size_t)p->slag;
            size_t dflt = (size_t)p->slag;
            static const double even[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
            const double *shares = ld->shares_has[slot]   ? &ld->shares[slot * 12]
                                   : ld->shares_has[dflt] ? &ld->shares[dflt * 12]
                                                          : even;
            double total = 0;
            for (int m = 0; m < 12; m++)
                total += shares[m];
            if (!(total > 0)) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, p->line, 3,
                              "the shares in periodisering.csv for '%s' %s add up to 0",
                              wb->units[p->unit].code, wb->slag[p->slag].code);
                break;
            }
            spread(p->amount_ore, shares, months);
        } else {
            months[p->month - 1] = p->amount_ore;
        }
        for (int m = 0; m < 12; m++) {
            if (p->month != 0 && m != p->month - 1)
                continue;
            if (!kkr_money_add(amounts[base + m], months[m], &amounts[base + m])) {
                st = kkr_fail(diag, KKR_ERR_OVERFLOW, path, p->line, 4,
                              "the sum for '%s' %s %d%02d overflows, expected amounts below "
                              "92 233 720 368 547 758 kr",
                              wb->units[p->unit].code, wb->slag[p->slag].code, p->year, m + 1);
                break;
            }
            if (has)
                has[base + m] = 1;
        }
    }
    if (st == KKR_OK && later)
        kkr_warn(warn, "%s: %zu rows after the fiscal year %d (up to %d) ignored", path, later,
                 wb->year, later_year);
    if (st == KKR_OK && older)
        kkr_warn(warn, "%s: %zu rows more than %d years before %d ignored", path, older,
                 MAX_HISTORY_YEARS, wb->year);
    if (st != KKR_OK)
        locate(diag, src);
    return st;
}

static enum kkr_status load(struct loader *ld, struct kkr_diag *diag, struct kkr_warnings *warn)
{
    struct kkr_workbook *wb = ld->wb;
    if (!slag_init(wb))
        return nomem(diag, wb->dir);
    enum kkr_status st = load_conf(wb, diag, warn);
    if (st == KKR_OK)
        st = load_slag(wb, diag, warn);
    if (st == KKR_OK)
        st = load_units(ld, diag, warn);
    if (st == KKR_OK)
        st = load_amounts(ld, "budget", &ld->budget, true, &ld->budget_src, diag, warn);
    if (st == KKR_OK)
        st = load_amounts(ld, "utfall", &ld->actual, false, &ld->actual_src, diag, warn);
    if (st != KKR_OK)
        return st;

    size_t slots = kkr_workbook_slots(wb);
    ld->shares = calloc((slots + wb->slag_count) * 12, sizeof *ld->shares);
    ld->shares_has = calloc(slots + wb->slag_count, 1);
    ld->forecast_line = calloc(slots, sizeof *ld->forecast_line);
    wb->forecast_ore = calloc(slots, sizeof *wb->forecast_ore);
    wb->forecast_has = calloc(slots, 1);
    wb->forecast_comment = calloc(slots, sizeof *wb->forecast_comment);
    if (!ld->shares || !ld->shares_has || !ld->forecast_line || !wb->forecast_ore ||
        !wb->forecast_has || !wb->forecast_comment)
        return nomem(diag, wb->dir);

    st = read_file(ld, "periodisering", share_columns, take_share, ld, NULL, diag, warn);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    if (st != KKR_OK)
        return st;
    st = read_file(ld, "prognos", forecast_columns, take_forecast, ld, NULL, diag, warn);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    if (st != KKR_OK)
        return st;

    /* the fiscal year: år in bok.conf, else the latest budget year */
    int min_year = 0, max_budget_year = 0;
    for (size_t i = 0; i < ld->budget.count; i++) {
        int y = ld->budget.items[i].year;
        if (y > max_budget_year)
            max_budget_year = y;
        if (!min_year || y < min_year)
            min_year = y;
    }
    for (size_t i = 0; i < ld->actual.count; i++) {
        int y = ld->actual.items[i].year;
        if (!min_year || y < min_year)
            min_year = y;
    }
    if (!wb->year)
        wb->year = max_budget_year;
    if (!wb->year) {
        return kkr_fail(diag, KKR_ERR_VALUE, ld->budget_src.path, 0, 0,
                        "no budget rows and no 'år' in bok.conf, expected a fiscal year");
    }
    if (!min_year || min_year > wb->year)
        min_year = wb->year;
    if (min_year < wb->year - MAX_HISTORY_YEARS)
        min_year = wb->year - MAX_HISTORY_YEARS;
    wb->first_year = min_year;
    wb->month_count = (wb->year - wb->first_year + 1) * 12;
    size_t cells = slots * (size_t)wb->month_count;
    wb->budget_ore = calloc(cells ? cells : 1, sizeof *wb->budget_ore);
    wb->actual_ore = calloc(cells ? cells : 1, sizeof *wb->actual_ore);
    wb->actual_has = calloc(cells ? cells : 1, 1);
    if (!wb->budget_ore || !wb->actual_ore || !wb->actual_has)
        return nomem(diag, wb->dir);
    st = place(ld, &ld->budget, wb->budget_ore, NULL, &ld->budget_src, diag, warn);
    if (st == KKR_OK)
        st = place(ld, &ld->actual, wb->actual_ore, wb->actual_has, &ld->actual_src, diag,
                   warn);
    if (st != KKR_OK)
        return st;

    kkr_workbook_cover_typ(wb, wb->forecast_ore, wb->forecast_has);

    /* the report period: the latest month of the fiscal year with any utfall */
    size_t year_base = (size_t)(wb->year - wb->first_year) * 12;
    for (size_t s = 0; s < slots; s++)
        for (int m = 12; m > wb->last_actual_month; m--)
            if (wb->actual_has[s * (size_t)wb->month_count + year_base + (size_t)m - 1]) {
                wb->last_actual_month = m;
                break;
            }

    /* a leaf with budget but no utfall this year is worth a look, not an error */
    if (wb->last_actual_month > 0) {
        const char *bp = ld->budget_src.path;
        size_t warned = 0;
        for (size_t u = 0; u < wb->unit_count; u++) {
            if (!wb->units[u].is_leaf)
                continue;
            bool budget = false, actual = false;
            for (size_t k = 0; k < wb->slag_count; k++) {
                size_t base = kkr_workbook_cell(wb, (int)u, (int)k) + year_base;
                for (int m = 0; m < 12; m++) {
                    budget |= wb->budget_ore[base + m] != 0;
                    actual |= wb->actual_has[base + m] != 0;
                }
            }
            if (budget && !actual) {
                if (warned < MAX_SAME_WARNINGS)
                    kkr_warn(warn, "%s: unit '%s' has budget but no utfall in %d",
                             bp, wb->units[u].code, wb->year);
                warned++;
            }
        }
        if (warned > MAX_SAME_WARNINGS)
            kkr_warn(warn, "%s: %zu more units have budget but no utfall in %d",
                     bp, warned - MAX_SAME_WARNINGS, wb->year);
    }
    return KKR_OK;
}

enum kkr_status kkr_workbook_load(const char *dir, struct kkr_workbook **out,
                                  struct kkr_diag *diag, struct kkr_warnings *warn)
{
    return kkr_workbook_load_replacing(dir, NULL, NULL, out, diag, warn);
}

enum kkr_status kkr_workbook_load_replacing(const char *dir, const char *name,
                                            const char *path, struct kkr_workbook **out,
                                            struct kkr_diag *diag, struct kkr_warnings *warn)
{
    return kkr_workbook_load_linked(dir, name, path, NULL, out, diag, warn);
}

static enum kkr_status load_with_chain(const char *dir, const struct kkr_workbook_load_options *opt,
                                       const struct kkr_link_chain *chain,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn);

enum kkr_status kkr_workbook_load_with(const char *dir, const struct kkr_workbook_load_options *opt,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn)
{
    return load_with_chain(dir, opt, NULL, out, diag, warn);
}

enum kkr_status kkr_workbook_load_linked(const char *dir, const char *name, const char *path,
                                         const struct kkr_link_chain *chain,
                                         struct kkr_workbook **out, struct kkr_diag *diag,
                                         struct kkr_warnings *warn)
{
    struct kkr_workbook_load_options opt = {name, path, NULL};
    return load_with_chain(dir, &opt, chain, out, diag, warn);
}

static enum kkr_status load_with_chain(const char *dir, const struct kkr_workbook_load_options *opt,
                                       const struct kkr_link_chain *chain,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn)
{
    static const struct kkr_workbook_load_options none = {NULL, NULL, NULL};
    if (!opt)
        opt = &none;
    struct kkr_diag local;
    if (!diag)
        diag = &local;
    kkr_diag_clear(diag);
    *out = NULL;
    /* a mistyped folder says so, rather than "DIR/verksamheter.csv: cannot open" */
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno == ENOENT
                   ? kkr_fail(diag, KKR_ERR_NOT_FOUND, dir, 0, 0,
                              "no such folder, expected a workbook folder with "
                              "verksamheter.csv, budget.csv and utfall.csv")
                   : kkr_fail(diag, KKR_ERR_IO, dir, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return kkr_fail(diag, KKR_ERR_VALUE, dir, 0, 0,
                        "is a file, expected a workbook folder with verksamheter.csv, "
                        "budget.csv and utfall.csv");
    struct kkr_workbook *wb = kkr_workbook_alloc();
    if (!wb || !(wb->dir = strdup(dir))) {
        kkr_workbook_free(wb);
        return nomem(diag, dir);
    }
    wb->layout.decimals = wb->layout.percent_decimals = -1;
    struct loader ld = {.wb = wb, .warn = warn, .replace_name = opt->replace_name,
                        .replace_path = opt->replace_path, .csv = opt->csv};
    enum kkr_status st = load(&ld, diag, warn);
    size_t links = ld.links;
    loader_release(&ld);
    if (st == KKR_OK && links > 0) {
        /* a kommun workbook: the linked nämnder's units become the linking units' children */
        struct kkr_workbook *whole = NULL;
        st = kkr_kommun_consolidate(wb, chain, &whole, diag, warn);
        kkr_workbook_free(wb);
        wb = whole;
    }
    if (st != KKR_OK) {
        kkr_workbook_free(wb);
        return st;
    }
    kkr_snapshot_warn_strays(dir, warn);
    *out = wb;
    return KKR_OK;
}

void kkr_workbook_free(struct kkr_workbook *wb)
{
    if (!wb)
        return;
    for (size_t u = 0; u < wb->unit_count; u++) {
        free(wb->units[u].code);
        free(wb->units[u].name);
        free(wb->units[u].workbook);
        free(wb->units[u].responsible);
    }
    if (wb->forecast_comment)
        for (size_t i = 0; i < kkr_workbook_slots(wb); i++)
            free(wb->forecast_comment[i]);
    free(wb->forecast_comment);
    free(wb->forecast_ore);
    free(wb->forecast_has);
    free(wb->budget_ore);
    free(wb->actual_ore);
    free(wb->actual_has);
    free(wb->units);
    free(wb->order);
    for (size_t i = 0; wb->slag && i < wb->slag_count; i++) {
        free(wb->slag[i].code);
        free(wb->slag[i].name);
    }
    free(wb->slag);
    kkr_hash_release(&impl_of(wb)->unit_index);
    free(wb->layout.conf_path);
    free(wb->layout.columns);
    free(wb->layout.total_label);
    free(wb->organisation);
    free(wb->committee);
    free(wb->title);
    free(wb->dir);
    free(impl_of(wb));
}

void kkr_workbook_cover_typ(const struct kkr_workbook *wb, int64_t *forecast_ore,
                            uint8_t *forecast_has)
{
    if (wb->slag_count <= KKR_TYPES)
        return;
    int from = wb->month_count - 12;
    for (size_t u = 0; u < wb->unit_count; u++)
        for (int t = 0; t < KKR_TYPES; t++) {
            if (!forecast_has[kkr_workbook_slot(wb, (int)u, t)])
                continue;
            bool any_slag = false;
            for (size_t s = KKR_TYPES; s < wb->slag_count; s++)
                if ((int)wb->slag[s].typ == t &&
                    forecast_has[kkr_workbook_slot(wb, (int)u, (int)s)])
                    any_slag = true;
            if (any_slag)
                continue;
            for (size_t s = KKR_TYPES; s < wb->slag_count; s++) {
                if ((int)wb->slag[s].typ != t)
                    continue;
                size_t cell = kkr_workbook_cell(wb, (int)u, (int)s);
                bool amounts = false;
                for (int m = from; m < wb->month_count; m++)
                    amounts |= wb->budget_ore[cell + (size_t)m] != 0 ||
                               wb->actual_has[cell + (size_t)m];
                if (!amounts)
                    continue;
                size_t slot = kkr_workbook_slot(wb, (int)u, (int)s);
                forecast_has[slot] = 1;
                forecast_ore[slot] = 0;
            }
        }
}

int kkr_workbook_month_index(const struct kkr_workbook *wb, int year, int month)
{
    if (year < wb->first_year || year > wb->year || month < 1 || month > 12)
        return -1;
    return (year - wb->first_year) * 12 + month - 1;
}

bool kkr_workbook_unit_within(const struct kkr_workbook *wb, int a, int b)
{
    for (int u = a; u >= 0; u = wb->units[u].parent)
        if (u == b)
            return true;
    return false;
}
