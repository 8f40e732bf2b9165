/* pdf-report.c — the A4 nämnd report: title block, follow-up tables, comments, charts */
#include "kkr/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "kkr/output.h"
#include "kkr/report.h"
#include "kkr/rollup.h"
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
    char footer[1200];
    enum kkr_display_unit unit;
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

static double layout_width(struct page *p)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(p->layout, &ink, &logical);
    return (double)logical.width / PANGO_SCALE;
}

static void show(struct page *p, double x, double y, double grey)
{
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->layout);
}

static void footer(struct page *p)
{
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

/* ---- tables ---- */

#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define NUM_W (p->num_w)
#define NAME_W (CONTENT_W - 6 * p->num_w)

static double figure_width(struct page *p, int64_t ore, const PangoFontDescription *fd)
{
    char buf[64];
    kkr_money_format(buf, sizeof buf, ore, p->unit, &KKR_STYLE_PRINT);
    layout_text(p, buf, fd, 0, PANGO_ALIGN_LEFT);
    return layout_width(p);
}

/* Sizes the figure columns to the widest figure of both tables (in kr they run to
 * "−220 150 241"), shrinking the table font a little when the names would get too narrow,
 * so that neighbouring figures never touch or wrap. */
static void table_fit(struct page *p, const struct kkr_rollup *rollup)
{
    static const double sizes[] = {8.5, 8.0, 7.5, 7.0, 6.5};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        pango_font_description_free(p->tbody);
        pango_font_description_free(p->tbold);
        p->tbody = pango_font_description_copy(p->body);
        pango_font_description_set_absolute_size(p->tbody, sizes[si] * PANGO_SCALE);
        p->tbold = pango_font_description_copy(p->tbody);
        pango_font_description_set_weight(p->tbold, PANGO_WEIGHT_BOLD);
        double widest = 0;
        for (size_t i = 0; i < rollup->row_count; i++) {
            const struct kkr_rollup_row *row = &rollup->rows[i];
            const struct kkr_figures *fs[3] = {&row->net, &row->kind[0], &row->kind[1]};
            for (int k = 0; k < (row->unit < 0 ? 3 : 1); k++) {
                const struct kkr_figures *f = fs[k];
                int64_t v[6] = {f->budget_ytd,  f->actual_ytd,    kkr_figures_variance_ytd(f),
                                f->budget_full, f->forecast_full, kkr_figures_variance_full(f)};
                for (int j = 0; j < 6; j++) {
                    double w = figure_width(p, v[j], p->tbold);
                    if (w > widest)
                        widest = w;
                }
            }
        }
        layout_text(p, "Avvikelse", p->tbold, 0, PANGO_ALIGN_LEFT);
        if (layout_width(p) > widest)
            widest = layout_width(p);
        p->num_w = widest + sizes[si] * 1.5;
        if (p->num_w < 50)
            p->num_w = 50;
        if (CONTENT_W - 6 * p->num_w >= 150)
            break;
    }
}

static void table_header(struct page *p, const char *first)
{
    double x0 = MARGIN_X + NAME_W;
    double h = layout_text(p, "Ackumulerat period", p->tbold, 3 * NUM_W, PANGO_ALIGN_RIGHT);
    need(p, h * 3 + 8);
    show(p, x0, p->y, 0.1);
    layout_text(p, "Helår", p->tbold, 3 * NUM_W, PANGO_ALIGN_RIGHT);
    show(p, x0 + 3 * NUM_W, p->y, 0.1);
    p->y += h + 1;
    layout_text(p, first, p->tbold, NAME_W, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X, p->y, 0.1);
    static const char *const cols[6] = {"Budget", "Utfall", "Avvikelse",
                                        "Budget", "Prognos", "Avvikelse"};
    for (int i = 0; i < 6; i++) {
        layout_text(p, cols[i], p->tbold, NUM_W, PANGO_ALIGN_RIGHT);
        show(p, x0 + i * NUM_W, p->y, 0.1);
    }
    p->y += h + 2;
    cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(p->cr, 0.8);
    cairo_move_to(p->cr, MARGIN_X, p->y);
    cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y);
    cairo_stroke(p->cr);
    p->y += 3;
}

