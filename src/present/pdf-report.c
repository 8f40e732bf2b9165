/* pdf-report.c — the månadsrapport (DESIGN §14) on A4: title block, Sammanfattning, the
 * follow-up tables, prognoshistorik, comments, charts two to a page */
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

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_X 56.69  /* 20 mm: the content is 170 mm wide */
#define MARGIN_TOP 50.0
#define MARGIN_BOTTOM 56.0

struct page {
    cairo_t *cr;
    PangoLayout *layout;
    PangoLayout *footer_layout; /* its own, so a page break never clobbers the text in hand */
    PangoFontDescription *body, *bold, *small, *h1, *h2;
    PangoFontDescription *tbody, *tbold; /* the tables: smaller when kr figures are wide */
    double num_w;                        /* width of a figure column */
    double y;
    int page;
    int pages_total;        /* from the first pass; 0 while counting */
    bool counting;          /* the first pass: lay out what decides a height, draw nothing */
    bool digits_tabular;    /* the table font's digits share one advance (figure_w_cache) */
    struct width_cache *widths; /* the widths of figures by their shape, for table_fit */
    char footer[1200];
    enum kkr_display_unit unit;
    const struct kkr_report_table *table; /* the follow-up tables' rows and columns */
};

static void font_setup(struct page *p, PangoLayout *layout)
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

static void font_release(struct page *p)
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
static double layout_text(struct page *p, const char *s, const PangoFontDescription *fd,
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
static double layout_markup(struct page *p, const char *markup, const PangoFontDescription *fd,
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

static void show(struct page *p, double x, double y, double grey)
{
    if (p->counting)
        return;
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->layout);
}

static void footer(struct page *p)
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
    layout_text(p, p->footer, p->small, PAGE_W - 2 * MARGIN_X - 80, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, y, 0.35);
    char num[64];
    if (p->pages_total > 0)
        snprintf(num, sizeof num, "Sida %d av %d", p->page, p->pages_total);
    else
        snprintf(num, sizeof num, "Sida %d", p->page);
    layout_text(p, num, p->small, 0, PANGO_ALIGN_LEFT);
    show(p, PAGE_W - MARGIN_X - layout_width(p), y, 0.35);
    p->layout = keep;
}

static void new_page(struct page *p)
{
    footer(p);
    if (!p->counting)
        cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_TOP;
}

/* Starts a new page unless h more points fit. */
static void need(struct page *p, double h)
{
    if (p->y + h > PAGE_H - MARGIN_BOTTOM)
        new_page(p);
}

static void heading(struct page *p, const char *s, double space_after)
{
    double h = layout_text(p, s, p->h2, PAGE_W - 2 * MARGIN_X, PANGO_ALIGN_LEFT);
    need(p, h + space_after + 40); /* keep a heading with what follows */
    show(p, MARGIN_X, p->y, 0.1);
    p->y += h + space_after;
}

/* ---- tables: the report's table model (kkr_report_table), the same cells as the CSV ---- */

#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define NUM_W (p->num_w)
#define NAME_W (CONTENT_W - (double)p->table->layout->count * p->num_w)

static double text_width(struct page *p, const char *s, const PangoFontDescription *fd)
{
    layout_text(p, s, fd, 0, PANGO_ALIGN_LEFT);
    return layout_width(p);
}

static double figure_width(struct page *p, int64_t ore, const PangoFontDescription *fd)
{
    char buf[64];
    kkr_money_format(buf, sizeof buf, ore, p->unit, &KKR_STYLE_PRINT);
    return text_width(p, buf, fd);
}

/* The width of a table cell's text in fd. With tabular digits (every digit one advance, as in
 * DejaVu Sans) a figure's width depends only on its shape, so the widths are cached by the
 * text with every digit made '0': a table of 50 000 units lays out a few dozen shapes, not
 * 300 000 figures. */
static double cell_width(struct page *p, GHashTable *cache, const char *s,
                         const PangoFontDescription *fd)
{
    if (!p->digits_tabular)
        return text_width(p, s, fd);
    char key[128];
    size_t n = strlen(s);
    if (n >= sizeof key)
        return text_width(p, s, fd);
    for (size_t i = 0; i <= n; i++)
        key[i] = s[i] >= '0' && s[i] <= '9' ? '0' : s[i];
    double *w = g_hash_table_lookup(cache, key);
    if (w)
        return *w;
    w = g_new(double, 1);
    *w = text_width(p, key, fd);
    g_hash_table_insert(cache, g_strdup(key), w);
    return *w;
}

/* Whether every digit of fd has the advance of '0'. */
static bool digits_tabular(struct page *p, const PangoFontDescription *fd)
{
    double w0 = text_width(p, "0000000000", fd);
    char d[11];
    for (char c = '1'; c <= '9'; c++) {
        memset(d, c, 10);
        d[10] = '\0';
        if (text_width(p, d, fd) != w0)
            return false;
    }
    return text_width(p, "0123456789", fd) == w0;
}

