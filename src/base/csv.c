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

/* The length of the line at s without its terminator: a line ends at LF, CR LF or a lone CR
 * (old Mac files; libcsv ends a record at any of them, so two records never share a line
 * number). memchr does the scanning: this loop runs once per line of the largest files. */
static size_t line_length(const char *s, size_t left)
{
    const char *nl = memchr(s, '\n', left);
    size_t n = nl ? (size_t)(nl - s) : left;
    const char *cr = memchr(s, '\r', n);
    if (!cr)
        return n;
    size_t at = (size_t)(cr - s);
    /* the first CR before the LF: a lone CR unless the LF follows it right away; with no LF
     * at all, any CR ends the line (at the end of the file too) */
    if (at + 1 < n || !nl)
        return at;
    return n; /* CR LF: the CR stays in the line and is dropped as part of the terminator */
}

/* True when a line holds only spaces, tabs and its terminator (libcsv skips such a line). */
static bool line_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
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
    if (nul) {
        long col, line = line_of_offset(data, (size_t)(nul - data), &col);
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, line, 0,
                        "NUL byte at character %ld, expected text", col);
    }
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
        if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) {
            long col, line = line_of_offset(data, i, &col);
            return kkr_fail(diag, KKR_ERR_SYNTAX, name, line, 0,
                            "byte 0x%02X at character %ld is neither UTF-8 nor Windows-1252",
                            c, col);
        }
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
    opt->fast_path = true;
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

/* Checks a run of complete lines pushed undecoded (they start on line cr->r.line) and gives
 * the UTF-8 text to split. The encoding is decided at the first byte >= 0x80: valid UTF-8
 * means UTF-8, anything else Windows-1252 (converted, one warning); a file that changes its
 * mind later is an error. */
