/* forecast-write.c — kkr forecast's tables: the rolled-up forecasts and the backtest summary */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "kkr/csv.h"
#include "kkr/forecast-write.h"
#include "kkr/json.h"
#include "kkr/sheet.h"
#include "kkr/table.h"

static const char *row_code(const struct kkr_workbook *wb, const struct kkr_forecast_row *r)
{
    return r->unit < 0 ? "total" : wb->units[r->unit].code;
}

static const char *row_kind(const struct kkr_workbook *wb, const struct kkr_forecast_row *r)
{
    return r->kind < 0 ? "netto" : wb->slag[r->kind].code;
}

/* The planned step of a unit-kind row (NAN for none, and for the rolled-up rows). */
static double row_step(const struct kkr_workbook *wb, const struct kkr_forecast_table *t,
                       const struct kkr_forecast_row *r)
{
    if (r->kind < 0 || r->unit < 0 || !t->set->budget_step)
        return NAN;
    return t->set->budget_step[kkr_workbook_slot(wb, r->unit, r->kind)];
}

/* A change in per cent with its sign and a decimal comma, tenths rounded half away from zero
 * as every shown figure: +14,1 */
static void fmt_step(char *buf, size_t size, double step)
{
    long long tenths = llround(1000.0 * step), mag = tenths < 0 ? -tenths : tenths;
    snprintf(buf, size, "%s%lld%s%lld", tenths < 0 ? KKR_STYLE_TEXT.minus : "+", mag / 10,
             KKR_STYLE_TEXT.decimal, mag % 10);
}

/* Under the text table: the rows where auto follows a step the budget plans (README, auto), so
 * that the reader knows why the forecast leans on the budget this early. */
static void write_steps(FILE *out, const struct kkr_workbook *wb,
                        const struct kkr_forecast_table *t)
{
    int k = t->set->period, shown = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct kkr_forecast_row *r = &t->rows[i];
        double step = row_step(wb, t, r);
        if (!isfinite(step))
            continue;
        if (shown++ == 0)
            fprintf(out, "\nBudgeten planerar ett steg som historiken inte visar; prognosen "
                         "följer budgeten till %d/12:\n", 12 - k);
        char pct[32];
        fmt_step(pct, sizeof pct, step);
        fprintf(out, "  %s %s: budgeten %s %% mot utfallet %d\n", row_code(wb, r),
                row_kind(wb, r), pct, wb->year - 1);
    }
}

#define FIGURES 6

/* How the figures are shown (DESIGN §5.1): unit, sign convention and decimals (-1: the
 * unit's default). Under resultat every amount is negated, låg and hög swap so that låg <=
 * hög, and the avvikelse (budget − prognos, positive is better) stays as it is. */
struct show {
    enum kkr_display_unit unit;
    enum kkr_sign sign;
    int decimals;
};

static void row_figures(const struct kkr_forecast_row *r, const struct show *sh,
                        int64_t v[FIGURES])
{
    bool flip = sh->sign == KKR_SIGN_RESULT;
    v[0] = flip ? -r->budget_ore : r->budget_ore;
    v[1] = flip ? -r->actual_ore : r->actual_ore;
    v[2] = flip ? -r->forecast_ore : r->forecast_ore;
    v[3] = flip ? -r->high_ore : r->low_ore;
    v[4] = flip ? -r->low_ore : r->high_ore;
    v[5] = r->budget_ore - r->forecast_ore;   /* the avvikelse */
}

static void fmt(char *buf, size_t size, int64_t ore, const struct show *sh,
                const struct kkr_number_style *style)
{
    kkr_money_format_decimals(buf, size, ore, sh->unit, sh->decimals, style);
}

static void put_plain(FILE *out, int64_t ore, const struct show *sh)
{
    char buf[64];
    fmt(buf, sizeof buf, ore, sh, &KKR_STYLE_PLAIN);
    fputs(buf, out);
}

static void write_csv(FILE *out, const struct kkr_workbook *wb, const struct kkr_forecast_table *t,
                      const struct show *sh)
{
    fputs("kod;slag;budget_helår;utfall_period;prognos_helår;låg;hög;avvikelse_helår;metod\n",
          out);
    for (size_t i = 0; i < t->count; i++) {
        const struct kkr_forecast_row *r = &t->rows[i];
        kkr_csv_write_text(out, row_code(wb, r), ';');
        fprintf(out, ";%s", row_kind(wb, r));
        int64_t v[FIGURES];
        row_figures(r, sh, v);
        for (size_t j = 0; j < FIGURES; j++) {
            fputc(';', out);
            put_plain(out, v[j], sh);
        }
        fprintf(out, ";%s\n", r->method);
    }
}

