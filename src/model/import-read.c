/* import-read.c — kkr_import_read: the ledger in fixed-size chunks (kkr_chunks) through the CSV
 * push reader, its header rule, the result */
#include "import-private.h"

#include "kkr/chunks.h"

static const char *const default_columns[KKR_IMPORT_ROLES] = {
    "verksamhet|vht|unit", "konto|kto|account", "period|datum|date", "belopp|amount",
};
static const char *const role_names[KKR_IMPORT_ROLES] = {
    "verksamhet", "konto", "period", "belopp",
};

/* ---- header ---- */

static void aliases_text(char *buf, size_t size, const char *aliases)
{
    /* "verksamhet|vht|unit" -> "verksamhet, vht or unit" */
    size_t n = 0;
    const char *p = aliases;
    buf[0] = '\0';
    while (*p && n + 8 < size) {
        const char *bar = strchr(p, '|');
        size_t alen = bar ? (size_t)(bar - p) : strlen(p);
        const char *sep = n == 0 ? "" : (bar ? ", " : " or ");
        n += (size_t)snprintf(buf + n, size - n, "%s%.*s", sep, (int)alen, p);
        if (!bar)
            break;
        p = bar + 1;
    }
}

static const char *role_aliases(const struct reader *r, int role)
{
    return r->opt->columns[role] ? r->opt->columns[role] : default_columns[role];
}

/* The header rule of the ledger (a kkr_csv_header_fn): for each role the first of its aliases
 * that names a column wins (Period before Datum: an export may have both); one column for one
 * role; the messages name the role and --columns. */
static enum kkr_status match_header(void *userdata, const char *path, long line,
                                    const struct kkr_csv_field *names, size_t count,
                                    long *columns, struct kkr_diag *diag)
{
    struct reader *r = userdata;
    for (int role = 0; role < KKR_IMPORT_ROLES; role++) {
        const char *aliases = role_aliases(r, role);
        long found = 0;
        for (const char *p = aliases; !found && *p;) {
            const char *bar = strchr(p, '|');
            size_t alen = bar ? (size_t)(bar - p) : strlen(p);
            char one[128];
            snprintf(one, sizeof one, "%.*s", (int)alen, p);
            for (size_t i = 0; i < count; i++) {
                if (!kkr_csv_name_matches(one, names[i].text, names[i].len))
                    continue;
                if (found)
                    return kkr_fail(diag, KKR_ERR_SYNTAX, path, line, (long)i + 1,
                                    "duplicate column '%s' (also column %ld)", names[i].text,
                                    found);
                found = (long)i + 1;
            }
            if (!bar)
                break;
            p = bar + 1;
        }
        if (!found) {
            char list[256];
            aliases_text(list, sizeof list, aliases);
            return kkr_fail(diag, KKR_ERR_SYNTAX, path, line, 0,
                            "missing column for %s, expected a header named %s%s",
                            role_names[role], list, r->opt->columns[role] ? " (--columns)" : "");
        }
        for (int other = 0; other < role; other++)
            if (columns[other] == found)
                return kkr_fail(diag, KKR_ERR_SYNTAX, path, line, found,
                                "column '%s' is used for both %s and %s",
                                names[found - 1].text, role_names[other], role_names[role]);
        columns[role] = found;
        r->role_col[role] = found;
        r->role_header[role] = strdup(names[found - 1].text);
        if (!r->role_header[role])
            return kkr_fail(diag, KKR_ERR_NOMEM, path, line, 0, "out of memory");
    }
    return KKR_OK;
}

static const struct kkr_import_map *sort_map;

