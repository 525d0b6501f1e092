/*
 * libcrm - promises made to customers, their history and lists.
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

struct crm_promise {
    char id[CRM_ID_LEN + 1];
    char customer_id[CRM_ID_LEN + 1];
    char interaction_id[CRM_ID_LEN + 1]; /* "" when not recorded */
    char kept_by[CRM_ID_LEN + 1];        /* "" when not recorded */
    crm_promise_state_t state;
    int renegotiations;
    int64_t due_at, made_at, closed_at, first_due_at;
    /* When the record was read, by its handle's clock: the time
     * crm_promise_is_overdue(p, CRM_TIME_NONE) judges by. Set wherever a
     * record is given to the caller (the write's time for make and the
     * steps, the clock read by get, by a list as it opens); copied by
     * crm_promise_dup. Never stored. */
    int64_t read_at;
    /* Point just past the struct in an owned record, into the statement's
     * row in a cursor's. */
    const char *owner, *what;
};

struct crm_promise_event {
    crm_promise_event_kind_t kind;
    int customer_agreed;
    int64_t at, old_due, new_due;
    char interaction_id[CRM_ID_LEN + 1]; /* "" when not recorded */
    const char *actor, *note;            /* borrowed from the cursor's statement */
};

/* ---- names -------------------------------------------------------------- */

static const char *const state_names[] = { NULL, "open", "kept", "broken", "released" };
static const char *const event_names[] = { NULL, "made", "renegotiated", "kept", "broken",
                                           "released" };

const char *crm_promise_state_name(crm_promise_state_t state)
{
    if (state < CRM_PROMISE_OPEN || state > CRM_PROMISE_RELEASED)
        return NULL;
    return state_names[state];
}

int crm_promise_state_parse(crm_promise_state_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int s = crm__word_index(state_names, CRM_PROMISE_OPEN, CRM_PROMISE_RELEASED, name);
    if (s < 0)
        return crm__parse_error(__func__, "a promise state", name,
                                "open, kept, broken or released");
    *out = (crm_promise_state_t)s;
    return CRM_OK;
}

const char *crm_promise_event_kind_name(crm_promise_event_kind_t kind)
{
    if (kind < CRM_PROMISE_EVENT_MADE || kind > CRM_PROMISE_EVENT_RELEASED)
        return NULL;
    return event_names[kind];
}

int crm_promise_event_kind_parse(crm_promise_event_kind_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int k = crm__word_index(event_names, CRM_PROMISE_EVENT_MADE, CRM_PROMISE_EVENT_RELEASED, name);
    if (k < 0)
        return crm__parse_error(__func__, "a promise event kind", name,
                                "made, renegotiated, kept, broken or released");
    *out = (crm_promise_event_kind_t)k;
    return CRM_OK;
}

/* ---- records ------------------------------------------------------------ */

static const char *opt_id(const char *id)
{
    return id[0] ? id : NULL;
}

const char *crm_promise_id(const crm_promise *p) { return p ? p->id : NULL; }
const char *crm_promise_customer_id(const crm_promise *p) { return p ? p->customer_id : NULL; }
const char *crm_promise_interaction_id(const crm_promise *p)
{
    return p ? opt_id(p->interaction_id) : NULL;
}
const char *crm_promise_owner(const crm_promise *p) { return p ? p->owner : NULL; }
const char *crm_promise_what(const crm_promise *p) { return p ? p->what : NULL; }
crm_promise_state_t crm_promise_state(const crm_promise *p) { return p ? p->state : 0; }
int64_t crm_promise_due_at(const crm_promise *p) { return p ? p->due_at : CRM_TIME_NONE; }
int64_t crm_promise_made_at(const crm_promise *p) { return p ? p->made_at : CRM_TIME_NONE; }
int64_t crm_promise_closed_at(const crm_promise *p) { return p ? p->closed_at : CRM_TIME_NONE; }
int64_t crm_promise_first_due_at(const crm_promise *p)
{
    return p ? p->first_due_at : CRM_TIME_NONE;
}
const char *crm_promise_kept_by(const crm_promise *p) { return p ? opt_id(p->kept_by) : NULL; }
int crm_promise_renegotiations(const crm_promise *p) { return p ? p->renegotiations : 0; }

int crm_promise_is_overdue(const crm_promise *p, int64_t as_of)
{
    if (!p)
        return 0;
    /* CRM_TIME_NONE: as of when the record was read. */
    if (as_of == CRM_TIME_NONE)
        as_of = p->read_at;
    return p->state == CRM_PROMISE_OPEN && p->due_at < as_of;
}

int crm_promise_was_kept_late(const crm_promise *p)
{
    return p && p->state == CRM_PROMISE_KEPT && p->closed_at > p->due_at;
}

void crm_promise_free(crm_promise *p)
{
    crm__free(p);
}

