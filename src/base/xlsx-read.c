/* xlsx-read.c — .xlsx workbooks read cell by cell: parts from libzip, XML through expat */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#define MAX_COLUMNS 16384L    /* XFD, Excel's last column */
#define MAX_ROWS 1048576L     /* Excel's last row */
#define MAX_PART_BYTES ((zip_uint64_t)1 << 32) /* a part inflating beyond this is refused */
#define CHUNK 65536

struct sheet {
    char *name;
    char *rid;
    char *part;   /* the zip entry, resolved from the relation */
    bool worksheet;
};

struct kkr_xlsx {
    char *name;
    zip_t *zip;
    zip_source_t *source;   /* for a buffer: owned by zip once opened */
    bool date1904;

    struct sheet *sheets;
    size_t sheet_count, sheet_cap;

    char *workbook_part;    /* xl/workbook.xml */
    char *strings_part;     /* from the workbook's relations, may be NULL */
    char *styles_part;

    /* shared strings: texts one after the other, NUL-terminated */
    char *sst_text;
    size_t sst_len, sst_cap;
    size_t *sst_off;
    size_t sst_count, sst_cap_items;

    /* styles: per cellXfs index, true when its number format is a date */
    bool *xf_date;
    size_t xf_count, xf_cap;
    int *fmt_ids;           /* custom numFmt ids that are dates */
    size_t fmt_count, fmt_cap;
};

/* ---- small helpers ---- */

static enum kkr_status nomem(struct kkr_diag *diag, const char *name)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > ((size_t)-1) / 4 / size)
            return false;
        c *= 2;
    }
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* The local part of an element or attribute name: "x:row" -> "row". */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* "id" of the relationships namespace (r:id), not a plain "id" */
static const char *attr_rid(const char **atts)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strchr(atts[i], ':') && strcmp(local(atts[i]), "id") == 0)
            return atts[i + 1];
    return attr(atts, "id");
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A relation's target against the folder of the part that names it: "worksheets/sheet1.xml"
 * from xl/workbook.xml is "xl/worksheets/sheet1.xml"; "/xl/x.xml" is absolute; ".." climbs. */
static char *resolve(const char *base_part, const char *target)
{
    size_t cap = strlen(base_part) + strlen(target) + 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = 0;
    if (target[0] == '/') {
        target++;
    } else {
        const char *slash = strrchr(base_part, '/');
        if (slash) {
            n = (size_t)(slash - base_part) + 1;
            memcpy(out, base_part, n);
        }
    }
    out[n] = '\0';
    while (*target) {
        size_t seg = strcspn(target, "/");
        if (seg == 2 && target[0] == '.' && target[1] == '.') {
            if (n > 0)
                n--; /* the slash ending the folder */
            while (n > 0 && out[n - 1] != '/')
                n--;
        } else if (!(seg == 1 && target[0] == '.') && seg > 0) {
            memcpy(out + n, target, seg);
            n += seg;
            if (target[seg] == '/')
                out[n++] = '/';
        }
        target += seg;
        if (*target == '/')
            target++;
    }
    out[n] = '\0';
    return out;
}

/* ---- reading one part through expat ---- */

struct part_ctx {
    struct kkr_xlsx *x;
    XML_Parser parser;
    struct kkr_diag *diag;
    enum kkr_status status;
    const char *sheet;      /* for messages from a sheet, else NULL */
};

static void stop(struct part_ctx *pc, enum kkr_status st)
{
    if (pc->status == KKR_OK)
        pc->status = st;
    XML_StopParser(pc->parser, XML_FALSE);
}

/* No DTDs: an .xlsx part never has one, and entity declarations are how XML bombs start. */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal)
{
    struct part_ctx *pc = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    stop(pc, kkr_fail(pc->diag, KKR_ERR_SYNTAX, pc->x->name, 0, 0,
                      "a DOCTYPE in an .xlsx part, expected plain XML as Excel writes it"));
}

static zip_int64_t locate(zip_t *zip, const char *part)
{
    zip_int64_t i = zip_name_locate(zip, part, 0);
    if (i < 0)
        i = zip_name_locate(zip, part, ZIP_FL_NOCASE);
    return i;
}

