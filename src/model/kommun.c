/* kommun.c — the kommun level (DESIGN §13): nämnd workbooks linked into one whole
 *
 * A unit of the kommun's verksamheter.csv with an arbetsbok is the place of a nämnd's workbook
 * in the kommun's tree. Loading the kommun loads each linked workbook (which may itself link
 * others: a förvaltning with several nämnder) and makes one ordinary workbook of the whole:
 * the nämnd's units become children of the linking unit with codes NÄMND/KOD, their amounts,
 * prognos and comments are copied cell for cell, and the slag tables are joined by code. Every
 * command then works on the kommun as on any workbook, and the kommun's snapshots (in its own
 * folder) name the units by their kommun-level codes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/path.h"
#include "kkr/text.h"
#include "workbook-private.h"

static enum kkr_status nomem(struct kkr_diag *diag, const char *path)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
}

/* One linked workbook and where its parts go in the whole. */
struct part {
    int link;                 /* the linking unit in the kommun */
    struct kkr_workbook *wb;
    size_t unit_base;         /* its units start here in the whole */
    int *slag_map;            /* its slag index -> the whole's */
};

/* Appends "(linked from FILE:LINE)" to a nested workbook's message. */
static void linked_from(struct kkr_diag *diag, const struct kkr_workbook *kommun, int link)
{
    size_t n = strlen(diag->message);
    snprintf(diag->message + n, sizeof diag->message - n,
             " (arbetsbok of '%s' in %s%sverksamheter.csv:%ld)", kommun->units[link].code,
             kommun->dir, kommun->dir[0] && kommun->dir[strlen(kommun->dir) - 1] == '/' ? "" : "/",
             kommun->units[link].line);
}

static enum kkr_status load_part(const struct kkr_workbook *kommun, int link,
                                 const struct kkr_link_chain *chain, struct part *p,
                                 struct kkr_diag *diag, struct kkr_warnings *warn)
{
    char *dir = kkr_path_join(kommun->dir, kommun->units[link].workbook);
    if (!dir)
        return nomem(diag, kommun->dir);
    char *real = realpath(dir, NULL);
    char *kreal = realpath(kommun->dir, NULL);
    /* a cycle: the linked folder is the kommun itself or one above it */
    struct kkr_link_chain here = {kreal, kommun->dir, chain};
    for (const struct kkr_link_chain *c = &here; real && c; c = c->up) {
        if (c->real_path && strcmp(c->real_path, real) == 0) {
            char *file = kkr_path_join(kommun->dir, "verksamheter.csv");
            enum kkr_status st =
                kkr_fail(diag, KKR_ERR_VALUE, file ? file : kommun->dir,
                         kommun->units[link].line, 0,
                         "arbetsbok '%s' of '%s' links '%s' again (a cycle of workbooks), "
                         "expected each workbook once in the kommun's tree",
                         kommun->units[link].workbook, kommun->units[link].code, c->dir);
            free(file);
            free(real);
            free(kreal);
            free(dir);
            return st;
        }
    }
    enum kkr_status st = kkr_workbook_load_linked(dir, NULL, NULL, &here, &p->wb, diag, warn);
    free(real);
    free(kreal);
    free(dir);
    if (st != KKR_OK) {
        linked_from(diag, kommun, link);
        return st;
    }
    p->link = link;
    if (p->wb->year != kommun->year) {
        st = kkr_fail(diag, KKR_ERR_VALUE, p->wb->dir, 0, 0,
                      "fiscal year %d, but the kommun workbook %s has %d: linked workbooks "
                      "must share the fiscal year",
                      p->wb->year, kommun->dir, kommun->year);
        linked_from(diag, kommun, link);
    }
    return st;
}

/* The whole's slag table: the kommun's, then each part's new codes; a code with two typer is
 * an error. */
