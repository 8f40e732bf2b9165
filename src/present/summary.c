/* summary.c — the Sammanfattning of the månadsrapport, drafted from the report's own figures
 *
 * Every number in the text is a figure of the tables: the same exact öre, rounded the same way
 * to the same display unit. Words carry the sign (överskott / underskott, bättre / sämre), so
 * the text reads the same whatever sign convention the tables are printed in; the amounts
 * quoted are magnitudes. Each sentence has its edge cases spelled out (exactly on budget, no
 * snapshot, one unit, an improvement, all units on budget) instead of a template that reads
 * wrong for them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/summary.h"
#include "kkr/table.h"
#include "kkr/text.h"

#define NBSP "\xc2\xa0"

/* ---- a growing string whose allocation failure sticks (checked once at the end) ---- */

struct buf {
    char *s;
    size_t len, cap;
    bool failed;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

struct draft {
    const struct kkr_summary_input *in;
    struct kkr_summary *out;
    size_t cap;
    bool failed;
    char unit_name[8];
};

static void paragraph(struct draft *d, struct buf *b)
{
    if (b->failed || d->failed) {
        d->failed = true;
        free(b->s);
        return;
    }
    if (!b->s) /* nothing was said */
        return;
    if (d->out->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        char **p = realloc(d->out->paragraphs, cap * sizeof *p);
        if (!p) {
            d->failed = true;
            free(b->s);
            return;
        }
        d->out->paragraphs = p;
        d->cap = cap;
    }
    d->out->paragraphs[d->out->count++] = b->s;
}

/* |ore| in the display unit as the tables print it, e.g. "2 000 kkr". The spaces inside an
 * amount and before its unit are no-break spaces (U+00A0) so that no line break splits a
 * figure; the text writer prints them as plain spaces, pango keeps them together. */
static const char *amount(const struct draft *d, int64_t ore, char *s, size_t size)
{
    /* rounding half away from zero is symmetric, so |round(x)| = round(|x|); the roll-up keeps
     * figures within a quarter of int64, so -ore cannot overflow */
    int64_t magnitude = ore < 0 ? -ore : ore;
    struct kkr_number_style style = *d->in->style;
    if (strcmp(style.thousands, " ") == 0)
        style.thousands = NBSP;
    size_t n = kkr_money_format(s, size, magnitude, d->in->unit, &style);
    if (n >= size)
        n = size - 1;
    snprintf(s + n, size - n, NBSP "%s", d->unit_name);
    return s;
}

/* True when the figure shows as 0 in the tables (so the text says "i nivå med budget"). */
static bool shows_zero(const struct draft *d, int64_t ore)
{
    return kkr_money_in_unit(ore, d->in->unit) == 0;
}

static const char *month_name(int month)
{
    return month >= 1 && month <= 12 ? kkr_month_name(month) : "";
}

/* "överskott på 1 000 kkr" / "underskott på 400 kkr"; the caller handles shows_zero. */
static void result_phrase(struct draft *d, struct buf *b, int64_t variance_ore)
{
    char a[64];
    put(b, "%s på %s", variance_ore > 0 ? "ett överskott" : "ett underskott",
        amount(d, variance_ore, a, sizeof a));
}

static const char *unit_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row)
{
    return row->unit >= 0 ? wb->units[row->unit].name : "Totalt";
}

/* A list "A, B och C" of n items, each written by item(i). */
static void list_join(struct buf *b, size_t i, size_t n)
{
    if (i == 0)
        return;
    put(b, "%s", i + 1 == n ? " och " : ", ");
}

/* The first comment in prognos.csv of the unit or its subtree, or NULL. */
static const char *subtree_comment(const struct kkr_workbook *wb, int unit)
{
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        if (!kkr_workbook_unit_within(wb, u, unit))
            continue;
        for (size_t k = 0; k < wb->slag_count; k++) {
            const char *c = wb->forecast_comment
                                ? wb->forecast_comment[kkr_workbook_slot(wb, u, (int)k)]
                                : NULL;
            if (c && *c)
                return c;
        }
    }
    return NULL;
}

