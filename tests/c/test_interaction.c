/*
 * libcrm tests - interactions: the enum words, logging with every field and
 * with the defaults, threads, external references, reading back, changing
 * outcome, reason, summary and the public flag, channels of the business's
 * own, the journal, and bad input, failed
 * allocations and read-only handles for every call in crm/interaction.h
 * but the timeline (test_timeline.c).
 */
#include "test.h"

/* ---- helpers -------------------------------------------------------------- */

/* A hash of every interaction of every customer, all fields, so that a
 * failed call is seen to have changed none of them. */
static unsigned long long fold(unsigned long long h, const char *s)
{
    if (!s)
        return (h ^ 0xff) * 1099511628211ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xfe) * 1099511628211ull;
}

static unsigned long long fold_int(unsigned long long h, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    return fold(h, b);
}

static unsigned long long fingerprint(crm_db *db)
{
    unsigned long long h = 14695981039346656037ull;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_cursor *cc;
    const crm_customer *c;
    if (crm_customer_list_open(&cc, db, &f) != CRM_OK) {
        fprintf(stderr, "fingerprint: %s\n", crm_errmsg(db));
        exit(2);
    }
    while (crm_customer_cursor_next(cc, &c) == CRM_ROW) {
        crm_interaction_cursor *cur;
        const crm_interaction *i;
        if (crm_interaction_timeline_open(&cur, db, crm_customer_id(c), NULL) != CRM_OK) {
            fprintf(stderr, "fingerprint: %s\n", crm_errmsg(db));
            exit(2);
        }
        while (crm_interaction_cursor_next(cur, &i) == CRM_ROW) {
            h = fold(h, crm_interaction_id(i));
            h = fold(h, crm_interaction_customer_id(i));
            h = fold_int(h, crm_interaction_channel(i));
            h = fold(h, crm_interaction_channel_name(i));
            h = fold_int(h, crm_interaction_direction(i));
            h = fold_int(h, crm_interaction_occurred_at(i));
            h = fold(h, crm_interaction_handled_by(i));
            h = fold(h, crm_interaction_reason(i));
            h = fold_int(h, crm_interaction_outcome(i));
            h = fold_int(h, crm_interaction_is_public(i));
            h = fold_int(h, crm_interaction_sentiment(i));
            h = fold(h, crm_interaction_summary(i));
            h = fold(h, crm_interaction_body(i));
            h = fold(h, crm_interaction_thread_id(i));
            h = fold(h, crm_interaction_reply_to(i));
            h = fold(h, crm_interaction_external_ref(i));
            h = fold_int(h, crm_interaction_updated_at(i));
        }
        crm_interaction_cursor_free(cur);
    }
    crm_customer_cursor_free(cc);
    return h;
}

/* CHECK_FAILS, and no interaction changed either. */
#define CHECK_FAILS_I(db, call, code, frag, frag2)              \
    do {                                                        \
        unsigned long long fp_ = fingerprint(db);               \
        CHECK_FAILS_((db), (db), call, (code), (frag), (frag2)); \
        CHECK(fingerprint(db) == fp_);                          \
    } while (0)
#define CHECK_NULL_DB_I(db, call, func)                       \
    do {                                                      \
        unsigned long long fp_ = fingerprint(db);             \
        CHECK_NULL_DB((db), call, (func));                    \
        CHECK(fingerprint(db) == fp_);                        \
    } while (0)

static char poison_byte;
#define POISON ((crm_interaction *)(void *)&poison_byte)

/* Log an interaction of customer cid; its id in id (may be NULL). Exits on
 * failure: the tests that use it test something else. */
static void log_at(crm_db *db, const char *cid, crm_channel_t ch, int64_t at, const char *reply_to,
                   char *id)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = ch;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = at;
    s.reply_to = reply_to;
    crm_interaction *i = NULL;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "log_at: %s\n", crm_errmsg(db));
        exit(2);
    }
    if (id)
        memcpy(id, crm_interaction_id(i), CRM_ID_LEN + 1);
    crm_interaction_free(i);
}

/* The spec every bad-input case starts from: valid, with every field. */
static crm_interaction_spec full_spec(const char *cid)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = 1700000000000;
    s.handled_by = "agent:alice";
    s.reason = "billing.double_charge";
    s.outcome = CRM_OUTCOME_RESOLVED;
    s.is_public = 1;
    s.sentiment = -2;
    s.summary = "Charged twice for March; refunded one.";
    s.body = "Hello,\n\tyou charged me twice.\r\nJane";
    s.external_ref = "<msg-1@example.com>";
    return s;
}

/* Logging s fails with code and the fragments, writes nothing to *out and
 * changes nothing. */
#define LOG_FAILS(db, s, code, f1, f2)                                                   \
    do {                                                                                 \
        crm_interaction *o_ = POISON;                                                    \
        CHECK_FAILS_I((db), crm_interaction_log(&o_, (db), &(s)), (code), (f1), (f2));   \
        CHECK(o_ == POISON);                                                             \
        CHECK_FAILS_I((db), crm_interaction_log(NULL, (db), &(s)), (code), (f1), (f2)); \
    } while (0)

/* Logging s succeeds; the record is freed. */
#define LOG_OK(db, s)                                         \
    do {                                                      \
        crm_interaction *o_ = NULL;                           \
        CHECK_OK((db), crm_interaction_log(&o_, (db), &(s))); \
        CHECK(o_ != NULL);                                    \
        crm_interaction_free(o_);                             \
    } while (0)

/* The record fields of a and b are the same. */
static int same_record(const crm_interaction *a, const crm_interaction *b)
{
#define SAME_S(f) \
    ((!f(a) && !f(b)) || (f(a) && f(b) && strcmp(f(a), f(b)) == 0))
    return SAME_S(crm_interaction_id) && SAME_S(crm_interaction_customer_id) &&
           crm_interaction_channel(a) == crm_interaction_channel(b) && SAME_S(crm_interaction_channel_name) &&
           crm_interaction_direction(a) == crm_interaction_direction(b) &&
           crm_interaction_occurred_at(a) == crm_interaction_occurred_at(b) &&
           SAME_S(crm_interaction_handled_by) && SAME_S(crm_interaction_reason) &&
           crm_interaction_outcome(a) == crm_interaction_outcome(b) &&
           crm_interaction_is_public(a) == crm_interaction_is_public(b) &&
           crm_interaction_sentiment(a) == crm_interaction_sentiment(b) &&
           SAME_S(crm_interaction_summary) && SAME_S(crm_interaction_body) &&
           SAME_S(crm_interaction_thread_id) && SAME_S(crm_interaction_reply_to) &&
           SAME_S(crm_interaction_external_ref) &&
           crm_interaction_updated_at(a) == crm_interaction_updated_at(b);
#undef SAME_S
}

/* ---- enum words ----------------------------------------------------------- */

TEST(enum_words)
{
    static const char *const channels[] = { "phone",     "ivr",   "email", "chat",
                                            "sms",       "social", "in_person", "kiosk",
                                            "web",       "letter", "community" };
    CHECK_INT(sizeof channels / sizeof channels[0], CRM_CHANNEL_MAX);
    for (int c = 1; c <= CRM_CHANNEL_MAX; c++) {
        CHECK_STR(crm_channel_name((crm_channel_t)c), channels[c - 1]);
        crm_channel_t back = 0;
        CHECK_INT(crm_channel_parse(&back, channels[c - 1]), CRM_OK);
        CHECK_INT(back, c);
    }
    CHECK_INT(CRM_CHANNEL_PHONE, 1);
    CHECK_INT(CRM_CHANNEL_COMMUNITY, CRM_CHANNEL_MAX);
    CHECK(crm_channel_name((crm_channel_t)0) == NULL);
    CHECK(crm_channel_name((crm_channel_t)(CRM_CHANNEL_MAX + 1)) == NULL);
    CHECK(crm_channel_name((crm_channel_t)-1) == NULL);

    CHECK_STR(crm_direction_name(CRM_DIRECTION_IN), "in");
    CHECK_STR(crm_direction_name(CRM_DIRECTION_OUT), "out");
    CHECK(crm_direction_name((crm_direction_t)0) == NULL);
    CHECK(crm_direction_name((crm_direction_t)3) == NULL);
    crm_direction_t d = 0;
    CHECK_INT(crm_direction_parse(&d, "in"), CRM_OK);
    CHECK_INT(d, CRM_DIRECTION_IN);
    CHECK_INT(crm_direction_parse(&d, "out"), CRM_OK);
    CHECK_INT(d, CRM_DIRECTION_OUT);

    static const char *const outcomes[] = { "none",      "resolved",  "unresolved",
                                            "transferred", "abandoned", "escalated" };
    for (int o = 0; o <= CRM_OUTCOME_MAX; o++) {
        CHECK_STR(crm_outcome_name((crm_outcome_t)o), outcomes[o]);
        crm_outcome_t back = (crm_outcome_t)-1;
        CHECK_INT(crm_outcome_parse(&back, outcomes[o]), CRM_OK);
        CHECK_INT(back, o);
    }
    CHECK(crm_outcome_name((crm_outcome_t)-1) == NULL);
    CHECK(crm_outcome_name((crm_outcome_t)(CRM_OUTCOME_MAX + 1)) == NULL);
}

