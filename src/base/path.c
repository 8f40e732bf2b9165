/* path.c — file names */
#include "kkr/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *kkr_path_join(const char *dir, const char *name)
{
    if (name[0] == '/')
        return strdup(name);
    char *p;
    size_t n = strlen(dir);
    if (asprintf(&p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name) < 0)
        return NULL;
    return p;
}
