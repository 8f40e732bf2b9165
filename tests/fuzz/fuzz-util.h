/* fuzz-util.h — shared by the libFuzzer harnesses: splitting one input into several files, an
 * in-memory file system for fopen(3), and output sinks.
 *
 * The harnesses are linked with -Wl,--wrap=fopen,--wrap=fopen64,--wrap=stat64: every fopen()
 * in libkkr (compiled with _FILE_OFFSET_BITS=64, so it calls fopen64 and stat64) goes through
 * __wrap_fopen64 below, which serves paths under MEMFS_DIR ("mem:") from memory (fmemopen) and
 * passes every other path to the real fopen; stat() of "mem:" says "a folder", of a file in it
 * "a regular file". So the workbook loader reads a whole workbook without touching the disk,
 * and no temporary folder is left behind by a crashing run. */
#ifndef KKR_FUZZ_UTIL_H
#define KKR_FUZZ_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_fopen64(const char *path, const char *mode);
FILE *__wrap_fopen64(const char *path, const char *mode);
/* struct stat is struct stat64 with _FILE_OFFSET_BITS=64 (and on every 64-bit target) */
int __real_stat64(const char *path, struct stat *sb);
int __wrap_stat64(const char *path, struct stat *sb);

/* The separator between the files of one input: a line "--8<--". */
#define FUZZ_SEP "\n--8<--\n"
#define FUZZ_SEP_LEN (sizeof FUZZ_SEP - 1)

struct fuzz_part {
    const char *data;
    size_t len;
};

/* Splits data at FUZZ_SEP into at most max parts (the last takes the rest, separators
 * included). Returns the number of parts (>= 1). */
static inline size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
                                size_t max)
{
    const char *s = (const char *)data, *end = s + size;
    size_t n = 0;
    while (n + 1 < max) {
        const char *sep = memmem(s, (size_t)(end - s), FUZZ_SEP, FUZZ_SEP_LEN);
        if (!sep)
            break;
        parts[n].data = s;
        parts[n].len = (size_t)(sep - s);
        n++;
        s = sep + FUZZ_SEP_LEN;
    }
    parts[n].data = s;
    parts[n].len = (size_t)(end - s);
    return n + 1;
}

/* ---- the in-memory file system ---- */

#define MEMFS_DIR "mem:"
#define MEMFS_MAX 16

struct memfs_file {
    const char *name;       /* relative to MEMFS_DIR, e.g. "budget.csv" */
    const char *data;       /* NULL: the file does not exist */
    size_t len;
};

static struct memfs_file memfs[MEMFS_MAX];
static size_t memfs_count;

static inline void memfs_reset(void)
{
    memfs_count = 0;
}

/* Adds (or replaces) a file; data NULL removes it. The bytes must outlive the next fopen. */
static inline void memfs_put(const char *name, const char *data, size_t len)
{
    for (size_t i = 0; i < memfs_count; i++)
        if (strcmp(memfs[i].name, name) == 0) {
            memfs[i].data = data;
            memfs[i].len = len;
            return;
        }
    if (memfs_count < MEMFS_MAX)
        memfs[memfs_count++] = (struct memfs_file){name, data, len};
}

/* The name of path inside the memory file system ("" for the folder itself), NULL if path is
 * not under MEMFS_DIR. */
static inline const char *memfs_name(const char *path)
{
    size_t dl = strlen(MEMFS_DIR);
    if (strncmp(path, MEMFS_DIR, dl) != 0)
        return NULL;
    const char *name = path + dl;
    while (*name == '/')
        name++;
    return name;
}

int __wrap_stat64(const char *path, struct stat *sb)
{
    const char *name = memfs_name(path);
    if (!name)
        return __real_stat64(path, sb);
    memset(sb, 0, sizeof *sb);
    if (*name == '\0') {
        sb->st_mode = S_IFDIR | 0755;
        return 0;
    }
    for (size_t i = 0; i < memfs_count; i++)
        if (strcmp(memfs[i].name, name) == 0 && memfs[i].data) {
            sb->st_mode = S_IFREG | 0644;
            sb->st_size = (off_t)memfs[i].len;
            return 0;
        }
    errno = ENOENT;
    return -1;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return __wrap_fopen64(path, mode);
}

FILE *__wrap_fopen64(const char *path, const char *mode)
{
    const char *name = memfs_name(path);
    if (!name)
        return __real_fopen64(path, mode);
    if (mode[0] != 'r') {
        errno = EROFS;
        return NULL;
    }
    for (size_t i = 0; i < memfs_count; i++) {
        if (strcmp(memfs[i].name, name) != 0 || !memfs[i].data)
            continue;
        if (memfs[i].len == 0)
            return __real_fopen64("/dev/null", mode);
        /* fmemopen wants a writable pointer; mode "r" never writes through it */
        return fmemopen((void *)memfs[i].data, memfs[i].len, mode);
    }
    errno = ENOENT;
    return NULL;
}

/* A sink for report writers: /dev/null, opened once. */
static inline FILE *fuzz_devnull(void)
{
    static FILE *null;
    if (!null)
        null = __real_fopen64("/dev/null", "w");
    return null;
}

/* Aborts with a message: a property the harness checks does not hold. */
#define FUZZ_ASSERT(cond)                                                                     \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

#endif
