/* import.c — general-ledger transactions to utfall rows (DESIGN §8): a streaming reader with a
 * memchr fast path for rows without quotes and libcsv (CSV_STRICT) for the rest */
#include "kkr/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "kkr/csv.h"
#include "kkr/money.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

#define DEFAULT_CHUNK (256u * 1024u)
#define MAX_LINE (64u * 1024u * 1024u)   /* a longer line is an error, not a memory hog */
#define MAX_ACCOUNT_DIGITS 12
#define PERIOD_SLOTS (300 * 12)          /* years 1900..2199 */
#define SHOW_MAX 60                      /* bytes of a bad field quoted in a message */

static const char *const default_columns[KKR_IMPORT_ROLES] = {
    "verksamhet|vht|unit", "konto|kto|account", "period|datum|date", "belopp|amount",
};
static const char *const role_names[KKR_IMPORT_ROLES] = {
    "verksamhet", "konto", "period", "belopp",
};

/* ------------------------------------------------------------------ small helpers */

static inline void trim(const char **s, size_t *len)
{
    const char *p = *s;
    if (*len == 0 || (p[0] != ' ' && p[0] != '\t' && p[*len - 1] != ' ' && p[*len - 1] != '\t'))
        return;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

static char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static bool has_high_byte(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

size_t kkr_import_format_ore(char *buf, int64_t ore, const char *thousands)
{
    uint64_t mag = ore < 0 ? (uint64_t)0 - (uint64_t)ore : (uint64_t)ore;
    uint64_t kr = mag / 100;
    unsigned ore_part = (unsigned)(mag % 100);
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + kr % 10);
        kr /= 10;
    } while (kr);
    size_t tl = thousands ? strlen(thousands) : 0;
    char *p = buf;
    if (ore < 0)
        *p++ = '-';
    for (int i = nd - 1; i >= 0; i--) {
        *p++ = digits[i];
        if (tl && i > 0 && i % 3 == 0) {
            memcpy(p, thousands, tl);
            p += tl;
        }
    }
    *p++ = ',';
    *p++ = (char)('0' + ore_part / 10);
    *p++ = (char)('0' + ore_part % 10);
    *p = '\0';
    return (size_t)(p - buf);
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

bool kkr_import_parse_amount(const char *s, size_t len, int64_t *out_ore)
{
    return parse_amount_fast(s, len, out_ore) || kkr_money_parse(s, len, out_ore);
}

static int two_digits(const char *s)
{
    unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');
    if (a > 9 || b > 9)
        return -1;
    return (int)(a * 10 + b);
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

int kkr_import_parse_period(const char *s, size_t len)
{
    if (len != 6 && len != 7 && len != 8 && len != 10)
        return 0;
    int y1 = two_digits(s), y2 = two_digits(s + 2);
    if (y1 < 0 || y2 < 0)
        return 0;
    int year = y1 * 100 + y2;
    int month, day = 0;
    switch (len) {
    case 6:
        month = two_digits(s + 4);
        break;
    case 7:
        if (s[4] != '-')
            return 0;
        month = two_digits(s + 5);
        break;
    case 8:
        month = two_digits(s + 4);
        day = two_digits(s + 6);
        break;
    default:
        if (s[4] != '-' || s[7] != '-')
            return 0;
        month = two_digits(s + 5);
        day = two_digits(s + 8);
        break;
    }
    if (year < 1900 || year > 2199 || month < 1 || month > 12)
        return 0;
    if ((len == 8 || len == 10) && (day < 1 || day > days_in_month(year, month)))
        return 0;
    return year * 100 + month;
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

void kkr_import_map_free(struct kkr_import_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->entry_count; i++)
        free(map->entries[i].code);
    for (size_t i = 0; i < map->target_count; i++)
        free(map->targets[i].name);
    free(map->entries);
    free(map->targets);
    free(map->path);
    free(map);
}

static enum kkr_status map_row(void *userdata, const struct kkr_csv_row *row,
                               struct kkr_diag *diag)
{
    struct kkr_import_map *map = userdata;
    const char *code = row->fields[0].text, *unit = row->fields[1].text;
    size_t clen = row->fields[0].len, ulen = row->fields[1].len;
    trim(&code, &clen);
    trim(&unit, &ulen);
    if (clen == 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[0],
                        "empty kod, expected an ERP verksamhet code or a prefix ending in '*'");
    if (ulen == 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[1],
                        "empty verksamhet for kod '%.*s', expected a workbook unit code",
                        (int)clen, code);
    const char *star = memchr(code, '*', clen);
    if (star && star != code + clen - 1)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[0],
                        "'*' inside kod '%.*s', expected it only at the end (a prefix)",
                        (int)clen, code);
    bool prefix = star != NULL;
    size_t key_len = prefix ? clen - 1 : clen;
    for (size_t i = 0; i < map->entry_count; i++) {
        const struct map_entry *e = &map->entries[i];
        if (e->prefix == prefix && e->len == key_len && memcmp(e->code, code, key_len) == 0)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                            "kod '%.*s' appears twice (first on line %ld)", (int)clen, code,
                            e->line);
    }
    int target = -1;
    for (size_t i = 0; i < map->target_count; i++)
        if (strlen(map->targets[i].name) == ulen && memcmp(map->targets[i].name, unit, ulen) == 0)
            target = (int)i;
    if (target < 0) {
        if (map->target_count == map->target_cap) {
            size_t cap = map->target_cap ? map->target_cap * 2 : 16;
            struct map_target *t = realloc(map->targets, cap * sizeof *t);
            if (!t)
                return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
            map->targets = t;
            map->target_cap = cap;
        }
        char *name = dup_n(unit, ulen);
        if (!name)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        target = (int)map->target_count;
        map->targets[map->target_count++] =
            (struct map_target){name, row->line, (long)target};
    }
    if (map->entry_count == map->entry_cap) {
        size_t cap = map->entry_cap ? map->entry_cap * 2 : 16;
        struct map_entry *e = realloc(map->entries, cap * sizeof *e);
        if (!e)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        map->entries = e;
        map->entry_cap = cap;
    }
    char *key = dup_n(code, key_len);
    if (!key)
        return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
    map->entries[map->entry_count++] = (struct map_entry){key, key_len, prefix, target, row->line};
    return KKR_OK;
}

enum kkr_status kkr_import_map_load(const char *path, struct kkr_import_map **out,
                                    struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_map *map = calloc(1, sizeof *map);
    if (!map || !(map->path = dup_n(path, strlen(path)))) {
        free(map);
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    static const struct kkr_csv_column cols[] = {
        {"kod|code|erp", true}, {"verksamhet|unit", true}, {NULL, false},
    };
    enum kkr_status st = kkr_csv_read_file(path, cols, map_row, map, diag, warn);
    if (st != KKR_OK) {
        kkr_import_map_free(map);
        return st;
    }
    *out = map;
    return KKR_OK;
}

enum kkr_status kkr_import_map_check(struct kkr_import_map *map, const struct kkr_workbook *wb,
                                     struct kkr_diag *diag)
{
    for (size_t i = 0; i < map->target_count; i++) {
        struct map_target *t = &map->targets[i];
        int u = kkr_workbook_find_unit(wb, t->name, strlen(t->name));
        if (u < 0)
            return kkr_fail(diag, KKR_ERR_VALUE, map->path, t->line, 2,
                            "unknown unit '%s', expected a kod from %s/verksamheter.csv",
                            t->name, wb->dir);
        t->order = u;
    }
    return KKR_OK;
}

int kkr_import_map_lookup(const struct kkr_import_map *map, const char *code, size_t len)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < map->entry_count; i++) {
        const struct map_entry *e = &map->entries[i];
        if (!e->prefix) {
            if (e->len == len && memcmp(e->code, code, len) == 0)
                return e->target;  /* an exact code is the most specific match */
        } else if (e->len <= len && memcmp(e->code, code, e->len) == 0 &&
                   (best < 0 || e->len > best_len)) {
            best = e->target;
            best_len = e->len;
        }
    }
    return best;
}