/* A record with room for its strings, every other field zero. */
static crm_promise *promise_new(const char *owner, const char *what)
{
    size_t no = strlen(owner) + 1, nw = strlen(what) + 1;
    crm_promise *p = crm__malloc(sizeof *p + no + nw);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    char *s = (char *)(p + 1);
    memcpy(s, owner, no);
    p->owner = s;
    memcpy(s + no, what, nw);
    p->what = s + no;
    return p;
}

int crm_promise_dup(crm_promise **out, const crm_promise *p)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!p)
        return crm__null_arg(__func__, "the promise");
    crm_promise *c = promise_new(p->owner, p->what);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the promise", __func__);
    const char *owner = c->owner, *what = c->what;
    memcpy(c, p, sizeof *c);
    c->owner = owner;
    c->what = what;
    *out = c;
    return CRM_OK;
}

/* Fill p from the row (a promise's columns: see CRM__Q_PROMISE_GET), all
 * but its texts. */
static void read_fields(crm_promise *p, crm__st *st)
{
    crm__col_id(p->id, st, 0);
    crm__col_id(p->customer_id, st, 1);
    crm__col_id(p->interaction_id, st, 2);
    p->state = (crm_promise_state_t)crm__col_int(st, 5);
    p->due_at = crm__col_int(st, 6);
    p->made_at = crm__col_int(st, 7);
    p->closed_at = crm__col_time(st, 8);
    crm__col_id(p->kept_by, st, 9);
    p->renegotiations = (int)crm__col_int(st, 10);
    p->first_due_at = crm__col_int(st, 11);
}

/* Fill p from the row, its texts borrowed from the statement (a list
 * copies them, see promise_build). */
static int read_row(crm_promise *p, crm__st *st)
{
    p->owner = crm__col_text(st, 3);
    p->what = crm__col_text(st, 4);
    if (!p->owner || !p->what)
        return CRM_ENOMEM;
    read_fields(p, st);
    p->read_at = CRM_TIME_NONE; /* the caller's to set, as it gives the record */
    return CRM_OK;
}

/* ---- checks ------------------------------------------------------------- */

/* Notes are optional (NULL) unless required; an empty one is refused so
 * that "no note" has one spelling. */
static int check_note(crm_db *db, const char *field, const char *note, bool required)
{
    if (!note && !required)
        return CRM_OK;
    return crm__check_text(db, field, note, 1, CRM_NOTE_MAX, CRM__TEXT_NO_CONTROL);
}

/* The interaction must exist and be the customer's own. */
static int check_interaction(crm_db *db, const crm__uuid *iid, const crm__uuid *cid)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PROMISE_INTERACTION, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, iid);
    rc = crm__st_step(st, "reading an interaction");
    char itext[CRM_ID_LEN + 1], ctext[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    crm__uuid_format(itext, iid->b);
    if (rc == CRM_ROW) {
        crm__uuid owner;
        rc = CRM_OK;
        if (!crm__col_uuid(&owner, st, 0)) {
            rc = crm__corrupt_id(db, "reading an interaction");
        } else if (memcmp(owner.b, cid->b, 16) != 0) {
            crm__uuid_format(other, owner.b);
            crm__uuid_format(ctext, cid->b);
            rc = crm__error(db, CRM_EINVAL,
                            "interaction id %s belongs to customer %s, not to customer %s of "
                            "the promise",
                            itext, other, ctext);
        }
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "no interaction has id %s", itext);
    }
    return rc;
}

/* ---- the time of a step ---------------------------------------------------- */

/* When a step happened: at, or with CRM_TIME_NONE the write's time (now by
 * the clock). A step cannot have happened later than now, nor before the
 * last step of promise ptext (last_at, of kind last_kind; CRM_TIME_NONE
 * for a promise being made, which has no text yet). */
static int step_time(crm_db *db, int64_t at, const char *ptext, int64_t last_at,
                     crm_promise_event_kind_t last_kind, int64_t *out)
{
    int64_t now = crm__now(db);
    char a[CRM__TIME_TEXT_SIZE], b[CRM__TIME_TEXT_SIZE];
    if (at == CRM_TIME_NONE)
        at = now;
    if (at > now)
        return crm__error(db, CRM_EINVAL,
                          "at %lld (%s) is in the future: it is %lld (%s) now, and a step is "
                          "recorded once it happened",
                          (long long)at, crm__time_text(a, at), (long long)now,
                          crm__time_text(b, now));
    if (last_at != CRM_TIME_NONE && at < last_at)
        return crm__error(db, CRM_EINVAL,
                          "at %lld (%s) is before the last step of promise %s, %s at %lld (%s): "
                          "steps are recorded in the order they happened",
                          (long long)at, crm__time_text(a, at), ptext,
                          crm_promise_event_kind_name(last_kind)
                              ? crm_promise_event_kind_name(last_kind)
                              : "a step",
                          (long long)last_at, crm__time_text(b, last_at));
    *out = at;
    return CRM_OK;
}

/* A due time is when something is still to be done: it cannot be earlier
 * than the step that sets it (making, renegotiating). A promise that was
 * already late when it was made is recorded with the `at` it was made,
 * before its due time. */
