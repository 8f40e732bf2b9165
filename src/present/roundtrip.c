/* roundtrip.c — kkr template and kkr collect: the month's prognos round trip (DESIGN §11) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kkr/csv.h"
#include "kkr/forecast.h"
#include "kkr/money.h"
#include "kkr/output.h"
#include "kkr/path.h"
#include "kkr/rollup.h"
#include "kkr/roundtrip.h"
#include "kkr/sheet.h"
#include "kkr/snapshot.h"
#include "kkr/text.h"
#include "kkr/xlsx.h"

#define FORM_SHEET "Prognos"
#define META_SHEET "kkr"
#define FORMAT_ID "kkr-prognosmall 1"

/* The form's columns (0-based). */
enum { C_CODE, C_NAME, C_SLAG, C_BUDGET, C_ACTUAL, C_LOCKED, C_LOCKED_COMMENT, C_PROPOSAL,
       C_LOW, C_HIGH, C_METHOD, C_INPUT, C_INPUT_COMMENT, C_COUNT };

bool kkr_template_per_parse(const char *s, enum kkr_template_per *out)
{
    if (strcmp(s, "verksamhet") == 0 || strcmp(s, "enhet") == 0)
        *out = KKR_PER_UNIT;
    else if (strcmp(s, "ansvarig") == 0)
        *out = KKR_PER_RESPONSIBLE;
    else if (strcmp(s, "toppnivå") == 0 || strcmp(s, "top") == 0)
        *out = KKR_PER_TOP;
    else
        return false;
    return true;
}

/* The amounts' unit, sign and decimals: the workbook's saved enhet, tecken and decimaler
 * (DESIGN §5.1; defaults kkr, nettokostnad, the unit's decimals). A template and collect read
 * them here, so the file and its reading agree. */
static enum kkr_display_unit saved_unit(const struct kkr_workbook *wb)
{
    return wb->layout.unit_set ? wb->layout.unit : KKR_UNIT_KKR;
}
static bool saved_result(const struct kkr_workbook *wb)
{
    return wb->layout.sign_set && wb->layout.sign == KKR_SIGN_RESULT;
}
static const char *saved_sign(const struct kkr_workbook *wb)
{
    return saved_result(wb) ? "resultat" : "nettokostnad";
}

/* öre per display unit, as a power of ten */
static int unit_shift(enum kkr_display_unit u)
{
    return u == KKR_UNIT_KR ? 2 : u == KKR_UNIT_KKR ? 5 : 8;
}

/* What names the workbook in a template: bok.conf's organisation and nämnd, or the folder's
 * name when bok.conf names neither. */
static void workbook_identity(const struct kkr_workbook *wb, char *buf, size_t size)
{
    if (wb->organisation || wb->committee) {
        snprintf(buf, size, "%s / %s", wb->organisation ? wb->organisation : "",
                 wb->committee ? wb->committee : "");
        return;
    }
    char *real = realpath(wb->dir, NULL);
    const char *p = real ? real : wb->dir;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    const char *slash = memrchr(p, '/', n);
    const char *base = slash ? slash + 1 : p;
    snprintf(buf, size, "%.*s", (int)(n - (size_t)(base - p)), base);
    free(real);
}

void kkr_template_result_release(struct kkr_template_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free(r->files[i].path);
        free(r->files[i].key);
    }
    free(r->files);
    memset(r, 0, sizeof *r);
}

/* ---- kkr template ---- */

/* The file name part of a key: letters, digits, '-' and '_' (and any non-ASCII letter);
 * anything else becomes '-'. */
static void file_key(const char *key, char *buf, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p && n + 1 < size; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p >= 0x80;
        buf[n++] = ok ? (char)*p : '-';
    }
    buf[n] = '\0';
}

/* The group (file) of each unit; -1 for none. Keys are unit codes or ansvariga. */
struct groups {
    int *of_unit;
    const char **key;       /* per group (borrowed from the workbook) */
    size_t count;
};

static enum kkr_status make_groups(const struct kkr_workbook *wb, enum kkr_template_per per,
                                   struct groups *g, struct kkr_diag *diag,
                                   struct kkr_warnings *warn)
{
    g->of_unit = malloc((wb->unit_count + 1) * sizeof *g->of_unit);
    g->key = malloc((wb->unit_count + 1) * sizeof *g->key);
    g->count = 0;
    if (!g->of_unit || !g->key)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        g->of_unit[u] = -1;
        const char *key = NULL;
        if (per == KKR_PER_UNIT) {
            key = wb->units[u].code;
        } else if (per == KKR_PER_TOP) {
            int top = u;
            while (wb->units[top].parent >= 0)
                top = wb->units[top].parent;
            key = wb->units[top].code;
        } else {
            for (int a = u; a >= 0 && !key; a = wb->units[a].parent)
                key = wb->units[a].responsible;
            if (!key) {
                kkr_warn(warn, "verksamheter.csv:%ld: '%s' has no ansvarig (nor above it): no "
                         "template", wb->units[u].line, wb->units[u].code);
                continue;
            }
        }
        size_t k = 0;
        while (k < g->count && strcmp(g->key[k], key) != 0)
            k++;
        if (k == g->count)
            g->key[g->count++] = key;
        g->of_unit[u] = (int)k;
    }
    return KKR_OK;
}

