/* output.c — files written whole or not at all: temporary name, fsync, rename */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kkr/output.h"

/* ---- removal on SIGTERM/SIGINT/SIGHUP ---- */

#define CLEANUP_SLOTS 256
static const char *volatile cleanup_slots[CLEANUP_SLOTS];

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

bool kkr_cleanup_add(const char *path)
{
    sigset_t old;
    block_signals(&old);
    bool ok = false;
    for (size_t i = 0; i < CLEANUP_SLOTS && !ok; i++)
        if (!cleanup_slots[i]) {
            cleanup_slots[i] = path;
            ok = true;
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return ok;
}

void kkr_cleanup_remove(const char *path)
{
    sigset_t old;
    block_signals(&old);
    for (size_t i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_slots[i] == path)
            cleanup_slots[i] = NULL;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void cleanup_handler(int sig)
{
    /* only async-signal-safe calls: unlink, signal, raise */
    for (size_t i = 0; i < CLEANUP_SLOTS; i++) {
        const char *p = cleanup_slots[i];
        if (p)
            unlink(p);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void kkr_cleanup_install_signals(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = cleanup_handler;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGTERM);
        sigaddset(&sa.sa_mask, SIGINT);
        sigaddset(&sa.sa_mask, SIGHUP);
        struct sigaction prev;
        /* a signal ignored by the parent (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &prev) == 0 && prev.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* 0666 & ~umask, as open(2) would give a new file (mkstemp gives 0600). */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* TARGET.XXXXXX.tmp in the target's folder, so that rename(2) is atomic; a name near the file
 * system's limit (255 bytes) is cut for the temporary (at a UTF-8 character boundary). */
static char *temporary_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t base_len = strlen(path + dir_len);
    const size_t max_base = 255 - (sizeof ".XXXXXX.tmp" - 1);
    if (base_len > max_base) {
        base_len = max_base;
        while (base_len > 1 && ((unsigned char)path[dir_len + base_len] & 0xC0) == 0x80)
            base_len--;
    }
    char *tmp = malloc(dir_len + base_len + sizeof ".XXXXXX.tmp");
    if (tmp) {
        memcpy(tmp, path, dir_len + base_len);
        memcpy(tmp + dir_len + base_len, ".XXXXXX.tmp", sizeof ".XXXXXX.tmp");
    }
    return tmp;
}

static enum kkr_status open_fail(struct kkr_output *o, struct kkr_diag *diag,
                                 enum kkr_status st, const char *path, int err)
{
    if (o->tmp_path) {
        kkr_cleanup_remove(o->tmp_path);
        unlink(o->tmp_path);
    }
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
    if (st == KKR_ERR_NOMEM)
        return kkr_fail(diag, st, path, 0, 0, "out of memory");
    return kkr_fail(diag, st, path, 0, 0, "cannot create: %s", strerror(err));
}

enum kkr_status kkr_output_open(struct kkr_output *o, const char *path, bool no_replace,
                                struct kkr_diag *diag)
{
    memset(o, 0, sizeof *o);
    o->no_replace = no_replace;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return KKR_OK;
    }
    if (no_replace && access(path, F_OK) == 0)
        return kkr_fail(diag, KKR_ERR_EXISTS, path, 0, 0, "file exists and is never overwritten");
    struct stat old;
    bool exists = stat(path, &old) == 0;
    if (exists && S_ISDIR(old.st_mode))
        return kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "is a folder, expected a file name");
    if (exists && !S_ISREG(old.st_mode) && !S_ISDIR(old.st_mode)) {
        /* a device, FIFO or socket: written as it is (renaming over /dev/null would replace
         * the device with a regular file) */
        o->path = strdup(path);
        if (!o->path)
            return open_fail(o, diag, KKR_ERR_NOMEM, path, 0);
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            return open_fail(o, diag, KKR_ERR_IO, path, errno);
        o->fp = fdopen(fd, "wb");
        if (!o->fp) {
            close(fd);
            return open_fail(o, diag, KKR_ERR_NOMEM, path, 0);
        }
        o->direct = true;
        return KKR_OK;
    }
    o->path = strdup(path);
    o->tmp_path = o->path ? temporary_name(path) : NULL;
    if (!o->tmp_path)
        return open_fail(o, diag, KKR_ERR_NOMEM, path, 0);
    sigset_t mask;
    block_signals(&mask); /* no temporary without its entry in the cleanup table */
    int fd = mkstemps(o->tmp_path, 4);
    int saved = errno;
    if (fd >= 0 && !kkr_cleanup_add(o->tmp_path)) {
        /* table full: the file is still removed on every error path but a signal */
    }
    sigprocmask(SIG_SETMASK, &mask, NULL);
    if (fd < 0) {
        free(o->tmp_path);
        o->tmp_path = NULL;
        return open_fail(o, diag, KKR_ERR_IO, path, saved);
    }
    /* the replaced file's owner (as far as we may) and mode; a new file's as open(2) would */
    if (exists && S_ISREG(old.st_mode)) {
        if ((old.st_uid != geteuid() || old.st_gid != getegid()) &&
            fchown(fd, old.st_uid, old.st_gid) != 0) {
            /* not ours to give away: the writer's ownership, the old mode */
        }
        fchmod(fd, old.st_mode & 07777);
    } else {
        fchmod(fd, new_file_mode());
    }
    o->fp = fdopen(fd, "wb");
    if (!o->fp) {
        close(fd);
        return open_fail(o, diag, KKR_ERR_NOMEM, path, 0);
    }
    return KKR_OK;
}

/* Flushes, fsyncs and closes the temporary (no rename). */
static bool finish_file(struct kkr_output *o, int *err)
{
    bool ok = fflush(o->fp) == 0 && !ferror(o->fp);
    *err = errno;
    if (ok && !o->direct && fsync(fileno(o->fp)) != 0) {
        ok = false;
        *err = errno;
    }
    if (fclose(o->fp) != 0 && ok) {
        ok = false;
        *err = errno;
    }
    o->fp = NULL;
    return ok;
}

static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
}

