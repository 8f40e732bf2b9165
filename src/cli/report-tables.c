/* report-tables.c — kkr report --table prognoshistorik | sammanfattning (DESIGN §13, §14) */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kkr/document.h"
#include "kkr/history.h"
#include "kkr/output.h"
#include "kkr/summary.h"

bool cli_report_table_is_extra(const char *table)
{
    return table && (strcmp(table, "prognoshistorik") == 0 || strcmp(table, "sammanfattning") == 0);
}

int cli_report_extra_table(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                           const char *table, enum kkr_format format, enum kkr_display_unit unit,
                           const char *output, const char *measures_path)
{
    struct kkr_diag diag;
    enum kkr_status st;
    struct kkr_output out;
    if (strcmp(table, "prognoshistorik") == 0) {
        struct kkr_history *h = NULL;
        struct kkr_warnings warn;
        kkr_warnings_init(&warn);
        st = kkr_history_build(wb, rollup->period, &h, &diag, &warn);
        cli_print_warnings(&warn);
        kkr_warnings_release(&warn);
        if (st == KKR_OK && (st = kkr_output_open(&out, output, false, &diag)) == KKR_OK) {
            st = kkr_history_write(out.fp, wb, h, format, unit, &diag);
            st = st == KKR_OK ? kkr_output_commit(&out, &diag) : (kkr_output_abort(&out), st);
        }
        kkr_history_free(h);
        return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
    }
    /* sammanfattning: always drafted (sammanfattning.md is the PDF's) */
    if (format != KKR_FORMAT_TEXT && format != KKR_FORMAT_MD) {
        cli_error("--table sammanfattning: expected --format text or md");
        return EXIT_BAD_INPUT;
    }
    struct kkr_document_options dopt = {.measures_path = measures_path};
    struct kkr_document parts;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    st = kkr_document_build(wb, rollup, &dopt, &parts, &diag, &warn);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
    if (st != KKR_OK)
        return cli_fail_diag(&diag, st);
    struct kkr_summary *s = NULL;
    st = kkr_summary_draft_document(wb, rollup, &parts, unit, &KKR_STYLE_TEXT, &s, &diag);
    if (st == KKR_OK && (st = kkr_output_open(&out, output, false, &diag)) == KKR_OK) {
        st = kkr_summary_write(out.fp, s, format, 92, &diag);
        st = st == KKR_OK ? kkr_output_commit(&out, &diag) : (kkr_output_abort(&out), st);
    }
    kkr_summary_free(s);
    kkr_document_release(&parts);
    return st == KKR_OK ? EXIT_OK : cli_fail_diag(&diag, st);
}

/* The månadsrapport's parts for kkr report --pdf (kkr_document_build), and the drafted text
 * in the PDF's number style when the workbook has no sammanfattning.md. */
int cli_document_build(const struct kkr_workbook *wb, const struct kkr_rollup *rollup,
                       enum kkr_display_unit unit, const char *measures_path,
                       struct cli_document *doc)
{
    memset(doc, 0, sizeof *doc);
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    struct kkr_document_options dopt = {
        .measures_path = measures_path, .markdown = true, .history = true,
    };
    enum kkr_status st = kkr_document_build(wb, rollup, &dopt, &doc->parts, &diag, &warn);
    cli_print_warnings(&warn);
    kkr_warnings_release(&warn);
    if (st == KKR_OK && !doc->parts.markdown)
        st = kkr_summary_draft_document(wb, rollup, &doc->parts, unit, &KKR_STYLE_PRINT,
                                        &doc->summary, &diag);
    if (st != KKR_OK) {
        cli_document_release(doc);
        return cli_fail_diag(&diag, st);
    }
    return EXIT_OK;
}

void cli_document_release(struct cli_document *doc)
{
    kkr_summary_free(doc->summary);
    kkr_document_release(&doc->parts);
    memset(doc, 0, sizeof *doc);
}