TEST(enum_parse_bad_input)
{
    static const char *const bad[] = { "", "Phone", "PHONE", " phone", "phone ", "in-person",
                                       "inperson", "x", "\xff", "nonee", "In", "OUT", NULL };
    crm_channel_t c = (crm_channel_t)77;
    crm_direction_t d = (crm_direction_t)77;
    crm_outcome_t o = (crm_outcome_t)77;
    for (int k = 0; bad[k]; k++) {
        CHECK_INT(crm_channel_parse(&c, bad[k]), CRM_EINVAL);
        CHECK_INT(crm_direction_parse(&d, bad[k]), CRM_EINVAL);
        CHECK_INT(crm_outcome_parse(&o, bad[k]), CRM_EINVAL);
    }
    CHECK_INT(crm_channel_parse(&c, NULL), CRM_EINVAL);
    CHECK_INT(crm_direction_parse(&d, NULL), CRM_EINVAL);
    CHECK_INT(crm_outcome_parse(&o, NULL), CRM_EINVAL);
    CHECK_INT(crm_channel_parse(NULL, "phone"), CRM_EINVAL);
    CHECK_INT(crm_direction_parse(NULL, "in"), CRM_EINVAL);
    CHECK_INT(crm_outcome_parse(NULL, "none"), CRM_EINVAL);
    /* Each enum's words are its own. */
    CHECK_INT(crm_channel_parse(&c, "in"), CRM_EINVAL);
    CHECK_INT(crm_direction_parse(&d, "phone"), CRM_EINVAL);
    CHECK_INT(crm_outcome_parse(&o, "out"), CRM_EINVAL);
    CHECK_INT(crm_channel_parse(&c, "none"), CRM_EINVAL);
    CHECK_INT(c, 77);
    CHECK_INT(d, 77);
    CHECK_INT(o, 77);
    /* With no handle, the message is kept per thread and names the word. */
    CHECK_INT(crm_channel_parse(&c, "fax"), CRM_EINVAL);
    CHECK_INT(crm_errcode(NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "'fax' is not a channel");
    CHECK_CONTAINS(crm_errmsg(NULL), "in_person");
    CHECK_INT(crm_direction_parse(&d, "sideways"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "'sideways' is not a direction (in or out)");
    CHECK_INT(crm_outcome_parse(&o, "\xff"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "'\\xff' is not an outcome");
    CHECK_INT(crm_outcome_parse(NULL, "none"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_outcome_parse: out is NULL");
    crm_promise_state_t ps;
    CHECK_INT(crm_promise_state_parse(&ps, "pending"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "'pending' is not a promise state");
    crm_customer_kind_t ck;
    CHECK_INT(crm_customer_kind_parse(&ck, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "the name of a customer kind is NULL");
}

/* ---- logging -------------------------------------------------------------- */

TEST(log_every_field)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], first[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_EMAIL, 1699999999000, NULL, first);

    crm_interaction_spec s = full_spec(cid);
    s.reply_to = first;
    int64_t before = crm_now();
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    int64_t after = crm_now();
    CHECK(test_canonical_v7(crm_interaction_id(i)));
    CHECK(strcmp(crm_interaction_id(i), first) > 0);
    CHECK_STR(crm_interaction_customer_id(i), cid);
    CHECK_INT(crm_interaction_channel(i), CRM_CHANNEL_EMAIL);
    CHECK_INT(crm_interaction_direction(i), CRM_DIRECTION_IN);
    CHECK_INT(crm_interaction_occurred_at(i), 1700000000000);
    CHECK_STR(crm_interaction_handled_by(i), "agent:alice");
    CHECK_STR(crm_interaction_reason(i), "billing.double_charge");
    CHECK_INT(crm_interaction_outcome(i), CRM_OUTCOME_RESOLVED);
    CHECK_INT(crm_interaction_is_public(i), 1);
    CHECK_INT(crm_interaction_sentiment(i), -2);
    CHECK_STR(crm_interaction_summary(i), "Charged twice for March; refunded one.");
    CHECK_STR(crm_interaction_body(i), "Hello,\n\tyou charged me twice.\r\nJane");
    CHECK_STR(crm_interaction_thread_id(i), first);
    CHECK_STR(crm_interaction_reply_to(i), first);
    CHECK_STR(crm_interaction_external_ref(i), "<msg-1@example.com>");
    CHECK(crm_interaction_updated_at(i) >= before && crm_interaction_updated_at(i) <= after);

    /* Read back, the same record. */
    crm_interaction *g = NULL;
    CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(i)));
    CHECK(same_record(i, g));
    crm_interaction_free(g);
    g = NULL;
    CHECK_OK(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_EMAIL, "<msg-1@example.com>"));
    CHECK(same_record(i, g));
    crm_interaction_free(g);

    /* Every sentiment, multi-byte text, the longest strings. */
    for (int v = -2; v <= 2; v++) {
        crm_interaction_spec t = CRM_INTERACTION_SPEC_INIT;
        t.customer_id = cid;
        t.channel = CRM_CHANNEL_SOCIAL;
        t.direction = CRM_DIRECTION_OUT;
        t.sentiment = v;
        t.summary = "Z\xc3\xbc" "rich \xe6\x9d\xb1 \xf0\x9f\x98\x80";
        crm_interaction *r = NULL;
        CHECK_OK(db, crm_interaction_log(&r, db, &t));
        CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(r)));
        CHECK_INT(crm_interaction_sentiment(g), v);
        CHECK_STR(crm_interaction_summary(g), t.summary);
        CHECK(same_record(r, g));
        crm_interaction_free(g);
        crm_interaction_free(r);
    }
    crm_interaction_free(i);
    crm_close(db);
}

TEST(log_longest_strings)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    char *handled = test_long_string(CRM_ACTOR_MAX), *reason = test_long_string(CRM_REASON_MAX);
    char *summary = test_long_string(CRM_SUMMARY_MAX), *body = test_long_string(CRM_BODY_MAX);
    char *ref = test_long_string(CRM_EXTERNAL_REF_MAX);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_LETTER;
    s.direction = CRM_DIRECTION_OUT;
    s.handled_by = handled;
    s.reason = reason;
    s.summary = summary;
    s.body = body;
    s.external_ref = ref;
    crm_interaction *i = NULL, *g = NULL;
    int rc = crm_interaction_log(&i, db, &s);
    if (rc == CRM_OK)
        rc = crm_interaction_get(&g, db, crm_interaction_id(i));
    int same = rc == CRM_OK && strcmp(crm_interaction_handled_by(g), handled) == 0 &&
               strcmp(crm_interaction_reason(g), reason) == 0 &&
               strcmp(crm_interaction_summary(g), summary) == 0 &&
               strcmp(crm_interaction_body(g), body) == 0 &&
               strcmp(crm_interaction_external_ref(g), ref) == 0 && same_record(i, g);
    crm_interaction_free(i);
    crm_interaction_free(g);
    free(handled);
    free(reason);
    free(summary);
    free(body);
    free(ref);
    CHECK_OK(db, rc);
    CHECK(same);
    crm_close(db);
}

TEST(log_defaults)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", cid);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_OUT;
    int64_t before = crm_now();
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    int64_t after = crm_now();
    CHECK(crm_interaction_occurred_at(i) >= before && crm_interaction_occurred_at(i) <= after);
    CHECK_INT(crm_interaction_updated_at(i), crm_interaction_occurred_at(i));
    CHECK(crm_interaction_handled_by(i) == NULL);
    CHECK(crm_interaction_reason(i) == NULL);
    CHECK_INT(crm_interaction_outcome(i), CRM_OUTCOME_NONE);
    CHECK_INT(crm_interaction_is_public(i), 0);
    CHECK_INT(crm_interaction_sentiment(i), CRM_SENTIMENT_NONE);
    CHECK(crm_interaction_summary(i) == NULL);
    CHECK(crm_interaction_body(i) == NULL);
    CHECK(crm_interaction_reply_to(i) == NULL);
    CHECK(crm_interaction_external_ref(i) == NULL);
    /* A first interaction starts its own thread. */
    CHECK_STR(crm_interaction_thread_id(i), crm_interaction_id(i));
    crm_interaction *g = NULL;
    CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(i)));
    CHECK(same_record(i, g));
    crm_interaction_free(g);
    crm_interaction_free(i);

    /* Without out, the interaction is recorded all the same. */
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    CHECK_INT(test_last_seq(db), seq + 1);
    crm_interaction_cursor *cur = NULL;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    int n = 0, rc;
    while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW)
        n++;
    crm_interaction_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 2);
    crm_close(db);
}

/* A real time is a real time: 1970-01-01T00:00Z and times before it are
 * stored as given; CRM_TIME_NONE, not 0, says "now" (a version 1 spec
 * still says it with 0). */
