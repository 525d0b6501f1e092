/*
 * libcrm tests - the timeline and threads: one history across channels,
 * newest first; every filter alone and together; ties; keyset paging;
 * threads oldest first; bad filters; cursors living beside writes.
 */
#include "test.h"

/* ---- helpers -------------------------------------------------------------- */

/* One interaction of the test, as logged. */
typedef struct made {
    char id[CRM_ID_LEN + 1];
    crm_channel_t channel;
    crm_direction_t direction;
    int64_t at;
    const char *reason;
    crm_outcome_t outcome;
    int is_public;
} made;

static void make(crm_db *db, const char *cid, crm_channel_t ch, crm_direction_t dir, int64_t at,
                 const char *reason, crm_outcome_t outcome, int is_public, const char *reply_to,
                 made *m)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = ch;
    s.direction = dir;
    s.occurred_at = at ? at : CRM_TIME_NONE; /* 0: now */
    s.reason = reason;
    s.outcome = outcome;
    s.is_public = is_public;
    s.reply_to = reply_to;
    crm_interaction *i;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "make: %s\n", crm_errmsg(db));
        exit(2);
    }
    if (m) {
        memcpy(m->id, crm_interaction_id(i), sizeof m->id);
        m->channel = ch;
        m->direction = dir;
        m->at = crm_interaction_occurred_at(i);
        m->reason = reason;
        m->outcome = outcome;
        m->is_public = is_public;
    }
    crm_interaction_free(i);
}

#define MAXROWS 400

/* The ids the timeline of cid under f shows, in order; -1 on failure. */
static int timeline(crm_db *db, const char *cid, const crm_timeline_filter *f,
                    char (*got)[CRM_ID_LEN + 1], int max)
{
    crm_interaction_cursor *cur;
    if (crm_interaction_timeline_open(&cur, db, cid, f) != CRM_OK) {
        fprintf(stderr, "timeline: open: %s\n", crm_errmsg(db));
        return -1;
    }
    const crm_interaction *i;
    int n = 0, rc;
    while ((rc = crm_interaction_cursor_next(cur, &i)) == CRM_ROW) {
        if (n >= max) {
            fprintf(stderr, "timeline: more than %d rows\n", max);
            n = -1;
            break;
        }
        if (strcmp(crm_interaction_customer_id(i), cid) != 0) {
            fprintf(stderr, "timeline: a row of another customer\n");
            n = -1;
            break;
        }
        memcpy(got[n++], crm_interaction_id(i), CRM_ID_LEN + 1);
    }
    crm_interaction_cursor_free(cur);
    if (n >= 0 && rc != CRM_DONE) {
        fprintf(stderr, "timeline: next: %s\n", crm_errmsg(db));
        return -1;
    }
    return n;
}

/* Newest first: occurred_at, then id, both descending. */
static int newest_first(const void *pa, const void *pb)
{
    const made *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at > b->at ? -1 : 1;
    return -strcmp(a->id, b->id);
}

typedef int (*pred_fn)(const made *m, const void *arg);

/* The timeline under f is exactly the rows of all[] that keep() keeps,
 * newest first. */
static int shows(crm_db *db, const char *cid, const crm_timeline_filter *f, const made *all,
                 int n, pred_fn keep, const void *arg)
{
    static made want[MAXROWS];
    static char got[MAXROWS][CRM_ID_LEN + 1];
    int w = 0;
    for (int k = 0; k < n; k++)
        if (!keep || keep(&all[k], arg))
            want[w++] = all[k];
    qsort(want, (size_t)w, sizeof want[0], newest_first);
    if (f && f->limit && (unsigned)w > f->limit)
        w = (int)f->limit;
    int g = timeline(db, cid, f, got, MAXROWS);
    if (g != w) {
        fprintf(stderr, "shows: %d rows, expected %d\n", g, w);
        return 0;
    }
    for (int k = 0; k < w; k++)
        if (strcmp(got[k], want[k].id) != 0) {
            fprintf(stderr, "shows: row %d is %s, expected %s\n", k, got[k], want[k].id);
            return 0;
        }
    return 1;
}

/* Page through f in pages of k; got[] receives the ids in the order seen.
 * Every page but the last non-empty one is full. Returns the number of
 * ids, or -1 (with a message). */
static int page_all(crm_db *db, const char *cid, crm_timeline_filter f, unsigned k,
                    char (*got)[CRM_ID_LEN + 1], int max)
{
    char last[CRM_ID_LEN + 1] = "";
    int n = 0, short_seen = 0;
    for (int pages = 0; pages <= max + 1; pages++) {
        f.limit = k;
        f.before = n ? last : NULL;
        int rows = timeline(db, cid, &f, got + n, max - n);
        if (rows < 0)
            return -1;
        if ((unsigned)rows > k) {
            fprintf(stderr, "page_all: page of %d rows with limit %u\n", rows, k);
            return -1;
        }
        if (rows == 0)
            return n;
        if (short_seen) {
            fprintf(stderr, "page_all: a short page was followed by more rows\n");
            return -1;
        }
        if ((unsigned)rows < k)
            short_seen = 1;
        n += rows;
        memcpy(last, got[n - 1], sizeof last);
    }
    fprintf(stderr, "page_all: paging does not end\n");
    return -1;
}

/* ---- a history to read ----------------------------------------------------- */

/* One customer with a spread of interactions, some at the same time, and
 * another customer whose rows must never show. */
typedef struct history {
    crm_db *db;
    char cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    made m[40];
    int n;
} history;

static const char *const reasons[] = { "billing.double_charge", "billing.refund", "billing",
                                       "shipping.late", "Billing.upper", NULL, "billinh",
                                       "billing.", "tech:router" };

static void history_make(history *h)
{
    h->db = test_open_memory();
    test_customer(h->db, CRM_CUSTOMER_PERSON, "Jane Doe", h->cid);
    test_customer(h->db, CRM_CUSTOMER_PERSON, "John Roe", h->other);
    h->n = 0;
    for (int k = 0; k < 36; k++) {
        crm_channel_t ch = (crm_channel_t)(1 + (k * 7) % CRM_CHANNEL_MAX);
        crm_direction_t dir = k % 3 ? CRM_DIRECTION_IN : CRM_DIRECTION_OUT;
        /* times out of order, with ties of two and three */
        int64_t at = 1700000000000 + ((k * 13) % 17) * 60000;
        const char *reason = reasons[k % (int)(sizeof reasons / sizeof reasons[0])];
        crm_outcome_t out = (crm_outcome_t)(k % (CRM_OUTCOME_MAX + 1));
        make(h->db, h->cid, ch, dir, at, reason, out, k % 4 == 0, NULL, &h->m[h->n++]);
        if (k % 5 == 0)
            make(h->db, h->other, ch, dir, at, reason, out, 1, NULL, NULL);
    }
}

