/* fuzz-writers.c — any text in names, titles and comments through the JSON and Markdown
 * writers: the report (kkr_report_write, both tables) of a workbook whose texts come from the
 * input, and the JSON string writer on raw bytes.
 *
 * Input: split at lines "--8<--" into unit names, slag names, prognos comments and the bok.conf
 * texts (organisation, nämnd, titel), each list separated by byte 0x1F; every text is written
 * as a quoted CSV field (or a bok.conf value) of a small workbook in memory (fuzz-util.h): six
 * units in a tree, three slag. The whole input is also given to kkr_json_write_string_n as
 * raw bytes.
 *
 * Checks: the JSON is valid UTF-8 and parses (a strict parser below), the raw-bytes string
 * decodes to the input where the input is valid UTF-8, and the report's "namn" values are the
 * loaded names exactly, in report order; the Markdown has one "## " title line, two tables whose
 * every row has the header's number of cells (unescaped '|'), with the slag rows and the unit
 * rows plus the total, and no other line that starts a table row. */
#include "fuzz-util.h"
#include "kkr/json.h"
#include "kkr/report.h"
#include "kkr/rollup.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

#define UNITS 6
#define SLAG 3

/* ---- a strict JSON parser that keeps the strings of keys "namn" ---- */

struct jp {
    const char *s, *e;
    int depth;
    char *namn[64];
    size_t namn_count;
    char *first;           /* the first string value of the document (the raw-bytes test) */
};

static void jp_release(struct jp *p)
{
    for (size_t i = 0; i < p->namn_count; i++)
        free(p->namn[i]);
    free(p->first);
}

static void skip_ws(struct jp *p)
{
    while (p->s < p->e && (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r'))
        p->s++;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | cp >> 12);
        d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | cp >> 18);
    d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string literal at p->s; *out (malloc'd, NUL-terminated, *len bytes) is its value. */
static bool jstring(struct jp *p, char **out, size_t *len)
{
    if (p->s >= p->e || *p->s != '"')
        return false;
    p->s++;
    char *d = malloc((size_t)(p->e - p->s) + 1);
    FUZZ_ASSERT(d != NULL);
    size_t n = 0;
    while (p->s < p->e && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20)
            goto bad;       /* a raw control character is not JSON */
        if (c != '\\') {
            d[n++] = (char)c;
            p->s++;
            continue;
        }
        if (p->e - p->s < 2)
            goto bad;
        char x = p->s[1];
        p->s += 2;
        const char *simple = strchr("\"\\/bfnrt", x);
        if (x && simple) {
            d[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        if (x != 'u' || p->e - p->s < 4)
            goto bad;
        int cp = hex4(p->s);
        if (cp < 0)
            goto bad;
        p->s += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = p->e - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u' ? hex4(p->s + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;   /* a lone surrogate: not valid UTF-8 once decoded */
            p->s += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            goto bad;
        }
        n += put_utf8(d + n, (unsigned)cp);
    }
    if (p->s >= p->e)
        goto bad;
    p->s++;
    d[n] = '\0';
    *out = d;
    *len = n;
    return true;
bad:
    free(d);
    return false;
}

static bool jvalue(struct jp *p, const char *key);

static bool jnumber(struct jp *p)
{
    const char *s = p->s;
    if (s < p->e && *s == '-')
        s++;
    if (s >= p->e || *s < '0' || *s > '9')
        return false;
    if (*s == '0')
        s++;
    else
        while (s < p->e && *s >= '0' && *s <= '9')
            s++;
    if (s < p->e && *s == '.') {
        s++;
        if (s >= p->e || *s < '0' || *s > '9')
            return false;
        while (s < p->e && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < p->e && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < p->e && (*s == '+' || *s == '-'))
            s++;
        if (s >= p->e || *s < '0' || *s > '9')
            return false;
        while (s < p->e && *s >= '0' && *s <= '9')
            s++;
    }
    p->s = s;
    return true;
}

static bool jword(struct jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->e - p->s) < n || memcmp(p->s, w, n) != 0)
        return false;
    p->s += n;
    return true;
}

