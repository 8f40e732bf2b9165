/* sie.c — SIE 4 files into utfall and budget (DESIGN §12): a streaming record reader (fields,
 * quotes with \", object lists, #KSUMMA), vouchers summed per unit, slag and month, balance
 * rows kept (they are few) and read as totals or partition once the whole file is seen */
#include "kkr/sie.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kkr/csv.h"
#include "kkr/money.h"
#include "kkr/output.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

#define DEFAULT_CHUNK (256u * 1024u)
#define MAX_LINE (1u << 20)        /* a longer line is an error, not a memory hog */
#define MAX_FIELDS 16              /* fields kept per record; more are read and ignored */
#define MAX_OBJ_TOKENS 64          /* dimension and object tokens in one object list */
#define MAX_ACCOUNT_DIGITS 12
#define SHOW_MAX 60
#define PERIOD_SLOT(p) (((p) / 100 - 1900) * 12 + (p) % 100 - 1)

const char *kkr_sie_reading_name(enum kkr_sie_reading r)
{
    switch (r) {
    case KKR_SIE_READING_TOTALS: return "totals";
    case KKR_SIE_READING_PARTITION: return "partition";
    case KKR_SIE_READING_NONE: return "none";
    default: return "auto";
    }
}

const char *kkr_sie_encoding_name(enum kkr_sie_encoding e)
{
    switch (e) {
    case KKR_SIE_ENC_UTF8: return "UTF-8";
    case KKR_SIE_ENC_CP1252: return "Windows-1252";
    case KKR_SIE_ENC_CP437: return "CP437";
    default: return "auto";
    }
}

void kkr_sie_options_init(struct kkr_sie_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->dim = 1;
}

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

/* ------------------------------------------------------------------ the file */

struct raw_unit {
    char *code;        /* bytes as in the file */
    size_t len;
    char *name;        /* bytes as in the file, NULL until an #OBJEKT names it */
    size_t name_len;
    long line;
};

struct cell {
    int unit;
    int kind;
    int period;
    int64_t ore;
    uint64_t rows;
};

struct cells {
    struct cell *v;
    size_t count, cap;
    uint32_t *index;   /* open addressing: cell index + 1, 0 empty */
    size_t index_cap;
};

/* One #PSALDO / #PBUDGET row. */
struct brow {
    int64_t account;
    int period;
    int kind;          /* slag, -1 left out */
    int cls;           /* account class (first digit) */
    int unit;          /* unit of the chosen dimension's object, -1 none */
    int nobj;          /* objects in the list */
    int single_dim;    /* the dimension when nobj == 1 */
    int64_t ore;
    long line;
};

struct brows {
    struct brow *v;
    size_t count, cap;
};

struct source {           /* the rows of one result (utfall or budget) */
    struct cells cells;
    uint64_t rows_read, left_out_rows[10];
    int64_t read_ore, left_out_ore[10];
};

struct kkr_sie_file {
    struct kkr_sie_info info;
    char *path;
    struct raw_unit *raw;
    size_t raw_count, raw_cap;
    uint32_t *raw_index;      /* open addressing over raw codes: index + 1 */
    size_t raw_index_cap;
    int rest_unit;            /* raw index of the rest, -1 until used */
    struct source utfall, budget;
    char **init_codes;        /* the code each unit gets in a new workbook */
};

const struct kkr_sie_info *kkr_sie_info(const struct kkr_sie_file *f)
{
    return &f->info;
}

static void cells_release(struct cells *c)
{
    free(c->v);
    free(c->index);
}

void kkr_sie_free(struct kkr_sie_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->info.unit_count; i++) {
        free(f->info.units[i].code);
        free(f->info.units[i].name);
        if (f->init_codes)
            free(f->init_codes[i]);
    }
    free(f->init_codes);
    free(f->info.units);
    for (size_t i = 0; i < f->raw_count; i++) {
        free(f->raw[i].code);
        free(f->raw[i].name);
    }
    free(f->raw);
    free(f->raw_index);
    free(f->info.labels);
    free(f->info.program);
    free(f->info.organisation);
    free(f->info.dim_name);
    cells_release(&f->utfall.cells);
    cells_release(&f->budget.cells);
    free(f->path);
    free(f);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static inline uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

/* ------------------------------------------------------------------ the reader */

enum { TOK_PLAIN, TOK_QUOTED, TOK_LIST };

struct tok {
    const char *s;
    size_t len;
    long col;
    int type;
    int obj_first, obj_count;   /* TOK_LIST: its tokens in rec.obj */
};

struct rec {
    struct tok label;
    bool is_trans;
    struct tok f[MAX_FIELDS];
    int nf;                     /* fields kept */
    uint64_t fields;            /* fields read */
    struct tok obj[MAX_OBJ_TOKENS];
    int nobj;
};

struct reader {
    const char *path;
    const struct kkr_sie_options *opt;
    struct kkr_diag *diag;
    struct kkr_warnings *warn;
    struct kkr_sie_file *f;
    long line;
    char *scratch;              /* unescaped quoted fields of the current line */
    size_t scratch_cap, scratch_len;
    char *crcbuf;               /* the current line's bytes for the checksum */
    size_t crcbuf_len;

    int ksumma;                 /* 0 none, 1 open (summing), 2 closed */
    long ksumma_line;
    uint32_t crc;

    int ver;                    /* 0 outside, 1 after #VER (a '{' must follow), 2 in '{' */
    long ver_line;
    int ver_period;
    int64_t ver_sum_ore;
    uint64_t ver_rows;
    char ver_id[96];
    char ver_date[8];           /* the voucher date's text, YYYYMMDD */
    bool rtrans_pending;        /* an #RTRANS whose #TRANS copy must come next */
    long rtrans_line;
    int64_t rtrans_account, rtrans_ore;
    uint64_t rtrans_objhash;

    uint64_t utf8_seq, bad_bytes, cp437_letters, cp1252_letters;
    long utf8_line, utf8_col, bad_line, bad_col, cp1252_line, cp1252_col;
    uint32_t utf8_first;        /* code point of the first UTF-8 sequence */
    uint64_t open_quotes;       /* free texts whose closing quote is missing */
    long open_quote_line, open_quote_col;
    bool format_seen, flagga_seen, any_record;
    int dim_declared;           /* the chosen dimension was declared by #DIM / #UNDERDIM */
    char *dim_name_raw;
    size_t dim_name_len;
    char declared_dims[256];    /* "1 Kostnadsställe, 6 Projekt" (raw) for the --dim message */
    size_t declared_len;
    int rar0_line;
    long first_dim_line;
    int rar_years[16];
    int rar_count;

    char dim_text[16];          /* the chosen dimension as digits */
    size_t dim_text_len;
    int last_unit;              /* last unit hit */
    const char *last_code;      /* its bytes, in the unit table */
    size_t last_code_len;
    int8_t *kind_cache;         /* account < 100000 with rules: kind + 2, 0 unknown */
    struct brows psaldo, pbudget;
    size_t label_cap;
    int last_cell;              /* the last utfall cell hit */
    int trans_label;            /* index + 1 of #TRANS in the labels */
};

static enum kkr_status nomem(struct reader *r)
{
    return kkr_fail(r->diag, KKR_ERR_NOMEM, r->path, r->line, 0, "out of memory");
}

static enum kkr_status fail_at(struct reader *r, enum kkr_status st, long col, const char *fmt,
                               ...) __attribute__((format(printf, 4, 5)));

