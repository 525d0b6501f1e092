/*
 * libcrm tests - promises: making, keeping, breaking, releasing and
 * renegotiating them, the values derived when read, the lists, the history,
 * the journal, and bad input for every call in crm/promise.h.
 */
#include "test.h"

#define HOUR (3600 * 1000LL)

static const char *const controls[] = { "a\tb", "line\n", "\x01", "bell\x07", "del\x7f", NULL };

static char poison; /* what out-params point at before a call that must fail */

/* ---- helpers -------------------------------------------------------------- */

/* Every promise and its whole history as text, so a failed call can be
 * shown to have changed none of it. */
static void digest(crm_db *db, char *buf, size_t size)
{
    size_t n = 0;
#define PUT(...)                                                    \
    do {                                                            \
        if (n < size)                                               \
            n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
    } while (0)
    buf[0] = '\0';
    crm_promise_cursor *cur;
    int rc = crm_promise_list_open(&cur, db, NULL);
    if (rc != CRM_OK) {
        PUT("ERR open %s", crm_errmsg(db));
        return;
    }
    const crm_promise *p;
    while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW) {
        const char *inter = crm_promise_interaction_id(p), *kept = crm_promise_kept_by(p);
        PUT("%s %s %s %s [%s] %d %lld %lld %lld %lld %s %d\n", crm_promise_id(p),
            crm_promise_customer_id(p), inter ? inter : "-", crm_promise_owner(p),
            crm_promise_what(p), (int)crm_promise_state(p), (long long)crm_promise_due_at(p),
            (long long)crm_promise_first_due_at(p), (long long)crm_promise_made_at(p),
            (long long)crm_promise_closed_at(p), kept ? kept : "-",
            crm_promise_renegotiations(p));
        crm_promise_event_cursor *hc;
        const crm_promise_event *e;
        if (crm_promise_event_list_open(&hc, db, crm_promise_id(p)) != CRM_OK) {
            PUT("ERR history %s", crm_errmsg(db));
            break;
        }
        while (crm_promise_event_cursor_next(hc, &e) == CRM_ROW) {
            const char *ei = crm_promise_event_interaction_id(e), *note = crm_promise_event_note(e);
            PUT("  %d %lld %s %lld %lld %d %s %s\n", (int)crm_promise_event_kind(e),
                (long long)crm_promise_event_at(e), crm_promise_event_actor(e),
                (long long)crm_promise_event_old_due(e), (long long)crm_promise_event_new_due(e),
                crm_promise_event_customer_agreed(e), ei ? ei : "-", note ? note : "-");
        }
        crm_promise_event_cursor_free(hc);
    }
    if (rc != CRM_DONE && rc != CRM_ROW)
        PUT("ERR next %s", crm_errmsg(db));
    crm_promise_cursor_free(cur);
#undef PUT
}

static char digest_before[1 << 16], digest_after[1 << 16];

/* The out-parameter of a step that must fail (pass &stepped). */
static crm_promise *stepped;

/* CHECK_FAILS_ and, beyond the tables the snapshot counts, every promise
 * and event exactly as before, and a step's out-parameter not written. */
#define CHECK_PFAILS_(db, msgdb, call, code, frag, frag2)            \
    do {                                                             \
        stepped = (crm_promise *)&poison;                            \
        digest((db), digest_before, sizeof digest_before);           \
        CHECK_FAILS_(db, msgdb, call, code, frag, frag2);            \
        digest((db), digest_after, sizeof digest_after);             \
        CHECK_STR(digest_after, digest_before);                      \
        CHECK(stepped == (crm_promise *)&poison);                    \
    } while (0)
#define CHECK_PFAILS(db, call, code, frag) CHECK_PFAILS_(db, db, call, code, frag, NULL)
#define CHECK_PFAILS2(db, call, code, frag, frag2) CHECK_PFAILS_(db, db, call, code, frag, frag2)
#define CHECK_PNULL_DB(db, call, func) CHECK_PFAILS_(db, NULL, call, CRM_EINVAL, func, NULL)

static void log_interaction(crm_db *db, const char *customer, char id[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *i;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "logging an interaction: %s\n", crm_errmsg(db));
        exit(2);
    }
    memcpy(id, crm_interaction_id(i), CRM_ID_LEN + 1);
    crm_interaction_free(i);
}

static void make(crm_db *db, const char *customer, const char *owner, const char *what,
                 int64_t due, char id[CRM_ID_LEN + 1])
{
    crm_promise *p;
    /* A promise already due is one made a day before it fell due. */
    int64_t made = due < crm_now() ? due - 24 * HOUR : CRM_TIME_NONE;
    if (crm_promise_make(&p, db, customer, NULL, owner, what, due, made) != CRM_OK) {
        fprintf(stderr, "making '%s': %s\n", what, crm_errmsg(db));
        exit(2);
    }
    memcpy(id, crm_promise_id(p), CRM_ID_LEN + 1);
    crm_promise_free(p);
}

static crm_promise *get(crm_db *db, const char *id)
{
    crm_promise *p = NULL;
    if (crm_promise_get(&p, db, id) != CRM_OK) {
        fprintf(stderr, "getting %s: %s\n", id, crm_errmsg(db));
        exit(2);
    }
    return p;
}

static crm_promise_state_t state_of(crm_db *db, const char *id)
{
    crm_promise *p = get(db, id);
    crm_promise_state_t s = crm_promise_state(p);
    crm_promise_free(p);
    return s;
}

/* What the filter lists, as the promises' `what` joined by "," (static
 * buffer), or "ERR ...". *last receives the last id when not NULL. */
static const char *whats(crm_db *db, const crm_promise_filter *f, char *last)
{
    static char buf[8192];
    crm_promise_cursor *cur;
    int rc = crm_promise_list_open(&cur, db, f);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_promise *p;
    size_t n = 0;
    buf[0] = '\0';
    if (last)
        last[0] = '\0';
    int64_t prev = INT64_MIN;
    while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", crm_promise_what(p));
        if (crm_promise_due_at(p) < prev) {
            snprintf(buf, sizeof buf, "ERR not sorted by due time at %s", crm_promise_what(p));
            break;
        }
        prev = crm_promise_due_at(p);
        if (last)
            memcpy(last, crm_promise_id(p), CRM_ID_LEN + 1);
    }
    crm_promise_cursor_free(cur);
    if (rc != CRM_DONE && rc != CRM_ROW)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

/* The same list walked in pages of `limit` with keyset paging, pages
 * separated by "|" (static buffer). */
static const char *pages(crm_db *db, const crm_promise_filter *f, unsigned int limit)
{
    static char buf[8192];
    char last[CRM_ID_LEN + 1] = "";
    crm_promise_filter g = *f;
    g.limit = limit;
    size_t n = 0;
    buf[0] = '\0';
    for (int page = 0; page < 100; page++) {
        char after[CRM_ID_LEN + 1];
        memcpy(after, last, sizeof after);
        g.after = page ? after : NULL;
        const char *got = whats(db, &g, last);
        if (strncmp(got, "ERR", 3) == 0)
            return got;
        if (!*got)
            break;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "|" : "", got);
    }
    return buf;
}

/* The history as "kind old->new actor [agreed] [note] [interaction]; ...". */
static const char *history(crm_db *db, const char *id)
{
    static char buf[8192];
    crm_promise_event_cursor *cur;
    int rc = crm_promise_event_list_open(&cur, db, id);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_promise_event *e;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_promise_event_cursor_next(cur, &e)) == CRM_ROW) {
        char old[32];
        if (crm_promise_event_old_due(e) == CRM_TIME_NONE)
            snprintf(old, sizeof old, "none");
        else
            snprintf(old, sizeof old, "%lld", (long long)crm_promise_event_old_due(e));
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s %s->%lld %s%s%s%s%s", n ? "; " : "",
                              crm_promise_event_kind_name(crm_promise_event_kind(e)), old,
                              (long long)crm_promise_event_new_due(e), crm_promise_event_actor(e),
                              crm_promise_event_customer_agreed(e) ? " agreed" : "",
                              crm_promise_event_note(e) ? " note=" : "",
                              crm_promise_event_note(e) ? crm_promise_event_note(e) : "",
                              crm_promise_event_interaction_id(e) ? " +interaction" : "");
    }
    crm_promise_event_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

/* ---- names ------------------------------------------------------------------ */

TEST(state_and_event_names)
{
    static const char *const states[] = { NULL, "open", "kept", "broken", "released" };
    for (int s = CRM_PROMISE_OPEN; s <= CRM_PROMISE_RELEASED; s++) {
        CHECK_STR(crm_promise_state_name((crm_promise_state_t)s), states[s]);
        crm_promise_state_t back = (crm_promise_state_t)0;
        CHECK_INT(crm_promise_state_parse(&back, states[s]), CRM_OK);
        CHECK_INT(back, s);
    }
    CHECK(crm_promise_state_name((crm_promise_state_t)0) == NULL);
    CHECK(crm_promise_state_name((crm_promise_state_t)5) == NULL);
    CHECK(crm_promise_state_name((crm_promise_state_t)-1) == NULL);
    crm_promise_state_t st = (crm_promise_state_t)77;
    CHECK_INT(crm_promise_state_parse(&st, "Open"), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(&st, "open "), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(&st, ""), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(&st, "made"), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(&st, "\xff"), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(&st, NULL), CRM_EINVAL);
    CHECK_INT(crm_promise_state_parse(NULL, "open"), CRM_EINVAL);
    CHECK_INT(st, 77);

    static const char *const events[] = { NULL, "made", "renegotiated", "kept", "broken",
                                          "released" };
    for (int k = CRM_PROMISE_EVENT_MADE; k <= CRM_PROMISE_EVENT_RELEASED; k++)
        CHECK_STR(crm_promise_event_kind_name((crm_promise_event_kind_t)k), events[k]);
    CHECK(crm_promise_event_kind_name((crm_promise_event_kind_t)0) == NULL);
    CHECK(crm_promise_event_kind_name((crm_promise_event_kind_t)6) == NULL);
    CHECK(crm_promise_event_kind_name((crm_promise_event_kind_t)-3) == NULL);
}

/* ---- making and reading --------------------------------------------------------- */

