/* money.c — amounts in öre: parsing Swedish forms, checked arithmetic, display rounding */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kkr/money.h"

const struct kkr_number_style KKR_STYLE_TEXT = {" ", "-", ","};
const struct kkr_number_style KKR_STYLE_PLAIN = {"", "-", "."};
const struct kkr_number_style KKR_STYLE_EXCEL = {"", "-", ","};
const struct kkr_number_style KKR_STYLE_PRINT = {"\xe2\x80\xaf", "\xe2\x88\x92", ","};

bool kkr_display_unit_parse(const char *s, enum kkr_display_unit *out)
{
    if (strcasecmp(s, "kr") == 0)
        *out = KKR_UNIT_KR;
    else if (strcasecmp(s, "kkr") == 0 || strcasecmp(s, "tkr") == 0)
        *out = KKR_UNIT_KKR;
    else if (strcasecmp(s, "mnkr") == 0 || strcasecmp(s, "mkr") == 0)
        *out = KKR_UNIT_MNKR;
    else
        return false;
    return true;
}

const char *kkr_display_unit_name(enum kkr_display_unit unit)
{
    switch (unit) {
    case KKR_UNIT_KR: return "kr";
    case KKR_UNIT_KKR: return "kkr";
    case KKR_UNIT_MNKR: return "mnkr";
    }
    return "kkr";
}

/* Length of a space-like separator at s (ASCII space, U+00A0, U+202F), else 0. */
static size_t space_at(const char *s, size_t left)
{
    const unsigned char *u = (const unsigned char *)s;
    if (left >= 1 && (u[0] == ' ' || u[0] == '\t'))
        return 1;
    if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
        return 2;
    if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf)
        return 3;
    return 0;
}

/* Length of a minus sign at s: '-', U+2212 minus, U+2013 en dash (Word turns '-' into it). */
static size_t minus_at(const char *s, size_t left)
{
    const unsigned char *u = (const unsigned char *)s;
    if (left >= 1 && u[0] == '-')
        return 1;
    if (left >= 3 && u[0] == 0xe2 && u[1] == 0x88 && u[2] == 0x92)
        return 3;
    if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0x93)
        return 3;
    return 0;
}

/* The shared scanner of both parsers: sign, digit groups, one decimal separator.
 * Fills the integer digits' value (checked against limit) and up to max_dec decimals. */
struct scanned {
    bool negative;
    unsigned long long whole;   /* integer part */
    unsigned long long frac;    /* decimals as an integer */
    int frac_digits;
    bool percent;
};

static bool scan_number(const char *s, size_t len, int max_dec, bool allow_percent,
                        struct scanned *out)
{
    size_t i = 0, n;
    memset(out, 0, sizeof *out);
    while ((n = space_at(s + i, len - i)) > 0)
        i += n;
    /* trailing spaces (and an optional percent sign) */
    for (;;) {
        if (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
            len--;
        } else if (len >= i + 2 && (unsigned char)s[len - 2] == 0xc2 &&
                   (unsigned char)s[len - 1] == 0xa0) {
            len -= 2;
        } else if (len >= i + 3 && (unsigned char)s[len - 3] == 0xe2 &&
                   (unsigned char)s[len - 2] == 0x80 && (unsigned char)s[len - 1] == 0xaf) {
            len -= 3;
        } else if (allow_percent && !out->percent && len > i && s[len - 1] == '%') {
            out->percent = true;
            len--;
        } else {
            break;
        }
    }
    if ((n = minus_at(s + i, len - i)) > 0) {
        out->negative = true;
        i += n;
        /* "– 1 234,5": several kommuner publish a space after the sign; a lone sign stays an
         * error below (no digits) */
        while ((n = space_at(s + i, len - i)) > 0)
            i += n;
    } else if (i < len && s[i] == '+') {
        i++;
    }
    size_t group_digits = 0;     /* digits in the current group */
    bool grouped = false;        /* a thousands separator has been seen */
    size_t int_digits = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9') {
            if (out->whole > (~0ULL - 9) / 10)
                return false;
            out->whole = out->whole * 10 + (c - '0');
            group_digits++;
            int_digits++;
            i++;
        } else if ((n = space_at(s + i, len - i)) > 0) {
            /* a thousands separator: groups after the first have exactly three digits */
            if (group_digits == 0 || (grouped && group_digits != 3) || group_digits > 3)
                return false;
            grouped = true;
            group_digits = 0;
            i += n;
        } else {
            break;
        }
    }
    if (int_digits == 0 || (grouped && group_digits != 3))
        return false;
    if (i < len && (s[i] == ',' || s[i] == '.')) {
        i++;
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (out->frac_digits >= max_dec)
                return false;
            out->frac = out->frac * 10 + (unsigned)(s[i] - '0');
            out->frac_digits++;
            i++;
        }
        if (i == start)
            return false;
    }
    return i == len;
}

