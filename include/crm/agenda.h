/*
 * libcrm - the agenda: for an owner, a team or everyone, as of a time,
 * what needs doing, in a fair order.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The items are open promises that are overdue or due within a horizon,
 * customers whose inbound contact is still open with no reply since, and
 * occasions within their lead time. The order is by need and waiting
 * time and never reads the channel or the public flag:
 *
 *     score = (as_of - since) + head_start(kind), highest first
 *
 * docs/agenda.md states the whole rule, with the default head starts and
 * why. The agenda reads and never writes. Bad arguments give CRM_EINVAL
 * naming the field; any call can also return CRM_EBUSY, CRM_EIO,
 * CRM_ECORRUPT or CRM_ENOMEM.
 */
#ifndef CRM_AGENDA_H
#define CRM_AGENDA_H

#include "common.h"

CRM_BEGIN_DECL

/** What an item of the agenda is, in the order equal scores take. */
typedef enum crm_agenda_kind_t {
    CRM_AGENDA_PROMISE_OVERDUE = 1, /**< an open promise due before as_of */
    CRM_AGENDA_PROMISE_DUE = 2,     /**< an open promise due within the horizon */
    CRM_AGENDA_CONTACT_WAITING = 3, /**< a customer's inbound contact, open and unanswered */
    CRM_AGENDA_OCCASION = 4         /**< an occasion within its lead time */
} crm_agenda_kind_t;
#define CRM_AGENDA_KIND_MAX 4
/** A kind's bit in crm_agenda_options.kinds. */
#define CRM_AGENDA_BIT(kind) (1u << (kind))

/** "promise_overdue", "promise_due", "contact_waiting", "occasion"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_agenda_kind_name(crm_agenda_kind_t kind);
/** Parse a kind's word. CRM_EINVAL for anything else; *out written only on success. */
CRM_EXTERN(int) crm_agenda_kind_parse(crm_agenda_kind_t *out, const char *name);

#define CRM_AGENDA_HOUR_MS 3600000
/** The horizon when none is given, and the longest one (ms). */
#define CRM_AGENDA_HORIZON_DEFAULT (24 * CRM_AGENDA_HOUR_MS)
#define CRM_AGENDA_HORIZON_MAX (366LL * 24 * CRM_AGENDA_HOUR_MS)
/** The default head starts (ms): docs/agenda.md says why. */
#define CRM_AGENDA_HEAD_START_OVERDUE (48 * CRM_AGENDA_HOUR_MS)
#define CRM_AGENDA_HEAD_START_DUE (24 * CRM_AGENDA_HOUR_MS)
#define CRM_AGENDA_HEAD_START_CONTACT 0
#define CRM_AGENDA_HEAD_START_OCCASION 0
/** A head start lies within plus or minus this (3650 days, in ms). */
#define CRM_AGENDA_HEAD_START_MAX (3650LL * 24 * CRM_AGENDA_HOUR_MS)

#define CRM_AGENDA_OPTIONS_VERSION 1

/** Whose agenda, as of when, and how it is ordered. Start from CRM_AGENDA_OPTIONS_INIT. */
typedef struct crm_agenda_options {
    unsigned int version;        /**< CRM_AGENDA_OPTIONS_VERSION */
    const char *owner;           /**< NULL: everyone; else an owner, exactly ("team:billing") */
    int64_t as_of;               /**< CRM_TIME_NONE: the handle's clock */
    int64_t horizon;             /**< ms: promises due this soon are on it; 0: 24 hours */
    unsigned int kinds;          /**< OR of CRM_AGENDA_BIT(); 0: every kind */
    int64_t head_start_overdue;  /**< ms added to an overdue promise's wait */
    int64_t head_start_due;      /**< ms added to a promise due soon's (negative) wait */
    int64_t head_start_contact;  /**< ms added to a waiting contact's wait */
    int64_t head_start_occasion; /**< ms added to an occasion's (negative) wait */
    unsigned int limit;          /**< at most this many items; 0: all */
} crm_agenda_options;