TEST(make_and_get)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    int64_t due = crm_now() + 48 * HOUR;
    int64_t before = crm_now();
    crm_promise *p = NULL;
    CHECK_OK(db, crm_promise_make(&p, db, ann, call, "agent:alice", "call back about the refund",
                                  due, CRM_TIME_NONE));
    int64_t after = crm_now();
    CHECK(test_canonical_v7(crm_promise_id(p)));
    CHECK_STR(crm_promise_customer_id(p), ann);
    CHECK_STR(crm_promise_interaction_id(p), call);
    CHECK_STR(crm_promise_owner(p), "agent:alice");
    CHECK_STR(crm_promise_what(p), "call back about the refund");
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_OPEN);
    CHECK_INT(crm_promise_due_at(p), due);
    CHECK_INT(crm_promise_first_due_at(p), due);
    CHECK(crm_promise_made_at(p) >= before && crm_promise_made_at(p) <= after);
    CHECK_INT(crm_promise_closed_at(p), CRM_TIME_NONE);
    CHECK(crm_promise_kept_by(p) == NULL);
    CHECK_INT(crm_promise_renegotiations(p), 0);
    CHECK_INT(crm_promise_is_overdue(p, after), 0);
    CHECK_INT(crm_promise_was_kept_late(p), 0);

    /* The record read back is the record returned. */
    crm_promise *q = get(db, crm_promise_id(p));
    CHECK_STR(crm_promise_id(q), crm_promise_id(p));
    CHECK_STR(crm_promise_customer_id(q), ann);
    CHECK_STR(crm_promise_interaction_id(q), call);
    CHECK_STR(crm_promise_owner(q), "agent:alice");
    CHECK_STR(crm_promise_what(q), "call back about the refund");
    CHECK_INT(crm_promise_state(q), CRM_PROMISE_OPEN);
    CHECK_INT(crm_promise_due_at(q), due);
    CHECK_INT(crm_promise_first_due_at(q), due);
    CHECK_INT(crm_promise_made_at(q), crm_promise_made_at(p));
    CHECK_INT(crm_promise_closed_at(q), CRM_TIME_NONE);
    CHECK(crm_promise_kept_by(q) == NULL);
    CHECK_INT(crm_promise_renegotiations(q), 0);

    /* A copy outlives its original. */
    crm_promise *d = NULL;
    CHECK_INT(crm_promise_dup(&d, q), CRM_OK);
    crm_promise_free(q);
    CHECK_STR(crm_promise_owner(d), "agent:alice");
    CHECK_STR(crm_promise_what(d), "call back about the refund");
    CHECK_STR(crm_promise_id(d), crm_promise_id(p));
    CHECK_INT(crm_promise_due_at(d), due);
    CHECK_INT(crm_promise_first_due_at(d), due);
    crm_promise_free(d);
    CHECK_INT(crm_promise_first_due_at(NULL), CRM_TIME_NONE);

    /* Without an interaction, and without asking for the record. */
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_promise_make(NULL, db, ann, NULL, "team:billing", "refund €20 — 李", due,
                                  CRM_TIME_NONE));
    CHECK_INT(test_last_seq(db), seq + 1);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.owner = "team:billing";
    CHECK_STR(whats(db, &f, NULL), "refund €20 — 李");

    char want[128];
    snprintf(want, sizeof want, "made none->%lld system +interaction", (long long)due);
    CHECK_STR(history(db, crm_promise_id(p)), want);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

TEST(made_event_records_the_due_time)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    int64_t due = crm_now() + 5000;
    make(db, ann, "agent:bob", "ship a replacement", due, id);
    char want[128];
    snprintf(want, sizeof want, "made none->%lld agent:alice", (long long)due);
    CHECK_STR(history(db, id), want);
    crm_promise_event_cursor *cur;
    const crm_promise_event *e;
    int64_t now = crm_now();
    CHECK_OK(db, crm_promise_event_list_open(&cur, db, id));
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_kind(e), CRM_PROMISE_EVENT_MADE);
    CHECK(crm_promise_event_at(e) <= now && crm_promise_event_at(e) > now - 10000);
    CHECK_INT(crm_promise_event_old_due(e), CRM_TIME_NONE);
    CHECK_INT(crm_promise_event_new_due(e), due);
    CHECK_INT(crm_promise_event_customer_agreed(e), 0);
    CHECK(crm_promise_event_interaction_id(e) == NULL);
    CHECK(crm_promise_event_note(e) == NULL);
    CHECK_STR(crm_promise_event_actor(e), "agent:alice");
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_DONE);
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_DONE);
    crm_promise_event_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

/* ---- transitions ------------------------------------------------------------------ */

TEST(keep_on_time_by_an_interaction)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    int64_t due = crm_now() + HOUR;
    make(db, ann, "agent:alice", "call back", due, id);
    log_interaction(db, ann, call);
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    int64_t before = crm_now();
    CHECK_OK(db, crm_promise_keep(NULL, db, id, call, "called, all sorted", CRM_TIME_NONE));
    int64_t after = crm_now();
    crm_promise *p = get(db, id);
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_KEPT);
    CHECK(crm_promise_closed_at(p) >= before && crm_promise_closed_at(p) <= after);
    CHECK_STR(crm_promise_kept_by(p), call);
    CHECK(crm_promise_interaction_id(p) == NULL); /* made during none */
    CHECK_INT(crm_promise_due_at(p), due);
    CHECK_INT(crm_promise_was_kept_late(p), 0);
    CHECK_INT(crm_promise_is_overdue(p, due + HOUR), 0);
    crm_promise_free(p);
    char want[256];
    snprintf(want, sizeof want,
             "made none->%lld system; kept %lld->%lld agent:alice note=called, all sorted "
             "+interaction",
             (long long)due, (long long)due, (long long)due);
    CHECK_STR(history(db, id), want);
    crm_promise_event_cursor *cur;
    const crm_promise_event *e;
    CHECK_OK(db, crm_promise_event_list_open(&cur, db, id));
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_kind(e), CRM_PROMISE_EVENT_KEPT);
    CHECK_STR(crm_promise_event_interaction_id(e), call);
    CHECK(crm_promise_event_at(e) >= before && crm_promise_event_at(e) <= after);
    crm_promise_event_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(keep_late_and_without_interaction)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    int64_t due = crm_now() - HOUR;
    make(db, ann, "agent:alice", "call back", due, id);
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, CRM_TIME_NONE));
    crm_promise *p = get(db, id);
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_KEPT);
    CHECK(crm_promise_kept_by(p) == NULL);
    CHECK(crm_promise_closed_at(p) > due);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    CHECK_INT(crm_promise_is_overdue(p, crm_now()), 0);
    crm_promise_free(p);
    char want[128];
    snprintf(want, sizeof want, "made none->%lld system; kept %lld->%lld system", (long long)due,
             (long long)due, (long long)due);
    CHECK_STR(history(db, id), want);
    CHECK_OK(db, crm_close(db));
}

TEST(kept_late_follows_the_due_time_in_force)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    int64_t now = crm_now();
    /* Late by the first due time, on time by the renegotiated one. */
    make(db, ann, "agent:alice", "a", now - HOUR, a);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, a, now + HOUR, "customer away", 1,
                                         CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_keep(NULL, db, a, NULL, NULL, CRM_TIME_NONE));
    crm_promise *p = get(db, a);
    CHECK_INT(crm_promise_was_kept_late(p), 0);
    crm_promise_free(p);
    /* On time by the first, late by the renegotiated one: made and moved
     * earlier before the new due time, kept after it. */
    crm_promise *made = NULL;
    CHECK_OK(db, crm_promise_make(&made, db, ann, NULL, "agent:alice", "b", now + HOUR,
                                  now - 3 * HOUR));
    memcpy(b, crm_promise_id(made), sizeof b);
    crm_promise_free(made);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, b, now - HOUR, "moved earlier", 0,
                                         now - 2 * HOUR));
    CHECK_OK(db, crm_promise_keep(NULL, db, b, NULL, NULL, CRM_TIME_NONE));
    p = get(db, b);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

TEST(break_and_release)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    int64_t now = crm_now();
    make(db, ann, "agent:alice", "a", now - HOUR, a);
    make(db, ann, "agent:alice", "b", now + HOUR, b);
    make(db, ann, "agent:alice", "c", now + HOUR, c);
    CHECK_OK(db, crm_set_actor(db, "agent:carol"));
    int64_t before = crm_now();
    CHECK_OK(db, crm_promise_break(NULL, db, a, "part out of stock", CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_release(NULL, db, b, "customer fixed it herself", CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_release(NULL, db, c, NULL, CRM_TIME_NONE));
    int64_t after = crm_now();
    const char *ids[] = { a, b, c };
    crm_promise_state_t want[] = { CRM_PROMISE_BROKEN, CRM_PROMISE_RELEASED, CRM_PROMISE_RELEASED };
    for (int i = 0; i < 3; i++) {
        crm_promise *p = get(db, ids[i]);
        CHECK_INT(crm_promise_state(p), want[i]);
        CHECK(crm_promise_closed_at(p) >= before && crm_promise_closed_at(p) <= after);
        CHECK(crm_promise_kept_by(p) == NULL);
        CHECK_INT(crm_promise_was_kept_late(p), 0); /* not kept at all */
        CHECK_INT(crm_promise_is_overdue(p, now + 10 * HOUR), 0);
        crm_promise_free(p);
    }
    char w[256];
    snprintf(w, sizeof w,
             "made none->%lld system; broken %lld->%lld agent:carol note=part out of stock",
             (long long)(now - HOUR), (long long)(now - HOUR), (long long)(now - HOUR));
    CHECK_STR(history(db, a), w);
    snprintf(w, sizeof w,
             "made none->%lld system; released %lld->%lld agent:carol note=customer fixed it herself",
             (long long)(now + HOUR), (long long)(now + HOUR), (long long)(now + HOUR));
    CHECK_STR(history(db, b), w);
    snprintf(w, sizeof w, "made none->%lld system; released %lld->%lld agent:carol",
             (long long)(now + HOUR), (long long)(now + HOUR), (long long)(now + HOUR));
    CHECK_STR(history(db, c), w);
    CHECK_OK(db, crm_close(db));
}

TEST(renegotiate_keeps_every_due_time)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "replacement ships", 1000, id);
    CHECK_OK(db, crm_set_actor(db, "agent:bob"));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, 2000, "warehouse closed", 1, 500));
    crm_promise *p = get(db, id);
    CHECK_INT(crm_promise_due_at(p), 2000);
    CHECK_INT(crm_promise_first_due_at(p), 1000);
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_OPEN);
    CHECK_INT(crm_promise_renegotiations(p), 1);
    CHECK_INT(crm_promise_closed_at(p), CRM_TIME_NONE);
    crm_promise_free(p);
    CHECK_OK(db, crm_set_actor(db, "ivr:main-menu"));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, 1500, "a van came free", 0, 1000));
    p = get(db, id);
    CHECK_INT(crm_promise_due_at(p), 1500);
    CHECK_INT(crm_promise_first_due_at(p), 1000);
    CHECK_INT(crm_promise_renegotiations(p), 2);
    crm_promise_free(p);
    CHECK_STR(history(db, id), "made none->1000 system; "
                               "renegotiated 1000->2000 agent:bob agreed note=warehouse closed; "
                               "renegotiated 2000->1500 ivr:main-menu note=a van came free");
    /* A final step still counts the renegotiations before it. */
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, CRM_TIME_NONE));
    p = get(db, id);
    CHECK_INT(crm_promise_renegotiations(p), 2);
    CHECK_INT(crm_promise_due_at(p), 1500);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    crm_promise_free(p);
    CHECK_STR(history(db, id), "made none->1000 system; "
                               "renegotiated 1000->2000 agent:bob agreed note=warehouse closed; "
                               "renegotiated 2000->1500 ivr:main-menu note=a van came free; "
                               "kept 1500->1500 ivr:main-menu");
    CHECK_OK(db, crm_close(db));
}

