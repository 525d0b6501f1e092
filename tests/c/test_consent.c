/*
 * libcrm tests - consent: the ledger, the rule that answers "may we
 * contact?", the history, and every kind of bad argument.
 */
#include "test.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MIN 60000LL

typedef struct sim_clock {
    int64_t now;
} sim_clock;

static int64_t sim_read(void *ctx)
{
    return ((sim_clock *)ctx)->now;
}

static sim_clock clk;

static crm_db *open_sim(void)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = &clk;
    o.default_country = "US";
    clk.now = T0;
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(1);
    }
    return db;
}

/* How many events the customer's ledger holds; -1 when it cannot be read. */
static int ledger_size(crm_db *db, const char *cid)
{
    crm_consent_cursor *cur;
    if (crm_consent_history_open(&cur, db, cid, NULL, NULL) != CRM_OK)
        return -1;
    const crm_consent *k;
    int n = 0, rc;
    while ((rc = crm_consent_cursor_next(cur, &k)) == CRM_ROW)
        n++;
    crm_consent_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

/* How many of the customer's events are of every channel. */
static int every_channel_events(crm_db *db, const char *cid)
{
    crm_consent_cursor *cur;
    if (crm_consent_history_open(&cur, db, cid, NULL, NULL) != CRM_OK)
        return -1;
    const crm_consent *k;
    int n = 0, rc;
    while ((rc = crm_consent_cursor_next(cur, &k)) == CRM_ROW)
        n += crm_consent_channel(k) == NULL;
    crm_consent_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

/* Record one event at `at` (CRM_TIME_NONE: now); exits on failure. */
static void event(crm_db *db, const char *cid, const char *purpose, const char *channel,
                  int granted, int64_t at)
{
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = cid;
    s.purpose = purpose;
    s.channel = channel;
    s.at = at;
    int rc = granted ? crm_consent_grant(NULL, db, &s) : crm_consent_withdraw(NULL, db, &s);
    if (rc != CRM_OK) {
        fprintf(stderr, "event: %s\n", crm_errmsg(db));
        exit(2);
    }
    clk.now += 1; /* each recorded at its own time */
}

/* The answer, or -1 when the check fails. */
static int may(crm_db *db, const char *cid, const char *purpose, const char *channel)
{
    int yes = -7;
    if (crm_consent_check(&yes, db, cid, purpose, channel) != CRM_OK) {
        fprintf(stderr, "check: %s\n", crm_errmsg(db));
        return -1;
    }
    return yes;
}

static void log_interaction(crm_db *db, const char *cid, const char *channel,
                            char out[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel_name = channel;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *i;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "log: %s\n", crm_errmsg(db));
        exit(2);
    }
    strcpy(out, crm_interaction_id(i));
    crm_interaction_free(i);
}

TEST(grant_then_check)
{
    crm_db *db = open_sim();
    char cid[CRM_ID_LEN + 1], iid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ada Lovelace", cid);
    log_interaction(db, cid, "phone", iid);
    CHECK_INT(may(db, cid, "marketing", "email"), 0); /* no event means no */
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    int64_t seq = test_last_seq(db);
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = cid;
    s.purpose = "marketing";
    s.channel = "email";
    s.at = T0 - 5 * MIN;
    s.interaction_id = iid;
    s.note = "said yes on the phone";
    crm_consent *k = NULL;
    CHECK_OK(db, crm_consent_grant(&k, db, &s));
    CHECK(test_canonical_v7(crm_consent_id(k)));
    CHECK_STR(crm_consent_customer_id(k), cid);
    CHECK_STR(crm_consent_purpose(k), "marketing");
    CHECK_STR(crm_consent_channel(k), "email");
    CHECK_INT(crm_consent_is_granted(k), 1);
    CHECK_INT(crm_consent_at(k), T0 - 5 * MIN);
    CHECK_STR(crm_consent_actor(k), "agent:alice");
    CHECK_STR(crm_consent_interaction_id(k), iid);
    CHECK_STR(crm_consent_note(k), "said yes on the phone");
    CHECK_INT(crm_consent_recorded_at(k), T0);
    test_jrow j[] = { { "consent", "grant", cid,
                        { "\"purpose\":\"marketing\"", "\"channel\":\"email\"", iid,
                          crm_consent_id(k) },
                        "said yes" } };
    CHECK(test_journal_is(db, seq, j, 1));
    CHECK_INT(may(db, cid, "marketing", "email"), 1);
    CHECK_INT(may(db, cid, "marketing", "sms"), 0);
    CHECK_INT(may(db, cid, "marketing", NULL), 0);
    CHECK_INT(may(db, cid, "surveys", "email"), 0);

    /* The deciding event is the one recorded. */
    crm_consent *d = NULL;
    CHECK_OK(db, crm_consent_latest(&d, db, cid, "marketing", "email"));
    CHECK(d != NULL);
    CHECK_STR(crm_consent_id(d), crm_consent_id(k));
    CHECK_STR(crm_consent_note(d), "said yes on the phone");
    CHECK_STR(crm_consent_interaction_id(d), iid);
    CHECK_STR(crm_consent_actor(d), "agent:alice");
    CHECK_INT(crm_consent_recorded_at(d), T0);
    crm_consent *copy = NULL;
    CHECK_INT(crm_consent_dup(&copy, d), CRM_OK);
    crm_consent_free(d);
    CHECK_STR(crm_consent_purpose(copy), "marketing");
    CHECK_STR(crm_consent_channel(copy), "email");
    CHECK_INT(crm_consent_at(copy), T0 - 5 * MIN);
    crm_consent_free(copy);
    d = (crm_consent *)1;
    CHECK_OK(db, crm_consent_latest(&d, db, cid, "marketing", "sms"));
    CHECK(d == NULL); /* nothing decides: no */

    /* An event of every channel, without note or interaction. */
    crm_consent *w = NULL;
    s.channel = NULL;
    s.interaction_id = NULL;
    s.note = NULL;
    s.at = CRM_TIME_NONE;
    clk.now += 10;
    CHECK_OK(db, crm_consent_withdraw(&w, db, &s));
    CHECK(crm_consent_channel(w) == NULL);
    CHECK(crm_consent_note(w) == NULL);
    CHECK(crm_consent_interaction_id(w) == NULL);
    CHECK_INT(crm_consent_is_granted(w), 0);
    CHECK_INT(crm_consent_at(w), clk.now);
    CHECK_INT(may(db, cid, "marketing", "email"), 0);
    CHECK_OK(db, crm_consent_latest(&d, db, cid, "marketing", "email"));
    CHECK_STR(crm_consent_id(d), crm_consent_id(w));
    CHECK(crm_consent_channel(d) == NULL && crm_consent_note(d) == NULL);
    crm_consent_free(d);
    crm_consent_free(w);
    crm_consent_free(k);
    crm_close(db);
}

TEST(ledger_order)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ben", a);
    clk.now = T0 + 1000 * MIN;
    /* A later `at` wins. */
    event(db, a, "marketing", "email", 1, T0 + 10 * MIN);
    event(db, a, "marketing", "email", 0, T0 + 20 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 0);
    event(db, a, "marketing", "email", 1, T0 + 30 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 1);
    /* The same `at`: the last recorded wins. */
    event(db, a, "marketing", "email", 0, T0 + 30 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 0);
    event(db, a, "marketing", "email", 1, T0 + 30 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 1);
    /* Backdated and recorded later: it does not undo a newer event. */
    event(db, a, "marketing", "email", 0, T0 + 5 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 1);
    /* Every channel withdrawn later: overrides the older email grant. */
    event(db, a, "marketing", NULL, 0, T0 + 40 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 0);
    CHECK_INT(may(db, a, "marketing", NULL), 0);
    /* And a later grant on one channel overrides that, for that channel. */
    event(db, a, "marketing", "sms", 1, T0 + 50 * MIN);
    CHECK_INT(may(db, a, "marketing", "sms"), 1);
    CHECK_INT(may(db, a, "marketing", "email"), 0);
    CHECK_INT(may(db, a, "marketing", NULL), 0);
    /* Every channel granted later: every channel yes, sms too. */
    event(db, a, "marketing", NULL, 1, T0 + 60 * MIN);
    CHECK_INT(may(db, a, "marketing", "email"), 1);
    CHECK_INT(may(db, a, "marketing", "letter"), 1);
    CHECK_INT(may(db, a, "marketing", NULL), 1);
    /* An older per-channel withdrawal recorded now does not override it. */
    event(db, a, "marketing", "letter", 0, T0 + 55 * MIN);
    CHECK_INT(may(db, a, "marketing", "letter"), 1);
    /* A per-channel withdrawal at the same time, recorded later, does. */
    event(db, a, "marketing", "letter", 0, T0 + 60 * MIN);
    CHECK_INT(may(db, a, "marketing", "letter"), 0);
    CHECK_INT(may(db, a, "marketing", "email"), 1);
    /* Purposes are apart. */
    CHECK_INT(may(db, a, "surveys", "email"), 0);
    /* Another customer's ledger is apart. */
    char b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", b);
    CHECK_INT(may(db, b, "marketing", "email"), 0);
    CHECK_INT(ledger_size(db, a), 11);
    CHECK_INT(ledger_size(db, b), 0);
    /* A channel nothing has used yet has no events of its own: every
     * channel's answer for it, and reading does not make it a channel. */
    int yes = 7;
    crm_consent *d = NULL, *all = NULL;
    CHECK_OK(db, crm_consent_check(&yes, db, a, "marketing", "pigeon"));
    CHECK_INT(yes, may(db, a, "marketing", NULL));
    CHECK_OK(db, crm_consent_latest(&d, db, a, "marketing", "pigeon"));
    CHECK_OK(db, crm_consent_latest(&all, db, a, "marketing", NULL));
    CHECK((d == NULL) == (all == NULL));
    if (d && all)
        CHECK_STR(crm_consent_id(d), crm_consent_id(all));
    crm_consent_free(d);
    crm_consent_free(all);
    crm_consent_cursor *cur = NULL;
    CHECK_OK(db, crm_consent_history_open(&cur, db, a, NULL, "pigeon"));
    const crm_consent *row;
    int n = 0;
    while (crm_consent_cursor_next(cur, &row) == CRM_ROW) {
        CHECK(crm_consent_channel(row) == NULL);
        n++;
    }
    crm_consent_cursor_free(cur);
    CHECK_INT(n, every_channel_events(db, a));
    crm_close(db);
}

