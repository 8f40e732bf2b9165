/* chunks.c — a file read in fixed-size chunks of whole lines (read(2) into one buffer that
 * grows only for a line longer than a chunk) */
#include "kkr/chunks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_CHUNK (256u * 1024u)

enum kkr_status kkr_chunks_open(struct kkr_chunks *c, const char *path, size_t chunk,
                                size_t max_line, const char *expected, struct kkr_diag *diag)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    bool use_stdin = strcmp(path, "-") == 0;
    c->name = use_stdin ? "<stdin>" : path;
    c->expected = expected;
    c->max_line = max_line;
    c->cap = chunk ? chunk : DEFAULT_CHUNK;
    int fd = use_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kkr_fail(diag, KKR_ERR_IO, c->name, 0, 0, "cannot open: %s", strerror(errno));
    c->fd = fd;
    c->close_fd = !use_stdin;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        c->size = (uint64_t)sb.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    if (!(c->buf = malloc(c->cap))) {
        kkr_chunks_close(c);
        return kkr_fail(diag, KKR_ERR_NOMEM, c->name, 0, 0, "out of memory");
    }
    return KKR_OK;
}

enum kkr_status kkr_chunks_read(struct kkr_chunks *c, long line, struct kkr_diag *diag)
{
    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->have - c->start);
        c->have -= c->start;
        c->start = 0;
    }
    for (;;) {
        if (c->have == c->cap) {
            if (c->cap >= c->max_line)
                return kkr_fail(diag, KKR_ERR_SYNTAX, c->name, line, 0,
                                "line longer than %zu MiB, expected %s", c->max_line >> 20,
                                c->expected);
            char *nb = realloc(c->buf, c->cap * 2);
            if (!nb)
                return kkr_fail(diag, KKR_ERR_NOMEM, c->name, line, 0, "out of memory");
            c->buf = nb;
            c->cap *= 2;
        }
        ssize_t n = read(c->fd, c->buf + c->have, c->cap - c->have);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return kkr_fail(diag, KKR_ERR_IO, c->name, 0, 0, "cannot read: %s",
                            strerror(errno));
        }
        if (n == 0)
            c->eof = true;
        c->have += (size_t)n;
        c->bytes_read += (uint64_t)n;
        break;
    }
    if (c->eof) {
        c->complete = c->have;
    } else {
        const char *nl = memrchr(c->buf, '\n', c->have);
        c->complete = nl ? (size_t)(nl + 1 - c->buf) : 0;
    }
    return KKR_OK;
}

void kkr_chunks_close(struct kkr_chunks *c)
{
    if (!c)
        return;
    free(c->buf);
    c->buf = NULL;
    if (c->close_fd && c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->close_fd = false;
}
