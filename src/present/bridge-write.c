/* bridge-write.c — kkr whatif's bridge (brygga): text table, CSV and JSON */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/bridge-write.h"
#include "kkr/csv.h"
#include "kkr/json.h"
#include "kkr/table.h"

/* ---- formatting ---- */

static const char *money(char *buf, size_t size, int64_t ore, enum kkr_display_unit unit,
                         const struct kkr_number_style *style)
{
    kkr_money_format(buf, size, ore, unit, style);
    return buf;
}

/* "100 %", "80 %", "33,3 %" */
static const char *percent(char *buf, size_t size, double p)
{
    double pct = p * 100.0;
    if (fabs(pct - nearbyint(pct)) < 1e-9)
        snprintf(buf, size, "%.0f %%", nearbyint(pct));
    else {
        snprintf(buf, size, "%.1f %%", pct);
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = ',';
    }
    return buf;
}

/* The label of a measure row: the description, and for drivers how the effect arose. */
static void measure_label(char *buf, size_t size, const struct kkr_measure *me)
{
    if (!me->from_drivers) {
        snprintf(buf, size, "%s", me->description);
        return;
    }
    char count[32], per[64];
    snprintf(count, sizeof count, "%g", me->count);
    char *dot = strchr(count, '.');
    if (dot)
        *dot = ',';
    if (me->per_month_ore % 100 == 0)
        kkr_money_format(per, sizeof per, me->per_month_ore, KKR_UNIT_KR, &KKR_STYLE_TEXT);
    else
        kkr_money_format_exact(per, sizeof per, me->per_month_ore, &KKR_STYLE_TEXT);
    snprintf(buf, size, "%s (%s × %s kr/mån från %s, %d mån)", me->description, count, per,
             kkr_month_name(me->from_month), me->months);
}

static const char *unit_code(const struct kkr_workbook *wb, const struct kkr_measure *me)
{
    return me->unit >= 0 ? wb->units[me->unit].code : "hela nämnden";
}

static void target_label(char *buf, size_t size, const struct kkr_bridge_write_options *s)
{
    if (s->target_ore == 0)
        snprintf(buf, size, "Mål (nollresultat)");
    else
        snprintf(buf, size, "Mål");
}

/* ---- text ---- */

static enum kkr_status write_text(FILE *out, const struct kkr_workbook *wb,
                                  const struct kkr_bridge_scenario *sc, size_t n,
                                  const struct kkr_bridge_write_options *set,
                                  struct kkr_diag *diag)
{
    char a[64], b[64], label[1024];
    const struct kkr_number_style *st = &KKR_STYLE_TEXT;
    const char *u = kkr_display_unit_name(set->unit);
    bool single = n == 1;

    if (wb->committee)
        fprintf(out, "%s%s%s\n", wb->committee, wb->organisation ? ", " : "",
                wb->organisation ? wb->organisation : "");
    if (single)
        fprintf(out, "Åtgärder och helårsresultat %d: %s\n\n", wb->year, sc[0].measures->name);
    else
        fprintf(out, "Åtgärder och helårsresultat %d: %zu scenarier\n\n", wb->year, n);

