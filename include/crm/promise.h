/*
 * libcrm - promises: what the business told a customer it will do, who owns
 * it, by when, and whether it was kept.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * A promise is made open. From open it can be kept, broken or released
 * (the customer agreed it is no longer needed), each final; or
 * renegotiated, which gives it a new due time and leaves it open. Every
 * step is recorded in the promise's history with actor, time and note, and
 * journaled (entity "promise", ops "make", "keep", "break", "release",
 * "renegotiate"; entity_id the customer's id, the promise's id in the data).
 *
 * Each step takes the time it happened (`at`, ms): CRM_TIME_NONE for now
 * (by the handle's clock), or an earlier time, to record a step after the
 * fact or to import a promise's whole history. A step cannot be later than
 * now, nor earlier than the promise's last step (when it was made, or last
 * renegotiated): CRM_EINVAL naming both times. A due time cannot have
 * passed when it is set: making a promise, or renegotiating it, with a due
 * time earlier than the step's own time is CRM_EINVAL naming both times
 * (the step's time itself is fine). A promise that was already late when
 * it is recorded is recorded with the `at` it was made, before its due
 * time. The step's history event,
 * made_at or closed_at, and with them kept late and overdue, follow from
 * `at`; so does the journal entry's at, and an entry recorded later than
 * its step happened also carries recorded_at, when it was recorded.
 *
 * Overdue, kept late and the number of renegotiations are derived when read,
 * never stored, so they cannot go stale.
 *
 * A record remembers when it was read, by its handle's clock (the time
 * "now" of crm_open_options.clock, or the system's): crm_promise_get()
 * reads the clock for it, a list reads it once as it opens
 * (crm_promise_list_open(), for all its rows), and make and the steps
 * give the time of their write. crm_promise_is_overdue(p, CRM_TIME_NONE)
 * judges by that time, so a handle with a clock of its own sees its
 * promises fall overdue by its clock. A clock out of range fails the
 * call that read it with CRM_EMISUSE (see crm_clock_fn).
 *
 * Bad arguments give CRM_EINVAL naming the field and change nothing; any
 * call can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or CRM_ENOMEM, and
 * writes CRM_EREADONLY.
 */
#ifndef CRM_PROMISE_H
#define CRM_PROMISE_H

#include "common.h"

CRM_BEGIN_DECL

typedef enum crm_promise_state_t {
    CRM_PROMISE_OPEN = 1,
    CRM_PROMISE_KEPT = 2,
    CRM_PROMISE_BROKEN = 3,
    CRM_PROMISE_RELEASED = 4
} crm_promise_state_t;
/** A state's bit in crm_promise_filter.states. */
#define CRM_PROMISE_BIT(state) (1u << (state))

/** "open", "kept", "broken", "released"; NULL outside the enum. Static storage. */
CRM_EXTERN(const char *) crm_promise_state_name(crm_promise_state_t state);
/** Parse a state's name. CRM_EINVAL for anything else; *out written only on success. */
CRM_EXTERN(int) crm_promise_state_parse(crm_promise_state_t *out, const char *name);

/** Limits, in bytes of UTF-8. Owners follow the actor rules (CRM_ACTOR_MAX). */
#define CRM_PROMISE_TEXT_MAX 1024 /**< what was promised */
#define CRM_NOTE_MAX 1024         /**< why it was broken, renegotiated, ... */

typedef struct crm_promise crm_promise;

/**
 * Promise a customer something.
 * @param out            receives the new record (crm_promise_free()), or NULL.
 * @param customer_id    whom it was promised to.
 * @param interaction_id the interaction it was made during, or NULL; it must
 *                       belong to the same customer.
 * @param owner          who must keep it: "agent:alice", "team:billing".
 * @param what           what was promised, 1..CRM_PROMISE_TEXT_MAX bytes.
 * @param due_at         when it is due (ms since the epoch, CRM_TIME_MIN..CRM_TIME_MAX),
 *                       not before the promise was made (`at`, or now):
 *                       CRM_EINVAL naming both times otherwise.
 * @param at             when it was made: CRM_TIME_NONE = now, or a time not
 *                       later than now (its made_at); an overdue promise
 *                       recorded after the fact gives the time it was made.
 * @return CRM_OK; CRM_ENOTFOUND (customer, interaction); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_promise_make(crm_promise **out, crm_db *db, const char *customer_id,
                                 const char *interaction_id, const char *owner,
                                 const char *what, int64_t due_at, int64_t at);

/*
 * The transitions. Each needs the promise to be open: any other state gives
 * CRM_ESTATE with a message naming the state ("promise ... is already
 * kept"). CRM_ENOTFOUND for an unknown promise, and for a promise whose
 * customer was erased ("customer ... was erased at ...": its anonymous
 * row and history stay as the erase left them, docs/privacy.md);
 * CRM_EINVAL for bad input, and for an `at` (when the step happened;
 * CRM_TIME_NONE = now) later than now or earlier than the promise's last
 * step. A step's time becomes its history event's time and, for keep,
 * break and release, the closed_at.
 *
 * The order of the checks: the arguments (CRM_EINVAL: a malformed id, a
 * bad note, customer_agreed not 0 or 1, a time out of range); then the
 * promise (CRM_ENOTFOUND unknown, then CRM_ENOTFOUND erased); then its
 * state (CRM_ESTATE, and CRM_EINVAL for an `at` or a new due time that
 * the promise's own times refuse); then, for keep, the interaction. A
 * refused step changes nothing and journals nothing.
 *
 * `out` receives the promise as the step left it (free with
 * crm_promise_free()), the record crm_promise_get() would then give, or
 * may be NULL; it is written only on success. The step builds it in its
 * own transaction from the promise's row, which it reads to check the
 * state, and from what it writes, rather than read the promise again.
 */

