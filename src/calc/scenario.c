/* scenario.c — what-if on savings measures: measures files, the bridge, the scenario's table */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"
#include "kkr/money.h"
#include "kkr/scenario.h"
#include "kkr/text.h"
#include "kkr/xlsx.h"

/* ---- measures ---- */

enum {
    COL_UNIT, COL_DESC, COL_EFFECT, COL_PROB, COL_KIND, COL_COUNT, COL_PER_MONTH, COL_FROM,
    COL_SPREAD, COL_N
};

static const struct kkr_csv_column measure_columns[] = {
    {"verksamhet|unit|vht", true},
    {"beskrivning|description|åtgärd|measure", true},
    {"effekt|effect", false},
    {"sannolikhet|probability", false},
    {"slag|kind", false},
    {"antal|count", false},
    {"per_månad|per_manad|per_month|permånad", false},
    {"från_period|fran_period|from_period|från", false},
    {"spridning|spread|sd", false},
    {NULL, false},
};

/* The column names used in messages. */
static const char *const column_name[COL_N] = {
    "verksamhet", "beskrivning", "effekt", "sannolikhet", "slag", "antal", "per_månad",
    "från_period", "spridning",
};

struct load_state {
    const struct kkr_workbook *wb;
    struct kkr_measures *m;
    size_t capacity;
    bool header_checked;
};

static char *dup_text(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static bool field_empty(const struct kkr_csv_row *row, int col)
{
    const char *s = row->fields[col].text;
    size_t len = row->fields[col].len;
    kkr_text_trim(&s, &len);
    return len == 0;
}

static enum kkr_status row_fail(const struct kkr_csv_row *row, int col, struct kkr_diag *diag,
                                enum kkr_status st, const char *what)
{
    return kkr_fail(diag, st, row->path, row->line, row->columns[col], "%s", what);
}

bool kkr_measure_drivers_effect(double count, int64_t per_month_ore, int from_month,
                                int64_t *effect_ore)
{
    if (from_month < 1 || from_month > 12 || !(count >= 0.0) || !isfinite(count))
        return false;
    int64_t total_ore;
    if (!kkr_money_mul(per_month_ore, 13 - from_month, &total_ore))
        return false;
    int64_t effect;
    double whole = nearbyint(count);
    if (count == whole && whole < 9.0e15) {
        /* A whole number of pieces: exact in öre. */
        if (!kkr_money_mul(total_ore, (int64_t)whole, &effect))
            return false;
    } else {
        double kr = -count * kkr_money_to_kr(total_ore);
        if (!kkr_money_from_kr(kr, &effect))
            return false;
        *effect_ore = effect;
        return true;
    }
    if (effect == INT64_MIN)
        return false;
    *effect_ore = -effect;
    return true;
}

bool kkr_measure_expected(int64_t effect_ore, double probability, int64_t *expected_ore)
{
    if (!(probability >= 0.0 && probability <= 1.0))
        return false;
    if (probability == 1.0) {
        *expected_ore = effect_ore;
        return true;
    }
    /* effect × p in öre, rounded once half away from zero. The probability was written in
     * decimal ("0,35") but is held in binary (0.34999…978): snap the product to 6 decimals of
     * an öre first so that 10 öre × 0,35 = 3,5 öre rounds to 4 as on paper. */
    long double v = (long double)effect_ore * (long double)probability;
    if (fabsl(v) < 1.0e12L)
        v = roundl(v * 1.0e6L) / 1.0e6L;
    long double r = v < 0 ? -floorl(-v + 0.5L) : floorl(v + 0.5L);
    if (fabsl(r) > 9.0e18L)
        return false;
    *expected_ore = (int64_t)r;
    return true;
}

/* As the workbook's amounts: a syntax error, or an overflow for very long numbers. */
static enum kkr_status parse_amount(const struct kkr_csv_row *row, int col, int64_t *ore,
                                    struct kkr_diag *diag)
{
    const struct kkr_csv_field *f = &row->fields[col];
    if (f->type == KKR_CELL_NUMBER) {
        /* an .xlsx number cell: its stored decimal, rounded to öre once */
        if (kkr_xlsx_number_ore(f->text, f->len, ore))
            return KKR_OK;
        return kkr_fail(diag, KKR_ERR_OVERFLOW, row->path, row->line, row->columns[col],
                        "amount %s in column '%s' is too large, expected at most "
                        "92 233 720 368 547 758 kr", f->text, column_name[col]);
    }
    if (f->type != KKR_CELL_TEXT)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                        "found %s cell '%s' in column '%s', expected an amount in kronor",
                        f->type == KKR_CELL_DATE ? "a date" : "a boolean", f->text,
                        column_name[col]);
    if (kkr_money_parse(f->text, f->len, ore))
        return KKR_OK;
    size_t ndigits = 0;
    for (size_t i = 0; i < f->len; i++)
        ndigits += f->text[i] >= '0' && f->text[i] <= '9';
    if (ndigits >= 18)
        return kkr_fail(diag, KKR_ERR_OVERFLOW, row->path, row->line, row->columns[col],
                        "amount '%s' in column '%s' is too large, expected at most "
                        "92 233 720 368 547 758 kr", f->text, column_name[col]);
    return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[col],
                    "cannot parse amount '%s' in column '%s', expected kronor like "
                    "'-1 234,56'", f->text, column_name[col]);
}