/* The rule computed here, from the events as recorded, in the order they
 * were recorded. */
typedef struct ev {
    int purpose, channel, granted; /* channel 0: every channel */
    int64_t at;
} ev;

static int expected(const ev *e, int n, int purpose, int channel)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (e[i].purpose != purpose || (e[i].channel != 0 && e[i].channel != channel))
            continue;
        if (channel == 0 && e[i].channel != 0)
            continue;
        if (best < 0 || e[i].at >= e[best].at) /* later recorded wins a tie */
            best = i;
    }
    return best < 0 ? 0 : e[best].granted;
}

TEST(ledger_random)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Dee", a);
    static const char *const purposes[] = { "marketing", "surveys" };
    static const char *const channels[] = { NULL, "phone", "email", "sms" };
    ev e[200];
    unsigned int seed = 12345;
    clk.now = T0 + 100000 * MIN;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        e[i].purpose = (int)(seed >> 16) % 2;
        e[i].channel = (int)(seed >> 8) % 4;
        e[i].granted = (int)(seed >> 20) % 2;
        e[i].at = T0 + (int64_t)((seed >> 4) % 30) * MIN; /* many ties */
        event(db, a, purposes[e[i].purpose], channels[e[i].channel], e[i].granted, e[i].at);
        if (i % 7 == 0 || i == 199)
            for (int p = 0; p < 2; p++)
                for (int c = 0; c < 4; c++)
                    CHECK_INT(may(db, a, purposes[p], channels[c]), expected(e, i + 1, p, c));
    }
    /* The history's first row of a purpose on a channel is the deciding
     * event. */
    crm_consent_cursor *cur;
    CHECK_OK(db, crm_consent_history_open(&cur, db, a, "surveys", "sms"));
    const crm_consent *k;
    CHECK_INT(crm_consent_cursor_next(cur, &k), CRM_ROW);
    crm_consent *d;
    CHECK_OK(db, crm_consent_latest(&d, db, a, "surveys", "sms"));
    CHECK_STR(crm_consent_id(k), crm_consent_id(d));
    CHECK_INT(crm_consent_is_granted(d), expected(e, 200, 1, 3));
    crm_consent_free(d);
    crm_consent_cursor_free(cur);
    crm_close(db);
}