    /* the text and verksamhet left, the figures right, two spaces between */
    size_t cols = single ? 5 : 2 + n;
    struct kkr_table *g = kkr_table_new(cols);
    if (!g)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 1; c < cols; c++)
        kkr_table_column(g, c, c < 2 ? KKR_ALIGN_LEFT : KKR_ALIGN_RIGHT, 0, "  ");
    size_t vcol = single ? 4 : 2;   /* the first value column */

    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Belopp i %s", u);
    kkr_table_cellf(g, 1, "Verksamhet");
    if (single) {
        kkr_table_cellf(g, 2, "Effekt");
        kkr_table_cellf(g, 3, "Sannolikhet");
        kkr_table_cellf(g, 4, "Förväntat");
    } else {
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, 2 + i, "%s", sc[i].measures->name);
    }

    /* the baseline is the same for every scenario */
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "%s", sc[0].bridge->baseline_label);
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->baseline_ore, set->unit, st));

    for (size_t i = 0; i < n; i++) {
        const struct kkr_measures *m = sc[i].measures;
        for (size_t j = 0; j < m->count; j++) {
            const struct kkr_measure *me = &m->items[j];
            kkr_table_row(g);
            measure_label(label, sizeof label, me);
            kkr_table_cellf(g, 0, "  %s", label);
            kkr_table_cellf(g, 1, "%s", unit_code(wb, me));
            if (single) {
                kkr_table_cellf(g, 2, "%s", money(a, sizeof a, me->effect_ore, set->unit, st));
                kkr_table_cellf(g, 3, "%s", percent(b, sizeof b, me->probability));
            }
            kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, me->expected_ore, set->unit, st));
        }
    }
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Summa åtgärder");
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->measures_ore, set->unit, st));
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Resultat efter åtgärder");
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->result_ore, set->unit, st));
    if (sc[0].bridge->reconciled) {
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "%s", sc[0].bridge->newer_label);
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->newer_ore, set->unit, st));
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "Oförklarad rest");
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->rest_ore, set->unit, st));
    }

    /* goal seek */
    kkr_table_row(g);
    kkr_table_row(g);
    target_label(label, sizeof label, set);
    kkr_table_cellf(g, 0, "%s", label);
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, set->target_ore, set->unit, st));
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Ytterligare besparing som behövs, förväntat");
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s",
                 money(a, sizeof a, sc[i].dist.need_expected_ore, set->unit, st));
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Ytterligare besparing som behövs, 80 %% säkerhet");
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s", sc[i].has_need80
                 ? money(a, sizeof a, sc[i].dist.need_80_ore, set->unit, st)
                 : "kräver --simulate");

    if (set->draws > 0) {
        kkr_table_row(g);
        kkr_table_row(g);
        kkr_int_format(a, sizeof a, (int64_t)set->draws, st);
        kkr_table_cellf(g, 0, "Simulering: %s dragningar, frö %lu", a, set->seed);
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "P(resultat ≥ mål)");
        for (size_t i = 0; i < n; i++) {
            snprintf(b, sizeof b, "%.1f %%", sc[i].dist.p_target * 100.0);
            char *dot = strchr(b, '.');
            if (dot)
                *dot = ',';
            kkr_table_cellf(g, vcol + i, "%s", b);
        }
        const char *names[3] = {"P10", "P50 (median)", "P90"};
        for (int q = 0; q < 3; q++) {
            kkr_table_row(g);
            kkr_table_cellf(g, 0, "%s", names[q]);
            for (size_t i = 0; i < n; i++) {
                int64_t v = q == 0 ? sc[i].dist.p10_ore
                          : q == 1 ? sc[i].dist.p50_ore : sc[i].dist.p90_ore;
                kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, v, set->unit, st));
            }
        }
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "Förväntat resultat (exakt)");
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, vcol + i, "%s",
                        money(a, sizeof a, sc[i].bridge->result_ore, set->unit, st));
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "Medel i simuleringen");
        for (size_t i = 0; i < n; i++) {
            int64_t mean_ore = 0;
            kkr_money_from_kr(sc[i].dist.mean_ore / 100.0, &mean_ore);
            kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, mean_ore, set->unit, st));
        }
    }
    enum kkr_status status = kkr_table_write(g, out, diag);
    kkr_table_free(g);
    return status;
}

/* ---- csv ---- */

static void csv_row(FILE *out, const char *scenario, const char *step, const char *text,
                    const char *unit, const char *effect, const char *prob, const char *value)
{
    kkr_csv_write_text(out, scenario, ';');
    fprintf(out, ";%s;", step);
    kkr_csv_write_text(out, text, ';');
    fputc(';', out);
    kkr_csv_write_text(out, unit, ';');
    fprintf(out, ";%s;%s;%s\n", effect, prob, value);
}

