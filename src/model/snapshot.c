/* snapshot.c — locked monthly forecasts in snapshots/YYYYMM.csv: listing, loading, locking */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kkr/csv.h"
#include "kkr/money.h"
#include "kkr/output.h"
#include "kkr/snapshot.h"
#include "kkr/text.h"
#include "kkr/workbook.h"

static const struct kkr_csv_column snapshot_columns[] = {
    {"verksamhet|unit|kod", true},
    {"slag|kind", true},
    {"prognos|forecast", true},
    {"metod|method", false},
    {"kommentar|comment", false},
    {NULL, false},
};

struct snap_ctx {
    const struct kkr_workbook *wb;
    struct kkr_snapshot *snap;
    long *seen_line;
};

static enum kkr_status take_row(void *ud, const struct kkr_csv_row *row, struct kkr_diag *diag)
{
    struct snap_ctx *ctx = ud;
    const struct kkr_csv_field *f = row->fields;
    int unit = kkr_workbook_find_unit(ctx->wb, f[0].text, f[0].len);
    if (unit < 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "unknown verksamhet '%s', expected a kod from verksamheter.csv",
                        f[0].text);
    int slag = kkr_workbook_find_slag(ctx->wb, f[1].text, f[1].len);
    if (slag < 0)
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[1],
                        ctx->wb->slag_count > KKR_TYPES
                            ? "unknown slag '%s', expected 'intäkt', 'kostnad' or a slag of "
                              "slag.csv"
                            : "unknown slag '%s', expected 'intäkt' or 'kostnad'",
                        f[1].text);
    size_t slot = kkr_workbook_slot(ctx->wb, unit, slag);
    if (ctx->seen_line[slot])
        return kkr_fail(diag, KKR_ERR_VALUE, row->path, row->line, row->columns[0],
                        "a second prognos for '%s' %s, the first is on line %ld", f[0].text,
                        ctx->wb->slag[slag].code, ctx->seen_line[slot]);
    ctx->seen_line[slot] = row->line;
    if (f[2].len == 0)
        return KKR_OK;
    if (!kkr_money_parse(f[2].text, f[2].len, &ctx->snap->forecast_ore[slot]))
        return kkr_fail(diag, KKR_ERR_SYNTAX, row->path, row->line, row->columns[2],
                        "cannot parse amount '%s' in column 'prognos', expected kronor like "
                        "'-1 234,56'",
                        f[2].text);
    ctx->snap->forecast_has[slot] = 1;
    enum kkr_status st = kkr_csv_check_text(row, 3, "metod", false, diag);
    if (st == KKR_OK)
        st = kkr_csv_check_text(row, 4, "kommentar", true, diag);
    if (st != KKR_OK)
        return st;
    if (f[3].len && !(ctx->snap->method[slot] = strndup(f[3].text, f[3].len)))
        return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
    if (f[4].len && !(ctx->snap->comment[slot] = strndup(f[4].text, f[4].len)))
        return kkr_fail(diag, KKR_ERR_NOMEM, row->path, row->line, 0, "out of memory");
    return KKR_OK;
}

char *kkr_snapshot_path(const struct kkr_workbook *wb, int year, int month)
{
    size_t n = strlen(wb->dir);
    char *path;
    if (asprintf(&path, "%s%ssnapshots/%04d%02d.csv", wb->dir,
                 n && wb->dir[n - 1] == '/' ? "" : "/", year, month) < 0)
        return NULL;
    return path;
}

/* An empty snapshot sized for the workbook's units, or NULL when out of memory. */
static struct kkr_snapshot *snapshot_alloc(const struct kkr_workbook *wb, int year, int month)
{
    size_t slots = kkr_workbook_slots(wb);
    struct kkr_snapshot *snap = calloc(1, sizeof *snap);
    if (!snap)
        return NULL;
    snap->year = year;
    snap->month = month;
    snap->unit_count = wb->unit_count;
    snap->slag_count = wb->slag_count;
    snap->forecast_ore = calloc(slots ? slots : 1, sizeof *snap->forecast_ore);
    snap->forecast_has = calloc(slots ? slots : 1, 1);
    snap->method = calloc(slots ? slots : 1, sizeof *snap->method);
    snap->comment = calloc(slots ? slots : 1, sizeof *snap->comment);
    if (!snap->forecast_ore || !snap->forecast_has || !snap->method || !snap->comment) {
        kkr_snapshot_free(snap);
        return NULL;
    }
    return snap;
}

