/* csv-scan.c — the push reader's fast path: complete lines split by a block scanner (64 bytes
 * at a time, bit masks of delimiters, line ends, quotes and bytes that are not ASCII), the
 * encoding checked in the same pass; a line with a quote, or inside a quoted field, goes to
 * libcsv. One pass over the bytes: the ledger import reads a whole general ledger this way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/text.h"

#include "csv-private.h"

/* ---- messages for bytes that are not text ---- */

enum kkr_status fail_bad_byte(struct kkr_diag *diag, const char *name, long line,
                              const char *line_start, size_t offset, char delim,
                              unsigned char byte, bool utf8_expected)
{
    /* the column is the field the byte is in, counted as a spreadsheet shows it */
    long column = 1;
    bool quoted = false;
    for (size_t i = 0; i < offset; i++) {
        if (line_start[i] == '"')
            quoted = !quoted;
        else if (delim && line_start[i] == delim && !quoted)
            column++;
    }
    if (byte == 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, line, column,
                        "NUL byte, expected text (is this a CSV file?)");
    if (utf8_expected)
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, line, column,
                        "invalid UTF-8 byte 0x%02X, expected the whole file in UTF-8 (or all "
                        "of it in Windows-1252)", byte);
    return kkr_fail(diag, KKR_ERR_SYNTAX, name, line, column,
                    "byte 0x%02X is neither UTF-8 nor Windows-1252, expected text", byte);
}

/* Line and line start of byte off of buf, whose byte from starts line `line` (a lone CR ends
 * a line too, as libcsv ends a record there). */
static void locate(const char *buf, size_t from, size_t off, long *line, size_t *line_start)
{
    for (size_t i = from; i < off; i++)
        if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n')) {
            (*line)++;
            *line_start = i + 1;
        }
}

/* One byte that is NUL or >= 0x80 at buf[i] (buf[ls] starts line r->line): KKR_OK and *next
 * past it when it is text; an error; or, for the first byte >= 0x80 of a file that is not
 * UTF-8, the switch to Windows-1252 (KKR_OK, sc->switch_pending). */
static enum kkr_status check_byte(struct scan *sc, const char *buf, size_t ls, size_t i,
                                  size_t end, size_t *next)
{
    const unsigned char c = (unsigned char)buf[i];
    *next = i + 1;
    if (c != 0 && sc->enc == SCAN_TEXT)
        return KKR_OK;
    size_t k = c ? kkr_utf8_sequence(buf + i, end - i) : 0;
    if (k) {
        sc->enc = SCAN_UTF8;
        *next = i + k;
        return KKR_OK;
    }
    if (c && sc->enc == SCAN_ASCII_SO_FAR) {
        sc->switch_pending = true;
        return KKR_OK;
    }
    struct reader *r = sc->r;
    long line = r->line;
    size_t start = ls;
    locate(buf, ls, i, &line, &start);
    return fail_bad_byte(r->diag, r->name, line, buf + start, i - start, r->delim, c, true);
}

enum kkr_status scan_check_line(struct scan *sc, const char *buf, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)buf[i];
        if (c != 0 && c < 0x80) {
            i++;
            continue;
        }
        enum kkr_status st = check_byte(sc, buf, 0, i, len, &i);
        if (st != KKR_OK || sc->switch_pending)
            return st;
    }
    return KKR_OK;
}

/* The length of the line at s without its terminator: a line ends at LF, CR LF or a lone CR
 * (old Mac files; libcsv ends a record at any of them, so two records never share a line
 * number). */
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

enum kkr_status scan_slow(struct scan *sc, const char *text, size_t len)
{
    struct reader *r = sc->r;
    size_t pos = 0;
    while (pos < len && r->status == KKR_OK && !r->stop) {
        size_t n = line_length(text + pos, len - pos);
        if (pos + n < len)
            n++;
        if (sc->parser->pstate == 0) /* no record open: one may start on this line */
            r->record_start = r->line;
        size_t done = csv_parse(sc->parser, text + pos, n, record_field, record_end, r);
        if (done != n && r->status == KKR_OK) {
            /* libcsv stops at the offending byte: report the field it is in */
            r->status = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->name, r->line,
                                 (long)r->field_count + 1,
                                 "misplaced '\"' in field %zu, expected quotes around the "
                                 "whole field and doubled inside it",
                                 r->field_count + 1);
        }
        *sc->between_records = r->field_count == 0 &&
                               (r->last_end_line == r->line ||
                                (*sc->between_records && line_is_blank(text + pos, n)));
        if (*sc->between_records)
            r->last_end_line = r->line; /* a blank line ends nothing, but is done (as the
                                         * fast path's empty record is) */
        pos += n;
        r->line++;
    }
    return r->status;
}

