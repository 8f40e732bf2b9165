/* csv-write.c — CSV fields as spreadsheets read them: quoted when needed, formulas neutralised */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kkr/csv.h"

const char *kkr_csv_safe_text(const char *s, char *buf, size_t size)
{
    bool risky = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r';
    snprintf(buf, size, "%s%s", risky ? "'" : "", s);
    return buf;
}

void kkr_csv_write_text(FILE *out, const char *s, char delim)
{
    size_t n = strlen(s);
    char *safe = malloc(n + 2);
    if (!safe)
        return;
    kkr_csv_safe_text(s, safe, n + 2);
    bool quote = strchr(safe, delim) || strchr(safe, '"') || strchr(safe, '\n') ||
                 strchr(safe, '\r');
    if (!quote) {
        fputs(safe, out);
    } else {
        fputc('"', out);
        for (const char *p = safe; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    }
    free(safe);
}
