/* hash.c — kkr's one hash table (borrowed byte-string keys to size_t values) */
#include "kkr/hash.h"

#include <stdlib.h>
#include <string.h>

uint64_t kkr_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ull; /* the FNV-1a 64-bit offset basis */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

void kkr_hash_init(struct kkr_hash *h)
{
    h->slots = NULL;
    h->cap = h->count = 0;
}

void kkr_hash_release(struct kkr_hash *h)
{
    free(h->slots);
    kkr_hash_init(h);
}

bool kkr_hash_find_hashed(const struct kkr_hash *h, const char *key, size_t len, uint64_t hash,
                          size_t *value)
{
    if (h->cap == 0)
        return false;
    size_t mask = h->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const struct kkr_hash_slot *s = &h->slots[i];
        if (!s->key)
            return false;
        if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0) {
            if (value)
                *value = s->value;
            return true;
        }
    }
}

bool kkr_hash_find(const struct kkr_hash *h, const char *key, size_t len, size_t *value)
{
    return h->cap && kkr_hash_find_hashed(h, key, len, kkr_hash_bytes(key, len), value);
}

/* Rehashes into cap slots (a power of two larger than twice the count). */
static enum kkr_status regrow(struct kkr_hash *h, size_t cap)
{
    struct kkr_hash_slot *t = calloc(cap, sizeof *t);
    if (!t)
        return KKR_ERR_NOMEM;
    for (size_t i = 0; i < h->cap; i++) {
        if (!h->slots[i].key)
            continue;
        size_t j = h->slots[i].hash & (cap - 1);
        while (t[j].key)
            j = (j + 1) & (cap - 1);
        t[j] = h->slots[i];
    }
    free(h->slots);
    h->slots = t;
    h->cap = cap;
    return KKR_OK;
}

enum kkr_status kkr_hash_reserve(struct kkr_hash *h, size_t n)
{
    if (n <= h->cap / 2)
        return KKR_OK;
    size_t cap = h->cap ? h->cap : 16;
    while (cap / 2 < n) {
        if (cap > SIZE_MAX / 2 / sizeof(struct kkr_hash_slot))
            return KKR_ERR_NOMEM;
        cap *= 2;
    }
    return regrow(h, cap);
}

enum kkr_status kkr_hash_put(struct kkr_hash *h, const char *key, size_t len, size_t value,
                             size_t *existing)
{
    uint64_t hash = kkr_hash_bytes(key, len);
    size_t found;
    if (kkr_hash_find_hashed(h, key, len, hash, &found)) {
        if (existing)
            *existing = found;
        return KKR_OK;
    }
    if (existing)
        *existing = SIZE_MAX;
    enum kkr_status st = kkr_hash_reserve(h, h->count + 1);
    if (st != KKR_OK)
        return st;
    size_t mask = h->cap - 1, i = hash & mask;
    while (h->slots[i].key)
        i = (i + 1) & mask;
    h->slots[i] = (struct kkr_hash_slot){key, len, hash, value};
    h->count++;
    return KKR_OK;
}