enum kkr_status kkr_import_map_new(const char *name, struct kkr_import_map **out,
                                   struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_import_map *map = calloc(1, sizeof *map);
    if (!map || !(map->path = dup_n(name, strlen(name)))) {
        free(map);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    *out = map;
    return KKR_OK;
}

enum kkr_status kkr_import_map_add(struct kkr_import_map *map, const char *code,
                                   const char *unit, struct kkr_diag *diag)
{
    int target = -1;
    for (size_t i = 0; i < map->target_count && target < 0; i++)
        if (strcmp(map->targets[i].name, unit) == 0)
            target = (int)i;
    if (target < 0) {
        if (map->target_count == map->target_cap) {
            size_t cap = map->target_cap ? map->target_cap * 2 : 16;
            struct map_target *t = realloc(map->targets, cap * sizeof *t);
            if (!t)
                return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
            map->targets = t;
            map->target_cap = cap;
        }
        char *name = dup_n(unit, strlen(unit));
        if (!name)
            return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
        target = (int)map->target_count;
        map->targets[map->target_count++] = (struct map_target){name, 0, (long)target};
    }
    if (map->entry_count == map->entry_cap) {
        size_t cap = map->entry_cap ? map->entry_cap * 2 : 16;
        struct map_entry *e = realloc(map->entries, cap * sizeof *e);
        if (!e)
            return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
        map->entries = e;
        map->entry_cap = cap;
    }
    size_t len = strlen(code);
    char *key = dup_n(code, len);
    if (!key)
        return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
    map->entries[map->entry_count++] = (struct map_entry){key, len, false, target, 0};
    return KKR_OK;
}

size_t kkr_import_map_target_count(const struct kkr_import_map *map)
{
    return map->target_count;
}

const char *kkr_import_map_target(const struct kkr_import_map *map, size_t target)
{
    return target < map->target_count ? map->targets[target].name : NULL;
}

/* ------------------------------------------------------------------ account rules */

struct account_rule {
    int64_t from, to;
    int kind;          /* -1: left out */
};

struct kkr_import_accounts {
    struct account_rule *rules;
    size_t count, cap;
};

void kkr_import_accounts_free(struct kkr_import_accounts *acc)
{
    if (!acc)
        return;
    free(acc->rules);
    free(acc);
}

static bool parse_account_number(const char *s, size_t len, int64_t *out)
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

static enum kkr_status rule_row(void *userdata, const struct kkr_csv_row *row,
                                struct kkr_diag *diag)
{
    struct kkr_import_accounts *acc = userdata;
    int64_t v[2];
    for (int i = 0; i < 2; i++) {
        const char *s = row->fields[i].text;
        size_t len = row->fields[i].len;
        trim(&s, &len);
        if (!parse_account_number(s, len, &v[i]))
            return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[i],
                            "cannot parse account '%.*s', expected up to %d digits",
                            (int)(len > SHOW_MAX ? SHOW_MAX : len), s, MAX_ACCOUNT_DIGITS);
    }
    if (v[0] > v[1])
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[1],
                        "till %lld is below från %lld, expected från <= till",
                        (long long)v[1], (long long)v[0]);
    const char *s = row->fields[2].text;
    size_t len = row->fields[2].len;
    trim(&s, &len);
    int kind = -1;
    enum kkr_kind k;
    if (len == 0 || (len == 1 && s[0] == '-'))
        kind = -1;
    else if (kkr_kind_parse(s, len, &k))
        kind = (int)k;
    else
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[2],
                        "cannot parse slag '%.*s', expected intäkt, kostnad or '-' (left out)",
                        (int)(len > SHOW_MAX ? SHOW_MAX : len), s);
    if (acc->count == acc->cap) {
        size_t cap = acc->cap ? acc->cap * 2 : 16;
        struct account_rule *r = realloc(acc->rules, cap * sizeof *r);
        if (!r)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        acc->rules = r;
        acc->cap = cap;
    }
    acc->rules[acc->count++] = (struct account_rule){v[0], v[1], kind};
    return KKR_OK;
}

enum kkr_status kkr_import_accounts_load(const char *path, struct kkr_import_accounts **out,
                                         struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_accounts *acc = calloc(1, sizeof *acc);
    if (!acc)
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    static const struct kkr_csv_column cols[] = {
        {"från|fran|from", true}, {"till|to", true}, {"slag|kind", true}, {NULL, false},
    };
    enum kkr_status st = kkr_csv_read_file(path, cols, rule_row, acc, diag, warn);
    if (st != KKR_OK) {
        kkr_import_accounts_free(acc);
        return st;
    }
    *out = acc;
    return KKR_OK;
}

static int kind_of_class(char first_digit)
{
    if (first_digit == '3')
        return KKR_REVENUE;
    if (first_digit >= '4' && first_digit <= '7')
        return KKR_COST;
    return -1;
}

static int rules_kind(const struct kkr_import_accounts *rules, int64_t account)
{
    for (size_t i = 0; i < rules->count; i++)
        if (account >= rules->rules[i].from && account <= rules->rules[i].to)
            return rules->rules[i].kind;
    return -1;
}

int kkr_import_account_kind(const struct kkr_import_accounts *rules, const char *digits,
                            size_t len)
{
    if (!rules)
        return len ? kind_of_class(digits[0]) : -1;
    int64_t v;
    if (!parse_account_number(digits, len, &v))
        return -1;
    return rules_kind(rules, v);
}

/* ------------------------------------------------------------------ options */

void kkr_import_options_init(struct kkr_import_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

enum kkr_status kkr_import_options_columns(struct kkr_import_options *opt, char *spec,
                                           struct kkr_diag *diag)
{
    char *save = NULL;
    for (char *item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item || eq[1] == '\0')
            return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                            "--columns: cannot parse '%s', expected ROLE=NAME", item);
        *eq = '\0';
        const char *role = item;
        size_t rlen = strlen(role);
        kkr_text_trim(&role, &rlen);
        int r = -1;
        static const char *const aliases[KKR_IMPORT_ROLES][2] = {
            {"verksamhet", "unit"}, {"konto", "account"}, {"period", "date"},
            {"belopp", "amount"},
        };
        for (int i = 0; i < KKR_IMPORT_ROLES; i++)
            for (int j = 0; j < 2; j++)
                if (kkr_text_equal_fold(role, rlen, aliases[i][j], strlen(aliases[i][j])))
                    r = i;
        if (r < 0)
            return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                            "--columns: unknown column '%.*s', expected verksamhet, konto, "
                            "period or belopp", (int)rlen, role);
        opt->columns[r] = eq + 1;
    }
    return KKR_OK;
}

/* ------------------------------------------------------------------ the ledger reader */

enum encoding { ENC_UNKNOWN, ENC_UTF8, ENC_CP1252 };

struct code_entry {
    uint64_t hash;
    char *raw;         /* the bytes as in the file */
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
    enum kkr_status status;        /* the first error from a libcsv callback */

    char delim;
    size_t header_count;
    signed char *col_role;         /* per header column: role or -1 */
    long role_col[KKR_IMPORT_ROLES]; /* 1-based column of each role */
    char *role_header[KKR_IMPORT_ROLES]; /* the header text, for messages */
    enum encoding enc;

    long line;                     /* 1-based number of the line being processed */

    struct code_entry *codes;
    size_t code_cap, code_count;
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
    size_t cells_per_slot;         /* targets * 2 */

    struct kkr_import_result *res;
    size_t unmapped_cap;

    /* libcsv path */
    struct csv_parser csv;
    bool csv_ready;
    long rec_line;
    size_t field_idx;
    bool rec_nonempty;
    char *fbuf;
    size_t fbuf_len, fbuf_cap;
    size_t foff[KKR_IMPORT_ROLES], flen[KKR_IMPORT_ROLES];
    bool fhave[KKR_IMPORT_ROLES];
};