/* Each final state refuses every step, naming the state. */
TEST(final_states_are_final)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    static const char *const names[] = { "kept", "broken", "released" };
    for (int k = 0; k < 3; k++) {
        char id[CRM_ID_LEN + 1];
        make(db, ann, "agent:alice", names[k], 10 * HOUR, id);
        if (k == 0)
            CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, "done", CRM_TIME_NONE));
        else if (k == 1)
            CHECK_OK(db, crm_promise_break(NULL, db, id, "could not", CRM_TIME_NONE));
        else
            CHECK_OK(db, crm_promise_release(NULL, db, id, NULL, CRM_TIME_NONE));
        char already[32];
        snprintf(already, sizeof already, "already %s", names[k]);
        CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, NULL, NULL, CRM_TIME_NONE),
                      CRM_ESTATE, id,
                      already);
        CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, call, "again", CRM_TIME_NONE),
                      CRM_ESTATE, id,
                      already);
        CHECK_PFAILS2(db, crm_promise_break(&stepped, db, id, "too late", CRM_TIME_NONE),
                      CRM_ESTATE, id,
                      already);
        CHECK_PFAILS2(db, crm_promise_release(&stepped, db, id, NULL, CRM_TIME_NONE), CRM_ESTATE,
                      id,
                      already);
        CHECK_PFAILS2(db, crm_promise_release(&stepped, db, id, "no longer needed", CRM_TIME_NONE),
                      CRM_ESTATE, id, already);
        CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 20 * HOUR, "later", 1,
                                                  CRM_TIME_NONE),
                      CRM_ESTATE, id, already);
        /* The state is checked before the new due time is compared. */
        CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 10 * HOUR, "same", 0,
                                                  CRM_TIME_NONE),
                      CRM_ESTATE, id, already);
        CHECK_INT(state_of(db, id), k + CRM_PROMISE_KEPT);
    }
    CHECK_OK(db, crm_close(db));
}

TEST(overdue_as_of)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    int64_t due = crm_now() + HOUR;
    make(db, ann, "agent:alice", "call back", due, id);
    crm_promise *p = get(db, id);
    CHECK_INT(crm_promise_is_overdue(p, 1), 0);
    CHECK_INT(crm_promise_is_overdue(p, due - 1), 0);
    CHECK_INT(crm_promise_is_overdue(p, due), 0); /* due at T is not overdue at T */
    CHECK_INT(crm_promise_is_overdue(p, due + 1), 1);
    CHECK_INT(crm_promise_is_overdue(p, INT64_MAX), 1);
    CHECK_INT(crm_promise_is_overdue(NULL, due + 1), 0);
    /* CRM_TIME_NONE: as of when it was read, by the system's clock here. */
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 0);
    CHECK_INT(crm_promise_is_overdue(NULL, CRM_TIME_NONE), 0);
    crm_promise_free(p);
    /* Recorded after the fact, already past due: overdue as it is read. */
    char late[CRM_ID_LEN + 1];
    crm_promise *made;
    CHECK_OK(db, crm_promise_make(&made, db, ann, NULL, "agent:alice", "late", crm_now() - HOUR,
                                  crm_now() - 2 * HOUR));
    CHECK_INT(crm_promise_is_overdue(made, CRM_TIME_NONE), 1);
    memcpy(late, crm_promise_id(made), sizeof late);
    crm_promise_free(made);
    p = get(db, late);
    CHECK_INT(crm_promise_is_overdue(p, CRM_TIME_NONE), 1);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_release(&made, db, late, NULL, CRM_TIME_NONE));
    CHECK_INT(crm_promise_is_overdue(made, CRM_TIME_NONE), 0);
    crm_promise_free(made);
    /* A renegotiated due time moves it. */
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, due + HOUR, "later", 1, CRM_TIME_NONE));
    p = get(db, id);
    CHECK_INT(crm_promise_is_overdue(p, due + 1), 0);
    CHECK_INT(crm_promise_is_overdue(p, due + HOUR + 1), 1);
    crm_promise_free(p);
    /* Kept: never overdue again. */
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, CRM_TIME_NONE));
    p = get(db, id);
    CHECK_INT(crm_promise_is_overdue(p, due + 100 * HOUR), 0);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

TEST(interaction_must_be_the_customers)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], anns[CRM_ID_LEN + 1], bobs[CRM_ID_LEN + 1];
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", bob);
    log_interaction(db, ann, anns);
    log_interaction(db, bob, bobs);
    crm_promise *p = (crm_promise *)&poison;
    int64_t due = crm_now() + HOUR;
    CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, bobs, "agent:alice", "x", due, CRM_TIME_NONE),
                  CRM_EINVAL,
                  "interaction id", bobs);
    CHECK(p == (crm_promise *)&poison);
    CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, TEST_UNKNOWN_ID, "agent:alice", "x", due,
                                       CRM_TIME_NONE),
                  CRM_ENOTFOUND, "interaction", TEST_UNKNOWN_ID);
    CHECK(p == (crm_promise *)&poison);
    make(db, ann, "agent:alice", "x", due, id);
    CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, bobs, NULL, CRM_TIME_NONE), CRM_EINVAL,
                  "interaction id", bobs);
    CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, TEST_UNKNOWN_ID, NULL, CRM_TIME_NONE),
                  CRM_ENOTFOUND,
                  "interaction", TEST_UNKNOWN_ID);
    CHECK_INT(state_of(db, id), CRM_PROMISE_OPEN);
    CHECK_OK(db, crm_promise_keep(NULL, db, id, anns, NULL, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_make(NULL, db, bob, bobs, "agent:alice", "y", due, CRM_TIME_NONE));
    CHECK_OK(db, crm_close(db));
}

TEST(limits)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    char *owner = test_long_string(CRM_ACTOR_MAX), *what = test_long_string(CRM_PROMISE_TEXT_MAX);
    char *note = test_long_string(CRM_NOTE_MAX);
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, owner, what, CRM_TIME_MAX, 0));
    CHECK_STR(crm_promise_owner(p), owner);
    CHECK_STR(crm_promise_what(p), what);
    CHECK_INT(crm_promise_due_at(p), CRM_TIME_MAX);
    char id[CRM_ID_LEN + 1];
    memcpy(id, crm_promise_id(p), sizeof id);
    crm_promise_free(p);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.owner = owner;
    CHECK_STR(whats(db, &f, NULL), what);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, 1, note, 0, 1));
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, note, CRM_TIME_NONE));
    make(db, ann, "a", "b", 1, id);
    CHECK_OK(db, crm_promise_break(NULL, db, id, note, CRM_TIME_NONE));
    make(db, ann, "a", "b", 1, id);
    CHECK_OK(db, crm_promise_release(NULL, db, id, note, CRM_TIME_NONE));
    crm_promise_event_cursor *cur;
    const crm_promise_event *e;
    CHECK_OK(db, crm_promise_event_list_open(&cur, db, id));
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_cursor_next(cur, &e), CRM_ROW);
    CHECK_STR(crm_promise_event_note(e), note);
    crm_promise_event_cursor_free(cur);
    free(owner);
    free(what);
    free(note);
    CHECK_OK(db, crm_close(db));
}

/* ---- lists ----------------------------------------------------------------------- */

typedef struct world {
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1];
    char id[8][CRM_ID_LEN + 1];
    int64_t t; /* a time; the promises are due around it */
} world;

/* A..H for two customers and two owners; D is kept, E broken, F released,
 * C and G share a due time. */
static void make_world(crm_db *db, world *w)
{
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", w->ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", w->bob);
    w->t = 1700000000000LL;
    int64_t T = w->t;
    make(db, w->ann, "agent:alice", "H", T + 5 * HOUR, w->id[7]);
    make(db, w->ann, "agent:alice", "A", T - 3 * HOUR, w->id[0]);
    make(db, w->bob, "agent:bob", "B", T - 2 * HOUR, w->id[1]);
    make(db, w->ann, "agent:bob", "C", T - HOUR, w->id[2]);
    make(db, w->bob, "agent:alice", "D", T - 30 * 60000, w->id[3]);
    make(db, w->ann, "agent:alice", "E", T, w->id[4]);
    make(db, w->bob, "agent:bob", "F", T + HOUR, w->id[5]);
    make(db, w->ann, "agent:alice", "G", T - HOUR, w->id[6]);
    crm_promise_keep(NULL, db, w->id[3], NULL, NULL, CRM_TIME_NONE);
    crm_promise_break(NULL, db, w->id[4], "no", CRM_TIME_NONE);
    crm_promise_release(NULL, db, w->id[5], NULL, CRM_TIME_NONE);
}

