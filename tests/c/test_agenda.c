/*
 * libcrm tests - the agenda: what is on it, for whom, and its order, each
 * checked against answers worked out here from what the test made (a
 * model of the rule of docs/agenda.md, sorted in C), never read back
 * through the same SQL.
 */
#include "test.h"

#define HOUR 3600000LL
#define DAY (24 * HOUR)
/* "Now" of these tests: 2026-06-15T12:00:00Z, by the handle's clock. */
#define NOW 1781524800000LL

static int64_t fixed_clock(void *ctx)
{
    return *(const int64_t *)ctx;
}

static int64_t clock_now = NOW;

static crm_db *open_at_now(void)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = fixed_clock;
    o.clock_ctx = &clock_now;
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

static void customer(crm_db *db, const char *name, const char *owner, char id[CRM_ID_LEN + 1])
{
    test_customer(db, CRM_CUSTOMER_PERSON, name, id);
    if (owner && crm_customer_set_owner(db, id, owner) != CRM_OK) {
        fprintf(stderr, "set_owner: %s\n", crm_errmsg(db));
        exit(2);
    }
}

static void promise(crm_db *db, const char *cid, const char *owner, int64_t due,
                    char id[CRM_ID_LEN + 1])
{
    crm_promise *p = NULL;
    /* A promise already due is one made a day before it fell due. */
    int64_t made = due < clock_now ? due - 86400000LL : CRM_TIME_NONE;
    if (crm_promise_make(&p, db, cid, NULL, owner, "Call back", due, made) != CRM_OK) {
        fprintf(stderr, "promise_make: %s\n", crm_errmsg(db));
        exit(2);
    }
    memcpy(id, crm_promise_id(p), CRM_ID_LEN + 1);
    crm_promise_free(p);
}

static void contact(crm_db *db, const char *cid, crm_channel_t ch, crm_direction_t dir,
                    crm_outcome_t outcome, int is_public, int64_t at, char id[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = ch;
    s.direction = dir;
    s.outcome = outcome;
    s.is_public = is_public;
    s.occurred_at = at;
    crm_interaction *i = NULL;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "interaction_log: %s\n", crm_errmsg(db));
        exit(2);
    }
    if (id)
        memcpy(id, crm_interaction_id(i), CRM_ID_LEN + 1);
    crm_interaction_free(i);
}

static void occasion(crm_db *db, const char *cid, int yearly, int y, int m, int d, int lead,
                     char id[CRM_ID_LEN + 1])
{
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = cid;
    s.kind = "birthday";
    s.yearly = yearly;
    s.year = y;
    s.month = m;
    s.day = d;
    s.lead_days = lead;
    crm_occasion *o = NULL;
    if (crm_occasion_add(&o, db, &s) != CRM_OK) {
        fprintf(stderr, "occasion_add: %s\n", crm_errmsg(db));
        exit(2);
    }
    if (id)
        memcpy(id, crm_occasion_id(o), CRM_ID_LEN + 1);
    crm_occasion_free(o);
}

/* ---- the model: what the agenda must say, worked out here ---------------- */

typedef struct want {
    crm_agenda_kind_t kind;
    const char *id;
    int64_t since;
} want;

static int64_t head_start(const crm_agenda_options *o, crm_agenda_kind_t k)
{
    switch (k) {
    case CRM_AGENDA_PROMISE_OVERDUE:
        return o->head_start_overdue;
    case CRM_AGENDA_PROMISE_DUE:
        return o->head_start_due;
    case CRM_AGENDA_CONTACT_WAITING:
        return o->head_start_contact;
    default:
        return o->head_start_occasion;
    }
}

static const crm_agenda_options *sort_opts;
static int64_t sort_as_of;

static int want_cmp(const void *a, const void *b)
{
    const want *x = a, *y = b;
    int64_t sx = sort_as_of - x->since + head_start(sort_opts, x->kind);
    int64_t sy = sort_as_of - y->since + head_start(sort_opts, y->kind);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->since != y->since)
        return x->since < y->since ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->id, y->id);
}

static char got_buf[8192], want_buf[8192];

/* "kind id score|..." of the model, sorted by the rule, first `limit`. */
static const char *expect(want *w, int n, const crm_agenda_options *o, int64_t as_of)
{
    sort_opts = o;
    sort_as_of = as_of;
    qsort(w, (size_t)n, sizeof *w, want_cmp);
    if (o->limit && (unsigned int)n > o->limit)
        n = (int)o->limit;
    size_t len = 0;
    want_buf[0] = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(want_buf + len, sizeof want_buf - len, "%s %s %lld|",
                                crm_agenda_kind_name(w[i].kind), w[i].id,
                                (long long)(as_of - w[i].since + head_start(o, w[i].kind)));
    return want_buf;
}

/* The same of the agenda; "ERR ..." when it fails. Checks that each item's
 * waited and score agree with its since. */
