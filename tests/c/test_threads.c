/*
 * One handle, several threads: calls are serialised inside the handle, a
 * transaction group belongs to the thread that began it, and each
 * thread's errors are its own.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "test.h"

enum { THREADS = 4, CALLS = 300 };

typedef struct worker {
    crm_db *db;
    int index;
    int failures;
    char first_error[256];
} worker;

/* Writes and reads of every kind, interleaved with the other threads'. */
static void *mixed_work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < CALLS; i++) {
        char name[64], phone[32];
        snprintf(name, sizeof name, "Thread %d Customer %d", w->index, i);
        snprintf(phone, sizeof phone, "+1415%d%06d", w->index + 2, i);
        crm_customer *c = NULL;
        int rc = crm_customer_create(&c, w->db, CRM_CUSTOMER_PERSON, name);
        if (rc == CRM_OK)
            rc = crm_identity_add(NULL, w->db, crm_customer_id(c), "phone", phone, 0);
        crm_customer *found = NULL;
        if (rc == CRM_OK)
            rc = crm_identity_lookup(&found, w->db, "phone", phone);
        if (rc == CRM_OK && strcmp(crm_customer_id(found), crm_customer_id(c)) != 0)
            rc = CRM_ERROR;
        crm_customer_free(found);
        crm_identity_cursor *cur = NULL;
        if (rc == CRM_OK)
            rc = crm_identity_list_open(&cur, w->db, crm_customer_id(c));
        const crm_identity *id;
        int n = 0;
        if (rc == CRM_OK) {
            while ((rc = crm_identity_cursor_next(cur, &id)) == CRM_ROW)
                n++;
            rc = rc == CRM_DONE && n == 1 ? CRM_OK : rc == CRM_DONE ? CRM_ERROR : rc;
        }
        crm_identity_cursor_free(cur);
        crm_customer_free(c);
        if (rc != CRM_OK && w->failures++ == 0)
            snprintf(w->first_error, sizeof w->first_error, "%d: %s", rc, crm_errmsg(w->db));
    }
    return NULL;
}

TEST(threads_share_a_handle)
{
    char path[256];
    crm_db *db = test_open_file(path, sizeof path);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){ db, i, 0, "" };
        CHECK_INT(pthread_create(&t[i], NULL, mixed_work, &w[i]), 0);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].failures)
            fprintf(stderr, "thread %d: %d failures, first %s\n", i, w[i].failures,
                    w[i].first_error);
        failures += w[i].failures;
    }
    CHECK_INT(failures, 0);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), THREADS * CALLS);
    /* Every write has its journal row: 2 per iteration. */
    CHECK_INT(test_last_seq(db), 2 * THREADS * CALLS);
    crm_close(db);
    test_remove_db(path);
}

typedef struct writer {
    crm_db *db;
    atomic_int done;
    int rc;
    int in_txn;
    char id[CRM_ID_LEN + 1];
    char msg[512];
} writer;

static void *write_one(void *arg)
{
    writer *w = arg;
    crm_customer *c = NULL;
    w->in_txn = crm_in_transaction(w->db);
    w->rc = crm_customer_create(&c, w->db, CRM_CUSTOMER_PERSON, "Other Thread");
    if (w->rc == CRM_OK)
        snprintf(w->id, sizeof w->id, "%s", crm_customer_id(c));
    snprintf(w->msg, sizeof w->msg, "%s", crm_errmsg(w->db));
    crm_customer_free(c);
    atomic_store(&w->done, 1);
    return NULL;
}

/* Thread A's group must neither swallow thread B's write (rolled back with
 * A's) nor let B write in its middle: B waits for the group to end. */
TEST(group_belongs_to_its_thread)
{
    char path[256], mine[CRM_ID_LEN + 1];
    crm_db *db = test_open_file(path, sizeof path);
    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "Rolled Back", mine);
    writer w = { db, 0, -100, -1, "", "" };
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, write_one, &w), 0);
    test_sleep_ms(200);
    int waited = !atomic_load(&w.done);
    CHECK_INT(crm_in_transaction(db), 1);
    /* The group's own calls go on while the other thread waits. */
    char more[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Also Rolled Back", more);
    CHECK_OK(db, crm_rollback(db));
    pthread_join(t, NULL);
    CHECK(waited);
    CHECK_INT(w.rc, CRM_OK);
    /* Only the other thread's customer exists, committed by itself. */
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 1);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, w.id));
    crm_customer_free(c);
    CHECK_RC(db, crm_customer_get(&c, db, mine), CRM_ENOTFOUND);
    crm_close(db);
    test_remove_db(path);
}

TEST(group_of_another_thread_times_out)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = 150;
    crm_db *db;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_OK(db, crm_begin(db));
    writer w = { db, 0, -100, -1, "", "" };
    pthread_t t;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_INT(pthread_create(&t, NULL, write_one, &w), 0);
    pthread_join(t, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK_INT(w.rc, CRM_EBUSY);
    CHECK(strstr(w.msg, "another thread") != NULL);
    CHECK_INT(w.in_txn, 0); /* the group is not the other thread's */
    CHECK(ms >= 140);
    /* The group is untouched and still this thread's. */
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_commit(db));
    /* The other thread did not see a group of its own. */
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 0);
    crm_close(db);
    test_remove_db(path);
}

typedef struct asker {
    crm_db *db;
    pthread_barrier_t *step;
    int code;
    char msg[512];
} asker;

/* Fails a call of its own between the other thread's failure and that
 * thread's reading of its message. */
static void *fail_between(void *arg)
{
    asker *a = arg;
    pthread_barrier_wait(a->step); /* the main thread has failed */
    crm_customer *c = NULL;
    a->code = crm_customer_get(&c, a->db, "not-an-id");
    snprintf(a->msg, sizeof a->msg, "%s", crm_errmsg(a->db));
    crm_customer *ok = NULL;
    crm_customer_create(&ok, a->db, CRM_CUSTOMER_PERSON, "Succeeds");
    crm_customer_free(ok);
    pthread_barrier_wait(a->step); /* the main thread reads its message */
    return NULL;
}

TEST(errors_belong_to_their_thread)
{
    crm_db *db = test_open_memory();
    pthread_barrier_t step;
    pthread_barrier_init(&step, NULL, 2);
    asker a = { db, &step, 0, "" };
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, fail_between, &a), 0);
    CHECK_RC(db, crm_customer_rename(db, TEST_UNKNOWN_ID, "Nobody"), CRM_ENOTFOUND);
    pthread_barrier_wait(&step);
    pthread_barrier_wait(&step);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&step);
    /* Each thread reads its own last result. */
    CHECK_INT(crm_errcode(db), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), TEST_UNKNOWN_ID);
    CHECK_INT(a.code, CRM_EINVAL);
    CHECK(strstr(a.msg, "not-an-id") != NULL);
    crm_close(db);
}

TEST(close_refuses_while_others_wait)
{
    crm_db *db = test_open_memory();
    CHECK_OK(db, crm_begin(db));
    writer w = { db, 0, -100, -1, "", "" };
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, write_one, &w), 0);
    test_sleep_ms(100);
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "other threads");
    CHECK_OK(db, crm_commit(db));
    pthread_join(t, NULL);
    CHECK_INT(w.rc, CRM_OK);
    CHECK_INT(crm_close(db), CRM_OK);
}

int main(void)
{
    RUN(threads_share_a_handle);
    RUN(group_belongs_to_its_thread);
    RUN(group_of_another_thread_times_out);
    RUN(errors_belong_to_their_thread);
    RUN(close_refuses_while_others_wait);
    return test_summary();
}
