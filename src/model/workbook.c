/* workbook.c — a workbook folder loaded: the files read in order, amounts placed, the tree */
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

bool loader_digits(const char *s, size_t n)
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
    if (len == 6 && loader_digits(s, 6)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[4] - '0') * 10 + (s[5] - '0');
    } else if (len == 7 && loader_digits(s, 4) && s[4] == '-' && loader_digits(s + 5, 2)) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
    } else if (len == 4 && loader_digits(s, 4)) {
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

enum kkr_status loader_nomem(struct kkr_diag *diag, const char *path)
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
        goto loader_nomem;
    }
    if (asprintf(&xlsx, "%s%s%s.xlsx", dir, sep, name) < 0) {
        xlsx = NULL;
        goto loader_nomem;
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
loader_nomem:
    free(csv);
    free(xlsx);
    return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
}

/* Reads workbook file NAME as NAME.csv or NAME.xlsx through the same column rules; src (may be
 * NULL) keeps which. A missing file is KKR_ERR_NOT_FOUND with diag->line 0. */
enum kkr_status loader_read_file(struct loader *ld, const char *name,
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
            return loader_nomem(diag, ld->wb->dir);
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
            st = loader_nomem(diag, path);
    }
    kkr_xlsx_free(x);
    if (src)
        src->path = path;
    else
        free(path);
    return st;
}

/* A message about a row of a file already read (src): file:line:column, or file:sheet!cell. */
void loader_locate(struct kkr_diag *diag, const struct source *src)
{
    if (src->sheet)
        kkr_xlsx_diag_locate(diag, src->path, src->sheet);
}

static void source_release(struct source *src)
{
    free(src->path);
    free(src->sheet);
}

int kkr_workbook_find_unit(const struct kkr_workbook *wb, const char *code, size_t len)
{
    size_t u;
    kkr_text_trim(&code, &len);
    return kkr_hash_find(&impl_of(wb)->unit_index, code, len, &u) ? (int)u : -1;
}

/* Builds the index; a duplicate code sets *dup_a (first) and *dup_b (second) and fails. */
enum kkr_status loader_index_build(struct kkr_workbook *wb, int *dup_a, int *dup_b)
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
    if (loader_index_build(wb, &a, &b) != KKR_OK)
        return loader_nomem(diag, wb->dir);
    if (a >= 0)
        return kkr_fail(diag, KKR_ERR_VALUE, wb->dir, 0, 0,
                        "two units with the kod '%s' at the kommun level, expected unique codes",
                        wb->units[b].code);
    return KKR_OK;
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
enum kkr_status loader_place(struct loader *ld, struct pending_list *list, int64_t *amounts,
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
            loader_spread(p->amount_ore, shares, months);
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
        loader_locate(diag, src);
    return st;
}

static enum kkr_status load(struct loader *ld, struct kkr_diag *diag, struct kkr_warnings *warn)
{
    struct kkr_workbook *wb = ld->wb;
    if (!loader_slag_init(wb))
        return loader_nomem(diag, wb->dir);
    enum kkr_status st = loader_load_conf(wb, diag, warn);
    if (st == KKR_OK)
        st = loader_load_slag(wb, diag, warn);
    if (st == KKR_OK)
        st = loader_load_units(ld, diag, warn);
    if (st == KKR_OK)
        st = loader_load_amounts(ld, "budget", &ld->budget, true, &ld->budget_src, diag, warn);
    if (st == KKR_OK)
        st = loader_load_amounts(ld, "utfall", &ld->actual, false, &ld->actual_src, diag, warn);
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
        return loader_nomem(diag, wb->dir);

    st = loader_read_file(ld, "periodisering", loader_share_columns, loader_take_share, ld, NULL,
                          diag, warn);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    if (st != KKR_OK)
        return st;
    st = loader_read_file(ld, "prognos", loader_forecast_columns, loader_take_forecast, ld, NULL,
                          diag, warn);
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
        return loader_nomem(diag, wb->dir);
    st = loader_place(ld, &ld->budget, wb->budget_ore, NULL, &ld->budget_src, diag, warn);
    if (st == KKR_OK)
        st = loader_place(ld, &ld->actual, wb->actual_ore, wb->actual_has, &ld->actual_src, diag,
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
        return loader_nomem(diag, dir);
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

const char *kkr_workbook_whole_name(const struct kkr_workbook *wb)
{
    for (size_t u = 0; u < wb->unit_count; u++)
        if (wb->units[u].workbook)
            return "hela kommunen";
    return "hela nämnden";
}
