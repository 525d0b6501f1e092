/*
 * libcrm tests - a handle's clock (crm_open_options.clock): every time a
 * call stores or takes as "now" comes from it, once per write; a clock out
 * of range refuses the call and changes nothing; ids stay in order when it
 * goes back; "today" of the upcoming occasions is its UTC date.
 */
#include "test.h"

#define HOUR 3600000LL
#define DAY (24 * HOUR)
/* 2030-05-16T12:00:00Z */
#define T0 1905163200000LL

typedef struct sim_clock {
    int64_t now;
    int calls;
} sim_clock;

static int64_t sim_read(void *ctx)
{
    sim_clock *c = ctx;
    c->calls++;
    return c->now;
}

static crm_db *open_with(sim_clock *c)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = c;
    o.default_country = "US";
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(1);
    }
    return db;
}

/* The time carried by a canonical id: its first 48 bits. */
static int64_t id_ms(const char *id)
{
    int64_t ms = 0;
    for (int i = 0, n = 0; n < 12; i++) {
        if (id[i] == '-')
            continue;
        int c = id[i], v = c <= '9' ? c - '0' : c - 'a' + 10;
        ms = ms << 4 | v;
        n++;
    }
    return ms;
}

/* The at of journal entry seq. */
static int64_t journal_at(crm_db *db, int64_t seq)
{
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *e;
    int64_t at = CRM_TIME_NONE;
    if (crm_journal_entry_list_open(&cur, db, seq - 1) != CRM_OK)
        return at;
    if (crm_journal_entry_cursor_next(cur, &e) == CRM_ROW)
        at = crm_journal_entry_at(e);
    crm_journal_entry_cursor_free(cur);
    return at;
}

TEST(clock_drives_every_stored_time)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_created_at(c), T0);
    CHECK_INT(crm_customer_updated_at(c), T0);
    crm_customer_free(c);
    CHECK_INT(id_ms(id), T0);
    CHECK_INT(journal_at(db, test_last_seq(db)), T0);

    clk.now = T0 + HOUR;
    CHECK_OK(db, crm_customer_rename(db, id, "Ann Lee"));
    CHECK_INT(test_updated_at(db, id), T0 + HOUR);
    CHECK_INT(journal_at(db, test_last_seq(db)), T0 + HOUR);
    clk.now = T0 + 2 * HOUR;
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_INT(test_updated_at(db, id), T0 + 2 * HOUR);
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_created_at(c), T0);
    crm_customer_free(c);

    clk.now = T0 + 3 * HOUR;
    crm_identity *ident;
    CHECK_OK(db, crm_identity_add(&ident, db, id, "email", "ann@example.com", 0));
    CHECK_INT(crm_identity_created_at(ident), T0 + 3 * HOUR);
    crm_identity_free(ident);
    CHECK_OK(db, crm_identity_get(&ident, db, id, "email", "ann@example.com"));
    CHECK_INT(crm_identity_created_at(ident), T0 + 3 * HOUR);
    crm_identity_free(ident);

    /* An interaction without a time happened now, by the clock. */
    clk.now = T0 + 4 * HOUR;
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = id;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *it;
    CHECK_OK(db, crm_interaction_log(&it, db, &s));
    CHECK_INT(crm_interaction_occurred_at(it), T0 + 4 * HOUR);
    CHECK_INT(crm_interaction_updated_at(it), T0 + 4 * HOUR);
    CHECK_INT(id_ms(crm_interaction_id(it)), T0 + 4 * HOUR);
    clk.now = T0 + 5 * HOUR;
    CHECK_OK(db, crm_interaction_set_reason(db, crm_interaction_id(it), "billing"));
    crm_interaction *again;
    CHECK_OK(db, crm_interaction_get(&again, db, crm_interaction_id(it)));
    CHECK_INT(crm_interaction_updated_at(again), T0 + 5 * HOUR);
    CHECK_INT(crm_interaction_occurred_at(again), T0 + 4 * HOUR);
    crm_interaction_free(again);
    crm_interaction_free(it);
    CHECK_INT(journal_at(db, test_last_seq(db)), T0 + 5 * HOUR);
    crm_close(db);
}