/* effekt and the drivers are alternatives, so the CSV reader cannot require either: the header
 * must have effekt or all three driver columns. Reported on line 1 as the reader's own
 * "missing column" (checked with the first data row, the first time the header is seen). */
static enum kkr_status check_header(const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    if (row->columns[COL_EFFECT] != 0)
        return KKR_OK;
    const int drivers[3] = {COL_COUNT, COL_PER_MONTH, COL_FROM};
    int present = 0, missing = COL_EFFECT;
    for (int i = 0; i < 3; i++) {
        if (row->columns[drivers[i]] != 0)
            present++;
        else if (missing == COL_EFFECT)
            missing = drivers[i];
    }
    if (present == 3)
        return KKR_OK;
    if (present == 0)
        missing = COL_EFFECT;
    return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, 1, 0,
                    "missing column '%s' in the header, expected "
                    "'verksamhet;beskrivning;effekt;sannolikhet' or "
                    "'verksamhet;beskrivning;antal;per_månad;från_period;sannolikhet'",
                    column_name[missing]);
}

static enum kkr_status measure_row(void *userdata, const struct kkr_csv_row *row,
                                   struct kkr_diag *diag)
{
    struct load_state *ls = userdata;
    const struct kkr_workbook *wb = ls->wb;
    char msg[700];
    if (!ls->header_checked) {
        enum kkr_status hst = check_header(row, diag);
        if (hst != KKR_OK)
            return hst;
        ls->header_checked = true;
    }
    struct kkr_measure me = {0};
    me.unit = -1;
    me.kind = -1;
    me.probability = 1.0;
    me.line = row->line;

#define FIELD(c) row->fields[c].text, row->fields[c].len
#define SHOW(c) (int)(row->fields[c].len > 200 ? 200 : row->fields[c].len), row->fields[c].text

    /* verksamhet: empty = the whole nämnd */
    if (!field_empty(row, COL_UNIT)) {
        const char *s = row->fields[COL_UNIT].text;
        size_t len = row->fields[COL_UNIT].len;
        kkr_text_trim(&s, &len);
        me.unit = wb ? kkr_workbook_find_unit(wb, s, len) : -1;
        if (me.unit < 0) {
            snprintf(msg, sizeof msg,
                     "unknown verksamhet '%.*s', expected a kod from verksamheter.csv or empty "
                     "for the whole nämnd", SHOW(COL_UNIT));
            return row_fail(row, COL_UNIT, diag, KKR_ERR_VALUE, msg);
        }
    }
    if (field_empty(row, COL_DESC))
        return row_fail(row, COL_DESC, diag, KKR_ERR_VALUE,
                        "empty beskrivning, expected a text");
    enum kkr_status text_st = kkr_csv_check_text(row, COL_DESC, "beskrivning", false, diag);
    if (text_st != KKR_OK)
        return text_st;

