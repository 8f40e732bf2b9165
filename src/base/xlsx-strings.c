/* xlsx-strings.c — the workbook-wide tables of an .xlsx: shared strings, date styles */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#include "xlsx-private.h"

/* ---- text with _xHHHH_ escapes (how OOXML writes control characters) ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Undoes _xHHHH_ in place (a literal "_x" is written "_x005F_x"); returns the new length. */
size_t xlsx_unescape_ooxml(char *s, size_t len)
{
    if (!memchr(s, '_', len))
        return len;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '_' && i + 6 < len + 0 && s[i + 1] == 'x' && s[i + 6] == '_') {
            int v = 0;
            bool ok = true;
            for (int k = 2; k < 6; k++) {
                int h = hexval(s[i + k]);
                if (h < 0)
                    ok = false;
                v = v * 16 + (h < 0 ? 0 : h);
            }
            if (ok && v != 0 && !(v >= 0xd800 && v < 0xe000)) {
                if (v < 0x80) {
                    s[o++] = (char)v;
                } else if (v < 0x800) {
                    s[o++] = (char)(0xc0 | (v >> 6));
                    s[o++] = (char)(0x80 | (v & 0x3f));
                } else {
                    s[o++] = (char)(0xe0 | (v >> 12));
                    s[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
                    s[o++] = (char)(0x80 | (v & 0x3f));
                }
                i += 7;
                continue;
            }
        }
        s[o++] = s[i++];
    }
    s[o] = '\0';
    return o;
}

/* ---- sharedStrings.xml ---- */

struct sst_ctx {
    struct part_ctx pc;
    int depth_phonetic;     /* inside <rPh>: phonetic guides are no part of the text */
    bool in_si, in_t;
    size_t start;           /* where the current string starts in sst_text */
};

static bool sst_append(struct kkr_xlsx *x, const char *s, size_t len)
{
    if (!xlsx_grow((void **)&x->sst_text, &x->sst_cap, x->sst_len + len + 1, 1))
        return false;
    memcpy(x->sst_text + x->sst_len, s, len);
    x->sst_len += len;
    return true;
}

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sst_ctx *sc = ud;
    struct kkr_xlsx *x = sc->pc.x;
    const char *n = xlsx_local(name);
    (void)atts;
    if (strcmp(n, "si") == 0) {
        sc->in_si = true;
        sc->start = x->sst_len;
    } else if (strcmp(n, "rPh") == 0) {
        sc->depth_phonetic++;
    } else if (strcmp(n, "t") == 0 && sc->in_si && !sc->depth_phonetic) {
        sc->in_t = true;
    }
}

static void sst_end(void *ud, const XML_Char *name)
{
    struct sst_ctx *sc = ud;
    struct kkr_xlsx *x = sc->pc.x;
    const char *n = xlsx_local(name);
    if (strcmp(n, "t") == 0) {
        sc->in_t = false;
    } else if (strcmp(n, "rPh") == 0) {
        sc->depth_phonetic--;
    } else if (strcmp(n, "si") == 0 && sc->in_si) {
        sc->in_si = false;
        if (!xlsx_grow((void **)&x->sst_off, &x->sst_cap_items, x->sst_count + 1,
                       sizeof *x->sst_off) ||
            !sst_append(x, "", 0)) {
            xlsx_stop(&sc->pc, xlsx_nomem(sc->pc.diag, x->name));
            return;
        }
        size_t len = xlsx_unescape_ooxml(x->sst_text + sc->start, x->sst_len - sc->start);
        x->sst_len = sc->start + len;
        x->sst_text[x->sst_len++] = '\0';
        x->sst_off[x->sst_count++] = sc->start;
    }
}

static void sst_chars(void *ud, const XML_Char *s, int len)
{
    struct sst_ctx *sc = ud;
    if (sc->in_t && !sst_append(sc->pc.x, s, (size_t)len))
        xlsx_stop(&sc->pc, xlsx_nomem(sc->pc.diag, sc->pc.x->name));
}