struct template_ctx {
    const struct kkr_workbook *wb;
    int period;
    const struct kkr_rollup *rollup;
    const struct kkr_forecast_set *fset;
    const struct kkr_snapshot *snap;    /* the latest locked before the period, or NULL */
    enum kkr_display_unit unit;
    char identity[512];
};

/* An amount as the template shows it: in the saved unit and decimals, negated under
 * resultat (revenues positive). */
static void amount_in(char *buf, size_t size, int64_t ore, const struct kkr_workbook *wb)
{
    kkr_money_format_decimals(buf, size, saved_result(wb) ? -ore : ore, saved_unit(wb),
                              wb->layout.decimals, &KKR_STYLE_PLAIN);
}
#define amount(buf, size, ore, unit) amount_in(buf, size, ore, wb)

/* Builds the document of group gi; *rows = the rows to fill in (0: no file). */
static void build_template(struct kkr_sheet_doc *doc, const struct template_ctx *c,
                           const struct groups *g, int gi, size_t *rows)
{
    const struct kkr_workbook *wb = c->wb;
    const char *uname = kkr_display_unit_name(c->unit);
    char buf[256], h_actual[64], h_locked[64];
    struct kkr_sheet *s = kkr_sheet_add(doc, FORM_SHEET);
    if (!s)
        return;
    s->protect = true;
    s->freeze_cols = 3;
    s->indent_col = C_NAME;
    const char *who = g->key[gi];
    int key_unit = kkr_workbook_find_unit(wb, who, strlen(who));
    kkr_sheet_add_title(doc, s, "Prognos helår %d: %s", wb->year,
                        key_unit >= 0 ? wb->units[key_unit].name : who);
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, s, "%s%s%s", wb->organisation ? wb->organisation : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->committee ? wb->committee : "");
    kkr_sheet_add_title(doc, s, "Utfall t.o.m. %s %d. Belopp i %s; %s.",
                        kkr_month_name(c->period), wb->year, uname, saved_result(wb)
                        ? "intäkter positiva, kostnader negativa (resultat)"
                        : "kostnader positiva, intäkter negativa (nettokostnad)");
    kkr_sheet_add_title(doc, s, "Fyll i er helårsprognos och en kommentar i de gula cellerna. "
                        "En tom prognoscell betyder inget svar.");
    snprintf(h_actual, sizeof h_actual, "Utfall jan–%.3s", kkr_month_name(c->period));
    if (c->snap)
        snprintf(h_locked, sizeof h_locked, "Prognos %04d%02d", c->snap->year, c->snap->month);
    else
        snprintf(h_locked, sizeof h_locked, "Låst prognos");
    snprintf(buf, sizeof buf, "kkr:s förslag (%.0f %%)", c->fset->level * 100.0);
    const char *g_fig = "Budget och utfall", *g_lock = "Senaste låsta prognos", *g_in = "Er prognos";
    kkr_sheet_add_column(doc, s, "Kod", NULL, false);
    kkr_sheet_add_column(doc, s, "Verksamhet", NULL, false);
    kkr_sheet_add_column(doc, s, "Slag", NULL, false);
    kkr_sheet_add_column(doc, s, "Helårsbudget", g_fig, true);
    kkr_sheet_add_column(doc, s, h_actual, g_fig, true);
    kkr_sheet_add_column(doc, s, h_locked, g_lock, true);
    struct kkr_sheet_column *lc = kkr_sheet_add_column(doc, s, "Kommentar", g_lock, false);
    if (lc)
        lc->wrap = true;
    kkr_sheet_add_column(doc, s, "Förslag", buf, true);
    kkr_sheet_add_column(doc, s, "Låg", buf, true);
    kkr_sheet_add_column(doc, s, "Hög", buf, true);
    kkr_sheet_add_column(doc, s, "Metod", buf, false);
    struct kkr_sheet_column *in = kkr_sheet_add_column(doc, s, "Prognos", g_in, true);
    if (in) {
        in->input = in->validate_number = true;
        char hint[256];
        const char *ex = c->unit == KKR_UNIT_KR ? "2500000" : c->unit == KKR_UNIT_KKR
                         ? "2500" : "2,5";
        if (saved_result(wb))
            snprintf(hint, sizeof hint, "Helårsprognos i %s. Intäkter positiva, kostnader "
                     "negativa (t.ex. -%s för kostnader på 2,5 mnkr). Tom = inget svar.", uname,
                     ex);
        else
            snprintf(hint, sizeof hint, "Helårsprognos i %s. Kostnader positiva, intäkter "
                     "negativa (t.ex. -%s för intäkter på 2,5 mnkr). Tom = inget svar.", uname,
                     ex);
        in->hint = strdup(hint);
        if (!in->hint)
            doc->failed = true;
    }
    struct kkr_sheet_column *ic = kkr_sheet_add_column(doc, s, "Kommentar", g_in, false);
    if (ic)
        ic->input = true;

    int root_depth = key_unit >= 0 ? wb->units[key_unit].depth : 0;
    *rows = 0;
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        if (g->of_unit[u] != gi)
            continue;
        for (int k = 0; k < (int)wb->slag_count; k++) {
            size_t slot = kkr_workbook_slot(wb, u, k);
            const struct kkr_figures *f = &c->rollup->own[slot];
            bool locked = c->snap && c->snap->forecast_has[slot];
            bool proposal = c->fset->has[slot] && c->fset->full_ore[slot] != 0;
            if (f->budget_full == 0 && f->actual_ytd == 0 && !wb->forecast_has[slot] &&
                !locked && !proposal)
                continue;
            int level = wb->units[u].depth - root_depth;
            struct kkr_sheet_row *row = kkr_sheet_add_row(doc, s, level < 0 ? 0 : level, false);
            if (!row)
                return;
            kkr_sheet_set(doc, row, C_CODE, wb->units[u].code);
            kkr_sheet_set(doc, row, C_NAME, wb->units[u].name);
            kkr_sheet_set(doc, row, C_SLAG, wb->slag[k].code);
            amount(buf, sizeof buf, f->budget_full, c->unit);
            kkr_sheet_set(doc, row, C_BUDGET, buf);
            amount(buf, sizeof buf, f->actual_ytd, c->unit);
            kkr_sheet_set(doc, row, C_ACTUAL, buf);
            if (locked) {
                amount(buf, sizeof buf, c->snap->forecast_ore[slot], c->unit);
                kkr_sheet_set(doc, row, C_LOCKED, buf);
                const char *m = c->snap->method ? c->snap->method[slot] : NULL;
                const char *cm = c->snap->comment ? c->snap->comment[slot] : NULL;
                if (cm && m && strcmp(m, KKR_SNAPSHOT_ENTERED) == 0)
                    kkr_sheet_set(doc, row, C_LOCKED_COMMENT, cm);
            }
            if (c->fset->has[slot]) {
                amount(buf, sizeof buf, c->fset->full_ore[slot], c->unit);
                kkr_sheet_set(doc, row, C_PROPOSAL, buf);
                /* under resultat låg and hög swap, so that låg <= hög */
                bool flip = saved_result(wb);
                amount(buf, sizeof buf, flip ? c->fset->high_ore[slot] : c->fset->low_ore[slot],
                       c->unit);
                kkr_sheet_set(doc, row, C_LOW, buf);
                amount(buf, sizeof buf, flip ? c->fset->low_ore[slot] : c->fset->high_ore[slot],
                       c->unit);
                kkr_sheet_set(doc, row, C_HIGH, buf);
                if (c->fset->method_used[slot])
                    kkr_sheet_set(doc, row, C_METHOD, c->fset->method_used[slot]);
            }
            (*rows)++;
        }
    }
    size_t first = s->title_count + 1 + 1 + 1 + 1; /* titles, blank, groups, heading: 1-based */
    size_t last = first + s->row_count - 1;

    /* the facts collect checks, on a hidden sheet */
    struct kkr_sheet *m = kkr_sheet_add(doc, META_SHEET);
    if (!m)
        return;
    m->hidden = true;
    m->protect = true;
    m->indent_col = -1;
    kkr_sheet_add_column(doc, m, "nyckel", NULL, false);
    kkr_sheet_add_column(doc, m, "värde", NULL, false);
    char v[64];
    const char *pairs[][2] = {
        {"format", FORMAT_ID}, {"arbetsbok", c->identity}, {"år", NULL}, {"period", NULL},
        {"enhet", uname}, {"tecken", saved_sign(wb)}, {"mottagare", who}, {"blad", FORM_SHEET},
        {"första_rad", NULL}, {"sista_rad", NULL},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, m, 0, false);
        kkr_sheet_set(doc, row, 0, pairs[i][0]);
        if (pairs[i][1]) {
            kkr_sheet_set(doc, row, 1, pairs[i][1]);
            continue;
        }
        long val = i == 2 ? wb->year : i == 3 ? c->period : i == 8 ? (long)first : (long)last;
        snprintf(v, sizeof v, "%ld", val);
        kkr_sheet_set(doc, row, 1, v);
    }
    kkr_sheet_doc_set_info(doc, "Prognos", wb->organisation,
                           kkr_sheet_doc_date(wb->year, c->period));
}