/* Sizes the figure columns to the widest figure of both tables (in kr they run to
 * "−220 150 241"), shrinking the table font a little when the names would get too narrow,
 * so that neighbouring figures never touch or wrap. */
static void table_fit(struct page *p)
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
        if (text_width(p, "Avvikelse", p->tbold) > widest)
            widest = text_width(p, "Avvikelse", p->tbold);
        p->num_w = widest + sizes[si] * 1.5;
        if (p->num_w < 40)
            p->num_w = 40;
        if (CONTENT_W - (double)ncols * p->num_w >= 150 ||
            (ncols > 6 && CONTENT_W - (double)ncols * p->num_w >= 110))
            break;
    }
}

/* The rule under a table's column titles. */
static void header_rule(struct page *p)
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
static void total_rule(struct page *p)
{
    if (p->counting)
        return;
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, MARGIN_X, p->y - 1.5);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y - 1.5);
    cairo_stroke(p->cr);
}

static void table_header(struct page *p, const char *first)
{
    const struct kkr_report_table *t = p->table;
    const struct kkr_report_layout *L = t->layout;
    double x0 = MARGIN_X + NAME_W;
    double h = layout_text(p, "Ackumulerat period", p->tbold, 3 * NUM_W, PANGO_ALIGN_RIGHT);
    /* column titles may wrap to two lines ("Förändring %", a Rubrik) */
    double th = h;
    for (size_t c = 0; c < L->count; c++) {
        double hh = layout_text(p, L->cols[c].title, p->tbold, NUM_W - 2, PANGO_ALIGN_RIGHT);
        if (hh > th)
            th = hh;
    }
    need(p, h + th + h + 8);
    for (size_t c = 0; c < L->count;) {
        size_t e = c;
        while (e < L->count && L->cols[e].group == L->cols[c].group)
            e++;
        char title[64];
        kkr_report_group_title(t, L->cols[c].group, title, sizeof title);
        layout_text(p, title, p->tbold, (double)(e - c) * NUM_W, PANGO_ALIGN_RIGHT);
        show(p, x0 + (double)c * NUM_W, p->y, 0.1);
        c = e;
    }
    p->y += h + 1;
    layout_text(p, first, p->tbold, NAME_W, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, p->y + th - h, 0.1);
    for (size_t c = 0; c < L->count; c++) {
        double hh = layout_text(p, L->cols[c].title, p->tbold, NUM_W - 2, PANGO_ALIGN_RIGHT);
        show(p, x0 + (double)c * NUM_W + 2, p->y + th - hh, 0.1);
    }
    p->y += th + 2;
    header_rule(p);
}

static void table_row(struct page *p, const char *first_col, const char *name,
                      const struct kkr_report_line *line, bool bold, bool shade)
{
    const struct kkr_report_table *t = p->table;
    const PangoFontDescription *fd = bold ? p->tbold : p->tbody;
    int depth = line->depth;
    double indent = (depth < 8 ? depth : 8) * 9.0; /* a hostile deep tree stays on the page */
    double h = layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    bool broke = p->y + h + 3 > PAGE_H - MARGIN_BOTTOM;
    if (broke) {
        new_page(p);
        table_header(p, first_col);
    }
    if (shade && !p->counting) {
        cairo_set_source_rgb(p->cr, 0.95, 0.95, 0.95);
        cairo_rectangle(p->cr, MARGIN_X, p->y - 1, CONTENT_W, h + 2);
        cairo_fill(p->cr);
    }
    if (bold)
        total_rule(p);
    if (broke) /* the header laid out its own text: the name again */
        layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X + indent, p->y, 0.1);
    /* a figure never wraps: the name alone sets the row's height, so the first pass (which
     * only counts pages) lays out no figure */
    for (size_t c = 0; c < t->layout->count && !p->counting; c++) {
        char buf[128];
        struct kkr_report_value v = kkr_report_table_value(t, line, c);
        kkr_report_value_format(t, &v, &KKR_STYLE_PRINT, buf, sizeof buf);
        layout_text(p, buf, fd, NUM_W, PANGO_ALIGN_RIGHT);
        show(p, MARGIN_X + NAME_W + (double)c * NUM_W, p->y, 0.1);
    }
    p->y += h + 3;
}

/* ---- the investment page ---- */

