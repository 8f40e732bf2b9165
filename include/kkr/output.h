/* output.h — files written whole or not at all: temporary name, fsync, rename */
#ifndef KKR_OUTPUT_H
#define KKR_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "kkr/status.h"

/* Caller-storage: kkr_output_open() ... write to fp ... kkr_output_commit() or
 * kkr_output_abort(). With path "-" fp is stdout and commit only flushes. */
struct kkr_output {
    FILE *fp;
    char *path;
    char *tmp_path;
    bool no_replace;   /* commit fails with KKR_ERR_EXISTS if path exists */
    bool direct;       /* path is a device, FIFO or socket: written directly, no rename */
};

/* Opens a temporary file next to path (TARGET.XXXXXX.tmp; a name near 255 bytes is cut for
 * the temporary), with the replaced file's mode (and owner, where permitted), or 0666 & ~umask
 * for a new file. A target that exists and is not a regular file or folder (/dev/null, a FIFO)
 * is opened and written directly. no_replace: refuse to replace an existing file (checked
 * again atomically at commit with link(2)). */
enum kkr_status kkr_output_open(struct kkr_output *o, const char *path, bool no_replace,
                                struct kkr_diag *diag);

/* Flushes, fsyncs, closes and renames into place. On failure the temporary file is removed
 * and the old file (if any) is untouched. */
enum kkr_status kkr_output_commit(struct kkr_output *o, struct kkr_diag *diag);

/* Closes and removes the temporary file; the target is untouched. Safe after commit. */
void kkr_output_abort(struct kkr_output *o);

/* A set of files that replaces an old set as a whole (kkr chart --all, kkr template): each
 * member is written to its temporary; commit first finishes (fsync) every member, then
 * renames them all. On any error before the renames every temporary is removed and the old
 * set stays as it was; a kill during the renames may leave a mix, never a partial file. */
struct kkr_output_set {
    struct kkr_output **items;
    size_t count, cap;
};

void kkr_output_set_init(struct kkr_output_set *set);
/* Opens a member (as kkr_output_open, never "-"); *out stays owned by the set: write to
 * (*out)->fp. */
enum kkr_status kkr_output_set_open(struct kkr_output_set *set, const char *path,
                                    struct kkr_output **out, struct kkr_diag *diag);
/* Flushes, fsyncs and closes one member now (fewer open files for a large set); optional. */
enum kkr_status kkr_output_set_finish(struct kkr_output_set *set, struct kkr_output *o,
                                      struct kkr_diag *diag);
/* Renames every member into place, or on error removes every temporary. Releases the set
 * either way. */
enum kkr_status kkr_output_set_commit(struct kkr_output_set *set, struct kkr_diag *diag);
/* Removes every temporary; the old files stay. Releases the set; safe after commit. */
void kkr_output_set_abort(struct kkr_output_set *set);

/* Files to remove if the process is ended by SIGTERM, SIGINT or SIGHUP: the temporaries of
 * open outputs and held lock files register themselves. path is borrowed until removed. Add
 * returns false when the table (256 entries) is full. */
bool kkr_cleanup_add(const char *path);
void kkr_cleanup_remove(const char *path);

/* Installs the handlers that remove the registered files and then end the process by the same
 * signal (so the shell sees the usual status). For main() to call once. */
void kkr_cleanup_install_signals(void);

#endif
