/* import-scan.c — the ledger reader's hot path: a row into its cell (code and period caches),
 * the memchr/SSE2 block scanner for rows without quotes and libcsv (CSV_STRICT) for the rest */
#include "import-private.h"

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
        kkr_text_trim(&s[i], &n[i]);
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
    if (!code_find(r, s[KKR_IMPORT_UNIT], n[KKR_IMPORT_UNIT], line, &target, &unmapped))
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

void kkr_import_csv_field(void *data, size_t len, void *userdata)
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

void kkr_import_csv_row(int c, void *userdata)
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
    size_t done = csv_parse(&r->csv, s, len, kkr_import_csv_field, kkr_import_csv_row, r);
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
enum kkr_status kkr_import_check_encoding(struct reader *r, const char *buf, size_t start,
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
enum kkr_status kkr_import_process_lines(struct reader *r, const char *buf, size_t len,
                                         bool eof, size_t *used)
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
