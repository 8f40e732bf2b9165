/* table.h — plain-text tables: columns with headings, alignment, widths in display width */
#ifndef KKR_TABLE_H
#define KKR_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kkr/status.h"

/* A text table is filled row by row, then written at once: every column is as wide as its
 * widest cell (kkr_utf8_width, so å, ä, ö count as one), at least its minimum width. Cells
 * are left- or right-aligned per column; a column's gap (default one space) goes before it.
 * Lines never end in blanks: trailing spaces are dropped, so an empty row is an empty line.
 *
 * Errors stick to the table (cairo's rule): an allocation failure in any call is remembered,
 * later calls do nothing, and kkr_table_write returns it. Callers check once, at the end.
 *
 * A span is a cell over several columns (with the gaps between them), centred; it does not
 * widen the columns it covers (a group heading like "Helår" over its figures). */

enum kkr_align { KKR_ALIGN_LEFT, KKR_ALIGN_RIGHT };

struct kkr_table;

/* A table of cols columns (1..256), all left-aligned with a one-space gap. NULL on out of
 * memory or a bad column count. Free with kkr_table_free. */
struct kkr_table *kkr_table_new(size_t cols);
void kkr_table_free(struct kkr_table *t);

/* Column settings, before or after the rows are added. gap is copied. */
void kkr_table_column(struct kkr_table *t, size_t col, enum kkr_align align, size_t min_width,
                      const char *gap);

/* Starts a new row; cells left unset are empty. */
void kkr_table_row(struct kkr_table *t);
/* Sets a cell of the current row (copied). */
void kkr_table_cell(struct kkr_table *t, size_t col, const char *text);
void kkr_table_cellf(struct kkr_table *t, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets text over the columns first..last of the current row, centred (the left side gets the
 * extra space when it does not divide evenly); it replaces those columns' cells. */
void kkr_table_span(struct kkr_table *t, size_t first, size_t last, const char *text);

/* The width of a column as it will be written (its widest cell or its minimum). */
size_t kkr_table_width(const struct kkr_table *t, size_t col);

/* Writes every row. KKR_ERR_NOMEM if any earlier call ran out of memory, KKR_ERR_IO when
 * out has an error; the message goes into diag. */
enum kkr_status kkr_table_write(const struct kkr_table *t, FILE *out, struct kkr_diag *diag);

/* The indentation of a tree row's name at depth in text and Markdown tables: two spaces a
 * level, no deeper than 12 levels, so that a hostile 100 000-level tree gives 100 000 lines,
 * not gigabytes of spaces (issue 7). */
size_t kkr_table_indent(int depth);

/* Writes one paragraph of text (UTF-8, one line) wrapped at width display columns, breaking
 * at spaces only (a no-break space U+00A0 holds two words together and is written as a
 * space); ends with a newline. Errors show in ferror(out). */
void kkr_text_write_wrapped(FILE *out, const char *text, size_t width);

/* The same for text[0..len) continuing a line already at column col: the following lines
 * start with indent spaces. A word longer than the line stays whole. Writes no newline at the
 * end; returns the column it ends at. */
size_t kkr_text_write_wrapped_from(FILE *out, const char *text, size_t len, size_t width,
                                   size_t col, size_t indent);

/* One comment under a table, after head (e.g. "  Enhet (slag): "): a line longer than width
 * columns wrapped at spaces, the following lines indented four; its own line breaks (Alt+Enter
 * in Excel) start new indented lines of the same note, and control characters show as spaces.
 * Ends with a newline. */
void kkr_text_write_comment(FILE *out, size_t width, const char *head, const char *comment);

#endif
