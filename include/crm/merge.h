/*
 * libcrm - duplicate customers: finding the pairs that may be one person
 * (or one organisation), merging one customer into another, and undoing a
 * merge.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * A merge moves everything the absorbed customer holds to the kept one, in
 * one transaction, and removes the absorbed customer's row; its id goes on
 * naming the survivor. The rules, with examples, are in docs/merge.md.
 *
 * Any call can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or CRM_ENOMEM;
 * writes can return CRM_EREADONLY. A failed call changes nothing.
 */
#ifndef CRM_MERGE_H
#define CRM_MERGE_H

#include "common.h"
#include "customer.h"

CRM_BEGIN_DECL

/* ---- duplicate candidates ------------------------------------------------ */

/**
 * Why two customers may be one; a pair's reasons are an OR of these bits.
 * A pair is found through a shared folded name, a shared identity value or
 * a shared value of an attribute the caller names; the other reasons only
 * add to such a pair's score (two colleagues are no duplicates).
 */
typedef enum crm_duplicate_reason_t {
    /** The same name once case and the diacritics of Latin letters are taken
     *  off ("José Müller" and "jose muller"): 40. */
    CRM_DUPLICATE_NAME = 1,
    /** An e-mail address of each at one domain: 20. */
    CRM_DUPLICATE_EMAIL_DOMAIN = 2,
    /** A phone number of each ending in the same 7 digits: 30. */
    CRM_DUPLICATE_PHONE_SUFFIX = 4,
    /** Both members of one organisation: 20. */
    CRM_DUPLICATE_ORGANISATION = 8,
    /** The same value of an attribute the filter names: 30 for each key. */
    CRM_DUPLICATE_ATTRIBUTE = 16,
    /** Both hold one identity value (a shared kind, such as a family
     *  landline): 60. */
    CRM_DUPLICATE_IDENTITY = 32
} crm_duplicate_reason_t;

/** "name", "email_domain", "phone_suffix", "organisation", "attribute",
 *  "identity"; NULL for anything but one of the bits. Static storage. */
CRM_EXTERN(const char *) crm_duplicate_reason_name(crm_duplicate_reason_t reason);
/** The reason named name: CRM_OK, or CRM_EINVAL for NULL or an unknown word
 *  (message in crm_errmsg(NULL)); *out is written only on success. */
CRM_EXTERN(int) crm_duplicate_reason_parse(crm_duplicate_reason_t *out, const char *name);

/** The score a pair must reach to be listed unless the filter says
 *  otherwise: a name alone (40) is not enough, a name and a phone is. */
#define CRM_DUPLICATE_MIN_SCORE 50
/** The most attribute keys a filter may name. */
#define CRM_DUPLICATE_KEYS_MAX 16

#define CRM_DUPLICATE_FILTER_VERSION 1

/**
 * What crm_duplicate_list_open() lists. Start from CRM_DUPLICATE_FILTER_INIT.
 */
typedef struct crm_duplicate_filter {
    unsigned int version;      /**< CRM_DUPLICATE_FILTER_VERSION */
    /** Only the pairs of this customer, which is then each pair's first;
     *  NULL = every pair, the older customer first. */
    const char *customer_id;
    /** Attribute keys whose equal values make a pair ("date_of_birth"),
     *  the array ended by NULL, at most CRM_DUPLICATE_KEYS_MAX; NULL = none. */
    const char *const *attribute_keys;
    /** 1..100: pairs scoring less are left out. */
    int min_score;
    /** CRM_ARCHIVED_EXCLUDE (default): pairs of two active customers;
     *  INCLUDE: every pair; ONLY: pairs with an archived customer. */
    crm_archived_filter_t archived;
    unsigned int limit;        /**< at most this many pairs; 0 = all */
} crm_duplicate_filter;

#define CRM_DUPLICATE_FILTER_INIT \
    { CRM_DUPLICATE_FILTER_VERSION, NULL, NULL, CRM_DUPLICATE_MIN_SCORE, CRM_ARCHIVED_EXCLUDE, 0 }

/** One candidate pair. Opaque; read it through the accessors below. */
typedef struct crm_duplicate crm_duplicate;
/** The pair's first customer: the filter's customer, else the older. */
CRM_EXTERN(const char *) crm_duplicate_customer_id(const crm_duplicate *d);
CRM_EXTERN(const char *) crm_duplicate_customer_name(const crm_duplicate *d);
CRM_EXTERN(const char *) crm_duplicate_other_id(const crm_duplicate *d);
CRM_EXTERN(const char *) crm_duplicate_other_name(const crm_duplicate *d);
/** The sum of the reasons' weights, at most 100. */
CRM_EXTERN(int) crm_duplicate_score(const crm_duplicate *d);
/** An OR of crm_duplicate_reason_t bits. */
CRM_EXTERN(unsigned int) crm_duplicate_reasons(const crm_duplicate *d);
/** The number of attribute keys the two share a value of. */
CRM_EXTERN(int) crm_duplicate_attributes(const crm_duplicate *d);
CRM_EXTERN(int) crm_duplicate_dup(crm_duplicate **out, const crm_duplicate *d);
CRM_EXTERN(void) crm_duplicate_free(crm_duplicate *d);