static int due_not_before(crm_db *db, const char *field, int64_t due, int64_t step_at,
                          const char *step)
{
    char a[CRM__TIME_TEXT_SIZE], b[CRM__TIME_TEXT_SIZE];
    if (due >= step_at)
        return CRM_OK;
    return crm__error(db, CRM_EINVAL,
                      "%s %lld (%s) is before the promise was %s at %lld (%s): a due time "
                      "cannot have passed when it is set; pass the time it was %s as at",
                      field, (long long)due, crm__time_text(a, due), step, (long long)step_at,
                      crm__time_text(b, step_at), step);
}

/* The journal entry of a step that happened at `at`: its own at is the
 * step's, and when the step is recorded later than it happened, the entry
 * says when it was recorded too (recorded_at), so the journal keeps both. */
static int journal_step(crm_db *db, int64_t at, const crm__uuid *cid, const char *op,
                        crm__jfield *f, int n)
{
    if (at != crm__now(db))
        f[n++] = (crm__jfield)CRM__JINT("recorded_at", crm__now(db));
    return crm__journal_at(db, at, "promise", cid, op, f, n);
}

/* ---- making ------------------------------------------------------------- */

typedef struct event_row {
    int64_t seq;
    crm_promise_event_kind_t kind;
    int64_t at, old_due, new_due;
    int customer_agreed;
    const crm__uuid *interaction; /* NULL: none */
    const char *note;
} event_row;

static int add_event(crm_db *db, const crm__uuid *pid, const event_row *e)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PROMISE_EVENT, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, pid);
    crm__bind_int(st, 2, e->seq);
    crm__bind_int(st, 3, e->kind);
    crm__bind_int(st, 4, e->at);
    crm__bind_text(st, 5, db->actor);
    crm__bind_int(st, 6, e->old_due);
    crm__bind_int(st, 7, e->new_due);
    crm__bind_int(st, 8, e->customer_agreed);
    crm__bind_id(st, 9, e->interaction);
    crm__bind_text(st, 10, e->note);
    return crm__st_run(st, "recording a promise's history");
}

int crm_promise_make(crm_promise **out, crm_db *db, const char *customer_id,
                     const char *interaction_id, const char *owner, const char *what,
                     int64_t due_at, int64_t at)
{
    CRM__ENTER(db);
    crm__uuid cid, iid;
    int rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK && interaction_id)
        rc = crm__check_id(db, "interaction id", interaction_id, &iid);
    if (rc == CRM_OK)
        rc = crm__check_actor(db, "owner", owner);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "what", what, 1, CRM_PROMISE_TEXT_MAX, CRM__TEXT_NO_CONTROL);
    if (rc == CRM_OK)
        rc = crm__check_time(db, "due_at", due_at);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", at);
    if (rc)
        return rc;
    crm_promise *p = out ? promise_new(owner, what) : NULL;
    if (out && !p)
        return crm__error(db, CRM_ENOMEM, "out of memory making a promise");
    crm__uuid pid;
    int64_t made = 0, id_ms;
    char ptext[CRM_ID_LEN + 1];
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        rc = step_time(db, at, NULL, CRM_TIME_NONE, 0, &made);
        if (rc == CRM_OK)
            rc = due_not_before(db, "due_at", due_at, made, "made");
        /* Without an interaction to match against it, that the customer
         * exists is the insert's foreign key to check. */
        if (rc == CRM_OK && interaction_id) {
            rc = crm__customer_find(db, &cid, customer_id, NULL, NULL);
            if (rc == CRM_OK)
                rc = check_interaction(db, &iid, &cid);
        }
        if (rc == CRM_OK) {
            crm__new_id(db, &pid, &id_ms);
            crm__uuid_format(ptext, pid.b);
            CRM__ST(st);
            rc = crm__st_get(db, CRM__Q_PROMISE_INSERT, &st);
            if (rc == CRM_OK) {
                crm__bind_id(st, 1, &pid);
                crm__bind_id(st, 2, &cid);
                crm__bind_id(st, 3, interaction_id ? &iid : NULL);
                crm__bind_text(st, 4, owner);
                crm__bind_text(st, 5, what);
                crm__bind_int(st, 6, due_at);
                crm__bind_int(st, 7, made);
                rc = crm__customer_insert_owned(db, st, &cid, "making a promise");
            }
        }
        if (rc == CRM_OK) {
            event_row e = { 1, CRM_PROMISE_EVENT_MADE, made, 0, due_at, 0,
                            interaction_id ? &iid : NULL, NULL };
            rc = add_event(db, &pid, &e);
        }
        if (rc == CRM_OK) {
            char itext[CRM_ID_LEN + 1];
            if (interaction_id)
                crm__uuid_format(itext, iid.b);
            crm__jfield f[CRM__JMAX] = { CRM__JTEXT("promise_id", ptext),
                                         CRM__JTEXT("owner", owner), CRM__JTEXT("what", what),
                                         CRM__JINT("due_at", due_at) };
            int n = 4;
            if (interaction_id)
                f[n++] = (crm__jfield)CRM__JTEXT("interaction_id", itext);
            rc = journal_step(db, made, &cid, "make", f, n);
        }
        rc = crm__write_end(db, rc);
    }
    if (rc) {
        crm__free(p);
        return rc;
    }
    if (p) {
        memcpy(p->id, ptext, sizeof p->id);
        crm__uuid_format(p->customer_id, cid.b);
        if (interaction_id)
            crm__uuid_format(p->interaction_id, iid.b);
        p->state = CRM_PROMISE_OPEN;
        p->due_at = due_at;
        p->first_due_at = due_at;
        p->made_at = made;
        p->closed_at = CRM_TIME_NONE;
        p->read_at = crm__now(db); /* the write's time */
        *out = p;
    }
    return CRM_OK;
}

