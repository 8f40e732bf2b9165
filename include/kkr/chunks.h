/* chunks.h — a file (or stdin) read in fixed-size chunks of whole lines, for the streaming
 * readers (the SIE reader, the ledger import): memory stays at a chunk,
 * or at the longest line up to a limit, whatever the file's size */
#ifndef KKR_CHUNKS_H
#define KKR_CHUNKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/status.h"

/* Transparent, and read-only for callers but for start, which a caller moves up to complete as
 * it consumes whole lines. The last five fields are kkr_chunks_read's bookkeeping. */
struct kkr_chunks {
    const char *name;      /* the path, "<stdin>" for "-" */
    char *buf;             /* buf[start..have): read, not yet consumed */
    size_t start, have;
    size_t complete;       /* buf[start..complete): whole lines ('\n' included); all at EOF */
    bool eof;              /* the last read returned nothing: buf holds the file's tail */
    uint64_t bytes_read;
    uint64_t size;         /* a regular file's size, else 0 (for a progress bar) */
    int fd;
    bool close_fd;
    size_t cap, max_line;
    const char *expected;
};

/* Opens path ("-" = stdin) for reading chunks of chunk bytes (0: 256 KiB); a line longer than
 * max_line bytes is an error "line longer than N MiB, expected <expected>". On error nothing
 * is left open. */
enum kkr_status kkr_chunks_open(struct kkr_chunks *c, const char *path, size_t chunk,
                                size_t max_line, const char *expected, struct kkr_diag *diag);

/* Keeps buf[start..have) (moved to the front: start becomes 0), reads once more (the buffer
 * grows when it holds no whole line) and sets complete and eof. line is the caller's current
 * line number, for the error message of a line over the limit. The caller consumes whole lines
 * by moving start up to complete. */
enum kkr_status kkr_chunks_read(struct kkr_chunks *c, long line, struct kkr_diag *diag);

/* Frees the buffer and closes the file (not stdin). NULL-safe, and safe after a failed open. */
void kkr_chunks_close(struct kkr_chunks *c);

#endif
