/* roundtrip.c — kkr template: the month's prognos form per verksamhet (DESIGN §11); kkr collect
 * reads it back (roundtrip-collect.c) */
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

#include "roundtrip-private.h"

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
enum kkr_display_unit roundtrip_saved_unit(const struct kkr_workbook *wb)
{
    return wb->layout.unit_set ? wb->layout.unit : KKR_UNIT_KKR;
}
bool roundtrip_saved_result(const struct kkr_workbook *wb)
{
    return wb->layout.sign_set && wb->layout.sign == KKR_SIGN_RESULT;
}
const char *roundtrip_saved_sign(const struct kkr_workbook *wb)
{
    return roundtrip_saved_result(wb) ? "resultat" : "nettokostnad";
}

/* öre per display unit, as a power of ten */
int roundtrip_unit_shift(enum kkr_display_unit u)
{
    return u == KKR_UNIT_KR ? 2 : u == KKR_UNIT_KKR ? 5 : 8;
}

/* What names the workbook in a template: bok.conf's organisation and nämnd, or the folder's
 * name when bok.conf names neither. */
void roundtrip_workbook_identity(const struct kkr_workbook *wb, char *buf, size_t size)
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
    kkr_money_format_decimals(buf, size, roundtrip_saved_result(wb) ? -ore : ore, roundtrip_saved_unit(wb),
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
                        kkr_month_name(c->period), wb->year, uname, roundtrip_saved_result(wb)
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
        if (roundtrip_saved_result(wb))
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
                bool flip = roundtrip_saved_result(wb);
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
        {"enhet", uname}, {"tecken", roundtrip_saved_sign(wb)}, {"mottagare", who}, {"blad", FORM_SHEET},
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
    c.unit = roundtrip_saved_unit(wb);
    roundtrip_workbook_identity(wb, c.identity, sizeof c.identity);
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