/* ---- transitions -------------------------------------------------------- */

/* What a transition needs to know of the promise, read in its transaction.
 * A promise of an erased customer is not read: the read answers
 * CRM_ENOTFOUND as the customer does, before any state is checked, so no
 * step can put a note back on its anonymous row. */
typedef struct promise_head {
    crm__uuid customer;
    crm_promise_state_t state;
    int64_t due_at, last_seq;
    crm_promise_event_kind_t last_kind; /* the last step's, and when it happened */
    int64_t last_at;
    int renegotiations;
} promise_head;

static int no_promise(crm_db *db, const crm__uuid *pid)
{
    char text[CRM_ID_LEN + 1];
    crm__uuid_format(text, pid->b);
    return crm__error(db, CRM_ENOTFOUND, "no promise has id %s", text);
}

/* The promise's row, for a step that gives the promise back: what the step
 * checks, and in *rec a copy of the whole record, which the step brings up
 * to date with what it writes (allocated here, before anything changes, so
 * that a failed allocation leaves the promise as it was). The history of an
 * open promise is its made event (seq 1, at made_at) and its
 * renegotiations: without a renegotiation the made event is its last step,
 * and only a renegotiated promise needs read_last_step for it. */
static int read_promise(crm_db *db, const crm__uuid *pid, promise_head *h, crm_promise **rec)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PROMISE_GET_STEP, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, pid);
    rc = crm__st_step(st, "reading a promise");
    if (rc == CRM_DONE)
        return no_promise(db, pid);
    if (rc != CRM_ROW)
        return rc;
    if (!crm__col_uuid(&h->customer, st, 1))
        return crm__corrupt_id(db, "reading a promise");
    if (!crm__col_null(st, 12))
        return crm__customer_erased(db, &h->customer, crm__col_int(st, 12));
    crm_promise row;
    if (read_row(&row, st) != CRM_OK || crm_promise_dup(rec, &row) != CRM_OK)
        return crm__error(db, CRM_ENOMEM, "out of memory reading a promise");
    h->state = row.state;
    h->due_at = row.due_at;
    h->renegotiations = row.renegotiations;
    h->last_seq = 1;
    h->last_kind = CRM_PROMISE_EVENT_MADE;
    h->last_at = row.made_at;
    return CRM_OK;
}

/* The last step of a promise whose row was read, from its history (none:
 * seq 0, as read_head says). */
static int read_last_step(crm_db *db, const crm__uuid *pid, promise_head *h)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PROMISE_LAST_STEP, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, pid);
    rc = crm__st_step(st, "reading a promise");
    if (rc == CRM_ROW) {
        h->last_seq = crm__col_int(st, 0);
        h->last_kind = (crm_promise_event_kind_t)crm__col_int(st, 1);
        h->last_at = crm__col_int(st, 2);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        h->last_seq = 0;
        h->last_kind = 0;
        h->last_at = CRM_TIME_NONE;
        rc = CRM_OK;
    }
    return rc;
}

/* The promise's state and its last step, from its history. */
static int read_head(crm_db *db, const crm__uuid *pid, promise_head *h)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PROMISE_HEAD, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, pid);
    rc = crm__st_step(st, "reading a promise");
    if (rc == CRM_ROW) {
        if (!crm__col_uuid(&h->customer, st, 0)) {
            rc = crm__corrupt_id(db, "reading a promise");
        } else if (!crm__col_null(st, 6)) {
            rc = crm__customer_erased(db, &h->customer, crm__col_int(st, 6));
        } else {
            h->state = (crm_promise_state_t)crm__col_int(st, 1);
            h->due_at = crm__col_int(st, 2);
            h->last_seq = crm__col_int(st, 3);
            h->last_kind = (crm_promise_event_kind_t)crm__col_int(st, 4);
            h->last_at = crm__col_time(st, 5);
            rc = CRM_OK;
        }
    } else if (rc == CRM_DONE) {
        rc = no_promise(db, pid);
    }
    return rc;
}

