/* report-sheets.c — the follow-up tables as xlsx sheets (the writer is in xlsx-write.c) */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/report.h"
#include "kkr/sheet.h"
#include "kkr/table.h"
#include "kkr/text.h"

#include "report-private.h"

/* ---- xlsx: the same rows and columns as sheets (the writer is in xlsx-write.c) ---- */

static void sheet_table(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                        const struct kkr_report_table *t, const struct kkr_report_line *lines,
                        size_t n, bool kinds)
{
    char buf[128], unit_title[64];
    const struct kkr_report_layout *L = t->layout;
    snprintf(unit_title, sizeof unit_title, "Belopp i %s", kkr_display_unit_name(t->opt->unit));
    if (!kinds) {
        kkr_sheet_add_column(doc, s, "Kod", NULL, false);
        if (s)
            s->freeze_cols = 2, s->indent_col = 1;
    }
    kkr_sheet_add_column(doc, s, unit_title, NULL, false);
    for (size_t c = 0; c < L->count; c++) {
        char group[64];
        kkr_report_group_title(t, L->cols[c].group, group, sizeof group);
        kkr_sheet_add_column(doc, s, L->cols[c].title, group, true);
    }
    size_t first = kinds ? 1 : 2;
    for (size_t i = 0; i < n; i++) {
        struct kkr_sheet_row *row = kkr_sheet_add_row(doc, s, lines[i].depth, lines[i].is_total);
        if (!row)
            return;
        if (!kinds)
            kkr_sheet_set(doc, row, 0, lines[i].code);
        snprintf(buf, sizeof buf, "%s%s", lines[i].name,
                 !kinds && lines[i].computed ? " *" : "");
        kkr_sheet_set(doc, row, first - 1, buf);
        for (size_t c = 0; c < L->count; c++) {
            struct kkr_report_value v = kkr_report_table_value(t, &lines[i], c);
            kkr_report_value_format(t, &v, &KKR_STYLE_PLAIN, buf, sizeof buf);
            kkr_sheet_set(doc, row, first + c, buf);
        }
    }
}

static void sheet_titles(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                         const struct kkr_workbook *wb, const struct kkr_rollup *r,
                         const char *table)
{
    char period[128];
    report_period_phrase(r, period, sizeof period);
    kkr_sheet_add_title(doc, s, "%s", wb->title ? wb->title : "Budgetuppföljning");
    if (wb->organisation || wb->committee)
        kkr_sheet_add_title(doc, s, "%s%s%s", wb->organisation ? wb->organisation : "",
                            wb->organisation && wb->committee ? ", " : "",
                            wb->committee ? wb->committee : "");
    kkr_sheet_add_title(doc, s, "%s. Ackumulerat period: %s. Helår: %d.", table, period,
                        r->year);
}

/* The footnotes as the text report writes them, one note per line. */
static void sheet_notes(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                        const struct kkr_report_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        doc->failed = true;
        return;
    }
    report_footnotes(mem, t);
    if (fclose(mem) != 0) {
        doc->failed = true;
        free(text);
        return;
    }
    for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        kkr_sheet_add_note(doc, s, "%s", line);
    }
    free(text);
}

enum kkr_status kkr_report_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_rollup *rollup,
                                  const struct kkr_report_options *opt, struct kkr_diag *diag)
{
    struct kkr_report_table t;
    enum kkr_status st = kkr_report_table_build(wb, rollup, opt, &t, diag);
    if (st != KKR_OK)
        return st;
    if (opt->tables != KKR_TABLES_UNITS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Slag");
        sheet_titles(doc, s, wb, rollup, "Per slag");
        sheet_table(doc, s, &t, t.slag, t.slag_count, true);
    }
    if (opt->tables != KKR_TABLES_KINDS) {
        struct kkr_sheet *s = kkr_sheet_add(doc, "Verksamheter");
        sheet_titles(doc, s, wb, rollup, "Per verksamhet");
        sheet_table(doc, s, &t, t.units, t.unit_count, false);
        sheet_notes(doc, s, &t);
    }
    kkr_report_table_release(&t);
    /* the economist's comments, as the protocol has them under the table */
    struct kkr_sheet *cs = NULL;
    for (size_t i = 0; i < wb->unit_count; i++) {
        int u = wb->order[i];
        for (int k = 0; k < (int)wb->slag_count; k++) {
            const char *c = wb->forecast_comment[kkr_workbook_slot(wb, u, k)];
            if (!c)
                continue;
            if (!cs) {
                cs = kkr_sheet_add(doc, "Kommentarer");
                kkr_sheet_add_title(doc, cs, "Kommentarer till prognosen");
                kkr_sheet_add_column(doc, cs, "Kod", NULL, false);
                kkr_sheet_add_column(doc, cs, "Verksamhet", NULL, false);
                kkr_sheet_add_column(doc, cs, "Slag", NULL, false);
                struct kkr_sheet_column *kc =
                    kkr_sheet_add_column(doc, cs, "Kommentar", NULL, false);
                if (kc)
                    kc->wrap = true;
                if (cs)
                    cs->freeze_cols = 3, cs->indent_col = -1;
            }
            struct kkr_sheet_row *row = kkr_sheet_add_row(doc, cs, 0, false);
            kkr_sheet_set(doc, row, 0, wb->units[u].code);
            kkr_sheet_set(doc, row, 1, wb->units[u].name);
            kkr_sheet_set(doc, row, 2, wb->slag[k].code);
            kkr_sheet_set(doc, row, 3, c);
        }
    }
    kkr_sheet_doc_set_info(doc, wb->title ? wb->title : "Budgetuppföljning", wb->organisation,
                           kkr_sheet_doc_date(rollup->year, rollup->period));
    return doc->failed ? kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory") : KKR_OK;
}