static enum kkr_status fail_at(struct reader *r, enum kkr_status st, long col, const char *fmt,
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
static const char *show(char *buf, size_t size, const char *s, size_t len)
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

/* ---- encoding statistics ---- */

static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (len < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0;
        *cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
              (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* CP437 å ä ö Å Ä Ö é ü É; Windows-1252 the same letters */
static bool cp437_letter(unsigned char c)
{
    return c == 0x86 || c == 0x84 || c == 0x94 || c == 0x8F || c == 0x8E || c == 0x99 ||
           c == 0x82 || c == 0x81 || c == 0x90;
}

static bool cp1252_letter(unsigned char c)
{
    return c == 0xE5 || c == 0xE4 || c == 0xF6 || c == 0xC5 || c == 0xC4 || c == 0xD6 ||
           c == 0xE9 || c == 0xFC || c == 0xC9;
}

static void encoding_line(struct reader *r, const char *line, size_t len, long col0)
{
    const unsigned char *s = (const unsigned char *)line;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            /* ASCII 8 bytes at a time */
            i++;
            for (uint64_t w; i + 8 <= len; i += 8) {
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
            }
            continue;
        }
        uint32_t cp = 0;
        size_t k = utf8_seq(s + i, len - i, &cp);
        if (k) {
            if (!r->utf8_seq++) {
                r->utf8_line = r->line;
                r->utf8_col = col0 + (long)i + 1;
                r->utf8_first = cp;
            }
            i += k;
            continue;
        }
        if (!r->bad_bytes++) {
            r->bad_line = r->line;
            r->bad_col = col0 + (long)i + 1;
        }
        if (cp437_letter(s[i]))
            r->cp437_letters++;
        if (cp1252_letter(s[i]) && !r->cp1252_letters++) {
            r->cp1252_line = r->line;
            r->cp1252_col = col0 + (long)i + 1;
        }
        i++;
    }
}

/* ---- tokenizer ---- */

static bool tok_is(const struct tok *t, const char *s);

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

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
    if (q && (q == s + start || q[-1] != '\\') && !memchr(s + start, '\\', (size_t)(q - s) - start)) {
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
        return fail_at(r, KKR_ERR_SYNTAX, (long)*i + 1,
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
            return nomem(r);
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

/* The checksum's bytes of a line are gathered and summed once per line (zlib's crc32 on
 * four-byte pieces was a third of the reading time). crcbuf holds a whole line. */
static inline void crc_add(struct reader *r, const char *s, size_t len)
{
    if (r->ksumma == 1 && len) {
        memcpy(r->crcbuf + r->crcbuf_len, s, len);
        r->crcbuf_len += len;
    }
}

static void crc_flush(struct reader *r)
{
    if (r->crcbuf_len)
        r->crc = kkr_sie_crc32(r->crc, r->crcbuf, r->crcbuf_len);
    r->crcbuf_len = 0;
}

/* Splits line s[0..len) (no newline, starts with '#') into rec. */
static enum kkr_status tokenize(struct reader *r, const char *s, size_t len, size_t start,
                                struct rec *rec)
{
    size_t i = start;
    size_t j = i;
    while (j < len && !is_sep(s[j]))
        j++;
    rec->label = (struct tok){s + i, j - i, (long)i + 1, TOK_PLAIN, 0, 0};
    crc_add(r, rec->label.s, rec->label.len);
    /* the free text of a voucher or a voucher row may lack its closing quote */
    uint64_t lenient_from = UINT64_MAX;
    rec->is_trans = tok_is(&rec->label, "#TRANS");
    if (rec->is_trans || tok_is(&rec->label, "#RTRANS") || tok_is(&rec->label, "#BTRANS"))
        lenient_from = 4;
    else if (tok_is(&rec->label, "#VER"))
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
        while (i < len && is_sep(s[i]))
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
                while (i < len && is_sep(s[i]))
                    i++;
                if (i >= len)
                    return fail_at(r, KKR_ERR_SYNTAX, open_col,
                                   "object list not closed on its line, expected '}'");
                if (s[i] == '}') {
                    i++;
                    break;
                }
                if (s[i] == '{')
                    return fail_at(r, KKR_ERR_SYNTAX, (long)i + 1,
                                   "'{' inside an object list, expected dimension and object "
                                   "pairs and a closing '}'");
                struct tok o = {0};
                if (s[i] == '"') {
                    enum kkr_status st = quoted(r, s, len, &i, &o, false);
                    if (st != KKR_OK)
                        return st;
                } else {
                    size_t k = i;
                    while (k < len && !is_sep(s[k]) && s[k] != '}' && s[k] != '"')
                        k++;
                    o = (struct tok){s + i, k - i, (long)i + 1, TOK_PLAIN, 0, 0};
                    i = k;
                }
                if (rec->nobj == MAX_OBJ_TOKENS)
                    return fail_at(r, KKR_ERR_SYNTAX, o.col,
                                   "object list with more than %d objects, expected fewer",
                                   MAX_OBJ_TOKENS / 2);
                crc_add(r, o.s, o.len);
                rec->obj[rec->nobj++] = o;
            }
            t.len = (size_t)(s + i - t.s);
            t.obj_count = rec->nobj - t.obj_first;
        } else {
            size_t k = i;
            while (k < len && !is_sep(s[k]))
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

static bool tok_is(const struct tok *t, const char *s)
{
    size_t n = strlen(s);
    return t->len == n && memcmp(t->s, s, n) == 0;
}

static bool parse_int(const struct tok *t, long *out)
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
static bool parse_amount(const struct tok *t, int64_t *out_ore)
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

static bool parse_account(const struct tok *t, int64_t *out)
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
static long parse_date(const struct tok *t)
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
static int parse_period(const struct tok *t)
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

/* ---- units (objects of the chosen dimension) ---- */

static int unit_find(struct reader *r, const char *s, size_t len, bool add, long line)
{
    struct kkr_sie_file *f = r->f;
    if (r->last_code && len == r->last_code_len && memcmp(s, r->last_code, len) == 0)
        return r->last_unit;
    uint64_t h = hash_bytes(s, len);
    if (f->raw_index_cap) {
        size_t j = h & (f->raw_index_cap - 1);
        while (f->raw_index[j]) {
            struct raw_unit *u = &f->raw[f->raw_index[j] - 1];
            if (u->len == len && memcmp(u->code, s, len) == 0) {
                r->last_unit = (int)(f->raw_index[j] - 1);
                r->last_code = u->code;
                r->last_code_len = u->len;
                return r->last_unit;
            }
            j = (j + 1) & (f->raw_index_cap - 1);
        }
    }
    if (!add)
        return -1;
    if (f->raw_count >= (1u << 24))
        return -2;
    if ((f->raw_count + 1) * 2 > f->raw_index_cap) {
        size_t cap = f->raw_index_cap ? f->raw_index_cap * 2 : 64;
        uint32_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -2;
        for (size_t i = 0; i < f->raw_count; i++) {
            size_t j = hash_bytes(f->raw[i].code, f->raw[i].len) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = (uint32_t)i + 1;
        }
        free(f->raw_index);
        f->raw_index = t;
        f->raw_index_cap = cap;
    }
    if (f->raw_count == f->raw_cap) {
        size_t cap = f->raw_cap ? f->raw_cap * 2 : 16;
        struct raw_unit *u = realloc(f->raw, cap * sizeof *u);
        if (!u)
            return -2;
        f->raw = u;
        f->raw_cap = cap;
    }
    char *code = malloc(len + 1);
    if (!code)
        return -2;
    memcpy(code, s, len);
    code[len] = '\0';
    f->raw[f->raw_count] = (struct raw_unit){code, len, NULL, 0, line};
    size_t j = h & (f->raw_index_cap - 1);
    while (f->raw_index[j])
        j = (j + 1) & (f->raw_index_cap - 1);
    f->raw_index[j] = (uint32_t)f->raw_count + 1;
    r->last_unit = (int)f->raw_count;
    r->last_code = code;
    r->last_code_len = len;
    return (int)f->raw_count++;
}

static bool dim_matches(struct reader *r, const struct tok *t)
{
    /* the dimension may be quoted ("1") or padded ("01" would be another dimension's text,
     * but read as a number it is 1) */
    if (t->len == r->dim_text_len && memcmp(t->s, r->dim_text, t->len) == 0)
        return true;
    long d;
    return parse_int(t, &d) && d == r->opt->dim;
}

/* The unit of a record's object list: the object of the chosen dimension, else -1 (the rest).
 * *nobj gets the number of objects, *single_dim the dimension of a lone object. */
static enum kkr_status list_unit(struct reader *r, const struct rec *rec, const struct tok *list,
                                 int *unit, int *nobj, int *single_dim)
{
    *unit = -1;
    *single_dim = 0;
    if (list->obj_count % 2)
        return fail_at(r, KKR_ERR_SYNTAX, list->col,
                       "object list with a dimension and no object, expected pairs "
                       "{dimension object ...}");
    *nobj = list->obj_count / 2;
    for (int k = 0; k < list->obj_count; k += 2) {
        const struct tok *d = &rec->obj[list->obj_first + k];
        const struct tok *o = &rec->obj[list->obj_first + k + 1];
        long dim;
        if (!parse_int(d, &dim) || dim < 0) {
            char b[80];
            return fail_at(r, KKR_ERR_SYNTAX, d->col,
                           "cannot parse dimension '%s' in an object list, expected a number",
                           show(b, sizeof b, d->s, d->len));
        }
        if (*nobj == 1)
            *single_dim = (int)dim;
        if (dim == r->opt->dim && *unit < 0 && o->len > 0) {
            size_t before = r->f->raw_count;
            int u = unit_find(r, o->s, o->len, true, r->line);
            if (u == -2)
                return nomem(r);
            *unit = u;
            if (r->f->raw_count != before &&
                (r->opt->encoding == KKR_SIE_ENC_AUTO || r->opt->encoding == KKR_SIE_ENC_UTF8))
                encoding_line(r, o->s, o->len, o->col - 1);   /* a new code */
        }
    }
    return KKR_OK;
}

/* ---- cells ---- */

static int cell_find(struct cells *c, int unit, int kind, int period)
{
    uint64_t key = (uint64_t)(uint32_t)(unit + 1) << 24 | (uint64_t)kind << 16 |
                   (uint64_t)PERIOD_SLOT(period);
    if ((c->count + 1) * 2 > c->index_cap) {
        size_t cap = c->index_cap ? c->index_cap * 2 : 256;
        uint32_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -1;
        for (size_t i = 0; i < c->count; i++) {
            const struct cell *x = &c->v[i];
            uint64_t k = (uint64_t)(uint32_t)(x->unit + 1) << 24 | (uint64_t)x->kind << 16 |
                         (uint64_t)PERIOD_SLOT(x->period);
            size_t j = mix(k) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = (uint32_t)i + 1;
        }
        free(c->index);
        c->index = t;
        c->index_cap = cap;
    }
    size_t j = mix(key) & (c->index_cap - 1);
    while (c->index[j]) {
        const struct cell *x = &c->v[c->index[j] - 1];
        if (x->unit == unit && x->kind == kind && x->period == period)
            return (int)(c->index[j] - 1);
        j = (j + 1) & (c->index_cap - 1);
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct cell *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->count] = (struct cell){unit, kind, period, 0, 0};
    c->index[j] = (uint32_t)c->count + 1;
    return (int)c->count++;
}

static enum kkr_status overflow(struct reader *r, long col)
{
    return fail_at(r, KKR_ERR_OVERFLOW, col,
                   "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
}

static int account_kind(struct reader *r, const struct tok *t, int64_t account)
{
    if (!r->opt->accounts)
        return kkr_import_account_kind(NULL, t->s, t->len);
    if (account < 100000 && r->kind_cache) {
        int8_t c = r->kind_cache[account];
        if (!c)
            r->kind_cache[account] = c =
                (int8_t)(kkr_import_account_kind(r->opt->accounts, t->s, t->len) + 2);
        return c - 2;
    }
    return kkr_import_account_kind(r->opt->accounts, t->s, t->len);
}

/* ---- records ---- */

static void count_label(struct reader *r, const struct tok *label, bool known);

/* #TRANS, counted without looking it up each time */
static void count_trans(struct reader *r, const struct tok *label)
{
    struct kkr_sie_info *in = &r->f->info;
    if (r->trans_label > 0) {
        in->labels[r->trans_label - 1].count++;
        return;
    }
    count_label(r, label, true);
    for (size_t i = 0; i < in->label_count; i++)
        if (strcmp(in->labels[i].label, "#TRANS") == 0)
            r->trans_label = (int)i + 1;
}

static void count_label(struct reader *r, const struct tok *label, bool known)
{
    struct kkr_sie_info *in = &r->f->info;
    for (size_t i = in->label_count; i-- > 0;)
        if (strlen(in->labels[i].label) == label->len &&
            memcmp(in->labels[i].label, label->s, label->len) == 0) {
            in->labels[i].count++;
            return;
        }
    if (in->label_count == r->label_cap) {
        size_t cap = r->label_cap ? r->label_cap * 2 : 32;
        if (cap > 4096)
            goto other;
        struct kkr_sie_label *l = realloc(in->labels, cap * sizeof *l);
        if (!l)
            goto other;
        in->labels = l;
        r->label_cap = cap;
    }
    struct kkr_sie_label *l = &in->labels[in->label_count++];
    memset(l, 0, sizeof *l);
    size_t n = label->len < sizeof l->label - 1 ? label->len : sizeof l->label - 1;
    memcpy(l->label, label->s, n);   /* in the file's encoding until finish_texts */
    l->count = 1;
    l->known = known;
    return;
other:
    /* thousands of distinct labels: the rest are counted together */
    for (size_t i = 0; i < in->label_count; i++)
        if (strcmp(in->labels[i].label, "#(other)") == 0) {
            in->labels[i].count++;
            return;
        }
    if (in->label_count) {
        struct kkr_sie_label *last = &in->labels[in->label_count - 1];
        snprintf(last->label, sizeof last->label, "#(other)");
        last->count++;
        last->known = false;
    }
}

static char *dup_raw(const struct tok *t)
{
    char *d = malloc(t->len + 1);
    if (d) {
        memcpy(d, t->s, t->len);
        d[t->len] = '\0';
    }
    return d;
}

static enum kkr_status need_fields(struct reader *r, const struct rec *rec, int n,
                                   const char *what)
{
    if (rec->nf >= n)
        return KKR_OK;
    char b[40];
    return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                   "%s with %d field%s, expected %s", show(b, sizeof b, rec->label.s,
                   rec->label.len), rec->nf, rec->nf == 1 ? "" : "s", what);
}

static enum kkr_status add_trans_year(struct reader *r, int y, long col);

/* An account that is not digits: left out and counted (an exporter's "FEL" account), as long
 * as it is a plain word. */
static enum kkr_status odd_account(struct reader *r, const struct tok *acc, int64_t ore)
{
    char b[80];
    bool word = acc->len > 0 && acc->len < sizeof r->f->info.odd_account && acc->s[0] != '-';
    for (size_t i = 0; i < acc->len && word; i++)
        word = (unsigned char)acc->s[i] > 0x20 && (unsigned char)acc->s[i] < 0x7f;
    if (!word)
        return fail_at(r, KKR_ERR_SYNTAX, acc->col, "cannot parse account '%s', expected digits",
                       show(b, sizeof b, acc->s, acc->len));
    struct kkr_sie_info *in = &r->f->info;
    if (!in->odd_account_rows++) {
        in->odd_account_line = r->line;
        memcpy(in->odd_account, acc->s, acc->len);
        in->odd_account[acc->len] = '\0';
    }
    if (__builtin_add_overflow(in->odd_account_ore, ore, &in->odd_account_ore))
        return overflow(r, acc->col);
    return KKR_OK;
}

static enum kkr_status trans_row(struct reader *r, const struct rec *rec, int which)
{
    /* which: 0 #TRANS, 1 #RTRANS, 2 #BTRANS */
    struct kkr_sie_info *in = &r->f->info;
    char b[80];
    enum kkr_status st = need_fields(r, rec, 3, "konto {objektlista} belopp [transdat] "
                                     "[transtext] ...");
    if (st != KKR_OK)
        return st;
    if (r->ver != 2)
        return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                       "%.*s outside a voucher, expected it between the '{' and '}' after #VER",
                       (int)rec->label.len, rec->label.s);
    const struct tok *acc = &rec->f[0], *list = &rec->f[1], *am = &rec->f[2];
    int64_t account = -1;
    bool numeric = parse_account(acc, &account);
    if (list->type != TOK_LIST)
        return fail_at(r, KKR_ERR_SYNTAX, list->col,
                       "'%s' where the object list belongs, expected {} or {dimension object "
                       "...}", show(b, sizeof b, list->s, list->len));
    int64_t ore;
    if (!parse_amount(am, &ore))
        return fail_at(r, KKR_ERR_SYNTAX, am->col,
                       "cannot parse amount '%s', expected kronor like -1234.50 (a decimal "
                       "point, at most two decimals)", show(b, sizeof b, am->s, am->len));
    /* the object list as it stands, for the #RTRANS copy check */
    uint64_t objhash = hash_bytes("", 0);
    for (int k = 0; k < list->obj_count; k++) {
        const struct tok *o = &rec->obj[list->obj_first + k];
        objhash = mix(objhash ^ hash_bytes(o->s, o->len)) + (uint64_t)k;
    }
    if (r->rtrans_pending) {
        r->rtrans_pending = false;
        if (which != 0 || account != r->rtrans_account || ore != r->rtrans_ore ||
            objhash != r->rtrans_objhash)
            return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                           "the #RTRANS on line %ld is not followed by its #TRANS copy (same "
                           "account, objects and amount), expected that copy here",
                           r->rtrans_line);
    }
    if (which == 1) {
        in->rtrans++;
        r->rtrans_pending = true;
        r->rtrans_line = r->line;
        r->rtrans_account = account;
        r->rtrans_ore = ore;
        r->rtrans_objhash = objhash;
        return KKR_OK;
    }
    if (which == 2) {
        in->btrans++;     /* a removed row: not part of the voucher's final state */
        return KKR_OK;
    }
    in->trans++;
    if (__builtin_add_overflow(r->ver_sum_ore, ore, &r->ver_sum_ore))
        return overflow(r, am->col);
    r->ver_rows++;
    if (!numeric)
        return odd_account(r, acc, ore);
    int unit, nobj, single;
    st = list_unit(r, rec, list, &unit, &nobj, &single);
    if (st != KKR_OK)
        return st;
    struct source *src = &r->f->utfall;
    src->rows_read++;
    if (__builtin_add_overflow(src->read_ore, ore, &src->read_ore))
        return overflow(r, am->col);
    int kind = account_kind(r, acc, account);
    if (kind < 0) {
        int cls = acc->s[0] - '0';
        src->left_out_rows[cls]++;
        if (__builtin_add_overflow(src->left_out_ore[cls], ore, &src->left_out_ore[cls]))
            return overflow(r, am->col);
        return KKR_OK;
    }
    if (unit < 0) {
        if (r->f->rest_unit < 0)
            r->f->rest_unit = 0x7fffffff;
        unit = -1;
    }
    /* the row's own date (transdat) when it has one: an invoice spread over months is one
     * voucher whose rows fall in several periods, as the exporter's #PSALDO has them */
    int period = r->ver_period;
    if (rec->nf >= 4 && rec->f[3].len == 8 && memcmp(rec->f[3].s, r->ver_date, 8) != 0) {
        long td = parse_date(&rec->f[3]);
        if (td && td / 100 != period) {
            period = (int)(td / 100);
            if ((st = add_trans_year(r, period / 100, rec->f[3].col)) != KKR_OK)
                return st;
        }
    }
    struct cells *c = &src->cells;
    int ci = r->last_cell;
    if (ci < 0 || (size_t)ci >= c->count || c->v[ci].unit != unit || c->v[ci].kind != kind ||
        c->v[ci].period != period) {
        ci = cell_find(c, unit, kind, period);
        if (ci < 0)
            return nomem(r);
        r->last_cell = ci;
    }
    if (__builtin_add_overflow(c->v[ci].ore, ore, &c->v[ci].ore))
        return overflow(r, am->col);
    c->v[ci].rows++;
    return KKR_OK;
}

static enum kkr_status add_trans_year(struct reader *r, int y, long col)
{
    struct kkr_sie_info *in = &r->f->info;
    for (int i = 0; i < in->trans_year_count; i++)
        if (in->trans_years[i] == y)
            return KKR_OK;
    if (in->trans_year_count == (int)(sizeof in->trans_years / sizeof in->trans_years[0]))
        return fail_at(r, KKR_ERR_VALUE, col,
                       "vouchers of more than %d calendar years, expected one fiscal year",
                       in->trans_year_count);
    in->trans_years[in->trans_year_count++] = y;
    return KKR_OK;
}

static enum kkr_status ver_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    if (r->ver)
        return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                       "#VER inside the voucher of line %ld, expected its '}' first",
                       r->ver_line);
    enum kkr_status st = need_fields(r, rec, 3, "serie vernr verdatum [vertext] ...");
    if (st != KKR_OK)
        return st;
    long date = parse_date(&rec->f[2]);
    if (!date)
        return fail_at(r, KKR_ERR_SYNTAX, rec->f[2].col,
                       "cannot parse voucher date '%s', expected YYYYMMDD",
                       show(b, sizeof b, rec->f[2].s, rec->f[2].len));
    r->ver = 1;
    r->ver_line = r->line;
    r->ver_period = (int)(date / 100);
    r->ver_sum_ore = 0;
    r->ver_rows = 0;
    /* the voucher's series and number, for a message (shown when it is needed) */
    size_t n0 = rec->f[0].len < 40 ? rec->f[0].len : 40, n1 = rec->f[1].len < 40 ? rec->f[1].len : 40;
    memcpy(r->ver_id, rec->f[0].s, n0);
    r->ver_id[n0] = ' ';
    memcpy(r->ver_id + n0 + 1, rec->f[1].s, n1);
    r->ver_id[n0 + 1 + n1] = '\0';
    memcpy(r->ver_date, rec->f[2].s, 8);
    r->f->info.vouchers++;
    return add_trans_year(r, r->ver_period / 100, rec->f[2].col);
}