/* Streams a part into an expat parser set up by the caller. A missing part is
 * KKR_ERR_NOT_FOUND without a diagnostic when optional. */
static enum kkr_status parse_part(struct kkr_xlsx *x, const char *part, XML_Parser p,
                                  struct part_ctx *pc, bool optional, struct kkr_diag *diag)
{
    const char *where = pc->sheet;
    char loc[600];
    if (where)
        snprintf(loc, sizeof loc, "%s:%s", x->name, where);
    else
        snprintf(loc, sizeof loc, "%s", x->name);
    zip_int64_t index = locate(x->zip, part);
    if (index < 0) {
        if (optional)
            return KKR_ERR_NOT_FOUND;
        return kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0,
                        "no part '%s' in the file, expected an .xlsx workbook as Excel writes "
                        "it",
                        part);
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)index, 0);
    if (!zf)
        return kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0, "cannot open part '%s': %s", part,
                        zip_strerror(x->zip));
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    char *buf = malloc(CHUNK);
    if (!buf) {
        zip_fclose(zf);
        return nomem(diag, x->name);
    }
    zip_uint64_t total = 0;
    for (;;) {
        zip_int64_t got = zip_fread(zf, buf, CHUNK);
        if (got < 0) {
            if (pc->status == KKR_OK)
                pc->status = kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0,
                                      "cannot read part '%s' (%s), expected a whole .xlsx file",
                                      part, zip_file_strerror(zf));
            break;
        }
        total += (zip_uint64_t)got;
        if (total > MAX_PART_BYTES) {
            if (pc->status == KKR_OK)
                pc->status = kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0,
                                      "part '%s' inflates to more than 4 GB, expected a "
                                      "workbook of sensible size",
                                      part);
            break;
        }
        bool last = got == 0;
        if (XML_Parse(p, buf, (int)got, last) == XML_STATUS_ERROR) {
            if (pc->status == KKR_OK)
                pc->status = kkr_fail(
                    diag, KKR_ERR_SYNTAX, loc, 0, 0,
                    "malformed XML in part '%s' at line %lu, column %lu: %s", part,
                    (unsigned long)XML_GetCurrentLineNumber(p),
                    (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                    XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (pc->status != KKR_OK || last)
            break;
    }
    free(buf);
    zip_fclose(zf);
    return pc->status;
}

static XML_Parser new_parser(struct part_ctx *pc)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p) {
        XML_SetUserData(p, pc);
        pc->parser = p;
    }
    return p;
}

/* ---- _rels/.rels and the workbook's relations ---- */

struct rel {
    char *id, *target, *type;
};

struct rels_ctx {
    struct part_ctx pc;
    struct rel *items;
    size_t count, cap;
};

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct rels_ctx *rc = ud;
    if (strcmp(local(name), "Relationship") != 0 || rc->pc.status != KKR_OK)
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (!target)
        return;
    /* an external link (TargetMode="External") is no part of this file */
    const char *mode = attr(atts, "TargetMode");
    if (mode && strcmp(mode, "External") == 0)
        return;
    if (!grow((void **)&rc->items, &rc->cap, rc->count + 1, sizeof *rc->items)) {
        stop(&rc->pc, nomem(rc->pc.diag, rc->pc.x->name));
        return;
    }
    struct rel *r = &rc->items[rc->count++];
    r->id = strdup(id ? id : "");
    r->target = strdup(target);
    r->type = strdup(type ? type : "");
    if (!r->id || !r->target || !r->type)
        stop(&rc->pc, nomem(rc->pc.diag, rc->pc.x->name));
}

static void rels_release(struct rels_ctx *rc)
{
    for (size_t i = 0; i < rc->count; i++) {
        free(rc->items[i].id);
        free(rc->items[i].target);
        free(rc->items[i].type);
    }
    free(rc->items);
}

static enum kkr_status read_rels(struct kkr_xlsx *x, const char *part, struct rels_ctx *rc,
                                 bool optional, struct kkr_diag *diag)
{
    memset(rc, 0, sizeof *rc);
    rc->pc = (struct part_ctx){.x = x, .diag = diag, .status = KKR_OK};
    XML_Parser p = new_parser(&rc->pc);
    if (!p)
        return nomem(diag, x->name);
    XML_SetUserData(p, rc);
    XML_SetStartElementHandler(p, rels_start);
    enum kkr_status st = parse_part(x, part, p, &rc->pc, optional, diag);
    XML_ParserFree(p);
    return st;
}