TEST(clock_drives_promises)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "call back", T0 + HOUR,
                                  CRM_TIME_NONE));
    CHECK_INT(crm_promise_made_at(p), T0);
    CHECK_INT(id_ms(crm_promise_id(p)), T0);
    char pid[CRM_ID_LEN + 1];
    memcpy(pid, crm_promise_id(p), sizeof pid);
    crm_promise_free(p);
    /* Overdue as of the clock's time, once it passes the due time. */
    CHECK_OK(db, crm_promise_get(&p, db, pid));
    CHECK_INT(crm_promise_is_overdue(p, clk.now), 0);
    clk.now = T0 + 2 * HOUR;
    CHECK_INT(crm_promise_is_overdue(p, clk.now), 1);
    crm_promise_free(p);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.overdue_as_of = clk.now;
    crm_promise_cursor *cur;
    const crm_promise *row;
    CHECK_OK(db, crm_promise_list_open(&cur, db, &f));
    CHECK_INT(crm_promise_cursor_next(cur, &row), CRM_ROW);
    CHECK_STR(crm_promise_id(row), pid);
    crm_promise_cursor_free(cur);
    /* Kept now, by the clock: late. */
    CHECK_OK(db, crm_promise_keep(NULL, db, pid, NULL, NULL, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_get(&p, db, pid));
    CHECK_INT(crm_promise_closed_at(p), T0 + 2 * HOUR);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    CHECK_INT(crm_promise_is_overdue(p, clk.now), 0);
    crm_promise_free(p);
    CHECK_INT(journal_at(db, test_last_seq(db)), T0 + 2 * HOUR);
    crm_promise_event_cursor *ec;
    const crm_promise_event *e;
    CHECK_OK(db, crm_promise_event_list_open(&ec, db, pid));
    CHECK_INT(crm_promise_event_cursor_next(ec, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_at(e), T0);
    CHECK_INT(crm_promise_event_cursor_next(ec, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_at(e), T0 + 2 * HOUR);
    crm_promise_event_cursor_free(ec);
    /* A step "later than now" is later than the clock's now. */
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "visit", T0 + DAY, T0 + HOUR));
    crm_promise_free(p);
    CHECK_FAILS(db,
                crm_promise_make(NULL, db, id, NULL, "agent:a", "visit", T0 + DAY,
                                 T0 + 2 * HOUR + 1),
                CRM_EINVAL, "is in the future");
    crm_close(db);
}

static const int64_t bad_times[] = { -1, CRM_TIME_MIN, CRM_TIME_MAX + 1, INT64_MIN, INT64_MAX,
                                     CRM_TIME_NONE };

/* The open promises of customer id, listed, as "overdue flags" of their
 * rows by crm_promise_is_overdue(row, CRM_TIME_NONE): "01". */
static void list_overdue(crm_db *db, const char *id, char *out, size_t size)
{
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.customer_id = id;
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    crm_promise_cursor *cur;
    const crm_promise *row;
    size_t n = 0;
    out[0] = '\0';
    CHECK_OK(db, crm_promise_list_open(&cur, db, &f));
    while (crm_promise_cursor_next(cur, &row) == CRM_ROW && n + 1 < size) {
        out[n++] = (char)('0' + crm_promise_is_overdue(row, CRM_TIME_NONE));
        out[n] = '\0';
    }
    crm_promise_cursor_free(cur);
}

/* A promise record is read at a time by the handle's clock, and
 * crm_promise_is_overdue(p, CRM_TIME_NONE) is overdue as of then: for
 * the records get, make and the steps give, the rows of a list, and
 * their copies; a given time still means that time. */