TEST(history)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Eve", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Fay", b);
    clk.now = T0 + 1000 * MIN;
    event(db, a, "marketing", "email", 1, T0 + 1 * MIN);
    event(db, a, "marketing", NULL, 0, T0 + 3 * MIN);
    event(db, a, "surveys", "sms", 1, T0 + 2 * MIN);
    event(db, a, "marketing", "sms", 1, T0 + 3 * MIN); /* same at, recorded later */
    event(db, b, "marketing", "email", 1, T0 + 4 * MIN);
    struct {
        const char *purpose, *channel;
        const char *want; /* purpose/channel/granted of each row, newest first */
    } cases[] = {
        { NULL, NULL, "marketing/sms/1 marketing/*/0 surveys/sms/1 marketing/email/1 " },
        { "marketing", NULL, "marketing/sms/1 marketing/*/0 marketing/email/1 " },
        { NULL, "email", "marketing/*/0 marketing/email/1 " },
        { "marketing", "sms", "marketing/sms/1 marketing/*/0 " },
        { "surveys", "email", "" },
        { "nothing", NULL, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        crm_consent_cursor *cur;
        CHECK_OK(db, crm_consent_history_open(&cur, db, a, cases[i].purpose, cases[i].channel));
        char got[256] = "";
        const crm_consent *k;
        int rc;
        while ((rc = crm_consent_cursor_next(cur, &k)) == CRM_ROW) {
            CHECK_STR(crm_consent_customer_id(k), a);
            CHECK_STR(crm_consent_actor(k), "system");
            size_t n = strlen(got);
            snprintf(got + n, sizeof got - n, "%s/%s/%d ", crm_consent_purpose(k),
                     crm_consent_channel(k) ? crm_consent_channel(k) : "*",
                     crm_consent_is_granted(k));
        }
        CHECK_INT(rc, CRM_DONE);
        CHECK_INT(crm_consent_cursor_next(cur, &k), CRM_DONE);
        crm_consent_cursor_free(cur);
        CHECK_STR(got, cases[i].want);
    }
    /* A row lent by the cursor may be kept with dup. */
    crm_consent_cursor *cur;
    CHECK_OK(db, crm_consent_history_open(&cur, db, b, NULL, NULL));
    const crm_consent *k;
    CHECK_INT(crm_consent_cursor_next(cur, &k), CRM_ROW);
    crm_consent *kept;
    CHECK_INT(crm_consent_dup(&kept, k), CRM_OK);
    CHECK_INT(crm_consent_cursor_next(cur, &k), CRM_DONE);
    crm_consent_cursor_free(cur);
    CHECK_STR(crm_consent_purpose(kept), "marketing");
    CHECK_INT(crm_consent_at(kept), T0 + 4 * MIN);
    crm_consent_free(kept);
    crm_close(db);
}

