/* report.c — the follow-up tables as the nämnd reads them: text, CSV, Markdown, JSON */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/sheet.h"
#include "kkr/text.h"

void kkr_report_options_init(struct kkr_report_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = KKR_FORMAT_TEXT;
    opt->unit = KKR_UNIT_KKR;
    opt->tables = KKR_TABLES_BOTH;
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

/* ---- the columns of a table ---- */

enum column_id {
    COL_BUDGET_YTD, COL_ACTUAL_YTD, COL_VARIANCE_YTD, COL_ACTUAL_PCT, COL_BENCHMARK,
    COL_BUDGET_FULL, COL_FORECAST_FULL, COL_VARIANCE_FULL, COL_CHANGE,
};

struct column {
    enum column_id id;
    const char *title;      /* text and Markdown heading */
    const char *csv_name;   /* CSV and JSON key */
    bool full_year;         /* in the Helår group */
    bool percent;
};

static const struct column all_columns[] = {
    {COL_BUDGET_YTD, "Budget", "budget_period", false, false},
    {COL_ACTUAL_YTD, "Utfall", "utfall_period", false, false},
    {COL_VARIANCE_YTD, "Avvikelse", "avvikelse_period", false, false},
    {COL_ACTUAL_PCT, "Utfall %", "utfall_procent", false, true},
    {COL_BENCHMARK, "Riktpunkt %", "riktpunkt", false, true},
    {COL_BUDGET_FULL, "Budget", "budget_helår", true, false},
    {COL_FORECAST_FULL, "Prognos", "prognos_helår", true, false},
    {COL_VARIANCE_FULL, "Avvikelse", "avvikelse_helår", true, false},
    {COL_CHANGE, "Förändring", "förändring", true, false},
};
#define MAX_COLUMNS (sizeof all_columns / sizeof all_columns[0])

static size_t active_columns(const struct kkr_report_options *opt, const struct column **cols)
{
    size_t n = 0;
    for (size_t i = 0; i < MAX_COLUMNS; i++) {
        enum column_id id = all_columns[i].id;
        if (id == COL_ACTUAL_PCT && !(opt->columns & KKR_COL_ACTUAL_PERCENT))
            continue;
        if (id == COL_BENCHMARK && !(opt->columns & KKR_COL_BENCHMARK))
            continue;
        if (id == COL_CHANGE && !opt->compare)
            continue;
        cols[n++] = &all_columns[i];
    }
    return n;
}

/* A cell's value: money in öre, or a percentage (NAN when undefined). */
struct value {
    bool percent;
    int64_t ore;
    double pct;
};

static struct value column_value(const struct column *c, const struct kkr_figures *f,
                                 const struct kkr_figures *then)
{
    struct value v = {c->percent, 0, NAN};
    switch (c->id) {
    case COL_BUDGET_YTD: v.ore = f->budget_ytd; break;
    case COL_ACTUAL_YTD: v.ore = f->actual_ytd; break;
    case COL_VARIANCE_YTD: v.ore = kkr_figures_variance_ytd(f); break;
    case COL_BUDGET_FULL: v.ore = f->budget_full; break;
    case COL_FORECAST_FULL: v.ore = f->forecast_full; break;
    case COL_VARIANCE_FULL: v.ore = kkr_figures_variance_full(f); break;
    case COL_CHANGE:
        /* how much the helår avvikelse moved since the compared forecast (positive = better) */
        v.ore = then ? kkr_figures_variance_full(f) - kkr_figures_variance_full(then) : 0;
        break;
    case COL_ACTUAL_PCT:
        if (f->budget_full != 0)
            v.pct = 100.0 * (double)f->actual_ytd / (double)f->budget_full;
        break;
    case COL_BENCHMARK:
        if (f->budget_full != 0)
            v.pct = 100.0 * (double)f->budget_ytd / (double)f->budget_full;
        break;
    }
    return v;
}

static void format_value(char *buf, size_t size, const struct value *v,
                         enum kkr_display_unit unit, const struct kkr_number_style *style)
{
    if (!v->percent) {
        kkr_money_format(buf, size, v->ore, unit, style);
        return;
    }
    if (isnan(v->pct)) {
        snprintf(buf, size, "%s", style == &KKR_STYLE_TEXT ? "–" : "");
        return;
    }
    /* one decimal, rounded half away from zero, in the style's decimal sign */
    int64_t tenths = (int64_t)llround(v->pct * 10.0);
    char digits[64];
    int64_t mag = tenths < 0 ? -tenths : tenths;
    snprintf(digits, sizeof digits, "%s%lld%s%lld", tenths < 0 ? style->minus : "",
             (long long)(mag / 10), style->decimal, (long long)(mag % 10));
    snprintf(buf, size, "%s", digits);
}

/* ---- one logical row of either table ---- */

struct line {
    char name[512];
    const char *code;                   /* NULL for slag rows */
    const char *plain_name;             /* the unit's name as in verksamheter.csv */
    const char *kind_code;              /* "intäkt", "kostnad", "netto" for slag rows */
    int depth;
    int parent;                         /* unit index of the parent, -1 */
    const struct kkr_figures *f;
    const struct kkr_figures *then;     /* the compared forecast, or NULL */
    bool computed;
    bool is_total;
};

static size_t unit_lines(const struct kkr_workbook *wb, const struct kkr_rollup *r,
                         const struct kkr_report_options *opt, struct line *lines)
{
    for (size_t i = 0; i < r->row_count; i++) {
        const struct kkr_rollup_row *row = &r->rows[i];
        struct line *l = &lines[i];
        memset(l, 0, sizeof *l);
        kkr_report_row_name(wb, row, l->name, sizeof l->name);
        l->code = row->unit >= 0 ? wb->units[row->unit].code : "total";
        l->plain_name = row->unit >= 0 ? wb->units[row->unit].name : l->name;
        l->depth = row->depth;
        l->parent = row->unit >= 0 ? wb->units[row->unit].parent : -1;
        l->f = &row->net;
        l->then = opt->compare ? &opt->compare->rows[i].net : NULL;
        l->computed = row->computed;
        l->is_total = row->unit < 0;
    }
    return r->row_count;
}

static size_t kind_lines(const struct kkr_rollup *r, const struct kkr_report_options *opt,
                         struct line *lines)
{
    static const char *const names[] = {"Intäkter", "Kostnader", "Netto"};
    static const char *const codes[] = {"intäkt", "kostnad", "netto"};
    const struct kkr_rollup_row *t = kkr_rollup_total(r);
    const struct kkr_rollup_row *tt = opt->compare ? kkr_rollup_total(opt->compare) : NULL;
    for (int i = 0; i < 3; i++) {
        struct line *l = &lines[i];
        memset(l, 0, sizeof *l);
        snprintf(l->name, sizeof l->name, "%s", names[i]);
        l->kind_code = codes[i];
        l->parent = -1;
        l->f = i < 2 ? &t->kind[i] : &t->net;
        l->then = tt ? (i < 2 ? &tt->kind[i] : &tt->net) : NULL;
        l->computed = t->computed && i == 2;
        l->is_total = i == 2;
    }
    return 3;
}

/* ---- text ---- */

struct text_layout {
    size_t name_width;
    size_t width[MAX_COLUMNS];
};

/* Indentation levels shown in text and Markdown: deeper rows indent no further, so that a
 * hostile 100 000-level tree gives 100 000 lines, not gigabytes of spaces (issue 7). */
#define MAX_INDENT 12
static size_t indent_of(int depth)
{
    return 2 * (size_t)(depth < MAX_INDENT ? depth : MAX_INDENT);
}

static void measure(struct text_layout *lay, const struct line *lines, size_t n,
                    const struct column **cols, size_t ncols, const struct kkr_report_options *opt)
{
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        size_t w = kkr_utf8_width(lines[i].name, strlen(lines[i].name)) + indent_of(lines[i].depth);
        if (w > lay->name_width)
            lay->name_width = w;
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, &KKR_STYLE_TEXT);
            size_t bw = kkr_utf8_width(buf, strlen(buf));
            if (bw > lay->width[c])
                lay->width[c] = bw;
        }
    }
}

