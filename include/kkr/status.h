/* status.h — error values, diagnostics with file:line:column, and warnings */
#ifndef KKR_STATUS_H
#define KKR_STATUS_H

#include <stddef.h>

enum kkr_status {
    KKR_OK = 0,
    KKR_ERR_NOMEM,      /* out of memory */
    KKR_ERR_IO,         /* a file could not be read or written */
    KKR_ERR_SYNTAX,     /* malformed input: encoding, quoting, numbers, periods */
    KKR_ERR_VALUE,      /* well-formed input that makes no sense: unknown unit, cycle, ... */
    KKR_ERR_OVERFLOW,   /* an amount or a sum does not fit in int64 öre */
    KKR_ERR_USAGE,      /* a wrong option or argument from the caller */
    KKR_ERR_EXISTS,     /* a file that must not be overwritten exists */
    KKR_ERR_NUMERIC,    /* a numerical method failed */
    KKR_ERR_NOT_FOUND,  /* a named thing (unit, snapshot, method) does not exist */
    KKR_ERR_LOCKED,     /* another process holds the workbook lock */
};

/* A short English description of a status; never NULL. */
const char *kkr_strerror(enum kkr_status status);

/* Where and why something failed. line and column are 1-based; 0 means unknown.
 * column is the 1-based field (column) number in CSV files. */
struct kkr_diag {
    char file[512];
    long line;
    long column;
    char message[1024];
};

/* Every failure passes through here: fills diag (if not NULL) and returns status.
 * file may be NULL. A single place to put a breakpoint. */
enum kkr_status kkr_fail(struct kkr_diag *diag, enum kkr_status status, const char *file,
                         long line, long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Clears a diagnostic. */
void kkr_diag_clear(struct kkr_diag *diag);

/* Formats "file:line:column: message" (the parts that are known) into buf. */
void kkr_diag_format(const struct kkr_diag *diag, char *buf, size_t size);

/* Warnings collected by the library for the caller to print. Each item is a full
 * message without the program name, e.g. "budget.csv: unit 'HT' has budget but no utfall". */
struct kkr_warnings {
    char **items;
    size_t count;
    size_t capacity;
};

void kkr_warnings_init(struct kkr_warnings *w);
void kkr_warnings_release(struct kkr_warnings *w);
/* Adds a warning; w may be NULL (the warning is dropped). Out of memory drops it too. */
void kkr_warn(struct kkr_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