    if (!field_empty(row, COL_KIND)) {
        enum kkr_kind k;
        int slag = wb ? kkr_workbook_find_slag(wb, FIELD(COL_KIND))
                      : kkr_kind_parse(FIELD(COL_KIND), &k) ? (int)k : -1;
        if (slag < 0) {
            snprintf(msg, sizeof msg,
                     wb && wb->slag_count > KKR_TYPES
                         ? "unknown slag '%.*s', expected 'intäkt', 'kostnad' or a slag of "
                           "slag.csv"
                         : "unknown slag '%.*s', expected 'intäkt' or 'kostnad'",
                     SHOW(COL_KIND));
            return row_fail(row, COL_KIND, diag, KKR_ERR_VALUE, msg);
        }
        me.kind = slag;
    }

    bool has_effect = !field_empty(row, COL_EFFECT);
    int driver_cols[3] = {COL_COUNT, COL_PER_MONTH, COL_FROM};
    int drivers_given = 0, first_driver = -1, missing_driver = -1;
    for (int i = 0; i < 3; i++) {
        if (!field_empty(row, driver_cols[i])) {
            drivers_given++;
            if (first_driver < 0)
                first_driver = driver_cols[i];
        } else if (missing_driver < 0) {
            missing_driver = driver_cols[i];
        }
    }
    if (has_effect && drivers_given > 0) {
        snprintf(msg, sizeof msg,
                 "both effekt and %s given, expected either 'effekt' or "
                 "'antal;per_månad;från_period'", column_name[first_driver]);
        return row_fail(row, first_driver, diag, KKR_ERR_VALUE, msg);
    }
    if (!has_effect && drivers_given == 0)
        return row_fail(row, COL_EFFECT, diag, KKR_ERR_VALUE,
                        "no effekt given, expected 'effekt' or 'antal;per_månad;från_period'");
    if (has_effect) {
        enum kkr_status st = parse_amount(row, COL_EFFECT, &me.effect_ore, diag);
        if (st != KKR_OK)
            return st;
    } else {
        if (drivers_given < 3) {
            snprintf(msg, sizeof msg, "missing %s, expected 'antal;per_månad;från_period' "
                     "together", column_name[missing_driver]);
            return row_fail(row, missing_driver, diag, KKR_ERR_VALUE, msg);
        }
        me.from_drivers = true;
        if (!kkr_decimal_parse(FIELD(COL_COUNT), &me.count) || !(me.count >= 0)
            || !isfinite(me.count)) {
            snprintf(msg, sizeof msg,
                     "cannot parse antal '%.*s', expected a number >= 0",
                     SHOW(COL_COUNT));
            return row_fail(row, COL_COUNT, diag, KKR_ERR_SYNTAX, msg);
        }
        enum kkr_status st = parse_amount(row, COL_PER_MONTH, &me.per_month_ore, diag);
        if (st != KKR_OK)
            return st;
        int year, month;
        const char *ps = row->fields[COL_FROM].text;
        size_t plen = row->fields[COL_FROM].len;
        kkr_text_trim(&ps, &plen);
        if (row->fields[COL_FROM].type == KKR_CELL_DATE && plen >= 7)
            plen = 7; /* an .xlsx date cell (YYYY-MM-DD): its month */
        if (!kkr_period_parse(ps, plen, &year, &month) || month == 0) {
            snprintf(msg, sizeof msg,
                     "cannot parse period '%.*s', expected YYYYMM or YYYY-MM",
                     SHOW(COL_FROM));
            return row_fail(row, COL_FROM, diag, KKR_ERR_SYNTAX, msg);
        }
        if (wb && year != wb->year) {
            snprintf(msg, sizeof msg,
                     "från_period '%.*s' is outside the fiscal year, expected a month of %d",
                     SHOW(COL_FROM), wb->year);
            return row_fail(row, COL_FROM, diag, KKR_ERR_VALUE, msg);
        }
        me.from_month = month;
        me.months = 13 - month;
        if (!kkr_measure_drivers_effect(me.count, me.per_month_ore, month, &me.effect_ore))
            return row_fail(row, COL_PER_MONTH, diag, KKR_ERR_OVERFLOW,
                            "antal × per_månad × months does not fit");
    }