/* ---- workbook.xml ---- */

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct part_ctx *pc = ud;
    struct kkr_xlsx *x = pc->x;
    const char *n = local(name);
    if (pc->status != KKR_OK)
        return;
    if (strcmp(n, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(n, "sheet") == 0) {
        const char *sname = attr(atts, "name"), *rid = attr_rid(atts);
        if (!grow((void **)&x->sheets, &x->sheet_cap, x->sheet_count + 1, sizeof *x->sheets)) {
            stop(pc, nomem(pc->diag, x->name));
            return;
        }
        struct sheet *s = &x->sheets[x->sheet_count++];
        memset(s, 0, sizeof *s);
        s->name = strdup(sname ? sname : "");
        s->rid = strdup(rid ? rid : "");
        if (!s->name || !s->rid)
            stop(pc, nomem(pc->diag, x->name));
    }
}

static enum kkr_status read_workbook(struct kkr_xlsx *x, struct kkr_diag *diag)
{
    struct rels_ctx rc;
    enum kkr_status st = read_rels(x, "_rels/.rels", &rc, true, diag);
    if (st == KKR_OK) {
        for (size_t i = 0; i < rc.count && !x->workbook_part; i++)
            if (ends_with(rc.items[i].type, "/officeDocument")) {
                x->workbook_part = resolve("", rc.items[i].target);
                if (!x->workbook_part)
                    st = nomem(diag, x->name);
            }
    } else if (st == KKR_ERR_NOT_FOUND) {
        st = KKR_OK;
    }
    rels_release(&rc);
    if (st != KKR_OK)
        return st;
    if (!x->workbook_part && !(x->workbook_part = strdup("xl/workbook.xml")))
        return nomem(diag, x->name);

    struct part_ctx pc = {.x = x, .diag = diag, .status = KKR_OK};
    XML_Parser p = new_parser(&pc);
    if (!p)
        return nomem(diag, x->name);
    XML_SetStartElementHandler(p, workbook_start);
    st = parse_part(x, x->workbook_part, p, &pc, false, diag);
    XML_ParserFree(p);
    if (st != KKR_OK)
        return st;

    char *rels_part;
    const char *slash = strrchr(x->workbook_part, '/');
    if (asprintf(&rels_part, "%.*s_rels/%s.rels", slash ? (int)(slash - x->workbook_part + 1) : 0,
                 x->workbook_part, slash ? slash + 1 : x->workbook_part) < 0)
        return nomem(diag, x->name);
    st = read_rels(x, rels_part, &rc, false, diag);
    free(rels_part);
    for (size_t i = 0; st == KKR_OK && i < rc.count; i++) {
        const struct rel *r = &rc.items[i];
        char **slot = NULL;
        if (ends_with(r->type, "/sharedStrings"))
            slot = &x->strings_part;
        else if (ends_with(r->type, "/styles"))
            slot = &x->styles_part;
        if (slot && !*slot && !(*slot = resolve(x->workbook_part, r->target)))
            st = nomem(diag, x->name);
        for (size_t s = 0; st == KKR_OK && s < x->sheet_count; s++) {
            struct sheet *sh = &x->sheets[s];
            if (!sh->part && strcmp(sh->rid, r->id) == 0) {
                sh->part = resolve(x->workbook_part, r->target);
                sh->worksheet = ends_with(r->type, "/worksheet");
                if (!sh->part)
                    st = nomem(diag, x->name);
            }
        }
    }
    rels_release(&rc);
    return st;
}

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
static size_t unescape_ooxml(char *s, size_t len)
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
    if (!grow((void **)&x->sst_text, &x->sst_cap, x->sst_len + len + 1, 1))
        return false;
    memcpy(x->sst_text + x->sst_len, s, len);
    x->sst_len += len;
    return true;
}

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sst_ctx *sc = ud;
    struct kkr_xlsx *x = sc->pc.x;
    const char *n = local(name);
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
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        sc->in_t = false;
    } else if (strcmp(n, "rPh") == 0) {
        sc->depth_phonetic--;
    } else if (strcmp(n, "si") == 0 && sc->in_si) {
        sc->in_si = false;
        if (!grow((void **)&x->sst_off, &x->sst_cap_items, x->sst_count + 1,
                  sizeof *x->sst_off) ||
            !sst_append(x, "", 0)) {
            stop(&sc->pc, nomem(sc->pc.diag, x->name));
            return;
        }
        size_t len = unescape_ooxml(x->sst_text + sc->start, x->sst_len - sc->start);
        x->sst_len = sc->start + len;
        x->sst_text[x->sst_len++] = '\0';
        x->sst_off[x->sst_count++] = sc->start;
    }
}