#define CRM_AGENDA_OPTIONS_INIT                                                             \
    { CRM_AGENDA_OPTIONS_VERSION, NULL, CRM_TIME_NONE, 0, 0, CRM_AGENDA_HEAD_START_OVERDUE, \
      CRM_AGENDA_HEAD_START_DUE, CRM_AGENDA_HEAD_START_CONTACT,                            \
      CRM_AGENDA_HEAD_START_OCCASION, 0 }

typedef struct crm_agenda_item crm_agenda_item;

/* Accessors. Strings are borrowed and live as long as the record. */
CRM_EXTERN(crm_agenda_kind_t) crm_agenda_item_kind(const crm_agenda_item *it);
CRM_EXTERN(const char *) crm_agenda_item_customer_id(const crm_agenda_item *it);
CRM_EXTERN(const char *) crm_agenda_item_customer_name(const crm_agenda_item *it);
/** The customer's owner; NULL when it has none. */
CRM_EXTERN(const char *) crm_agenda_item_customer_owner(const crm_agenda_item *it);
/** The promise's, the earliest waiting interaction's, or the occasion's id. */
CRM_EXTERN(const char *) crm_agenda_item_id(const crm_agenda_item *it);
/** The promise's owner; NULL for the other kinds. */
CRM_EXTERN(const char *) crm_agenda_item_owner(const crm_agenda_item *it);
/** When the wait is counted from: a promise's due time, a contact's time, an occasion's date. */
CRM_EXTERN(int64_t) crm_agenda_item_since(const crm_agenda_item *it);
/** A promise's due time, an occasion's date (00:00 UTC); CRM_TIME_NONE for a contact. */
CRM_EXTERN(int64_t) crm_agenda_item_due_at(const crm_agenda_item *it);
/** as_of - since, ms; negative for what is not due yet. */
CRM_EXTERN(int64_t) crm_agenda_item_waited(const crm_agenda_item *it);
/** The score the agenda is ordered by: waited plus the kind's head start. */
CRM_EXTERN(int64_t) crm_agenda_item_score(const crm_agenda_item *it);
/** A waiting contact's channel word ("email", or the business's own); NULL otherwise. */
CRM_EXTERN(const char *) crm_agenda_item_channel(const crm_agenda_item *it);
/** Why it is on the agenda, one sentence ("promise overdue since 2026-12-05T10:00Z (owner
 * team:billing)"). Never NULL on an item. */
CRM_EXTERN(const char *) crm_agenda_item_why(const crm_agenda_item *it);

/** Copy an item the caller keeps (crm_agenda_item_free()). CRM_EINVAL; CRM_ENOMEM. */
CRM_EXTERN(int) crm_agenda_item_dup(crm_agenda_item **out, const crm_agenda_item *it);
/** Free an item the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_agenda_item_free(crm_agenda_item *it);

typedef struct crm_agenda_item_cursor crm_agenda_item_cursor;

/**
 * The agenda: every item of the kinds asked for, for opts->owner (NULL:
 * everyone) as of opts->as_of, highest score first, then the longer wait,
 * then kind, then id. NULL opts: every default.
 * @return CRM_OK; CRM_EINVAL (NULL out; bad version, owner, as_of, horizon,
 *         kinds or head start, each named).
 */
CRM_EXTERN(int) crm_agenda_item_list_open(crm_agenda_item_cursor **out, crm_db *db,
                                          const crm_agenda_options *opts);
/** CRM_ROW with *out borrowed until the next call (crm_agenda_item_dup() keeps it), CRM_DONE,
 * or a negative code. */
CRM_EXTERN(int) crm_agenda_item_cursor_next(crm_agenda_item_cursor *cur,
                                            const crm_agenda_item **out);
/** Accepts NULL. */
CRM_EXTERN(void) crm_agenda_item_cursor_free(crm_agenda_item_cursor *cur);

CRM_END_DECL

#endif