static enum kkr_status fail_nomem(struct reader *r)
{
    return kkr_fail(r->diag, KKR_ERR_NOMEM, r->path, r->line, 0, "out of memory");
}

/* Quotes a field for a message, converted to UTF-8 when the file is Windows-1252. */
static enum kkr_status fail_field(struct reader *r, enum kkr_status st, long line, int role,
                                  const char *s, size_t len, const char *what,
                                  const char *expected)
{
    size_t show = len > SHOW_MAX ? SHOW_MAX : len;
    char *conv = NULL;
    if (r->enc == ENC_CP1252 && has_high_byte(s, show)) {
        size_t cl;
        conv = kkr_cp1252_to_utf8(s, show, &cl);
        if (conv) {
            s = conv;
            show = cl;
        }
    }
    kkr_fail(r->diag, st, r->path, line, r->role_col[role], "%s '%.*s%s' in column '%s'%s%s",
             what, (int)show, s, len > SHOW_MAX ? "..." : "", r->role_header[role],
             expected ? ", expected " : "", expected ? expected : "");
    free(conv);
    return st;
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

static bool codes_grow(struct reader *r)
{
    size_t cap = r->code_cap ? r->code_cap * 2 : 64;
    struct code_entry *t = calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < r->code_cap; i++) {
        if (!r->codes[i].raw)
            continue;
        size_t j = r->codes[i].hash & (cap - 1);
        while (t[j].raw)
            j = (j + 1) & (cap - 1);
        t[j] = r->codes[i];
    }
    free(r->codes);
    r->codes = t;
    r->code_cap = cap;
    r->last_code = SIZE_MAX;
    return true;
}

/* The cache entry for a verksamhet code: few distinct codes, many rows. */
static struct code_entry *code_lookup(struct reader *r, const char *s, size_t len, long line)
{
    if (r->last_code != SIZE_MAX) {
        struct code_entry *e = &r->codes[r->last_code];
        if (e->len == len && memcmp(e->raw, s, len) == 0)
            return e;
    }
    uint64_t h = hash_bytes(s, len);
    if (r->code_cap) {
        size_t j = h & (r->code_cap - 1);
        while (r->codes[j].raw) {
            struct code_entry *e = &r->codes[j];
            if (e->hash == h && e->len == len && memcmp(e->raw, s, len) == 0) {
                r->last_code = j;
                return e;
            }
            j = (j + 1) & (r->code_cap - 1);
        }
    }
    /* A new code: map it once. */
    if ((r->code_count + 1) * 2 > r->code_cap && !codes_grow(r))
        return NULL;
    char *raw = dup_n(s, len);
    char *utf8 = NULL;
    size_t ulen = len;
    if (r->enc == ENC_CP1252 && has_high_byte(s, len))
        utf8 = kkr_cp1252_to_utf8(s, len, &ulen);
    else
        utf8 = dup_n(s, len);
    if (!raw || !utf8) {
        free(raw);
        free(utf8);
        return NULL;
    }
    int target = kkr_import_map_lookup(r->map, utf8, ulen);
    int unmapped = -1;
    if (target < 0) {
        struct kkr_import_result *res = r->res;
        if (res->unmapped_count == r->unmapped_cap) {
            size_t cap = r->unmapped_cap ? r->unmapped_cap * 2 : 8;
            struct kkr_import_unmapped *u = realloc(res->unmapped, cap * sizeof *u);
            if (!u) {
                free(raw);
                free(utf8);
                return NULL;
            }
            res->unmapped = u;
            r->unmapped_cap = cap;
        }
        unmapped = (int)res->unmapped_count;
        res->unmapped[res->unmapped_count++] =
            (struct kkr_import_unmapped){utf8, 0, 0, line, r->role_col[KKR_IMPORT_UNIT]};
        utf8 = NULL;
    }
    free(utf8);
    size_t j = h & (r->code_cap - 1);
    while (r->codes[j].raw)
        j = (j + 1) & (r->code_cap - 1);
    r->codes[j] = (struct code_entry){h, raw, len, target, unmapped};
    r->code_count++;
    r->last_code = j;
    return &r->codes[j];
}

/* Codes of at most 8 bytes (nearly all ERP codes) are looked up as one 64-bit key; there is
 * no NUL in a field, so the zero-padded key is unique. */
static bool short_insert(struct reader *r, uint64_t key, int target, int unmapped)
{
    if ((r->short_count + 1) * 2 > r->short_cap) {
        size_t cap = r->short_cap ? r->short_cap * 2 : 256;
        struct short_code *t = calloc(cap, sizeof *t);
        if (!t)
            return false;
        int bits = __builtin_ctzll(cap);
        for (size_t i = 0; i < r->short_cap; i++) {
            if (!r->short_tab[i].used)
                continue;
            size_t j = (size_t)((r->short_tab[i].key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
            while (t[j].used)
                j = (j + 1) & (cap - 1);
            t[j] = r->short_tab[i];
        }
        free(r->short_tab);
        r->short_tab = t;
        r->short_cap = cap;
        r->short_bits = bits;
    }
    size_t j = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - r->short_bits));
    while (r->short_tab[j].used)
        j = (j + 1) & (r->short_cap - 1);
    r->short_tab[j] = (struct short_code){key, target, unmapped, true};
    r->short_count++;
    return true;
}

static inline bool code_find(struct reader *r, const char *s, size_t len, long line,
                             int *target, int *unmapped)
{
    if (len <= 8) {
        uint64_t key = 0;
        for (size_t i = 0; i < len; i++)
            key |= (uint64_t)(unsigned char)s[i] << (8 * i);
        if (r->short_cap) {
            size_t j = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - r->short_bits));
            while (r->short_tab[j].used) {
                if (r->short_tab[j].key == key) {
                    *target = r->short_tab[j].target;
                    *unmapped = r->short_tab[j].unmapped;
                    return true;
                }
                j = (j + 1) & (r->short_cap - 1);
            }
        }
        struct code_entry *ce = code_lookup(r, s, len, line);
        if (!ce || !short_insert(r, key, ce->target, ce->unmapped))
            return false;
        *target = ce->target;
        *unmapped = ce->unmapped;
        return true;
    }
    struct code_entry *ce = code_lookup(r, s, len, line);
    if (!ce)
        return false;
    *target = ce->target;
    *unmapped = ce->unmapped;
    return true;
}

static int period_slot(struct reader *r, int period)
{
    int idx = (period / 100 - 1900) * 12 + period % 100 - 1;
    int s = r->slot_of[idx];
    if (s >= 0)
        return s;
    s = r->slot_count;
    size_t n = r->cells_per_slot ? r->cells_per_slot : 1;
    r->slot_sum[s] = calloc(n, sizeof(int64_t));
    r->slot_rows[s] = calloc(n, sizeof(uint64_t));
    if (!r->slot_sum[s] || !r->slot_rows[s]) {
        free(r->slot_sum[s]);
        free(r->slot_rows[s]);
        r->slot_sum[s] = NULL;
        r->slot_rows[s] = NULL;
        return -1;
    }
    r->slot_period[s] = period;
    r->slot_of[idx] = (int16_t)s;
    r->slot_count++;
    return s;
}

