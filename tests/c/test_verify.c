/*
 * libcrm tests - crm_customer_verify(): the comparison, the wrong answers
 * counted in the file, the lock, and every kind of bad argument.
 */
#include <sqlite3.h>

#include "test.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MIN 60000LL
#define DOB "1984-03-07"

typedef struct sim_clock {
    int64_t now;
} sim_clock;

static int64_t sim_read(void *ctx)
{
    return ((sim_clock *)ctx)->now;
}

static sim_clock clk;

static crm_db *open_sim(const char *path, unsigned int flags)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = &clk;
    o.default_country = "US";
    o.flags = flags;
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(1);
    }
    return db;
}

/* A new file with one customer whose date of birth is DOB. */
static crm_db *fixture(char *path, size_t size, char cid[CRM_ID_LEN + 1])
{
    test_temp_path(path, size, ".db");
    clk.now = T0;
    crm_db *db = open_sim(path, CRM_OPEN_CREATE);
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    if (crm_attr_set(db, cid, "date_of_birth", DOB) != CRM_OK ||
        crm_attr_set(db, cid, "postcode", "SW1A 1AA") != CRM_OK) {
        fprintf(stderr, "fixture: %s\n", crm_errmsg(db));
        exit(2);
    }
    return db;
}

/* The customer's row of wrong answers as "failures first locked" (times
 * relative to T0 in minutes; "-" for a NULL lock), or "none". */
static const char *state(const char *path, const char *cid)
{
    static char out[128];
    sqlite3 *s = NULL;
    sqlite3_stmt *st = NULL;
    snprintf(out, sizeof out, "none");
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s,
                           "SELECT failures, first_failure_at, locked_until FROM customer_verify "
                           "WHERE lower(hex(customer_id)) = replace(?1, '-', '')",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERR %s", sqlite3_errmsg(s));
    } else {
        sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) {
            long long lock = sqlite3_column_type(st, 2) == SQLITE_NULL
                                 ? -1
                                 : (sqlite3_column_int64(st, 2) - T0) / MIN;
            if (lock < 0)
                snprintf(out, sizeof out, "%lld %lld -", sqlite3_column_int64(st, 0),
                         (sqlite3_column_int64(st, 1) - T0) / MIN);
            else
                snprintf(out, sizeof out, "%lld %lld %lld", sqlite3_column_int64(st, 0),
                         (sqlite3_column_int64(st, 1) - T0) / MIN, lock);
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(s);
    return out;
}

/* One call that must succeed; its answer, or -1. */
static int verify(crm_db *db, const char *cid, const char *key, const char *answer)
{
    int m = -1;
    if (crm_customer_verify(&m, db, cid, key, answer) != CRM_OK) {
        fprintf(stderr, "verify: %s\n", crm_errmsg(db));
        return -1;
    }
    return m;
}

TEST(match_and_mismatch)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    int64_t seq = test_last_seq(db);
    CHECK_INT(verify(db, cid, "date_of_birth", DOB), 1);
    CHECK_INT(verify(db, cid, "postcode", "sw1a 1aa"), 1);
    CHECK_INT(verify(db, cid, "postcode", " SW1A1AA\t"), 1);
    CHECK_INT(verify(db, cid, "postcode", "s w 1 a 1 a a"), 1);
    CHECK_STR(state(path, cid), "none");
    CHECK_INT(verify(db, cid, "date_of_birth", "1984-03-08"), 0);
    CHECK_STR(state(path, cid), "1 0 -");
    CHECK_INT(verify(db, cid, "postcode", "SW1A 1A"), 0); /* a prefix */
    CHECK_INT(verify(db, cid, "postcode", "SW1A 1AAB"), 0); /* longer */
    CHECK_INT(verify(db, cid, "date_of_birth", "1984"), 0);
    CHECK_STR(state(path, cid), "4 0 -");
    /* The right answers with nothing counted changed nothing: no entry. */
    test_jrow want[] = {
        { "customer", "verify", cid, { "\"key\":\"date_of_birth\"", "\"matched\":0",
                                       "\"failures\":1" }, "1984" },
        { "customer", "verify", cid, { "\"matched\":0", "\"failures\":2" }, "SW1A" },
        { "customer", "verify", cid, { "\"matched\":0", "\"failures\":3" }, "SW1A" },
        { "customer", "verify", cid, { "\"matched\":0", "\"failures\":4" }, "locked_until" },
    };
    CHECK(test_journal_is(db, seq, want, 4));
    /* A right answer clears the count, and says so in the journal. */
    seq = test_last_seq(db);
    CHECK_INT(verify(db, cid, "date_of_birth", DOB), 1);
    CHECK_STR(state(path, cid), "none");
    test_jrow cleared[] = { { "customer", "verify", cid,
                              { "\"key\":\"date_of_birth\"", "\"matched\":1",
                                "\"failures\":0" }, "locked_until" } };
    CHECK(test_journal_is(db, seq, cleared, 1));
    /* A stored value of nothing but spaces is matched by no answer. */
    CHECK_OK(db, crm_attr_set(db, cid, "blank", "  "));
    CHECK_INT(verify(db, cid, "blank", "x"), 0);
    CHECK_OK(db, crm_attr_set(db, cid, "empty", ""));
    CHECK_INT(verify(db, cid, "empty", "x"), 0);
    CHECK_STR(state(path, cid), "2 0 -");
    crm_close(db);
    test_remove_db(path);
}

