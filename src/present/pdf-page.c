/* pdf-page.c — the A4 page of the PDF report: fonts, text, page flow, the follow-up tables */
#include "kkr/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "kkr/history.h"
#include "kkr/invest.h"
#include "kkr/output.h"
#include "kkr/report.h"
#include "kkr/rollup.h"
#include "kkr/summary.h"
#include "kkr/workbook.h"

#include "pdf-private.h"

void pdf_font_setup(struct page *p, PangoLayout *layout)
{
    PangoContext *pc = pango_layout_get_context(layout);
    pango_cairo_context_set_resolution(pc, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    /* glyphs where the font puts them, not rounded to whole points (see canvas_open) */
    pango_context_set_round_glyph_positions(pc, FALSE);
    pango_layout_context_changed(layout);
    if (p->body)
        return;
    p->body = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(p->body, 8.5 * PANGO_SCALE);
    p->bold = pango_font_description_copy(p->body);
    pango_font_description_set_weight(p->bold, PANGO_WEIGHT_BOLD);
    p->small = pango_font_description_copy(p->body);
    pango_font_description_set_absolute_size(p->small, 7.5 * PANGO_SCALE);
    p->h1 = pango_font_description_copy(p->bold);
    pango_font_description_set_absolute_size(p->h1, 18 * PANGO_SCALE);
    p->h2 = pango_font_description_copy(p->bold);
    pango_font_description_set_absolute_size(p->h2, 11 * PANGO_SCALE);
}

void pdf_font_release(struct page *p)
{
    pango_font_description_free(p->body);
    pango_font_description_free(p->bold);
    pango_font_description_free(p->small);
    pango_font_description_free(p->h1);
    pango_font_description_free(p->h2);
    pango_font_description_free(p->tbody);
    pango_font_description_free(p->tbold);
}

/* Lays out text in width (<= 0: one line); returns its height. */
double pdf_layout_text(struct page *p, const char *s, const PangoFontDescription *fd,
                       double width, PangoAlignment align)
{
    PangoLayout *l = p->layout;
    pango_layout_set_font_description(l, fd);
    pango_layout_set_attributes(l, NULL); /* no markup left over from a Sammanfattning block */
    pango_layout_set_text(l, s, -1);
    pango_layout_set_alignment(l, align);
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(l, -1);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    } else {
        pango_layout_set_width(l, -1);
    }
    PangoRectangle ink, logical;
    pango_layout_get_extents(l, &ink, &logical);
    return (double)logical.height / PANGO_SCALE;
}

/* Lays out pango markup in width; returns its height. */
double pdf_layout_markup(struct page *p, const char *markup, const PangoFontDescription *fd,
                         double width)
{
    PangoLayout *l = p->layout;
    pango_layout_set_font_description(l, fd);
    pango_layout_set_markup(l, markup, -1);
    pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
    pango_layout_set_height(l, -1);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    PangoRectangle ink, logical;
    pango_layout_get_extents(l, &ink, &logical);
    return (double)logical.height / PANGO_SCALE;
}

static double layout_width(struct page *p)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(p->layout, &ink, &logical);
    return (double)logical.width / PANGO_SCALE;
}

void pdf_show(struct page *p, double x, double y, double grey)
{
    if (p->counting)
        return;
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->layout);
}

void pdf_footer(struct page *p)
{
    if (p->counting)
        return;
    PangoLayout *keep = p->layout;
    p->layout = p->footer_layout;
    double y = PAGE_H - MARGIN_BOTTOM + 18;
    cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, MARGIN_X, y - 4);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, y - 4);
    cairo_stroke(p->cr);
    pdf_layout_text(p, p->footer, p->small, PAGE_W - 2 * MARGIN_X - 80, PANGO_ALIGN_LEFT);
    pdf_show(p, MARGIN_X, y, 0.35);
    char num[64];
    if (p->pages_total > 0)
        snprintf(num, sizeof num, "Sida %d av %d", p->page, p->pages_total);
    else
        snprintf(num, sizeof num, "Sida %d", p->page);
    pdf_layout_text(p, num, p->small, 0, PANGO_ALIGN_LEFT);
    pdf_show(p, PAGE_W - MARGIN_X - layout_width(p), y, 0.35);
    p->layout = keep;
}

void pdf_new_page(struct page *p)
{
    pdf_footer(p);
    if (!p->counting)
        cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_TOP;
}

