/*
 * libcrm - interactions: every contact with a customer, on every channel,
 * and the timeline that shows them as one history.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Writes run in their own transaction (or join crm_begin()'s) and journal
 * entity "interaction" (ops "log", "outcome", "reason", "summary", "public") with the
 * customer's id as entity_id and the interaction's id in the data. Bad
 * arguments give CRM_EINVAL naming the field and change nothing; any call
 * can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or CRM_ENOMEM, and writes
 * CRM_EREADONLY.
 */
#ifndef CRM_INTERACTION_H
#define CRM_INTERACTION_H

#include "common.h"

CRM_BEGIN_DECL

/**
 * The channel a contact happened on: one of eleven built in, or a custom
 * one named by the caller (any name a custom identity kind may have,
 * [a-z][a-z0-9_]{0,31}: "whatsapp", "telegram"). A custom channel is given
 * in crm_interaction_spec.channel_name and read back through
 * crm_interaction_channel_name(); crm_interaction_channel() says
 * CRM_CHANNEL_CUSTOM for it.
 */
typedef enum crm_channel_t {
    CRM_CHANNEL_PHONE = 1,
    CRM_CHANNEL_IVR = 2,
    CRM_CHANNEL_EMAIL = 3,
    CRM_CHANNEL_CHAT = 4,
    CRM_CHANNEL_SMS = 5,
    CRM_CHANNEL_SOCIAL = 6,
    CRM_CHANNEL_IN_PERSON = 7,
    CRM_CHANNEL_KIOSK = 8,
    CRM_CHANNEL_WEB = 9,
    CRM_CHANNEL_LETTER = 10,
    CRM_CHANNEL_COMMUNITY = 11,
    /** What crm_interaction_channel() says of a custom channel. Not taken by
     *  a spec or a filter (name the channel instead), and it has no bit. */
    CRM_CHANNEL_CUSTOM = 64
} crm_channel_t;
#define CRM_CHANNEL_MAX 11 /**< the last built-in channel */
/** A built-in channel's bit in crm_timeline_filter.channels. */
#define CRM_CHANNEL_BIT(ch) (1u << (ch))

typedef enum crm_direction_t {
    CRM_DIRECTION_IN = 1, /**< the customer reached the business */
    CRM_DIRECTION_OUT = 2 /**< the business reached the customer */
} crm_direction_t;

typedef enum crm_outcome_t {
    CRM_OUTCOME_NONE = 0, /**< not recorded (yet) */
    CRM_OUTCOME_RESOLVED = 1,
    CRM_OUTCOME_UNRESOLVED = 2,
    CRM_OUTCOME_TRANSFERRED = 3,
    CRM_OUTCOME_ABANDONED = 4,
    CRM_OUTCOME_ESCALATED = 5
} crm_outcome_t;
#define CRM_OUTCOME_MAX 5
/** An outcome's bit in crm_timeline_filter.outcomes. */
#define CRM_OUTCOME_BIT(o) (1u << (o))

/* Words for the enums, so bindings and tools speak words: "phone", "ivr",
 * "email", "chat", "sms", "social", "in_person", "kiosk", "web", "letter",
 * "community"; "in", "out"; "none", "resolved", "unresolved",
 * "transferred", "abandoned", "escalated". _name returns static storage, or
 * NULL for a value outside the enum; _parse returns CRM_EINVAL for an
 * unknown word or NULL argument, with the message in crm_errmsg(NULL), and
 * writes *out only on success. crm_channel_parse() knows the eleven
 * built-in words only (CRM_CHANNEL_CUSTOM has no name): a word it refuses
 * may still be a custom channel, which the calls taking a channel by name
 * (channel_name, crm_interaction_get_by_ref_named(), the filter's
 * channel_names) accept. */
CRM_EXTERN(const char *) crm_channel_name(crm_channel_t channel);
CRM_EXTERN(int) crm_channel_parse(crm_channel_t *out, const char *name);
CRM_EXTERN(const char *) crm_direction_name(crm_direction_t direction);
CRM_EXTERN(int) crm_direction_parse(crm_direction_t *out, const char *name);
CRM_EXTERN(const char *) crm_outcome_name(crm_outcome_t outcome);
CRM_EXTERN(int) crm_outcome_parse(crm_outcome_t *out, const char *name);