static void write_csv(FILE *out, const struct kkr_workbook *wb,
                      const struct kkr_bridge_scenario *sc, size_t n,
                      const struct kkr_bridge_write_options *set)
{
    char a[64], b[64], p[64];
    const struct kkr_number_style *st = &KKR_STYLE_PLAIN;
    enum kkr_display_unit u = set->unit;
    fprintf(out, "scenario;steg;beskrivning;verksamhet;effekt;sannolikhet;förväntat\n");
    for (size_t i = 0; i < n; i++) {
        const struct kkr_bridge *br = sc[i].bridge;
        const char *name = sc[i].measures->name;
        csv_row(out, name, "baslinje", br->baseline_label, "", "", "",
                money(a, sizeof a, br->baseline_ore, u, st));
        for (size_t j = 0; j < sc[i].measures->count; j++) {
            const struct kkr_measure *me = &sc[i].measures->items[j];
            snprintf(p, sizeof p, "%.10g", me->probability);
            csv_row(out, name, "åtgärd", me->description, me->unit >= 0 ?
                    wb->units[me->unit].code : "", money(a, sizeof a, me->effect_ore, u, st), p,
                    money(b, sizeof b, me->expected_ore, u, st));
        }
        csv_row(out, name, "summa", "Summa åtgärder", "", "", "",
                money(a, sizeof a, br->measures_ore, u, st));
        csv_row(out, name, "resultat", "Resultat efter åtgärder", "", "", "",
                money(a, sizeof a, br->result_ore, u, st));
        if (br->reconciled) {
            csv_row(out, name, "jämförelse", br->newer_label, "", "", "",
                    money(a, sizeof a, br->newer_ore, u, st));
            csv_row(out, name, "rest", "Oförklarad rest", "", "", "",
                    money(a, sizeof a, br->rest_ore, u, st));
        }
        csv_row(out, name, "mål", "Mål", "", "", "", money(a, sizeof a, set->target_ore, u, st));
        csv_row(out, name, "behov", "Ytterligare besparing som behövs, förväntat", "", "", "",
                money(a, sizeof a, sc[i].dist.need_expected_ore, u, st));
        csv_row(out, name, "behov_80", "Ytterligare besparing som behövs, 80 % säkerhet", "",
                "", "", sc[i].has_need80
                ? money(a, sizeof a, sc[i].dist.need_80_ore, u, st) : "");
        if (sc[i].simulated) {
            snprintf(p, sizeof p, "%.6f", sc[i].dist.p_target);
            csv_row(out, name, "p_mål", "P(resultat ≥ mål)", "", "", p, "");
            csv_row(out, name, "p10", "P10", "", "", "",
                    money(a, sizeof a, sc[i].dist.p10_ore, u, st));
            csv_row(out, name, "p50", "P50", "", "", "",
                    money(a, sizeof a, sc[i].dist.p50_ore, u, st));
            csv_row(out, name, "p90", "P90", "", "", "",
                    money(a, sizeof a, sc[i].dist.p90_ore, u, st));
        }
    }
}

/* ---- json ---- */

static void json_amount(FILE *out, const char *key, int64_t ore, enum kkr_display_unit u)
{
    char a[64];
    fprintf(out, "\"%s_ore\": %lld, \"%s\": %s", key, (long long)ore, key,
            money(a, sizeof a, ore, u, &KKR_STYLE_PLAIN));
}

