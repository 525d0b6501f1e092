/*
 * The allocator hook: every allocation of libcrm goes through it, and a
 * failed allocation anywhere in a call gives CRM_ENOMEM (or another clean
 * error), leaks nothing and leaves the database as it was.
 */
#include "test.h"

TEST(config_rules)
{
    crm_allocator bad = test_failing_allocator;
    bad.version = 0;
    CHECK_INT(crm_config_allocator(&bad), CRM_EINVAL);
    bad = test_failing_allocator;
    bad.free = NULL;
    CHECK_INT(crm_config_allocator(&bad), CRM_EINVAL);
    crm_db *db = test_open_memory();
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_EMISUSE);
    CHECK_INT(crm_config_allocator(NULL), CRM_EMISUSE);
    crm_close(db);
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    test_alloc_calls = 0;
    db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Counted", id);
    crm_close(db);
    CHECK(test_alloc_calls > 0); /* the hook was really used */
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

typedef int (*op_fn)(crm_db *db, const char *id);

static int op_create(crm_db *db, const char *id)
{
    (void)id;
    crm_customer *c = NULL;
    int rc = crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Jo");
    crm_customer_free(c);
    return rc;
}
static int op_identity(crm_db *db, const char *id)
{
    crm_identity *i = NULL;
    int rc = crm_identity_add(&i, db, id, "phone", "(415) 555-0142", CRM_IDENTITY_PRIMARY);
    crm_identity_free(i);
    return rc;
}
static int op_attr(crm_db *db, const char *id)
{
    return crm_attr_set(db, id, "plan", "gold");
}
static int op_tag(crm_db *db, const char *id)
{
    return crm_tag_add(db, id, "vip");
}
static int op_rename(crm_db *db, const char *id)
{
    return crm_customer_rename(db, id, "Jo Bloggs");
}
static int op_lookup(crm_db *db, const char *id)
{
    (void)id;
    crm_customer *c = NULL;
    int rc = crm_identity_lookup(&c, db, "email", "ann@example.com");
    crm_customer_free(c);
    return rc;
}
static int op_list(crm_db *db, const char *id)
{
    (void)id;
    crm_customer_cursor *cur;
    const crm_customer *c;
    int rc = crm_customer_list_open(&cur, db, NULL);
    if (rc)
        return rc;
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        ;
    crm_customer_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}
static int op_group(crm_db *db, const char *id)
{
    int rc = crm_begin(db);
    if (rc)
        return rc;
    rc = crm_tag_add(db, id, "grouped");
    if (rc == CRM_OK)
        rc = crm_attr_set(db, id, "tier", "2");
    if (rc == CRM_OK)
        return crm_commit(db);
    /* The caller's rollback must work after any failure inside the group
     * (it replaces the handle's error, so the loop checks rc alone). */
    if (crm_rollback(db) != CRM_OK)
        return CRM_ERROR;
    return rc;
}

/* Fail the 1st, 2nd, ... allocation of op until it succeeds. */
static int fault_loop(const char *name, op_fn op)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_identity_add(NULL, db, id, "email", "ann@example.com", 0);
    for (long n = 0; n < 10000; n++) {
        test_snapshot before;
        test_snapshot_take(db, &before);
        test_alloc_countdown = n;
        int rc = op(db, id);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            crm_close(db);
            return n > 0; /* at least one failure was really injected */
        }
        if (rc != CRM_ENOMEM || (op != op_group && crm_errcode(db) != CRM_ENOMEM)) {
            fprintf(stderr, "%s: allocation %ld failed gave %s: %s\n", name, n + 1,
                    crm_errname(rc), crm_errmsg(db));
            crm_close(db);
            return 0;
        }
        if (!test_snapshot_same(db, &before) || crm_in_transaction(db)) {
            fprintf(stderr, "%s: allocation %ld failed changed the database\n", name, n + 1);
            crm_close(db);
            return 0;
        }
    }
    crm_close(db);
    return 0;
}

TEST(every_allocation_can_fail)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    CHECK(fault_loop("create", op_create));
    CHECK(fault_loop("identity", op_identity));
    CHECK(fault_loop("attr", op_attr));
    CHECK(fault_loop("tag", op_tag));
    CHECK(fault_loop("rename", op_rename));
    CHECK(fault_loop("lookup", op_lookup));
    CHECK(fault_loop("list", op_list));
    CHECK(fault_loop("group", op_group));
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