static void pad(FILE *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', out);
}

/* Writes s left- or right-aligned in width (by code points). */
static void put_aligned(FILE *out, const char *s, size_t width, bool right)
{
    size_t w = kkr_utf8_width(s, strlen(s));
    if (right)
        pad(out, width > w ? width - w : 0);
    fputs(s, out);
    if (!right)
        pad(out, width > w ? width - w : 0);
}

static void text_heading(FILE *out, const struct text_layout *lay, const struct column **cols,
                         size_t ncols, const struct kkr_report_options *opt)
{
    char unit_title[64];
    snprintf(unit_title, sizeof unit_title, "Belopp i %s", kkr_display_unit_name(opt->unit));
    /* group titles centred over their columns */
    size_t group_width[2] = {0, 0};
    for (size_t c = 0; c < ncols; c++)
        group_width[cols[c]->full_year] += lay->width[c] + 1;
    put_aligned(out, unit_title, lay->name_width, false);
    static const char *const groups[2] = {"Ackumulerat period", "Helår"};
    for (int g = 0; g < 2; g++) {
        size_t gw = group_width[g], tw = kkr_utf8_width(groups[g], strlen(groups[g]));
        size_t left = gw > tw ? (gw - tw + 1) / 2 : 0;
        size_t right = gw > tw + left ? gw - tw - left : 0;
        if (g == 1)
            right = 0;
        pad(out, left);
        fputs(groups[g], out);
        pad(out, right);
    }
    fputc('\n', out);
    pad(out, lay->name_width);
    for (size_t c = 0; c < ncols; c++) {
        fputc(' ', out);
        put_aligned(out, cols[c]->title, lay->width[c], true);
    }
    fputc('\n', out);
}