TEST(log_times_of_1970_and_before)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Old Timer", cid);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    CHECK_INT(s.occurred_at, CRM_TIME_NONE);
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_LETTER;
    s.direction = CRM_DIRECTION_IN;
    const int64_t times[] = { 0, -1, CRM_TIME_MIN, -86400000LL * 365 * 30 };
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
        s.occurred_at = times[k];
        crm_interaction *i = NULL, *g = NULL;
        CHECK_OK(db, crm_interaction_log(&i, db, &s));
        CHECK_INT(crm_interaction_occurred_at(i), times[k]);
        CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(i)));
        CHECK_INT(crm_interaction_occurred_at(g), times[k]);
        crm_interaction_free(g);
        crm_interaction_free(i);
    }
    /* The last time libcrm keeps is a time too, but not one that has
     * happened yet. */
    s.occurred_at = CRM_TIME_MAX;
    CHECK_FAILS2(db, crm_interaction_log(NULL, db, &s), CRM_EINVAL, "in the future",
                 "253402300799999 (9999-12-31T23:59:59.999Z)");
    /* A version 1 spec: 0 is "now", as it was. */
    s.version = 1;
    s.occurred_at = 0;
    int64_t before = crm_now();
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    CHECK(crm_interaction_occurred_at(i) >= before);
    crm_interaction_free(i);
    /* The timeline finds the old ones by their times, 1970 included. */
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.to = 1;
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, &f));
    int n = 0, rc;
    while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW)
        n++;
    crm_interaction_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 4);
    crm_close(db);
}

static int64_t fixed_clock(void *ctx)
{
    return *(const int64_t *)ctx;
}

/* An interaction is recorded once it happened: a millisecond later than
 * now by the handle's clock is refused, naming both times, and journals
 * nothing; now itself is fine. */
TEST(log_not_in_the_future)
{
    int64_t now = 1781524800000LL; /* 2026-06-15T12:00:00Z */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = fixed_clock;
    o.clock_ctx = &now;
    crm_db *db = NULL;
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", cid);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_OUT;
    s.occurred_at = now + 1;
    int64_t seq = test_last_seq(db);
    crm_interaction *i = NULL;
    CHECK_FAILS2(db, crm_interaction_log(&i, db, &s), CRM_EINVAL,
                 "occurred_at 1781524800001 (2026-06-15T12:00:00.001Z) is in the future",
                 "it is 1781524800000 (2026-06-15T12:00:00.000Z) now");
    CHECK(i == NULL);
    CHECK_INT(test_last_seq(db), seq);
    /* The clock moves on: the same time is now the past. */
    now += 1;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    CHECK_INT(crm_interaction_occurred_at(i), now);
    crm_interaction_free(i);
    CHECK_INT(test_last_seq(db), seq + 1);
    /* Exactly now. */
    s.occurred_at = now;
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    CHECK_INT(test_last_seq(db), seq + 2);
    CHECK_OK(db, crm_close(db));
}

TEST(log_journal)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    CHECK_OK(db, crm_set_actor(db, "agent:bob"));
    int64_t seq = test_last_seq(db);
    crm_interaction_spec s = full_spec(cid);
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    char want_id[80];
    snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", crm_interaction_id(i));
    crm_interaction_free(i);
    test_jrow rows[] = {
        { "interaction", "log", cid,
          { want_id, "\"channel\":\"email\"", "\"direction\":\"in\"",
            "\"reason\":\"billing.double_charge\"" },
          "Charged twice" }, /* summaries and bodies stay out of the journal */
    };
    CHECK(test_journal_is(db, seq, rows, 1));
    seq = test_last_seq(db);

    crm_interaction_spec d = CRM_INTERACTION_SPEC_INIT;
    d.customer_id = cid;
    d.channel = CRM_CHANNEL_IN_PERSON;
    d.direction = CRM_DIRECTION_OUT;
    d.occurred_at = 1234;
    CHECK_OK(db, crm_interaction_log(&i, db, &d));
    snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", crm_interaction_id(i));
    crm_interaction_free(i);
    test_jrow rows2[] = {
        { "interaction", "log", cid,
          { want_id, "\"channel\":\"in_person\"", "\"direction\":\"out\"", "\"reason\":null" },
          NULL },
    };
    CHECK(test_journal_is(db, seq, rows2, 1));

    /* The actor is the handle's. */
    crm_journal_entry_cursor *jc;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&jc, db, seq));
    CHECK_INT(crm_journal_entry_cursor_next(jc, &e), CRM_ROW);
    CHECK_STR(crm_journal_entry_actor(e), "agent:bob");
    CHECK_CONTAINS(crm_journal_entry_data(e), "\"occurred_at\":1234");
    CHECK_CONTAINS(crm_journal_entry_data(e), "\"outcome\":\"none\"");
    crm_journal_entry_cursor_free(jc);
    crm_close(db);
}

/* ---- threads --------------------------------------------------------------- */

TEST(reply_threads)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1], d[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    log_at(db, cid, CRM_CHANNEL_SOCIAL, 1000, NULL, a);
    log_at(db, cid, CRM_CHANNEL_SOCIAL, 2000, a, b);
    log_at(db, cid, CRM_CHANNEL_EMAIL, 3000, b, c); /* a reply to a reply, on another channel */
    log_at(db, cid, CRM_CHANNEL_PHONE, 4000, NULL, d);

    static const struct {
        int which;
        int reply;
    } want[] = { { 0, -1 }, { 1, 0 }, { 2, 1 }, { 3, -1 } };
    const char *ids[] = { a, b, c, d };
    for (int k = 0; k < 4; k++) {
        crm_interaction *g = NULL;
        CHECK_OK(db, crm_interaction_get(&g, db, ids[want[k].which]));
        CHECK_STR(crm_interaction_thread_id(g), k < 3 ? a : d);
        if (want[k].reply < 0)
            CHECK(crm_interaction_reply_to(g) == NULL);
        else
            CHECK_STR(crm_interaction_reply_to(g), ids[want[k].reply]);
        crm_interaction_free(g);
    }

    /* The id may be given in upper case; the record shows it canonical. */
    char upper[CRM_ID_LEN + 1];
    for (int k = 0; k <= CRM_ID_LEN; k++)
        upper[k] = (char)((c[k] >= 'a' && c[k] <= 'f') ? c[k] - 32 : c[k]);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_OUT;
    s.reply_to = upper;
    crm_interaction *r = NULL;
    CHECK_OK(db, crm_interaction_log(&r, db, &s));
    CHECK_STR(crm_interaction_reply_to(r), c);
    CHECK_STR(crm_interaction_thread_id(r), a);
    crm_interaction_free(r);

    /* A reply stays with its customer. */
    s.customer_id = other;
    s.reply_to = a;
    LOG_FAILS(db, s, CRM_EINVAL, "reply_to", a);
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), cid); /* whose it is */
    s.reply_to = TEST_UNKNOWN_ID;
    LOG_FAILS(db, s, CRM_ENOTFOUND, "reply_to", TEST_UNKNOWN_ID);
    s.customer_id = cid;
    LOG_FAILS(db, s, CRM_ENOTFOUND, "reply_to", TEST_UNKNOWN_ID);
    crm_close(db);
}

/* ---- external references ----------------------------------------------------- */

TEST(external_ref_unique_per_channel)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_SOCIAL;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = "1780000000000000001";
    s.summary = "first import";
    crm_interaction *first = NULL;
    CHECK_OK(db, crm_interaction_log(&first, db, &s));
    CHECK(crm_conflict_id(db) == NULL);

    /* Importing the feed again adds nothing and names what is there. */
    s.summary = "second import";
    LOG_FAILS(db, s, CRM_EEXISTS, "1780000000000000001", crm_interaction_id(first));
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), "social");
    CHECK_STR(crm_conflict_id(db), crm_interaction_id(first));
    /* Whoever it would be for. */
    s.customer_id = other;
    crm_interaction *o = POISON;
    CHECK_FAILS_I(db, crm_interaction_log(&o, db, &s), CRM_EEXISTS, crm_interaction_id(first),
                  NULL);
    CHECK(o == POISON);
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_EEXISTS);
    CHECK_STR(crm_conflict_id(db), crm_interaction_id(first));
    /* The conflict is forgotten by the next call. */
    crm_interaction *g = NULL;
    CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(first)));
    CHECK(crm_conflict_id(db) == NULL);
    CHECK_STR(crm_interaction_summary(g), "first import");
    crm_interaction_free(g);

    /* The same reference on another channel is another thing. */
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_SMS;
    crm_interaction *sms = NULL;
    CHECK_OK(db, crm_interaction_log(&sms, db, &s));
    CHECK(strcmp(crm_interaction_id(sms), crm_interaction_id(first)) != 0);

    CHECK_OK(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_SOCIAL, "1780000000000000001"));
    CHECK(same_record(g, first));
    crm_interaction_free(g);
    CHECK_OK(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_SMS, "1780000000000000001"));
    CHECK(same_record(g, sms));
    crm_interaction_free(g);
    g = POISON;
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_EMAIL, "1780000000000000001"),
                  CRM_ENOTFOUND, "email", "1780000000000000001");
    /* References are matched exactly. */
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_SMS, "178000000000000000"),
                  CRM_ENOTFOUND, "178000000000000000", NULL);
    CHECK(g == POISON);
    /* Many interactions without a reference on one channel are fine. */
    s.external_ref = NULL;
    LOG_OK(db, s);
    LOG_OK(db, s);
    crm_interaction_free(first);
    crm_interaction_free(sms);
    crm_close(db);
}

/* ---- records ------------------------------------------------------------------- */

