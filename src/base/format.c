/* format.c — the output formats every command names the same way (--format) */
#include <string.h>

#include "kkr/format.h"

bool kkr_format_parse(const char *s, enum kkr_format *out)
{
    if (strcmp(s, "text") == 0 || strcmp(s, "txt") == 0)
        *out = KKR_FORMAT_TEXT;
    else if (strcmp(s, "csv") == 0)
        *out = KKR_FORMAT_CSV;
    else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
        *out = KKR_FORMAT_MD;
    else if (strcmp(s, "json") == 0)
        *out = KKR_FORMAT_JSON;
    else if (strcmp(s, "xlsx") == 0)
        *out = KKR_FORMAT_XLSX;
    else
        return false;
    return true;
}