static void invest_page(struct page *p, const struct kkr_investments *inv,
                        const struct kkr_report_options *opt)
{
    int nc = kkr_invest_column_count(inv);
    double num_w = (CONTENT_W - 120) / nc;
    if (num_w > 62)
        num_w = 62;
    double name_w = CONTENT_W - nc * num_w;
    if (p->y > MARGIN_TOP)
        new_page(p);
    char title[64];
    snprintf(title, sizeof title, "Investeringar %d", p->table->wb->year);
    heading(p, title, 6);
    double h = layout_text(p, "År", p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
    snprintf(title, sizeof title, "År %d", p->table->wb->year);
    layout_text(p, title, p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
    show(p, MARGIN_X + name_w, p->y, 0.1);
    if (nc > 4) {
        layout_text(p, "Hela projektet", p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
        show(p, MARGIN_X + name_w + 4 * num_w, p->y, 0.1);
    }
    p->y += h + 1;
    double th = h;
    for (int c = 0; c < nc; c++) {
        double hh = layout_text(p, kkr_invest_column_title(c), p->small, num_w - 2,
                                PANGO_ALIGN_RIGHT);
        if (hh > th)
            th = hh;
    }
    char unit[32];
    snprintf(unit, sizeof unit, "Belopp i %s", kkr_display_unit_name(opt->unit));
    layout_text(p, unit, p->tbold, name_w, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, p->y + th - h, 0.1);
    for (int c = 0; c < nc; c++) {
        double hh = layout_text(p, kkr_invest_column_title(c), p->small, num_w - 2,
                                PANGO_ALIGN_RIGHT);
        show(p, MARGIN_X + name_w + c * num_w + 2, p->y + th - hh, 0.1);
    }
    p->y += th + 2;
    header_rule(p);
    char buf[600];
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        bool bold = k == inv->count || it->is_group;
        const PangoFontDescription *fd = bold ? p->tbold : p->tbody;
        double indent = (it->depth < 8 ? it->depth : 8) * 9.0;
        snprintf(buf, sizeof buf, "%s", k < inv->count ? it->name : "Summa investeringar");
        double rh = layout_text(p, buf, fd, name_w - indent - 6, PANGO_ALIGN_LEFT);
        need(p, rh + 3);
        if (k == inv->count)
            total_rule(p);
        layout_text(p, buf, fd, name_w - indent - 6, PANGO_ALIGN_LEFT);
        show(p, MARGIN_X + indent, p->y, 0.1);
        for (int c = 0; c < nc; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_PRINT, buf, sizeof buf);
            layout_text(p, buf, fd, num_w, PANGO_ALIGN_RIGHT);
            show(p, MARGIN_X + name_w + c * num_w, p->y, 0.1);
        }
        p->y += rh + 3;
    }
    double nh = layout_text(p, "Avvikelse = budget − prognos (positiv = lägre utgift än budgeterat).",
                            p->small, CONTENT_W, PANGO_ALIGN_LEFT);
    need(p, nh);
    show(p, MARGIN_X, p->y + 2, 0.35);
    p->y += nh + 12;
}

/* ---- charts ---- */

static enum kkr_status draw_chart_at(struct page *p, const struct kkr_chart *chart, double h,
                                     struct kkr_diag *diag)
{
    double w = CONTENT_W;
    need(p, h + 6);
    if (p->counting) {
        p->y += h + 16;
        return KKR_OK;
    }
    cairo_save(p->cr);
    cairo_translate(p->cr, MARGIN_X, p->y);
    cairo_rectangle(p->cr, 0, 0, w, h);
    cairo_clip(p->cr);
    enum kkr_status st = kkr_chart_draw(p->cr, chart, w, h, diag);
    cairo_restore(p->cr);
    p->y += h + 16;
    return st;
}

/* A chart at the text width; a bar chart taller than a page is split into slices that share
 * one scale, each slice on its own page, titled "(forts.)" after the first. */
static enum kkr_status place_chart(struct page *p, const struct kkr_chart *chart,
                                   struct kkr_diag *diag)
{
    double w = CONTENT_W;
    double avail = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 8;
    double h = kkr_chart_natural_height(chart, w);
    size_t n = chart->kind == KKR_CHART_BRYGGA ? chart->step_count : chart->row_count;
    bool bars = chart->kind == KKR_CHART_AVVIKELSE || chart->kind == KKR_CHART_BUDGET_PROGNOS ||
                chart->kind == KKR_CHART_BRYGGA;
    if (h <= avail || !bars || n < 2) {
        if (h > avail)
            h = avail;
        return draw_chart_at(p, chart, h, diag);
    }
    struct kkr_chart slice = *chart;
    char title[600];
    enum kkr_status st = KKR_OK;
    for (size_t from = 0; from < n && st == KKR_OK;) {
        slice.slice_from = from;
        /* the most rows that fit a page (at least one) */
        size_t cnt = 1;
        slice.slice_count = 1;
        double sh = kkr_chart_natural_height(&slice, w);
        while (from + cnt < n) {
            slice.slice_count = cnt + 1;
            double h2 = kkr_chart_natural_height(&slice, w);
            if (h2 > avail)
                break;
            cnt++;
            sh = h2;
        }
        slice.slice_count = cnt;
        if (from > 0) {
            snprintf(title, sizeof title, "%s (forts.)", chart->title ? chart->title : "");
            slice.title = title;
        }
        if (p->y > MARGIN_TOP)
            new_page(p);
        st = draw_chart_at(p, &slice, sh, diag);
        from += cnt;
    }
    return st;
}

/* ---- the Sammanfattning (DESIGN §14) ---- */

/* Inline Markdown to pango markup: **bold**, *italic* and _italic_; every other character
 * escaped, so that nothing in sammanfattning.md can inject markup. An emphasis without its
 * closing mark is printed as it stands. */
static void inline_markup(GString *out, const char *s, size_t len)
{
    bool bold = false, italic = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '*' && i + 1 < len && s[i + 1] == '*' &&
            (bold || memmem(s + i + 2, len - i - 2, "**", 2))) {
            g_string_append(out, bold ? "</b>" : "<b>");
            bold = !bold;
            i++;
            continue;
        }
        if ((s[i] == '*' || s[i] == '_') &&
            (italic || memchr(s + i + 1, s[i], len - i - 1))) {
            g_string_append(out, italic ? "</i>" : "<i>");
            italic = !italic;
            continue;
        }
        size_t n = (size_t)g_utf8_skip[(unsigned char)s[i]];
        if (i + n > len)
            n = len - i;
        char *esc = g_markup_escape_text(s + i, (gssize)n);
        g_string_append(out, esc);
        g_free(esc);
        i += n - 1;
    }
    if (italic)
        g_string_append(out, "</i>");
    if (bold)
        g_string_append(out, "</b>");
}