/* One step from open. kind says which; the arguments the step does not
 * take are NULL or 0 and were checked by its public function. On success
 * *out (out may be NULL) is the promise after the step: the row the step
 * read to check it, with what the step wrote. */
static int transition(crm_promise **out, crm_db *db, const crm__uuid *pid,
                      crm_promise_event_kind_t kind, const crm__uuid *interaction,
                      const char *note, int64_t new_due, int customer_agreed, int64_t at)
{
    static const char *const verbs[] = { NULL, NULL, "renegotiated", "kept", "broken",
                                         "released" };
    static const char *const ops[] = { NULL, NULL, "renegotiate", "keep", "break", "release" };
    static const crm_promise_state_t final[] = { 0, 0, CRM_PROMISE_OPEN, CRM_PROMISE_KEPT,
                                               CRM_PROMISE_BROKEN, CRM_PROMISE_RELEASED };
    char ptext[CRM_ID_LEN + 1], itext[CRM_ID_LEN + 1];
    crm__uuid_format(ptext, pid->b);
    int rc = crm__write_begin(db);
    if (rc)
        return rc;
    /* Without a record to give, the step reads only what it checks
     * (CRM__Q_PROMISE_HEAD). With one, it reads the promise's row instead,
     * which says all a step checks unless the promise was renegotiated:
     * only then is the last step read from the history too. The row is the
     * cheaper read: Python's keep() of an unrenegotiated promise went from
     * 157,000 instructions (the step, then crm_promise_get()) to 123,000,
     * below the 131,000 of the step alone. */
    promise_head h;
    crm_promise *p = NULL;
    if (!out) {
        rc = read_head(db, pid, &h);
    } else {
        rc = read_promise(db, pid, &h, &p);
        if (rc == CRM_OK && h.state == CRM_PROMISE_OPEN && h.renegotiations > 0)
            rc = read_last_step(db, pid, &h);
    }
    if (rc == CRM_OK && h.state != CRM_PROMISE_OPEN)
        rc = crm__error(db, CRM_ESTATE,
                        "promise %s is already %s; only an open promise can be %s", ptext,
                        crm_promise_state_name(h.state) ? crm_promise_state_name(h.state)
                                                        : "closed",
                        verbs[kind]);
    if (rc == CRM_OK && kind == CRM_PROMISE_EVENT_RENEGOTIATED && new_due == h.due_at)
        rc = crm__error(db, CRM_EINVAL,
                        "new_due_at %lld is the due time already in force for promise %s",
                        (long long)new_due, ptext);
    int64_t when = 0;
    if (rc == CRM_OK)
        rc = step_time(db, at, ptext, h.last_at, h.last_kind, &when);
    if (rc == CRM_OK && kind == CRM_PROMISE_EVENT_RENEGOTIATED)
        rc = due_not_before(db, "new_due_at", new_due, when, "renegotiated");
    if (rc == CRM_OK && interaction)
        rc = check_interaction(db, interaction, &h.customer);
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db,
                         kind == CRM_PROMISE_EVENT_RENEGOTIATED ? CRM__Q_PROMISE_REDUE
                                                          : CRM__Q_PROMISE_CLOSE,
                         &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, pid);
            if (kind == CRM_PROMISE_EVENT_RENEGOTIATED) {
                crm__bind_int(st, 2, new_due);
            } else {
                crm__bind_int(st, 2, final[kind]);
                crm__bind_int(st, 3, when);
                crm__bind_id(st, 4, interaction);
            }
            rc = crm__st_run(st, "changing a promise");
        }
    }
    if (rc == CRM_OK) {
        event_row e = { h.last_seq + 1, kind, when, h.due_at,
                        kind == CRM_PROMISE_EVENT_RENEGOTIATED ? new_due : h.due_at,
                        customer_agreed, interaction, note };
        rc = add_event(db, pid, &e);
    }
    if (rc == CRM_OK) {
        crm__jfield f[CRM__JMAX] = { CRM__JTEXT("promise_id", ptext) };
        int n = 1;
        if (kind == CRM_PROMISE_EVENT_RENEGOTIATED) {
            f[n++] = (crm__jfield)CRM__JINT("old_due_at", h.due_at);
            f[n++] = (crm__jfield)CRM__JINT("new_due_at", new_due);
            f[n++] = (crm__jfield)CRM__JINT("customer_agreed", customer_agreed);
        }
        if (interaction) {
            crm__uuid_format(itext, interaction->b);
            f[n++] = (crm__jfield)CRM__JTEXT("interaction_id", itext);
        }
        if (note)
            f[n++] = (crm__jfield)CRM__JTEXT(
                kind == CRM_PROMISE_EVENT_KEPT || kind == CRM_PROMISE_EVENT_RELEASED ? "note" : "why",
                note);
        rc = journal_step(db, when, &h.customer, ops[kind], f, n);
    }
    rc = crm__write_end(db, rc);
    if (rc) {
        crm__free(p);
        return rc;
    }
    if (p) {
        if (kind == CRM_PROMISE_EVENT_RENEGOTIATED) {
            p->due_at = new_due;
            p->renegotiations++;
        } else {
            p->state = final[kind];
            p->closed_at = when;
            if (interaction)
                crm__uuid_format(p->kept_by, interaction->b);
        }
        p->read_at = crm__now(db); /* the write's time */
        *out = p;
    }
    return CRM_OK;
}

