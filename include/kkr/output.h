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
};

/* Opens a temporary file next to path. no_replace: refuse to replace an existing file
 * (checked again atomically at commit with link(2)). */
enum kkr_status kkr_output_open(struct kkr_output *o, const char *path, bool no_replace,
                                struct kkr_diag *diag);

/* Flushes, fsyncs, closes and renames into place. On failure the temporary file is removed
 * and the old file (if any) is untouched. */
enum kkr_status kkr_output_commit(struct kkr_output *o, struct kkr_diag *diag);

/* Closes and removes the temporary file; the target is untouched. Safe after commit. */
void kkr_output_abort(struct kkr_output *o);

/* Files to remove if the process is ended by SIGTERM, SIGINT or SIGHUP: the temporaries of
 * open outputs and held lock files register themselves. path is borrowed until removed. Add
 * returns false when the table (256 entries) is full. */
bool kkr_cleanup_add(const char *path);
void kkr_cleanup_remove(const char *path);

/* Installs the handlers that remove the registered files and then end the process by the same
 * signal (so the shell sees the usual status). For main() to call once. */
void kkr_cleanup_install_signals(void);

#endif
