/* xlsx-private.h — inside the .xlsx reader: the package and the helpers its files share */
#ifndef KKR_XLSX_PRIVATE_H
#define KKR_XLSX_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#define MAX_COLUMNS 16384L    /* XFD, Excel's last column */
#define MAX_ROWS 1048576L     /* Excel's last row */
#define MAX_PART_BYTES ((zip_uint64_t)1 << 32) /* a part inflating beyond this is refused */
#define CHUNK 65536

struct sheet {
    char *name;
    char *rid;
    char *part;   /* the zip entry, resolved from the relation */
    bool worksheet;
};

struct kkr_xlsx {
    char *name;
    zip_t *zip;
    zip_source_t *source;   /* for a buffer: owned by zip once opened */
    bool date1904;

    struct sheet *sheets;
    size_t sheet_count, sheet_cap;

    char *workbook_part;    /* xl/workbook.xml */
    char *strings_part;     /* from the workbook's relations, may be NULL */
    char *styles_part;

    /* shared strings: texts one after the other, NUL-terminated */
    char *sst_text;
    size_t sst_len, sst_cap;
    size_t *sst_off;
    size_t sst_count, sst_cap_items;

    /* styles: per cellXfs index, true when its number format is a date */
    bool *xf_date;
    size_t xf_count, xf_cap;
    int *fmt_ids;           /* custom numFmt ids that are dates */
    size_t fmt_count, fmt_cap;
};

struct part_ctx {
    struct kkr_xlsx *x;
    XML_Parser parser;
    struct kkr_diag *diag;
    enum kkr_status status;
    const char *sheet;      /* for messages from a sheet, else NULL */
};

/* In xlsx-read.c: small helpers, and one part streamed through an expat parser. */
enum kkr_status xlsx_nomem(struct kkr_diag *diag, const char *name);
bool xlsx_grow(void **p, size_t *cap, size_t need, size_t size);
const char *xlsx_local(const char *name);
const char *xlsx_attr(const char **atts, const char *name);
void xlsx_stop(struct part_ctx *pc, enum kkr_status st);
enum kkr_status xlsx_parse_part(struct kkr_xlsx *x, const char *part, XML_Parser p,
                                struct part_ctx *pc, bool optional, struct kkr_diag *diag);
XML_Parser xlsx_new_parser(struct part_ctx *pc);
/* In xlsx-strings.c: _xHHHH_ undone in place (returns the new length), sharedStrings.xml and
 * styles.xml read into the package. */
size_t xlsx_unescape_ooxml(char *s, size_t len);
enum kkr_status xlsx_read_strings(struct kkr_xlsx *x, struct kkr_diag *diag);
enum kkr_status xlsx_read_styles(struct kkr_xlsx *x, struct kkr_diag *diag);

#endif