static const char *agenda(crm_db *db, const crm_agenda_options *opts, int64_t as_of)
{
    static const crm_agenda_options defaults = CRM_AGENDA_OPTIONS_INIT;
    const crm_agenda_options *o = opts ? opts : &defaults;
    crm_agenda_item_cursor *cur = NULL;
    int rc = crm_agenda_item_list_open(&cur, db, opts);
    if (rc != CRM_OK) {
        snprintf(got_buf, sizeof got_buf, "ERR open %s", crm_errmsg(db));
        return got_buf;
    }
    size_t len = 0;
    got_buf[0] = 0;
    const crm_agenda_item *it;
    while ((rc = crm_agenda_item_cursor_next(cur, &it)) == CRM_ROW) {
        crm_agenda_kind_t k = crm_agenda_item_kind(it);
        if (crm_agenda_item_waited(it) != as_of - crm_agenda_item_since(it) ||
            crm_agenda_item_score(it) != crm_agenda_item_waited(it) + head_start(o, k)) {
            snprintf(got_buf, sizeof got_buf, "ERR score of %s", crm_agenda_item_id(it));
            crm_agenda_item_cursor_free(cur);
            return got_buf;
        }
        len += (size_t)snprintf(got_buf + len, sizeof got_buf - len, "%s %s %lld|",
                                crm_agenda_kind_name(k), crm_agenda_item_id(it),
                                (long long)crm_agenda_item_score(it));
    }
    crm_agenda_item_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(got_buf, sizeof got_buf, "ERR next %s", crm_errmsg(db));
    return got_buf;
}

/* The first item of the agenda, copied (crm_agenda_item_free()), or NULL. */
static crm_agenda_item *first_item(crm_db *db, const crm_agenda_options *o)
{
    crm_agenda_item_cursor *cur = NULL;
    crm_agenda_item *copy = NULL;
    if (crm_agenda_item_list_open(&cur, db, o) != CRM_OK)
        return NULL;
    const crm_agenda_item *it;
    if (crm_agenda_item_cursor_next(cur, &it) == CRM_ROW &&
        crm_agenda_item_dup(&copy, it) != CRM_OK)
        copy = NULL;
    crm_agenda_item_cursor_free(cur);
    return copy;
}

/* ---- the data set of the rule tests ------------------------------------- */

typedef struct world {
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1], d[CRM_ID_LEN + 1];
    char p_partner[CRM_ID_LEN + 1]; /* on a (team:billing's), a partner team's, overdue 1 day */
    char p_both[CRM_ID_LEN + 1];    /* on a, team:billing's own, overdue 3 h */
    char p_due[CRM_ID_LEN + 1];     /* on c (no owner), team:billing's, due in 2 h */
    char p_late[CRM_ID_LEN + 1];    /* on b, agent:alice's, due in 25 h: past the horizon */
    char p_kept[CRM_ID_LEN + 1];    /* on a, kept */
    char p_arch[CRM_ID_LEN + 1];    /* on d (archived), overdue */
    char i_b1[CRM_ID_LEN + 1], i_b2[CRM_ID_LEN + 1]; /* b: two open emails, 5 h and 1 h ago */
    char i_a[CRM_ID_LEN + 1];                        /* a: a call, answered an hour later */
    char i_c[CRM_ID_LEN + 1];                        /* c: a public post, now */
    char i_d[CRM_ID_LEN + 1];                        /* d: open, but d is archived */
    char o_b[CRM_ID_LEN + 1];                        /* b's birthday in 3 days, lead 7 */
} world;

static void make_world(crm_db *db, world *w)
{
    customer(db, "Ada", "team:billing", w->a);
    customer(db, "Bo", "agent:alice", w->b);
    customer(db, "Cy", NULL, w->c);
    customer(db, "Di", "team:billing", w->d);
    promise(db, w->a, "team:partner", NOW - DAY, w->p_partner);
    promise(db, w->a, "team:billing", NOW - 3 * HOUR, w->p_both);
    promise(db, w->c, "team:billing", NOW + 2 * HOUR, w->p_due);
    promise(db, w->b, "agent:alice", NOW + 25 * HOUR, w->p_late);
    promise(db, w->a, "team:billing", NOW - 2 * HOUR, w->p_kept);
    promise(db, w->d, "team:billing", NOW - DAY, w->p_arch);
    if (crm_promise_keep(NULL, db, w->p_kept, NULL, NULL, CRM_TIME_NONE) != CRM_OK)
        exit(2);
    contact(db, w->b, CRM_CHANNEL_EMAIL, CRM_DIRECTION_IN, CRM_OUTCOME_UNRESOLVED, 0,
            NOW - 5 * HOUR, w->i_b1);
    contact(db, w->b, CRM_CHANNEL_EMAIL, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - HOUR,
            w->i_b2);
    contact(db, w->a, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - 10 * HOUR,
            w->i_a);
    contact(db, w->a, CRM_CHANNEL_PHONE, CRM_DIRECTION_OUT, CRM_OUTCOME_NONE, 0, NOW - 9 * HOUR,
            NULL);
    contact(db, w->a, CRM_CHANNEL_CHAT, CRM_DIRECTION_IN, CRM_OUTCOME_RESOLVED, 0, NOW - 8 * HOUR,
            NULL);
    contact(db, w->c, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 1, NOW, w->i_c);
    contact(db, w->d, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - 2 * HOUR,
            w->i_d);
    /* 2026-06-18: in 3 days, surfacing 7 days before; and one that surfaces tomorrow. */
    occasion(db, w->b, 1, 0, 6, 18, 7, w->o_b);
    occasion(db, w->b, 1, 0, 6, 17, 1, NULL);
    occasion(db, w->d, 1, 0, 6, 16, 7, NULL);
    if (crm_customer_archive(db, w->d) != CRM_OK)
        exit(2);
}