static int keep_channels(const made *m, const void *arg)
{
    return (*(const unsigned *)arg >> m->channel) & 1;
}
/* The tests' ranges say "no bound" with 0; filters with CRM_TIME_NONE. */
static int64_t bound(int64_t t)
{
    return t ? t : CRM_TIME_NONE;
}

static int keep_range(const made *m, const void *arg)
{
    const int64_t *r = arg;
    return (!r[0] || m->at >= r[0]) && (!r[1] || m->at < r[1]);
}
static int keep_prefix(const made *m, const void *arg)
{
    const char *p = arg;
    return m->reason && strncmp(m->reason, p, strlen(p)) == 0;
}
static int keep_direction(const made *m, const void *arg)
{
    return (int)m->direction == *(const int *)arg;
}
static int keep_public(const made *m, const void *arg)
{
    (void)arg;
    return m->is_public;
}
static int keep_outcome(const made *m, const void *arg)
{
    return (int)m->outcome == *(const int *)arg;
}

static int keep_outcomes(const made *m, const void *arg)
{
    return (*(const unsigned int *)arg >> m->outcome) & 1;
}

/* ---- the whole history ------------------------------------------------------- */

TEST(history_newest_first)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    made m[6];
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, 1000, "complaint", 0, 1, NULL, &m[0]);
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_OUT, 2000, NULL, 0, 1, m[0].id, &m[1]);
    make(db, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 5000, "billing.refund",
         CRM_OUTCOME_TRANSFERRED, 0, NULL, &m[2]);
    make(db, cid, CRM_CHANNEL_IVR, CRM_DIRECTION_IN, 4000, "billing.refund",
         CRM_OUTCOME_ABANDONED, 0, NULL, &m[3]);
    make(db, cid, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUT, 3000, NULL, 0, 0, NULL, &m[4]);
    make(db, cid, CRM_CHANNEL_IN_PERSON, CRM_DIRECTION_IN, 0, NULL, CRM_OUTCOME_RESOLVED, 0,
         NULL, &m[5]); /* now: the newest */
    static const int order[] = { 5, 2, 3, 4, 1, 0 };

    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    for (int k = 0; k < 6; k++) {
        CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
        CHECK_STR(crm_interaction_id(r), m[order[k]].id);
        /* The row is the whole record. */
        crm_interaction *g = NULL;
        CHECK_OK(db, crm_interaction_get(&g, db, crm_interaction_id(r)));
        CHECK_INT(crm_interaction_channel(r), crm_interaction_channel(g));
        CHECK_INT(crm_interaction_direction(r), crm_interaction_direction(g));
        CHECK_INT(crm_interaction_occurred_at(r), crm_interaction_occurred_at(g));
        CHECK_INT(crm_interaction_outcome(r), crm_interaction_outcome(g));
        CHECK_INT(crm_interaction_is_public(r), crm_interaction_is_public(g));
        CHECK_INT(crm_interaction_sentiment(r), CRM_SENTIMENT_NONE);
        CHECK_STR(crm_interaction_thread_id(r), crm_interaction_thread_id(g));
        CHECK_INT(crm_interaction_updated_at(r), crm_interaction_updated_at(g));
        CHECK((crm_interaction_reason(r) == NULL) == (crm_interaction_reason(g) == NULL));
        if (crm_interaction_reason(r))
            CHECK_STR(crm_interaction_reason(r), crm_interaction_reason(g));
        CHECK((crm_interaction_reply_to(r) == NULL) == (crm_interaction_reply_to(g) == NULL));
        crm_interaction_free(g);
    }
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE); /* and stays done */
    crm_interaction_cursor_free(cur);

    /* A filter at its defaults is no filter. */
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    CHECK(shows(db, cid, &f, m, 6, NULL, NULL));
    CHECK(shows(db, cid, NULL, m, 6, NULL, NULL));
    /* An organisation has a timeline too; a customer without any, an empty one. */
    char org[CRM_ID_LEN + 1], none[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", org);
    test_customer(db, CRM_CUSTOMER_PERSON, "Nobody", none);
    made o;
    make(db, org, CRM_CHANNEL_LETTER, CRM_DIRECTION_OUT, 10, NULL, 0, 0, NULL, &o);
    CHECK(shows(db, org, NULL, &o, 1, NULL, NULL));
    CHECK(shows(db, none, NULL, m, 0, NULL, NULL));
    crm_close(db);
}

TEST(ties_broken_by_id)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    made m[12];
    for (int k = 0; k < 12; k++)
        make(db, cid, (crm_channel_t)(1 + k % CRM_CHANNEL_MAX), CRM_DIRECTION_IN,
             k < 8 ? 5000 : 6000, NULL, 0, 0, NULL, &m[k]);
    /* Same time: the later logged (greater id) comes first, every time. */
    static char a[12][CRM_ID_LEN + 1], b[12][CRM_ID_LEN + 1];
    CHECK_INT(timeline(db, cid, NULL, a, 12), 12);
    CHECK_INT(timeline(db, cid, NULL, b, 12), 12);
    for (int k = 0; k < 12; k++) {
        CHECK_STR(a[k], b[k]);
        CHECK_STR(a[k], m[k < 4 ? 11 - k : 7 - (k - 4)].id);
    }
    CHECK(shows(db, cid, NULL, m, 12, NULL, NULL));
    crm_close(db);
}

/* ---- filters ----------------------------------------------------------------- */

TEST(filter_channels)
{
    history h;
    history_make(&h);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    for (int c = 1; c <= CRM_CHANNEL_MAX; c++) {
        f.channels = CRM_CHANNEL_BIT(c);
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_channels, &f.channels));
    }
    f.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE) | CRM_CHANNEL_BIT(CRM_CHANNEL_IVR) |
                 CRM_CHANNEL_BIT(CRM_CHANNEL_COMMUNITY);
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_channels, &f.channels));
    unsigned all = 0;
    for (int c = 1; c <= CRM_CHANNEL_MAX; c++)
        all |= CRM_CHANNEL_BIT(c);
    f.channels = all;
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, NULL, NULL));
    crm_close(h.db);
}