enum kkr_status xlsx_read_strings(struct kkr_xlsx *x, struct kkr_diag *diag)
{
    struct sst_ctx sc = {.pc = {.x = x, .diag = diag, .status = KKR_OK}};
    XML_Parser p = xlsx_new_parser(&sc.pc);
    if (!p)
        return xlsx_nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, sst_start, sst_end);
    XML_SetCharacterDataHandler(p, sst_chars);
    const char *part = x->strings_part ? x->strings_part : "xl/sharedStrings.xml";
    enum kkr_status st = xlsx_parse_part(x, part, p, &sc.pc, true, diag);
    XML_ParserFree(p);
    return st == KKR_ERR_NOT_FOUND ? KKR_OK : st;
}

/* ---- styles.xml: which cell formats are dates ---- */

static bool builtin_date_format(int id)
{
    /* 14-17 and 22 are dates (d/m/yyyy, d-mmm-yy, d-mmm, mmm-yy, m/d/yyyy h:mm); 27-36 and
     * 50-58 the East Asian date forms. 18-21 and 45-47 are times of day, not dates. */
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* A custom format is a date when, outside quotes, brackets and escapes, it has a y or a d, or
 * an m without h or s (then it is minutes). "General", "0.00", "# ##0" are not. */
static bool custom_date_format(const char *code)
{
    bool y = false, d = false, m = false, hs = false;
    for (const char *c = code; *c; c++) {
        if (*c == '"') {
            const char *q = strchr(c + 1, '"');
            if (!q)
                break;
            c = q;
        } else if (*c == '[') {
            const char *q = strchr(c + 1, ']');
            if (!q)
                break;
            c = q;
        } else if (*c == '\\' || *c == '_' || *c == '*') {
            if (!c[1])
                break;
            c++;
        } else if (*c == ';') {
            break; /* the first section decides */
        } else {
            switch (*c) {
            case 'y': case 'Y': y = true; break;
            case 'd': case 'D': d = true; break;
            case 'm': case 'M': m = true; break;
            case 'h': case 'H': case 's': case 'S': hs = true; break;
            default: break;
            }
        }
    }
    return y || d || (m && !hs);
}

struct styles_ctx {
    struct part_ctx pc;
    bool in_cellxfs;
};

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct styles_ctx *sc = ud;
    struct kkr_xlsx *x = sc->pc.x;
    const char *n = xlsx_local(name);
    if (sc->pc.status != KKR_OK)
        return;
    if (strcmp(n, "numFmt") == 0) {
        const char *id = xlsx_attr(atts, "numFmtId"), *code = xlsx_attr(atts, "formatCode");
        if (id && code && custom_date_format(code)) {
            if (!xlsx_grow((void **)&x->fmt_ids, &x->fmt_cap, x->fmt_count + 1,
                           sizeof *x->fmt_ids)) {
                xlsx_stop(&sc->pc, xlsx_nomem(sc->pc.diag, x->name));
                return;
            }
            x->fmt_ids[x->fmt_count++] = atoi(id);
        }
    } else if (strcmp(n, "cellXfs") == 0) {
        sc->in_cellxfs = true;
    } else if (strcmp(n, "xf") == 0 && sc->in_cellxfs) {
        const char *id = xlsx_attr(atts, "numFmtId");
        int fmt = id ? atoi(id) : 0;
        bool date = builtin_date_format(fmt);
        for (size_t i = 0; i < x->fmt_count && !date; i++)
            date = x->fmt_ids[i] == fmt;
        if (!xlsx_grow((void **)&x->xf_date, &x->xf_cap, x->xf_count + 1, sizeof *x->xf_date)) {
            xlsx_stop(&sc->pc, xlsx_nomem(sc->pc.diag, x->name));
            return;
        }
        x->xf_date[x->xf_count++] = date;
    }
}

static void styles_end(void *ud, const XML_Char *name)
{
    struct styles_ctx *sc = ud;
    if (strcmp(xlsx_local(name), "cellXfs") == 0)
        sc->in_cellxfs = false;
}

enum kkr_status xlsx_read_styles(struct kkr_xlsx *x, struct kkr_diag *diag)
{
    struct styles_ctx sc = {.pc = {.x = x, .diag = diag, .status = KKR_OK}};
    XML_Parser p = xlsx_new_parser(&sc.pc);
    if (!p)
        return xlsx_nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, styles_start, styles_end);
    const char *part = x->styles_part ? x->styles_part : "xl/styles.xml";
    enum kkr_status st = xlsx_parse_part(x, part, p, &sc.pc, true, diag);
    XML_ParserFree(p);
    return st == KKR_ERR_NOT_FOUND ? KKR_OK : st;
}
