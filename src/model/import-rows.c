/* import-rows.c — the ledger reader's hot path: a row into its cell (code and period caches);
 * the rows come from the CSV push reader (kkr/csv.h), fields in place */
#include "import-private.h"

/* Quotes a field for a message. */
static enum kkr_status fail_field(struct reader *r, enum kkr_status st, long line, int role,
                                  const char *s, size_t len, const char *what,
                                  const char *expected)
{
    size_t show = len > SHOW_MAX ? SHOW_MAX : len;
    while (show < len && show > 0 && ((unsigned char)s[show] & 0xC0) == 0x80)
        show--; /* not inside a character */
    kkr_fail(r->diag, st, r->path, line, r->role_col[role], "%s '%.*s%s' in column '%s'%s%s",
             what, (int)show, s, len > SHOW_MAX ? "..." : "", r->role_header[role],
             expected ? ", expected " : "", expected ? expected : "");
    return st;
}

/* The cache entry for a verksamhet code: few distinct codes, many rows. */
static struct code_entry *code_lookup(struct reader *r, const char *s, size_t len, long line)
{
    if (r->last_code != SIZE_MAX) {
        struct code_entry *e = &r->codes[r->last_code];
        if (e->len == len && memcmp(e->raw, s, len) == 0)
            return e;
    }
    size_t at;
    if (kkr_hash_find(&r->code_index, s, len, &at)) {
        r->last_code = at;
        return &r->codes[at];
    }
    /* A new code: map it once. */
    if (r->code_count == r->code_cap) {
        size_t cap = r->code_cap ? r->code_cap * 2 : 64;
        struct code_entry *t = realloc(r->codes, cap * sizeof *t);
        if (!t)
            return NULL;
        r->codes = t;
        r->code_cap = cap;
    }
    char *raw = dup_n(s, len);
    char *utf8 = dup_n(s, len);
    size_t ulen = len;
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
    size_t j = r->code_count;
    if (kkr_hash_put(&r->code_index, raw, len, j, NULL) != KKR_OK) {
        free(raw);
        return NULL;
    }
    r->codes[j] = (struct code_entry){raw, len, target, unmapped};
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

/* a[0..n) == b[0..n) for the period text of nearly every row (4..16 bytes): two overlapping
 * loads per side instead of a call to memcmp */
static inline bool same_short(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b0, b, 8);
        memcpy(&b1, b + n - 8, 8);
        return a0 == b0 && a1 == b1;
    }
    if (n >= 4 && n < 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b0, b, 4);
        memcpy(&b1, b + n - 4, 4);
        return a0 == b0 && a1 == b1;
    }
    return memcmp(a, b, n) == 0;
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

/* One data row of the push reader: the fields of the four roles (trimmed, in place: not
 * NUL-terminated), in role order. */
enum kkr_status kkr_import_row(void *userdata, const struct kkr_csv_row *row,
                               struct kkr_diag *diag)
{
    (void)diag; /* r->diag is the same */
    struct reader *r = userdata;
    struct kkr_import_result *res = r->res;
    const long line = row->line;
    const struct kkr_csv_field *f = row->fields;
    r->line = line;

    const char *acc = f[KKR_IMPORT_ACCOUNT].text;
    size_t alen = f[KKR_IMPORT_ACCOUNT].len;
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
    const char *ps = f[KKR_IMPORT_PERIOD].text;
    size_t pn = f[KKR_IMPORT_PERIOD].len;
    int period, slot = -1;
    if (pn && pn == r->last_plen && same_short(ps, r->last_ptext, pn)) {
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
    const char *am = f[KKR_IMPORT_AMOUNT].text;
    size_t amlen = f[KKR_IMPORT_AMOUNT].len;
    if (!parse_amount_fast(am, amlen, &amount_ore) && !kkr_money_parse(am, amlen, &amount_ore))
        return fail_field(r, KKR_ERR_SYNTAX, line, KKR_IMPORT_AMOUNT, am, amlen,
                          "cannot parse amount", "kronor like -1234,56 (at most two decimals)");

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
    } else if (account < 100000 && acc[0] != '0') {
        /* (a leading 0 is another account for the Kommun-Bas table: not cached) */
        if (!r->account_cache && !(r->account_cache = calloc(100000, 1)))
            return fail_nomem(r);
        int8_t c = r->account_cache[account];
        if (!c)
            r->account_cache[account] = c =
                (int8_t)(rules_kind(r->rules, account, acc, alen) + 2);
        kind = c - 2;
    } else {
        kind = rules_kind(r->rules, account, acc, alen);
    }
    if (kind < 0) {
        int cls = acc[0] - '0';
        res->left_out_rows[cls]++;
        if (!kkr_money_add(res->left_out_ore[cls], amount_ore, &res->left_out_ore[cls]))
            return overflow(r, line);
        return KKR_OK;
    }

    int target, unmapped;
    if (!code_find(r, f[KKR_IMPORT_UNIT].text, f[KKR_IMPORT_UNIT].len, line, &target, &unmapped))
        return fail_nomem(r);
    if (target < 0) {
        struct kkr_import_unmapped *u = &res->unmapped[unmapped];
        u->rows++;
        if (!kkr_money_add(u->amount_ore, amount_ore, &u->amount_ore))
            return overflow(r, line);
        return KKR_OK;
    }
    size_t cell = (size_t)target * r->kinds + (size_t)kind;
    int64_t *sum = &r->slot_sum[slot][cell];
    if (__builtin_add_overflow(*sum, amount_ore, sum))
        return overflow(r, line);
    r->slot_rows[slot][cell]++;
    res->rows_imported++;
    if (!!__builtin_add_overflow(res->imported_ore, amount_ore, &res->imported_ore))
        return overflow(r, line);
    return KKR_OK;
}

