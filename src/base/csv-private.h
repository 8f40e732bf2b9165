/* csv-private.h — inside the CSV reader: the record state the reader and the rows share */
#ifndef KKR_CSV_PRIVATE_H
#define KKR_CSV_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

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
    enum kkr_status status;
    bool header_only;       /* stop after the header (kkr_csv_read_header) */
    bool stop;
};

/* libcsv's callbacks (data: the struct reader): one field of the current record, the end of
 * the record (the header is matched, a row goes to the callback). In csv-rows.c. */
void record_field(void *s, size_t len, void *data);
void record_end(int c, void *data);
/* The fast path: one record from a line without quotes, as libcsv would give it. */
void record_split(struct reader *r, const char *line, size_t len, char delim);

#endif
