/* import-read.c — kkr_import_read: the ledger in fixed-size chunks, its header, the result */
#include "import-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const default_columns[KKR_IMPORT_ROLES] = {
    "verksamhet|vht|unit", "konto|kto|account", "period|datum|date", "belopp|amount",
};
static const char *const role_names[KKR_IMPORT_ROLES] = {
    "verksamhet", "konto", "period", "belopp",
};

/* ---- header ---- */

struct header_fields {
    char **names;
    size_t count, cap;
    bool nomem;
};

static void header_field_cb(void *data, size_t len, void *userdata)
{
    struct header_fields *h = userdata;
    if (h->nomem)
        return;
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        char **n = realloc(h->names, cap * sizeof *n);
        if (!n) {
            h->nomem = true;
            return;
        }
        h->names = n;
        h->cap = cap;
    }
    char *name = dup_n(data ? data : "", len);
    if (!name) {
        h->nomem = true;
        return;
    }
    h->names[h->count++] = name;
}

/* The header's delimiter as the CSV reader picks it (';' when there is none). */
static char detect_delimiter(const char *s, size_t len)
{
    int d = kkr_csv_detect_delimiter(s, len);
    return d ? (char)d : ';';
}

static bool name_matches(const char *aliases, const char *name, size_t nlen)
{
    return kkr_csv_name_matches(aliases, name, nlen);
}

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

static enum kkr_status parse_header(struct reader *r, const char *s, size_t len)
{
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    r->delim = detect_delimiter(s, len);
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return fail_nomem(r);
    csv_set_delim(&p, (unsigned char)r->delim);
    csv_set_space_func(&p, r->delim == '\t' ? is_space_only : NULL);  /* NULL: ' ', '\t' */
    struct header_fields h = {0};
    size_t done = csv_parse(&p, s, len, header_field_cb, NULL, &h);
    int fin = done == len ? csv_fini(&p, header_field_cb, NULL, &h) : -1;
    csv_free(&p);
    enum kkr_status st = KKR_OK;
    if (h.nomem) {
        st = fail_nomem(r);
        goto out;
    }
    if (done != len || fin != 0) {
        st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, (long)h.count + 1,
                      "bad quoting in the header, expected column names");
        goto out;
    }
    if (r->enc == ENC_CP1252)
        for (size_t i = 0; i < h.count; i++)
            if (has_high_byte(h.names[i], strlen(h.names[i]))) {
                size_t cl;
                char *conv = kkr_cp1252_to_utf8(h.names[i], strlen(h.names[i]), &cl);
                if (!conv) {
                    st = fail_nomem(r);
                    goto out;
                }
                free(h.names[i]);
                h.names[i] = conv;
            }
    r->header_count = h.count;
    r->col_role = malloc(h.count ? h.count : 1);
    if (!r->col_role) {
        st = fail_nomem(r);
        goto out;
    }
    memset(r->col_role, -1, h.count);
    for (int role = 0; role < KKR_IMPORT_ROLES; role++) {
        const char *aliases = r->opt->columns[role] ? r->opt->columns[role]
                                                     : default_columns[role];
        /* The first alias that names a column wins (Period before Datum). */
        long found = 0;
        const char *p2 = aliases;
        while (!found && *p2) {
            const char *bar = strchr(p2, '|');
            size_t alen = bar ? (size_t)(bar - p2) : strlen(p2);
            char one[128];
            snprintf(one, sizeof one, "%.*s", (int)alen, p2);
            for (size_t i = 0; i < h.count; i++) {
                const char *nm = h.names[i];
                size_t nl = strlen(nm);
                if (!name_matches(one, nm, nl))
                    continue;
                if (found) {
                    st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, (long)i + 1,
                                  "duplicate column '%s' (also column %ld)", nm, found);
                    goto out;
                }
                found = (long)i + 1;
            }
            if (!bar)
                break;
            p2 = bar + 1;
        }
        if (!found) {
            char list[256];
            aliases_text(list, sizeof list, aliases);
            st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, 0,
                          "missing column for %s, expected a header named %s%s",
                          role_names[role], list,
                          r->opt->columns[role] ? " (--columns)" : "");
            goto out;
        }
        if (r->col_role[found - 1] >= 0) {
            st = kkr_fail(r->diag, KKR_ERR_SYNTAX, r->path, 1, found,
                          "column '%s' is used for both %s and %s", h.names[found - 1],
                          role_names[r->col_role[found - 1]], role_names[role]);
            goto out;
        }
        r->col_role[found - 1] = (signed char)role;
        r->role_col[role] = found;
        r->role_header[role] = dup_n(h.names[found - 1], strlen(h.names[found - 1]));
        if (!r->role_header[role]) {
            st = fail_nomem(r);
            goto out;
        }
    }