/* Starts a new page unless h more points fit. */
void pdf_need(struct page *p, double h)
{
    if (p->y + h > PAGE_H - MARGIN_BOTTOM)
        pdf_new_page(p);
}

void pdf_heading(struct page *p, const char *s, double space_after)
{
    double h = pdf_layout_text(p, s, p->h2, PAGE_W - 2 * MARGIN_X, PANGO_ALIGN_LEFT);
    pdf_need(p, h + space_after + 40); /* keep a heading with what follows */
    pdf_show(p, MARGIN_X, p->y, 0.1);
    p->y += h + space_after;
}

/* ---- tables: the report's table model (kkr_report_table), the same cells as the CSV ---- */

double pdf_text_width(struct page *p, const char *s, const PangoFontDescription *fd)
{
    pdf_layout_text(p, s, fd, 0, PANGO_ALIGN_LEFT);
    return layout_width(p);
}

double pdf_figure_width(struct page *p, int64_t ore, const PangoFontDescription *fd)
{
    char buf[64];
    kkr_money_format(buf, sizeof buf, ore, p->unit, &KKR_STYLE_PRINT);
    return pdf_text_width(p, buf, fd);
}

/* The width of a table cell's text in fd. With tabular digits (every digit one advance, as in
 * DejaVu Sans) a figure's width depends only on its shape, so the widths are cached by the
 * text with every digit made '0': a table of 50 000 units lays out a few dozen shapes, not
 * 300 000 figures. */
static double cell_width(struct page *p, GHashTable *cache, const char *s,
                         const PangoFontDescription *fd)
{
    if (!p->digits_tabular)
        return pdf_text_width(p, s, fd);
    char key[128];
    size_t n = strlen(s);
    if (n >= sizeof key)
        return pdf_text_width(p, s, fd);
    for (size_t i = 0; i <= n; i++)
        key[i] = s[i] >= '0' && s[i] <= '9' ? '0' : s[i];
    double *w = g_hash_table_lookup(cache, key);
    if (w)
        return *w;
    w = g_new(double, 1);
    *w = pdf_text_width(p, key, fd);
    g_hash_table_insert(cache, g_strdup(key), w);
    return *w;
}

/* Whether every digit of fd has the advance of '0'. */
static bool digits_tabular(struct page *p, const PangoFontDescription *fd)
{
    double w0 = pdf_text_width(p, "0000000000", fd);
    char d[11];
    for (char c = '1'; c <= '9'; c++) {
        memset(d, c, 10);
        d[10] = '\0';
        if (pdf_text_width(p, d, fd) != w0)
            return false;
    }
    return pdf_text_width(p, "0123456789", fd) == w0;
}

/* Sizes the figure columns to the widest figure of both tables (in kr they run to
 * "−220 150 241"), shrinking the table font a little when the names would get too narrow,
 * so that neighbouring figures never touch or wrap. */
void pdf_table_fit(struct page *p)
{
    static const double sizes[] = {8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5};
    const struct kkr_report_table *t = p->table;
    size_t ncols = t->layout->count;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        pango_font_description_free(p->tbody);
        pango_font_description_free(p->tbold);
        p->tbody = pango_font_description_copy(p->body);
        pango_font_description_set_absolute_size(p->tbody, sizes[si] * PANGO_SCALE);
        p->tbold = pango_font_description_copy(p->tbody);
        pango_font_description_set_weight(p->tbold, PANGO_WEIGHT_BOLD);
        double widest = 0;
        char buf[128];
        p->digits_tabular = digits_tabular(p, p->tbold);
        GHashTable *cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        for (int tab = 0; tab < 2; tab++) {
            const struct kkr_report_line *lines = tab ? t->units : t->slag;
            size_t n = tab ? t->unit_count : t->slag_count;
            for (size_t i = 0; i < n; i++)
                for (size_t c = 0; c < ncols; c++) {
                    struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
                    kkr_report_value_format(t, &v, &KKR_STYLE_PRINT, buf, sizeof buf);
                    double w = cell_width(p, cache, buf, p->tbold);
                    if (w > widest)
                        widest = w;
                }
        }
        g_hash_table_destroy(cache);
        /* column titles wrap onto two lines (table_header), figures never do */
        if (pdf_text_width(p, "Avvikelse", p->tbold) > widest)
            widest = pdf_text_width(p, "Avvikelse", p->tbold);
        p->num_w = widest + sizes[si] * 1.5;
        if (p->num_w < 40)
            p->num_w = 40;
        if (CONTENT_W - (double)ncols * p->num_w >= 150 ||
            (ncols > 6 && CONTENT_W - (double)ncols * p->num_w >= 110))
            break;
    }
}

