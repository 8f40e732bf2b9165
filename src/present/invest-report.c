/* invest-report.c — kkr report --table investering (DESIGN §5.3): text, CSV, Markdown, JSON */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/invest.h"
#include "kkr/report.h"
#include "kkr/table.h"
#include "kkr/text.h"

/* the columns: the year, then (when a project runs over several years) the whole project */
enum { I_BUDGET, I_ACTUAL, I_FORECAST, I_VARIANCE, I_TOTAL, I_BEFORE, I_TOTAL_FORECAST,
       I_TOTAL_VARIANCE, I_COLS };
static const char *const keys[I_COLS] = {
    "budget", "utfall", "prognos", "avvikelse", "total_budget", "utfall_tidigare_år",
    "total_prognos", "total_avvikelse"};
static const char *const titles[I_COLS] = {
    "Budget", "Utfall", "Prognos", "Avvikelse", "Budget", "Utfall tidigare år", "Prognos",
    "Avvikelse"};

bool kkr_invest_value(const struct kkr_invest *it, int col, int64_t *out)
{
    switch (col) {
    case I_BUDGET: *out = it->budget; return true;
    case I_ACTUAL: *out = it->actual; return true;
    case I_FORECAST: *out = it->forecast; return true;
    case I_VARIANCE: *out = it->budget - it->forecast; return true;
    }
    if (!it->multi_year)
        return false;
    switch (col) {
    case I_TOTAL: *out = it->total_budget; return true;
    case I_BEFORE: *out = it->actual_before; return true;
    case I_TOTAL_FORECAST: *out = it->total_forecast; return true;
    case I_TOTAL_VARIANCE: *out = it->total_budget - it->total_forecast; return true;
    }
    return false;
}

const char *kkr_invest_column_key(int col)
{
    return col >= 0 && col < I_COLS ? keys[col] : NULL;
}

const char *kkr_invest_column_title(int col)
{
    return col >= 0 && col < I_COLS ? titles[col] : NULL;
}

int kkr_invest_column_count(const struct kkr_investments *inv)
{
    return inv->total.multi_year ? I_COLS : I_TOTAL;
}

