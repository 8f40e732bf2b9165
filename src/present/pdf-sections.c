/* pdf-sections.c — the PDF report's sections: investeringar, charts, Sammanfattning, history */
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

/* ---- the investment page ---- */

void pdf_invest_page(struct page *p, const struct kkr_investments *inv,
                     const struct kkr_report_options *opt)
{
    int nc = kkr_invest_column_count(inv);
    double num_w = (CONTENT_W - 120) / nc;
    if (num_w > 62)
        num_w = 62;
    double name_w = CONTENT_W - nc * num_w;
    if (p->y > MARGIN_TOP)
        pdf_new_page(p);
    char title[64];
    snprintf(title, sizeof title, "Investeringar %d", p->table->wb->year);
    pdf_heading(p, title, 6);
    double h = pdf_layout_text(p, "År", p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
    snprintf(title, sizeof title, "År %d", p->table->wb->year);
    pdf_layout_text(p, title, p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
    pdf_show(p, MARGIN_X + name_w, p->y, 0.1);
    if (nc > 4) {
        pdf_layout_text(p, "Hela projektet", p->tbold, 4 * num_w, PANGO_ALIGN_RIGHT);
        pdf_show(p, MARGIN_X + name_w + 4 * num_w, p->y, 0.1);
    }
    p->y += h + 1;
    double th = h;
    for (int c = 0; c < nc; c++) {
        double hh = pdf_layout_text(p, kkr_invest_column_title(c), p->small, num_w - 2,
                                    PANGO_ALIGN_RIGHT);
        if (hh > th)
            th = hh;
    }
    char unit[32];
    snprintf(unit, sizeof unit, "Belopp i %s", kkr_display_unit_name(opt->unit));
    pdf_layout_text(p, unit, p->tbold, name_w, PANGO_ALIGN_LEFT);
    pdf_show(p, MARGIN_X, p->y + th - h, 0.1);
    for (int c = 0; c < nc; c++) {
        double hh = pdf_layout_text(p, kkr_invest_column_title(c), p->small, num_w - 2,
                                    PANGO_ALIGN_RIGHT);
        pdf_show(p, MARGIN_X + name_w + c * num_w + 2, p->y + th - hh, 0.1);
    }
    p->y += th + 2;
    pdf_header_rule(p);
    char buf[600];
    for (size_t k = 0; k <= inv->count; k++) {
        const struct kkr_invest *it = k < inv->count ? &inv->items[inv->order[k]] : &inv->total;
        bool bold = k == inv->count || it->is_group;
        const PangoFontDescription *fd = bold ? p->tbold : p->tbody;
        double indent = (it->depth < 8 ? it->depth : 8) * 9.0;
        snprintf(buf, sizeof buf, "%s", k < inv->count ? it->name : "Summa investeringar");
        double rh = pdf_layout_text(p, buf, fd, name_w - indent - 6, PANGO_ALIGN_LEFT);
        pdf_need(p, rh + 3);
        if (k == inv->count)
            pdf_total_rule(p);
        pdf_layout_text(p, buf, fd, name_w - indent - 6, PANGO_ALIGN_LEFT);
        pdf_show(p, MARGIN_X + indent, p->y, 0.1);
        for (int c = 0; c < nc; c++) {
            kkr_invest_cell(it, c, opt, &KKR_STYLE_PRINT, buf, sizeof buf);
            pdf_layout_text(p, buf, fd, num_w, PANGO_ALIGN_RIGHT);
            pdf_show(p, MARGIN_X + name_w + c * num_w, p->y, 0.1);
        }
        p->y += rh + 3;
    }
    double nh = pdf_layout_text(p, "Avvikelse = budget − prognos (positiv = lägre utgift än budgeterat).",
                                p->small, CONTENT_W, PANGO_ALIGN_LEFT);
    pdf_need(p, nh);
    pdf_show(p, MARGIN_X, p->y + 2, 0.35);
    p->y += nh + 12;
}

/* ---- charts ---- */

enum kkr_status pdf_draw_chart_at(struct page *p, const struct kkr_chart *chart, double h,
                                  struct kkr_diag *diag)
{
    double w = CONTENT_W;
    pdf_need(p, h + 6);
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
enum kkr_status pdf_place_chart(struct page *p, const struct kkr_chart *chart,
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
        return pdf_draw_chart_at(p, chart, h, diag);
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
            pdf_new_page(p);
        st = pdf_draw_chart_at(p, &slice, sh, diag);
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
    double h = pdf_layout_markup(p, markup, fd, CONTENT_W - indent);
    pdf_need(p, h);
    pdf_layout_markup(p, markup, fd, CONTENT_W - indent);
    pdf_show(p, MARGIN_X + indent, p->y, 0.1);
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
        bool pdf_heading = level >= 1 && level <= 6 && (int)tl > level && t[level] == ' ';
        size_t digits = 0;
        while (digits < tl && t[digits] >= '0' && t[digits] <= '9')
            digits++;
        bool bullet = tl >= 2 && strchr("-*+", t[0]) && t[1] == ' ';
        bool numbered = digits > 0 && digits + 1 < tl && (t[digits] == '.' || t[digits] == ')') &&
                        t[digits + 1] == ' ';
        bool blank = tl == 0;
        if ((blank || pdf_heading || bullet || numbered || !*line) && para->len) {
            markup_block(p, para->str, p->body, 0, 5);
            g_string_truncate(para, 0);
        }
        if (!*line)
            break;
        GString *m = g_string_new(NULL);
        if (pdf_heading) {
            inline_markup(m, t + level + 1, tl - (size_t)level - 1);
            double h = pdf_layout_markup(p, m->str, level <= 2 ? p->h2 : p->bold, CONTENT_W);
            pdf_need(p, h + 30); /* keep a heading with what follows */
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

void pdf_summary_section(struct page *p, const struct kkr_report_document *doc)
{
    if (!doc || (!doc->summary_markdown && !doc->summary))
        return;
    pdf_heading(p, "Sammanfattning", 6);
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

void pdf_history_section(struct page *p, const struct kkr_workbook *wb,
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
        double w = pdf_figure_width(p, h->budget_ore[t], p->tbold);
        if (w > budget_w)
            budget_w = w;
        for (size_t m = 0; m < h->month_count; m++) {
            w = pdf_figure_width(p, h->budget_ore[t] - h->forecast_ore[m * (h->unit_count + 1) + t],
                                 p->tbold);
            if (w > widest)
                widest = w;
        }
        w = pdf_text_width(p, t < h->unit_count ? wb->units[h->units[t]].name : "Totalt", p->tbold);
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
    pdf_heading(p, htitle, 6);
    double rh = pdf_layout_text(p, "Budget", p->tbold, col_w, PANGO_ALIGN_RIGHT);
    pdf_need(p, rh * 4);
    pdf_layout_text(p, "Verksamhet", p->tbold, name_w, PANGO_ALIGN_LEFT);
    pdf_show(p, MARGIN_X, p->y, 0.1);
    for (size_t c = 0; c < cols; c++) {
        pdf_layout_text(p, c == 0 ? "Budget" : abbrev[h->months[first + c - 1]], p->tbold,
                        HCOL_W(c), PANGO_ALIGN_RIGHT);
        pdf_show(p, HCOL_X(c), p->y, 0.1);
    }
    p->y += rh + 2;
    pdf_header_rule(p);
    for (size_t t = 0; t <= h->unit_count; t++) {
        bool total = t == h->unit_count;
        const PangoFontDescription *fd = total ? p->tbold : p->tbody;
        const char *name = total ? "Totalt" : wb->units[h->units[t]].name;
        double nh = pdf_layout_text(p, name, fd, name_w - 6, PANGO_ALIGN_LEFT);
        pdf_need(p, nh + 3);
        pdf_show(p, MARGIN_X, p->y, 0.1);
        for (size_t c = 0; c < cols; c++) {
            int64_t v = c == 0 ? h->budget_ore[t]
                               : h->budget_ore[t] -
                                     h->forecast_ore[(first + c - 1) * (h->unit_count + 1) + t];
            char buf[64];
            kkr_money_format(buf, sizeof buf, v, p->unit, &KKR_STYLE_PRINT);
            pdf_layout_text(p, buf, fd, HCOL_W(c), PANGO_ALIGN_RIGHT);
            pdf_show(p, HCOL_X(c), p->y, 0.1);
        }
        p->y += nh + 3;
    }
    double nh = pdf_layout_text(p, "Avvikelse = budget − helårsprognos (positivt = överskott) i varje "
                               "låst prognos (kkr lock).", p->small, CONTENT_W, PANGO_ALIGN_LEFT);
    pdf_need(p, nh);
    pdf_show(p, MARGIN_X, p->y, 0.35);
    p->y += nh + 14;
#undef HCOL_X
#undef HCOL_W
}