TEST(list_all_and_by_customer)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    /* C and G are due together: the earlier id first. */
    const char *cg = strcmp(w.id[2], w.id[6]) < 0 ? "C,G" : "G,C";
    char want[64];
    snprintf(want, sizeof want, "A,B,%s,D,E,F,H", cg);
    CHECK_STR(whats(db, NULL, NULL), want);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A|B|%c|%c|D|E|F|H", cg[0], cg[2]);
    CHECK_STR(pages(db, &f, 1), want);
    snprintf(want, sizeof want, "A,B|%s|D,E|F,H", cg);
    CHECK_STR(pages(db, &f, 2), want);

    f.customer_id = w.ann;
    snprintf(want, sizeof want, "A,%s,E,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A,%c|%c,E|H", cg[0], cg[2]);
    CHECK_STR(pages(db, &f, 2), want);
    snprintf(want, sizeof want, "A,%s|E,H", cg);
    CHECK_STR(pages(db, &f, 3), want);
    f.customer_id = w.bob;
    CHECK_STR(whats(db, &f, NULL), "B,D,F");
    CHECK_STR(pages(db, &f, 1), "B|D|F");
    f.limit = 2;
    CHECK_STR(whats(db, &f, NULL), "B,D");
    f.limit = 0;
    /* A customer's open ones. */
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    CHECK_STR(whats(db, &f, NULL), "B");
    f.customer_id = w.ann;
    snprintf(want, sizeof want, "A,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    f.due_before = w.t;
    snprintf(want, sizeof want, "A,%s", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    /* `after` is a position in the order: a promise of another list works. */
    f = (crm_promise_filter)CRM_PROMISE_FILTER_INIT;
    f.customer_id = w.ann;
    f.after = w.id[1]; /* Bob's B */
    snprintf(want, sizeof want, "%s,E,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    /* A customer without promises. */
    char cat[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Cat", cat);
    f.after = NULL;
    f.customer_id = cat;
    CHECK_STR(whats(db, &f, NULL), "");
    CHECK_OK(db, crm_close(db));
}

TEST(list_by_owner)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.owner = "agent:alice";
    CHECK_STR(whats(db, &f, NULL), "A,G,D,E,H");
    CHECK_STR(pages(db, &f, 2), "A,G|D,E|H");
    f.owner = "agent:bob";
    CHECK_STR(whats(db, &f, NULL), "B,C,F");
    CHECK_STR(pages(db, &f, 1), "B|C|F");
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    CHECK_STR(whats(db, &f, NULL), "B,C");
    f.customer_id = w.ann; /* both */
    CHECK_STR(whats(db, &f, NULL), "C");
    f.customer_id = NULL;
    f.states = 0;
    f.owner = "agent:carol";
    CHECK_STR(whats(db, &f, NULL), "");
    f.owner = "Agent:Alice"; /* owners are compared exactly */
    CHECK_STR(whats(db, &f, NULL), "");
    CHECK_OK(db, crm_close(db));
}

TEST(list_open_due_before)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    const char *cg = strcmp(w.id[2], w.id[6]) < 0 ? "C,G" : "G,C";
    char want[64];
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    f.due_before = w.t;
    snprintf(want, sizeof want, "A,B,%s", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A,B|%s", cg);
    CHECK_STR(pages(db, &f, 2), want);
    snprintf(want, sizeof want, "A,B,%c|%c", cg[0], cg[2]);
    CHECK_STR(pages(db, &f, 3), want);
    f.due_before = w.t - HOUR; /* due at the bound is not before it */
    CHECK_STR(whats(db, &f, NULL), "A,B");
    f.due_before = w.t + 6 * HOUR;
    snprintf(want, sizeof want, "A,B,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    f.due_before = 1;
    CHECK_STR(whats(db, &f, NULL), "");
    /* Every open one, by due time. */
    f.due_before = CRM_TIME_NONE;
    snprintf(want, sizeof want, "A,B,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    /* Other states and sets of states. */
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_KEPT);
    CHECK_STR(whats(db, &f, NULL), "D");
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_BROKEN) | CRM_PROMISE_BIT(CRM_PROMISE_RELEASED);
    CHECK_STR(whats(db, &f, NULL), "E,F");
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_BROKEN) | CRM_PROMISE_BIT(CRM_PROMISE_RELEASED) |
               CRM_PROMISE_BIT(CRM_PROMISE_KEPT);
    CHECK_STR(whats(db, &f, NULL), "D,E,F");
    CHECK_STR(pages(db, &f, 1), "D|E|F");
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN) | CRM_PROMISE_BIT(CRM_PROMISE_KEPT);
    f.due_before = w.t;
    snprintf(want, sizeof want, "A,B,%s,D", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A,B|%s|D", cg);
    CHECK_STR(pages(db, &f, 2), want);
    /* Every state due before a time. */
    f.states = 0;
    f.due_before = w.t + HOUR;
    snprintf(want, sizeof want, "A,B,%s,D,E", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A,B,%c|%c,D,E", cg[0], cg[2]);
    CHECK_STR(pages(db, &f, 3), want);
    CHECK_OK(db, crm_close(db));
}

TEST(list_overdue_as_of)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    const char *cg = strcmp(w.id[2], w.id[6]) < 0 ? "C,G" : "G,C";
    char want[64];
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.overdue_as_of = w.t;
    snprintf(want, sizeof want, "A,B,%s", cg); /* D is kept, E due at T */
    CHECK_STR(whats(db, &f, NULL), want);
    snprintf(want, sizeof want, "A|B|%c|%c", cg[0], cg[2]);
    CHECK_STR(pages(db, &f, 1), want);
    f.overdue_as_of = w.t - HOUR;
    CHECK_STR(whats(db, &f, NULL), "A,B");
    f.overdue_as_of = w.t - HOUR + 1;
    snprintf(want, sizeof want, "A,B,%s", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    f.overdue_as_of = w.t - 3 * HOUR;
    CHECK_STR(whats(db, &f, NULL), "");
    f.overdue_as_of = w.t + 100 * HOUR;
    snprintf(want, sizeof want, "A,B,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    /* With other filters: the tighter bound wins, other states give nothing. */
    f.due_before = w.t - 2 * HOUR;
    CHECK_STR(whats(db, &f, NULL), "A");
    f.due_before = CRM_TIME_NONE;
    f.customer_id = w.bob;
    CHECK_STR(whats(db, &f, NULL), "B");
    f.customer_id = NULL;
    f.owner = "agent:alice";
    CHECK_STR(whats(db, &f, NULL), "A,G,H");
    f.owner = NULL;
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_KEPT);
    CHECK_STR(whats(db, &f, NULL), "");
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_KEPT) | CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    snprintf(want, sizeof want, "A,B,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    /* Keeping one takes it off the list. */
    CHECK_OK(db, crm_promise_keep(NULL, db, w.id[1], NULL, NULL, CRM_TIME_NONE));
    f.states = 0;
    snprintf(want, sizeof want, "A,%s,H", cg);
    CHECK_STR(whats(db, &f, NULL), want);
    CHECK_OK(db, crm_close(db));
}

TEST(list_rows_carry_every_field)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], done[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    log_interaction(db, ann, done);
    crm_promise *made;
    CHECK_OK(db, crm_promise_make(&made, db, ann, call, "agent:alice", "call back", 1000, 500));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(made), 3000, "later", 1, 600));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(made), 2000, "sooner", 1,
                                         700));
    CHECK_OK(db, crm_promise_keep(NULL, db, crm_promise_id(made), done, NULL, CRM_TIME_NONE));
    crm_promise *want = get(db, crm_promise_id(made));
    crm_promise_cursor *cur;
    const crm_promise *p;
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.customer_id = ann;
    CHECK_OK(db, crm_promise_list_open(&cur, db, &f));
    CHECK_INT(crm_promise_cursor_next(cur, &p), CRM_ROW);
    CHECK_STR(crm_promise_id(p), crm_promise_id(made));
    CHECK_STR(crm_promise_customer_id(p), ann);
    CHECK_STR(crm_promise_interaction_id(p), call);
    CHECK_STR(crm_promise_owner(p), "agent:alice");
    CHECK_STR(crm_promise_what(p), "call back");
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_KEPT);
    CHECK_INT(crm_promise_due_at(p), 2000);
    CHECK_INT(crm_promise_first_due_at(p), 1000);
    CHECK_INT(crm_promise_made_at(p), crm_promise_made_at(made));
    CHECK_INT(crm_promise_closed_at(p), crm_promise_closed_at(want));
    CHECK_STR(crm_promise_kept_by(p), done);
    CHECK_INT(crm_promise_renegotiations(p), 2);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    /* A row copied outlives the cursor. */
    crm_promise *copy = NULL;
    CHECK_INT(crm_promise_dup(&copy, p), CRM_OK);
    CHECK_INT(crm_promise_cursor_next(cur, &p), CRM_DONE);
    CHECK_INT(crm_promise_cursor_next(cur, &p), CRM_DONE);
    crm_promise_cursor_free(cur);
    CHECK_STR(crm_promise_what(copy), "call back");
    CHECK_STR(crm_promise_kept_by(copy), done);
    CHECK_INT(crm_promise_renegotiations(copy), 2);
    CHECK_INT(crm_promise_first_due_at(copy), 1000);
    crm_promise_free(copy);
    crm_promise_free(want);
    crm_promise_free(made);
    CHECK_OK(db, crm_close(db));
}

/* ---- steps at the time they happened ------------------------------------------------ */

/* The four steps from open. */
enum step { KEEP, BREAK, RELEASE, RENEGOTIATE, NSTEPS };

#define DAY (24 * HOUR)
/* "Now" of these tests: 2026-06-15T12:00:00Z, by the handle's clock. */
#define NOW 1781524800000LL

static int64_t fixed_clock(void *ctx)
{
    return *(const int64_t *)ctx;
}

static crm_db *open_at(int64_t *now)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = fixed_clock;
    o.clock_ctx = now;
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

/* The history with each step's time, as days before NOW: "made@10 ...". */
static const char *history_at(crm_db *db, const char *id)
{
    static char buf[1024];
    crm_promise_event_cursor *cur;
    const crm_promise_event *e;
    size_t n = 0;
    buf[0] = '\0';
    if (crm_promise_event_list_open(&cur, db, id) != CRM_OK)
        return "ERR";
    while (crm_promise_event_cursor_next(cur, &e) == CRM_ROW) {
        int64_t ago = NOW - crm_promise_event_at(e);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s@%lld%s", n ? " " : "",
                              crm_promise_event_kind_name(crm_promise_event_kind(e)),
                              (long long)(ago / DAY), ago % DAY ? "+" : "");
    }
    crm_promise_event_cursor_free(cur);
    return buf;
}

/* A promise's whole history imported after the fact: made 10 days ago
 * (due in 3 days then), renegotiated 5 days ago to 2 days ago, kept
 * yesterday, a day late, by the call that day. Then today is replayed
 * through the clock, step by step. */
TEST(import_a_history_then_replay_a_day)
{
    int64_t now = NOW;
    crm_db *db = open_at(&now);
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = ann;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_OUT;
    s.occurred_at = NOW - DAY;
    crm_interaction *it;
    CHECK_OK(db, crm_interaction_log(&it, db, &s));
    memcpy(call, crm_interaction_id(it), sizeof call);
    crm_interaction_free(it);
    int64_t seq = test_last_seq(db);

    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "agent:alice", "refund the double charge",
                                  NOW - 7 * DAY, NOW - 10 * DAY));
    memcpy(id, crm_promise_id(p), sizeof id);
    CHECK_INT(crm_promise_made_at(p), NOW - 10 * DAY);
    CHECK_INT(crm_promise_due_at(p), NOW - 7 * DAY);
    CHECK_INT(crm_promise_first_due_at(p), NOW - 7 * DAY);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW - 2 * DAY, "the part was late", 1,
                                         NOW - 5 * DAY));
    /* Overdue as of a time between the two due times, as the record says. */
    p = get(db, id);
    CHECK_INT(crm_promise_is_overdue(p, NOW - 3 * DAY), 0);
    CHECK_INT(crm_promise_is_overdue(p, NOW - 2 * DAY + 1), 1);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_keep(NULL, db, id, call, "refunded", NOW - DAY));

    p = get(db, id);
    CHECK_STR(crm_promise_id(p), id);
    CHECK_STR(crm_promise_customer_id(p), ann);
    CHECK(crm_promise_interaction_id(p) == NULL);
    CHECK_STR(crm_promise_owner(p), "agent:alice");
    CHECK_STR(crm_promise_what(p), "refund the double charge");
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_KEPT);
    CHECK_INT(crm_promise_due_at(p), NOW - 2 * DAY);
    CHECK_INT(crm_promise_first_due_at(p), NOW - 7 * DAY);
    CHECK_INT(crm_promise_made_at(p), NOW - 10 * DAY);
    CHECK_INT(crm_promise_closed_at(p), NOW - DAY);
    CHECK_STR(crm_promise_kept_by(p), call);
    CHECK_INT(crm_promise_is_overdue(p, NOW), 0);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    CHECK_INT(crm_promise_renegotiations(p), 1);
    crm_promise_free(p);
    char due[64], moved[64];
    snprintf(due, sizeof due, "%lld", (long long)(NOW - 7 * DAY));
    snprintf(moved, sizeof moved, "%lld", (long long)(NOW - 2 * DAY));
    char want[512];
    snprintf(want, sizeof want,
             "made none->%s system; renegotiated %s->%s system agreed note=the part was late; "
             "kept %s->%s system note=refunded +interaction",
             due, due, moved, moved, moved);
    CHECK_STR(history(db, id), want);
    CHECK_STR(history_at(db, id), "made@10 renegotiated@5 kept@1");
    /* Kept yesterday, a day late: in the lists it is kept, not overdue. */
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.overdue_as_of = NOW;
    CHECK_STR(whats(db, &f, NULL), "");
    f = (crm_promise_filter)CRM_PROMISE_FILTER_INIT;
    f.states = CRM_PROMISE_BIT(CRM_PROMISE_KEPT);
    CHECK_STR(whats(db, &f, NULL), "refund the double charge");

    /* The journal: each entry at its step's time, and when it was
     * recorded, now. */
    char pid[64], recorded[64];
    snprintf(pid, sizeof pid, "\"promise_id\":\"%s\"", id);
    snprintf(recorded, sizeof recorded, "\"recorded_at\":%lld", (long long)NOW);
    test_jrow rows[] = {
        { "promise", "make", ann, { pid, recorded, "\"due_at\":" }, NULL },
        { "promise", "renegotiate", ann, { pid, recorded, "\"why\":\"the part was late\"" },
          NULL },
        { "promise", "keep", ann, { pid, recorded, "\"note\":\"refunded\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, rows, 3));
    crm_journal_entry_cursor *jc;
    const crm_journal_entry *e;
    static const int64_t ago[] = { 10 * DAY, 5 * DAY, DAY };
    CHECK_OK(db, crm_journal_entry_list_open(&jc, db, seq));
    for (int i = 0; i < 3; i++) {
        CHECK_INT(crm_journal_entry_cursor_next(jc, &e), CRM_ROW);
        CHECK_INT(crm_journal_entry_at(e), NOW - ago[i]);
    }
    crm_journal_entry_cursor_free(jc);

    /* Today, replayed: the clock moves through the day, each step now. */
    now = NOW - 3 * HOUR;
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "agent:bob", "call back", NOW, CRM_TIME_NONE));
    memcpy(id, crm_promise_id(p), sizeof id);
    crm_promise_free(p);
    now = NOW - HOUR;
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW + 2 * HOUR, "busy", 0, CRM_TIME_NONE));
    now = NOW + 3 * HOUR;
    seq = test_last_seq(db);
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, CRM_TIME_NONE));
    p = get(db, id);
    CHECK_INT(crm_promise_made_at(p), NOW - 3 * HOUR);
    CHECK_INT(crm_promise_first_due_at(p), NOW);
    CHECK_INT(crm_promise_due_at(p), NOW + 2 * HOUR);
    CHECK_INT(crm_promise_closed_at(p), NOW + 3 * HOUR);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    crm_promise_free(p);
    /* Recorded as it happened: no recorded_at. */
    test_jrow now_row[] = { { "promise", "keep", ann, { "promise_id" }, "recorded_at" } };
    CHECK(test_journal_is(db, seq, now_row, 1));
    CHECK_OK(db, crm_close(db));
}

