/* bridge-write.c — kkr whatif's bridge (brygga): text table, CSV, JSON, Markdown and xlsx */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/bridge-write.h"
#include "kkr/csv.h"
#include "kkr/json.h"
#include "kkr/report.h"
#include "kkr/sheet.h"
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
    return me->unit >= 0 ? wb->units[me->unit].code : kkr_workbook_whole_name(wb);
}

static void target_label(char *buf, size_t size, const struct kkr_bridge_write_options *s)
{
    if (s->target_ore == 0)
        snprintf(buf, size, "Mål (nollresultat)");
    else
        snprintf(buf, size, "Mål");
}

/* ---- the bridge as a grid: the rows text, md and xlsx show ---- */

/* One scenario per value column; in a single scenario also its effekt and sannolikhet. A
 * measure in several scenarios (same verksamhet, slag and beskrivning, DESIGN §6) is one row
 * with a value in each scenario's column. */
enum cell_kind { CELL_NONE, CELL_MONEY, CELL_PROB, CELL_PCT, CELL_TEXT };

struct cell {
    enum cell_kind kind;
    int64_t ore;
    double p;
    const char *text;       /* CELL_TEXT: static text */
};

struct grow {
    char *label;
    const char *unit;       /* the verksamhet column, or NULL */
    int level;              /* 1: a measure (indented) */
    bool blank;
    bool bold;
    const struct kkr_measure *measure;  /* its first occurrence (for the merge) */
    struct cell *cells;     /* value columns: [effekt, sannolikhet,] one per scenario */
};

struct grid {
    size_t n;               /* scenarios */
    bool single;
    size_t vcols;           /* value columns */
    size_t first_value;     /* the index in cells of the first scenario's column */
    struct grow *rows;
    size_t count, cap;
    bool failed;
};

static struct grow *grid_row(struct grid *g, const char *label)
{
    if (g->failed)
        return NULL;
    if (g->count == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 32;
        struct grow *r = realloc(g->rows, cap * sizeof *r);
        if (!r) {
            g->failed = true;
            return NULL;
        }
        g->rows = r;
        g->cap = cap;
    }
    struct grow *r = &g->rows[g->count];
    memset(r, 0, sizeof *r);
    r->cells = calloc(g->vcols, sizeof *r->cells);
    r->label = strdup(label ? label : "");
    if (!r->cells || !r->label) {
        free(r->cells);
        free(r->label);
        g->failed = true;
        return NULL;
    }
    g->count++;
    return r;
}

static void grid_blank(struct grid *g)
{
    struct grow *r = grid_row(g, "");
    if (r)
        r->blank = true;
}

/* A row with one amount per scenario from get(). */
static void grid_amounts(struct grid *g, const char *label, const struct kkr_bridge_scenario *sc,
                         int64_t (*get)(const struct kkr_bridge_scenario *, const void *),
                         const void *ctx, bool bold)
{
    struct grow *r = grid_row(g, label);
    if (!r)
        return;
    r->bold = bold;
    for (size_t i = 0; i < g->n; i++)
        r->cells[g->first_value + i] = (struct cell){CELL_MONEY, get(&sc[i], ctx), 0, NULL};
}

/* An amount of the bridge by its offset in struct kkr_bridge (ctx: a const size_t *). */
static int64_t get_bridge(const struct kkr_bridge_scenario *s, const void *c)
{
    int64_t v;
    memcpy(&v, (const char *)s->bridge + *(const size_t *)c, sizeof v);
    return v;
}
#define BRIDGE_FIELD(name) (&(const size_t){offsetof(struct kkr_bridge, name)})

static int64_t get_target(const struct kkr_bridge_scenario *s, const void *c)
{
    (void)s;
    return *(const int64_t *)c;
}
static int64_t get_need(const struct kkr_bridge_scenario *s, const void *c)
{
    (void)c;
    return s->dist.need_expected_ore;
}
static int64_t get_quantile(const struct kkr_bridge_scenario *s, const void *c)
{
    int q = *(const int *)c;
    return q == 0 ? s->dist.p10_ore : q == 1 ? s->dist.p50_ore : s->dist.p90_ore;
}
static int64_t get_mean(const struct kkr_bridge_scenario *s, const void *c)
{
    (void)c;
    int64_t mean_ore = 0;
    kkr_money_from_kr(s->dist.mean_ore / 100.0, &mean_ore);
    return mean_ore;
}