/* 00:00 UTC of 2026-06-18. */
#define JUNE_18 (NOW - 12 * HOUR + 3 * DAY)

TEST(everyone_in_order)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    want m[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_partner, NOW - DAY },
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_both, NOW - 3 * HOUR },
        { CRM_AGENDA_PROMISE_DUE, w.p_due, NOW + 2 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_b1, NOW - 5 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_c, NOW },
        { CRM_AGENDA_OCCASION, w.o_b, JUNE_18 },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(m, 6, &o, NOW));
    /* A NULL options pointer is every default. */
    CHECK_STR(agenda(db, NULL, NOW), want_buf);

    /* Each kind's item, field by field. */
    crm_agenda_item_cursor *cur = NULL;
    CHECK_OK(db, crm_agenda_item_list_open(&cur, db, &o));
    const crm_agenda_item *it;
    int seen = 0;
    while (crm_agenda_item_cursor_next(cur, &it) == CRM_ROW) {
        const char *id = crm_agenda_item_id(it);
        if (strcmp(id, w.p_partner) == 0) {
            seen |= 1;
            CHECK_STR(crm_agenda_item_customer_id(it), w.a);
            CHECK_STR(crm_agenda_item_customer_name(it), "Ada");
            CHECK_STR(crm_agenda_item_customer_owner(it), "team:billing");
            CHECK_STR(crm_agenda_item_owner(it), "team:partner");
            CHECK_INT(crm_agenda_item_due_at(it), NOW - DAY);
            CHECK_INT(crm_agenda_item_waited(it), DAY);
            CHECK_INT(crm_agenda_item_score(it), DAY + CRM_AGENDA_HEAD_START_OVERDUE);
            CHECK(crm_agenda_item_channel(it) == NULL);
            CHECK_STR(crm_agenda_item_why(it),
                      "promise overdue since 2026-06-14T12:00Z (owner team:partner)");
        } else if (strcmp(id, w.p_due) == 0) {
            seen |= 2;
            CHECK(crm_agenda_item_customer_owner(it) == NULL);
            CHECK_INT(crm_agenda_item_waited(it), -2 * HOUR);
            CHECK_STR(crm_agenda_item_why(it),
                      "promise due at 2026-06-15T14:00Z (owner team:billing)");
        } else if (strcmp(id, w.i_b1) == 0) {
            seen |= 4;
            CHECK_STR(crm_agenda_item_customer_id(it), w.b);
            CHECK(crm_agenda_item_owner(it) == NULL);
            CHECK_INT(crm_agenda_item_due_at(it), CRM_TIME_NONE);
            CHECK_STR(crm_agenda_item_channel(it), "email");
            CHECK_STR(crm_agenda_item_why(it), "inbound email contact unanswered since "
                                               "2026-06-15T07:00Z; 2 contacts unanswered");
        } else if (strcmp(id, w.i_c) == 0) {
            seen |= 8;
            CHECK_STR(crm_agenda_item_channel(it), "social");
            CHECK_STR(crm_agenda_item_why(it),
                      "inbound social contact unanswered since 2026-06-15T12:00Z");
        } else if (strcmp(id, w.o_b) == 0) {
            seen |= 16;
            CHECK_INT(crm_agenda_item_due_at(it), JUNE_18);
            CHECK_INT(crm_agenda_item_since(it), JUNE_18);
            CHECK(crm_agenda_item_owner(it) == NULL && crm_agenda_item_channel(it) == NULL);
            CHECK_STR(crm_agenda_item_why(it), "birthday on 2026-06-18 (surfaces 7 days before)");
        }
    }
    crm_agenda_item_cursor_free(cur);
    CHECK_INT(seen, 31);
    crm_close(db);
}

TEST(owner_and_customer_owner)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    /* The account owner sees the partner team's promise to its customer,
     * its own promise to its customer once, and its promise to a customer
     * of no one's. */
    o.owner = "team:billing";
    want billing[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_partner, NOW - DAY },
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_both, NOW - 3 * HOUR },
        { CRM_AGENDA_PROMISE_DUE, w.p_due, NOW + 2 * HOUR },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(billing, 3, &o, NOW));
    /* The partner team sees its promise too, once. */
    o.owner = "team:partner";
    want partner[] = { { CRM_AGENDA_PROMISE_OVERDUE, w.p_partner, NOW - DAY } };
    CHECK_STR(agenda(db, &o, NOW), expect(partner, 1, &o, NOW));
    /* Waiting contacts and occasions are the customer owner's. */
    o.owner = "agent:alice";
    want alice[] = {
        { CRM_AGENDA_CONTACT_WAITING, w.i_b1, NOW - 5 * HOUR },
        { CRM_AGENDA_OCCASION, w.o_b, JUNE_18 },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(alice, 2, &o, NOW));
    /* Exact names: no prefix, no case folding. */
    o.owner = "team:bill";
    CHECK_STR(agenda(db, &o, NOW), "");
    o.owner = "Team:billing";
    CHECK_STR(agenda(db, &o, NOW), "");
    crm_close(db);
}

