/* report.c — the follow-up tables as the nämnd reads them: text, CSV, Markdown, JSON */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/sheet.h"
#include "kkr/table.h"
#include "kkr/text.h"

void kkr_report_options_init(struct kkr_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = KKR_FORMAT_TEXT;
    opt->unit = KKR_UNIT_KKR;
    opt->tables = KKR_TABLES_BOTH;
    opt->decimals = opt->percent_decimals = -1;
}

void kkr_report_row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row,
                         char *buf, size_t size)
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

/* ---- the column vocabulary (DESIGN §5.1) ---- */

struct column_def {
    enum kkr_column_id id;
    const char *name;       /* the CSV and JSON key */
    const char *title;      /* the heading; "%d" takes the previous year */
    enum kkr_column_group group;
    bool percent, needs_previous, needs_compare;
};

static const struct column_def defs[KKR_COLUMN_IDS] = {
    {KKR_COLUMN_BUDGET_YTD, "budget_period", "Budget", KKR_GROUP_PERIOD, false, false, false},
    {KKR_COLUMN_ACTUAL_YTD, "utfall_period", "Utfall", KKR_GROUP_PERIOD, false, false, false},
    {KKR_COLUMN_VARIANCE_YTD, "avvikelse_period", "Avvikelse", KKR_GROUP_PERIOD, false, false,
     false},
    {KKR_COLUMN_ACTUAL_PERCENT, "utfall_procent", "Utfall %", KKR_GROUP_PERIOD, true, false,
     false},
    {KKR_COLUMN_BENCHMARK, "riktpunkt", "Riktpunkt %", KKR_GROUP_PERIOD, true, false, false},
    {KKR_COLUMN_BUDGET_FULL, "budget_helår", "Budget", KKR_GROUP_FULL, false, false, false},
    {KKR_COLUMN_FORECAST_FULL, "prognos_helår", "Prognos", KKR_GROUP_FULL, false, false, false},
    {KKR_COLUMN_VARIANCE_FULL, "avvikelse_helår", "Avvikelse", KKR_GROUP_FULL, false, false,
     false},
    {KKR_COLUMN_CHANGE, "förändring", "Förändring", KKR_GROUP_FULL, false, false, true},
    {KKR_COLUMN_ACTUAL_FULL, "utfall_helår", "Utfall", KKR_GROUP_FULL, false, false, false},
    {KKR_COLUMN_ACTUAL_YTD_PREV, "utfall_period_fg", "Utfall %d", KKR_GROUP_PERIOD, false, true,
     false},
    {KKR_COLUMN_CHANGE_PREV, "förändring_fg", "Förändring", KKR_GROUP_PERIOD, false, true,
     false},
    {KKR_COLUMN_CHANGE_PREV_PERCENT, "förändring_fg_procent", "Förändring %", KKR_GROUP_PERIOD,
     true, true, false},
    {KKR_COLUMN_BUDGET_FULL_PREV, "budget_helår_fg", "Budget", KKR_GROUP_PREVIOUS, false, true,
     false},
    {KKR_COLUMN_ACTUAL_FULL_PREV, "utfall_helår_fg", "Bokslut", KKR_GROUP_PREVIOUS, false, true,
     false},
    {KKR_COLUMN_VARIANCE_FULL_PREV, "avvikelse_helår_fg", "Avvikelse", KKR_GROUP_PREVIOUS, false,
     true, false},
    {KKR_COLUMN_FORECAST_THEN, "prognos_föregående", "Prognos %s", KKR_GROUP_FULL, false, false,
     true},
};

const char *kkr_report_column_names(void)
{
    return "budget_period, utfall_period, avvikelse_period, utfall_procent, riktpunkt, "
           "budget_helår, prognos_helår, avvikelse_helår, utfall_helår, förändring, "
           "prognos_föregående, utfall_period_fg, förändring_fg, förändring_fg_procent, "
           "budget_helår_fg, utfall_helår_fg, avvikelse_helår_fg (each also as SLAG:column "
           "and column=Rubrik; or standard)";
}

static const struct column_def *def_find(const char *s, size_t len)
{
    if (len == strlen("utfall-procent") && memcmp(s, "utfall-procent", len) == 0)
        return &defs[KKR_COLUMN_ACTUAL_PERCENT];
    for (size_t i = 0; i < KKR_COLUMN_IDS; i++)
        if (strlen(defs[i].name) == len && memcmp(defs[i].name, s, len) == 0)
            return &defs[i];
    return NULL;
}

void kkr_report_layout_release(struct kkr_report_layout *layout)
{
    if (!layout)
        return;
    for (size_t i = 0; i < layout->count; i++) {
        free(layout->cols[i].key);
        free(layout->cols[i].title);
    }
    free(layout->cols);
    memset(layout, 0, sizeof *layout);
}