/* ---- the scanner ---- */

struct masks {
    uint64_t delim, nl;
    uint64_t quote;                       /* '"' and '\r' */
    uint64_t special;                     /* bytes >= 0x80 and NULs */
};

#if defined(__SSE2__)
#include <emmintrin.h>
static inline void block_masks(const char *s, char delim, struct masks *m)
{
    const __m128i vd = _mm_set1_epi8(delim), vn = _mm_set1_epi8('\n'),
                  vq = _mm_set1_epi8('"'), vr = _mm_set1_epi8('\r'), vz = _mm_setzero_si128();
    uint64_t d = 0, n = 0, q = 0, sp = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        d |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)) << (16 * k);
        n |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn)) << (16 * k);
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vq),
                                                                 _mm_cmpeq_epi8(x, vr)))
             << (16 * k);
        sp |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, vz)))
              << (16 * k);
    }
    m->delim = d;
    m->nl = n;
    m->quote = q;
    m->special = sp;
}
#else
static inline void block_masks(const char *s, char delim, struct masks *m)
{
    uint64_t d = 0, n = 0, q = 0, sp = 0;
    for (int k = 0; k < 64; k++) {
        unsigned char c = (unsigned char)s[k];
        d |= (uint64_t)(c == (unsigned char)delim) << k;
        n |= (uint64_t)(c == '\n') << k;
        q |= (uint64_t)(c == '"' || c == '\r') << k;
        sp |= (uint64_t)(c == 0 || c >= 0x80) << k;
    }
    m->delim = d;
    m->nl = n;
    m->quote = q;
    m->special = sp;
}
#endif

/* Where the fields of the current line start: starts[i] is the first byte of field i (after
 * the line's start, one past each delimiter); at the line's end starts[count] is one past it,
 * so field i is buf[starts[i] .. starts[i + 1] - 1). */
struct line_fields {
    size_t *starts;
    size_t count, cap;      /* count: the delimiters seen + 1 */
};

static bool fields_grow(struct line_fields *lf)
{
    size_t cap = lf->cap ? lf->cap * 2 : 64;
    size_t *e = realloc(lf->starts, cap * sizeof *e);
    if (!e)
        return false;
    lf->starts = e;
    lf->cap = cap;
    return true;
}

/* A new field starts at pos. */
static inline bool fields_push(struct line_fields *lf, size_t pos)
{
    if (lf->count + 1 >= lf->cap && !fields_grow(lf))
        return false;
    lf->starts[lf->count++] = pos;
    return true;
}

/* A field as record_field leaves it: trimmed, without the apostrophe kkr's own writers put
 * before = + - @ tab CR. */
static inline void field_text(const char **s, size_t *len)
{
    kkr_text_trim(s, len);
    if (*len >= 2 && (*s)[0] == '\'' && strchr("=+-@\t\r", (*s)[1])) {
        (*s)++;
        (*len)--;
    }
}

/* A line without quotes, between records: buf[ls..fe) with its fields in lf (starts[count]
 * is fe + 1). */
static inline __attribute__((always_inline)) void
fast_row(struct scan *sc, const char *buf, size_t ls, size_t fe,
                     const struct line_fields *lf)
{
    struct reader *r = sc->r;
    const size_t nfields = lf->count;
    const size_t *starts = lf->starts;
    if (fe == ls) {
        r->last_end_line = r->line; /* libcsv makes no record of an empty line */
        return;
    }
    r->row_line = r->record_start = r->line;
    if (!sc->in_place || nfields > r->header_fields || (long)nfields < r->max_column) {
        /* copies, a row whose field count is wrong, or a short one: record_end's rules */
        for (size_t i = 0; i < nfields && r->status == KKR_OK; i++)
            record_field((void *)(buf + starts[i]), starts[i + 1] - 1 - starts[i], r);
        r->from_fast = true;
        record_end(-1, r);
        r->from_fast = false;
        return;
    }
    /* in place: the columns the schema reads (absent ones stay ""), as record_end has them */
    size_t any = 0;
    for (size_t k = 0; k < r->placed_count; k++) {
        size_t i = r->placed[k].file_index;
        const char *s = buf + starts[i];
        size_t n = starts[i + 1] - 1 - starts[i];
        field_text(&s, &n);
        struct kkr_csv_field *f = &r->out_fields[r->placed[k].column];
        f->text = s;
        f->len = n;
        any |= n;
    }
    if (!any) {
        /* a row of only empty fields is skipped (columns the schema does not read too) */
        bool blank = true;
        for (size_t i = ls; i < fe && blank; i++)
            blank = buf[i] == r->delim || buf[i] == ' ' || buf[i] == '\t';
        if (blank) {
            r->last_end_line = r->line;
            return;
        }
    }
    r->row.line = r->line; /* (the rest of the row is set at the header) */
    r->fast_rows++;
    r->status = r->fn(r->userdata, &r->row, r->diag);
    r->last_end_line = r->line;
}

