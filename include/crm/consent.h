/*
 * libcrm - consent: what a customer agreed to be contacted for, and on
 * which channels, as a ledger of events that is never rewritten.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Each event grants or withdraws one purpose (the caller's own code, such
 * as "marketing", "service_updates" or "surveys") on one channel or on
 * every channel, at the time the customer said so. Whether a customer may
 * be contacted for purpose P on channel C is read from the latest event of
 * P on C or on every channel: the one with the greatest `at`, and of those
 * the last recorded. No event means no. So a later event decides, an event
 * recorded late but dated earlier (a signed form entered the next day)
 * does not undo a newer one, and an every-channel withdrawal undoes an
 * older grant on one channel as a later grant on one channel undoes an
 * older every-channel withdrawal, for that channel.
 *
 * An archived customer's ledger is kept, read and added to as any other:
 * a customer may withdraw after their record was archived, and that must
 * be kept.
 *
 * Events are never changed or removed (only an erase of the whole
 * customer removes them). When two customers are merged, for every purpose
 * and channel a withdrawal on either side is never overridden by a grant
 * from the other: the merge appends a withdrawal where needed.
 *
 * Writes journal entity "consent" (ops "grant", "withdraw") with the
 * customer's id as entity_id and, in the data, the event's id
 * ("consent_id"), "purpose", "channel" (left out for every channel), "at"
 * and "interaction_id" when given; never the note, which is free text.
 * Bad arguments give CRM_EINVAL naming the field and change nothing; any
 * call can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or CRM_ENOMEM, and
 * writes CRM_EREADONLY.
 */
#ifndef CRM_CONSENT_H
#define CRM_CONSENT_H

#include "common.h"

CRM_BEGIN_DECL

/** Limits, in bytes of UTF-8. A purpose is [a-z][a-z0-9_]{0,31}. */
#define CRM_CONSENT_PURPOSE_MAX 32
#define CRM_CONSENT_NOTE_MAX 1024

#define CRM_CONSENT_SPEC_VERSION 1

/**
 * What crm_consent_grant() and crm_consent_withdraw() record. Start from
 * CRM_CONSENT_SPEC_INIT. customer_id and purpose are required.
 */
typedef struct crm_consent_spec {
    unsigned int version;       /**< CRM_CONSENT_SPEC_VERSION */
    const char *customer_id;
    const char *purpose;        /**< [a-z][a-z0-9_]{0,31}: "marketing" */
    const char *channel;        /**< a built-in channel's word ("email") or a custom one
                                     ("whatsapp"); NULL = every channel */
    int64_t at;                 /**< when the customer said so (ms): CRM_TIME_NONE = now, else
                                     CRM_TIME_MIN..now; never later than the handle's clock */
    const char *interaction_id; /**< the contact during which it was said (the same
                                     customer's); NULL = none */
    const char *note;           /**< 1..CRM_CONSENT_NOTE_MAX bytes without control characters
                                     ("ticked the box on the paper form"); NULL = none */
} crm_consent_spec;

#define CRM_CONSENT_SPEC_INIT \
    { CRM_CONSENT_SPEC_VERSION, NULL, NULL, NULL, CRM_TIME_NONE, NULL, NULL }

/** One event of the ledger. */
typedef struct crm_consent crm_consent;

/**
 * Record that the customer grants (crm_consent_grant) or withdraws
 * (crm_consent_withdraw) consent for spec->purpose on spec->channel. The
 * actor (crm_set_actor()) is recorded with the event. A custom channel's
 * name no interaction has used yet is kept as a new channel, as logging an
 * interaction on it would: consent for WhatsApp may come before the first
 * WhatsApp message.
 * @param out receives the new event (crm_consent_free()), or NULL.
 * @return CRM_OK; CRM_ENOTFOUND (customer, interaction); CRM_EINVAL (NULL
 *         or old-version spec, malformed ids, purpose, channel or note, an
 *         `at` later than now or out of range, an interaction of another
 *         customer).
 */
CRM_EXTERN(int) crm_consent_grant(crm_consent **out, crm_db *db, const crm_consent_spec *spec);
CRM_EXTERN(int) crm_consent_withdraw(crm_consent **out, crm_db *db,
                                     const crm_consent_spec *spec);

/**
 * May the customer be contacted for purpose on channel? *out is 1 when the
 * latest event of purpose on channel or on every channel grants it, 0 when
 * it withdraws it or there is none. channel NULL asks about every channel
 * at once: only the events recorded for every channel count. A channel
 * nothing has used yet has no events of its own: every channel's decide.
 * @return CRM_OK; CRM_ENOTFOUND (customer); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_consent_check(int *out, crm_db *db, const char *customer_id,
                                  const char *purpose, const char *channel);

/**
 * The event that decides crm_consent_check() for the same arguments, for a
 * screen that shows why: *out is the caller's (crm_consent_free()), or
 * NULL when no event decides (the answer is then no).
 * @return as crm_consent_check().
 */
CRM_EXTERN(int) crm_consent_latest(crm_consent **out, crm_db *db, const char *customer_id,
                                   const char *purpose, const char *channel);

/* Accessors. Strings are borrowed and live as long as the record. */
CRM_EXTERN(const char *) crm_consent_id(const crm_consent *c);
CRM_EXTERN(const char *) crm_consent_customer_id(const crm_consent *c);
CRM_EXTERN(const char *) crm_consent_purpose(const crm_consent *c);
/** The channel's word, or NULL for an event of every channel. */
CRM_EXTERN(const char *) crm_consent_channel(const crm_consent *c);
/** 1 for a grant, 0 for a withdrawal. */
CRM_EXTERN(int) crm_consent_is_granted(const crm_consent *c);
/** When the customer said so. */
CRM_EXTERN(int64_t) crm_consent_at(const crm_consent *c);
/** Who recorded it (the handle's actor then). */
CRM_EXTERN(const char *) crm_consent_actor(const crm_consent *c);
/** NULL when none. */
CRM_EXTERN(const char *) crm_consent_interaction_id(const crm_consent *c);
/** NULL when none (or erased). */
CRM_EXTERN(const char *) crm_consent_note(const crm_consent *c);
/** When it was recorded (the time its id carries). */
CRM_EXTERN(int64_t) crm_consent_recorded_at(const crm_consent *c);

/** Copy a record; the copy is the caller's (crm_consent_free()). */
CRM_EXTERN(int) crm_consent_dup(crm_consent **out, const crm_consent *c);
/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_consent_free(crm_consent *c);

typedef struct crm_consent_cursor crm_consent_cursor;

/**
 * A customer's ledger, newest first (by `at`, then the last recorded
 * first), so that the first row of one purpose on one channel is the event
 * that decides it. purpose: only that purpose's events; NULL = every
 * purpose. channel: only the events that bear on that channel, those
 * recorded for it and those recorded for every channel; NULL = the events
 * of every channel (for a channel nothing has used yet: every channel's).
 * @return CRM_OK; CRM_ENOTFOUND (customer); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_consent_history_open(crm_consent_cursor **out, crm_db *db,
                                         const char *customer_id, const char *purpose,
                                         const char *channel);
/** CRM_ROW with *out borrowed until the next call (crm_consent_dup() keeps
 *  it), CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_consent_cursor_next(crm_consent_cursor *cur, const crm_consent **out);
/** Free the cursor. Accepts NULL. */
CRM_EXTERN(void) crm_consent_cursor_free(crm_consent_cursor *cur);

CRM_END_DECL

#endif