TEST(archived_and_custom_channel)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1], iid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Gil", a);
    /* Consent may come before the first message on a custom channel: the
     * grant keeps the channel, which an interaction then logs on. Before
     * it, every channel's events speak for it, both ways. */
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = a;
    s.purpose = "service_updates";
    CHECK_OK(db, crm_consent_grant(NULL, db, &s));
    CHECK_INT(may(db, a, "service_updates", "whatsapp"), 1);
    CHECK_OK(db, crm_consent_withdraw(NULL, db, &s));
    CHECK_INT(may(db, a, "service_updates", "whatsapp"), 0);
    s.channel = "whatsapp";
    CHECK_OK(db, crm_consent_grant(NULL, db, &s));
    CHECK_INT(may(db, a, "service_updates", "whatsapp"), 1);
    CHECK_INT(may(db, a, "service_updates", "telegram"), 0);
    log_interaction(db, a, "whatsapp", iid);
    CHECK_OK(db, crm_consent_grant(NULL, db, &s));
    CHECK_INT(may(db, a, "service_updates", "whatsapp"), 1);
    /* An archived customer's ledger is read and added to. */
    CHECK_OK(db, crm_customer_archive(db, a));
    clk.now += 1;
    CHECK_OK(db, crm_consent_withdraw(NULL, db, &s));
    CHECK_INT(may(db, a, "service_updates", "whatsapp"), 0);
    CHECK_INT(ledger_size(db, a), 5);
    crm_close(db);
}