static enum kkr_status latest_snapshot(const struct kkr_workbook *wb, int period,
                                       struct kkr_snapshot **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn)
{
    *out = NULL;
    int *periods = NULL;
    size_t n = 0;
    enum kkr_status st = kkr_snapshot_list(wb, &periods, &n, diag);
    if (st != KKR_OK)
        return st;
    int best = 0;
    for (size_t i = 0; i < n; i++)
        if (periods[i] / 100 == wb->year && periods[i] % 100 < period && periods[i] > best)
            best = periods[i];
    free(periods);
    if (best)
        st = kkr_snapshot_load(wb, best / 100, best % 100, out, diag, warn);
    return st;
}

enum kkr_status kkr_template_write(const struct kkr_workbook *wb, int period,
                                   enum kkr_template_per per, const char *folder,
                                   struct kkr_template_result *out, struct kkr_diag *diag,
                                   struct kkr_warnings *warn)
{
    memset(out, 0, sizeof *out);
    if (period < 1 || period > 12)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                        "no utfall in %d: a template needs a report period (--period YYYYMM)",
                        wb->year);
    struct template_ctx c;
    memset(&c, 0, sizeof c);
    c.wb = wb;
    c.period = period;
    c.unit = saved_unit(wb);
    workbook_identity(wb, c.identity, sizeof c.identity);
    struct kkr_rollup rollup;
    struct kkr_forecast_set *fset = NULL;
    struct kkr_snapshot *snap = NULL;
    struct groups g = {0};
    struct kkr_output *outs = NULL;
    struct kkr_sheet_doc *docs = NULL;
    size_t *rows = NULL;
    bool have_rollup = false;
    struct kkr_forecast_options fopt;
    kkr_forecast_options_init(&fopt);
    enum kkr_status st = kkr_rollup_build(wb, period, NULL, &rollup, diag);
    have_rollup = st == KKR_OK;
    if (st == KKR_OK)
        st = kkr_forecast_set_compute(wb, period, &kkr_forecast_auto, &fopt, &fset, diag);
    if (st == KKR_OK)
        st = latest_snapshot(wb, period, &snap, diag, warn);
    if (st == KKR_OK)
        st = make_groups(wb, per, &g, diag, warn);
    c.rollup = &rollup;
    c.fset = fset;
    c.snap = snap;
    if (st == KKR_OK) {
        docs = calloc(g.count ? g.count : 1, sizeof *docs);
        outs = calloc(g.count ? g.count : 1, sizeof *outs);
        rows = calloc(g.count ? g.count : 1, sizeof *rows);
        out->files = calloc(g.count ? g.count : 1, sizeof *out->files);
        if (!docs || !outs || !rows || !out->files)
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (st == KKR_OK && mkdir(folder, 0777) != 0 && errno != EEXIST)
        st = kkr_fail(diag, KKR_ERR_IO, folder, 0, 0, "cannot create the folder: %s",
                      strerror(errno));
    /* every document and name first: nothing is written if one file exists */
    size_t flen = strlen(folder);
    while (flen > 1 && folder[flen - 1] == '/')
        flen--;
    for (size_t i = 0; st == KKR_OK && i < g.count; i++) {
        kkr_sheet_doc_init(&docs[i]);
        build_template(&docs[i], &c, &g, (int)i, &rows[i]);
        if (docs[i].failed) {
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (rows[i] == 0)
            continue;
        char key[256];
        file_key(g.key[i], key, sizeof key);
        struct kkr_template_file *f = &out->files[out->count];
        if (asprintf(&f->path, "%.*s/prognos-%04d%02d-%s.xlsx", (int)flen, folder, wb->year,
                     period, key) < 0) {
            f->path = NULL;
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        f->key = strdup(g.key[i]);
        f->rows = rows[i];
        out->count++;
        if (!f->key)
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t j = 0; st == KKR_OK && j + 1 < out->count; j++)
            if (strcmp(out->files[j].path, f->path) == 0)
                st = kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                              "'%s' and '%s' give the same file name", out->files[j].key,
                              f->key);
        if (st == KKR_OK && access(f->path, F_OK) == 0)
            st = kkr_fail(diag, KKR_ERR_EXISTS, f->path, 0, 0,
                          "file exists and is never overwritten (a template already sent?)");
    }
    if (st == KKR_OK && out->count == 0)
        st = kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0,
                      "no unit has budget, utfall or prognos to ask for");
    /* then every temporary file, then the renames */
    size_t begun = 0;
    for (size_t i = 0, f = 0; st == KKR_OK && i < g.count; i++) {
        if (rows[i] == 0)
            continue;
        st = kkr_sheet_doc_write_xlsx_begin(&docs[i], out->files[f].path, true, &outs[f], diag);
        if (st == KKR_OK)
            begun = ++f;
    }
    for (size_t f = 0; f < begun; f++) {
        if (st == KKR_OK)
            st = kkr_output_commit(&outs[f], diag);
        else
            kkr_output_abort(&outs[f]);
    }
    for (size_t i = 0; docs && i < g.count; i++)
        kkr_sheet_doc_release(&docs[i]);
    free(docs);
    free(outs);
    free(rows);
    free(g.of_unit);
    free(g.key);
    kkr_snapshot_free(snap);
    kkr_forecast_set_free(fset);
    if (have_rollup)
        kkr_rollup_release(&rollup);
    if (st != KKR_OK)
        kkr_template_result_release(out);
    return st;
}

