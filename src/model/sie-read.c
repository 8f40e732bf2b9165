/* sie-read.c — SIE 4 files read (DESIGN §12): the chunked reading loop, records dispatched,
 * vouchers and their #TRANS rows summed per unit, slag and month, the units of the chosen
 * dimension */
#include "sie-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kkr/chunks.h"
#include "kkr/import.h"

void kkr_sie_options_init(struct kkr_sie_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->dim = 1;
}

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

/* ---- units (objects of the chosen dimension) ---- */

/* The unit of a code already in the table (open addressing; a short code compared as one
 * number), -1 when it is not there. */
static inline int unit_lookup(const struct kkr_sie_file *f, const char *s, size_t len, uint64_t h,
                              uint64_t word)
{
    if (!f->raw_index_cap)
        return -1;
    size_t j = h & (f->raw_index_cap - 1);
    while (f->raw_index[j]) {
        const struct raw_unit *u = &f->raw[f->raw_index[j] - 1];
        if (u->len == len && (len <= 8 ? u->word == word : memcmp(u->code, s, len) == 0))
            return (int)(f->raw_index[j] - 1);
        j = (j + 1) & (f->raw_index_cap - 1);
    }
    return -1;
}

/* The unit of an object code. add: a new code becomes a unit. -1 not found, -2 out of
 * memory. */
int sie_unit_find(struct reader *r, const char *s, size_t len, bool add, long line)
{
    struct kkr_sie_file *f = r->f;
    uint64_t word;
    uint64_t h = sie_code_hash(s, len, &word);
    int found = unit_lookup(f, s, len, h, word);
    if (found >= 0)
        return found;
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
            uint64_t w;
            size_t j = sie_code_hash(f->raw[i].code, f->raw[i].len, &w) & (cap - 1);
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
    f->raw[f->raw_count] = (struct raw_unit){code, len, word, NULL, 0, line};
    size_t j = h & (f->raw_index_cap - 1);
    while (f->raw_index[j])
        j = (j + 1) & (f->raw_index_cap - 1);
    f->raw_index[j] = (uint32_t)f->raw_count + 1;
    return (int)f->raw_count++;
}

/* The unit of an object code of the chosen dimension (a new code is added, and its bytes
 * counted for the encoding); -2 out of memory. */
static int object_unit(struct reader *r, const char *s, size_t len, long col)
{
    uint64_t word;
    uint64_t h = sie_code_hash(s, len, &word);
    int known = unit_lookup(r->f, s, len, h, word);
    if (known >= 0)
        return known;
    size_t before = r->f->raw_count;
    int u = sie_unit_find(r, s, len, true, r->line);
    if (u >= 0 && r->f->raw_count != before &&
        (r->opt->encoding == KKR_SIE_ENC_AUTO || r->opt->encoding == KKR_SIE_ENC_UTF8))
        sie_encoding_line(r, s, len, col - 1);   /* a new code */
    return u;
}

bool sie_dim_matches(struct reader *r, const struct tok *t)
{
    /* the dimension may be quoted ("1") or padded ("01" would be another dimension's text,
     * but read as a number it is 1) */
    if (t->len == r->dim_text_len && memcmp(t->s, r->dim_text, t->len) == 0)
        return true;
    long d;
    return sie_parse_int(t, &d) && d == r->opt->dim;
}

/* The unit of a record's object list: the object of the chosen dimension, else -1 (the rest).
 * *nobj gets the number of objects, *single_dim the dimension of a lone object. */
enum kkr_status sie_list_unit(struct reader *r, const struct rec *rec, const struct tok *list,
                              int *unit, int *nobj, int *single_dim)
{
    *unit = -1;
    *single_dim = 0;
    if (list->obj_count % 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, list->col,
                           "object list with a dimension and no object, expected pairs "
                           "{dimension object ...}");
    *nobj = list->obj_count / 2;
    for (int k = 0; k < list->obj_count; k += 2) {
        const struct tok *d = &rec->obj[list->obj_first + k];
        const struct tok *o = &rec->obj[list->obj_first + k + 1];
        long dim;
        if (!sie_parse_int(d, &dim) || dim < 0) {
            char b[80];
            return sie_fail_at(r, KKR_ERR_SYNTAX, d->col,
                               "cannot parse dimension '%s' in an object list, expected a number",
                               sie_show(b, sizeof b, d->s, d->len));
        }
        if (*nobj == 1)
            *single_dim = (int)dim;
        if (dim == r->opt->dim && *unit < 0 && o->len > 0) {
            int u = object_unit(r, o->s, o->len, o->col);
            if (u == -2)
                return sie_nomem(r);
            *unit = u;
        }
    }
    return KKR_OK;
}