TEST(overdue_as_read_by_the_clock)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1], pid[CRM_ID_LEN + 1], qid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_promise *p, *q, *copy;
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "call back", T0 + 2 * DAY,
                                  CRM_TIME_NONE));
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 0);
    memcpy(pid, crm_promise_id(p), sizeof pid);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_make(&q, db, id, NULL, "agent:a", "visit", T0 + 4 * DAY,
                                  CRM_TIME_NONE));
    memcpy(qid, crm_promise_id(q), sizeof qid);
    crm_promise_free(q);

    /* get: as of the clock when it is read; the record keeps that time
     * when the clock moves on, and so does its copy. */
    CHECK_OK(db, crm_promise_get(&p, db, pid));
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 0);
    clk.now = T0 + 3 * DAY;
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 0);
    CHECK_INT(crm_promise_is_overdue(p, clk.now), 1); /* a given time is that time */
    CHECK_OK(NULL, crm_promise_dup(&copy, p));
    CHECK_INT(crm_promise_is_overdue(copy, CRM_TIME_NONE), 0);
    crm_promise_free(copy);
    crm_promise_free(p);
    int before = clk.calls;
    CHECK_OK(db, crm_promise_get(&p, db, pid));
    CHECK_INT(clk.calls, before + 1); /* a get reads the clock once */
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 1);
    CHECK_INT(crm_promise_is_overdue(p, T0 + DAY), 0);
    CHECK_OK(NULL, crm_promise_dup(&copy, p));
    crm_promise_free(p);
    CHECK_INT(crm_promise_is_overdue(copy, CRM_TIME_NONE), 1);
    crm_promise_free(copy);

    /* A list: as of the clock when it opened, for every row. */
    clk.now = T0 + DAY;
    char flags[8];
    list_overdue(db, id, flags, sizeof flags);
    CHECK_STR(flags, "00");
    clk.now = T0 + 3 * DAY;
    list_overdue(db, id, flags, sizeof flags);
    CHECK_STR(flags, "10");
    clk.now = T0 + 5 * DAY;
    list_overdue(db, id, flags, sizeof flags);
    CHECK_STR(flags, "11");
    /* A row keeps the time the list opened at while the clock moves; it
     * reads the clock once, as it opens. */
    clk.now = T0 + DAY;
    crm_promise_cursor *cur;
    const crm_promise *row;
    before = clk.calls;
    CHECK_OK(db, crm_promise_list_open(&cur, db, NULL));
    clk.now = T0 + 5 * DAY;
    CHECK_INT(crm_promise_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_promise_is_overdue(row, CRM_TIME_NONE), 0);
    CHECK_OK(NULL, crm_promise_dup(&copy, row));
    CHECK_INT(crm_promise_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_promise_is_overdue(row, CRM_TIME_NONE), 0);
    CHECK_INT(crm_promise_cursor_next(cur, &row), CRM_DONE);
    crm_promise_cursor_free(cur);
    CHECK_INT(clk.calls, before + 1);
    CHECK_INT(crm_promise_is_overdue(copy, CRM_TIME_NONE), 0);
    crm_promise_free(copy);

    /* The steps' records: as of the write's time. */
    clk.now = T0 + 3 * DAY;
    CHECK_OK(db, crm_promise_renegotiate(&q, db, qid, T0 + 3 * DAY + HOUR, "sooner", 1,
                                         CRM_TIME_NONE));
    CHECK_INT(crm_promise_is_overdue(q, CRM_TIME_NONE), 0);
    crm_promise_free(q);
    clk.now = T0 + 4 * DAY;
    /* A step recorded after the fact is still read now: the promise was
     * overdue by the time it was renegotiated again. */
    CHECK_OK(db, crm_promise_renegotiate(&q, db, qid, T0 + 3 * DAY + 2 * HOUR, "later", 0,
                                         T0 + 3 * DAY + HOUR / 2));
    CHECK_INT(crm_promise_is_overdue(q, CRM_TIME_NONE), 1);
    crm_promise_free(q);
    CHECK_OK(db, crm_promise_keep(&p, db, pid, NULL, NULL, CRM_TIME_NONE));
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 0); /* kept: not open */
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    crm_promise_free(p);
    /* A promise made already late is overdue in the record make gives. */
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "late", T0 + 4 * DAY - HOUR,
                                  T0 + 4 * DAY - 2 * HOUR));
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 1);
    crm_promise_free(p);
    crm_close(db);
}

/* Reading a promise needs "now": a clock out of range fails the get and
 * the list, which give nothing. */
