/* test.h — minimal assertions for unit tests: count failures, print where, exit non-zero */
#ifndef KKR_TEST_H
#define KKR_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond) do { \
    test_checks++; \
    if (!(cond)) { test_failures++; \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_INT(actual, expected) do { \
    long long a_ = (long long)(actual), e_ = (long long)(expected); test_checks++; \
    if (a_ != e_) { test_failures++; \
        fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_); } \
} while (0)

#define CHECK_STR(actual, expected) do { \
    const char *a_ = (actual), *e_ = (expected); test_checks++; \
    if (!a_ || strcmp(a_, e_) != 0) { test_failures++; \
        fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
                a_ ? a_ : "(null)", e_); } \
} while (0)

#define CHECK_NEAR(actual, expected, tol) do { \
    double a_ = (actual), e_ = (expected); test_checks++; \
    if (!(a_ - e_ <= (tol) && e_ - a_ <= (tol))) { test_failures++; \
        fprintf(stderr, "%s:%d: %s is %.10g, expected %.10g (tolerance %g)\n", __FILE__, \
                __LINE__, #actual, a_, e_, (double)(tol)); } \
} while (0)

#define TEST_MAIN_END() do { \
    printf("%d checks, %d failed\n", test_checks, test_failures); \
    return test_failures ? 1 : 0; \
} while (0)

#endif