static enum kkr_status overflow(struct reader *r, long col)
{
    return sie_fail_at(r, KKR_ERR_OVERFLOW, col,
                       "a sum overflows (more than 92 233 720 368 547 758,07 kr)");
}

int sie_account_kind(struct reader *r, const struct tok *t, int64_t account)
{
    if (!r->opt->accounts)
        return kkr_import_account_kind(NULL, t->s, t->len);
    if (account < 100000 && r->kind_cache && t->s[0] != '0') {
        /* (a leading 0 is another account for the Kommun-Bas table: not cached) */
        int8_t c = r->kind_cache[account];
        if (!c)
            r->kind_cache[account] = c =
                (int8_t)(kkr_import_account_kind(r->opt->accounts, t->s, t->len) + 2);
        return c - 2;
    }
    return kkr_import_account_kind(r->opt->accounts, t->s, t->len);
}

enum kkr_status sie_need_fields(struct reader *r, const struct rec *rec, int n,
                                const char *what)
{
    if (rec->nf >= n)
        return KKR_OK;
    char b[40];
    return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                       "%s with %d field%s, expected %s", sie_show(b, sizeof b, rec->label.s,
                       rec->label.len), rec->nf, rec->nf == 1 ? "" : "s", what);
}

static enum kkr_status add_trans_year(struct reader *r, int y, long col);

/* An account that is not digits: left out and counted (an exporter's "FEL" account), as long
 * as it is a plain word. */
