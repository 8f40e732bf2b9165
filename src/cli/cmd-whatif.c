/* cmd-whatif.c — kkr whatif: apply savings measures to the forecast (bridge, simulation, goal) */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/output.h"
#include "kkr/scenario.h"
#include "kkr/sheet.h"
#include "kkr/table.h"
#include "kkr/text.h"

static const char usage[] =
    "usage: kkr whatif DIR --measures FILE [--measures FILE ...] [options]\n"
    "\n"
    "Applies savings measures (åtgärder) to the full-year forecast and prints the bridge\n"
    "(brygga): the baseline's helår avvikelse, each measure's expected effect (effekt ×\n"
    "sannolikhet), the result after the measures and, against a newer forecast, the\n"
    "unexplained rest. Several --measures files are shown side by side (scenario A, B, ...).\n"
    "\n"
    "  --measures FILE     a measures file: verksamhet;beskrivning;effekt;sannolikhet (optional\n"
    "                      slag, spridning; or antal;per_månad;från_period instead of effekt)\n"
    "  --baseline YYYYMM   start from a locked snapshot (default: the current forecast)\n"
    "  --period YYYYMM     the report period of the current forecast (default: latest utfall)\n"
    "  --target KR         the result to reach, in kr (default 0 = nollresultat)\n"
    "  --simulate N        Monte Carlo with N draws: P(result >= target), P10/P50/P90\n"
    "  --seed S            the random seed (default 1); same seed, same output\n"
    "  --table [TABLE]     the scenario's follow-up table instead of the bridge (verksamhet\n"
    "                      or slag; text and md default to both), measures applied per unit\n"
    "  --format FMT        text (default), csv, json or xlsx (md with --table; xlsx with\n"
    "                      -o FILE.xlsx)\n"
    "  --unit UNIT         kr (default for the bridge), kkr or mnkr (default kkr for --table)\n"
    "  -o, --output FILE   write to FILE (atomically) instead of standard output\n";

enum {
    OPT_MEASURES = 256, OPT_BASELINE, OPT_PERIOD, OPT_TARGET, OPT_SIMULATE, OPT_SEED, OPT_TABLE,
    OPT_FORMAT, OPT_UNIT,
};

#define MAX_SCENARIOS 16
#define MAX_DRAWS 20000000UL

/* One scenario's computed figures. */
struct scenario {
    struct kkr_measures *m;
    struct kkr_bridge *b;
    bool has_need80;                 /* exact or simulated distribution available */
    struct kkr_sim_summary dist;     /* need_* and, when simulated, the rest */
    bool simulated;
};

struct settings {
    enum kkr_format format;
    enum kkr_display_unit unit;
    int64_t target_ore;
    size_t draws;
    unsigned long seed;
};

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

static void target_label(char *buf, size_t size, const struct settings *s)
{
    if (s->target_ore == 0)
        snprintf(buf, size, "Mål (nollresultat)");
    else
        snprintf(buf, size, "Mål");
}

/* ---- text ---- */

static enum kkr_status write_text(FILE *out, const struct kkr_workbook *wb, struct scenario *sc,
                                  size_t n, const struct settings *set, struct kkr_diag *diag)
{
    char a[64], b[64], label[1024];
    const struct kkr_number_style *st = &KKR_STYLE_TEXT;
    const char *u = kkr_display_unit_name(set->unit);
    bool single = n == 1;

    if (wb->committee)
        fprintf(out, "%s%s%s\n", wb->committee, wb->organisation ? ", " : "",
                wb->organisation ? wb->organisation : "");
    if (single)
        fprintf(out, "Åtgärder och helårsresultat %d: %s\n\n", wb->year, sc[0].m->name);
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
            kkr_table_cellf(g, 2 + i, "%s", sc[i].m->name);
    }

    /* the baseline is the same for every scenario */
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "%s", sc[0].b->baseline_label);
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->baseline_ore, set->unit, st));

    for (size_t i = 0; i < n; i++) {
        const struct kkr_measures *m = sc[i].m;
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
        kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->measures_ore, set->unit, st));
    kkr_table_row(g);
    kkr_table_cellf(g, 0, "Resultat efter åtgärder");
    for (size_t i = 0; i < n; i++)
        kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->result_ore, set->unit, st));
    if (sc[0].b->reconciled) {
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "%s", sc[0].b->newer_label);
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->newer_ore, set->unit, st));
        kkr_table_row(g);
        kkr_table_cellf(g, 0, "Oförklarad rest");
        for (size_t i = 0; i < n; i++)
            kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->rest_ore, set->unit, st));
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
            kkr_table_cellf(g, vcol + i, "%s", money(a, sizeof a, sc[i].b->result_ore, set->unit, st));
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