static enum kkr_status balance_row(struct reader *r, const struct rec *rec, bool budget)
{
    char b[80];
    struct kkr_sie_balances *bal = budget ? &r->f->info.pbudget : &r->f->info.psaldo;
    enum kkr_status st = need_fields(r, rec, 5, "årsnr period konto {objektlista} belopp");
    if (st != KKR_OK)
        return st;
    bal->rows++;
    long yearno;
    if (!parse_int(&rec->f[0], &yearno) || yearno > 0 || yearno < -99)
        return fail_at(r, KKR_ERR_SYNTAX, rec->f[0].col,
                       "cannot parse årsnr '%s', expected 0 (this year), -1, -2 ...",
                       show(b, sizeof b, rec->f[0].s, rec->f[0].len));
    int period = parse_period(&rec->f[1]);
    if (!period)
        return fail_at(r, KKR_ERR_SYNTAX, rec->f[1].col,
                       "cannot parse period '%s', expected YYYYMM",
                       show(b, sizeof b, rec->f[1].s, rec->f[1].len));
    int64_t account = -1;
    bool numeric = parse_account(&rec->f[2], &account);
    const struct tok *list = &rec->f[3];
    if (list->type != TOK_LIST)
        return fail_at(r, KKR_ERR_SYNTAX, list->col,
                       "'%s' where the object list belongs, expected {} or {dimension object "
                       "...}", show(b, sizeof b, list->s, list->len));
    int64_t ore;
    if (!parse_amount(&rec->f[4], &ore))
        return fail_at(r, KKR_ERR_SYNTAX, rec->f[4].col,
                       "cannot parse amount '%s', expected kronor like -1234.50 (a decimal "
                       "point, at most two decimals)",
                       show(b, sizeof b, rec->f[4].s, rec->f[4].len));
    if (!numeric) {
        bal->rows_odd++;
        return odd_account(r, &rec->f[2], ore);
    }
    int unit, nobj, single;
    st = list_unit(r, rec, list, &unit, &nobj, &single);
    if (st != KKR_OK)
        return st;
    struct brows *v = budget ? &r->pbudget : &r->psaldo;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        struct brow *n = realloc(v->v, cap * sizeof *n);
        if (!n)
            return nomem(r);
        v->v = n;
        v->cap = cap;
    }
    v->v[v->count++] = (struct brow){account, period, account_kind(r, &rec->f[2], account),
                                     rec->f[2].s[0] - '0', unit, nobj, single, ore, r->line};
    return KKR_OK;
}

