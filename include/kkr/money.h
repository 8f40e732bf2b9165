/* money.h — amounts as int64 öre: parsing Swedish forms, checked arithmetic, display rounding */
#ifndef KKR_MONEY_H
#define KKR_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KKR_ORE_PER_KR 100

/* The display units of every table. mnkr is shown with one decimal. */
enum kkr_display_unit { KKR_UNIT_KR, KKR_UNIT_KKR, KKR_UNIT_MNKR };

/* Parses "kr", "kkr", "tkr" or "mnkr"; returns false on anything else. */
bool kkr_display_unit_parse(const char *s, enum kkr_display_unit *out);
/* "kr", "kkr", "mnkr" */
const char *kkr_display_unit_name(enum kkr_display_unit unit);

/* Parses a Swedish or plain amount in kronor into öre: "-1 234,56", "1234.56", "−12", "–12",
 * "– 1 234,5" (a space after the sign, as published tables have it),
 * "1 234" with space, no-break space (U+00A0) or narrow no-break space (U+202F) as thousands
 * separators, decimal comma or point with at most two decimals, surrounding spaces allowed.
 * Rejects "1.234,56" (two kinds of separator), "12,3,4", empty input, and overflow.
 * Returns false, with *out_ore untouched, on anything else. */
bool kkr_money_parse(const char *s, size_t len, int64_t *out_ore);

/* Parses a plain decimal number with the same rules (comma or point, spaces, minus forms),
 * any number of decimals, optionally followed by "%" (then divided by 100). */
bool kkr_decimal_parse(const char *s, size_t len, double *out);

/* Checked arithmetic: false on overflow, *out untouched. */
bool kkr_money_add(int64_t a, int64_t b, int64_t *out);
bool kkr_money_sub(int64_t a, int64_t b, int64_t *out);
bool kkr_money_mul(int64_t a, int64_t b, int64_t *out);

/* a / divisor rounded half away from zero. divisor > 0. */
int64_t kkr_money_div_round(int64_t a, int64_t divisor);

/* The value in the display unit, rounded half away from zero: whole kr, whole kkr, or
 * tenths of mnkr (197 380 123,45 kr -> 1974 for mnkr). */
int64_t kkr_money_in_unit(int64_t ore, enum kkr_display_unit unit);

/* How numbers look. thousands may be "" (none). */
struct kkr_number_style {
    const char *thousands;
    const char *minus;
    const char *decimal;
};
extern const struct kkr_number_style KKR_STYLE_TEXT;  /* "1 234", "-", "," : tables on screen */
extern const struct kkr_number_style KKR_STYLE_PLAIN; /* "1234", "-", "." : CSV and JSON */
extern const struct kkr_number_style KKR_STYLE_EXCEL; /* "1234", "-", "," : Swedish Excel */
extern const struct kkr_number_style KKR_STYLE_PRINT; /* U+202F, U+2212, "," : PDF and charts */

/* Formats an amount in öre in the display unit (rounded) into buf; returns the length
 * written (snprintf semantics: the length it would have had if buf were large enough). */
size_t kkr_money_format(char *buf, size_t size, int64_t ore, enum kkr_display_unit unit,
                        const struct kkr_number_style *style);

/* The same with decimals 0..2 in the display unit (-1: the unit's default, as
 * kkr_money_format): 197 380 123,45 kr in mnkr with 2 decimals is "197,38". */
size_t kkr_money_format_decimals(char *buf, size_t size, int64_t ore,
                                 enum kkr_display_unit unit, int decimals,
                                 const struct kkr_number_style *style);

/* Formats an integer with the style's thousands separator and minus. */
size_t kkr_int_format(char *buf, size_t size, int64_t value, const struct kkr_number_style *style);

/* Formats exact öre as kronor with two decimals ("-1 234,56" in TEXT style). */
size_t kkr_money_format_exact(char *buf, size_t size, int64_t ore,
                              const struct kkr_number_style *style);

/* The only bridges between öre and floating point (for GSL): kronor as double, and back with
 * rounding half away from zero to öre. kkr_money_from_kr returns false when the value is not
 * finite or does not fit. */
double kkr_money_to_kr(int64_t ore);
bool kkr_money_from_kr(double kr, int64_t *out_ore);

#endif
