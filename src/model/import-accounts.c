/* import-accounts.c — accounts to slag: RULES.csv ranges, then Kommun-Bas by class or by the
 * kostnadsslag table of DESIGN §5.2 (--slag kommunbas) */
#include "import-private.h"

/* Indexed by the import's slag (kind): the typer, then the table in enum order. */
static const struct kkr_import_slag slag_table[KKR_IMPORT_SLAG_COUNT] = {
    {"intäkt", "Intäkter", KKR_REVENUE, "3"},
    {"kostnad", "Kostnader", KKR_COST, "4-7"},
    {"försäljning", "Försäljningsintäkter", KKR_REVENUE, "30"},
    {"avgifter", "Taxor och avgifter", KKR_REVENUE, "31"},
    {"hyror", "Hyror och arrenden", KKR_REVENUE, "34"},
    {"bidrag", "Bidrag och kostnadsersättningar", KKR_REVENUE, "35"},
    {"övriga_intäkter", "Övriga intäkter", KKR_REVENUE, "3, the rest"},
    {"köp", "Köp av huvudverksamhet", KKR_COST, "46"},
    {"personal", "Personalkostnader", KKR_COST, "5"},
    {"lokaler", "Lokalkostnader", KKR_COST, "60-61"},
    {"kapital", "Kapitalkostnader", KKR_COST, "79"},
    {"övriga_kostnader", "Övriga kostnader", KKR_COST, "4, 6 and 7, the rest"},
};

const struct kkr_import_slag *kkr_import_slag(int kind)
{
    return kind >= 0 && kind < KKR_IMPORT_SLAG_COUNT ? &slag_table[kind] : NULL;
}

int kkr_import_slag_order(int kind)
{
    /* a typ's slag follow it: intäkt, försäljning ... övriga_intäkter, kostnad, köp ... */
    return slag_table[kind].typ * KKR_IMPORT_SLAG_COUNT + kind;
}

enum kkr_status kkr_import_accounts_new(const char *slag, struct kkr_import_accounts **out,
                                        struct kkr_diag *diag)
{
    *out = NULL;
    if (slag && strcmp(slag, "kommunbas") != 0)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                        "--slag '%s': expected kommunbas (the kostnadsslag of Kommun-Bas)",
                        slag);
    struct kkr_import_accounts *acc = calloc(1, sizeof *acc);
    if (!acc)
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    acc->kommunbas = slag != NULL;
    *out = acc;
    return KKR_OK;
}

bool kkr_import_accounts_kommunbas(const struct kkr_import_accounts *acc)
{
    return acc && acc->kommunbas;
}

size_t kkr_import_accounts_slag_count(const struct kkr_import_accounts *acc)
{
    return acc && acc->kommunbas ? KKR_IMPORT_SLAG_COUNT : KKR_TYPES;
}

void kkr_import_accounts_free(struct kkr_import_accounts *acc)
{
    if (!acc)
        return;
    free(acc->rules);
    free(acc);
}

static bool kommunbas_code(const char *s, size_t len)
{
    for (int i = KKR_TYPES; i < KKR_IMPORT_SLAG_COUNT; i++)
        if (kkr_text_equal_fold(s, len, slag_table[i].code, strlen(slag_table[i].code)))
            return true;
    return false;
}