    if (!field_empty(row, COL_PROB)) {
        double p;
        if (!kkr_decimal_parse(FIELD(COL_PROB), &p) || !isfinite(p)) {
            snprintf(msg, sizeof msg, "cannot parse sannolikhet '%.*s', expected a "
                     "probability like '0,8' or '80 %%'", SHOW(COL_PROB));
            return row_fail(row, COL_PROB, diag, KKR_ERR_SYNTAX, msg);
        }
        if (p < 0.0 || p > 1.0) {
            snprintf(msg, sizeof msg, "sannolikhet '%.*s' is outside 0..1, expected a "
                     "probability like '0,8' or '80 %%'", SHOW(COL_PROB));
            return row_fail(row, COL_PROB, diag, KKR_ERR_VALUE, msg);
        }
        me.probability = p;
    }
    if (!field_empty(row, COL_SPREAD)) {
        bool number = row->fields[COL_SPREAD].type == KKR_CELL_NUMBER;
        if (!(number ? kkr_xlsx_number_ore(FIELD(COL_SPREAD), &me.spread_ore)
                     : row->fields[COL_SPREAD].type == KKR_CELL_TEXT &&
                           kkr_money_parse(FIELD(COL_SPREAD), &me.spread_ore)) ||
            me.spread_ore < 0) {
            snprintf(msg, sizeof msg, "cannot parse spridning '%.*s', expected an amount "
                     ">= 0 in kr like '50 000'", SHOW(COL_SPREAD));
            return row_fail(row, COL_SPREAD, diag, KKR_ERR_SYNTAX, msg);
        }
    }
    if (!kkr_measure_expected(me.effect_ore, me.probability, &me.expected_ore))
        return row_fail(row, COL_EFFECT, diag, KKR_ERR_OVERFLOW,
                        "effekt × sannolikhet does not fit");
#undef FIELD
#undef SHOW

    const char *ds = row->fields[COL_DESC].text;
    size_t dlen = row->fields[COL_DESC].len;
    kkr_text_trim(&ds, &dlen);
    me.description = dup_text(ds, dlen);
    struct kkr_measures *m = ls->m;
    if (m->count == ls->capacity) {
        size_t cap = ls->capacity ? ls->capacity * 2 : 16;
        struct kkr_measure *items = realloc(m->items, cap * sizeof *items);
        if (!items) {
            free(me.description);
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        }
        m->items = items;
        ls->capacity = cap;
    }
    if (!me.description)
        return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
    m->items[m->count++] = me;
    return KKR_OK;
}

static char *scenario_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".csv") == 0)
        len -= 4;
    else if (len > 5 && strcmp(base + len - 5, ".xlsx") == 0)
        len -= 5;
    return dup_text(base, len);
}