/** Limits, in bytes of UTF-8. */
#define CRM_REASON_MAX 64      /**< reason codes: [A-Za-z0-9_.:-] */
#define CRM_SUMMARY_MAX 1024   /**< one-paragraph summaries */
#define CRM_BODY_MAX 65536     /**< the full text (an e-mail, a transcript) */
#define CRM_EXTERNAL_REF_MAX 256 /**< tweet id, call id, Message-ID */

/** crm_interaction_spec.sentiment when none was recorded. */
#define CRM_SENTIMENT_NONE 99

#define CRM_INTERACTION_SPEC_VERSION 3

/**
 * What crm_interaction_log() records. Start from CRM_INTERACTION_SPEC_INIT.
 * Only customer_id, the channel (channel or channel_name) and direction
 * are required. A string given is 1..its CRM_*_MAX bytes of UTF-8 (an
 * empty one is refused: pass NULL).
 */
typedef struct crm_interaction_spec {
    unsigned int version;     /**< CRM_INTERACTION_SPEC_VERSION */
    const char *customer_id;
    crm_channel_t channel;    /**< a built-in channel; 0 when channel_name names it */
    crm_direction_t direction;
    int64_t occurred_at;      /**< ms since the epoch, not later than now by the handle's
                                   clock (an interaction is recorded once it happened);
                                   CRM_TIME_NONE = now (in a version 1 spec, 0 meant now) */
    const char *handled_by;   /**< "agent:alice", "team:billing", "ivr:main-menu"; NULL = none;
                                   the rules of crm_set_actor() */
    const char *reason;       /**< the business's own code, e.g. "billing.double_charge"; NULL = none */
    crm_outcome_t outcome;      /**< CRM_OUTCOME_NONE until known */
    int is_public;            /**< 1 if the whole world can see it (a tweet), else 0 */
    int sentiment;            /**< -2..+2, or CRM_SENTIMENT_NONE */
    const char *summary;      /**< one paragraph: no line breaks or other controls; NULL = none */
    const char *body;         /**< any text, line breaks and tabs included; NULL = none */
    const char *reply_to;     /**< id of the interaction this answers (same customer); joins its thread */
    const char *external_ref; /**< unique per channel: importing a feed twice adds nothing; no
                                   control characters or spaces at either end */
    const char *channel_name; /**< (version 3) the channel by name: a built-in word ("phone")
                                   or a custom name matching [a-z][a-z0-9_]{0,31}, kept the
                                   first time it is used; NULL = `channel` says it. With both
                                   given they must name the same channel */
} crm_interaction_spec;

#define CRM_INTERACTION_SPEC_INIT                                                          \
    { CRM_INTERACTION_SPEC_VERSION, NULL, (crm_channel_t)0, (crm_direction_t)0, CRM_TIME_NONE,    \
      NULL, NULL,                                                                          \
      CRM_OUTCOME_NONE, 0, CRM_SENTIMENT_NONE, NULL, NULL, NULL, NULL, NULL }

typedef struct crm_interaction crm_interaction;

/**
 * Record an interaction.
 * @param out receives the new record (free with crm_interaction_free()), or NULL.
 * @return CRM_OK; CRM_EINVAL (bad spec: unknown channel, a channel_name
 *         that is no name, channel and channel_name naming two channels,
 *         unknown direction or outcome, sentiment outside -2..+2, bad
 *         strings, reply_to of another customer, an occurred_at later than
 *         now, "in the future", naming both times); CRM_ENOTFOUND (customer
 *         or reply_to);
 *         CRM_EEXISTS (external_ref already recorded on this channel:
 *         crm_conflict_id() gives the existing interaction's id, and
 *         crm_errmsg() names it).
 */
CRM_EXTERN(int) crm_interaction_log(crm_interaction **out, crm_db *db,
                                    const crm_interaction_spec *spec);

/** Fetch by id. *out is the caller's (crm_interaction_free()). CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_interaction_get(crm_interaction **out, crm_db *db, const char *id);

/** Fetch by channel and external reference. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_interaction_get_by_ref(crm_interaction **out, crm_db *db,
                                           crm_channel_t channel, const char *external_ref);

/**
 * The same with the channel by name, a built-in word or a custom one
 * ("whatsapp"). A custom name no interaction has used is CRM_ENOTFOUND
 * like any reference not recorded; CRM_EINVAL for a name that is none.
 */