TEST(promise_reads_refuse_a_bad_clock)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1], pid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "call", T0 + DAY, CRM_TIME_NONE));
    memcpy(pid, crm_promise_id(p), sizeof pid);
    crm_promise_free(p);
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        clk.now = bad_times[i];
        char expect[96];
        snprintf(expect, sizeof expect, "the clock of crm_open_options gives %lld",
                 (long long)bad_times[i]);
        p = (crm_promise *)&clk;
        CHECK_FAILS(db, crm_promise_get(&p, db, pid), CRM_EMISUSE, expect);
        CHECK(p == (crm_promise *)&clk);
        crm_promise_cursor *cur = NULL;
        CHECK_FAILS(db, crm_promise_list_open(&cur, db, NULL), CRM_EMISUSE, expect);
        CHECK(cur == NULL);
        /* Bad arguments are found out first; an unknown promise needs no clock. */
        CHECK_RC(db, crm_promise_get(&p, db, "nope"), CRM_EINVAL);
        CHECK_RC(db, crm_promise_get(&p, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND);
    }
    /* Nothing was held: the handle goes on, and closes (no cursor left). */
    clk.now = T0;
    CHECK_OK(db, crm_promise_get(&p, db, pid));
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

/* One write reads the clock once, before it changes anything, and every
 * time it stores is that one; a refused argument and a read do not read
 * it. */
TEST(clock_read_once_per_write)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    int before = clk.calls;
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    CHECK_INT(clk.calls, before + 1);
    CHECK_OK(db, crm_attr_set(db, id, "tier", "gold"));
    CHECK_INT(clk.calls, before + 2);
    CHECK_RC(db, crm_customer_rename(db, id, ""), CRM_EINVAL);
    CHECK_RC(db, crm_customer_rename(db, TEST_UNKNOWN_ID, "Bo"), CRM_ENOTFOUND);
    CHECK_INT(clk.calls, before + 3); /* the unknown id is found out inside the write */
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    crm_customer_free(c);
    CHECK_INT(clk.calls, before + 3);
    /* A group: each write reads it for itself. */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, id, "a"));
    CHECK_OK(db, crm_tag_add(db, id, "b"));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(clk.calls, before + 5);
    crm_close(db);
}

TEST(clock_out_of_range_changes_nothing)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, id, NULL, "agent:a", "call", T0 + DAY, CRM_TIME_NONE));
    char pid[CRM_ID_LEN + 1];
    memcpy(pid, crm_promise_id(p), sizeof pid);
    crm_promise_free(p);
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        clk.now = bad_times[i];
        char expect[96];
        snprintf(expect, sizeof expect, "the clock of crm_open_options gives %lld",
                 (long long)bad_times[i]);
        crm_customer *c = (crm_customer *)&clk;
        CHECK_FAILS2(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Bo"), CRM_EMISUSE,
                     expect, "nothing was changed");
        CHECK(c == (crm_customer *)&clk);
        CHECK_FAILS(db, crm_customer_rename(db, id, "Ann Lee"), CRM_EMISUSE, expect);
        CHECK_FAILS(db, crm_tag_add(db, id, "vip"), CRM_EMISUSE, expect);
        CHECK_FAILS(db, crm_promise_keep(NULL, db, pid, NULL, NULL, T0), CRM_EMISUSE, expect);
        CHECK_FAILS(db, crm_occasion_remove(db, TEST_UNKNOWN_ID), CRM_EMISUSE, expect);
        crm_occasion_cursor *cur = NULL;
        CHECK_FAILS(db, crm_occasion_upcoming_open(&cur, db, 0, 0, 0, 7), CRM_EMISUSE, expect);
        CHECK(cur == NULL);
        /* Reads that need no "now" go on. */
        CHECK_OK(db, crm_customer_get(&c, db, id));
        CHECK_STR(crm_customer_name(c), "Ann");
        crm_customer_free(c);
    }
    /* Inside a group a refused write leaves the group as it was. */
    clk.now = T0;
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, id, "a"));
    clk.now = -5;
    CHECK_RC(db, crm_tag_add(db, id, "b"), CRM_EMISUSE);
    CHECK_INT(crm_in_transaction(db), 1);
    clk.now = T0;
    CHECK_OK(db, crm_tag_add(db, id, "c"));
    CHECK_OK(db, crm_commit(db));
    crm_tag_cursor *tc;
    const char *tag;
    char tags[64] = "";
    CHECK_OK(db, crm_tag_list_open(&tc, db, id));
    while (crm_tag_cursor_next(tc, &tag) == CRM_ROW)
        strncat(tags, tag, sizeof tags - strlen(tags) - 1);
    crm_tag_cursor_free(tc);
    CHECK_STR(tags, "ac");
    /* The ends of the range are times like any other. */
    clk.now = 0;
    CHECK_OK(db, crm_customer_rename(db, id, "Epoch"));
    CHECK_INT(test_updated_at(db, id), 0);
    clk.now = CRM_TIME_MAX;
    CHECK_OK(db, crm_customer_rename(db, id, "Last"));
    CHECK_INT(test_updated_at(db, id), CRM_TIME_MAX);
    crm_close(db);
}