static char *title_of(const struct column_def *d, const struct kkr_workbook *wb, int rtyp,
                      int rslag)
{
    char base[128], *out;
    if (d->id == KKR_COLUMN_ACTUAL_YTD_PREV)
        snprintf(base, sizeof base, "Utfall %d", wb->year - 1);
    else if (d->id == KKR_COLUMN_FORECAST_THEN)
        snprintf(base, sizeof base, "Prognos fg");
    else
        snprintf(base, sizeof base, "%s", d->title);
    const char *slag = rslag >= 0 ? wb->slag[rslag].name : rtyp >= 0 ? wb->slag[rtyp].name : NULL;
    if (!slag)
        return strdup(base);
    /* "Intäkter utfall": the slag, then the column in lower case */
    char lowered[128];
    kkr_text_lower_first(lowered, base, strlen(base));
    if (asprintf(&out, "%s %s", slag, lowered) < 0)
        return NULL;
    return out;
}

static enum kkr_status layout_add(struct kkr_report_layout *l, size_t at,
                                  const struct column_def *d, const struct kkr_workbook *wb,
                                  int rtyp, int rslag, const char *key, size_t keylen,
                                  const char *title, size_t titlelen, struct kkr_diag *diag)
{
    struct kkr_report_column *cols = realloc(l->cols, (l->count + 1) * sizeof *cols);
    if (!cols)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    l->cols = cols;
    memmove(&cols[at + 1], &cols[at], (l->count - at) * sizeof *cols);
    struct kkr_report_column *c = &cols[at];
    memset(c, 0, sizeof *c);
    l->count++;
    c->id = d->id;
    c->restrict_typ = rtyp;
    c->restrict_slag = rslag;
    c->group = d->group;
    c->percent = d->percent;
    c->needs_previous = d->needs_previous;
    c->needs_compare = d->needs_compare;
    c->key = key ? strndup(key, keylen) : strdup(d->name);
    c->title = title ? strndup(title, titlelen) : title_of(d, wb, rtyp, rslag);
    if (!c->key || !c->title)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return KKR_OK;
}

static bool layout_has(const struct kkr_report_layout *l, enum kkr_column_id id)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->cols[i].id == id && l->cols[i].restrict_typ < 0 && l->cols[i].restrict_slag < 0)
            return true;
    return false;
}

enum kkr_status kkr_report_layout_default(const struct kkr_workbook *wb, unsigned flags,
                                          bool compare, struct kkr_report_layout *out,
                                          struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    static const enum kkr_column_id order[] = {
        KKR_COLUMN_BUDGET_YTD,  KKR_COLUMN_ACTUAL_YTD,    KKR_COLUMN_VARIANCE_YTD,
        KKR_COLUMN_ACTUAL_PERCENT, KKR_COLUMN_BENCHMARK, KKR_COLUMN_BUDGET_FULL,
        KKR_COLUMN_FORECAST_FULL, KKR_COLUMN_VARIANCE_FULL, KKR_COLUMN_CHANGE,
    };
    enum kkr_status st = KKR_OK;
    for (size_t i = 0; i < sizeof order / sizeof *order && st == KKR_OK; i++) {
        if (order[i] == KKR_COLUMN_ACTUAL_PERCENT && !(flags & KKR_COL_ACTUAL_PERCENT))
            continue;
        if (order[i] == KKR_COLUMN_BENCHMARK && !(flags & KKR_COL_BENCHMARK))
            continue;
        if (order[i] == KKR_COLUMN_CHANGE && !compare)
            continue;
        st = layout_add(out, out->count, &defs[order[i]], wb, -1, -1, NULL, 0, NULL, 0, diag);
    }
    if (st != KKR_OK)
        kkr_report_layout_release(out);
    return st;
}

static enum kkr_status list_fail(struct kkr_diag *diag, const char *file, long line,
                                 const char *fmt, const char *tok, size_t toklen)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, (int)(toklen > 80 ? 80 : toklen), tok);
    if (file)
        return kkr_fail(diag, KKR_ERR_VALUE, file, line, 0, "kolumner: %s, expected %s", msg,
                        kkr_report_column_names());
    return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "--columns: %s, expected %s", msg,
                    kkr_report_column_names());
}

