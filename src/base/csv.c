/* csv.c — the CSV reader: files, encodings, the push reader (memchr fast path, libcsv) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "kkr/csv.h"
#include "kkr/text.h"

#include "csv-private.h"

/* What is read at most from a file that is not regular (a pipe, a device): /dev/zero or an
 * endless pipe ends in a clear error, not in running out of memory. */
#define MAX_STREAM_BYTES ((size_t)1 << 28)
#define READ_BLOCK ((size_t)1 << 20)

enum kkr_status kkr_file_read_all(const char *path, char **data, size_t *len,
                                  struct kkr_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kkr_fail(diag, errno == ENOENT ? KKR_ERR_NOT_FOUND : KKR_ERR_IO, path, 0, 0,
                        "cannot open: %s", strerror(errno));
    /* A regular file is read into a buffer of its size (+ 1 for the NUL, + 1 to meet the end
     * without growing), allocated up to 64 MB at once; a pipe or a device grows by doubling
     * up to MAX_STREAM_BYTES. Reading goes block by block, and a block with a NUL byte ends
     * it: every reader refuses NUL (text files hold none), so a file with a 10 GB NUL tail, or
     * /dev/zero, costs one block, and the reader reports the NUL's line. */
    size_t cap = 16384, n = 0, limit = MAX_STREAM_BYTES;
    struct stat sb;
    bool regular = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0;
    if (regular) {
        limit = (uint64_t)sb.st_size < ((uint64_t)1 << 40) ? (size_t)sb.st_size + 2
                                                            : (size_t)1 << 40;
        cap = limit < ((size_t)1 << 26) ? limit : (size_t)1 << 26;
    }
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    for (;;) {
        if (n + 1 == cap) { /* full: the file grew, or it is no regular file */
            if (cap >= MAX_STREAM_BYTES && (!regular || cap > ((size_t)1 << 40))) {
                free(buf);
                fclose(f);
                return kkr_fail(diag, KKR_ERR_IO, path, 0, 0,
                                "more than %zu MB from a file that is not a regular file, "
                                "expected a CSV file", MAX_STREAM_BYTES >> 20);
            }
            size_t bigger_cap = cap * 2;
            char *bigger = realloc(buf, bigger_cap);
            if (!bigger) {
                free(buf);
                fclose(f);
                return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
            }
            buf = bigger;
            cap = bigger_cap;
        }
        size_t want = cap - n - 1;
        if (want > READ_BLOCK)
            want = READ_BLOCK;
        size_t got = fread(buf + n, 1, want, f);
        bool nul = got && memchr(buf + n, '\0', got) != NULL;
        n += got;
        if (got == 0 || nul)
            break;
    }
    bool failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot read: %s", strerror(saved));
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return KKR_OK;
}

/* Picks the delimiter from the header line: the most frequent of ';', tab and ',' outside
 * quotes (';' wins ties: it is what Swedish Excel writes). */
int kkr_csv_detect_delimiter(const char *s, size_t len)
{
    size_t semi = 0, tab = 0, comma = 0;
    bool quoted = false;
    for (size_t i = 0; i < len && s[i] != '\n'; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ';')
            semi++;
        else if (!quoted && s[i] == '\t')
            tab++;
        else if (!quoted && s[i] == ',')
            comma++;
    }
    if (semi == 0 && tab == 0 && comma == 0)
        return 0;
    if (semi >= tab && semi >= comma)
        return ';';
    return tab >= comma ? '\t' : ',';
}

static long line_of_offset(const char *s, size_t off, long *column)
{
    long line = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++) {
        /* a lone CR ends a line too (libcsv ends a record there) */
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n'))) {
            line++;
            start = i + 1;
        }
    }
    if (column)
        *column = (long)(off - start) + 1;
    return line;
}