TEST(channel_blind)
{
    crm_db *db = open_at_now();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1], p[CRM_ID_LEN + 1];
    char post[CRM_ID_LEN + 1], mail[CRM_ID_LEN + 1], voice[CRM_ID_LEN + 1];
    customer(db, "Loud", NULL, a);
    customer(db, "Quiet", NULL, b);
    customer(db, "Patient", NULL, c);
    /* A loud public post made now, a voicemail and an e-mail of the same
     * age an hour ago, and a quiet promise overdue since yesterday. */
    contact(db, a, CRM_CHANNEL_SOCIAL, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 1, NOW, post);
    contact(db, b, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - HOUR, voice);
    contact(db, c, CRM_CHANNEL_EMAIL, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - HOUR, mail);
    promise(db, b, "agent:bob", NOW - DAY, p);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    want m[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, p, NOW - DAY },
        { CRM_AGENDA_CONTACT_WAITING, voice, NOW - HOUR },
        { CRM_AGENDA_CONTACT_WAITING, mail, NOW - HOUR },
        { CRM_AGENDA_CONTACT_WAITING, post, NOW },
    };
    const char *want_text = expect(m, 4, &o, NOW);
    CHECK_STR(agenda(db, &o, NOW), want_text);
    crm_agenda_item *top = first_item(db, &o);
    CHECK(top != NULL);
    CHECK_STR(crm_agenda_item_id(top), p);
    crm_agenda_item_free(top);
    /* Equally old, whatever the channel: the same score. */
    CHECK(strstr(want_text, "contact_waiting") != NULL);

    /* Flipping only the public flag of each contact, one at a time and
     * all at once, never changes the order or a score. */
    char before[8192];
    snprintf(before, sizeof before, "%s", want_text);
    const char *ids[] = { post, voice, mail };
    for (int i = 0; i < 3; i++) {
        CHECK_OK(db, crm_interaction_set_public(db, ids[i], i == 0 ? 0 : 1));
        CHECK_STR(agenda(db, &o, NOW), before);
    }
    CHECK_OK(db, crm_interaction_set_public(db, post, 1));
    CHECK_STR(agenda(db, &o, NOW), before);
    /* Even with no head start for promises, an hour-old private contact
     * and a public one just made keep the order of their waits. */
    o.head_start_overdue = 0;
    want m2[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, p, NOW - DAY },
        { CRM_AGENDA_CONTACT_WAITING, voice, NOW - HOUR },
        { CRM_AGENDA_CONTACT_WAITING, mail, NOW - HOUR },
        { CRM_AGENDA_CONTACT_WAITING, post, NOW },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(m2, 4, &o, NOW));
    crm_close(db);
}

TEST(horizon_edges)
{
    crm_db *db = open_at_now();
    char c[CRM_ID_LEN + 1], p[6][CRM_ID_LEN + 1];
    customer(db, "Edge", "agent:eve", c);
    int64_t h = HOUR;
    int64_t due[6] = { NOW - 1, NOW, NOW + 1, NOW + h - 1, NOW + h, NOW + h + 1 };
    for (int i = 0; i < 6; i++)
        promise(db, c, "agent:eve", due[i], p[i]);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.horizon = h;
    /* One ms before as_of is overdue; as_of itself is due, as is the last
     * ms inside the horizon; its end is not. */
    want m[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, p[0], due[0] },
        { CRM_AGENDA_PROMISE_DUE, p[1], due[1] },
        { CRM_AGENDA_PROMISE_DUE, p[2], due[2] },
        { CRM_AGENDA_PROMISE_DUE, p[3], due[3] },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(m, 4, &o, NOW));
    /* Only one kind of the two. */
    o.kinds = CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_OVERDUE);
    CHECK_STR(agenda(db, &o, NOW), expect(m, 1, &o, NOW));
    o.kinds = CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_DUE);
    CHECK_STR(agenda(db, &o, NOW), expect(m + 1, 3, &o, NOW));
    /* The default horizon is 24 hours: all six are on it. */
    o.kinds = 0;
    o.horizon = 0;
    want all[6];
    for (int i = 0; i < 6; i++)
        all[i] = (want){ i ? CRM_AGENDA_PROMISE_DUE : CRM_AGENDA_PROMISE_OVERDUE, p[i], due[i] };
    CHECK_STR(agenda(db, &o, NOW), expect(all, 6, &o, NOW));
    /* as_of moves the edges: one ms later, the one due at NOW is overdue. */
    o.horizon = h;
    o.as_of = NOW + 1;
    want later[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, p[0], due[0] },
        { CRM_AGENDA_PROMISE_OVERDUE, p[1], due[1] },
        { CRM_AGENDA_PROMISE_DUE, p[2], due[2] },
        { CRM_AGENDA_PROMISE_DUE, p[3], due[3] },
        { CRM_AGENDA_PROMISE_DUE, p[4], due[4] },
    };
    CHECK_STR(agenda(db, &o, NOW + 1), expect(later, 5, &o, NOW + 1));
    crm_close(db);
}

/* The occasions the upcoming list gives for as_of's day: the oracle. */
static int upcoming_ids(crm_db *db, int64_t as_of, char ids[][CRM_ID_LEN + 1], int max)
{
    int y, m, d;
    if (crm_date_from_days(&y, &m, &d, as_of / DAY) != CRM_OK)
        return -1;
    crm_occasion_cursor *cur = NULL;
    if (crm_occasion_upcoming_open(&cur, db, y, m, d, 1) != CRM_OK)
        return -1;
    const crm_occasion *o;
    int n = 0;
    while (n < max && crm_occasion_cursor_next(cur, &o) == CRM_ROW)
        memcpy(ids[n++], crm_occasion_id(o), CRM_ID_LEN + 1);
    crm_occasion_cursor_free(cur);
    return n;
}