/* The rule under a table's column titles. */
void pdf_header_rule(struct page *p)
{
    if (!p->counting) {
        cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(p->cr, 0.8);
        cairo_move_to(p->cr, MARGIN_X, p->y);
        cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y);
        cairo_stroke(p->cr);
    }
    p->y += 3;
}

/* The thinner rule above a total row. */
void pdf_total_rule(struct page *p)
{
    if (p->counting)
        return;
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, MARGIN_X, p->y - 1.5);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y - 1.5);
    cairo_stroke(p->cr);
}

void pdf_table_header(struct page *p, const char *first)
{
    const struct kkr_report_table *t = p->table;
    const struct kkr_report_layout *L = t->layout;
    double x0 = MARGIN_X + NAME_W;
    double h = pdf_layout_text(p, "Ackumulerat period", p->tbold, 3 * NUM_W, PANGO_ALIGN_RIGHT);
    /* column titles may wrap to two lines ("Förändring %", a Rubrik) */
    double th = h;
    for (size_t c = 0; c < L->count; c++) {
        double hh = pdf_layout_text(p, L->cols[c].title, p->tbold, NUM_W - 2, PANGO_ALIGN_RIGHT);
        if (hh > th)
            th = hh;
    }
    pdf_need(p, h + th + h + 8);
    for (size_t c = 0; c < L->count;) {
        size_t e = c;
        while (e < L->count && L->cols[e].group == L->cols[c].group)
            e++;
        char title[64];
        kkr_report_group_title(t, L->cols[c].group, title, sizeof title);
        pdf_layout_text(p, title, p->tbold, (double)(e - c) * NUM_W, PANGO_ALIGN_RIGHT);
        pdf_show(p, x0 + (double)c * NUM_W, p->y, 0.1);
        c = e;
    }
    p->y += h + 1;
    pdf_layout_text(p, first, p->tbold, NAME_W, PANGO_ALIGN_LEFT);
    pdf_show(p, MARGIN_X, p->y + th - h, 0.1);
    for (size_t c = 0; c < L->count; c++) {
        double hh = pdf_layout_text(p, L->cols[c].title, p->tbold, NUM_W - 2, PANGO_ALIGN_RIGHT);
        pdf_show(p, x0 + (double)c * NUM_W + 2, p->y + th - hh, 0.1);
    }
    p->y += th + 2;
    pdf_header_rule(p);
}

void pdf_table_row(struct page *p, const char *first_col, const char *name,
                   const struct kkr_report_line *line, bool bold, bool shade)
{
    const struct kkr_report_table *t = p->table;
    const PangoFontDescription *fd = bold ? p->tbold : p->tbody;
    int depth = line->depth;
    double indent = (depth < 8 ? depth : 8) * 9.0; /* a hostile deep tree stays on the page */
    double h = pdf_layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    bool broke = p->y + h + 3 > PAGE_H - MARGIN_BOTTOM;
    if (broke) {
        pdf_new_page(p);
        pdf_table_header(p, first_col);
    }
    if (shade && !p->counting) {
        cairo_set_source_rgb(p->cr, 0.95, 0.95, 0.95);
        cairo_rectangle(p->cr, MARGIN_X, p->y - 1, CONTENT_W, h + 2);
        cairo_fill(p->cr);
    }
    if (bold)
        pdf_total_rule(p);
    if (broke) /* the header laid out its own text: the name again */
        pdf_layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    pdf_show(p, MARGIN_X + indent, p->y, 0.1);
    /* a figure never wraps: the name alone sets the row's height, so the first pass (which
     * only counts pages) lays out no figure */
    for (size_t c = 0; c < t->layout->count && !p->counting; c++) {
        char buf[128];
        struct kkr_report_value v = kkr_report_table_value(t, line, c);
        kkr_report_value_format(t, &v, &KKR_STYLE_PRINT, buf, sizeof buf);
        pdf_layout_text(p, buf, fd, NUM_W, PANGO_ALIGN_RIGHT);
        pdf_show(p, MARGIN_X + NAME_W + (double)c * NUM_W, p->y, 0.1);
    }
    p->y += h + 3;
}