enum kkr_status sie_odd_account(struct reader *r, const struct tok *acc, int64_t ore)
{
    char b[80];
    bool word = acc->len > 0 && acc->len < sizeof r->f->info.odd_account && acc->s[0] != '-';
    for (size_t i = 0; i < acc->len && word; i++)
        word = (unsigned char)acc->s[i] > 0x20 && (unsigned char)acc->s[i] < 0x7f;
    if (!word)
        return sie_fail_at(r, KKR_ERR_SYNTAX, acc->col,
                           "cannot parse account '%s', expected digits",
                           sie_show(b, sizeof b, acc->s, acc->len));
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

/* A #TRANS row into the voucher's sum and its cell. rec is the row through the full grammar
 * (its object list is checked and looked up here, in this order), or NULL for a row from the
 * fast scanner, whose list is already checked and whose unit's code is v->obj. */
static enum kkr_status trans_apply(struct reader *r, const struct trans_vals *v,
                                   const struct rec *rec)
{
    struct kkr_sie_info *in = &r->f->info;
    int64_t ore = v->ore;
    in->trans++;
    if (__builtin_add_overflow(r->ver_sum_ore, ore, &r->ver_sum_ore))
        return overflow(r, v->amount_col);
    r->ver_rows++;
    if (!v->numeric)
        return sie_odd_account(r, &v->acc, ore);
    int unit = -1;
    enum kkr_status st;
    if (rec) {
        int nobj, single;
        st = sie_list_unit(r, rec, &rec->f[1], &unit, &nobj, &single);
        if (st != KKR_OK)
            return st;
    } else if (v->obj && (unit = object_unit(r, v->obj, v->obj_len, v->obj_col)) == -2) {
        return sie_nomem(r);
    }
    struct source *src = &r->f->utfall;
    src->rows_read++;
    if (__builtin_add_overflow(src->read_ore, ore, &src->read_ore))
        return overflow(r, v->amount_col);
    int kind = sie_account_kind(r, &v->acc, v->account);
    if (kind < 0) {
        int cls = v->acc.s[0] - '0';
        src->left_out_rows[cls]++;
        if (__builtin_add_overflow(src->left_out_ore[cls], ore, &src->left_out_ore[cls]))
            return overflow(r, v->amount_col);
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
    if (v->has_date && v->date.len == 8 && memcmp(v->date.s, r->ver_date, 8) != 0) {
        long td = sie_parse_date(&v->date);
        if (td && td / 100 != period) {
            period = (int)(td / 100);
            if ((st = add_trans_year(r, period / 100, v->date.col)) != KKR_OK)
                return st;
        }
    }
    struct cells *c = &src->cells;
    int ci = r->last_cell;
    if (ci < 0 || (size_t)ci >= c->count || c->v[ci].unit != unit || c->v[ci].kind != kind ||
        c->v[ci].period != period) {
        ci = sie_cell_find(c, unit, kind, period);
        if (ci < 0)
            return sie_nomem(r);
        r->last_cell = ci;
    }
    if (__builtin_add_overflow(c->v[ci].ore, ore, &c->v[ci].ore))
        return overflow(r, v->amount_col);
    c->v[ci].rows++;
    return KKR_OK;
}

/* The object list as it stands, for the #RTRANS copy check. */
static uint64_t list_hash(const struct rec *rec, const struct tok *list)
{
    uint64_t h = sie_hash_bytes("", 0);
    for (int k = 0; k < list->obj_count; k++) {
        const struct tok *o = &rec->obj[list->obj_first + k];
        h = sie_mix(h ^ sie_hash_bytes(o->s, o->len)) + (uint64_t)k;
    }
    return h;
}

static enum kkr_status trans_row(struct reader *r, const struct rec *rec, int which)
{
    /* which: 0 #TRANS, 1 #RTRANS, 2 #BTRANS */
    struct kkr_sie_info *in = &r->f->info;
    char b[80];
    enum kkr_status st = sie_need_fields(r, rec, 3, "konto {objektlista} belopp [transdat] "
                                         "[transtext] ...");
    if (st != KKR_OK)
        return st;
    if (r->ver != 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                           "%.*s outside a voucher, expected it between the '{' and '}' after #VER",
                           (int)rec->label.len, rec->label.s);
    struct trans_vals v;
    const struct tok *list = &rec->f[1], *am = &rec->f[2];
    v.acc = rec->f[0];
    v.account = -1;
    v.numeric = sie_parse_account(&v.acc, &v.account);
    if (list->type != TOK_LIST)
        return sie_fail_at(r, KKR_ERR_SYNTAX, list->col,
                           "'%s' where the object list belongs, expected {} or {dimension object "
                           "...}", sie_show(b, sizeof b, list->s, list->len));
    if (!sie_parse_amount(am, &v.ore))
        return sie_fail_at(r, KKR_ERR_SYNTAX, am->col,
                           "cannot parse amount '%s', expected kronor like -1234.50 (a decimal "
                           "point, at most two decimals)", sie_show(b, sizeof b, am->s, am->len));
    v.amount_col = am->col;
    v.has_date = rec->nf >= 4;
    if (v.has_date)
        v.date = rec->f[3];
    v.obj = NULL;
    if (r->rtrans_pending) {
        r->rtrans_pending = false;
        if (which != 0 || v.account != r->rtrans_account || v.ore != r->rtrans_ore ||
            list_hash(rec, list) != r->rtrans_objhash)
            return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                               "the #RTRANS on line %ld is not followed by its #TRANS copy (same "
                               "account, objects and amount), expected that copy here",
                               r->rtrans_line);
    }
    if (which == 1) {
        in->rtrans++;
        r->rtrans_pending = true;
        r->rtrans_line = r->line;
        r->rtrans_account = v.account;
        r->rtrans_ore = v.ore;
        r->rtrans_objhash = list_hash(rec, list);
        return KKR_OK;
    }
    if (which == 2) {
        in->btrans++;     /* a removed row: not part of the voucher's final state */
        return KKR_OK;
    }
    return trans_apply(r, &v, rec);
}

/* Room in crcbuf for a line of len bytes (the bytes gathered so far summed first when it is
 * full). */
static enum kkr_status crc_room(struct reader *r, size_t len)
{
    if (r->crcbuf_len + len <= r->crcbuf_cap)
        return KKR_OK;
    sie_crc_flush(r);
    if (len > r->crcbuf_cap) {
        size_t cap = len > CRC_BLOCK ? len : CRC_BLOCK;
        char *n = realloc(r->crcbuf, cap);
        if (!n)
            return sie_nomem(r);
        r->crcbuf = n;
        r->crcbuf_cap = cap;
    }
    return KKR_OK;
}

/* A #TRANS line of the common shape inside an open voucher, past the full grammar: true when
 * it was taken (*st its outcome), false when the line needs the full grammar (nothing of the
 * reader's state changed). */
static bool trans_fast(struct reader *r, const char *s, size_t len, enum kkr_status *st)
{
    struct trans_vals v;
    if (r->ksumma == 1 && (*st = crc_room(r, len)) != KKR_OK)
        return true;
    size_t mark = r->crcbuf_len;
    if (!sie_trans_scan(r, s, len, &v)) {
        r->crcbuf_len = mark;
        return false;
    }
    struct kkr_sie_info *in = &r->f->info;
    in->lines++;
    in->records++;
    in->labels[r->trans_label - 1].count++;
    in->trans_fast++;
    *st = trans_apply(r, &v, NULL);
    return true;
}

static enum kkr_status add_trans_year(struct reader *r, int y, long col)
{
    struct kkr_sie_info *in = &r->f->info;
    for (int i = 0; i < in->trans_year_count; i++)
        if (in->trans_years[i] == y)
            return KKR_OK;
    if (in->trans_year_count == (int)(sizeof in->trans_years / sizeof in->trans_years[0]))
        return sie_fail_at(r, KKR_ERR_VALUE, col,
                           "vouchers of more than %d calendar years, expected one fiscal year",
                           in->trans_year_count);
    in->trans_years[in->trans_year_count++] = y;
    return KKR_OK;
}

static enum kkr_status ver_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    if (r->ver)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                           "#VER inside the voucher of line %ld, expected its '}' first",
                           r->ver_line);
    enum kkr_status st = sie_need_fields(r, rec, 3, "serie vernr verdatum [vertext] ...");
    if (st != KKR_OK)
        return st;
    long date = sie_parse_date(&rec->f[2]);
    if (!date)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->f[2].col,
                           "cannot parse voucher date '%s', expected YYYYMMDD",
                           sie_show(b, sizeof b, rec->f[2].s, rec->f[2].len));
    r->ver = 1;
    r->ver_line = r->line;
    r->ver_period = (int)(date / 100);
    r->ver_sum_ore = 0;
    r->ver_rows = 0;
    /* the voucher's series and number, for a message (shown when it is needed) */
    size_t n0 = rec->f[0].len < 40 ? rec->f[0].len : 40;
    size_t n1 = rec->f[1].len < 40 ? rec->f[1].len : 40;
    memcpy(r->ver_id, rec->f[0].s, n0);
    r->ver_id[n0] = ' ';
    memcpy(r->ver_id + n0 + 1, rec->f[1].s, n1);
    r->ver_id[n0 + 1 + n1] = '\0';
    memcpy(r->ver_date, rec->f[2].s, 8);
    r->f->info.vouchers++;
    return add_trans_year(r, r->ver_period / 100, rec->f[2].col);
}

