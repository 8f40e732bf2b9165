/* workbook-conf.c — bok.conf: the workbook's settings, its title block and saved layout */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kkr/csv.h"
#include "kkr/hash.h"
#include "kkr/money.h"
#include "kkr/path.h"
#include "kkr/text.h"
#include "kkr/workbook.h"
#include "kkr/xlsx.h"
#include "workbook-private.h"

#include "workbook-loader.h"

/* ---- bok.conf ---- */

enum kkr_status loader_load_conf(struct kkr_workbook *wb, struct kkr_diag *diag,
                                 struct kkr_warnings *warn)
{
    char *path = kkr_path_join(wb->dir, "bok.conf");
    if (!path)
        return loader_nomem(diag, wb->dir);
    char *data;
    size_t len;
    enum kkr_status st = kkr_file_read_all(path, &data, &len, diag);
    if (st == KKR_ERR_NOT_FOUND) {
        kkr_diag_clear(diag);
        free(path);
        return KKR_OK;
    }
    if (st != KKR_OK) {
        free(path);
        return st;
    }
    char *text = data;
    size_t text_len = len;
    char *converted = NULL;
    if (!(wb->layout.conf_path = strdup(path))) {
        free(data);
        st = loader_nomem(diag, path);
        free(path);
        return st;
    }
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        text_len -= 3;
    }
    if (memchr(text, '\0', text_len)) {
        free(data);
        st = kkr_fail(diag, KKR_ERR_SYNTAX, path, 0, 0, "NUL byte, expected text");
        free(path);
        return st;
    }
    if (!kkr_utf8_valid(text, text_len, NULL)) {
        converted = kkr_cp1252_to_utf8(text, text_len, &text_len);
        if (!converted) {
            free(data);
            st = loader_nomem(diag, path);
            free(path);
            return st;
        }
        text = converted;
        kkr_warn(warn, "%s: not UTF-8, read as Windows-1252", path);
    }
    long line = 0;
    char *cur = text;
    while (st == KKR_OK && cur && *cur) {
        char *nl = strchr(cur, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *s = cur;
        cur = nl ? nl + 1 : NULL;
        size_t n = strlen(s);
        if (n && s[n - 1] == '\r')
            s[--n] = '\0';
        const char *k = s;
        size_t kn = n;
        kkr_text_trim(&k, &kn);
        if (kn == 0 || k[0] == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = kkr_fail(diag, KKR_ERR_SYNTAX, path, line, 1,
                          "cannot read '%s', expected 'key = value'", s);
            break;
        }
        const char *key = s, *val = eq + 1;
        size_t keylen = (size_t)(eq - s), vallen = strlen(val);
        kkr_text_trim(&key, &keylen);
        kkr_text_trim(&val, &vallen);
        char **slot = NULL;
        struct kkr_workbook_layout *lay = &wb->layout;
        long vcol = (long)(val - s) + 1;
        char vbuf[64];
        snprintf(vbuf, sizeof vbuf, "%.*s", (int)(vallen < 60 ? vallen : 60), val);
        if (kkr_text_equal_fold(key, keylen, "kolumner", 8) ||
            kkr_text_equal_fold(key, keylen, "columns", 7)) {
            free(lay->columns);
            if (!(lay->columns = strndup(val, vallen))) {
                st = loader_nomem(diag, path);
                break;
            }
            lay->columns_line = line;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "tecken", 6) ||
                   kkr_text_equal_fold(key, keylen, "sign", 4)) {
            if (kkr_text_equal_fold(val, vallen, "nettokostnad", 12))
                lay->sign = KKR_SIGN_NET_COST;
            else if (kkr_text_equal_fold(val, vallen, "resultat", 8))
                lay->sign = KKR_SIGN_RESULT;
            else {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "tecken '%s', expected nettokostnad or resultat", vbuf);
                break;
            }
            lay->sign_set = true;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "decimaler", 9) ||
                   kkr_text_equal_fold(key, keylen, "procentdecimaler", 16)) {
            bool pct = keylen > 9;
            if (vallen != 1 || val[0] < '0' || val[0] > '2') {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "%s '%s', expected 0, 1 or 2", pct ? "procentdecimaler" : "decimaler",
                              vbuf);
                break;
            }
            *(pct ? &lay->percent_decimals : &lay->decimals) = val[0] - '0';
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "enhet", 5) ||
                   kkr_text_equal_fold(key, keylen, "unit", 4)) {
            char ubuf[16];
            if (vallen >= sizeof ubuf ||
                (snprintf(ubuf, sizeof ubuf, "%.*s", (int)vallen, val),
                 !kkr_display_unit_parse(ubuf, &lay->unit))) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "enhet '%s', expected kkr, kr or mnkr", vbuf);
                break;
            }
            lay->unit_set = true;
            continue;
        } else if (kkr_text_equal_fold(key, keylen, "totalrad", 8)) {
            if (vallen == 0) {
                st = kkr_fail(diag, KKR_ERR_VALUE, path, line, vcol,
                              "empty totalrad, expected the total row's label, e.g. Summa");
                break;
            }
            slot = &lay->total_label;
        } else if (kkr_text_equal_fold(key, keylen, "organisation", 12) ||
            kkr_text_equal_fold(key, keylen, "kommun", 6))
            slot = &wb->organisation;
        else if (kkr_text_equal_fold(key, keylen, "nämnd", strlen("nämnd")) ||
                 kkr_text_equal_fold(key, keylen, "namnd", 5) ||
                 kkr_text_equal_fold(key, keylen, "committee", 9))
            slot = &wb->committee;
        else if (kkr_text_equal_fold(key, keylen, "titel", 5) ||
                 kkr_text_equal_fold(key, keylen, "title", 5))
            slot = &wb->title;
        else if (kkr_text_equal_fold(key, keylen, "år", strlen("år")) ||
                 kkr_text_equal_fold(key, keylen, "ar", 2) ||
                 kkr_text_equal_fold(key, keylen, "year", 4)) {
            int y, m;
            if (!kkr_period_parse(val, vallen, &y, &m) || m != 0) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, path, line, (long)(val - s) + 1,
                              "cannot parse år '%.*s', expected a year like 2020", (int)vallen,
                              val);
                break;
            }
            wb->year = y;
            continue;
        } else {
            kkr_warn(warn, "%s:%ld: unknown key '%.*s' ignored", path, line, (int)keylen, key);
            continue;
        }
        size_t at;
        if (kkr_text_has_control(val, vallen, "", &at)) {
            st = kkr_fail(diag, KKR_ERR_VALUE, path, line, (long)(val - s) + (long)at + 1,
                          "'%.*s' with a control character, expected text without control "
                          "characters", (int)keylen, key);
            break;
        }
        free(*slot);
        *slot = strndup(val, vallen);
        if (!*slot)
            st = loader_nomem(diag, path);
    }
    free(converted);
    free(data);
    free(path);
    return st;
}