enum kkr_status kkr_csv_check_utf16(const char *name, const char *data, size_t len,
                                    struct kkr_diag *diag)
{
    if (len >= 2 && (((unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xfe) ||
                     ((unsigned char)data[0] == 0xfe && (unsigned char)data[1] == 0xff)))
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, 1, 1,
                        "file is UTF-16, expected UTF-8 or Windows-1252 (save as 'CSV UTF-8')");
    const char *nul = memchr(data, '\0', len < 4 ? len : 4);
    if (nul && nul - data < 2 && len >= 4 && (data[0] == '\0') != (data[1] == '\0') &&
        (data[2] == '\0') == (data[0] == '\0'))
        /* "k\0o\0" or "\0k\0o": text with every other byte zero is UTF-16 without a BOM */
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, 1, 1,
                        "file is UTF-16 (without BOM), expected UTF-8 or Windows-1252 (save as "
                        "'CSV UTF-8')");
    return KKR_OK;
}

/* The message for a byte of a whole buffer that is not text (fail_bad_byte), with the
 * delimiter of its header line for the column. */
static enum kkr_status fail_at(struct kkr_diag *diag, const char *name, const char *data,
                               size_t len, size_t off, bool utf8_expected)
{
    size_t head = 0;
    while (head < len && (data[head] == '\n' || data[head] == '\r'))
        head++;
    char delim = (char)kkr_csv_detect_delimiter(data + head, len - head);
    long col, line = line_of_offset(data, off, &col);
    return fail_bad_byte(diag, name, line, data + off - (col - 1), (size_t)col - 1, delim,
                         (unsigned char)data[off], utf8_expected);
}

/* Checks the bytes and decides the encoding: UTF-8 (BOM removed) or Windows-1252 (converted,
 * *converted set to the new buffer). */
static enum kkr_status decode(const char *name, const char *data, size_t len, const char **text,
                              size_t *text_len, char **converted, struct kkr_diag *diag,
                              struct kkr_warnings *warn)
{
    *converted = NULL;
    enum kkr_status st = kkr_csv_check_utf16(name, data, len, diag);
    if (st != KKR_OK)
        return st;
    const char *nul = memchr(data, '\0', len);
    if (nul)
        return fail_at(diag, name, data, len, (size_t)(nul - data), true);
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t bad;
    if (kkr_utf8_valid(data, len, &bad)) {
        *text = data;
        *text_len = len;
        return KKR_OK;
    }
    /* not UTF-8: Windows-1252 if every byte is defined there */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d)
            return fail_at(diag, name, data, len, i, false);
    }
    *converted = kkr_cp1252_to_utf8(data, len, text_len);
    if (!*converted)
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    *text = *converted;
    kkr_warn(warn, "%s: not UTF-8, read as Windows-1252", name);
    return KKR_OK;
}

/* ---- the push reader: bytes in any pieces, rows out ---- */

enum encoding { ENC_UNKNOWN, ENC_UTF8, ENC_CP1252, ENC_DECODED };

struct kkr_csv_reader {
    struct reader r;
    struct csv_parser p;
    bool parser_ready;
    struct kkr_csv_options opt;
    struct kkr_warnings *warn;

    enum encoding enc;
    bool warn_cp1252;       /* the warning is due */
    bool started;           /* the first bytes were checked (UTF-16, BOM) */
    bool seeking_header;    /* still skipping the empty lines before the header */
    bool between_records;
    bool finished;
    long first_line;        /* the header's line */
    int delim;              /* 0 until the header line is seen */
    char delim_char;

    char *carry;            /* bytes after the last complete line, kept for the next push */
    size_t carry_len, carry_cap;
    char *conv;             /* Windows-1252 lines converted to UTF-8 */
    size_t conv_cap;
};

void kkr_csv_options_init(struct kkr_csv_options *opt)
{
    *opt = (struct kkr_csv_options){.fast_path = true};
}

void kkr_csv_reader_stats(const struct kkr_csv_reader *cr, struct kkr_csv_reader_stats *stats)
{
    stats->fast_rows = cr->r.fast_rows;
    stats->slow_rows = cr->r.slow_rows;
    stats->windows_1252 = cr->enc == ENC_CP1252;
    stats->line = cr->seeking_header ? cr->first_line : cr->r.line;
}