static enum kkr_status decode_lines(struct kkr_csv_reader *cr, const char *s, size_t n,
                                    const char **text, size_t *text_len)
{
    *text = s;
    *text_len = n;
    /* the line these bytes start on: before the header only empty lines were seen */
    const long base = cr->seeking_header ? cr->first_line : cr->r.line;
    const char *nul = memchr(s, '\0', n);
    if (nul) {
        long col, line = line_of_offset(s, (size_t)(nul - s), &col);
        return reader_fail(cr, kkr_fail(cr->r.diag, KKR_ERR_SYNTAX, cr->r.name,
                                        base + line - 1, 0,
                                        "NUL byte at character %ld, expected text", col));
    }
    if (cr->enc != ENC_CP1252) {
        size_t bad;
        if (kkr_utf8_valid(s, n, &bad)) {
            if (cr->enc == ENC_UNKNOWN) {
                for (size_t i = 0; i < n; i++)
                    if ((unsigned char)s[i] >= 0x80) {
                        cr->enc = ENC_UTF8;
                        break;
                    }
            }
            return KKR_OK;
        }
        if (cr->enc == ENC_UTF8) {
            long col, line = line_of_offset(s, bad, &col);
            return reader_fail(cr, kkr_fail(cr->r.diag, KKR_ERR_SYNTAX, cr->r.name,
                                            base + line - 1, 0,
                                            "byte 0x%02X at character %ld is not UTF-8, expected "
                                            "the whole file in UTF-8 (or all of it in "
                                            "Windows-1252)",
                                            (unsigned char)s[bad], col));
        }
        /* the first byte >= 0x80 must be where UTF-8 fails: else UTF-8 came first */
        for (size_t i = 0; i < bad; i++)
            if ((unsigned char)s[i] >= 0x80) {
                long col, line = line_of_offset(s, bad, &col);
                return reader_fail(cr, kkr_fail(cr->r.diag, KKR_ERR_SYNTAX, cr->r.name,
                                                base + line - 1, 0,
                                                "byte 0x%02X at character %ld is not UTF-8, "
                                                "expected the whole file in UTF-8 (or all of "
                                                "it in Windows-1252)",
                                                (unsigned char)s[bad], col));
            }
        cr->enc = ENC_CP1252;
        cr->warn_cp1252 = true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) {
            long col, line = line_of_offset(s, i, &col);
            return reader_fail(cr, kkr_fail(cr->r.diag, KKR_ERR_SYNTAX, cr->r.name,
                                            base + line - 1, 0,
                                            "byte 0x%02X at character %ld is neither UTF-8 nor "
                                            "Windows-1252", c, col));
        }
    }
    if (cr->warn_cp1252) { /* once, when the first lines in Windows-1252 were all valid */
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

/* Splits the complete lines of text[0..len) (at eof the last one may lack its terminator). */
static enum kkr_status split_lines(struct kkr_csv_reader *cr, const char *text, size_t len)
{
    struct reader *r = &cr->r;
    size_t pos = 0;
    if (cr->seeking_header) {
        /* skip leading empty lines to find the header */
        while (pos < len && (text[pos] == '\n' || text[pos] == '\r')) {
            if (text[pos] == '\n' || pos + 1 >= len || text[pos + 1] != '\n')
                cr->first_line++;
            pos++;
        }
        if (pos == len)
            return KKR_OK;
        cr->seeking_header = false;
        cr->delim = kkr_csv_detect_delimiter(text + pos, len - pos);
        if (cr->delim == 0 && r->column_count > 1)
            return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, cr->first_line, 0,
                                            "no delimiter in the header, expected ';', ',' or "
                                            "tab between names"));
        cr->delim_char = (char)(cr->delim ? cr->delim : ';');
        csv_set_delim(&cr->p, (unsigned char)cr->delim_char);
        r->line = cr->first_line;
        r->last_end_line = cr->first_line - 1;
    }
    /* Feed one physical line at a time so that every record knows where it started. A line
     * without quotes that starts a record is split here with memchr (libcsv spends most of
     * the load time on its per-byte state machine); any line with a quote, or inside a
     * quoted field, goes to libcsv. Both paths give the same fields (test-csv checks). */
    const bool fast = cr->opt.fast_path;
    const char delim_char = cr->delim_char;
    while (pos < len && r->status == KKR_OK && !r->stop) {
        /* a line ends at LF, CR LF or a lone CR (old Mac files; libcsv ends a record at
         * any of them, so two records never share a line number) */
        size_t n = line_length(text + pos, len - pos);
        size_t content = n;
        if (content > 0 && text[pos + content - 1] == '\r')
            content--;
        if (pos + n < len)
            n++;
        if (cr->between_records && fast && !memchr(text + pos, '"', content)) {
            record_split(r, text + pos, content, delim_char);
        } else {
            size_t done = csv_parse(&cr->p, text + pos, n, record_field, record_end, r);
            if (done != n && r->status == KKR_OK) {
                /* libcsv stops at the offending byte: report the field it is in */
                r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->line,
                                     (long)r->field_count + 1,
                                     "misplaced '\"' in field %zu, expected quotes around the "
                                     "whole field and doubled inside it",
                                     r->field_count + 1);
            }
            cr->between_records = r->field_count == 0 &&
                                  (r->last_end_line == r->line ||
                                   (cr->between_records && line_is_blank(text + pos, n)));
        }
        pos += n;
        r->line++;
    }
    return r->status;
}

/* Complete lines pushed: checked (unless decoded already) and split. */
static enum kkr_status take_lines(struct kkr_csv_reader *cr, const char *s, size_t n)
{
    if (!cr->started) {
        cr->started = true;
        if (cr->enc != ENC_DECODED && check_start(cr, &s, &n) != KKR_OK)
            return cr->r.status;
    }
    const char *text = s;
    size_t text_len = n;
    if (cr->enc != ENC_DECODED && decode_lines(cr, s, n, &text, &text_len) != KKR_OK)
        return cr->r.status;
    return split_lines(cr, text, text_len);
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
        return reader_fail(cr, kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, 1, 0,
                                        "file is empty, expected a header"));
    r->line--; /* a record still open at the end lies on the last line, not past it */
    if (csv_fini(&cr->p, record_field, record_end, r) != 0 && r->status == KKR_OK)
        r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name,
                             r->field_count ? r->row_line : r->last_end_line + 1,
                             (long)r->field_count + 1,
                             "quoted field is not closed at the end of the file, expected '\"'");
    if (r->status == KKR_OK && !r->header_done)
        r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, 1, 0,
                             "file is empty, expected a header");
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