static enum kkr_status rar_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    enum kkr_status st = need_fields(r, rec, 3, "årsnr start slut");
    if (st != KKR_OK)
        return st;
    long yearno;
    if (!parse_int(&rec->f[0], &yearno) || yearno > 0 || yearno < -99)
        return fail_at(r, KKR_ERR_SYNTAX, rec->f[0].col,
                       "cannot parse årsnr '%s', expected 0, -1, -2 ...",
                       show(b, sizeof b, rec->f[0].s, rec->f[0].len));
    long start = parse_date(&rec->f[1]), end = parse_date(&rec->f[2]);
    if (!start || !end)
        return fail_at(r, KKR_ERR_SYNTAX, start ? rec->f[2].col : rec->f[1].col,
                       "cannot parse date '%s', expected YYYYMMDD",
                       start ? show(b, sizeof b, rec->f[2].s, rec->f[2].len)
                             : show(b, sizeof b, rec->f[1].s, rec->f[1].len));
    if (start % 10000 != 101 || end % 10000 != 1231 || start / 10000 != end / 10000)
        return fail_at(r, KKR_ERR_VALUE, rec->f[1].col,
                       "räkenskapsår %ld-%ld is not a calendar year, expected January to "
                       "December (a kommun's fiscal year; kkr has no broken fiscal years)",
                       start, end);
    if (yearno == 0) {
        r->f->info.year = (int)(start / 10000);
        r->rar0_line = (int)r->line;
    }
    return KKR_OK;
}

static enum kkr_status meta_record(struct reader *r, const struct rec *rec, const char *label)
{
    struct kkr_sie_info *in = &r->f->info;
    if (strcmp(label, "#FORMAT") == 0) {
        r->format_seen = true;
        in->encoding_declared_pc8 = rec->nf >= 1 && tok_is(&rec->f[0], "PC8");
        if (rec->nf >= 1 && !in->encoding_declared_pc8) {
            char b[80];
            kkr_warn(r->warn, "%s:%ld: #FORMAT %s, expected PC8 (the only SIE format); read "
                     "as PC8", r->path, r->line, show(b, sizeof b, rec->f[0].s,
                     rec->f[0].len));
        }
    } else if (strcmp(label, "#SIETYP") == 0) {
        long t;
        if (rec->nf >= 1 && parse_int(&rec->f[0], &t) && t >= 1 && t <= 4)
            in->sie_type = (int)t;
    } else if (strcmp(label, "#PROGRAM") == 0) {
        if (rec->nf >= 1 && !in->program) {
            size_t n = rec->f[0].len + (rec->nf >= 2 ? rec->f[1].len + 1 : 0);
            in->program = malloc(n + 1);
            if (!in->program)
                return nomem(r);
            memcpy(in->program, rec->f[0].s, rec->f[0].len);
            if (rec->nf >= 2) {
                in->program[rec->f[0].len] = ' ';
                memcpy(in->program + rec->f[0].len + 1, rec->f[1].s, rec->f[1].len);
            }
            in->program[n] = '\0';
        }
    } else if (strcmp(label, "#FNAMN") == 0) {
        if (rec->nf >= 1 && !in->organisation && !(in->organisation = dup_raw(&rec->f[0])))
            return nomem(r);
    } else if (strcmp(label, "#DIM") == 0 || strcmp(label, "#UNDERDIM") == 0) {
        long d;
        if (rec->nf >= 1 && parse_int(&rec->f[0], &d)) {
            char b[80];
            if (r->declared_len + 40 < sizeof r->declared_dims)
                r->declared_len += (size_t)snprintf(r->declared_dims + r->declared_len,
                    sizeof r->declared_dims - r->declared_len, "%s%ld%s%s",
                    r->declared_len ? ", " : "", d, rec->nf >= 2 ? " " : "",
                    rec->nf >= 2 ? show(b, sizeof b, rec->f[1].s, rec->f[1].len) : "");
            if (!r->first_dim_line)
                r->first_dim_line = r->line;
            if (d == r->opt->dim) {
                r->dim_declared = 1;
                if (rec->nf >= 2 && !r->dim_name_raw) {
                    if (!(r->dim_name_raw = dup_raw(&rec->f[1])))
                        return nomem(r);
                    r->dim_name_len = rec->f[1].len;
                }
            }
        }
    } else if (strcmp(label, "#OBJEKT") == 0) {
        if (rec->nf >= 3 && dim_matches(r, &rec->f[0])) {
            int u = unit_find(r, rec->f[1].s, rec->f[1].len, true, r->line);
            if (u == -2)
                return nomem(r);
            struct raw_unit *ru = &r->f->raw[u];
            if (!ru->name) {
                if (!(ru->name = dup_raw(&rec->f[2])))
                    return nomem(r);
                ru->name_len = rec->f[2].len;
                ru->line = r->line;
            }
        }
    }
    return KKR_OK;
}

static enum kkr_status ksumma_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    if (rec->nf == 0) {
        if (r->ksumma != 0)
            return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                           "a second opening #KSUMMA (the first on line %ld), expected the "
                           "closing #KSUMMA with the checksum", r->ksumma_line);
        r->ksumma = 1;
        r->ksumma_line = r->line;
        r->crc = 0;
        return KKR_OK;
    }
    if (r->ksumma != 1)
        return fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                       "#KSUMMA with a checksum but no opening #KSUMMA before, expected an "
                       "empty #KSUMMA after #FLAGGA");
    const struct tok *t = &rec->f[0];
    int64_t v = 0;
    bool ok = t->len > 0 && t->len <= 11;
    size_t i = 0;
    bool neg = false;
    if (ok && t->s[0] == '-') {
        neg = true;
        i = 1;
        ok = t->len > 1;
    }
    for (; ok && i < t->len; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            ok = false;
        else
            v = v * 10 + (t->s[i] - '0');
    }
    if (neg)
        v = -v;
    if (!ok || v < INT32_MIN || v > UINT32_MAX)
        return fail_at(r, KKR_ERR_SYNTAX, t->col,
                       "cannot parse checksum '%s', expected a CRC-32 as a decimal number",
                       show(b, sizeof b, t->s, t->len));
    /* the label and field of the closing record are not part of the sum */
    uint32_t want = (uint32_t)v;
    r->ksumma = 2;
    if (want != r->crc)
        return fail_at(r, KKR_ERR_VALUE, t->col,
                       "#KSUMMA %s does not match the file's checksum %lu (CRC-32 of the "
                       "records from line %ld), expected the file as written: changed or "
                       "damaged on the way?", show(b, sizeof b, t->s, t->len),
                       (unsigned long)r->crc, r->ksumma_line + 1);
    r->f->info.ksumma = true;
    r->f->info.ksumma_value = want;
    return KKR_OK;
}