CRM_EXTERN(int) crm_interaction_get_by_ref_named(crm_interaction **out, crm_db *db,
                                                 const char *channel, const char *external_ref);

/* Change what is learnt after the fact; each change is journaled with the
 * old value. A NULL reason or summary clears it. Checked in this order:
 * CRM_EINVAL (NULL or malformed id, bad value); CRM_ENOTFOUND (no
 * interaction has the id); CRM_ENOTFOUND when its customer was erased
 * ("customer ... was erased at ...": what stays of an erased customer is
 * never written again, docs/privacy.md), changing and journaling nothing. */
CRM_EXTERN(int) crm_interaction_set_outcome(crm_db *db, const char *id, crm_outcome_t outcome);
CRM_EXTERN(int) crm_interaction_set_reason(crm_db *db, const char *id, const char *reason);
CRM_EXTERN(int) crm_interaction_set_summary(crm_db *db, const char *id, const char *summary);

/**
 * Say whether the whole world can see an interaction (1) or not (0): a
 * post made public, or taken down. The change is journaled (op "public",
 * with "public" and "old_public" 0 or 1) and moves updated_at; setting the
 * value it already has changes nothing, journals nothing and returns
 * CRM_OK. CRM_EINVAL (is_public not 0 or 1; checked first); CRM_ENOTFOUND
 * (no interaction has the id, or its customer was erased: "customer ...
 * was erased at ...", even when the value would not change).
 */
CRM_EXTERN(int) crm_interaction_set_public(crm_db *db, const char *id, int is_public);

/**
 * Delete an interaction logged by mistake, as if it had not been logged.
 * Its search entry goes with it. What referred to it is kept:
 *  - its replies now answer what it answered (a reply to a first
 *    interaction answers nothing any more) and stay in the conversation;
 *    when it was the first of its conversation, the oldest of the others
 *    becomes the first (crm_interaction_thread_id()) of them all;
 *  - a promise made during it or kept by it stays as it is, without the
 *    link (crm_promise_interaction_id(), crm_promise_kept_by() and the
 *    steps' crm_promise_event_interaction_id() become NULL): the promise
 *    was made or kept whatever the record of the contact says, and there
 *    is no call that deletes a promise.
 * A consent event recorded during it keeps it: the consent ledger is never
 * rewritten, so that interaction cannot be deleted (CRM_ESTATE naming the
 * event). The journal entry (op "delete") keeps the interaction's id,
 * channel, direction, occurred_at, and how many replies and promises were
 * linked to it ("replies", "promises"): never its summary, body, reason or
 * who handled it. The actor is the handle's (crm_set_actor()).
 * @return CRM_OK; in the order they are checked: CRM_EINVAL (NULL or
 *         malformed id); CRM_ENOTFOUND (no interaction has the id, or its
 *         customer was erased: "customer ... was erased at ...", and the
 *         anonymous row stays, counted in reports); CRM_ESTATE (a consent
 *         event names it).
 */
CRM_EXTERN(int) crm_interaction_delete(crm_db *db, const char *id);

/* Accessors. Strings are borrowed, live as long as the record, and are NULL
 * when not recorded. */