TEST(dup_and_accessors)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    crm_interaction_spec s = full_spec(cid);
    crm_interaction *i = NULL, *d = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    CHECK_INT(crm_interaction_dup(&d, i), CRM_OK);
    CHECK(d != i);
    CHECK(same_record(d, i));
    CHECK(crm_interaction_summary(d) != crm_interaction_summary(i));
    crm_interaction_free(i); /* the copy lives on */
    CHECK_STR(crm_interaction_body(d), s.body);
    CHECK_STR(crm_interaction_external_ref(d), s.external_ref);

    /* A row of a cursor, kept. */
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    crm_interaction *kept = NULL;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_INT(crm_interaction_dup(&kept, r), CRM_OK);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK(same_record(kept, d));
    crm_interaction_free(kept);

    crm_interaction *o = POISON;
    CHECK_INT(crm_interaction_dup(&o, NULL), CRM_EINVAL);
    CHECK(o == POISON);
    CHECK_INT(crm_interaction_dup(NULL, d), CRM_EINVAL);
    crm_interaction_free(d);
    crm_interaction_free(NULL);

    CHECK(crm_interaction_id(NULL) == NULL);
    CHECK(crm_interaction_customer_id(NULL) == NULL);
    CHECK_INT(crm_interaction_channel(NULL), 0);
    CHECK_INT(crm_interaction_direction(NULL), 0);
    CHECK_INT(crm_interaction_occurred_at(NULL), CRM_TIME_NONE);
    CHECK(crm_interaction_handled_by(NULL) == NULL);
    CHECK(crm_interaction_reason(NULL) == NULL);
    CHECK_INT(crm_interaction_outcome(NULL), CRM_OUTCOME_NONE);
    CHECK_INT(crm_interaction_is_public(NULL), 0);
    CHECK_INT(crm_interaction_sentiment(NULL), CRM_SENTIMENT_NONE);
    CHECK(crm_interaction_summary(NULL) == NULL);
    CHECK(crm_interaction_body(NULL) == NULL);
    CHECK(crm_interaction_thread_id(NULL) == NULL);
    CHECK(crm_interaction_reply_to(NULL) == NULL);
    CHECK(crm_interaction_external_ref(NULL) == NULL);
    CHECK_INT(crm_interaction_updated_at(NULL), CRM_TIME_NONE);
    crm_close(db);
}

/* ---- changes after the fact ------------------------------------------------------ */

/* Read interaction id, exiting if it cannot be. */
static crm_interaction *fetch(crm_db *db, const char *id)
{
    crm_interaction *g = NULL;
    if (crm_interaction_get(&g, db, id) != CRM_OK) {
        fprintf(stderr, "fetch: %s\n", crm_errmsg(db));
        exit(2);
    }
    return g;
}

TEST(set_outcome)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_CHAT, 5000, NULL, id);
    crm_interaction *g = fetch(db, id);
    int64_t was = crm_interaction_updated_at(g);
    crm_interaction_free(g);
    for (int o = CRM_OUTCOME_MAX; o >= 0; o--) {
        int64_t seq = test_last_seq(db);
        test_sleep_ms(2);
        CHECK_OK(db, crm_interaction_set_outcome(db, id, (crm_outcome_t)o));
        g = fetch(db, id);
        CHECK_INT(crm_interaction_outcome(g), o);
        CHECK(crm_interaction_updated_at(g) > was);
        CHECK_INT(crm_interaction_occurred_at(g), 5000);
        was = crm_interaction_updated_at(g);
        crm_interaction_free(g);
        char want_id[80], now[64], old[64];
        snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", id);
        snprintf(now, sizeof now, "\"outcome\":\"%s\"", crm_outcome_name((crm_outcome_t)o));
        snprintf(old, sizeof old, "\"old_outcome\":\"%s\"",
                 crm_outcome_name(o == CRM_OUTCOME_MAX ? CRM_OUTCOME_NONE : (crm_outcome_t)(o + 1)));
        test_jrow rows[] = { { "interaction", "outcome", cid, { want_id, now, old }, NULL } };
        CHECK(test_journal_is(db, seq, rows, 1));
    }
    crm_close(db);
}

TEST(set_reason)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_PHONE, 5000, NULL, id);
    char want_id[80];
    snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", id);

    int64_t seq = test_last_seq(db);
    test_sleep_ms(2);
    CHECK_OK(db, crm_interaction_set_reason(db, id, "shipping.late"));
    crm_interaction *g = fetch(db, id);
    CHECK_STR(crm_interaction_reason(g), "shipping.late");
    CHECK(crm_interaction_updated_at(g) > crm_interaction_occurred_at(g));
    int64_t was = crm_interaction_updated_at(g);
    crm_interaction_free(g);
    test_jrow r1[] = { { "interaction", "reason", cid,
                         { want_id, "\"reason\":\"shipping.late\"", "\"old_reason\":null" },
                         NULL } };
    CHECK(test_journal_is(db, seq, r1, 1));

    seq = test_last_seq(db);
    test_sleep_ms(2);
    CHECK_OK(db, crm_interaction_set_reason(db, id, "Billing:Refund-2_x"));
    g = fetch(db, id);
    CHECK_STR(crm_interaction_reason(g), "Billing:Refund-2_x");
    CHECK(crm_interaction_updated_at(g) > was);
    was = crm_interaction_updated_at(g);
    crm_interaction_free(g);
    test_jrow r2[] = { { "interaction", "reason", cid,
                         { "\"reason\":\"Billing:Refund-2_x\"",
                           "\"old_reason\":\"shipping.late\"" },
                         NULL } };
    CHECK(test_journal_is(db, seq, r2, 1));

    /* NULL clears. */
    seq = test_last_seq(db);
    test_sleep_ms(2);
    CHECK_OK(db, crm_interaction_set_reason(db, id, NULL));
    g = fetch(db, id);
    CHECK(crm_interaction_reason(g) == NULL);
    CHECK(crm_interaction_updated_at(g) > was);
    crm_interaction_free(g);
    test_jrow r3[] = { { "interaction", "reason", cid,
                         { "\"reason\":null", "\"old_reason\":\"Billing:Refund-2_x\"" }, NULL } };
    CHECK(test_journal_is(db, seq, r3, 1));

    char *max = test_long_string(CRM_REASON_MAX);
    int rc = crm_interaction_set_reason(db, id, max);
    g = fetch(db, id);
    int same = rc == CRM_OK && strcmp(crm_interaction_reason(g), max) == 0;
    crm_interaction_free(g);
    free(max);
    CHECK_OK(db, rc);
    CHECK(same);
    crm_close(db);
}

TEST(set_summary)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", cid);
    log_at(db, cid, CRM_CHANNEL_KIOSK, 5000, NULL, id);

    int64_t seq = test_last_seq(db);
    test_sleep_ms(2);
    static const char said[] = "Asked about \"opening\" hours \xe2\x80\x94 sent";
    CHECK_OK(db, crm_interaction_set_summary(db, id, said));
    crm_interaction *g = fetch(db, id);
    CHECK_STR(crm_interaction_summary(g), said);
    CHECK(crm_interaction_updated_at(g) > crm_interaction_occurred_at(g));
    int64_t was = crm_interaction_updated_at(g);
    crm_interaction_free(g);
    test_jrow r1[] = { { "interaction", "summary", cid,
                         { "\"summary\":\"Asked about \\\"opening\\\" hours",
                           "\"old_summary\":null" },
                         NULL } };
    CHECK(test_journal_is(db, seq, r1, 1));

    seq = test_last_seq(db);
    test_sleep_ms(2);
    CHECK_OK(db, crm_interaction_set_summary(db, id, NULL));
    g = fetch(db, id);
    CHECK(crm_interaction_summary(g) == NULL);
    CHECK(crm_interaction_updated_at(g) > was);
    crm_interaction_free(g);
    test_jrow r2[] = { { "interaction", "summary", cid,
                         { "\"summary\":null", "\"old_summary\":\"Asked about" }, NULL } };
    CHECK(test_journal_is(db, seq, r2, 1));

    char *max = test_long_string(CRM_SUMMARY_MAX);
    int rc = crm_interaction_set_summary(db, id, max);
    g = fetch(db, id);
    int same = rc == CRM_OK && strcmp(crm_interaction_summary(g), max) == 0;
    crm_interaction_free(g);
    free(max);
    CHECK_OK(db, rc);
    CHECK(same);
    crm_close(db);
}

/* ---- bad input --------------------------------------------------------------------- */

