/* pdf-report.c — the månadsrapport (DESIGN §14) on A4: the document laid out page by page (title
 * block, Sammanfattning, the follow-up tables, prognoshistorik, comments, charts two to a page) */
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

/* ---- charts for the document ---- */

/* A bar chart of more rows than this shows the top-level units, or the largest deviations:
 * a nämnd reads a page, not a hundred (and drawing stays linear in the units). */
#define PDF_CHART_ROWS KKR_CHART_REDUCED_ROWS

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
    pdf_font_setup(&p, p.layout);
    pdf_font_setup(&p, p.footer_layout);
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
        double h0 = pdf_layout_text(&p, wb->organisation, p.body, CONTENT_W, PANGO_ALIGN_LEFT);
        pdf_show(&p, MARGIN_X, p.y, 0.35);
        p.y += h0 + 2;
    }
    if (wb->committee) {
        double h = pdf_layout_text(&p, wb->committee, p.h2, CONTENT_W, PANGO_ALIGN_LEFT);
        pdf_show(&p, MARGIN_X, p.y, 0.1);
        p.y += h + 4;
    }
    double h = pdf_layout_text(&p, title, p.h1, CONTENT_W, PANGO_ALIGN_LEFT);
    pdf_show(&p, MARGIN_X, p.y, 0.05);
    p.y += h + 3;
    h = pdf_layout_text(&p, period, p.body, CONTENT_W, PANGO_ALIGN_LEFT);
    pdf_show(&p, MARGIN_X, p.y, 0.35);
    p.y += h + 6;
    cairo_set_source_rgb(cr, 0, 0.447, 0.698);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, MARGIN_X, p.y);
    cairo_line_to(cr, PAGE_W - MARGIN_X, p.y);
    cairo_stroke(cr);
    p.y += 16;

    pdf_summary_section(&p, doc);

    /* the slag table */
    pdf_heading(&p, "Resultat per slag", 6);
    pdf_table_fit(&p);
    pdf_table_header(&p, "Slag");
    for (size_t i = 0; i < table->slag_count; i++) {
        const struct kkr_report_line *l = &table->slag[i];
        pdf_table_row(&p, "Slag", l->name, l, l->is_total, false);
    }
    p.y += 14;

    /* the unit table */
    pdf_heading(&p, "Resultat per verksamhet", 6);
    pdf_table_header(&p, "Verksamhet");
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
        pdf_table_row(&p, "Verksamhet", name, l, row->unit < 0, false);
    }
    if (any_computed) {
        char note[256];
        snprintf(note, sizeof note, "* Prognosen är beräknad%s%s, inte inlagd i prognos.csv.",
                 rollup->method ? " med metoden " : "", rollup->method ? rollup->method : "");
        h = pdf_layout_text(&p, note, p.small, CONTENT_W, PANGO_ALIGN_LEFT);
        pdf_need(&p, h);
        pdf_show(&p, MARGIN_X, p.y, 0.35);
        p.y += h;
    }
    p.y += 14;

    pdf_history_section(&p, wb, doc);

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
        pdf_heading(&p, "Kommentarer till prognosen", 6);
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
                    double ph = pdf_layout_text(&p, para, p.body, CONTENT_W - 10, PANGO_ALIGN_LEFT);
                    h = pdf_layout_text(&p, wb->units[u].name, p.bold, CONTENT_W, PANGO_ALIGN_LEFT);
                    pdf_need(&p, h + 1 + ph);
                    h = pdf_layout_text(&p, wb->units[u].name, p.bold, CONTENT_W, PANGO_ALIGN_LEFT);
                    pdf_show(&p, MARGIN_X, p.y, 0.1);
                    p.y += h + 1;
                    named = true;
                }
                h = pdf_layout_text(&p, para, p.body, CONTENT_W - 10, PANGO_ALIGN_LEFT);
                pdf_need(&p, h);
                pdf_show(&p, MARGIN_X + 10, p.y, 0.15);
                p.y += h + 3;
            }
            if (named)
                p.y += 4;
        }
        p.y += 10;
    }

    /* investeringar (DESIGN §5.3): a page of their own when the workbook has the file */
    if (st == KKR_OK && table->investments)
        pdf_invest_page(&p, table->investments, table->opt);

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
            st = kkr_chart_reduce(c->ch, PDF_CHART_ROWS, &c->reduced, &c->rows, c->subtitle,
                                  sizeof c->subtitle, diag);
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
            st = pdf_draw_chart_at(&p, c->ch, c->h, diag);
        else
            st = pdf_place_chart(&p, c->ch, diag);
        c->done = true;
    }
    for (size_t i = 0; i < nch; i++)
        free(charts[i].rows);
    pdf_footer(&p);
    cairo_show_page(cr);
    *pages = p.page;
    pdf_font_release(&p);
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