static enum kkr_status load_common(const char *name, const char *data, size_t len,
                                   const struct kkr_workbook *wb, struct kkr_measures **out,
                                   struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_measures *m = calloc(1, sizeof *m);
    if (!m)
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    m->path = dup_text(name, strlen(name));
    m->name = scenario_name(name);
    if (!m->path || !m->name) {
        kkr_measures_free(m);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    struct load_state ls = {wb, m, 0, false};
    size_t n = strlen(name);
    bool xlsx = !data && n > 5 && strcmp(name + n - 5, ".xlsx") == 0;
    enum kkr_status st =
        data ? kkr_csv_read_buffer(name, data, len, measure_columns, measure_row, &ls, diag, warn)
        : xlsx ? kkr_xlsx_read_table(name, measure_columns, measure_row, &ls, diag, warn)
               : kkr_csv_read_file(name, measure_columns, measure_row, &ls, diag, warn);
    if (st != KKR_OK) {
        kkr_measures_free(m);
        return st;
    }
    if (m->count == 0)
        kkr_warn(warn, "%s: no measures, only a header", name);
    *out = m;
    return KKR_OK;
}

enum kkr_status kkr_measures_load(const char *path, const struct kkr_workbook *wb,
                                  struct kkr_measures **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    return load_common(path, NULL, 0, wb, out, diag, warn);
}

enum kkr_status kkr_measures_load_buffer(const char *name, const char *data, size_t len,
                                         const struct kkr_workbook *wb,
                                         struct kkr_measures **out, struct kkr_diag *diag,
                                         struct kkr_warnings *warn)
{
    return load_common(name, data ? data : "", len, wb, out, diag, warn);
}

void kkr_measures_free(struct kkr_measures *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->count; i++)
        free(m->items[i].description);
    free(m->items);
    free(m->path);
    free(m->name);
    free(m);
}

/* ---- the bridge ---- */

void kkr_bridge_options_init(struct kkr_bridge_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void kkr_bridge_free(struct kkr_bridge *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->step_count; i++) {
        free(b->steps[i].label);
        free(b->steps[i].unit_code);
        free(b->steps[i].unit_name);
    }
    free(b->steps);
    free(b->scenario);
    free(b->baseline_label);
    free(b->newer_label);
    free(b);
}

enum kkr_status kkr_bridge_from_baseline(const struct kkr_workbook *wb,
                                         const struct kkr_measures *m, int64_t baseline_ore,
                                         const char *baseline_label, struct kkr_bridge **out,
                                         struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_bridge *b = calloc(1, sizeof *b);
    if (!b)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    b->scenario = dup_text(m->name, strlen(m->name));
    b->baseline_label = dup_text(baseline_label, strlen(baseline_label));
    b->steps = calloc(m->count ? m->count : 1, sizeof *b->steps);
    if (!b->scenario || !b->baseline_label || !b->steps)
        goto nomem;
    b->baseline_ore = baseline_ore;
    for (size_t i = 0; i < m->count; i++) {
        const struct kkr_measure *me = &m->items[i];
        struct kkr_bridge_step *s = &b->steps[b->step_count++];
        s->label = dup_text(me->description, strlen(me->description));
        if (!s->label)
            goto nomem;
        if (me->unit >= 0 && wb) {
            const struct kkr_unit *u = &wb->units[me->unit];
            s->unit_code = dup_text(u->code, strlen(u->code));
            s->unit_name = dup_text(u->name, strlen(u->name));
            if (!s->unit_code || !s->unit_name)
                goto nomem;
        }
        s->effect_ore = me->effect_ore;
        s->probability = me->probability;
        s->expected_ore = me->expected_ore;
        if (!kkr_money_add(b->measures_ore, me->expected_ore, &b->measures_ore)) {
            kkr_bridge_free(b);
            return kkr_fail(diag, KKR_ERR_OVERFLOW, m->path, me->line, 0,
                            "the sum of the measures does not fit");
        }
    }
    if (!kkr_money_add(baseline_ore, b->measures_ore, &b->result_ore)) {
        kkr_bridge_free(b);
        return kkr_fail(diag, KKR_ERR_OVERFLOW, m->path, 0, 0,
                        "the result after the measures does not fit");
    }
    b->outlook_ore = b->result_ore;
    *out = b;
    return KKR_OK;
nomem:
    kkr_bridge_free(b);
    return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static int report_period(const struct kkr_workbook *wb, const struct kkr_bridge_options *opt)
{
    if (opt && opt->period >= 1 && opt->period <= 12)
        return opt->period;
    return wb->last_actual_month >= 1 ? wb->last_actual_month : 1;
}

/* The baseline's roll-up: the current forecast or a snapshot. label gets its name. */
static enum kkr_status baseline_rollup(const struct kkr_workbook *wb,
                                       const struct kkr_bridge_options *opt,
                                       struct kkr_rollup *r, char *label, size_t size,
                                       struct kkr_diag *diag, struct kkr_warnings *warn)
{
    int period = report_period(wb, opt);
    if (!opt || opt->baseline_year == 0) {
        snprintf(label, size, "Prognos %s (aktuell)", kkr_month_name(period));
        return kkr_rollup_build(wb, period, NULL, r, diag);
    }
    if (opt->baseline_year != wb->year)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                        "snapshot %04d%02d is outside the fiscal year %d", opt->baseline_year,
                        opt->baseline_month, wb->year);
    struct kkr_snapshot *snap = NULL;
    enum kkr_status st = kkr_snapshot_load(wb, opt->baseline_year, opt->baseline_month, &snap,
                                           diag, warn);
    if (st != KKR_OK)
        return st;
    st = kkr_rollup_build_with(wb, opt->baseline_month, snap->forecast_ore, snap->forecast_has,
                               NULL, r, diag);
    kkr_snapshot_free(snap);
    snprintf(label, size, "Prognos %s (snapshot %04d%02d)", kkr_month_name(opt->baseline_month),
             opt->baseline_year, opt->baseline_month);
    return st;
}