TEST(log_bad_input)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], first[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_EMAIL, 1000, NULL, first);
    crm_interaction_spec ok = full_spec(cid);
    ok.reply_to = first;
    crm_interaction_spec s;

    crm_interaction *o = POISON;
    CHECK_NULL_DB_I(db, crm_interaction_log(&o, NULL, &ok), "crm_interaction_log");
    CHECK(o == POISON);
    CHECK_FAILS_I(db, crm_interaction_log(&o, db, NULL), CRM_EINVAL, "spec", NULL);
    CHECK(o == POISON);

    s = ok, s.version = 0;
    LOG_FAILS(db, s, CRM_EINVAL, "version", "0");
    s = ok, s.version = CRM_INTERACTION_SPEC_VERSION + 1;
    LOG_FAILS(db, s, CRM_EINVAL, "version", "3");

    s = ok, s.customer_id = NULL;
    LOG_FAILS(db, s, CRM_EINVAL, "customer_id", NULL);
    for (int k = 0; test_bad_ids[k]; k++) {
        s = ok, s.customer_id = test_bad_ids[k];
        LOG_FAILS(db, s, CRM_EINVAL, "customer_id", "not an id");
    }
    s = ok, s.customer_id = TEST_UNKNOWN_ID;
    LOG_FAILS(db, s, CRM_ENOTFOUND, "customer", TEST_UNKNOWN_ID);

    static const int bad_channels[] = { 0, -1, CRM_CHANNEL_MAX + 1, 64, 1 << 30 };
    for (size_t k = 0; k < sizeof bad_channels / sizeof bad_channels[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_channels[k]);
        s = ok, s.channel = (crm_channel_t)bad_channels[k];
        LOG_FAILS(db, s, CRM_EINVAL, "channel", v);
    }
    static const int bad_directions[] = { 0, -1, 3, 100 };
    for (size_t k = 0; k < sizeof bad_directions / sizeof bad_directions[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_directions[k]);
        s = ok, s.direction = (crm_direction_t)bad_directions[k];
        LOG_FAILS(db, s, CRM_EINVAL, "direction", v);
    }
    /* Times outside the years 1 to 9999, which no language's dates can
     * show (Python's stop at 9999), are refused before anything is written. */
    s = ok, s.occurred_at = CRM_TIME_MIN - 1;
    LOG_FAILS(db, s, CRM_EINVAL, "occurred_at", "0001-01-01 to 9999-12-31");
    s = ok, s.occurred_at = CRM_TIME_MAX + 1;
    LOG_FAILS(db, s, CRM_EINVAL, "occurred_at", "253402300800000");
    s = ok, s.occurred_at = INT64_MAX;
    LOG_FAILS(db, s, CRM_EINVAL, "occurred_at", "9223372036854775807");
    static const int bad_outcomes[] = { -1, CRM_OUTCOME_MAX + 1, 99 };
    for (size_t k = 0; k < sizeof bad_outcomes / sizeof bad_outcomes[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_outcomes[k]);
        s = ok, s.outcome = (crm_outcome_t)bad_outcomes[k];
        LOG_FAILS(db, s, CRM_EINVAL, "outcome", v);
    }
    static const int bad_public[] = { -1, 2, 255 };
    for (size_t k = 0; k < sizeof bad_public / sizeof bad_public[0]; k++) {
        s = ok, s.is_public = bad_public[k];
        LOG_FAILS(db, s, CRM_EINVAL, "is_public", NULL);
    }
    static const int bad_sentiment[] = { -3, 3, 98, 100, -99, CRM_SENTIMENT_NONE - 1 };
    for (size_t k = 0; k < sizeof bad_sentiment / sizeof bad_sentiment[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_sentiment[k]);
        s = ok, s.sentiment = bad_sentiment[k];
        LOG_FAILS(db, s, CRM_EINVAL, "sentiment", v);
    }

    /* Every string: bad UTF-8, empty, too long. */
    for (int k = 0; test_bad_utf8[k]; k++) {
        const char *b = test_bad_utf8[k];
        s = ok, s.handled_by = b;
        LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "UTF-8");
        s = ok, s.reason = b;
        LOG_FAILS(db, s, CRM_EINVAL, "reason", "UTF-8");
        s = ok, s.summary = b;
        LOG_FAILS(db, s, CRM_EINVAL, "summary", "UTF-8");
        s = ok, s.body = b;
        LOG_FAILS(db, s, CRM_EINVAL, "body", "UTF-8");
        s = ok, s.external_ref = b;
        LOG_FAILS(db, s, CRM_EINVAL, "external_ref", "UTF-8");
        s = ok, s.customer_id = b;
        LOG_FAILS(db, s, CRM_EINVAL, "customer_id", "not an id");
        s = ok, s.reply_to = b;
        LOG_FAILS(db, s, CRM_EINVAL, "reply_to", "not an id");
    }
    s = ok, s.handled_by = "";
    LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "empty");
    s = ok, s.reason = "";
    LOG_FAILS(db, s, CRM_EINVAL, "reason", "empty");
    s = ok, s.summary = "";
    LOG_FAILS(db, s, CRM_EINVAL, "summary", "empty");
    s = ok, s.body = "";
    LOG_FAILS(db, s, CRM_EINVAL, "body", "empty");
    s = ok, s.external_ref = "";
    LOG_FAILS(db, s, CRM_EINVAL, "external_ref", "empty");

    char *l;
    l = test_long_string(CRM_ACTOR_MAX + 1);
    s = ok, s.handled_by = l;
    LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "limit");
    free(l);
    l = test_long_string(CRM_REASON_MAX + 1);
    s = ok, s.reason = l;
    LOG_FAILS(db, s, CRM_EINVAL, "reason", "limit");
    free(l);
    l = test_long_string(CRM_SUMMARY_MAX + 1);
    s = ok, s.summary = l;
    LOG_FAILS(db, s, CRM_EINVAL, "summary", "limit");
    free(l);
    l = test_long_string(CRM_BODY_MAX + 1);
    s = ok, s.body = l;
    LOG_FAILS(db, s, CRM_EINVAL, "body", "limit");
    free(l);
    l = test_long_string(CRM_EXTERNAL_REF_MAX + 1);
    s = ok, s.external_ref = l;
    LOG_FAILS(db, s, CRM_EINVAL, "external_ref", "limit");
    free(l);

    /* Control characters and spaces at the edges. */
    s = ok, s.handled_by = "agent:\x01" "alice";
    LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "control");
    s = ok, s.handled_by = "agent:alice\n";
    LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "control");
    s = ok, s.handled_by = " agent:alice";
    LOG_FAILS(db, s, CRM_EINVAL, "handled_by", "space");
    s = ok, s.summary = "line one\nline two";
    LOG_FAILS(db, s, CRM_EINVAL, "summary", "control");
    s = ok, s.summary = "tab\there";
    LOG_FAILS(db, s, CRM_EINVAL, "summary", "control");
    s = ok, s.summary = "del\x7f";
    LOG_FAILS(db, s, CRM_EINVAL, "summary", "control");
    s = ok, s.external_ref = "ref\t1";
    LOG_FAILS(db, s, CRM_EINVAL, "external_ref", "control");
    s = ok, s.external_ref = "ref-1 ";
    LOG_FAILS(db, s, CRM_EINVAL, "external_ref", "space");

    /* Reasons are codes. */
    static const char *const bad_reasons[] = { "billing x", "billing/x", "bill\xc3\xa9", "a\x01",
                                               "#1", "a,b", NULL };
    for (int k = 0; bad_reasons[k]; k++) {
        s = ok, s.reason = bad_reasons[k];
        LOG_FAILS(db, s, CRM_EINVAL, "reason", "letters, digits");
    }

    /* Malformed and unknown reply_to. */
    for (int k = 0; test_bad_ids[k]; k++) {
        s = ok, s.reply_to = test_bad_ids[k];
        LOG_FAILS(db, s, CRM_EINVAL, "reply_to", "not an id");
    }
    s = ok, s.reply_to = TEST_UNKNOWN_ID;
    LOG_FAILS(db, s, CRM_ENOTFOUND, "reply_to", TEST_UNKNOWN_ID);

    /* After all that, the valid spec is fine, and so is a body with any
     * control character. */
    LOG_OK(db, ok);
    s = ok, s.external_ref = NULL, s.body = "a\x01" "b\x1b[0m\x7f";
    LOG_OK(db, s);
    /* Spaces inside values are fine. */
    s = ok, s.external_ref = "ref 2", s.handled_by = "team:first line";
    LOG_OK(db, s);
    crm_close(db);
}

TEST(get_bad_input)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_EMAIL, 1000, NULL, id);
    crm_interaction *o = POISON;

    CHECK_NULL_DB_I(db, crm_interaction_get(&o, NULL, id), "crm_interaction_get");
    CHECK_FAILS_I(db, crm_interaction_get(NULL, db, id), CRM_EINVAL, "output", NULL);
    CHECK_FAILS_I(db, crm_interaction_get(&o, db, NULL), CRM_EINVAL, "interaction id", NULL);
    for (int k = 0; test_bad_ids[k]; k++)
        CHECK_FAILS_I(db, crm_interaction_get(&o, db, test_bad_ids[k]), CRM_EINVAL,
                      "interaction id", "not an id");
    for (int k = 0; test_bad_utf8[k]; k++)
        CHECK_FAILS_I(db, crm_interaction_get(&o, db, test_bad_utf8[k]), CRM_EINVAL,
                      "interaction id", "not an id");
    CHECK_FAILS_I(db, crm_interaction_get(&o, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                  TEST_UNKNOWN_ID, "interaction");
    /* A customer's id is not an interaction's. */
    CHECK_FAILS_I(db, crm_interaction_get(&o, db, cid), CRM_ENOTFOUND, cid, NULL);
    CHECK(o == POISON);

    CHECK_NULL_DB_I(db, crm_interaction_get_by_ref(&o, NULL, CRM_CHANNEL_EMAIL, "r"),
                    "crm_interaction_get_by_ref");
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(NULL, db, CRM_CHANNEL_EMAIL, "r"), CRM_EINVAL,
                  "output", NULL);
    static const int bad_channels[] = { 0, -1, CRM_CHANNEL_MAX + 1 };
    for (size_t k = 0; k < sizeof bad_channels / sizeof bad_channels[0]; k++)
        CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, (crm_channel_t)bad_channels[k], "r"),
                      CRM_EINVAL, "channel", NULL);
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, NULL), CRM_EINVAL,
                  "external_ref", "NULL");
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, ""), CRM_EINVAL,
                  "external_ref", "empty");
    for (int k = 0; test_bad_utf8[k]; k++)
        CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, test_bad_utf8[k]),
                      CRM_EINVAL, "external_ref", "UTF-8");
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, "a\nb"), CRM_EINVAL,
                  "external_ref", "control");
    char *l = test_long_string(CRM_EXTERNAL_REF_MAX + 1);
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, l), CRM_EINVAL,
                  "external_ref", "limit");
    l[CRM_EXTERNAL_REF_MAX] = '\0';
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&o, db, CRM_CHANNEL_EMAIL, l), CRM_ENOTFOUND,
                  "external_ref", "email");
    free(l);
    CHECK(o == POISON);
    crm_close(db);
}