static enum kkr_status join_slag(struct kkr_workbook *whole, const struct kkr_workbook *kommun,
                                 struct part *parts, size_t np, struct kkr_diag *diag)
{
    size_t cap = kommun->slag_count;
    for (size_t i = 0; i < np; i++)
        cap += parts[i].wb->slag_count;
    whole->slag = calloc(cap, sizeof *whole->slag);
    if (!whole->slag)
        return nomem(diag, kommun->dir);
    for (size_t k = 0; k < kommun->slag_count; k++) {
        whole->slag[k] = kommun->slag[k];
        whole->slag[k].code = strdup(kommun->slag[k].code);
        whole->slag[k].name = strdup(kommun->slag[k].name);
        whole->slag_count++;
        if (!whole->slag[k].code || !whole->slag[k].name)
            return nomem(diag, kommun->dir);
    }
    for (size_t i = 0; i < np; i++) {
        const struct kkr_workbook *w = parts[i].wb;
        parts[i].slag_map = malloc(w->slag_count * sizeof *parts[i].slag_map);
        if (!parts[i].slag_map)
            return nomem(diag, kommun->dir);
        for (size_t k = 0; k < w->slag_count; k++) {
            size_t j = 0;
            while (j < whole->slag_count && strcmp(whole->slag[j].code, w->slag[k].code) != 0)
                j++;
            if (j == whole->slag_count) {
                whole->slag[j] = w->slag[k];
                whole->slag[j].code = strdup(w->slag[k].code);
                whole->slag[j].name = strdup(w->slag[k].name);
                whole->slag_count++;
                if (!whole->slag[j].code || !whole->slag[j].name)
                    return nomem(diag, kommun->dir);
            } else if (whole->slag[j].typ != w->slag[k].typ) {
                return kkr_fail(diag, KKR_ERR_VALUE, w->dir, w->slag[k].line, 0,
                                "slag '%s' is %s here but %s elsewhere in the kommun, expected "
                                "one typ per slag code",
                                w->slag[k].code, kkr_kind_name(w->slag[k].typ),
                                kkr_kind_name(whole->slag[j].typ));
            }
            parts[i].slag_map[k] = (int)j;
        }
    }
    return KKR_OK;
}

/* Copies one workbook's cells into the whole: units from unit_base, slag through map, months
 * shifted to the whole's first year. */
static enum kkr_status copy_cells(struct kkr_workbook *whole, struct kkr_workbook *w,
                                  size_t unit_base, size_t unit_count, const int *slag_map,
                                  struct kkr_diag *diag)
{
    size_t shift = (size_t)(w->first_year - whole->first_year) * 12;
    for (size_t u = 0; u < unit_count; u++) {
        for (size_t k = 0; k < w->slag_count; k++) {
            int wk = slag_map ? slag_map[k] : (int)k;
            size_t from = kkr_workbook_cell(w, (int)u, (int)k);
            size_t to = kkr_workbook_cell(whole, (int)(unit_base + u), wk) + shift;
            for (int m = 0; m < w->month_count; m++) {
                whole->budget_ore[to + m] = w->budget_ore[from + m];
                whole->actual_ore[to + m] = w->actual_ore[from + m];
                whole->actual_has[to + m] = w->actual_has[from + m];
            }
            size_t fs = kkr_workbook_slot(w, (int)u, (int)k);
            size_t ts = kkr_workbook_slot(whole, (int)(unit_base + u), wk);
            whole->forecast_ore[ts] = w->forecast_ore[fs];
            whole->forecast_has[ts] = w->forecast_has[fs];
            /* the parts are freed after this: move the comments */
            whole->forecast_comment[ts] = w->forecast_comment[fs];
            w->forecast_comment[fs] = NULL;
        }
    }
    (void)diag;
    return KKR_OK;
}

/* The latest month with utfall in the fiscal year of one unit range, 0 if none. */
static int last_month(const struct kkr_workbook *w, size_t from, size_t to)
{
    size_t base = (size_t)(w->year - w->first_year) * 12;
    int last = 0;
    for (size_t u = from; u < to; u++)
        for (size_t k = 0; k < w->slag_count; k++) {
            size_t c = kkr_workbook_cell(w, (int)u, (int)k) + base;
            for (int m = 12; m > last; m--)
                if (w->actual_has[c + (size_t)m - 1]) {
                    last = m;
                    break;
                }
        }
    return last;
}