static void text_rows(FILE *out, const struct text_layout *lay, const struct line *lines,
                      size_t n, const struct column **cols, size_t ncols,
                      const struct kkr_report_options *opt, bool mark_computed)
{
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        pad(out, indent_of(lines[i].depth));
        put_aligned(out, lines[i].name, lay->name_width - indent_of(lines[i].depth), false);
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, &KKR_STYLE_TEXT);
            fputc(' ', out);
            put_aligned(out, buf, lay->width[c], true);
        }
        if (mark_computed && lines[i].computed)
            fputs(" *", out);
        fputc('\n', out);
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

static void footnotes(FILE *out, const struct kkr_workbook *wb, const struct kkr_rollup *r,
                      const struct kkr_report_options *opt)
{
    if (kkr_rollup_total(r)->computed) {
        if (r->method)
            fprintf(out, "* prognos beräknad med metoden %s där prognos.csv saknar belopp\n",
                    r->method);
        else
            fprintf(out, "* prognos = helårsbudget där prognos.csv saknar belopp\n");
    }
    if (opt->columns & KKR_COL_BENCHMARK) {
        /* tenths of a percent, rounded half away from zero, with a decimal comma */
        int tenths = (r->period * 2000 / 12 + 1) / 2;
        fprintf(out, "Riktpunkt: periodiserad budget som andel av helårsbudgeten "
                     "(jämnt fördelad: %d/12 = %d,%d %%)\n", r->period, tenths / 10, tenths % 10);
    }
    if (opt->compare)
        fprintf(out, "Förändring: helårsavvikelsen jämfört med prognosen %s (positivt = bättre)\n",
                opt->compare_label ? opt->compare_label : "");
    (void)wb;
}

static void write_text(FILE *out, const struct kkr_workbook *wb, const struct kkr_rollup *r,
                       const struct kkr_report_options *opt, const struct column **cols,
                       size_t ncols, struct line *ulines, size_t nu, struct line *klines,
                       size_t nk)
{
    struct text_layout lay = {0};
    lay.name_width = kkr_utf8_width("Belopp i mnkr", strlen("Belopp i mnkr"));
    for (size_t c = 0; c < ncols; c++)
        lay.width[c] = kkr_utf8_width(cols[c]->title, strlen(cols[c]->title));
    if (opt->tables != KKR_TABLES_UNITS)
        measure(&lay, klines, nk, cols, ncols, opt);
    if (opt->tables != KKR_TABLES_KINDS)
        measure(&lay, ulines, nu, cols, ncols, opt);
    for (size_t c = 0; c < ncols; c++)
        lay.width[c] += 1; /* air between columns */

    char period[128];
    period_phrase(r, period, sizeof period);
    if (wb->organisation || wb->committee)
        fprintf(out, "%s%s%s\n", wb->organisation ? wb->organisation : "",
                wb->organisation && wb->committee ? ", " : "",
                wb->committee ? wb->committee : "");
    if (wb->title)
        fprintf(out, "%s\n", wb->title);
    fprintf(out, "Ackumulerat period: %s. Helår: %d.\n\n", period, r->year);
    if (opt->tables != KKR_TABLES_UNITS) {
        text_heading(out, &lay, cols, ncols, opt);
        text_rows(out, &lay, klines, nk, cols, ncols, opt, false);
        if (opt->tables == KKR_TABLES_BOTH)
            fputc('\n', out);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        text_heading(out, &lay, cols, ncols, opt);
        text_rows(out, &lay, ulines, nu, cols, ncols, opt, true);
    }
    fputc('\n', out);
    footnotes(out, wb, r, opt);
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
            fprintf(out, "  %s (%s): %s\n", wb->units[u].name, wb->slag[k].code, c);
        }
    }
}