/** Kept, optionally by an interaction of the same customer; note may be NULL.
 *  Kept late when at is after the due time in force. */
CRM_EXTERN(int) crm_promise_keep(crm_promise **out, crm_db *db, const char *id,
                                 const char *interaction_id, const char *note, int64_t at);
/** Broken; why is required. */
CRM_EXTERN(int) crm_promise_break(crm_promise **out, crm_db *db, const char *id, const char *why,
                                  int64_t at);
/** Released: the customer agreed it is no longer needed; note may be NULL. */
CRM_EXTERN(int) crm_promise_release(crm_promise **out, crm_db *db, const char *id,
                                    const char *note, int64_t at);
/**
 * A new due time (CRM_TIME_MIN..CRM_TIME_MAX, different from the one in
 * force, and not before the renegotiation's own time, `at` or now:
 * CRM_EINVAL otherwise, the last naming both times), why (required) and
 * whether the customer agreed (0 or 1). To record a move to a time that
 * has since passed, give the `at` it happened.
 * Stays open; the old due time stays in the history.
 */
CRM_EXTERN(int) crm_promise_renegotiate(crm_promise **out, crm_db *db, const char *id,
                                        int64_t new_due_at, const char *why, int customer_agreed,
                                        int64_t at);

/** Fetch by id. *out is the caller's (crm_promise_free()). Reads the
 *  handle's clock for the time the record is read at (see
 *  crm_promise_is_overdue()), once the promise is found.
 *  CRM_ENOTFOUND; CRM_EINVAL; CRM_EMISUSE (a clock out of range; *out
 *  is not written). */
CRM_EXTERN(int) crm_promise_get(crm_promise **out, crm_db *db, const char *id);

/* Accessors. Strings are borrowed and live as long as the record; NULL when
 * not recorded. */
CRM_EXTERN(const char *) crm_promise_id(const crm_promise *p);
CRM_EXTERN(const char *) crm_promise_customer_id(const crm_promise *p);
CRM_EXTERN(const char *) crm_promise_interaction_id(const crm_promise *p); /**< made during */
CRM_EXTERN(const char *) crm_promise_owner(const crm_promise *p);
CRM_EXTERN(const char *) crm_promise_what(const crm_promise *p);
CRM_EXTERN(crm_promise_state_t) crm_promise_state(const crm_promise *p);
CRM_EXTERN(int64_t) crm_promise_due_at(const crm_promise *p);     /**< the due time in force */
/** The due time it was made with, before any renegotiation (read with the
 *  record: no walk of the history). */
CRM_EXTERN(int64_t) crm_promise_first_due_at(const crm_promise *p);
CRM_EXTERN(int64_t) crm_promise_made_at(const crm_promise *p);   /**< when it was made */
CRM_EXTERN(int64_t) crm_promise_closed_at(const crm_promise *p);  /**< kept/broken/released; CRM_TIME_NONE while open */
CRM_EXTERN(const char *) crm_promise_kept_by(const crm_promise *p); /**< interaction that kept it */
/**
 * Open and past due as of the given time (ms): 1 or 0. A promise due at
 * exactly as_of is not overdue yet.
 * as_of CRM_TIME_NONE: as of when the record was read, by its handle's
 * clock (since 0.4.0; before, it always gave 0): the time of the write
 * for the record crm_promise_make() and the steps give, the clock read by
 * crm_promise_get(), the one read as the list opened for a list's rows;
 * crm_promise_dup() keeps it. This is "overdue now" as the handle's clock
 * has it, where crm_now() is the system's.
 */
CRM_EXTERN(int) crm_promise_is_overdue(const crm_promise *p, int64_t as_of);
/** Kept after the due time in force: 1 or 0. */
CRM_EXTERN(int) crm_promise_was_kept_late(const crm_promise *p);
/** How many times it was renegotiated. */
CRM_EXTERN(int) crm_promise_renegotiations(const crm_promise *p);