static void markup_block(struct page *p, const char *markup, const PangoFontDescription *fd,
                         double indent, double space_after)
{
    double h = layout_markup(p, markup, fd, CONTENT_W - indent);
    need(p, h);
    layout_markup(p, markup, fd, CONTENT_W - indent);
    show(p, MARGIN_X + indent, p->y, 0.1);
    p->y += h + space_after;
}

/* sammanfattning.md as the ekonom wrote it: paragraphs, headings (#), lists (-, *, +, 1.),
 * bold and italic; anything else as it stands. */
static void summary_markdown(struct page *p, const char *md)
{
    GString *para = g_string_new(NULL);
    const char *line = md;
    while (*line || para->len) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        const char *t = line;
        size_t tl = len;
        while (tl && (*t == ' ' || *t == '\t'))
            t++, tl--;
        int level = 0;
        while (level < (int)tl && t[level] == '#')
            level++;
        bool heading = level >= 1 && level <= 6 && (int)tl > level && t[level] == ' ';
        size_t digits = 0;
        while (digits < tl && t[digits] >= '0' && t[digits] <= '9')
            digits++;
        bool bullet = tl >= 2 && strchr("-*+", t[0]) && t[1] == ' ';
        bool numbered = digits > 0 && digits + 1 < tl && (t[digits] == '.' || t[digits] == ')') &&
                        t[digits + 1] == ' ';
        bool blank = tl == 0;
        if ((blank || heading || bullet || numbered || !*line) && para->len) {
            markup_block(p, para->str, p->body, 0, 5);
            g_string_truncate(para, 0);
        }
        if (!*line)
            break;
        GString *m = g_string_new(NULL);
        if (heading) {
            inline_markup(m, t + level + 1, tl - (size_t)level - 1);
            double h = layout_markup(p, m->str, level <= 2 ? p->h2 : p->bold, CONTENT_W);
            need(p, h + 30); /* keep a heading with what follows */
            markup_block(p, m->str, level <= 2 ? p->h2 : p->bold, 0, 3);
        } else if (bullet || numbered) {
            size_t skip = bullet ? 2 : digits + 2;
            if (bullet)
                g_string_append(m, "•  ");
            else
                g_string_append_len(m, t, (gssize)digits + 1), g_string_append(m, "  ");
            inline_markup(m, t + skip, tl - skip);
            markup_block(p, m->str, p->body, 10, 2);
        } else if (!blank) {
            if (para->len)
                g_string_append_c(para, ' ');
            inline_markup(para, t, tl);
        } else {
            p->y += 2;
        }
        g_string_free(m, TRUE);
        line = end ? end + 1 : line + len;
    }
    g_string_free(para, TRUE);
}

static void summary_section(struct page *p, const struct kkr_report_document *doc)
{
    if (!doc || (!doc->summary_markdown && !doc->summary))
        return;
    heading(p, "Sammanfattning", 6);
    if (doc->summary_markdown) {
        summary_markdown(p, doc->summary_markdown);
    } else {
        for (size_t i = 0; i < doc->summary->count; i++) {
            GString *m = g_string_new(NULL);
            inline_markup(m, doc->summary->paragraphs[i], strlen(doc->summary->paragraphs[i]));
            markup_block(p, m->str, p->body, 0, 5);
            g_string_free(m, TRUE);
        }
    }
    p->y += 12;
}

/* ---- prognoshistorik: the avvikelse of each top-level unit per locked month ---- */