out:
    for (size_t i = 0; i < h.count; i++)
        free(h.names[i]);
    free(h.names);
    return st;
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
    free(r->col_role);
    free(r->fbuf);
    if (r->csv_ready)
        csv_free(&r->csv);
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
    bool use_stdin = strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kkr_fail(diag, KKR_ERR_IO, name, 0, 0, "cannot open: %s", strerror(errno));
    uint64_t total = 0;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        total = (uint64_t)sb.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

    struct reader *r = calloc(1, sizeof *r);
    struct kkr_import_result *res = calloc(1, sizeof *res);
    size_t chunk = opt->chunk_size ? opt->chunk_size : DEFAULT_CHUNK;
    size_t cap = chunk;
    char *buf = malloc(cap);
    enum kkr_status st = KKR_OK;
    if (!r || !res || !buf) {
        free(r);
        free(res);
        free(buf);
        if (!use_stdin)
            close(fd);
        return kkr_fail(diag, KKR_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    r->path = name;
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

    size_t have = 0;      /* bytes in buf */
    size_t start = 0;     /* first byte not yet processed */
    bool header_done = false, eof = false, first = true;
    bool ends_nl = false;  /* the last byte read is a newline (for the last line's number) */
    struct kkr_import_progress prog = {0, total, 0};

    while (!eof) {
        if (start > 0) {
            memmove(buf, buf + start, have - start);
            have -= start;
            start = 0;
        }
        if (have == cap) {
            if (cap >= MAX_LINE) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r->line, 0,
                              "line longer than %u MiB, expected CSV text lines",
                              MAX_LINE >> 20);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = fail_nomem(r);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            st = kkr_fail(diag, KKR_ERR_IO, name, 0, 0, "cannot read: %s", strerror(errno));
            break;
        }
        if (n == 0)
            eof = true;
        have += (size_t)n;
        res->bytes_read += (uint64_t)n;
        if (n > 0)
            ends_nl = buf[have - 1] == '\n';
        /* the start of the file decides (UTF-16, a BOM) once four bytes are in, whatever the
         * chunk size (fuzz-import: 3-byte chunks skipped the UTF-16 check) */
        if (first && (have >= 4 || eof)) {
            /* UTF-16 is named as such, in the words of the workbook reader */
            st = kkr_csv_check_utf16(name, buf, have, diag);
            if (st != KKR_OK)
                break;
            first = false;
            if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                start = 3;
                r->enc = ENC_UTF8;
            }
        }
        if (first)
            continue;
        /* Only complete lines are processed; the rest is carried over. */
        size_t complete = have;
        if (!eof) {
            const char *nl = memrchr(buf + start, '\n', have - start);
            if (!nl)
                continue;
            complete = (size_t)(nl + 1 - buf);
        }
        if (!header_done) {
            const char *nl = memchr(buf + start, '\n', complete - start);
            size_t hl = nl ? (size_t)(nl + 1 - (buf + start)) : complete - start;
            st = kkr_import_check_encoding(r, buf, start, start + hl);
            if (st != KKR_OK)
                break;
            if (blank_bytes(buf + start, hl - (nl ? 1 : 0)) && !nl) {
                st = kkr_fail(diag, KKR_ERR_SYNTAX, name, 1, 0,
                              "empty file, expected a header line with verksamhet, konto, "
                              "period and belopp");
                break;
            }
            st = parse_header(r, buf + start, hl);
            if (st != KKR_OK)
                break;
            if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
                st = fail_nomem(r);
                break;
            }
            r->csv_ready = true;
            csv_set_delim(&r->csv, (unsigned char)r->delim);
            csv_set_space_func(&r->csv, r->delim == '\t' ? is_space_only : NULL);
            header_done = true;
            start += hl;
            if (nl)
                r->line++;
        }
        size_t used;
        st = kkr_import_process_lines(r, buf + start, complete - start, eof, &used);
        start += used;
        if (st != KKR_OK)
            break;
        if (opt->progress) {
            prog.bytes_done = res->bytes_read;
            prog.rows = res->rows_read;
            opt->progress(opt->progress_userdata, &prog);
        }
    }
    if (st == KKR_OK && r->csv_ready) {
        long end_line = ends_nl ? r->line - 1 : r->line;
        if (csv_fini(&r->csv, kkr_import_csv_field, kkr_import_csv_row, r) != 0 &&
            r->status == KKR_OK)
            st = kkr_fail(diag, KKR_ERR_SYNTAX, name, r->rec_line, (long)r->field_idx + 1,
                          "quoted field not closed at the end of the file (line %ld), "
                          "expected a closing '\"'", end_line);
        else
            st = r->status;
    }
    if (st == KKR_OK)
        st = build_result(r);
    free(buf);
    if (!use_stdin)
        close(fd);
    reader_release(r);
    free(r);
    if (st != KKR_OK) {
        kkr_import_result_free(res);
        return st;
    }
    *out = res;
    return KKR_OK;
}