enum kkr_status kkr_report_layout_parse(const char *list, const struct kkr_workbook *wb,
                                        bool compare, const char *file, long line,
                                        struct kkr_report_layout *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    /* first pass: the kind of list */
    size_t plus = 0, plain = 0, optional = 0, items = 0;
    bool standard = false;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *t = p;
        kkr_text_trim(&t, &n);
        if (n) {
            items++;
            if (t[0] == '+')
                plus++;
            else
                plain++;
            const char *q = t[0] == '+' ? t + 1 : t;
            size_t qn = t[0] == '+' ? n - 1 : n;
            const struct column_def *d = def_find(q, qn);
            if (d && (d->id == KKR_COLUMN_ACTUAL_PERCENT || d->id == KKR_COLUMN_BENCHMARK))
                optional++;
            if (qn == 8 && memcmp(q, "standard", 8) == 0)
                standard = true;
        }
        p = e ? e + 1 : p + strlen(p);
    }
    if (items == 0)
        return list_fail(diag, file, line, "an empty list%.*s", "", 0);
    if (plus && plain)
        return list_fail(diag, file, line,
                         "'%.*s' mixes +column and column (all add or none does)", list,
                         strlen(list));
    unsigned flags = 0;
    bool adds = plus > 0 || optional == items || (standard && items == 1);
    enum kkr_status st = KKR_OK;
    if (adds && optional == items) {
        /* the optional columns sit where they always have, whatever the order given */
        for (const char *p = list; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *t = p;
            kkr_text_trim(&t, &n);
            if (n && t[0] == '+')
                t++, n--;
            const struct column_def *d = def_find(t, n);
            if (d)
                flags |= d->id == KKR_COLUMN_ACTUAL_PERCENT ? KKR_COL_ACTUAL_PERCENT
                                                             : KKR_COL_BENCHMARK;
            p = e ? e + 1 : p + strlen(p);
        }
        return kkr_report_layout_default(wb, flags, compare, out, diag);
    }
    if (adds) {
        st = kkr_report_layout_default(wb, 0, false, out, diag);
        if (st != KKR_OK)
            return st;
    }
    for (const char *p = list; *p && st == KKR_OK;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *t = p;
        kkr_text_trim(&t, &n);
        p = e ? e + 1 : p + strlen(p);
        if (!n)
            continue;
        if (t[0] == '+')
            t++, n--;
        const char *tok = t;
        size_t tokn = n;
        if (n == 8 && memcmp(t, "standard", 8) == 0) {
            if (!adds) {
                struct kkr_report_layout d;
                st = kkr_report_layout_default(wb, 0, false, &d, diag);
                for (size_t i = 0; st == KKR_OK && i < d.count; i++)
                    st = layout_add(out, out->count, &defs[d.cols[i].id], wb, -1, -1, NULL, 0,
                                    NULL, 0, diag);
                kkr_report_layout_release(&d);
            }
            continue;
        }
        /* column=Rubrik */
        const char *title = NULL;
        size_t titlen = 0;
        const char *eq = memchr(t, '=', n);
        if (eq) {
            title = eq + 1;
            titlen = n - (size_t)(eq - t) - 1;
            kkr_text_trim(&title, &titlen);
            n = (size_t)(eq - t);
            kkr_text_trim(&t, &n);
            if (!titlen) {
                st = list_fail(diag, file, line, "'%.*s' has an empty heading after '='", tok,
                               tokn);
                break;
            }
        }
        size_t keyn = n;
        const char *key = t;
        /* SLAG:column */
        int rtyp = -1, rslag = -1;
        const char *colon = memchr(t, ':', n);
        if (colon) {
            size_t sn = (size_t)(colon - t);
            int sl = kkr_workbook_find_slag(wb, t, sn);
            if (sl < 0 || sn == 0) {
                char msg[200];
                snprintf(msg, sizeof msg, "unknown slag '%.*s' in '%%.*s'", (int)(sn > 60 ? 60 : sn),
                         t);
                char slags[1024] = "intäkt, kostnad";
                for (size_t i = KKR_TYPES; i < wb->slag_count; i++) {
                    size_t used = strlen(slags);
                    snprintf(slags + used, sizeof slags - used, ", %s", wb->slag[i].code);
                }
                if (file)
                    st = kkr_fail(diag, KKR_ERR_VALUE, file, line, 0,
                                  "kolumner: unknown slag '%.*s' in '%.*s', expected %s",
                                  (int)(sn > 60 ? 60 : sn), t, (int)(tokn > 80 ? 80 : tokn), tok,
                                  slags);
                else
                    st = kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                                  "--columns: unknown slag '%.*s' in '%.*s', expected %s",
                                  (int)(sn > 60 ? 60 : sn), t, (int)(tokn > 80 ? 80 : tokn), tok,
                                  slags);
                break;
            }
            if (sl < KKR_TYPES)
                rtyp = sl;
            else
                rslag = sl;
            t = colon + 1;
            n -= sn + 1;
            kkr_text_trim(&t, &n);
        }
        const struct column_def *d = def_find(t, n);
        if (!d) {
            st = list_fail(diag, file, line, "unknown column '%.*s'", tok, tokn);
            break;
        }
        if (d->needs_compare && !compare) {
            if (file)
                st = kkr_fail(diag, KKR_ERR_VALUE, file, line, 0,
                              "kolumner: '%s' needs --compare YYYYMM (a locked snapshot)",
                              d->name);
            else
                st = kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                              "--columns: '%s' needs --compare YYYYMM (a locked snapshot)",
                              d->name);
            break;
        }
        /* an added column goes to the end of its group */
        size_t at = out->count;
        if (adds && d->group != KKR_GROUP_PREVIOUS) {
            at = 0;
            for (size_t i = 0; i < out->count; i++)
                if (out->cols[i].group <= d->group)
                    at = i + 1;
        }
        st = layout_add(out, at, d, wb, rtyp, rslag, colon || eq ? key : NULL, keyn, title,
                        titlen, diag);
    }
    if (st == KKR_OK && compare && !layout_has(out, KKR_COLUMN_CHANGE))
        st = layout_add(out, out->count, &defs[KKR_COLUMN_CHANGE], wb, -1, -1, NULL, 0, NULL, 0,
                        diag);
    if (st != KKR_OK)
        kkr_report_layout_release(out);
    return st;
}

