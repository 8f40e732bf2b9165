/* test-hash.c — kkr's hash table: find, put, duplicates, growth with borrowed keys; path join */
#include <stdio.h>
#include <stdlib.h>

#include "kkr/hash.h"
#include "kkr/path.h"
#include "test.h"

int main(void)
{
    /* FNV-1a of "a" (the published test vector) */
    CHECK(kkr_hash_bytes("a", 1) == 0xaf63dc4c8601ec8cull);
    CHECK(kkr_hash_bytes("", 0) == 0xcbf29ce484222325ull);

    struct kkr_hash h;
    kkr_hash_init(&h);
    size_t v = 7;
    CHECK(!kkr_hash_find(&h, "x", 1, &v));
    CHECK_INT(v, 7);

    /* 5 000 keys: the table grows many times and every key is still found */
    enum { N = 5000 };
    char *keys[N];
    for (size_t i = 0; i < N; i++) {
        keys[i] = malloc(16);
        snprintf(keys[i], 16, "k%zu", i);
        size_t existing = 0;
        CHECK_INT(kkr_hash_put(&h, keys[i], strlen(keys[i]), i, &existing), KKR_OK);
        CHECK(existing == SIZE_MAX);
    }
    CHECK_INT(h.count, N);
    CHECK(h.cap >= 2 * N && (h.cap & (h.cap - 1)) == 0);
    int found = 0;
    for (size_t i = 0; i < N; i++)
        found += kkr_hash_find(&h, keys[i], strlen(keys[i]), &v) && v == i;
    CHECK_INT(found, N);
    /* a duplicate key keeps the first value and says which */
    size_t existing = 0;
    CHECK_INT(kkr_hash_put(&h, "k42", 3, 99, &existing), KKR_OK);
    CHECK_INT(existing, 42);
    CHECK(kkr_hash_find(&h, "k42", 3, &v) && v == 42);
    CHECK_INT(h.count, N);
    /* a prefix or a longer key is another key; embedded NUL bytes count */
    CHECK(!kkr_hash_find(&h, "k4", 1, &v));
    CHECK(!kkr_hash_find(&h, "k42\0", 4, &v));
    CHECK_INT(kkr_hash_put(&h, "a\0b", 3, 1, NULL), KKR_OK);
    CHECK_INT(kkr_hash_put(&h, "a\0c", 3, 2, NULL), KKR_OK);
    CHECK(kkr_hash_find(&h, "a\0c", 3, &v) && v == 2);
    kkr_hash_release(&h);
    CHECK(h.slots == NULL && h.count == 0);
    CHECK(!kkr_hash_find(&h, "k1", 2, &v));
    for (size_t i = 0; i < N; i++)
        free(keys[i]);

    /* reserve: no growth during the puts it made room for */
    kkr_hash_init(&h);
    CHECK_INT(kkr_hash_reserve(&h, 100), KKR_OK);
    size_t cap = h.cap;
    for (int i = 0; i < 100; i++)
        CHECK_INT(kkr_hash_put(&h, "abcdefghijklmnopqrstuvwxyz0123456789" + i % 36, 1, (size_t)i,
                               NULL), KKR_OK);
    CHECK_INT(h.count, 36);
    CHECK_INT(h.cap, cap);
    kkr_hash_release(&h);

    char *p = kkr_path_join("wb", "slag.csv");
    CHECK_STR(p, "wb/slag.csv");
    free(p);
    p = kkr_path_join("wb/", "slag.csv");
    CHECK_STR(p, "wb/slag.csv");
    free(p);
    p = kkr_path_join("kommun", "/abs/nämnd");
    CHECK_STR(p, "/abs/nämnd");
    free(p);
    TEST_MAIN_END();
}