TEST(bad_record)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], ia[CRM_ID_LEN + 1], ib[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Hal", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ivy", b);
    log_interaction(db, a, "phone", ia);
    log_interaction(db, b, "phone", ib);
    event(db, a, "marketing", "email", 1, CRM_TIME_NONE);
    crm_consent_spec good = CRM_CONSENT_SPEC_INIT;
    good.customer_id = a;
    good.purpose = "marketing";
    good.channel = "email";
    crm_consent_spec s;
    crm_consent *k = (crm_consent *)1;
    for (int granted = 0; granted < 2; granted++) {
#define REC(spec) (granted ? crm_consent_grant(&k, db, (spec)) : crm_consent_withdraw(&k, db, (spec)))
        CHECK_NULL_DB(db, granted ? crm_consent_grant(NULL, NULL, &good)
                                  : crm_consent_withdraw(NULL, NULL, &good),
                      granted ? "crm_consent_grant" : "crm_consent_withdraw");
        CHECK_FAILS(db, REC(NULL), CRM_EINVAL, "spec is NULL");
        s = good;
        s.version = 0;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "version is 0");
        s.version = CRM_CONSENT_SPEC_VERSION + 1;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "version");
        s = good;
        s.customer_id = NULL;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "customer id");
        for (int i = 0; test_bad_ids[i]; i++) {
            s.customer_id = test_bad_ids[i];
            CHECK_FAILS(db, REC(&s), CRM_EINVAL, "customer id");
        }
        s.customer_id = TEST_UNKNOWN_ID;
        CHECK_FAILS(db, REC(&s), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
        s = good;
        const char *bad_purposes[] = { "", "Marketing", "1st", "mark eting", "marketing!",
                                       "abcdefghijklmnopqrstuvwxyz0123456", NULL };
        s.purpose = NULL;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "purpose is NULL");
        for (int i = 0; bad_purposes[i]; i++) {
            s.purpose = bad_purposes[i];
            CHECK_FAILS(db, REC(&s), CRM_EINVAL, "purpose");
        }
        for (int i = 0; test_bad_utf8[i]; i++) {
            s.purpose = test_bad_utf8[i];
            CHECK_FAILS(db, REC(&s), CRM_EINVAL, "purpose");
        }
        s = good;
        s.channel = "E-mail";
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "channel");
        s.channel = "";
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "channel");
        s = good;
        s.at = T0 + 1000 * MIN; /* later than the clock */
        CHECK_FAILS2(db, REC(&s), CRM_EINVAL, "in the future", "at");
        s.at = CRM_TIME_MAX + 1;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "at");
        s.at = CRM_TIME_MIN - 1;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "at");
        s = good;
        s.interaction_id = "not-an-id";
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "interaction id");
        s.interaction_id = TEST_UNKNOWN_ID;
        CHECK_FAILS2(db, REC(&s), CRM_ENOTFOUND, "no interaction", TEST_UNKNOWN_ID);
        s.interaction_id = ib;
        CHECK_FAILS2(db, REC(&s), CRM_EINVAL, ib, "belongs to customer");
        s = good;
        s.note = "";
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "note is empty");
        s.note = "line one\nline two";
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "control character");
        for (int i = 0; test_bad_utf8[i]; i++) {
            s.note = test_bad_utf8[i];
            CHECK_FAILS(db, REC(&s), CRM_EINVAL, "UTF-8");
        }
        char *longer = test_long_string(CRM_CONSENT_NOTE_MAX + 1);
        s.note = longer;
        CHECK_FAILS(db, REC(&s), CRM_EINVAL, "more than the limit");
        free(longer);
        CHECK(k == (crm_consent *)1); /* out untouched on failure */
        CHECK_INT(ledger_size(db, a), 1);
        CHECK_INT(ledger_size(db, b), 0);
#undef REC
    }
    /* At the limit, and at the clock's time exactly, it is kept. */
    char *limit = test_long_string(CRM_CONSENT_NOTE_MAX);
    s = good;
    s.note = limit;
    s.at = clk.now;
    s.interaction_id = ia;
    CHECK_OK(db, crm_consent_grant(NULL, db, &s));
    free(limit);
    CHECK_INT(ledger_size(db, a), 2);
    crm_close(db);
}