static void history_section(struct page *p, const struct kkr_workbook *wb,
                            const struct kkr_report_document *doc)
{
    const struct kkr_history *h = doc ? doc->history : NULL;
    if (!h || h->month_count == 0)
        return;
    static const char *const abbrev[13] = {"", "jan", "feb", "mar", "apr", "maj", "jun",
                                           "jul", "aug", "sep", "okt", "nov", "dec"};
    /* the budget column as wide as its widest figure, the months as wide as theirs; as many of
     * the latest months as fit beside the names (at most 150 pt of them) */
    double budget_w = 0, widest = 0, names = 0;
    for (size_t t = 0; t <= h->unit_count; t++) {
        double w = figure_width(p, h->budget_ore[t], p->tbold);
        if (w > budget_w)
            budget_w = w;
        for (size_t m = 0; m < h->month_count; m++) {
            w = figure_width(p, h->budget_ore[t] - h->forecast_ore[m * (h->unit_count + 1) + t],
                             p->tbold);
            if (w > widest)
                widest = w;
        }
        w = text_width(p, t < h->unit_count ? wb->units[h->units[t]].name : "Totalt", p->tbold);
        if (w > names)
            names = w;
    }
    budget_w += 10;
    double col_w = widest + 10;
    if (col_w < 30)
        col_w = 30;
    double min_name = names + 10 < 150 ? names + 10 : 150;
    size_t fit = (size_t)((CONTENT_W - min_name - budget_w) / col_w);
    size_t shown = h->month_count < fit ? h->month_count : fit;
    if (shown < 1)
        shown = 1;
    size_t cols = shown + 1;
    size_t first = h->month_count - shown; /* the latest months */
    double name_w = CONTENT_W - budget_w - (double)shown * col_w;
#define HCOL_X(c) (MARGIN_X + name_w + ((c) == 0 ? 0 : budget_w + (double)((c) - 1) * col_w))
#define HCOL_W(c) ((c) == 0 ? budget_w : col_w)
    char htitle[160];
    if (shown < h->month_count)
        snprintf(htitle, sizeof htitle, "Prognoshistorik: avvikelse mot budget, de %zu senaste "
                 "låsta månaderna", shown);
    else
        snprintf(htitle, sizeof htitle, "Prognoshistorik: avvikelse mot budget per låst månad");
    heading(p, htitle, 6);
    double rh = layout_text(p, "Budget", p->tbold, col_w, PANGO_ALIGN_RIGHT);
    need(p, rh * 4);
    layout_text(p, "Verksamhet", p->tbold, name_w, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, p->y, 0.1);
    for (size_t c = 0; c < cols; c++) {
        layout_text(p, c == 0 ? "Budget" : abbrev[h->months[first + c - 1]], p->tbold, HCOL_W(c),
                    PANGO_ALIGN_RIGHT);
        show(p, HCOL_X(c), p->y, 0.1);
    }
    p->y += rh + 2;
    header_rule(p);
    for (size_t t = 0; t <= h->unit_count; t++) {
        bool total = t == h->unit_count;
        const PangoFontDescription *fd = total ? p->tbold : p->tbody;
        const char *name = total ? "Totalt" : wb->units[h->units[t]].name;
        double nh = layout_text(p, name, fd, name_w - 6, PANGO_ALIGN_LEFT);
        need(p, nh + 3);
        show(p, MARGIN_X, p->y, 0.1);
        for (size_t c = 0; c < cols; c++) {
            int64_t v = c == 0 ? h->budget_ore[t]
                               : h->budget_ore[t] -
                                     h->forecast_ore[(first + c - 1) * (h->unit_count + 1) + t];
            char buf[64];
            kkr_money_format(buf, sizeof buf, v, p->unit, &KKR_STYLE_PRINT);
            layout_text(p, buf, fd, HCOL_W(c), PANGO_ALIGN_RIGHT);
            show(p, HCOL_X(c), p->y, 0.1);
        }
        p->y += nh + 3;
    }
    double nh = layout_text(p, "Avvikelse = budget − helårsprognos (positivt = överskott) i varje "
                               "låst prognos (kkr lock).", p->small, CONTENT_W, PANGO_ALIGN_LEFT);
    need(p, nh);
    show(p, MARGIN_X, p->y, 0.35);
    p->y += nh + 14;
#undef HCOL_X
#undef HCOL_W
}

/* ---- charts for the document ---- */

/* A bar chart of more rows than this shows the top-level units, or the largest deviations:
 * a nämnd reads a page, not a hundred (and drawing stays linear in the units). */
#define PDF_CHART_ROWS 30

struct ranked {
    size_t row;
    int64_t magnitude;
};