enum kkr_status kkr_bridge_compute(const struct kkr_workbook *wb, const struct kkr_measures *m,
                                   const struct kkr_bridge_options *opt, struct kkr_bridge **out,
                                   struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_rollup base;
    memset(&base, 0, sizeof base);
    char label[128];
    enum kkr_status st = baseline_rollup(wb, opt, &base, label, sizeof label, diag, warn);
    if (st != KKR_OK)
        return st;
    int64_t baseline_ore = kkr_figures_variance_full(&kkr_rollup_total(&base)->net);
    kkr_rollup_release(&base);
    st = kkr_bridge_from_baseline(wb, m, baseline_ore, label, out, diag);
    if (st != KKR_OK)
        return st;

    int period = report_period(wb, opt);
    if (opt && opt->baseline_year != 0 && opt->baseline_month < period) {
        /* A newer forecast exists: reconcile against it. */
        struct kkr_rollup now;
        memset(&now, 0, sizeof now);
        st = kkr_rollup_build(wb, period, NULL, &now, diag);
        if (st != KKR_OK) {
            kkr_bridge_free(*out);
            *out = NULL;
            return st;
        }
        struct kkr_bridge *b = *out;
        b->newer_ore = kkr_figures_variance_full(&kkr_rollup_total(&now)->net);
        kkr_rollup_release(&now);
        snprintf(label, sizeof label, "Prognos %s (aktuell)", kkr_month_name(period));
        b->newer_label = dup_text(label, strlen(label));
        if (!b->newer_label) {
            kkr_bridge_free(b);
            *out = NULL;
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        if (!kkr_money_sub(b->newer_ore, b->result_ore, &b->rest_ore)) {
            kkr_bridge_free(b);
            *out = NULL;
            return kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0, "the rest does not fit");
        }
        b->reconciled = true;
        b->outlook_ore = b->newer_ore;   /* the latest knowledge: result + rest */
    }
    return KKR_OK;
}

/* ---- the scenario's follow-up table ---- */