TEST(bad_read)
{
    crm_db *db = open_sim();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jo", a);
    int yes = 7;
    crm_consent *d = (crm_consent *)1;
    crm_consent_cursor *cur = (crm_consent_cursor *)1;
    CHECK_NULL_DB(db, crm_consent_check(&yes, NULL, a, "marketing", NULL), "crm_consent_check");
    CHECK_NULL_DB(db, crm_consent_latest(&d, NULL, a, "marketing", NULL), "crm_consent_latest");
    CHECK_NULL_DB(db, crm_consent_history_open(&cur, NULL, a, NULL, NULL),
                  "crm_consent_history_open");
    CHECK_FAILS(db, crm_consent_check(NULL, db, a, "marketing", NULL), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_consent_latest(NULL, db, a, "marketing", NULL), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_consent_history_open(NULL, db, a, NULL, NULL), CRM_EINVAL, "out");
    for (int i = 0; test_bad_ids[i]; i++) {
        CHECK_FAILS(db, crm_consent_check(&yes, db, test_bad_ids[i], "marketing", NULL),
                    CRM_EINVAL, "customer id");
        CHECK_FAILS(db, crm_consent_latest(&d, db, test_bad_ids[i], "marketing", NULL),
                    CRM_EINVAL, "customer id");
        CHECK_FAILS(db, crm_consent_history_open(&cur, db, test_bad_ids[i], NULL, NULL),
                    CRM_EINVAL, "customer id");
    }
    CHECK_FAILS(db, crm_consent_check(&yes, db, NULL, "marketing", NULL), CRM_EINVAL,
                "customer id");
    CHECK_FAILS(db, crm_consent_check(&yes, db, TEST_UNKNOWN_ID, "marketing", NULL),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_consent_latest(&d, db, TEST_UNKNOWN_ID, "marketing", NULL),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_consent_history_open(&cur, db, TEST_UNKNOWN_ID, NULL, NULL),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_consent_check(&yes, db, a, NULL, NULL), CRM_EINVAL, "purpose is NULL");
    CHECK_FAILS(db, crm_consent_latest(&d, db, a, "Bad", NULL), CRM_EINVAL, "purpose");
    CHECK_FAILS(db, crm_consent_history_open(&cur, db, a, "Bad", NULL), CRM_EINVAL, "purpose");
    for (int i = 0; test_bad_utf8[i]; i++) {
        CHECK_FAILS(db, crm_consent_check(&yes, db, a, test_bad_utf8[i], NULL), CRM_EINVAL,
                    "purpose");
        CHECK_FAILS(db, crm_consent_check(&yes, db, a, "marketing", test_bad_utf8[i]),
                    CRM_EINVAL, "channel");
    }
    CHECK_FAILS(db, crm_consent_check(&yes, db, a, "marketing", "Email"), CRM_EINVAL, "channel");
    CHECK_INT(yes, 7);
    CHECK(d == (crm_consent *)1);
    CHECK(cur == (crm_consent_cursor *)1);
    /* Cursor calls given NULL. */
    CHECK_INT(crm_consent_cursor_next(NULL, NULL), CRM_EINVAL);
    CHECK_OK(db, crm_consent_history_open(&cur, db, a, NULL, NULL));
    CHECK_INT(crm_consent_cursor_next(cur, NULL), CRM_EINVAL);
    crm_consent_cursor_free(cur);
    crm_consent_cursor_free(NULL);
    crm_close(db);
}

TEST(null_records)
{
    CHECK(crm_consent_id(NULL) == NULL);
    CHECK(crm_consent_customer_id(NULL) == NULL);
    CHECK(crm_consent_purpose(NULL) == NULL);
    CHECK(crm_consent_channel(NULL) == NULL);
    CHECK_INT(crm_consent_is_granted(NULL), 0);
    CHECK_INT(crm_consent_at(NULL), CRM_TIME_NONE);
    CHECK(crm_consent_actor(NULL) == NULL);
    CHECK(crm_consent_interaction_id(NULL) == NULL);
    CHECK(crm_consent_note(NULL) == NULL);
    CHECK_INT(crm_consent_recorded_at(NULL), CRM_TIME_NONE);
    crm_consent *c = NULL;
    CHECK_INT(crm_consent_dup(&c, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_consent_dup");
    CHECK_INT(crm_consent_dup(NULL, NULL), CRM_EINVAL);
    crm_consent_free(NULL);
}

TEST(read_only)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Kim", a);
    crm_close(db);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = a;
    s.purpose = "marketing";
    CHECK_FAILS(db, crm_consent_grant(NULL, db, &s), CRM_EREADONLY, "read");
    CHECK_INT(may(db, a, "marketing", NULL), 0);
    crm_close(db);
    test_remove_db(path);
}

int main(void)
{
    RUN(grant_then_check);
    RUN(ledger_order);
    RUN(ledger_random);
    RUN(history);
    RUN(archived_and_custom_channel);
    RUN(bad_record);
    RUN(bad_read);
    RUN(null_records);
    RUN(read_only);
    return test_summary();
}