enum kkr_status kkr_snapshot_load(const struct kkr_workbook *wb, int year, int month,
                                  struct kkr_snapshot **out, struct kkr_diag *diag,
                                  struct kkr_warnings *warn)
{
    *out = NULL;
    char *path = kkr_snapshot_path(wb, year, month);
    if (!path)
        return kkr_fail(diag, KKR_ERR_NOMEM, wb->dir, 0, 0, "out of memory");
    size_t slots = kkr_workbook_slots(wb);
    struct kkr_snapshot *snap = snapshot_alloc(wb, year, month);
    long *seen = calloc(slots ? slots : 1, sizeof *seen);
    enum kkr_status st;
    if (!snap || !seen) {
        st = kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    } else {
        struct snap_ctx ctx = {wb, snap, seen};
        st = kkr_csv_read_file(path, snapshot_columns, take_row, &ctx, diag, warn);
        if (st == KKR_ERR_NOT_FOUND && diag && diag->line == 0)
            st = kkr_fail(diag, KKR_ERR_NOT_FOUND, path, 0, 0,
                          "no snapshot for %04d%02d, expected one locked with 'kkr lock'", year,
                          month);
    }
    free(seen);
    free(path);
    if (st != KKR_OK) {
        kkr_snapshot_free(snap);
        return st;
    }
    kkr_workbook_cover_typ(wb, snap->forecast_ore, snap->forecast_has);
    *out = snap;
    return KKR_OK;
}

void kkr_snapshot_free(struct kkr_snapshot *snap)
{
    if (!snap)
        return;
    for (size_t i = 0; i < snap->unit_count * snap->slag_count; i++) {
        if (snap->method)
            free(snap->method[i]);
        if (snap->comment)
            free(snap->comment[i]);
    }
    free(snap->method);
    free(snap->comment);
    free(snap->forecast_ore);
    free(snap->forecast_has);
    free(snap);
}

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* YYYYMM of a snapshot file name: exactly six digits, a month 01..12 and ".csv"; else 0
 * ("2020 1.csv" and "+20201.csv" are no snapshots, whatever sscanf would make of them). */
static int snapshot_name_period(const char *name)
{
    if (strlen(name) != 10 || strcmp(name + 6, ".csv") != 0)
        return 0;
    for (int i = 0; i < 6; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    int year = (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 +
               (name[3] - '0');
    int month = (name[4] - '0') * 10 + (name[5] - '0');
    if (year < 1900 || year > 2199 || month < 1 || month > 12)
        return 0;
    return year * 100 + month;
}

static int compare_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void kkr_snapshot_warn_strays(const char *dir, struct kkr_warnings *warn)
{
    size_t n = strlen(dir);
    char *path;
    if (!warn || asprintf(&path, "%s%ssnapshots", dir, n && dir[n - 1] == '/' ? "" : "/") < 0)
        return;
    DIR *d = opendir(path);
    char **names = NULL;
    size_t count = 0, cap = 0;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            const char *name = e->d_name;
            size_t len = strlen(name);
            /* dot files, kkr's own temporaries (kkr lock) and snapshots are not strays */
            if (name[0] == '.' || (len > 4 && strcmp(name + len - 4, ".tmp") == 0) ||
                snapshot_name_period(name))
                continue;
            if (count == cap) {
                cap = cap ? cap * 2 : 8;
                char **more = realloc(names, cap * sizeof *names);
                if (!more)
                    break;
                names = more;
            }
            if (!(names[count] = strdup(name)))
                break;
            count++;
        }
        closedir(d);
    }
    if (count)
        qsort(names, count, sizeof *names, compare_name); /* readdir's order is the disk's */
    for (size_t i = 0; i < count; i++) {
        if (i < 5) {
            char shown[256];
            kkr_text_printable(names[i], shown, sizeof shown);
            kkr_warn(warn, "%s/%s: not a snapshot name (YYYYMM.csv), ignored", path, shown);
        }
        free(names[i]);
    }
    if (count > 5)
        kkr_warn(warn, "%s: %zu more files that are not snapshots, ignored", path, count - 5);
    free(names);
    free(path);
}