enum kkr_status kkr_scenario_apply(const struct kkr_workbook *wb, const struct kkr_measures *m,
                                   const int64_t *base_forecast_ore, int64_t *out_forecast_ore,
                                   struct kkr_diag *diag)
{
    size_t cells = kkr_workbook_slots(wb);
    if (out_forecast_ore != base_forecast_ore)
        memcpy(out_forecast_ore, base_forecast_ore, cells * sizeof *out_forecast_ore);
    for (size_t i = 0; i < m->count; i++) {
        const struct kkr_measure *me = &m->items[i];
        if (me->unit < 0)
            continue;
        int kind = me->kind >= 0 ? me->kind : KKR_COST;
        size_t c = kkr_workbook_slot(wb, me->unit, kind);
        /* Net cost convention: an improvement lowers the forecast (less cost, more revenue). */
        if (!kkr_money_sub(out_forecast_ore[c], me->expected_ore, &out_forecast_ore[c]))
            return kkr_fail(diag, KKR_ERR_OVERFLOW, m->path, me->line, 0,
                            "forecast of '%s' with the measure does not fit",
                            wb->units[me->unit].code);
    }
    return KKR_OK;
}

static const char extra_code[] = "ATGARDER";
static const char extra_name[] = "Åtgärder för hela nämnden";

/* A shallow copy of wb with one more top-level unit (index wb->unit_count) without amounts.
 * Strings are shared with wb; the arrays are new. */
static struct kkr_workbook *extend_workbook(const struct kkr_workbook *wb)
{
    struct kkr_workbook *x = malloc(sizeof *x);
    if (!x)
        return NULL;
    *x = *wb;
    size_t n = wb->unit_count + 1;
    size_t mc = (size_t)wb->month_count;
    size_t old_cells = kkr_workbook_slots(wb), new_cells = n * wb->slag_count;
    x->unit_count = n;
    x->units = malloc(n * sizeof *x->units);
    x->order = malloc(n * sizeof *x->order);
    x->budget_ore = calloc(new_cells * mc, sizeof *x->budget_ore);
    x->actual_ore = calloc(new_cells * mc, sizeof *x->actual_ore);
    x->actual_has = calloc(new_cells * mc, sizeof *x->actual_has);
    x->forecast_ore = calloc(new_cells, sizeof *x->forecast_ore);
    x->forecast_has = calloc(new_cells, sizeof *x->forecast_has);
    x->forecast_comment = calloc(new_cells, sizeof *x->forecast_comment);
    if (!x->units || !x->order || !x->budget_ore || !x->actual_ore || !x->actual_has
        || !x->forecast_ore || !x->forecast_has || !x->forecast_comment) {
        free(x->units), free(x->order), free(x->budget_ore), free(x->actual_ore);
        free(x->actual_has), free(x->forecast_ore), free(x->forecast_has);
        free(x->forecast_comment), free(x);
        return NULL;
    }
    memcpy(x->units, wb->units, wb->unit_count * sizeof *x->units);
    x->units[wb->unit_count] = (struct kkr_unit){.code = (char *)extra_code,
                                                 .name = (char *)extra_name, .parent = -1,
                                                 .is_leaf = true};
    memcpy(x->order, wb->order, wb->unit_count * sizeof *x->order);
    x->order[wb->unit_count] = (int)wb->unit_count;
    memcpy(x->budget_ore, wb->budget_ore, old_cells * mc * sizeof *x->budget_ore);
    memcpy(x->actual_ore, wb->actual_ore, old_cells * mc * sizeof *x->actual_ore);
    memcpy(x->actual_has, wb->actual_has, old_cells * mc * sizeof *x->actual_has);
    memcpy(x->forecast_ore, wb->forecast_ore, old_cells * sizeof *x->forecast_ore);
    memcpy(x->forecast_has, wb->forecast_has, old_cells * sizeof *x->forecast_has);
    memcpy(x->forecast_comment, wb->forecast_comment, old_cells * sizeof *x->forecast_comment);
    return x;
}

static void extended_free(struct kkr_workbook *x)
{
    if (!x)
        return;
    free(x->units), free(x->order), free(x->budget_ore), free(x->actual_ore);
    free(x->actual_has), free(x->forecast_ore), free(x->forecast_has);
    free(x->forecast_comment), free(x);
}