TEST(set_bad_input)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_EMAIL, 1000, NULL, id);
    CHECK_OK(db, crm_interaction_set_reason(db, id, "billing.x"));
    CHECK_OK(db, crm_interaction_set_summary(db, id, "kept"));

    CHECK_NULL_DB_I(db, crm_interaction_set_outcome(NULL, id, CRM_OUTCOME_RESOLVED),
                    "crm_interaction_set_outcome");
    CHECK_NULL_DB_I(db, crm_interaction_set_reason(NULL, id, "a"), "crm_interaction_set_reason");
    CHECK_NULL_DB_I(db, crm_interaction_set_summary(NULL, id, "a"),
                    "crm_interaction_set_summary");

    /* The id, for each call. */
    CHECK_FAILS_I(db, crm_interaction_set_outcome(db, NULL, CRM_OUTCOME_RESOLVED), CRM_EINVAL,
                  "interaction id", "NULL");
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, NULL, "a"), CRM_EINVAL, "interaction id",
                  "NULL");
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, NULL, "a"), CRM_EINVAL, "interaction id",
                  "NULL");
    for (int k = 0; test_bad_ids[k]; k++) {
        const char *b = test_bad_ids[k];
        CHECK_FAILS_I(db, crm_interaction_set_outcome(db, b, CRM_OUTCOME_RESOLVED), CRM_EINVAL,
                      "interaction id", "not an id");
        CHECK_FAILS_I(db, crm_interaction_set_reason(db, b, "a"), CRM_EINVAL, "interaction id",
                      "not an id");
        CHECK_FAILS_I(db, crm_interaction_set_summary(db, b, "a"), CRM_EINVAL, "interaction id",
                      "not an id");
    }
    CHECK_FAILS_I(db, crm_interaction_set_outcome(db, TEST_UNKNOWN_ID, CRM_OUTCOME_RESOLVED),
                  CRM_ENOTFOUND, TEST_UNKNOWN_ID, NULL);
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, TEST_UNKNOWN_ID, "a"), CRM_ENOTFOUND,
                  TEST_UNKNOWN_ID, NULL);
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, TEST_UNKNOWN_ID, NULL), CRM_ENOTFOUND,
                  TEST_UNKNOWN_ID, NULL);
    CHECK_FAILS_I(db, crm_interaction_set_outcome(db, cid, CRM_OUTCOME_RESOLVED), CRM_ENOTFOUND,
                  cid, NULL);

    /* The values. */
    static const int bad_outcomes[] = { -1, CRM_OUTCOME_MAX + 1, 1000 };
    for (size_t k = 0; k < sizeof bad_outcomes / sizeof bad_outcomes[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_outcomes[k]);
        CHECK_FAILS_I(db, crm_interaction_set_outcome(db, id, (crm_outcome_t)bad_outcomes[k]),
                      CRM_EINVAL, "outcome", v);
    }
    for (int k = 0; test_bad_utf8[k]; k++) {
        CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, test_bad_utf8[k]), CRM_EINVAL,
                      "reason", "UTF-8");
        CHECK_FAILS_I(db, crm_interaction_set_summary(db, id, test_bad_utf8[k]), CRM_EINVAL,
                      "summary", "UTF-8");
    }
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, ""), CRM_EINVAL, "reason", "empty");
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, "a b"), CRM_EINVAL, "reason",
                  "letters, digits");
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, "a\tb"), CRM_EINVAL, "reason",
                  "letters, digits");
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, id, ""), CRM_EINVAL, "summary", "empty");
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, id, "two\nlines"), CRM_EINVAL, "summary",
                  "control");
    char *l = test_long_string(CRM_REASON_MAX + 1);
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, l), CRM_EINVAL, "reason", "limit");
    free(l);
    l = test_long_string(CRM_SUMMARY_MAX + 1);
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, id, l), CRM_EINVAL, "summary", "limit");
    free(l);

    crm_interaction *g = fetch(db, id);
    CHECK_STR(crm_interaction_reason(g), "billing.x");
    CHECK_STR(crm_interaction_summary(g), "kept");
    CHECK_INT(crm_interaction_outcome(g), CRM_OUTCOME_NONE);
    crm_interaction_free(g);
    crm_close(db);
}

/* ---- the public flag ------------------------------------------------------------ */

TEST(set_public)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_SOCIAL, 5000, NULL, id);
    char want_id[80];
    snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", id);
    crm_interaction *g = fetch(db, id);
    CHECK_INT(crm_interaction_is_public(g), 0);
    int64_t was = crm_interaction_updated_at(g);
    crm_interaction_free(g);
    for (int round = 0; round < 2; round++) {
        int v = round == 0;
        int64_t seq = test_last_seq(db);
        test_sleep_ms(2);
        CHECK_OK(db, crm_interaction_set_public(db, id, v));
        g = fetch(db, id);
        CHECK_INT(crm_interaction_is_public(g), v);
        CHECK(crm_interaction_updated_at(g) > was);
        CHECK_INT(crm_interaction_occurred_at(g), 5000);
        was = crm_interaction_updated_at(g);
        crm_interaction_free(g);
        test_jrow rows[] = { { "interaction", "public", cid,
                               { want_id, v ? "\"public\":1" : "\"public\":0",
                                 v ? "\"old_public\":0" : "\"old_public\":1" },
                               NULL } };
        CHECK(test_journal_is(db, seq, rows, 1));
        /* The value it has already: nothing changes, nothing is journaled. */
        seq = test_last_seq(db);
        test_snapshot before;
        test_snapshot_take(db, &before);
        test_sleep_ms(2);
        CHECK_OK(db, crm_interaction_set_public(db, id, v));
        CHECK_UNCHANGED(db, &before);
        CHECK(test_journal_is(db, seq, NULL, 0));
        g = fetch(db, id);
        CHECK_INT(crm_interaction_updated_at(g), was);
        CHECK_INT(crm_interaction_is_public(g), v);
        crm_interaction_free(g);
    }
    /* Bad input changes nothing. */
    CHECK_NULL_DB_I(db, crm_interaction_set_public(NULL, id, 1), "crm_interaction_set_public");
    CHECK_FAILS_I(db, crm_interaction_set_public(db, NULL, 1), CRM_EINVAL, "interaction id",
                  "NULL");
    for (int k = 0; test_bad_ids[k]; k++)
        CHECK_FAILS_I(db, crm_interaction_set_public(db, test_bad_ids[k], 1), CRM_EINVAL,
                      "interaction id", "not an id");
    for (int k = 0; test_bad_utf8[k]; k++)
        CHECK_FAILS_I(db, crm_interaction_set_public(db, test_bad_utf8[k], 1), CRM_EINVAL,
                      "interaction id", "not an id");
    CHECK_FAILS_I(db, crm_interaction_set_public(db, TEST_UNKNOWN_ID, 1), CRM_ENOTFOUND,
                  TEST_UNKNOWN_ID, NULL);
    CHECK_FAILS_I(db, crm_interaction_set_public(db, cid, 1), CRM_ENOTFOUND, cid, NULL);
    static const int bad[] = { -1, 2, 99 };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "is_public is %d", bad[k]);
        CHECK_FAILS_I(db, crm_interaction_set_public(db, id, bad[k]), CRM_EINVAL, v, "0 or 1");
    }
    /* In a group it is undone with the group. */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_interaction_set_public(db, id, 1));
    CHECK_OK(db, crm_rollback(db));
    g = fetch(db, id);
    CHECK_INT(crm_interaction_is_public(g), 0);
    crm_interaction_free(g);
    crm_close(db);
}

/* ---- channels of the business's own ------------------------------------------------ */

/* Log on the channel called name (spec version 3); the record in *out. */
static int log_named(crm_db *db, const char *cid, const char *name, const char *ref,
                     crm_interaction **out)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel_name = name;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = ref;
    return crm_interaction_log(out, db, &s);
}

