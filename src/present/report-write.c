/* report-write.c — the follow-up tables written as text, CSV, Markdown and JSON */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/sheet.h"
#include "kkr/table.h"
#include "kkr/text.h"

/* the width the text report is read at (a terminal of 100 columns) */
#define REPORT_TEXT_WIDTH 100
#include "kkr/text.h"

#include "report-private.h"

/* ---- text ---- */

#define MAX_COLUMNS 64


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
        kkr_table_cellf(tab, 0, "%*s%s", (int)kkr_table_indent(lines[i].depth), "", lines[i].name);
        for (size_t c = 0; c < t->layout->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_TEXT, buf, sizeof buf);
            kkr_table_cell(tab, 1 + c, buf);
        }
        if (mark_computed && lines[i].computed)
            kkr_table_cell(tab, 1 + t->layout->count, "*");
    }
}

void report_period_phrase(const struct kkr_rollup *r, char *buf, size_t size)
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

void report_footnotes(FILE *out, const struct kkr_report_table *t)
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
    report_period_phrase(r, period, sizeof period);
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
    report_footnotes(out, t);
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
            char head[512];
            snprintf(head, sizeof head, "  %s (%s): ", wb->units[u].name, wb->slag[k].code);
            kkr_text_write_comment(out, REPORT_TEXT_WIDTH, head, c);
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
        for (size_t d = 0; d < kkr_table_indent(lines[i].depth) / 2; d++)
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
    report_period_phrase(t->rollup, period, sizeof period);
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
    report_footnotes(out, t);
}

/* ---- JSON ---- */

static void json_rows(struct kkr_json *j, const struct kkr_report_table *t,
                      const struct kkr_report_line *lines, size_t n, bool kinds)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_report_layout *L = t->layout;
    char buf[128];
    kkr_json_array_begin(j, KKR_JSON_LINES);
    for (size_t i = 0; i < n; i++) {
        kkr_json_object_begin(j, KKR_JSON_INLINE);
        if (kinds) {
            kkr_json_key(j, "slag");
            kkr_json_string(j, lines[i].code);
            if (lines[i].parent_code) {
                kkr_json_key(j, "namn");
                kkr_json_string(j, lines[i].plain_name);
                kkr_json_key(j, "typ");
                kkr_json_string(j, lines[i].parent_code);
            }
        } else {
            kkr_json_key(j, "kod");
            kkr_json_string(j, lines[i].code);
            kkr_json_key(j, "namn");
            kkr_json_string(j, lines[i].name);
            kkr_json_key(j, "nivå");
            kkr_json_int(j, lines[i].depth);
            kkr_json_key(j, "överordnad");
            kkr_json_string(j, lines[i].parent >= 0 ? wb->units[lines[i].parent].code : NULL);
            kkr_json_key(j, "beräknad");
            kkr_json_bool(j, lines[i].computed);
        }
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_PLAIN, buf, sizeof buf);
            kkr_json_key(j, L->cols[c].key);
            kkr_json_number_text(j, buf); /* "" is null */
        }
        kkr_json_key(j, "öre");
        kkr_json_object_begin(j, KKR_JSON_INLINE);
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            if (v.percent || v.empty)
                continue;
            kkr_json_key(j, L->cols[c].key);
            kkr_json_int(j, v.ore);
        }
        kkr_json_object_end(j);
        kkr_json_object_end(j);
    }
    kkr_json_array_end(j);
}

/* The report as JSON through the base writer (its errors stick and are checked once). */
static enum kkr_status write_json(FILE *out, const struct kkr_report_table *t,
                                  struct kkr_diag *diag)
{
    const struct kkr_workbook *wb = t->wb;
    const struct kkr_rollup *r = t->rollup;
    const struct kkr_report_options *opt = t->opt;
    struct kkr_json *j = kkr_json_new(out);
    kkr_json_object_begin(j, KKR_JSON_LINES);
    kkr_json_key(j, "organisation");
    kkr_json_string(j, wb->organisation);
    kkr_json_key(j, "nämnd");
    kkr_json_string(j, wb->committee);
    kkr_json_key(j, "titel");
    kkr_json_string(j, wb->title);
    kkr_json_key(j, "år");
    kkr_json_int(j, r->year);
    kkr_json_key(j, "period");
    kkr_json_int(j, r->period);
    kkr_json_key(j, "enhet");
    kkr_json_string(j, kkr_display_unit_name(opt->unit));
    if (opt->sign == KKR_SIGN_RESULT) {
        kkr_json_key(j, "tecken");
        kkr_json_string(j, "resultat");
    }
    if (opt->decimals >= 0) {
        kkr_json_key(j, "decimaler");
        kkr_json_int(j, opt->decimals);
    }
    kkr_json_key(j, "prognosmetod");
    kkr_json_string(j, r->method);
    if (opt->compare) {
        kkr_json_key(j, "jämförelse");
        kkr_json_string(j, opt->compare_label);
    }
    kkr_json_key(j, "slag");
    json_rows(j, t, t->slag, t->slag_count, true);
    kkr_json_key(j, "verksamheter");
    json_rows(j, t, t->units, t->unit_count, false);
    kkr_json_object_end(j);
    enum kkr_status st = kkr_json_finish(j, diag);
    kkr_json_free(j);
    return st;
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
    case KKR_FORMAT_JSON: st = write_json(out, &t, diag); break;
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