/* When a step happened: not later than now, not before the promise's last
 * step; the same time as the last step, or any time of the years 1 to
 * 9999 before now for a promise being made, is fine. */
TEST(step_times_in_order)
{
    int64_t now = NOW;
    crm_db *db = open_at(&now);
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    crm_promise *p = (crm_promise *)&poison;
    CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, NULL, "a", "b", NOW, NOW + 1), CRM_EINVAL,
                  "at 1781524800001 (2026-06-15T12:00:00.001Z) is in the future",
                  "it is 1781524800000 (2026-06-15T12:00:00.000Z) now");
    CHECK(p == (crm_promise *)&poison);
    CHECK_PFAILS2(db, crm_promise_make(NULL, db, ann, NULL, "a", "b", NOW, CRM_TIME_MAX),
                  CRM_EINVAL, "is in the future", "9999-12-31T23:59:59.999Z");
    /* The future is refused before a missing customer is looked for. */
    CHECK_PFAILS(db, crm_promise_make(NULL, db, TEST_UNKNOWN_ID, NULL, "a", "b", NOW, NOW + 1),
                 CRM_EINVAL, "in the future");
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "old", NOW, CRM_TIME_MIN));
    CHECK_INT(crm_promise_made_at(p), CRM_TIME_MIN);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "now", NOW + DAY, NOW));
    CHECK_INT(crm_promise_made_at(p), NOW);
    crm_promise_free(p);

    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "b", NOW + DAY, NOW - 4 * DAY));
    memcpy(id, crm_promise_id(p), sizeof id);
    crm_promise_free(p);
    for (int s = 0; s < NSTEPS; s++) {
        int64_t bad[] = { NOW - 4 * DAY - 1, NOW + 1 };
        const char *frag[] = { "is before the last step of promise", "is in the future" };
        for (int i = 0; i < 2; i++) {
            int rc;
            stepped = (crm_promise *)&poison;
            switch (s) {
            case KEEP: rc = crm_promise_keep(&stepped, db, id, NULL, NULL, bad[i]); break;
            case BREAK: rc = crm_promise_break(&stepped, db, id, "x", bad[i]); break;
            case RELEASE: rc = crm_promise_release(&stepped, db, id, NULL, bad[i]); break;
            default: rc = crm_promise_renegotiate(&stepped, db, id, NOW + 2 * DAY, "x", 0,
                                                  bad[i]); break;
            }
            CHECK_INT(rc, CRM_EINVAL);
            CHECK_CONTAINS(crm_errmsg(db), frag[i]);
            CHECK(stepped == (crm_promise *)&poison);
        }
    }
    CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, NULL, NULL, NOW - 4 * DAY - 1), CRM_EINVAL,
                  "at 1781179199999 (2026-06-11T11:59:59.999Z) is before the last step of promise",
                  "made at 1781179200000 (2026-06-11T12:00:00.000Z)");
    /* The last step is the latest renegotiation. */
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW + 2 * DAY, "x", 0, NOW - 2 * DAY));
    CHECK_PFAILS2(db, crm_promise_break(&stepped, db, id, "y", NOW - 3 * DAY), CRM_EINVAL,
                  "is before the last step", "renegotiated at 1781352000000");
    /* At the very time of the last step. */
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW + 3 * DAY, "x", 0, NOW - 2 * DAY));
    CHECK_OK(db, crm_promise_release(NULL, db, id, NULL, NOW - 2 * DAY));
    p = get(db, id);
    CHECK_INT(crm_promise_closed_at(p), NOW - 2 * DAY);
    CHECK_INT(crm_promise_first_due_at(p), NOW + DAY);
    CHECK_INT(crm_promise_renegotiations(p), 2);
    crm_promise_free(p);
    CHECK_STR(history_at(db, id), "made@4 renegotiated@2 renegotiated@2 released@2");
    /* A closed promise is closed, whatever the time given. */
    CHECK_PFAILS(db, crm_promise_keep(&stepped, db, id, NULL, NULL, NOW + DAY), CRM_ESTATE,
                 "already released");
    /* Kept before its due time: on time. */
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "c", NOW - DAY, NOW - 2 * DAY));
    memcpy(id, crm_promise_id(p), sizeof id);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_keep(NULL, db, id, NULL, NULL, NOW - DAY));
    p = get(db, id);
    CHECK_INT(crm_promise_was_kept_late(p), 0);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

/* ---- journal ---------------------------------------------------------------------- */

/* Every field of a promise, the derived ones as of NOW, as text. */
static const char *fields(const crm_promise *p, char *buf, size_t size)
{
    const char *inter = crm_promise_interaction_id(p), *kept = crm_promise_kept_by(p);
    snprintf(buf, size, "%s %s %s %s [%s] %d due %lld first %lld made %lld closed %lld by %s "
             "x%d overdue %d late %d",
             crm_promise_id(p), crm_promise_customer_id(p), inter ? inter : "-",
             crm_promise_owner(p), crm_promise_what(p), (int)crm_promise_state(p),
             (long long)crm_promise_due_at(p), (long long)crm_promise_first_due_at(p),
             (long long)crm_promise_made_at(p), (long long)crm_promise_closed_at(p),
             kept ? kept : "-", crm_promise_renegotiations(p), crm_promise_is_overdue(p, NOW),
             crm_promise_was_kept_late(p));
    return buf;
}

/* What a step gives in *out is, field by field, what crm_promise_get()
 * reads after it; then the record is freed. */
static void same_as_read(crm_db *db, crm_promise *stepped_to)
{
    char a[512], b[512];
    crm_promise *read = get(db, crm_promise_id(stepped_to));
    CHECK_STR(fields(stepped_to, a, sizeof a), fields(read, b, sizeof b));
    crm_promise_free(read);
    crm_promise_free(stepped_to);
}

/* A due time cannot have passed when it is set: not before the promise was
 * made, not before the renegotiation that sets it; the very time of the
 * step is fine. */
TEST(due_time_not_before_its_step)
{
    int64_t now = NOW;
    crm_db *db = open_at(&now);
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    crm_promise *p = (crm_promise *)&poison;
    /* Made now (no at), due a millisecond ago. */
    CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, NULL, "a", "b", NOW - 1, CRM_TIME_NONE),
                  CRM_EINVAL, "due_at 1781524799999 (2026-06-15T11:59:59.999Z) is before",
                  "made at 1781524800000 (2026-06-15T12:00:00.000Z)");
    CHECK(p == (crm_promise *)&poison);
    /* Made at a given time, due before it. */
    CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, NULL, "a", "b", NOW - 2 * DAY, NOW - DAY),
                  CRM_EINVAL, "due_at 1781352000000 (2026-06-13T12:00:00.000Z)",
                  "made at 1781438400000 (2026-06-14T12:00:00.000Z)");
    CHECK(p == (crm_promise *)&poison);
    /* Due the very time it was made; and an overdue one made before. */
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "due now", NOW, CRM_TIME_NONE));
    CHECK_INT(crm_promise_due_at(p), NOW);
    CHECK_INT(crm_promise_made_at(p), NOW);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_make(&p, db, ann, NULL, "a", "late", NOW - DAY, NOW - 2 * DAY));
    memcpy(id, crm_promise_id(p), sizeof id);
    CHECK_INT(crm_promise_is_overdue(p, NOW), 1);
    crm_promise_free(p);
    /* Renegotiated now (no at) to a time already passed. */
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, NOW - HOUR, "x", 1,
                                              CRM_TIME_NONE),
                  CRM_EINVAL, "new_due_at 1781521200000 (2026-06-15T11:00:00.000Z) is before",
                  "renegotiated at 1781524800000 (2026-06-15T12:00:00.000Z)");
    /* Renegotiated at a given time, to before it. */
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, NOW - DAY - HOUR, "x", 1,
                                              NOW - DAY),
                  CRM_EINVAL, "new_due_at 1781434800000", "renegotiated at 1781438400000");
    /* At or after the renegotiation: fine, and the promise is still late. */
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW - HOUR, "x", 1, NOW - 2 * HOUR));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, id, NOW, "y", 0, NOW));
    p = get(db, id);
    CHECK_INT(crm_promise_due_at(p), NOW);
    CHECK_INT(crm_promise_first_due_at(p), NOW - DAY);
    CHECK_INT(crm_promise_renegotiations(p), 2);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

