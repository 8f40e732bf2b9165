/* pdf-private.h — inside the PDF report: the A4 page and the helpers its files share */
#ifndef KKR_PDF_PRIVATE_H
#define KKR_PDF_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "kkr/chart.h"
#include "kkr/history.h"
#include "kkr/invest.h"
#include "kkr/report.h"
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

#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define NUM_W (p->num_w)
#define NAME_W (CONTENT_W - (double)p->table->layout->count * p->num_w)

/* In pdf-page.c: the page's fonts, text laid out (and its height), shown at a place, the page
 * flow (footer, a new page, room for h, a heading), and the follow-up tables: widths fitted
 * to the figures, header, rules and rows. */
void pdf_font_setup(struct page *p, PangoLayout *layout);
void pdf_font_release(struct page *p);
double pdf_layout_text(struct page *p, const char *s, const PangoFontDescription *fd,
                       double width, PangoAlignment align);
double pdf_layout_markup(struct page *p, const char *markup, const PangoFontDescription *fd,
                         double width);
void pdf_show(struct page *p, double x, double y, double grey);
void pdf_footer(struct page *p);
void pdf_new_page(struct page *p);
void pdf_need(struct page *p, double h);
void pdf_heading(struct page *p, const char *s, double space_after);
double pdf_text_width(struct page *p, const char *s, const PangoFontDescription *fd);
double pdf_figure_width(struct page *p, int64_t ore, const PangoFontDescription *fd);
void pdf_table_fit(struct page *p);
void pdf_header_rule(struct page *p);
void pdf_total_rule(struct page *p);
void pdf_table_header(struct page *p, const char *first);
void pdf_table_row(struct page *p, const char *first_col, const char *name,
                   const struct kkr_report_line *line, bool bold, bool shade);
/* In pdf-sections.c: the investment page, a chart drawn and placed, the Sammanfattning and
 * the prognoshistorik table. */
void pdf_invest_page(struct page *p, const struct kkr_investments *inv,
                     const struct kkr_report_options *opt);
enum kkr_status pdf_draw_chart_at(struct page *p, const struct kkr_chart *chart, double h,
                                  struct kkr_diag *diag);
enum kkr_status pdf_place_chart(struct page *p, const struct kkr_chart *chart,
                                struct kkr_diag *diag);
void pdf_summary_section(struct page *p, const struct kkr_report_document *doc);
void pdf_history_section(struct page *p, const struct kkr_workbook *wb,
                         const struct kkr_report_document *doc);

#endif
