/* import-private.h — what the ledger import's files share inside the model: the map, the
 * account rules and the reader's state */
#ifndef KKR_IMPORT_PRIVATE_H
#define KKR_IMPORT_PRIVATE_H

#include "kkr/import.h"

#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"
#include "kkr/hash.h"
#include "kkr/money.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

#define DEFAULT_CHUNK (256u * 1024u)
#define MAX_LINE (64u * 1024u * 1024u)   /* a longer line is an error, not a memory hog */
#define MAX_ACCOUNT_DIGITS 12
#define PERIOD_SLOTS (300 * 12)          /* years 1900..2199 */
#define SHOW_MAX 60                      /* bytes of a bad field quoted in a message */

/* ------------------------------------------------------------------ small helpers */

static inline char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static inline bool has_high_byte(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

static inline bool parse_amount_fast(const char *s, size_t len, int64_t *out_ore)
{
    /* The common form of an ERP export: -?digits([,.]d{1,2})?. Everything else (spaces,
     * U+2212, thousands separators, errors) goes to kkr_money_parse, which decides. */
    const char *p = s, *e = s + len;
    bool neg = false;
    if (p < e && *p == '-') {
        neg = true;
        p++;
    }
    const char *d0 = p;
    /* at most 15 digits here (no overflow); 16 or more: kkr_money_parse decides */
    const char *dl = e - p > 15 ? p + 15 : e;
    int64_t v = 0;
    while (p < dl && (unsigned)(*p - '0') < 10u) {
        v = v * 10 + (*p - '0');
        p++;
    }
    if (p == d0 || (p < e && (unsigned)(*p - '0') < 10u))
        goto slow;
    v *= 100;
    if (p < e) {
        if (*p != ',' && *p != '.')
            goto slow;
        p++;
        if (e - p == 1 && (unsigned)(p[0] - '0') < 10u)
            v += 10 * (p[0] - '0');
        else if (e - p == 2 && (unsigned)(p[0] - '0') < 10u && (unsigned)(p[1] - '0') < 10u)
            v += 10 * (p[0] - '0') + (p[1] - '0');
        else
            goto slow;
    }
    *out_ore = neg ? -v : v;
    return true;
slow:
    return false;
}

static inline int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ MAP.csv */

struct map_entry {
    char *code;        /* without the trailing '*' */
    size_t len;
    bool prefix;
    int target;
    long line;
};

struct map_target {
    char *name;
    long line;         /* first line naming it */
    long order;        /* output order: map order, or the workbook's unit order */
};

struct kkr_import_map {
    char *path;
    struct map_entry *entries;
    size_t entry_count, entry_cap;
    struct map_target *targets;
    size_t target_count, target_cap;
};

/* ------------------------------------------------------------------ account rules */

struct account_rule {
    int64_t from, to;
    int kind;          /* -1: left out */
};

struct kkr_import_accounts {
    struct account_rule *rules;
    size_t count, cap;
    bool kommunbas;    /* --slag kommunbas: the table maps what no rule covers */
};

/* The slag indices of the Kommun-Bas table (after the two typer, KKR_REVENUE and KKR_COST). */
enum {
    SLAG_FORSALJNING = KKR_TYPES, SLAG_AVGIFTER, SLAG_HYROR, SLAG_BIDRAG, SLAG_OVRIGA_INTAKTER,
    SLAG_KOP, SLAG_PERSONAL, SLAG_LOKALER, SLAG_KAPITAL, SLAG_OVRIGA_KOSTNADER
};

/* The Kommun-Bas table of DESIGN §5.2 on an account's digits (the first two decide), or -1
 * outside classes 3-7. */
static inline int kommunbas_slag(const char *d, size_t len)
{
    char c2 = len > 1 ? d[1] : '\0';
    switch (d[0]) {
    case '3':
        return c2 == '0' ? SLAG_FORSALJNING : c2 == '1' ? SLAG_AVGIFTER
             : c2 == '4' ? SLAG_HYROR : c2 == '5' ? SLAG_BIDRAG : SLAG_OVRIGA_INTAKTER;
    case '4':
        return c2 == '6' ? SLAG_KOP : SLAG_OVRIGA_KOSTNADER;
    case '5':
        return SLAG_PERSONAL;
    case '6':
        return c2 == '0' || c2 == '1' ? SLAG_LOKALER : SLAG_OVRIGA_KOSTNADER;
    case '7':
        return c2 == '9' ? SLAG_KAPITAL : SLAG_OVRIGA_KOSTNADER;
    default:
        return -1;
    }
}

static inline bool parse_account_number(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > MAX_ACCOUNT_DIGITS)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned)(s[i] - '0') > 9u)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static inline int kind_of_class(char first_digit)
{
    if (first_digit == '3')
        return KKR_REVENUE;
    if (first_digit >= '4' && first_digit <= '7')
        return KKR_COST;
    return -1;
}

/* The slag of an account (its value and its digits): the first rule containing it, else the
 * Kommun-Bas table with --slag kommunbas; -1 when it is left out. */
static inline int rules_kind(const struct kkr_import_accounts *rules, int64_t account,
                             const char *digits, size_t len)
{
    for (size_t i = 0; i < rules->count; i++)
        if (account >= rules->rules[i].from && account <= rules->rules[i].to)
            return rules->rules[i].kind;
    return rules->kommunbas ? kommunbas_slag(digits, len) : -1;
}

/* ------------------------------------------------------------------ the ledger reader */

struct code_entry {
    char *raw;         /* the code as in the file (UTF-8) */
    size_t len;
    int target;        /* -1: unmapped */
    int unmapped;      /* index into the result's unmapped list, or -1 */
};

struct short_code {
    uint64_t key;
    int target;
    int unmapped;
    bool used;
};

struct reader {
    const char *path;              /* for messages */
    const struct kkr_import_map *map;
    const struct kkr_import_accounts *rules;
    const struct kkr_import_options *opt;
    struct kkr_diag *diag;
    struct kkr_warnings *warn;

    long role_col[KKR_IMPORT_ROLES]; /* 1-based column of each role */
    char *role_header[KKR_IMPORT_ROLES]; /* the header text, for messages */

    long line;                     /* the line of the row being read */

    struct code_entry *codes;      /* in order of first sight */
    size_t code_cap, code_count;
    struct kkr_hash code_index;    /* code -> index into codes */
    size_t last_code;              /* index of the last hit, SIZE_MAX if none */
    int8_t *account_cache;
    struct short_code *short_tab;
    size_t short_cap, short_count;
    int short_bits;         /* rules only: kind + 2 per account < 100000, 0 unknown */

    int16_t slot_of[PERIOD_SLOTS];
    int slot_period[PERIOD_SLOTS];
    int64_t *slot_sum[PERIOD_SLOTS];
    uint64_t *slot_rows[PERIOD_SLOTS];
    int slot_count;
    char last_ptext[16];           /* the last period text parsed, its period and slot */
    size_t last_plen;
    int last_period, last_slot;
    size_t kinds;                  /* slag per target: the typer, or the Kommun-Bas table too */
    size_t cells_per_slot;         /* targets * kinds */

    struct kkr_import_result *res;
    size_t unmapped_cap;
};

static inline enum kkr_status fail_nomem(struct reader *r)
{
    return kkr_fail(r->diag, KKR_ERR_NOMEM, r->path, r->line, 0, "out of memory");
}

/* import-rows.c: one row of the push reader into its cell (a kkr_csv_row_fn) */
enum kkr_status kkr_import_row(void *userdata, const struct kkr_csv_row *row,
                               struct kkr_diag *diag);

#endif