TEST(filter_times)
{
    history h;
    history_make(&h);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    static const int64_t ranges[][2] = {
        { 1700000000000 + 5 * 60000, 0 },          /* from, inclusive */
        { 0, 1700000000000 + 5 * 60000 },          /* to, exclusive */
        { 1700000000000 + 3 * 60000, 1700000000000 + 9 * 60000 },
        { 1700000000000 + 3 * 60000, 1700000000000 + 3 * 60000 }, /* empty */
        { 1700000000000 + 3 * 60000 + 1, 1700000000000 + 4 * 60000 + 1 },
        { 1, 1700000000000 }, /* before everything */
        { 1800000000000, 0 }, /* after everything */
        { 0, CRM_TIME_MAX },
        { CRM_TIME_MIN, 0 },
    };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        f.from = bound(ranges[k][0]);
        f.to = bound(ranges[k][1]);
        if (!shows(h.db, h.cid, &f, h.m, h.n, keep_range, ranges[k]))
            fprintf(stderr, "  range %zu\n", k);
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_range, ranges[k]));
    }
    crm_close(h.db);
}

TEST(filter_reason_prefix)
{
    history h;
    history_make(&h);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    static const char *const prefixes[] = { "billing", "billing.", "billing.r", "b", "B",
                                            "shipping.late", "tech:", "tech:r", "zzz",
                                            "billing.double_charge.more" };
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        f.reason_prefix = prefixes[k];
        if (!shows(h.db, h.cid, &f, h.m, h.n, keep_prefix, prefixes[k]))
            fprintf(stderr, "  prefix %s\n", prefixes[k]);
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_prefix, prefixes[k]));
    }
    /* "" filters nothing, as NULL. */
    f.reason_prefix = "";
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, NULL, NULL));
    crm_close(h.db);
}

TEST(filter_direction_public_outcome)
{
    history h;
    history_make(&h);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    for (int d = 1; d <= 2; d++) {
        f.direction = d;
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_direction, &d));
    }
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.public_only = 1;
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_public, NULL));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    for (int o = 0; o <= CRM_OUTCOME_MAX; o++) {
        f.outcomes = CRM_OUTCOME_BIT(o);
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_outcome, &o));
    }
    /* Several outcomes at once: resolved or escalated. */
    f.outcomes = CRM_OUTCOME_BIT(CRM_OUTCOME_RESOLVED) | CRM_OUTCOME_BIT(CRM_OUTCOME_ESCALATED);
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_outcomes, &f.outcomes));
    f.outcomes = 0;
    CHECK(shows(h.db, h.cid, &f, h.m, h.n, NULL, NULL));
    crm_close(h.db);
}

TEST(filter_limit)
{
    history h;
    history_make(&h);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    static const unsigned limits[] = { 1, 2, 5, 35, 36, 37, 1000, 0xffffffffu };
    for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
        f.limit = limits[k];
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, NULL, NULL));
    }
    crm_close(h.db);
}

/* Every filter at once. */
typedef struct combo {
    unsigned channels;
    int64_t range[2];
    const char *prefix;
    int direction, public_only, outcome;
} combo;

static int keep_combo(const made *m, const void *arg)
{
    const combo *c = arg;
    return (!c->channels || keep_channels(m, &c->channels)) && keep_range(m, c->range) &&
           (!c->prefix || keep_prefix(m, c->prefix)) &&
           (!c->direction || keep_direction(m, &c->direction)) &&
           (!c->public_only || m->is_public) && (c->outcome < 0 || keep_outcome(m, &c->outcome));
}

static crm_timeline_filter combo_filter(const combo *c)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.channels = c->channels;
    f.from = bound(c->range[0]);
    f.to = bound(c->range[1]);
    f.reason_prefix = c->prefix;
    f.direction = c->direction;
    f.public_only = c->public_only;
    f.outcomes = c->outcome < 0 ? 0 : CRM_OUTCOME_BIT(c->outcome);
    return f;
}

static const combo combos[] = {
    { 0, { 0, 0 }, "billing", CRM_DIRECTION_IN, 0, -1 },
    { 0, { 1700000000000 + 2 * 60000, 1700000000000 + 12 * 60000 }, "billing.", 0, 0, -1 },
    { (1u << 1) | (1u << 3) | (1u << 5) | (1u << 8), { 0, 1700000000000 + 10 * 60000 }, NULL,
      CRM_DIRECTION_IN, 0, -1 },
    { (1u << 1) | (1u << 2) | (1u << 4) | (1u << 8) | (1u << 11), { 0, 0 }, NULL, 0, 1, -1 },
    { 0, { 0, 0 }, NULL, CRM_DIRECTION_OUT, 0, CRM_OUTCOME_NONE },
    { 0xffe, { 1700000000000, 1700000000000 + 16 * 60000 + 1 }, "b", CRM_DIRECTION_IN, 0,
      CRM_OUTCOME_RESOLVED },
    { 0x0f0, { 1700000000000 + 60000, 0 }, "billing", CRM_DIRECTION_IN, 1, -1 },
};

TEST(filters_combined)
{
    history h;
    history_make(&h);
    for (size_t k = 0; k < sizeof combos / sizeof combos[0]; k++) {
        crm_timeline_filter f = combo_filter(&combos[k]);
        if (!shows(h.db, h.cid, &f, h.m, h.n, keep_combo, &combos[k]))
            fprintf(stderr, "  combination %zu\n", k);
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_combo, &combos[k]));
        f.limit = 3;
        CHECK(shows(h.db, h.cid, &f, h.m, h.n, keep_combo, &combos[k]));
    }
    crm_close(h.db);
}

/* ---- keyset paging -------------------------------------------------------------- */

TEST(paging_visits_each_once_in_order)
{
    history h;
    history_make(&h);
    static char all[MAXROWS][CRM_ID_LEN + 1], got[MAXROWS][CRM_ID_LEN + 1];
    int n = timeline(h.db, h.cid, NULL, all, MAXROWS);
    CHECK_INT(n, h.n);
    static const unsigned ks[] = { 1, 2, 3, 4, 5, 7, 35, 36, 37, 100 };
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++) {
        int p = page_all(h.db, h.cid, f, ks[k], got, MAXROWS);
        if (p != n)
            fprintf(stderr, "  pages of %u\n", ks[k]);
        CHECK_INT(p, n);
        for (int i = 0; i < n; i++)
            CHECK_STR(got[i], all[i]);
    }

    /* The same with every filter combination: a page starts after the row
     * named, whichever filter that row would pass. */
    for (size_t c = 0; c < sizeof combos / sizeof combos[0]; c++) {
        f = combo_filter(&combos[c]);
        n = timeline(h.db, h.cid, &f, all, MAXROWS);
        CHECK(n >= 0);
        for (unsigned k = 1; k <= 4; k++) {
            int p = page_all(h.db, h.cid, f, k, got, MAXROWS);
            if (p != n)
                fprintf(stderr, "  combination %zu in pages of %u\n", c, k);
            CHECK_INT(p, n);
            for (int i = 0; i < n; i++)
                CHECK_STR(got[i], all[i]);
        }
    }
    crm_close(h.db);
}