TEST(custom_channels)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    crm_interaction *wa = NULL, *tg = NULL, *sms = NULL, *g = NULL;
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, log_named(db, cid, "whatsapp", "wa-1", &wa));
    CHECK_INT(crm_interaction_channel(wa), CRM_CHANNEL_CUSTOM);
    CHECK_STR(crm_interaction_channel_name(wa), "whatsapp");
    CHECK(crm_channel_name(CRM_CHANNEL_CUSTOM) == NULL);
    char want_id[80];
    snprintf(want_id, sizeof want_id, "\"interaction_id\":\"%s\"", crm_interaction_id(wa));
    test_jrow rows[] = { { "interaction", "log", cid, { want_id, "\"channel\":\"whatsapp\"" },
                           NULL } };
    CHECK(test_journal_is(db, seq, rows, 1));
    /* Read back, copied, in a list. */
    g = fetch(db, crm_interaction_id(wa));
    CHECK(same_record(g, wa));
    CHECK_STR(crm_interaction_channel_name(g), "whatsapp");
    crm_interaction *d;
    CHECK_OK(db, crm_interaction_dup(&d, g));
    CHECK_STR(crm_interaction_channel_name(d), "whatsapp");
    CHECK_INT(crm_interaction_channel(d), CRM_CHANNEL_CUSTOM);
    crm_interaction_free(d);
    crm_interaction_free(g);
    /* A built-in word is the built-in channel. */
    CHECK_OK(db, log_named(db, cid, "sms", "wa-1", &sms));
    CHECK_INT(crm_interaction_channel(sms), CRM_CHANNEL_SMS);
    CHECK_STR(crm_interaction_channel_name(sms), "sms");
    /* The reference is unique per channel, custom ones included. */
    CHECK_OK(db, log_named(db, cid, "telegram", "wa-1", &tg));
    CHECK_STR(crm_interaction_channel_name(tg), "telegram");
    g = POISON;
    CHECK_FAILS_I(db, log_named(db, cid, "whatsapp", "wa-1", &g), CRM_EEXISTS,
                  "on channel whatsapp", crm_interaction_id(wa));
    CHECK_INT(log_named(db, cid, "whatsapp", "wa-1", &g), CRM_EEXISTS);
    CHECK_STR(crm_conflict_id(db), crm_interaction_id(wa));
    CHECK(g == POISON);
    CHECK_OK(db, crm_interaction_get_by_ref_named(&g, db, "whatsapp", "wa-1"));
    CHECK_STR(crm_interaction_id(g), crm_interaction_id(wa));
    crm_interaction_free(g);
    CHECK_OK(db, crm_interaction_get_by_ref_named(&g, db, "telegram", "wa-1"));
    CHECK_STR(crm_interaction_id(g), crm_interaction_id(tg));
    crm_interaction_free(g);
    CHECK_OK(db, crm_interaction_get_by_ref_named(&g, db, "sms", "wa-1"));
    CHECK_STR(crm_interaction_id(g), crm_interaction_id(sms));
    crm_interaction_free(g);
    CHECK_OK(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_SMS, "wa-1"));
    CHECK_STR(crm_interaction_id(g), crm_interaction_id(sms));
    crm_interaction_free(g);
    g = POISON;
    /* A name no interaction has used is no channel yet: nothing is on it. */
    CHECK_FAILS_I(db, crm_interaction_get_by_ref_named(&g, db, "signal", "wa-1"), CRM_ENOTFOUND,
                  "channel signal", "wa-1");
    CHECK_FAILS_I(db, crm_interaction_get_by_ref_named(&g, db, "whatsapp", "wa-2"), CRM_ENOTFOUND,
                  "channel whatsapp", "wa-2");
    CHECK_FAILS_I(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_CUSTOM, "wa-1"), CRM_EINVAL,
                  "CRM_CHANNEL_CUSTOM", "name");
    CHECK(g == POISON);
    /* A second interaction on a channel already kept. */
    crm_interaction *wa2;
    CHECK_OK(db, log_named(db, cid, "whatsapp", "wa-2", &wa2));
    CHECK_OK(db, crm_interaction_get_by_ref_named(&g, db, "whatsapp", "wa-2"));
    CHECK_STR(crm_interaction_id(g), crm_interaction_id(wa2));
    crm_interaction_free(g);

    /* The timeline by names, custom and built-in, alone and with bits. */
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    const char *const only_wa[] = { "whatsapp", NULL };
    const char *const wa_sms[] = { "sms", "whatsapp", NULL };
    const char *const unknown[] = { "signal", NULL };
    const char *const empty[] = { NULL };
    struct {
        const char *const *names;
        unsigned int bits;
        int want; /* how many rows */
    } cases[] = {
        { only_wa, 0, 2 }, { wa_sms, 0, 3 }, { unknown, 0, 0 }, { empty, 0, 4 },
        { only_wa, CRM_CHANNEL_BIT(CRM_CHANNEL_SMS), 3 }, { unknown, CRM_CHANNEL_BIT(CRM_CHANNEL_SMS), 1 },
        { NULL, CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE), 0 },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        f.channel_names = cases[k].names;
        f.channels = cases[k].bits;
        crm_interaction_cursor *cur;
        const crm_interaction *r;
        CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, &f));
        int n = 0, rc;
        while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW) {
            const char *name = crm_interaction_channel_name(r);
            int named = 0;
            for (int i = 0; cases[k].names && cases[k].names[i]; i++)
                named |= strcmp(name, cases[k].names[i]) == 0;
            int by_bit = crm_interaction_channel(r) != CRM_CHANNEL_CUSTOM &&
                         (cases[k].bits >> crm_interaction_channel(r)) & 1;
            CHECK(named || by_bit || (!cases[k].bits && !(cases[k].names && cases[k].names[0])));
            n++;
        }
        CHECK_INT(rc, CRM_DONE);
        CHECK_INT(n, cases[k].want);
        crm_interaction_cursor_free(cur);
    }
    /* Bad names in a filter. */
    static const char *const bad_names[] = { "", "WhatsApp", "1app", "whats app", "whats-app",
                                             "\xff", "a123456789012345678901234567890123",
                                             NULL };
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&poison_byte;
    for (int k = 0; bad_names[k]; k++) {
        const char *const names[] = { "phone", bad_names[k], NULL };
        f.channel_names = names;
        CHECK_FAILS_I(db, crm_interaction_timeline_open(&cur, db, cid, &f), CRM_EINVAL,
                      "channel_names[1]", "[a-z][a-z0-9_]{0,31}");
    }
    CHECK(cur == (crm_interaction_cursor *)(void *)&poison_byte);

    /* Bad names and disagreements in a spec. */
    for (int k = 0; bad_names[k]; k++) {
        g = POISON;
        CHECK_FAILS_I(db, log_named(db, cid, bad_names[k], NULL, &g), CRM_EINVAL, "channel_name",
                      "[a-z][a-z0-9_]{0,31}");
        CHECK(g == POISON);
        CHECK_FAILS_I(db, crm_interaction_get_by_ref_named(&g, db, bad_names[k], "wa-1"),
                      CRM_EINVAL, "channel", "[a-z][a-z0-9_]{0,31}");
    }
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.direction = CRM_DIRECTION_IN;
    s.channel = CRM_CHANNEL_EMAIL;
    s.channel_name = "phone";
    CHECK_FAILS_I(db, crm_interaction_log(&g, db, &s), CRM_EINVAL, "channel 3", "two channels");
    s.channel_name = "whatsapp";
    CHECK_FAILS_I(db, crm_interaction_log(&g, db, &s), CRM_EINVAL, "whatsapp", "two channels");
    s.channel = CRM_CHANNEL_CUSTOM;
    CHECK_FAILS_I(db, crm_interaction_log(&g, db, &s), CRM_EINVAL, "channel 64", "two channels");
    s.channel_name = NULL;
    CHECK_FAILS_I(db, crm_interaction_log(&g, db, &s), CRM_EINVAL, "CRM_CHANNEL_CUSTOM", "name");
    /* Both saying the same channel is fine. */
    s.channel = CRM_CHANNEL_PHONE;
    s.channel_name = "phone";
    CHECK_OK(db, crm_interaction_log(&g, db, &s));
    CHECK_INT(crm_interaction_channel(g), CRM_CHANNEL_PHONE);
    crm_interaction_free(g);
    /* A version 2 spec has no channel_name: it is not read. */
    s.version = 2;
    s.channel = 0;
    s.channel_name = "whatsapp";
    CHECK_FAILS_I(db, crm_interaction_log(&g, db, &s), CRM_EINVAL, "channel 0", "not a channel");
    /* A new channel for a customer that does not exist: refused, and its
     * name is not kept either (nothing at all changes). */
    test_snapshot before;
    test_snapshot_take(db, &before);
    CHECK_FAILS_I(db, log_named(db, TEST_UNKNOWN_ID, "viber", NULL, &g), CRM_ENOTFOUND,
                  TEST_UNKNOWN_ID, NULL);
    CHECK_UNCHANGED(db, &before);
    /* Inside a group that goes on, the group is not lost. */
    CHECK_OK(db, crm_begin(db));
    CHECK_FAILS(db, log_named(db, TEST_UNKNOWN_ID, "viber", NULL, &g), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    CHECK_OK(db, log_named(db, cid, "viber", "v-1", &g));
    CHECK_STR(crm_interaction_channel_name(g), "viber");
    crm_interaction_free(g);
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_interaction_get_by_ref_named(&g, db, "viber", "v-1"));
    crm_interaction_free(g);
    crm_interaction_free(wa);
    crm_interaction_free(wa2);
    crm_interaction_free(tg);
    crm_interaction_free(sms);
    crm_close(db);
}

/* ---- transactions, read-only handles ------------------------------------------------ */

