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
    o->path = strdup(path);
    /* the temporary file lives in the target's folder so that rename(2) is atomic */
    if (!o->path || asprintf(&o->tmp_path, "%s.XXXXXX.tmp", path) < 0) {
        free(o->path);
        memset(o, 0, sizeof *o);
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    int fd = mkstemps(o->tmp_path, 4);
    if (fd < 0) {
        int saved = errno;
        free(o->path);
        free(o->tmp_path);
        memset(o, 0, sizeof *o);
        return kkr_fail(diag, KKR_ERR_IO, path, 0, 0, "cannot create: %s", strerror(saved));
    }
    fchmod(fd, 0644);
    o->fp = fdopen(fd, "wb");
    if (!o->fp) {
        close(fd);
        unlink(o->tmp_path);
        free(o->path);
        free(o->tmp_path);
        memset(o, 0, sizeof *o);
        return kkr_fail(diag, KKR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return KKR_OK;
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
    bool ok = fflush(o->fp) == 0 && !ferror(o->fp) && fsync(fileno(o->fp)) == 0;
    int saved = errno;
    if (fclose(o->fp) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    o->fp = NULL;
    if (ok) {
        if (o->no_replace) {
            /* link(2) fails if the target appeared meanwhile: never overwrite */
            if (link(o->tmp_path, o->path) != 0) {
                saved = errno;
                unlink(o->tmp_path);
                enum kkr_status st =
                    saved == EEXIST
                        ? kkr_fail(diag, KKR_ERR_EXISTS, o->path, 0, 0,
                                   "file exists and is never overwritten")
                        : kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "cannot write: %s",
                                   strerror(saved));
                kkr_output_abort(o);
                return st;
            }
            unlink(o->tmp_path);
        } else if (rename(o->tmp_path, o->path) != 0) {
            ok = false;
            saved = errno;
        }
    }
    if (!ok) {
        unlink(o->tmp_path);
        enum kkr_status st = kkr_fail(diag, KKR_ERR_IO, o->path, 0, 0, "cannot write: %s",
                                      strerror(saved));
        kkr_output_abort(o);
        return st;
    }
    /* make the rename itself durable */
    char *slash = strrchr(o->path, '/');
    char *dir = slash ? strndup(o->path, (size_t)(slash - o->path) + 1) : strdup(".");
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
    return KKR_OK;
}

void kkr_output_abort(struct kkr_output *o)
{
    if (o->fp && o->path) {
        fclose(o->fp);
        unlink(o->tmp_path);
    }
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
}
