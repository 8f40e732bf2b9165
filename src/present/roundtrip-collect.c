/* roundtrip-collect.c — kkr collect: the filled-in templates read back (DESIGN §11) */
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
    roundtrip_workbook_identity(wb, who, sizeof who);
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
    enum kkr_display_unit unit = roundtrip_saved_unit(wb);
    if (!fact[4] || strcmp(fact[4], kkr_display_unit_name(unit)) != 0 || !fact[5] ||
        strcmp(fact[5], roundtrip_saved_sign(wb)) != 0) {
        st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                      "amounts in %s (%s), the workbook's are in %s (%s): make a new template",
                      fact[4] ? fact[4] : "?", fact[5] ? fact[5] : "?",
                      kkr_display_unit_name(unit), roundtrip_saved_sign(wb));
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
                !plain_to_ore(plain, roundtrip_unit_shift(unit), &a.ore)) {
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
        if (roundtrip_saved_result(wb))
            a.ore = -a.ore;   /* a magnitude of at most INT64_MAX: no overflow */
        enum kkr_kind typ = kkr_workbook_slag_typ(wb, k);
        if ((typ == KKR_REVENUE && a.ore > 0) || (typ == KKR_COST && a.ore < 0)) {
            char shown[64];
            kkr_money_format(shown, sizeof shown, typed, unit, &KKR_STYLE_TEXT);
            bool pos = (typ == KKR_REVENUE) == roundtrip_saved_result(wb);
            kkr_warn(warn, "%s:%s!%s: %s %s: prognos %s %s is %s; under %s %s are %s", path,
                     FORM_SHEET, pref, wb->units[u].code, wb->slag[k].code, shown,
                     kkr_display_unit_name(unit), typed > 0 ? "positive" : "negative",
                     roundtrip_saved_sign(wb), typ == KKR_REVENUE ? "intäkter" : "kostnader",
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