static enum kkr_status record(struct reader *r, const char *s, size_t len, size_t start)
{
    struct rec rec;
    r->scratch_len = 0;
    if (r->scratch_cap < len) {
        size_t cap = r->scratch_cap ? r->scratch_cap : 4096;
        while (cap < len)
            cap *= 2;
        char *n = realloc(r->scratch, cap);
        if (!n)
            return nomem(r);
        r->scratch = n;
        n = realloc(r->crcbuf, cap);
        if (!n)
            return nomem(r);
        r->crcbuf = n;
        r->scratch_cap = cap;
    }
    r->crcbuf_len = 0;
    /* the closing #KSUMMA is not part of its own sum: tokenise it with the sum paused */
    bool closing_ksumma = len - start > 7 && memcmp(s + start, "#KSUMMA", 7) == 0 &&
                          is_sep(s[start + 7]);
    int ks = r->ksumma;
    if (closing_ksumma)
        r->ksumma = 0;
    enum kkr_status st = tokenize(r, s, len, start, &rec);
    r->ksumma = ks;
    if (st != KKR_OK)
        return st;
    if (r->ksumma == 1)
        crc_flush(r);
    r->f->info.records++;
    /* the hot path first */
    if (rec.is_trans && r->ver == 2 && !r->rtrans_pending && r->ksumma != 2) {
        count_trans(r, &rec.label);
        return trans_row(r, &rec, 0);
    }
    char label[24];
    size_t ll = rec.label.len < sizeof label - 1 ? rec.label.len : sizeof label - 1;
    memcpy(label, rec.label.s, ll);
    label[ll] = '\0';
    if (r->ver == 1) {
        return fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                       "%s after the #VER of line %ld, expected '{' on a line of its own to "
                       "open the voucher's rows", label, r->ver_line);
    }
    if (r->rtrans_pending && strcmp(label, "#TRANS") != 0)
        return fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                       "the #RTRANS on line %ld is not followed by its #TRANS copy, expected "
                       "#TRANS here", r->rtrans_line);
    if (r->ksumma == 2)
        return fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                       "%s after the closing #KSUMMA, expected it to be the last record",
                       label);
    if (!r->any_record) {
        r->any_record = true;
        r->flagga_seen = strcmp(label, "#FLAGGA") == 0;
    }
    /* the hot path first */
    if (strcmp(label, "#TRANS") == 0) {
        count_label(r, &rec.label, true);
        return trans_row(r, &rec, 0);
    }
    static const char *const known[] = {
        "#RTRANS", "#BTRANS", "#VER", "#PSALDO", "#PBUDGET", "#RAR", "#KSUMMA", "#FLAGGA",
        "#FORMAT", "#SIETYP", "#PROGRAM", "#FNAMN", "#DIM", "#UNDERDIM", "#OBJEKT",
    };
    bool is_known = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        is_known |= strcmp(label, known[i]) == 0;
    count_label(r, &rec.label, is_known);
    if (strcmp(label, "#RTRANS") == 0)
        return trans_row(r, &rec, 1);
    if (strcmp(label, "#BTRANS") == 0)
        return trans_row(r, &rec, 2);
    if (r->ver == 2)
        return fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                       "%s inside the voucher of line %ld, expected #TRANS rows and '}'",
                       label, r->ver_line);
    if (strcmp(label, "#VER") == 0)
        return ver_record(r, &rec);
    if (strcmp(label, "#PSALDO") == 0)
        return balance_row(r, &rec, false);
    if (strcmp(label, "#PBUDGET") == 0)
        return balance_row(r, &rec, true);
    if (strcmp(label, "#RAR") == 0)
        return rar_record(r, &rec);
    if (strcmp(label, "#KSUMMA") == 0)
        return ksumma_record(r, &rec);
    return meta_record(r, &rec, label);
}

static enum kkr_status brace(struct reader *r, char c, long col)
{
    r->f->info.records++;
    if (c == '{') {
        if (r->ver != 1)
            return fail_at(r, KKR_ERR_SYNTAX, col,
                           r->ver == 2 ? "'{' inside a voucher, expected #TRANS rows and '}'"
                                       : "'{' without a #VER before it, expected #VER first");
        r->ver = 2;
        return KKR_OK;
    }
    if (r->ver != 2)
        return fail_at(r, KKR_ERR_SYNTAX, col, "'}' without an open voucher, expected #VER "
                       "and '{' before it");
    if (r->rtrans_pending)
        return fail_at(r, KKR_ERR_SYNTAX, col,
                       "the #RTRANS on line %ld is not followed by its #TRANS copy, expected "
                       "#TRANS before '}'", r->rtrans_line);
    r->ver = 0;
    if (r->ver_sum_ore != 0) {
        char a[48];
        kkr_import_format_ore(a, r->ver_sum_ore, " ");
        char id[100];
        return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, r->ver_line, 1,
                        "voucher %s does not balance: its %llu #TRANS rows sum to %s kr, "
                        "expected 0 (debit = credit)", show(id, sizeof id, r->ver_id,
                        strlen(r->ver_id)),
                        (unsigned long long)r->ver_rows, a);
    }
    return KKR_OK;
}

/* One line without its newline. */
static enum kkr_status process_line(struct reader *r, const char *s, size_t len)
{
    r->f->info.lines++;
    size_t i = 0;
    while (i < len && is_sep(s[i]))
        i++;
    if (i == len)
        return KKR_OK;
    const char *nul = memchr(s, '\0', len);
    if (nul)
        return fail_at(r, KKR_ERR_SYNTAX, (long)(nul - s) + 1,
                       "NUL byte, expected text (is this a SIE file?)");
    /* The encoding is told from the texts kkr keeps: every record but the vouchers and their
     * rows, whose texts are not read (their object codes are, in list_unit). */
    bool voucher_line = len - i >= 4 && s[i] == '#' &&
                        ((len - i >= 6 && memcmp(s + i + 1, "TRANS", 5) == 0) ||
                         memcmp(s + i + 1, "VER", 3) == 0 ||
                         (len - i >= 7 && (memcmp(s + i + 1, "RTRANS", 6) == 0 ||
                                           memcmp(s + i + 1, "BTRANS", 6) == 0)));
    if (!voucher_line &&
        (r->opt->encoding == KKR_SIE_ENC_AUTO || r->opt->encoding == KKR_SIE_ENC_UTF8))
        encoding_line(r, s, len, 0);
    if (s[i] == '{' || s[i] == '}') {
        size_t e = i + 1;
        while (e < len && is_sep(s[e]))
            e++;
        if (e != len)
            return fail_at(r, KKR_ERR_SYNTAX, (long)e + 1,
                           "text after '%c', expected '%c' alone on its line", s[i], s[i]);
        return brace(r, s[i], (long)i + 1);
    }
    if (s[i] != '#') {
        char b[80];
        return fail_at(r, KKR_ERR_SYNTAX, (long)i + 1,
                       "'%s' where a record belongs, expected a label like #TRANS (or '{' or "
                       "'}')", show(b, sizeof b, s + i, len - i));
    }
    return record(r, s, len, i);
}

/* ---- balance rows: the reading, then the cells ---- */

static int cmp_brow(const void *a, const void *b)
{
    const struct brow *x = a, *y = b;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    if (x->account != y->account)
        return x->account < y->account ? -1 : 1;
    if (x->nobj != y->nobj)
        return x->nobj < y->nobj ? -1 : 1;   /* the {} row first */
    return (x->line > y->line) - (x->line < y->line);
}

/* Evidence for the reading from the groups (period, account) of rows. */
static void reading_evidence(struct brows *v, struct kkr_sie_balances *bal)
{
    for (size_t a = 0; a < v->count;) {
        size_t b = a;
        while (b < v->count && v->v[b].period == v->v[a].period &&
               v->v[b].account == v->v[a].account)
            b++;
        bool has_total = v->v[a].nobj == 0;
        bool has_objects = v->v[b - 1].nobj > 0;
        if (has_objects) {
            bal->groups_with_objects++;
            if (!has_total) {
                if (!bal->evidence_partition++)
                    bal->first_partition_line = v->v[a].line;
            } else {
                /* a {} row equal to the sum of one dimension's rows: a total */
                int64_t total = v->v[a].ore;
                bool eq = false;
                for (size_t i = a; i < b && !eq; i++) {
                    if (v->v[i].nobj != 1)
                        continue;
                    int d = v->v[i].single_dim;
                    int64_t sum = 0;
                    bool ok = true;
                    for (size_t k = a; k < b; k++)
                        if (v->v[k].nobj == 1 && v->v[k].single_dim == d)
                            ok &= !__builtin_add_overflow(sum, v->v[k].ore, &sum);
                    eq = ok && sum == total;
                }
                if (eq && !bal->evidence_totals++)
                    bal->first_totals_line = v->v[a].line;
            }
        }
        a = b;
    }
}

static enum kkr_status add_cell(struct reader *r, struct source *src, int unit, int kind,
                                int period, int64_t ore, uint64_t rows, long line)
{
    int ci = cell_find(&src->cells, unit, kind, period);
    if (ci < 0)
        return nomem(r);
    struct cell *c = &src->cells.v[ci];
    if (__builtin_add_overflow(c->ore, ore, &c->ore))
        return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, line, 0,
                        "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
    c->rows += rows;
    if (unit < 0 && r->f->rest_unit < 0)
        r->f->rest_unit = 0x7fffffff;
    return KKR_OK;
}

static bool year_from_trans(const struct kkr_sie_info *in, int year)
{
    for (int i = 0; i < in->trans_year_count; i++)
        if (in->trans_years[i] == year)
            return true;
    return false;
}

