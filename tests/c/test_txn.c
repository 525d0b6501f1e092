/*
 * Transactions: one per write call, grouped by crm_begin(), a refused call
 * inside a group undoing only itself, and bounded waits for another writer.
 */
#include <sqlite3.h>
#include <time.h>

#include "test.h"

TEST(group_commits_together)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    CHECK_OK(db, crm_begin(db));
    CHECK_INT(crm_in_transaction(db), 1);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", b);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(crm_in_transaction(db), 0);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 2);
    int64_t seq;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, 3);
    crm_close(db);
}

TEST(rollback_leaves_nothing)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Keep", a);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_OK(db, crm_begin(db));
    char b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Gone", b);
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_OK(db, crm_customer_rename(db, a, "Kept"));
    CHECK_OK(db, crm_rollback(db));
    CHECK_UNCHANGED(db, &snap);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, a));
    CHECK_STR(crm_customer_name(c), "Keep");
    crm_customer_free(c);
    CHECK_RC(db, crm_customer_get(&c, db, b), CRM_ENOTFOUND);
    crm_close(db);
}

TEST(failed_call_inside_group_undoes_only_itself)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", b);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, b, "new"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    /* Conflict: the phone is Ann's. The group survives. */
    CHECK_RC(db, crm_identity_add(NULL, db, b, "phone", "(415) 555-0100", CRM_IDENTITY_PRIMARY),
             CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), "Ann");
    CHECK_UNCHANGED(db, &snap);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_tag_add(db, b, "second"));
    CHECK_OK(db, crm_commit(db));
    crm_tag_cursor *cur;
    const char *t;
    CHECK_OK(db, crm_tag_list_open(&cur, db, b));
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_ROW);
    CHECK_STR(t, "new");
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_ROW);
    CHECK_STR(t, "second");
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_DONE);
    crm_tag_cursor_free(cur);
    crm_close(db);
}

/* Each call makes its refusals before its first change; refused inside a
 * group, each must leave the group as it was and open. */
TEST(refused_calls_inside_group_leave_it_whole)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], org[CRM_ID_LEN + 1];
    const char *gone = "01934b6e-8f00-7000-8000-000000000001"; /* no such record */
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", b);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", org);
    CHECK_OK(db, crm_member_add(db, org, a, "buyer"));
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "+14155550100", 0));
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, a, NULL, "agent:bob", "call back", crm_now() + 60000,
                                  CRM_TIME_NONE));
    char pid[CRM_ID_LEN + 1];
    memcpy(pid, crm_promise_id(p), sizeof pid);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_keep(NULL, db, pid, NULL, NULL, CRM_TIME_NONE));
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = a;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = "msg-1";
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    CHECK_OK(db, crm_tag_add(db, a, "vip"));

    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, b, "first"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_EEXISTS);
    s.external_ref = NULL;
    s.customer_id = gone;
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_ENOTFOUND);
    CHECK_RC(db, crm_identity_add(NULL, db, b, "phone", "(415) 555-0100", 0), CRM_EEXISTS);
    CHECK_RC(db, crm_identity_add(NULL, db, gone, "phone", "+14155550199", 0), CRM_ENOTFOUND);
    CHECK_RC(db, crm_tag_add(db, a, "vip"), CRM_EEXISTS);
    CHECK_RC(db, crm_attr_set(db, gone, "tier", "3"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_promise_make(NULL, db, gone, NULL, "agent:bob", "x", crm_now() + 1,
                                  CRM_TIME_NONE),
             CRM_ENOTFOUND);
    CHECK_RC(db, crm_promise_keep(NULL, db, pid, NULL, NULL, CRM_TIME_NONE), CRM_ESTATE);
    CHECK_RC(db, crm_customer_create(NULL, db, CRM_CUSTOMER_PERSON, " padded"), CRM_EINVAL);
    CHECK_RC(db, crm_identity_add(NULL, db, b, "phone", "(415) 555-0100", CRM_IDENTITY_PRIMARY),
             CRM_EEXISTS);
    CHECK_RC(db, crm_customer_rename(db, gone, "Nobody"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_customer_unarchive(db, a), CRM_ESTATE);
    CHECK_RC(db, crm_attr_unset(db, a, "tier"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_member_add(db, org, a, "seller"), CRM_EEXISTS);
    CHECK_RC(db, crm_member_add(db, a, b, "buyer"), CRM_EINVAL); /* a is a person */
    CHECK_RC(db, crm_member_remove(db, org, b), CRM_ENOTFOUND);
    CHECK_RC(db, crm_identity_remove(db, a, "phone", "+14155550177"), CRM_ENOTFOUND);
    CHECK_RC(db, crm_identity_set_flags(db, a, "phone", "+14155550177", 0), CRM_ENOTFOUND);
    CHECK_RC(db, crm_interaction_set_outcome(db, gone, CRM_OUTCOME_RESOLVED), CRM_ENOTFOUND);
    CHECK_RC(db, crm_occasion_remove(db, gone), CRM_ENOTFOUND);
    CHECK_UNCHANGED(db, &snap);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_tag_add(db, b, "second"));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(test_last_seq(db), snap.last_seq + 1);
    crm_close(db);
}

/* A call that fails after its first change cannot be undone alone: the
 * whole group goes, and says so until crm_rollback(). A trigger (not
 * libcrm's) refuses the journal row after the interaction. */
TEST(call_failing_after_a_change_loses_the_group)
{
    char path[256], a[CRM_ID_LEN + 1];
    crm_db *db = test_open_file(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    /* Planted while the handle is open: crm_open() refuses a file with
     * objects libcrm does not define. */
    sqlite3 *raw = NULL;
    CHECK_INT(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    int src = sqlite3_exec(raw,
                           "CREATE TRIGGER refuse_log BEFORE INSERT ON journal WHEN NEW.op = 'log' "
                           "BEGIN SELECT RAISE(ABORT, 'no logging today'); END",
                           NULL, NULL, NULL);
    sqlite3_close(raw);
    CHECK_INT(src, SQLITE_OK);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = a;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    test_snapshot snap;
    test_snapshot_take(db, &snap);

    /* Alone, the call's own transaction is rolled back. */
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_ERROR);
    CHECK_CONTAINS(crm_errmsg(db), "no logging today");
    CHECK_UNCHANGED(db, &snap);

    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, a, "lost"));
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_ERROR);
    CHECK_CONTAINS(crm_errmsg(db), "no logging today");
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_RC(db, crm_tag_add(db, a, "after"), CRM_ESTATE);
    CHECK_CONTAINS(crm_errmsg(db), "crm_rollback");
    CHECK_RC(db, crm_commit(db), CRM_ESTATE);
    CHECK_OK(db, crm_rollback(db));
    CHECK_INT(crm_in_transaction(db), 0);
    CHECK_UNCHANGED(db, &snap);
    /* The handle is usable again. */
    CHECK_OK(db, crm_tag_add(db, a, "kept"));
    CHECK_INT(test_last_seq(db), snap.last_seq + 1);
    crm_close(db);
    test_remove_db(path);
}