/* Two measures are the same step when verksamhet, slag (kostnad when none is given) and
 * beskrivning are equal. */
static bool same_measure(const struct kkr_measure *a, const struct kkr_measure *b)
{
    int ka = a->kind >= 0 ? a->kind : KKR_COST, kb = b->kind >= 0 ? b->kind : KKR_COST;
    return a->unit == b->unit && ka == kb && strcmp(a->description, b->description) == 0;
}

static uint64_t measure_hash(const struct kkr_measure *m)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)m->description; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h = (h ^ (uint64_t)(uint32_t)m->unit) * 1099511628211ULL;
    return h ^ (uint64_t)(uint32_t)(m->kind >= 0 ? m->kind : KKR_COST);
}

/* The measure rows: scenario by scenario, a measure joins the first row of the same measure
 * that has no value for this scenario yet, else it opens a row (in file order). An open
 * addressing table of row indices keeps it linear. */
static void grid_measures(struct grid *g, const struct kkr_workbook *wb,
                          const struct kkr_bridge_scenario *sc)
{
    size_t total = 0;
    for (size_t i = 0; i < g->n; i++)
        total += sc[i].measures->count;
    size_t size = 16;
    while (size < 2 * total)
        size *= 2;
    size_t *slot = malloc(size * sizeof *slot);
    if (!slot) {
        g->failed = true;
        return;
    }
    for (size_t k = 0; k < size; k++)
        slot[k] = SIZE_MAX;
    char label[1024];
    for (size_t i = 0; i < g->n && !g->failed; i++) {
        const struct kkr_measures *m = sc[i].measures;
        for (size_t j = 0; j < m->count && !g->failed; j++) {
            const struct kkr_measure *me = &m->items[j];
            size_t k = (size_t)measure_hash(me) & (size - 1);
            struct grow *row = NULL;
            for (; slot[k] != SIZE_MAX; k = (k + 1) & (size - 1)) {
                struct grow *cand = &g->rows[slot[k]];
                if (same_measure(cand->measure, me)
                    && cand->cells[g->first_value + i].kind == CELL_NONE) {
                    row = cand;
                    break;
                }
            }
            if (!row) {
                /* k is the free slot that ends the probe */
                measure_label(label, sizeof label, me);
                row = grid_row(g, label);
                if (!row)
                    break;
                row->level = 1;
                row->unit = unit_code(wb, me);
                row->measure = me;
                slot[k] = g->count - 1;
            }
            if (g->single) {
                row->cells[0] = (struct cell){CELL_MONEY, me->effect_ore, 0, NULL};
                row->cells[1] = (struct cell){CELL_PROB, 0, me->probability, NULL};
            }
            row->cells[g->first_value + i] = (struct cell){CELL_MONEY, me->expected_ore, 0, NULL};
        }
    }
    free(slot);
}

/* A bridge that does not close (some scenario has a rest): the goal figures then start from
 * the current forecast, not from "Resultat efter åtgärder", and a row says so. */
static bool opens(const struct kkr_bridge_scenario *sc, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sc[i].bridge->reconciled && sc[i].bridge->rest_ore != 0)
            return true;
    return false;
}