/* A line of buf from ls ends at fe (its terminator runs to next): with a quote, or inside a
 * quoted field, to libcsv; else split here. */
static inline __attribute__((always_inline)) enum kkr_status
end_line(struct scan *sc, const char *buf, size_t ls, size_t fe,
                                size_t next, bool quoted, struct line_fields *lf)
{
    struct reader *r = sc->r;
    if (quoted || !sc->fast || !*sc->between_records)
        return scan_slow(sc, buf + ls, next - ls);
    if (fe > ls && buf[fe - 1] == '\r')
        fe--;   /* CR LF (a lone CR made the line "quoted") */
    lf->starts[lf->count] = fe + 1; /* (room is kept for it) */
    fast_row(sc, buf, ls, fe, lf);
    r->line++;
    return r->status;
}

enum kkr_status scan_lines(struct scan *sc, const char *buf, size_t len)
{
    struct reader *r = sc->r;
    const char delim = r->delim;
    struct line_fields lf = {0};
    if (!fields_grow(&lf))
        return kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0, "out of memory");
    lf.starts[lf.count++] = 0;
    enum kkr_status st = KKR_OK;
    size_t ls = 0;            /* start of the current line */
    bool quoted = false;      /* the current line has a quote or a lone CR */
    size_t enc_next = 0;      /* bytes before this are encoding-checked */
    char tail[64];

    for (size_t b = 0; b < len; b += 64) {
        struct masks m;
        if (b + 64 <= len) {
            block_masks(buf + b, delim, &m);
        } else {
            size_t n = len - b;
            memset(tail, ' ', sizeof tail);
            memcpy(tail, buf + b, n);
            block_masks(tail, delim, &m);
            uint64_t keep = ((uint64_t)1 << n) - 1;
            m.delim &= keep;
            m.nl &= keep;
            m.quote &= keep;
            m.special &= keep;
        }
        /* Bytes that are not ASCII first. A bad one (or the switch to Windows-1252) stops the
         * events at its position: the lines before it are still split, so the first error in
         * the file is the one reported, whatever the path and the piece size. */
        uint64_t ev = m.delim | m.nl | m.quote;
        enum kkr_status byte_st = KKR_OK;
        /* (text checked already holds no NUL: the decoder and the Windows-1252 conversion
         * stop at one) */
        uint64_t special = sc->enc == SCAN_TEXT ? 0 : m.special;
        for (uint64_t sp = special; sp; sp &= sp - 1) {
            size_t spos = b + (size_t)__builtin_ctzll(sp);
            if (spos < enc_next)
                continue;
            unsigned char c = (unsigned char)buf[spos];
            if (sc->enc == SCAN_UTF8 && c >= 0xC2 && c <= 0xDF && spos + 1 < len &&
                ((unsigned char)buf[spos + 1] & 0xC0) == 0x80) {
                enc_next = spos + 2;   /* å, ä, ö: the common case, inline */
                continue;
            }
            byte_st = check_byte(sc, buf, ls, spos, len, &enc_next);
            if (byte_st != KKR_OK || sc->switch_pending) {
                ev &= ((uint64_t)1 << (spos - b)) - 1;
                break;
            }
        }
        while (ev) {
            unsigned bit = (unsigned)__builtin_ctzll(ev);
            uint64_t one = (uint64_t)1 << bit;
            ev &= ev - 1;
            size_t pos = b + bit;
            if (m.delim & one) {
                if (!quoted && !fields_push(&lf, pos + 1)) {
                    st = kkr_fail(r->diag, KKR_ERR_NOMEM, r->name, r->line, 0, "out of memory");
                    goto done;
                }
            } else if (m.quote & one) {
                /* a quote, or a CR that is not part of CR LF (libcsv ends a record there) */
                if (buf[pos] == '"' || pos + 1 >= len || buf[pos + 1] != '\n')
                    quoted = true;
            } else {
                st = end_line(sc, buf, ls, pos, pos + 1, quoted, &lf);
                if (st != KKR_OK || r->stop)
                    goto done;
                ls = pos + 1;
                quoted = false;
                lf.starts[0] = ls;
                lf.count = 1;
            }
        }
        if (byte_st != KKR_OK) {
            st = byte_st;
            goto done;
        }
        if (sc->switch_pending) {
            sc->switch_at = ls;
            goto done;
        }
    }
    if (ls < len) /* the last line of the input, without its terminator */
        st = end_line(sc, buf, ls, len, len, quoted, &lf);
done:
    free(lf.starts);
    return st;
}