static enum kkr_status balances_to_cells(struct reader *r, bool budget)
{
    struct kkr_sie_info *in = &r->f->info;
    struct brows *v = budget ? &r->pbudget : &r->psaldo;
    struct kkr_sie_balances *bal = budget ? &in->pbudget : &in->psaldo;
    struct source *src = budget ? &r->f->budget : &r->f->utfall;
    if (v->count)
        qsort(v->v, v->count, sizeof *v->v, cmp_brow);
    reading_evidence(v, bal);
    const char *label = budget ? "#PBUDGET" : "#PSALDO";
    enum kkr_sie_reading reading = r->opt->reading;
    bal->reading_given = reading != KKR_SIE_READING_AUTO;
    if (!bal->groups_with_objects) {
        reading = KKR_SIE_READING_NONE;
    } else if (reading == KKR_SIE_READING_AUTO) {
        if (bal->evidence_totals && !bal->evidence_partition) {
            reading = KKR_SIE_READING_TOTALS;
        } else if (bal->evidence_partition && !bal->evidence_totals) {
            reading = KKR_SIE_READING_PARTITION;
        } else if (bal->evidence_totals) {
            return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, bal->first_partition_line, 1,
                            "%s rows with objects read both ways: here object rows with no {} "
                            "row (a partition), on line %ld a {} row equal to its objects' sum "
                            "(totals); --reading totals or --reading partition decides",
                            label, bal->first_totals_line);
        } else {
            size_t first = 0;
            for (size_t i = 0; i < v->count; i++)
                if (v->v[i].nobj > 0) {
                    first = i;
                    break;
                }
            return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, v->v[first].line, 1,
                            "%s rows with objects that cannot be told: is the {} row the "
                            "account's total (totals) or the part without objects "
                            "(partition)? No {} row equals a dimension's sum and none is "
                            "missing; --reading totals or --reading partition decides", label);
        }
    }
    bal->reading = reading;
    for (size_t a = 0; a < v->count;) {
        size_t b = a;
        while (b < v->count && v->v[b].period == v->v[a].period &&
               v->v[b].account == v->v[a].account)
            b++;
        const struct brow *g = &v->v[a];
        int year = g->period / 100;
        bool skip = budget ? (in->year && year != in->year) : year_from_trans(in, year);
        if (skip) {
            bal->rows_other_year += b - a;
            a = b;
            continue;
        }
        /* the parts: (unit, amount, rows) to add */
        int64_t group_ore = 0;
        uint64_t group_rows = 0;
        bool ok = true;
        if (reading == KKR_SIE_READING_TOTALS) {
            bool has_total = g->nobj == 0;
            int64_t parts = 0;
            uint64_t other_rows = 0;
            /* with no {} row the total is the sum of the chosen dimension's rows, else the
             * first dimension's */
            int dim = r->opt->dim;
            bool dim_has = false;
            for (size_t i = a; i < b; i++)
                dim_has |= v->v[i].nobj == 1 && v->v[i].single_dim == dim;
            if (!has_total && !dim_has)
                for (size_t i = a; i < b; i++)
                    if (v->v[i].nobj == 1) {
                        dim = v->v[i].single_dim;
                        break;
                    }
            for (size_t i = a; i < b; i++) {
                const struct brow *x = &v->v[i];
                if (x->nobj == 0)
                    continue;
                if (x->nobj == 1 && x->single_dim == r->opt->dim) {
                    ok &= !__builtin_add_overflow(parts, x->ore, &parts);
                    if (x->kind >= 0) {
                        enum kkr_status st = add_cell(r, src, x->unit, x->kind, x->period,
                                                      x->ore, 1, x->line);
                        if (st != KKR_OK)
                            return st;
                    }
                    bal->rows_used++;
                    group_rows++;
                } else if (!has_total && x->nobj == 1 && x->single_dim == dim) {
                    /* a total given only as the parts of another dimension */
                    ok &= !__builtin_add_overflow(group_ore, x->ore, &group_ore);
                    bal->rows_used++;
                    other_rows++;
                } else {
                    bal->rows_breakdown++;
                }
            }
            int64_t total = 0;
            if (has_total) {
                total = g->ore;
                bal->rows_used++;
            } else {
                total = dim == r->opt->dim ? parts : group_ore;
            }
            int64_t rest = 0;
            ok &= !__builtin_sub_overflow(total, parts, &rest);
            if (!ok)
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
            /* the rows behind the rest: the {} row, or the other dimension's rows; a total
             * broken down whole adds no row of its own */
            uint64_t rest_rows = has_total ? 1 : other_rows;
            if (rest != 0) {
                group_rows += rest_rows;
                if (g->kind >= 0) {
                    enum kkr_status st = add_cell(r, src, -1, g->kind, g->period, rest,
                                                  rest_rows, g->line);
                    if (st != KKR_OK)
                        return st;
                }
            }
            group_ore = total;
        } else {
            for (size_t i = a; i < b; i++) {
                const struct brow *x = &v->v[i];
                ok &= !__builtin_add_overflow(group_ore, x->ore, &group_ore);
                if (x->kind >= 0) {
                    enum kkr_status st = add_cell(r, src, x->unit, x->kind, x->period, x->ore,
                                                  1, x->line);
                    if (st != KKR_OK)
                        return st;
                }
                bal->rows_used++;
                group_rows++;
            }
            if (!ok)
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        }
        src->rows_read += group_rows;
        if (__builtin_add_overflow(src->read_ore, group_ore, &src->read_ore))
            return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                            "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        if (g->kind < 0) {
            src->left_out_rows[g->cls] += group_rows;
            if (__builtin_add_overflow(src->left_out_ore[g->cls], group_ore,
                                       &src->left_out_ore[g->cls]))
                return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, g->line, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
        }
        a = b;
    }
    return KKR_OK;
}

/* ---- encoding: the verdict, then the texts in UTF-8 ---- */

static enum kkr_status decide_encoding(struct reader *r)
{
    struct kkr_sie_info *in = &r->f->info;
    enum kkr_sie_encoding e = r->opt->encoding;
    if (e == KKR_SIE_ENC_UTF8 && r->bad_bytes)
        return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, r->bad_line, r->bad_col,
                        "invalid UTF-8 byte, expected the whole file in UTF-8 (--encoding "
                        "utf-8)");
    if (e != KKR_SIE_ENC_AUTO) {
        in->encoding = e;
        return KKR_OK;
    }
    const char *declared = in->encoding_declared_pc8 ? "declared #FORMAT PC8"
                           : r->format_seen           ? "with an unknown #FORMAT"
                                                      : "without #FORMAT";
    if (r->utf8_seq && !r->bad_bytes) {
        in->encoding = KKR_SIE_ENC_UTF8;
        kkr_warn(r->warn, "%s: %s (CP437) but its bytes are UTF-8 (the first, U+%04X, on line "
                 "%ld column %ld): read as UTF-8 (--encoding cp437 reads it as declared)",
                 r->path, declared, (unsigned)r->utf8_first, r->utf8_line, r->utf8_col);
        return KKR_OK;
    }
    if (r->utf8_seq && r->bad_bytes)
        return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, r->utf8_line, r->utf8_col,
                        "UTF-8 bytes (U+%04X) in a file %s (CP437) whose other text is not "
                        "UTF-8 (line %ld column %ld), expected one encoding; --encoding "
                        "cp437 or --encoding utf-8 decides", (unsigned)r->utf8_first, declared,
                        r->bad_line, r->bad_col);
    if (r->cp1252_letters && !r->cp437_letters) {
        in->encoding = KKR_SIE_ENC_CP1252;
        kkr_warn(r->warn, "%s: %s (CP437) but its letters are Windows-1252 (the first on "
                 "line %ld column %ld): read as Windows-1252 (--encoding cp437 reads it as "
                 "declared)", r->path, declared, r->cp1252_line, r->cp1252_col);
        return KKR_OK;
    }
    in->encoding = KKR_SIE_ENC_CP437;
    return KKR_OK;
}

/* s (len bytes in the file's encoding) as a new UTF-8 string with control characters
 * replaced by spaces */
static char *to_utf8(iconv_t cd, enum kkr_sie_encoding enc, const char *s, size_t len)
{
    char *out = NULL;
    size_t olen = 0;
    bool high = false;
    for (size_t i = 0; i < len; i++)
        high |= (unsigned char)s[i] >= 0x80;
    if (!high || enc == KKR_SIE_ENC_UTF8) {
        out = malloc(len + 1);
        if (!out)
            return NULL;
        memcpy(out, s, len);
        olen = len;
    } else if (enc == KKR_SIE_ENC_CP1252) {
        out = kkr_cp1252_to_utf8(s, len, &olen);
        if (!out)
            return NULL;
    } else {
        size_t cap = len * 3 + 1;
        out = malloc(cap);
        if (!out)
            return NULL;
        char *in = (char *)s, *o = out;
        size_t il = len, ol = cap;
        iconv(cd, NULL, NULL, NULL, NULL);
        while (il > 0) {
            if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1) {
                if (errno == EILSEQ || errno == EINVAL) {
                    /* not in CP437 (cannot happen for 0x80..0xFF): a '?' */
                    if (ol < 2)
                        break;
                    *o++ = '?';
                    ol--;
                    in++;
                    il--;
                    continue;
                }
                break;
            }
        }
        olen = (size_t)(o - out);
    }
    out[olen] = '\0';
    for (size_t i = 0; i < olen; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = ' ';
    return out;
}