static enum kkr_status overflow(struct reader *r, long line)
{
    return kkr_fail(r->diag, KKR_ERR_OVERFLOW, r->path, line, r->role_col[KKR_IMPORT_AMOUNT],
                    "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
}

/* One data row (the fields of the four roles, untrimmed; NULL when the row is too short). */
static enum kkr_status handle_row(struct reader *r, const char *const f[KKR_IMPORT_ROLES],
                                  const size_t flen[KKR_IMPORT_ROLES], long line)
{
    struct kkr_import_result *res = r->res;
    const char *s[KKR_IMPORT_ROLES];
    size_t n[KKR_IMPORT_ROLES];
    for (int i = 0; i < KKR_IMPORT_ROLES; i++) {
        s[i] = f[i] ? f[i] : "";
        n[i] = f[i] ? flen[i] : 0;
        trim(&s[i], &n[i]);
    }

    /* konto */
    const char *acc = s[KKR_IMPORT_ACCOUNT];
    size_t alen = n[KKR_IMPORT_ACCOUNT];
    int64_t account = 0;
    if (alen == 0 || alen > MAX_ACCOUNT_DIGITS ||
        (r->rules && !parse_account_number(acc, alen, &account)))
        return fail_field(r, KKR_ERR_SYNTAX, line, KKR_IMPORT_ACCOUNT, acc, alen,
                          "cannot parse account", "digits (Kommun-Bas)");
    if (!r->rules)
        for (size_t i = 0; i < alen; i++)
            if ((unsigned)(acc[i] - '0') > 9u)
                return fail_field(r, KKR_ERR_SYNTAX, line, KKR_IMPORT_ACCOUNT, acc, alen,
                                  "cannot parse account", "digits (Kommun-Bas)");

    /* period: an export comes sorted by period or date, so the last text nearly always
     * repeats and its slot is known */
    const char *ps = s[KKR_IMPORT_PERIOD];
    size_t pn = n[KKR_IMPORT_PERIOD];
    int period, slot = -1;
    if (pn && pn == r->last_plen && memcmp(ps, r->last_ptext, pn) == 0) {
        period = r->last_period;
        slot = r->last_slot;
    } else {
        period = kkr_import_parse_period(ps, pn);
        if (!period)
            return fail_field(r, KKR_ERR_SYNTAX, line, KKR_IMPORT_PERIOD, ps, pn,
                              "cannot parse period", "YYYYMM, YYYY-MM or a date YYYY-MM-DD");
    }

    /* belopp */
    int64_t amount_ore;
    const char *am = s[KKR_IMPORT_AMOUNT];
    size_t amlen = n[KKR_IMPORT_AMOUNT];
    if (!parse_amount_fast(am, amlen, &amount_ore) && !kkr_money_parse(am, amlen, &amount_ore)) {
        bool ok = false;
        if (r->enc == ENC_CP1252 && has_high_byte(am, amlen)) {
            size_t cl;
            char *conv = kkr_cp1252_to_utf8(am, amlen, &cl);
            if (!conv)
                return fail_nomem(r);
            ok = kkr_money_parse(conv, cl, &amount_ore);
            free(conv);
        }
        if (!ok)
            return fail_field(r, KKR_ERR_SYNTAX, line, KKR_IMPORT_AMOUNT, am, amlen,
                              "cannot parse amount",
                              "kronor like -1234,56 (at most two decimals)");
    }

    if (slot < 0) {
        slot = period_slot(r, period);
        if (slot < 0)
            return fail_nomem(r);
        if (pn <= sizeof r->last_ptext) {
            memcpy(r->last_ptext, ps, pn);
            r->last_plen = pn;
            r->last_period = period;
            r->last_slot = slot;
        }
    }
    res->rows_read++;
    if (!!__builtin_add_overflow(res->read_ore, amount_ore, &res->read_ore))
        return overflow(r, line);

    int kind;
    if (!r->rules) {
        kind = kind_of_class(acc[0]);
    } else if (account < 100000) {
        if (!r->account_cache && !(r->account_cache = calloc(100000, 1)))
            return fail_nomem(r);
        int8_t c = r->account_cache[account];
        if (!c)
            r->account_cache[account] = c = (int8_t)(rules_kind(r->rules, account) + 2);
        kind = c - 2;
    } else {
        kind = rules_kind(r->rules, account);
    }
    if (kind < 0) {
        int cls = acc[0] - '0';
        res->left_out_rows[cls]++;
        if (!kkr_money_add(res->left_out_ore[cls], amount_ore, &res->left_out_ore[cls]))
            return overflow(r, line);
        return KKR_OK;
    }

    int target, unmapped;
    if (!code_find(r, s[KKR_IMPORT_UNIT], n[KKR_IMPORT_UNIT], line, &target, &unmapped))
        return fail_nomem(r);
    if (target < 0) {
        struct kkr_import_unmapped *u = &res->unmapped[unmapped];
        u->rows++;
        if (!kkr_money_add(u->amount_ore, amount_ore, &u->amount_ore))
            return overflow(r, line);
        return KKR_OK;
    }
    size_t cell = (size_t)target * KKR_TYPES + (size_t)kind;
    int64_t *sum = &r->slot_sum[slot][cell];
    if (__builtin_add_overflow(*sum, amount_ore, sum))
        return overflow(r, line);
    r->slot_rows[slot][cell]++;
    res->rows_imported++;
    if (!!__builtin_add_overflow(res->imported_ore, amount_ore, &res->imported_ore))
        return overflow(r, line);
    return KKR_OK;
}

/* ---- libcsv path: rows with quotes ---- */

static bool blank_bytes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static void csv_field_cb(void *data, size_t len, void *userdata)
{
    struct reader *r = userdata;
    if (r->status != KKR_OK)
        return;
    size_t i = r->field_idx++;
    const char *s = data ? data : "";
    if (!r->rec_nonempty && !blank_bytes(s, len))
        r->rec_nonempty = true;
    if (i >= r->header_count || r->col_role[i] < 0)
        return;
    int role = r->col_role[i];
    if (r->fbuf_len + len > r->fbuf_cap) {
        size_t cap = r->fbuf_cap ? r->fbuf_cap : 256;
        while (cap < r->fbuf_len + len)
            cap *= 2;
        char *b = realloc(r->fbuf, cap);
        if (!b) {
            r->status = fail_nomem(r);
            return;
        }
        r->fbuf = b;
        r->fbuf_cap = cap;
    }
    if (len)
        memcpy(r->fbuf + r->fbuf_len, s, len);
    r->foff[role] = r->fbuf_len;
    r->flen[role] = len;
    r->fhave[role] = true;
    r->fbuf_len += len;
}

static enum kkr_status too_many_fields(struct reader *r, long line, size_t nfields)
{
    return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, line, (long)r->header_count + 1,
                    "row has %zu fields, expected %zu as in the header (an unquoted '%c' in "
                    "a text?)", nfields, r->header_count, r->delim);
}

static void csv_row_cb(int c, void *userdata)
{
    (void)c;
    struct reader *r = userdata;
    size_t nfields = r->field_idx;
    bool nonempty = r->rec_nonempty;
    r->field_idx = 0;
    r->rec_nonempty = false;
    if (r->status != KKR_OK)
        return;
    if (nfields > r->header_count) {
        r->status = too_many_fields(r, r->rec_line, nfields);
        return;
    }
    if (nonempty) {
        const char *f[KKR_IMPORT_ROLES];
        size_t fl[KKR_IMPORT_ROLES];
        for (int i = 0; i < KKR_IMPORT_ROLES; i++) {
            /* fbuf is still NULL when every field so far was empty */
            f[i] = r->fhave[i] ? (r->fbuf ? r->fbuf + r->foff[i] : "") : NULL;
            fl[i] = r->fhave[i] ? r->flen[i] : 0;
        }
        r->res->slow_rows++;
        r->status = handle_row(r, f, fl, r->rec_line);
    }
    r->fbuf_len = 0;
    memset(r->fhave, 0, sizeof r->fhave);
}

static int is_space_only(unsigned char c)
{
    return c == ' ';
}

static enum kkr_status csv_error_at(struct reader *r, long line)
{
    return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, line, (long)r->field_idx + 1,
                    "bad quoting, expected a quoted field to end with '\"' before the next "
                    "'%c' and quotes inside it doubled (\"\")", r->delim);
}