static void sst_chars(void *ud, const XML_Char *s, int len)
{
    struct sst_ctx *sc = ud;
    if (sc->in_t && !sst_append(sc->pc.x, s, (size_t)len))
        stop(&sc->pc, nomem(sc->pc.diag, sc->pc.x->name));
}

static enum kkr_status read_strings(struct kkr_xlsx *x, struct kkr_diag *diag)
{
    struct sst_ctx sc = {.pc = {.x = x, .diag = diag, .status = KKR_OK}};
    XML_Parser p = new_parser(&sc.pc);
    if (!p)
        return nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, sst_start, sst_end);
    XML_SetCharacterDataHandler(p, sst_chars);
    enum kkr_status st = parse_part(x, x->strings_part ? x->strings_part : "xl/sharedStrings.xml",
                                    p, &sc.pc, true, diag);
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
    const char *n = local(name);
    if (sc->pc.status != KKR_OK)
        return;
    if (strcmp(n, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code && custom_date_format(code)) {
            if (!grow((void **)&x->fmt_ids, &x->fmt_cap, x->fmt_count + 1, sizeof *x->fmt_ids)) {
                stop(&sc->pc, nomem(sc->pc.diag, x->name));
                return;
            }
            x->fmt_ids[x->fmt_count++] = atoi(id);
        }
    } else if (strcmp(n, "cellXfs") == 0) {
        sc->in_cellxfs = true;
    } else if (strcmp(n, "xf") == 0 && sc->in_cellxfs) {
        const char *id = attr(atts, "numFmtId");
        int fmt = id ? atoi(id) : 0;
        bool date = builtin_date_format(fmt);
        for (size_t i = 0; i < x->fmt_count && !date; i++)
            date = x->fmt_ids[i] == fmt;
        if (!grow((void **)&x->xf_date, &x->xf_cap, x->xf_count + 1, sizeof *x->xf_date)) {
            stop(&sc->pc, nomem(sc->pc.diag, x->name));
            return;
        }
        x->xf_date[x->xf_count++] = date;
    }
}

static void styles_end(void *ud, const XML_Char *name)
{
    struct styles_ctx *sc = ud;
    if (strcmp(local(name), "cellXfs") == 0)
        sc->in_cellxfs = false;
}

static enum kkr_status read_styles(struct kkr_xlsx *x, struct kkr_diag *diag)
{
    struct styles_ctx sc = {.pc = {.x = x, .diag = diag, .status = KKR_OK}};
    XML_Parser p = new_parser(&sc.pc);
    if (!p)
        return nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, styles_start, styles_end);
    enum kkr_status st = parse_part(x, x->styles_part ? x->styles_part : "xl/styles.xml", p,
                                    &sc.pc, true, diag);
    XML_ParserFree(p);
    return st == KKR_ERR_NOT_FOUND ? KKR_OK : st;
}

/* ---- opening ---- */

static enum kkr_status open_zip_error(const char *name, int code, const void *head,
                                      size_t head_len, struct kkr_diag *diag)
{
    bool pk = head_len >= 4 && memcmp(head, "PK\x03\x04", 4) == 0;
    if (code == ZIP_ER_NOZIP && pk)
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, 0, 0,
                        "truncated zip file (no central directory at the end), expected a "
                        "whole .xlsx workbook");
    if (code == ZIP_ER_NOZIP)
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, 0, 0,
                        "not a zip file, expected an .xlsx workbook (Excel 2007 or later; "
                        "save an .xls or .csv as .xlsx)");
    if (code == ZIP_ER_INCONS || code == ZIP_ER_CRC || code == ZIP_ER_EOF ||
        code == ZIP_ER_READ || code == ZIP_ER_SEEK)
        return kkr_fail(diag, KKR_ERR_SYNTAX, name, 0, 0,
                        "damaged or truncated zip file, expected a whole .xlsx workbook");
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    enum kkr_status st = kkr_fail(diag, code == ZIP_ER_NOENT ? KKR_ERR_NOT_FOUND : KKR_ERR_IO,
                                  name, 0, 0, "cannot open: %s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return st;
}

