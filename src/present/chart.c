/* chart.c — charts: kinds and sizes, the canvas opened on cairo, drawing, writing files */
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
    const char *chart_dot = strrchr(path, '.');
    if (!chart_dot || strchr(chart_dot, '/'))
        return false;
    if (strcasecmp(chart_dot, ".png") == 0)
        *out = KKR_CHART_PNG;
    else if (strcasecmp(chart_dot, ".pdf") == 0)
        *out = KKR_CHART_PDF;
    else if (strcasecmp(chart_dot, ".svg") == 0)
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
        if (chart_build_hbars(&c, &copy, &rows, &n, NULL) == KKR_OK) {
            struct legend_item legend[4];
            size_t nl = chart_legend_for(&copy, legend);
            struct hlayout L;
            L.row_top = calloc(n ? n : 1, sizeof(double));
            L.row_h = calloc(n ? n : 1, sizeof(double));
            if (L.row_top && L.row_h) {
                size_t from, cnt;
                chart_slice_of(&copy, n, &from, &cnt);
                h = chart_hbar_layout(&c, rows + from, cnt,
                                      chart_header_height(&c, &copy, legend, nl), &L);
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

/* A bar chart of more than KKR_CHART_MAX_ROWS rows as it is written: reduced (chart.h). */
struct big_chart {
    struct kkr_chart reduced;
    struct kkr_chart_row *rows;
    char subtitle[768];
};

static enum kkr_status reduce_big(const struct kkr_chart **chart, struct big_chart *big,
                                  struct kkr_diag *diag)
{
    const struct kkr_chart *ch = *chart;
    big->rows = NULL;
    if ((ch->kind != KKR_CHART_AVVIKELSE && ch->kind != KKR_CHART_BUDGET_PROGNOS) ||
        ch->row_count <= KKR_CHART_MAX_ROWS)
        return KKR_OK;
    enum kkr_status st = kkr_chart_reduce(ch, KKR_CHART_REDUCED_ROWS, &big->reduced, &big->rows,
                                          big->subtitle, sizeof big->subtitle, diag);
    if (st == KKR_OK)
        *chart = &big->reduced;
    return st;
}

double kkr_chart_natural_height(const struct kkr_chart *chart, double width_pt)
{
    struct big_chart big;
    if (reduce_big(&chart, &big, NULL) != KKR_OK)
        return 0;
    double h = natural_height_at(chart, width_pt, 1.0);
    free(big.rows);
    return h;
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
        st = chart_build_hbars(&c, chart, &rows, &n, diag);
        if (st == KKR_OK) {
            struct legend_item legend[4];
            size_t nl = chart_legend_for(chart, legend);
            char axis[96];
            chart_axis_title_for(&c, chart, axis, sizeof axis);
            st = chart_draw_bars(&c, chart, rows, n, legend, nl, axis, height, diag);
            free(rows);
        }
        break;
    }
    case KKR_CHART_ACKUMULERAT:
        st = chart_draw_monthly(&c, chart, diag);
        break;
    case KKR_CHART_PROGNOSHISTORIK:
        st = chart_draw_history(&c, chart, diag);
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
    struct big_chart big;
    enum kkr_status st = reduce_big(&chart, &big, diag);
    if (st != KKR_OK)
        return st;
    double w = size->width_pt;
    double scale = format == KKR_CHART_PNG ? size->dpi / 72.0 : 1.0;
    double h = size->height_pt > 0 ? size->height_pt : natural_height_at(chart, w, scale);
    struct kkr_output o = *out; /* fp is what is written; the caller commits */
    const char *path = o.path ? o.path : "-";
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
    free(big.rows);
    return st;
}
