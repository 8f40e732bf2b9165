/* csv.h — reading CSV files the way Swedish Excel and ERP systems write them (on libcsv) */
#ifndef KKR_CSV_H
#define KKR_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* Matches a header to the schema in place of the reader's own rule (each header field to the
 * first schema column with an alias for it; a column named twice or a required one missing is
 * an error): names[i] is the header's field i + 1 (trimmed UTF-8, NUL-terminated), line the
 * header's line. Fill columns[c] with the 1-based file column of schema column c, 0 if
 * absent; one file column for at most one schema column. Return non-OK with diag filled to
 * refuse the header (the ledger import: aliases in order of preference, --columns). */
typedef enum kkr_status (*kkr_csv_header_fn)(void *userdata, const char *path, long line,
                                             const struct kkr_csv_field *names, size_t count,
                                             long *columns, struct kkr_diag *diag);

/* How a reader reads. */
struct kkr_csv_options {
    /* Rows without quotes are split by a fast path (a block scanner, default true); false
     * sends every row through libcsv (for the both-ways tests and the loader benchmark). */
    bool fast_path;
    /* Fields of rows from the fast path point into the input (or the reader's UTF-8 copy of a
     * Windows-1252 piece), trimmed but not NUL-terminated: read len bytes, no more. Saves a
     * copy of every field (the ledger import). Default false: NUL-terminated copies. */
    bool in_place;
    /* NULL: the reader's rule; see kkr_csv_header_fn. Called with the row callback's
     * userdata. */
    kkr_csv_header_fn match_header;
};
void kkr_csv_options_init(struct kkr_csv_options *opt);

/* kkr_csv_read_file and kkr_csv_read_buffer with options (NULL = the defaults). */
enum kkr_status kkr_csv_read_file_with(const char *path, const struct kkr_csv_column *columns,
                                       const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                       void *userdata, struct kkr_diag *diag,
                                       struct kkr_warnings *warn);
enum kkr_status kkr_csv_read_buffer_with(const char *name, const char *data, size_t len,
                                         const struct kkr_csv_column *columns,
                                         const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                         void *userdata, struct kkr_diag *diag,
                                         struct kkr_warnings *warn);

/* The push reader (opaque): the same header rules, row checks and messages as
 * kkr_csv_read_buffer, on bytes that arrive in pieces of any size (a pipe, a large file read
 * in chunks). Only complete lines are split; memory holds one piece and one partial line.
 * The encoding is decided at the first byte >= 0x80 (valid UTF-8: UTF-8; else Windows-1252,
 * converted, one warning); a later byte that contradicts it is an error with its line.
 * new: columns as for kkr_csv_read_file (kept, not copied, as name is); opt NULL = defaults.
 * push: returns the first error (also that of a row callback); after one, pushes do nothing.
 * finish: the end of the input — the last line without its terminator, an unclosed quote, an
 * empty file. free: NULL-safe. */
struct kkr_csv_reader;
enum kkr_status kkr_csv_reader_new(const char *name, const struct kkr_csv_column *columns,
                                   const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                   void *userdata, struct kkr_diag *diag,
                                   struct kkr_warnings *warn, struct kkr_csv_reader **out);
enum kkr_status kkr_csv_reader_push(struct kkr_csv_reader *reader, const char *data,
                                    size_t len);
enum kkr_status kkr_csv_reader_finish(struct kkr_csv_reader *reader);
void kkr_csv_reader_free(struct kkr_csv_reader *reader);

/* What a push reader saw so far. */
struct kkr_csv_reader_stats {
    uint64_t fast_rows;     /* rows split by the fast path */
    uint64_t slow_rows;     /* rows that went through libcsv */
    bool windows_1252;      /* the text was not UTF-8 and is read as Windows-1252 */
    long line;              /* the line being read (for a message about the next bytes) */
};
void kkr_csv_reader_stats(const struct kkr_csv_reader *reader,
                          struct kkr_csv_reader_stats *stats);

