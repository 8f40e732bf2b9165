/* text.c — UTF-8 validation and width, Swedish case folding, Windows-1252 conversion */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/text.h"

size_t kkr_utf8_sequence(const char *text, size_t left)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return left >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0; /* overlong, or a UTF-16 surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

bool kkr_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* skip ASCII eight bytes at a time: most of a ledger is ASCII */
        while (i + 8 <= len) {
            uint64_t word;
            memcpy(&word, u + i, sizeof word);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = u[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            cp = c & 0x07;
        } else {
            goto bad;
        }
        if (i + n > len)
            goto bad;
        for (size_t k = 1; k < n; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                goto bad;
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        /* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto bad;
        i += n;
    }
    return true;
bad:
    if (bad_offset)
        *bad_offset = i;
    return false;
}

size_t kkr_utf8_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

size_t kkr_utf8_prefix(const char *s, size_t len, size_t width)
{
    size_t w = 0, i = 0;
    while (i < len) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (w == width)
                break;
            w++;
        }
        i++;
    }
    return i;
}

/* Windows-1252 0x80..0x9f; 0 where the code page has no character. */
static const uint16_t cp1252_high[32] = {
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
    0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

char *kkr_cp1252_to_utf8(const char *s, size_t len, size_t *out_len)
{
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        if (c >= 0x80 && c < 0xa0)
            cp = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xfffd;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xc0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[o++] = (char)(0xe0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

/* Folds one character at s to lower case; returns its byte length and sets *cp. Handles ASCII
 * and the Latin-1 letters (U+00C0..U+00DE -> +0x20), which covers Å Ä Ö É Ü. */
static size_t fold_at(const char *s, size_t left, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = (u[0] >= 'A' && u[0] <= 'Z') ? u[0] + 32u : u[0];
        return 1;
    }
    if (left >= 2 && u[0] == 0xc3) {
        uint32_t c = 0xc0 + (u[1] & 0x3f);
        if (c >= 0xc0 && c <= 0xde && c != 0xd7)
            c += 0x20;
        *cp = c;
        return 2;
    }
    *cp = 0x110000u + u[0]; /* anything else compares bytewise */
    return 1;
}

bool kkr_text_equal_fold(const char *a, size_t alen, const char *b, size_t blen)
{
    kkr_text_trim(&a, &alen);
    kkr_text_trim(&b, &blen);
    size_t i = 0, j = 0;
    while (i < alen && j < blen) {
        uint32_t ca, cb;
        i += fold_at(a + i, alen - i, &ca);
        j += fold_at(b + j, blen - j, &cb);
        if (ca != cb)
            return false;
    }
    return i == alen && j == blen;
}

static bool is_upper_at(const char *s, size_t left)
{
    const unsigned char *u = (const unsigned char *)s;
    if (left >= 1 && u[0] >= 'A' && u[0] <= 'Z')
        return true;
    return left >= 2 && u[0] == 0xc3 && u[1] >= 0x80 && u[1] <= 0x9e && u[1] != 0x97;
}

size_t kkr_text_lower_first(char *dst, const char *s, size_t len)
{
    memcpy(dst, s, len);
    dst[len] = '\0';
    if (len == 0 || !is_upper_at(s, len))
        return len;
    size_t first = ((unsigned char)s[0] < 0x80) ? 1 : 2;
    if (first < len && is_upper_at(s + first, len - first))
        return len; /* an abbreviation: "HSL & Rehab", "LSS" */
    if (first == 1)
        dst[0] = (char)(s[0] + 32);
    else
        dst[1] = (char)(s[1] + 0x20);
    return len;
}

const char *kkr_text_printable(const char *s, char *buf, size_t size)
{
    size_t n = 0, len = strlen(s);
    if (size == 0)
        return buf;
    for (size_t i = 0; i < len && n + 1 < size;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = 1;
        if (c >= 0x80) {
            k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
            if (k == 0 || i + k > len || !kkr_utf8_valid(s + i, k, NULL) ||
                (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0)) {
                buf[n++] = '?';
                i += k ? k : 1;
                continue;
            }
            if (n + k + 1 > size)
                break;
            memcpy(buf + n, s + i, k);
            n += k;
            i += k;
            continue;
        }
        buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
        i++;
    }
    buf[n] = '\0';
    return buf;
}

bool kkr_text_has_control(const char *s, size_t len, const char *allow, size_t *at)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool control = (c < 0x20 && !(c != 0 && strchr(allow, c))) || c == 0x7f ||
                       (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
                        (unsigned char)s[i + 1] < 0xA0);
        if (control) {
            if (at)
                *at = i;
            return true;
        }
    }
    return false;
}