enum kkr_status kkr_scenario_view_build(const struct kkr_workbook *wb,
                                        const struct kkr_measures *m,
                                        const struct kkr_bridge_options *opt,
                                        struct kkr_scenario_view *out, struct kkr_diag *diag,
                                        struct kkr_warnings *warn)
{
    memset(out, 0, sizeof *out);
    out->wb = wb;
    struct kkr_rollup base;
    memset(&base, 0, sizeof base);
    char label[128];
    enum kkr_status st = baseline_rollup(wb, opt, &base, label, sizeof label, diag, warn);
    if (st != KKR_OK)
        return st;

    int64_t *whole_ore = calloc(wb->slag_count, sizeof *whole_ore);
    if (!whole_ore) {
        kkr_rollup_release(&base);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    bool any_whole = false;
    for (size_t i = 0; i < m->count; i++) {
        if (m->items[i].unit < 0) {
            int kind = m->items[i].kind >= 0 ? m->items[i].kind : KKR_COST;
            any_whole = true;
            if (!kkr_money_add(whole_ore[kind], m->items[i].expected_ore, &whole_ore[kind])) {
                free(whole_ore);
                kkr_rollup_release(&base);
                return kkr_fail(diag, KKR_ERR_OVERFLOW, m->path, m->items[i].line, 0,
                                "the sum of the measures does not fit");
            }
        }
    }
    size_t n = wb->unit_count + (any_whole ? 1 : 0), ns = wb->slag_count;
    int64_t *forecast_ore = calloc(n * ns, sizeof *forecast_ore);
    uint8_t *has = malloc(n * ns);
    if (!forecast_ore || !has) {
        free(forecast_ore), free(has), free(whole_ore);
        kkr_rollup_release(&base);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    memset(has, 1, n * ns);
    for (size_t c = 0; c < kkr_workbook_slots(wb); c++)
        forecast_ore[c] = base.own[c].forecast_full;
    kkr_rollup_release(&base);
    st = kkr_scenario_apply(wb, m, forecast_ore, forecast_ore, diag);
    if (st == KKR_OK && any_whole) {
        out->owned = extend_workbook(wb);
        if (!out->owned)
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        else {
            out->wb = out->owned;
            /* An improvement lowers the net cost: less cost or more (negative) revenue. */
            for (size_t k = 0; k < ns; k++)
                forecast_ore[wb->unit_count * ns + k] = -whole_ore[k];
        }
    }
    free(whole_ore);
    if (st == KKR_OK)
        st = kkr_rollup_build_with(out->wb, report_period(wb, opt), forecast_ore, has, NULL,
                                   &out->rollup, diag);
    free(forecast_ore), free(has);
    if (st != KKR_OK) {
        extended_free(out->owned);
        memset(out, 0, sizeof *out);
    }
    return st;
}

void kkr_scenario_view_release(struct kkr_scenario_view *v)
{
    if (!v)
        return;
    if (v->rollup.rows)
        kkr_rollup_release(&v->rollup);
    extended_free(v->owned);
    memset(v, 0, sizeof *v);
}

/* ---- simulation input ---- */

enum kkr_status kkr_sim_input_from_measures(const struct kkr_measures *m, int64_t baseline_ore,
                                            struct kkr_sim_input *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    size_t n = m->count ? m->count : 1;
    double *p = malloc(n * sizeof *p);
    int64_t *e = malloc(n * sizeof *e), *s = malloc(n * sizeof *s);
    if (!p || !e || !s) {
        free(p), free(e), free(s);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < m->count; i++) {
        p[i] = m->items[i].probability;
        e[i] = m->items[i].effect_ore;
        s[i] = m->items[i].spread_ore;
    }
    out->count = m->count;
    out->probability = p;
    out->effect_ore = e;
    out->spread_ore = s;
    out->baseline_ore = baseline_ore;
    return KKR_OK;
}

void kkr_sim_input_release(struct kkr_sim_input *in)
{
    if (!in)
        return;
    free((void *)in->probability);
    free((void *)in->effect_ore);
    free((void *)in->spread_ore);
    memset(in, 0, sizeof *in);
}