TEST(paging_with_a_time_bound)
{
    history h;
    history_make(&h);
    static made sorted[40];
    memcpy(sorted, h.m, sizeof h.m[0] * (size_t)h.n);
    qsort(sorted, (size_t)h.n, sizeof sorted[0], newest_first);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    const int64_t to = 1700000000000 + 8 * 60000;
    const int64_t range[2] = { 0, to };
    /* `before` newer than `to`: the bound decides; older: the key decides. */
    for (int k = 0; k < h.n; k++) {
        f.to = to;
        f.before = sorted[k].id;
        made rest[40];
        int r = 0;
        for (int i = k + 1; i < h.n; i++)
            if (keep_range(&sorted[i], range))
                rest[r++] = sorted[i];
        if (!shows(h.db, h.cid, &f, rest, r, NULL, NULL))
            fprintf(stderr, "  before row %d (at %lld)\n", k, (long long)sorted[k].at);
        CHECK(shows(h.db, h.cid, &f, rest, r, NULL, NULL));
        /* and from as a lower bound */
        f.from = 1700000000000 + 2 * 60000;
        r = 0;
        const int64_t both[2] = { f.from, to };
        for (int i = k + 1; i < h.n; i++)
            if (keep_range(&sorted[i], both))
                rest[r++] = sorted[i];
        CHECK(shows(h.db, h.cid, &f, rest, r, NULL, NULL));
        f.from = CRM_TIME_NONE;
    }
    crm_close(h.db);
}

TEST(before_must_be_this_customers)
{
    history h;
    history_make(&h);
    char theirs[CRM_ID_LEN + 1];
    made t;
    make(h.db, h.other, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 1, NULL, 0, 0, NULL, &t);
    memcpy(theirs, t.id, sizeof theirs);
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&f;
    f.before = theirs;
    CHECK_FAILS2(h.db, crm_interaction_timeline_open(&cur, h.db, h.cid, &f), CRM_ENOTFOUND, "before", theirs);
    f.before = TEST_UNKNOWN_ID;
    CHECK_FAILS2(h.db, crm_interaction_timeline_open(&cur, h.db, h.cid, &f), CRM_ENOTFOUND, "before",
                 TEST_UNKNOWN_ID);
    f.before = h.cid; /* a customer, not an interaction */
    CHECK_FAILS(h.db, crm_interaction_timeline_open(&cur, h.db, h.cid, &f), CRM_ENOTFOUND, "before");
    CHECK(cur == (crm_interaction_cursor *)(void *)&f);
    /* It is theirs: their timeline pages from it. */
    f.before = theirs;
    CHECK_OK(h.db, crm_interaction_timeline_open(&cur, h.db, h.other, &f));
    const crm_interaction *r;
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE); /* it was their oldest */
    crm_interaction_cursor_free(cur);
    CHECK_OK(h.db, crm_close(h.db)); /* no cursor was left open */
}

/* ---- threads -------------------------------------------------------------------- */

/* The ids of the thread of id, in order; -1 on failure. */
static int thread(crm_db *db, const char *id, char (*got)[CRM_ID_LEN + 1], int max)
{
    crm_interaction_cursor *cur;
    if (crm_interaction_thread_open(&cur, db, id, NULL) != CRM_OK) {
        fprintf(stderr, "thread: open: %s\n", crm_errmsg(db));
        return -1;
    }
    const crm_interaction *i;
    int n = 0, rc;
    while ((rc = crm_interaction_cursor_next(cur, &i)) == CRM_ROW && n < max)
        memcpy(got[n++], crm_interaction_id(i), CRM_ID_LEN + 1);
    crm_interaction_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

TEST(thread_oldest_first)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    made a, b, c, d, x, y, z;
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, 1000, NULL, 0, 1, NULL, &a);
    make(db, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 1500, NULL, 0, 0, NULL, &x);
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_OUT, 2000, NULL, 0, 1, a.id, &b);
    make(db, cid, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUT, 4000, NULL, 0, 0, b.id, &c);
    /* Logged last but happened earlier (an import): time decides. */
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, 3000, NULL, 0, 1, a.id, &d);
    /* A tie in time: the id decides. */
    make(db, cid, CRM_CHANNEL_CHAT, CRM_DIRECTION_IN, 4000, NULL, 0, 0, d.id, &y);
    make(db, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_OUT, 1600, NULL, 0, 0, x.id, &z);
    const char *want[] = { a.id, b.id, d.id, c.id, y.id };
    static char got[8][CRM_ID_LEN + 1];
    const char *members[] = { a.id, b.id, c.id, d.id, y.id };
    for (int k = 0; k < 5; k++) {
        CHECK_INT(thread(db, members[k], got, 8), 5);
        for (int i = 0; i < 5; i++)
            CHECK_STR(got[i], want[i]);
    }
    CHECK_INT(thread(db, x.id, got, 8), 2);
    CHECK_STR(got[0], x.id);
    CHECK_STR(got[1], z.id);
    /* A first interaction with no reply is a thread of one. */
    made alone;
    make(db, cid, CRM_CHANNEL_WEB, CRM_DIRECTION_IN, 9000, NULL, 0, 0, NULL, &alone);
    CHECK_INT(thread(db, alone.id, got, 8), 1);
    CHECK_STR(got[0], alone.id);
    /* The rows are whole records. */
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, c.id, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_INT(crm_interaction_channel(r), CRM_CHANNEL_SOCIAL);
    CHECK(crm_interaction_reply_to(r) == NULL);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_reply_to(r), a.id);
    CHECK_STR(crm_interaction_thread_id(r), a.id);
    CHECK_INT(crm_interaction_occurred_at(r), 2000);
    crm_interaction_cursor_free(cur);
    crm_close(db);
}

TEST(thread_bad_input)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    made a;
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, 1000, NULL, 0, 1, NULL, &a);
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&a;
    CHECK_NULL_DB(db, crm_interaction_thread_open(&cur, NULL, a.id, NULL), "crm_interaction_thread_open");
    CHECK_FAILS(db, crm_interaction_thread_open(NULL, db, a.id, NULL), CRM_EINVAL, "output");
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, NULL, NULL), CRM_EINVAL, "interaction id", "NULL");
    for (int k = 0; test_bad_ids[k]; k++)
        CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, test_bad_ids[k], NULL), CRM_EINVAL,
                     "interaction id", "not an id");
    for (int k = 0; test_bad_utf8[k]; k++)
        CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, test_bad_utf8[k], NULL), CRM_EINVAL,
                     "interaction id", "not an id");
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, TEST_UNKNOWN_ID, NULL), CRM_ENOTFOUND, "interaction",
                 TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, cid, NULL), CRM_ENOTFOUND, cid);
    CHECK(cur == (crm_interaction_cursor *)(void *)&a);
    CHECK_OK(db, crm_close(db));
}

