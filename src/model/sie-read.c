/* sie-read.c — SIE 4 files read (DESIGN §12): the chunked reading loop, records dispatched,
 * vouchers and their #TRANS rows summed per unit, slag and month, the units of the chosen
 * dimension */
#include "sie-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int sie_unit_find(struct reader *r, const char *s, size_t len, bool add, long line)
{
    struct kkr_sie_file *f = r->f;
    if (r->last_code && len == r->last_code_len && memcmp(s, r->last_code, len) == 0)
        return r->last_unit;
    uint64_t h = sie_hash_bytes(s, len);
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
            size_t j = sie_hash_bytes(f->raw[i].code, f->raw[i].len) & (cap - 1);
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
            size_t before = r->f->raw_count;
            int u = sie_unit_find(r, o->s, o->len, true, r->line);
            if (u == -2)
                return sie_nomem(r);
            *unit = u;
            if (r->f->raw_count != before &&
                (r->opt->encoding == KKR_SIE_ENC_AUTO || r->opt->encoding == KKR_SIE_ENC_UTF8))
                sie_encoding_line(r, o->s, o->len, o->col - 1);   /* a new code */
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
    const struct tok *acc = &rec->f[0], *list = &rec->f[1], *am = &rec->f[2];
    int64_t account = -1;
    bool numeric = sie_parse_account(acc, &account);
    if (list->type != TOK_LIST)
        return sie_fail_at(r, KKR_ERR_SYNTAX, list->col,
                           "'%s' where the object list belongs, expected {} or {dimension object "
                           "...}", sie_show(b, sizeof b, list->s, list->len));
    int64_t ore;
    if (!sie_parse_amount(am, &ore))
        return sie_fail_at(r, KKR_ERR_SYNTAX, am->col,
                           "cannot parse amount '%s', expected kronor like -1234.50 (a decimal "
                           "point, at most two decimals)", sie_show(b, sizeof b, am->s, am->len));
    /* the object list as it stands, for the #RTRANS copy check */
    uint64_t objhash = sie_hash_bytes("", 0);
    for (int k = 0; k < list->obj_count; k++) {
        const struct tok *o = &rec->obj[list->obj_first + k];
        objhash = sie_mix(objhash ^ sie_hash_bytes(o->s, o->len)) + (uint64_t)k;
    }
    if (r->rtrans_pending) {
        r->rtrans_pending = false;
        if (which != 0 || account != r->rtrans_account || ore != r->rtrans_ore ||
            objhash != r->rtrans_objhash)
            return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
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
        return sie_odd_account(r, acc, ore);
    int unit, nobj, single;
    st = sie_list_unit(r, rec, list, &unit, &nobj, &single);
    if (st != KKR_OK)
        return st;
    struct source *src = &r->f->utfall;
    src->rows_read++;
    if (__builtin_add_overflow(src->read_ore, ore, &src->read_ore))
        return overflow(r, am->col);
    int kind = sie_account_kind(r, acc, account);
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
        long td = sie_parse_date(&rec->f[3]);
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
        ci = sie_cell_find(c, unit, kind, period);
        if (ci < 0)
            return sie_nomem(r);
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
        n = realloc(r->crcbuf, cap);
        if (!n)
            return sie_nomem(r);
        r->crcbuf = n;
        r->scratch_cap = cap;
    }
    r->crcbuf_len = 0;
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
    if (r->ksumma == 1)
        sie_crc_flush(r);
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
    if (r->rtrans_pending && strcmp(label, "#TRANS") != 0)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "the #RTRANS on line %ld is not followed by its #TRANS copy, expected "
                           "#TRANS here", r->rtrans_line);
    if (r->ksumma == 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "%s after the closing #KSUMMA, expected it to be the last record",
                           label);
    if (!r->any_record) {
        r->any_record = true;
        r->flagga_seen = strcmp(label, "#FLAGGA") == 0;
    }
    /* the hot path first */
    if (strcmp(label, "#TRANS") == 0) {
        sie_count_label(r, &rec.label, true);
        return trans_row(r, &rec, 0);
    }
    static const char *const known[] = {
        "#RTRANS", "#BTRANS", "#VER", "#PSALDO", "#PBUDGET", "#RAR", "#KSUMMA", "#FLAGGA",
        "#FORMAT", "#SIETYP", "#PROGRAM", "#FNAMN", "#DIM", "#UNDERDIM", "#OBJEKT",
    };
    bool is_known = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        is_known |= strcmp(label, known[i]) == 0;
    sie_count_label(r, &rec.label, is_known);
    if (strcmp(label, "#RTRANS") == 0)
        return trans_row(r, &rec, 1);
    if (strcmp(label, "#BTRANS") == 0)
        return trans_row(r, &rec, 2);
    if (r->ver == 2)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec.label.col,
                           "%s inside the voucher of line %ld, expected #TRANS rows and '}'",
                           label, r->ver_line);
    if (strcmp(label, "#VER") == 0)
        return ver_record(r, &rec);
    if (strcmp(label, "#PSALDO") == 0)
        return sie_balance_row(r, &rec, false);
    if (strcmp(label, "#PBUDGET") == 0)
        return sie_balance_row(r, &rec, true);
    if (strcmp(label, "#RAR") == 0)
        return sie_rar_record(r, &rec);
    if (strcmp(label, "#KSUMMA") == 0)
        return sie_ksumma_record(r, &rec);
    return sie_meta_record(r, &rec, label);
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

/* One line without its newline. */
static enum kkr_status process_line(struct reader *r, const char *s, size_t len)
{
    r->f->info.lines++;
    size_t i = 0;
    while (i < len && sie_is_sep(s[i]))
        i++;
    if (i == len)
        return KKR_OK;
    const char *nul = memchr(s, '\0', len);
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
    f->accounts = opt.accounts;
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
        st = sie_nomem(&r);

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
                st = sie_fail_at(&r, KKR_ERR_SYNTAX, 0, "line longer than %u MiB, expected SIE "
                                 "records", MAX_LINE >> 20);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = sie_nomem(&r);
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