CRM_EXTERN(int) crm_promise_dup(crm_promise **out, const crm_promise *p);
/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_promise_free(crm_promise *p);

/* ---- lists -------------------------------------------------------------- */

#define CRM_PROMISE_FILTER_VERSION 2

/**
 * Which promises crm_promise_list_open() returns, by due time (then id).
 * Zero/NULL fields, and times that are CRM_TIME_NONE, do not filter (in a
 * version 1 filter a time of 0 did not either). A customer's promises:
 * customer_id. An
 * owner's: owner. Open ones due before T: states = CRM_PROMISE_BIT(OPEN),
 * due_before = T. Overdue as of T: overdue_as_of = T.
 */
typedef struct crm_promise_filter {
    unsigned int version;   /**< CRM_PROMISE_FILTER_VERSION */
    const char *customer_id;
    const char *owner;
    unsigned int states;    /**< OR of CRM_PROMISE_BIT(); 0 = every state */
    int64_t due_before;     /**< due before this time (ms); CRM_TIME_NONE = unbounded */
    int64_t overdue_as_of;  /**< open and due before this time; CRM_TIME_NONE = no such filter */
    const char *after;      /**< keyset: id of the last promise already seen */
    unsigned int limit;     /**< at most this many; 0 = all */
} crm_promise_filter;

#define CRM_PROMISE_FILTER_INIT \
    { CRM_PROMISE_FILTER_VERSION, NULL, NULL, 0, CRM_TIME_NONE, CRM_TIME_NONE, NULL, 0 }

typedef struct crm_promise_cursor crm_promise_cursor;

/** List promises. filter may be NULL (all). Reads the handle's clock once,
 *  as it opens: the time every row is read at (crm_promise_is_overdue()).
 *  CRM_ENOTFOUND (customer, `after`); CRM_EINVAL; CRM_EMISUSE (a clock
 *  out of range). */
CRM_EXTERN(int) crm_promise_list_open(crm_promise_cursor **out, crm_db *db,
                                      const crm_promise_filter *filter);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_promise_cursor_next(crm_promise_cursor *cur, const crm_promise **out);
CRM_EXTERN(void) crm_promise_cursor_free(crm_promise_cursor *cur);

/* ---- history ------------------------------------------------------------ */

typedef enum crm_promise_event_kind_t {
    CRM_PROMISE_EVENT_MADE = 1,
    CRM_PROMISE_EVENT_RENEGOTIATED = 2,
    CRM_PROMISE_EVENT_KEPT = 3,
    CRM_PROMISE_EVENT_BROKEN = 4,
    CRM_PROMISE_EVENT_RELEASED = 5
} crm_promise_event_kind_t;

/** "made", "renegotiated", "kept", "broken", "released"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_promise_event_kind_name(crm_promise_event_kind_t kind);
/**
 * The event kind named name ("made", "renegotiated", "kept", "broken",
 * "released"): CRM_OK, or CRM_EINVAL for NULL or an unknown name (message
 * in crm_errmsg(NULL)).
 */
CRM_EXTERN(int) crm_promise_event_kind_parse(crm_promise_event_kind_t *out, const char *name);

/** One step in a promise's history. */
typedef struct crm_promise_event crm_promise_event;
CRM_EXTERN(crm_promise_event_kind_t) crm_promise_event_kind(const crm_promise_event *e);
CRM_EXTERN(int64_t) crm_promise_event_at(const crm_promise_event *e);
CRM_EXTERN(const char *) crm_promise_event_actor(const crm_promise_event *e);
/** Due time before and after the step (equal unless renegotiated; made:
 *  CRM_TIME_NONE before). */
CRM_EXTERN(int64_t) crm_promise_event_old_due(const crm_promise_event *e);
CRM_EXTERN(int64_t) crm_promise_event_new_due(const crm_promise_event *e);
/** Renegotiations: 1 if the customer agreed, else 0. */
CRM_EXTERN(int) crm_promise_event_customer_agreed(const crm_promise_event *e);
CRM_EXTERN(const char *) crm_promise_event_interaction_id(const crm_promise_event *e);
CRM_EXTERN(const char *) crm_promise_event_note(const crm_promise_event *e);

typedef struct crm_promise_event_cursor crm_promise_event_cursor;

/** A promise's history, oldest first. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_promise_event_list_open(crm_promise_event_cursor **out, crm_db *db,
                                         const char *id);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_promise_event_cursor_next(crm_promise_event_cursor *cur,
                                         const crm_promise_event **out);
CRM_EXTERN(void) crm_promise_event_cursor_free(crm_promise_event_cursor *cur);

CRM_END_DECL

#endif