static bool jvalue(struct jp *p, const char *key)
{
    skip_ws(p);
    if (p->s >= p->e || ++p->depth > 64)
        return false;
    bool ok = false;
    char c = *p->s;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        p->s++;
        skip_ws(p);
        if (p->s < p->e && *p->s == close) {
            p->s++;
            ok = true;
        } else {
            for (;;) {
                char *k = NULL;
                size_t kl;
                if (c == '{') {
                    skip_ws(p);
                    if (!jstring(p, &k, &kl))
                        break;
                    skip_ws(p);
                    if (p->s >= p->e || *p->s != ':') {
                        free(k);
                        break;
                    }
                    p->s++;
                }
                bool v = jvalue(p, k);
                free(k);
                if (!v)
                    break;
                skip_ws(p);
                if (p->s < p->e && *p->s == ',') {
                    p->s++;
                    continue;
                }
                if (p->s < p->e && *p->s == close) {
                    p->s++;
                    ok = true;
                }
                break;
            }
        }
    } else if (c == '"') {
        char *v = NULL;
        size_t vl;
        ok = jstring(p, &v, &vl);
        if (ok && !kkr_utf8_valid(v, vl, NULL))
            ok = false;
        if (ok && key && strcmp(key, "namn") == 0 && p->namn_count < 64) {
            p->namn[p->namn_count++] = strdup(v);
            FUZZ_ASSERT(p->namn[p->namn_count - 1] != NULL);
        }
        if (ok && !p->first) {
            p->first = v;
            v = NULL;
        }
        free(v);
    } else if (c == 't') {
        ok = jword(p, "true");
    } else if (c == 'f') {
        ok = jword(p, "false");
    } else if (c == 'n') {
        ok = jword(p, "null");
    } else {
        ok = jnumber(p);
    }
    p->depth--;
    return ok;
}

/* The whole document must be one value and valid UTF-8. */
static bool json_parse(const char *s, size_t len, struct jp *p)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->e = s + len;
    if (!kkr_utf8_valid(s, len, NULL) || !jvalue(p, NULL))
        return false;
    skip_ws(p);
    return p->s == p->e;
}

/* ---- Markdown structure ---- */

/* The cells of a table row: the '|' not escaped by a backslash, less one. */
static size_t md_cells(const char *line, size_t len)
{
    size_t bars = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\\') {
            i++;
            continue;
        }
        bars += line[i] == '|';
    }
    return bars ? bars - 1 : 0;
}

static void check_md(const char *s, size_t len, size_t slag_rows, size_t unit_rows)
{
    size_t tables = 0, rows = 0, cells = 0, titles = 0;
    size_t want[2] = {slag_rows + 2, unit_rows + 2};
    const char *p = s, *end = s + len;
    bool in_table = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        FUZZ_ASSERT(memchr(p, '\r', l) == NULL);
        if (l >= 3 && memcmp(p, "## ", 3) == 0)
            titles++;
        if (l && p[0] == '|') {
            if (!in_table) {
                FUZZ_ASSERT(tables < 2);
                tables++;
                rows = 0;
                cells = md_cells(p, l);
                in_table = true;
            }
            FUZZ_ASSERT(md_cells(p, l) == cells);
            FUZZ_ASSERT(p[l - 1] == '|');
            rows++;
        } else if (in_table) {
            FUZZ_ASSERT(rows == want[tables - 1]);
            in_table = false;
        }
        p = nl ? nl + 1 : end;
    }
    FUZZ_ASSERT(!in_table);
    FUZZ_ASSERT(tables == 2);
    FUZZ_ASSERT(titles == 1);
}

/* ---- the workbook ---- */

struct buf {
    char *data;
    size_t len;
    FILE *f;
};