/* ---- CSV ---- */

static void write_csv(FILE *out, const struct kkr_report_options *opt,
                      const struct column **cols, size_t ncols, struct line *lines, size_t n,
                      bool kinds)
{
    const struct kkr_number_style *style = opt->excel ? &KKR_STYLE_EXCEL : &KKR_STYLE_PLAIN;
    char buf[128];
    if (opt->excel)
        fputs("\xef\xbb\xbf", out);
    fputs(kinds ? "slag" : "kod;namn;nivå", out);
    for (size_t c = 0; c < ncols; c++)
        fprintf(out, ";%s", cols[c]->csv_name);
    if (!kinds)
        fputs(";beräknad", out);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        if (kinds) {
            fputs(lines[i].kind_code, out);
        } else {
            kkr_csv_write_text(out, lines[i].code, ';');
            fputc(';', out);
            kkr_csv_write_text(out, lines[i].plain_name, ';');
            fprintf(out, ";%d", lines[i].depth);
        }
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, style);
            fprintf(out, ";%s", buf);
        }
        if (!kinds)
            fputs(lines[i].computed ? ";ja" : ";nej", out);
        fputc('\n', out);
    }
}

/* ---- Markdown ---- */

static void md_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '\\' || *s == '`')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void write_md_table(FILE *out, const struct kkr_report_options *opt,
                           const struct column **cols, size_t ncols, const struct line *lines,
                           size_t n, bool mark)
{
    char buf[128];
    fprintf(out, "| Belopp i %s |", kkr_display_unit_name(opt->unit));
    for (size_t c = 0; c < ncols; c++)
        fprintf(out, " %s %s |", cols[c]->title, cols[c]->full_year ? "helår" : "period");
    fputs("\n|---|", out);
    for (size_t c = 0; c < ncols; c++)
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
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, &KKR_STYLE_TEXT);
            fprintf(out, " %s |", buf);
        }
        fputc('\n', out);
    }
}

static void write_md(FILE *out, const struct kkr_workbook *wb, const struct kkr_rollup *r,
                     const struct kkr_report_options *opt, const struct column **cols,
                     size_t ncols, struct line *ulines, size_t nu, struct line *klines,
                     size_t nk)
{
    char period[128];
    period_phrase(r, period, sizeof period);
    fprintf(out, "## %s\n\n", wb->title ? wb->title : "Budgetuppföljning");
    if (wb->organisation || wb->committee)
        fprintf(out, "%s%s%s. ", wb->organisation ? wb->organisation : "",
                wb->organisation && wb->committee ? ", " : "", wb->committee ? wb->committee : "");
    fprintf(out, "Ackumulerat period: %s. Helår: %d.\n\n", period, r->year);
    if (opt->tables != KKR_TABLES_UNITS) {
        write_md_table(out, opt, cols, ncols, klines, nk, false);
        fputc('\n', out);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        write_md_table(out, opt, cols, ncols, ulines, nu, true);
        fputc('\n', out);
    }
    footnotes(out, wb, r, opt);
}

/* ---- JSON ---- */