static void write_csv(FILE *out, const struct kkr_workbook *wb, struct scenario *sc, size_t n,
                      const struct settings *set)
{
    char a[64], b[64], p[64];
    const struct kkr_number_style *st = &KKR_STYLE_PLAIN;
    enum kkr_display_unit u = set->unit;
    fprintf(out, "scenario;steg;beskrivning;verksamhet;effekt;sannolikhet;förväntat\n");
    for (size_t i = 0; i < n; i++) {
        const struct kkr_bridge *br = sc[i].b;
        const char *name = sc[i].m->name;
        csv_row(out, name, "baslinje", br->baseline_label, "", "", "",
                money(a, sizeof a, br->baseline_ore, u, st));
        for (size_t j = 0; j < sc[i].m->count; j++) {
            const struct kkr_measure *me = &sc[i].m->items[j];
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

static void write_json(FILE *out, const struct kkr_workbook *wb, struct scenario *sc, size_t n,
                       const struct settings *set)
{
    fprintf(out, "{\n  \"år\": %d,\n  \"enhet\": \"%s\",\n  ", wb->year,
            kkr_display_unit_name(set->unit));
    json_amount(out, "mål", set->target_ore, set->unit);
    fprintf(out, ",\n  \"scenarier\": [");
    for (size_t i = 0; i < n; i++) {
        const struct kkr_bridge *br = sc[i].b;
        fprintf(out, "%s\n    {\n      \"namn\": ", i ? "," : "");
        kkr_json_write_string(out, sc[i].m->name);
        fprintf(out, ",\n      \"fil\": ");
        kkr_json_write_string(out, sc[i].m->path);
        fprintf(out, ",\n      \"baslinje\": {\"text\": ");
        kkr_json_write_string(out, br->baseline_label);
        fprintf(out, ", ");
        json_amount(out, "belopp", br->baseline_ore, set->unit);
        fprintf(out, "},\n      \"åtgärder\": [");
        for (size_t j = 0; j < sc[i].m->count; j++) {
            const struct kkr_measure *me = &sc[i].m->items[j];
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

/* ---- the distribution: simulated, else exact when it can be enumerated ---- */

static enum kkr_status distribution(struct scenario *sc, const struct settings *set,
                                    struct kkr_diag *diag)
{
    struct kkr_sim_input in;
    enum kkr_status st = kkr_sim_input_from_measures(sc->m, sc->b->baseline_ore, &in, diag);
    if (st != KKR_OK)
        return st;
    if (set->draws > 0) {
        int64_t *r = malloc(set->draws * sizeof *r);
        if (!r) {
            kkr_sim_input_release(&in);
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        st = kkr_sim_draw(&in, set->draws, set->seed, r, diag);
        if (st == KKR_OK) {
            kkr_sim_summarize(r, set->draws, set->target_ore, sc->b->result_ore, &sc->dist);
            sc->simulated = sc->has_need80 = true;
        }
        free(r);
    } else {
        struct kkr_diag quiet;
        if (kkr_sim_exact(&in, set->target_ore, sc->b->result_ore, &sc->dist, &quiet)
            == KKR_OK) {
            sc->has_need80 = true;
        } else {
            memset(&sc->dist, 0, sizeof sc->dist);
            if (set->target_ore > sc->b->result_ore &&
                !kkr_money_sub(set->target_ore, sc->b->result_ore, &sc->dist.need_expected_ore))
                sc->dist.overflow = true;
        }
    }
    kkr_sim_input_release(&in);
    if (st == KKR_OK && sc->dist.overflow) {
        char t[64];
        kkr_money_format(t, sizeof t, set->target_ore, KKR_UNIT_KR, &KKR_STYLE_TEXT);
        st = kkr_fail(diag, KKR_ERR_OVERFLOW, NULL, 0, 0,
                      "--target %s kr: the saving needed (target − result) does not fit in "
                      "int64 öre, expected a target within about ±92 233 720 368 547 758 kr of "
                      "the result", t);
    }
    return st;
}

static bool parse_count(const char *arg, const char *opt, unsigned long long max,
                        unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || arg[0] == '-' || v > max) {
        cli_error("--%s '%s': expected a whole number 0..%llu", opt, arg, max);
        return false;
    }
    *out = v;
    return true;
}

/* ---- xlsx: the scenario's table as kkr report writes it, or the bridge's CSV as a sheet ---- */

static enum kkr_status write_xlsx(const char *path, const struct kkr_workbook *wb,
                                  struct scenario *sc, size_t n, const struct settings *set,
                                  const struct kkr_scenario_view *view,
                                  const struct kkr_report_options *ropt, struct kkr_diag *diag)
{
    struct kkr_sheet_doc doc;
    kkr_sheet_doc_init(&doc);
    enum kkr_status st;
    if (view) {
        st = kkr_report_sheets(&doc, view->wb, &view->rollup, ropt, diag);
        for (size_t i = 0; st == KKR_OK && i < doc.sheet_count; i++)
            kkr_sheet_add_title(&doc, doc.sheets[i], "Scenario %s: prognosen med åtgärdernas "
                                "förväntade effekt per verksamhet, baslinje: %s", sc[0].m->name,
                                sc[0].b->baseline_label);
    } else {
        char *mem = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&mem, &len);
        if (!fp)
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        write_csv(fp, wb, sc, n, set);
        if (fclose(fp) != 0) {
            free(mem);
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        struct kkr_sheet *sh = kkr_sheet_add(&doc, "Brygga");
        kkr_sheet_add_title(&doc, sh, "Brygga: åtgärdernas effekt på helårsresultatet %d", wb->year);
        if (wb->organisation || wb->committee)
            kkr_sheet_add_title(&doc, sh, "%s%s%s", wb->organisation ? wb->organisation : "",
                                wb->organisation && wb->committee ? ", " : "",
                                wb->committee ? wb->committee : "");
        kkr_sheet_add_title(&doc, sh, "Belopp i %s", kkr_display_unit_name(set->unit));
        st = kkr_sheet_from_csv(&doc, sh, mem, len, "scenario,steg,beskrivning,verksamhet", NULL,
                                NULL, diag);
        free(mem);
        if (sh)
            sh->freeze_cols = 3;
        kkr_sheet_doc_set_info(&doc, "Brygga", wb->organisation,
                               kkr_sheet_doc_date(wb->year, wb->last_actual_month));
    }
    if (st == KKR_OK)
        st = kkr_sheet_doc_write_xlsx(&doc, path, false, diag);
    kkr_sheet_doc_release(&doc);
    return st;
}

static int run(int argc, char **argv)
{
    static const struct option options[] = {
        {"measures", required_argument, NULL, OPT_MEASURES},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"target", required_argument, NULL, OPT_TARGET},
        {"simulate", required_argument, NULL, OPT_SIMULATE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"table", optional_argument, NULL, OPT_TABLE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"unit", required_argument, NULL, OPT_UNIT},
        {"output", required_argument, NULL, 'o'},
        {0},
    };
    const char *files[MAX_SCENARIOS];
    size_t nfiles = 0;
    const char *baseline_arg = NULL, *period_arg = NULL, *output = "-", *table_arg = NULL;
    bool output_given = false;
    bool table = false, unit_given = false;
    struct settings set = {KKR_FORMAT_TEXT, KKR_UNIT_KR, 0, 0, 1};
    unsigned long long v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (c) {
        case OPT_MEASURES:
            if (nfiles == MAX_SCENARIOS)
                return cli_usage_error(&cmd_whatif, "at most %d --measures files",
                                       MAX_SCENARIOS);
            files[nfiles++] = optarg;
            break;
        case OPT_BASELINE: baseline_arg = optarg; break;
        case OPT_PERIOD: period_arg = optarg; break;
        case OPT_TARGET:
            if (!kkr_money_parse(optarg, strlen(optarg), &set.target_ore)) {
                cli_error("--target '%s': expected an amount in kr like '-200 000' or 0",
                          optarg);
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_SIMULATE:
            if (!parse_count(optarg, "simulate", MAX_DRAWS, &v))
                return EXIT_BAD_INPUT;
            set.draws = (size_t)v;
            break;
        case OPT_SEED:
            if (!parse_count(optarg, "seed", 4294967295ULL, &v))
                return EXIT_BAD_INPUT;
            set.seed = (unsigned long)v;
            break;
        case OPT_TABLE:
            table = true;
            table_arg = optarg;
            /* "--table slag" as well as "--table=slag", as for kkr report. */
            if (!table_arg && optind < argc && (strcmp(argv[optind], "slag") == 0
                                                || strcmp(argv[optind], "verksamhet") == 0))
                table_arg = argv[optind++];
            break;
        case OPT_FORMAT:
            if (!cli_parse_format(optarg, &set.format))
                return EXIT_BAD_INPUT;
            break;
        case OPT_UNIT:
            if (!cli_parse_unit(optarg, &set.unit))
                return EXIT_BAD_INPUT;
            unit_given = true;
            break;
        case 'o': output = optarg; output_given = true; break;
        default: return cli_option_error(&cmd_whatif, argc, argv, "o:");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(&cmd_whatif, "expected one workbook folder");
    if (set.format == KKR_FORMAT_XLSX && strcmp(output, "-") == 0 && !output_given)
        return cli_usage_error(&cmd_whatif, "--format xlsx needs -o FILE.xlsx (or -o - )");
    if (nfiles == 0)
        return cli_usage_error(&cmd_whatif, "expected --measures FILE");
    struct kkr_report_options ropt;
    kkr_report_options_init(&ropt);
    if (table) {
        if (nfiles > 1)
            return cli_usage_error(&cmd_whatif, "--table takes one --measures file");
        if (!table_arg)
            ropt.tables = set.format == KKR_FORMAT_CSV ? KKR_TABLES_UNITS : KKR_TABLES_BOTH;
        else if (strcmp(table_arg, "verksamhet") == 0 || strcmp(table_arg, "verksamheter") == 0)
            ropt.tables = KKR_TABLES_UNITS;
        else if (strcmp(table_arg, "slag") == 0)
            ropt.tables = KKR_TABLES_KINDS;
        else
            return cli_usage_error(&cmd_whatif, "--table '%s': expected verksamhet or slag",
                                   table_arg);
        ropt.format = set.format;
        ropt.unit = unit_given ? set.unit : KKR_UNIT_KKR;
    } else if (set.format == KKR_FORMAT_MD) {
        return cli_usage_error(&cmd_whatif, "--format md: the bridge is text, csv or json");
    }

    int code;
    struct kkr_workbook *wb = cli_load_workbook(argv[optind], &code);
    if (!wb)
        return code;
    struct kkr_bridge_options bopt;
    kkr_bridge_options_init(&bopt);
    if (period_arg && !cli_parse_period(wb, period_arg, &bopt.period)) {
        kkr_workbook_free(wb);
        return EXIT_BAD_INPUT;
    }
    if (baseline_arg) {
        int year, month;
        if (!kkr_period_parse(baseline_arg, strlen(baseline_arg), &year, &month) || month == 0) {
            cli_error("--baseline '%s': expected YYYYMM of a locked snapshot", baseline_arg);
            kkr_workbook_free(wb);
            return EXIT_BAD_INPUT;
        }
        bopt.baseline_year = year;
        bopt.baseline_month = month;
    }

    struct scenario sc[MAX_SCENARIOS];
    memset(sc, 0, sizeof sc);
    struct kkr_diag diag;
    kkr_diag_clear(&diag);
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    enum kkr_status st = KKR_OK;
    for (size_t i = 0; i < nfiles && st == KKR_OK; i++) {
        st = kkr_measures_load(files[i], wb, &sc[i].m, &diag, &warn);
        cli_print_warnings(&warn);
    }
    for (size_t i = 0; i < nfiles && st == KKR_OK; i++) {
        st = kkr_bridge_compute(wb, sc[i].m, &bopt, &sc[i].b, &diag, &warn);
        cli_print_warnings(&warn);
        if (st == KKR_OK)
            st = distribution(&sc[i], &set, &diag);
    }
    struct kkr_scenario_view view;
    memset(&view, 0, sizeof view);
    bool have_view = false;
    if (st == KKR_OK && table) {
        st = kkr_scenario_view_build(wb, sc[0].m, &bopt, &view, &diag, &warn);
        cli_print_warnings(&warn);
        have_view = st == KKR_OK;
    }
    if (st == KKR_OK && set.format == KKR_FORMAT_XLSX)
        st = write_xlsx(output, wb, sc, nfiles, &set, have_view ? &view : NULL, &ropt, &diag);
    else if (st == KKR_OK) {
        struct kkr_output out;
        st = kkr_output_open(&out, output, false, &diag);
        if (st == KKR_OK) {
            if (have_view) {
                if (ropt.format == KKR_FORMAT_TEXT || ropt.format == KKR_FORMAT_MD)
                    fprintf(out.fp, "%sScenario %s: prognosen med åtgärdernas förväntade "
                            "effekt per verksamhet, baslinje: %s%s\n\n",
                            ropt.format == KKR_FORMAT_MD ? "**" : "", sc[0].m->name,
                            sc[0].b->baseline_label, ropt.format == KKR_FORMAT_MD ? "**" : "");
                st = kkr_report_write(out.fp, view.wb, &view.rollup, &ropt, &diag);
            }
            else if (set.format == KKR_FORMAT_CSV)
                write_csv(out.fp, wb, sc, nfiles, &set);
            else if (set.format == KKR_FORMAT_JSON)
                write_json(out.fp, wb, sc, nfiles, &set);
            else
                st = write_text(out.fp, wb, sc, nfiles, &set, &diag);
            if (st == KKR_OK)
                st = kkr_output_commit(&out, &diag);
            else
                kkr_output_abort(&out);
        }
    }
    code = st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    if (have_view)
        kkr_scenario_view_release(&view);
    for (size_t i = 0; i < nfiles; i++) {
        kkr_bridge_free(sc[i].b);
        kkr_measures_free(sc[i].m);
    }
    kkr_warnings_release(&warn);
    kkr_workbook_free(wb);
    return code;
}

const struct command cmd_whatif = {
    .name = "whatif",
    .run = run,
    .summary = "apply savings measures to the forecast (bridge, simulation, goal)",
    .usage = usage,
};