static int cmp_target(const void *a, const void *b)
{
    long x = sort_map->targets[*(const int *)a].order;
    long y = sort_map->targets[*(const int *)b].order;
    if (x != y)
        return x < y ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static int cmp_kind(const void *a, const void *b)
{
    int x = kkr_import_slag_order(*(const int *)a), y = kkr_import_slag_order(*(const int *)b);
    return (x > y) - (x < y);
}

static enum kkr_status build_result(struct reader *r)
{
    struct kkr_import_result *res = r->res;
    size_t nt = r->map->target_count;
    /* slots in period order */
    int *slots = malloc(sizeof(int) * (size_t)(r->slot_count ? r->slot_count : 1));
    int *targets = malloc(sizeof(int) * (nt ? nt : 1));
    res->periods = malloc(sizeof(int) * (size_t)(r->slot_count ? r->slot_count : 1));
    if (!slots || !targets || !res->periods) {
        free(slots);
        free(targets);
        return fail_nomem(r);
    }
    for (int i = 0; i < r->slot_count; i++)
        res->periods[i] = r->slot_period[i];
    res->period_count = (size_t)r->slot_count;
    qsort(res->periods, res->period_count, sizeof(int), cmp_int);
    for (size_t i = 0; i < res->period_count; i++) {
        int p = res->periods[i];
        slots[i] = r->slot_of[(p / 100 - 1900) * 12 + p % 100 - 1];
    }
    for (size_t i = 0; i < nt; i++)
        targets[i] = (int)i;
    sort_map = r->map;
    qsort(targets, nt, sizeof(int), cmp_target);
    int kinds[KKR_IMPORT_SLAG_COUNT];  /* the slag in output order */
    for (size_t k = 0; k < r->kinds; k++)
        kinds[k] = (int)k;
    qsort(kinds, r->kinds, sizeof(int), cmp_kind);
    size_t count = 0;
    for (size_t s = 0; s < res->period_count; s++)
        for (size_t c = 0; c < r->cells_per_slot; c++)
            if (r->slot_rows[slots[s]][c])
                count++;
    res->cells = malloc(sizeof *res->cells * (count ? count : 1));
    if (!res->cells) {
        free(slots);
        free(targets);
        return fail_nomem(r);
    }
    for (size_t t = 0; t < nt; t++)
        for (size_t o = 0; o < r->kinds; o++)
            for (size_t s = 0; s < res->period_count; s++) {
                int k = kinds[o];
                size_t c = (size_t)targets[t] * r->kinds + (size_t)k;
                int sl = slots[s];
                if (!r->slot_rows[sl][c])
                    continue;
                res->cells[res->cell_count++] = (struct kkr_import_cell){
                    targets[t], k, res->periods[s], r->slot_sum[sl][c], r->slot_rows[sl][c]};
            }
    free(slots);
    free(targets);
    return KKR_OK;
}

static void reader_release(struct reader *r)
{
    for (size_t i = 0; i < r->code_count; i++)
        free(r->codes[i].raw);
    free(r->codes);
    kkr_hash_release(&r->code_index);
    free(r->account_cache);
    free(r->short_tab);
    for (int i = 0; i < r->slot_count; i++) {
        free(r->slot_sum[i]);
        free(r->slot_rows[i]);
    }
    for (int i = 0; i < KKR_IMPORT_ROLES; i++)
        free(r->role_header[i]);
}

/* The chunks of the file through the CSV push reader, rows into their cells. */
static enum kkr_status read_rows(struct reader *r, struct kkr_chunks *ch)
{
    const struct kkr_import_options *opt = r->opt;
    struct kkr_csv_column columns[KKR_IMPORT_ROLES + 1];
    for (int role = 0; role < KKR_IMPORT_ROLES; role++)
        columns[role] = (struct kkr_csv_column){role_aliases(r, role), true};
    columns[KKR_IMPORT_ROLES] = (struct kkr_csv_column){NULL, false};
    struct kkr_csv_options copt;
    kkr_csv_options_init(&copt);
    copt.fast_path = !opt->slow_path_only;
    copt.in_place = true;
    copt.match_header = match_header;
    struct kkr_csv_reader *cr;
    enum kkr_status st = kkr_csv_reader_new(ch->name, columns, &copt, kkr_import_row, r,
                                            r->diag, r->warn, &cr);
    if (st != KKR_OK)
        return st;
    struct kkr_import_progress prog = {0, ch->size, 0};
    struct kkr_csv_reader_stats stats;
    while (st == KKR_OK) {
        kkr_csv_reader_stats(cr, &stats);
        st = kkr_chunks_read(ch, stats.line, r->diag);
        if (st != KKR_OK)
            break;
        if (ch->complete > ch->start)
            st = kkr_csv_reader_push(cr, ch->buf + ch->start, ch->complete - ch->start);
        ch->start = ch->complete;
        if (st != KKR_OK)
            break;
        if (opt->progress) {
            prog.bytes_done = ch->bytes_read;
            prog.rows = r->res->rows_read;
            opt->progress(opt->progress_userdata, &prog);
        }
        if (ch->eof)
            break;
    }
    if (st == KKR_OK)
        st = kkr_csv_reader_finish(cr);
    kkr_csv_reader_stats(cr, &stats);
    r->res->fast_rows = stats.fast_rows;
    r->res->slow_rows = stats.slow_rows;
    r->res->cp1252 = stats.windows_1252;
    r->res->bytes_read = ch->bytes_read;
    kkr_csv_reader_free(cr);
    return st;
}

enum kkr_status kkr_import_read(const char *path, const struct kkr_import_map *map,
                                const struct kkr_import_accounts *accounts,
                                const struct kkr_import_options *opt,
                                struct kkr_import_result **out, struct kkr_diag *diag,
                                struct kkr_warnings *warn)
{
    *out = NULL;
    struct kkr_import_options defaults;
    if (!opt) {
        kkr_import_options_init(&defaults);
        opt = &defaults;
    }
    struct kkr_chunks ch;
    enum kkr_status st = kkr_chunks_open(&ch, path, opt->chunk_size, MAX_LINE,
                                         "CSV text lines", diag);
    if (st != KKR_OK)
        return st;
    struct reader *r = calloc(1, sizeof *r);
    struct kkr_import_result *res = calloc(1, sizeof *res);
    if (!r || !res) {
        free(r);
        free(res);
        kkr_chunks_close(&ch);
        return kkr_fail(diag, KKR_ERR_NOMEM, ch.name, 0, 0, "out of memory");
    }
    r->path = ch.name;
    r->map = map;
    r->rules = accounts;
    r->opt = opt;
    r->diag = diag;
    r->warn = warn;
    r->res = res;
    r->line = 1;
    r->last_code = SIZE_MAX;
    r->kinds = kkr_import_accounts_slag_count(accounts);
    r->cells_per_slot = map->target_count * r->kinds;
    memset(r->slot_of, -1, sizeof r->slot_of);

    st = read_rows(r, &ch);
    if (st == KKR_OK)
        st = build_result(r);
    kkr_chunks_close(&ch);
    reader_release(r);
    free(r);
    if (st != KKR_OK) {
        kkr_import_result_free(res);
        return st;
    }
    *out = res;
    return KKR_OK;
}
