/* sie-lex.c — the SIE field grammar (DESIGN §12): a record line split into fields (quotes with
 * \", {dim obj} lists, tabs and runs of spaces), the #KSUMMA bytes, CRC-32, field values */
#include "sie-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* CRC-32 as zlib's crc32 (the SIE polynomial EDB88320, pre- and post-inverted), slice by 8:
 * on a line's few dozen bytes zlib's call was a quarter of the reading time */
static uint32_t crc_table[8][256];
static bool crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
    crc_ready = true;
}

uint32_t kkr_sie_crc32(uint32_t crc, const void *data, size_t len)
{
    if (!crc_ready)
        crc_init();
    const unsigned char *p = data;
    uint32_t c = ~crc;
    while (len >= 8) {
        uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                      (uint32_t)p[3] << 24;
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                      (uint32_t)p[7] << 24;
        lo ^= c;
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
            crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
            crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
            crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

bool kkr_sie_detect(const char *head, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (len - i < 7 || memcmp(head + i, "#FLAGGA", 7) != 0)
        return false;
    return len - i == 7 || head[i + 7] == ' ' || head[i + 7] == '\t' || head[i + 7] == '\r' ||
           head[i + 7] == '\n';
}
enum kkr_status sie_nomem(struct reader *r)
{
    return kkr_fail(r->diag, KKR_ERR_NOMEM, r->path, r->line, 0, "out of memory");
}

enum kkr_status sie_fail_at(struct reader *r, enum kkr_status st, long col, const char *fmt,
                            ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kkr_fail(r->diag, st, r->path, r->line, col, "%s", msg);
}

/* A field as text for a message: the bytes up to SHOW_MAX, non-ASCII as '?'. */
const char *sie_show(char *buf, size_t size, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 4 < size && i < SHOW_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (len > SHOW_MAX && n + 4 < size) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}
/* ---- tokenizer ---- */

static char *scratch_reserve(struct reader *r, size_t n)
{
    if (r->scratch_len + n > r->scratch_cap) {
        /* the line's fields point into scratch: it is sized for the whole line up front */
        return NULL;
    }
    return r->scratch + r->scratch_len;
}

/* A quoted token at s[*i] == '"': its content (with \" as ") into t. */
static enum kkr_status quoted(struct reader *r, const char *s, size_t len, size_t *i,
                              struct tok *t, bool lenient)
{
    size_t start = *i + 1, j = start;
    bool escaped = false;
    /* the common field: no backslash before its closing quote */
    const char *q = memchr(s + start, '"', len - start);
    if (q && (q == s + start || q[-1] != '\\') &&
        !memchr(s + start, '\\', (size_t)(q - s) - start)) {
        t->col = (long)*i + 1;
        t->type = TOK_QUOTED;
        t->s = s + start;
        t->len = (size_t)(q - s) - start;
        *i = (size_t)(q - s) + 1;
        return KKR_OK;
    }
    while (j < len && s[j] != '"') {
        if (s[j] == '\\' && j + 1 < len && s[j + 1] == '"') {
            escaped = true;
            j += 2;
            continue;
        }
        j++;
    }
    if (j >= len && lenient) {
        /* a free text cut off by its exporter: the rest of the line (seen in real files) */
        if (!r->open_quotes++) {
            r->open_quote_line = r->line;
            r->open_quote_col = (long)*i + 1;
        }
    } else if (j >= len)
        return sie_fail_at(r, KKR_ERR_SYNTAX, (long)*i + 1,
                           "quoted field not closed on its line, expected a closing '\"' (a quote "
                           "inside a field is written \\\")");
    t->col = (long)*i + 1;
    t->type = TOK_QUOTED;
    if (!escaped) {
        t->s = s + start;
        t->len = j - start;
    } else {
        char *d = scratch_reserve(r, j - start);
        if (!d)
            return sie_nomem(r);
        size_t n = 0;
        for (size_t k = start; k < j; k++) {
            if (s[k] == '\\' && k + 1 < j && s[k + 1] == '"')
                k++;
            d[n++] = s[k];
        }
        t->s = d;
        t->len = n;
        r->scratch_len += n;
    }
    *i = j < len ? j + 1 : len;
    return KKR_OK;
}

/* The checksum's bytes are gathered and summed a block at a time (zlib's crc32 on four-byte
 * pieces was a third of the reading time). crcbuf has room for the whole line (crc_room). */
/* A field's few bytes copied with fixed-size moves (overlapping, never past s + len): a
 * memcpy call per field was a twentieth of the reading time with #KSUMMA. */
static inline void copy_small(char *d, const char *s, size_t len)
{
    if (len >= 8) {
        if (len <= 16) {
            memcpy(d, s, 8);
            memcpy(d + len - 8, s + len - 8, 8);
        } else {
            memcpy(d, s, len);
        }
    } else if (len >= 4) {
        memcpy(d, s, 4);
        memcpy(d + len - 4, s + len - 4, 4);
    } else if (len) {
        d[0] = s[0];
        d[len / 2] = s[len / 2];
        d[len - 1] = s[len - 1];
    }
}

static inline void crc_add(struct reader *r, const char *s, size_t len)
{
    if (r->ksumma == 1) {
        copy_small(r->crcbuf + r->crcbuf_len, s, len);
        r->crcbuf_len += len;
    }
}

void sie_crc_flush(struct reader *r)
{
    if (r->crcbuf_len)
        r->crc = kkr_sie_crc32(r->crc, r->crcbuf, r->crcbuf_len);
    r->crcbuf_len = 0;
}

/* Splits line s[0..len) (no newline, starts with '#') into rec. */
enum kkr_status sie_tokenize(struct reader *r, const char *s, size_t len, size_t start,
                             struct rec *rec)
{
    size_t i = start;
    size_t j = i;
    while (j < len && !sie_is_sep(s[j]))
        j++;
    rec->label = (struct tok){s + i, j - i, (long)i + 1, TOK_PLAIN, 0, 0};
    crc_add(r, rec->label.s, rec->label.len);
    /* the free text of a voucher or a voucher row may lack its closing quote */
    uint64_t lenient_from = UINT64_MAX;
    rec->is_trans = sie_tok_is(&rec->label, "#TRANS");
    if (rec->is_trans || sie_tok_is(&rec->label, "#RTRANS") || sie_tok_is(&rec->label, "#BTRANS"))
        lenient_from = 4;
    else if (sie_tok_is(&rec->label, "#VER"))
        lenient_from = 3;
    rec->nf = 0;
    rec->fields = 0;
    rec->nobj = 0;
    i = j;
    /* without a checksum to keep, a voucher row's fields after transdat are not needed (its
     * text, quantity and signature): not split */
    uint64_t keep = UINT64_MAX;
    if (r->ksumma != 1 && lenient_from == 4)
        keep = 4;
    for (;;) {
        while (i < len && sie_is_sep(s[i]))
            i++;
        if (i >= len || rec->fields >= keep)
            break;
        struct tok t;
        t.obj_first = t.obj_count = 0;
        if (s[i] == '"') {
            enum kkr_status st = quoted(r, s, len, &i, &t, rec->fields >= lenient_from);
            if (st != KKR_OK)
                return st;
        } else if (s[i] == '{') {
            long open_col = (long)i + 1;
            t.type = TOK_LIST;
            t.col = open_col;
            t.s = s + i;
            t.obj_first = rec->nobj;
            i++;
            for (;;) {
                while (i < len && sie_is_sep(s[i]))
                    i++;
                if (i >= len)
                    return sie_fail_at(r, KKR_ERR_SYNTAX, open_col,
                                       "object list not closed on its line, expected '}'");
                if (s[i] == '}') {
                    i++;
                    break;
                }
                if (s[i] == '{')
                    return sie_fail_at(r, KKR_ERR_SYNTAX, (long)i + 1,
                                       "'{' inside an object list, expected dimension and object "
                                       "pairs and a closing '}'");
                struct tok o = {0};
                if (s[i] == '"') {
                    enum kkr_status st = quoted(r, s, len, &i, &o, false);
                    if (st != KKR_OK)
                        return st;
                } else {
                    size_t k = i;
                    while (k < len && !sie_is_sep(s[k]) && s[k] != '}' && s[k] != '"')
                        k++;
                    o = (struct tok){s + i, k - i, (long)i + 1, TOK_PLAIN, 0, 0};
                    i = k;
                }
                if (rec->nobj == MAX_OBJ_TOKENS)
                    return sie_fail_at(r, KKR_ERR_SYNTAX, o.col,
                                       "object list with more than %d objects, expected fewer",
                                       MAX_OBJ_TOKENS / 2);
                crc_add(r, o.s, o.len);
                rec->obj[rec->nobj++] = o;
            }
            t.len = (size_t)(s + i - t.s);
            t.obj_count = rec->nobj - t.obj_first;
        } else {
            size_t k = i;
            while (k < len && !sie_is_sep(s[k]))
                k++;
            t = (struct tok){s + i, k - i, (long)i + 1, TOK_PLAIN, 0, 0};
            i = k;
        }
        if (t.type != TOK_LIST)
            crc_add(r, t.s, t.len);
        rec->fields++;
        if (rec->nf < MAX_FIELDS)
            rec->f[rec->nf++] = t;
    }
    return KKR_OK;
}

/* ---- field values ---- */

bool sie_parse_int(const struct tok *t, long *out)
{
    if (t->len == 0 || t->len > 9)
        return false;
    size_t i = 0;
    bool neg = false;
    if (t->s[0] == '-') {
        neg = true;
        i = 1;
        if (t->len == 1)
            return false;
    }
    long v = 0;
    for (; i < t->len; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            return false;
        v = v * 10 + (t->s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* -?digits(.d{1,2})?, as SIE writes amounts */
bool sie_parse_amount(const struct tok *t, int64_t *out_ore)
{
    const char *p = t->s, *e = t->s + t->len;
    bool neg = false;
    if (p < e && *p == '-') {
        neg = true;
        p++;
    }
    const char *d0 = p;
    int64_t v = 0;
    while (p < e && (unsigned)(*p - '0') < 10u) {
        if (p - d0 >= 15)
            return false;
        v = v * 10 + (*p - '0');
        p++;
    }
    if (p == d0)
        return false;
    v *= 100;
    if (p < e) {
        if (*p != '.')
            return false;
        p++;
        if (e - p == 1 && (unsigned)(p[0] - '0') < 10u)
            v += 10 * (p[0] - '0');
        else if (e - p == 2 && (unsigned)(p[0] - '0') < 10u && (unsigned)(p[1] - '0') < 10u)
            v += 10 * (p[0] - '0') + (p[1] - '0');
        else
            return false;
    }
    *out_ore = neg ? -v : v;
    return true;
}

bool sie_parse_account(const struct tok *t, int64_t *out)
{
    if (t->len == 0 || t->len > MAX_ACCOUNT_DIGITS)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < t->len; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            return false;
        v = v * 10 + (t->s[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* YYYYMMDD -> yyyymmdd as int, 0 when not a date of 1900..2199 */
long sie_parse_date(const struct tok *t)
{
    if (t->len != 8)
        return 0;
    long v = 0;
    for (int i = 0; i < 8; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            return 0;
        v = v * 10 + (t->s[i] - '0');
    }
    int y = (int)(v / 10000), m = (int)(v / 100 % 100), d = (int)(v % 100);
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    return v;
}

/* YYYYMM -> period, 0 when not a month of 1900..2199 */
int sie_parse_period(const struct tok *t)
{
    if (t->len != 6)
        return 0;
    int v = 0;
    for (int i = 0; i < 6; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            return 0;
        v = v * 10 + (t->s[i] - '0');
    }
    if (v / 100 < 1900 || v / 100 > 2199 || v % 100 < 1 || v % 100 > 12)
        return 0;
    return v;
}

/* ---- the fast scanner ---- */

/* Byte classes for the scanner: a separator (space, tab, CR: sie_is_sep), a digit. */
enum { C_SEP = 1, C_DIGIT = 2 };
static const unsigned char byte_class[256] = {
    [' '] = C_SEP, ['\t'] = C_SEP, ['\r'] = C_SEP,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
};

static inline bool is_sep_c(char c)
{
    return byte_class[(unsigned char)c] & C_SEP;
}

static inline bool is_digit(char c)
{
    return byte_class[(unsigned char)c] & C_DIGIT;
}

static inline const char *skip_sep(const char *p, const char *e)
{
    while (p < e && is_sep_c(*p))
        p++;
    return p;
}

/* A quoted field at p (p[0] == '"') without a backslash: its content [*o, *o + *olen) and the
 * byte after its closing quote; NULL when it has a backslash or no closing quote on the line
 * (the full grammar then reads it, as quoted() does). Object codes are short: a loop, no
 * memchr call. */
static inline const char *plain_quoted(const char *p, const char *e, const char **o,
                                       size_t *olen)
{
    const char *q = p + 1;
    while (q < e && *q != '"' && *q != '\\')
        q++;
    if (q == e || *q == '\\')
        return NULL;
    *o = p + 1;
    *olen = (size_t)(q - p - 1);
    return q + 1;
}

/* Eight digits at p (a transdat YYYYMMDD), tested as one word. */
static inline bool eight_digits(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return ((w - 0x3030303030303030ull) | (w + 0x4646464646464646ull)) &
           0x8080808080808080ull ? false : true;
}

static inline void gather(struct reader *r, bool sum, const char *s, size_t len)
{
    if (sum) {
        copy_small(r->crcbuf + r->crcbuf_len, s, len);
        r->crcbuf_len += len;
    }
}

/* A #TRANS line of the common shape, `#TRANS konto {dim "obj" ...} belopp [transdat] ...`,
 * read as sie_tokenize and trans_row would read it, into v; with #KSUMMA open its checksum
 * bytes are gathered in crcbuf as sie_tokenize gathers them. False, having changed nothing but
 * crcbuf, for any line the full grammar must read: another label, a quoted or non-numeric
 * account, amount or dimension, a backslash or a missing quote, '{' in a list, an odd list,
 * an amount kkr refuses, a quoted transdat, and (with #KSUMMA) a list or a free text without
 * its closing quote after transdat. Errors are the full grammar's to report. */
bool sie_trans_scan(struct reader *r, const char *s, size_t len, struct trans_vals *v)
{
    const char *p = s, *e = s + len;
    const bool sum = r->ksumma == 1;
    p = skip_sep(p, e);
    if (e - p < 8 || memcmp(p, "#TRANS", 6) != 0 || !is_sep_c(p[6]))
        return false;
    gather(r, sum, p, 6);
    p = skip_sep(p + 7, e);

    /* konto: digits */
    const char *a = p;
    uint64_t account = 0;
    while (p < e && is_digit(*p)) {
        if (p - a >= MAX_ACCOUNT_DIGITS)
            return false;
        account = account * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == a || p == e || !is_sep_c(*p))
        return false;
    v->acc = (struct tok){a, (size_t)(p - a), (long)(a - s) + 1, TOK_PLAIN, 0, 0};
    v->account = (int64_t)account;
    v->numeric = true;
    gather(r, sum, a, (size_t)(p - a));

    /* {dimension object ...} */
    p = skip_sep(p, e);
    if (p == e || *p != '{')
        return false;
    p++;
    v->obj = NULL;
    const long want = r->opt->dim;
    int tokens = 0;
    for (;;) {
        p = skip_sep(p, e);
        if (p == e)
            return false;
        if (*p == '}') {
            p++;
            break;
        }
        const char *d = p;
        long dim = 0;
        while (p < e && is_digit(*p) && p - d < 9) {
            dim = dim * 10 + (*p - '0');
            p++;
        }
        if (p == d || p == e || !(is_sep_c(*p) || *p == '"'))
            return false;
        gather(r, sum, d, (size_t)(p - d));
        p = skip_sep(p, e);
        if (p == e || *p == '}' || *p == '{')
            return false;
        const char *o;
        size_t olen;
        long ocol = (long)(p - s) + 1;
        if (*p == '"') {
            if (!(p = plain_quoted(p, e, &o, &olen)))
                return false;
        } else {
            o = p;
            while (p < e && !is_sep_c(*p) && *p != '}' && *p != '"')
                p++;
            olen = (size_t)(p - o);
        }
        gather(r, sum, o, olen);
        if ((tokens += 2) > MAX_OBJ_TOKENS)
            return false;
        if (dim == want && !v->obj && olen > 0) {
            v->obj = o;
            v->obj_len = olen;
            v->obj_col = ocol;
        }
    }

    /* belopp: -?digits(.d{1,2})? */
    p = skip_sep(p, e);
    if (p == e)
        return false;
    const char *m = p;
    bool neg = *p == '-';
    p += neg;
    const char *d0 = p;
    int64_t ore = 0;
    while (p < e && is_digit(*p)) {
        if (p - d0 >= 15)
            return false;
        ore = ore * 10 + (*p - '0');
        p++;
    }
    if (p == d0)
        return false;
    ore *= 100;
    if (p < e && *p == '.') {
        p++;
        if (p == e || !is_digit(*p))
            return false;
        ore += 10 * (*p++ - '0');
        if (p < e && is_digit(*p))
            ore += *p++ - '0';
    }
    if (p < e && !is_sep_c(*p))
        return false;
    v->ore = neg ? -ore : ore;
    v->amount_col = (long)(m - s) + 1;
    gather(r, sum, m, (size_t)(p - m));

    /* transdat, and without a checksum nothing after it (as sie_tokenize) */
    p = skip_sep(p, e);
    v->has_date = p < e;
    if (p == e)
        return true;
    if (*p == '"' || *p == '{')
        return false;
    const char *t = p;
    if (e - p >= 8 && eight_digits(p) && (e - p == 8 || is_sep_c(p[8])))
        p += 8;
    else
        while (p < e && !is_sep_c(*p))
            p++;
    v->date = (struct tok){t, (size_t)(p - t), (long)(t - s) + 1, TOK_PLAIN, 0, 0};
    if (!sum)
        return true;
    gather(r, sum, t, (size_t)(p - t));
    for (;;) {
        p = skip_sep(p, e);
        if (p == e)
            break;
        if (*p == '{')
            return false;
        const char *o;
        size_t olen;
        if (*p == '"') {
            /* a free text: memchr, it may be long */
            const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
            if (!q || memchr(p + 1, '\\', (size_t)(q - p - 1)))
                return false;
            o = p + 1;
            olen = (size_t)(q - o);
            p = q + 1;
        } else {
            o = p;
            while (p < e && !is_sep_c(*p))
                p++;
            olen = (size_t)(p - o);
        }
        gather(r, sum, o, olen);
    }
    return true;
}
