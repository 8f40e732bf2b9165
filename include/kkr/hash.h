/* hash.h — kkr's one hash table: byte-string keys (borrowed) to size_t values, open addressing
 * on FNV-1a. Unlike GLib's, growing it returns an error instead of aborting the process. */
#ifndef KKR_HASH_H
#define KKR_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kkr/status.h"

/* FNV-1a of s[0..len). */
uint64_t kkr_hash_bytes(const char *s, size_t len);

struct kkr_hash_slot {
    const char *key;        /* NULL: empty */
    size_t len;
    uint64_t hash;
    size_t value;
};

/* Caller storage: kkr_hash_init() / kkr_hash_release(). Keys are not copied: each key's bytes
 * must stay where they are for as long as the table holds them. The fields are read-only. */
struct kkr_hash {
    struct kkr_hash_slot *slots;
    size_t cap;             /* a power of two, or 0 */
    size_t count;
};

void kkr_hash_init(struct kkr_hash *h);
void kkr_hash_release(struct kkr_hash *h);

/* The value of key, or false when the table does not hold it. */
bool kkr_hash_find(const struct kkr_hash *h, const char *key, size_t len, size_t *value);

/* The same with the key's kkr_hash_bytes() already computed. */
bool kkr_hash_find_hashed(const struct kkr_hash *h, const char *key, size_t len, uint64_t hash,
                          size_t *value);

/* Adds key -> value. When the table already holds key, nothing changes and *existing (may be
 * NULL) gets its value; else *existing = SIZE_MAX. KKR_ERR_NOMEM when the table cannot grow
 * (the table is then as it was). */
enum kkr_status kkr_hash_put(struct kkr_hash *h, const char *key, size_t len, size_t value,
                             size_t *existing);

/* Makes room for n keys in all, so that n puts do not grow the table. */
enum kkr_status kkr_hash_reserve(struct kkr_hash *h, size_t n);

#endif
