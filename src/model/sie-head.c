/* sie-head.c — the head of a SIE file (#FORMAT, #SIETYP, #PROGRAM, #FNAMN, #DIM, #OBJEKT,
 * #RAR, #KSUMMA), the record labels counted, the encoding told and the kept texts in UTF-8 */
#include "sie-private.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/text.h"

const char *kkr_sie_reading_name(enum kkr_sie_reading r)
{
    switch (r) {
    case KKR_SIE_READING_TOTALS: return "totals";
    case KKR_SIE_READING_PARTITION: return "partition";
    case KKR_SIE_READING_NONE: return "none";
    default: return "auto";
    }
}

const char *kkr_sie_encoding_name(enum kkr_sie_encoding e)
{
    switch (e) {
    case KKR_SIE_ENC_UTF8: return "UTF-8";
    case KKR_SIE_ENC_CP1252: return "Windows-1252";
    case KKR_SIE_ENC_CP437: return "CP437";
    default: return "auto";
    }
}
/* ---- encoding statistics ---- */

static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (len < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
            return 0;
        *cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
            return 0;
        *cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
              (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* CP437 å ä ö Å Ä Ö é ü É; Windows-1252 the same letters */
static bool cp437_letter(unsigned char c)
{
    return c == 0x86 || c == 0x84 || c == 0x94 || c == 0x8F || c == 0x8E || c == 0x99 ||
           c == 0x82 || c == 0x81 || c == 0x90;
}

static bool cp1252_letter(unsigned char c)
{
    return c == 0xE5 || c == 0xE4 || c == 0xF6 || c == 0xC5 || c == 0xC4 || c == 0xD6 ||
           c == 0xE9 || c == 0xFC || c == 0xC9;
}

void sie_encoding_line(struct reader *r, const char *line, size_t len, long col0)
{
    const unsigned char *s = (const unsigned char *)line;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            /* ASCII 8 bytes at a time */
            i++;
            for (uint64_t w; i + 8 <= len; i += 8) {
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
            }
            continue;
        }
        uint32_t cp = 0;
        size_t k = utf8_seq(s + i, len - i, &cp);
        if (k) {
            if (!r->utf8_seq++) {
                r->utf8_line = r->line;
                r->utf8_col = col0 + (long)i + 1;
                r->utf8_first = cp;
            }
            i += k;
            continue;
        }
        if (!r->bad_bytes++) {
            r->bad_line = r->line;
            r->bad_col = col0 + (long)i + 1;
        }
        if (cp437_letter(s[i]))
            r->cp437_letters++;
        if (cp1252_letter(s[i]) && !r->cp1252_letters++) {
            r->cp1252_line = r->line;
            r->cp1252_col = col0 + (long)i + 1;
        }
        i++;
    }
}
/* ---- records ---- */

/* #TRANS, counted without looking it up each time */
void sie_count_trans(struct reader *r, const struct tok *label)
{
    struct kkr_sie_info *in = &r->f->info;
    if (r->trans_label > 0) {
        in->labels[r->trans_label - 1].count++;
        return;
    }
    sie_count_label(r, label, true);
    for (size_t i = 0; i < in->label_count; i++)
        if (strcmp(in->labels[i].label, "#TRANS") == 0)
            r->trans_label = (int)i + 1;
}