static void write_json(FILE *out, const struct kkr_workbook *wb,
                       const struct kkr_forecast_table *t, const struct show *sh)
{
    const struct kkr_forecast_set *set = t->set;
    fprintf(out, "{\n  \"år\": %d,\n  \"period\": %d,\n  \"metod\": ", wb->year, set->period);
    kkr_json_write_string(out, set->method->name);
    fprintf(out, ",\n  \"nivå\": %.4g,\n  \"enhet\": \"%s\",\n  ", set->level,
            kkr_display_unit_name(sh->unit));
    if (sh->sign == KKR_SIGN_RESULT)
        fputs("\"tecken\": \"resultat\",\n  ", out);   /* the öre values follow it */
    fputs("\"rader\": [", out);
    static const char *const names[FIGURES] = {"budget_helår", "utfall_period", "prognos_helår",
                                               "låg", "hög", "avvikelse_helår"};
    for (size_t i = 0; i < t->count; i++) {
        const struct kkr_forecast_row *r = &t->rows[i];
        fprintf(out, "%s\n    {\"kod\": ", i ? "," : "");
        kkr_json_write_string(out, row_code(wb, r));
        fprintf(out, ", \"slag\": \"%s\"", row_kind(wb, r));
        int64_t v[FIGURES];
        row_figures(r, sh, v);
        for (size_t j = 0; j < FIGURES; j++) {
            fprintf(out, ", \"%s\": ", names[j]);
            put_plain(out, v[j], sh);
        }
        fputs(", \"metod\": ", out);
        kkr_json_write_string(out, r->method);
        double step = row_step(wb, t, r);
        if (isfinite(step))   /* only where auto follows a step the budget plans */
            fprintf(out, ", \"budgetsteg\": %.4f", step);
        fputs(", \"öre\": {", out);
        for (size_t j = 0; j < FIGURES; j++)
            fprintf(out, "%s\"%s\": %" PRId64, j ? ", " : "", names[j], v[j]);
        fputs("}}", out);
    }
    fputs("\n  ]\n}\n", out);
}

static const char *const titles[] = {"Kod", "Slag", "Budget", "Utfall", "Prognos", "Låg",
                                     "Hög", "Avvikelse", "Metod"};

static enum kkr_status write_text(FILE *out, const struct kkr_workbook *wb,
                                  const struct kkr_forecast_table *t, const struct show *sh,
                                  struct kkr_diag *diag)
{
    const struct kkr_forecast_set *set = t->set;
    fprintf(out, "Helårsprognos %d, utfall t.o.m. %s, metod %s, intervall %.0f %%\n", wb->year,
            set->period ? kkr_month_name(set->period) : "(ingen månad)", set->method->name,
            set->level * 100.0);
    fprintf(out, "Belopp i %s%s\n", kkr_display_unit_name(sh->unit), sh->sign == KKR_SIGN_RESULT
            ? "; intäkter positiva, kostnader negativa (resultat)" : "");
    /* kod, slag, the six figures, metod */
    struct kkr_table *tab = kkr_table_new(2 + FIGURES + 1);
    if (!tab)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    kkr_table_column(tab, 0, KKR_ALIGN_LEFT, 10, NULL);
    kkr_table_column(tab, 1, KKR_ALIGN_LEFT, 8, NULL);
    for (size_t j = 0; j < FIGURES; j++)
        kkr_table_column(tab, 2 + j, KKR_ALIGN_RIGHT, 10, NULL);
    kkr_table_column(tab, 2 + FIGURES, KKR_ALIGN_LEFT, 0, "  ");
    kkr_table_row(tab);
    for (size_t c = 0; c < sizeof titles / sizeof titles[0]; c++)
        kkr_table_cell(tab, c, titles[c]);
    char buf[64];
    for (size_t i = 0; i < t->count; i++) {
        const struct kkr_forecast_row *r = &t->rows[i];
        if (i > 0 && r->kind < 0 && t->rows[i - 1].kind >= 0)
            kkr_table_row(tab);   /* a blank line before the rolled-up rows */
        kkr_table_row(tab);
        kkr_table_cell(tab, 0, row_code(wb, r));
        kkr_table_cell(tab, 1, row_kind(wb, r));
        int64_t v[FIGURES];
        row_figures(r, sh, v);
        for (size_t j = 0; j < FIGURES; j++) {
            fmt(buf, sizeof buf, v[j], sh, &KKR_STYLE_TEXT);
            kkr_table_cell(tab, 2 + j, buf);
        }
        kkr_table_cell(tab, 2 + FIGURES, r->method);
    }
    enum kkr_status st = kkr_table_write(tab, out, diag);
    kkr_table_free(tab);
    if (st == KKR_OK)
        write_steps(out, wb, t);
    return st;
}