static void write_json(FILE *out, const struct kkr_workbook *wb,
                       const struct kkr_bridge_scenario *sc, size_t n,
                       const struct kkr_bridge_write_options *set)
{
    fprintf(out, "{\n  \"år\": %d,\n  \"enhet\": \"%s\",\n  ", wb->year,
            kkr_display_unit_name(set->unit));
    json_amount(out, "mål", set->target_ore, set->unit);
    fprintf(out, ",\n  \"scenarier\": [");
    for (size_t i = 0; i < n; i++) {
        const struct kkr_bridge *br = sc[i].bridge;
        fprintf(out, "%s\n    {\n      \"namn\": ", i ? "," : "");
        kkr_json_write_string(out, sc[i].measures->name);
        fprintf(out, ",\n      \"fil\": ");
        kkr_json_write_string(out, sc[i].measures->path);
        fprintf(out, ",\n      \"baslinje\": {\"text\": ");
        kkr_json_write_string(out, br->baseline_label);
        fprintf(out, ", ");
        json_amount(out, "belopp", br->baseline_ore, set->unit);
        fprintf(out, "},\n      \"åtgärder\": [");
        for (size_t j = 0; j < sc[i].measures->count; j++) {
            const struct kkr_measure *me = &sc[i].measures->items[j];
            fprintf(out, "%s\n        {\"beskrivning\": ", j ? "," : "");
            kkr_json_write_string(out, me->description);
            fprintf(out, ", \"verksamhet\": ");
            if (me->unit >= 0)
                kkr_json_write_string(out, wb->units[me->unit].code);
            else
                fputs("null", out);
            fprintf(out, ", \"slag\": ");
            if (me->kind >= 0)
                kkr_json_write_string(out, wb->slag[me->kind].code);
            else
                fputs("null", out);
            fprintf(out, ", \"rad\": %ld, ", me->line);
            json_amount(out, "effekt", me->effect_ore, set->unit);
            fprintf(out, ", \"sannolikhet\": %.10g, ", me->probability);
            json_amount(out, "förväntat", me->expected_ore, set->unit);
            fprintf(out, ", \"spridning_ore\": %lld", (long long)me->spread_ore);
            if (me->from_drivers)
                fprintf(out, ", \"antal\": %.10g, \"per_månad_ore\": %lld, \"från_månad\": %d, "
                        "\"månader\": %d", me->count, (long long)me->per_month_ore,
                        me->from_month, me->months);
            fputc('}', out);
        }
        fprintf(out, "\n      ],\n      ");
        json_amount(out, "summa_åtgärder", br->measures_ore, set->unit);
        fprintf(out, ",\n      ");
        json_amount(out, "resultat", br->result_ore, set->unit);
        fprintf(out, ",\n      \"avstämning\": ");
        if (br->reconciled) {
            fprintf(out, "{\"text\": ");
            kkr_json_write_string(out, br->newer_label);
            fprintf(out, ", ");
            json_amount(out, "prognos", br->newer_ore, set->unit);
            fprintf(out, ", ");
            json_amount(out, "rest", br->rest_ore, set->unit);
            fputc('}', out);
        } else {
            fputs("null", out);
        }
        fprintf(out, ",\n      ");
        json_amount(out, "behov_förväntat", sc[i].dist.need_expected_ore, set->unit);
        fprintf(out, ",\n      ");
        if (sc[i].has_need80)
            json_amount(out, "behov_80", sc[i].dist.need_80_ore, set->unit);
        else
            fprintf(out, "\"behov_80_ore\": null, \"behov_80\": null");
        fprintf(out, ",\n      \"simulering\": ");
        if (sc[i].simulated) {
            const struct kkr_sim_summary *d = &sc[i].dist;
            fprintf(out, "{\"dragningar\": %zu, \"frö\": %lu, \"p_mål\": %.6f, ", d->draws,
                    set->seed, d->p_target);
            json_amount(out, "p10", d->p10_ore, set->unit);
            fprintf(out, ", ");
            json_amount(out, "p50", d->p50_ore, set->unit);
            fprintf(out, ", ");
            json_amount(out, "p90", d->p90_ore, set->unit);
            fprintf(out, ", \"medel_ore\": %.0f}", d->mean_ore);
        } else {
            fputs("null", out);
        }
        fprintf(out, "\n    }");
    }
    fprintf(out, "\n  ]\n}\n");
}

enum kkr_status kkr_bridge_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_bridge_scenario *sc, size_t n,
                                 const struct kkr_bridge_write_options *opt,
                                 enum kkr_format format, struct kkr_diag *diag)
{
    enum kkr_status st = KKR_OK;
    switch (format) {
    case KKR_FORMAT_CSV: write_csv(out, wb, sc, n, opt); break;
    case KKR_FORMAT_JSON: write_json(out, wb, sc, n, opt); break;
    case KKR_FORMAT_TEXT: st = write_text(out, wb, sc, n, opt, diag); break;
    default:
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "the bridge is text, csv or json");
    }
    if (st == KKR_OK && ferror(out))
        st = kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the bridge");
    return st;
}
