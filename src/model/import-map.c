/* import-map.c — MAP.csv: ERP verksamhet codes (or prefixes) to workbook units */
#include "import-private.h"

void kkr_import_map_free(struct kkr_import_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->entry_count; i++)
        free(map->entries[i].code);
    for (size_t i = 0; i < map->target_count; i++)
        free(map->targets[i].name);
    free(map->entries);
    free(map->targets);
    free(map->path);
    free(map);
}

static enum kkr_status map_row(void *userdata, const struct kkr_csv_row *row,
                               struct kkr_diag *diag)
{
    struct kkr_import_map *map = userdata;
    const char *code = row->fields[0].text, *unit = row->fields[1].text;
    size_t clen = row->fields[0].len, ulen = row->fields[1].len;
    kkr_text_trim(&code, &clen);
    kkr_text_trim(&unit, &ulen);
    if (clen == 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[0],
                        "empty kod, expected an ERP verksamhet code or a prefix ending in '*'");
    if (ulen == 0)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[1],
                        "empty verksamhet for kod '%.*s', expected a workbook unit code",
                        (int)clen, code);
    const char *star = memchr(code, '*', clen);
    if (star && star != code + clen - 1)
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[0],
                        "'*' inside kod '%.*s', expected it only at the end (a prefix)",
                        (int)clen, code);
    bool prefix = star != NULL;
    size_t key_len = prefix ? clen - 1 : clen;
    for (size_t i = 0; i < map->entry_count; i++) {
        const struct map_entry *e = &map->entries[i];
        if (e->prefix == prefix && e->len == key_len && memcmp(e->code, code, key_len) == 0)
            return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                            "kod '%.*s' appears twice (first on line %ld)", (int)clen, code,
                            e->line);
    }
    int target = -1;
    for (size_t i = 0; i < map->target_count; i++)
        if (strlen(map->targets[i].name) == ulen && memcmp(map->targets[i].name, unit, ulen) == 0)
            target = (int)i;
    if (target < 0) {
        if (map->target_count == map->target_cap) {
            size_t cap = map->target_cap ? map->target_cap * 2 : 16;
            struct map_target *t = realloc(map->targets, cap * sizeof *t);
            if (!t)
                return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
            map->targets = t;
            map->target_cap = cap;
        }
        char *name = dup_n(unit, ulen);
        if (!name)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        target = (int)map->target_count;
        map->targets[map->target_count++] =
            (struct map_target){name, row->line, (long)target};
    }
    if (map->entry_count == map->entry_cap) {
        size_t cap = map->entry_cap ? map->entry_cap * 2 : 16;
        struct map_entry *e = realloc(map->entries, cap * sizeof *e);
        if (!e)
            return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
        map->entries = e;
        map->entry_cap = cap;
    }
    char *key = dup_n(code, key_len);
    if (!key)
        return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
    map->entries[map->entry_count++] = (struct map_entry){key, key_len, prefix, target, row->line};
    return KKR_OK;
}

enum kkr_status kkr_import_map_load(const char *path, struct kkr_import_map **out,
                                    struct kkr_diag *diag, struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_map *map = calloc(1, sizeof *map);
    if (!map || !(map->path = dup_n(path, strlen(path)))) {
        free(map);
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    static const struct kkr_csv_column cols[] = {
        {"kod|code|erp", true}, {"verksamhet|unit", true}, {NULL, false},
    };
    enum kkr_status st = kkr_csv_read_file(path, cols, map_row, map, diag, warn);
    if (st != KKR_OK) {
        kkr_import_map_free(map);
        return st;
    }
    *out = map;
    return KKR_OK;
}

enum kkr_status kkr_import_map_check(struct kkr_import_map *map, const struct kkr_workbook *wb,
                                     struct kkr_diag *diag)
{
    for (size_t i = 0; i < map->target_count; i++) {
        struct map_target *t = &map->targets[i];
        int u = kkr_workbook_find_unit(wb, t->name, strlen(t->name));
        if (u < 0)
            return kkr_fail(diag, KKR_ERR_VALUE, map->path, t->line, 2,
                            "unknown unit '%s', expected a kod from %s/verksamheter.csv",
                            t->name, wb->dir);
        t->order = u;
    }
    return KKR_OK;
}

int kkr_import_map_lookup(const struct kkr_import_map *map, const char *code, size_t len)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < map->entry_count; i++) {
        const struct map_entry *e = &map->entries[i];
        if (!e->prefix) {
            if (e->len == len && memcmp(e->code, code, len) == 0)
                return e->target;  /* an exact code is the most specific match */
        } else if (e->len <= len && memcmp(e->code, code, e->len) == 0 &&
                   (best < 0 || e->len > best_len)) {
            best = e->target;
            best_len = e->len;
        }
    }
    return best;
}

enum kkr_status kkr_import_map_new(const char *name, struct kkr_import_map **out,
                                   struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_import_map *map = calloc(1, sizeof *map);
    if (!map || !(map->path = dup_n(name, strlen(name)))) {
        free(map);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    *out = map;
    return KKR_OK;
}

enum kkr_status kkr_import_map_add(struct kkr_import_map *map, const char *code,
                                   const char *unit, struct kkr_diag *diag)
{
    int target = -1;
    for (size_t i = 0; i < map->target_count && target < 0; i++)
        if (strcmp(map->targets[i].name, unit) == 0)
            target = (int)i;
    if (target < 0) {
        if (map->target_count == map->target_cap) {
            size_t cap = map->target_cap ? map->target_cap * 2 : 16;
            struct map_target *t = realloc(map->targets, cap * sizeof *t);
            if (!t)
                return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
            map->targets = t;
            map->target_cap = cap;
        }
        char *name = dup_n(unit, strlen(unit));
        if (!name)
            return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
        target = (int)map->target_count;
        map->targets[map->target_count++] = (struct map_target){name, 0, (long)target};
    }
    if (map->entry_count == map->entry_cap) {
        size_t cap = map->entry_cap ? map->entry_cap * 2 : 16;
        struct map_entry *e = realloc(map->entries, cap * sizeof *e);
        if (!e)
            return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
        map->entries = e;
        map->entry_cap = cap;
    }
    size_t len = strlen(code);
    char *key = dup_n(code, len);
    if (!key)
        return kkr_fail(diag, KKR_ERR_NOMEM, map->path, 0, 0, "out of memory");
    map->entries[map->entry_count++] = (struct map_entry){key, len, false, target, 0};
    return KKR_OK;
}

size_t kkr_import_map_target_count(const struct kkr_import_map *map)
{
    return map->target_count;
}

const char *kkr_import_map_target(const struct kkr_import_map *map, size_t target)
{
    return target < map->target_count ? map->targets[target].name : NULL;
}
