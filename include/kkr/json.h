/* json.h — writing JSON: a streaming writer whose errors stick to it, and string literals */
#ifndef KKR_JSON_H
#define KKR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kkr/status.h"

/* Writes s as a JSON string literal (with quotes): '"' '\\' and control characters escaped,
 * bytes that are not UTF-8 (a Windows-1252 file name, say) replaced by U+FFFD, so the output
 * is always valid UTF-8. Errors show in ferror(out). */
void kkr_json_write_string(FILE *out, const char *s);

/* The same for the len bytes at s (which may hold NUL: written as \u0000). */
void kkr_json_write_string_n(FILE *out, const char *s, size_t len);

/* A JSON writer (opaque). Calls build the document in order; the writer puts the commas and
 * the layout. The first error (a key outside an object, a value where a key is due, too deep a
 * nesting, a malformed number, out of memory, a write error) sticks: later calls do nothing,
 * and kkr_json_finish reports it, as cairo checks cairo_status() once after drawing. */
struct kkr_json;

/* How the members of an object or array are laid out:
 * KKR_JSON_LINES  each member on a line of its own, indented two spaces a level, the closing
 *                 bracket on a line of its own ("{\n  \"a\": 1,\n  \"b\": 2\n}");
 * KKR_JSON_INLINE members on one line after ", " ("{\"a\": 1, \"b\": 2}"). */
enum kkr_json_layout { KKR_JSON_LINES, KKR_JSON_INLINE };

/* A writer onto out (not closed by it). Never NULL: when memory runs out it returns a writer
 * already in the KKR_ERR_NOMEM state, which kkr_json_finish reports. Free with kkr_json_free. */
struct kkr_json *kkr_json_new(FILE *out);
void kkr_json_free(struct kkr_json *j);  /* NULL-safe */

void kkr_json_object_begin(struct kkr_json *j, enum kkr_json_layout layout);
void kkr_json_object_end(struct kkr_json *j);
void kkr_json_array_begin(struct kkr_json *j, enum kkr_json_layout layout);
void kkr_json_array_end(struct kkr_json *j);
/* The key of the next member of the current object. */
void kkr_json_key(struct kkr_json *j, const char *key);
/* A string value; NULL writes null. */
void kkr_json_string(struct kkr_json *j, const char *s);
void kkr_json_int(struct kkr_json *j, int64_t v);
void kkr_json_bool(struct kkr_json *j, bool v);
void kkr_json_null(struct kkr_json *j);
/* A number already formatted (e.g. "-1234.56" from kkr_money_format); "" or NULL writes null.
 * Anything that is not a JSON number is an error (KKR_ERR_VALUE), never written. */
void kkr_json_number_text(struct kkr_json *j, const char *text);

/* Checks the document once, at the end: every object and array closed, no error on the way,
 * the stream flushed without error; then writes a final newline. Returns KKR_OK or the first
 * error (diag filled, file NULL). */
enum kkr_status kkr_json_finish(struct kkr_json *j, struct kkr_diag *diag);

/* The writer's sticky status (KKR_OK while nothing went wrong). */
enum kkr_status kkr_json_status(const struct kkr_json *j);

#endif
