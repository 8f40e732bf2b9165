/* chart-bars.c — the horizontal bar charts: avvikelse, budget-prognos, brygga */
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

/* ---- horizontal bar charts: avvikelse, budget-prognos, brygga ---- */

static double bar_row_height(struct canvas *c, const struct hbar *r, double label_w, double *lh)
{
    double w, h;
    canvas_text_set(c, r->label, r->bold ? c->bold : c->font, label_w - r->depth * c->fs, 2,
                    PANGO_ALIGN_LEFT);
    canvas_text_size(c, &w, &h);
    *lh = h;
    double bars = r->nbars == 2 ? c->fs * 2.3 : c->fs * 1.3;
    return (h > bars ? h : bars) + c->fs * 0.25;
}

/* Computes the layout of rows in the box; returns the total height needed (natural). */
double chart_hbar_layout(struct canvas *c, struct hbar *rows, size_t n, double y0,
                         struct hlayout *L)
{
    double m = c->fs * 1.2;
    L->label_x = m;
    L->label_w = c->w * 0.30;
    if (L->label_w < c->fs * 9)
        L->label_w = c->fs * 9;
    L->px0 = L->label_x + L->label_w + c->fs * 0.8;
    L->px1 = c->w - m;
    L->row_gap = c->fs * 0.2;
    L->top = y0;
    double y = y0;
    for (size_t i = 0; i < n; i++) {
        double lh;
        L->row_h[i] = bar_row_height(c, &rows[i], L->label_w, &lh);
        if (rows[i].rule)
            y += c->fs * 0.5; /* room for the rule above the total */
        if (i > 0)
            y += L->row_gap;
        L->row_top[i] = y;
        y += L->row_h[i];
    }
    L->bottom = y;
    L->axis_h = canvas_line_height(c, c->small) * 2.4 + c->fs * 0.5;
    return y + L->axis_h + m * 0.6;
}

/* The scale: data range incl. zero, with room beside the bars for their value labels. */
static void hbar_scale(struct canvas *c, const struct hbar *rows, size_t n, struct hlayout *L)
{
    double dmin = 0, dmax = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < rows[i].nbars; k++) {
            if (rows[i].a[k] < dmin)
                dmin = rows[i].a[k];
            if (rows[i].b[k] > dmax)
                dmax = rows[i].b[k];
        }
    if (dmax == dmin)
        dmax = dmin + 1;
    /* Solve for the scale so that every label fits inside [px0, px1]: each label constrains
     * p(x) +/- width. Iterate: start with the full range and shrink. */
    double p0 = L->px0, p1 = L->px1;
    double pad = c->fs * 0.35;
    for (int iter = 0; iter < 8; iter++) {
        struct kkr_scale s = {dmin, dmax, p0, p1};
        double need_l = 0, need_r = 0;
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < rows[i].nbars; k++) {
                if (!rows[i].value[k][0])
                    continue;
                double tw = canvas_text_width(c, rows[i].value[k],
                                              rows[i].bold ? c->bold : c->small);
                if (rows[i].right[k]) {
                    double end = kkr_scale_map(&s, rows[i].b[k]) + pad + tw;
                    if (end - L->px1 > need_r)
                        need_r = end - L->px1;
                } else {
                    double start = kkr_scale_map(&s, rows[i].a[k]) - pad - tw;
                    if (L->px0 - start > need_l)
                        need_l = L->px0 - start;
                }
            }
        if (need_l < 0.01 && need_r < 0.01)
            break;
        p0 += need_l + 0.5;
        p1 -= need_r + 0.5;
        if (p1 - p0 < c->fs * 4) {
            p1 = p0 + c->fs * 4;
            break;
        }
    }
    L->sc = (struct kkr_scale){dmin, dmax, p0, p1};
}

