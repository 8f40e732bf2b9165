/* status.c — error values, the one failure function, diagnostics and warnings */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/status.h"

const char *kkr_strerror(enum kkr_status status)
{
    switch (status) {
    case KKR_OK: return "ok";
    case KKR_ERR_NOMEM: return "out of memory";
    case KKR_ERR_IO: return "input/output error";
    case KKR_ERR_SYNTAX: return "malformed input";
    case KKR_ERR_VALUE: return "invalid input";
    case KKR_ERR_OVERFLOW: return "amount out of range";
    case KKR_ERR_USAGE: return "wrong usage";
    case KKR_ERR_EXISTS: return "file exists";
    case KKR_ERR_NUMERIC: return "numerical method failed";
    case KKR_ERR_NOT_FOUND: return "not found";
    case KKR_ERR_LOCKED: return "workbook locked";
    }
    return "unknown error";
}

void kkr_diag_clear(struct kkr_diag *diag)
{
    if (diag)
        memset(diag, 0, sizeof *diag);
}

enum kkr_status kkr_fail(struct kkr_diag *diag, enum kkr_status status, const char *file,
                         long line, long column, const char *fmt, ...)
{
    if (!diag)
        return status;
    snprintf(diag->file, sizeof diag->file, "%s", file ? file : "");
    diag->line = line;
    diag->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->message, sizeof diag->message, fmt, ap);
    va_end(ap);
    return status;
}

void kkr_diag_format(const struct kkr_diag *diag, char *buf, size_t size)
{
    if (!diag->file[0])
        snprintf(buf, size, "%s", diag->message);
    else if (diag->line <= 0)
        snprintf(buf, size, "%s: %s", diag->file, diag->message);
    else if (diag->column <= 0)
        snprintf(buf, size, "%s:%ld: %s", diag->file, diag->line, diag->message);
    else
        snprintf(buf, size, "%s:%ld:%ld: %s", diag->file, diag->line, diag->column,
                 diag->message);
}

void kkr_warnings_init(struct kkr_warnings *w)
{
    memset(w, 0, sizeof *w);
}

void kkr_warnings_release(struct kkr_warnings *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->count; i++)
        free(w->items[i]);
    free(w->items);
    memset(w, 0, sizeof *w);
}

void kkr_warn(struct kkr_warnings *w, const char *fmt, ...)
{
    if (!w)
        return;
    if (w->count == w->capacity) {
        size_t cap = w->capacity ? w->capacity * 2 : 8;
        char **items = realloc(w->items, cap * sizeof *items);
        if (!items)
            return;
        w->items = items;
        w->capacity = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    w->items[w->count++] = msg;
}