TEST(in_a_group)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], first[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    log_at(db, cid, CRM_CHANNEL_SMS, 1000, NULL, first);
    unsigned long long fp = fingerprint(db);
    int64_t seq = test_last_seq(db);

    CHECK_OK(db, crm_begin(db));
    crm_interaction_spec s = full_spec(cid);
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    /* A failing call undoes only itself. */
    CHECK_FAILS_I(db, crm_interaction_log(NULL, db, &s), CRM_EEXISTS, crm_interaction_id(i), NULL);
    CHECK_OK(db, crm_interaction_set_outcome(db, first, CRM_OUTCOME_ESCALATED));
    CHECK_OK(db, crm_rollback(db));
    CHECK(fingerprint(db) == fp);
    CHECK_INT(test_last_seq(db), seq);
    crm_interaction *o = POISON;
    CHECK_FAILS_I(db, crm_interaction_get(&o, db, crm_interaction_id(i)), CRM_ENOTFOUND,
                  crm_interaction_id(i), NULL);
    crm_interaction_free(i);

    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    CHECK_OK(db, crm_interaction_set_reason(db, crm_interaction_id(i), "billing.y"));
    CHECK_OK(db, crm_commit(db));
    crm_interaction *g = fetch(db, crm_interaction_id(i));
    CHECK_STR(crm_interaction_reason(g), "billing.y");
    crm_interaction_free(g);
    crm_interaction_free(i);
    CHECK_INT(test_last_seq(db), seq + 2);
    crm_close(db);
}

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char cid[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    crm_interaction_spec s = full_spec(cid);
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    memcpy(id, crm_interaction_id(i), sizeof id);
    crm_interaction_free(i);
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    crm_interaction_spec t = CRM_INTERACTION_SPEC_INIT;
    t.customer_id = cid;
    t.channel = CRM_CHANNEL_PHONE;
    t.direction = CRM_DIRECTION_IN;
    i = POISON;
    CHECK_FAILS_I(db, crm_interaction_log(&i, db, &t), CRM_EREADONLY, "read-only", NULL);
    CHECK(i == POISON);
    CHECK_FAILS_I(db, crm_interaction_log(NULL, db, &s), CRM_EREADONLY, "read-only", NULL);
    CHECK_FAILS_I(db, crm_interaction_set_outcome(db, id, CRM_OUTCOME_ABANDONED), CRM_EREADONLY,
                  "read-only", NULL);
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, "x"), CRM_EREADONLY, "read-only", NULL);
    CHECK_FAILS_I(db, crm_interaction_set_reason(db, id, NULL), CRM_EREADONLY, "read-only", NULL);
    CHECK_FAILS_I(db, crm_interaction_set_summary(db, id, "x"), CRM_EREADONLY, "read-only", NULL);

    /* Reading works. */
    crm_interaction *g = NULL;
    CHECK_OK(db, crm_interaction_get(&g, db, id));
    CHECK_STR(crm_interaction_reason(g), "billing.double_charge");
    CHECK_INT(crm_interaction_outcome(g), CRM_OUTCOME_RESOLVED);
    crm_interaction_free(g);
    CHECK_OK(db, crm_interaction_get_by_ref(&g, db, CRM_CHANNEL_EMAIL, s.external_ref));
    CHECK_STR(crm_interaction_id(g), id);
    crm_interaction_free(g);
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, id, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), id);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

/* ---- failed allocations ------------------------------------------------------------- */

typedef struct fixture {
    char cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1], first[CRM_ID_LEN + 1];
} fixture;

typedef int (*op_fn)(crm_db *db, fixture *fx);

static int op_log_full(crm_db *db, fixture *fx)
{
    crm_interaction_spec s = full_spec(fx->cid);
    s.reply_to = fx->first;
    crm_interaction *i = NULL;
    int rc = crm_interaction_log(&i, db, &s);
    if (rc == CRM_OK && (strcmp(crm_interaction_thread_id(i), fx->first) != 0 ||
                         strcmp(crm_interaction_body(i), s.body) != 0))
        rc = CRM_ERROR;
    crm_interaction_free(i);
    return rc;
}
static int op_log_plain(crm_db *db, fixture *fx)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = fx->other;
    s.channel = CRM_CHANNEL_IVR;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *i = NULL;
    int rc = crm_interaction_log(&i, db, &s);
    crm_interaction_free(i);
    return rc;
}
static int op_outcome(crm_db *db, fixture *fx)
{
    return crm_interaction_set_outcome(db, fx->first, CRM_OUTCOME_TRANSFERRED);
}
static int op_reason(crm_db *db, fixture *fx)
{
    return crm_interaction_set_reason(db, fx->first, "returns.damaged");
}
static int op_reason_clear(crm_db *db, fixture *fx)
{
    return crm_interaction_set_reason(db, fx->first, NULL);
}
static int op_summary(crm_db *db, fixture *fx)
{
    return crm_interaction_set_summary(db, fx->first, "Sent a label.");
}
static int op_public(crm_db *db, fixture *fx)
{
    return crm_interaction_set_public(db, fx->first, 1);
}
static int op_log_custom(crm_db *db, fixture *fx)
{
    crm_interaction *i = NULL;
    int rc = log_named(db, fx->cid, "whatsapp", "wa-1", &i);
    if (rc == CRM_OK && strcmp(crm_interaction_channel_name(i), "whatsapp") != 0)
        rc = CRM_ERROR;
    crm_interaction_free(i);
    return rc;
}
static int op_get_by_ref_named(crm_db *db, fixture *fx)
{
    (void)fx;
    crm_interaction *i = NULL;
    int rc = crm_interaction_get_by_ref_named(&i, db, "chat", "chat-1");
    crm_interaction_free(i);
    return rc;
}
static int op_get(crm_db *db, fixture *fx)
{
    crm_interaction *i = NULL;
    int rc = crm_interaction_get(&i, db, fx->first);
    crm_interaction_free(i);
    return rc;
}
static int op_get_by_ref(crm_db *db, fixture *fx)
{
    (void)fx;
    crm_interaction *i = NULL;
    int rc = crm_interaction_get_by_ref(&i, db, CRM_CHANNEL_CHAT, "chat-1");
    crm_interaction_free(i);
    return rc;
}
static int op_group(crm_db *db, fixture *fx)
{
    int rc = crm_begin(db);
    if (rc)
        return rc;
    rc = op_log_plain(db, fx);
    if (rc == CRM_OK)
        rc = op_outcome(db, fx);
    if (rc == CRM_OK)
        return crm_commit(db);
    if (crm_rollback(db) != CRM_OK)
        return CRM_ERROR;
    return rc;
}

/* Fail the 1st, 2nd, ... allocation of op until it succeeds. Each failure
 * is CRM_ENOMEM and changes nothing. */
static int fault_loop(const char *name, op_fn op)
{
    crm_db *db = test_open_memory();
    fixture fx;
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", fx.cid);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", fx.other);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = fx.cid;
    s.channel = CRM_CHANNEL_CHAT;
    s.direction = CRM_DIRECTION_IN;
    s.reason = "billing.x";
    s.external_ref = "chat-1";
    crm_interaction *i = NULL;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "%s: %s\n", name, crm_errmsg(db));
        crm_close(db);
        return 0;
    }
    memcpy(fx.first, crm_interaction_id(i), sizeof fx.first);
    crm_interaction_free(i);
    for (long n = 0; n < 10000; n++) {
        test_snapshot before;
        test_snapshot_take(db, &before);
        unsigned long long fp = fingerprint(db);
        test_alloc_countdown = n;
        int rc = op(db, &fx);
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
        if (!test_snapshot_same(db, &before) || fingerprint(db) != fp || crm_in_transaction(db)) {
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
    CHECK(fault_loop("log_full", op_log_full));
    CHECK(fault_loop("log_plain", op_log_plain));
    CHECK(fault_loop("outcome", op_outcome));
    CHECK(fault_loop("reason", op_reason));
    CHECK(fault_loop("reason_clear", op_reason_clear));
    CHECK(fault_loop("summary", op_summary));
    CHECK(fault_loop("get", op_get));
    CHECK(fault_loop("get_by_ref", op_get_by_ref));
    CHECK(fault_loop("public", op_public));
    CHECK(fault_loop("log_custom", op_log_custom));
    CHECK(fault_loop("get_by_ref_named", op_get_by_ref_named));
    CHECK(fault_loop("group", op_group));

    /* A copy has no handle to report on: the code alone, and no copy. */
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", cid);
    crm_interaction_spec s = full_spec(cid);
    crm_interaction *i = NULL, *d = POISON;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    test_alloc_countdown = 0;
    int rc = crm_interaction_dup(&d, i);
    test_alloc_countdown = -1;
    CHECK_INT(rc, CRM_ENOMEM);
    CHECK(d == POISON);
    CHECK_INT(crm_interaction_dup(&d, i), CRM_OK);
    CHECK(same_record(d, i));
    crm_interaction_free(d);
    crm_interaction_free(i);
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(enum_words);
    RUN(enum_parse_bad_input);
    RUN(log_every_field);
    RUN(log_longest_strings);
    RUN(log_defaults);
    RUN(log_times_of_1970_and_before);
    RUN(log_not_in_the_future);
    RUN(log_journal);
    RUN(reply_threads);
    RUN(external_ref_unique_per_channel);
    RUN(dup_and_accessors);
    RUN(set_outcome);
    RUN(set_reason);
    RUN(set_summary);
    RUN(set_public);
    RUN(custom_channels);
    RUN(log_bad_input);
    RUN(get_bad_input);
    RUN(set_bad_input);
    RUN(in_a_group);
    RUN(read_only_handle);
    RUN(every_allocation_can_fail);
    return test_summary();
}
