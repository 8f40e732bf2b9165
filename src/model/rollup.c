/* rollup.c — the figures of a report period per unit, summed exactly up the tree */
#include <stdlib.h>
#include <string.h>

#include "kkr/money.h"
#include "kkr/rollup.h"

static bool figures_add(struct kkr_figures *acc, const struct kkr_figures *f)
{
    return kkr_money_add(acc->budget_ytd, f->budget_ytd, &acc->budget_ytd) &&
           kkr_money_add(acc->actual_ytd, f->actual_ytd, &acc->actual_ytd) &&
           kkr_money_add(acc->budget_full, f->budget_full, &acc->budget_full) &&
           kkr_money_add(acc->forecast_full, f->forecast_full, &acc->forecast_full) &&
           kkr_money_add(acc->actual_full, f->actual_full, &acc->actual_full);
}

static enum kkr_status overflow(struct kkr_diag *diag, const struct kkr_workbook *wb, int unit)
{
    return kkr_fail(diag, KKR_ERR_OVERFLOW, wb->dir, 0, 0,
                    "the sum for '%s' overflows, expected totals below 92 233 720 368 547 758 kr",
                    unit >= 0 ? wb->units[unit].code : "total");
}

static bool figure_fits(int64_t v)
{
    return v >= -KKR_FIGURE_MAX_ORE && v <= KKR_FIGURE_MAX_ORE;
}

static bool figures_fit(const struct kkr_figures *f)
{
    return figure_fits(f->budget_ytd) && figure_fits(f->actual_ytd) &&
           figure_fits(f->budget_full) && figure_fits(f->forecast_full) &&
           figure_fits(f->actual_full);
}

/* Every figure within KKR_FIGURE_MAX_ORE, so the avvikelser derived from them cannot
 * overflow. */
static enum kkr_status check_range(const struct kkr_rollup *r, const struct kkr_workbook *wb,
                                   struct kkr_diag *diag)
{
    for (size_t i = 0; i < r->row_count; i++) {
        const struct kkr_rollup_row *row = &r->rows[i];
        bool ok = figures_fit(&row->net);
        for (int k = 0; k < KKR_TYPES; k++)
            ok = ok && figures_fit(&row->kind[k]);
        for (size_t k = 0; k < wb->slag_count; k++)
            ok = ok && figures_fit(&row->slag[k]);
        if (!ok)
            return kkr_fail(diag, KKR_ERR_OVERFLOW, wb->dir, 0, 0,
                            "the amounts of '%s' are too large to report, expected totals "
                            "below 23 058 430 092 136 940 kr",
                            row->unit >= 0 ? wb->units[row->unit].code : "total");
    }
    for (size_t i = 0; i < kkr_workbook_slots(wb); i++)
        if (!figures_fit(&r->own[i]))
            return kkr_fail(diag, KKR_ERR_OVERFLOW, wb->dir, 0, 0,
                            "the amounts of '%s' are too large to report, expected totals "
                            "below 23 058 430 092 136 940 kr",
                            wb->units[i / wb->slag_count].code);
    return KKR_OK;
}

bool kkr_rollup_year_finished(const struct kkr_workbook *wb, int period)
{
    return period == 12 && wb->last_actual_month == 12;
}

/* year: the year whose months are summed; bokslut: every prognos is the year's utfall (an
 * earlier year), else entered, fill, the utfall of a finished year, or the budget. */
