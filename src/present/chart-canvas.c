/* chart-canvas.c — the chart canvas: text through pango, number formats, header, legend */
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

/* ---- drawing ---- */

void canvas_set_rgb(cairo_t *cr, struct rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Prepares the layout: max_width <= 0 means no wrapping; lines > 0 limits the lines (the last
 * one ellipsized). */
void canvas_text_set(struct canvas *c, const char *s, const PangoFontDescription *fd,
                     double max_width, int lines, PangoAlignment align)
{
    PangoLayout *l = c->layout;
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, s, -1);
    pango_layout_set_alignment(l, align);
    if (max_width > 0) {
        pango_layout_set_width(l, (int)(max_width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_ellipsize(l, lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
        pango_layout_set_height(l, lines > 0 ? -lines : -1);
    } else {
        pango_layout_set_width(l, -1);
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
        pango_layout_set_height(l, -1);
    }
}

void canvas_text_size(struct canvas *c, double *w, double *h)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(c->layout, &ink, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
}

void canvas_log_append(struct kkr_chart_text_log *log, double x, double y, double w, double h)
{
    if (!log)
        return;
    if (log->count == log->capacity) {
        size_t cap = log->capacity ? log->capacity * 2 : 64;
        struct kkr_chart_box *nb = realloc(log->boxes, cap * sizeof *nb);
        if (!nb)
            return;
        log->boxes = nb;
        log->capacity = cap;
    }
    log->boxes[log->count++] = (struct kkr_chart_box){x, y, w, h};
}

static void log_box(struct canvas *c, double x, double y, double w, double h)
{
    canvas_log_append(c->log, x, y, w, h);
}

/* Draws the prepared layout with its logical box's top-left at (x, y). */
void canvas_text_draw(struct canvas *c, double x, double y, struct rgb col)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(c->layout, &ink, &logical);
    double lx = (double)logical.x / PANGO_SCALE;
    canvas_set_rgb(c->cr, col);
    cairo_move_to(c->cr, x - lx, y);
    pango_cairo_show_layout(c->cr, c->layout);
    log_box(c, x, y, (double)logical.width / PANGO_SCALE, (double)logical.height / PANGO_SCALE);
}

/* One-line text, anchored: ax 0 left, 0.5 centre, 1 right; ay likewise top/middle/bottom. */
void canvas_text_at(struct canvas *c, const char *s, const PangoFontDescription *fd, double x,
                    double y, double ax, double ay, struct rgb col)
{
    double w, h;
    canvas_text_set(c, s, fd, 0, 0, PANGO_ALIGN_LEFT);
    canvas_text_size(c, &w, &h);
    canvas_text_draw(c, x - ax * w, y - ay * h, col);
}

double canvas_text_width(struct canvas *c, const char *s, const PangoFontDescription *fd)
{
    double w, h;
    canvas_text_set(c, s, fd, 0, 0, PANGO_ALIGN_LEFT);
    canvas_text_size(c, &w, &h);
    return w;
}

double canvas_line_height(struct canvas *c, const PangoFontDescription *fd)
{
    double w, h;
    canvas_text_set(c, "Åg", fd, 0, 0, PANGO_ALIGN_LEFT);
    canvas_text_size(c, &w, &h);
    return h;
}

/* A value in the chart's unit, print style: "−2 225"; with_plus adds "+" to positives. */
void canvas_fmt_value(const struct canvas *c, char *buf, size_t size, int64_t ore, bool with_plus)
{
    if (with_plus && kkr_money_in_unit(ore, c->unit) > 0) {
        buf[0] = '+';
        kkr_money_format(buf + 1, size - 1, ore, c->unit, &KKR_STYLE_PRINT);
    } else {
        kkr_money_format(buf, size, ore, c->unit, &KKR_STYLE_PRINT);
    }
}

/* A tick value given in the display unit (as double) formatted in print style. */
void canvas_fmt_tick(const struct canvas *c, char *buf, size_t size, double v)
{
    if (c->unit == KKR_UNIT_MNKR) {
        /* tenths: kkr_int_format on tenths then insert the comma */
        long long tenths = llround(v * 10);
        char tmp[40];
        kkr_int_format(tmp, sizeof tmp, tenths / 10, &KKR_STYLE_PRINT);
        if (tenths % 10 != 0) {
            if (tenths < 0 && tenths / 10 == 0) {
                snprintf(buf, size, "%s0,%lld", KKR_STYLE_PRINT.minus, llabs(tenths % 10));
                return;
            }
            snprintf(buf, size, "%s,%lld", tmp, llabs(tenths % 10));
        } else {
            snprintf(buf, size, "%s", tmp);
        }
        return;
    }
    kkr_int_format(buf, size, (int64_t)llround(v), &KKR_STYLE_PRINT);
}

/* Display value (rounded in the unit) as double, for positioning on a scale in that unit. */
double canvas_dval(const struct canvas *c, int64_t ore)
{
    switch (c->unit) {
    case KKR_UNIT_KR:
        return (double)ore / 100.0;
    case KKR_UNIT_KKR:
        return (double)ore / 100000.0;
    case KKR_UNIT_MNKR:
        return (double)ore / 100000000.0;
    }
    return (double)ore;
}

const char *canvas_unit_name(const struct canvas *c)
{
    return kkr_display_unit_name(c->unit);
}

/* Header: title, subtitle; returns the y below it. */
double canvas_draw_header(struct canvas *c, const struct kkr_chart *ch, double m)
{
    double y = m, w, h;
    double tw = c->w - 2 * m;
    if (ch->title) {
        canvas_text_set(c, ch->title, c->title, tw, 2, PANGO_ALIGN_LEFT);
        canvas_text_size(c, &w, &h);
        canvas_text_draw(c, m, y, C_TEXT);
        y += h + c->fs * 0.15;
    }
    if (ch->subtitle) {
        canvas_text_set(c, ch->subtitle, c->font, tw, 2, PANGO_ALIGN_LEFT);
        canvas_text_size(c, &w, &h);
        canvas_text_draw(c, m, y, C_MUTED);
        y += h;
    }
    return y + c->fs * 0.6;
}

static void swatch(struct canvas *c, double x, double y, double s, const struct legend_item *it)
{
    cairo_t *cr = c->cr;
    canvas_set_rgb(cr, it->col);
    switch (it->style) {
    case 0:
        cairo_rectangle(cr, x, y + s * 0.15, s, s * 0.7);
        cairo_fill(cr);
        break;
    case 3:
        cairo_set_source_rgba(cr, it->col.r, it->col.g, it->col.b, 0.45);
        cairo_rectangle(cr, x, y + s * 0.15, s * 1.6, s * 0.7);
        cairo_fill(cr);
        break;
    case 4:
    case 5: /* the markers of prognoshistorik: locked (filled) and current (hollow) */
        cairo_arc(cr, x + s / 2, y + s / 2, it->style == 4 ? s * 0.32 : s * 0.4, 0, 2 * M_PI);
        cairo_fill(cr);
        if (it->style == 5) {
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_arc(cr, x + s / 2, y + s / 2, s * 0.23, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        break;
    default:
        cairo_set_line_width(cr, c->fs * 0.22);
        if (it->style == 2) {
            double d[] = {c->fs * 0.45, c->fs * 0.3};
            cairo_set_dash(cr, d, 2, 0);
        }
        cairo_move_to(cr, x, y + s / 2);
        cairo_line_to(cr, x + s * 1.6, y + s / 2);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        break;
    }
}

/* Legend items in a row, wrapping; returns the y below. */
double canvas_draw_legend(struct canvas *c, const struct legend_item *items, size_t n, double x0,
                          double y, double max_x)
{
    double lh = canvas_line_height(c, c->small);
    double s = lh * 0.8;
    double x = x0;
    for (size_t i = 0; i < n; i++) {
        double sw = items[i].style == 0 || items[i].style >= 4 ? s : s * 1.6;
        double tw = canvas_text_width(c, items[i].text, c->small);
        double need = sw + c->fs * 0.35 + tw;
        if (x > x0 && x + need > max_x) {
            x = x0;
            y += lh * 1.2;
        }
        swatch(c, x, y + (lh - s) / 2, s, &items[i]);
        canvas_text_at(c, items[i].text, c->small, x + sw + c->fs * 0.35, y, 0, 0, C_TEXT);
        x += need + c->fs * 1.2;
    }
    return y + lh * 1.2;
}