static enum kkr_status build_whole(struct kkr_workbook *kommun, struct part *parts,
                                   size_t np, struct kkr_workbook *whole, struct kkr_diag *diag,
                                   struct kkr_warnings *warn)
{
    enum kkr_status st = join_slag(whole, kommun, parts, np, diag);
    if (st != KKR_OK)
        return st;
    if (!(whole->dir = strdup(kommun->dir)) ||
        (kommun->organisation && !(whole->organisation = strdup(kommun->organisation))) ||
        (kommun->committee && !(whole->committee = strdup(kommun->committee))) ||
        (kommun->title && !(whole->title = strdup(kommun->title))))
        return nomem(diag, kommun->dir);
    whole->year = kommun->year;
    /* the kommun's saved template (bok.conf) is the whole's: its strings move */
    whole->layout = kommun->layout;
    memset(&kommun->layout, 0, sizeof kommun->layout);
    whole->first_year = kommun->first_year;
    whole->row_count = kommun->row_count;
    size_t n = kommun->unit_count;
    for (size_t i = 0; i < np; i++) {
        parts[i].unit_base = n;
        n += parts[i].wb->unit_count;
        if (parts[i].wb->first_year < whole->first_year)
            whole->first_year = parts[i].wb->first_year;
        whole->row_count += parts[i].wb->row_count;
    }
    if (n > INT_MAX / 2)
        return kkr_fail(diag, KKR_ERR_VALUE, kommun->dir, 0, 0, "too many units in the kommun");
    whole->month_count = (whole->year - whole->first_year + 1) * 12;

    /* units: the kommun's own, then each part's with its code under the linking unit's */
    whole->units = calloc(n ? n : 1, sizeof *whole->units);
    whole->order = malloc((n ? n : 1) * sizeof *whole->order);
    if (!whole->units || !whole->order)
        return nomem(diag, kommun->dir);
    whole->unit_count = n;
    for (size_t u = 0; u < kommun->unit_count; u++) {
        struct kkr_unit *d = &whole->units[u];
        *d = kommun->units[u];
        d->code = strdup(kommun->units[u].code);
        d->name = strdup(kommun->units[u].name);
        d->workbook = kommun->units[u].workbook ? strdup(kommun->units[u].workbook) : NULL;
        if (!d->code || !d->name || (kommun->units[u].workbook && !d->workbook))
            return nomem(diag, kommun->dir);
    }
    for (size_t i = 0; i < np; i++) {
        const struct kkr_workbook *w = parts[i].wb;
        const struct kkr_unit *link = &kommun->units[parts[i].link];
        if (w->unit_count > 0)
            whole->units[parts[i].link].is_leaf = false;
        for (size_t u = 0; u < w->unit_count; u++) {
            struct kkr_unit *d = &whole->units[parts[i].unit_base + u];
            *d = w->units[u];
            d->workbook = w->units[u].workbook ? strdup(w->units[u].workbook) : NULL;
            d->name = strdup(w->units[u].name);
            if (asprintf(&d->code, "%s/%s", link->code, w->units[u].code) < 0)
                d->code = NULL;
            d->parent = w->units[u].parent < 0 ? parts[i].link
                                               : (int)parts[i].unit_base + w->units[u].parent;
            d->depth = w->units[u].depth + link->depth + 1;
            if (!d->code || !d->name || (w->units[u].workbook && !d->workbook))
                return nomem(diag, w->dir);
        }
    }
    /* report order: the kommun's, each linking unit followed by its nämnd's order */
    size_t out = 0;
    for (size_t o = 0; o < kommun->unit_count; o++) {
        int u = kommun->order[o];
        whole->order[out++] = u;
        for (size_t i = 0; i < np; i++)
            if (parts[i].link == u)
                for (size_t q = 0; q < parts[i].wb->unit_count; q++)
                    whole->order[out++] = (int)parts[i].unit_base + parts[i].wb->order[q];
    }
    st = kkr_workbook_index_units(whole, diag);
    if (st != KKR_OK)
        return st;