/* ---- the table model ---- */

static int64_t shown(const struct kkr_report_table *t, int64_t ore)
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
    case KKR_COLUMN_BUDGET_YTD: v.ore = shown(t, f->budget_ytd); break;
    case KKR_COLUMN_ACTUAL_YTD: v.ore = shown(t, f->actual_ytd); break;
    case KKR_COLUMN_VARIANCE_YTD: v.ore = kkr_figures_variance_ytd(f); break;
    case KKR_COLUMN_BUDGET_FULL: v.ore = shown(t, f->budget_full); break;
    case KKR_COLUMN_FORECAST_FULL: v.ore = shown(t, f->forecast_full); break;
    case KKR_COLUMN_VARIANCE_FULL: v.ore = kkr_figures_variance_full(f); break;
    case KKR_COLUMN_CHANGE:
        /* how much the helår avvikelse moved since the compared forecast (positive = better) */
        v.ore = then ? kkr_figures_variance_full(f) - kkr_figures_variance_full(then) : 0;
        break;
    case KKR_COLUMN_FORECAST_THEN:
        if (then)
            v.ore = shown(t, then->forecast_full);
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
            v.ore = shown(t, f->actual_full);
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
            v.ore = shown(t, prev->actual_ytd);
        else if (c->id == KKR_COLUMN_CHANGE_PREV)
            v.ore = shown(t, f->actual_ytd - prev->actual_ytd);
        else if (c->id == KKR_COLUMN_CHANGE_PREV_PERCENT) {
            if (prev->actual_ytd != 0 && !base_shows_zero(t, prev->actual_ytd))
                v.pct = (double)shown(t, f->actual_ytd - prev->actual_ytd) * 100.0 /
                        fabs((double)prev->actual_ytd);
        } else if (c->id == KKR_COLUMN_BUDGET_FULL_PREV)
            v.ore = shown(t, prev->budget_full);
        else if (c->id == KKR_COLUMN_ACTUAL_FULL_PREV)
            v.ore = shown(t, prev->actual_full);
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
        if (row->unit < 0 && t->opt->total_label)
            snprintf(name, sizeof name, "%s", t->opt->total_label);
        else
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

/* ---- text ---- */

#define MAX_COLUMNS 64

/* Indentation levels shown in text and Markdown: deeper rows indent no further, so that a
 * hostile 100 000-level tree gives 100 000 lines, not gigabytes of spaces (issue 7). */
#define MAX_INDENT 12
static size_t indent_of(int depth)
{
    return 2 * (size_t)(depth < MAX_INDENT ? depth : MAX_INDENT);
}

/* The two heading rows: the unit and each run of columns of one group under its title,
 * centred; then the column titles. */
static void text_heading(struct kkr_table *tab, const struct kkr_report_table *t)
{
    const struct kkr_report_layout *L = t->layout;
    kkr_table_row(tab);
    kkr_table_cellf(tab, 0, "Belopp i %s", kkr_display_unit_name(t->opt->unit));
    for (size_t c = 0; c < L->count;) {
        size_t e = c;
        while (e < L->count && L->cols[e].group == L->cols[c].group)
            e++;
        char title[64];
        kkr_report_group_title(t, L->cols[c].group, title, sizeof title);
        kkr_table_span(tab, 1 + c, e, title);
        c = e;
    }
    kkr_table_row(tab);
    for (size_t c = 0; c < L->count; c++)
        kkr_table_cell(tab, 1 + c, L->cols[c].title);
}

