/* chart-private.h — inside the chart renderer: colours, the canvas and its text helpers */
#ifndef KKR_CHART_PRIVATE_H
#define KKR_CHART_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "kkr/chart.h"

struct rgb {
    double r, g, b;
};
#define HEX(x) { ((x) >> 16 & 255) / 255.0, ((x) >> 8 & 255) / 255.0, ((x) & 255) / 255.0 }
/* Okabe–Ito: blue for överskott, vermillion for underskott; greys for budget and frame. */
static const struct rgb C_SURPLUS = HEX(0x0072B2);
static const struct rgb C_DEFICIT = HEX(0xD55E00);
static const struct rgb C_BUDGET = HEX(0xA6A6A6);
static const struct rgb C_TOTAL = HEX(0x4D4D4D);
static const struct rgb C_TEXT = HEX(0x1A1A1A);
static const struct rgb C_MUTED = HEX(0x5C5C5C);
static const struct rgb C_GRID = HEX(0xE3E3E3);
static const struct rgb C_AXIS = HEX(0x808080);
static const struct rgb C_BAND = HEX(0x9CC9E8);

static const char *const month_abbr[12] = {
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
};

struct canvas {
    cairo_t *cr;
    PangoLayout *layout;
    PangoFontDescription *font, *bold, *small, *title;
    double fs;                  /* base font size in points */
    double w, h;
    struct kkr_chart_text_log *log, *bars;
    enum kkr_display_unit unit;
};

struct legend_item {
    const char *text;
    struct rgb col;
    int style; /* 0 box, 1 line, 2 dashed line, 3 band, 4 dot, 5 hollow dot */
};

/* In chart-canvas.c: colour, text laid out by pango (text_set, then text_size/text_draw;
 * text_at in one go), every text box logged for the tests, amounts and ticks in the
 * canvas's unit, the header block and the legend (both return the y below them). */
void canvas_set_rgb(cairo_t *cr, struct rgb c);
void canvas_text_set(struct canvas *c, const char *s, const PangoFontDescription *fd,
                     double max_width, int lines, PangoAlignment align);
void canvas_text_size(struct canvas *c, double *w, double *h);
void canvas_log_append(struct kkr_chart_text_log *log, double x, double y, double w, double h);
void canvas_text_draw(struct canvas *c, double x, double y, struct rgb col);
void canvas_text_at(struct canvas *c, const char *s, const PangoFontDescription *fd, double x,
                    double y, double ax, double ay, struct rgb col);
double canvas_text_width(struct canvas *c, const char *s, const PangoFontDescription *fd);
double canvas_line_height(struct canvas *c, const PangoFontDescription *fd);
void canvas_fmt_value(const struct canvas *c, char *buf, size_t size, int64_t ore, bool with_plus);
void canvas_fmt_tick(const struct canvas *c, char *buf, size_t size, double v);
double canvas_dval(const struct canvas *c, int64_t ore);
const char *canvas_unit_name(const struct canvas *c);
double canvas_draw_header(struct canvas *c, const struct kkr_chart *ch, double m);
double canvas_draw_legend(struct canvas *c, const struct legend_item *items, size_t n, double x0,
                          double y, double max_x);
/* In chart-png.c: img (ARGB32) as a PNG with its resolution to fp; false on a write error. */
bool chart_png_write(cairo_surface_t *img, double dpi, FILE *fp);

#endif