static void drop_temporary(struct kkr_output *o)
{
    if (o->tmp_path) {
        unlink(o->tmp_path);
        kkr_cleanup_remove(o->tmp_path);
    }
}

/* Moves a finished temporary into place. */
static enum kkr_status place(struct kkr_output *o, struct kkr_diag *diag)
{
    if (o->no_replace) {
        /* link(2) fails if the target appeared meanwhile: never overwrite */
        if (link(o->tmp_path, o->path) != 0) {
            int saved = errno;
            drop_temporary(o);
            return saved == EEXIST ? kkr_fail(diag, KKR_ERR_EXISTS, o->path, 0, 0,
                                              "file exists and is never overwritten")
                                   : kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0,
                                              "cannot write: %s", strerror(saved));
        }
        drop_temporary(o);
        return KKR_OK;
    }
    if (rename(o->tmp_path, o->path) != 0) {
        int saved = errno;
        drop_temporary(o);
        return kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "cannot write: %s", strerror(saved));
    }
    kkr_cleanup_remove(o->tmp_path);
    return KKR_OK;
}

static void output_free(struct kkr_output *o)
{
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
}

enum kkr_status kkr_output_commit(struct kkr_output *o, struct kkr_diag *diag)
{
    if (!o->fp)
        return kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "output is not open");
    if (!o->path) {
        o->fp = NULL; /* stdout: flushed and checked by the caller at exit */
        return fflush(stdout) == 0 ? KKR_OK
                                   : kkr_fail(diag, KKR_ERR_IO, "-", 0, 0, "cannot write: %s",
                                              strerror(errno));
    }
    int saved;
    if (!finish_file(o, &saved)) {
        drop_temporary(o);
        enum kkr_status st = kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "cannot write: %s",
                                      strerror(saved));
        output_free(o);
        return st;
    }
    enum kkr_status st = o->direct ? KKR_OK : place(o, diag);
    if (st == KKR_OK && !o->direct)
        sync_folder(o->path); /* make the rename itself durable */
    output_free(o);
    return st;
}

void kkr_output_abort(struct kkr_output *o)
{
    if (o->fp && o->path)
        fclose(o->fp);
    drop_temporary(o);
    output_free(o);
}

/* ---- sets of files ---- */

void kkr_output_set_init(struct kkr_output_set *set)
{
    memset(set, 0, sizeof *set);
}

enum kkr_status kkr_output_set_open(struct kkr_output_set *set, const char *path,
                                    struct kkr_output **out, struct kkr_diag *diag)
{
    *out = NULL;
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        struct kkr_output **items = realloc(set->items, cap * sizeof *items);
        if (!items)
            return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
        set->items = items;
        set->cap = cap;
    }
    struct kkr_output *o = calloc(1, sizeof *o);
    if (!o)
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    enum kkr_status st = strcmp(path, "-") == 0
                             ? kkr_fail(diag, KKR_ERR_USAGE, path, 0, 0,
                                        "a set of files cannot go to standard output")
                             : kkr_output_open(o, path, false, diag);
    if (st != KKR_OK) {
        free(o);
        return st;
    }
    set->items[set->count++] = o;
    *out = o;
    return KKR_OK;
}

enum kkr_status kkr_output_set_finish(struct kkr_output_set *set, struct kkr_output *o,
                                      struct kkr_diag *diag)
{
    (void)set;
    if (!o->fp)
        return KKR_OK;
    int saved;
    if (!finish_file(o, &saved))
        return kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "cannot write: %s", strerror(saved));
    return KKR_OK;
}

enum kkr_status kkr_output_set_commit(struct kkr_output_set *set, struct kkr_diag *diag)
{
    enum kkr_status st = KKR_OK;
    /* every file whole on disk first; only then the renames, so an error leaves the old set */
    for (size_t i = 0; i < set->count && st == KKR_OK; i++)
        st = kkr_output_set_finish(set, set->items[i], diag);
    for (size_t i = 0; i < set->count && st == KKR_OK; i++)
        if (!set->items[i]->direct)
            st = place(set->items[i], diag);
    if (st != KKR_OK) {
        kkr_output_set_abort(set);
        return st;
    }
    if (set->count)
        sync_folder(set->items[0]->path);
    kkr_output_set_abort(set); /* frees; the temporaries are gone */
    return KKR_OK;
}

void kkr_output_set_abort(struct kkr_output_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        kkr_output_abort(set->items[i]);
        free(set->items[i]);
    }
    free(set->items);
    memset(set, 0, sizeof *set);
}