/* 1. The headline: the expected result for the year against budget, then the period. */
static void headline(struct draft *d)
{
    const struct kkr_workbook *wb = d->in->wb;
    const struct kkr_rollup_row *total = kkr_rollup_total(d->in->now);
    int64_t variance = kkr_figures_variance_full(&total->net);
    int period = d->in->now->period;
    struct buf b = {0};
    char f[64], g[64];
    const char *who = wb->committee && *wb->committee ? wb->committee : "Nämnden";
    if (total->net.forecast_full < 0 || total->net.budget_full < 0) {
        /* a net revenue (a kommun, a finansförvaltning) reads as a result: revenue − cost */
        int64_t result = -total->net.forecast_full, budget = -total->net.budget_full;
        const char *minus = d->in->style->minus;
        put(&b, "Årets resultat beräknas i %s till %s%s", month_name(period),
            result < 0 && !shows_zero(d, result) ? minus : "", amount(d, result, f, sizeof f));
        put(&b, " mot budgeterade %s%s", budget < 0 && !shows_zero(d, budget) ? minus : "",
            amount(d, budget, g, sizeof g));
        if (shows_zero(d, variance)) {
            put(&b, ", i nivå med budget.");
        } else {
            put(&b, ": ");
            result_phrase(d, &b, variance);
            put(&b, " mot budget.");
        }
    } else {
        put(&b, "%ss helårsprognos i %s är ", who, month_name(period));
        if (shows_zero(d, variance)) {
            put(&b, "ett resultat i nivå med budget");
        } else {
            result_phrase(d, &b, variance);
            put(&b, " mot budget");
        }
        put(&b, ": en nettokostnad på %s mot en budget på %s.",
            amount(d, total->net.forecast_full, f, sizeof f),
            amount(d, total->net.budget_full, g, sizeof g));
    }
    int64_t ytd = kkr_figures_variance_ytd(&total->net);
    if (period == 1)
        put(&b, " I januari ");
    else
        put(&b, " Ackumulerat januari–%s ", month_name(period));
    if (shows_zero(d, ytd)) {
        put(&b, "är utfallet i nivå med periodens budget.");
    } else {
        put(&b, "visar utfallet ");
        result_phrase(d, &b, ytd);
        put(&b, " mot periodens budget.");
    }
    paragraph(d, &b);
}

/* 2. The change since the last locked prognos, and the units it came from. */
static void movement(struct draft *d)
{
    struct buf b = {0};
    char a[64];
    const struct kkr_rollup *now = d->in->now, *before = d->in->before;
    if (!before) {
        put(&b, "Ingen tidigare prognos är låst i år, så förändringen mot förra prognosen "
                "redovisas från nästa låsta månad.");
        paragraph(d, &b);
        return;
    }
    const char *when = month_name(d->in->before_month);
    int64_t then = kkr_figures_variance_full(&kkr_rollup_total(before)->net);
    int64_t change = kkr_figures_variance_full(&kkr_rollup_total(now)->net) - then;
    if (shows_zero(d, change)) {
        put(&b, "Prognosen är oförändrad sedan %s", when);
    } else {
        put(&b, "Det är %s %s än prognosen i %s", amount(d, change, a, sizeof a),
            change > 0 ? "bättre" : "sämre", when);
    }
    if (shows_zero(d, then))
        put(&b, " (i nivå med budget).");
    else {
        put(&b, " (");
        put(&b, "%s", then > 0 ? "överskott " : "underskott ");
        put(&b, "%s).", amount(d, then, a, sizeof a));
    }
    /* where it came from: the top-level units that moved most */
    size_t max = d->in->max_units ? d->in->max_units : 3;
    size_t top = 0, moved = 0;
    int *pick = calloc(max, sizeof *pick);
    int64_t *by = calloc(max, sizeof *by);
    if (!pick || !by) {
        free(pick);
        free(by);
        free(b.s);
        d->failed = true;
        return;
    }
    for (size_t i = 0; i + 1 < now->row_count; i++) {
        const struct kkr_rollup_row *row = &now->rows[i];
        if (row->depth != 0)
            continue;
        top++;
        int64_t m = kkr_figures_variance_full(&row->net) -
                    kkr_figures_variance_full(&before->rows[i].net);
        if (shows_zero(d, m))
            continue;
        int64_t am = m < 0 ? -m : m;
        size_t at = moved < max ? moved++ : max;
        while (at > 0 && (by[at - 1] < 0 ? -by[at - 1] : by[at - 1]) < am) {
            if (at < max) {
                pick[at] = pick[at - 1];
                by[at] = by[at - 1];
            }
            at--;
        }
        if (at < max) {
            pick[at] = (int)i;
            by[at] = m;
        }
    }
    if (moved > 0 && top > 1) {
        put(&b, moved == 1 ? " Förändringen finns inom " : " Störst förändring har ");
        for (size_t j = 0; j < moved; j++) {
            list_join(&b, j, moved);
            put(&b, "%s (%s %s)", unit_name(d->in->wb, &now->rows[pick[j]]),
                amount(d, by[j], a, sizeof a), by[j] > 0 ? "bättre" : "sämre");
        }
        put(&b, ".");
    }
    free(pick);
    free(by);
    paragraph(d, &b);
}

