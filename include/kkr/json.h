/* json.h — writing JSON */
#ifndef KKR_JSON_H
#define KKR_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal (with quotes). */
void kkr_json_write_string(FILE *out, const char *s);

#endif
