/* import-fields.c — a ledger's fields: amounts, periods, öre as text, the --columns option */
#include "import-private.h"

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