/* ---- threads under a filter --------------------------------------------------- */

/* The ids the thread of id under f shows, in order; -1 on failure. */
static int thread_f(crm_db *db, const char *id, const crm_timeline_filter *f,
                    char (*got)[CRM_ID_LEN + 1], int max)
{
    crm_interaction_cursor *cur;
    if (crm_interaction_thread_open(&cur, db, id, f) != CRM_OK) {
        fprintf(stderr, "thread: open: %s\n", crm_errmsg(db));
        return -1;
    }
    const crm_interaction *i;
    int n = 0, rc;
    while ((rc = crm_interaction_cursor_next(cur, &i)) == CRM_ROW) {
        if (n >= max) {
            fprintf(stderr, "thread: more than %d rows\n", max);
            n = -1;
            break;
        }
        memcpy(got[n++], crm_interaction_id(i), CRM_ID_LEN + 1);
    }
    crm_interaction_cursor_free(cur);
    return n >= 0 && rc == CRM_DONE ? n : -1;
}

static int oldest_first(const void *pa, const void *pb)
{
    return -newest_first(pa, pb);
}

/* The thread of id under f is exactly the rows of all[] that keep() keeps,
 * oldest first. */
static int thread_shows(crm_db *db, const char *id, const crm_timeline_filter *f,
                        const made *all, int n, pred_fn keep, const void *arg)
{
    static made want[MAXROWS];
    static char got[MAXROWS][CRM_ID_LEN + 1];
    int w = 0;
    for (int k = 0; k < n; k++)
        if (!keep || keep(&all[k], arg))
            want[w++] = all[k];
    qsort(want, (size_t)w, sizeof want[0], oldest_first);
    if (f && f->limit && (unsigned)w > f->limit)
        w = (int)f->limit;
    int g = thread_f(db, id, f, got, MAXROWS);
    if (g != w) {
        fprintf(stderr, "thread_shows: %d rows, expected %d\n", g, w);
        return 0;
    }
    for (int k = 0; k < w; k++)
        if (strcmp(got[k], want[k].id) != 0) {
            fprintf(stderr, "thread_shows: row %d is %s, expected %s\n", k, got[k], want[k].id);
            return 0;
        }
    return 1;
}

/* One long conversation of h's customer, beside h's history: every reply
 * answers the first or the one before, over channels, times (with ties),
 * reasons, outcomes. */
typedef struct conversation {
    made m[30];
    int n;
} conversation;

static void conversation_make(history *h, conversation *cv)
{
    cv->n = 0;
    for (int k = 0; k < 30; k++) {
        crm_channel_t ch = (crm_channel_t)(1 + (k * 5) % CRM_CHANNEL_MAX);
        crm_direction_t dir = k % 2 ? CRM_DIRECTION_IN : CRM_DIRECTION_OUT;
        int64_t at = 1750000000000 + ((k * 7) % 11) * 60000;
        const char *reason = reasons[k % (int)(sizeof reasons / sizeof reasons[0])];
        crm_outcome_t out = (crm_outcome_t)(k % (CRM_OUTCOME_MAX + 1));
        const char *to = k == 0 ? NULL : k % 3 ? cv->m[0].id : cv->m[k - 1].id;
        make(h->db, h->cid, ch, dir, at, reason, out, k % 4 == 1, to, &cv->m[cv->n++]);
    }
}

TEST(thread_filters)
{
    history h;
    conversation cv;
    history_make(&h);
    conversation_make(&h, &cv);
    const char *from_any = cv.m[17].id; /* any member opens the whole thread */
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    CHECK(thread_shows(h.db, from_any, NULL, cv.m, cv.n, NULL, NULL));
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, NULL, NULL));
    for (int c = 1; c <= CRM_CHANNEL_MAX; c++) {
        f.channels = CRM_CHANNEL_BIT(c) | CRM_CHANNEL_BIT(c % CRM_CHANNEL_MAX + 1);
        CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_channels, &f.channels));
    }
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    int64_t r[2] = { 1750000000000 + 3 * 60000, 1750000000000 + 8 * 60000 };
    f.from = r[0];
    f.to = r[1];
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_range, r));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.reason_prefix = "billing.";
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_prefix, "billing."));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    int dir = CRM_DIRECTION_OUT;
    f.direction = dir;
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_direction, &dir));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.public_only = 1;
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_public, NULL));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.outcomes = CRM_OUTCOME_BIT(CRM_OUTCOME_NONE) | CRM_OUTCOME_BIT(CRM_OUTCOME_ESCALATED);
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_outcomes, &f.outcomes));
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.limit = 4;
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, NULL, NULL));
    /* Channels by word, built in: the same as their bits. */
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    const char *const words[] = { "email", "sms", NULL };
    f.channel_names = words;
    unsigned bits = CRM_CHANNEL_BIT(CRM_CHANNEL_EMAIL) | CRM_CHANNEL_BIT(CRM_CHANNEL_SMS);
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_channels, &bits));
    /* Words and bits together: either keeps a row. */
    f.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE);
    bits |= f.channels;
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_channels, &bits));
    /* A version 2 filter has no channel_names: the field is not read. */
    f.version = 2;
    CHECK(thread_shows(h.db, from_any, &f, cv.m, cv.n, keep_channels, &f.channels));
    crm_close(h.db);
}

/* Paging a thread forwards: `before` is the last row seen, and the next
 * page is the rows after it, with or without a lower time bound. */
TEST(thread_paging)
{
    history h;
    conversation cv;
    history_make(&h);
    conversation_make(&h, &cv);
    made want[30];
    memcpy(want, cv.m, sizeof want);
    qsort(want, 30, sizeof want[0], oldest_first);
    static char got[64][CRM_ID_LEN + 1];
    for (unsigned k = 1; k <= 7; k++) {
        crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
        char last[CRM_ID_LEN + 1];
        int n = 0;
        for (;;) {
            f.limit = k;
            f.before = n ? last : NULL;
            int rows = thread_f(h.db, cv.m[0].id, &f, got + n, 64 - n);
            CHECK(rows >= 0 && (unsigned)rows <= k);
            if (rows <= 0)
                break;
            n += rows;
            memcpy(last, got[n - 1], sizeof last);
        }
        CHECK_INT(n, 30);
        for (int i = 0; i < 30; i++)
            CHECK_STR(got[i], want[i].id);
    }
    /* With `from` as well, whichever bound is later rules. */
    int64_t from = want[10].at;
    for (int start = 0; start < 30; start += 4) {
        crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
        f.from = from;
        f.before = want[start].id;
        int rows = thread_f(h.db, cv.m[3].id, &f, got, 64);
        int w = 0;
        for (int i = start + 1; i < 30; i++)
            if (want[i].at >= from)
                CHECK_STR(got[w++], want[i].id);
        CHECK_INT(rows, w);
    }
    /* `before` must be of this thread: of the customer's history is not enough. */
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&h;
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.before = h.m[0].id;
    CHECK_FAILS2(h.db, crm_interaction_thread_open(&cur, h.db, cv.m[0].id, &f), CRM_ENOTFOUND,
                 "before", "thread");
    f.before = TEST_UNKNOWN_ID;
    CHECK_FAILS2(h.db, crm_interaction_thread_open(&cur, h.db, cv.m[0].id, &f), CRM_ENOTFOUND,
                 "before", TEST_UNKNOWN_ID);
    CHECK(cur == (crm_interaction_cursor *)(void *)&h);
    CHECK_OK(h.db, crm_close(h.db));
}