enum kkr_status kkr_csv_reader_new(const char *name, const struct kkr_csv_column *columns,
                                   const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                   void *userdata, struct kkr_diag *diag,
                                   struct kkr_warnings *warn, struct kkr_csv_reader **out)
{
    *out = NULL;
    struct kkr_csv_reader *cr = calloc(1, sizeof *cr);
    if (!cr)
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    struct reader *r = &cr->r;
    *r = (struct reader){
        .name = name, .columns = columns, .fn = fn, .userdata = userdata, .diag = diag,
        .status = KKR_OK,
    };
    while (columns[r->column_count].names)
        r->column_count++;
    if (opt)
        cr->opt = *opt;
    else
        kkr_csv_options_init(&cr->opt);
    r->match_header = cr->opt.match_header;
    cr->warn = warn;
    cr->seeking_header = true;
    cr->between_records = true;
    cr->first_line = 1;
    r->source_column = calloc(r->column_count ? r->column_count : 1, sizeof *r->source_column);
    r->out_fields = calloc(r->column_count ? r->column_count : 1, sizeof *r->out_fields);
    if (!r->source_column || !r->out_fields ||
        csv_init(&cr->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        kkr_csv_reader_free(cr);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    cr->parser_ready = true;
    *out = cr;
    return KKR_OK;
}

void kkr_csv_reader_free(struct kkr_csv_reader *cr)
{
    if (!cr)
        return;
    if (cr->parser_ready)
        csv_free(&cr->p);
    free(cr->r.text);
    free(cr->r.field_off);
    free(cr->r.field_len);
    free(cr->r.source_column);
    free(cr->r.out_fields);
    free(cr->r.placed);
    free(cr->carry);
    free(cr->conv);
    free(cr);
}

static enum kkr_status reader_fail(struct kkr_csv_reader *cr, enum kkr_status st)
{
    if (cr->r.status == KKR_OK)
        cr->r.status = st;
    return cr->r.status;
}

/* The first bytes of a file that is pushed undecoded: UTF-16 (with or without a BOM) is named
 * as such, with the same words as for a whole buffer; a UTF-8 BOM is dropped. */
static enum kkr_status check_start(struct kkr_csv_reader *cr, const char **s, size_t *n)
{
    const char *d = *s;
    size_t len = *n;
    enum kkr_status st = kkr_csv_check_utf16(cr->r.name, d, len, cr->r.diag);
    if (st != KKR_OK)
        return reader_fail(cr, st);
    if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
        *s = d + 3;
        *n = len - 3;
    }
    return KKR_OK;
}

static enum kkr_status split_lines(struct kkr_csv_reader *cr, const char *text, size_t len,
                                   struct scan *sc);

/* Windows-1252 lines (starting on line `line`) as UTF-8, into cr->conv. A byte that is no
 * text there (undefined, or NUL) cuts the text before its line: *bad_at is its offset (else
 * SIZE_MAX), *bad_line its line, *text_len covers the lines before it. */
static enum kkr_status convert_cp1252(struct kkr_csv_reader *cr, const char *s, size_t n,
                                      long line, const char **text, size_t *text_len,
                                      size_t *bad_at, long *bad_line, size_t *bad_line_start)
{
    size_t line_start = 0;
    *bad_at = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) {
            line++;
            line_start = i + 1;
        } else if (c == 0 || c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) {
            *bad_at = i;
            *bad_line = line;
            *bad_line_start = line_start;
            n = line_start;
            break;
        }
    }
    if (cr->warn_cp1252 && *bad_at == SIZE_MAX) {
        /* once, when the first lines in Windows-1252 were all valid */
        cr->warn_cp1252 = false;
        kkr_warn(cr->warn, "%s: not UTF-8, read as Windows-1252", cr->r.name);
    }
    size_t cl;
    char *conv = kkr_cp1252_to_utf8(s, n, &cl);
    if (!conv)
        return reader_fail(cr, kkr_fail(cr->r.diag, KKR_ERR_NOMEM, cr->r.name, 0, 0,
                                        "out of memory"));
    free(cr->conv);
    cr->conv = conv;
    *text = conv;
    *text_len = cl;
    return KKR_OK;
}

/* Windows-1252 lines split: those before a byte that is no text, then its error (the first
 * error in the file wins: a row before it may have one). */