static void hbar_draw(struct canvas *c, struct hbar *rows, size_t n, struct hlayout *L,
                      const char *axis_title)
{
    cairo_t *cr = c->cr;
    /* grid and ticks over the visible domain */
    double vis0 = L->sc.d0 + (L->px0 - L->sc.p0) * (L->sc.d1 - L->sc.d0) / (L->sc.p1 - L->sc.p0);
    double vis1 = L->sc.d0 + (L->px1 - L->sc.p0) * (L->sc.d1 - L->sc.d0) / (L->sc.p1 - L->sc.p0);
    double tick_w = canvas_text_width(c, "−000 000", c->small) + c->fs;
    int max_ticks = (int)((L->px1 - L->px0) / tick_w);
    if (max_ticks < 2)
        max_ticks = 2;
    double first, last, step;
    kkr_chart_nice_ticks(L->sc.d0, L->sc.d1, max_ticks, &first, &last, &step);
    double plot_top = L->top - c->fs * 0.3, plot_bottom = L->bottom + c->fs * 0.3;
    /* tick labels must not overlap: centres at tick positions, keep those that fit */
    double last_end = -1e300;
    cairo_set_line_width(cr, 0.6);
    for (double t = first; t <= last + step * 0.5; t += step) {
        if (t < vis0 - 1e-9 || t > vis1 + 1e-9)
            continue;
        double tv = fabs(t) < step * 1e-6 ? 0 : t;
        double x = kkr_scale_map(&L->sc, tv);
        canvas_set_rgb(cr, tv == 0 ? C_AXIS : C_GRID);
        cairo_set_line_width(cr, tv == 0 ? 1.0 : 0.6);
        cairo_move_to(cr, x, plot_top);
        cairo_line_to(cr, x, plot_bottom);
        cairo_stroke(cr);
        char buf[64];
        canvas_fmt_tick(c, buf, sizeof buf, tv);
        double tw = canvas_text_width(c, buf, c->small);
        double lx = x - tw / 2;
        if (lx < L->px0 - c->fs * 0.6)
            lx = L->px0 - c->fs * 0.6;
        if (lx + tw > c->w - 1)
            lx = c->w - 1 - tw;
        if (lx < last_end + c->fs * 0.5)
            continue;
        canvas_text_at(c, buf, c->small, lx, plot_bottom + c->fs * 0.2, 0, 0, C_MUTED);
        last_end = lx + tw;
    }
    double lh = canvas_line_height(c, c->small);
    canvas_text_at(c, axis_title, c->small, (L->px0 + L->px1) / 2,
                   plot_bottom + c->fs * 0.2 + lh * 1.15, 0.5, 0, C_MUTED);

    double prev_conn = NAN, prev_y = 0;
    for (size_t i = 0; i < n; i++) {
        struct hbar *r = &rows[i];
        double y = L->row_top[i], h = L->row_h[i];
        if (r->rule) {
            canvas_set_rgb(cr, C_AXIS);
            cairo_set_line_width(cr, 0.8);
            cairo_move_to(cr, L->label_x, y - c->fs * 0.35);
            cairo_line_to(cr, L->px1, y - c->fs * 0.35);
            cairo_stroke(cr);
        }
        /* label */
        double tw, th;
        double indent = r->depth * c->fs;
        canvas_text_set(c, r->label, r->bold ? c->bold : c->font, L->label_w - indent, 2,
                        PANGO_ALIGN_LEFT);
        canvas_text_size(c, &tw, &th);
        canvas_text_draw(c, L->label_x + indent, y + (h - th) / 2, C_TEXT);
        /* bars */
        double bh = r->nbars == 2 ? c->fs * 0.95 : c->fs * 1.05;
        double by0 = y + (h - bh * r->nbars - (r->nbars - 1) * c->fs * 0.1) / 2;
        for (int k = 0; k < r->nbars; k++) {
            double by = by0 + k * (bh + c->fs * 0.1);
            double xa, xb;
            kkr_chart_bar_extent(&L->sc, r->a[k], r->b[k], &xa, &xb);
            struct rgb col = r->col[k];
            if (xb - xa < 0.8) { /* a zero value still shows a hairline, in neutral grey */
                double mid = (xa + xb) / 2;
                xa = mid - 0.4;
                xb = mid + 0.4;
                col = C_AXIS;
            }
            canvas_set_rgb(cr, col);
            cairo_rectangle(cr, xa, by, xb - xa, bh);
            cairo_fill(cr);
            canvas_log_append(c->bars, xa, by, xb - xa, bh);
            if (r->value[k][0]) {
                const PangoFontDescription *fd = r->bold ? c->bold : c->small;
                double vw, vh;
                canvas_text_set(c, r->value[k], fd, 0, 0, PANGO_ALIGN_LEFT);
                canvas_text_size(c, &vw, &vh);
                double vx = r->right[k] ? xb + c->fs * 0.35 : xa - c->fs * 0.35 - vw;
                canvas_text_draw(c, vx, by + (bh - vh) / 2, C_TEXT);
            }
        }
        /* brygga connectors: from the previous step's end to this bar */
        if (!isnan(prev_conn)) {
            double x = kkr_scale_map(&L->sc, prev_conn);
            canvas_set_rgb(cr, C_AXIS);
            cairo_set_line_width(cr, 0.6);
            double d[] = {2, 2};
            cairo_set_dash(cr, d, 2, 0);
            cairo_move_to(cr, x, prev_y);
            cairo_line_to(cr, x, by0);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        prev_conn = r->connector;
        prev_y = by0 + bh;
    }
}

void chart_slice_of(const struct kkr_chart *ch, size_t n, size_t *from, size_t *cnt)
{
    *from = ch->slice_from < n ? ch->slice_from : n;
    *cnt = n - *from;
    if (ch->slice_count > 0 && ch->slice_count < *cnt)
        *cnt = ch->slice_count;
}

enum kkr_status chart_draw_bars(struct canvas *c, const struct kkr_chart *ch, struct hbar *rows,
                                size_t n, const struct legend_item *legend, size_t nlegend,
                                const char *axis_title, double height, struct kkr_diag *diag)
{
    struct hlayout L;
    L.row_top = calloc(n ? n : 1, sizeof(double));
    L.row_h = calloc(n ? n : 1, sizeof(double));
    if (!L.row_top || !L.row_h) {
        free(L.row_top);
        free(L.row_h);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    double m = c->fs * 1.2;
    double y = canvas_draw_header(c, ch, m);
    y = canvas_draw_legend(c, legend, nlegend, m, y, c->w - m);
    y += c->fs * 0.4;
    size_t from, cnt;
    chart_slice_of(ch, n, &from, &cnt);
    chart_hbar_layout(c, rows + from, cnt, y, &L);
    (void)height;
    hbar_scale(c, rows, n, &L); /* all rows: every slice shares one scale */
    hbar_draw(c, rows + from, cnt, &L, axis_title);
    free(L.row_top);
    free(L.row_h);
    return KKR_OK;
}

double chart_header_height(struct canvas *c, const struct kkr_chart *ch,
                           const struct legend_item *legend, size_t nlegend)
{
    /* Measure by laying out without a log and without drawing: use the same code on a
     * scratch context would be exact; approximate with the same metrics instead. */
    double m = c->fs * 1.2, w, h, y = m;
    double tw = c->w - 2 * m;
    if (ch->title) {
        canvas_text_set(c, ch->title, c->title, tw, 2, PANGO_ALIGN_LEFT);
        canvas_text_size(c, &w, &h);
        y += h + c->fs * 0.15;
    }
    if (ch->subtitle) {
        canvas_text_set(c, ch->subtitle, c->font, tw, 2, PANGO_ALIGN_LEFT);
        canvas_text_size(c, &w, &h);
        y += h;
    }
    y += c->fs * 0.6;
    double lh = canvas_line_height(c, c->small), s = lh * 0.8, x = m;
    for (size_t i = 0; i < nlegend; i++) {
        double sw = legend[i].style == 0 || legend[i].style >= 4 ? s : s * 1.6;
        double need = sw + c->fs * 0.35 + canvas_text_width(c, legend[i].text, c->small);
        if (x > m && x + need > c->w - m) {
            x = m;
            y += lh * 1.2;
        }
        x += need + c->fs * 1.2;
    }
    return y + lh * 1.2 + c->fs * 0.4;
}

/* Builds the hbar rows of a chart. Caller frees *out. */
enum kkr_status chart_build_hbars(struct canvas *c, const struct kkr_chart *ch,
                                  struct hbar **out, size_t *count, struct kkr_diag *diag)
{
    size_t n = ch->kind == KKR_CHART_BRYGGA ? ch->step_count : ch->row_count;
    struct hbar *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double run = 0;
    for (size_t i = 0; i < n; i++) {
        struct hbar *r = &rows[i];
        r->connector = NAN;
        if (ch->kind == KKR_CHART_BRYGGA) {
            const struct kkr_chart_step *s = &ch->steps[i];
            double v = canvas_dval(c, s->value_ore);
            r->label = s->label ? s->label : "";
            r->nbars = 1;
            r->bold = s->is_total;
            r->rule = s->is_total && i > 0;
            if (s->is_total) {
                r->a[0] = v < 0 ? v : 0;
                r->b[0] = v < 0 ? 0 : v;
                r->col[0] = C_TOTAL;
                run = v;
                canvas_fmt_value(c, r->value[0], sizeof r->value[0], s->value_ore, false);
                r->right[0] = v >= 0;
            } else {
                double from = run, to = run + v;
                r->a[0] = from < to ? from : to;
                r->b[0] = from < to ? to : from;
                r->col[0] = v >= 0 ? C_SURPLUS : C_DEFICIT;
                run = to;
                canvas_fmt_value(c, r->value[0], sizeof r->value[0], s->value_ore, true);
                r->right[0] = v >= 0;
            }
            r->connector = run;
            continue;
        }
        const struct kkr_chart_row *src = &ch->rows[i];
        r->label = src->label ? src->label : "";
        r->depth = src->depth < 8 ? src->depth : 8; /* indentation only: a deep tree stays drawable */
        r->bold = src->total;
        r->rule = src->total && i > 0;
        if (ch->kind == KKR_CHART_AVVIKELSE) {
            double v = canvas_dval(c, src->value_ore);
            r->nbars = 1;
            r->a[0] = v < 0 ? v : 0;
            r->b[0] = v < 0 ? 0 : v;
            bool deficit = kkr_money_in_unit(src->value_ore, c->unit) < 0;
            r->col[0] = deficit ? C_DEFICIT : C_SURPLUS;
            r->right[0] = !deficit;
            canvas_fmt_value(c, r->value[0], sizeof r->value[0], src->value_ore, false);
        } else {
            double b = canvas_dval(c, src->budget_ore), p = canvas_dval(c, src->value_ore);
            r->nbars = 2;
            r->a[0] = b < 0 ? b : 0;
            r->b[0] = b < 0 ? 0 : b;
            r->a[1] = p < 0 ? p : 0;
            r->b[1] = p < 0 ? 0 : p;
            r->col[0] = C_BUDGET;
            /* coloured by the displayed avvikelse, so "1 082 / 1 082" is never a deficit */
            r->col[1] = kkr_money_in_unit(src->budget_ore - src->value_ore, c->unit) < 0
                            ? C_DEFICIT
                            : C_SURPLUS;
            r->right[0] = b >= 0;
            r->right[1] = p >= 0;
            canvas_fmt_value(c, r->value[0], sizeof r->value[0], src->budget_ore, false);
            canvas_fmt_value(c, r->value[1], sizeof r->value[1], src->value_ore, false);
        }
    }
    *out = rows;
    *count = n;
    return KKR_OK;
}

size_t chart_legend_for(const struct kkr_chart *ch, struct legend_item *items)
{
    switch (ch->kind) {
    case KKR_CHART_AVVIKELSE:
        items[0] = (struct legend_item){"Överskott (prognos under budget)", C_SURPLUS, 0};
        items[1] = (struct legend_item){"Underskott (prognos över budget)", C_DEFICIT, 0};
        return 2;
    case KKR_CHART_BUDGET_PROGNOS:
        items[0] = (struct legend_item){"Budget helår", C_BUDGET, 0};
        items[1] = (struct legend_item){"Prognos inom budget", C_SURPLUS, 0};
        items[2] = (struct legend_item){"Prognos över budget", C_DEFICIT, 0};
        return 3;
    case KKR_CHART_BRYGGA:
        items[0] = (struct legend_item){"Utgångsläge och resultat", C_TOTAL, 0};
        items[1] = (struct legend_item){"Förbättring", C_SURPLUS, 0};
        items[2] = (struct legend_item){"Försämring", C_DEFICIT, 0};
        return 3;
    case KKR_CHART_ACKUMULERAT: {
        size_t n = 0;
        items[n++] = (struct legend_item){"Budget", C_BUDGET, 1};
        items[n++] = (struct legend_item){"Utfall", C_SURPLUS, 1};
        items[n++] = (struct legend_item){"Prognos", C_SURPLUS, 2};
        if (ch->monthly && ch->monthly->has_band)
            items[n++] = (struct legend_item){"Prognosintervall 80 %", C_BAND, 3};
        return n;
    }
    case KKR_CHART_PROGNOSHISTORIK: {
        /* "aktuell, ej låst" only when there is such a point (not without a prognos) */
        size_t n = 0;
        bool current = false;
        for (size_t i = 0; i < ch->point_count; i++)
            current |= ch->points[i].current;
        items[n++] = (struct legend_item){"Helårsprognos", C_SURPLUS, 1};
        items[n++] = (struct legend_item){"låst (snapshots)", C_SURPLUS, 4};
        if (current)
            items[n++] = (struct legend_item){"aktuell, ej låst", C_SURPLUS, 5};
        items[n++] = (struct legend_item){"Helårsbudget", C_BUDGET, 2};
        return n;
    }
    }
    return 0;
}

char *chart_axis_title_for(const struct canvas *c, const struct kkr_chart *ch, char *buf,
                           size_t size)
{
    const char *what = ch->kind == KKR_CHART_AVVIKELSE      ? "Avvikelse helår"
                       : ch->kind == KKR_CHART_BUDGET_PROGNOS ? "Helår"
                       : ch->kind == KKR_CHART_BRYGGA         ? "Avvikelse helår"
                                                              : "Ackumulerat";
    snprintf(buf, size, "%s, %s", what, canvas_unit_name(c));
    return buf;
}