void sie_count_label(struct reader *r, const struct tok *label, bool known)
{
    struct kkr_sie_info *in = &r->f->info;
    for (size_t i = in->label_count; i-- > 0;)
        if (strlen(in->labels[i].label) == label->len &&
            memcmp(in->labels[i].label, label->s, label->len) == 0) {
            in->labels[i].count++;
            return;
        }
    if (in->label_count == r->label_cap) {
        size_t cap = r->label_cap ? r->label_cap * 2 : 32;
        if (cap > 4096)
            goto other;
        struct kkr_sie_label *l = realloc(in->labels, cap * sizeof *l);
        if (!l)
            goto other;
        in->labels = l;
        r->label_cap = cap;
    }
    struct kkr_sie_label *l = &in->labels[in->label_count++];
    memset(l, 0, sizeof *l);
    size_t n = label->len < sizeof l->label - 1 ? label->len : sizeof l->label - 1;
    memcpy(l->label, label->s, n);   /* in the file's encoding until finish_texts */
    l->count = 1;
    l->known = known;
    return;
other:
    /* thousands of distinct labels: the rest are counted together */
    for (size_t i = 0; i < in->label_count; i++)
        if (strcmp(in->labels[i].label, "#(other)") == 0) {
            in->labels[i].count++;
            return;
        }
    if (in->label_count) {
        struct kkr_sie_label *last = &in->labels[in->label_count - 1];
        snprintf(last->label, sizeof last->label, "#(other)");
        last->count++;
        last->known = false;
    }
}

static char *dup_raw(const struct tok *t)
{
    char *d = malloc(t->len + 1);
    if (d) {
        memcpy(d, t->s, t->len);
        d[t->len] = '\0';
    }
    return d;
}
enum kkr_status sie_rar_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    enum kkr_status st = sie_need_fields(r, rec, 3, "årsnr start slut");
    if (st != KKR_OK)
        return st;
    long yearno;
    if (!sie_parse_int(&rec->f[0], &yearno) || yearno > 0 || yearno < -99)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->f[0].col,
                           "cannot parse årsnr '%s', expected 0, -1, -2 ...",
                           sie_show(b, sizeof b, rec->f[0].s, rec->f[0].len));
    long start = sie_parse_date(&rec->f[1]), end = sie_parse_date(&rec->f[2]);
    if (!start || !end)
        return sie_fail_at(r, KKR_ERR_SYNTAX, start ? rec->f[2].col : rec->f[1].col,
                           "cannot parse date '%s', expected YYYYMMDD",
                           start ? sie_show(b, sizeof b, rec->f[2].s, rec->f[2].len)
                             : sie_show(b, sizeof b, rec->f[1].s, rec->f[1].len));
    if (start % 10000 != 101 || end % 10000 != 1231 || start / 10000 != end / 10000)
        return sie_fail_at(r, KKR_ERR_VALUE, rec->f[1].col,
                           "räkenskapsår %ld-%ld is not a calendar year, expected January to "
                           "December (a kommun's fiscal year; kkr has no broken fiscal years)",
                           start, end);
    if (yearno == 0) {
        r->f->info.year = (int)(start / 10000);
        r->rar0_line = (int)r->line;
    }
    return KKR_OK;
}

