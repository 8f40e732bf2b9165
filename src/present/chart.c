/* chart.c — charts: kinds and sizes, the bar and line charts, drawing and writing files */
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

/* ---- names ---- */

static const char *const kind_names[KKR_CHART_KINDS] = {
    "avvikelse", "budget-prognos", "ackumulerat", "brygga", "prognoshistorik",
};

const char *kkr_chart_kind_name(enum kkr_chart_kind kind)
{
    return (unsigned)kind < KKR_CHART_KINDS ? kind_names[kind] : "?";
}

bool kkr_chart_kind_parse(const char *s, enum kkr_chart_kind *out)
{
    for (int i = 0; i < KKR_CHART_KINDS; i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum kkr_chart_kind)i;
            return true;
        }
    }
    return false;
}

bool kkr_chart_format_from_path(const char *path, enum kkr_chart_format *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return false;
    if (strcasecmp(dot, ".png") == 0)
        *out = KKR_CHART_PNG;
    else if (strcasecmp(dot, ".pdf") == 0)
        *out = KKR_CHART_PDF;
    else if (strcasecmp(dot, ".svg") == 0)
        *out = KKR_CHART_SVG;
    else
        return false;
    return true;
}

void kkr_chart_init(struct kkr_chart *chart, enum kkr_chart_kind kind)
{
    memset(chart, 0, sizeof *chart);
    chart->kind = kind;
    chart->unit = KKR_UNIT_KKR;
}

void kkr_chart_size_slide(struct kkr_chart_size *size)
{
    size->width_pt = 576.0;
    size->height_pt = 0;
    size->dpi = 200.0;
}

void kkr_chart_size_a4(struct kkr_chart_size *size)
{
    size->width_pt = 170.0 / 25.4 * 72.0;
    size->height_pt = 0;
    size->dpi = 300.0;
}

void kkr_chart_text_log_release(struct kkr_chart_text_log *log)
{
    free(log->boxes);
    log->boxes = NULL;
    log->count = log->capacity = 0;
}

/* ---- horizontal bar charts: avvikelse, budget-prognos, brygga ---- */

struct hbar {
    const char *label;
    int depth;
    bool bold;          /* total rows */
    bool rule;          /* a rule above */
    int nbars;          /* 1, or 2 for budget + prognos */
    double a[2], b[2];  /* data extents of the bars */
    struct rgb col[2];
    char value[2][64];  /* value labels */
    bool right[2];      /* label to the right of the bar (else left) */
    double connector;   /* brygga: the running sum after the step (NAN: none) */
};

