/* lock.h — the workbook lock: one writer at a time per workbook folder */
#ifndef KKR_LOCK_H
#define KKR_LOCK_H

#include <stddef.h>

#include "kkr/status.h"

/* The lock file's name inside a workbook folder. */
#define KKR_LOCK_FILE ".kkr.lock"

/* A set of held workbook locks (opaque). */
struct kkr_lock;

/* Takes the lock of each folder in dirs (n of them): DIR/.kkr.lock, created if missing, held
 * with a POSIX record lock (fcntl F_SETLK on the whole file) that the kernel — or the NFS lock
 * manager — drops when the process ends, however it ends; the file then only says who held it
 * last. The holder writes "pid, host, command, since" into it (what = the command line, shown
 * to the one that waits). Folders are taken in sorted order of their real paths (duplicates
 * once), so two commands locking overlapping sets never deadlock. Waits up to wait_ms for each
 * (polling; 0 = try once). A folder that does not exist is skipped (the command's own loading
 * reports it). Errors: KKR_ERR_LOCKED with the lock file and its holder in diag when a lock was
 * not had in time (the locks taken so far are released), KKR_ERR_IO when a lock file cannot be
 * created or the file system has no locks (ENOLCK), KKR_ERR_NOMEM. */
enum kkr_status kkr_lock_acquire(const char *const *dirs, size_t n, const char *what,
                                 long wait_ms, struct kkr_lock **out, struct kkr_diag *diag);

/* Removes the lock files (while still holding them, so a waiter that opened the old file sees
 * it is gone and takes a new one) and releases. NULL-safe. */
void kkr_lock_release(struct kkr_lock *lock);

/* The wait for kkr_lock_acquire: KKR_LOCK_WAIT (seconds, decimals allowed) from the
 * environment, else 10 s. */
long kkr_lock_wait_ms(void);

#endif