/* 3. The largest deviations against the year's budget, with the comments that explain them.
 * Leaves are named (where the explanation lives), not the parents that sum them. */
static void deviations(struct draft *d)
{
    const struct kkr_workbook *wb = d->in->wb;
    const struct kkr_rollup *now = d->in->now;
    size_t max = d->in->max_units ? d->in->max_units : 3;
    int *pick = calloc(max, sizeof *pick);
    if (!pick) {
        d->failed = true;
        return;
    }
    size_t n = 0, off = 0, leaves = 0;
    for (size_t i = 0; i + 1 < now->row_count; i++) {
        const struct kkr_rollup_row *row = &now->rows[i];
        if (!wb->units[row->unit].is_leaf)
            continue;
        leaves++;
        int64_t v = kkr_figures_variance_full(&row->net);
        if (shows_zero(d, v))
            continue;
        off++;
        int64_t av = v < 0 ? -v : v;
        size_t at = n < max ? n++ : max;
        while (at > 0) {
            int64_t w = kkr_figures_variance_full(&now->rows[pick[at - 1]].net);
            if ((w < 0 ? -w : w) >= av)
                break;
            if (at < max)
                pick[at] = pick[at - 1];
            at--;
        }
        if (at < max)
            pick[at] = (int)i;
    }
    struct buf b = {0};
    char a[64];
    if (n == 0) {
        put(&b, leaves == 1 ? "Verksamheten har en helårsprognos i nivå med budget."
                            : "Alla verksamheter har en helårsprognos i nivå med budget.");
        paragraph(d, &b);
        free(pick);
        return;
    }
    if (off == 1)
        put(&b, "En verksamhet avviker från budget på helåret: ");
    else if (n < off)
        put(&b, "%zu verksamheter avviker från budget på helåret; störst är ", off);
    else
        put(&b, "Verksamheterna som avviker från budget på helåret är ");
    for (size_t j = 0; j < n; j++) {
        const struct kkr_rollup_row *row = &now->rows[pick[j]];
        int64_t v = kkr_figures_variance_full(&row->net);
        list_join(&b, j, n);
        put(&b, "%s (%s %s)", wb->units[row->unit].name, v > 0 ? "överskott" : "underskott",
            amount(d, v, a, sizeof a));
    }
    put(&b, ".");
    paragraph(d, &b);
    /* the comments, one paragraph each, as the enhetschef wrote them */
    for (size_t j = 0; j < n; j++) {
        const struct kkr_rollup_row *row = &now->rows[pick[j]];
        const char *c = subtree_comment(wb, row->unit);
        if (!c)
            continue;
        struct buf cb = {0};
        put(&cb, "%s: ", wb->units[row->unit].name);
        /* a comment may hold line breaks (Alt+Enter); a paragraph has none */
        for (const char *p = c; *p; p++)
            put(&cb, "%c", *p == '\n' || *p == '\r' ? ' ' : *p);
        paragraph(d, &cb);
    }
    free(pick);
}