static enum kkr_status finish_open(struct kkr_xlsx *x, struct kkr_xlsx **out,
                                   struct kkr_diag *diag)
{
    enum kkr_status st = read_workbook(x, diag);
    if (st == KKR_OK && x->sheet_count == 0)
        st = kkr_fail(diag, KKR_ERR_SYNTAX, x->name, 0, 0,
                      "the workbook has no sheets, expected at least one");
    if (st == KKR_OK)
        st = read_strings(x, diag);
    if (st == KKR_OK)
        st = read_styles(x, diag);
    if (st != KKR_OK) {
        kkr_xlsx_free(x);
        return st;
    }
    *out = x;
    return KKR_OK;
}

enum kkr_status kkr_xlsx_open(const char *path, struct kkr_xlsx **out, struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_xlsx *x = calloc(1, sizeof *x);
    if (!x || !(x->name = strdup(path))) {
        free(x);
        return nomem(diag, path);
    }
    int code = 0;
    x->zip = zip_open(path, ZIP_RDONLY, &code);
    if (!x->zip) {
        unsigned char head[4] = {0};
        size_t n = 0;
        FILE *f = fopen(path, "rb");
        if (f) {
            n = fread(head, 1, sizeof head, f);
            fclose(f);
        }
        enum kkr_status st = open_zip_error(path, code, head, n, diag);
        kkr_xlsx_free(x);
        return st;
    }
    return finish_open(x, out, diag);
}

enum kkr_status kkr_xlsx_open_buffer(const char *name, const void *data, size_t len,
                                     struct kkr_xlsx **out, struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_xlsx *x = calloc(1, sizeof *x);
    if (!x || !(x->name = strdup(name))) {
        free(x);
        return nomem(diag, name);
    }
    zip_error_t ze;
    zip_error_init(&ze);
    x->source = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (!x->source) {
        zip_error_fini(&ze);
        kkr_xlsx_free(x);
        return nomem(diag, name);
    }
    x->zip = zip_open_from_source(x->source, ZIP_RDONLY, &ze);
    if (!x->zip) {
        enum kkr_status st = open_zip_error(name, zip_error_code_zip(&ze), data, len, diag);
        zip_error_fini(&ze);
        kkr_xlsx_free(x); /* frees the source: zip did not take it */
        return st;
    }
    x->source = NULL; /* zip owns it now */
    zip_error_fini(&ze);
    return finish_open(x, out, diag);
}

void kkr_xlsx_free(struct kkr_xlsx *x)
{
    if (!x)
        return;
    if (x->zip)
        zip_discard(x->zip);
    else if (x->source)
        zip_source_free(x->source);
    for (size_t i = 0; i < x->sheet_count; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rid);
        free(x->sheets[i].part);
    }
    free(x->sheets);
    free(x->workbook_part);
    free(x->strings_part);
    free(x->styles_part);
    free(x->sst_text);
    free(x->sst_off);
    free(x->xf_date);
    free(x->fmt_ids);
    free(x->name);
    free(x);
}

const char *kkr_xlsx_name(const struct kkr_xlsx *x)
{
    return x->name;
}

size_t kkr_xlsx_sheet_count(const struct kkr_xlsx *x)
{
    return x->sheet_count;
}

const char *kkr_xlsx_sheet_name(const struct kkr_xlsx *x, size_t index)
{
    return index < x->sheet_count ? x->sheets[index].name : NULL;
}