static void table_row(struct page *p, const char *first_col, const char *name, int depth,
                      bool bold, const struct kkr_figures *f, bool shade)
{
    const PangoFontDescription *fd = bold ? p->tbold : p->tbody;
    double indent = (depth < 8 ? depth : 8) * 9.0; /* a hostile deep tree stays on the page */
    double h = layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    if (p->y + h + 3 > PAGE_H - MARGIN_BOTTOM) {
        new_page(p);
        table_header(p, first_col);
    }
    if (shade) {
        cairo_set_source_rgb(p->cr, 0.95, 0.95, 0.95);
        cairo_rectangle(p->cr, MARGIN_X, p->y - 1, CONTENT_W, h + 2);
        cairo_fill(p->cr);
    }
    if (bold) {
        cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(p->cr, 0.6);
        cairo_move_to(p->cr, MARGIN_X, p->y - 1.5);
        cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y - 1.5);
        cairo_stroke(p->cr);
    }
    layout_text(p, name, fd, NAME_W - indent - 6, PANGO_ALIGN_LEFT);
    show(p, MARGIN_X + indent, p->y, 0.1);
    int64_t v[6] = {f->budget_ytd,  f->actual_ytd,    kkr_figures_variance_ytd(f),
                    f->budget_full, f->forecast_full, kkr_figures_variance_full(f)};
    for (int i = 0; i < 6; i++) {
        char buf[64];
        kkr_money_format(buf, sizeof buf, v[i], p->unit, &KKR_STYLE_PRINT);
        layout_text(p, buf, fd, NUM_W, PANGO_ALIGN_RIGHT);
        show(p, MARGIN_X + NAME_W + i * NUM_W, p->y, 0.1);
    }
    p->y += h + 3;
}

/* ---- charts ---- */

static enum kkr_status draw_chart_at(struct page *p, const struct kkr_chart *chart, double h,
                                     struct kkr_diag *diag)
{
    double w = CONTENT_W;
    need(p, h + 6);
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

static enum kkr_status render(cairo_t *cr, const struct kkr_workbook *wb,
                              const struct kkr_rollup *rollup, const struct kkr_chart_set *set,
                              enum kkr_display_unit unit, int pages_total, int *pages,
                              struct kkr_diag *diag)
{
    struct page p;
    memset(&p, 0, sizeof p);
    p.cr = cr;
    p.layout = pango_cairo_create_layout(cr);
    p.footer_layout = pango_cairo_create_layout(cr);
    p.unit = unit;
    p.page = 1;
    p.pages_total = pages_total;
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

    /* the slag table */
    heading(&p, "Resultat per slag", 6);
    table_fit(&p, rollup);
    table_header(&p, "Slag");
    const struct kkr_rollup_row *tot = kkr_rollup_total(rollup);
    table_row(&p, "Slag", "Intäkter", 0, false, &tot->kind[KKR_REVENUE], false);
    table_row(&p, "Slag", "Kostnader", 0, false, &tot->kind[KKR_COST], false);
    table_row(&p, "Slag", "Netto", 0, true, &tot->net, false);
    p.y += 14;

    /* the unit table */
    heading(&p, "Resultat per verksamhet", 6);
    table_header(&p, "Verksamhet");
    bool any_computed = false;
    for (size_t i = 0; i < rollup->row_count; i++) {
        const struct kkr_rollup_row *row = &rollup->rows[i];
        char name[512];
        kkr_report_row_name(wb, row, name, sizeof name);
        bool computed = row->unit >= 0 && row->computed && !row->entered;
        if (computed) {
            any_computed = true;
            strncat(name, " *", sizeof name - strlen(name) - 1);
        }
        table_row(&p, "Verksamhet", name, row->depth, row->unit < 0, &row->net, false);
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

    /* charts */
    static const enum kkr_chart_kind order[] = {KKR_CHART_AVVIKELSE, KKR_CHART_BUDGET_PROGNOS,
                                                KKR_CHART_ACKUMULERAT, KKR_CHART_PROGNOSHISTORIK,
                                                KKR_CHART_BRYGGA};
    for (size_t i = 0; i < sizeof order / sizeof order[0] && st == KKR_OK; i++) {
        if (!set->present[order[i]])
            continue;
        st = place_chart(&p, &set->charts[order[i]], diag);
    }
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
    /* first pass: count the pages for "Sida n av N" (a recording surface draws nothing) */
    int pages = 0;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_none, NULL, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(s);
    enum kkr_status st = render(cr, wb, rollup, set, unit, 0, &pages, diag);
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
    st = render(cr, wb, rollup, set, unit, pages, &pages2, diag);
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