int crm_promise_keep(crm_promise **out, crm_db *db, const char *id, const char *interaction_id,
                     const char *note, int64_t at)
{
    CRM__ENTER(db);
    crm__uuid pid, iid;
    int rc = crm__check_id(db, "promise id", id, &pid);
    if (rc == CRM_OK && interaction_id)
        rc = crm__check_id(db, "interaction id", interaction_id, &iid);
    if (rc == CRM_OK)
        rc = check_note(db, "note", note, false);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", at);
    if (rc)
        return rc;
    return transition(out, db, &pid, CRM_PROMISE_EVENT_KEPT, interaction_id ? &iid : NULL, note,
                      0, 0, at);
}

int crm_promise_break(crm_promise **out, crm_db *db, const char *id, const char *why,
                      int64_t at)
{
    CRM__ENTER(db);
    crm__uuid pid;
    int rc = crm__check_id(db, "promise id", id, &pid);
    if (rc == CRM_OK)
        rc = check_note(db, "why", why, true);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", at);
    if (rc)
        return rc;
    return transition(out, db, &pid, CRM_PROMISE_EVENT_BROKEN, NULL, why, 0, 0, at);
}

int crm_promise_release(crm_promise **out, crm_db *db, const char *id, const char *note,
                        int64_t at)
{
    CRM__ENTER(db);
    crm__uuid pid;
    int rc = crm__check_id(db, "promise id", id, &pid);
    if (rc == CRM_OK)
        rc = check_note(db, "note", note, false);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", at);
    if (rc)
        return rc;
    return transition(out, db, &pid, CRM_PROMISE_EVENT_RELEASED, NULL, note, 0, 0, at);
}

int crm_promise_renegotiate(crm_promise **out, crm_db *db, const char *id, int64_t new_due_at,
                            const char *why, int customer_agreed, int64_t at)
{
    CRM__ENTER(db);
    crm__uuid pid;
    int rc = crm__check_id(db, "promise id", id, &pid);
    if (rc == CRM_OK)
        rc = crm__check_time(db, "new_due_at", new_due_at);
    if (rc == CRM_OK)
        rc = check_note(db, "why", why, true);
    if (rc == CRM_OK && customer_agreed != 0 && customer_agreed != 1)
        rc = crm__error(db, CRM_EINVAL, "customer_agreed is %d; pass 1 if the customer agreed, "
                        "else 0", customer_agreed);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "at", at);
    if (rc)
        return rc;
    return transition(out, db, &pid, CRM_PROMISE_EVENT_RENEGOTIATED, NULL, why, new_due_at,
                      customer_agreed, at);
}

/* ---- reading ------------------------------------------------------------ */

int crm_promise_get(crm_promise **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    CRM__ST(st);
    int rc = crm__fetch_by_id(db, out, CRM__Q_PROMISE_GET, "promise", id, &st);
    if (rc != CRM_ROW)
        return rc;
    crm_promise row, *p = NULL;
    rc = read_row(&row, st);
    if (rc == CRM_OK)
        rc = crm_promise_dup(&p, &row);
    if (rc)
        return crm__error(db, rc, "out of memory reading a promise");
    /* The time it is read at, for overdue as of then. The clock is read
     * once the record is in hand and the statement let go, so that it
     * runs with nothing of the file held; a clock out of range fails the
     * call and leaves *out alone. */
    crm__st_release(&st);
    rc = crm__clock_read(db);
    if (rc) {
        crm_promise_free(p);
        return rc;
    }
    p->read_at = crm__now(db);
    *out = p;
    return CRM_OK;
}

/* ---- listing ------------------------------------------------------------ */

struct crm_promise_cursor {
    crm__cursor base;
    crm_promise row;
};

#define ALL_STATES                                                        \
    (CRM_PROMISE_BIT(CRM_PROMISE_OPEN) | CRM_PROMISE_BIT(CRM_PROMISE_KEPT) | \
     CRM_PROMISE_BIT(CRM_PROMISE_BROKEN) | CRM_PROMISE_BIT(CRM_PROMISE_RELEASED))

/* The due time of the promise `after` names, where the next page starts. */
/* *st is the caller's, left on the promise's row (see crm__customer_probe). */
static int after_due(crm_db *db, crm__st **st, const crm__uuid *pid, const char *text,
                     int64_t *due)
{
    int rc = crm__st_get(db, CRM__Q_PROMISE_DUE, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, pid);
    rc = crm__st_step(*st, "listing promises");
    if (rc == CRM_ROW) {
        *due = crm__col_int(*st, 0);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND,
                        "filter after names no promise (%s); pass the id of the last promise "
                        "of the previous page",
                        text);
    }
    return rc;
}