bool kkr_money_parse(const char *s, size_t len, int64_t *out_ore)
{
    struct scanned sc;
    if (!scan_number(s, len, 2, false, &sc))
        return false;
    unsigned long long frac = sc.frac_digits == 1 ? sc.frac * 10 : sc.frac;
    /* |value| in öre must fit in int64 (INT64_MIN excluded so that negation is always safe) */
    if (sc.whole > (unsigned long long)INT64_MAX / 100 ||
        sc.whole * 100 + frac > (unsigned long long)INT64_MAX)
        return false;
    int64_t ore = (int64_t)(sc.whole * 100 + frac);
    *out_ore = sc.negative ? -ore : ore;
    return true;
}

bool kkr_decimal_parse(const char *s, size_t len, double *out)
{
    struct scanned sc;
    if (!scan_number(s, len, 18, true, &sc))
        return false;
    double v = (double)sc.whole;
    if (sc.frac_digits > 0)
        v += (double)sc.frac / pow(10.0, sc.frac_digits);
    if (sc.negative)
        v = -v;
    if (sc.percent)
        v /= 100.0;
    *out = v;
    return true;
}

bool kkr_money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool kkr_money_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool kkr_money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

int64_t kkr_money_div_round(int64_t a, int64_t divisor)
{
    int64_t q = a / divisor, r = a % divisor;
    /* half away from zero: |r| * 2 >= divisor (no overflow: |r| < divisor) */
    if (r < 0 ? -r >= divisor - (-r) : r >= divisor - r)
        q += a < 0 ? -1 : 1;
    return q;
}

static int64_t unit_divisor(enum kkr_display_unit unit)
{
    switch (unit) {
    case KKR_UNIT_KR: return 100;
    case KKR_UNIT_KKR: return 100000;
    case KKR_UNIT_MNKR: return 10000000; /* tenths of a million kronor */
    }
    return 100000;
}

int64_t kkr_money_in_unit(int64_t ore, enum kkr_display_unit unit)
{
    return kkr_money_div_round(ore, unit_divisor(unit));
}

/* Digits of |v| with thousands separators; returns length (snprintf semantics). */
static size_t format_grouped(char *buf, size_t size, uint64_t v, const char *thousands)
{
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t seplen = strlen(thousands), pos = 0;
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0) {
            for (size_t k = 0; k < seplen; k++, pos++)
                if (pos + 1 < size)
                    buf[pos] = thousands[k];
        }
        if (pos + 1 < size)
            buf[pos] = digits[i];
        pos++;
    }
    if (size)
        buf[pos < size ? pos : size - 1] = '\0';
    return pos;
}

/* Writes sign + grouped integer part + optional decimals. */
static size_t format_number(char *buf, size_t size, int64_t value, int decimals,
                            const struct kkr_number_style *style)
{
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    char intpart[64];
    format_grouped(intpart, sizeof intpart, mag / scale, style->thousands);
    if (decimals == 0)
        return (size_t)snprintf(buf, size, "%s%s", value < 0 ? style->minus : "", intpart);
    return (size_t)snprintf(buf, size, "%s%s%s%0*llu", value < 0 ? style->minus : "", intpart,
                            style->decimal, decimals, (unsigned long long)(mag % scale));
}

size_t kkr_int_format(char *buf, size_t size, int64_t value, const struct kkr_number_style *style)
{
    return format_number(buf, size, value, 0, style);
}

size_t kkr_money_format(char *buf, size_t size, int64_t ore, enum kkr_display_unit unit,
                        const struct kkr_number_style *style)
{
    return format_number(buf, size, kkr_money_in_unit(ore, unit),
                         unit == KKR_UNIT_MNKR ? 1 : 0, style);
}

size_t kkr_money_format_decimals(char *buf, size_t size, int64_t ore,
                                enum kkr_display_unit unit, int decimals,
                                const struct kkr_number_style *style)
{
    if (decimals < 0)
        return kkr_money_format(buf, size, ore, unit, style);
    int64_t whole = unit == KKR_UNIT_KR ? 100 : unit == KKR_UNIT_MNKR ? 100000000 : 100000;
    if (decimals > 2)
        decimals = 2;
    for (int i = 0; i < decimals; i++)
        whole /= 10;
    return format_number(buf, size, kkr_money_div_round(ore, whole), decimals, style);
}

size_t kkr_money_format_exact(char *buf, size_t size, int64_t ore,
                              const struct kkr_number_style *style)
{
    return format_number(buf, size, ore, 2, style);
}

double kkr_money_to_kr(int64_t ore)
{
    return (double)ore / 100.0;
}

bool kkr_money_from_kr(double kr, int64_t *out_ore)
{
    double x = round(kr * 100.0); /* round() is half away from zero */
    if (!isfinite(x) || x >= 9.2e18 || x <= -9.2e18)
        return false;
    *out_ore = (int64_t)x;
    return true;
}