/* A walk that a failed allocation ends gives that error again, code and
 * message, to each later _next: the list's message, not the code's name.
 * walk() opens a list with allocation n failing, walks it, and returns
 * what the last _next gave (its message in msg) and what one more gave. */
typedef int (*walk_fn)(crm_db *db, long n, int *again, char *msg, size_t size);

static int walk_customers(crm_db *db, long n, int *again, char *msg, size_t size)
{
    crm_customer_cursor *cur;
    const crm_customer *c;
    test_alloc_countdown = n;
    int rc = crm_customer_list_open(&cur, db, NULL);
    if (rc == CRM_OK) {
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
            ;
        snprintf(msg, size, "%s", crm_errmsg(db));
        *again = crm_customer_cursor_next(cur, &c);
        crm_customer_cursor_free(cur);
    }
    test_alloc_countdown = -1;
    return rc;
}

static int walk_upcoming(crm_db *db, long n, int *again, char *msg, size_t size)
{
    crm_occasion_cursor *cur;
    const crm_occasion *o;
    test_alloc_countdown = n;
    /* 2026-01-01 to 2027-01-01: every month of the year is read. */
    int rc = crm_occasion_upcoming_open(&cur, db, 2026, 1, 1, 365);
    if (rc == CRM_OK) {
        while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW)
            ;
        snprintf(msg, size, "%s", crm_errmsg(db));
        *again = crm_occasion_cursor_next(cur, &o);
        crm_occasion_cursor_free(cur);
    }
    test_alloc_countdown = -1;
    return rc;
}

static int failed_walk_loop(const char *name, walk_fn walk)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    for (int i = 0; i < 3; i++) {
        test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
        crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
        s.customer_id = id;
        s.kind = "birthday";
        s.yearly = 1;
        s.year = 1990;
        s.month = 3 + 4 * i;
        s.day = 14;
        if (crm_occasion_add(NULL, db, &s) != CRM_OK) {
            fprintf(stderr, "%s: adding an occasion: %s\n", name, crm_errmsg(db));
            crm_close(db);
            return 0;
        }
    }
    /* One walk first, so that the statement is prepared and cached: the
     * counts of allocations below are then those of every later walk. */
    int again;
    char msg[2048];
    if (walk(db, -1, &again, msg, sizeof msg) != CRM_DONE) {
        fprintf(stderr, "%s: %s\n", name, crm_errmsg(db));
        crm_close(db);
        return 0;
    }
    int failed_walks = 0;
    for (long n = 0; n < 10000; n++) {
        again = CRM_OK;
        int rc = walk(db, n, &again, msg, sizeof msg);
        if (rc == CRM_DONE) {
            crm_close(db);
            return failed_walks > 0; /* a walk really failed after its opening */
        }
        if (rc != CRM_ENOMEM) {
            fprintf(stderr, "%s: allocation %ld failed gave %s: %s\n", name, n + 1,
                    crm_errname(rc), crm_errmsg(db));
            break;
        }
        if (again == CRM_OK)
            continue; /* the opening failed: no walk */
        failed_walks++;
        if (again != rc || strcmp(crm_errmsg(db), msg) != 0 ||
            strcmp(msg, crm_strerror(rc)) == 0) {
            fprintf(stderr, "%s: allocation %ld failed gave %s (%s), then %s (%s)\n", name,
                    n + 1, crm_errname(rc), msg, crm_errname(again), crm_errmsg(db));
            break;
        }
    }
    crm_close(db);
    return 0;
}

TEST(a_failed_walk_says_so_again)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    CHECK(failed_walk_loop("customer list", walk_customers));
    CHECK(failed_walk_loop("upcoming occasions", walk_upcoming));
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

TEST(open_survives_failures)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    int ok = 0;
    for (long n = 0; n < 1000 && !ok; n++) {
        crm_db *db = (crm_db *)1;
        test_alloc_countdown = n;
        int rc = crm_open(&db, ":memory:", NULL);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            crm_close(db);
            ok = 1;
        } else if (rc != CRM_ENOMEM || db != NULL) {
            fprintf(stderr, "open: allocation %ld failed gave %s: %s\n", n + 1, crm_errname(rc),
                    crm_errmsg(NULL));
            break;
        }
    }
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
    CHECK(ok);
}

int main(void)
{
    RUN(config_rules);
    RUN(every_allocation_can_fail);
    RUN(a_failed_walk_says_so_again);
    RUN(open_survives_failures);
    return test_summary();
}