static enum kkr_status rule_row(void *userdata, const struct kkr_csv_row *row,
                                struct kkr_diag *diag)
{
    struct kkr_import_accounts *acc = userdata;
    int64_t v[2];
    for (int i = 0; i < 2; i++) {
        const char *s = row->fields[i].text;
        size_t len = row->fields[i].len;
        kkr_text_trim(&s, &len);
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
    kkr_text_trim(&s, &len);
    int kind = -1;
    enum kkr_kind k;
    bool left_out = len == 0 || (len == 1 && s[0] == '-');
    if (!left_out && kkr_kind_parse(s, len, &k))
        kind = (int)k;
    for (int i = KKR_TYPES; !left_out && acc->kommunbas && kind < 0 && i < KKR_IMPORT_SLAG_COUNT;
         i++)
        if (kkr_text_equal_fold(s, len, slag_table[i].code, strlen(slag_table[i].code)))
            kind = i;
    if (kind < 0 && !left_out)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[2],
                        "cannot parse slag '%.*s', expected intäkt, kostnad%s or '-' (left "
                        "out)%s", (int)(len > SHOW_MAX ? SHOW_MAX : len), s,
                        acc->kommunbas ? ", a slag of --slag kommunbas (försäljning, avgifter, "
                                         "hyror, bidrag, övriga_intäkter, köp, personal, "
                                         "lokaler, kapital, övriga_kostnader)" : "",
                        !acc->kommunbas && kommunbas_code(s, len)
                            ? "; a Kommun-Bas slag needs --slag kommunbas" : "");
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

enum kkr_status kkr_import_accounts_read(struct kkr_import_accounts *acc, const char *path,
                                         struct kkr_diag *diag, struct kkr_warnings *warn)
{
    static const struct kkr_csv_column cols[] = {
        {"från|fran|from", true}, {"till|to", true}, {"slag|kind", true}, {NULL, false},
    };
    return kkr_csv_read_file(path, cols, rule_row, acc, diag, warn);
}

enum kkr_status kkr_import_accounts_load(const char *path, struct kkr_import_accounts **out,
                                         struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_accounts *acc = calloc(1, sizeof *acc);
    if (!acc)
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    enum kkr_status st = kkr_import_accounts_read(acc, path, diag, warn);
    if (st != KKR_OK) {
        kkr_import_accounts_free(acc);
        return st;
    }
    *out = acc;
    return KKR_OK;
}

enum kkr_status kkr_import_accounts_check(const struct kkr_import_accounts *acc,
                                          const struct kkr_workbook *wb, struct kkr_diag *diag)
{
    if (!acc || !acc->kommunbas)
        return KKR_OK;
    char *held = NULL;
    bool is_xlsx = false;
    struct kkr_diag ignored;
    kkr_diag_clear(&ignored);
    kkr_workbook_file(wb->dir, "slag", &held, &is_xlsx, &ignored);
    char *path = held;
    if (!path && asprintf(&path, "%s/slag.csv", wb->dir) < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, wb->dir, 0, 0, "out of memory");
    enum kkr_status st = KKR_OK;
    for (int i = KKR_TYPES; st == KKR_OK && i < KKR_IMPORT_SLAG_COUNT; i++) {
        const struct kkr_import_slag *t = &slag_table[i];
        int k = kkr_workbook_find_slag(wb, t->code, strlen(t->code));
        if (k < 0 && wb->slag_count == KKR_TYPES)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                          "no slag declared, expected the ten slag of --slag kommunbas (the "
                          "lines '%s;%s;%s' to 'övriga_kostnader;Övriga kostnader;kostnad' of "
                          "the README's Kostnadsslag; kkr import FILE.se --slag kommunbas "
                          "--init writes them)", t->code, t->name,
                          kkr_kind_name((enum kkr_kind)t->typ));
        else if (k < 0)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, 0, 0,
                          "no slag '%s', expected every slag of --slag kommunbas (add "
                          "'%s;%s;%s', Kommun-Bas accounts %s)", t->code, t->code, t->name,
                          kkr_kind_name((enum kkr_kind)t->typ), t->accounts);
        else if ((int)wb->slag[k].typ != t->typ)
            st = kkr_fail(diag, KKR_ERR_VALUE, path, wb->slag[k].line, 0,
                          "slag '%s' has typ %s, expected %s (Kommun-Bas accounts %s)",
                          t->code, kkr_kind_name(wb->slag[k].typ),
                          kkr_kind_name((enum kkr_kind)t->typ), t->accounts);
    }
    free(path);
    return st;
}

enum kkr_status kkr_import_write_slag(FILE *fp, const struct kkr_import_accounts *acc,
                                      struct kkr_diag *diag)
{
    (void)acc;
    struct kkr_csv_write_options wo = {';', true, "\n"};
    struct kkr_csv_writer *w = kkr_csv_writer_new(fp, &wo);
    kkr_csv_writer_plain(w, "slag");
    kkr_csv_writer_plain(w, "namn");
    kkr_csv_writer_plain(w, "typ");
    kkr_csv_writer_end_row(w);
    for (int i = KKR_TYPES; i < KKR_IMPORT_SLAG_COUNT; i++) {
        kkr_csv_writer_plain(w, slag_table[i].code);
        kkr_csv_writer_plain(w, slag_table[i].name);
        kkr_csv_writer_plain(w, kkr_kind_name((enum kkr_kind)slag_table[i].typ));
        kkr_csv_writer_end_row(w);
    }
    enum kkr_status st = kkr_csv_writer_finish(w, diag);
    kkr_csv_writer_free(w);
    return st;
}

int kkr_import_account_kind(const struct kkr_import_accounts *rules, const char *digits,
                            size_t len)
{
    if (!rules)
        return len ? kind_of_class(digits[0]) : -1;
    int64_t v;
    if (!parse_account_number(digits, len, &v))
        return -1;
    return rules_kind(rules, v, digits, len);
}