TEST(steps_give_the_promise)
{
    int64_t now = NOW;
    crm_db *db = open_at(&now);
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    char c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    crm_promise *p = NULL;
    CHECK_OK(db, crm_promise_make(&p, db, ann, call, "agent:alice", "refund", NOW - DAY,
                                  NOW - 4 * DAY));
    memcpy(a, crm_promise_id(p), sizeof a);
    crm_promise_free(p);
    make(db, ann, "agent:bob", "brochure", NOW + DAY, b);
    make(db, ann, "agent:bob", "visit", NOW + DAY, c);

    /* Renegotiated: open, the new due time, one renegotiation more; the
     * second reads its last step from the history. */
    p = NULL;
    CHECK_OK(db, crm_promise_renegotiate(&p, db, a, NOW + DAY, "the bank", 1, NOW - 3 * DAY));
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_OPEN);
    CHECK_INT(crm_promise_due_at(p), NOW + DAY);
    CHECK_INT(crm_promise_first_due_at(p), NOW - DAY);
    CHECK_INT(crm_promise_renegotiations(p), 1);
    CHECK_STR(crm_promise_interaction_id(p), call);
    CHECK_STR(crm_promise_what(p), "refund");
    same_as_read(db, p);
    p = NULL;
    CHECK_OK(db, crm_promise_renegotiate(&p, db, a, NOW - 2 * HOUR, "sooner", 0, NOW - 2 * DAY));
    CHECK_INT(crm_promise_renegotiations(p), 2);
    CHECK_INT(crm_promise_is_overdue(p, NOW), 1);
    same_as_read(db, p);
    /* Kept by the call, at a time given: closed then, late, kept by it. */
    p = NULL;
    CHECK_OK(db, crm_promise_keep(&p, db, a, call, "refunded", NOW - HOUR));
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_KEPT);
    CHECK_INT(crm_promise_closed_at(p), NOW - HOUR);
    CHECK_STR(crm_promise_kept_by(p), call);
    CHECK_INT(crm_promise_was_kept_late(p), 1);
    CHECK_INT(crm_promise_made_at(p), NOW - 4 * DAY);
    same_as_read(db, p);
    /* Broken and released now, by the handle's clock; kept by no one. */
    p = NULL;
    CHECK_OK(db, crm_promise_break(&p, db, b, "out of stock", CRM_TIME_NONE));
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_BROKEN);
    CHECK_INT(crm_promise_closed_at(p), NOW);
    CHECK(crm_promise_kept_by(p) == NULL);
    same_as_read(db, p);
    p = NULL;
    CHECK_OK(db, crm_promise_release(&p, db, c, NULL, CRM_TIME_NONE));
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_RELEASED);
    CHECK_INT(crm_promise_closed_at(p), NOW);
    CHECK_INT(crm_promise_renegotiations(p), 0);
    same_as_read(db, p);
    /* Without out the same step is taken. */
    make(db, ann, "agent:bob", "call back", NOW + DAY, b);
    CHECK_OK(db, crm_promise_keep(NULL, db, b, NULL, NULL, CRM_TIME_NONE));
    CHECK_INT(state_of(db, b), CRM_PROMISE_KEPT);
    /* A record given is the caller's: later steps leave it as it was. */
    make(db, ann, "agent:bob", "twice", NOW + DAY, c);
    p = NULL;
    CHECK_OK(db, crm_promise_renegotiate(&p, db, c, NOW + 2 * DAY, "later", 0, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_break(NULL, db, c, "gone", CRM_TIME_NONE));
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_OPEN);
    CHECK_INT(crm_promise_due_at(p), NOW + 2 * DAY);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
}

TEST(journal_rows)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    char c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    int64_t seq = test_last_seq(db);
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, ann, call, "agent:alice", "say \"hi\"", 1000, 500));
    memcpy(a, crm_promise_id(p), sizeof a);
    crm_promise_free(p);
    make(db, ann, "team:billing", "refund", 2000, b);
    make(db, ann, "team:billing", "credit", 3000, c);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, a, 1500, "customer asked", 1, 900));
    CHECK_OK(db, crm_promise_keep(NULL, db, a, call, "done", CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_break(NULL, db, b, "system down", CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_release(NULL, db, c, NULL, CRM_TIME_NONE));
    char pa[64], pb[64], pc[64], inter[64];
    snprintf(pa, sizeof pa, "\"promise_id\":\"%s\"", a);
    snprintf(pb, sizeof pb, "\"promise_id\":\"%s\"", b);
    snprintf(pc, sizeof pc, "\"promise_id\":\"%s\"", c);
    snprintf(inter, sizeof inter, "\"interaction_id\":\"%s\"", call);
    test_jrow want[] = {
        { "promise", "make", ann,
          { pa, "\"owner\":\"agent:alice\"", "\"what\":\"say \\\"hi\\\"\"", "\"due_at\":1000" },
          NULL },
        { "promise", "make", ann, { pb, "\"owner\":\"team:billing\"", "\"due_at\":2000" },
          "interaction" },
        { "promise", "make", ann, { pc, "\"what\":\"credit\"" }, NULL },
        { "promise", "renegotiate", ann,
          { pa, "\"old_due_at\":1000", "\"new_due_at\":1500", "\"customer_agreed\":1" },
          NULL },
        { "promise", "keep", ann, { pa, inter, "\"note\":\"done\"" }, NULL },
        { "promise", "break", ann, { pb, "\"why\":\"system down\"" }, NULL },
        { "promise", "release", ann, { pc }, "note" },
    };
    CHECK(test_journal_is(db, seq, want, 7));
    /* The made-during interaction is in the first row too. */
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, seq));
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_ROW);
    CHECK_CONTAINS(crm_journal_entry_data(e), inter);
    crm_journal_entry_cursor_free(cur);
    /* why of a renegotiation and the actor. */
    CHECK_OK(db, crm_set_actor(db, "agent:zed"));
    make(db, ann, "team:billing", "x", 10, c);
    seq = test_last_seq(db);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, c, 20, "moved", 0, 15));
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, seq));
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_ROW);
    CHECK_CONTAINS(crm_journal_entry_data(e), "\"why\":\"moved\"");
    CHECK_CONTAINS(crm_journal_entry_data(e), "\"customer_agreed\":0");
    CHECK_STR(crm_journal_entry_actor(e), "agent:zed");
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_DONE);
    crm_journal_entry_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

/* ---- bad input ---------------------------------------------------------------------- */

TEST(make_bad_input)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    make(db, ann, "agent:alice", "existing", 1000, id);
    crm_promise *p = (crm_promise *)&poison;
    int64_t later = crm_now() + HOUR;
#define MAKE(cust, inter, owner, what, due) \
    crm_promise_make(&p, db, cust, inter, owner, what, due, CRM_TIME_NONE)
    CHECK_PNULL_DB(db, crm_promise_make(&p, NULL, ann, call, "a", "b", 1, CRM_TIME_NONE),
                   "crm_promise_make");
    CHECK_PFAILS(db, MAKE(NULL, call, "a", "b", later), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++) {
        CHECK_PFAILS2(db, MAKE(test_bad_ids[i], call, "a", "b", later), CRM_EINVAL, "customer id",
                      "not an id");
        CHECK_PFAILS2(db, MAKE(ann, test_bad_ids[i], "a", "b", later), CRM_EINVAL, "interaction id",
                      "not an id");
    }
    CHECK_PFAILS(db, MAKE(TEST_UNKNOWN_ID, NULL, "a", "b", later), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_PFAILS(db, MAKE(TEST_UNKNOWN_ID, call, "a", "b", later), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    /* A promise's id is not an interaction's. */
    CHECK_PFAILS2(db, MAKE(ann, id, "a", "b", later), CRM_ENOTFOUND, "interaction", id);

    CHECK_PFAILS(db, MAKE(ann, call, NULL, "b", later), CRM_EINVAL, "owner is NULL");
    CHECK_PFAILS(db, MAKE(ann, call, "", "b", later), CRM_EINVAL, "owner is empty");
    CHECK_PFAILS2(db, MAKE(ann, call, " agent:alice", "b", later), CRM_EINVAL, "owner", "space");
    CHECK_PFAILS2(db, MAKE(ann, call, "agent:alice ", "b", later), CRM_EINVAL, "owner", "space");
    CHECK_PFAILS(db, MAKE(ann, call, "a", NULL, later), CRM_EINVAL, "what is NULL");
    CHECK_PFAILS(db, MAKE(ann, call, "a", "", later), CRM_EINVAL, "what is empty");
    for (int i = 0; test_bad_utf8[i]; i++) {
        CHECK_PFAILS2(db, MAKE(ann, call, test_bad_utf8[i], "b", later), CRM_EINVAL, "owner", "UTF-8");
        CHECK_PFAILS2(db, MAKE(ann, call, "a", test_bad_utf8[i], later), CRM_EINVAL, "what", "UTF-8");
    }
    for (int i = 0; controls[i]; i++) {
        CHECK_PFAILS2(db, MAKE(ann, call, controls[i], "b", later), CRM_EINVAL, "owner",
                      "control character");
        CHECK_PFAILS2(db, MAKE(ann, call, "a", controls[i], later), CRM_EINVAL, "what",
                      "control character");
    }
    char *longer = test_long_string(CRM_ACTOR_MAX + 1);
    CHECK_PFAILS2(db, MAKE(ann, call, longer, "b", later), CRM_EINVAL, "owner", "129 bytes");
    free(longer);
    longer = test_long_string(CRM_PROMISE_TEXT_MAX + 1);
    CHECK_PFAILS2(db, MAKE(ann, call, "a", longer, later), CRM_EINVAL, "what", "1025 bytes");
    free(longer);
    /* A due time is a time of the years 1 to 9999: 0 is 1970 like any
     * other, and CRM_TIME_NONE is no time at all. */
    CHECK_PFAILS2(db, MAKE(ann, call, "a", "b", CRM_TIME_MIN - 1), CRM_EINVAL, "due_at",
                  "0001-01-01 to 9999-12-31");
    CHECK_PFAILS2(db, MAKE(ann, call, "a", "b", CRM_TIME_MAX + 1), CRM_EINVAL, "due_at",
                  "253402300800000");
    CHECK_PFAILS2(db, MAKE(ann, call, "a", "b", INT64_MAX), CRM_EINVAL, "due_at",
                  "9223372036854775807");
    CHECK_PFAILS2(db, MAKE(ann, call, "a", "b", CRM_TIME_NONE), CRM_EINVAL, "due_at",
                  "CRM_TIME_NONE says no time");
    /* When it was made: a time of the years 1 to 9999, or CRM_TIME_NONE. */
    static const int64_t bad_at[] = { CRM_TIME_MIN - 1, CRM_TIME_MAX + 1, INT64_MAX,
                                      INT64_MIN + 1 };
    for (size_t i = 0; i < sizeof bad_at / sizeof bad_at[0]; i++)
        CHECK_PFAILS2(db, crm_promise_make(&p, db, ann, call, "a", "b", 1, bad_at[i]), CRM_EINVAL,
                      "at ", "is not a time libcrm keeps");
    CHECK(p == (crm_promise *)&poison);
#undef MAKE
    CHECK_OK(db, crm_close(db));
}

/* The four steps, for the bad-input loops. */
static const char *const step_funcs[] = { "crm_promise_keep", "crm_promise_break",
                                          "crm_promise_release", "crm_promise_renegotiate" };

static int step(enum step s, crm_db *db, const char *id, const char *text)
{
    switch (s) {
    case KEEP:
        return crm_promise_keep(&stepped, db, id, NULL, text, CRM_TIME_NONE);
    case BREAK:
        return crm_promise_break(&stepped, db, id, text, CRM_TIME_NONE);
    case RELEASE:
        return crm_promise_release(&stepped, db, id, text, CRM_TIME_NONE);
    default:
        return crm_promise_renegotiate(&stepped, db, id, 99 * HOUR, text, 1, CRM_TIME_NONE);
    }
}

TEST(transition_bad_input)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    make(db, ann, "agent:alice", "x", 10 * HOUR, id);
    char *longer = test_long_string(CRM_NOTE_MAX + 1);
    for (int s = 0; s < NSTEPS; s++) {
        /* The field each step's text is. */
        const char *field = s == KEEP || s == RELEASE ? "note" : "why";
        CHECK_PNULL_DB(db, step((enum step)s, NULL, id, "t"), step_funcs[s]);
        CHECK_PFAILS(db, step((enum step)s, db, NULL, "t"), CRM_EINVAL, "promise id is NULL");
        for (int i = 0; test_bad_ids[i]; i++)
            CHECK_PFAILS2(db, step((enum step)s, db, test_bad_ids[i], "t"), CRM_EINVAL,
                          "promise id", "not an id");
        CHECK_PFAILS2(db, step((enum step)s, db, TEST_UNKNOWN_ID, "t"), CRM_ENOTFOUND,
                      "no promise", TEST_UNKNOWN_ID);
        /* Another thing's id is not a promise's. */
        CHECK_PFAILS2(db, step((enum step)s, db, ann, "t"), CRM_ENOTFOUND, "no promise", ann);
        CHECK_PFAILS2(db, step((enum step)s, db, call, "t"), CRM_ENOTFOUND, "no promise", call);
        CHECK_PFAILS2(db, step((enum step)s, db, id, ""), CRM_EINVAL, field, "empty");
        for (int i = 0; test_bad_utf8[i]; i++)
            CHECK_PFAILS2(db, step((enum step)s, db, id, test_bad_utf8[i]), CRM_EINVAL, field,
                          "UTF-8");
        for (int i = 0; controls[i]; i++)
            CHECK_PFAILS2(db, step((enum step)s, db, id, controls[i]), CRM_EINVAL, field,
                          "control character");
        CHECK_PFAILS2(db, step((enum step)s, db, id, longer), CRM_EINVAL, field, "1025 bytes");
        if (s == BREAK || s == RENEGOTIATE)
            CHECK_PFAILS(db, step((enum step)s, db, id, NULL), CRM_EINVAL, "why is NULL");
    }
    free(longer);
    /* keep's interaction. */
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, test_bad_ids[i], NULL, CRM_TIME_NONE),
                      CRM_EINVAL,
                      "interaction id", "not an id");
    /* renegotiate's due time and agreement. */
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, CRM_TIME_NONE, "x", 1,
                                              CRM_TIME_NONE),
                  CRM_EINVAL,
                  "new_due_at", "no time");
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, CRM_TIME_MAX + 5, "x", 1,
                                              CRM_TIME_NONE),
                  CRM_EINVAL,
                  "new_due_at", "253402300800004");
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 10 * HOUR, "x", 1, CRM_TIME_NONE),
                  CRM_EINVAL,
                  "new_due_at", "already in force");
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 11 * HOUR, "x", 2, CRM_TIME_NONE),
                  CRM_EINVAL,
                  "customer_agreed", "2");
    CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 11 * HOUR, "x", -1, CRM_TIME_NONE),
                  CRM_EINVAL,
                  "customer_agreed", "-1");
    /* Each step's time. */
    static const int64_t bad_at[] = { CRM_TIME_MIN - 1, CRM_TIME_MAX + 1, INT64_MAX,
                                      INT64_MIN + 1 };
    for (size_t i = 0; i < sizeof bad_at / sizeof bad_at[0]; i++) {
        CHECK_PFAILS2(db, crm_promise_keep(&stepped, db, id, NULL, NULL, bad_at[i]), CRM_EINVAL,
                      "at ",
                      "is not a time libcrm keeps");
        CHECK_PFAILS2(db, crm_promise_break(&stepped, db, id, "x", bad_at[i]), CRM_EINVAL, "at ",
                      "is not a time libcrm keeps");
        CHECK_PFAILS2(db, crm_promise_release(&stepped, db, id, NULL, bad_at[i]), CRM_EINVAL, "at ",
                      "is not a time libcrm keeps");
        CHECK_PFAILS2(db, crm_promise_renegotiate(&stepped, db, id, 11 * HOUR, "x", 1, bad_at[i]),
                      CRM_EINVAL, "at ", "is not a time libcrm keeps");
    }
    CHECK_INT(state_of(db, id), CRM_PROMISE_OPEN);
    CHECK_STR(history(db, id), "made none->36000000 system");
    CHECK_OK(db, crm_close(db));
}