static enum kkr_status finish_texts(struct reader *r)
{
    struct kkr_sie_file *f = r->f;
    struct kkr_sie_info *in = &f->info;
    iconv_t cd = (iconv_t)-1;
    if (in->encoding == KKR_SIE_ENC_CP437) {
        cd = iconv_open("UTF-8", "CP437");
        if (cd == (iconv_t)-1)
            return kkr_fail(r->diag, KKR_ERR_IO, r->path, 0, 0,
                            "cannot convert CP437 with iconv: %s", strerror(errno));
    }
    enum kkr_status st = KKR_OK;
    char *t;
    if (in->program) {
        if (!(t = to_utf8(cd, in->encoding, in->program, strlen(in->program))))
            goto oom;
        free(in->program);
        in->program = t;
    }
    if (in->organisation) {
        if (!(t = to_utf8(cd, in->encoding, in->organisation, strlen(in->organisation))))
            goto oom;
        free(in->organisation);
        in->organisation = t;
    }
    if (r->dim_name_raw && !(in->dim_name = to_utf8(cd, in->encoding, r->dim_name_raw,
                                                   r->dim_name_len)))
        goto oom;
    for (size_t i = 0; i < in->label_count; i++) {
        struct kkr_sie_label *l = &in->labels[i];
        if (!(t = to_utf8(cd, in->encoding, l->label, strlen(l->label))))
            goto oom;
        size_t len = strlen(t);
        if (len > sizeof l->label - 1)
            len = kkr_utf8_prefix(t, sizeof l->label - 1, sizeof l->label - 1);
        while (len > sizeof l->label - 1)
            len--;
        memcpy(l->label, t, len);
        l->label[len] = '\0';
        free(t);
    }
    size_t n = f->raw_count + (f->rest_unit >= 0 ? 1 : 0);
    in->units = calloc(n ? n : 1, sizeof *in->units);
    if (!in->units)
        goto oom;
    for (size_t i = 0; i < f->raw_count; i++) {
        struct kkr_sie_unit *u = &in->units[in->unit_count++];
        const struct raw_unit *ru = &f->raw[i];
        if (!(u->code = to_utf8(cd, in->encoding, ru->code, ru->len)))
            goto oom;
        u->declared = ru->name != NULL;
        if (!(u->name = ru->name ? to_utf8(cd, in->encoding, ru->name, ru->name_len)
                                 : strdup(u->code)))
            goto oom;
    }
    if (f->rest_unit >= 0) {
        f->rest_unit = (int)in->unit_count;
        struct kkr_sie_unit *u = &in->units[in->unit_count++];
        in->has_rest = true;
        char name[200];
        if (f->raw_count == 0)
            snprintf(name, sizeof name, "%s", in->organisation && in->organisation[0]
                                                  ? in->organisation : "Hela verksamheten");
        else if (in->dim_name)
            snprintf(name, sizeof name, "Utan %s", in->dim_name);
        else
            snprintf(name, sizeof name, "Utan objekt i dimension %d", in->dim);
        if (!(u->code = strdup("")) || !(u->name = strdup(name)))
            goto oom;
        /* "Utan Kostnadsställe" -> "Utan kostnadsställe" */
        if (f->raw_count && in->dim_name) {
            size_t off = strlen("Utan ");
            kkr_text_lower_first(u->name + off, in->dim_name, strlen(u->name + off));
        }
    }
    goto out;
oom:
    st = nomem(r);
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    return st;
}

/* ---- reading the file ---- */

static void reader_release(struct reader *r)
{
    free(r->scratch);
    free(r->crcbuf);
    free(r->kind_cache);
    free(r->psaldo.v);
    free(r->pbudget.v);
    free(r->dim_name_raw);
}

enum kkr_status kkr_sie_read(const char *path, const struct kkr_sie_options *opt_in,
                             struct kkr_sie_file **out, struct kkr_diag *diag,
                             struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_sie_options opt;
    if (opt_in)
        opt = *opt_in;
    else
        kkr_sie_options_init(&opt);
    if (opt.dim <= 0)
        opt.dim = 1;
    bool use_stdin = strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kkr_fail(diag, KKR_ERR_IO, name, 0, 0, "cannot open: %s", strerror(errno));
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    struct kkr_sie_file *f = calloc(1, sizeof *f);
    struct reader r;
    memset(&r, 0, sizeof r);
    size_t chunk = opt.chunk_size ? opt.chunk_size : DEFAULT_CHUNK;
    size_t cap = chunk;
    char *buf = malloc(cap);
    if (!f || !buf || !(f->path = strdup(name))) {
        free(buf);
        if (f)
            free(f->path);
        free(f);
        if (!use_stdin)
            close(fd);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    f->rest_unit = -1;
    f->info.dim = opt.dim;
    r.path = f->path;
    r.opt = &opt;
    r.diag = diag;
    r.warn = warn;
    r.f = f;
    r.line = 1;
    r.last_cell = -1;
    r.dim_text_len = (size_t)snprintf(r.dim_text, sizeof r.dim_text, "%d", opt.dim);
    enum kkr_status st = KKR_OK;
    if (opt.accounts && !(r.kind_cache = calloc(100000, 1)))
        st = nomem(&r);

    size_t have = 0, start = 0;
    bool eof = false, first = true;
    while (st == KKR_OK && !eof) {
        if (start > 0) {
            memmove(buf, buf + start, have - start);
            have -= start;
            start = 0;
        }
        if (have == cap) {
            if (cap >= MAX_LINE) {
                st = fail_at(&r, KKR_ERR_SYNTAX, 0, "line longer than %u MiB, expected SIE "
                             "records", MAX_LINE >> 20);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = nomem(&r);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            st = kkr_fail(diag, KKR_ERR_IO, name, 0, 0, "cannot read: %s", strerror(errno));
            break;
        }
        if (n == 0)
            eof = true;
        have += (size_t)n;
        if (first && (have >= 3 || eof)) {
            first = false;
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                start = 3;
        } else if (first) {
            continue;
        }
        /* complete lines */
        while (start < have) {
            char *nl = memchr(buf + start, '\n', have - start);
            size_t end;
            if (nl)
                end = (size_t)(nl - buf);
            else if (eof)
                end = have;
            else
                break;
            size_t len = end - start;
            if (len && buf[start + len - 1] == '\r')
                len--;
            st = process_line(&r, buf + start, len);
            if (st != KKR_OK)
                break;
            start = nl ? end + 1 : have;
            if (nl)
                r.line++;
        }
    }
    free(buf);
    if (!use_stdin)
        close(fd);
    struct kkr_sie_info *in = &f->info;
    if (st == KKR_OK && !r.any_record)
        st = kkr_fail(diag, KKR_ERR_SYNTAX, name, 1, 0,
                      "no records, expected a SIE file starting with #FLAGGA");
    if (st == KKR_OK && r.ver)
        st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r.line, 0,
                      "the file ends inside the voucher of line %ld, expected its '}' (is the "
                      "file cut short?)", r.ver_line);
    if (st == KKR_OK && r.ksumma == 1)
        st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r.line, 0,
                      "the file ends without the closing #KSUMMA that the #KSUMMA on line %ld "
                      "promises (is the file cut short?)", r.ksumma_line);
    if (st == KKR_OK && opt.dim_given && !r.dim_declared)
        st = kkr_fail(diag, KKR_ERR_VALUE, name, r.first_dim_line, r.first_dim_line ? 1 : 0,
                      "--dim %d: no #DIM %d in the file, expected one of its dimensions (%s)",
                      opt.dim, opt.dim, r.declared_len ? r.declared_dims : "it declares none");
    if (st == KKR_OK && r.open_quotes)
        kkr_warn(warn, "%s:%ld:%ld: a text without its closing quote, read to the end of the "
                 "line (%llu such %s)", name, r.open_quote_line, r.open_quote_col,
                 (unsigned long long)r.open_quotes, r.open_quotes == 1 ? "text" : "texts");
    if (st == KKR_OK && !r.flagga_seen)
        kkr_warn(warn, "%s: the first record is not #FLAGGA (read as SIE anyway)", name);
    if (st == KKR_OK)
        st = decide_encoding(&r);
    if (st == KKR_OK)
        in->type_4i = in->sie_type == 4 && r.rar0_line == 0;
    if (st == KKR_OK)
        st = balances_to_cells(&r, false);
    if (st == KKR_OK)
        st = balances_to_cells(&r, true);
    if (st == KKR_OK)
        st = finish_texts(&r);
    reader_release(&r);
    if (st != KKR_OK) {
        kkr_sie_free(f);
        return st;
    }
    *out = f;
    return KKR_OK;
}

/* ------------------------------------------------------------------ results */

static int unit_index(const struct kkr_sie_file *f, int unit)
{
    return unit < 0 ? f->rest_unit : unit;
}

