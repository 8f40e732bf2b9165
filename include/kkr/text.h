/* text.h — small UTF-8 helpers: validation, width, Swedish case folding, Windows-1252 */
#ifndef KKR_TEXT_H
#define KKR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is valid UTF-8. *bad_offset (may be NULL) gets the first bad byte. */
bool kkr_utf8_valid(const char *s, size_t len, size_t *bad_offset);
/* The length of the valid UTF-8 character at s (1 for ASCII, 2..4), or 0 when s[0..left)
 * starts none (a stray byte, overlong, a UTF-16 surrogate, cut off). */
size_t kkr_utf8_sequence(const char *s, size_t left);

/* Number of code points (the display width in a monospaced terminal for Swedish text). */
size_t kkr_utf8_width(const char *s, size_t len);

/* Byte length of the longest prefix of s that is at most width code points. */
size_t kkr_utf8_prefix(const char *s, size_t len, size_t width);

/* Converts Windows-1252 to UTF-8 (malloc'd, NUL-terminated). NULL on out of memory. */
char *kkr_cp1252_to_utf8(const char *s, size_t len, size_t *out_len);

/* Compares ASCII and Å Ä Ö É Ü case-insensitively after trimming spaces. */
bool kkr_text_equal_fold(const char *a, size_t alen, const char *b, size_t blen);

/* Writes s into dst lowercasing its first letter (Å->å, Ä->ä, Ö->ö too) unless the second
 * letter is upper case too (an abbreviation like "HSL"). Returns the bytes written. dst must
 * hold len + 1 bytes. */
size_t kkr_text_lower_first(char *dst, const char *s, size_t len);

/* Trims ASCII spaces and tabs at both ends: adjusts *s and *len. Inline, with a quick exit for
 * the usual untrimmed field: the ledger import calls it for every field of every row. */
static inline void kkr_text_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    if (n == 0 || (p[0] != ' ' && p[0] != '\t' && p[n - 1] != ' ' && p[n - 1] != '\t'))
        return;
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

/* Copies s into buf (NUL-terminated, cut at a character boundary to fit) for a terminal or a
 * message: control characters (C0, DEL, C1) and bytes that are not UTF-8 become '?', so no
 * ESC sequence from a file name or a field reaches the terminal. Returns buf. */
const char *kkr_text_printable(const char *s, char *buf, size_t size);

/* True when s[0..len) holds a control character (C0 other than those in allow, DEL, or C1
 * U+0080..U+009F); *at is then its byte offset. allow: e.g. "\n\r" for comments, or "". */
bool kkr_text_has_control(const char *s, size_t len, const char *allow, size_t *at);

#endif