enum kkr_status kkr_snapshot_list(const struct kkr_workbook *wb, int **periods, size_t *count,
                                  struct kkr_diag *diag)
{
    *periods = NULL;
    *count = 0;
    size_t n = strlen(wb->dir);
    char *path;
    if (asprintf(&path, "%s%ssnapshots", wb->dir, n && wb->dir[n - 1] == '/' ? "" : "/") < 0)
        return kkr_fail(diag, KKR_ERR_NOMEM, wb->dir, 0, 0, "out of memory");
    DIR *d = opendir(path);
    if (!d) {
        free(path);
        return KKR_OK; /* no snapshots yet */
    }
    size_t cap = 0;
    struct dirent *e;
    enum kkr_status st = KKR_OK;
    while ((e = readdir(d)) != NULL) {
        int period = snapshot_name_period(e->d_name);
        if (!period)
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            int *p = realloc(*periods, cap * sizeof *p);
            if (!p) {
                st = kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            *periods = p;
        }
        (*periods)[(*count)++] = period;
    }
    closedir(d);
    free(path);
    if (st != KKR_OK) {
        free(*periods);
        *periods = NULL;
        *count = 0;
        return st;
    }
    if (*count)
        qsort(*periods, *count, sizeof **periods, compare_int);
    return KKR_OK;
}

/* ---- locking (kkr lock) ---- */

enum kkr_status kkr_snapshot_new(const struct kkr_workbook *wb, int year, int month,
                                 struct kkr_snapshot **out, struct kkr_diag *diag)
{
    *out = NULL;
    if (month < 1 || month > 12)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0, "month %d is outside 1..12", month);
    if (!(*out = snapshot_alloc(wb, year, month)))
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return KKR_OK;
}

static bool set_text(char **slot, const char *text)
{
    free(*slot);
    *slot = NULL;
    return !text || !*text || (*slot = strdup(text)) != NULL;
}

enum kkr_status kkr_snapshot_set(struct kkr_snapshot *snap, int unit, int slag,
                                 int64_t forecast_ore, const char *method, const char *comment,
                                 struct kkr_diag *diag)
{
    if (unit < 0 || (size_t)unit >= snap->unit_count || slag < 0 ||
        (size_t)slag >= snap->slag_count)
        return kkr_fail(diag, KKR_ERR_USAGE, NULL, 0, 0,
                        "unit %d slag %d is outside the snapshot", unit, slag);
    size_t slot = (size_t)unit * snap->slag_count + (size_t)slag;
    snap->forecast_ore[slot] = forecast_ore;
    snap->forecast_has[slot] = 1;
    if (!set_text(&snap->method[slot], method) || !set_text(&snap->comment[slot], comment))
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return KKR_OK;
}