static int check_filter(crm_db *db, const crm_promise_filter *f)
{
    if (f->version < 1 || f->version > CRM_PROMISE_FILTER_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_promise_filter.version is %u; this libcrm knows versions 1 to %d",
                          f->version, CRM_PROMISE_FILTER_VERSION);
    if (f->states & ~ALL_STATES)
        return crm__error(db, CRM_EINVAL,
                          "filter states 0x%x has bits 0x%x that are no promise state's "
                          "CRM_PROMISE_BIT()",
                          f->states, f->states & ~ALL_STATES);
    int rc = crm__check_time_opt(db, "filter due_before",
                                 crm__time_given(f->version, f->due_before));
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "filter overdue_as_of",
                                 crm__time_given(f->version, f->overdue_as_of));
    if (rc)
        return rc;
    if (f->owner)
        return crm__check_actor(db, "filter owner", f->owner);
    return CRM_OK;
}

static int promise_build(crm__cursor *c)
{
    crm_promise_cursor *cur = (crm_promise_cursor *)c;
    read_fields(&cur->row, cur->base.st);
    static const int cols[] = { 3, 4 }; /* owner, what: the cursor's own copies */
    const char *t[2];
    int rc = crm__cursor_texts(c, cols, 2, t);
    if (rc)
        return rc;
    cur->row.owner = t[0];
    cur->row.what = t[1];
    return CRM_OK;
}

int crm_promise_list_open(crm_promise_cursor **out, crm_db *db, const crm_promise_filter *filter)
{
    CRM__ENTER(db);
    crm_promise_filter defaults = CRM_PROMISE_FILTER_INIT;
    const crm_promise_filter *f = filter ? filter : &defaults;
    crm__uuid cid, after;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = check_filter(db, f);
    if (rc == CRM_OK && f->customer_id)
        rc = crm__check_id(db, "filter customer_id", f->customer_id, &cid);
    if (rc == CRM_OK && f->after)
        rc = crm__check_id(db, "filter after", f->after, &after);
    /* The time its rows are read at, for overdue as of then: read once,
     * as the list opens, before it reads anything. */
    if (rc == CRM_OK)
        rc = crm__clock_read(db);
    if (rc)
        return rc;
    const int64_t read_at = crm__now(db);

    /* Overdue as of T is open and due before T: fold it into the state and
     * due bounds, so every query has at most one of each. */
    unsigned int states = f->states;
    int64_t due_before = crm__time_given(f->version, f->due_before);
    int64_t overdue_as_of = crm__time_given(f->version, f->overdue_as_of);
    if (overdue_as_of != CRM_TIME_NONE) {
        states = (states ? states : ALL_STATES) & CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
        if (due_before == CRM_TIME_NONE || overdue_as_of < due_before)
            due_before = overdue_as_of;
    }
    bool none = overdue_as_of != CRM_TIME_NONE && !states;
    int64_t after_at = 0;
    /* Held on their rows until the list has read its first: the checks and
     * the walk read one snapshot. */
    CRM__ST(found);
    CRM__ST(after_st);
    if (f->customer_id)
        rc = crm__customer_probe(db, &found, &cid, NULL);
    if (rc == CRM_OK && f->after)
        rc = after_due(db, &after_st, &after, f->after, &after_at);
    if (rc)
        return rc;

    /* The index follows the most selective part of the filter, and each one
     * is ordered by (due_at, id) after its equality column, so a page is a
     * range of one index. Without a customer or owner, states go through
     * promise_by_due: one state is one range; several are one range each. */
    bool bounded = due_before != CRM_TIME_NONE;
    bool by_due = !f->customer_id && !f->owner && (states || bounded);
    if (by_due && !states)
        states = ALL_STATES;
    int nstates = 0;
    for (int s = CRM_PROMISE_OPEN; s <= CRM_PROMISE_RELEASED; s++)
        nstates += (states & CRM_PROMISE_BIT(s)) != 0;
    unsigned int shape = 0;
    if (f->customer_id)
        shape |= CRM__SHAPE_PROMISE_LIST_CUSTOMER;
    if (f->owner)
        shape |= CRM__SHAPE_PROMISE_LIST_OWNER;
    if (by_due)
        shape |= CRM__SHAPE_PROMISE_LIST_BY_DUE;
    if (none)
        shape |= CRM__SHAPE_PROMISE_LIST_NONE;
    if (nstates == 1)
        shape |= CRM__SHAPE_PROMISE_LIST_STATE;
    else if (nstates > 1 && nstates < 4)
        shape |= CRM__SHAPE_PROMISE_LIST_STATES;
    else if (nstates == 4 && by_due)
        shape |= CRM__SHAPE_PROMISE_LIST_ANY_STATE;
    if (bounded)
        shape |= CRM__SHAPE_PROMISE_LIST_DUE_BEFORE;
    if (f->after)
        shape |= CRM__SHAPE_PROMISE_LIST_AFTER;
    if (f->limit)
        shape |= CRM__SHAPE_PROMISE_LIST_LIMIT;

    crm_promise_cursor *cur;
    rc = crm__cursor_new_shaped((void **)&cur, sizeof *cur, db, CRM__Q_PROMISE_LIST, shape,
                                promise_build, "listing promises");
    if (rc)
        return rc;
    cur->row.read_at = read_at;
    crm__st *st = cur->base.st;
    if (f->customer_id)
        crm__bind_id(st, 1, &cid);
    if (f->owner)
        crm__bind_text(st, 2, f->owner);
    if (nstates >= 1 && nstates < 4) {
        int k = 3, last = 0;
        for (int s = CRM_PROMISE_OPEN; s <= CRM_PROMISE_RELEASED; s++)
            if (states & CRM_PROMISE_BIT(s))
                crm__bind_int(st, k++, last = s);
        /* Places left over repeat a state, so the IN list means the same. */
        while (nstates > 1 && k <= 5)
            crm__bind_int(st, k++, last);
    }
    if (bounded)
        crm__bind_int(st, 6, due_before);
    if (f->after) {
        crm__bind_int(st, 7, after_at);
        crm__bind_id(st, 8, &after);
    }
    if (f->limit)
        crm__bind_int(st, 9, f->limit);
    return crm__cursor_bound((void **)out, cur, "listing promises");
}