static int by_magnitude(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->magnitude != y->magnitude)
        return x->magnitude < y->magnitude ? 1 : -1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_row(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int64_t magnitude(int64_t v)
{
    return v < 0 ? -v : v;
}

static enum kkr_status reduce_chart(const struct kkr_chart *ch, struct kkr_chart *out,
                                    struct kkr_chart_row **rows_out, char *subtitle,
                                    size_t size, struct kkr_diag *diag)
{
    size_t n = ch->row_count, top = 0;
    for (size_t i = 0; i < n; i++)
        top += ch->rows[i].depth == 0 && !ch->rows[i].total;
    struct ranked *rank = malloc(n * sizeof *rank);
    struct kkr_chart_row *rows = malloc((PDF_CHART_ROWS + 1) * sizeof *rows);
    if (!rank || !rows) {
        free(rank);
        free(rows);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t k = 0;
    bool top_level = top <= PDF_CHART_ROWS;
    for (size_t i = 0; i < n; i++) {
        const struct kkr_chart_row *r = &ch->rows[i];
        if (r->total || (top_level && r->depth != 0))
            continue;
        int64_t dev = ch->kind == KKR_CHART_AVVIKELSE ? r->value_ore : r->budget_ore - r->value_ore;
        rank[k++] = (struct ranked){i, magnitude(dev)};
    }
    if (!top_level) {
        qsort(rank, k, sizeof *rank, by_magnitude);
        k = k < PDF_CHART_ROWS ? k : PDF_CHART_ROWS;
        qsort(rank, k, sizeof *rank, by_row);
    }
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        rows[m] = ch->rows[rank[j].row];
        rows[m++].depth = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (ch->rows[i].total)
            rows[m++] = ch->rows[i];
    free(rank);
    *out = *ch;
    out->rows = rows;
    out->row_count = m;
    out->slice_from = out->slice_count = 0;
    if (top_level)
        snprintf(subtitle, size, "%s%sde %zu verksamhetsområdena (alla %zu verksamheter finns i "
                 "tabellen)", ch->subtitle ? ch->subtitle : "", ch->subtitle ? " · " : "", top, n - 1);
    else
        snprintf(subtitle, size, "%s%sde %d största avvikelserna av %zu verksamheter",
                 ch->subtitle ? ch->subtitle : "", ch->subtitle ? " · " : "", PDF_CHART_ROWS,
                 n - 1);
    out->subtitle = subtitle;
    *rows_out = rows;
    return KKR_OK;
}

static enum kkr_status render(cairo_t *cr, const struct kkr_workbook *wb,
                              const struct kkr_rollup *rollup, const struct kkr_chart_set *set,
                              const struct kkr_report_table *table,
                              const struct kkr_report_document *doc, int pages_total, int *pages,
                              struct kkr_diag *diag)
{
    enum kkr_display_unit unit = table->opt->unit;
    struct page p;
    memset(&p, 0, sizeof p);
    p.table = table;
    p.cr = cr;
    p.layout = pango_cairo_create_layout(cr);
    p.footer_layout = pango_cairo_create_layout(cr);
    p.unit = unit;
    p.page = 1;
    p.pages_total = pages_total;
    p.counting = pages_total == 0; /* the first pass */
    p.y = MARGIN_TOP;
    font_setup(&p, p.layout);
    font_setup(&p, p.footer_layout);
    enum kkr_status st = KKR_OK;

    const char *month = kkr_month_name(rollup->period);
    char title[512], period[256];
    if (wb->title)
        snprintf(title, sizeof title, "%s", wb->title);
    else
        snprintf(title, sizeof title, "Budgetuppföljning %s %d", month, rollup->year);
    if (rollup->period > 1)
        snprintf(period, sizeof period, "Period: januari–%s %d · Belopp i %s", month,
                 rollup->year, kkr_display_unit_name(unit));
    else
        snprintf(period, sizeof period, "Period: januari %d · Belopp i %s", rollup->year,
                 kkr_display_unit_name(unit));
    snprintf(p.footer, sizeof p.footer, "%s%s%s · %s", wb->organisation ? wb->organisation : "",
             wb->organisation && wb->committee ? " · " : "", wb->committee ? wb->committee : "",
             title);

    /* title block */
    if (wb->organisation) {
        double h0 = layout_text(&p, wb->organisation, p.body, CONTENT_W, PANGO_ALIGN_LEFT);
        show(&p, MARGIN_X, p.y, 0.35);
        p.y += h0 + 2;
    }
    if (wb->committee) {
        double h = layout_text(&p, wb->committee, p.h2, CONTENT_W, PANGO_ALIGN_LEFT);
        show(&p, MARGIN_X, p.y, 0.1);
        p.y += h + 4;
    }
    double h = layout_text(&p, title, p.h1, CONTENT_W, PANGO_ALIGN_LEFT);
    show(&p, MARGIN_X, p.y, 0.05);
    p.y += h + 3;
    h = layout_text(&p, period, p.body, CONTENT_W, PANGO_ALIGN_LEFT);
    show(&p, MARGIN_X, p.y, 0.35);
    p.y += h + 6;
    cairo_set_source_rgb(cr, 0, 0.447, 0.698);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, MARGIN_X, p.y);
    cairo_line_to(cr, PAGE_W - MARGIN_X, p.y);
    cairo_stroke(cr);
    p.y += 16;

    summary_section(&p, doc);

    /* the slag table */
    heading(&p, "Resultat per slag", 6);
    table_fit(&p);
    table_header(&p, "Slag");
    for (size_t i = 0; i < table->slag_count; i++) {
        const struct kkr_report_line *l = &table->slag[i];
        table_row(&p, "Slag", l->name, l, l->is_total, false);
    }
    p.y += 14;

    /* the unit table */
    heading(&p, "Resultat per verksamhet", 6);
    table_header(&p, "Verksamhet");
    bool any_computed = false;
    for (size_t i = 0; i < table->unit_count; i++) {
        const struct kkr_report_line *l = &table->units[i];
        const struct kkr_rollup_row *row = &rollup->rows[l->row];
        char name[600];
        snprintf(name, sizeof name, "%s", l->name);
        bool computed = row->unit >= 0 && row->computed && !row->entered;
        if (computed) {
            any_computed = true;
            strncat(name, " *", sizeof name - strlen(name) - 1);
        }
        table_row(&p, "Verksamhet", name, l, row->unit < 0, false);
    }
    if (any_computed) {
        char note[256];
        snprintf(note, sizeof note, "* Prognosen är beräknad%s%s, inte inlagd i prognos.csv.",
                 rollup->method ? " med metoden " : "", rollup->method ? rollup->method : "");
        h = layout_text(&p, note, p.small, CONTENT_W, PANGO_ALIGN_LEFT);
        need(&p, h);
        show(&p, MARGIN_X, p.y, 0.35);
        p.y += h;
    }
    p.y += 14;

    history_section(&p, wb, doc);

    /* comments from prognos.csv under their units */
    bool any = false;
    for (size_t i = 0; i < wb->unit_count && !any; i++)
        for (int k = 0; k < (int)wb->slag_count; k++) {
            const char *cm =
                wb->forecast_comment ? wb->forecast_comment[kkr_workbook_slot(wb, (int)i, k)] : NULL;
            if (cm && *cm)
                any = true;
        }
    if (any) {
        heading(&p, "Kommentarer till prognosen", 6);
        for (size_t oi = 0; oi < wb->unit_count; oi++) {
            int u = wb->order[oi];
            bool named = false;
            for (int k = 0; k < (int)wb->slag_count; k++) {
                const char *cm = wb->forecast_comment[kkr_workbook_slot(wb, u, k)];
                if (!cm || !*cm)
                    continue;
                char para[4096];
                snprintf(para, sizeof para, "%s: %s", wb->slag[k].name, cm);
                if (!named) {
                    /* keep the unit's name with its first comment */
                    double ph = layout_text(&p, para, p.body, CONTENT_W - 10, PANGO_ALIGN_LEFT);
                    h = layout_text(&p, wb->units[u].name, p.bold, CONTENT_W, PANGO_ALIGN_LEFT);
                    need(&p, h + 1 + ph);
                    h = layout_text(&p, wb->units[u].name, p.bold, CONTENT_W, PANGO_ALIGN_LEFT);
                    show(&p, MARGIN_X, p.y, 0.1);
                    p.y += h + 1;
                    named = true;
                }
                h = layout_text(&p, para, p.body, CONTENT_W - 10, PANGO_ALIGN_LEFT);
                need(&p, h);
                show(&p, MARGIN_X + 10, p.y, 0.15);
                p.y += h + 3;
            }
            if (named)
                p.y += 4;
        }
        p.y += 10;
    }

    /* investeringar (DESIGN §5.3): a page of their own when the workbook has the file */
    if (st == KKR_OK && table->investments)
        invest_page(&p, table->investments, table->opt);

    /* charts, two to a page: a chart that fits half a page gets half a page. A bar chart taller
     * than a page shows the top-level units (or the largest deviations; the table has them
     * all), so that no page holds the last two bars of a chart. The charts follow the text
     * where they fit, and a half-page chart may come forward into the space left on a page,
     * so that no page stays half empty. */
    static const enum kkr_chart_kind order[] = {KKR_CHART_AVVIKELSE, KKR_CHART_BUDGET_PROGNOS,
                                                KKR_CHART_ACKUMULERAT, KKR_CHART_PROGNOSHISTORIK,
                                                KKR_CHART_BRYGGA};
    enum { NCHARTS = sizeof order / sizeof order[0] };
    double avail = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 8;
    double half = avail / 2 - 16;
    struct placed {
        const struct kkr_chart *ch;
        struct kkr_chart reduced;
        struct kkr_chart_row *rows;
        char subtitle[700];
        double h;     /* the height it gets; 0 when it is sliced over pages */
        bool done;
    } charts[NCHARTS];
    size_t nch = 0;
    for (size_t i = 0; i < NCHARTS && st == KKR_OK; i++) {
        if (!set->present[order[i]])
            continue;
        struct placed *c = &charts[nch];
        c->rows = NULL;
        c->done = false;
        c->ch = &set->charts[order[i]];
        bool units = c->ch->kind == KKR_CHART_AVVIKELSE || c->ch->kind == KKR_CHART_BUDGET_PROGNOS;
        if (units && (c->ch->row_count > PDF_CHART_ROWS + 1 ||
                      kkr_chart_natural_height(c->ch, CONTENT_W) > avail)) {
            st = reduce_chart(c->ch, &c->reduced, &c->rows, c->subtitle, sizeof c->subtitle, diag);
            if (st != KKR_OK)
                break;
            c->ch = &c->reduced;
        }
        nch++;
        c->h = kkr_chart_natural_height(c->ch, CONTENT_W);
        bool bars = units || c->ch->kind == KKR_CHART_BRYGGA;
        if (!bars && c->h > half)
            c->h = half;
        if (c->h > half)
            c->h = 0;
    }
    for (size_t left = nch; left > 0 && st == KKR_OK; left--) {
        size_t pick = 0;
        while (charts[pick].done)
            pick++;
        double room = PAGE_H - MARGIN_BOTTOM - p.y - 6;
        bool fits = charts[pick].h > 0 && charts[pick].h <= room;
        for (size_t j = pick + 1; j < nch && !fits; j++)
            if (!charts[j].done && charts[j].h > 0 && charts[j].h <= room) {
                pick = j;
                fits = true;
            }
        struct placed *c = &charts[pick];
        if (c->h > 0)
            st = draw_chart_at(&p, c->ch, c->h, diag);
        else
            st = place_chart(&p, c->ch, diag);
        c->done = true;
    }
    for (size_t i = 0; i < nch; i++)
        free(charts[i].rows);
    footer(&p);
    cairo_show_page(cr);
    *pages = p.page;
    font_release(&p);
    g_object_unref(p.layout);
    g_object_unref(p.footer_layout);
    return st;
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t write_none(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

enum kkr_status kkr_chart_report_write(const char *path, const struct kkr_workbook *wb,
                                       const struct kkr_rollup *rollup,
                                       const struct kkr_chart_set *set,
                                       enum kkr_display_unit unit, struct kkr_diag *diag)
{
    struct kkr_report_options ropt;
    kkr_report_options_init(&ropt);
    ropt.unit = unit;
    return kkr_chart_report_write_layout(path, wb, rollup, set, &ropt, NULL, diag);
}

enum kkr_status kkr_chart_report_write_document(const char *path, const struct kkr_workbook *wb,
                                                const struct kkr_rollup *rollup,
                                                const struct kkr_chart_set *set,
                                                enum kkr_display_unit unit,
                                                const struct kkr_report_document *doc,
                                                struct kkr_diag *diag)
{
    struct kkr_report_options ropt;
    kkr_report_options_init(&ropt);
    ropt.unit = unit;
    return kkr_chart_report_write_layout(path, wb, rollup, set, &ropt, doc, diag);
}

static enum kkr_status write_pdf(const char *path, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup, const struct kkr_chart_set *set,
                                 const struct kkr_report_table *table,
                                 const struct kkr_report_document *doc, struct kkr_diag *diag);

enum kkr_status kkr_chart_report_write_layout(const char *path, const struct kkr_workbook *wb,
                                              const struct kkr_rollup *rollup,
                                              const struct kkr_chart_set *set,
                                              const struct kkr_report_options *ropt,
                                              const struct kkr_report_document *doc,
                                              struct kkr_diag *diag)
{
    struct kkr_report_table table;
    enum kkr_status st = kkr_report_table_build(wb, rollup, ropt, &table, diag);
    if (st != KKR_OK)
        return st;
    struct kkr_investments *inv = NULL;
    st = kkr_investments_load(wb, &inv, diag, NULL);
    if (st == KKR_ERR_NOT_FOUND && diag->line == 0) {
        kkr_diag_clear(diag);
        st = KKR_OK;
    }
    table.investments = inv;
    if (st == KKR_OK)
        st = write_pdf(path, wb, rollup, set, &table, doc, diag);
    kkr_investments_free(inv);
    kkr_report_table_release(&table);
    return st;
}

static enum kkr_status write_pdf(const char *path, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup, const struct kkr_chart_set *set,
                                 const struct kkr_report_table *table,
                                 const struct kkr_report_document *doc, struct kkr_diag *diag)
{
    /* first pass: count the pages for "Sida n av N" (a recording surface draws nothing) */
    int pages = 0;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_none, NULL, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(s);
    enum kkr_status st = render(cr, wb, rollup, set, table, doc, 0, &pages, diag);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    if (st != KKR_OK)
        return st;

    struct kkr_output o;
    st = kkr_output_open(&o, path, false, diag);
    if (st != KKR_OK)
        return st;
    s = cairo_pdf_surface_create_for_stream(write_fp, o.fp, PAGE_W, PAGE_H);
    char date[32], fallback[32];
    snprintf(fallback, sizeof fallback, "%04d-%02d-01T00:00:00Z", rollup->year,
             rollup->period >= 1 ? rollup->period : 1);
    kkr_chart_pdf_date(date, sizeof date, fallback);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kkr");
    if (wb->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, wb->title);
    if (wb->organisation)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, wb->organisation);
    cr = cairo_create(s);
    int pages2 = 0;
    st = render(cr, wb, rollup, set, table, doc, pages, &pages2, diag);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st == KKR_OK && cs != CAIRO_STATUS_SUCCESS)
        st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot write PDF: %s",
                      cairo_status_to_string(cs));
    if (st != KKR_OK) {
        kkr_output_abort(&o);
        return st;
    }
    return kkr_output_commit(&o, diag);
}