int kkr_xlsx_sheet_find(const struct kkr_xlsx *x, const char *name)
{
    for (size_t i = 0; i < x->sheet_count; i++)
        if (strcmp(x->sheets[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool kkr_xlsx_date1904(const struct kkr_xlsx *x)
{
    return x->date1904;
}

/* ---- cell references ---- */

void kkr_xlsx_cell_name(long row, long col, char *buf, size_t size)
{
    char letters[8];
    int n = 0;
    for (long c = col; c > 0 && n < 7; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char rev[8];
    for (int i = 0; i < n; i++)
        rev[i] = letters[n - 1 - i];
    rev[n] = '\0';
    char full[40];
    snprintf(full, sizeof full, "%s%ld", rev, row);
    snprintf(buf, size, "%s", full);
}

/* "C7" -> column 3, row 7; false on anything else. A reference may lack the row ("C"). */
static bool parse_ref(const char *s, long *row, long *col)
{
    long c = 0, r = 0;
    size_t i = 0;
    while ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) {
        c = c * 26 + ((s[i] | 0x20) - 'a' + 1);
        if (c > MAX_COLUMNS)
            return false;
        i++;
    }
    if (i == 0)
        return false;
    size_t digits_at = i;
    while (s[i] >= '0' && s[i] <= '9') {
        r = r * 10 + (s[i] - '0');
        if (r > MAX_ROWS)
            return false;
        i++;
    }
    if (s[i] || (i > digits_at && r == 0))
        return false;
    *col = c;
    *row = i > digits_at ? r : 0;
    return true;
}

static bool parse_row_number(const char *s, long *row)
{
    long r = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        r = r * 10 + (*s - '0');
        if (r > MAX_ROWS)
            return false;
    }
    if (r == 0)
        return false;
    *row = r;
    return true;
}

/* ---- a sheet, streamed ---- */

enum cell_part { IN_NONE, IN_V, IN_IS_T };

struct sheet_ctx {
    struct part_ctx pc;
    const char *sheet;
    kkr_xlsx_cell_fn cell_fn;
    kkr_xlsx_row_fn row_fn;
    void *userdata;

    bool in_data;           /* inside <sheetData> */
    bool in_row, in_cell, in_is;
    int phonetic;           /* inside <rPh> of an inline string */
    enum cell_part collect;
    long row, last_row;     /* the current row; the row before it */
    long col;               /* the current cell's column; the last one of the row */
    bool row_had_cells;

    struct kkr_xlsx_cell cell;
    const char *t;          /* the t attribute while in a cell (copied into type) */
    long style;
    bool has_v;
    char *text;
    size_t len, cap;
};

static enum kkr_status sheet_fail(struct sheet_ctx *sc, enum kkr_status st, const char *ref,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum kkr_status sheet_fail(struct sheet_ctx *sc, enum kkr_status st, const char *ref,
                                  const char *fmt, ...)
{
    char loc[600], msg[1024];
    snprintf(loc, sizeof loc, "%s:%s%s%s", sc->pc.x->name, sc->sheet, ref ? "!" : "",
             ref ? ref : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return kkr_fail(sc->pc.diag, st, loc, 0, 0, "%s", msg);
}

static void sheet_stop(struct sheet_ctx *sc, enum kkr_status st)
{
    stop(&sc->pc, st);
}

static void begin_row(struct sheet_ctx *sc, const char **atts)
{
    const char *r = attr(atts, "r");
    long row = sc->last_row + 1;
    if (r && !parse_row_number(r, &row)) {
        char ref[48];
        snprintf(ref, sizeof ref, "%ld:%ld", sc->last_row + 1, sc->last_row + 1);
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, ref,
                                  "row number '%.20s', expected 1..%ld", r, MAX_ROWS));
        return;
    }
    if (row > MAX_ROWS) {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, NULL, "more than %ld rows", MAX_ROWS));
        return;
    }
    sc->in_row = true;
    sc->row = row;
    sc->col = 0;
    sc->row_had_cells = false;
}

static void end_row(struct sheet_ctx *sc)
{
    sc->in_row = false;
    sc->last_row = sc->row;
    if (sc->row_had_cells && sc->row_fn) {
        enum kkr_status st = sc->row_fn(sc->userdata, sc->row, sc->pc.diag);
        if (st != KKR_OK)
            sheet_stop(sc, st);
    }
}

static void begin_cell(struct sheet_ctx *sc, const char **atts)
{
    if (!sc->in_row) { /* a <c> outside <row>: start an implied row */
        static const char *none[] = {NULL};
        begin_row(sc, none);
        if (sc->pc.status != KKR_OK)
            return;
    }
    const char *r = attr(atts, "r");
    long row = sc->row, col = sc->col + 1;
    if (r) {
        long rr;
        if (!parse_ref(r, &rr, &col)) {
            char ref[16];
            kkr_xlsx_cell_name(sc->row, sc->col + 1, ref, sizeof ref);
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, ref,
                                      "cell reference '%.20s', expected a column A..XFD and "
                                      "a row 1..%ld",
                                      r, MAX_ROWS));
            return;
        }
        if (rr)
            row = rr;
    }
    if (col > MAX_COLUMNS) {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, NULL, "more than %ld columns",
                                  MAX_COLUMNS));
        return;
    }
    sc->in_cell = true;
    sc->col = col;
    sc->cell.row = row;
    sc->cell.col = col;
    kkr_xlsx_cell_name(row, col, sc->cell.ref, sizeof sc->cell.ref);
    sc->cell.formula = false;
    sc->has_v = false;
    sc->len = 0;
    const char *t = attr(atts, "t");
    enum kkr_xlsx_type type = KKR_XLSX_NUMBER;
    if (!t || strcmp(t, "n") == 0)
        type = KKR_XLSX_NUMBER;
    else if (strcmp(t, "s") == 0)
        type = KKR_XLSX_SHARED_STRING;
    else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0)
        type = KKR_XLSX_INLINE_STRING;
    else if (strcmp(t, "b") == 0)
        type = KKR_XLSX_BOOLEAN;
    else if (strcmp(t, "e") == 0)
        type = KKR_XLSX_ERROR;
    else if (strcmp(t, "d") == 0)
        type = KKR_XLSX_DATE;
    else {
        sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, sc->cell.ref,
                                  "cell type '%.20s', expected n, s, str, inlineStr, b, e or d",
                                  t));
        return;
    }
    sc->cell.type = type;
    const char *s = attr(atts, "s");
    sc->style = s ? atol(s) : 0;
}