enum kkr_status sie_meta_record(struct reader *r, const struct rec *rec, const char *label)
{
    struct kkr_sie_info *in = &r->f->info;
    if (strcmp(label, "#FORMAT") == 0) {
        r->format_seen = true;
        in->encoding_declared_pc8 = rec->nf >= 1 && sie_tok_is(&rec->f[0], "PC8");
        if (rec->nf >= 1 && !in->encoding_declared_pc8) {
            char b[80];
            kkr_warn(r->warn, "%s:%ld: #FORMAT %s, expected PC8 (the only SIE format); read "
                     "as PC8", r->path, r->line, sie_show(b, sizeof b, rec->f[0].s,
                     rec->f[0].len));
        }
    } else if (strcmp(label, "#SIETYP") == 0) {
        long t;
        if (rec->nf >= 1 && sie_parse_int(&rec->f[0], &t) && t >= 1 && t <= 4)
            in->sie_type = (int)t;
    } else if (strcmp(label, "#PROGRAM") == 0) {
        if (rec->nf >= 1 && !in->program) {
            size_t n = rec->f[0].len + (rec->nf >= 2 ? rec->f[1].len + 1 : 0);
            in->program = malloc(n + 1);
            if (!in->program)
                return sie_nomem(r);
            memcpy(in->program, rec->f[0].s, rec->f[0].len);
            if (rec->nf >= 2) {
                in->program[rec->f[0].len] = ' ';
                memcpy(in->program + rec->f[0].len + 1, rec->f[1].s, rec->f[1].len);
            }
            in->program[n] = '\0';
        }
    } else if (strcmp(label, "#FNAMN") == 0) {
        if (rec->nf >= 1 && !in->organisation && !(in->organisation = dup_raw(&rec->f[0])))
            return sie_nomem(r);
    } else if (strcmp(label, "#DIM") == 0 || strcmp(label, "#UNDERDIM") == 0) {
        long d;
        if (rec->nf >= 1 && sie_parse_int(&rec->f[0], &d)) {
            char b[80];
            if (r->declared_len + 40 < sizeof r->declared_dims)
                r->declared_len += (size_t)snprintf(r->declared_dims + r->declared_len,
                    sizeof r->declared_dims - r->declared_len, "%s%ld%s%s",
                    r->declared_len ? ", " : "", d, rec->nf >= 2 ? " " : "",
                    rec->nf >= 2 ? sie_show(b, sizeof b, rec->f[1].s, rec->f[1].len) : "");
            if (!r->first_dim_line)
                r->first_dim_line = r->line;
            if (d == r->opt->dim) {
                r->dim_declared = 1;
                if (rec->nf >= 2 && !r->dim_name_raw) {
                    if (!(r->dim_name_raw = dup_raw(&rec->f[1])))
                        return sie_nomem(r);
                    r->dim_name_len = rec->f[1].len;
                }
            }
        }
    } else if (strcmp(label, "#OBJEKT") == 0) {
        if (rec->nf >= 3 && sie_dim_matches(r, &rec->f[0])) {
            int u = sie_unit_find(r, rec->f[1].s, rec->f[1].len, true, r->line);
            if (u == -2)
                return sie_nomem(r);
            struct raw_unit *ru = &r->f->raw[u];
            if (!ru->name) {
                if (!(ru->name = dup_raw(&rec->f[2])))
                    return sie_nomem(r);
                ru->name_len = rec->f[2].len;
                ru->line = r->line;
            }
        }
    }
    return KKR_OK;
}

enum kkr_status sie_ksumma_record(struct reader *r, const struct rec *rec)
{
    char b[80];
    if (rec->nf == 0) {
        if (r->ksumma != 0)
            return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                               "a second opening #KSUMMA (the first on line %ld), expected the "
                               "closing #KSUMMA with the checksum", r->ksumma_line);
        r->ksumma = 1;
        r->ksumma_line = r->line;
        r->crc = 0;
        return KKR_OK;
    }
    if (r->ksumma != 1)
        return sie_fail_at(r, KKR_ERR_SYNTAX, rec->label.col,
                           "#KSUMMA with a checksum but no opening #KSUMMA before, expected an "
                           "empty #KSUMMA after #FLAGGA");
    const struct tok *t = &rec->f[0];
    int64_t v = 0;
    bool ok = t->len > 0 && t->len <= 11;
    size_t i = 0;
    bool neg = false;
    if (ok && t->s[0] == '-') {
        neg = true;
        i = 1;
        ok = t->len > 1;
    }
    for (; ok && i < t->len; i++) {
        if ((unsigned)(t->s[i] - '0') > 9u)
            ok = false;
        else
            v = v * 10 + (t->s[i] - '0');
    }
    if (neg)
        v = -v;
    if (!ok || v < INT32_MIN || v > UINT32_MAX)
        return sie_fail_at(r, KKR_ERR_SYNTAX, t->col,
                           "cannot parse checksum '%s', expected a CRC-32 as a decimal number",
                           sie_show(b, sizeof b, t->s, t->len));
    /* the label and field of the closing record are not part of the sum */
    uint32_t want = (uint32_t)v;
    sie_crc_flush(r);
    r->ksumma = 2;
    if (want != r->crc)
        return sie_fail_at(r, KKR_ERR_VALUE, t->col,
                           "#KSUMMA %s does not match the file's checksum %lu (CRC-32 of the "
                           "records from line %ld), expected the file as written: changed or "
                           "damaged on the way?", sie_show(b, sizeof b, t->s, t->len),
                           (unsigned long)r->crc, r->ksumma_line + 1);
    r->f->info.ksumma = true;
    r->f->info.ksumma_value = want;
    return KKR_OK;
}