TEST(lock_and_expiry)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
        clk.now += MIN;
    }
    CHECK_STR(state(path, cid), "4 0 -");
    int64_t seq = test_last_seq(db);
    CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0); /* at 4 min: locks */
    CHECK_STR(state(path, cid), "5 0 19");
    test_jrow want[] = { { "customer", "verify", cid,
                           { "\"matched\":0", "\"failures\":5", "\"locked_until\":1767226740000" },
                           "2000" } };
    CHECK(test_journal_is(db, seq, want, 1));
    /* Locked: even the right answer is refused, with nothing changed. */
    int m = -1;
    clk.now = T0 + 10 * MIN;
    CHECK_FAILS2(db, crm_customer_verify(&m, db, cid, "date_of_birth", DOB), CRM_ESTATE,
                 "locked", "2026-01-01T00:19:00.000Z (UTC)");
    CHECK_INT(m, -1);
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", "x"), CRM_ESTATE, "locked");
    CHECK_STR(state(path, cid), "5 0 19");
    /* A millisecond before the end: still locked. */
    clk.now = T0 + 19 * MIN - 1;
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", DOB), CRM_ESTATE, "locked");
    /* At the end, a wrong answer starts a new count. */
    clk.now = T0 + 19 * MIN;
    CHECK_INT(verify(db, cid, "date_of_birth", "1999-01-01"), 0);
    CHECK_STR(state(path, cid), "1 19 -");
    CHECK_INT(verify(db, cid, "date_of_birth", DOB), 1);
    CHECK_STR(state(path, cid), "none");
    crm_close(db);
    test_remove_db(path);
}

TEST(window_expiry)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    /* Five wrong answers 4 minutes apart: the fifth is 16 minutes after
     * the first, out of the window, and starts a new count. */
    for (int i = 0; i < 5; i++) {
        CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
        clk.now += 4 * MIN;
    }
    CHECK_STR(state(path, cid), "1 16 -");
    /* Four more within the window of that one: the lock comes at the fifth. */
    for (int i = 0; i < 3; i++) {
        CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
        clk.now += MIN;
    }
    CHECK_STR(state(path, cid), "4 16 -");
    CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
    CHECK_STR(state(path, cid), "5 16 38");
    crm_close(db);
    test_remove_db(path);
}

TEST(right_answer_clears)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 4; i++)
            CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
        CHECK_INT(verify(db, cid, "date_of_birth", DOB), 1);
    }
    CHECK_STR(state(path, cid), "none");
    crm_close(db);
    test_remove_db(path);
}

TEST(bad_arguments)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    CHECK_INT(verify(db, cid, "date_of_birth", "wrong"), 0);
    int m = -1;
    CHECK_NULL_DB(db, crm_customer_verify(&m, NULL, cid, "date_of_birth", DOB),
                  "crm_customer_verify");
    CHECK_FAILS(db, crm_customer_verify(NULL, db, cid, "date_of_birth", DOB), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_customer_verify(&m, db, NULL, "date_of_birth", DOB), CRM_EINVAL,
                "customer id");
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, NULL, DOB), CRM_EINVAL, "attribute key");
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", NULL), CRM_EINVAL,
                "answer is NULL");
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", ""), CRM_EINVAL,
                "answer is empty");
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", " \t\r\n"), CRM_EINVAL,
                "answer is empty");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_customer_verify(&m, db, test_bad_ids[i], "date_of_birth", DOB),
                    CRM_EINVAL, "customer id");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", test_bad_utf8[i]),
                    CRM_EINVAL, "not valid UTF-8");
    static const char *const bad_keys[] = { "", "date of birth", "k\xff", "dob!", NULL };
    for (int i = 0; bad_keys[i]; i++)
        CHECK_FAILS(db, crm_customer_verify(&m, db, cid, bad_keys[i], DOB), CRM_EINVAL,
                    "attribute key");
    char *long_key = test_long_string(CRM_ATTR_KEY_MAX + 1);
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, long_key, DOB), CRM_EINVAL, "attribute key");
    free(long_key);
    char *long_answer = test_long_string(CRM_ATTR_VALUE_MAX + 1);
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", long_answer), CRM_EINVAL,
                "more than the limit");
    CHECK(!strstr(crm_errmsg(db), "xxxx"));
    free(long_answer);
    CHECK_FAILS(db, crm_customer_verify(&m, db, TEST_UNKNOWN_ID, "date_of_birth", DOB),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "memorable_word", DOB), CRM_ENOTFOUND,
                "memorable_word");
    CHECK(!strstr(crm_errmsg(db), DOB));
    CHECK_INT(m, -1);
    CHECK_STR(state(path, cid), "1 0 -");
    crm_close(db);
    test_remove_db(path);
}