/* A list without `before` checks its customer (its interaction, for a
 * thread) in its own first read: a missing one is refused, however the
 * filter is set, and one whose rows the filter all leaves out is an empty
 * list. With `before`, the check of the key checks it too. */
TEST(head_missing_or_filtered_out)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], none[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", none);
    made a;
    make(db, cid, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, 1000, NULL, 0, 0, NULL, &a);
    crm_timeline_filter phone = CRM_TIMELINE_FILTER_INIT, limited = CRM_TIMELINE_FILTER_INIT;
    phone.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE);
    limited.limit = 1;
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&a;
    const crm_interaction *r;

    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, &phone));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, none, &limited));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, a.id, &phone));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, a.id, &limited));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), a.id);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);

    cur = (crm_interaction_cursor *)(void *)&a;
    CHECK_FAILS2(db, crm_interaction_timeline_open(&cur, db, TEST_UNKNOWN_ID, &phone),
                 CRM_ENOTFOUND, "no customer", TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, TEST_UNKNOWN_ID, &phone),
                 CRM_ENOTFOUND, "no interaction", TEST_UNKNOWN_ID);
    crm_timeline_filter before = CRM_TIMELINE_FILTER_INIT;
    before.before = a.id;
    CHECK_FAILS2(db, crm_interaction_timeline_open(&cur, db, TEST_UNKNOWN_ID, &before),
                 CRM_ENOTFOUND, "no customer", TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, TEST_UNKNOWN_ID, &before),
                 CRM_ENOTFOUND, "no interaction", TEST_UNKNOWN_ID);
    CHECK(cur == (crm_interaction_cursor *)(void *)&a);
    CHECK_OK(db, crm_close(db));
}

/* A row's texts are the cursor's own copies, whatever their length: a row
 * whose texts outgrow the room the cursor started with moves the ones it
 * copied before, and the next row's longer ones move it again. */
TEST(long_texts_in_a_list)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    static char body[2][6000], summary[2][400];
    for (int k = 0; k < 2; k++) {
        /* newest first: the first row listed (k 1) outgrows the first room */
        size_t blen = k ? 300 : sizeof body[k] - 1, slen = k ? 200 : sizeof summary[k] - 1;
        for (size_t i = 0; i < blen; i++)
            body[k][i] = (char)('a' + (i + (size_t)k) % 26);
        for (size_t i = 0; i < slen; i++)
            summary[k][i] = (char)('A' + (i * 7 + (size_t)k) % 26);
        crm_interaction_spec sp = CRM_INTERACTION_SPEC_INIT;
        sp.customer_id = cid;
        sp.channel = CRM_CHANNEL_EMAIL;
        sp.direction = CRM_DIRECTION_IN;
        sp.occurred_at = 1700000000000 + k;
        sp.handled_by = "agent:kim";
        sp.reason = "billing";
        sp.summary = summary[k];
        sp.body = body[k];
        CHECK_OK(db, crm_interaction_log(NULL, db, &sp));
    }
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    for (int k = 1; k >= 0; k--) {
        CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
        CHECK_STR(crm_interaction_handled_by(r), "agent:kim");
        CHECK_STR(crm_interaction_reason(r), "billing");
        CHECK_STR(crm_interaction_summary(r), summary[k]);
        CHECK_STR(crm_interaction_body(r), body[k]);
    }
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

/* The thread takes the timeline's checks of a filter, before it looks the
 * interaction up. */
TEST(thread_bad_filter)
{
    history h;
    history_make(&h);
    crm_db *db = h.db;
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&h;
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.version = 0;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "version");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.channels = 1u;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "channels");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.from = 10;
    f.to = 5;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "range");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.direction = 3;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "direction");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.public_only = 2;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "public_only");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.outcomes = 1u << 9;
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "outcomes");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.reason_prefix = "bad prefix";
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "reason_prefix");
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.before = "nonsense";
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL, "before",
                 "not an id");
    const char *const bad[] = { "phone", "Email", NULL };
    f = (crm_timeline_filter)CRM_TIMELINE_FILTER_INIT;
    f.channel_names = bad;
    CHECK_FAILS2(db, crm_interaction_thread_open(&cur, db, h.m[0].id, &f), CRM_EINVAL,
                 "channel_names[1]", "Email");
    /* A filter is checked first: a bad one with an unknown id is EINVAL. */
    CHECK_FAILS(db, crm_interaction_thread_open(&cur, db, TEST_UNKNOWN_ID, &f), CRM_EINVAL,
                "channel_names[1]");
    CHECK(cur == (crm_interaction_cursor *)(void *)&h);
    CHECK_OK(db, crm_close(db));
}

/* ---- bad filters ---------------------------------------------------------------- */

static char poison_byte;

/* Opening the timeline of cid under f fails with code and the fragments,
 * leaves *out alone and changes nothing. */
#define OPEN_FAILS(db, cid, f, code, f1, f2)                                         \
    do {                                                                             \
        crm_interaction_cursor *c_ = (crm_interaction_cursor *)(void *)&poison_byte; \
        CHECK_FAILS_((db), (db), crm_interaction_timeline_open(&c_, (db), (cid), (f)), (code), (f1), (f2)); \
        CHECK(c_ == (crm_interaction_cursor *)(void *)&poison_byte);                 \
    } while (0)

