/* report.c — the follow-up tables' model: options, row names, values, the lines of both tables */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/sheet.h"
#include "kkr/table.h"
#include "kkr/text.h"

#include "report-private.h"

void kkr_report_options_init(struct kkr_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = KKR_FORMAT_TEXT;
    opt->unit = KKR_UNIT_KKR;
    opt->tables = KKR_TABLES_BOTH;
    opt->decimals = opt->percent_decimals = -1;
}

/* A name shortened by snprintf to its buffer ends at a character boundary: the bytes of a
 * character cut in two are dropped (the names are UTF-8; fuzz-writers found the JSON report's
 * namn of a long name ending in U+FFFD). */
static void cut_at_character(char *buf)
{
    size_t bad, len = strlen(buf);
    if (!kkr_utf8_valid(buf, len, &bad))
        buf[bad] = '\0';
}

static void row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row, char *buf,
                     size_t size);

void kkr_report_row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row,
                         char *buf, size_t size)
{
    row_name(wb, row, buf, size);
    if (size)
        cut_at_character(buf);
}

static void row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row, char *buf,
                     size_t size)
{
    if (row->unit < 0) {
        snprintf(buf, size, "Verksamhetens nettokostnad");
        return;
    }
    const char *name = wb->units[row->unit].name;
    if (row->depth == 0) {
        snprintf(buf, size, "%s", name);
        return;
    }
    size_t len = strlen(name);
    char *lowered = malloc(len + 1);
    if (!lowered) {
        snprintf(buf, size, "Varav %s", name);
        return;
    }
    kkr_text_lower_first(lowered, name, len);
    snprintf(buf, size, "Varav %s", lowered);
    free(lowered);
}

/* ---- the table model ---- */

int64_t report_shown(const struct kkr_report_table *t, int64_t ore)
{
    return t->opt->sign == KKR_SIGN_RESULT ? -ore : ore;
}

/* The figures of line within the column's restriction, or NULL when they do not meet. */
static const struct kkr_figures *part_of(const struct kkr_report_table *t,
                                         const struct kkr_rollup *r,
                                         const struct kkr_report_line *l,
                                         const struct kkr_report_column *c)
{
    if (!r)
        return NULL;
    const struct kkr_rollup_row *row = &r->rows[l->row];
    const struct kkr_workbook *wb = t->wb;
    if (l->part_slag >= 0) {
        int s = l->part_slag;
        if (c->restrict_slag >= 0 && c->restrict_slag != s)
            return NULL;
        if (c->restrict_typ >= 0 && (int)wb->slag[s].typ != c->restrict_typ)
            return NULL;
        return &row->slag[s];
    }
    if (l->part_typ >= 0) {
        int ty = l->part_typ;
        if (c->restrict_slag >= 0)
            return (int)wb->slag[c->restrict_slag].typ == ty ? &row->slag[c->restrict_slag]
                                                             : NULL;
        if (c->restrict_typ >= 0 && c->restrict_typ != ty)
            return NULL;
        return &row->kind[ty];
    }
    if (c->restrict_slag >= 0)
        return &row->slag[c->restrict_slag];
    if (c->restrict_typ >= 0)
        return &row->kind[c->restrict_typ];
    return &row->net;
}

/* a % whose base rounds to 0 in the display unit is shown empty (DESIGN §5.1) */
static bool base_shows_zero(const struct kkr_report_table *t, int64_t ore)
{
    char buf[64];
    kkr_money_format_decimals(buf, sizeof buf, ore < 0 ? -ore : ore, t->opt->unit,
                              t->opt->decimals, &KKR_STYLE_PLAIN);
    for (const char *p = buf; *p; p++)
        if (*p >= '1' && *p <= '9')
            return false;
    return true;
}