    size_t slots = kkr_workbook_slots(whole);
    size_t cells = slots * (size_t)whole->month_count;
    whole->budget_ore = calloc(cells ? cells : 1, sizeof *whole->budget_ore);
    whole->actual_ore = calloc(cells ? cells : 1, sizeof *whole->actual_ore);
    whole->actual_has = calloc(cells ? cells : 1, 1);
    whole->forecast_ore = calloc(slots ? slots : 1, sizeof *whole->forecast_ore);
    whole->forecast_has = calloc(slots ? slots : 1, 1);
    whole->forecast_comment = calloc(slots ? slots : 1, sizeof *whole->forecast_comment);
    if (!whole->budget_ore || !whole->actual_ore || !whole->actual_has || !whole->forecast_ore ||
        !whole->forecast_has || !whole->forecast_comment)
        return nomem(diag, kommun->dir);
    /* the kommun's own cells (its slag are the first of the whole's, in order) */
    st = copy_cells(whole, kommun, 0, kommun->unit_count, NULL, diag);
    for (size_t i = 0; i < np && st == KKR_OK; i++)
        st = copy_cells(whole, parts[i].wb, parts[i].unit_base, parts[i].wb->unit_count,
                        parts[i].slag_map, diag);
    if (st != KKR_OK)
        return st;

    /* the report period: the latest month that every workbook with utfall has */
    int latest = last_month(kommun, 0, kommun->unit_count), period = latest;
    for (size_t i = 0; i < np; i++) {
        int m = parts[i].wb->last_actual_month;
        if (m > latest)
            latest = m;
        if (m > 0 && (period == 0 || m < period))
            period = m;
    }
    whole->last_actual_month = period;
    if (period > 0 && period < latest) {
        int own = last_month(kommun, 0, kommun->unit_count);
        if (own > 0 && own < latest)
            kkr_warn(warn, "%s: utfall only through %s of %d while other workbooks have %s; the "
                           "kommun's report period is %s", kommun->dir, kkr_month_name(own),
                     whole->year, kkr_month_name(latest), kkr_month_name(period));
        for (size_t i = 0; i < np; i++) {
            int m = parts[i].wb->last_actual_month;
            if (m > 0 && m < latest)
                kkr_warn(warn, "%s: utfall only through %s of %d while other workbooks have %s; "
                               "the kommun's report period is %s", parts[i].wb->dir,
                         kkr_month_name(m), whole->year, kkr_month_name(latest),
                         kkr_month_name(period));
        }
    }
    return KKR_OK;
}

enum kkr_status kkr_kommun_consolidate(struct kkr_workbook *kommun,
                                       const struct kkr_link_chain *chain,
                                       struct kkr_workbook **out, struct kkr_diag *diag,
                                       struct kkr_warnings *warn)
{
    *out = NULL;
    size_t np = 0;
    for (size_t u = 0; u < kommun->unit_count; u++)
        np += kommun->units[u].workbook != NULL;
    struct part *parts = calloc(np ? np : 1, sizeof *parts);
    if (!parts)
        return nomem(diag, kommun->dir);
    enum kkr_status st = KKR_OK;
    size_t loaded = 0;
    for (size_t o = 0; o < kommun->unit_count && st == KKR_OK; o++) {
        int u = kommun->order[o];
        if (kommun->units[u].workbook) {
            st = load_part(kommun, u, chain, &parts[loaded], diag, warn);
            if (parts[loaded].wb)
                loaded++;
        }
    }
    struct kkr_workbook *whole = NULL;
    if (st == KKR_OK) {
        whole = kkr_workbook_alloc();
        st = whole ? build_whole(kommun, parts, loaded, whole, diag, warn)
                   : nomem(diag, kommun->dir);
    }
    for (size_t i = 0; i < loaded; i++) {
        kkr_workbook_free(parts[i].wb);
        free(parts[i].slag_map);
    }
    free(parts);
    if (st != KKR_OK) {
        kkr_workbook_free(whole);
        return st;
    }
    *out = whole;
    return KKR_OK;
}
