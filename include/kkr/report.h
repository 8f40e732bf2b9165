/* report.h — the nämnd's follow-up tables (DESIGN §5) as text, CSV, Markdown and JSON */
#ifndef KKR_REPORT_H
#define KKR_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "kkr/csv.h"
#include "kkr/format.h"
#include "kkr/json.h"
#include "kkr/money.h"
#include "kkr/rollup.h"
#include "kkr/status.h"
#include "kkr/workbook.h"

enum kkr_report_tables {
    KKR_TABLES_BOTH,        /* text, md, json default: the slag table, then the unit table */
    KKR_TABLES_UNITS,       /* --table verksamhet (the csv default) */
    KKR_TABLES_KINDS,       /* --table slag */
};

/* Optional columns (--columns +utfall-procent,+riktpunkt). */
enum {
    KKR_COL_ACTUAL_PERCENT = 1 << 0, /* utfall as % of helårsbudget */
    KKR_COL_BENCHMARK      = 1 << 1, /* riktpunkt: k/12 in %, or the periodised budget share */
};

struct kkr_report_options {
    enum kkr_format format;
    enum kkr_display_unit unit;
    enum kkr_report_tables tables;
    unsigned columns;       /* KKR_COL_* */
    bool excel;             /* CSV for Swedish Excel: BOM, ';', decimal comma */
    /* Optional: a comparison forecast (e.g. a snapshot) per unit and kind; adds the column
     * "förändring" = prognos now - prognos then on the helår side. NULL for none. */
    const struct kkr_rollup *compare;
    const char *compare_label; /* e.g. "202004" */
};

void kkr_report_options_init(struct kkr_report_options *opt);

/* The display name of a row as in the protocol: "Varav särskilt boende" for children,
 * "Verksamhetens nettokostnad" for the total. Writes at most size bytes (NUL-terminated). */
void kkr_report_row_name(const struct kkr_workbook *wb, const struct kkr_rollup_row *row,
                         char *buf, size_t size);

/* Writes the tables to out. Fails only on a write error (KKR_ERR_IO). */
enum kkr_status kkr_report_write(FILE *out, const struct kkr_workbook *wb,
                                 const struct kkr_rollup *rollup,
                                 const struct kkr_report_options *opt, struct kkr_diag *diag);

/* The tables as sheets of doc (DESIGN §11), from the same rows and columns as the other
 * formats: each table a sheet ("Slag", "Verksamheter", as opt->tables says; xlsx default both),
 * the figures as the CSV shows them, Varav rows one outline level deeper, the title block,
 * the footnotes, and the comments of prognos.csv on a sheet of their own. */
struct kkr_sheet_doc;
enum kkr_status kkr_report_sheets(struct kkr_sheet_doc *doc, const struct kkr_workbook *wb,
                                  const struct kkr_rollup *rollup,
                                  const struct kkr_report_options *opt, struct kkr_diag *diag);

#endif
