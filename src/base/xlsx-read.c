/* xlsx-read.c — opening an .xlsx package: parts from libzip through expat, workbook.xml */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "kkr/xlsx.h"

#include "xlsx-private.h"

/* ---- small helpers ---- */

enum kkr_status xlsx_nomem(struct kkr_diag *diag, const char *name)
{
    return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
}

bool xlsx_grow(void **p, size_t *cap, size_t need, size_t size)
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
const char *xlsx_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

const char *xlsx_attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(xlsx_local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

/* "id" of the relationships namespace (r:id), not a plain "id" */
static const char *attr_rid(const char **atts)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strchr(atts[i], ':') && strcmp(xlsx_local(atts[i]), "id") == 0)
            return atts[i + 1];
    return xlsx_attr(atts, "id");
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

void xlsx_stop(struct part_ctx *pc, enum kkr_status st)
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
    xlsx_stop(pc, kkr_fail(pc->diag, KKR_ERR_SYNTAX, pc->x->name, 0, 0,
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
enum kkr_status xlsx_parse_part(struct kkr_xlsx *x, const char *part, XML_Parser p,
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
        return xlsx_nomem(diag, x->name);
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

XML_Parser xlsx_new_parser(struct part_ctx *pc)
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
    if (strcmp(xlsx_local(name), "Relationship") != 0 || rc->pc.status != KKR_OK)
        return;
    const char *id = xlsx_attr(atts, "Id"), *target = xlsx_attr(atts, "Target");
    const char *type = xlsx_attr(atts, "Type");
    if (!target)
        return;
    /* an external link (TargetMode="External") is no part of this file */
    const char *mode = xlsx_attr(atts, "TargetMode");
    if (mode && strcmp(mode, "External") == 0)
        return;
    if (!xlsx_grow((void **)&rc->items, &rc->cap, rc->count + 1, sizeof *rc->items)) {
        xlsx_stop(&rc->pc, xlsx_nomem(rc->pc.diag, rc->pc.x->name));
        return;
    }
    struct rel *r = &rc->items[rc->count++];
    r->id = strdup(id ? id : "");
    r->target = strdup(target);
    r->type = strdup(type ? type : "");
    if (!r->id || !r->target || !r->type)
        xlsx_stop(&rc->pc, xlsx_nomem(rc->pc.diag, rc->pc.x->name));
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
    XML_Parser p = xlsx_new_parser(&rc->pc);
    if (!p)
        return xlsx_nomem(diag, x->name);
    XML_SetUserData(p, rc);
    XML_SetStartElementHandler(p, rels_start);
    enum kkr_status st = xlsx_parse_part(x, part, p, &rc->pc, optional, diag);
    XML_ParserFree(p);
    return st;
}

/* ---- workbook.xml ---- */

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct part_ctx *pc = ud;
    struct kkr_xlsx *x = pc->x;
    const char *n = xlsx_local(name);
    if (pc->status != KKR_OK)
        return;
    if (strcmp(n, "workbookPr") == 0) {
        const char *d = xlsx_attr(atts, "date1904");
        x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(n, "sheet") == 0) {
        const char *sname = xlsx_attr(atts, "name"), *rid = attr_rid(atts);
        if (!xlsx_grow((void **)&x->sheets, &x->sheet_cap, x->sheet_count + 1, sizeof *x->sheets)) {
            xlsx_stop(pc, xlsx_nomem(pc->diag, x->name));
            return;
        }
        struct sheet *s = &x->sheets[x->sheet_count++];
        memset(s, 0, sizeof *s);
        s->name = strdup(sname ? sname : "");
        s->rid = strdup(rid ? rid : "");
        if (!s->name || !s->rid)
            xlsx_stop(pc, xlsx_nomem(pc->diag, x->name));
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
                    st = xlsx_nomem(diag, x->name);
            }
    } else if (st == KKR_ERR_NOT_FOUND) {
        st = KKR_OK;
    }
    rels_release(&rc);
    if (st != KKR_OK)
        return st;
    if (!x->workbook_part && !(x->workbook_part = strdup("xl/workbook.xml")))
        return xlsx_nomem(diag, x->name);

    struct part_ctx pc = {.x = x, .diag = diag, .status = KKR_OK};
    XML_Parser p = xlsx_new_parser(&pc);
    if (!p)
        return xlsx_nomem(diag, x->name);
    XML_SetStartElementHandler(p, workbook_start);
    st = xlsx_parse_part(x, x->workbook_part, p, &pc, false, diag);
    XML_ParserFree(p);
    if (st != KKR_OK)
        return st;

    char *rels_part;
    const char *slash = strrchr(x->workbook_part, '/');
    if (asprintf(&rels_part, "%.*s_rels/%s.rels", slash ? (int)(slash - x->workbook_part + 1) : 0,
                 x->workbook_part, slash ? slash + 1 : x->workbook_part) < 0)
        return xlsx_nomem(diag, x->name);
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
            st = xlsx_nomem(diag, x->name);
        for (size_t s = 0; st == KKR_OK && s < x->sheet_count; s++) {
            struct sheet *sh = &x->sheets[s];
            if (!sh->part && strcmp(sh->rid, r->id) == 0) {
                sh->part = resolve(x->workbook_part, r->target);
                sh->worksheet = ends_with(r->type, "/worksheet");
                if (!sh->part)
                    st = xlsx_nomem(diag, x->name);
            }
        }
    }
    rels_release(&rc);
    return st;
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
        st = xlsx_read_strings(x, diag);
    if (st == KKR_OK)
        st = xlsx_read_styles(x, diag);
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
        return xlsx_nomem(diag, path);
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
        return xlsx_nomem(diag, name);
    }
    zip_error_t ze;
    zip_error_init(&ze);
    x->source = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    if (!x->source) {
        zip_error_fini(&ze);
        kkr_xlsx_free(x);
        return xlsx_nomem(diag, name);
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
