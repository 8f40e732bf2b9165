/* fuzz-money.c — the amount, decimal and period parsers and the text helpers on any bytes.
 *
 * Besides "no crash, no sanitizer report" it checks properties:
 * - an amount that parses formats back (every number style) to text that parses to the same öre;
 * - the import's fast amount parser agrees with kkr_money_parse on every input;
 * - the import's period parser and kkr_period_parse agree where both accept;
 * - Windows-1252 conversion always gives valid UTF-8;
 * - kkr_csv_safe_text never lets a formula-like cell through. */
#include <math.h>

#include "fuzz-util.h"
#include "kkr/import.h"
#include "kkr/money.h"
#include "kkr/report.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

static void check_amount_roundtrip(int64_t ore)
{
    static const struct kkr_number_style *const styles[] = {
        &KKR_STYLE_TEXT, &KKR_STYLE_PLAIN, &KKR_STYLE_EXCEL, &KKR_STYLE_PRINT,
    };
    char buf[96];
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++) {
        size_t n = kkr_money_format_exact(buf, sizeof buf, ore, styles[i]);
        FUZZ_ASSERT(n < sizeof buf);
        int64_t back = 0;
        FUZZ_ASSERT(kkr_money_parse(buf, n, &back));
        FUZZ_ASSERT(back == ore);
        for (int u = KKR_UNIT_KR; u <= KKR_UNIT_MNKR; u++) {
            n = kkr_money_format(buf, sizeof buf, ore, (enum kkr_display_unit)u, styles[i]);
            FUZZ_ASSERT(n < sizeof buf);
        }
    }
    char imp[64];
    size_t n = kkr_import_format_ore(imp, ore, " ");
    int64_t back = 0;
    FUZZ_ASSERT(kkr_money_parse(imp, n, &back) && back == ore);
    /* display rounding: within half a unit of the exact value */
    int64_t kkr = kkr_money_in_unit(ore, KKR_UNIT_KKR);
    double diff = fabs((double)kkr * 100000.0 - (double)ore);
    FUZZ_ASSERT(diff <= 50000.0 + fabs((double)ore) * 1e-15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;

    int64_t ore = 0, fast = 0;
    bool ok = kkr_money_parse(s, size, &ore);
    if (ok)
        check_amount_roundtrip(ore);
    bool fast_ok = kkr_import_parse_amount(s, size, &fast);
    FUZZ_ASSERT(fast_ok == ok);
    if (ok)
        FUZZ_ASSERT(fast == ore);

    double d;
    if (kkr_decimal_parse(s, size, &d))
        FUZZ_ASSERT(isfinite(d));

    int year = 0, month = 0;
    if (kkr_period_parse(s, size, &year, &month)) {
        FUZZ_ASSERT(year >= 1900 && year <= 2199);
        FUZZ_ASSERT(month >= 0 && month <= 12);
    }
    int p = kkr_import_parse_period(s, size);
    if (p) {
        FUZZ_ASSERT(p / 100 >= 1900 && p / 100 <= 2199 && p % 100 >= 1 && p % 100 <= 12);
        if (size == 6 || size == 7) {
            int y2, m2;
            FUZZ_ASSERT(kkr_period_parse(s, size, &y2, &m2) && y2 * 100 + m2 == p);
        }
    }
    enum kkr_kind kind;
    (void)kkr_kind_parse(s, size, &kind);

    /* text helpers */
    size_t bad = 0;
    bool valid = kkr_utf8_valid(s, size, &bad);
    FUZZ_ASSERT(valid || bad < size);
    size_t w = kkr_utf8_width(s, size);
    FUZZ_ASSERT(w <= size);
    size_t pre = kkr_utf8_prefix(s, size, w / 2);
    FUZZ_ASSERT(pre <= size);
    size_t clen = 0;
    char *conv = kkr_cp1252_to_utf8(s, size, &clen);
    if (conv) {
        FUZZ_ASSERT(kkr_utf8_valid(conv, clen, NULL));
        free(conv);
    }
    const char *t = s;
    size_t tl = size;
    kkr_text_trim(&t, &tl);
    FUZZ_ASSERT(t >= s && t + tl <= s + size);
    (void)kkr_text_equal_fold(s, size, "kostnad", 7);
    (void)kkr_text_equal_fold(s, size / 2, s + size / 2, size - size / 2);

    /* NUL-terminated copies for the string APIs */
    char *z = malloc(size + 1);
    if (!z)
        return 0;
    memcpy(z, s, size);
    z[size] = '\0';
    char *lower = malloc(size + 1);
    if (lower) {
        size_t n = kkr_text_lower_first(lower, z, size);
        FUZZ_ASSERT(n <= size);
        free(lower);
    }
    enum kkr_display_unit unit;
    (void)kkr_display_unit_parse(z, &unit);
    size_t zl = strlen(z);
    char *safe = malloc(zl + 2);
    if (safe) {
        kkr_csv_safe_text(z, safe, zl + 2);
        FUZZ_ASSERT(strchr("=+-@\t\r", safe[0]) == NULL || safe[0] == '\0');
        free(safe);
    }
    free(z);
    return 0;
}