static void grid_build(struct grid *g, const struct kkr_workbook *wb,
                       const struct kkr_bridge_scenario *sc, size_t n,
                       const struct kkr_bridge_write_options *set)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    g->single = n == 1;
    g->first_value = g->single ? 2 : 0;
    g->vcols = g->first_value + n;
    const struct kkr_bridge *b0 = sc[0].bridge;
    char label[1024];

    /* the baseline is the same for every scenario */
    grid_amounts(g, b0->baseline_label, sc, get_bridge, BRIDGE_FIELD(baseline_ore), false);
    grid_measures(g, wb, sc);
    grid_amounts(g, "Summa åtgärder", sc, get_bridge, BRIDGE_FIELD(measures_ore), false);
    grid_amounts(g, "Resultat efter åtgärder", sc, get_bridge, BRIDGE_FIELD(result_ore), true);
    if (b0->reconciled) {
        grid_amounts(g, b0->newer_label, sc, get_bridge, BRIDGE_FIELD(newer_ore), false);
        grid_amounts(g, "Oförklarad rest", sc, get_bridge, BRIDGE_FIELD(rest_ore), false);
    }

    /* goal seek, from baseline + measures + rest: the current forecast when reconciled */
    grid_blank(g);
    if (opens(sc, n)) {
        snprintf(label, sizeof label, "Utgångsläge: %s", b0->newer_label);
        grid_amounts(g, label, sc, get_bridge, BRIDGE_FIELD(outlook_ore), false);
    }
    target_label(label, sizeof label, set);
    grid_amounts(g, label, sc, get_target, &set->target_ore, false);
    grid_amounts(g, "Ytterligare besparing som behövs, förväntat", sc, get_need, NULL, true);
    struct grow *r = grid_row(g, "Ytterligare besparing som behövs, 80 % säkerhet");
    for (size_t i = 0; r && i < n; i++)
        r->cells[g->first_value + i] = sc[i].has_need80
            ? (struct cell){CELL_MONEY, sc[i].dist.need_80_ore, 0, NULL}
            : (struct cell){CELL_TEXT, 0, 0, "kräver --simulate"};

    if (set->draws > 0) {
        char a[64];
        grid_blank(g);
        kkr_int_format(a, sizeof a, (int64_t)set->draws, &KKR_STYLE_TEXT);
        snprintf(label, sizeof label, "Simulering: %s dragningar, frö %lu", a, set->seed);
        grid_row(g, label);
        r = grid_row(g, "P(resultat ≥ mål)");
        for (size_t i = 0; r && i < n; i++)
            r->cells[g->first_value + i] = (struct cell){CELL_PCT, 0, sc[i].dist.p_target, NULL};
        static const char *const names[3] = {"P10", "P50 (median)", "P90"};
        static const int qs[3] = {0, 1, 2};
        for (int q = 0; q < 3; q++)
            grid_amounts(g, names[q], sc, get_quantile, &qs[q], false);
        grid_amounts(g, "Förväntat resultat (exakt)", sc, get_bridge,
                     BRIDGE_FIELD(outlook_ore), false);
        grid_amounts(g, "Medel i simuleringen", sc, get_mean, NULL, false);
    }
}

static void grid_release(struct grid *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free(g->rows[i].label);
        free(g->rows[i].cells);
    }
    free(g->rows);
    memset(g, 0, sizeof *g);
}

/* The column headings of the value columns. */
static const char *value_heading(const struct grid *g, const struct kkr_bridge_scenario *sc,
                                 size_t c)
{
    if (g->single)
        return c == 0 ? "Effekt" : c == 1 ? "Sannolikhet" : "Förväntat";
    return sc[c].measures->name;
}

/* A cell as text in style (text and md): "1 234", "80 %", "12,1 %". */
static const char *cell_text(char *buf, size_t size, const struct cell *c,
                             enum kkr_display_unit unit, const struct kkr_number_style *st)
{
    switch (c->kind) {
    case CELL_MONEY: return money(buf, size, c->ore, unit, st);
    case CELL_PROB: return percent(buf, size, c->p);
    case CELL_PCT: {
        snprintf(buf, size, "%.1f %%", c->p * 100.0);
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = ',';
        return buf;
    }
    case CELL_TEXT: return c->text;
    default: return "";
    }
}

static void write_heading(FILE *out, const struct kkr_workbook *wb,
                          const struct kkr_bridge_scenario *sc, size_t n, bool md)
{
    if (wb->committee) {
        if (md)
            fputs("**", out);
        fprintf(out, "%s%s%s", wb->committee, wb->organisation ? ", " : "",
                wb->organisation ? wb->organisation : "");
        fputs(md ? "**\n\n" : "\n", out);
    }
    if (md)
        fputs("## ", out);
    if (n == 1)
        fprintf(out, "Åtgärder och helårsresultat %d: %s\n\n", wb->year, sc[0].measures->name);
    else
        fprintf(out, "Åtgärder och helårsresultat %d: %zu scenarier\n\n", wb->year, n);
}

