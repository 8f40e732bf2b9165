/* xlsx.h — reading .xlsx workbooks cell by cell (libzip + expat, DESIGN §11) */
#ifndef KKR_XLSX_H
#define KKR_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/csv.h"
#include "kkr/status.h"

/* An opened .xlsx file: its sheets in tab order, shared strings, date styles. */
struct kkr_xlsx;

/* What a cell holds, as the file says (the t attribute of <c>). */
enum kkr_xlsx_type {
    KKR_XLSX_NUMBER,        /* t="n" or none: text is the stored decimal ("1234.5", "1E-3") */
    KKR_XLSX_SHARED_STRING, /* t="s": text is the shared string (the index already resolved) */
    KKR_XLSX_INLINE_STRING, /* t="inlineStr" or t="str" (a formula's text result) */
    KKR_XLSX_BOOLEAN,       /* t="b": text "0" or "1" */
    KKR_XLSX_ERROR,         /* t="e": text "#DIV/0!", "#N/A", ... */
    KKR_XLSX_DATE,          /* t="d": text an ISO 8601 date ("2024-05-01T00:00:00") */
};

/* One cell with a value, handed to the cell callback. Pointers are valid only during the
 * callback. A cell without a value (only a style) is not handed out; a formula without a
 * cached value is (has_value false) so that the caller can name it. */
struct kkr_xlsx_cell {
    long row;                 /* 1-based (the 7 of C7) */
    long col;                 /* 1-based (the 3 of C7) */
    char ref[16];             /* "C7" */
    enum kkr_xlsx_type type;
    bool formula;             /* the cell has a formula (<f>); text is its cached value */
    bool has_value;           /* false only for a formula without a cached value */
    bool is_date;             /* a number formatted as a date (styles.xml), or t="d" */
    const char *text;         /* the stored text exactly as written, NUL-terminated, UTF-8 */
    size_t len;
};

/* Called for every cell with a value, in file order; then the row callback once per row with
 * cells. Returning non-OK stops reading; that status is returned by kkr_xlsx_sheet_read. */
typedef enum kkr_status (*kkr_xlsx_cell_fn)(void *userdata, const struct kkr_xlsx_cell *cell,
                                            struct kkr_diag *diag);
typedef enum kkr_status (*kkr_xlsx_row_fn)(void *userdata, long row, struct kkr_diag *diag);

/* Opens an .xlsx file: reads the workbook (sheets in tab order, date1904), its relations,
 * the shared strings and the date styles. Errors name the file: not a zip, a truncated zip,
 * a missing or malformed part. */
enum kkr_status kkr_xlsx_open(const char *path, struct kkr_xlsx **out, struct kkr_diag *diag);

/* The same on bytes in memory (not copied: they must outlive the object); name is used in
 * messages. */
enum kkr_status kkr_xlsx_open_buffer(const char *name, const void *data, size_t len,
                                     struct kkr_xlsx **out, struct kkr_diag *diag);

void kkr_xlsx_free(struct kkr_xlsx *x);

/* The file name as given (borrowed). */
const char *kkr_xlsx_name(const struct kkr_xlsx *x);

/* Sheets in tab order: count, name (borrowed), and the index of a name (-1 if none). */
size_t kkr_xlsx_sheet_count(const struct kkr_xlsx *x);
const char *kkr_xlsx_sheet_name(const struct kkr_xlsx *x, size_t index);
int kkr_xlsx_sheet_find(const struct kkr_xlsx *x, const char *name);

/* True when the workbook counts dates from 1904 (workbookPr date1904). */
bool kkr_xlsx_date1904(const struct kkr_xlsx *x);

/* Streams the cells of sheet index (0 = the first tab) with expat. row_fn may be NULL.
 * Errors name file:sheet!cell: a shared-string index out of range, a malformed cell. */
enum kkr_status kkr_xlsx_sheet_read(struct kkr_xlsx *x, size_t index, kkr_xlsx_cell_fn cell_fn,
                                    kkr_xlsx_row_fn row_fn, void *userdata,
                                    struct kkr_diag *diag);

/* ---- cell values ---- */

/* "C7" from row 7, column 3 into buf (at least 16 bytes). */
void kkr_xlsx_cell_name(long row, long col, char *buf, size_t size);

/* Writes a stored number ("1.2345E+3", "-0.10", "202001.0") as a plain decimal without
 * exponent, trailing fraction zeros or a trailing point ("1234.5", "-0.1", "202001") into buf.
 * Returns false when the text is not a number or does not fit. */
bool kkr_xlsx_number_plain(const char *s, size_t len, char *buf, size_t size);

/* A stored number in kronor to öre, read from its decimal text (never through a double),
 * rounded once, half away from zero ("1234.5599999999999" -> 123456). False when the text is
 * not a number or the amount does not fit in int64 öre. */
bool kkr_xlsx_number_ore(const char *s, size_t len, int64_t *out_ore);

/* The date of a date serial ("43891", "43891.5"; 1900 system with Excel's 29 February 1900,
 * or the 1904 system). False for a negative or too large serial. */
bool kkr_xlsx_serial_date(const char *s, size_t len, bool date1904, int *year, int *month,
                          int *day);

/* The date of a cell with is_date set (a serial or t="d"). */
bool kkr_xlsx_cell_date(const struct kkr_xlsx *x, const struct kkr_xlsx_cell *cell, int *year,
                        int *month, int *day);

/* Rewrites a diagnostic "file:line:column" about the sheet's rows and columns into
 * "file:sheet!C7" (line 0 and column 0 after it; a row without a column reads "sheet!7:7",
 * neither "file:sheet"). Leaves a diagnostic about another file alone. */
void kkr_xlsx_diag_locate(struct kkr_diag *diag, const char *file, const char *sheet);

/* ---- a sheet as a table (the workbook's files as .xlsx) ---- */

/* Reads the first sheet (tab order) of an .xlsx file as a CSV file is read (kkr_csv_read_file):
 * the first row with a value is the header, the same column names and rules, fields in schema
 * order; row->line is the sheet row and row->columns[] the sheet column, fields carry their
 * cell type (KKR_CELL_NUMBER for a number cell: its text the plain decimal; KKR_CELL_DATE with
 * text "YYYY-MM-DD"; KKR_CELL_BOOLEAN "TRUE"/"FALSE"; text cells as text). Every message names
 * file:sheet!cell. A formula without a cached value or an error value (#N/A) in a column that
 * is read is an error. */
enum kkr_status kkr_xlsx_read_table(const char *path, const struct kkr_csv_column *columns,
                                    kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                    struct kkr_warnings *warn);

/* The same with the sheet chosen by name (NULL: the first), on an opened file. */
enum kkr_status kkr_xlsx_read_sheet_table(struct kkr_xlsx *x, const char *sheet,
                                          const struct kkr_csv_column *columns,
                                          kkr_csv_row_fn fn, void *userdata,
                                          struct kkr_diag *diag);

#endif
