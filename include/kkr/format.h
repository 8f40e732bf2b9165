/* format.h — the output formats (--format), shared by every writer */
#ifndef KKR_FORMAT_H
#define KKR_FORMAT_H

#include <stdbool.h>

enum kkr_format { KKR_FORMAT_TEXT, KKR_FORMAT_CSV, KKR_FORMAT_MD, KKR_FORMAT_JSON,
                  KKR_FORMAT_XLSX };

/* Parses "text", "csv", "md" (or "markdown"), "json", "xlsx" (xlsx is written to a file, by
 * kkr_sheet_doc_write_xlsx, never to a stream). */
bool kkr_format_parse(const char *s, enum kkr_format *out);

#endif