static void json_rows(FILE *out, const struct kkr_workbook *wb,
                      const struct kkr_report_options *opt, const struct column **cols,
                      size_t ncols, const struct line *lines, size_t n, bool kinds)
{
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    {" : "\n    {", out);
        if (kinds) {
            fputs("\"slag\": ", out);
            kkr_json_write_string(out, lines[i].kind_code);
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
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, &KKR_STYLE_PLAIN);
            fprintf(out, ", \"%s\": %s", cols[c]->csv_name, buf[0] ? buf : "null");
        }
        fputs(", \"öre\": {", out);
        bool first = true;
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            if (v.percent)
                continue;
            fprintf(out, "%s\"%s\": %lld", first ? "" : ", ", cols[c]->csv_name,
                    (long long)v.ore);
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

static void write_json(FILE *out, const struct kkr_workbook *wb, const struct kkr_rollup *r,
                       const struct kkr_report_options *opt, const struct column **cols,
                       size_t ncols, struct line *ulines, size_t nu, struct line *klines,
                       size_t nk)
{
    fputs("{\n", out);
    json_opt_string(out, "organisation", wb->organisation);
    json_opt_string(out, "nämnd", wb->committee);
    json_opt_string(out, "titel", wb->title);
    fprintf(out, "  \"år\": %d,\n  \"period\": %d,\n  \"enhet\": \"%s\",\n", r->year, r->period,
            kkr_display_unit_name(opt->unit));
    json_opt_string(out, "prognosmetod", r->method);
    if (opt->compare)
        json_opt_string(out, "jämförelse", opt->compare_label);
    fputs("  \"slag\": [", out);
    json_rows(out, wb, opt, cols, ncols, klines, nk, true);
    fputs("\n  ],\n  \"verksamheter\": [", out);
    json_rows(out, wb, opt, cols, ncols, ulines, nu, false);
    fputs("\n  ]\n}\n", out);
}

enum kkr_status kkr_report_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup,
                                 const struct kkr_report_options *opt, struct kkr_diag *diag)
{
    const struct column *cols[MAX_COLUMNS];
    size_t ncols = active_columns(opt, cols);
    struct line *ulines = malloc(rollup->row_count * sizeof *ulines);
    struct line klines[3];
    if (!ulines)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t nu = unit_lines(wb, rollup, opt, ulines);
    size_t nk = kind_lines(rollup, opt, klines);
    switch (opt->format) {
    case KKR_FORMAT_TEXT:
        write_text(out, wb, rollup, opt, cols, ncols, ulines, nu, klines, nk);
        break;
    case KKR_FORMAT_CSV:
        if (opt->tables == KKR_TABLES_KINDS)
            write_csv(out, opt, cols, ncols, klines, nk, true);
        else
            write_csv(out, opt, cols, ncols, ulines, nu, false);
        break;
    case KKR_FORMAT_MD:
        write_md(out, wb, rollup, opt, cols, ncols, ulines, nu, klines, nk);
        break;
    case KKR_FORMAT_JSON:
        write_json(out, wb, rollup, opt, cols, ncols, ulines, nu, klines, nk);
        break;
    case KKR_FORMAT_XLSX:
        free(ulines);
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "xlsx is written to a file, not a "
                        "stream (kkr_report_sheets)");
    }
    free(ulines);
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the report");
    return KKR_OK;
}

/* ---- xlsx: the same rows and columns as sheets (the writer is in xlsx-write.c) ---- */

static void sheet_table(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                        const struct kkr_report_options *opt, const struct column **cols,
                        size_t ncols, const struct line *lines, size_t n, bool kinds)
{
    char buf[128], unit_title[64];
    snprintf(unit_title, sizeof unit_title, "Belopp i %s", kkr_display_unit_name(opt->unit));
    static const char *const groups[2] = {"Ackumulerat period", "Helår"};
    if (!kinds) {
        kkr_sheet_add_column(doc, s, "Kod", NULL, false);
        if (s)
            s->freeze_cols = 2, s->indent_col = 1;
    }
    kkr_sheet_add_column(doc, s, unit_title, NULL, false);
    for (size_t c = 0; c < ncols; c++)
        kkr_sheet_add_column(doc, s, cols[c]->title, groups[cols[c]->full_year], true);
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
        for (size_t c = 0; c < ncols; c++) {
            struct value v = column_value(cols[c], lines[i].f, lines[i].then);
            format_value(buf, sizeof buf, &v, opt->unit, &KKR_STYLE_PLAIN);
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
                        const struct kkr_workbook *wb, const struct kkr_rollup *r,
                        const struct kkr_report_options *opt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        doc->failed = true;
        return;
    }
    footnotes(mem, wb, r, opt);
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
    const struct column *cols[MAX_COLUMNS];
    size_t ncols = active_columns(opt, cols);
    struct line *ulines = malloc(rollup->row_count * sizeof *ulines);
    struct line klines[3];
    if (!ulines)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t nu = unit_lines(wb, rollup, opt, ulines);
    size_t nk = kind_lines(rollup, opt, klines);
    if (opt->tables != KKR_TABLES_UNITS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Slag");
        sheet_titles(doc, s, wb, rollup, "Per slag");
        sheet_table(doc, s, opt, cols, ncols, klines, nk, true);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Verksamheter");
        sheet_titles(doc, s, wb, rollup, "Per verksamhet");
        sheet_table(doc, s, opt, cols, ncols, ulines, nu, false);
        sheet_notes(doc, s, wb, rollup, opt);
    }
    free(ulines);
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