static enum kkr_status split_cp1252(struct kkr_csv_reader *cr, const char *s, size_t n,
                                    struct scan *sc)
{
    long line = cr->seeking_header ? cr->first_line : cr->r.line;
    const char *text = NULL;
    size_t text_len = 0, bad_at = SIZE_MAX, bad_start = 0;
    long bad_line = 0;
    if (convert_cp1252(cr, s, n, line, &text, &text_len, &bad_at, &bad_line, &bad_start) !=
        KKR_OK)
        return cr->r.status;
    sc->enc = SCAN_TEXT;
    sc->switch_pending = false;
    enum kkr_status st = text_len ? split_lines(cr, text, text_len, sc) : KKR_OK;
    if (st != KKR_OK || bad_at == SIZE_MAX)
        return st;
    return reader_fail(cr, fail_bad_byte(cr->r.diag, cr->r.name, bad_line, s + bad_start,
                                         bad_at - bad_start, cr->r.delim,
                                         (unsigned char)s[bad_at], false));
}

/* Splits the complete lines of text[0..len) (at the end the last one may lack its
 * terminator): the header first (found past empty lines, through libcsv), then the block
 * scanner. enc says what is known of the bytes; a switch to Windows-1252 comes back in sc. */
static enum kkr_status split_lines(struct kkr_csv_reader *cr, const char *text, size_t len,
                                   struct scan *sc)
{
    struct reader *r = &cr->r;
    size_t pos = 0;
    if (cr->seeking_header) {
        /* skip leading empty lines to find the header */
        long line = cr->first_line;
        while (pos < len && (text[pos] == '\n' || text[pos] == '\r')) {
            if (text[pos] == '\n' || pos + 1 >= len || text[pos + 1] != '\n')
                line++;
            pos++;
        }
        if (pos == len) {
            cr->first_line = line;
            return KKR_OK;
        }
        /* the header line's bytes before anything is read of it */
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t head_len = nl ? (size_t)(nl + 1 - (text + pos)) : len - pos;
        r->line = line;
        cr->delim = kkr_csv_detect_delimiter(text + pos, len - pos);
        r->delim = (char)cr->delim; /* (for the column of a bad byte in the header) */
        enum kkr_status st = scan_check_line(sc, text + pos, head_len);
        if (st != KKR_OK)
            return reader_fail(cr, st);
        if (sc->switch_pending) {
            sc->switch_at = pos;
            cr->first_line = line;
            return KKR_OK;
        }
        cr->first_line = line;
        cr->seeking_header = false;
        if (cr->delim == 0 && r->column_count > 1)
            return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, cr->first_line, 0,
                                            "no delimiter in the header, expected ';', ',' or "
                                            "tab between names"));
        cr->delim_char = (char)(cr->delim ? cr->delim : ';');
        r->delim = cr->delim_char;
        csv_set_delim(&cr->p, (unsigned char)cr->delim_char);
        r->last_end_line = cr->first_line - 1;
        /* the header (and a quoted name over several lines) through libcsv */
        if (scan_slow(sc, text + pos, head_len) != KKR_OK)
            return r->status;
        pos += head_len;
    }
    if (r->stop || pos == len)
        return r->status;
    enum kkr_status st = scan_lines(sc, text + pos, len - pos);
    if (sc->switch_pending)
        sc->switch_at += pos;
    return st == KKR_OK ? r->status : reader_fail(cr, st);
}

static enum encoding enc_of_scan(enum scan_encoding e)
{
    return e == SCAN_UTF8 ? ENC_UTF8 : ENC_UNKNOWN;
}

/* Complete lines pushed: checked (unless decoded already) and split. The encoding is decided
 * at the first byte >= 0x80: valid UTF-8 means UTF-8, anything else Windows-1252 (converted,
 * one warning); a file that changes its mind later is an error. */