/* Feeds one line (with its newline) to libcsv. */
static enum kkr_status slow_line(struct reader *r, const char *s, size_t len)
{
    if (r->csv.pstate == 0)     /* ROW_NOT_BEGUN: a record starts on this line */
        r->rec_line = r->line;
    size_t done = csv_parse(&r->csv, s, len, csv_field_cb, csv_row_cb, r);
    if (r->status != KKR_OK)
        return r->status;
    if (done != len)
        return csv_error_at(r, r->line);
    return KKR_OK;
}

/* ---- encoding ---- */

static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return len >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* line and column (field number, quotes respected) of byte off, counting from buf[from],
 * which is the start of line r->line. */
static void locate(const struct reader *r, const char *buf, size_t from, size_t off,
                   long *line, long *column)
{
    long ln = r->line;
    size_t ls = from;
    for (size_t i = from; i < off; i++)
        if (buf[i] == '\n') {
            ln++;
            ls = i + 1;
        }
    long col = 1;
    bool quoted = false;
    for (size_t i = ls; i < off; i++) {
        if (buf[i] == '"')
            quoted = !quoted;
        else if (buf[i] == r->delim && !quoted)
            col++;
    }
    *line = ln;
    *column = col;
}

/* Checks one byte that is NUL or >= 0x80 at buf[i] (buf[0..end) is complete lines; buf[from]
 * starts line r->line). Decides the encoding at the first non-ASCII byte: valid UTF-8 means
 * UTF-8, anything else Windows-1252 (one warning). *next gets the first byte after it. */
static enum kkr_status check_byte(struct reader *r, const char *buf, size_t from, size_t i,
                                  size_t end, size_t *next)
{
    const unsigned char *s = (const unsigned char *)buf;
    unsigned char c = s[i];
    *next = i + 1;
    if (c == 0) {
        long line, col;
        locate(r, buf, from, i, &line, &col);
        return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, line, col,
                        "NUL byte, expected text (is this a CSV file?)");
    }
    if (c < 0x80 || r->enc == ENC_CP1252)
        return KKR_OK;
    size_t k = utf8_seq(s + i, end - i);
    if (k) {
        if (r->enc == ENC_UNKNOWN)
            r->enc = ENC_UTF8;
        *next = i + k;
        return KKR_OK;
    }
    if (r->enc == ENC_UNKNOWN) {
        r->enc = ENC_CP1252;
        r->res->cp1252 = true;
        kkr_warn(r->warn, "%s: not UTF-8, read as Windows-1252", r->path);
        return KKR_OK;
    }
    long line, col;
    locate(r, buf, from, i, &line, &col);
    return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, line, col,
                    "invalid UTF-8 byte 0x%02X, expected the whole file in UTF-8 (or all of "
                    "it in Windows-1252)", c);
}

/* The header line only (the data goes through the block scanner). */
static enum kkr_status check_encoding(struct reader *r, const char *buf, size_t start,
                                      size_t end)
{
    for (size_t i = start; i < end;) {
        unsigned char c = (unsigned char)buf[i];
        if (c != 0 && c < 0x80) {
            i++;
            continue;
        }
        enum kkr_status st = check_byte(r, buf, start, i, end, &i);
        if (st != KKR_OK)
            return st;
    }
    return KKR_OK;
}

/* ---- fast path: the block scanner ----
 * 64 bytes at a time, bit masks of delimiters, newlines, quotes, bytes >= 0x80 and NULs
 * (SSE2 compares where available). Fields are split at delimiter bits; a line with a quote,
 * or a CR not followed by LF (libcsv ends a record there), or inside an open quoted record,
 * goes whole to libcsv. */

struct masks {
    uint64_t delim, nl, special;          /* special: high bytes and NULs */
    uint64_t quote;                       /* '"' and '\r' */
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

/* A line split by the fast path: fields of the roles, field count. */
static enum kkr_status fast_row(struct reader *r, const char *s, size_t n,
                                const char *const f[KKR_IMPORT_ROLES],
                                const size_t fl[KKR_IMPORT_ROLES], size_t nfields)
{
    if (nfields > r->header_count)
        return too_many_fields(r, r->line, nfields);
    bool all_empty = true;
    for (int k = 0; k < KKR_IMPORT_ROLES && all_empty; k++)
        if (f[k] && !blank_bytes(f[k], fl[k]))
            all_empty = false;
    if (all_empty) {
        /* A row of only empty fields is skipped, as the workbook reader does. */
        bool blank = true;
        for (size_t i = 0; i < n; i++)
            if (s[i] != r->delim && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
                blank = false;
        if (blank)
            return KKR_OK;
    }
    r->res->fast_rows++;
    return handle_row(r, f, fl, r->line);
}

/* A line of buf ends at fe (its terminator, if any, runs to next): a line with a quote, or
 * inside a quoted field, goes to libcsv; else its last field is taken and the fast path ends
 * the row. ls and fs are where the line and its last field start, fi that field's index. */
static enum kkr_status end_line(struct reader *r, const char *buf, size_t ls, size_t fs,
                                size_t fe, size_t next, size_t fi, bool quoted,
                                const char *f[KKR_IMPORT_ROLES], size_t fl[KKR_IMPORT_ROLES])
{
    if (quoted || r->opt->slow_path_only || r->csv.pstate != 0)
        return slow_line(r, buf + ls, next - ls);
    if (fe > fs && buf[fe - 1] == '\r')
        fe--;
    if (fe <= ls)
        return KKR_OK;
    if (fi < r->header_count && r->col_role[fi] >= 0) {
        f[r->col_role[fi]] = buf + fs;
        fl[r->col_role[fi]] = fe - fs;
    }
    return fast_row(r, buf + ls, fe - ls, f, fl, fi + 1);
}

/* Processes the complete lines of buf[0..len); at eof the last line may lack its newline.
 * *used gets the bytes consumed. */
static enum kkr_status process_lines(struct reader *r, const char *buf, size_t len, bool eof,
                                     size_t *used)
{
    const size_t hc = r->header_count;
    const signed char *col_role = r->col_role;
    const char delim = r->delim;
    enum kkr_status st = KKR_OK;
    size_t ls = 0;            /* start of the current line */
    size_t fs = 0;            /* start of the current field */
    size_t fi = 0;            /* index of the current field */
    bool quoted = false;      /* the current line has a quote */
    size_t enc_next = 0;      /* bytes before this are encoding-checked */
    const char *f[KKR_IMPORT_ROLES] = {NULL, NULL, NULL, NULL};
    size_t fl[KKR_IMPORT_ROLES] = {0, 0, 0, 0};
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
        /* Special bytes (NUL, >= 0x80) first. A bad one stops the events at its position:
         * the lines before it are still processed, so that the first error in the file is
         * the one reported, whatever the path and the chunk size. */
        uint64_t ev = m.delim | m.nl | m.quote;
        enum kkr_status byte_st = KKR_OK;
        for (uint64_t sp = m.special; sp; sp &= sp - 1) {
            size_t spos = b + (size_t)__builtin_ctzll(sp);
            if (spos < enc_next)
                continue;
            unsigned char c = (unsigned char)buf[spos];
            if (r->enc == ENC_UTF8 && c >= 0xC2 && c <= 0xDF && spos + 1 < len &&
                ((unsigned char)buf[spos + 1] & 0xC0) == 0x80) {
                enc_next = spos + 2;   /* å, ä, ö: the common case, inline */
                continue;
            }
            if (r->enc == ENC_CP1252 && c != 0)
                continue;
            byte_st = check_byte(r, buf, ls, spos, len, &enc_next);
            if (byte_st != KKR_OK) {
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
                if (!quoted) {
                    if (fi < hc && col_role[fi] >= 0) {
                        f[col_role[fi]] = buf + fs;
                        fl[col_role[fi]] = pos - fs;
                    }
                    fi++;
                    fs = pos + 1;
                }
            } else if (m.quote & one) {
                /* a quote, or a CR that is not part of CRLF (libcsv ends a record there) */
                if (buf[pos] == '"' || pos + 1 >= len || buf[pos + 1] != '\n')
                    quoted = true;
            } else {
                /* end of line at pos */
                st = end_line(r, buf, ls, fs, pos, pos + 1, fi, quoted, f, fl);
                if (st != KKR_OK)
                    goto done;
                r->line++;
                ls = fs = pos + 1;
                fi = 0;
                quoted = false;
                for (int k = 0; k < KKR_IMPORT_ROLES; k++)
                    f[k] = NULL;
            }
        }
        if (byte_st != KKR_OK) {
            st = byte_st;
            goto done;
        }
    }
    if (eof && ls < len) {
        /* the last line has no newline */
        st = end_line(r, buf, ls, fs, len, len, fi, quoted, f, fl);
        if (st != KKR_OK)
            goto done;
        ls = len;
    }
done:
    *used = ls;
    return st;
}

/* ---- header ---- */

struct header_fields {
    char **names;
    size_t count, cap;
    bool nomem;
};

static void header_field_cb(void *data, size_t len, void *userdata)
{
    struct header_fields *h = userdata;
    if (h->nomem)
        return;
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        char **n = realloc(h->names, cap * sizeof *n);
        if (!n) {
            h->nomem = true;
            return;
        }
        h->names = n;
        h->cap = cap;
    }
    char *name = dup_n(data ? data : "", len);
    if (!name) {
        h->nomem = true;
        return;
    }
    h->names[h->count++] = name;
}