TEST(get_bad_input)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "x", 1000, id);
    crm_promise *p = (crm_promise *)&poison;
    CHECK_PNULL_DB(db, crm_promise_get(&p, NULL, id), "crm_promise_get");
    CHECK_PFAILS(db, crm_promise_get(NULL, db, id), CRM_EINVAL, "output");
    CHECK_PFAILS(db, crm_promise_get(&p, db, NULL), CRM_EINVAL, "promise id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_PFAILS2(db, crm_promise_get(&p, db, test_bad_ids[i]), CRM_EINVAL, "promise id",
                      "not an id");
    CHECK_PFAILS2(db, crm_promise_get(&p, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, "no promise",
                  TEST_UNKNOWN_ID);
    CHECK_PFAILS(db, crm_promise_get(&p, db, ann), CRM_ENOTFOUND, ann);
    CHECK(p == (crm_promise *)&poison);
    /* Upper-case hex names the same promise. */
    char upper[CRM_ID_LEN + 1];
    for (int i = 0; i <= CRM_ID_LEN; i++)
        upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 32 : id[i]);
    CHECK_OK(db, crm_promise_get(&p, db, upper));
    CHECK_STR(crm_promise_id(p), id);
    crm_promise_free(p);

    /* dup and the accessors with NULL. */
    crm_promise *d = (crm_promise *)&poison;
    CHECK_INT(crm_promise_dup(NULL, p), CRM_EINVAL);
    CHECK_INT(crm_promise_dup(&d, NULL), CRM_EINVAL);
    CHECK(d == (crm_promise *)&poison);
    crm_promise_free(NULL);
    CHECK(crm_promise_id(NULL) == NULL);
    CHECK(crm_promise_customer_id(NULL) == NULL);
    CHECK(crm_promise_interaction_id(NULL) == NULL);
    CHECK(crm_promise_owner(NULL) == NULL);
    CHECK(crm_promise_what(NULL) == NULL);
    CHECK_INT(crm_promise_state(NULL), 0);
    CHECK_INT(crm_promise_due_at(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_promise_made_at(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_promise_closed_at(NULL), CRM_TIME_NONE);
    CHECK(crm_promise_kept_by(NULL) == NULL);
    CHECK_INT(crm_promise_is_overdue(NULL, 5), 0);
    CHECK_INT(crm_promise_was_kept_late(NULL), 0);
    CHECK_INT(crm_promise_renegotiations(NULL), 0);
    CHECK_OK(db, crm_close(db));
}

TEST(list_bad_input)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    crm_promise_cursor *cur = (crm_promise_cursor *)&poison;
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    CHECK_PNULL_DB(db, crm_promise_list_open(&cur, NULL, &f), "crm_promise_list_open");
    CHECK_PFAILS(db, crm_promise_list_open(NULL, db, &f), CRM_EINVAL, "output");
    f.version = 0;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "version", "0");
    f.version = CRM_PROMISE_FILTER_VERSION + 1;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "version", "3");
    f.version = CRM_PROMISE_FILTER_VERSION;
    static const unsigned int bad_states[] = { 1u, 1u << 5, 1u << 31, 0xffffffffu,
                                               CRM_PROMISE_BIT(CRM_PROMISE_OPEN) | 1u };
    for (size_t i = 0; i < sizeof bad_states / sizeof bad_states[0]; i++) {
        f.states = bad_states[i];
        CHECK_PFAILS(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "states");
    }
    f.states = 0;
    f.due_before = CRM_TIME_MIN - 1;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "due_before",
                  "-62135596800001");
    f.due_before = CRM_TIME_NONE;
    f.overdue_as_of = INT64_MAX;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "overdue_as_of",
                  "9223372036854775807");
    f.overdue_as_of = CRM_TIME_NONE;
    for (int i = 0; test_bad_ids[i]; i++) {
        f.customer_id = test_bad_ids[i];
        CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "customer_id",
                      "not an id");
        f.customer_id = NULL;
        f.after = test_bad_ids[i];
        CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "after", "not an id");
        f.after = NULL;
    }
    f.customer_id = TEST_UNKNOWN_ID;
    CHECK_PFAILS(db, crm_promise_list_open(&cur, db, &f), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    f.customer_id = w.id[0]; /* a promise, not a customer */
    CHECK_PFAILS(db, crm_promise_list_open(&cur, db, &f), CRM_ENOTFOUND, w.id[0]);
    f.customer_id = NULL;
    f.after = TEST_UNKNOWN_ID;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_ENOTFOUND, "after",
                  TEST_UNKNOWN_ID);
    f.after = w.ann; /* a customer, not a promise */
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_ENOTFOUND, "after", w.ann);
    f.after = NULL;
    f.owner = "";
    CHECK_PFAILS(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "owner is empty");
    f.owner = " agent";
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "owner", "space");
    for (int i = 0; test_bad_utf8[i]; i++) {
        f.owner = test_bad_utf8[i];
        CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "owner", "UTF-8");
    }
    for (int i = 0; controls[i]; i++) {
        f.owner = controls[i];
        CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "owner", "control");
    }
    char *longer = test_long_string(CRM_ACTOR_MAX + 1);
    f.owner = longer;
    CHECK_PFAILS2(db, crm_promise_list_open(&cur, db, &f), CRM_EINVAL, "owner", "129 bytes");
    free(longer);
    CHECK(cur == (crm_promise_cursor *)&poison);
    CHECK_OK(db, crm_close(db)); /* no cursor was left open */
}