enum kkr_status kkr_forecast_table_write_as(FILE *out, const struct kkr_workbook *wb,
                                            const struct kkr_forecast_table *t,
                                            enum kkr_format format, enum kkr_display_unit unit,
                                            enum kkr_sign sign, int decimals,
                                            struct kkr_diag *diag)
{
    struct show sh = {unit, sign, decimals};
    enum kkr_status st = KKR_OK;
    if (format == KKR_FORMAT_CSV)
        write_csv(out, wb, t, &sh);
    else if (format == KKR_FORMAT_JSON)
        write_json(out, wb, t, &sh);
    else
        st = write_text(out, wb, t, &sh, diag);
    if (st == KKR_OK && ferror(out))
        st = kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the forecast table");
    return st;
}

enum kkr_status kkr_forecast_table_write(FILE *out, const struct kkr_workbook *wb,
                                         const struct kkr_forecast_table *t,
                                         enum kkr_format format, enum kkr_display_unit unit,
                                         struct kkr_diag *diag)
{
    return kkr_forecast_table_write_as(out, wb, t, format, unit, KKR_SIGN_NET_COST, -1, diag);
}

static void sheet_titles(struct kkr_sheet_doc *doc, struct kkr_sheet *sh,
                         const struct kkr_workbook *wb, const char *what)
{
    kkr_sheet_add_title(doc, sh, "%s %d", what, wb->year);
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, sh, "%s%s%s", wb->organisation ? wb->organisation : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->committee ? wb->committee : "");
}

void kkr_forecast_table_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                              const struct kkr_forecast_table *t, enum kkr_display_unit unit,
                              enum kkr_sign sign, int decimals)
{
    struct show show = {unit, sign, decimals};
    const struct kkr_forecast_set *set = t->set;
    struct kkr_sheet *sh = kkr_sheet_add(doc, "Prognos");
    if (!sh)
        return;
    sheet_titles(doc, sh, wb, "Helårsprognos");
    kkr_sheet_add_title(doc, sh, "Utfall t.o.m. %s, metod %s, intervall %.0f %%. Belopp i %s%s.",
                        set->period ? kkr_month_name(set->period) : "(ingen månad)",
                        set->method->name, set->level * 100.0, kkr_display_unit_name(unit),
                        sign == KKR_SIGN_RESULT
                        ? "; intäkter positiva, kostnader negativa (resultat)" : "");
    for (size_t c = 0; c < sizeof titles / sizeof titles[0]; c++)
        kkr_sheet_add_column(doc, sh, titles[c], NULL, c >= 2 && c < 2 + FIGURES);
    sh->freeze_cols = 2;
    char buf[64];
    for (size_t i = 0; i < t->count; i++) {
        const struct kkr_forecast_row *r = &t->rows[i];
        int level = r->unit >= 0 ? wb->units[r->unit].depth : 0;
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, sh, level, r->unit < 0);
        if (!row)
            return;
        kkr_sheet_set(doc, row, 0, row_code(wb, r));
        kkr_sheet_set(doc, row, 1, row_kind(wb, r));
        int64_t v[FIGURES];
        row_figures(r, &show, v);
        for (size_t j = 0; j < FIGURES; j++) {
            fmt(buf, sizeof buf, v[j], &show, &KKR_STYLE_PLAIN);
            kkr_sheet_set(doc, row, 2 + j, buf);
        }
        kkr_sheet_set(doc, row, 2 + FIGURES, r->method);
    }
    kkr_sheet_doc_set_info(doc, "Prognos", wb->organisation,
                           kkr_sheet_doc_date(wb->year, set->period));
}