CRM_EXTERN(const char *) crm_interaction_id(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_customer_id(const crm_interaction *i);
/** A built-in channel, or CRM_CHANNEL_CUSTOM (crm_interaction_channel_name() names it). */
CRM_EXTERN(crm_channel_t) crm_interaction_channel(const crm_interaction *i);
/** The channel's word, built-in ("phone") or custom ("whatsapp"); never NULL for a record. */
CRM_EXTERN(const char *) crm_interaction_channel_name(const crm_interaction *i);
CRM_EXTERN(crm_direction_t) crm_interaction_direction(const crm_interaction *i);
CRM_EXTERN(int64_t) crm_interaction_occurred_at(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_handled_by(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_reason(const crm_interaction *i);
CRM_EXTERN(crm_outcome_t) crm_interaction_outcome(const crm_interaction *i);
CRM_EXTERN(int) crm_interaction_is_public(const crm_interaction *i);
/** -2..+2, or CRM_SENTIMENT_NONE. */
CRM_EXTERN(int) crm_interaction_sentiment(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_summary(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_body(const crm_interaction *i);
/** The id of the first interaction of its conversation (its own id for a first one). */
CRM_EXTERN(const char *) crm_interaction_thread_id(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_reply_to(const crm_interaction *i);
CRM_EXTERN(const char *) crm_interaction_external_ref(const crm_interaction *i);
CRM_EXTERN(int64_t) crm_interaction_updated_at(const crm_interaction *i);

/** Copy a record; the copy is the caller's (crm_interaction_free()). */
CRM_EXTERN(int) crm_interaction_dup(crm_interaction **out, const crm_interaction *i);
/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_interaction_free(crm_interaction *i);

/* ---- the timeline ------------------------------------------------------- */

#define CRM_TIMELINE_FILTER_VERSION 3

/**
 * Which interactions crm_interaction_timeline_open() returns, newest first (by
 * occurred_at, then id), and crm_interaction_thread_open() oldest first.
 * Zero/NULL fields, and times that are CRM_TIME_NONE, do not filter (in a
 * version 1 filter a time of 0 did not either). Paging is by key:
 * pass the id of the last interaction of the previous page as `before`,
 * and page 1000 costs what page 1 does. In a thread, which runs oldest
 * first, the next page is the interactions after that one.
 *
 * Channels: `channels` (built-in ones, by bit) and `channel_names` (by
 * word, built-in or custom) together name the channels kept; an
 * interaction on any of them is kept. Both empty: every channel. A custom
 * name no interaction has used is no channel yet: it matches nothing.
 */
typedef struct crm_timeline_filter {
    unsigned int version;      /**< CRM_TIMELINE_FILTER_VERSION */
    unsigned int channels;     /**< OR of CRM_CHANNEL_BIT(); 0 = every channel */
    int64_t from;              /**< occurred at or after (ms); CRM_TIME_NONE = unbounded */
    int64_t to;                /**< occurred before (ms); CRM_TIME_NONE = unbounded */
    const char *reason_prefix; /**< reason codes starting with this ("billing." ) */
    int direction;             /**< 0 = both, else a crm_direction_t */
    int public_only;           /**< 1 = only public interactions */
    unsigned int outcomes;     /**< OR of CRM_OUTCOME_BIT(); 0 = any (CRM_OUTCOME_BIT(CRM_OUTCOME_NONE): none recorded yet) */
    const char *before;        /**< keyset: id of the last interaction already seen */
    unsigned int limit;        /**< at most this many; 0 = all */
    const char *const *channel_names; /**< (version 3) channels by word, the array ended by
                                           NULL; NULL = none named */
} crm_timeline_filter;

#define CRM_TIMELINE_FILTER_INIT \
    { CRM_TIMELINE_FILTER_VERSION, 0, CRM_TIME_NONE, CRM_TIME_NONE, NULL, 0, 0, 0, NULL, 0, NULL }

typedef struct crm_interaction_cursor crm_interaction_cursor;

/**
 * A customer's whole history across every channel, newest first. filter
 * may be NULL (everything). Strings in the filter are copied.
 * @return CRM_OK; CRM_ENOTFOUND (customer, or `before` names no interaction
 *         of this customer); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_interaction_timeline_open(crm_interaction_cursor **out, crm_db *db,
                                  const char *customer_id, const crm_timeline_filter *filter);

/**
 * A conversation: the interactions of the thread the given interaction
 * belongs to, oldest first, that filter keeps (NULL: all of them; its
 * fields mean what they mean for the timeline, `before` being the last
 * interaction of the previous page, whose later ones come next). Strings
 * in the filter are copied.
 * @return CRM_OK; CRM_ENOTFOUND (interaction, or `before` names no
 *         interaction of the thread); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_interaction_thread_open(crm_interaction_cursor **out, crm_db *db,
                                const char *interaction_id, const crm_timeline_filter *filter);

/** Both cursors: CRM_ROW with *out borrowed until the next call (crm_interaction_dup()
 *  keeps it), CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_interaction_cursor_next(crm_interaction_cursor *cur, const crm_interaction **out);
/** Free the cursor. Accepts NULL. */
CRM_EXTERN(void) crm_interaction_cursor_free(crm_interaction_cursor *cur);

CRM_END_DECL

#endif