/* ---- encoding: the verdict, then the texts in UTF-8 ---- */

enum kkr_status sie_decide_encoding(struct reader *r)
{
    struct kkr_sie_info *in = &r->f->info;
    enum kkr_sie_encoding e = r->opt->encoding;
    if (e == KKR_SIE_ENC_UTF8 && r->bad_bytes)
        return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, r->bad_line, r->bad_col,
                        "invalid UTF-8 byte, expected the whole file in UTF-8 (--encoding "
                        "utf-8)");
    if (e != KKR_SIE_ENC_AUTO) {
        in->encoding = e;
        return KKR_OK;
    }
    const char *declared = in->encoding_declared_pc8 ? "declared #FORMAT PC8"
                           : r->format_seen           ? "with an unknown #FORMAT"
                                                      : "without #FORMAT";
    if (r->utf8_seq && !r->bad_bytes) {
        in->encoding = KKR_SIE_ENC_UTF8;
        kkr_warn(r->warn, "%s: %s (CP437) but its bytes are UTF-8 (the first, U+%04X, on line "
                 "%ld column %ld): read as UTF-8 (--encoding cp437 reads it as declared)",
                 r->path, declared, (unsigned)r->utf8_first, r->utf8_line, r->utf8_col);
        return KKR_OK;
    }
    if (r->utf8_seq && r->bad_bytes)
        return kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, r->utf8_line, r->utf8_col,
                        "UTF-8 bytes (U+%04X) in a file %s (CP437) whose other text is not "
                        "UTF-8 (line %ld column %ld), expected one encoding; --encoding "
                        "cp437 or --encoding utf-8 decides", (unsigned)r->utf8_first, declared,
                        r->bad_line, r->bad_col);
    if (r->cp1252_letters && !r->cp437_letters) {
        in->encoding = KKR_SIE_ENC_CP1252;
        kkr_warn(r->warn, "%s: %s (CP437) but its letters are Windows-1252 (the first on "
                 "line %ld column %ld): read as Windows-1252 (--encoding cp437 reads it as "
                 "declared)", r->path, declared, r->cp1252_line, r->cp1252_col);
        return KKR_OK;
    }
    in->encoding = KKR_SIE_ENC_CP437;
    return KKR_OK;
}

/* s (len bytes in the file's encoding) as a new UTF-8 string with control characters
 * replaced by spaces */
