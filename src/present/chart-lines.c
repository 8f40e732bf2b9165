/* chart-lines.c — the line charts by month: ackumulerat, prognoshistorik */
#include "kkr/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <zlib.h>

#include "kkr/output.h"

#include "chart-private.h"

/* ---- vertical charts: ackumulerat, prognoshistorik ---- */

struct vplot {
    double px0, px1, py0, py1; /* py0 top, py1 bottom */
    struct kkr_scale sx, sy;
    double first, last, step;
};

/* Sets up axes for months 1..12 and the value range [lo, hi]; right_w is reserved for end
 * labels. Draws grid, y tick labels, month labels and the unit. */
static void vplot_axes(struct canvas *c, struct vplot *P, double top, double bottom, double lo,
                       double hi, double right_w, bool from_zero)
{
    double m = c->fs * 1.2;
    if (from_zero) {
        if (lo > 0)
            lo = 0;
        if (hi < 0)
            hi = 0;
    }
    double lh = canvas_line_height(c, c->small);
    int max_ticks = (int)((bottom - top - lh * 2) / (lh * 2.2));
    if (max_ticks < 3)
        max_ticks = 3;
    if (max_ticks > 8)
        max_ticks = 8;
    kkr_chart_nice_ticks(lo, hi, max_ticks, &P->first, &P->last, &P->step);
    /* widest tick label */
    double tw = 0;
    char buf[64];
    for (double t = P->first; t <= P->last + P->step / 2; t += P->step) {
        canvas_fmt_tick(c, buf, sizeof buf, fabs(t) < P->step * 1e-6 ? 0 : t);
        double w = canvas_text_width(c, buf, c->small);
        if (w > tw)
            tw = w;
    }
    P->px0 = m + tw + c->fs * 0.5;
    P->px1 = c->w - m - right_w;
    P->py0 = top + lh * 1.7; /* room for the unit label above the top tick label */
    P->py1 = bottom - lh * 1.6;
    P->sx = (struct kkr_scale){0.5, 12.5, P->px0, P->px1};
    P->sy = (struct kkr_scale){P->first, P->last, P->py1, P->py0};
    cairo_t *cr = c->cr;
    for (double t = P->first; t <= P->last + P->step / 2; t += P->step) {
        double tv = fabs(t) < P->step * 1e-6 ? 0 : t;
        double y = kkr_scale_map(&P->sy, tv);
        canvas_set_rgb(cr, tv == 0 ? C_AXIS : C_GRID);
        cairo_set_line_width(cr, tv == 0 ? 1.0 : 0.6);
        cairo_move_to(cr, P->px0, y);
        cairo_line_to(cr, P->px1, y);
        cairo_stroke(cr);
        canvas_fmt_tick(c, buf, sizeof buf, tv);
        canvas_text_at(c, buf, c->small, P->px0 - c->fs * 0.4, y, 1, 0.5, C_MUTED);
    }
    canvas_text_at(c, canvas_unit_name(c), c->small, P->px0 - c->fs * 0.4, top, 1, 0, C_MUTED);
    for (int mo = 1; mo <= 12; mo++) {
        double x = kkr_scale_map(&P->sx, mo);
        canvas_text_at(c, month_abbr[mo - 1], c->small, x, P->py1 + c->fs * 0.3, 0.5, 0, C_MUTED);
    }
    canvas_set_rgb(cr, C_AXIS);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, P->px0, P->py1);
    cairo_line_to(cr, P->px1, P->py1);
    cairo_stroke(cr);
}