TEST(illegal_transaction_states)
{
    crm_db *db = test_open_memory();
    CHECK_RC(db, crm_commit(db), CRM_ESTATE);
    CHECK_CONTAINS(crm_errmsg(db), "crm_begin");
    CHECK_RC(db, crm_rollback(db), CRM_ESTATE);
    CHECK_OK(db, crm_begin(db));
    CHECK_RC(db, crm_begin(db), CRM_ESTATE);
    CHECK_CONTAINS(crm_errmsg(db), "already open");
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_commit(db));
    CHECK_RC(db, crm_commit(db), CRM_ESTATE);
    CHECK_INT(crm_begin(NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_begin");
    CHECK_INT(crm_commit(NULL), CRM_EINVAL);
    CHECK_INT(crm_rollback(NULL), CRM_EINVAL);
    CHECK_INT(crm_in_transaction(NULL), 0);
    crm_close(db);
}

TEST(close_rolls_back_open_group)
{
    char path[256], a[CRM_ID_LEN + 1];
    crm_db *db = test_open_file(path, sizeof path);
    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "Never", a);
    CHECK_INT(crm_close(db), CRM_OK);
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 0);
    int64_t seq;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, 0);
    crm_close(db);
    test_remove_db(path);
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

TEST(busy_is_bounded)
{
    char path[256], a[CRM_ID_LEN + 1];
    crm_db *holder = test_open_file(path, sizeof path);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = 200;
    crm_db *waiter;
    CHECK_INT(crm_open(&waiter, path, &o), CRM_OK);
    test_customer(holder, CRM_CUSTOMER_PERSON, "First", a);

    CHECK_OK(holder, crm_begin(holder));
    CHECK_OK(holder, crm_customer_rename(holder, a, "Held"));
    test_snapshot snap;
    test_snapshot_take(waiter, &snap);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_RC(waiter, crm_customer_create(NULL, waiter, CRM_CUSTOMER_PERSON, "Second"), CRM_EBUSY);
    /* It waited (roughly) the timeout before giving up, and said so. */
    CHECK(ms_since(&t0) >= 150);
    CHECK_CONTAINS(crm_errmsg(waiter), "200 ms");
    CHECK_RC(waiter, crm_begin(waiter), CRM_EBUSY);
    CHECK_INT(crm_in_transaction(waiter), 0);
    /* Readers are not blocked by a writer (WAL). */
    crm_customer *c;
    CHECK_OK(waiter, crm_customer_get(&c, waiter, a));
    CHECK_STR(crm_customer_name(c), "First");
    crm_customer_free(c);
    CHECK_UNCHANGED(waiter, &snap);

    CHECK_OK(holder, crm_commit(holder));
    CHECK_OK(waiter, crm_customer_create(NULL, waiter, CRM_CUSTOMER_PERSON, "Second"));
    CHECK_INT(test_count_customers(holder, CRM_ARCHIVED_INCLUDE), 2);
    crm_close(waiter);
    crm_close(holder);
    test_remove_db(path);
}

TEST(zero_timeout_fails_at_once)
{
    char path[256];
    crm_db *holder = test_open_file(path, sizeof path);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = 0;
    crm_db *other;
    CHECK_INT(crm_open(&other, path, &o), CRM_OK);
    CHECK_OK(holder, crm_begin(holder));
    CHECK_RC(other, crm_customer_create(NULL, other, CRM_CUSTOMER_PERSON, "X"), CRM_EBUSY);
    CHECK_OK(holder, crm_rollback(holder));
    CHECK_OK(other, crm_customer_create(NULL, other, CRM_CUSTOMER_PERSON, "X"));
    crm_close(other);
    crm_close(holder);
    test_remove_db(path);
}

int main(void)
{
    RUN(group_commits_together);
    RUN(rollback_leaves_nothing);
    RUN(failed_call_inside_group_undoes_only_itself);
    RUN(refused_calls_inside_group_leave_it_whole);
    RUN(call_failing_after_a_change_loses_the_group);
    RUN(illegal_transaction_states);
    RUN(close_rolls_back_open_group);
    RUN(busy_is_bounded);
    RUN(zero_timeout_fails_at_once);
    return test_summary();
}
