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

/* ---- helpers shared by the test files (helpers.c) ----------------------- */

/* A fresh in-memory database with default country US; aborts on failure. */
crm_db *test_open_memory(void);
/* A fresh file database in a temporary directory; path receives its name. */
crm_db *test_open_file(char *path, size_t size);
/* A unique temporary file name (nothing created yet). */
/* The text of a file of up to 128 KiB, NUL-terminated (caller frees), or
 * NULL if it cannot be read or is empty. */
char *test_slurp_text(const char *path);
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

/* The call fails with code, the message (of msgdb) contains frag and, when
 * not NULL, frag2, and db is as it was before the call. */
#define CHECK_FAILS_(db, msgdb, call, code, frag, frag2) \
    do {                                                 \
        test_snapshot s_;                                \
        const char *f2_ = (frag2);                       \
        test_snapshot_take((db), &s_);                   \
        CHECK_RC((msgdb), (call), (code));               \
        CHECK_CONTAINS(crm_errmsg(msgdb), (frag));       \
        if (f2_)                                         \
            CHECK_CONTAINS(crm_errmsg(msgdb), f2_);      \
        CHECK_UNCHANGED((db), &s_);                      \
    } while (0)
#define CHECK_FAILS(db, call, code, frag) CHECK_FAILS_(db, db, call, code, frag, NULL)
#define CHECK_FAILS2(db, call, code, frag, frag2) CHECK_FAILS_(db, db, call, code, frag, frag2)
/* A NULL handle: CRM_EINVAL, and the thread's message names the function. */
#define CHECK_NULL_DB(db, call, func) CHECK_FAILS_(db, NULL, call, CRM_EINVAL, func, NULL)

/* Test data that break input rules. */
extern const char *const test_bad_utf8[]; /* NULL-terminated */
extern const char *const test_bad_ids[];  /* not ids, NULL-terminated */
char *test_long_string(size_t n);          /* n bytes of 'x', caller frees */

/* Well-formed, but no customer has it. */
#define TEST_UNKNOWN_ID "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"

/* Sleep a few milliseconds, so that successive times differ. */
void test_sleep_ms(long ms);

/* Create a customer and return its id (static buffer per call site). */
void test_customer(crm_db *db, crm_customer_kind_t kind, const char *name, char id[CRM_ID_LEN + 1]);
/* The customer's updated_at; exits if it cannot be read. */
int64_t test_updated_at(crm_db *db, const char *id);
/* Canonical text form: 8-4-4-4-12 lower-case hex, version 7, RFC variant. */
int test_canonical_v7(const char *id);

/* How many customers the list shows in mode; -1 if listing fails. */
int test_count_customers(crm_db *db, crm_archived_filter_t mode);
/* The names filter f lists, joined by "," (static buffer), or "ERR ...". */
const char *test_names(crm_db *db, const crm_customer_filter *f);

/* The journal's last sequence number; exits if it cannot be read. */
int64_t test_last_seq(crm_db *db);

/* One journal row as a test expects it: data has each fragment and not `absent`. */
typedef struct test_jrow {
    const char *entity, *op, *entity_id;
    const char *data[4];
    const char *absent;
} test_jrow;
/* The journal after `since` holds exactly the n rows of want, in order. */
int test_journal_is(crm_db *db, int64_t since, const test_jrow *want, int n);

/* Checks (a failure marks the running test): lookup(kind, value) finds the
 * customer id; value of kind normalises to key. */
void test_check_finds(crm_db *db, const char *kind, const char *value, const char *id);
void test_check_key(crm_db *db, const char *kind, const char *value, const char *key);

/* An allocator whose call that finds test_alloc_countdown at 0 fails (-1: none). */
extern long test_alloc_countdown, test_alloc_calls; /* calls counts malloc + realloc */
extern const crm_allocator test_failing_allocator;

#endif
