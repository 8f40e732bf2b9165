/* report-layout.c — the columns of the report (DESIGN §5.1): vocabulary, default, kolumner */
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