static enum kkr_status take_lines(struct kkr_csv_reader *cr, const char *s, size_t n)
{
    if (!cr->started) {
        cr->started = true;
        if (cr->enc != ENC_DECODED && check_start(cr, &s, &n) != KKR_OK)
            return cr->r.status;
    }
    struct scan sc = {
        .r = &cr->r, .parser = &cr->p, .between_records = &cr->between_records,
        .fast = cr->opt.fast_path, .in_place = cr->opt.in_place,
    };
    switch (cr->enc) {
    case ENC_DECODED:
        sc.enc = SCAN_TEXT;
        return split_lines(cr, s, n, &sc);
    case ENC_CP1252:
        return split_cp1252(cr, s, n, &sc);
    case ENC_UTF8:
        sc.enc = SCAN_UTF8;
        break;
    case ENC_UNKNOWN:
        sc.enc = SCAN_ASCII_SO_FAR;
        break;
    }
    enum kkr_status st = split_lines(cr, s, n, &sc);
    if (st != KKR_OK || !sc.switch_pending) {
        if (st == KKR_OK)
            cr->enc = enc_of_scan(sc.enc);
        return st;
    }
    /* The first byte >= 0x80 is not UTF-8: Windows-1252 from its line on (the lines before
     * were ASCII, the same in both). */
    cr->enc = ENC_CP1252;
    cr->warn_cp1252 = true;
    return split_cp1252(cr, s + sc.switch_at, n - sc.switch_at, &sc);
}

static bool carry_append(struct kkr_csv_reader *cr, const char *data, size_t len)
{
    if (cr->carry_len + len + 1 > cr->carry_cap) {
        size_t cap = cr->carry_cap ? cr->carry_cap : 4096;
        while (cap < cr->carry_len + len + 1)
            cap *= 2;
        char *c = realloc(cr->carry, cap);
        if (!c)
            return false;
        cr->carry = c;
        cr->carry_cap = cap;
    }
    memcpy(cr->carry + cr->carry_len, data, len);
    cr->carry_len += len;
    cr->carry[cr->carry_len] = '\0';
    return true;
}

enum kkr_status kkr_csv_reader_push(struct kkr_csv_reader *cr, const char *data, size_t len)
{
    struct reader *r = &cr->r;
    if (r->status != KKR_OK || r->stop || len == 0)
        return r->status;
    if (cr->finished)
        return kkr_fail(r->diag, KKR_ERR_USAGE, r->name, 0, 0, "bytes pushed after the end");
    if (!cr->started && cr->carry_len + len < 4) {
        /* the start of the file (UTF-16, a BOM) is judged on four bytes, whatever the pieces */
        if (!carry_append(cr, data, len))
            return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0,
                                            "out of memory"));
        return KKR_OK;
    }
    /* Only complete lines are split: up to the last LF (a CR at the end of a piece may be
     * the first half of CR LF). What follows waits in carry for the next piece; a whole
     * buffer in one push is split where it lies, without a copy. */
    if (cr->carry_len == 0) {
        const char *nl = memrchr(data, '\n', len);
        size_t complete = nl ? (size_t)(nl + 1 - data) : 0;
        if (complete && take_lines(cr, data, complete) != KKR_OK)
            return r->status;
        if (r->stop || complete == len)
            return r->status;
        if (!carry_append(cr, data + complete, len - complete))
            return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0,
                                            "out of memory"));
        return KKR_OK;
    }
    size_t old = cr->carry_len;
    if (!carry_append(cr, data, len))
        return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0,
                                        "out of memory"));
    const char *nl = memrchr(cr->carry + old, '\n', len);
    if (!nl)
        return KKR_OK;
    size_t complete = (size_t)(nl + 1 - cr->carry);
    if (take_lines(cr, cr->carry, complete) != KKR_OK)
        return r->status;
    memmove(cr->carry, cr->carry + complete, cr->carry_len - complete);
    cr->carry_len -= complete;
    return r->status;
}

/* A file without a header names the columns it should have. */
static enum kkr_status fail_empty(struct reader *r)
{
    char expected[256];
    expected_columns(r, expected, sizeof expected);
    return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, 1, 0,
                    "file is empty, expected a header line '%s'", expected);
}

