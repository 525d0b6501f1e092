/*
 * libcrm tests - a tiny runner. Asserts print file, line, the expression
 * and both values, and do not depend on NDEBUG.
 *
 *   TEST(name) { ... }            define a test
 *   int main(void) { RUN(name); ...; return test_summary(); }
 */
#ifndef CRM_TEST_H
#define CRM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

extern int test_failures, test_failed_tests, test_run, test_current_failed;

#define TEST(name) static void name(void)

#define RUN(name)                                                        \
    do {                                                                 \
        test_current_failed = 0;                                         \
        test_run++;                                                      \
        name();                                                          \
        test_failed_tests += test_current_failed;                        \
        printf("%s %s\n", test_current_failed ? "FAIL" : "ok  ", #name); \
        fflush(stdout);                                                  \
    } while (0)

#define TEST_FAIL_()            \
    do {                        \
        test_failures++;        \
        test_current_failed = 1; \
    } while (0)

/* Stop the current test on failure: later steps usually depend on it. */
#define CHECK_INT(a, b)                                                                     \
    do {                                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                                 \
        if (a_ != b_) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK_INT(%s, %s): %lld != %lld\n", __FILE__, __LINE__, \
                    #a, #b, a_, b_);                                                        \
            TEST_FAIL_();                                                                   \
            return;                                                                         \
        }                                                                                   \
    } while (0)

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            TEST_FAIL_();                                                        \
            return;                                                              \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                                       \
    do {                                                                                      \
        const char *a_ = (a), *b_ = (b);                                                      \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                              \
            fprintf(stderr, "%s:%d: CHECK_STR(%s, %s): \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                    #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                          \
            TEST_FAIL_();                                                                     \
            return;                                                                           \
        }                                                                                     \
    } while (0)

/* The message contains the fragment. */
#define CHECK_CONTAINS(hay, needle)                                                          \
    do {                                                                                     \
        const char *h_ = (hay), *n_ = (needle);                                              \
        if (!h_ || !strstr(h_, n_)) {                                                        \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS(%s, %s): \"%s\" lacks \"%s\"\n", __FILE__, \
                    __LINE__, #hay, #needle, h_ ? h_ : "(null)", n_);                        \
            TEST_FAIL_();                                                                    \
            return;                                                                          \
        }                                                                                    \
    } while (0)

/* A call returns the code, and the handle says the same with a message. */
#define CHECK_RC(db, call, code)                                                              \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != (code)) {                                                                  \
            fprintf(stderr, "%s:%d: %s returned %s (%d), expected %s: %s\n", __FILE__, __LINE__, \
                    #call, crm_errname(rc_), rc_, crm_errname(code), crm_errmsg(db));         \
            TEST_FAIL_();                                                                     \
            return;                                                                           \
        }                                                                                     \
        if ((code) < 0 && crm_errcode(db) != (code)) {                                        \
            fprintf(stderr, "%s:%d: crm_errcode after %s is %d, expected %d\n", __FILE__,     \
                    __LINE__, #call, crm_errcode(db), (code));                                \
            TEST_FAIL_();                                                                     \
            return;                                                                           \
        }                                                                                     \
        if ((code) < 0 && strlen(crm_errmsg(db)) < 10) {                                      \
            fprintf(stderr, "%s:%d: message after %s is too thin: \"%s\"\n", __FILE__,        \
                    __LINE__, #call, crm_errmsg(db));                                         \
            TEST_FAIL_();                                                                     \
            return;                                                                           \
        }                                                                                     \
    } while (0)

#define CHECK_OK(db, call) CHECK_RC(db, call, CRM_OK)

int test_summary(void);

/* ---- helpers shared by the test files (test_util.c) ----------------------- */

/* A fresh in-memory database with default country US; aborts on failure. */
crm_db *test_open_memory(void);
/* A fresh file database in a temporary directory; path receives its name. */
crm_db *test_open_file(char *path, size_t size);
/* A unique temporary file name (nothing created yet). */
void test_temp_path(char *path, size_t size, const char *suffix);
void test_remove_db(const char *path);

/* What a failed call must leave as it was: the journal's last sequence
 * number and the row count of every table. */
typedef struct test_snapshot {
    int64_t last_seq;
    long long rows[16];
    int ntables;
} test_snapshot;
void test_snapshot_take(crm_db *db, test_snapshot *s);
int test_snapshot_same(crm_db *db, const test_snapshot *s); /* prints the difference */

#define CHECK_UNCHANGED(db, snap) CHECK(test_snapshot_same((db), (snap)))

/* Test data that break input rules. */
extern const char *const test_bad_utf8[]; /* NULL-terminated */
char *test_long_string(size_t n);          /* n bytes of 'x', caller frees */

/* Sleep a few milliseconds, so that successive times differ. */
void test_sleep_ms(long ms);

/* Create a customer and return its id (static buffer per call site). */
void test_customer(crm_db *db, crm_customer_kind kind, const char *name, char id[CRM_ID_LEN + 1]);

#endif