/* The header's delimiter as the CSV reader picks it (';' when there is none). */
static char detect_delimiter(const char *s, size_t len)
{
    int d = kkr_csv_detect_delimiter(s, len);
    return d ? (char)d : ';';
}

static bool name_matches(const char *aliases, const char *name, size_t nlen)
{
    return kkr_csv_name_matches(aliases, name, nlen);
}

static void aliases_text(char *buf, size_t size, const char *aliases)
{
    /* "verksamhet|vht|unit" -> "verksamhet, vht or unit" */
    size_t n = 0;
    const char *p = aliases;
    buf[0] = '\0';
    while (*p && n + 8 < size) {
        const char *bar = strchr(p, '|');
        size_t alen = bar ? (size_t)(bar - p) : strlen(p);
        const char *sep = n == 0 ? "" : (bar ? ", " : " or ");
        n += (size_t)snprintf(buf + n, size - n, "%s%.*s", sep, (int)alen, p);
        if (!bar)
            break;
        p = bar + 1;
    }
}

static enum kkr_status parse_header(struct reader *r, const char *s, size_t len)
{
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    r->delim = detect_delimiter(s, len);
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return fail_nomem(r);
    csv_set_delim(&p, (unsigned char)r->delim);
    csv_set_space_func(&p, r->delim == '\t' ? is_space_only : NULL);  /* NULL: ' ', '\t' */
    struct header_fields h = {0};
    size_t done = csv_parse(&p, s, len, header_field_cb, NULL, &h);
    int fin = done == len ? csv_fini(&p, header_field_cb, NULL, &h) : -1;
    csv_free(&p);
    enum kkr_status st = KKR_OK;
    if (h.nomem) {
        st = fail_nomem(r);
        goto out;
    }
    if (done != len || fin != 0) {
        st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, (long)h.count + 1,
                      "bad quoting in the header, expected column names");
        goto out;
    }
    if (r->enc == ENC_CP1252)
        for (size_t i = 0; i < h.count; i++)
            if (has_high_byte(h.names[i], strlen(h.names[i]))) {
                size_t cl;
                char *conv = kkr_cp1252_to_utf8(h.names[i], strlen(h.names[i]), &cl);
                if (!conv) {
                    st = fail_nomem(r);
                    goto out;
                }
                free(h.names[i]);
                h.names[i] = conv;
            }
    r->header_count = h.count;
    r->col_role = malloc(h.count ? h.count : 1);
    if (!r->col_role) {
        st = fail_nomem(r);
        goto out;
    }
    memset(r->col_role, -1, h.count);
    for (int role = 0; role < KKR_IMPORT_ROLES; role++) {
        const char *aliases = r->opt->columns[role] ? r->opt->columns[role]
                                                     : default_columns[role];
        /* The first alias that names a column wins (Period before Datum). */
        long found = 0;
        const char *p2 = aliases;
        while (!found && *p2) {
            const char *bar = strchr(p2, '|');
            size_t alen = bar ? (size_t)(bar - p2) : strlen(p2);
            char one[128];
            snprintf(one, sizeof one, "%.*s", (int)alen, p2);
            for (size_t i = 0; i < h.count; i++) {
                const char *nm = h.names[i];
                size_t nl = strlen(nm);
                if (!name_matches(one, nm, nl))
                    continue;
                if (found) {
                    st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, (long)i + 1,
                                  "duplicate column '%s' (also column %ld)", nm, found);
                    goto out;
                }
                found = (long)i + 1;
            }
            if (!bar)
                break;
            p2 = bar + 1;
        }
        if (!found) {
            char list[256];
            aliases_text(list, sizeof list, aliases);
            st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, 0,
                          "missing column for %s, expected a header named %s%s",
                          role_names[role], list,
                          r->opt->columns[role] ? " (--columns)" : "");
            goto out;
        }
        if (r->col_role[found - 1] >= 0) {
            st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, found,
                          "column '%s' is used for both %s and %s", h.names[found - 1],
                          role_names[r->col_role[found - 1]], role_names[role]);
            goto out;
        }
        r->col_role[found - 1] = (signed char)role;
        r->role_col[role] = found;
        r->role_header[role] = dup_n(h.names[found - 1], strlen(h.names[found - 1]));
        if (!r->role_header[role]) {
            st = fail_nomem(r);
            goto out;
        }
    }
out:
    for (size_t i = 0; i < h.count; i++)
        free(h.names[i]);
    free(h.names);
    return st;
}

/* ---- result ---- */

void kkr_import_result_free(struct kkr_import_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->unmapped_count; i++)
        free(r->unmapped[i].code);
    free(r->unmapped);
    free(r->cells);
    free(r->periods);
    free(r);
}

static const struct kkr_import_map *sort_map;