enum kkr_status kkr_csv_reader_finish(struct kkr_csv_reader *cr)
{
    struct reader *r = &cr->r;
    if (cr->finished)
        return r->status;
    cr->finished = true;
    if (r->status != KKR_OK)
        return r->status;
    if (cr->carry_len && !r->stop) {
        if (take_lines(cr, cr->carry, cr->carry_len) != KKR_OK)
            return r->status;
        cr->carry_len = 0;
    }
    if (r->stop)
        return r->status;
    if (cr->seeking_header)
        return reader_fail(cr, fail_empty(r));
    r->line--; /* a record still open at the end lies on the last line, not past it */
    if (csv_fini(&cr->p, record_field, record_end, r) != 0 && r->status == KKR_OK)
        r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name,
                             r->field_count ? r->row_line : r->last_end_line + 1,
                             (long)r->field_count + 1,
                             "quoted field is not closed at the end of the file, expected '\"'");
    if (r->status == KKR_OK && !r->header_done)
        r->status = fail_empty(r);
    return r->status;
}

static enum kkr_status read_buffer(const char *name, const char *data, size_t len,
                                   const struct kkr_csv_column *columns,
                                   const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                   void *userdata, struct kkr_diag *diag,
                                   struct kkr_warnings *warn, struct kkr_csv_header *header)
{
    /* A whole buffer is decoded at once (the encoding is the whole file's: one byte that is
     * not UTF-8 anywhere makes it Windows-1252), then pushed in one piece. */
    const char *text = NULL;
    size_t text_len = 0;
    char *converted = NULL;
    enum kkr_status st = decode(name, data, len, &text, &text_len, &converted, diag, warn);
    if (st != KKR_OK)
        return st;
    struct kkr_csv_reader *cr;
    st = kkr_csv_reader_new(name, columns, opt, fn, userdata, diag, warn, &cr);
    if (st != KKR_OK) {
        free(converted);
        return st;
    }
    cr->enc = ENC_DECODED;
    cr->r.header_only = header != NULL;
    st = kkr_csv_reader_push(cr, text, text_len);
    if (st == KKR_OK)
        st = kkr_csv_reader_finish(cr);
    if (st == KKR_OK && header && cr->r.header_done) {
        header->field_count = cr->r.header_fields;
        header->delimiter = cr->delim_char;
        header->line = cr->first_line;
        for (size_t c = 0; c < cr->r.column_count; c++)
            header->columns[c] = cr->r.source_column[c];
    }
    kkr_csv_reader_free(cr);
    free(converted);
    return st;
}

enum kkr_status kkr_csv_read_buffer_with(const char *name, const char *data, size_t len,
                                         const struct kkr_csv_column *columns,
                                         const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                         void *userdata, struct kkr_diag *diag,
                                         struct kkr_warnings *warn)
{
    return read_buffer(name, data, len, columns, opt, fn, userdata, diag, warn, NULL);
}

enum kkr_status kkr_csv_read_buffer(const char *name, const char *data, size_t len,
                                    const struct kkr_csv_column *columns, kkr_csv_row_fn fn,
                                    void *userdata, struct kkr_diag *diag,
                                    struct kkr_warnings *warn)
{
    return read_buffer(name, data, len, columns, NULL, fn, userdata, diag, warn, NULL);
}

enum kkr_status kkr_csv_read_header(const char *name, const char *data, size_t len,
                                    const struct kkr_csv_column *columns,
                                    struct kkr_csv_header *header, struct kkr_diag *diag)
{
    return read_buffer(name, data, len, columns, NULL, NULL, NULL, diag, NULL, header);
}

enum kkr_status kkr_csv_read_file_with(const char *path, const struct kkr_csv_column *columns,
                                       const struct kkr_csv_options *opt, kkr_csv_row_fn fn,
                                       void *userdata, struct kkr_diag *diag,
                                       struct kkr_warnings *warn)
{
    char *data;
    size_t len;
    enum kkr_status st = kkr_file_read_all(path, &data, &len, diag);
    if (st != KKR_OK)
        return st;
    st = read_buffer(path, data, len, columns, opt, fn, userdata, diag, warn, NULL);
    free(data);
    return st;
}

enum kkr_status kkr_csv_read_file(const char *path, const struct kkr_csv_column *columns,
                                  kkr_csv_row_fn fn, void *userdata, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    return kkr_csv_read_file_with(path, columns, NULL, fn, userdata, diag, warn);
}