/* The delimiter of a header line (up to its first LF): the most frequent of ';', tab and ','
 * outside quotes, ';' winning ties (what Swedish Excel writes); 0 when there is none. */
int kkr_csv_detect_delimiter(const char *line, size_t len);

/* True when name[0..len) is one of the '|'-separated aliases, compared case-insensitively
 * (å, ä, ö too), as header names are matched. */
bool kkr_csv_name_matches(const char *aliases, const char *name, size_t len);

/* The start of a file that is UTF-16 (a BOM, or every other byte NUL) is refused with the one
 * message every reader gives: "file is UTF-16, expected UTF-8 or Windows-1252 (save as 'CSV
 * UTF-8')" at line 1, column 1. KKR_OK for anything else. */
enum kkr_status kkr_csv_check_utf16(const char *name, const char *data, size_t len,
                                    struct kkr_diag *diag);
/* Refuses a control character in a text field (codes, names, titles; with line_breaks, as
 * for comments, LF and CR are allowed: Excel's Alt+Enter): KKR_ERR_VALUE at file:line:column
 * naming the byte and what (e.g. "namn"). C0, DEL and C1 (U+0080..U+009F) count, so no field
 * can change a table's layout or send an ESC sequence to a terminal. */
enum kkr_status kkr_csv_check_text(const struct kkr_csv_row *row, size_t col, const char *what,
                                   bool line_breaks, struct kkr_diag *diag);

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
 * leading apostrophe. Writes into buf (NUL-terminated, truncated to size); returns buf. */
const char *kkr_csv_safe_text(const char *s, char *buf, size_t size);

/* Writes s as one CSV field with delimiter delim: quoted when it contains the delimiter, a
 * quote, CR or LF; formula-like text neutralised. Allocates nothing; a write error shows in
 * ferror(out). */
void kkr_csv_write_text(FILE *out, const char *s, char delim);

/* A CSV writer (opaque): rows of fields, the delimiter between them, quotes where a field
 * needs them. The first error sticks to the writer (later calls do nothing) and comes back
 * once, from kkr_csv_writer_finish (cairo's rule). */
struct kkr_csv_writer;

struct kkr_csv_write_options {
    char delim;            /* ';' (default), ',' or '\t' */
    bool decimal_comma;    /* amounts as "-1234,56" (default) or "-1234.56" */
    const char *eol;       /* "\n" (default) or "\r\n" */
};

/* ';', decimal comma, "\n". */
void kkr_csv_write_options_init(struct kkr_csv_write_options *opt);

/* A writer onto out (not closed by it); opt NULL = the defaults. Never NULL: when memory runs
 * out it returns a writer already in the KKR_ERR_NOMEM state. Free with kkr_csv_writer_free. */
struct kkr_csv_writer *kkr_csv_writer_new(FILE *out, const struct kkr_csv_write_options *opt);
void kkr_csv_writer_free(struct kkr_csv_writer *w); /* NULL-safe */

/* Text from the user's files (codes, names, comments): formula-like text neutralised, quoted
 * when needed. NULL writes an empty field. */
void kkr_csv_writer_text(struct kkr_csv_writer *w, const char *s);
/* kkr's own words and figures (header names, slag, periods, formatted numbers): as they are,
 * quoted only when they hold the delimiter, a quote, CR or LF. */
void kkr_csv_writer_plain(struct kkr_csv_writer *w, const char *s);
/* An amount in öre as exact kronor with two decimals, no thousands separator. */
void kkr_csv_writer_ore(struct kkr_csv_writer *w, int64_t ore);
void kkr_csv_writer_int(struct kkr_csv_writer *w, long long v);
/* Ends the row (writes the line ending). */
void kkr_csv_writer_end_row(struct kkr_csv_writer *w);

/* Checks once, at the end: no error on the way, no row left open, the stream flushed without
 * error. Returns KKR_OK or the first error (diag filled, file NULL). */
enum kkr_status kkr_csv_writer_finish(struct kkr_csv_writer *w, struct kkr_diag *diag);
enum kkr_status kkr_csv_writer_status(const struct kkr_csv_writer *w);

#endif