/* The system's clock gives the same refusal, naming itself: a version 1
 * struct carries no clock, whatever follows it. */
TEST(version_1_options_use_the_system_clock)
{
    sim_clock clk = { T0, 0 };
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.version = 1;
    o.clock = sim_read;
    o.clock_ctx = &clk;
    crm_db *db;
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    char id[CRM_ID_LEN + 1];
    int64_t before = crm_now();
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    CHECK_INT(clk.calls, 0);
    CHECK(id_ms(id) >= before && id_ms(id) <= crm_now());
    crm_close(db);
}

/* Back in time: ids keep the order they were made in, carrying the latest
 * time they carried, while what the write stores is the clock's time. */
TEST(clock_going_back_keeps_ids_ordered)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "A", a);
    clk.now = T0 - DAY;
    test_customer(db, CRM_CUSTOMER_PERSON, "B", b);
    CHECK(strcmp(a, b) < 0);
    CHECK_INT(id_ms(b), T0);
    CHECK_INT(journal_at(db, test_last_seq(db)), T0 - DAY);
    crm_customer *cust;
    CHECK_OK(db, crm_customer_get(&cust, db, b));
    CHECK_INT(crm_customer_created_at(cust), T0); /* the time its id carries */
    crm_customer_free(cust);
    clk.now = T0 + DAY;
    test_customer(db, CRM_CUSTOMER_PERSON, "C", c);
    CHECK(strcmp(b, c) < 0);
    CHECK_INT(id_ms(c), T0 + DAY);
    /* Listed by creation: by id. */
    CHECK_STR(test_names(db, NULL), "A,B,C");
    crm_close(db);
}

/* Today, for the upcoming occasions, is the clock's date in UTC. */
TEST(upcoming_today_by_clock)
{
    sim_clock clk = { T0, 0 }; /* 2030-05-16T12:00Z */
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = id;
    s.kind = "birthday";
    s.yearly = 1;
    s.year = 1990;
    s.month = 5;
    s.day = 17;
    CHECK_OK(db, crm_occasion_add(NULL, db, &s));
    int64_t steps[] = { T0, T0 + 12 * HOUR - 1, T0 + 12 * HOUR };
    int want[][2] = { { 0, 1 }, { 0, 1 }, { 1, 1 } }; /* rows in 1 day, in 2 days */
    for (int i = 0; i < 3; i++) {
        clk.now = steps[i];
        for (int days = 1; days <= 2; days++) {
            crm_occasion_cursor *cur;
            const crm_occasion *o;
            CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 0, 0, 0, days));
            int n = 0, rc;
            while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
                CHECK_INT(crm_occasion_next_year(o), 2030);
                CHECK_INT(crm_occasion_years(o), 40);
                CHECK_INT(crm_occasion_next_at(o), T0 + 12 * HOUR);
                n++;
            }
            crm_occasion_cursor_free(cur);
            CHECK_INT(rc, CRM_DONE);
            CHECK_INT(n, want[i][days - 1]);
        }
    }
    crm_close(db);
}

/* The upcoming occasions of another handle on the same file, whose clock
 * is behind (or in the same millisecond: ids then differ in their random
 * bits only), list every occasion already there: the cursor's ceiling was
 * this handle's next id alone, below the other handle's ids. */
static void expect_upcoming(crm_db *db, int want)
{
    crm_occasion_cursor *cur;
    const crm_occasion *o;
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 2030, 5, 1, 400));
    int n = 0, rc;
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW)
        n++;
    crm_occasion_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, want);
}