TEST(lead_time_edges)
{
    crm_db *db = open_at_now();
    char c[CRM_ID_LEN + 1], o[8][CRM_ID_LEN + 1];
    customer(db, "Dates", NULL, c);
    /* As of 2026-06-15: */
    occasion(db, c, 1, 0, 6, 22, 7, o[0]);    /* in 7 days, lead 7: on */
    occasion(db, c, 1, 0, 6, 23, 7, o[1]);    /* in 8 days, lead 7: not yet */
    occasion(db, c, 1, 0, 6, 15, 0, o[2]);    /* today, lead 0: on */
    occasion(db, c, 1, 0, 6, 14, 7, o[3]);    /* yesterday: gone, next in a year */
    occasion(db, c, 0, 2026, 6, 16, 1, o[4]); /* one-off tomorrow, lead 1: on */
    occasion(db, c, 0, 2025, 6, 16, 1, o[5]); /* one-off a year ago: never */
    occasion(db, c, 1, 2027, 6, 16, 5, o[6]); /* yearly from 2027: not begun */
    occasion(db, c, 1, 1990, 6, 16, 5, o[7]); /* yearly since 1990: on */
    crm_agenda_options opt = CRM_AGENDA_OPTIONS_INIT;
    int64_t day0 = NOW - 12 * HOUR; /* 2026-06-15T00:00Z */
    want m[] = {
        { CRM_AGENDA_OCCASION, o[0], day0 + 7 * DAY },
        { CRM_AGENDA_OCCASION, o[2], day0 },
        { CRM_AGENDA_OCCASION, o[4], day0 + DAY },
        { CRM_AGENDA_OCCASION, o[7], day0 + DAY },
    };
    CHECK_STR(agenda(db, &opt, NOW), expect(m, 4, &opt, NOW));
    /* The upcoming list of the day gives the same occasions. */
    char up[8][CRM_ID_LEN + 1];
    CHECK_INT(upcoming_ids(db, NOW, up, 8), 4);
    for (int i = 0; i < 4; i++)
        CHECK(strstr(got_buf, up[i]) != NULL);

    /* The last ms of the day still has today's; the next ms does not, and
     * has the one 8 days from the 15th. */
    int64_t last = day0 + DAY - 1, next = day0 + DAY;
    opt.as_of = last;
    CHECK_STR(agenda(db, &opt, last), expect(m, 4, &opt, last));
    want m2[] = {
        { CRM_AGENDA_OCCASION, o[0], day0 + 7 * DAY },
        { CRM_AGENDA_OCCASION, o[1], day0 + 8 * DAY },
        { CRM_AGENDA_OCCASION, o[4], day0 + DAY },
        { CRM_AGENDA_OCCASION, o[7], day0 + DAY },
    };
    opt.as_of = next;
    CHECK_STR(agenda(db, &opt, next), expect(m2, 4, &opt, next));
    CHECK_INT(upcoming_ids(db, next, up, 8), 4);
    for (int i = 0; i < 4; i++)
        CHECK(strstr(got_buf, up[i]) != NULL);
    crm_close(db);
}

TEST(leap_day_and_new_year)
{
    crm_db *db = open_at_now();
    char c[CRM_ID_LEN + 1], leap[CRM_ID_LEN + 1], ny[CRM_ID_LEN + 1];
    customer(db, "Leap", NULL, c);
    occasion(db, c, 1, 0, 2, 29, 3, leap);
    occasion(db, c, 1, 0, 1, 2, 5, ny);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    /* 2027 has no 29 February: the birthday is on the 28th, surfacing on
     * the 25th; on the 24th it is not there yet. */
    int64_t feb25 = 0, feb28 = 0, dec30 = 0, jan2 = 0;
    int64_t days;
    CHECK_OK(NULL, crm_date_to_days(&days, 2027, 2, 25));
    feb25 = days * DAY;
    CHECK_OK(NULL, crm_date_to_days(&days, 2027, 2, 28));
    feb28 = days * DAY;
    CHECK_OK(NULL, crm_date_to_days(&days, 2026, 12, 30));
    dec30 = days * DAY + 9 * HOUR;
    CHECK_OK(NULL, crm_date_to_days(&days, 2027, 1, 2));
    jan2 = days * DAY;
    want m[] = { { CRM_AGENDA_OCCASION, leap, feb28 } };
    o.as_of = feb25;
    CHECK_STR(agenda(db, &o, feb25), expect(m, 1, &o, feb25));
    o.as_of = feb25 - 1;
    CHECK_STR(agenda(db, &o, feb25 - 1), "");
    /* Over New Year: as of 30 December, 2 January of the next year. */
    want m2[] = { { CRM_AGENDA_OCCASION, ny, jan2 } };
    o.as_of = dec30;
    CHECK_STR(agenda(db, &o, dec30), expect(m2, 1, &o, dec30));
    crm_close(db);
}