enum label_id {
    L_OTHER, L_TRANS, L_RTRANS, L_BTRANS, L_VER, L_PSALDO, L_PBUDGET, L_RAR, L_KSUMMA, L_FLAGGA,
    L_META,
};

/* The record labels kkr reads, told apart by length first (no string compares per record). */
static enum label_id label_id(const struct tok *label)
{
    static const struct {
        const char *s;
        enum label_id id;
    } known[] = {
        {"#TRANS", L_TRANS}, {"#RTRANS", L_RTRANS}, {"#BTRANS", L_BTRANS}, {"#VER", L_VER},
        {"#PSALDO", L_PSALDO}, {"#PBUDGET", L_PBUDGET}, {"#RAR", L_RAR}, {"#KSUMMA", L_KSUMMA},
        {"#FLAGGA", L_FLAGGA}, {"#FORMAT", L_META}, {"#SIETYP", L_META}, {"#PROGRAM", L_META},
        {"#FNAMN", L_META}, {"#DIM", L_META}, {"#UNDERDIM", L_META}, {"#OBJEKT", L_META},
    };
    if (label->len < 4 || label->len > 9)
        return L_OTHER;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i].s) == label->len && memcmp(known[i].s, label->s, label->len) == 0)
            return known[i].id;
    return L_OTHER;
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
            return sie_nomem(r);
        r->scratch = n;
        r->scratch_cap = cap;
    }
    if (r->ksumma == 1) {
        enum kkr_status st = crc_room(r, len);
        if (st != KKR_OK)
            return st;
    }
    /* the closing #KSUMMA is not part of its own sum: tokenise it with the sum paused */
    bool closing_ksumma = len - start > 7 && memcmp(s + start, "#KSUMMA", 7) == 0 &&
                          sie_is_sep(s[start + 7]);
    int ks = r->ksumma;
    if (closing_ksumma)
        r->ksumma = 0;
    enum kkr_status st = sie_tokenize(r, s, len, start, &rec);
    r->ksumma = ks;
    if (st != KKR_OK)
        return st;
    r->f->info.records++;
    /* the hot path first */
    if (rec.is_trans && r->ver == 2 && !r->rtrans_pending && r->ksumma != 2) {
        sie_count_trans(r, &rec.label);
        return trans_row(r, &rec, 0);
    }
    char label[24];
    size_t ll = rec.label.len < sizeof label - 1 ? rec.label.len : sizeof label - 1;
    memcpy(label, rec.label.s, ll);
    label[ll] = '\0';
    if (r->ver == 1) {
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "%s after the #VER of line %ld, expected '{' on a line of its own to "
                           "open the voucher's rows", label, r->ver_line);
    }
    if (r->rtrans_pending && !sie_tok_is(&rec.label, "#TRANS"))
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "the #RTRANS on line %ld is not followed by its #TRANS copy, expected "
                           "#TRANS here", r->rtrans_line);
    if (r->ksumma == 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "%s after the closing #KSUMMA, expected it to be the last record",
                           label);
    enum label_id id = label_id(&rec.label);
    if (!r->any_record) {
        r->any_record = true;
        r->flagga_seen = id == L_FLAGGA;
    }
    /* the hot path first */
    if (id == L_TRANS) {
        sie_count_label(r, &rec.label, true);
        return trans_row(r, &rec, 0);
    }
    sie_count_label(r, &rec.label, id != L_OTHER);
    if (id == L_RTRANS)
        return trans_row(r, &rec, 1);
    if (id == L_BTRANS)
        return trans_row(r, &rec, 2);
    if (r->ver == 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "%s inside the voucher of line %ld, expected #TRANS rows and '}'",
                           label, r->ver_line);
    switch (id) {
    case L_VER: return ver_record(r, &rec);
    case L_PSALDO: return sie_balance_row(r, &rec, false);
    case L_PBUDGET: return sie_balance_row(r, &rec, true);
    case L_RAR: return sie_rar_record(r, &rec);
    case L_KSUMMA: return sie_ksumma_record(r, &rec);
    case L_META: return sie_meta_record(r, &rec, label);
    default: return KKR_OK;   /* unknown records: counted, ignored */
    }
}