static void text_rows(struct kkr_table *tab, const struct kkr_report_table *t,
                      const struct kkr_report_line *lines, size_t n, bool mark_computed)
{
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        kkr_table_row(tab);
        kkr_table_cellf(tab, 0, "%*s%s", (int)indent_of(lines[i].depth), "", lines[i].name);
        for (size_t c = 0; c < t->layout->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_TEXT, buf, sizeof buf);
            kkr_table_cell(tab, 1 + c, buf);
        }
        if (mark_computed && lines[i].computed)
            kkr_table_cell(tab, 1 + t->layout->count, "*");
    }
}

static void period_phrase(const struct kkr_rollup *r, char *buf, size_t size)
{
    if (r->period <= 0)
        snprintf(buf, size, "inget utfall %d", r->year);
    else if (r->period == 1)
        snprintf(buf, size, "januari %d", r->year);
    else
        snprintf(buf, size, "januari–%s %d", kkr_month_name(r->period), r->year);
}

static bool layout_shows(const struct kkr_report_layout *l, enum kkr_column_id id)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->cols[i].id == id)
            return true;
    return false;
}

static void footnotes(FILE *out, const struct kkr_report_table *t)
{
    const struct kkr_rollup *r = t->rollup;
    const struct kkr_report_options *opt = t->opt;
    if (kkr_rollup_total(r)->computed) {
        if (r->method)
            fprintf(out, "* prognos beräknad med metoden %s där prognos.csv saknar belopp\n",
                    r->method);
        else
            fprintf(out, "* prognos = helårsbudget där prognos.csv saknar belopp\n");
    }
    if (layout_shows(t->layout, KKR_COLUMN_BENCHMARK)) {
        /* tenths of a percent, rounded half away from zero, with a decimal comma */
        int tenths = (r->period * 2000 / 12 + 1) / 2;
        fprintf(out, "Riktpunkt: periodiserad budget som andel av helårsbudgeten "
                     "(jämnt fördelad: %d/12 = %d,%d %%)\n", r->period, tenths / 10, tenths % 10);
    }
    if (opt->compare && layout_shows(t->layout, KKR_COLUMN_CHANGE))
        fprintf(out, "Förändring: helårsavvikelsen jämfört med prognosen %s (positivt = bättre)\n",
                opt->compare_label ? opt->compare_label : "");
    bool bokslut = false;
    for (size_t i = 0; i < kkr_workbook_slots(t->wb) && r->year == t->wb->year; i++)
        bokslut |= r->source[i] == KKR_FROM_ACTUAL;
    if (bokslut)
        fputs("Prognos = utfall (bokslut) där prognos.csv saknar belopp: året är avslutat\n",
              out);
    if (opt->sign == KKR_SIGN_RESULT)
        fputs("Tecken: intäkter positiva, kostnader negativa; avvikelse positiv = bättre\n", out);
}

static enum kkr_status write_text(FILE *out, const struct kkr_report_table *t,
                                  struct kkr_diag *diag)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_rollup *r = t->rollup;
    const struct kkr_report_options *opt = t->opt;
    size_t ncols = t->layout->count;
    /* the name, the figures (two spaces of air), the computed mark */
    struct kkr_table *tab = kkr_table_new(ncols + 2);
    if (!tab)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    kkr_table_column(tab, 0, KKR_ALIGN_LEFT, strlen("Belopp i mnkr"), NULL);
    for (size_t c = 0; c < ncols; c++)
        kkr_table_column(tab, 1 + c, KKR_ALIGN_RIGHT, 0, "  ");
    if (opt->tables != KKR_TABLES_UNITS) {
        text_heading(tab, t);
        text_rows(tab, t, t->slag, t->slag_count, false);
        if (opt->tables == KKR_TABLES_BOTH)
            kkr_table_row(tab);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        text_heading(tab, t);
        text_rows(tab, t, t->units, t->unit_count, true);
    }

    char period[128];
    period_phrase(r, period, sizeof period);
    if (wb->organisation || wb->committee)
        fprintf(out, "%s%s%s\n", wb->organisation ? wb->organisation : "",
                wb->organisation && wb->committee ? ", " : "",
                wb->committee ? wb->committee : "");
    if (wb->title)
        fprintf(out, "%s\n", wb->title);
    fprintf(out, "Ackumulerat period: %s. Helår: %d.\n\n", period, r->year);
    enum kkr_status st = kkr_table_write(tab, out, diag);
    kkr_table_free(tab);
    if (st != KKR_OK)
        return st;
    fputc('\n', out);
    footnotes(out, t);
    /* the economist's comments, as the protocol has them under the table */
    bool any = false;
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        for (int k = 0; k < (int)wb->slag_count; k++) {
            const char *c = wb->forecast_comment[kkr_workbook_slot(wb, u, k)];
            if (!c)
                continue;
            if (!any)
                fputs("Kommentarer\n", out);
            any = true;
            /* a comment's line breaks (Alt+Enter) become indented lines of the same note */
            fprintf(out, "  %s (%s): ", wb->units[u].name, wb->slag[k].code);
            for (const char *p = c; *p; p++) {
                if (*p == '\r' || *p == '\n') {
                    if (*p == '\r' && p[1] == '\n')
                        p++;
                    fputs("\n    ", out);
                } else {
                    fputc((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
                }
            }
            fputc('\n', out);
        }
    }
    return KKR_OK;
}