void kkr_backtest_summary_sheet(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                const struct kkr_backtest_summary *sum, double level)
{
    struct kkr_sheet *sh = kkr_sheet_add(doc, "Backtest");
    if (!sh)
        return;
    sheet_titles(doc, sh, wb, "Prognossäkerhet");
    kkr_sheet_add_title(doc, sh, "Medelfel (MAPE, %%) för helårsprognosen efter k månader och "
                        "andel utfall inom intervallet (%.0f %%), per metod", level * 100.0);
    static const char *const heads[] = {"Metod", "Månader (k)", "Fall", "Medelfel (MAPE), %",
                                        "Täckning, %"};
    for (size_t c = 0; c < 5; c++)
        kkr_sheet_add_column(doc, sh, heads[c], NULL, c > 0);
    char buf[64];
    for (int m = 0; m <= KKR_BACKTEST_METHODS; m++)
        for (int k = 1; k <= 11; k++) {
            if (!sum->cases[m][k])
                continue;
            struct kkr_sheet_row *row = kkr_sheet_add_row(doc, sh, 0, false);
            if (!row)
                return;
            kkr_sheet_set(doc, row, 0, kkr_backtest_method_name(m));
            snprintf(buf, sizeof buf, "%d", k);
            kkr_sheet_set(doc, row, 1, buf);
            snprintf(buf, sizeof buf, "%d", sum->cases[m][k]);
            kkr_sheet_set(doc, row, 2, buf);
            snprintf(buf, sizeof buf, "%.2f", sum->mape[m][k]);
            kkr_sheet_set(doc, row, 3, buf);
            snprintf(buf, sizeof buf, "%.1f", sum->coverage[m][k]);
            kkr_sheet_set(doc, row, 4, buf);
        }
    kkr_sheet_doc_set_info(doc, "Backtest", wb->organisation,
                           kkr_sheet_doc_date(wb->year, wb->last_actual_month));
}

enum kkr_status kkr_backtest_summary_write(FILE *out, const struct kkr_backtest_summary *sum,
                                           double level, enum kkr_format format,
                                           struct kkr_diag *diag)
{
    if (format == KKR_FORMAT_CSV) {
        fputs("metod;k;fall;mape;täckning\n", out);
        for (int m = 0; m <= KKR_BACKTEST_METHODS; m++)
            for (int k = 1; k <= 11; k++)
                if (sum->cases[m][k])
                    fprintf(out, "%s;%d;%d;%.2f;%.1f\n", kkr_backtest_method_name(m), k,
                            sum->cases[m][k], sum->mape[m][k], sum->coverage[m][k]);
    } else if (format == KKR_FORMAT_JSON) {
        fprintf(out, "{\n  \"nivå\": %.4g,\n  \"rader\": [", level);
        bool first = true;
        for (int m = 0; m <= KKR_BACKTEST_METHODS; m++)
            for (int k = 1; k <= 11; k++)
                if (sum->cases[m][k]) {
                    fprintf(out, "%s\n    {\"metod\": \"%s\", \"k\": %d, \"fall\": %d, "
                            "\"mape\": %.4f, \"täckning\": %.2f}",
                            first ? "" : ",", kkr_backtest_method_name(m), k, sum->cases[m][k],
                            sum->mape[m][k], sum->coverage[m][k]);
                    first = false;
                }
        fprintf(out, "\n  ]\n}\n");
    } else {
        fprintf(out, "Prognossäkerhet: medelfel (MAPE, %%) för helårsprognosen efter k "
                     "månader\n");
        fprintf(out, "%-10s", "metod");
        for (int k = 1; k <= 11; k++)
            fprintf(out, "   k=%-2d", k);
        fprintf(out, "  täckning\n");
        for (int m = 0; m <= KKR_BACKTEST_METHODS; m++) {
            fprintf(out, "%-10s", kkr_backtest_method_name(m));
            int cases = 0, inside = 0;
            for (int k = 1; k <= 11; k++) {
                if (sum->cases[m][k])
                    fprintf(out, " %6.1f", sum->mape[m][k]);
                else
                    fprintf(out, " %6s", "-");
                cases += sum->cases[m][k];
                inside += (int)lround(sum->coverage[m][k] * sum->cases[m][k] / 100.0);
            }
            if (cases)
                fprintf(out, "  %5.1f %%\n", 100.0 * inside / cases);
            else
                fprintf(out, "  %7s\n", "-");
        }
        fprintf(out, "\nTäckning: andel utfall (%%) inom intervallet efter k månader\n");
        fprintf(out, "%-10s", "metod");
        for (int k = 1; k <= 11; k++)
            fprintf(out, "   k=%-2d", k);
        fprintf(out, "\n");
        for (int m = 0; m <= KKR_BACKTEST_METHODS; m++) {
            fprintf(out, "%-10s", kkr_backtest_method_name(m));
            for (int k = 1; k <= 11; k++) {
                if (sum->cases[m][k])
                    fprintf(out, " %6.1f", sum->coverage[m][k]);
                else
                    fprintf(out, " %6s", "-");
            }
            fprintf(out, "\n");
        }
        fprintf(out, "fall (k=1): %d; intervall %.0f %%\n", sum->cases[KKR_BACKTEST_METHODS][1],
                level * 100.0);
    }
    if (ferror(out))
        return kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the backtest summary");
    return KKR_OK;
}