typedef struct crm_duplicate_cursor crm_duplicate_cursor;

/**
 * The candidate pairs, best score first, then by the two ids; each pair
 * once. The work is one range of an index per customer's name, identity
 * and named attribute value, never a comparison of every customer with
 * every other. filter may be NULL (every pair of active customers scoring
 * CRM_DUPLICATE_MIN_SCORE). Strings in the filter are copied.
 * @return CRM_OK; CRM_EINVAL (bad filter version, malformed customer id,
 *         min_score outside 1..100, archived outside the enum, an attribute
 *         key that is not one, too many keys); CRM_ENOTFOUND (the filter's
 *         customer; the message names its survivor when it was merged).
 */
CRM_EXTERN(int) crm_duplicate_list_open(crm_duplicate_cursor **out, crm_db *db,
                                        const crm_duplicate_filter *filter);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_duplicate_cursor_next(crm_duplicate_cursor *cur, const crm_duplicate **out);
CRM_EXTERN(void) crm_duplicate_cursor_free(crm_duplicate_cursor *cur);

/* ---- merge and unmerge ----------------------------------------------------- */

/**
 * Merge customer absorb_id into keep_id, in one transaction. Everything the
 * absorbed customer holds moves to the kept one: identities, interactions,
 * promises (with their history), occasions, consent events, tags,
 * memberships (as a person or as an organisation) and attributes. Where
 * both hold the same thing (a shared identity, a tag, a membership of one
 * organisation, an attribute key), the kept customer's stays and the
 * absorbed one's is recorded in the merge's journal entry; an identity the
 * absorbed customer held as primary stops being primary when the kept one
 * has a primary of that kind.
 *
 * Consent: for each purpose and channel (or every channel) either side has
 * events of, where that side's answer was a withdrawal and the joined
 * ledger would answer a grant, a withdrawal of that purpose on that channel
 * is added at the merge (the handle's actor; note "merge"), so a withdrawal
 * is never lost to the other record's grant, whichever way round the merge
 * goes.
 *
 * The absorbed customer's row goes; its id goes on naming the survivor:
 * crm_customer_get() and crm_customer_resolve() given it answer with the
 * survivor, whose record's crm_customer_merged_from() is the id asked for,
 * through any chain of merges; crm_customer_resolve_open() lists the
 * survivor. Other calls given it (writes above all)
 * answer CRM_ENOTFOUND with a message naming the survivor: a write meant
 * for the absorbed record was made before the merge was known, and is the
 * caller's to redirect, not libcrm's to guess.
 *
 * Journaled as op "merge" on the kept customer, holding all an unmerge
 * needs (the absorbed customer's row, every record moved, the attribute
 * conflicts, the consent withdrawals added, the memberships), and op
 * "merged" on the absorbed id naming the survivor ("into").
 *
 * @return CRM_OK; CRM_EINVAL (NULL or malformed id; the two ids name one
 *         customer; a person and an organisation, whether or not one is a
 *         member of the other); CRM_ENOTFOUND (either id, also one that was
 *         merged before: the message names its survivor).
 */
CRM_EXTERN(int) crm_customer_merge(crm_db *db, const char *keep_id, const char *absorb_id);

/**
 * Undo the merge that absorbed absorbed_id, exactly: the customer comes
 * back with its own row, records, tags, attributes, memberships and
 * consent events; the records merged away from the survivor return to it;
 * the consent withdrawals the merge added go. Only while nothing has
 * changed since on either side: no journal entry about the survivor or the
 * absorbed id after the merge's, but a crm_customer_verify()'s (the
 * absorbed customer comes back with no wrong answers counted; the
 * survivor keeps its count). Journaled as op "unmerge" on both.
 * @return CRM_OK; CRM_EINVAL (NULL or malformed id); CRM_ENOTFOUND (no
 *         customer was ever that id); CRM_ESTATE (the customer was not
 *         merged, or a later change blocks it: the message names the
 *         entry's op, time, customer and journal seq; or the merge's own
 *         journal entry is gone, dropped by crm_journal_drop() or never
 *         there because the merge came with a JSON Lines import).
 */
CRM_EXTERN(int) crm_customer_unmerge(crm_db *db, const char *absorbed_id);

/**
 * The id a record was asked for by when that id was merged into the
 * record's customer (crm_customer_get(), crm_customer_resolve()), else
 * NULL: a caller keeping ids learns the one to keep instead.
 */
CRM_EXTERN(const char *) crm_customer_merged_from(const crm_customer *c);

CRM_END_DECL

#endif