TEST(timeline_bad_input)
{
    history h;
    history_make(&h);
    crm_db *db = h.db;
    crm_timeline_filter ok = CRM_TIMELINE_FILTER_INIT, f;
    crm_interaction_cursor *cur = (crm_interaction_cursor *)(void *)&poison_byte;

    CHECK_NULL_DB(db, crm_interaction_timeline_open(&cur, NULL, h.cid, &ok), "crm_interaction_timeline_open");
    CHECK_FAILS(db, crm_interaction_timeline_open(NULL, db, h.cid, &ok), CRM_EINVAL, "output");
    OPEN_FAILS(db, NULL, &ok, CRM_EINVAL, "customer id", "NULL");
    for (int k = 0; test_bad_ids[k]; k++)
        OPEN_FAILS(db, test_bad_ids[k], &ok, CRM_EINVAL, "customer id", "not an id");
    for (int k = 0; test_bad_utf8[k]; k++)
        OPEN_FAILS(db, test_bad_utf8[k], &ok, CRM_EINVAL, "customer id", "not an id");
    OPEN_FAILS(db, TEST_UNKNOWN_ID, &ok, CRM_ENOTFOUND, "customer", TEST_UNKNOWN_ID);
    OPEN_FAILS(db, TEST_UNKNOWN_ID, NULL, CRM_ENOTFOUND, "customer", TEST_UNKNOWN_ID);
    OPEN_FAILS(db, h.m[0].id, NULL, CRM_ENOTFOUND, "customer", h.m[0].id);

    f = ok, f.version = 0;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "version", "0");
    f = ok, f.version = CRM_TIMELINE_FILTER_VERSION + 1;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "version", "3");

    static const unsigned bad_bits[] = { 1u, 1u << (CRM_CHANNEL_MAX + 1), 1u << 31, 0xffffffffu,
                                         CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE) | 1u };
    for (size_t k = 0; k < sizeof bad_bits / sizeof bad_bits[0]; k++) {
        f = ok, f.channels = bad_bits[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "channels", NULL);
    }
    f = ok, f.from = CRM_TIME_MIN - 1;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "from", "-62135596800001");
    f = ok, f.to = CRM_TIME_MAX + 1;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "to", "0001-01-01 to 9999-12-31");
    f = ok, f.from = 2000, f.to = 1999;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "2000", "1999");
    f = ok, f.from = INT64_MAX;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "from", NULL);

    static const int bad_dir[] = { -1, 3, 99 };
    for (size_t k = 0; k < sizeof bad_dir / sizeof bad_dir[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "%d", bad_dir[k]);
        f = ok, f.direction = bad_dir[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "direction", v);
    }
    static const int bad_pub[] = { -1, 2 };
    for (size_t k = 0; k < sizeof bad_pub / sizeof bad_pub[0]; k++) {
        f = ok, f.public_only = bad_pub[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "public_only", NULL);
    }
    static const unsigned int bad_out[] = { CRM_OUTCOME_BIT(CRM_OUTCOME_MAX + 1), 1u << 31,
                                            0xffffffffu };
    for (size_t k = 0; k < sizeof bad_out / sizeof bad_out[0]; k++) {
        char v[16];
        snprintf(v, sizeof v, "0x%x", bad_out[k]);
        f = ok, f.outcomes = bad_out[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "outcomes", v);
    }

    for (int k = 0; test_bad_utf8[k]; k++) {
        f = ok, f.reason_prefix = test_bad_utf8[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "reason_prefix", "UTF-8");
    }
    static const char *const bad_prefix[] = { "billing ", "a/b", "\xc3\xa9", "a\nb", NULL };
    for (int k = 0; bad_prefix[k]; k++) {
        f = ok, f.reason_prefix = bad_prefix[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "reason_prefix", "letters, digits");
    }
    char *l = test_long_string(CRM_REASON_MAX + 1);
    f = ok, f.reason_prefix = l;
    OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "reason_prefix", "limit");
    l[CRM_REASON_MAX] = '\0';
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, h.cid, &f));
    crm_interaction_cursor_free(cur);
    free(l);

    for (int k = 0; test_bad_ids[k]; k++) {
        f = ok, f.before = test_bad_ids[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "before", "not an id");
    }
    for (int k = 0; test_bad_utf8[k]; k++) {
        f = ok, f.before = test_bad_utf8[k];
        OPEN_FAILS(db, h.cid, &f, CRM_EINVAL, "before", "not an id");
    }
    CHECK_OK(db, crm_close(db)); /* nothing was left open */
}

TEST(next_and_free_bad_input)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", cid);
    make(db, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 10, NULL, 0, 0, NULL, NULL);
    const crm_interaction *r = NULL;
    CHECK_RC(NULL, crm_interaction_cursor_next(NULL, &r), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_interaction_cursor_next");
    CHECK_CONTAINS(crm_errmsg(NULL), "cursor");
    CHECK(r == NULL);
    crm_interaction_cursor *cur;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    CHECK_RC(db, crm_interaction_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_interaction_cursor_next");
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    crm_interaction_cursor_free(NULL);
    CHECK_OK(db, crm_close(db));
}

/* ---- cursors beside other work ------------------------------------------------------ */

TEST(cursor_survives_writes)
{
    history h;
    history_make(&h);
    crm_db *db = h.db;
    static char all[MAXROWS][CRM_ID_LEN + 1];
    int n = timeline(db, h.cid, NULL, all, MAXROWS);
    CHECK_INT(n, h.n);

    crm_interaction_cursor *cur, *thr;
    const crm_interaction *r, *t;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, h.cid, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), all[0]);
    CHECK_OK(db, crm_interaction_thread_open(&thr, db, all[0], NULL));
    /* Writes while both are open: newer rows, changed rows, another
     * customer, a whole group; and reads of the same statements. */
    make(db, h.cid, CRM_CHANNEL_WEB, CRM_DIRECTION_IN, 0, NULL, 0, 0, all[0], NULL);
    CHECK_OK(db, crm_interaction_set_outcome(db, all[5], CRM_OUTCOME_ESCALATED));
    CHECK_OK(db, crm_interaction_set_reason(db, all[6], "changed.now"));
    CHECK_OK(db, crm_begin(db));
    make(db, h.other, CRM_CHANNEL_WEB, CRM_DIRECTION_IN, 0, NULL, 0, 0, NULL, NULL);
    CHECK_OK(db, crm_interaction_set_summary(db, all[7], "new summary"));
    CHECK_OK(db, crm_commit(db));
    static char again[MAXROWS][CRM_ID_LEN + 1];
    CHECK_INT(timeline(db, h.cid, NULL, again, MAXROWS), n + 1);
    CHECK_INT(thread(db, all[0], again, MAXROWS), 2);

    int k = 1, rc;
    while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW) {
        CHECK(k < n);
        CHECK_STR(crm_interaction_id(r), all[k]);
        k++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(k, n);
    CHECK_INT(crm_interaction_cursor_next(thr, &t), CRM_ROW);
    CHECK_STR(crm_interaction_id(t), all[0]);
    crm_interaction_cursor_free(cur);
    crm_interaction_cursor_free(thr);
    CHECK_OK(db, crm_close(db));
}

