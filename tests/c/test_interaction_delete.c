/*
 * libcrm tests - deleting an interaction logged by mistake: the row, its
 * search entry, its thread links, the promises that named it, the
 * refusal when consent names it, and the journal entry that keeps no
 * word of what was said.
 */
#include "test.h"

/* Log an interaction; reply_to may be NULL. Exits on failure. */
static void log_one(crm_db *db, const char *cid, const char *reply_to, const char *summary,
                    int64_t at, char out[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.reply_to = reply_to;
    s.summary = summary;
    s.body = summary ? "the body says zanzibarish things" : NULL;
    s.handled_by = "agent:quentin";
    s.occurred_at = at;
    crm_interaction *i;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "log: %s\n", crm_errmsg(db));
        exit(2);
    }
    strcpy(out, crm_interaction_id(i));
    crm_interaction_free(i);
}

/* Search hits for query; -1 on failure. */
static int hits(crm_db *db, const char *query)
{
    crm_search_hit_cursor *cur;
    if (crm_search_hit_list_open(&cur, db, query, NULL) != CRM_OK)
        return -1;
    const crm_search_hit *h;
    int n = 0, rc;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW)
        n++;
    crm_search_hit_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

/* The interaction's reply_to and thread_id as "reply|thread" ("-" for none), or "gone". */
static const char *links(crm_db *db, const char *id)
{
    static char buf[2 * CRM_ID_LEN + 8];
    crm_interaction *i;
    int rc = crm_interaction_get(&i, db, id);
    if (rc == CRM_ENOTFOUND)
        return "gone";
    if (rc != CRM_OK)
        return "ERR";
    snprintf(buf, sizeof buf, "%s|%s",
             crm_interaction_reply_to(i) ? crm_interaction_reply_to(i) : "-",
             crm_interaction_thread_id(i));
    crm_interaction_free(i);
    return buf;
}

static const char *pair(const char *reply, const char *thread)
{
    static char buf[2 * CRM_ID_LEN + 8];
    snprintf(buf, sizeof buf, "%s|%s", reply ? reply : "-", thread);
    return buf;
}

#define CHECK_LINKS(db, id, reply, thread)                       \
    do {                                                         \
        char want_[2 * CRM_ID_LEN + 8];                          \
        snprintf(want_, sizeof want_, "%s", pair(reply, thread)); \
        CHECK_STR(links(db, id), want_);                         \
    } while (0)

TEST(delete_forgets)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], i2[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Lou Reed", cid);
    log_one(db, cid, NULL, "wrong customer, quixotically logged", 1000, i1);
    log_one(db, cid, NULL, "a real contact", 2000, i2);
    CHECK_INT(hits(db, "quixotically"), 1);
    CHECK_INT(hits(db, "zanzibarish"), 2);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_interaction_delete(db, i1));
    crm_interaction *got = (crm_interaction *)1;
    CHECK_RC(db, crm_interaction_get(&got, db, i1), CRM_ENOTFOUND);
    CHECK_INT(hits(db, "quixotically"), 0);
    CHECK_INT(hits(db, "zanzibarish"), 1);
    test_jrow j[] = { { "interaction", "delete", cid,
                        { i1, "\"channel\":\"email\"", "\"direction\":\"in\"",
                          "\"occurred_at\":1000" },
                        "quixotically" } };
    CHECK(test_journal_is(db, seq, j, 1));
    /* Nothing of what was said, nor who handled it. */
    crm_journal_entry_cursor *jc;
    CHECK_OK(db, crm_journal_entry_list_open(&jc, db, seq));
    const crm_journal_entry *e;
    CHECK_INT(crm_journal_entry_cursor_next(jc, &e), CRM_ROW);
    CHECK(strstr(crm_journal_entry_data(e), "zanzibarish") == NULL);
    CHECK(strstr(crm_journal_entry_data(e), "quentin") == NULL);
    crm_journal_entry_cursor_free(jc);
    /* The timeline holds the other one only. */
    crm_interaction_cursor *cur;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    const crm_interaction *row;
    CHECK_INT(crm_interaction_cursor_next(cur, &row), CRM_ROW);
    CHECK_STR(crm_interaction_id(row), i2);
    CHECK_INT(crm_interaction_cursor_next(cur, &row), CRM_DONE);
    crm_interaction_cursor_free(cur);
    /* Deleted once: not again. */
    CHECK_FAILS2(db, crm_interaction_delete(db, i1), CRM_ENOTFOUND, "no interaction", i1);
    crm_close(db);
}

TEST(delete_threads)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    char d[CRM_ID_LEN + 1], e[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Mo", cid);
    /* a <- b <- d, a <- c, a <- e (e older than b: backdated) */
    log_one(db, cid, NULL, NULL, 1000, a);
    log_one(db, cid, a, NULL, 2000, b);
    log_one(db, cid, a, NULL, 3000, c);
    log_one(db, cid, b, NULL, 4000, d);
    /* A middle one: its replies answer what it answered. */
    CHECK_OK(db, crm_interaction_delete(db, b));
    CHECK_LINKS(db, d, a, a);
    CHECK_LINKS(db, c, a, a);
    /* The first one: the oldest of the others is the first of them all. */
    log_one(db, cid, a, NULL, 1500, e);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_interaction_delete(db, a));
    CHECK_STR(links(db, a), "gone");
    CHECK_LINKS(db, e, NULL, e);
    CHECK_LINKS(db, c, NULL, e);
    CHECK_LINKS(db, d, NULL, e);
    test_jrow j[] = { { "interaction", "delete", cid, { a, "\"replies\":3", "\"promises\":0" },
                        NULL } };
    CHECK(test_journal_is(db, seq, j, 1));
    /* The conversation reads as one, from its new first. */
    crm_interaction_cursor *cur;
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, d, NULL));
    const crm_interaction *row;
    const char *order[] = { e, c, d };
    for (int k = 0; k < 3; k++) {
        CHECK_INT(crm_interaction_cursor_next(cur, &row), CRM_ROW);
        CHECK_STR(crm_interaction_id(row), order[k]);
    }
    CHECK_INT(crm_interaction_cursor_next(cur, &row), CRM_DONE);
    crm_interaction_cursor_free(cur);
    /* A last one alone. */
    CHECK_OK(db, crm_interaction_delete(db, d));
    CHECK_LINKS(db, c, NULL, e);
    crm_close(db);
}