struct kkr_report_value kkr_report_table_value(const struct kkr_report_table *t,
                                               const struct kkr_report_line *l, size_t col)
{
    const struct kkr_report_column *c = &t->layout->cols[col];
    struct kkr_report_value v = {false, c->percent, 0, NAN};
    const struct kkr_figures *f = part_of(t, t->rollup, l, c);
    const struct kkr_figures *prev = part_of(t, t->previous, l, c);
    const struct kkr_figures *then = part_of(t, t->compare, l, c);
    if (!f) {
        v.empty = true;
        return v;
    }
    switch (c->id) {
    case KKR_COLUMN_BUDGET_YTD: v.ore = report_shown(t, f->budget_ytd); break;
    case KKR_COLUMN_ACTUAL_YTD: v.ore = report_shown(t, f->actual_ytd); break;
    case KKR_COLUMN_VARIANCE_YTD: v.ore = kkr_figures_variance_ytd(f); break;
    case KKR_COLUMN_BUDGET_FULL: v.ore = report_shown(t, f->budget_full); break;
    case KKR_COLUMN_FORECAST_FULL: v.ore = report_shown(t, f->forecast_full); break;
    case KKR_COLUMN_VARIANCE_FULL: v.ore = kkr_figures_variance_full(f); break;
    case KKR_COLUMN_CHANGE:
        /* how much the helår avvikelse moved since the compared forecast (positive = better) */
        v.ore = then ? kkr_figures_variance_full(f) - kkr_figures_variance_full(then) : 0;
        break;
    case KKR_COLUMN_FORECAST_THEN:
        if (then)
            v.ore = report_shown(t, then->forecast_full);
        else
            v.empty = true;
        break;
    case KKR_COLUMN_ACTUAL_PERCENT:
        if (f->budget_full != 0 && !base_shows_zero(t, f->budget_full))
            v.pct = 100.0 * (double)f->actual_ytd / (double)f->budget_full;
        break;
    case KKR_COLUMN_BENCHMARK:
        if (f->budget_full != 0 && !base_shows_zero(t, f->budget_full))
            v.pct = 100.0 * (double)f->budget_ytd / (double)f->budget_full;
        break;
    case KKR_COLUMN_ACTUAL_FULL:
        if (t->wb->last_actual_month == 12 && t->rollup->year == t->wb->year)
            v.ore = report_shown(t, f->actual_full);
        else
            v.empty = true;
        break;
    case KKR_COLUMN_ACTUAL_YTD_PREV:
    case KKR_COLUMN_CHANGE_PREV:
    case KKR_COLUMN_CHANGE_PREV_PERCENT:
    case KKR_COLUMN_BUDGET_FULL_PREV:
    case KKR_COLUMN_ACTUAL_FULL_PREV:
    case KKR_COLUMN_VARIANCE_FULL_PREV:
        if (!prev) {
            v.empty = true;
            break;
        }
        if (c->id == KKR_COLUMN_ACTUAL_YTD_PREV)
            v.ore = report_shown(t, prev->actual_ytd);
        else if (c->id == KKR_COLUMN_CHANGE_PREV)
            v.ore = report_shown(t, f->actual_ytd - prev->actual_ytd);
        else if (c->id == KKR_COLUMN_CHANGE_PREV_PERCENT) {
            if (prev->actual_ytd != 0 && !base_shows_zero(t, prev->actual_ytd))
                v.pct = (double)report_shown(t, f->actual_ytd - prev->actual_ytd) * 100.0 /
                        fabs((double)prev->actual_ytd);
        } else if (c->id == KKR_COLUMN_BUDGET_FULL_PREV)
            v.ore = report_shown(t, prev->budget_full);
        else if (c->id == KKR_COLUMN_ACTUAL_FULL_PREV)
            v.ore = report_shown(t, prev->actual_full);
        else
            v.ore = prev->budget_full - prev->actual_full;
        break;
    case KKR_COLUMN_IDS: break;
    }
    return v;
}

size_t kkr_report_value_format(const struct kkr_report_table *t,
                               const struct kkr_report_value *v,
                               const struct kkr_number_style *style, char *buf, size_t size)
{
    if (v->empty)
        return (size_t)snprintf(buf, size, "%s", "");
    if (!v->percent)
        return kkr_money_format_decimals(buf, size, v->ore, t->opt->unit, t->opt->decimals,
                                         style);
    if (isnan(v->pct))
        return (size_t)snprintf(buf, size, "%s", style == &KKR_STYLE_TEXT ? "–" : "");
    /* rounded half away from zero, in the style's decimal sign */
    int d = t->opt->percent_decimals < 0 ? 1 : t->opt->percent_decimals;
    int64_t scale = d == 0 ? 1 : d == 1 ? 10 : 100;
    int64_t units = (int64_t)llround(v->pct * (double)scale);
    int64_t mag = units < 0 ? -units : units;
    if (d == 0)
        return (size_t)snprintf(buf, size, "%s%lld", units < 0 ? style->minus : "",
                                (long long)mag);
    return (size_t)snprintf(buf, size, "%s%lld%s%0*lld", units < 0 ? style->minus : "",
                            (long long)(mag / scale), style->decimal, d,
                            (long long)(mag % scale));
}