/* ---- CSV ---- */

static void write_csv(FILE *out, const struct kkr_report_table *t,
                      const struct kkr_report_line *lines, size_t n, bool kinds)
{
    const struct kkr_report_options *opt = t->opt;
    const struct kkr_number_style *style = opt->excel ? &KKR_STYLE_EXCEL : &KKR_STYLE_PLAIN;
    char buf[128];
    if (opt->excel)
        fputs("\xef\xbb\xbf", out);
    fputs(kinds ? "slag" : "kod;namn;nivå", out);
    for (size_t c = 0; c < t->layout->count; c++) {
        fputc(';', out);
        kkr_csv_write_text(out, t->layout->cols[c].key, ';');
    }
    if (!kinds)
        fputs(";beräknad", out);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        if (kinds) {
            kkr_csv_write_text(out, lines[i].code, ';');
        } else {
            kkr_csv_write_text(out, lines[i].code, ';');
            fputc(';', out);
            kkr_csv_write_text(out, lines[i].plain_name, ';');
            fprintf(out, ";%d", lines[i].depth);
        }
        for (size_t c = 0; c < t->layout->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, style, buf, sizeof buf);
            fprintf(out, ";%s", buf);
        }
        if (!kinds)
            fputs(lines[i].computed ? ";ja" : ";nej", out);
        fputc('\n', out);
    }
}

/* ---- Markdown ---- */

/* Text as Markdown that adds no markup and cannot break a table row or a title line: the
 * punctuation Markdown acts on is backslash-escaped ('<' too, so no <script> or other HTML),
 * '&' before a name or '#' (an entity) too, a line break becomes <br> and any other control
 * character a space. */
static void md_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r' || c == '\n') {
            if (c == '\r' && s[1] == '\n')
                s++;
            fputs("<br>", out);
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            fputc(' ', out);
            continue;
        }
        if (strchr("|*_\\`<>[]#~", c) ||
            (c == '&' && (isalnum((unsigned char)s[1]) || s[1] == '#')))
            fputc('\\', out);
        fputc(c, out);
    }
}

void kkr_md_write_text(FILE *out, const char *text)
{
    md_escape(out, text);
}

static void write_md_table(FILE *out, const struct kkr_report_table *t,
                           const struct kkr_report_line *lines, size_t n, bool mark)
{
    char buf[128];
    const struct kkr_report_layout *L = t->layout;
    fprintf(out, "| Belopp i %s |", kkr_display_unit_name(t->opt->unit));
    for (size_t c = 0; c < L->count; c++) {
        fputc(' ', out);
        md_escape(out, L->cols[c].title);
        if (L->cols[c].group == KKR_GROUP_PREVIOUS)
            fprintf(out, " %d |", t->wb->year - 1);
        else
            fprintf(out, " %s |", L->cols[c].group == KKR_GROUP_FULL ? "helår" : "period");
    }
    fputs("\n|---|", out);
    for (size_t c = 0; c < L->count; c++)
        fputs("---:|", out);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        fputs("| ", out);
        for (size_t d = 0; d < indent_of(lines[i].depth) / 2; d++)
            fputs("&emsp;", out);
        if (lines[i].is_total)
            fputs("**", out);
        md_escape(out, lines[i].name);
        if (lines[i].is_total)
            fputs("**", out);
        if (mark && lines[i].computed)
            fputs(" \\*", out);
        fputs(" |", out);
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_TEXT, buf, sizeof buf);
            fprintf(out, " %s |", buf);
        }
        fputc('\n', out);
    }
}

static void write_md(FILE *out, const struct kkr_report_table *t)
{
    const struct kkr_workbook *wb = t->wb;
    char period[128];
    period_phrase(t->rollup, period, sizeof period);
    fputs("## ", out);
    md_escape(out, wb->title ? wb->title : "Budgetuppföljning");
    fputs("\n\n", out);
    if (wb->organisation || wb->committee) {
        if (wb->organisation)
            md_escape(out, wb->organisation);
        fputs(wb->organisation && wb->committee ? ", " : "", out);
        if (wb->committee)
            md_escape(out, wb->committee);
        fputs(". ", out);
    }
    fprintf(out, "Ackumulerat period: %s. Helår: %d.\n\n", period, t->rollup->year);
    if (t->opt->tables != KKR_TABLES_UNITS) {
        write_md_table(out, t, t->slag, t->slag_count, false);
        fputc('\n', out);
    }
    if (t->opt->tables != KKR_TABLES_KINDS) {
        write_md_table(out, t, t->units, t->unit_count, true);
        fputc('\n', out);
    }
    footnotes(out, t);
}

