/* csv.h — reading CSV files the way Swedish Excel and ERP systems write them (on libcsv) */
#ifndef KKR_CSV_H
#define KKR_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kkr/status.h"

/* One wanted column: names are '|'-separated aliases compared case-insensitively
 * (including å, ä, ö), e.g. "verksamhet|unit|vht". */
struct kkr_csv_column {
    const char *names;
    bool required;
};

/* What a field was in its file: CSV gives text only; an .xlsx cell (kkr/xlsx.h) may be a
 * number (text its plain decimal, "1234.5599999999999"), a date (text "YYYY-MM-DD") or a
 * boolean ("TRUE" / "FALSE"). */
enum kkr_cell_type { KKR_CELL_TEXT = 0, KKR_CELL_NUMBER, KKR_CELL_DATE, KKR_CELL_BOOLEAN };

/* A field of a row: NUL-terminated UTF-8 text (surrounding quotes removed, "" undone). */
struct kkr_csv_field {
    const char *text;
    size_t len;
    enum kkr_cell_type type; /* KKR_CELL_TEXT from a CSV file */
};

/* A data row, with fields in schema order. A column that the file lacks (optional) reads as
 * "" with column number 0. Pointers are valid only during the callback. */
struct kkr_csv_row {
    const struct kkr_csv_field *fields; /* one per schema column */
    const long *columns;                /* 1-based column in the file, 0 if absent */
    size_t field_count;                 /* = schema column count */
    long line;                          /* 1-based line where the row starts */
    const char *path;                   /* the file name as given, for messages */
};

/* Called for each non-empty data row. Returning non-OK stops reading; that status is
 * returned by kkr_csv_read_*. */
typedef enum kkr_status (*kkr_csv_row_fn)(void *userdata, const struct kkr_csv_row *row,
                                          struct kkr_diag *diag);

/* Reads a CSV file: UTF-8 with or without BOM, or Windows-1252 (converted to UTF-8, one
 * warning); delimiter ';', ',' or tab detected from the header line; RFC 4180 quotes; header
 * required; empty lines and rows of only empty fields skipped. columns ends with {NULL}.
 * Errors (file:line:column in diag): missing file, empty file, missing required column,
 * duplicate column, a row with more fields than the header, quote errors, NUL bytes. */
enum kkr_status kkr_csv_read_file(const char *path, const struct kkr_csv_column *columns,
                                  kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                  struct kkr_warnings *warn);

/* The same on a buffer in memory; name is used in messages. */
enum kkr_status kkr_csv_read_buffer(const char *name, const char *data, size_t len,
                                    const struct kkr_csv_column *columns, kkr_csv_row_fn fn,
                                    void *userdata, struct kkr_diag *diag,
                                    struct kkr_warnings *warn);

/* The header of a CSV buffer, read as kkr_csv_read_buffer reads it (same encodings, limits
 * and errors for the header line). columns must have room for one entry per schema column. */
struct kkr_csv_header {
    size_t field_count;   /* columns in the file's header */
    char delimiter;       /* ';', ',' or tab */
    long line;            /* the header's line */
    long *columns;        /* per schema column: its 1-based column in the file, 0 if absent */
};
enum kkr_status kkr_csv_read_header(const char *name, const char *data, size_t len,
                                    const struct kkr_csv_column *columns,
                                    struct kkr_csv_header *header, struct kkr_diag *diag);

/* Rows without quotes are split by a fast path; with false every row goes through libcsv
 * (for the differential test and benchmarks). Process-wide; not for concurrent use. */
void kkr_csv_set_fast_path(bool enabled);

/* Rows from another source (an .xlsx sheet) through the same header rules and row checks as a
 * CSV file: the first row fed is the header. Each row gives its fields in file-column order
 * (field i is column i + 1, empty fields for gaps) and its line; the texts are trimmed and
 * copied as CSV fields are. fn sees rows as from kkr_csv_read_file (types KKR_CELL_TEXT: the
 * source sets its own). A feed's status sticks: after an error every call returns it. */
struct kkr_csv_feed;
enum kkr_status kkr_csv_feed_new(const char *name, const struct kkr_csv_column *columns,
                                 kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                 struct kkr_csv_feed **out);
enum kkr_status kkr_csv_feed_row(struct kkr_csv_feed *feed, long line,
                                 const struct kkr_csv_field *fields, size_t count);
/* True once the header row has been fed. */
bool kkr_csv_feed_has_header(const struct kkr_csv_feed *feed);
void kkr_csv_feed_free(struct kkr_csv_feed *feed);

/* Reads a whole file into a malloc'd buffer (NUL-terminated, *len without the NUL). */
enum kkr_status kkr_file_read_all(const char *path, char **data, size_t *len,
                                  struct kkr_diag *diag);

/* ---- writing ---- */

/* Neutralises a text cell for spreadsheets: a cell starting with = + - @ tab or CR gets a
 * leading apostrophe. Writes into buf (NUL-terminated); returns buf. */
const char *kkr_csv_safe_text(const char *s, char *buf, size_t size);

/* Writes s as one CSV field with delimiter delim: quoted when it contains the delimiter, a
 * quote, CR or LF; formula-like text neutralised. */
void kkr_csv_write_text(FILE *out, const char *s, char delim);

#endif
