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

/* In chart-bars.c: the horizontal bar charts (rows built from the chart, their layout at a
 * height, the header above them, the legend and the axis title of a kind). */
double chart_hbar_layout(struct canvas *c, struct hbar *rows, size_t n, double y0,
                         struct hlayout *L);
void chart_slice_of(const struct kkr_chart *ch, size_t n, size_t *from, size_t *cnt);
enum kkr_status chart_draw_bars(struct canvas *c, const struct kkr_chart *ch, struct hbar *rows,
                                size_t n, const struct legend_item *legend, size_t nlegend,
                                const char *axis_title, double height, struct kkr_diag *diag);
double chart_header_height(struct canvas *c, const struct kkr_chart *ch,
                           const struct legend_item *legend, size_t nlegend);
enum kkr_status chart_build_hbars(struct canvas *c, const struct kkr_chart *ch,
                                  struct hbar **out, size_t *count, struct kkr_diag *diag);
size_t chart_legend_for(const struct kkr_chart *ch, struct legend_item *items);
char *chart_axis_title_for(const struct canvas *c, const struct kkr_chart *ch, char *buf,
                           size_t size);
/* In chart-lines.c: the charts by month, and the dot their legends and ends share. */
void chart_dot(struct canvas *c, double x, double y, double r, struct rgb col);
enum kkr_status chart_draw_monthly(struct canvas *c, const struct kkr_chart *ch,
                                   struct kkr_diag *diag);
enum kkr_status chart_draw_history(struct canvas *c, const struct kkr_chart *ch,
                                   struct kkr_diag *diag);

/* In chart-png.c: img (ARGB32) as a PNG with its resolution to fp; false on a write error. */
bool chart_png_write(cairo_surface_t *img, double dpi, FILE *fp);

#endif
