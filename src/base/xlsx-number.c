/* xlsx-number.c — the numbers and dates of .xlsx cells: exact öre, serial dates */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#include "xlsx-private.h"

/* ---- numbers and dates ---- */

/* Splits a stored number into sign, digits (without the point) and the position of the
 * point among them: "-1.25E+2" -> negative, "125", point after 3. Leading and trailing
 * zeros are removed. */
struct decimal {
    bool negative;
    char digits[64];
    size_t count;
    long point;      /* digits[0 .. point-1] are the integer part; may be <0 or > count */
};

static bool decimal_parse(const char *s, size_t len, struct decimal *d)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    while (len > i && s[len - 1] == ' ')
        len--;
    memset(d, 0, sizeof *d);
    if (i < len && (s[i] == '-' || s[i] == '+'))
        d->negative = s[i++] == '-';
    bool any = false, dot = false;
    long point = 0;
    size_t kept = 0;
    long dropped_int = 0;  /* integer digits beyond the buffer */
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            any = true;
            if (c == '0' && d->count == 0) {
                if (dot)
                    point--; /* 0.001: zeros after the point move it */
                continue;
            }
            if (d->count < sizeof d->digits - 1) {
                d->digits[d->count++] = c;
                kept++;
                if (!dot)
                    point++;
            } else if (!dot) {
                dropped_int++;
            } else if (c != '0') {
                /* a long fraction beyond 63 digits: cannot change the öre of anything
                 * that fits, but keep a non-zero trace for rounding */
            }
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!any)
        return false;
    if (dropped_int)
        return false; /* more than 63 significant integer digits */
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        if (i >= len)
            return false;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            exp = exp * 10 + (s[i] - '0');
            if (exp > 1000)
                return false;
        }
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return false;
    (void)kept;
    while (d->count > 0 && d->digits[d->count - 1] == '0')
        d->count--;
    d->digits[d->count] = '\0';
    d->point = d->count ? point + exp : 0;
    if (d->count == 0)
        d->negative = false;
    return true;
}

bool kkr_xlsx_number_plain(const char *s, size_t len, char *buf, size_t size)
{
    struct decimal d;
    if (!decimal_parse(s, len, &d))
        return false;
    size_t o = 0;
#define PUT(ch)                  \
    do {                         \
        if (o + 1 >= size)       \
            return false;        \
        buf[o++] = (ch);         \
    } while (0)
    if (d.negative)
        PUT('-');
    if (d.point <= 0) {
        PUT('0');
        if (d.count) {
            PUT('.');
            for (long k = d.point; k < 0; k++)
                PUT('0');
            for (size_t k = 0; k < d.count; k++)
                PUT(d.digits[k]);
        }
    } else {
        for (long k = 0; k < d.point; k++)
            PUT((size_t)k < d.count ? d.digits[k] : '0');
        if ((size_t)d.point < d.count) {
            PUT('.');
            for (size_t k = (size_t)d.point; k < d.count; k++)
                PUT(d.digits[k]);
        }
    }
#undef PUT
    buf[o] = '\0';
    return true;
}

bool kkr_xlsx_number_ore(const char *s, size_t len, int64_t *out_ore)
{
    struct decimal d;
    if (!decimal_parse(s, len, &d))
        return false;
    /* öre = the digits up to two places after the point; the third decides the rounding */
    long upto = d.point + 2;
    if (upto > 20)
        return false;
    uint64_t v = 0;
    for (long k = 0; k < upto; k++) {
        int digit = k >= 0 && (size_t)k < d.count ? d.digits[k] - '0' : 0;
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)digit;
    }
    if (upto >= 0 && (size_t)upto < d.count && d.digits[upto] >= '5')
        v++;
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out_ore = d.negative ? -(int64_t)v : (int64_t)v;
    return true;
}

/* Days from 1970-01-01 to a civil date and back (H. Hinnant's algorithms). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *year, int *month, int *day)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(y + (m <= 2));
    *month = m;
    *day = d;
}

bool kkr_xlsx_serial_date(const char *s, size_t len, bool date1904, int *year, int *month,
                          int *day)
{
    struct decimal d;
    if (!decimal_parse(s, len, &d) || d.negative || d.point > 7)
        return false;
    long serial = 0;
    for (long k = 0; k < d.point; k++)
        serial = serial * 10 + ((size_t)k < d.count ? d.digits[k] - '0' : 0);
    if (serial > 2958465) /* 9999-12-31 */
        return false;
    if (date1904) {
        civil_from_days(days_from_civil(1904, 1, 1) + serial, year, month, day);
        return true;
    }
    /* the 1900 system counts a 29 February 1900 that never was (Lotus 1-2-3's leap year) */
    if (serial == 60) {
        *year = 1900, *month = 2, *day = 29;
        return true;
    }
    if (serial == 0) {
        *year = 1900, *month = 1, *day = 0;
        return true;
    }
    long base = days_from_civil(1899, 12, serial < 60 ? 31 : 30);
    civil_from_days(base + serial, year, month, day);
    return true;
}

bool kkr_xlsx_cell_date(const struct kkr_xlsx *x, const struct kkr_xlsx_cell *cell, int *year,
                        int *month, int *day)
{
    if (cell->type == KKR_XLSX_DATE) {
        const char *s = cell->text;
        if (cell->len < 10 || s[4] != '-' || s[7] != '-')
            return false;
        for (int i = 0; i < 10; i++)
            if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                return false;
        *year = atoi(s);
        *month = (s[5] - '0') * 10 + (s[6] - '0');
        *day = (s[8] - '0') * 10 + (s[9] - '0');
        return *month >= 1 && *month <= 12 && *day >= 1 && *day <= 31;
    }
    if (cell->type != KKR_XLSX_NUMBER || !cell->is_date)
        return false;
    return kkr_xlsx_serial_date(cell->text, cell->len, x->date1904, year, month, day);
}

void kkr_xlsx_diag_locate(struct kkr_diag *diag, const char *file, const char *sheet)
{
    if (!diag || strcmp(diag->file, file) != 0)
        return;
    char loc[sizeof diag->file];
    if (diag->line > 0 && diag->column > 0) {
        char ref[16];
        kkr_xlsx_cell_name(diag->line, diag->column, ref, sizeof ref);
        snprintf(loc, sizeof loc, "%s:%s!%s", file, sheet, ref);
    } else if (diag->line > 0) {
        snprintf(loc, sizeof loc, "%s:%s!%ld:%ld", file, sheet, diag->line, diag->line);
    } else {
        snprintf(loc, sizeof loc, "%s:%s", file, sheet);
    }
    memcpy(diag->file, loc, sizeof diag->file);
    diag->line = 0;
    diag->column = 0;
}
