/* import-accounts.c — accounts to slag: RULES.csv ranges, or Kommun-Bas by class */
#include "import-private.h"

void kkr_import_accounts_free(struct kkr_import_accounts *acc)
{
    if (!acc)
        return;
    free(acc->rules);
    free(acc);
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