/* ---- kkr collect ---- */

void kkr_collect_result_release(struct kkr_collect_result *r)
{
    for (size_t i = 0; r->comment && i < r->slot_count; i++)
        free(r->comment[i]);
    free(r->comment);
    free(r->files);
    free(r->forecast_ore);
    free(r->forecast_has);
    memset(r, 0, sizeof *r);
}

/* A cell of interest, copied out of the reader's callback. */
struct got_cell {
    bool present;
    enum kkr_xlsx_type type;
    bool has_value;
    char *text;
};

struct sheet_grab {
    long first, last;           /* rows kept (1-based, inclusive) */
    long ncols;                 /* columns kept: 1..ncols */
    struct got_cell *cells;     /* (row - first) * ncols + (col - 1) */
    bool nomem;
};

static enum kkr_status grab_cell(void *ud, const struct kkr_xlsx_cell *cell,
                                 struct kkr_diag *diag)
{
    struct sheet_grab *g = ud;
    if (cell->row < g->first || cell->row > g->last || cell->col < 1 || cell->col > g->ncols)
        return KKR_OK;
    struct got_cell *c = &g->cells[(cell->row - g->first) * g->ncols + (cell->col - 1)];
    free(c->text);
    c->present = true;
    c->type = cell->type;
    c->has_value = cell->has_value;
    c->text = strndup(cell->text ? cell->text : "", cell->text ? cell->len : 0);
    if (!c->text)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return KKR_OK;
}

