/* csv-private.h — inside the CSV reader: the record state the reader and the rows share */
#ifndef KKR_CSV_PRIVATE_H
#define KKR_CSV_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <csv.h>

#include "kkr/csv.h"

#define MAX_HEADER_FIELDS 256

/* Reading state shared with libcsv's callbacks. */
struct reader {
    const char *name;
    const struct kkr_csv_column *columns;
    size_t column_count;
    kkr_csv_row_fn fn;
    void *userdata;
    struct kkr_diag *diag;

    long line;              /* the physical line being fed to libcsv */
    long row_line;          /* where the current record started */
    long record_start;      /* the line of the next record's first byte, for row_line */
    long last_end_line;     /* the line where the previous record ended */
    bool header_done;
    size_t header_fields;   /* fields in the header */
    int map[MAX_HEADER_FIELDS]; /* header field -> schema column, -1 ignored */
    long *source_column;    /* schema column -> 1-based file column, 0 absent */

    /* fields of the current record, copied out of libcsv's buffer */
    char *text;
    size_t text_len, text_cap;
    size_t *field_off, *field_len;
    size_t field_count, field_cap;

    struct kkr_csv_field *out_fields;
    struct kkr_csv_row row;  /* the row the fast path hands out: out_fields, source_column */
    char delim;             /* the file's delimiter, for messages; 0 for a feed (xlsx) */
    long max_column;        /* the last file column the schema reads (a shorter row is
                             * checked by record_end) */
    struct placed { size_t column, file_index; } *placed; /* schema column <- file field */
    size_t placed_count;
    kkr_csv_header_fn match_header; /* NULL: the reader's own rule (take_header) */
    uint64_t fast_rows, slow_rows;  /* rows split by the block scanner, by libcsv */
    bool from_fast;         /* record_end is called for a row of the scanner */
    enum kkr_status status;
    bool header_only;       /* stop after the header (kkr_csv_read_header) */
    bool stop;
};

/* libcsv's callbacks (data: the struct reader): one field of the current record, the end of
 * the record (the header is matched, a row goes to the callback). In csv-rows.c. */
void record_field(void *s, size_t len, void *data);
void record_end(int c, void *data);
/* The first alias of every column, for messages: "kod;namn;överordnad". */
void expected_columns(const struct reader *r, char *buf, size_t size);

/* The messages of bytes that are not text, shared by the whole-buffer decoder and the
 * scanner: at file:line:column (column = field, quotes respected, from line_start). */
enum kkr_status fail_bad_byte(struct kkr_diag *diag, const char *name, long line,
                              const char *line_start, size_t offset, char delim,
                              unsigned char byte, bool utf8_expected);

/* ---- the block scanner (csv-scan.c) ---- */

enum scan_encoding { SCAN_ASCII_SO_FAR, SCAN_UTF8, SCAN_TEXT };

/* What the scanner needs of the push reader. */
struct scan {
    struct reader *r;
    struct csv_parser *parser;
    bool *between_records;
    bool fast;              /* split lines without quotes here (else all to libcsv) */
    bool in_place;
    enum scan_encoding enc; /* SCAN_TEXT: checked already, without NUL (nothing to look for) */
    bool switch_pending;    /* the text is not UTF-8: Windows-1252 from switch_at on */
    size_t switch_at;       /* the start of the line of the first byte >= 0x80 */
};

/* Splits complete lines text[0..len) (at the end of the input the last may lack its
 * terminator), starting on line r->line, past the header. Unless SCAN_TEXT, checks NUL and
 * UTF-8 on the way; a first byte >= 0x80 that is not UTF-8 stops it (KKR_OK, switch_pending
 * and switch_at set; the lines before were pure ASCII and are done). */
enum kkr_status scan_lines(struct scan *sc, const char *text, size_t len);
/* The header line's bytes, as scan_lines checks them (it may set switch_pending). */
enum kkr_status scan_check_line(struct scan *sc, const char *buf, size_t len);
/* One line or more (lone CRs) through libcsv, as the reader fed them before the scanner. */
enum kkr_status scan_slow(struct scan *sc, const char *text, size_t len);

#endif