static void polyline(struct canvas *c, const struct vplot *P, const double *v, int from, int to,
                     struct rgb col, double width, bool dashed)
{
    cairo_t *cr = c->cr;
    canvas_set_rgb(cr, col);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (dashed) {
        double d[] = {c->fs * 0.5, c->fs * 0.3};
        cairo_set_dash(cr, d, 2, 0);
    }
    for (int i = from; i <= to; i++) {
        double x = kkr_scale_map(&P->sx, i + 1), y = kkr_scale_map(&P->sy, v[i]);
        if (i == from)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

void chart_dot(struct canvas *c, double x, double y, double r, struct rgb col)
{
    canvas_set_rgb(c->cr, col);
    cairo_arc(c->cr, x, y, r, 0, 2 * M_PI);
    cairo_fill(c->cr);
}

/* Right-margin labels at wanted y centres, pushed apart so they never overlap. */
struct end_label {
    char text[96];
    double want;
    struct rgb col;
};

static double end_labels_width(struct canvas *c, const struct end_label *ls, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) {
        double tw = canvas_text_width(c, ls[i].text, c->small);
        if (tw > w)
            w = tw;
    }
    return w + c->fs * 0.6;
}

static void end_labels_draw(struct canvas *c, const struct vplot *P, struct end_label *ls,
                            size_t n, double top, double bottom)
{
    double want[8], size[8], pos[8];
    double lh = canvas_line_height(c, c->small);
    for (size_t i = 0; i < n; i++) {
        want[i] = ls[i].want;
        size[i] = lh;
    }
    kkr_chart_place_labels(want, size, n, lh * 0.05, top, bottom, pos);
    for (size_t i = 0; i < n; i++)
        canvas_text_at(c, ls[i].text, c->small, P->px1 + c->fs * 0.5, pos[i], 0, 0.5, ls[i].col);
}

enum kkr_status chart_draw_monthly(struct canvas *c, const struct kkr_chart *ch,
                                   struct kkr_diag *diag)
{
    const struct kkr_chart_monthly *mo = ch->monthly;
    if (!mo)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no monthly series for the chart");
    double m = c->fs * 1.2;
    struct legend_item legend[4];
    size_t nl = chart_legend_for(ch, legend);
    double y = canvas_draw_header(c, ch, m);
    y = canvas_draw_legend(c, legend, nl, m, y, c->w - m) + c->fs * 0.3;
    double b[12], a[12], f[12], lo[12], hi[12];
    double vmin = 0, vmax = 0;
    int k = mo->actual_months;
    for (int i = 0; i < 12; i++) {
        b[i] = canvas_dval(c, mo->budget_cum_ore[i]);
        a[i] = canvas_dval(c, mo->actual_cum_ore[i]);
        f[i] = canvas_dval(c, mo->forecast_cum_ore[i]);
        lo[i] = canvas_dval(c, mo->low_cum_ore[i]);
        hi[i] = canvas_dval(c, mo->high_cum_ore[i]);
        double vs[5] = {b[i], i < k ? a[i] : b[i], f[i], mo->has_band ? lo[i] : f[i],
                        mo->has_band ? hi[i] : f[i]};
        for (int j = 0; j < 5; j++) {
            if (vs[j] < vmin)
                vmin = vs[j];
            if (vs[j] > vmax)
                vmax = vs[j];
        }
    }
    struct end_label el[4];
    size_t ne = 0;
    char num[64];
    canvas_fmt_value(c, num, sizeof num, mo->budget_cum_ore[11], false);
    snprintf(el[ne].text, sizeof el[ne].text, "Budget %s", num);
    el[ne].col = C_MUTED;
    ne++;
    canvas_fmt_value(c, num, sizeof num, mo->forecast_cum_ore[11], false);
    snprintf(el[ne].text, sizeof el[ne].text, "Prognos %s", num);
    el[ne].col = C_SURPLUS;
    ne++;
    double rw = end_labels_width(c, el, ne);
    struct vplot P;
    vplot_axes(c, &P, y, c->h - m * 0.5, vmin, vmax, rw, true);
    el[0].want = kkr_scale_map(&P.sy, b[11]);
    el[1].want = kkr_scale_map(&P.sy, f[11]);
    cairo_t *cr = c->cr;
    int from = k > 0 ? k - 1 : 0;
    if (mo->has_band && k < 12) {
        cairo_set_source_rgba(cr, C_BAND.r, C_BAND.g, C_BAND.b, 0.45);
        for (int i = from; i < 12; i++) {
            double x = kkr_scale_map(&P.sx, i + 1), yy = kkr_scale_map(&P.sy, hi[i]);
            if (i == from)
                cairo_move_to(cr, x, yy);
            else
                cairo_line_to(cr, x, yy);
        }
        for (int i = 11; i >= from; i--)
            cairo_line_to(cr, kkr_scale_map(&P.sx, i + 1), kkr_scale_map(&P.sy, lo[i]));
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    polyline(c, &P, b, 0, 11, C_BUDGET, c->fs * 0.22, false);
    if (k < 12)
        polyline(c, &P, f, from, 11, C_SURPLUS, c->fs * 0.22, true);
    if (k > 0) {
        polyline(c, &P, a, 0, k - 1, C_SURPLUS, c->fs * 0.3, false);
        for (int i = 0; i < k; i++)
            chart_dot(c, kkr_scale_map(&P.sx, i + 1), kkr_scale_map(&P.sy, a[i]), c->fs * 0.25,
                      C_SURPLUS);
        /* utfall label above-left of the last actual point */
        char lab[96];
        canvas_fmt_value(c, num, sizeof num, mo->actual_cum_ore[k - 1], false);
        snprintf(lab, sizeof lab, "Utfall %s %s", month_abbr[k - 1], num);
        double x = kkr_scale_map(&P.sx, k), yy = kkr_scale_map(&P.sy, a[k - 1]);
        double tw = canvas_text_width(c, lab, c->small), lh = canvas_line_height(c, c->small);
        /* on the side away from the budget line: below-right of the point when utfall runs
         * under budget (the prognos rises away above it), else above-left */
        bool under = a[k - 1] <= b[k - 1];
        double lx = under ? x + c->fs * 0.5 : x - tw - c->fs * 0.4;
        if (lx + tw > P.px1)
            lx = P.px1 - tw;
        if (lx < P.px0 + c->fs * 0.3)
            lx = P.px0 + c->fs * 0.3;
        double ly = yy + c->fs * 0.6;
        if (!under) { /* above every line drawn under the label's span */
            double top = yy;
            for (int i = 0; i < k; i++) {
                double xi = kkr_scale_map(&P.sx, i + 1);
                if (xi < lx - (P.px1 - P.px0) / 11.0 || xi > x)
                    continue;
                double ys[2] = {kkr_scale_map(&P.sy, a[i]), kkr_scale_map(&P.sy, b[i])};
                for (int j = 0; j < 2; j++)
                    if (ys[j] < top)
                        top = ys[j];
            }
            ly = top - lh - c->fs * 0.6;
        }
        if (ly < P.py0)
            ly = yy + c->fs * 0.6;
        if (ly + lh > P.py1)
            ly = yy - lh - c->fs * 0.6;
        /* a white backing keeps the label readable over grid lines */
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_rectangle(cr, lx - 1, ly, tw + 2, lh);
        cairo_fill(cr);
        canvas_text_at(c, lab, c->small, lx, ly, 0, 0, C_TEXT);
    }
    end_labels_draw(c, &P, el, ne, P.py0 - c->fs, P.py1);
    return KKR_OK;
}

enum kkr_status chart_draw_history(struct canvas *c, const struct kkr_chart *ch,
                                   struct kkr_diag *diag)
{
    double m = c->fs * 1.2;
    struct legend_item legend[4];
    size_t nl = chart_legend_for(ch, legend);
    double y = canvas_draw_header(c, ch, m);
    y = canvas_draw_legend(c, legend, nl, m, y, c->w - m) + c->fs * 0.3;
    double bud = canvas_dval(c, ch->budget_full_ore);
    double vmin = bud, vmax = bud;
    for (size_t i = 0; i < ch->point_count; i++) {
        double v = canvas_dval(c, ch->points[i].forecast_ore);
        if (v < vmin)
            vmin = v;
        if (v > vmax)
            vmax = v;
    }
    double span = vmax - vmin;
    if (span <= 0)
        span = fabs(vmax) * 0.02 + 1;
    vmin -= span * 0.35;
    vmax += span * 0.35;
    struct end_label el[1];
    char num[64];
    canvas_fmt_value(c, num, sizeof num, ch->budget_full_ore, false);
    snprintf(el[0].text, sizeof el[0].text, "Budget %s", num);
    el[0].col = C_MUTED;
    double rw = end_labels_width(c, el, 1);
    struct vplot P;
    vplot_axes(c, &P, y, c->h - m * 0.5, vmin, vmax, rw, false);
    cairo_t *cr = c->cr;
    double by = kkr_scale_map(&P.sy, bud);
    canvas_set_rgb(cr, C_BUDGET);
    cairo_set_line_width(cr, c->fs * 0.2);
    double d[] = {c->fs * 0.5, c->fs * 0.3};
    cairo_set_dash(cr, d, 2, 0);
    cairo_move_to(cr, P.px0, by);
    cairo_line_to(cr, P.px1, by);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    el[0].want = by;
    size_t n = ch->point_count;
    if (n > 0) {
        canvas_set_rgb(cr, C_SURPLUS);
        cairo_set_line_width(cr, c->fs * 0.25);
        for (size_t i = 0; i < n; i++) {
            double x = kkr_scale_map(&P.sx, ch->points[i].month);
            double yy = kkr_scale_map(&P.sy, canvas_dval(c, ch->points[i].forecast_ore));
            if (i == 0)
                cairo_move_to(cr, x, yy);
            else
                cairo_line_to(cr, x, yy);
        }
        cairo_stroke(cr);
        /* value labels above each point, pushed apart horizontally when they crowd */
        double *want = calloc(n, sizeof *want), *size = calloc(n, sizeof *size);
        double *pos = calloc(n, sizeof *pos);
        char (*labs)[64] = calloc(n, sizeof *labs);
        if (!want || !size || !pos || !labs) {
            free(want), free(size), free(pos), free(labs);
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            canvas_fmt_value(c, labs[i], sizeof labs[i], ch->points[i].forecast_ore, false);
            want[i] = kkr_scale_map(&P.sx, ch->points[i].month);
            size[i] = canvas_text_width(c, labs[i], c->small);
        }
        kkr_chart_place_labels(want, size, n, c->fs * 0.4, P.px0, P.px1, pos);
        double lh = canvas_line_height(c, c->small);
        for (size_t i = 0; i < n; i++) {
            double x = want[i];
            double yy = kkr_scale_map(&P.sy, canvas_dval(c, ch->points[i].forecast_ore));
            if (ch->points[i].current) {
                chart_dot(c, x, yy, c->fs * 0.42, C_SURPLUS);
                chart_dot(c, x, yy, c->fs * 0.24, (struct rgb){1, 1, 1});
            } else {
                chart_dot(c, x, yy, c->fs * 0.34, C_SURPLUS);
            }
            /* above the point, below it at a dip (lower than its neighbours) so the line
             * never crosses the figure; never outside the plot */
            double v = canvas_dval(c, ch->points[i].forecast_ore);
            bool has_prev = i > 0, has_next = i + 1 < n;
            bool dip = (has_prev || has_next) &&
                       (!has_prev || canvas_dval(c, ch->points[i - 1].forecast_ore) > v) &&
                       (!has_next || canvas_dval(c, ch->points[i + 1].forecast_ore) > v);
            double above = yy - lh - c->fs * 0.5, below = yy + c->fs * 0.5;
            double ly = dip ? below : above;
            if (ly < P.py0 - c->fs)
                ly = below;
            else if (ly + lh > P.py1)
                ly = above;
            canvas_text_at(c, labs[i], c->small, pos[i], ly, 0.5, 0, C_TEXT);
        }
        free(want), free(size), free(pos), free(labs);
    }
    end_labels_draw(c, &P, el, 1, P.py0 - c->fs, P.py1);
    return KKR_OK;
}
