/* json.c — JSON out: string literals that are always valid UTF-8, and a writer with sticky errors */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/json.h"
#include "kkr/text.h"

#define MAX_DEPTH 32

void kkr_json_write_string_n(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    fputc('"', out);
    while (p < end) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        } else if (c < 0x80) {
            fputc(c, out);
        } else {
            size_t n = kkr_utf8_sequence((const char *)p, (size_t)(end - p));
            if (n == 0) {
                fputs("\xEF\xBF\xBD", out); /* U+FFFD for a byte that is not UTF-8 */
                n = 1;
            } else {
                fwrite(p, 1, n, out);
            }
            p += n;
            continue;
        }
        p++;
    }
    fputc('"', out);
}

void kkr_json_write_string(FILE *out, const char *s)
{
    kkr_json_write_string_n(out, s, strlen(s));
}

/* ---- the writer ---- */

struct level {
    bool object;
    enum kkr_json_layout layout;
    size_t members;
    bool key_due;     /* object: the next call must be kkr_json_key */
};

struct kkr_json {
    FILE *out;
    enum kkr_status status;
    const char *error;          /* what went wrong first, for the message */
    int depth;                  /* open containers */
    bool done;                  /* a complete top-level value was written */
    struct level stack[MAX_DEPTH];
};

/* The writer handed out when malloc fails: already in error, so every call is a no-op (its
 * fields are never written because status is not KKR_OK). */
static struct kkr_json nomem_writer = {NULL, KKR_ERR_NOMEM, "out of memory", 0, false, {{0}}};

struct kkr_json *kkr_json_new(FILE *out)
{
    struct kkr_json *j = calloc(1, sizeof *j);
    if (!j)
        return &nomem_writer;
    j->out = out;
    j->status = KKR_OK;
    return j;
}

void kkr_json_free(struct kkr_json *j)
{
    if (j && j != &nomem_writer)
        free(j);
}

enum kkr_status kkr_json_status(const struct kkr_json *j)
{
    return j->status;
}

static bool fail(struct kkr_json *j, enum kkr_status st, const char *what)
{
    if (j->status == KKR_OK) {
        j->status = st;
        j->error = what;
    }
    return false;
}

static void newline(struct kkr_json *j, int depth)
{
    fputc('\n', j->out);
    for (int i = 0; i < depth; i++)
        fputs("  ", j->out);
}

/* Before a value: the comma and layout of the container it goes in. False when a value may
 * not come here (the writer is then in error). */
static bool value_begin(struct kkr_json *j)
{
    if (j->status != KKR_OK)
        return false;
    if (j->depth == 0) {
        if (j->done)
            return fail(j, KKR_ERR_USAGE, "a second top-level JSON value");
        return true;
    }
    struct level *l = &j->stack[j->depth - 1];
    if (l->object) {
        if (l->key_due)
            return fail(j, KKR_ERR_USAGE, "a JSON value where a key is due");
        l->key_due = true; /* the key was written: after this value, the next key */
        return true;
    }
    if (l->members++)
        fputc(',', j->out);
    if (l->layout == KKR_JSON_LINES)
        newline(j, j->depth);
    else if (l->members > 1)
        fputc(' ', j->out);
    return true;
}

static void value_end(struct kkr_json *j)
{
    if (j->depth == 0)
        j->done = true;
}

void kkr_json_key(struct kkr_json *j, const char *key)
{
    if (j->status != KKR_OK)
        return;
    if (j->depth == 0 || !j->stack[j->depth - 1].object || !j->stack[j->depth - 1].key_due) {
        fail(j, KKR_ERR_USAGE, "a JSON key outside an object or twice");
        return;
    }
    struct level *l = &j->stack[j->depth - 1];
    if (l->members++)
        fputc(',', j->out);
    if (l->layout == KKR_JSON_LINES)
        newline(j, j->depth);
    else if (l->members > 1)
        fputc(' ', j->out);
    kkr_json_write_string(j->out, key);
    fputs(": ", j->out);
    l->key_due = false;
}

static void open_level(struct kkr_json *j, bool object, enum kkr_json_layout layout)
{
    if (!value_begin(j))
        return;
    if (j->depth == MAX_DEPTH) {
        fail(j, KKR_ERR_USAGE, "JSON nested too deep");
        return;
    }
    fputc(object ? '{' : '[', j->out);
    j->stack[j->depth++] = (struct level){object, layout, 0, object};
}

static void close_level(struct kkr_json *j, bool object)
{
    if (j->status != KKR_OK)
        return;
    if (j->depth == 0 || j->stack[j->depth - 1].object != object) {
        fail(j, KKR_ERR_USAGE, object ? "a JSON object closed that is not open"
                                      : "a JSON array closed that is not open");
        return;
    }
    struct level *l = &j->stack[j->depth - 1];
    if (object && !l->key_due) {
        fail(j, KKR_ERR_USAGE, "a JSON key without a value");
        return;
    }
    j->depth--;
    if (l->layout == KKR_JSON_LINES)
        newline(j, j->depth);
    fputc(object ? '}' : ']', j->out);
    value_end(j);
}

void kkr_json_object_begin(struct kkr_json *j, enum kkr_json_layout layout)
{
    open_level(j, true, layout);
}

void kkr_json_object_end(struct kkr_json *j)
{
    close_level(j, true);
}

void kkr_json_array_begin(struct kkr_json *j, enum kkr_json_layout layout)
{
    open_level(j, false, layout);
}

void kkr_json_array_end(struct kkr_json *j)
{
    close_level(j, false);
}

void kkr_json_string(struct kkr_json *j, const char *s)
{
    if (!s) {
        kkr_json_null(j);
        return;
    }
    if (!value_begin(j))
        return;
    kkr_json_write_string(j->out, s);
    value_end(j);
}

void kkr_json_int(struct kkr_json *j, int64_t v)
{
    if (!value_begin(j))
        return;
    fprintf(j->out, "%" PRId64, v);
    value_end(j);
}

void kkr_json_bool(struct kkr_json *j, bool v)
{
    if (!value_begin(j))
        return;
    fputs(v ? "true" : "false", j->out);
    value_end(j);
}

void kkr_json_null(struct kkr_json *j)
{
    if (!value_begin(j))
        return;
    fputs("null", j->out);
    value_end(j);
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void kkr_json_number_text(struct kkr_json *j, const char *text)
{
    if (!text || !text[0]) {
        kkr_json_null(j);
        return;
    }
    if (j->status != KKR_OK)
        return;
    if (!is_number(text)) {
        fail(j, KKR_ERR_VALUE, "a JSON number that is not one");
        return;
    }
    if (!value_begin(j))
        return;
    fputs(text, j->out);
    value_end(j);
}

enum kkr_status kkr_json_finish(struct kkr_json *j, struct kkr_diag *diag)
{
    if (j->status == KKR_OK && (j->depth != 0 || !j->done))
        fail(j, KKR_ERR_USAGE, "a JSON document left unfinished");
    if (j->status == KKR_OK) {
        fputc('\n', j->out);
        if (fflush(j->out) != 0 || ferror(j->out))
            fail(j, KKR_ERR_IO, "write error");
    }
    if (j->status != KKR_OK)
        return kkr_fail(diag, j->status, NULL, 0, 0, "%s", j->error);
    return KKR_OK;
}