static int cmp_target(const void *a, const void *b)
{
    long x = sort_map->targets[*(const int *)a].order;
    long y = sort_map->targets[*(const int *)b].order;
    if (x != y)
        return x < y ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static enum kkr_status build_result(struct reader *r)
{
    struct kkr_import_result *res = r->res;
    size_t nt = r->map->target_count;
    /* slots in period order */
    int *slots = malloc(sizeof(int) * (size_t)(r->slot_count ? r->slot_count : 1));
    int *targets = malloc(sizeof(int) * (nt ? nt : 1));
    res->periods = malloc(sizeof(int) * (size_t)(r->slot_count ? r->slot_count : 1));
    if (!slots || !targets || !res->periods) {
        free(slots);
        free(targets);
        return fail_nomem(r);
    }
    for (int i = 0; i < r->slot_count; i++)
        res->periods[i] = r->slot_period[i];
    res->period_count = (size_t)r->slot_count;
    qsort(res->periods, res->period_count, sizeof(int), cmp_int);
    for (size_t i = 0; i < res->period_count; i++) {
        int p = res->periods[i];
        slots[i] = r->slot_of[(p / 100 - 1900) * 12 + p % 100 - 1];
    }
    for (size_t i = 0; i < nt; i++)
        targets[i] = (int)i;
    sort_map = r->map;
    qsort(targets, nt, sizeof(int), cmp_target);
    size_t count = 0;
    for (size_t s = 0; s < res->period_count; s++)
        for (size_t c = 0; c < r->cells_per_slot; c++)
            if (r->slot_rows[slots[s]][c])
                count++;
    res->cells = malloc(sizeof *res->cells * (count ? count : 1));
    if (!res->cells) {
        free(slots);
        free(targets);
        return fail_nomem(r);
    }
    for (size_t t = 0; t < nt; t++)
        for (int k = 0; k < KKR_TYPES; k++)
            for (size_t s = 0; s < res->period_count; s++) {
                size_t c = (size_t)targets[t] * KKR_TYPES + (size_t)k;
                int sl = slots[s];
                if (!r->slot_rows[sl][c])
                    continue;
                res->cells[res->cell_count++] = (struct kkr_import_cell){
                    targets[t], k, res->periods[s], r->slot_sum[sl][c], r->slot_rows[sl][c]};
            }
    free(slots);
    free(targets);
    return KKR_OK;
}

static int cmp_cell(const void *a, const void *b)
{
    const struct kkr_import_cell *x = a, *y = b;
    long ox = sort_map->targets[x->target].order, oy = sort_map->targets[y->target].order;
    if (ox != oy)
        return ox < oy ? -1 : 1;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return (x->period > y->period) - (x->period < y->period);
}

enum kkr_status kkr_import_result_finish(struct kkr_import_result *r,
                                         const struct kkr_import_map *map,
                                         struct kkr_diag *diag)
{
    sort_map = map;
    if (r->cell_count)
        qsort(r->cells, r->cell_count, sizeof *r->cells, cmp_cell);
    size_t n = 0;
    for (size_t i = 0; i < r->cell_count; i++) {
        struct kkr_import_cell *c = &r->cells[i];
        if (n && r->cells[n - 1].target == c->target && r->cells[n - 1].kind == c->kind &&
            r->cells[n - 1].period == c->period) {
            if (!kkr_money_add(r->cells[n - 1].amount_ore, c->amount_ore,
                               &r->cells[n - 1].amount_ore))
                return kkr_fail(diag, KKR_ERR_OVERFLOW, map->path, 0, 0,
                                "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
            r->cells[n - 1].rows += c->rows;
        } else {
            r->cells[n++] = *c;
        }
    }
    r->cell_count = n;
    free(r->periods);
    r->period_count = 0;
    r->periods = malloc(sizeof(int) * (n ? n : 1));
    if (!r->periods)
        return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        r->periods[r->period_count++] = r->cells[i].period;
    if (r->period_count)
        qsort(r->periods, r->period_count, sizeof(int), cmp_int);
    size_t k = 0;
    for (size_t i = 0; i < r->period_count; i++)
        if (k == 0 || r->periods[k - 1] != r->periods[i])
            r->periods[k++] = r->periods[i];
    r->period_count = k;
    return KKR_OK;
}

static void reader_release(struct reader *r)
{
    for (size_t i = 0; i < r->code_cap; i++)
        free(r->codes[i].raw);
    free(r->codes);
    free(r->account_cache);
    free(r->short_tab);
    for (int i = 0; i < r->slot_count; i++) {
        free(r->slot_sum[i]);
        free(r->slot_rows[i]);
    }
    for (int i = 0; i < KKR_IMPORT_ROLES; i++)
        free(r->role_header[i]);
    free(r->col_role);
    free(r->fbuf);
    if (r->csv_ready)
        csv_free(&r->csv);
}

enum kkr_status kkr_import_read(const char *path, const struct kkr_import_map *map,
                                const struct kkr_import_accounts *accounts,
                                const struct kkr_import_options *opt,
                                struct kkr_import_result **out, struct kkr_diag *diag,
                                struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_options defaults;
    if (!opt) {
        kkr_import_options_init(&defaults);
        opt = &defaults;
    }
    bool use_stdin = strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kkr_fail(diag, KKR_ERR_IO, name, 0, 0, "cannot open: %s", strerror(errno));
    uint64_t total = 0;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        total = (uint64_t)sb.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

    struct reader *r = calloc(1, sizeof *r);
    struct kkr_import_result *res = calloc(1, sizeof *res);
    size_t chunk = opt->chunk_size ? opt->chunk_size : DEFAULT_CHUNK;
    size_t cap = chunk;
    char *buf = malloc(cap);
    enum kkr_status st = KKR_OK;
    if (!r || !res || !buf) {
        free(r);
        free(res);
        free(buf);
        if (!use_stdin)
            close(fd);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    r->path = name;
    r->map = map;
    r->rules = accounts;
    r->opt = opt;
    r->diag = diag;
    r->warn = warn;
    r->res = res;
    r->line = 1;
    r->last_code = SIZE_MAX;
    r->cells_per_slot = map->target_count * KKR_TYPES;
    memset(r->slot_of, -1, sizeof r->slot_of);

    size_t have = 0;      /* bytes in buf */
    size_t start = 0;     /* first byte not yet processed */
    bool header_done = false, eof = false, first = true;
    bool ends_nl = false;  /* the last byte read is a newline (for the last line's number) */
    struct kkr_import_progress prog = {0, total, 0};

    while (!eof) {
        if (start > 0) {
            memmove(buf, buf + start, have - start);
            have -= start;
            start = 0;
        }
        if (have == cap) {
            if (cap >= MAX_LINE) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r->line, 0,
                              "line longer than %u MiB, expected CSV text lines",
                              MAX_LINE >> 20);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = fail_nomem(r);
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
        res->bytes_read += (uint64_t)n;
        if (n > 0)
            ends_nl = buf[have - 1] == '\n';
        /* the start of the file decides (UTF-16, a BOM) once four bytes are in, whatever the
         * chunk size (fuzz-import: 3-byte chunks skipped the UTF-16 check) */
        if (first && (have >= 4 || eof)) {
            /* UTF-16 is named as such, in the words of the workbook reader */
            st = kkr_csv_check_utf16(name, buf, have, diag);
            if (st != KKR_OK)
                break;
            first = false;
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                start = 3;
                r->enc = ENC_UTF8;
            }
        }
        if (first)
            continue;
        /* Only complete lines are processed; the rest is carried over. */
        size_t complete = have;
        if (!eof) {
            const char *nl = memrchr(buf + start, '\n', have - start);
            if (!nl)
                continue;
            complete = (size_t)(nl + 1 - buf);
        }
        if (!header_done) {
            const char *nl = memchr(buf + start, '\n', complete - start);
            size_t hl = nl ? (size_t)(nl + 1 - (buf + start)) : complete - start;
            st = check_encoding(r, buf, start, start + hl);
            if (st != KKR_OK)
                break;
            if (blank_bytes(buf + start, hl - (nl ? 1 : 0)) && !nl) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, name, 1, 0,
                              "empty file, expected a header line with verksamhet, konto, "
                              "period and belopp");
                break;
            }
            st = parse_header(r, buf + start, hl);
            if (st != KKR_OK)
                break;
            if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
                st = fail_nomem(r);
                break;
            }
            r->csv_ready = true;
            csv_set_delim(&r->csv, (unsigned char)r->delim);
            csv_set_space_func(&r->csv, r->delim == '\t' ? is_space_only : NULL);
            header_done = true;
            start += hl;
            if (nl)
                r->line++;
        }
        size_t used;
        st = process_lines(r, buf + start, complete - start, eof, &used);
        start += used;
        if (st != KKR_OK)
            break;
        if (opt->progress) {
            prog.bytes_done = res->bytes_read;
            prog.rows = res->rows_read;
            opt->progress(opt->progress_userdata, &prog);
        }
    }
    if (st == KKR_OK && r->csv_ready) {
        long end_line = ends_nl ? r->line - 1 : r->line;
        if (csv_fini(&r->csv, csv_field_cb, csv_row_cb, r) != 0 && r->status == KKR_OK)
            st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r->rec_line, (long)r->field_idx + 1,
                          "quoted field not closed at the end of the file (line %ld), "
                          "expected a closing '\"'", end_line);
        else
            st = r->status;
    }
    if (st == KKR_OK)
        st = build_result(r);
    free(buf);
    if (!use_stdin)
        close(fd);
    reader_release(r);
    free(r);
    if (st != KKR_OK) {
        kkr_import_result_free(res);
        return st;
    }
    *out = res;
    return KKR_OK;
}