/* ---- text ---- */

static enum kkr_status write_text(FILE *out, const struct kkr_workbook *wb,
                                  const struct kkr_bridge_scenario *sc, size_t n,
                                  const struct kkr_bridge_write_options *set,
                                  struct kkr_diag *diag)
{
    struct grid g;
    grid_build(&g, wb, sc, n, set);
    struct kkr_table *t = g.failed ? NULL : kkr_table_new(2 + g.vcols);
    if (!t) {
        grid_release(&g);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    write_heading(out, wb, sc, n, false);
    /* the text and verksamhet left, the figures right, two spaces between */
    for (size_t c = 1; c < 2 + g.vcols; c++)
        kkr_table_column(t, c, c < 2 ? KKR_ALIGN_LEFT : KKR_ALIGN_RIGHT, 0, "  ");
    kkr_table_row(t);
    kkr_table_cellf(t, 0, "Belopp i %s", kkr_display_unit_name(set->unit));
    kkr_table_cellf(t, 1, "Verksamhet");
    for (size_t c = 0; c < g.vcols; c++)
        kkr_table_cellf(t, 2 + c, "%s", value_heading(&g, sc, c));
    char a[64];
    for (size_t i = 0; i < g.count; i++) {
        const struct grow *r = &g.rows[i];
        kkr_table_row(t);
        if (r->blank)
            continue;
        kkr_table_cellf(t, 0, "%s%s", r->level ? "  " : "", r->label);
        if (r->unit)
            kkr_table_cellf(t, 1, "%s", r->unit);
        for (size_t c = 0; c < g.vcols; c++)
            if (r->cells[c].kind != CELL_NONE)
                kkr_table_cellf(t, 2 + c, "%s", cell_text(a, sizeof a, &r->cells[c], set->unit,
                                                          &KKR_STYLE_TEXT));
    }
    enum kkr_status status = kkr_table_write(t, out, diag);
    kkr_table_free(t);
    grid_release(&g);
    return status;
}

/* ---- Markdown: the text table as a pipe table (blank rows left out) ---- */

static enum kkr_status write_md(FILE *out, const struct kkr_workbook *wb,
                                const struct kkr_bridge_scenario *sc, size_t n,
                                const struct kkr_bridge_write_options *set,
                                struct kkr_diag *diag)
{
    struct grid g;
    grid_build(&g, wb, sc, n, set);
    if (g.failed) {
        grid_release(&g);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    write_heading(out, wb, sc, n, true);
    fprintf(out, "| Belopp i %s | Verksamhet |", kkr_display_unit_name(set->unit));
    for (size_t c = 0; c < g.vcols; c++) {
        fputc(' ', out);
        kkr_md_write_text(out, value_heading(&g, sc, c));
        fputs(" |", out);
    }
    fputs("\n|---|---|", out);
    for (size_t c = 0; c < g.vcols; c++)
        fputs("---:|", out);
    fputc('\n', out);
    char a[64];
    for (size_t i = 0; i < g.count; i++) {
        const struct grow *r = &g.rows[i];
        if (r->blank)
            continue;
        fputs("| ", out);
        if (r->level)
            fputs("&emsp;", out);
        if (r->bold)
            fputs("**", out);
        kkr_md_write_text(out, r->label);
        if (r->bold)
            fputs("**", out);
        fputs(" | ", out);
        if (r->unit)
            kkr_md_write_text(out, r->unit);
        fputs(" |", out);
        for (size_t c = 0; c < g.vcols; c++) {
            const char *v = r->cells[c].kind != CELL_NONE
                ? cell_text(a, sizeof a, &r->cells[c], set->unit, &KKR_STYLE_TEXT) : "";
            fputc(' ', out);
            kkr_md_write_text(out, v);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
    grid_release(&g);
    return KKR_OK;
}

/* ---- xlsx: the text table as a sheet, real numbers in the display unit ---- */

enum kkr_status kkr_bridge_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_bridge_scenario *sc, size_t n,
                                  const struct kkr_bridge_write_options *set,
                                  struct kkr_diag *diag)
{
    struct grid g;
    grid_build(&g, wb, sc, n, set);
    if (g.failed) {
        grid_release(&g);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    struct kkr_sheet *sh = kkr_sheet_add(doc, "Brygga");
    if (n == 1)
        kkr_sheet_add_title(doc, sh, "Åtgärder och helårsresultat %d: %s", wb->year,
                            sc[0].measures->name);
    else
        kkr_sheet_add_title(doc, sh, "Åtgärder och helårsresultat %d: %zu scenarier", wb->year,
                            n);
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, sh, "%s%s%s", wb->committee ? wb->committee : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->organisation ? wb->organisation : "");
    char head[64];
    snprintf(head, sizeof head, "Belopp i %s", kkr_display_unit_name(set->unit));
    kkr_sheet_add_column(doc, sh, head, NULL, false);
    kkr_sheet_add_column(doc, sh, "Verksamhet", NULL, false);
    for (size_t c = 0; c < g.vcols; c++) {
        const char *h = value_heading(&g, sc, c);
        kkr_sheet_add_column(doc, sh, g.single && c == 1 ? "Sannolikhet, %" : h, NULL, true);
    }
    char a[64];
    bool needs_simulate = false;
    for (size_t i = 0; i < g.count; i++) {
        const struct grow *r = &g.rows[i];
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, sh, r->level, r->bold);
        if (!row || r->blank)
            continue;
        kkr_sheet_set(doc, row, 0, r->label);
        if (r->unit)
            kkr_sheet_set(doc, row, 1, r->unit);
        for (size_t c = 0; c < g.vcols; c++) {
            const struct cell *cl = &r->cells[c];
            if (cl->kind == CELL_MONEY)
                kkr_sheet_set(doc, row, 2 + c, money(a, sizeof a, cl->ore, set->unit,
                                                     &KKR_STYLE_PLAIN));
            else if (cl->kind == CELL_PROB || cl->kind == CELL_PCT) {
                snprintf(a, sizeof a, cl->kind == CELL_PCT ? "%.1f" : "%.10g", cl->p * 100.0);
                kkr_sheet_set(doc, row, 2 + c, a);
            } else if (cl->kind == CELL_TEXT)
                needs_simulate = true;
        }
        if (r->cells[g.vcols - 1].kind == CELL_PCT && sh)
            kkr_sheet_set(doc, row, 0, "P(resultat ≥ mål), %");
    }
    if (needs_simulate)
        kkr_sheet_add_note(doc, sh, "Ytterligare besparing med 80 %% säkerhet: kräver "
                           "--simulate (en åtgärd har spridning eller för många osäkra "
                           "åtgärder)");
    if (sh)
        sh->freeze_cols = 2;
    kkr_sheet_doc_set_info(doc, "Brygga", wb->organisation,
                           kkr_sheet_doc_date(wb->year, wb->last_actual_month));
    grid_release(&g);
    return doc->failed ? kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory") : KKR_OK;
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
    char a[64], b[64], p[64], label[512];
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
        if (opens(sc, n)) {
            /* the goal figures below start here: the current forecast */
            snprintf(label, sizeof label, "Utgångsläge: %s", br->newer_label);
            csv_row(out, name, "utgångsläge", label, "", "", "",
                    money(a, sizeof a, br->outlook_ore, u, st));
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
        fprintf(out, ",\n      \"utgångsläge\": {\"text\": ");
        kkr_json_write_string(out, br->reconciled ? br->newer_label : "Resultat efter åtgärder");
        fprintf(out, ", ");
        json_amount(out, "belopp", br->outlook_ore, set->unit);
        fprintf(out, "},\n      ");
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
    case KKR_FORMAT_MD: st = write_md(out, wb, sc, n, opt, diag); break;
    default:
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "the bridge is text, csv, md or json"
                        " (xlsx: kkr_bridge_sheets)");
    }
    if (st == KKR_OK && ferror(out))
        st = kkr_fail(diag, KKR_ERR_IO, NULL, 0, 0, "cannot write the bridge");
    return st;
}
