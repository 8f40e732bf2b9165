/* sie-private.h — what the SIE reader's files share inside the model: the file, the reader's
 * state, a record's tokens, and the functions one file gives the others (DESIGN §12) */
#ifndef KKR_SIE_PRIVATE_H
#define KKR_SIE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kkr/sie.h"

#define MAX_LINE (1u << 20)        /* a longer line is an error, not a memory hog */
#define MAX_FIELDS 16              /* fields kept per record; more are read and ignored */
#define MAX_OBJ_TOKENS 64          /* dimension and object tokens in one object list */
#define MAX_ACCOUNT_DIGITS 12
#define SHOW_MAX 60
#define CRC_BLOCK (64u * 1024u)    /* checksum bytes gathered before they are summed */
#define PERIOD_SLOT(p) (((p) / 100 - 1900) * 12 + (p) % 100 - 1)

struct raw_unit {
    char *code;        /* bytes as in the file */
    size_t len;
    uint64_t word;     /* a code of up to 8 bytes as a little-endian number (compared as one) */
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
    const struct kkr_import_accounts *accounts; /* the options' (not owned): with --slag
                                                 * kommunbas --init writes slag.csv */
};

static inline uint64_t sie_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static inline uint64_t sie_mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

/* An object code's hash for the unit table; a code of up to 8 bytes is read into *word and
 * hashed as one number (the usual "1234": no byte loop, no memcmp on a hit). */
static inline uint64_t sie_code_hash(const char *s, size_t len, uint64_t *word)
{
    if (len > 8) {
        *word = 0;
        return sie_hash_bytes(s, len);
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    *word = w;
    return sie_mix(w * 0x9E3779B97F4A7C15ull + len);
}

static inline bool sie_is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

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
    char *crcbuf;               /* the checksum's bytes not yet summed (lines gathered, summed
                                 * a block at a time: per line the call was a fifth of the time) */
    size_t crcbuf_len, crcbuf_cap;

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
    int8_t *kind_cache;         /* account < 100000 with rules: kind + 2, 0 unknown */
    struct brows psaldo, pbudget;
    size_t label_cap;
    int last_cell;              /* the last utfall cell hit */
    int trans_label;            /* index + 1 of #TRANS in the labels */
};

/* A #TRANS row's values, from the full grammar or from the fast scanner. */
struct trans_vals {
    struct tok acc;             /* konto */
    int64_t account;            /* its number when numeric */
    bool numeric;
    int64_t ore;                /* belopp */
    long amount_col;
    const char *obj;            /* fast scanner: the object of the chosen dimension, NULL none */
    size_t obj_len;
    long obj_col;
    struct tok date;            /* transdat, when has_date */
    bool has_date;
};

/* A token is the text s (a literal: its strlen is folded). */
static inline bool sie_tok_is(const struct tok *t, const char *s)
{
    size_t n = strlen(s);
    return t->len == n && memcmp(t->s, s, n) == 0;
}

/* sie-lex.c: the field grammar (tokens, quotes, object lists, #KSUMMA bytes) and field values */
void sie_crc_flush(struct reader *r);
enum kkr_status sie_fail_at(struct reader *r, enum kkr_status st, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
enum kkr_status sie_nomem(struct reader *r);
bool sie_parse_account(const struct tok *t, int64_t *out);
bool sie_parse_amount(const struct tok *t, int64_t *out_ore);
long sie_parse_date(const struct tok *t);
bool sie_parse_int(const struct tok *t, long *out);
int sie_parse_period(const struct tok *t);
const char *sie_show(char *buf, size_t size, const char *s, size_t len);
enum kkr_status sie_tokenize(struct reader *r, const char *s, size_t len, size_t start,
                             struct rec *rec);
bool sie_trans_scan(struct reader *r, const char *s, size_t len, struct trans_vals *v);

/* sie-head.c: the file head records, the label counts, the encoding and the texts in UTF-8 */
void sie_count_label(struct reader *r, const struct tok *label, bool known);
void sie_count_trans(struct reader *r, const struct tok *label);
enum kkr_status sie_decide_encoding(struct reader *r);
void sie_encoding_line(struct reader *r, const char *line, size_t len, long col0);
enum kkr_status sie_finish_texts(struct reader *r);
enum kkr_status sie_ksumma_record(struct reader *r, const struct rec *rec);
enum kkr_status sie_meta_record(struct reader *r, const struct rec *rec, const char *label);
enum kkr_status sie_rar_record(struct reader *r, const struct rec *rec);

/* sie-read.c: the reading loop, the records dispatched, vouchers and their rows, units */
int sie_account_kind(struct reader *r, const struct tok *t, int64_t account);
bool sie_dim_matches(struct reader *r, const struct tok *t);
enum kkr_status sie_list_unit(struct reader *r, const struct rec *rec, const struct tok *list,
                              int *unit, int *nobj, int *single_dim);
enum kkr_status sie_need_fields(struct reader *r, const struct rec *rec, int n, const char *what);
enum kkr_status sie_odd_account(struct reader *r, const struct tok *acc, int64_t ore);
int sie_unit_find(struct reader *r, const char *s, size_t len, bool add, long line);

/* sie-book.c: balance rows and their reading, the cells, results, a new workbook */
enum kkr_status sie_balance_row(struct reader *r, const struct rec *rec, bool budget);
enum kkr_status sie_balances_to_cells(struct reader *r, bool budget);
int sie_cell_find(struct cells *c, int unit, int kind, int period);

#endif