/* ---- JSON ---- */

static void json_rows(FILE *out, const struct kkr_report_table *t,
                      const struct kkr_report_line *lines, size_t n, bool kinds)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_report_layout *L = t->layout;
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    {" : "\n    {", out);
        if (kinds) {
            fputs("\"slag\": ", out);
            kkr_json_write_string(out, lines[i].code);
            if (lines[i].parent_code) {
                fputs(", \"namn\": ", out);
                kkr_json_write_string(out, lines[i].plain_name);
                fputs(", \"typ\": ", out);
                kkr_json_write_string(out, lines[i].parent_code);
            }
        } else {
            fputs("\"kod\": ", out);
            kkr_json_write_string(out, lines[i].code);
            fputs(", \"namn\": ", out);
            kkr_json_write_string(out, lines[i].name);
            fprintf(out, ", \"nivå\": %d, \"överordnad\": ", lines[i].depth);
            if (lines[i].parent >= 0)
                kkr_json_write_string(out, wb->units[lines[i].parent].code);
            else
                fputs("null", out);
            fprintf(out, ", \"beräknad\": %s", lines[i].computed ? "true" : "false");
        }
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_PLAIN, buf, sizeof buf);
            fputs(", ", out);
            kkr_json_write_string(out, L->cols[c].key);
            fprintf(out, ": %s", buf[0] ? buf : "null");
        }
        fputs(", \"öre\": {", out);
        bool first = true;
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            if (v.percent || v.empty)
                continue;
            fputs(first ? "" : ", ", out);
            kkr_json_write_string(out, L->cols[c].key);
            fprintf(out, ": %lld", (long long)v.ore);
            first = false;
        }
        fputs("}}", out);
    }
}

static void json_opt_string(FILE *out, const char *key, const char *value)
{
    fprintf(out, "  \"%s\": ", key);
    if (value)
        kkr_json_write_string(out, value);
    else
        fputs("null", out);
    fputs(",\n", out);
}

static void write_json(FILE *out, const struct kkr_report_table *t)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_rollup *r = t->rollup;
    const struct kkr_report_options *opt = t->opt;
    fputs("{\n", out);
    json_opt_string(out, "organisation", wb->organisation);
    json_opt_string(out, "nämnd", wb->committee);
    json_opt_string(out, "titel", wb->title);
    fprintf(out, "  \"år\": %d,\n  \"period\": %d,\n  \"enhet\": \"%s\",\n", r->year, r->period,
            kkr_display_unit_name(opt->unit));
    if (opt->sign == KKR_SIGN_RESULT)
        fputs("  \"tecken\": \"resultat\",\n", out);
    if (opt->decimals >= 0)
        fprintf(out, "  \"decimaler\": %d,\n", opt->decimals);
    json_opt_string(out, "prognosmetod", r->method);
    if (opt->compare)
        json_opt_string(out, "jämförelse", opt->compare_label);
    fputs("  \"slag\": [", out);
    json_rows(out, t, t->slag, t->slag_count, true);
    fputs("\n  ],\n  \"verksamheter\": [", out);
    json_rows(out, t, t->units, t->unit_count, false);
    fputs("\n  ]\n}\n", out);
}

enum kkr_status kkr_report_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup,
                                 const struct kkr_report_options *opt, struct kkr_diag *diag)
{
    if (opt->tables == KKR_TABLES_INVESTMENTS)
        return kkr_report_write_investments(out, wb, opt, diag);
    struct kkr_report_table t;
    enum kkr_status st = kkr_report_table_build(wb, rollup, opt, &t, diag);
    if (st != KKR_OK)
        return st;
    if (t.layout->count > MAX_COLUMNS) {
        kkr_report_table_release(&t);
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "%zu columns, expected at most %d",
                        t.layout->count, MAX_COLUMNS);
    }
    switch (opt->format) {
    case KKR_FORMAT_TEXT: st = write_text(out, &t, diag); break;
    case KKR_FORMAT_CSV:
        if (opt->tables == KKR_TABLES_KINDS)
            write_csv(out, &t, t.slag, t.slag_count, true);
        else
            write_csv(out, &t, t.units, t.unit_count, false);
        break;
    case KKR_FORMAT_MD: write_md(out, &t); break;
    case KKR_FORMAT_JSON: write_json(out, &t); break;
    case KKR_FORMAT_XLSX:
        kkr_report_table_release(&t);
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "xlsx is written to a file, not a "
                        "stream (kkr_report_sheets)");
    }
    kkr_report_table_release(&t);
    if (st != KKR_OK)
        return st;
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the report");
    return KKR_OK;
}