static void grab_release(struct sheet_grab *g)
{
    size_t n = g->cells ? (size_t)(g->last - g->first + 1) * (size_t)g->ncols : 0;
    for (size_t i = 0; i < n; i++)
        free(g->cells[i].text);
    free(g->cells);
    g->cells = NULL;
}

static enum kkr_status grab(struct kkr_xlsx *x, int sheet, long first, long last, long ncols,
                            struct sheet_grab *g, struct kkr_diag *diag)
{
    memset(g, 0, sizeof *g);
    g->first = first;
    g->last = last;
    g->ncols = ncols;
    g->cells = calloc((size_t)(last - first + 1) * (size_t)ncols, sizeof *g->cells);
    if (!g->cells)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return kkr_xlsx_sheet_read(x, (size_t)sheet, grab_cell, NULL, g, diag);
}

static const struct got_cell *at(const struct sheet_grab *g, long row, long col)
{
    return &g->cells[(row - g->first) * g->ncols + col];
}

/* The cell's value as text: a number as a plain decimal; "" when empty. */
static const char *cell_text(const struct got_cell *c, char *buf, size_t size)
{
    if (!c->present || !c->text)
        return "";
    if (c->type == KKR_XLSX_NUMBER && kkr_xlsx_number_plain(c->text, strlen(c->text), buf, size))
        return buf;
    return c->text;
}

/* A plain decimal in the display unit to öre: the point moved shift places, then rounded once,
 * half away from zero. */
static bool plain_to_ore(const char *s, int shift, int64_t *out)
{
    bool neg = *s == '-';
    if (neg || *s == '+')
        s++;
    if (!(*s >= '0' && *s <= '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9'))
        return false;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
            return false;
    int got = 0;
    bool up = false;
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (got < shift) {
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
                    return false;
                got++;
            } else if (got == shift) {
                up = *s >= '5';
                got++;
            }
        }
    }
    if (*s != '\0')
        return false;
    for (; got < shift; got++)
        if (__builtin_mul_overflow(v, 10, &v))
            return false;
    if (up && __builtin_add_overflow(v, 1, &v))
        return false;
    if (v > KKR_FIGURE_MAX_ORE)
        return false;
    *out = neg ? -v : v;
    return true;
}

static char *dup_comment(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
            continue; /* Alt+Enter is a line feed; CR LF too */
        d[j++] = s[i] == '\r' ? '\n' : s[i];
    }
    d[j] = '\0';
    return d;
}

struct answer {
    size_t slot;
    bool has;               /* a prognos was given */
    int64_t ore;
    char *comment;
};