void kkr_invest_cell(const struct kkr_invest *it, int col, const struct kkr_report_options *opt,
                     const struct kkr_number_style *style, char *buf, size_t size)
{
    int64_t v;
    if (!kkr_invest_value(it, col, &v)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    kkr_money_format_decimals(buf, size, v, opt->unit, opt->decimals, style);
}

static void row_name(const struct kkr_invest *it, char *buf, size_t size)
{
    if (it->depth == 0) {
        snprintf(buf, size, "%s", it->name);
        return;
    }
    char lowered[512];
    size_t len = strlen(it->name);
    if (len >= sizeof lowered)
        len = sizeof lowered - 1;
    kkr_text_lower_first(lowered, it->name, len);
    snprintf(buf, size, "Varav %s", lowered);
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void put(FILE *out, const char *s, size_t width, bool right)
{
    size_t w = kkr_utf8_width(s, strlen(s));
    if (right)
        pad(out, width > w ? width - w : 0);
    fputs(s, out);
    if (!right)
        pad(out, width > w ? width - w : 0);
}

static void write_text(FILE *out, const struct kkr_workbook *wb, const struct kkr_investments *inv,
                       const struct kkr_report_options *opt)
{
    int nc = kkr_invest_column_count(inv);
    size_t namew = kkr_utf8_width("Belopp i mnkr", 13), w[I_COLS];
    char buf[600];
    for (int c = 0; c < nc; c++)
        w[c] = kkr_utf8_width(titles[c], strlen(titles[c]));
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        if (k < inv->count)
            row_name(it, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "Summa investeringar");
        size_t nw = kkr_utf8_width(buf, strlen(buf)) + 2 * (size_t)(it->depth < 12 ? it->depth : 12);
        if (nw > namew)
            namew = nw;
        for (int c = 0; c < nc; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_TEXT, buf, sizeof buf);
            size_t cw = kkr_utf8_width(buf, strlen(buf));
            if (cw > w[c])
                w[c] = cw;
        }
    }
    for (int c = 0; c < nc; c++)
        w[c]++;
    if (wb->organisation || wb->committee)
        fprintf(out, "%s%s%s\n", wb->organisation ? wb->organisation : "",
                wb->organisation && wb->committee ? ", " : "", wb->committee ? wb->committee : "");
    fprintf(out, "Investeringar %d\n\n", wb->year);
    snprintf(buf, sizeof buf, "Belopp i %s", kkr_display_unit_name(opt->unit));
    put(out, buf, namew, false);
    size_t yw = 0, pw = 0;
    for (int c = 0; c < I_TOTAL && c < nc; c++)
        yw += w[c] + 1;
    for (int c = I_TOTAL; c < nc; c++)
        pw += w[c] + 1;
    char year[32];
    snprintf(year, sizeof year, "År %d", wb->year);
    put(out, year, yw, true);
    if (nc > I_TOTAL)
        put(out, "Hela projektet", pw, true);
    fputc('\n', out);
    pad(out, namew);
    for (int c = 0; c < nc; c++) {
        fputc(' ', out);
        put(out, titles[c], w[c], true);
    }
    fputc('\n', out);
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        if (k < inv->count)
            row_name(it, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "Summa investeringar");
        size_t ind = 2 * (size_t)(it->depth < 12 ? it->depth : 12);
        pad(out, ind);
        put(out, buf, namew - ind, false);
        for (int c = 0; c < nc; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_TEXT, buf, sizeof buf);
            fputc(' ', out);
            put(out, buf, w[c], true);
        }
        fputc('\n', out);
    }
    fputs("\nAvvikelse = budget - prognos (positiv = lägre utgift än budgeterat)\n", out);
    bool any = false;
    for (size_t k = 0; k < inv->count; k++) {
        const struct kkr_invest *it = &inv->items[inv->order[k]];
        if (!it->comment)
            continue;
        if (!any)
            fputs("Kommentarer\n", out);
        any = true;
        /* a long comment wraps at 100 columns, as the report's */
        char head[512];
        snprintf(head, sizeof head, "  %s: ", it->name);
        kkr_text_write_comment(out, 100, head, it->comment);
    }
}

static void write_csv(FILE *out, const struct kkr_investments *inv,
                      const struct kkr_report_options *opt)
{
    const struct kkr_number_style *style = opt->excel ? &KKR_STYLE_EXCEL : &KKR_STYLE_PLAIN;
    char buf[128];
    if (opt->excel)
        fputs("\xef\xbb\xbf", out);
    fputs("projekt;namn;nivå;överordnad", out);
    for (int c = 0; c < I_COLS; c++)
        fprintf(out, ";%s", keys[c]);
    fputs(";kommentar\n", out);
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        kkr_csv_write_text(out, k < inv->count ? it->code : "total", ';');
        fputc(';', out);
        kkr_csv_write_text(out, k < inv->count ? it->name : "Summa investeringar", ';');
        fprintf(out, ";%d;", it->depth);
        if (it->parent >= 0)
            kkr_csv_write_text(out, inv->items[it->parent].code, ';');
        for (int c = 0; c < I_COLS; c++) {
            kkr_invest_cell(it, c, opt, style, buf, sizeof buf);
            fprintf(out, ";%s", buf);
        }
        fputc(';', out);
        if (it->comment)
            kkr_csv_write_text(out, it->comment, ';');
        fputc('\n', out);
    }
}