static char *to_utf8(iconv_t cd, enum kkr_sie_encoding enc, const char *s, size_t len)
{
    char *out = NULL;
    size_t olen = 0;
    bool high = false;
    for (size_t i = 0; i < len; i++)
        high |= (unsigned char)s[i] >= 0x80;
    if (!high || enc == KKR_SIE_ENC_UTF8) {
        out = malloc(len + 1);
        if (!out)
            return NULL;
        memcpy(out, s, len);
        olen = len;
    } else if (enc == KKR_SIE_ENC_CP1252) {
        out = kkr_cp1252_to_utf8(s, len, &olen);
        if (!out)
            return NULL;
    } else {
        size_t cap = len * 3 + 1;
        out = malloc(cap);
        if (!out)
            return NULL;
        char *in = (char *)s, *o = out;
        size_t il = len, ol = cap;
        iconv(cd, NULL, NULL, NULL, NULL);
        while (il > 0) {
            if (iconv(cd, &in, &il, &o, &ol) == (size_t)-1) {
                if (errno == EILSEQ || errno == EINVAL) {
                    /* not in CP437 (cannot happen for 0x80..0xFF): a '?' */
                    if (ol < 2)
                        break;
                    *o++ = '?';
                    ol--;
                    in++;
                    il--;
                    continue;
                }
                break;
            }
        }
        olen = (size_t)(o - out);
    }
    out[olen] = '\0';
    for (size_t i = 0; i < olen; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = ' ';
    return out;
}

enum kkr_status sie_finish_texts(struct reader *r)
{
    struct kkr_sie_file *f = r->f;
    struct kkr_sie_info *in = &f->info;
    iconv_t cd = (iconv_t)-1;
    if (in->encoding == KKR_SIE_ENC_CP437) {
        cd = iconv_open("UTF-8", "CP437");
        if (cd == (iconv_t)-1)
            return kkr_fail(r->diag, KKR_ERR_IO, r->path, 0, 0,
                            "cannot convert CP437 with iconv: %s", strerror(errno));
    }
    enum kkr_status st = KKR_OK;
    char *t;
    if (in->program) {
        if (!(t = to_utf8(cd, in->encoding, in->program, strlen(in->program))))
            goto oom;
        free(in->program);
        in->program = t;
    }
    if (in->organisation) {
        if (!(t = to_utf8(cd, in->encoding, in->organisation, strlen(in->organisation))))
            goto oom;
        free(in->organisation);
        in->organisation = t;
    }
    if (r->dim_name_raw && !(in->dim_name = to_utf8(cd, in->encoding, r->dim_name_raw,
                                                   r->dim_name_len)))
        goto oom;
    for (size_t i = 0; i < in->label_count; i++) {
        struct kkr_sie_label *l = &in->labels[i];
        if (!(t = to_utf8(cd, in->encoding, l->label, strlen(l->label))))
            goto oom;
        size_t len = strlen(t);
        if (len > sizeof l->label - 1)
            len = kkr_utf8_prefix(t, sizeof l->label - 1, sizeof l->label - 1);
        while (len > sizeof l->label - 1)
            len--;
        memcpy(l->label, t, len);
        l->label[len] = '\0';
        free(t);
    }
    size_t n = f->raw_count + (f->rest_unit >= 0 ? 1 : 0);
    in->units = calloc(n ? n : 1, sizeof *in->units);
    if (!in->units)
        goto oom;
    for (size_t i = 0; i < f->raw_count; i++) {
        struct kkr_sie_unit *u = &in->units[in->unit_count++];
        const struct raw_unit *ru = &f->raw[i];
        if (!(u->code = to_utf8(cd, in->encoding, ru->code, ru->len)))
            goto oom;
        u->declared = ru->name != NULL;
        if (!(u->name = ru->name ? to_utf8(cd, in->encoding, ru->name, ru->name_len)
                                 : strdup(u->code)))
            goto oom;
    }
    if (f->rest_unit >= 0) {
        f->rest_unit = (int)in->unit_count;
        struct kkr_sie_unit *u = &in->units[in->unit_count++];
        in->has_rest = true;
        char name[200];
        if (f->raw_count == 0)
            snprintf(name, sizeof name, "%s", in->organisation && in->organisation[0]
                                                  ? in->organisation : "Hela verksamheten");
        else if (in->dim_name)
            snprintf(name, sizeof name, "Utan %s", in->dim_name);
        else
            snprintf(name, sizeof name, "Utan objekt i dimension %d", in->dim);
        if (!(u->code = strdup("")) || !(u->name = strdup(name)))
            goto oom;
        /* "Utan Kostnadsställe" -> "Utan kostnadsställe" */
        if (f->raw_count && in->dim_name) {
            size_t off = strlen("Utan ");
            kkr_text_lower_first(u->name + off, in->dim_name, strlen(u->name + off));
        }
    }
    goto out;
oom:
    st = sie_nomem(r);
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    return st;
}