int crm_promise_cursor_next(crm_promise_cursor *cur, const crm_promise **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_promise_cursor_free(crm_promise_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}

/* ---- history ------------------------------------------------------------ */

struct crm_promise_event_cursor {
    crm__cursor base;
    crm_promise_event row;
};

crm_promise_event_kind_t crm_promise_event_kind(const crm_promise_event *e)
{
    return e ? e->kind : 0;
}
int64_t crm_promise_event_at(const crm_promise_event *e) { return e ? e->at : CRM_TIME_NONE; }
const char *crm_promise_event_actor(const crm_promise_event *e) { return e ? e->actor : NULL; }
int64_t crm_promise_event_old_due(const crm_promise_event *e)
{
    return e ? e->old_due : CRM_TIME_NONE;
}
int64_t crm_promise_event_new_due(const crm_promise_event *e)
{
    return e ? e->new_due : CRM_TIME_NONE;
}
int crm_promise_event_customer_agreed(const crm_promise_event *e)
{
    return e ? e->customer_agreed : 0;
}
const char *crm_promise_event_interaction_id(const crm_promise_event *e)
{
    return e ? opt_id(e->interaction_id) : NULL;
}
const char *crm_promise_event_note(const crm_promise_event *e) { return e ? e->note : NULL; }

static int event_build(crm__cursor *c)
{
    crm_promise_event_cursor *cur = (crm_promise_event_cursor *)c;
    crm__st *st = cur->base.st;
    crm_promise_event *e = &cur->row;
    e->kind = (crm_promise_event_kind_t)crm__col_int(st, 0);
    e->at = crm__col_int(st, 1);
    static const int cols[] = { 2, 7 }; /* actor, note */
    const char *t[2];
    int rc = crm__cursor_texts(c, cols, 2, t);
    if (rc)
        return rc;
    if (!t[0])
        return crm__error(c->db, CRM_ECORRUPT, "a promise event without an actor");
    e->actor = t[0];
    e->note = t[1];
    /* A promise had no due time before it was made (stored as 0). */
    e->old_due = e->kind == CRM_PROMISE_EVENT_MADE ? CRM_TIME_NONE : crm__col_int(st, 3);
    e->new_due = crm__col_int(st, 4);
    e->customer_agreed = (int)crm__col_int(st, 5);
    crm__col_id(e->interaction_id, st, 6);
    return CRM_OK;
}

int crm_promise_event_list_open(crm_promise_event_cursor **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid pid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "promise id", id, &pid);
    if (rc)
        return rc;
    {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_PROMISE_EXISTS, &st);
        if (rc)
            return rc;
        crm__bind_id(st, 1, &pid);
        rc = crm__st_step(st, "reading a promise");
    }
    if (rc == CRM_DONE) {
        char text[CRM_ID_LEN + 1];
        crm__uuid_format(text, pid.b);
        return crm__error(db, CRM_ENOTFOUND, "no promise has id %s", text);
    }
    if (rc != CRM_ROW)
        return rc;
    crm_promise_event_cursor *cur;
    rc = crm__cursor_new((void **)&cur, sizeof *cur, db, CRM__Q_PROMISE_HISTORY, event_build,
                         "reading a promise's history");
    if (rc)
        return rc;
    crm__bind_id(cur->base.st, 1, &pid);
    return crm__cursor_bound((void **)out, cur, "reading a promise's history");
}

int crm_promise_event_cursor_next(crm_promise_event_cursor *cur, const crm_promise_event **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_promise_event_cursor_free(crm_promise_event_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