TEST(contacts_leave_when_answered)
{
    crm_db *db = open_at_now();
    char c[CRM_ID_LEN + 1], d[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], i2[CRM_ID_LEN + 1];
    char j1[CRM_ID_LEN + 1];
    customer(db, "Asks", NULL, c);
    customer(db, "Other", NULL, d);
    /* A reply before a contact does not answer it. */
    contact(db, c, CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUT, CRM_OUTCOME_NONE, 0, NOW - 6 * HOUR,
            NULL);
    contact(db, c, CRM_CHANNEL_EMAIL, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - 5 * HOUR, i1);
    contact(db, c, CRM_CHANNEL_SMS, CRM_DIRECTION_IN, CRM_OUTCOME_UNRESOLVED, 0, NOW - 4 * HOUR,
            i2);
    contact(db, d, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - 3 * HOUR, j1);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    want m[] = {
        { CRM_AGENDA_CONTACT_WAITING, i1, NOW - 5 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, j1, NOW - 3 * HOUR },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(m, 2, &o, NOW));
    /* Resolving the first leaves the second waiting, since its own time. */
    CHECK_OK(db, crm_interaction_set_outcome(db, i1, CRM_OUTCOME_RESOLVED));
    want m2[] = {
        { CRM_AGENDA_CONTACT_WAITING, i2, NOW - 4 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, j1, NOW - 3 * HOUR },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(m2, 2, &o, NOW));
    /* Escalated, transferred or abandoned is not waiting either. */
    CHECK_OK(db, crm_interaction_set_outcome(db, j1, CRM_OUTCOME_ESCALATED));
    CHECK_STR(agenda(db, &o, NOW), expect(m2, 1, &o, NOW));
    CHECK_OK(db, crm_interaction_set_outcome(db, j1, CRM_OUTCOME_UNRESOLVED));
    /* A reply at the very time of the contact answers it; as of before the
     * reply, the contact still waited. */
    contact(db, c, CRM_CHANNEL_PHONE, CRM_DIRECTION_OUT, CRM_OUTCOME_NONE, 0, NOW - 4 * HOUR,
            NULL);
    want m3[] = { { CRM_AGENDA_CONTACT_WAITING, j1, NOW - 3 * HOUR } };
    CHECK_STR(agenda(db, &o, NOW), expect(m3, 1, &o, NOW));
    o.as_of = NOW - 4 * HOUR - 1;
    want m4[] = { { CRM_AGENDA_CONTACT_WAITING, i1, NOW - 5 * HOUR } };
    /* (i1 is resolved: only what had happened by then, as it stands now.) */
    CHECK_STR(agenda(db, &o, o.as_of), "");
    CHECK_OK(db, crm_interaction_set_outcome(db, i1, CRM_OUTCOME_NONE));
    CHECK_STR(agenda(db, &o, o.as_of), expect(m4, 1, &o, o.as_of));
    /* Archiving the customer takes everything of theirs off. */
    o.as_of = CRM_TIME_NONE;
    CHECK_OK(db, crm_customer_archive(db, d));
    CHECK_STR(agenda(db, &o, NOW), "");
    crm_close(db);
}

TEST(custom_channel_named)
{
    crm_db *db = open_at_now();
    char c[CRM_ID_LEN + 1];
    customer(db, "Kiosk", "team:desk", c);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = c;
    s.channel_name = "whatsapp";
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = NOW - HOUR;
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.owner = "team:desk";
    crm_agenda_item *it = first_item(db, &o);
    CHECK(it != NULL);
    CHECK_STR(crm_agenda_item_channel(it), "whatsapp");
    CHECK_STR(crm_agenda_item_why(it),
              "inbound whatsapp contact unanswered since 2026-06-15T11:00Z");
    crm_agenda_item_free(it);
    crm_close(db);
}

TEST(weights_and_limit)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    want m[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_partner, NOW - DAY },
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_both, NOW - 3 * HOUR },
        { CRM_AGENDA_PROMISE_DUE, w.p_due, NOW + 2 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_b1, NOW - 5 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_c, NOW },
        { CRM_AGENDA_OCCASION, w.o_b, JUNE_18 },
    };
    /* Contacts ahead of everything; occasions ahead of promises due. */
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.head_start_contact = 10 * DAY;
    o.head_start_occasion = 30 * HOUR;
    CHECK_STR(agenda(db, &o, NOW), expect(m, 6, &o, NOW));
    CHECK(strncmp(got_buf, "contact_waiting", 15) == 0);
    /* Negative head starts: overdue promises last. */
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.head_start_overdue = -CRM_AGENDA_HEAD_START_MAX;
    CHECK_STR(agenda(db, &o, NOW), expect(m, 6, &o, NOW));
    CHECK(strstr(got_buf, "promise_overdue") > strstr(got_buf, "occasion"));
    /* Ties: with no head starts, an overdue promise and a contact of the
     * same since go by kind. */
    char t[CRM_ID_LEN + 1], ti[CRM_ID_LEN + 1];
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.head_start_overdue = o.head_start_due = 0;
    o.owner = "agent:tie";
    char tc[CRM_ID_LEN + 1];
    customer(db, "Tie", "agent:tie", tc);
    contact(db, tc, CRM_CHANNEL_PHONE, CRM_DIRECTION_IN, CRM_OUTCOME_NONE, 0, NOW - HOUR, ti);
    promise(db, tc, "agent:tie", NOW - HOUR, t);
    want tie[] = { { CRM_AGENDA_CONTACT_WAITING, ti, NOW - HOUR },
                   { CRM_AGENDA_PROMISE_OVERDUE, t, NOW - HOUR } };
    CHECK_STR(agenda(db, &o, NOW), expect(tie, 2, &o, NOW));
    CHECK(strncmp(got_buf, "promise_overdue", 15) == 0);
    /* A limit gives the first items of the whole order. */
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    want all[] = {
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_partner, NOW - DAY },
        { CRM_AGENDA_PROMISE_OVERDUE, w.p_both, NOW - 3 * HOUR },
        { CRM_AGENDA_PROMISE_DUE, w.p_due, NOW + 2 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_b1, NOW - 5 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_c, NOW },
        { CRM_AGENDA_OCCASION, w.o_b, JUNE_18 },
        { CRM_AGENDA_CONTACT_WAITING, ti, NOW - HOUR },
        { CRM_AGENDA_PROMISE_OVERDUE, t, NOW - HOUR },
    };
    for (unsigned int lim = 1; lim <= 9; lim++) {
        o.limit = lim;
        CHECK_STR(agenda(db, &o, NOW), expect(all, 8, &o, NOW));
    }
    /* Kinds pick branches. */
    o.limit = 0;
    o.kinds = CRM_AGENDA_BIT(CRM_AGENDA_CONTACT_WAITING) | CRM_AGENDA_BIT(CRM_AGENDA_OCCASION);
    want some[] = {
        { CRM_AGENDA_CONTACT_WAITING, w.i_b1, NOW - 5 * HOUR },
        { CRM_AGENDA_CONTACT_WAITING, w.i_c, NOW },
        { CRM_AGENDA_OCCASION, w.o_b, JUNE_18 },
        { CRM_AGENDA_CONTACT_WAITING, ti, NOW - HOUR },
    };
    CHECK_STR(agenda(db, &o, NOW), expect(some, 4, &o, NOW));
    crm_close(db);
}