TEST(cursor_bad_input)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "x", 1000, id);

    const crm_promise *p = NULL;
    CHECK_RC(NULL, crm_promise_cursor_next(NULL, &p), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_promise_cursor_next");
    CHECK(p == NULL);
    crm_promise_cursor *cur;
    CHECK_OK(db, crm_promise_list_open(&cur, db, NULL));
    CHECK_RC(db, crm_promise_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_promise_cursor_next");
    CHECK_INT(crm_promise_cursor_next(cur, &p), CRM_ROW);
    CHECK_STR(crm_promise_what(p), "x");
    CHECK_INT(crm_promise_cursor_next(cur, &p), CRM_DONE);
    crm_promise_cursor_free(cur);
    crm_promise_cursor_free(NULL);

    /* History. */
    crm_promise_event_cursor *hc = (crm_promise_event_cursor *)&poison;
    CHECK_PNULL_DB(db, crm_promise_event_list_open(&hc, NULL, id), "crm_promise_event_list_open");
    CHECK_PFAILS(db, crm_promise_event_list_open(NULL, db, id), CRM_EINVAL, "output");
    CHECK_PFAILS(db, crm_promise_event_list_open(&hc, db, NULL), CRM_EINVAL, "promise id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_PFAILS2(db, crm_promise_event_list_open(&hc, db, test_bad_ids[i]), CRM_EINVAL,
                      "promise id", "not an id");
    CHECK_PFAILS2(db, crm_promise_event_list_open(&hc, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                  "no promise", TEST_UNKNOWN_ID);
    CHECK_PFAILS(db, crm_promise_event_list_open(&hc, db, ann), CRM_ENOTFOUND, ann);
    CHECK(hc == (crm_promise_event_cursor *)&poison);
    const crm_promise_event *e = NULL;
    CHECK_RC(NULL, crm_promise_event_cursor_next(NULL, &e), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_promise_event_cursor_next");
    CHECK(e == NULL);
    CHECK_OK(db, crm_promise_event_list_open(&hc, db, id));
    CHECK_RC(db, crm_promise_event_cursor_next(hc, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_promise_event_cursor_next");
    CHECK_INT(crm_promise_event_cursor_next(hc, &e), CRM_ROW);
    CHECK_INT(crm_promise_event_kind(e), CRM_PROMISE_EVENT_MADE);
    CHECK_INT(crm_promise_event_cursor_next(hc, &e), CRM_DONE);
    crm_promise_event_cursor_free(hc);
    crm_promise_event_cursor_free(NULL);
    CHECK_INT(crm_promise_event_kind(NULL), 0);
    CHECK_INT(crm_promise_event_at(NULL), CRM_TIME_NONE);
    CHECK(crm_promise_event_actor(NULL) == NULL);
    CHECK_INT(crm_promise_event_old_due(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_promise_event_new_due(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_promise_event_customer_agreed(NULL), 0);
    CHECK(crm_promise_event_interaction_id(NULL) == NULL);
    CHECK(crm_promise_event_note(NULL) == NULL);
    CHECK_OK(db, crm_close(db));
}

/* ---- transactions, read-only, cursors, allocation failures ----------------------------- */

TEST(group_survives_a_failing_step)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "a", 1000, a);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    make(db, ann, "agent:alice", "b", 2000, b);
    CHECK_OK(db, crm_promise_keep(NULL, db, a, NULL, NULL, CRM_TIME_NONE));
    CHECK_PFAILS2(db, crm_promise_break(&stepped, db, a, "x", CRM_TIME_NONE), CRM_ESTATE, a,
                  "already kept");
    CHECK_PFAILS(db, crm_promise_renegotiate(&stepped, db, b, 2000, "x", 0, CRM_TIME_NONE),
                 CRM_EINVAL,
                 "new_due_at");
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, b, 3000, "y", 0, 2500));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(test_last_seq(db), seq + 3);
    CHECK_STR(history(db, b), "made none->2000 system; renegotiated 2000->3000 system note=y");
    /* A rolled-back group leaves nothing. */
    digest(db, digest_before, sizeof digest_before);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_promise_release(NULL, db, b, NULL, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_make(NULL, db, ann, NULL, "agent:alice", "c", 1, 0));
    CHECK_OK(db, crm_rollback(db));
    digest(db, digest_after, sizeof digest_after);
    CHECK_STR(digest_after, digest_before);
    CHECK_INT(test_last_seq(db), seq + 3);
    CHECK_OK(db, crm_close(db));
}

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    make(db, ann, "agent:alice", "x", 1000, id);
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    crm_promise *p = (crm_promise *)&poison;
    CHECK_PFAILS(db, crm_promise_make(&p, db, ann, call, "a", "b", 1, CRM_TIME_NONE), CRM_EREADONLY,
                 "read-only");
    CHECK(p == (crm_promise *)&poison);
    CHECK_PFAILS(db, crm_promise_keep(&stepped, db, id, call, "n", CRM_TIME_NONE), CRM_EREADONLY,
                 "read-only");
    CHECK_PFAILS(db, crm_promise_break(&stepped, db, id, "w", CRM_TIME_NONE), CRM_EREADONLY,
                 "read-only");
    CHECK_PFAILS(db, crm_promise_release(&stepped, db, id, NULL, CRM_TIME_NONE), CRM_EREADONLY,
                 "read-only");
    CHECK_PFAILS(db, crm_promise_renegotiate(&stepped, db, id, 2000, "w", 1, CRM_TIME_NONE),
                 CRM_EREADONLY,
                 "read-only");
    /* Reading works. */
    CHECK_INT(state_of(db, id), CRM_PROMISE_OPEN);
    CHECK_STR(history(db, id), "made none->1000 system");
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.overdue_as_of = 2000;
    CHECK_STR(whats(db, &f, NULL), "x");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(close_with_cursors_open)
{
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "x", 1000, id);
    crm_promise_cursor *a, *b;
    crm_promise_event_cursor *h;
    CHECK_OK(db, crm_promise_list_open(&a, db, NULL));
    CHECK_OK(db, crm_promise_list_open(&b, db, NULL)); /* the same SQL twice */
    CHECK_OK(db, crm_promise_event_list_open(&h, db, id));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "3 cursor");
    const crm_promise *p;
    CHECK_INT(crm_promise_cursor_next(b, &p), CRM_ROW);
    CHECK_INT(crm_promise_cursor_next(a, &p), CRM_ROW);
    crm_promise_cursor_free(a);
    crm_promise_cursor_free(b);
    crm_promise_event_cursor_free(h);
    CHECK_OK(db, crm_close(db));
}

typedef int (*op_fn)(crm_db *db, const char *customer, const char *interaction, const char *id);

static int op_make(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)id;
    crm_promise *p = NULL;
    int rc = crm_promise_make(&p, db, customer, interaction, "agent:alice", "call back",
                              crm_now() + HOUR, CRM_TIME_NONE);
    crm_promise_free(p);
    return rc;
}
/* A step's record, on success freed, else checked unwritten (CRM_ERROR
 * when it was written: the loop reports it). */
static int stepped_done(int rc, crm_promise *p)
{
    if (rc == CRM_OK)
        crm_promise_free(p);
    else if (p != (crm_promise *)&poison)
        return CRM_ERROR;
    return rc;
}
static int op_keep(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)customer;
    crm_promise *p = (crm_promise *)&poison;
    int rc = crm_promise_keep(&p, db, id, interaction, "done", CRM_TIME_NONE);
    return stepped_done(rc, p);
}
static int op_keep_plain(crm_db *db, const char *customer, const char *interaction,
                         const char *id)
{
    (void)customer;
    return crm_promise_keep(NULL, db, id, interaction, "done", CRM_TIME_NONE);
}
static int op_break(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)customer, (void)interaction;
    crm_promise *p = (crm_promise *)&poison;
    int rc = crm_promise_break(&p, db, id, "could not", CRM_TIME_NONE);
    return stepped_done(rc, p);
}
static int op_release(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)customer, (void)interaction;
    crm_promise *p = (crm_promise *)&poison;
    int rc = crm_promise_release(&p, db, id, "not needed", CRM_TIME_NONE);
    return stepped_done(rc, p);
}
static int op_renegotiate(crm_db *db, const char *customer, const char *interaction,
                          const char *id)
{
    (void)customer, (void)interaction;
    crm_promise *p = (crm_promise *)&poison;
    int rc = crm_promise_renegotiate(&p, db, id, crm_now() + HOUR, "later", 1, CRM_TIME_NONE);
    return stepped_done(rc, p);
}
static int op_get(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)customer, (void)interaction;
    crm_promise *p = NULL;
    int rc = crm_promise_get(&p, db, id);
    crm_promise_free(p);
    return rc;
}
static int op_list(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)interaction, (void)id;
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.customer_id = customer;
    f.owner = "agent:alice";
    f.overdue_as_of = CRM_TIME_MAX;
    crm_promise_cursor *cur;
    const crm_promise *p;
    int rc = CRM_OK, rows = 0;
    /* The whole list, then the page after its one promise. */
    for (int page = 0; page < 2 && rc == CRM_OK; page++) {
        f.after = page ? id : NULL;
        rc = crm_promise_list_open(&cur, db, &f);
        if (rc)
            return rc;
        while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW)
            rows++;
        crm_promise_cursor_free(cur);
        rc = rc == CRM_DONE ? CRM_OK : rc;
    }
    return rc == CRM_OK && rows != 1 ? CRM_ERROR : rc;
}
static int op_history(crm_db *db, const char *customer, const char *interaction, const char *id)
{
    (void)customer, (void)interaction;
    crm_promise_event_cursor *cur;
    const crm_promise_event *e;
    int rc = crm_promise_event_list_open(&cur, db, id);
    if (rc)
        return rc;
    while ((rc = crm_promise_event_cursor_next(cur, &e)) == CRM_ROW)
        ;
    crm_promise_event_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* Fail the 1st, 2nd, ... allocation of op until it succeeds: each failure
 * is CRM_ENOMEM and changes nothing. The promise the op works on is open
 * and was renegotiated once. Each try runs on a fresh handle, whose
 * statement cache is empty, so the N-th try fails the N-th allocation of a
 * cold call and every statement prepared is an allocation that can fail,
 * also after an earlier statement of the call has written. */
static int fault_loop(const char *name, op_fn op)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char ann[CRM_ID_LEN + 1], call[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    log_interaction(db, ann, call);
    make(db, ann, "agent:alice", "open", 1000, id);
    if (crm_promise_renegotiate(NULL, db, id, 2000, "once", 0, 1500) != CRM_OK)
        fprintf(stderr, "%s: renegotiating: %s\n", name, crm_errmsg(db));
    crm_close(db);
    int ok = 0;
    for (long n = 0; n < 10000; n++) {
        if (crm_open(&db, path, NULL) != CRM_OK) {
            fprintf(stderr, "%s: reopening: %s\n", name, crm_errmsg(NULL));
            break;
        }
        test_snapshot before;
        test_snapshot_take(db, &before);
        digest(db, digest_before, sizeof digest_before);
        test_alloc_countdown = n;
        int rc = op(db, ann, call, id);
        test_alloc_countdown = -1;
        if (rc == CRM_OK) {
            ok = n > 0; /* at least one failure was really injected */
        } else if (rc != CRM_ENOMEM || crm_errcode(db) != CRM_ENOMEM) {
            fprintf(stderr, "%s: allocation %ld failed gave %s: %s\n", name, n + 1,
                    crm_errname(rc), crm_errmsg(db));
            rc = CRM_OK;
        } else {
            digest(db, digest_after, sizeof digest_after);
            if (!test_snapshot_same(db, &before) || crm_in_transaction(db) ||
                strcmp(digest_before, digest_after) != 0) {
                fprintf(stderr, "%s: allocation %ld failed changed the database\n", name,
                        n + 1);
                rc = CRM_OK;
            }
        }
        crm_close(db);
        if (rc == CRM_OK)
            break;
    }
    test_remove_db(path);
    return ok;
}

TEST(every_allocation_can_fail)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    CHECK(fault_loop("make", op_make));
    CHECK(fault_loop("keep", op_keep));
    CHECK(fault_loop("keep without its record", op_keep_plain));
    CHECK(fault_loop("break", op_break));
    CHECK(fault_loop("release", op_release));
    CHECK(fault_loop("renegotiate", op_renegotiate));
    CHECK(fault_loop("get", op_get));
    CHECK(fault_loop("list", op_list));
    CHECK(fault_loop("history", op_history));

    /* A copy that cannot be made leaves *out alone. */
    crm_db *db = test_open_memory();
    char ann[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    make(db, ann, "agent:alice", "x", 1000, id);
    crm_promise *p = get(db, id), *d = (crm_promise *)&poison;
    test_alloc_countdown = 0;
    int rc = crm_promise_dup(&d, p);
    test_alloc_countdown = -1;
    CHECK_INT(rc, CRM_ENOMEM);
    CHECK(d == (crm_promise *)&poison);
    crm_promise_free(p);
    CHECK_OK(db, crm_close(db));
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(state_and_event_names);
    RUN(make_and_get);
    RUN(made_event_records_the_due_time);
    RUN(keep_on_time_by_an_interaction);
    RUN(keep_late_and_without_interaction);
    RUN(kept_late_follows_the_due_time_in_force);
    RUN(break_and_release);
    RUN(renegotiate_keeps_every_due_time);
    RUN(final_states_are_final);
    RUN(overdue_as_of);
    RUN(interaction_must_be_the_customers);
    RUN(limits);
    RUN(list_all_and_by_customer);
    RUN(list_by_owner);
    RUN(list_open_due_before);
    RUN(list_overdue_as_of);
    RUN(list_rows_carry_every_field);
    RUN(import_a_history_then_replay_a_day);
    RUN(step_times_in_order);
    RUN(due_time_not_before_its_step);
    RUN(steps_give_the_promise);
    RUN(journal_rows);
    RUN(make_bad_input);
    RUN(transition_bad_input);
    RUN(get_bad_input);
    RUN(list_bad_input);
    RUN(cursor_bad_input);
    RUN(group_survives_a_failing_step);
    RUN(read_only_handle);
    RUN(close_with_cursors_open);
    RUN(every_allocation_can_fail);
    return test_summary();
}