static void md_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '\\' || *s == '`')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void write_md(FILE *out, const struct kkr_workbook *wb, const struct kkr_investments *inv,
                     const struct kkr_report_options *opt)
{
    int nc = kkr_invest_column_count(inv);
    char buf[600];
    fprintf(out, "## Investeringar %d\n\n| Belopp i %s |", wb->year,
            kkr_display_unit_name(opt->unit));
    for (int c = 0; c < nc; c++)
        fprintf(out, " %s %s |", titles[c], c < I_TOTAL ? "år" : "hela projektet");
    fputs("\n|---|", out);
    for (int c = 0; c < nc; c++)
        fputs("---:|", out);
    fputc('\n', out);
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        fputs("| ", out);
        for (int d = 0; d < it->depth && d < 12; d++)
            fputs("&emsp;", out);
        if (k < inv->count)
            row_name(it, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "**Summa investeringar**");
        if (k < inv->count)
            md_escape(out, buf);
        else
            fputs(buf, out);
        fputs(" |", out);
        for (int c = 0; c < nc; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_TEXT, buf, sizeof buf);
            fprintf(out, " %s |", buf);
        }
        fputc('\n', out);
    }
}

static void write_json(FILE *out, const struct kkr_workbook *wb,
                       const struct kkr_investments *inv, const struct kkr_report_options *opt)
{
    char buf[128];
    fprintf(out, "{\n  \"år\": %d,\n  \"enhet\": \"%s\",\n  \"investeringar\": [", wb->year,
            kkr_display_unit_name(opt->unit));
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        fputs(k ? ",\n    {\"projekt\": " : "\n    {\"projekt\": ", out);
        kkr_json_write_string(out, k < inv->count ? it->code : "total");
        fputs(", \"namn\": ", out);
        kkr_json_write_string(out, k < inv->count ? it->name : "Summa investeringar");
        fprintf(out, ", \"nivå\": %d, \"överordnad\": ", it->depth);
        if (it->parent >= 0)
            kkr_json_write_string(out, inv->items[it->parent].code);
        else
            fputs("null", out);
        fprintf(out, ", \"flerårigt\": %s", it->multi_year ? "true" : "false");
        for (int c = 0; c < I_COLS; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_PLAIN, buf, sizeof buf);
            fprintf(out, ", \"%s\": %s", keys[c], buf[0] ? buf : "null");
        }
        fputs(", \"öre\": {", out);
        bool first = true;
        for (int c = 0; c < I_COLS; c++) {
            int64_t v;
            if (!kkr_invest_value(it, c, &v))
                continue;
            fprintf(out, "%s\"%s\": %lld", first ? "" : ", ", keys[c], (long long)v);
            first = false;
        }
        fputs("}, \"kommentar\": ", out);
        if (it->comment)
            kkr_json_write_string(out, it->comment);
        else
            fputs("null", out);
        fputc('}', out);
    }
    fputs("\n  ]\n}\n", out);
}

enum kkr_status kkr_report_write_investments(FILE *out, const struct kkr_workbook *wb,
                                             const struct kkr_report_options *opt,
                                             struct kkr_diag *diag)
{
    struct kkr_investments *inv;
    enum kkr_status st = kkr_investments_load(wb, &inv, diag, NULL);
    if (st == KKR_ERR_NOT_FOUND && diag && diag->line == 0) {
        size_t n = strlen(wb->dir);
        char path[4096];
        snprintf(path, sizeof path, "%s%sinvesteringar.csv", wb->dir,
                 n && wb->dir[n - 1] == '/' ? "" : "/");
        return kkr_fail(diag, KKR_ERR_NOT_FOUND, path, 0, 0,
                        "no such file, expected projekt;namn;budget;utfall;prognos;kommentar "
                        "for --table investering");
    }
    if (st != KKR_OK)
        return st;
    switch (opt->format) {
    case KKR_FORMAT_TEXT: write_text(out, wb, inv, opt); break;
    case KKR_FORMAT_CSV: write_csv(out, inv, opt); break;
    case KKR_FORMAT_MD: write_md(out, wb, inv, opt); break;
    case KKR_FORMAT_JSON: write_json(out, wb, inv, opt); break;
    default:
        kkr_investments_free(inv);
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                        "--table investering: expected --format text, csv, md or json");
    }
    kkr_investments_free(inv);
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the report");
    return KKR_OK;
}