TEST(bad_input)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    crm_agenda_item_cursor *cur = NULL;
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    CHECK_NULL_DB(db, crm_agenda_item_list_open(&cur, NULL, &o), "crm_agenda_item_list_open");
    CHECK_FAILS(db, crm_agenda_item_list_open(NULL, db, &o), CRM_EINVAL, "out");
    o.version = 0;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL,
                "crm_agenda_options.version is 0");
    o.version = CRM_AGENDA_OPTIONS_VERSION + 1;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL,
                "crm_agenda_options.version");
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.owner = "";
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda owner");
    o.owner = " team:billing";
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda owner");
    o.owner = "team:\tbilling";
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda owner");
    for (int i = 0; test_bad_utf8[i]; i++) {
        o.owner = test_bad_utf8[i];
        CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda owner");
    }
    char *longname = test_long_string(CRM_ACTOR_MAX + 1);
    o.owner = longname;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda owner");
    free(longname);
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.as_of = CRM_TIME_MAX + 1;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda as_of");
    o.as_of = CRM_TIME_MIN - 1;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda as_of");
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.horizon = -1;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda horizon -1");
    o.horizon = CRM_AGENDA_HORIZON_MAX + 1;
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda horizon");
    o.horizon = CRM_AGENDA_HORIZON_MAX;
    CHECK_OK(db, crm_agenda_item_list_open(&cur, db, &o));
    crm_agenda_item_cursor_free(cur);
    cur = NULL;
    o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
    o.kinds = CRM_AGENDA_BIT(0);
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "agenda kinds 0x1");
    o.kinds = CRM_AGENDA_BIT(CRM_AGENDA_KIND_MAX + 1) | CRM_AGENDA_BIT(CRM_AGENDA_OCCASION);
    CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, "bits 0x20");
    const char *fields[] = { "head_start_overdue", "head_start_due", "head_start_contact",
                             "head_start_occasion" };
    for (int f = 0; f < 4; f++) {
        for (int sign = -1; sign <= 1; sign += 2) {
            o = (crm_agenda_options)CRM_AGENDA_OPTIONS_INIT;
            int64_t v = sign * (CRM_AGENDA_HEAD_START_MAX + 1);
            int64_t *field = f == 0   ? &o.head_start_overdue
                             : f == 1 ? &o.head_start_due
                             : f == 2 ? &o.head_start_contact
                                      : &o.head_start_occasion;
            *field = v;
            CHECK_FAILS(db, crm_agenda_item_list_open(&cur, db, &o), CRM_EINVAL, fields[f]);
            *field = sign * CRM_AGENDA_HEAD_START_MAX;
            CHECK_OK(db, crm_agenda_item_list_open(&cur, db, &o));
            crm_agenda_item_cursor_free(cur);
            cur = NULL;
        }
    }
    CHECK(cur == NULL);

    /* The cursor and the records. */
    const crm_agenda_item *it;
    CHECK_INT(crm_agenda_item_cursor_next(NULL, &it), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "cursor");
    CHECK_OK(db, crm_agenda_item_list_open(&cur, db, NULL));
    CHECK_RC(db, crm_agenda_item_cursor_next(cur, NULL), CRM_EINVAL);
    crm_agenda_item_cursor_free(cur);
    crm_agenda_item_cursor_free(NULL);
    crm_agenda_item *copy = NULL;
    CHECK_INT(crm_agenda_item_dup(&copy, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "agenda item");
    CHECK_INT(crm_agenda_item_dup(NULL, NULL), CRM_EINVAL);
    crm_agenda_item_free(NULL);
    CHECK(crm_agenda_item_kind(NULL) == 0 && crm_agenda_item_customer_id(NULL) == NULL &&
          crm_agenda_item_customer_name(NULL) == NULL &&
          crm_agenda_item_customer_owner(NULL) == NULL && crm_agenda_item_id(NULL) == NULL &&
          crm_agenda_item_owner(NULL) == NULL && crm_agenda_item_channel(NULL) == NULL &&
          crm_agenda_item_why(NULL) == NULL && crm_agenda_item_waited(NULL) == 0 &&
          crm_agenda_item_score(NULL) == 0);
    CHECK_INT(crm_agenda_item_since(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_agenda_item_due_at(NULL), CRM_TIME_NONE);
    crm_close(db);
}

TEST(kind_words)
{
    const char *words[] = { "promise_overdue", "promise_due", "contact_waiting", "occasion" };
    for (int k = 1; k <= CRM_AGENDA_KIND_MAX; k++) {
        CHECK_STR(crm_agenda_kind_name((crm_agenda_kind_t)k), words[k - 1]);
        crm_agenda_kind_t out = 0;
        CHECK_INT(crm_agenda_kind_parse(&out, words[k - 1]), CRM_OK);
        CHECK_INT(out, k);
    }
    CHECK(crm_agenda_kind_name((crm_agenda_kind_t)0) == NULL);
    CHECK(crm_agenda_kind_name((crm_agenda_kind_t)5) == NULL);
    crm_agenda_kind_t out = CRM_AGENDA_OCCASION;
    CHECK_INT(crm_agenda_kind_parse(&out, "overdue"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "promise_overdue, promise_due");
    CHECK_INT(crm_agenda_kind_parse(&out, NULL), CRM_EINVAL);
    CHECK_INT(crm_agenda_kind_parse(&out, "Occasion"), CRM_EINVAL);
    CHECK_INT(out, CRM_AGENDA_OCCASION);
    CHECK_INT(crm_agenda_kind_parse(NULL, "occasion"), CRM_EINVAL);
}

TEST(writes_in_the_walk)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    char before[8192];
    snprintf(before, sizeof before, "%s", agenda(db, &o, NOW));
    /* Each item acted on as it is read: the walk gives the agenda as it
     * was when it was opened, each item once, and ends. */
    crm_agenda_item_cursor *cur = NULL;
    CHECK_OK(db, crm_agenda_item_list_open(&cur, db, &o));
    const crm_agenda_item *it;
    int rc, n = 0;
    size_t len = 0;
    char walked[8192];
    walked[0] = 0;
    while ((rc = crm_agenda_item_cursor_next(cur, &it)) == CRM_ROW) {
        crm_agenda_kind_t k = crm_agenda_item_kind(it);
        const char *id = crm_agenda_item_id(it);
        if (k == CRM_AGENDA_PROMISE_OVERDUE || k == CRM_AGENDA_PROMISE_DUE)
            CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, CRM_TIME_NONE));
        else if (k == CRM_AGENDA_CONTACT_WAITING)
            contact(db, crm_agenda_item_customer_id(it), CRM_CHANNEL_EMAIL, CRM_DIRECTION_OUT,
                    CRM_OUTCOME_NONE, 0, NOW, NULL);
        /* And something new for the agenda each time. */
        char p[CRM_ID_LEN + 1];
        promise(db, w.a, "team:billing", NOW - 2 * DAY, p);
        len += (size_t)snprintf(walked + len, sizeof walked - len, "%s %s %lld|",
                                crm_agenda_kind_name(k), id,
                                (long long)crm_agenda_item_score(it));
        n++;
    }
    crm_agenda_item_cursor_free(cur);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 6);
    CHECK_STR(walked, before);
    /* What is left now: the six new promises and the occasion. */
    crm_agenda_item_cursor *c2 = NULL;
    CHECK_OK(db, crm_agenda_item_list_open(&c2, db, &o));
    n = 0;
    while ((rc = crm_agenda_item_cursor_next(c2, &it)) == CRM_ROW)
        n++;
    crm_agenda_item_cursor_free(c2);
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 7);
    crm_close(db);
}