/* 4. The measures of a scenario, and whether they close the gap. */
static void measures(struct draft *d)
{
    const struct kkr_summary_measures *m = d->in->measures;
    if (!m)
        return;
    struct buf b = {0};
    char a[64], c[64];
    if (m->count == 0) {
        put(&b, "Inga åtgärder är angivna.");
        paragraph(d, &b);
        return;
    }
    if (m->count == 1)
        put(&b, "Åtgärden");
    else
        put(&b, "De %zu åtgärderna", m->count);
    if (m->name && *m->name)
        put(&b, " i %s", m->name);
    if (shows_zero(d, m->effect_ore))
        put(&b, " har ingen förväntad effekt på resultatet");
    else
        put(&b, " %s resultatet med %s%s",
            m->effect_ore > 0 ? "förbättrar" : "försämrar", amount(d, m->effect_ore, a, sizeof a),
            m->probability >= 0 ? " (förväntat värde)" : "");
    put(&b, "; efter dem är prognosen ");
    if (shows_zero(d, m->result_ore))
        put(&b, "i nivå med budget.");
    else {
        result_phrase(d, &b, m->result_ore);
        put(&b, ".");
    }
    int64_t gap = m->target_ore - m->result_ore;
    const char *goal = m->target_ore == 0 ? "nollresultat" : "målet";
    if (m->target_ore != 0)
        put(&b, " Målet är %s %s.", m->target_ore > 0 ? "ett överskott på" : "högst ett underskott på",
            amount(d, m->target_ore, c, sizeof c));
    if (gap > 0 && !shows_zero(d, gap))
        put(&b, " Åtgärderna räcker inte till %s: ytterligare %s behövs.", goal,
            amount(d, gap, a, sizeof a));
    else
        put(&b, " Åtgärderna räcker till %s.", goal);
    if (m->probability >= 0) {
        int pct = (int)(m->probability * 100 + 0.5);
        put(&b, " Sannolikheten att nå %s är %d %%.", goal, pct);
    }
    paragraph(d, &b);
}

enum kkr_status kkr_summary_draft(const struct kkr_summary_input *in, struct kkr_summary **out,
                                  struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_summary *s = calloc(1, sizeof *s);
    if (!s)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    struct draft d = {.in = in, .out = s};
    snprintf(d.unit_name, sizeof d.unit_name, "%s", kkr_display_unit_name(in->unit));
    headline(&d);
    movement(&d);
    deviations(&d);
    measures(&d);
    if (d.failed) {
        kkr_summary_free(s);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    *out = s;
    return KKR_OK;
}

void kkr_summary_free(struct kkr_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        free(s->paragraphs[i]);
    free(s->paragraphs);
    free(s);
}

/* Markdown: escape what would change the structure — emphasis, code, links, HTML, table
 * pipes anywhere; a heading, list or quote marker at the start of the paragraph. */
static void write_md_text(FILE *out, const char *p)
{
    const char *start = p;
    if (*p && strchr("#+->", *p))
        fputc('\\', out);
    while (*p >= '0' && *p <= '9')
        fputc(*p++, out);
    if (p > start && (*p == '.' || *p == ')'))
        fputc('\\', out);
    for (; *p; p++) {
        if (p[0] == '\xc2' && p[1] == '\xa0') {
            fputc(' ', out);
            p++;
            continue;
        }
        if (strchr("\\`*_{}[]<>|", *p))
            fputc('\\', out);
        fputc(*p, out);
    }
    fputc('\n', out);
}

enum kkr_status kkr_summary_write(FILE *out, const struct kkr_summary *s, enum kkr_format format,
                                  size_t width, struct kkr_diag *diag)
{
    if (format != KKR_FORMAT_TEXT && format != KKR_FORMAT_MD)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                        "the sammanfattning is written as text or md");
    if (format == KKR_FORMAT_MD)
        fputs("## Sammanfattning\n\n", out);
    else
        fputs("Sammanfattning\n\n", out);
    for (size_t i = 0; i < s->count; i++) {
        if (i > 0)
            fputc('\n', out);
        if (format == KKR_FORMAT_MD)
            write_md_text(out, s->paragraphs[i]);
        else
            kkr_text_write_wrapped(out, s->paragraphs[i], width ? width : 92);
    }
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "write error");
    return KKR_OK;
}

enum kkr_status kkr_summary_draft_document(const struct kkr_workbook *wb,
                                           const struct kkr_rollup *now,
                                           const struct kkr_document *doc,
                                           enum kkr_display_unit unit,
                                           const struct kkr_number_style *style,
                                           struct kkr_summary **out, struct kkr_diag *diag)
{
    struct kkr_summary_input in = {
        .wb = wb, .now = now, .before = doc->has_before ? &doc->before : NULL,
        .before_month = doc->before_month, .measures = doc->has_measures ? &doc->measures : NULL,
        .unit = unit, .style = style,
    };
    return kkr_summary_draft(&in, out, diag);
}