/* One file: checks its facts against the workbook, reads its rows. */
static enum kkr_status collect_file(const struct kkr_workbook *wb, int period, const char *path,
                                    struct answer **answers, size_t *count,
                                    struct kkr_collect_file *res, struct kkr_diag *diag,
                                    struct kkr_warnings *warn)
{
    struct kkr_xlsx *x = NULL;
    enum kkr_status st = kkr_xlsx_open(path, &x, diag);
    if (st != KKR_OK)
        return st;
    struct sheet_grab meta = {0}, form = {0};
    char loc[1024], buf[128], who[512];
    int ms = kkr_xlsx_sheet_find(x, META_SHEET);
    int fs = kkr_xlsx_sheet_find(x, FORM_SHEET);
    if (ms < 0 || fs < 0) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "not a kkr prognos template (no sheet '%s'), expected a file written by "
                      "kkr template", ms < 0 ? META_SHEET : FORM_SHEET);
        goto done;
    }
    st = grab(x, ms, 1, 40, 2, &meta, diag);
    if (st != KKR_OK)
        goto done;
    /* the facts: key in A, value in B (row 1 is the heading) */
    const char *fact[10] = {0};
    static const char *const keys[10] = {"format", "arbetsbok", "år", "period", "enhet",
                                         "tecken", "mottagare", "blad", "första_rad",
                                         "sista_rad"};
    char vals[10][128];
    for (long r = 2; r <= 40; r++) {
        const struct got_cell *k = at(&meta, r, 0), *v = at(&meta, r, 1);
        if (!k->present || !k->text)
            continue;
        for (int i = 0; i < 10; i++)
            if (strcmp(k->text, keys[i]) == 0) {
                snprintf(vals[i], sizeof vals[i], "%s", cell_text(v, buf, sizeof buf));
                fact[i] = vals[i];
            }
    }
    workbook_identity(wb, who, sizeof who);
    if (!fact[0] || strcmp(fact[0], FORMAT_ID) != 0) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "%s!B2: not a kkr prognos template ('%s'), expected '%s'", META_SHEET,
                      fact[0] ? fact[0] : "", FORMAT_ID);
        goto done;
    }
    if (!fact[1] || strcmp(fact[1], who) != 0) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "made for the workbook '%s', not for this one ('%s')",
                      fact[1] ? fact[1] : "", who);
        goto done;
    }
    long year = fact[2] ? atol(fact[2]) : 0, month = fact[3] ? atol(fact[3]) : 0;
    if (year != wb->year || month != period) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "made for period %04ld%02ld, the workbook's period is %04d%02d (a template "
                      "of another month; --period YYYYMM collects an earlier one)",
                      year, month, wb->year, period);
        goto done;
    }
    enum kkr_display_unit unit = saved_unit(wb);
    if (!fact[4] || strcmp(fact[4], kkr_display_unit_name(unit)) != 0 || !fact[5] ||
        strcmp(fact[5], saved_sign(wb)) != 0) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "amounts in %s (%s), the workbook's are in %s (%s): make a new template",
                      fact[4] ? fact[4] : "?", fact[5] ? fact[5] : "?",
                      kkr_display_unit_name(unit), saved_sign(wb));
        goto done;
    }
    long first = fact[8] ? atol(fact[8]) : 0, last = fact[9] ? atol(fact[9]) : 0;
    if (first < 1 || last < first || last - first > 1000000) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0, "%s: no rows (första_rad %ld, sista_rad "
                      "%ld)", META_SHEET, first, last);
        goto done;
    }
    st = grab(x, fs, first, last, C_COUNT, &form, diag);
    if (st != KKR_OK)
        goto done;
    for (long r = first; r <= last; r++) {
        char ref[16];
        const struct got_cell *kc = at(&form, r, C_CODE), *sc = at(&form, r, C_SLAG);
        const struct got_cell *pc = at(&form, r, C_INPUT), *cc = at(&form, r, C_INPUT_COMMENT);
        const char *code = cell_text(kc, buf, sizeof buf);
        kkr_xlsx_cell_name(r, C_CODE + 1, ref, sizeof ref);
        snprintf(loc, sizeof loc, "%s:%s!%s", path, FORM_SHEET, ref);
        int u = kkr_workbook_find_unit(wb, code, strlen(code));
        if (u < 0) {
            st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                          "unknown verksamhet '%s', expected a kod of this workbook", code);
            goto done;
        }
        char sbuf[128];
        const char *slag = cell_text(sc, sbuf, sizeof sbuf);
        int k = kkr_workbook_find_slag(wb, slag, strlen(slag));
        kkr_xlsx_cell_name(r, C_SLAG + 1, ref, sizeof ref);
        snprintf(loc, sizeof loc, "%s:%s!%s", path, FORM_SHEET, ref);
        if (k < 0) {
            st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                          "unknown slag '%s', expected a slag of this workbook", slag);
            goto done;
        }
        /* the prognos */
        kkr_xlsx_cell_name(r, C_INPUT + 1, ref, sizeof ref);
        snprintf(loc, sizeof loc, "%s:%s!%s", path, FORM_SHEET, ref);
        struct answer a = {kkr_workbook_slot(wb, u, k), false, 0, NULL};
        char pref[16];
        snprintf(pref, sizeof pref, "%s", ref);
        if (pc->present && !pc->has_value) {
            st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                          "a formula without a cached value, expected a number in %s (save the "
                          "file in Excel, or type the number)", kkr_display_unit_name(unit));
            goto done;
        }
        if (pc->present && pc->type == KKR_XLSX_NUMBER) {
            char plain[128];
            if (!kkr_xlsx_number_plain(pc->text, strlen(pc->text), plain, sizeof plain) ||
                !plain_to_ore(plain, unit_shift(unit), &a.ore)) {
                st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                              "number '%s' does not fit, expected an amount in %s", pc->text,
                              kkr_display_unit_name(unit));
                goto done;
            }
            a.has = true;
        } else if (pc->present && (pc->type == KKR_XLSX_SHARED_STRING ||
                                   pc->type == KKR_XLSX_INLINE_STRING)) {
            const char *t = pc->text;
            size_t n = strlen(t);
            kkr_text_trim(&t, &n);
            if (n) {
                /* a number typed as text ("1 234,5"): the Swedish amount rules */
                int64_t kr_ore, ore;
                int64_t per = unit == KKR_UNIT_KR ? 1 : unit == KKR_UNIT_KKR ? 1000 : 1000000;
                if (!kkr_money_parse(t, n, &kr_ore) || !kkr_money_mul(kr_ore, per, &ore) ||
                    ore > KKR_FIGURE_MAX_ORE || ore < -KKR_FIGURE_MAX_ORE) {
                    st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                                  "'%.*s' is not an amount, expected a number in %s (or an "
                                  "empty cell for no answer)", (int)n, t,
                                  kkr_display_unit_name(unit));
                    goto done;
                }
                a.ore = ore;
                a.has = true;
            }
        } else if (pc->present) {
            st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                          "%s '%s', expected a number in %s (or an empty cell for no answer)",
                          pc->type == KKR_XLSX_BOOLEAN ? "a truth value"
                          : pc->type == KKR_XLSX_ERROR ? "an error value" : "a date",
                          pc->text, kkr_display_unit_name(unit));
            goto done;
        }
        /* the kommentar: any text, kept as text */
        kkr_xlsx_cell_name(r, C_INPUT_COMMENT + 1, ref, sizeof ref);
        char cbuf[128];
        const char *ct = cell_text(cc, cbuf, sizeof cbuf);
        if (cc->present && !cc->has_value) {
            snprintf(loc, sizeof loc, "%s:%s!%s", path, FORM_SHEET, ref);
            st = kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                          "a formula without a cached value, expected a kommentar as text");
            goto done;
        }
        if (ct[0]) {
            a.comment = dup_comment(ct);
            if (!a.comment) {
                st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
            if (!a.has) {
                kkr_warn(warn, "%s:%s!%s: a kommentar without a prognos is not taken", path,
                         FORM_SHEET, ref);
                free(a.comment);
                a.comment = NULL;
            } else if (a.comment[0] == '\0') {
                free(a.comment);
                a.comment = NULL;
            }
        }
        if (!a.has) {
            res->empty++;
            continue;
        }
        /* the sign hint, as the cell's prompt says: under nettokostnad revenues negative and
         * costs positive, under resultat the other way; stored as net cost */
        int64_t typed = a.ore;
        if (saved_result(wb))
            a.ore = -a.ore;   /* a magnitude of at most INT64_MAX: no overflow */
        enum kkr_kind typ = kkr_workbook_slag_typ(wb, k);
        if ((typ == KKR_REVENUE && a.ore > 0) || (typ == KKR_COST && a.ore < 0)) {
            char shown[64];
            kkr_money_format(shown, sizeof shown, typed, unit, &KKR_STYLE_TEXT);
            bool pos = (typ == KKR_REVENUE) == saved_result(wb);
            kkr_warn(warn, "%s:%s!%s: %s %s: prognos %s %s is %s; under %s %s are %s", path,
                     FORM_SHEET, pref, wb->units[u].code, wb->slag[k].code, shown,
                     kkr_display_unit_name(unit), typed > 0 ? "positive" : "negative",
                     saved_sign(wb), typ == KKR_REVENUE ? "intäkter" : "kostnader",
                     pos ? "positive" : "negative");
        }
        struct answer *v = realloc(*answers, (*count + 1) * sizeof *v);
        if (!v) {
            free(a.comment);
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        *answers = v;
        v[(*count)++] = a;
        res->taken++;
        res->comments += a.comment != NULL;
    }
done:
    grab_release(&meta);
    grab_release(&form);
    kkr_xlsx_free(x);
    return st;
}