struct hlayout {
    double label_x, label_w;
    double px0, px1;    /* plot box */
    double top;
    double *row_top, *row_h;
    double row_gap;
    double bottom;      /* below the last row */
    double axis_h;
    struct kkr_scale sc;
};

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
static double hbar_layout(struct canvas *c, struct hbar *rows, size_t n, double y0,
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
            double xa = kkr_scale_map(&L->sc, r->a[k]), xb = kkr_scale_map(&L->sc, r->b[k]);
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

static void slice_of(const struct kkr_chart *ch, size_t n, size_t *from, size_t *cnt)
{
    *from = ch->slice_from < n ? ch->slice_from : n;
    *cnt = n - *from;
    if (ch->slice_count > 0 && ch->slice_count < *cnt)
        *cnt = ch->slice_count;
}

static enum kkr_status draw_bars(struct canvas *c, const struct kkr_chart *ch, struct hbar *rows,
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
    slice_of(ch, n, &from, &cnt);
    hbar_layout(c, rows + from, cnt, y, &L);
    (void)height;
    hbar_scale(c, rows, n, &L); /* all rows: every slice shares one scale */
    hbar_draw(c, rows + from, cnt, &L, axis_title);
    free(L.row_top);
    free(L.row_h);
    return KKR_OK;
}

static double header_height(struct canvas *c, const struct kkr_chart *ch,
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
static enum kkr_status build_hbars(struct canvas *c, const struct kkr_chart *ch,
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

static size_t legend_for(const struct kkr_chart *ch, struct legend_item *items)
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

static char *axis_title_for(const struct canvas *c, const struct kkr_chart *ch, char *buf,
                            size_t size)
{
    const char *what = ch->kind == KKR_CHART_AVVIKELSE      ? "Avvikelse helår"
                       : ch->kind == KKR_CHART_BUDGET_PROGNOS ? "Helår"
                       : ch->kind == KKR_CHART_BRYGGA         ? "Avvikelse helår"
                                                              : "Ackumulerat";
    snprintf(buf, size, "%s, %s", what, canvas_unit_name(c));
    return buf;
}

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

static void dot(struct canvas *c, double x, double y, double r, struct rgb col)
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

static enum kkr_status draw_monthly(struct canvas *c, const struct kkr_chart *ch,
                                    struct kkr_diag *diag)
{
    const struct kkr_chart_monthly *mo = ch->monthly;
    if (!mo)
        return kkr_fail(diag, KKR_ERR_VALUE, NULL, 0, 0, "no monthly series for the chart");
    double m = c->fs * 1.2;
    struct legend_item legend[4];
    size_t nl = legend_for(ch, legend);
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
            dot(c, kkr_scale_map(&P.sx, i + 1), kkr_scale_map(&P.sy, a[i]), c->fs * 0.25,
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

static enum kkr_status draw_history(struct canvas *c, const struct kkr_chart *ch,
                                    struct kkr_diag *diag)
{
    double m = c->fs * 1.2;
    struct legend_item legend[4];
    size_t nl = legend_for(ch, legend);
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
                dot(c, x, yy, c->fs * 0.42, C_SURPLUS);
                dot(c, x, yy, c->fs * 0.24, (struct rgb){1, 1, 1});
            } else {
                dot(c, x, yy, c->fs * 0.34, C_SURPLUS);
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

/* ---- entry points ---- */

static double base_font(double width)
{
    double fs = width / 58.0;
    if (fs < 7.5)
        fs = 7.5;
    if (fs > 12)
        fs = 12;
    return fs;
}

static bool canvas_open(struct canvas *c, cairo_t *cr, const struct kkr_chart *ch, double w,
                        double h)
{
    memset(c, 0, sizeof *c);
    c->cr = cr;
    c->w = w;
    c->h = h;
    c->fs = base_font(w);
    c->log = ch->text_log;
    c->bars = ch->bar_log;
    c->unit = ch->unit;
    c->layout = pango_cairo_create_layout(cr);
    if (!c->layout)
        return false;
    PangoContext *pc = pango_layout_get_context(c->layout);
    /* 1 pt = 1 user unit; no hinting, so text measures the same on every surface */
    pango_cairo_context_set_resolution(pc, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    /* Glyph positions unrounded: pango rounds them to whole device units, which at 1 unit =
     * 1 pt (PDF, SVG, measuring) bent the spacing of 10 pt text visibly, and made a text's
     * width depend on the surface's scale. */
    pango_context_set_round_glyph_positions(pc, FALSE);
    pango_layout_context_changed(c->layout);
    c->font = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(c->font, c->fs * PANGO_SCALE);
    c->small = pango_font_description_copy(c->font);
    pango_font_description_set_absolute_size(c->small, c->fs * 0.9 * PANGO_SCALE);
    c->bold = pango_font_description_copy(c->small);
    pango_font_description_set_weight(c->bold, PANGO_WEIGHT_BOLD);
    c->title = pango_font_description_copy(c->font);
    pango_font_description_set_absolute_size(c->title, c->fs * 1.45 * PANGO_SCALE);
    pango_font_description_set_weight(c->title, PANGO_WEIGHT_BOLD);
    return true;
}

static void canvas_close(struct canvas *c)
{
    if (c->layout)
        g_object_unref(c->layout);
    pango_font_description_free(c->font);
    pango_font_description_free(c->small);
    pango_font_description_free(c->bold);
    pango_font_description_free(c->title);
}

/* The natural height, measured with text at the scale it will be drawn: pango keeps the fonts
 * it loaded per size and transformation, so measuring at the drawing's scale lets the drawing
 * reuse them instead of loading (and sorting in fontconfig) every font a second time. The
 * layout does not depend on the scale: no hinting, no hinted metrics. */
static double natural_height_at(const struct kkr_chart *chart, double width_pt, double scale)
{
    if (chart->kind == KKR_CHART_ACKUMULERAT || chart->kind == KKR_CHART_PROGNOSHISTORIK)
        return round(width_pt * 9.0 / 16.0);
    /* Bar charts: lay out on a tiny recording surface to measure. */
    cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    struct kkr_chart copy = *chart;
    copy.text_log = NULL;
    copy.bar_log = NULL;
    struct canvas c;
    double h = width_pt * 9.0 / 16.0;
    if (canvas_open(&c, cr, &copy, width_pt, h)) {
        struct hbar *rows = NULL;
        size_t n = 0;
        if (build_hbars(&c, &copy, &rows, &n, NULL) == KKR_OK) {
            struct legend_item legend[4];
            size_t nl = legend_for(&copy, legend);
            struct hlayout L;
            L.row_top = calloc(n ? n : 1, sizeof(double));
            L.row_h = calloc(n ? n : 1, sizeof(double));
            if (L.row_top && L.row_h) {
                size_t from, cnt;
                slice_of(&copy, n, &from, &cnt);
                h = hbar_layout(&c, rows + from, cnt, header_height(&c, &copy, legend, nl), &L);
            }
            free(L.row_top);
            free(L.row_h);
            free(rows);
        }
    }
    canvas_close(&c);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return ceil(h);
}

double kkr_chart_natural_height(const struct kkr_chart *chart, double width_pt)
{
    return natural_height_at(chart, width_pt, 1.0);
}

enum kkr_status kkr_chart_draw(cairo_t *cr, const struct kkr_chart *chart, double width,
                               double height, struct kkr_diag *diag)
{
    struct canvas c;
    if (!canvas_open(&c, cr, chart, width, height)) {
        canvas_close(&c);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "cannot create a text layout");
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, width, height);
    cairo_fill(cr);
    enum kkr_status st = KKR_OK;
    switch (chart->kind) {
    case KKR_CHART_AVVIKELSE:
    case KKR_CHART_BUDGET_PROGNOS:
    case KKR_CHART_BRYGGA: {
        struct hbar *rows;
        size_t n;
        st = build_hbars(&c, chart, &rows, &n, diag);
        if (st == KKR_OK) {
            struct legend_item legend[4];
            size_t nl = legend_for(chart, legend);
            char axis[96];
            axis_title_for(&c, chart, axis, sizeof axis);
            st = draw_bars(&c, chart, rows, n, legend, nl, axis, height, diag);
            free(rows);
        }
        break;
    }
    case KKR_CHART_ACKUMULERAT:
        st = draw_monthly(&c, chart, diag);
        break;
    case KKR_CHART_PROGNOSHISTORIK:
        st = draw_history(&c, chart, diag);
        break;
    default:
        st = kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "unknown chart kind");
    }
    cairo_restore(cr);
    canvas_close(&c);
    return st;
}

/* ---- files ---- */

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                 : CAIRO_STATUS_WRITE_ERROR;
}

enum kkr_status kkr_chart_write(const struct kkr_chart *chart, const char *path,
                                enum kkr_chart_format format, const struct kkr_chart_size *size,
                                struct kkr_diag *diag)
{
    struct kkr_output o;
    enum kkr_status st = kkr_output_open(&o, path, false, diag);
    if (st != KKR_OK)
        return st;
    st = kkr_chart_write_to(chart, &o, format, size, diag);
    if (st != KKR_OK) {
        kkr_output_abort(&o);
        return st;
    }
    return kkr_output_commit(&o, diag);
}

enum kkr_status kkr_chart_write_to(const struct kkr_chart *chart, struct kkr_output *out,
                                   enum kkr_chart_format format,
                                   const struct kkr_chart_size *size, struct kkr_diag *diag)
{
    double w = size->width_pt;
    double scale = format == KKR_CHART_PNG ? size->dpi / 72.0 : 1.0;
    double h = size->height_pt > 0 ? size->height_pt : natural_height_at(chart, w, scale);
    struct kkr_output o = *out; /* fp is what is written; the caller commits */
    const char *path = o.path ? o.path : "-";
    enum kkr_status st = KKR_OK;
    cairo_surface_t *s = NULL;
    unsigned char *pixels = MAP_FAILED;
    size_t pixels_len = 0;
    if (format == KKR_CHART_PNG) {
        int pw = (int)lround(w * scale), ph = (int)lround(h * scale);
        /* The pixels in one pre-faulted mapping: touching fresh pages one fault at a time
         * cost more than drawing them (a 1600 px chart is some 2 500 pages). */
        int pstride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, pw);
        pixels_len = (size_t)pstride * (size_t)(ph > 0 ? ph : 1);
        pixels = pw > 0 && ph > 0 && pstride > 0
                     ? mmap(NULL, pixels_len, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
                     : MAP_FAILED;
        if (pixels != MAP_FAILED)
            s = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, pw, ph, pstride);
        else
            s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
        cairo_t *cr = cairo_create(s);
        /* the same scale both ways as the measuring above (the fonts are reused); the pixel
         * size is rounded, so white first where the last partial row or column would stay */
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, scale, scale);
        st = kkr_chart_draw(cr, chart, w, h, diag);
        cairo_status_t cs = cairo_status(cr);
        cairo_destroy(cr);
        if (st == KKR_OK && cs == CAIRO_STATUS_SUCCESS && !chart_png_write(s, size->dpi, o.fp))
            cs = CAIRO_STATUS_WRITE_ERROR;
        if (st == KKR_OK && cs != CAIRO_STATUS_SUCCESS)
            st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot write PNG: %s",
                          cairo_status_to_string(cs));
    } else {
        if (format == KKR_CHART_PDF) {
            s = cairo_pdf_surface_create_for_stream(write_fp, o.fp, w, h);
            char date[32];
            kkr_chart_pdf_date(date, sizeof date, "2000-01-01T00:00:00Z");
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kkr");
            if (chart->title)
                cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, chart->title);
        } else {
            s = cairo_svg_surface_create_for_stream(write_fp, o.fp, w, h);
            cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
        }
        cairo_t *cr = cairo_create(s);
        st = kkr_chart_draw(cr, chart, w, h, diag);
        cairo_show_page(cr);
        cairo_status_t cs = cairo_status(cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        if (cs == CAIRO_STATUS_SUCCESS)
            cs = cairo_surface_status(s);
        if (st == KKR_OK && cs != CAIRO_STATUS_SUCCESS)
            st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot write %s: %s",
                          format == KKR_CHART_PDF ? "PDF" : "SVG", cairo_status_to_string(cs));
    }
    cairo_surface_destroy(s);
    if (pixels != MAP_FAILED)
        munmap(pixels, pixels_len);
    if (st == KKR_OK && ferror(o.fp))
        st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "write error");
    return st;
}