TEST(read_only)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    crm_close(db);
    db = open_sim(path, CRM_OPEN_READONLY);
    int m = -1;
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", DOB), CRM_EREADONLY, "read");
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", "x"), CRM_EREADONLY, "read");
    CHECK_STR(state(path, cid), "none");
    crm_close(db);
    test_remove_db(path);
}

TEST(erase_removes_the_count)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    for (int i = 0; i < 5; i++)
        CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
    CHECK_STR(state(path, cid), "5 0 15");
    CHECK_OK(db, crm_customer_erase(db, cid));
    CHECK_STR(state(path, cid), "none");
    int m = -1;
    CHECK_FAILS(db, crm_customer_verify(&m, db, cid, "date_of_birth", DOB), CRM_ENOTFOUND,
                "erased");
    crm_close(db);
    test_remove_db(path);
}

TEST(merge_drops_the_absorbed_count)
{
    char path[512], cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", other);
    CHECK_OK(db, crm_attr_set(db, other, "date_of_birth", DOB));
    CHECK_INT(verify(db, cid, "date_of_birth", "2000-01-01"), 0);
    for (int i = 0; i < 5; i++)
        CHECK_INT(verify(db, other, "date_of_birth", "2000-01-01"), 0);
    CHECK_STR(state(path, other), "5 0 15");
    CHECK_OK(db, crm_customer_merge(db, cid, other));
    CHECK_STR(state(path, other), "none");
    CHECK_STR(state(path, cid), "1 0 -"); /* the kept customer's own count stays */
    int m = -1;
    CHECK_FAILS2(db, crm_customer_verify(&m, db, other, "date_of_birth", DOB), CRM_ENOTFOUND,
                 other, cid);
    CHECK_INT(verify(db, cid, "date_of_birth", DOB), 1);
    /* Unmerging brings the customer back with no count. */
    CHECK_OK(db, crm_customer_unmerge(db, other));
    CHECK_STR(state(path, other), "none");
    CHECK_INT(verify(db, other, "date_of_birth", DOB), 1);
    crm_close(db);
    test_remove_db(path);
}

TEST(redact_keeps_values_out)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *db = fixture(path, sizeof path, cid);
    crm_close(db);
    db = open_sim(path, CRM_OPEN_REDACT);
    int m = -1;
    const char *secret = "1999-12-31";
    CHECK_RC(db, crm_customer_verify(&m, db, cid, "nope", secret), CRM_ENOTFOUND);
    CHECK(!strstr(crm_errmsg(db), secret));
    for (int i = 0; i < 5; i++) {
        CHECK_INT(verify(db, cid, "date_of_birth", secret), 0);
        CHECK(!strstr(crm_errmsg(db), secret));
    }
    CHECK_RC(db, crm_customer_verify(&m, db, cid, "date_of_birth", secret), CRM_ESTATE);
    CHECK(!strstr(crm_errmsg(db), secret) && !strstr(crm_errmsg(db), DOB));
    CHECK_RC(db, crm_customer_verify(&m, db, cid, "date_of_birth", "\xff" "1999"), CRM_EINVAL);
    CHECK(!strstr(crm_errmsg(db), "1999"));
    /* Nor does the journal keep either. */
    crm_journal_entry_cursor *cur;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    const crm_journal_entry *e;
    int rc, n = 0;
    while ((rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
        if (strcmp(crm_journal_entry_op(e), "verify") != 0)
            continue;
        n++;
        if (strstr(crm_journal_entry_data(e), secret) || strstr(crm_journal_entry_data(e), DOB))
            n = -100;
    }
    crm_journal_entry_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 5);
    crm_close(db);
    test_remove_db(path);
}

TEST(two_handles_count_into_one_row)
{
    char path[512], cid[CRM_ID_LEN + 1];
    crm_db *a = fixture(path, sizeof path, cid);
    crm_db *b = open_sim(path, 0);
    for (int i = 0; i < 4; i++)
        CHECK_INT(verify(i % 2 ? b : a, cid, "date_of_birth", "2000-01-01"), 0);
    CHECK_STR(state(path, cid), "4 0 -");
    CHECK_INT(verify(b, cid, "date_of_birth", "2000-01-01"), 0);
    int m = -1;
    /* The lock one handle set holds for the other. */
    CHECK_FAILS(a, crm_customer_verify(&m, a, cid, "date_of_birth", DOB), CRM_ESTATE, "locked");
    clk.now += 15 * MIN;
    CHECK_INT(verify(a, cid, "date_of_birth", DOB), 1);
    CHECK_STR(state(path, cid), "none");
    crm_close(b);
    crm_close(a);
    test_remove_db(path);
}

int main(void)
{
    RUN(match_and_mismatch);
    RUN(lock_and_expiry);
    RUN(window_expiry);
    RUN(right_answer_clears);
    RUN(bad_arguments);
    RUN(read_only);
    RUN(erase_removes_the_count);
    RUN(merge_drops_the_absorbed_count);
    RUN(redact_keeps_values_out);
    RUN(two_handles_count_into_one_row);
    return test_summary();
}
