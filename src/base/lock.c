/* lock.c — the workbook lock: a lock file per folder held with a POSIX record lock */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kkr/lock.h"
#include "kkr/output.h"

/* Why fcntl and not O_EXCL: an O_EXCL lock file outlives a SIGKILL or a crash, and telling a
 * stale one from a live one needs the holder's pid on the holder's host — impossible from
 * another machine on a shared folder, and racy when two waiters break the same stale file. A
 * record lock is dropped by the kernel when its process ends, and NFS (lockd / NFSv4) and SMB
 * mounts carry it to the server. The file stays only as the holder's business card; it is
 * removed on release while still locked, and a taker checks that the file it locked is still
 * the one at the path (else it locked a removed file, and tries again). */

struct held {
    char *real;   /* the folder's real path: the sort and duplicate key */
    char *path;   /* DIR/.kkr.lock as given, for messages and removal */
    int fd;
};

struct kkr_lock {
    struct held *items;
    size_t count;
};

long kkr_lock_wait_ms(void)
{
    const char *s = getenv("KKR_LOCK_WAIT");
    if (s && *s) {
        char *end;
        double v = strtod(s, &end);
        if (end != s && *end == '\0' && v >= 0 && v < 86400)
            return (long)(v * 1000.0 + 0.5);
    }
    return 10000;
}

static int cmp_held(const void *a, const void *b)
{
    return strcmp(((const struct held *)a)->real, ((const struct held *)b)->real);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The holder's card, one line, control characters shown as '?'. */
static void read_holder(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    for (ssize_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
            buf[i] = buf[i] == '\n' ? ',' : '?';
}

static void write_card(int fd, const char *what)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        strcpy(host, "?");
    char since[32] = "";
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char card[1024];
    int len = snprintf(card, sizeof card, "pid %ld on %s, since %s: %.600s\n", (long)getpid(),
                       host, since, what ? what : "kkr");
    if (len < 0)
        return;
    if ((size_t)len >= sizeof card)
        len = (int)sizeof card - 1;
    /* best effort: the card is for people, the lock is the record lock */
    if (ftruncate(fd, 0) == 0 && pwrite(fd, card, (size_t)len, 0) < 0) {
    }
}

static enum kkr_status take(struct held *h, const char *what, long wait_ms,
                            struct kkr_diag *diag)
{
    long start = now_ms(), pause = 5;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    for (;;) {
        /* from creating the file to its entry in the cleanup table, no SIGTERM/SIGINT: a
         * lock file we made is removed if we are stopped (the wait below stays killable) */
        sigprocmask(SIG_BLOCK, &block, &old);
        int fd = open(h->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno == EEXIST)
            fd = open(h->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            int saved = errno;
            sigprocmask(SIG_SETMASK, &old, NULL);
            if (saved == ENOENT)
                continue; /* removed between the two opens: create it again */
            return kkr_fail(diag, KKR_ERR_IO, h->path, 0, 0, "cannot create the lock file: %s",
                            strerror(saved));
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
        if (fcntl(fd, F_SETLK, &fl) == 0) {
            struct stat a, b;
            if (fstat(fd, &a) == 0 && stat(h->path, &b) == 0 && a.st_dev == b.st_dev &&
                a.st_ino == b.st_ino) {
                write_card(fd, what);
                h->fd = fd;
                kkr_cleanup_add(h->path);
                sigprocmask(SIG_SETMASK, &old, NULL);
                return KKR_OK;
            }
            close(fd); /* the holder removed it as we took it: take the new one */
            sigprocmask(SIG_SETMASK, &old, NULL);
            continue;
        }
        int saved = errno;
        close(fd);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (saved != EAGAIN && saved != EACCES && saved != EINTR)
            return kkr_fail(diag, KKR_ERR_IO, h->path, 0, 0, "cannot lock: %s%s",
                            strerror(saved),
                            saved == ENOLCK ? " (the file system has no locks)" : "");
        long waited = now_ms() - start;
        if (waited >= wait_ms) {
            char holder[700];
            read_holder(h->path, holder, sizeof holder);
            return kkr_fail(diag, KKR_ERR_LOCKED, h->path, 0, 0,
                            "the workbook is locked by another kkr (%s); waited %ld.%01ld s, "
                            "try again when it has finished",
                            holder[0] ? holder : "holder unknown", waited / 1000,
                            waited % 1000 / 100);
        }
        long left = wait_ms - waited;
        sleep_ms(pause < left ? pause : left);
        if (pause < 100)
            pause *= 2;
    }
}

void kkr_lock_release(struct kkr_lock *lock)
{
    if (!lock)
        return;
    for (size_t i = lock->count; i-- > 0;) {
        struct held *h = &lock->items[i];
        if (h->fd >= 0) {
            unlink(h->path); /* while locked: see take() */
            kkr_cleanup_remove(h->path);
            close(h->fd);
        }
        free(h->path);
        free(h->real);
    }
    free(lock->items);
    free(lock);
}

enum kkr_status kkr_lock_acquire(const char *const *dirs, size_t n, const char *what,
                                 long wait_ms, struct kkr_lock **out, struct kkr_diag *diag)
{
    *out = NULL;
    struct kkr_lock *lock = calloc(1, sizeof *lock);
    if (!lock || (n && !(lock->items = calloc(n, sizeof *lock->items)))) {
        free(lock);
        return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        char *real = realpath(dirs[i], NULL);
        if (!real)
            continue; /* no such folder: nothing to lose; the loader says what is wrong */
        size_t len = strlen(dirs[i]);
        char *path = malloc(len + sizeof "/" KKR_LOCK_FILE);
        if (!path) {
            free(real);
            kkr_lock_release(lock);
            return kkr_fail(diag, KKR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        memcpy(path, dirs[i], len);
        snprintf(path + len, sizeof "/" KKR_LOCK_FILE, "%s" KKR_LOCK_FILE,
                 len && dirs[i][len - 1] == '/' ? "" : "/");
        lock->items[lock->count++] = (struct held){real, path, -1};
    }
    qsort(lock->items, lock->count, sizeof *lock->items, cmp_held);
    size_t kept = 0;
    for (size_t i = 0; i < lock->count; i++) {
        if (kept && strcmp(lock->items[kept - 1].real, lock->items[i].real) == 0) {
            free(lock->items[i].real);
            free(lock->items[i].path);
            continue;
        }
        lock->items[kept++] = lock->items[i];
    }
    lock->count = kept;
    for (size_t i = 0; i < lock->count; i++) {
        enum kkr_status st = take(&lock->items[i], what, wait_ms, diag);
        if (st != KKR_OK) {
            kkr_lock_release(lock);
            return st;
        }
    }
    *out = lock;
    return KKR_OK;
}
