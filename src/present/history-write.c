/* history-write.c — the prognoshistorik table: long CSV/JSON, a units × months matrix as text/md */
#include <string.h>

#include "kkr/csv.h"
#include "kkr/history.h"
#include "kkr/json.h"
#include "kkr/text.h"

static const char *const month_abbrev[13] = {
    "", "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
};

static const char *row_code(const struct kkr_workbook *wb, const struct kkr_history *h, size_t t)
{
    return t < h->unit_count ? wb->units[h->units[t]].code : "total";
}

static const char *row_name(const struct kkr_workbook *wb, const struct kkr_history *h, size_t t)
{
    return t < h->unit_count ? wb->units[h->units[t]].name : "Totalt";
}

static int64_t forecast(const struct kkr_history *h, size_t month, size_t t)
{
    return h->forecast_ore[month * (h->unit_count + 1) + t];
}

static void write_long(FILE *out, const struct kkr_workbook *wb, const struct kkr_history *h,
                       bool json, enum kkr_display_unit unit)
{
    char a[64], b[64], c[64];
    if (json)
        fprintf(out, "{\n  \"tabell\": \"prognoshistorik\",\n  \"enhet\": \"%s\",\n  \"år\": %d,\n"
                     "  \"rader\": [",
                kkr_display_unit_name(unit), wb->year);
    else
        fputs("period;kod;namn;prognos_helår;förändring;avvikelse_helår\n", out);
    bool first = true;
    for (size_t m = 0; m < h->month_count; m++) {
        for (size_t t = 0; t <= h->unit_count; t++) {
            int64_t f = forecast(h, m, t), v = h->budget_ore[t] - f;
            bool has_change = m > 0;
            /* avvikelse moved by (budget - f) - (budget - before) = before - f */
            int64_t change = has_change ? forecast(h, m - 1, t) - f : 0;
            kkr_money_format(a, sizeof a, f, unit, &KKR_STYLE_PLAIN);
            kkr_money_format(b, sizeof b, change, unit, &KKR_STYLE_PLAIN);
            kkr_money_format(c, sizeof c, v, unit, &KKR_STYLE_PLAIN);
            if (json) {
                fprintf(out, "%s\n    {\"period\": \"%d%02d\", \"kod\": ", first ? "" : ",",
                        wb->year, h->months[m]);
                kkr_json_write_string(out, row_code(wb, h, t));
                fputs(", \"namn\": ", out);
                kkr_json_write_string(out, row_name(wb, h, t));
                fprintf(out, ", \"prognos_helår\": %s, \"förändring\": %s, \"avvikelse_helår\": %s,"
                             " \"öre\": {\"prognos_helår\": %lld, \"budget_helår\": %lld}}",
                        a, has_change ? b : "null", c, (long long)f,
                        (long long)h->budget_ore[t]);
            } else {
                fprintf(out, "%d%02d;", wb->year, h->months[m]);
                kkr_csv_write_text(out, row_code(wb, h, t), ';');
                fputc(';', out);
                kkr_csv_write_text(out, row_name(wb, h, t), ';');
                fprintf(out, ";%s;%s;%s\n", a, has_change ? b : "", c);
            }
            first = false;
        }
    }
    if (json)
        fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

/* Markdown cells: escape what would break the table or inject markup. */
static void md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\|*_`<>[]#", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void write_matrix(FILE *out, const struct kkr_workbook *wb, const struct kkr_history *h,
                         bool md, enum kkr_display_unit unit)
{
    char buf[64];
    const char *unit_name = kkr_display_unit_name(unit);
    if (md)
        fprintf(out, "## Prognoshistorik %d\n\n", wb->year);
    else
        fprintf(out, "Prognoshistorik %d: helårsprognosens avvikelse mot budget per låst månad\n\n",
                wb->year);
    if (h->month_count == 0) {
        fprintf(out, "Inga låsta prognoser för %d (kkr lock).\n", wb->year);
        return;
    }
    /* widths: the name column, then budget and one column per month */
    size_t name_w = strlen("Belopp i ") + strlen(unit_name);
    for (size_t t = 0; t <= h->unit_count; t++) {
        const char *n = row_name(wb, h, t);
        size_t w = kkr_utf8_width(n, strlen(n));
        if (w > name_w)
            name_w = w;
    }
    size_t ncols = h->month_count + 1;
    size_t col_w[14];
    for (size_t c = 0; c < ncols; c++)
        col_w[c] = c == 0 ? strlen("Budget") : 3;
    for (size_t t = 0; t <= h->unit_count; t++) {
        for (size_t c = 0; c < ncols; c++) {
            int64_t v = c == 0 ? h->budget_ore[t]
                               : h->budget_ore[t] - forecast(h, c - 1, t);
            size_t w = kkr_money_format(buf, sizeof buf, v, unit, &KKR_STYLE_TEXT);
            if (w > col_w[c])
                col_w[c] = w;
        }
    }
    if (md) {
        fprintf(out, "| Belopp i %s | Budget", unit_name);
        for (size_t m = 0; m < h->month_count; m++)
            fprintf(out, " | %s", month_abbrev[h->months[m]]);
        fputs(" |\n|---|---:", out);
        for (size_t m = 0; m < h->month_count; m++)
            fputs("|---:", out);
        fputs("|\n", out);
    } else {
        fprintf(out, "Belopp i %s", unit_name);
        pad(out, name_w - strlen("Belopp i ") - strlen(unit_name));
        for (size_t c = 0; c < ncols; c++) {
            const char *head = c == 0 ? "Budget" : month_abbrev[h->months[c - 1]];
            pad(out, 2 + col_w[c] - strlen(head));
            fputs(head, out);
        }
        fputc('\n', out);
    }
    for (size_t t = 0; t <= h->unit_count; t++) {
        const char *n = row_name(wb, h, t);
        if (md) {
            fputs("| ", out);
            md_cell(out, n);
        } else {
            fputs(n, out);
            pad(out, name_w - kkr_utf8_width(n, strlen(n)));
        }
        for (size_t c = 0; c < ncols; c++) {
            int64_t v = c == 0 ? h->budget_ore[t]
                               : h->budget_ore[t] - forecast(h, c - 1, t);
            size_t w = kkr_money_format(buf, sizeof buf, v, unit, &KKR_STYLE_TEXT);
            if (md)
                fprintf(out, " | %s", buf);
            else {
                pad(out, 2 + col_w[c] - w);
                fputs(buf, out);
            }
        }
        fputs(md ? " |\n" : "\n", out);
    }
    fprintf(out, "\nAvvikelse = budget − helårsprognos (positivt = överskott), i %s.\n"
                 "Månaderna är de låsta prognoserna (kkr lock).\n", unit_name);
}

enum kkr_status kkr_history_write(FILE *out, const struct kkr_workbook *wb,
                                  const struct kkr_history *h, enum kkr_format format,
                                  enum kkr_display_unit unit, struct kkr_diag *diag)
{
    switch (format) {
    case KKR_FORMAT_CSV: write_long(out, wb, h, false, unit); break;
    case KKR_FORMAT_JSON: write_long(out, wb, h, true, unit); break;
    case KKR_FORMAT_MD: write_matrix(out, wb, h, true, unit); break;
    default: write_matrix(out, wb, h, false, unit); break;
    }
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "write error");
    return KKR_OK;
}