static enum kkr_status brace(struct reader *r, char c, long col)
{
    r->f->info.records++;
    if (c == '{') {
        if (r->ver != 1)
            return sie_fail_at(r, KKR_ERR_SYNTAX, col,
                               r->ver == 2 ? "'{' inside a voucher, expected #TRANS rows and '}'"
                                       : "'{' without a #VER before it, expected #VER first");
        r->ver = 2;
        return KKR_OK;
    }
    if (r->ver != 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, col, "'}' without an open voucher, expected #VER "
                           "and '{' before it");
    if (r->rtrans_pending)
        return sie_fail_at(r, KKR_ERR_SYNTAX, col,
                           "the #RTRANS on line %ld is not followed by its #TRANS copy, expected "
                           "#TRANS before '}'", r->rtrans_line);
    r->ver = 0;
    if (r->ver_sum_ore != 0) {
        char a[48];
        kkr_import_format_ore(a, r->ver_sum_ore, " ");
        char id[100];
        return kkr_fail(r->diag, KKR_ERR_VALUE, r->path, r->ver_line, 1,
                        "voucher %s does not balance: its %llu #TRANS rows sum to %s kr, "
                        "expected 0 (debit = credit)", sie_show(id, sizeof id, r->ver_id,
                        strlen(r->ver_id)),
                        (unsigned long long)r->ver_rows, a);
    }
    return KKR_OK;
}