static enum kkr_status build(const struct kkr_workbook *wb, int year, int period,
                             const int64_t *forecast_ore, const uint8_t *forecast_has,
                             const struct kkr_forecast_fill *fill, bool bokslut,
                             struct kkr_rollup *out, struct kkr_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (year < wb->first_year || year > wb->year)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "year %d is outside the workbook",
                        year);
    bool finished = !bokslut && year == wb->year && kkr_rollup_year_finished(wb, period);
    if (period < 0 || period > 12)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                        "period month %d is outside 1..12", period);
    size_t n = wb->unit_count, ns = wb->slag_count, slots = kkr_workbook_slots(wb);
    out->year = year;
    out->period = period;
    out->method = fill ? fill->method : NULL;
    out->row_count = n + 1;
    out->slag_count = ns;
    out->rows = calloc(n + 1, sizeof *out->rows);
    out->own = calloc(slots ? slots : 1, sizeof *out->own);
    out->source = calloc(slots ? slots : 1, sizeof *out->source);
    /* the per-slag figures of every row: the rows' slag point into it, in report order */
    out->slag_figures = calloc((n + 1) * ns, sizeof *out->slag_figures);
    struct kkr_figures *sub_slag = calloc((n ? n : 1) * ns, sizeof *sub_slag);
    struct kkr_rollup_row *sub = calloc(n ? n : 1, sizeof *sub); /* by unit index */
    if (!out->rows || !out->own || !out->source || !out->slag_figures || !sub_slag || !sub) {
        free(sub);
        free(sub_slag);
        kkr_rollup_release(out);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t year_base = (size_t)(year - wb->first_year) * 12;
    enum kkr_status st = KKR_OK;
    for (size_t u = 0; u < n; u++)
        sub[u].slag = &sub_slag[u * ns];

    for (size_t u = 0; u < n && st == KKR_OK; u++) {
        sub[u].unit = (int)u;
        sub[u].depth = wb->units[u].depth;
        for (size_t k = 0; k < ns; k++) {
            size_t slot = kkr_workbook_slot(wb, (int)u, (int)k);
            size_t base = kkr_workbook_cell(wb, (int)u, (int)k) + year_base;
            struct kkr_figures *f = &out->own[slot];
            bool any = false;
            for (int m = 0; m < 12; m++) {
                int64_t b = wb->budget_ore[base + m], a = wb->actual_ore[base + m];
                any |= b != 0 || wb->actual_has[base + m];
                if (!kkr_money_add(f->budget_full, b, &f->budget_full) ||
                    !kkr_money_add(f->actual_full, a, &f->actual_full))
                    st = overflow(diag, wb, (int)u);
                if (m < period && (!kkr_money_add(f->budget_ytd, b, &f->budget_ytd) ||
                                   !kkr_money_add(f->actual_ytd, a, &f->actual_ytd)))
                    st = overflow(diag, wb, (int)u);
            }
            /* the economist's own figure wins; then a finished year's utfall; then a computed
             * one; then the budget */
            if (bokslut) {
                f->forecast_full = f->actual_full;
                out->source[slot] = any ? KKR_FROM_ACTUAL : KKR_FROM_NONE;
            } else if (forecast_has[slot]) {
                f->forecast_full = forecast_ore[slot];
                out->source[slot] = KKR_FROM_ENTERED;
            } else if (finished) {
                f->forecast_full = f->actual_full;
                out->source[slot] = any ? KKR_FROM_ACTUAL : KKR_FROM_NONE;
            } else if (fill && fill->full_ore && (!fill->has || fill->has[slot])) {
                f->forecast_full = fill->full_ore[slot];
                out->source[slot] = any ? KKR_FROM_COMPUTED : KKR_FROM_NONE;
            } else {
                f->forecast_full = f->budget_full;
                out->source[slot] = any ? KKR_FROM_BUDGET : KKR_FROM_NONE;
            }
            sub[u].slag[k] = *f;
            if (!figures_add(&sub[u].kind[wb->slag[k].typ], f) || !figures_add(&sub[u].net, f))
                st = overflow(diag, wb, (int)u);
            sub[u].entered |= out->source[slot] == KKR_FROM_ENTERED;
            sub[u].computed |= out->source[slot] == KKR_FROM_COMPUTED ||
                               out->source[slot] == KKR_FROM_BUDGET;
        }
    }
    /* children before parents: the reverse of the depth-first report order */
    struct kkr_rollup_row *total = &out->rows[n];
    total->unit = -1;
    total->slag = &out->slag_figures[n * ns];
    for (size_t i = n; i-- > 0 && st == KKR_OK;) {
        int u = wb->order[i];
        int p = wb->units[u].parent;
        struct kkr_rollup_row *dst = p >= 0 ? &sub[p] : total;
        for (int k = 0; k < KKR_TYPES; k++)
            if (!figures_add(&dst->kind[k], &sub[u].kind[k]))
                st = overflow(diag, wb, p);
        for (size_t k = 0; k < ns; k++)
            if (!figures_add(&dst->slag[k], &sub[u].slag[k]))
                st = overflow(diag, wb, p);
        if (!figures_add(&dst->net, &sub[u].net))
            st = overflow(diag, wb, p);
        dst->entered |= sub[u].entered;
        dst->computed |= sub[u].computed;
    }
    for (size_t i = 0; i < n; i++) {
        out->rows[i] = sub[wb->order[i]];
        out->rows[i].slag = &out->slag_figures[i * ns];
        memcpy(out->rows[i].slag, sub[wb->order[i]].slag, ns * sizeof *out->slag_figures);
    }
    free(sub);
    free(sub_slag);
    if (st == KKR_OK)
        st = check_range(out, wb, diag);
    if (st != KKR_OK)
        kkr_rollup_release(out);
    return st;
}

enum kkr_status kkr_rollup_build_with(const struct kkr_workbook *wb, int period,
                                      const int64_t *forecast_ore, const uint8_t *forecast_has,
                                      const struct kkr_forecast_fill *fill,
                                      struct kkr_rollup *out, struct kkr_diag *diag)
{
    return build(wb, wb->year, period, forecast_ore, forecast_has, fill, false, out, diag);
}

enum kkr_status kkr_rollup_build_year(const struct kkr_workbook *wb, int year, int period,
                                      struct kkr_rollup *out, struct kkr_diag *diag)
{
    return build(wb, year, period, NULL, NULL, NULL, true, out, diag);
}

enum kkr_status kkr_rollup_build(const struct kkr_workbook *wb, int period,
                                 const struct kkr_forecast_fill *fill, struct kkr_rollup *out,
                                 struct kkr_diag *diag)
{
    return kkr_rollup_build_with(wb, period, wb->forecast_ore, wb->forecast_has, fill, out, diag);
}

void kkr_rollup_release(struct kkr_rollup *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->slag_figures);
    free(r->own);
    free(r->source);
    memset(r, 0, sizeof *r);
}