TEST(cursor_and_another_writer)
{
    char path[512];
    crm_db *a = test_open_file(path, sizeof path);
    crm_db *b = NULL;
    CHECK_OK(NULL, crm_open(&b, path, NULL));
    char cid[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "Jane", cid);
    made m[5];
    for (int k = 0; k < 5; k++)
        make(a, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 1000 + k, NULL, 0, 0, NULL, &m[k]);
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(a, crm_interaction_timeline_open(&cur, a, cid, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), m[4].id);
    /* Another handle writes; the open cursor reads on from where it was. */
    make(b, cid, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUT, 1002, NULL, 0, 0, NULL, NULL);
    CHECK_OK(b, crm_interaction_set_outcome(b, m[1].id, CRM_OUTCOME_RESOLVED));
    int k = 3, rc;
    while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW) {
        CHECK(k >= 0);
        CHECK_STR(crm_interaction_id(r), m[k].id);
        CHECK_INT(crm_interaction_outcome(r), CRM_OUTCOME_NONE);
        k--;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(k, -1);
    crm_interaction_cursor_free(cur);
    /* A new cursor sees the other handle's writes. */
    static char got[10][CRM_ID_LEN + 1];
    CHECK_INT(timeline(a, cid, NULL, got, 10), 6);
    CHECK_OK(a, crm_close(a));
    CHECK_OK(b, crm_close(b));
    test_remove_db(path);
}

TEST(two_cursors_of_one_kind)
{
    history h;
    history_make(&h);
    static char all[MAXROWS][CRM_ID_LEN + 1];
    int n = timeline(h.db, h.cid, NULL, all, MAXROWS);
    CHECK_INT(n, h.n);
    crm_interaction_cursor *c1, *c2;
    const crm_interaction *r1, *r2;
    CHECK_OK(h.db, crm_interaction_timeline_open(&c1, h.db, h.cid, NULL));
    CHECK_OK(h.db, crm_interaction_timeline_open(&c2, h.db, h.cid, NULL));
    for (int k = 0; k < n; k++) {
        CHECK_INT(crm_interaction_cursor_next(c1, &r1), CRM_ROW);
        CHECK_INT(crm_interaction_cursor_next(c2, &r2), CRM_ROW);
        CHECK_STR(crm_interaction_id(r1), all[k]);
        CHECK_STR(crm_interaction_id(r2), all[k]);
        CHECK(r1 != r2);
    }
    CHECK_INT(crm_interaction_cursor_next(c1, &r1), CRM_DONE);
    crm_interaction_cursor_free(c1);
    CHECK_INT(crm_interaction_cursor_next(c2, &r2), CRM_DONE);
    crm_interaction_cursor_free(c2);
    CHECK_OK(h.db, crm_close(h.db));
}

TEST(close_with_cursor_open)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", cid);
    made m;
    make(db, cid, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, 10, NULL, 0, 0, NULL, &m);
    crm_interaction_cursor *cur, *thr;
    CHECK_OK(db, crm_interaction_timeline_open(&cur, db, cid, NULL));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    crm_interaction_cursor_free(cur);
    CHECK_OK(db, crm_interaction_thread_open(&thr, db, m.id, NULL));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    crm_interaction_cursor_free(thr);
    CHECK_INT(crm_close(db), CRM_OK);
}

/* ---- failed allocations ---------------------------------------------------------- */

typedef int (*read_fn)(crm_db *db, const history *h);

static int walk(crm_db *db, crm_interaction_cursor *cur, int *rows)
{
    const crm_interaction *r;
    int rc;
    *rows = 0;
    while ((rc = crm_interaction_cursor_next(cur, &r)) == CRM_ROW)
        (*rows)++;
    crm_interaction_cursor_free(cur);
    (void)db;
    return rc == CRM_DONE ? CRM_OK : rc;
}

static int read_timeline(crm_db *db, const history *h)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.reason_prefix = "billing";
    f.before = h->m[3].id;
    f.limit = 5;
    crm_interaction_cursor *cur;
    int rows, rc = crm_interaction_timeline_open(&cur, db, h->cid, &f);
    return rc ? rc : walk(db, cur, &rows);
}

static int read_thread(crm_db *db, const history *h)
{
    crm_interaction_cursor *cur;
    int rows, rc = crm_interaction_thread_open(&cur, db, h->m[0].id, NULL);
    return rc ? rc : walk(db, cur, &rows);
}

/* Fail the 1st, 2nd, ... allocation of op until it succeeds: each failure
 * is CRM_ENOMEM, leaves no cursor open and changes nothing. */
static int fault_loop(const char *name, read_fn op)
{
    history h;
    history_make(&h);
    for (long n = 0; n < 10000; n++) {
        test_snapshot before;
        test_snapshot_take(h.db, &before);
        test_alloc_countdown = n;
        int rc = op(h.db, &h);
        test_alloc_countdown = -1;
        if (rc == CRM_OK)
            return crm_close(h.db) == CRM_OK && n > 0;
        if (rc != CRM_ENOMEM || crm_errcode(h.db) != CRM_ENOMEM) {
            fprintf(stderr, "%s: allocation %ld failed gave %s: %s\n", name, n + 1,
                    crm_errname(rc), crm_errmsg(h.db));
            crm_close(h.db);
            return 0;
        }
        if (!test_snapshot_same(h.db, &before)) {
            fprintf(stderr, "%s: allocation %ld failed changed the database\n", name, n + 1);
            crm_close(h.db);
            return 0;
        }
    }
    crm_close(h.db);
    return 0;
}

TEST(every_allocation_can_fail)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    CHECK(fault_loop("timeline", read_timeline));
    CHECK(fault_loop("thread", read_thread));
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(history_newest_first);
    RUN(ties_broken_by_id);
    RUN(filter_channels);
    RUN(filter_times);
    RUN(filter_reason_prefix);
    RUN(filter_direction_public_outcome);
    RUN(filter_limit);
    RUN(filters_combined);
    RUN(paging_visits_each_once_in_order);
    RUN(paging_with_a_time_bound);
    RUN(before_must_be_this_customers);
    RUN(thread_oldest_first);
    RUN(thread_bad_input);
    RUN(thread_filters);
    RUN(thread_paging);
    RUN(head_missing_or_filtered_out);
    RUN(long_texts_in_a_list);
    RUN(thread_bad_filter);
    RUN(timeline_bad_input);
    RUN(next_and_free_bad_input);
    RUN(cursor_survives_writes);
    RUN(cursor_and_another_writer);
    RUN(two_cursors_of_one_kind);
    RUN(close_with_cursor_open);
    RUN(every_allocation_can_fail);
    return test_summary();
}