/* ---- xlsx: the same rows and columns as sheets (the writer is in xlsx-write.c) ---- */

static void sheet_table(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                        const struct kkr_report_table *t, const struct kkr_report_line *lines,
                        size_t n, bool kinds)
{
    char buf[128], unit_title[64];
    const struct kkr_report_layout *L = t->layout;
    snprintf(unit_title, sizeof unit_title, "Belopp i %s", kkr_display_unit_name(t->opt->unit));
    if (!kinds) {
        kkr_sheet_add_column(doc, s, "Kod", NULL, false);
        if (s)
            s->freeze_cols = 2, s->indent_col = 1;
    }
    kkr_sheet_add_column(doc, s, unit_title, NULL, false);
    for (size_t c = 0; c < L->count; c++) {
        char group[64];
        kkr_report_group_title(t, L->cols[c].group, group, sizeof group);
        kkr_sheet_add_column(doc, s, L->cols[c].title, group, true);
    }
    size_t first = kinds ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, s, lines[i].depth, lines[i].is_total);
        if (!row)
            return;
        if (!kinds)
            kkr_sheet_set(doc, row, 0, lines[i].code);
        snprintf(buf, sizeof buf, "%s%s", lines[i].name,
                 !kinds && lines[i].computed ? " *" : "");
        kkr_sheet_set(doc, row, first - 1, buf);
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_PLAIN, buf, sizeof buf);
            kkr_sheet_set(doc, row, first + c, buf);
        }
    }
}

static void sheet_titles(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                         const struct kkr_workbook *wb, const struct kkr_rollup *r,
                         const char *table)
{
    char period[128];
    period_phrase(r, period, sizeof period);
    kkr_sheet_add_title(doc, s, "%s", wb->title ? wb->title : "Budgetuppföljning");
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, s, "%s%s%s", wb->organisation ? wb->organisation : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->committee ? wb->committee : "");
    kkr_sheet_add_title(doc, s, "%s. Ackumulerat period: %s. Helår: %d.", table, period,
                        r->year);
}

/* The footnotes as the text report writes them, one note per line. */
static void sheet_notes(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                        const struct kkr_report_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        doc->failed = true;
        return;
    }
    footnotes(mem, t);
    if (fclose(mem) != 0) {
        doc->failed = true;
        free(text);
        return;
    }
    for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        kkr_sheet_add_note(doc, s, "%s", line);
    }
    free(text);
}

enum kkr_status kkr_report_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_rollup *rollup,
                                  const struct kkr_report_options *opt, struct kkr_diag *diag)
{
    struct kkr_report_table t;
    enum kkr_status st = kkr_report_table_build(wb, rollup, opt, &t, diag);
    if (st != KKR_OK)
        return st;
    if (opt->tables != KKR_TABLES_UNITS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Slag");
        sheet_titles(doc, s, wb, rollup, "Per slag");
        sheet_table(doc, s, &t, t.slag, t.slag_count, true);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Verksamheter");
        sheet_titles(doc, s, wb, rollup, "Per verksamhet");
        sheet_table(doc, s, &t, t.units, t.unit_count, false);
        sheet_notes(doc, s, &t);
    }
    kkr_report_table_release(&t);
    /* the economist's comments, as the protocol has them under the table */
    struct kkr_sheet *cs = NULL;
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        for (int k = 0; k < (int)wb->slag_count; k++) {
            const char *c = wb->forecast_comment[kkr_workbook_slot(wb, u, k)];
            if (!c)
                continue;
            if (!cs) {
                cs = kkr_sheet_add(doc, "Kommentarer");
                kkr_sheet_add_title(doc, cs, "Kommentarer till prognosen");
                kkr_sheet_add_column(doc, cs, "Kod", NULL, false);
                kkr_sheet_add_column(doc, cs, "Verksamhet", NULL, false);
                kkr_sheet_add_column(doc, cs, "Slag", NULL, false);
                struct kkr_sheet_column *kc =
                    kkr_sheet_add_column(doc, cs, "Kommentar", NULL, false);
                if (kc)
                    kc->wrap = true;
                if (cs)
                    cs->freeze_cols = 3, cs->indent_col = -1;
            }
            struct kkr_sheet_row *row = kkr_sheet_add_row(doc, cs, 0, false);
            kkr_sheet_set(doc, row, 0, wb->units[u].code);
            kkr_sheet_set(doc, row, 1, wb->units[u].name);
            kkr_sheet_set(doc, row, 2, wb->slag[k].code);
            kkr_sheet_set(doc, row, 3, c);
        }
    }
    kkr_sheet_doc_set_info(doc, wb->title ? wb->title : "Budgetuppföljning", wb->organisation,
                           kkr_sheet_doc_date(rollup->year, rollup->period));
    return doc->failed ? kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory") : KKR_OK;
}