TEST(dup_outlives_the_cursor)
{
    crm_db *db = open_at_now();
    world w;
    make_world(db, &w);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.owner = "agent:alice";
    crm_agenda_item *it = first_item(db, &o);
    CHECK(it != NULL);
    crm_agenda_item *again = NULL;
    CHECK_INT(crm_agenda_item_dup(&again, it), CRM_OK);
    crm_agenda_item_free(it);
    CHECK_INT(crm_agenda_item_kind(again), CRM_AGENDA_CONTACT_WAITING);
    CHECK_STR(crm_agenda_item_customer_name(again), "Bo");
    CHECK_STR(crm_agenda_item_customer_owner(again), "agent:alice");
    CHECK_STR(crm_agenda_item_channel(again), "email");
    CHECK_CONTAINS(crm_agenda_item_why(again), "2 contacts unanswered");
    CHECK_STR(crm_agenda_item_id(again), w.i_b1);
    CHECK(crm_agenda_item_owner(again) == NULL);
    crm_agenda_item_free(again);
    crm_close(db);
}

int main(void)
{
    RUN(everyone_in_order);
    RUN(owner_and_customer_owner);
    RUN(channel_blind);
    RUN(horizon_edges);
    RUN(lead_time_edges);
    RUN(leap_day_and_new_year);
    RUN(contacts_leave_when_answered);
    RUN(custom_channel_named);
    RUN(weights_and_limit);
    RUN(bad_input);
    RUN(kind_words);
    RUN(writes_in_the_walk);
    RUN(dup_outlives_the_cursor);
    return test_summary();
}