TEST(upcoming_sees_other_handles_occasions)
{
    char path[4096];
    test_temp_path(path, sizeof path, ".db");
    sim_clock ahead = { T0, 0 }, behind = { T0 - HOUR, 0 };
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = &ahead;
    crm_db *a = NULL, *b = NULL;
    CHECK_OK(NULL, crm_open(&a, path, &o));
    o.clock_ctx = &behind;
    CHECK_OK(NULL, crm_open(&b, path, &o));
    char id[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = id;
    s.kind = "contract_end";
    s.yearly = 0;
    s.year = 2030;
    s.month = 12;
    s.day = 31;
    for (int i = 0; i < 20; i++)
        CHECK_OK(a, crm_occasion_add(NULL, a, &s));
    expect_upcoming(a, 20);
    expect_upcoming(b, 20);
    /* The same millisecond on both clocks, the file opened again. */
    behind.now = T0;
    expect_upcoming(b, 20);
    crm_close(b);
    CHECK_OK(NULL, crm_open(&b, path, &o));
    expect_upcoming(b, 20);
    /* What this handle adds while a window is open stays out of it (its
     * clock ahead of the other's ids: with the other's ids above its own,
     * such an occasion may be listed, never twice). */
    behind.now = T0 + DAY;
    crm_occasion_cursor *cur;
    const crm_occasion *row;
    CHECK_OK(b, crm_occasion_upcoming_open(&cur, b, 2030, 5, 1, 400));
    CHECK_OK(b, crm_occasion_add(NULL, b, &s));
    int n = 0, rc;
    while ((rc = crm_occasion_cursor_next(cur, &row)) == CRM_ROW)
        n++;
    crm_occasion_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 20);
    expect_upcoming(b, 21);
    crm_close(a);
    crm_close(b);
    test_remove_db(path);
}

/* An interaction on a channel no one has used, dated later than the
 * clock's now, is refused before its channel's name is kept: inside a
 * group the refusal undoes nothing else and the group goes on. */
TEST(future_interaction_on_new_channel_keeps_the_group)
{
    sim_clock clk = { T0, 0 };
    crm_db *db = open_with(&clk);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    int64_t seq0 = 0, seq = 0;
    CHECK_OK(db, crm_journal_last_seq(&seq0, db));
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_customer_archive(db, id));
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = id;
    s.channel_name = "whatsapp";
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = T0 + 1;
    CHECK_FAILS(db, crm_interaction_log(NULL, db, &s), CRM_EINVAL, "is in the future");
    CHECK_OK(db, crm_customer_rename(db, id, "Anne"));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, seq0 + 2); /* the archive and the rename, nothing of the refused call */
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_is_archived(c), 1);
    CHECK_STR(crm_customer_name(c), "Anne");
    crm_customer_free(c);
    /* Now it happened: the same call is recorded. */
    clk.now = T0 + 1;
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    crm_close(db);
}

/* The clock is called with the ctx given, on the calling thread, and may
 * be the same function for several handles with a ctx each. */
TEST(clock_ctx_per_handle)
{
    sim_clock one = { T0, 0 }, two = { T0 + DAY, 0 };
    crm_db *a = open_with(&one), *b = open_with(&two);
    char ia[CRM_ID_LEN + 1], ib[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "A", ia);
    test_customer(b, CRM_CUSTOMER_PERSON, "B", ib);
    CHECK_INT(id_ms(ia), T0);
    CHECK_INT(id_ms(ib), T0 + DAY);
    CHECK_INT(one.calls, 1);
    CHECK_INT(two.calls, 1);
    crm_close(a);
    crm_close(b);
}

int main(void)
{
    RUN(clock_drives_every_stored_time);
    RUN(clock_drives_promises);
    RUN(overdue_as_read_by_the_clock);
    RUN(promise_reads_refuse_a_bad_clock);
    RUN(clock_read_once_per_write);
    RUN(clock_out_of_range_changes_nothing);
    RUN(version_1_options_use_the_system_clock);
    RUN(clock_going_back_keeps_ids_ordered);
    RUN(upcoming_sees_other_handles_occasions);
    RUN(future_interaction_on_new_channel_keeps_the_group);
    RUN(upcoming_today_by_clock);
    RUN(clock_ctx_per_handle);
    return test_summary();
}
