/* sheet.h — tables as spreadsheet sheets (the model every xlsx kkr writes is built in), and
 * their xlsx writer on libxlsxwriter (DESIGN §11) */
#ifndef KKR_SHEET_H
#define KKR_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kkr/output.h"
#include "kkr/status.h"

/* A column. Number columns hold the figure exactly as the CSV output shows it ("-1234",
 * "12.5", "" for none) and are written as real numbers with a Swedish number format of as
 * many decimals as the text has. */
struct kkr_sheet_column {
    char *heading;
    char *group;            /* a heading over a run of columns ("Helår"), or NULL */
    bool number;
    bool wrap;              /* long text, wrapped in a capped width */
    bool input;             /* a cell to fill in: unlocked in a protected sheet, shaded */
    bool validate_number;   /* input: Excel accepts only a number (data validation) */
    char *hint;             /* input: the prompt Excel shows on the cell, or NULL */
};

struct kkr_sheet_row {
    char **cells;           /* col_count strings; NULL reads as empty */
    int level;              /* outline level (Varav rows), 0 = top */
    bool bold;              /* a total row */
};

struct kkr_sheet {
    char *name;             /* 1..31 characters, none of []:*?/\ */
    char **title;           /* the title block above the table; the first line is larger */
    size_t title_count;
    struct kkr_sheet_column *cols;
    size_t col_count;
    struct kkr_sheet_row *rows;
    size_t row_count, row_cap;
    char **notes;           /* lines under the table (footnotes) */
    size_t note_count;
    size_t freeze_cols;     /* columns kept in view when scrolling right (default 1) */
    int indent_col;         /* the column indented by outline level (default 0), -1 none */
    bool protect;           /* locked but for the input columns */
    bool hidden;            /* a hidden sheet (the template's facts) */
};

/* A workbook of sheets. Building never fails half-way: an out-of-memory sets failed, which
 * kkr_sheet_doc_write_xlsx reports. */
struct kkr_sheet_doc {
    struct kkr_sheet **sheets;
    size_t sheet_count;
    char *title;            /* document properties */
    char *author;
    time_t created;         /* the document date: fixed, so the same input gives the same bytes */
    bool failed;
};

void kkr_sheet_doc_init(struct kkr_sheet_doc *doc);
void kkr_sheet_doc_release(struct kkr_sheet_doc *doc);
void kkr_sheet_doc_set_info(struct kkr_sheet_doc *doc, const char *title, const char *author,
                            time_t created);

/* The document date of a report for year and period: SOURCE_DATE_EPOCH when set (as the PDF
 * report), else the first of the period's month, 00:00 UTC. */
time_t kkr_sheet_doc_date(int year, int period);

/* Adds a sheet; NULL (and doc->failed) when out of memory. */
struct kkr_sheet *kkr_sheet_add(struct kkr_sheet_doc *doc, const char *name);
void kkr_sheet_add_title(struct kkr_sheet_doc *doc, struct kkr_sheet *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void kkr_sheet_add_note(struct kkr_sheet_doc *doc, struct kkr_sheet *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a column; returns it (NULL when out of memory) to set its flags. */
struct kkr_sheet_column *kkr_sheet_add_column(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                              const char *heading, const char *group,
                                              bool number);
/* Adds a row of empty cells (add the columns first); NULL when out of memory. */
struct kkr_sheet_row *kkr_sheet_add_row(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                        int level, bool bold);
/* Sets a cell's text (copied). */
void kkr_sheet_set(struct kkr_sheet_doc *doc, struct kkr_sheet_row *row, size_t col,
                   const char *text);

/* Fills a sheet with columns and rows from CSV text as kkr writes it (';', RFC 4180 quotes,
 * the formula-safe apostrophe dropped). A column is a number column when every field is a
 * plain decimal ("-12", "3.5") or empty, unless its name is in text_columns (','-separated,
 * e.g. "kod,slag"). level_of, if given, gives each row's outline level from its fields. */
enum kkr_status kkr_sheet_from_csv(struct kkr_sheet_doc *doc, struct kkr_sheet *s,
                                   const char *csv, size_t len, const char *text_columns,
                                   int (*level_of)(void *ctx, char *const *fields, size_t n),
                                   void *ctx, struct kkr_diag *diag);

/* Checks what libxlsxwriter would warn about (names, lengths, sizes) without writing. */
enum kkr_status kkr_sheet_doc_check(const struct kkr_sheet_doc *doc, struct kkr_diag *diag);

/* Writes the document as xlsx to path (a temporary file in path's folder, libxlsxwriter's own
 * temporary files there too, renamed into place; "-": written to a temporary file and copied
 * to standard output). no_replace: refuse an existing path (KKR_ERR_EXISTS). The same document
 * gives the same bytes. */
enum kkr_status kkr_sheet_doc_write_xlsx(const struct kkr_sheet_doc *doc, const char *path,
                                         bool no_replace, struct kkr_diag *diag);

/* The first half of kkr_sheet_doc_write_xlsx, for a set of files written together: the
 * temporary file is written and left in out for kkr_output_commit() or kkr_output_abort()
 * (path not "-"). */
enum kkr_status kkr_sheet_doc_write_xlsx_begin(const struct kkr_sheet_doc *doc,
                                               const char *path, bool no_replace,
                                               struct kkr_output *out, struct kkr_diag *diag);

#endif