static void buf_open(struct buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->f = open_memstream(&b->data, &b->len);
    FUZZ_ASSERT(b->f != NULL);
}

static void buf_close(struct buf *b)
{
    FUZZ_ASSERT(fclose(b->f) == 0);
    b->f = NULL;
}

/* A quoted CSV field. */
static void csv_field(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* The i-th text of a part (0x1F-separated), or a default. */
static void text_of(const struct fuzz_part *part, size_t i, const char **s, size_t *len)
{
    const char *p = part->data, *end = p + part->len;
    for (size_t k = 0; p && k < i; k++) {
        p = memchr(p, 0x1F, (size_t)(end - p));
        if (p)
            p++;
    }
    if (!p || part->len == 0) {
        *s = NULL;
        *len = 0;
        return;
    }
    const char *e = memchr(p, 0x1F, (size_t)(end - p));
    *s = p;
    *len = (size_t)((e ? e : end) - p);
}

static const char *const codes[UNITS] = {"A", "A1", "A11", "B", "B1", "C"};
static const int parents[UNITS] = {-1, 0, 1, -1, 3, -1};
static const char *const slag_codes[SLAG] = {"personal", "lokaler", "avgifter"};

static void exercise(const struct kkr_workbook *wb)
{
    struct kkr_diag diag;
    struct kkr_rollup r;
    if (kkr_rollup_build(wb, 6, NULL, &r, &diag) != KKR_OK)
        return;
    for (int pass = 0; pass < 2; pass++) {
        struct kkr_report_options opt;
        kkr_report_options_init(&opt);
        opt.format = pass ? KKR_FORMAT_MD : KKR_FORMAT_JSON;
        struct buf b;
        buf_open(&b);
        FUZZ_ASSERT(kkr_report_write(b.f, wb, &r, &opt, &diag) == KKR_OK);
        buf_close(&b);
        if (!pass) {
            struct jp p;
            if (!json_parse(b.data, b.len, &p)) {
                fprintf(stderr, "fuzz-writers: the report's JSON does not parse:\n%.*s\n",
                        (int)b.len, b.data);
                abort();
            }
            /* the last namn values: the rows in report order ("Varav ..." below the top
             * level), the total last; a long name may be shortened, never cut inside a
             * character (the parser checked every string is UTF-8) */
            FUZZ_ASSERT(p.namn_count >= r.row_count);
            size_t off = p.namn_count - r.row_count;
            static char want[1 << 16];
            for (size_t i = 0; i < r.row_count; i++) {
                kkr_report_row_name(wb, &r.rows[i], want, sizeof want);
                const char *got = p.namn[off + i];
                size_t gl = strlen(got);
                if (strncmp(got, want, gl) != 0 || (gl < strlen(want) && gl < 400)) {
                    fprintf(stderr, "fuzz-writers: row %zu: namn '%s', expected '%s'\n", i, got,
                            want);
                    abort();
                }
            }
            jp_release(&p);
        } else {
            /* the slag table: the two typer and the slag, then netto */
            check_md(b.data, b.len, wb->slag_count + 1, wb->unit_count + 1);
        }
        free(b.data);
    }
    kkr_rollup_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* raw bytes: always valid JSON and UTF-8, and the same text where it was UTF-8 */
    struct buf b;
    buf_open(&b);
    kkr_json_write_string_n(b.f, (const char *)data, size);
    buf_close(&b);
    struct jp p;
    FUZZ_ASSERT(json_parse(b.data, b.len, &p));
    if (kkr_utf8_valid((const char *)data, size, NULL) && !memchr(data, 0, size))
        FUZZ_ASSERT(p.first && strlen(p.first) == size && memcmp(p.first, data, size) == 0);
    jp_release(&p);
    free(b.data);

    struct fuzz_part parts[4];
    size_t n = fuzz_split(data, size, parts, 4);
    for (size_t i = n; i < 4; i++)
        parts[i] = (struct fuzz_part){"", 0};
    const char *s;
    size_t len;

    struct buf units, slag, budget, utfall, prognos, conf;
    buf_open(&units);
    fputs("kod;namn;överordnad\n", units.f);
    for (int u = 0; u < UNITS; u++) {
        text_of(&parts[0], (size_t)u, &s, &len);
        fprintf(units.f, "%s;", codes[u]);
        if (s)
            csv_field(units.f, s, len);
        else
            fputs(codes[u], units.f);
        fprintf(units.f, ";%s\n", parents[u] >= 0 ? codes[parents[u]] : "");
    }
    buf_close(&units);
    buf_open(&slag);
    fputs("slag;namn;typ\n", slag.f);
    for (int k = 0; k < SLAG; k++) {
        text_of(&parts[1], (size_t)k, &s, &len);
        fprintf(slag.f, "%s;", slag_codes[k]);
        if (s)
            csv_field(slag.f, s, len);
        fprintf(slag.f, ";%s\n", k == 2 ? "intäkt" : "kostnad");
    }
    buf_close(&slag);
    buf_open(&budget);
    buf_open(&utfall);
    buf_open(&prognos);
    fputs("verksamhet;slag;period;belopp\n", budget.f);
    fputs("verksamhet;slag;period;belopp\n", utfall.f);
    fputs("verksamhet;slag;prognos;kommentar\n", prognos.f);
    for (int u = 0; u < UNITS; u++) {
        if (u == 1 || u == 4)
            continue; /* parents A1 and B1 have no amounts of their own */
        for (int k = 0; k < SLAG; k++) {
            int sign = k == 2 ? -1 : 1;
            fprintf(budget.f, "%s;%s;2020;%d\n", codes[u], slag_codes[k], sign * 1200 * (u + 1));
            for (int m = 1; m <= 6; m++)
                fprintf(utfall.f, "%s;%s;2020%02d;%d\n", codes[u], slag_codes[k], m,
                        sign * (90 + u + k + m));
            text_of(&parts[2], (size_t)(u * SLAG + k), &s, &len);
            if (s) {
                fprintf(prognos.f, "%s;%s;%d;", codes[u], slag_codes[k], sign * 1300 * (u + 1));
                csv_field(prognos.f, s, len);
                fputc('\n', prognos.f);
            }
        }
    }
    buf_close(&budget);
    buf_close(&utfall);
    buf_close(&prognos);
    buf_open(&conf);
    fputs("år = 2020\n", conf.f);
    static const char *const keys[] = {"organisation", "nämnd", "titel"};
    for (size_t i = 0; i < 3; i++) {
        text_of(&parts[3], i, &s, &len);
        if (s) {
            fprintf(conf.f, "%s = ", keys[i]);
            fwrite(s, 1, len, conf.f);
            fputc('\n', conf.f);
        }
    }
    buf_close(&conf);

    memfs_reset();
    memfs_put("verksamheter.csv", units.data, units.len);
    memfs_put("slag.csv", slag.data, slag.len);
    memfs_put("budget.csv", budget.data, budget.len);
    memfs_put("utfall.csv", utfall.data, utfall.len);
    memfs_put("prognos.csv", prognos.data, prognos.len);
    memfs_put("bok.conf", conf.data, conf.len);
    struct kkr_workbook *wb = NULL;
    struct kkr_diag diag;
    struct kkr_warnings warn;
    kkr_warnings_init(&warn);
    if (kkr_workbook_load(MEMFS_DIR, &wb, &diag, &warn) == KKR_OK) {
        exercise(wb);
        kkr_workbook_free(wb);
    } else {
        FUZZ_ASSERT(diag.message[0] != '\0');
    }
    kkr_warnings_release(&warn);
    free(units.data);
    free(slag.data);
    free(budget.data);
    free(utfall.data);
    free(prognos.data);
    free(conf.data);
    return 0;
}