void kkr_report_group_title(const struct kkr_report_table *t, enum kkr_column_group g,
                            char *buf, size_t size)
{
    if (g == KKR_GROUP_PERIOD)
        snprintf(buf, size, "Ackumulerat period");
    else if (g == KKR_GROUP_FULL)
        snprintf(buf, size, "Helår");
    else
        snprintf(buf, size, "Helår %d", t->wb->year - 1);
}

/* ---- the lines of both tables ---- */

static enum kkr_status set_name(struct kkr_report_line *l, const char *name)
{
    l->name = strdup(name);
    return l->name ? KKR_OK : KKR_ERR_NOMEM;
}

static enum kkr_status unit_lines(struct kkr_report_table *t)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_rollup *r = t->rollup;
    t->units = calloc(r->row_count, sizeof *t->units);
    if (!t->units)
        return KKR_ERR_NOMEM;
    char name[512];
    size_t n = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        const struct kkr_rollup_row *row = &r->rows[i];
        /* --depth N: the levels 0..N-1 and the total */
        if (t->opt->depth > 0 && row->unit >= 0 && row->depth >= t->opt->depth)
            continue;
        struct kkr_report_line *l = &t->units[n++];
        t->unit_count = n;
        if (row->unit < 0 && t->opt->total_label) {
            snprintf(name, sizeof name, "%s", t->opt->total_label);
            cut_at_character(name);
        } else
            kkr_report_row_name(wb, row, name, sizeof name);
        if (set_name(l, name) != KKR_OK)
            return KKR_ERR_NOMEM;
        l->code = row->unit >= 0 ? wb->units[row->unit].code : "total";
        l->plain_name = row->unit >= 0 ? wb->units[row->unit].name : l->name;
        l->depth = row->depth;
        l->parent = row->unit >= 0 ? wb->units[row->unit].parent : -1;
        l->computed = row->computed;
        l->is_total = row->unit < 0;
        l->row = i;
        l->part_typ = l->part_slag = -1;
    }
    return KKR_OK;
}

static bool figures_zero(const struct kkr_figures *f)
{
    return !f->budget_ytd && !f->actual_ytd && !f->budget_full && !f->forecast_full &&
           !f->actual_full;
}

static enum kkr_status slag_lines(struct kkr_report_table *t)
{
    static const char *const names[] = {"Intäkter", "Kostnader", "Netto"};
    static const char *const codes[] = {"intäkt", "kostnad", "netto"};
    static const char *const unspecified[] = {"ej_fördelat_intäkt", "ej_fördelat_kostnad"};
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_rollup_row *tot = kkr_rollup_total(t->rollup);
    t->slag = calloc(wb->slag_count + 3, sizeof *t->slag);
    if (!t->slag)
        return KKR_ERR_NOMEM;
    size_t n = 0, total = t->rollup->row_count - 1;
    for (int ty = 0; ty <= KKR_TYPES; ty++) {
        struct kkr_report_line *l = &t->slag[n++];
        if (set_name(l, names[ty]) != KKR_OK)
            return KKR_ERR_NOMEM;
        l->code = codes[ty];
        l->plain_name = names[ty];
        l->parent = -1;
        l->row = total;
        l->part_typ = ty < KKR_TYPES ? ty : -1;
        l->part_slag = -1;
        l->computed = tot->computed && ty == KKR_TYPES;
        l->is_total = ty == KKR_TYPES;
        if (ty == KKR_TYPES)
            break;
        /* the typ's declared slag as Varav rows, then what was booked on the typ itself */
        bool declared = false;
        for (size_t s = KKR_TYPES; s < wb->slag_count; s++) {
            if ((int)wb->slag[s].typ != ty)
                continue;
            declared = true;
            struct kkr_report_line *v = &t->slag[n++];
            char name[512], lowered[256];
            size_t len = strlen(wb->slag[s].name);
            if (len >= sizeof lowered)
                len = sizeof lowered - 1;
            kkr_text_lower_first(lowered, wb->slag[s].name, len);
            snprintf(name, sizeof name, "Varav %s", lowered);
            cut_at_character(name);
            if (set_name(v, name) != KKR_OK)
                return KKR_ERR_NOMEM;
            v->code = wb->slag[s].code;
            v->plain_name = wb->slag[s].name;
            v->depth = 1;
            v->parent = -1;
            v->parent_code = codes[ty];
            v->row = total;
            v->part_typ = -1;
            v->part_slag = (int)s;
        }
        if (declared && !figures_zero(&tot->slag[ty])) {
            struct kkr_report_line *v = &t->slag[n++];
            if (set_name(v, "Varav ej fördelat") != KKR_OK)
                return KKR_ERR_NOMEM;
            v->code = unspecified[ty];
            v->plain_name = "ej fördelat";
            v->depth = 1;
            v->parent = -1;
            v->parent_code = codes[ty];
            v->row = total;
            v->part_typ = -1;
            v->part_slag = ty;
        }
    }
    t->slag_count = n;
    return KKR_OK;
}