/* One line without its newline; nul_free: the chunk holding it has no NUL byte. */
static enum kkr_status process_line(struct reader *r, const char *s, size_t len, bool nul_free)
{
    r->f->info.lines++;
    size_t i = 0;
    while (i < len && sie_is_sep(s[i]))
        i++;
    if (i == len)
        return KKR_OK;
    const char *nul = nul_free ? NULL : memchr(s, '\0', len);
    if (nul)
        return sie_fail_at(r, KKR_ERR_SYNTAX, (long)(nul - s) + 1,
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
        sie_encoding_line(r, s, len, 0);
    if (s[i] == '{' || s[i] == '}') {
        size_t e = i + 1;
        while (e < len && sie_is_sep(s[e]))
            e++;
        if (e != len)
            return sie_fail_at(r, KKR_ERR_SYNTAX, (long)e + 1,
                               "text after '%c', expected '%c' alone on its line", s[i], s[i]);
        return brace(r, s[i], (long)i + 1);
    }
    if (s[i] != '#') {
        char b[80];
        return sie_fail_at(r, KKR_ERR_SYNTAX, (long)i + 1,
                           "'%s' where a record belongs, expected a label like #TRANS (or '{' or "
                           "'}')", sie_show(b, sizeof b, s + i, len - i));
    }
    return record(r, s, len, i);
}

/* ---- reading the file ---- */

/* The whole lines buf[0..n) (the last one may end at the end of the file without a newline):
 * #TRANS lines of the common shape through the fast scanner, everything else (and everything
 * in a chunk holding a NUL byte) line by line through the full grammar. */
static enum kkr_status lines(struct reader *r, const char *buf, size_t n, size_t *used)
{
    bool nul_free = !memchr(buf, '\0', n);
    bool fast = nul_free && !r->opt->slow_path_only;
    enum kkr_status st = KKR_OK;
    size_t at = 0;
    while (at < n) {
        const char *s = buf + at;
        const char *nl = memchr(s, '\n', n - at);
        size_t len = nl ? (size_t)(nl - s) : n - at;
        size_t next = nl ? len + 1 : len;
        if (len && s[len - 1] == '\r')
            len--;
        /* inside an open voucher, no #RTRANS waiting for its copy, #TRANS counted once */
        if (!(fast && r->ver == 2 && !r->rtrans_pending && r->ksumma != 2 && r->trans_label &&
              trans_fast(r, s, len, &st)))
            st = process_line(r, s, len, nul_free);
        if (st != KKR_OK)
            break;
        at += next;
        if (nl)
            r->line++;
    }
    *used = at;
    return st;
}

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
    struct kkr_chunks ch;
    enum kkr_status st = kkr_chunks_open(&ch, path, opt.chunk_size, MAX_LINE, "SIE records",
                                         diag);
    if (st != KKR_OK)
        return st;
    const char *name = ch.name;
    struct kkr_sie_file *f = calloc(1, sizeof *f);
    struct reader r;
    memset(&r, 0, sizeof r);
    if (!f || !(f->path = strdup(name))) {
        free(f);
        kkr_chunks_close(&ch);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    f->rest_unit = -1;
    f->info.dim = opt.dim;
    f->accounts = opt.accounts;
    r.path = f->path;
    r.opt = &opt;
    r.diag = diag;
    r.warn = warn;
    r.f = f;
    r.line = 1;
    r.last_cell = -1;
    r.dim_text_len = (size_t)snprintf(r.dim_text, sizeof r.dim_text, "%d", opt.dim);
    if (opt.accounts && !(r.kind_cache = calloc(100000, 1)))
        st = sie_nomem(&r);

    bool first = true;
    while (st == KKR_OK && !ch.eof) {
        if ((st = kkr_chunks_read(&ch, r.line, diag)) != KKR_OK)
            break;
        if (first) {
            if (ch.have < 3 && !ch.eof)
                continue;
            first = false;
            if (ch.have >= 3 && memcmp(ch.buf, "\xEF\xBB\xBF", 3) == 0)
                ch.start = 3;
        }
        if (ch.complete > ch.start) {
            size_t used = 0;
            st = lines(&r, ch.buf + ch.start, ch.complete - ch.start, &used);
            ch.start += used;
        }
    }
    kkr_chunks_close(&ch);
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
        st = sie_decide_encoding(&r);
    if (st == KKR_OK)
        in->type_4i = in->sie_type == 4 && r.rar0_line == 0;
    if (st == KKR_OK)
        st = sie_balances_to_cells(&r, false);
    if (st == KKR_OK)
        st = sie_balances_to_cells(&r, true);
    if (st == KKR_OK)
        st = sie_finish_texts(&r);
    reader_release(&r);
    if (st != KKR_OK) {
        kkr_sie_free(f);
        return st;
    }
    *out = f;
    return KKR_OK;
}