static bool exists(const char *dir, const char *name)
{
    char *p = kkr_path_join(dir, name);
    if (!p)
        return false;
    bool e = access(p, F_OK) == 0;
    free(p);
    return e;
}

enum kkr_status kkr_collect_read(const struct kkr_workbook *wb, int period,
                                 char *const *paths, size_t count,
                                 struct kkr_collect_result *out, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    memset(out, 0, sizeof *out);
    if (exists(wb->dir, "prognos.xlsx"))
        return kkr_fail(diag, KKR_ERR_VALUE, wb->dir, 0, 0,
                        "prognos.xlsx: kkr collect rewrites prognos.csv; keep the prognos as "
                        "CSV (save prognos.xlsx as prognos.csv)");
    size_t slots = kkr_workbook_slots(wb);
    out->files = calloc(count ? count : 1, sizeof *out->files);
    out->forecast_ore = malloc((slots ? slots : 1) * sizeof *out->forecast_ore);
    out->forecast_has = malloc(slots ? slots : 1);
    out->comment = calloc(slots ? slots : 1, sizeof *out->comment);
    int *owner = malloc((slots ? slots : 1) * sizeof *owner);
    out->slot_count = slots;
    if (!out->files || !out->forecast_ore || !out->forecast_has || !out->comment || !owner) {
        free(owner);
        kkr_collect_result_release(out);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(out->forecast_ore, wb->forecast_ore, slots * sizeof *out->forecast_ore);
    memcpy(out->forecast_has, wb->forecast_has, slots);
    for (size_t i = 0; i < slots; i++)
        owner[i] = -1;
    out->count = count;
    enum kkr_status st = KKR_OK;
    struct answer *answers = NULL;
    size_t n = 0;
    for (size_t f = 0; f < count && st == KKR_OK; f++) {
        out->files[f].path = paths[f];
        size_t before = n;
        st = collect_file(wb, period, paths[f], &answers, &n, &out->files[f], diag, warn);
        for (size_t i = before; st == KKR_OK && i < n; i++) {
            size_t s = answers[i].slot;
            int u = (int)(s / wb->slag_count), k = (int)(s % wb->slag_count);
            if (owner[s] >= 0)
                st = kkr_fail(diag, KKR_ERR_VALUE, paths[f], 0, 0,
                              "%s %s is also in %s: one answer per verksamhet and slag",
                              wb->units[u].code, wb->slag[k].code,
                              owner[s] == (int)f ? "this file" : paths[owner[s]]);
            owner[s] = (int)f;
        }
    }
    for (size_t i = 0; st == KKR_OK && i < n; i++) {
        size_t s = answers[i].slot;
        out->forecast_ore[s] = answers[i].ore;
        out->forecast_has[s] = 1;
    }
    /* comments: the new answers' own, the others kept */
    for (size_t s = 0; st == KKR_OK && s < slots; s++)
        if (owner[s] < 0 && wb->forecast_comment[s] &&
            !(out->comment[s] = strdup(wb->forecast_comment[s])))
            st = kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (st == KKR_OK)
            out->comment[answers[i].slot] = answers[i].comment;
        else
            free(answers[i].comment);
    }
    free(answers);
    free(owner);
    if (st != KKR_OK)
        kkr_collect_result_release(out);
    return st;
}