/* lines allocated (also when building stopped half way: names are NULL beyond) */
static size_t wb_slag_lines(const struct kkr_report_table *t)
{
    return t->wb ? t->wb->slag_count + 3 : 0;
}

void kkr_report_table_release(struct kkr_report_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->units && t->rollup && i < t->rollup->row_count; i++)
        free(t->units[i].name);
    for (size_t i = 0; t->slag && i < wb_slag_lines(t); i++)
        free(t->slag[i].name);
    free(t->units);
    free(t->slag);
    kkr_report_layout_release(&t->default_layout);
    if (t->has_previous)
        kkr_rollup_release(&t->previous_rollup);
    memset(t, 0, sizeof *t);
}

/* Whether file (budget.csv: budget, utfall.csv: utfall) has any row of year. */
static bool year_has_rows(const struct kkr_workbook *wb, int year, bool actual)
{
    int mi = kkr_workbook_month_index(wb, year, 1);
    if (mi < 0)
        return false;
    size_t slots = kkr_workbook_slots(wb);
    for (size_t s = 0; s < slots; s++) {
        size_t base = s * (size_t)wb->month_count + (size_t)mi;
        for (int m = 0; m < 12; m++)
            if (actual ? wb->actual_has[base + m] != 0 : wb->budget_ore[base + m] != 0)
                return true;
    }
    return false;
}

enum kkr_status kkr_report_table_build(const struct kkr_workbook *wb,
                                       const struct kkr_rollup *rollup,
                                       const struct kkr_report_options *opt,
                                       struct kkr_report_table *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->wb = wb;
    out->rollup = rollup;
    out->opt = opt;
    out->compare = opt->compare;
    enum kkr_status st = KKR_OK;
    if (opt->layout) {
        out->layout = opt->layout;
    } else {
        st = kkr_report_layout_default(wb, opt->columns, opt->compare != NULL,
                                       &out->default_layout, diag);
        out->layout = &out->default_layout;
    }
    bool prev_budget = false, prev_actual = false;
    for (size_t i = 0; st == KKR_OK && i < out->layout->count; i++) {
        const struct kkr_report_column *c = &out->layout->cols[i];
        if (!c->needs_previous)
            continue;
        if (c->id == KKR_COLUMN_BUDGET_FULL_PREV || c->id == KKR_COLUMN_VARIANCE_FULL_PREV)
            prev_budget = true;
        if (c->id != KKR_COLUMN_BUDGET_FULL_PREV)
            prev_actual = true;
    }
    int py = rollup->year - 1;
    if (st == KKR_OK && (prev_budget || prev_actual)) {
        const char *missing = prev_actual && !year_has_rows(wb, py, true)    ? "utfall.csv"
                              : prev_budget && !year_has_rows(wb, py, false) ? "budget.csv"
                                                                             : NULL;
        if (missing) {
            size_t n = strlen(wb->dir);
            char path[4096];
            snprintf(path, sizeof path, "%s%s%s", wb->dir, n && wb->dir[n - 1] == '/' ? "" : "/",
                     missing);
            st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                          "no %s rows for %d, expected the previous year's %s for the "
                          "previous-year columns",
                          strcmp(missing, "utfall.csv") == 0 ? "utfall" : "budget", py,
                          strcmp(missing, "utfall.csv") == 0 ? "utfall" : "budget");
        } else {
            st = kkr_rollup_build_year(wb, py, rollup->period, &out->previous_rollup, diag);
            out->has_previous = st == KKR_OK;
            out->previous = out->has_previous ? &out->previous_rollup : NULL;
        }
    }
    if (st == KKR_OK && (unit_lines(out) != KKR_OK || slag_lines(out) != KKR_OK))
        st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st != KKR_OK)
        kkr_report_table_release(out);
    return st;
}