/* ------------------------------------------------------------------ writing */

enum { COL_UNIT, COL_KIND, COL_PERIOD, COL_AMOUNT, COL_COUNT };

/* layout: the role (COL_*, or -1 for another column, left empty) of each of the ncol columns
 * of the file written to; NULL = verksamhet;slag;period;belopp. Returns the CSV writer's
 * first error, checked once at the end. */
static enum kkr_status write_rows(FILE *fp, const struct kkr_import_result *r,
                                  const struct kkr_import_map *map, char delim,
                                  const char *eol, const int *layout, size_t ncol,
                                  bool header, struct kkr_diag *diag)
{
    static const char *const kind_names[KKR_TYPES] = {"intäkt", "kostnad"};
    static const int standard[COL_COUNT] = {COL_UNIT, COL_KIND, COL_PERIOD, COL_AMOUNT};
    if (!layout) {
        layout = standard;
        ncol = COL_COUNT;
    }
    struct kkr_csv_write_options wo = {delim, true, eol};
    struct kkr_csv_writer *w = kkr_csv_writer_new(fp, &wo);
    if (header) {
        static const char *const names[COL_COUNT] = {"verksamhet", "slag", "period", "belopp"};
        for (int k = 0; k < COL_COUNT; k++)
            kkr_csv_writer_plain(w, names[k]);
        kkr_csv_writer_end_row(w);
    }
    char period[16];
    for (size_t i = 0; i < r->cell_count; i++) {
        const struct kkr_import_cell *c = &r->cells[i];
        for (size_t k = 0; k < ncol; k++) {
            switch (layout[k]) {
            case COL_UNIT:
                kkr_csv_writer_text(w, map->targets[c->target].name); /* neutralised */
                break;
            case COL_KIND:
                kkr_csv_writer_plain(w, kind_names[c->kind]);
                break;
            case COL_PERIOD:
                snprintf(period, sizeof period, "%06d", c->period);
                kkr_csv_writer_plain(w, period);
                break;
            case COL_AMOUNT:
                kkr_csv_writer_ore(w, c->amount_ore);
                break;
            default:
                kkr_csv_writer_plain(w, "");
                break;
            }
        }
        kkr_csv_writer_end_row(w);
    }
    enum kkr_status st = kkr_csv_writer_finish(w, diag);
    kkr_csv_writer_free(w);
    return st;
}

/* utfall.csv's columns as the workbook loader names them (workbook.c amount_columns). */
static const struct kkr_csv_column utfall_columns[] = {
    {"verksamhet|unit|kod|code", true},
    {"slag|kind|typ", true},
    {"period|månad|month", true},
    {"belopp|amount|summa", true},
    {NULL, false},
};

/* The line end of the file's first line outside quotes: LF, CR LF or a lone CR. */
static const char *first_line_end(const char *s, size_t len)
{
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == '\n')
            return "\n";
        else if (!quoted && s[i] == '\r')
            return i + 1 < len && s[i + 1] == '\n' ? "\r\n" : "\r";
    }
    return "\n";
}

enum kkr_status kkr_import_write(FILE *fp, const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag)
{
    return write_rows(fp, r, map, ';', "\n", NULL, 0, true, diag);
}

struct merge_rows {
    long *line;        /* start line of each data row */
    bool *drop;
    size_t count, cap;
    const struct kkr_import_result *res;
};

static enum kkr_status merge_row(void *userdata, const struct kkr_csv_row *row,
                                 struct kkr_diag *diag)
{
    struct merge_rows *m = userdata;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        long *l = realloc(m->line, cap * sizeof *l);
        if (!l)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        m->line = l;
        bool *d = realloc(m->drop, cap * sizeof *d);
        if (!d)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        m->drop = d;
        m->cap = cap;
    }
    const char *s = row->fields[2].text;
    size_t len = row->fields[2].len;
    kkr_text_trim(&s, &len);
    int year, month;
    bool drop = false;
    if (kkr_period_parse(s, len, &year, &month) && month > 0) {
        int p = year * 100 + month;
        drop = bsearch(&p, m->res->periods, m->res->period_count, sizeof(int), cmp_int) != NULL;
    }
    m->line[m->count] = row->line;
    m->drop[m->count] = drop;
    m->count++;
    return KKR_OK;
}

enum kkr_status kkr_import_merge(FILE *fp, const char *utfall_path,
                                 const struct kkr_import_result *r,
                                 const struct kkr_import_map *map, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    if (access(utfall_path, F_OK) != 0)
        return kkr_import_write(fp, r, map, diag);
    char *data = NULL;
    size_t len = 0;
    enum kkr_status st = kkr_file_read_all(utfall_path, &data, &len, diag);
    if (st != KKR_OK)
        return st;
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (!kkr_utf8_valid(data + skip, len - skip, NULL) && !memchr(data, '\0', len)) {
        /* Windows-1252 (the workbook loaded, so the bytes are valid there): the kept rows are
         * converted, so the file is one encoding again */
        size_t cl;
        char *conv = kkr_cp1252_to_utf8(data, len, &cl);
        free(data);
        if (!conv)
            return kkr_fail(diag, KKR_ERR_NOMEM, utfall_path, 0, 0, "out of memory");
        data = conv;
        len = cl;
        kkr_warn(warn, "%s: Windows-1252, rewritten as UTF-8", utfall_path);
    }
    /* the one CSV reader, with the loader's columns and limits: the header gives the file's
     * own column order and count, the rows the lines to keep or drop */
    long cols[4];
    struct kkr_csv_header h = {.columns = cols};
    st = kkr_csv_read_header(utfall_path, data, len, utfall_columns, &h, diag);
    if (st != KKR_OK) {
        free(data);
        return st;
    }
    struct merge_rows m = {0};
    m.res = r;
    int *layout = NULL;
    st = kkr_csv_read_buffer(utfall_path, data, len, utfall_columns, merge_row, &m, diag, NULL);
    if (st != KKR_OK)
        goto out;
    const char *eol = first_line_end(data, len);
    /* Walk the lines: a dropped row takes its lines up to the next row's first line. */
    long line = 1;
    size_t row = 0;
    bool dropping = false;
    const char *p = data, *end = data + len;
    bool last_has_nl = true;
    while (p < end) {
        /* a line ends at LF, CR LF or a lone CR, as the CSV reader counts lines */
        const char *e = p;
        while (e < end && *e != '\n' && !(*e == '\r' && (e + 1 == end || e[1] != '\n')))
            e++;
        if (e == end)
            e = NULL;
        const char *le = e ? e + 1 : end;
        while (row < m.count && m.line[row] <= line) {
            dropping = m.drop[row];
            row++;
        }
        if (!dropping) {
            fwrite(p, 1, (size_t)(le - p), fp);
            last_has_nl = e != NULL;
        }
        p = le;
        line++;
    }
    if (!last_has_nl && r->cell_count)
        fputs(eol, fp);
    layout = malloc((h.field_count ? h.field_count : 1) * sizeof *layout);
    if (!layout) {
        st = kkr_fail(diag, KKR_ERR_NOMEM, utfall_path, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < h.field_count; k++)
        layout[k] = -1;
    for (int k = 0; k < COL_COUNT; k++)
        layout[cols[k] - 1] = k;
    st = write_rows(fp, r, map, h.delimiter, eol, layout, h.field_count, false, diag);
    if (st == KKR_ERR_IO)
        kkr_fail(diag, KKR_ERR_IO, utfall_path, 0, 0, "write error");
out:
    free(layout);
    free(m.line);
    free(m.drop);
    free(data);
    return st;
}