static void write_ore(FILE *out, int64_t ore)
{
    uint64_t mag = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    fprintf(out, "%s%llu", ore < 0 ? "-" : "", (unsigned long long)(mag / 100));
    if (mag % 100)
        fprintf(out, ".%02llu", (unsigned long long)(mag % 100));
}

enum kkr_status kkr_collect_write(const struct kkr_workbook *wb,
                                  const struct kkr_collect_result *r, struct kkr_diag *diag)
{
    char *path;
    if (asprintf(&path, "%s/prognos.csv", wb->dir) < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    struct kkr_output out;
    enum kkr_status st = kkr_output_open(&out, path, false, diag);
    if (st == KKR_OK) {
        fputs("verksamhet;slag;prognos;kommentar\n", out.fp);
        for (size_t i = 0; i < wb->unit_count; i++) {
            int u = wb->order[i];
            for (int k = 0; k < (int)wb->slag_count; k++) {
                size_t s = kkr_workbook_slot(wb, u, k);
                if (!r->forecast_has[s])
                    continue;
                kkr_csv_write_text(out.fp, wb->units[u].code, ';');
                fputc(';', out.fp);
                kkr_csv_write_text(out.fp, wb->slag[k].code, ';');
                fputc(';', out.fp);
                write_ore(out.fp, r->forecast_ore[s]);
                fputc(';', out.fp);
                if (r->comment && r->comment[s])
                    kkr_csv_write_text(out.fp, r->comment[s], ';');
                fputc('\n', out.fp);
            }
        }
        st = kkr_output_commit(&out, diag);
    }
    free(path);
    return st;
}