TEST(delete_unlinks_promises)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], i2[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Nat", cid);
    log_one(db, cid, NULL, NULL, 1000, i1);
    log_one(db, cid, NULL, NULL, 2000, i2);
    crm_promise *p1, *p2, *p3;
    /* p1 made during i1; p2 made during i2 and kept by i1; p3 apart. */
    CHECK_OK(db, crm_promise_make(&p1, db, cid, i1, "agent:x", "call back", 5000, 1500));
    CHECK_OK(db, crm_promise_make(&p2, db, cid, i2, "agent:x", "refund", 5000, 2500));
    CHECK_OK(db, crm_promise_make(&p3, db, cid, NULL, "agent:x", "letter", 5000, 2500));
    crm_promise *k;
    CHECK_OK(db, crm_promise_keep(&k, db, crm_promise_id(p2), i1, NULL, 3000));
    crm_promise_free(k);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_interaction_delete(db, i1));
    test_jrow j[] = { { "interaction", "delete", cid, { i1, "\"promises\":2" }, NULL } };
    CHECK(test_journal_is(db, seq, j, 1));
    crm_promise *g;
    CHECK_OK(db, crm_promise_get(&g, db, crm_promise_id(p1)));
    CHECK(crm_promise_interaction_id(g) == NULL);
    CHECK_INT(crm_promise_state(g), CRM_PROMISE_OPEN);
    crm_promise_free(g);
    CHECK_OK(db, crm_promise_get(&g, db, crm_promise_id(p2)));
    CHECK_STR(crm_promise_interaction_id(g), i2);
    CHECK(crm_promise_kept_by(g) == NULL);
    CHECK_INT(crm_promise_state(g), CRM_PROMISE_KEPT);
    crm_promise_free(g);
    /* The steps no longer name it either. */
    const char *ids[] = { crm_promise_id(p1), crm_promise_id(p2) };
    for (int n = 0; n < 2; n++) {
        crm_promise_event_cursor *ec;
        CHECK_OK(db, crm_promise_event_list_open(&ec, db, ids[n]));
        const crm_promise_event *ev;
        int rc, steps = 0;
        while ((rc = crm_promise_event_cursor_next(ec, &ev)) == CRM_ROW) {
            const char *named = crm_promise_event_interaction_id(ev);
            CHECK(!named || strcmp(named, i1) != 0);
            steps++;
        }
        crm_promise_event_cursor_free(ec);
        CHECK_INT(rc, CRM_DONE);
        CHECK_INT(steps, n + 1);
    }
    crm_promise_free(p1);
    crm_promise_free(p2);
    crm_promise_free(p3);
    crm_close(db);
}

TEST(delete_refused)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], i2[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Oz", cid);
    log_one(db, cid, NULL, "consent given here", 1000, i1);
    log_one(db, cid, i1, NULL, 2000, i2);
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = cid;
    s.purpose = "marketing";
    s.interaction_id = i1;
    crm_consent *k;
    CHECK_OK(db, crm_consent_grant(&k, db, &s));
    CHECK_FAILS2(db, crm_interaction_delete(db, i1), CRM_ESTATE, i1, crm_consent_id(k));
    crm_consent_free(k);
    CHECK_LINKS(db, i2, i1, i1);
    CHECK_INT(hits(db, "consent"), 1);
    CHECK_NULL_DB(db, crm_interaction_delete(NULL, i1), "crm_interaction_delete");
    CHECK_FAILS(db, crm_interaction_delete(db, NULL), CRM_EINVAL, "interaction id");
    for (int n = 0; test_bad_ids[n]; n++)
        CHECK_FAILS(db, crm_interaction_delete(db, test_bad_ids[n]), CRM_EINVAL,
                    "interaction id");
    for (int n = 0; test_bad_utf8[n]; n++)
        CHECK_FAILS(db, crm_interaction_delete(db, test_bad_utf8[n]), CRM_EINVAL,
                    "interaction id");
    CHECK_FAILS(db, crm_interaction_delete(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    /* A customer's id is no interaction's. */
    CHECK_FAILS(db, crm_interaction_delete(db, cid), CRM_ENOTFOUND, cid);
    crm_close(db);
}

TEST(delete_read_only)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char cid[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Pia", cid);
    log_one(db, cid, NULL, NULL, 1000, i1);
    crm_close(db);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_FAILS(db, crm_interaction_delete(db, i1), CRM_EREADONLY, "read");
    CHECK_STR(links(db, i1), pair(NULL, i1));
    crm_close(db);
    test_remove_db(path);
}

int main(void)
{
    RUN(delete_forgets);
    RUN(delete_threads);
    RUN(delete_unlinks_promises);
    RUN(delete_refused);
    RUN(delete_read_only);
    return test_summary();
}