static bool text_append(struct sheet_ctx *sc, const char *s, size_t len)
{
    if (!grow((void **)&sc->text, &sc->cap, sc->len + len + 1, 1))
        return false;
    memcpy(sc->text + sc->len, s, len);
    sc->len += len;
    return true;
}

static void end_cell(struct sheet_ctx *sc)
{
    struct kkr_xlsx *x = sc->pc.x;
    struct kkr_xlsx_cell *c = &sc->cell;
    sc->in_cell = false;
    if (!text_append(sc, "", 0)) {
        sheet_stop(sc, nomem(sc->pc.diag, x->name));
        return;
    }
    sc->text[sc->len] = '\0';
    /* openpyxl and others write a formula never calculated as <f>..</f><v></v>: an empty
     * cached value is none, except for a text result (t="str"), which may be empty */
    c->has_value = sc->has_v && !(c->formula && sc->len == 0 &&
                                  c->type != KKR_XLSX_INLINE_STRING);
    c->text = sc->text;
    c->len = sc->len;
    if (!sc->has_v && !c->formula)
        return; /* a styled empty cell */
    if (c->type == KKR_XLSX_SHARED_STRING && sc->has_v) {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(sc->text, &end, 10);
        if (end == sc->text || *end || errno || sc->text[0] == '-') {
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, c->ref,
                                      "shared string index '%.30s', expected a number below %zu",
                                      sc->text, x->sst_count));
            return;
        }
        if (i >= x->sst_count) {
            sheet_stop(sc, sheet_fail(sc, KKR_ERR_SYNTAX, c->ref,
                                      "shared string %llu out of range, expected an index below "
                                      "%zu (the file has %zu shared strings)",
                                      i, x->sst_count, x->sst_count));
            return;
        }
        c->text = x->sst_text + x->sst_off[i];
        c->len = (i + 1 < x->sst_count ? x->sst_off[i + 1] : x->sst_len) - x->sst_off[i] - 1;
    } else if (c->type == KKR_XLSX_INLINE_STRING) {
        c->len = unescape_ooxml(sc->text, sc->len);
    }
    c->is_date = c->type == KKR_XLSX_DATE ||
                 (c->type == KKR_XLSX_NUMBER && sc->style > 0 && (size_t)sc->style < x->xf_count &&
                  x->xf_date[sc->style]);
    sc->row_had_cells = true;
    enum kkr_status st = sc->cell_fn(sc->userdata, c, sc->pc.diag);
    if (st != KKR_OK)
        sheet_stop(sc, st);
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct sheet_ctx *sc = ud;
    if (sc->pc.status != KKR_OK)
        return;
    const char *n = local(name);
    if (!sc->in_data) {
        if (strcmp(n, "sheetData") == 0)
            sc->in_data = true;
        return;
    }
    if (sc->in_cell) {
        if (strcmp(n, "v") == 0) {
            sc->collect = IN_V;
            sc->has_v = true;
            sc->len = 0;
        } else if (strcmp(n, "f") == 0) {
            sc->cell.formula = true;
        } else if (strcmp(n, "is") == 0) {
            sc->in_is = true;
            sc->has_v = true;
            sc->len = 0;
        } else if (strcmp(n, "rPh") == 0) {
            sc->phonetic++;
        } else if (strcmp(n, "t") == 0 && sc->in_is && !sc->phonetic) {
            sc->collect = IN_IS_T;
        }
    } else if (strcmp(n, "c") == 0) {
        begin_cell(sc, atts);
    } else if (strcmp(n, "row") == 0) {
        begin_row(sc, atts);
    }
}