enum kkr_status kkr_snapshot_from_rollup(const struct kkr_workbook *wb,
                                         const struct kkr_rollup *r,
                                         const struct kkr_forecast_set *set,
                                         struct kkr_snapshot **out, struct kkr_diag *diag)
{
    struct kkr_snapshot *snap;
    enum kkr_status st = kkr_snapshot_new(wb, r->year, r->period, &snap, diag);
    for (size_t u = 0; st == KKR_OK && u < wb->unit_count; u++) {
        for (size_t kind = 0; st == KKR_OK && kind < wb->slag_count; kind++) {
            size_t slot = kkr_workbook_slot(wb, (int)u, (int)kind);
            const char *method = NULL, *comment = NULL;
            char note[160];
            switch (r->source[slot]) {
            case KKR_FROM_NONE: continue;
            case KKR_FROM_ENTERED:
                method = KKR_SNAPSHOT_ENTERED;
                comment = wb->forecast_comment ? wb->forecast_comment[slot] : NULL;
                break;
            case KKR_FROM_BUDGET: method = KKR_SNAPSHOT_BUDGET; break;
            case KKR_FROM_ACTUAL: method = KKR_SNAPSHOT_ACTUAL; break;
            case KKR_FROM_COMPUTED:
                if (set && slot < set->count && set->has[slot]) {
                    /* the interval at locking time: what prognossäkerhet is judged against */
                    char low[48], high[48];
                    kkr_money_format(low, sizeof low, set->low_ore[slot], KKR_UNIT_KR,
                                     &KKR_STYLE_TEXT);
                    kkr_money_format(high, sizeof high, set->high_ore[slot], KKR_UNIT_KR,
                                     &KKR_STYLE_TEXT);
                    snprintf(note, sizeof note, "intervall %.0f %%: %s till %s kr",
                             set->level * 100.0, low, high);
                    method = set->method_used[slot];
                    comment = note;
                } else {
                    method = r->method;
                }
                break;
            }
            st = kkr_snapshot_set(snap, (int)u, (int)kind,
                                  r->own[slot].forecast_full, method, comment, diag);
        }
    }
    if (st != KKR_OK) {
        kkr_snapshot_free(snap);
        return st;
    }
    *out = snap;
    return KKR_OK;
}

enum kkr_status kkr_snapshot_write(FILE *out, const struct kkr_workbook *wb,
                                   const struct kkr_snapshot *snap)
{
    /* codes, methods and comments quoted when needed (RFC 4180), formula-like text
     * neutralised with a leading apostrophe (the CSV reader drops it again); a write error
     * shows in ferror(out), which kkr_output_commit checks */
    struct kkr_csv_writer *w = kkr_csv_writer_new(out, NULL);
    static const char *const header[] = {"verksamhet", "slag", "prognos", "metod", "kommentar"};
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
        kkr_csv_writer_plain(w, header[i]);
    kkr_csv_writer_end_row(w);
    for (size_t u = 0; u < wb->unit_count && u < snap->unit_count; u++) {
        for (size_t kind = 0; kind < wb->slag_count && kind < snap->slag_count; kind++) {
            size_t slot = u * snap->slag_count + kind;
            if (!snap->forecast_has[slot])
                continue;
            kkr_csv_writer_text(w, wb->units[u].code);
            kkr_csv_writer_text(w, wb->slag[kind].code);
            kkr_csv_writer_ore(w, snap->forecast_ore[slot]);
            kkr_csv_writer_text(w, snap->method[slot]);
            kkr_csv_writer_text(w, snap->comment[slot]);
            kkr_csv_writer_end_row(w);
        }
    }
    enum kkr_status st = kkr_csv_writer_finish(w, NULL);
    kkr_csv_writer_free(w);
    return st;
}

enum kkr_status kkr_snapshot_lock(const struct kkr_workbook *wb, const struct kkr_snapshot *snap,
                                  struct kkr_diag *diag)
{
    char *path = kkr_snapshot_path(wb, snap->year, snap->month);
    if (!path)
        return kkr_fail(diag, KKR_ERR_NOMEM, wb->dir, 0, 0, "out of memory");
    /* the folder: path up to its last '/' */
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        int saved = errno;
        enum kkr_status st =
            kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot create folder: %s", strerror(saved));
        free(path);
        return st;
    }
    *slash = '/';
    struct kkr_output o;
    enum kkr_status st = kkr_output_open(&o, path, true, diag);
    if (st == KKR_OK) {
        st = kkr_snapshot_write(o.fp, wb, snap);
        if (st != KKR_OK)
            kkr_fail(diag, st, path, 0, 0, st == KKR_ERR_NOMEM ? "out of memory" : "write error");
        else
            st = kkr_output_commit(&o, diag);
        kkr_output_abort(&o);
    }
    if (st == KKR_ERR_EXISTS)
        st = kkr_fail(diag, KKR_ERR_EXISTS, path, 0, 0,
                      "%04d%02d is already locked, and a snapshot is never overwritten",
                      snap->year, snap->month);
    free(path);
    return st;
}