enum kkr_status kkr_sie_result(const struct kkr_sie_file *f, bool budget,
                               const struct kkr_import_map *map,
                               struct kkr_import_result **out, struct kkr_diag *diag)
{
    *out = NULL;
    const struct source *src = budget ? &f->budget : &f->utfall;
    const struct kkr_sie_info *in = &f->info;
    struct kkr_import_result *res = calloc(1, sizeof *res);
    int *target = calloc(in->unit_count ? in->unit_count : 1, sizeof *target);
    int *unmapped = calloc(in->unit_count ? in->unit_count : 1, sizeof *unmapped);
    if (!res || !target || !unmapped)
        goto oom;
    res->cells = malloc(sizeof *res->cells * (src->cells.count ? src->cells.count : 1));
    res->unmapped = calloc(in->unit_count ? in->unit_count : 1, sizeof *res->unmapped);
    if (!res->cells || !res->unmapped)
        goto oom;
    for (size_t i = 0; i < in->unit_count; i++) {
        target[i] = kkr_import_map_lookup(map, in->units[i].code, strlen(in->units[i].code));
        unmapped[i] = -1;
    }
    res->rows_read = src->rows_read;
    res->read_ore = src->read_ore;
    for (int c = 0; c < 10; c++) {
        res->left_out_rows[c] = src->left_out_rows[c];
        res->left_out_ore[c] = src->left_out_ore[c];
    }
    for (size_t i = 0; i < src->cells.count; i++) {
        const struct cell *c = &src->cells.v[i];
        int u = unit_index(f, c->unit);
        if (target[u] < 0) {
            if (unmapped[u] < 0) {
                unmapped[u] = (int)res->unmapped_count;
                struct kkr_import_unmapped *m = &res->unmapped[res->unmapped_count++];
                if (!(m->code = strdup(in->units[u].code)))
                    goto oom;
            }
            struct kkr_import_unmapped *m = &res->unmapped[unmapped[u]];
            m->rows += c->rows;
            if (!kkr_money_add(m->amount_ore, c->ore, &m->amount_ore))
                goto overflow;
            continue;
        }
        res->cells[res->cell_count++] =
            (struct kkr_import_cell){target[u], c->kind, c->period, c->ore, c->rows};
        res->rows_imported += c->rows;
        if (!kkr_money_add(res->imported_ore, c->ore, &res->imported_ore))
            goto overflow;
    }
    free(target);
    free(unmapped);
    enum kkr_status st = kkr_import_result_finish(res, map, diag);
    if (st != KKR_OK) {
        kkr_import_result_free(res);
        return st;
    }
    *out = res;
    return KKR_OK;
overflow:
    free(target);
    free(unmapped);
    kkr_import_result_free(res);
    return kkr_fail(diag, KKR_ERR_OVERFLOW, f->path, 0, 0,
                    "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
oom:
    free(target);
    free(unmapped);
    kkr_import_result_free(res);
    return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
}

/* ------------------------------------------------------------------ a new workbook */

static bool code_taken(char **codes, size_t n, const char *c)
{
    for (size_t i = 0; i < n; i++)
        if (codes[i] && strcmp(codes[i], c) == 0)
            return true;
    return false;
}

/* The codes of a new workbook: the object codes trimmed (the CSV reader trims), never empty,
 * never "total", unique; the rest "övrigt" (or "alla" when there are no objects at all). */
static enum kkr_status init_codes(struct kkr_sie_file *f, struct kkr_diag *diag)
{
    if (f->init_codes)
        return KKR_OK;
    const struct kkr_sie_info *in = &f->info;
    char **codes = calloc(in->unit_count ? in->unit_count : 1, sizeof *codes);
    if (!codes)
        return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
    for (size_t i = 0; i < in->unit_count; i++) {
        const char *base = in->units[i].code;
        size_t len = strlen(base);
        kkr_text_trim(&base, &len);
        char b[256];
        if (in->has_rest && i + 1 == in->unit_count)
            snprintf(b, sizeof b, "%s", in->unit_count == 1 ? "alla" : "övrigt");
        else if (len == 0)
            snprintf(b, sizeof b, "objekt");
        else
            snprintf(b, sizeof b, "%.*s", (int)(len < 200 ? len : 200), base);
        if (kkr_text_equal_fold(b, strlen(b), "total", 5))
            snprintf(b + strlen(b), sizeof b - strlen(b), "-1");
        char c[300];
        snprintf(c, sizeof c, "%s", b);
        for (int k = 2; code_taken(codes, i, c); k++)
            snprintf(c, sizeof c, "%s-%d", b, k);
        if (!(codes[i] = strdup(c))) {
            for (size_t k = 0; k < i; k++)
                free(codes[k]);
            free(codes);
            return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
        }
    }
    f->init_codes = codes;
    return KKR_OK;
}

const char *kkr_sie_unit_code(const struct kkr_sie_file *f, size_t i)
{
    struct kkr_diag diag;
    if (i >= f->info.unit_count || init_codes((struct kkr_sie_file *)f, &diag) != KKR_OK)
        return NULL;
    return f->init_codes[i];
}

enum kkr_status kkr_sie_units_map(const struct kkr_sie_file *f, struct kkr_import_map **out,
                                  struct kkr_diag *diag)
{
    *out = NULL;
    enum kkr_status st = init_codes((struct kkr_sie_file *)f, diag);
    struct kkr_import_map *map = NULL;
    if (st == KKR_OK)
        st = kkr_import_map_new(f->path, &map, diag);
    for (size_t i = 0; st == KKR_OK && i < f->info.unit_count; i++)
        st = kkr_import_map_add(map, f->info.units[i].code, f->init_codes[i], diag);
    if (st != KKR_OK) {
        kkr_import_map_free(map);
        return st;
    }
    *out = map;
    return KKR_OK;
}

static char *join(const char *dir, const char *name)
{
    char *p = NULL;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

static enum kkr_status write_file(const char *dir, const char *name,
                                  enum kkr_status (*fill)(FILE *fp, const void *ud,
                                                          struct kkr_diag *diag),
                                  const void *ud, struct kkr_diag *diag)
{
    char *path = join(dir, name);
    if (!path)
        return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
    struct kkr_output o;
    enum kkr_status st = kkr_output_open(&o, path, true, diag);
    if (st == KKR_OK) {
        st = fill(o.fp, ud, diag);
        if (st == KKR_OK && ferror(o.fp))
            st = kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "write error");
        if (st == KKR_OK)
            st = kkr_output_commit(&o, diag);
        else
            kkr_output_abort(&o);
    }
    free(path);
    return st;
}

static enum kkr_status fill_units(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct kkr_sie_file *f = ud;
    fputs("kod;namn;överordnad\n", fp);
    for (size_t i = 0; i < f->info.unit_count; i++) {
        kkr_csv_write_text(fp, f->init_codes[i], ';');
        fputc(';', fp);
        const char *name = f->info.units[i].name;
        size_t len = strlen(name);
        kkr_text_trim(&name, &len);
        char *n = strndup(name, len);
        if (!n)
            return kkr_fail(diag, KKR_ERR_NOMEM, f->path, 0, 0, "out of memory");
        kkr_csv_write_text(fp, n[0] ? n : f->init_codes[i], ';');
        free(n);
        fputs(";\n", fp);
    }
    return KKR_OK;
}

struct fill_rows {
    const struct kkr_import_result *res;
    const struct kkr_import_map *map;
};

static enum kkr_status fill_rows(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct fill_rows *fr = ud;
    return kkr_import_write(fp, fr->res, fr->map, diag);
}

static enum kkr_status fill_conf(FILE *fp, const void *ud, struct kkr_diag *diag)
{
    const struct kkr_sie_file *f = ud;
    (void)diag;
    fputs("# written by kkr import from a SIE file\n", fp);
    if (f->info.organisation && f->info.organisation[0]) {
        const char *s = f->info.organisation;
        size_t len = strlen(s);
        kkr_text_trim(&s, &len);
        fprintf(fp, "organisation = %.*s\n", (int)len, s);
    }
    fprintf(fp, "år = %d\n", f->info.year);
    return KKR_OK;
}

static void remove_tree(const char *dir)
{
    static const char *const names[] = {"verksamheter.csv", "utfall.csv", "budget.csv",
                                        "bok.conf"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = join(dir, names[i]);
        if (p) {
            unlink(p);
            free(p);
        }
    }
    rmdir(dir);
}

static int dir_state(const char *dir)
{
    /* 0 absent, 1 an empty folder, 2 anything else */
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno == ENOENT ? 0 : 2;
    if (!S_ISDIR(sb.st_mode))
        return 2;
    DIR *d = opendir(dir);
    if (!d)
        return 2;
    int state = 1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            state = 2;
    closedir(d);
    return state;
}

enum kkr_status kkr_sie_init_workbook(const struct kkr_sie_file *f, const char *dir,
                                      struct kkr_diag *diag)
{
    const struct kkr_sie_info *in = &f->info;
    if (!in->year) {
        int y = 0;
        for (size_t i = 0; i < f->utfall.cells.count; i++)
            if (f->utfall.cells.v[i].period / 100 > y)
                y = f->utfall.cells.v[i].period / 100;
        if (!y)
            return kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                            "no #RAR 0 and no vouchers, expected a fiscal year for the new "
                            "workbook's bok.conf");
        ((struct kkr_sie_file *)f)->info.year = y;
    }
    if (in->unit_count == 0) {
        return kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                        "no amounts on accounts 3xxx-7xxx and no objects, expected something "
                        "for a workbook");
    }
    int state = dir_state(dir);
    if (state == 2)
        return kkr_fail(diag, KKR_ERR_EXISTS, dir, 0, 0,
                        "exists and is not an empty folder, expected a new folder for --init "
                        "(kkr never writes into an existing workbook with --init)");
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.XXXXXX", dir) < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (!mkdtemp(tmp)) {
        enum kkr_status st = kkr_fail(diag, KKR_ERR_IO, dir, 0, 0,
                                      "cannot make a folder next to it: %s", strerror(errno));
        free(tmp);
        return st;
    }
    /* mkdtemp makes it 0700; a workbook folder is as any folder the user makes */
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0777 & ~um);
    struct kkr_import_map *map = NULL;
    struct kkr_import_result *ut = NULL, *bu = NULL;
    enum kkr_status st = kkr_sie_units_map(f, &map, diag);
    if (st == KKR_OK)
        st = kkr_sie_result(f, false, map, &ut, diag);
    if (st == KKR_OK)
        st = kkr_sie_result(f, true, map, &bu, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "verksamheter.csv", fill_units, f, diag);
    struct fill_rows fu = {ut, map}, fb = {bu, map};
    if (st == KKR_OK)
        st = write_file(tmp, "utfall.csv", fill_rows, &fu, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "budget.csv", fill_rows, &fb, diag);
    if (st == KKR_OK)
        st = write_file(tmp, "bok.conf", fill_conf, f, diag);
    if (st == KKR_OK) {
        /* the workbook must load as it is, before it takes the folder's name */
        struct kkr_workbook *wb = NULL;
        struct kkr_diag d2;
        kkr_diag_clear(&d2);
        if (kkr_workbook_load(tmp, &wb, &d2, NULL) != KKR_OK) {
            char m[1200];
            kkr_diag_format(&d2, m, sizeof m);
            st = kkr_fail(diag, KKR_ERR_VALUE, f->path, 0, 0,
                          "the new workbook does not load (%s)", m);
        }
        kkr_workbook_free(wb);
    }
    if (st == KKR_OK && rename(tmp, dir) != 0)
        st = kkr_fail(diag, KKR_ERR_IO, dir, 0, 0, "cannot move the new workbook into place: "
                      "%s", strerror(errno));
    if (st != KKR_OK)
        remove_tree(tmp);
    free(tmp);
    kkr_import_result_free(ut);
    kkr_import_result_free(bu);
    kkr_import_map_free(map);
    return st;
}