static void sheet_end(void *ud, const XML_Char *name)
{
    struct sheet_ctx *sc = ud;
    if (sc->pc.status != KKR_OK || !sc->in_data)
        return;
    const char *n = local(name);
    if (sc->in_cell) {
        if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)
            sc->collect = IN_NONE;
        else if (strcmp(n, "is") == 0)
            sc->in_is = false;
        else if (strcmp(n, "rPh") == 0)
            sc->phonetic--;
        else if (strcmp(n, "c") == 0)
            end_cell(sc);
    } else if (strcmp(n, "row") == 0) {
        end_row(sc);
    } else if (strcmp(n, "sheetData") == 0) {
        sc->in_data = false;
    }
}

static void sheet_chars(void *ud, const XML_Char *s, int len)
{
    struct sheet_ctx *sc = ud;
    if (sc->collect != IN_NONE && !text_append(sc, s, (size_t)len))
        sheet_stop(sc, nomem(sc->pc.diag, sc->pc.x->name));
}

enum kkr_status kkr_xlsx_sheet_read(struct kkr_xlsx *x, size_t index, kkr_xlsx_cell_fn cell_fn,
                                    kkr_xlsx_row_fn row_fn, void *userdata,
                                    struct kkr_diag *diag)
{
    if (index >= x->sheet_count)
        return kkr_fail(diag, KKR_ERR_NOT_FOUND, x->name, 0, 0,
                        "no sheet %zu, expected one of the %zu sheets", index + 1,
                        x->sheet_count);
    const struct sheet *sh = &x->sheets[index];
    char loc[600];
    snprintf(loc, sizeof loc, "%s:%s", x->name, sh->name);
    if (!sh->part)
        return kkr_fail(diag, KKR_ERR_SYNTAX, loc, 0, 0,
                        "the sheet has no part in the workbook's relations, expected a "
                        "worksheet");
    if (!sh->worksheet)
        return kkr_fail(diag, KKR_ERR_VALUE, loc, 0, 0,
                        "is a chart or dialog sheet, expected a worksheet with cells");
    struct sheet_ctx sc = {
        .pc = {.x = x, .diag = diag, .status = KKR_OK, .sheet = sh->name},
        .sheet = sh->name, .cell_fn = cell_fn, .row_fn = row_fn, .userdata = userdata,
    };
    XML_Parser p = new_parser(&sc.pc);
    if (!p)
        return nomem(diag, x->name);
    XML_SetUserData(p, &sc);
    XML_SetElementHandler(p, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(p, sheet_chars);
    enum kkr_status st = parse_part(x, sh->part, p, &sc.pc, false, diag);
    XML_ParserFree(p);
    free(sc.text);
    return st;
}

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
