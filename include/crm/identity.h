/*
 * libcrm - identities: the ways the outside world knows a customer.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * An identity is a kind and a value. The value is kept as entered and a
 * match key is derived from it, so a lookup is one index probe. Built-in
 * kinds and their keys:
 *
 *  - "phone":   E.164 ("+14155550100"). National numbers are read in the
 *               database's default country (crm_open_options.default_country);
 *               international prefixes ("+", "00", "011" ...) per that country.
 *  - "email":   one "@" with text on both sides, no spaces; matched on the
 *               lower-cased address (no provider-specific rewriting).
 *  - "social":  "network:handle", e.g. "twitter:@DeltaAssist"; case-folded,
 *               a leading "@" on the handle is ignored for matching.
 *  - "account", "loyalty": the value with surrounding white space trimmed,
 *               matched exactly.
 *  - any other kind matching [a-z][a-z0-9_]{0,31}: matched exactly.
 *
 * Values are 1..CRM_IDENTITY_MAX bytes of UTF-8 without control characters.
 *
 * A value belongs to one customer, unless it is shared: a family landline,
 * an office switchboard, a couple's e-mail address. Each customer holds it
 * with flags of their own; a value may have several holders only when each
 * holds it CRM_IDENTITY_SHARED. So the calls that change or read a holding
 * name the customer, and a lookup of a value with several holders names
 * none of them (CRM_EAMBIGUOUS) but lists them (crm_customer_holders_open()).
 */
#ifndef CRM_IDENTITY_H
#define CRM_IDENTITY_H

#include "common.h"
#include "customer.h"

CRM_BEGIN_DECL

/** Flags of an identity (OR-able), each customer's own for a shared value. */
#define CRM_IDENTITY_PRIMARY 0x1u  /**< the customer's preferred one of its kind */
#define CRM_IDENTITY_VERIFIED 0x2u /**< confirmed to belong to the customer */
#define CRM_IDENTITY_SHARED 0x4u   /**< other customers may hold the value too */

typedef struct crm_identity crm_identity;

/**
 * Add an identity to a customer. A PRIMARY identity takes the flag from the
 * customer's other identities of the same kind. A value someone else holds
 * can be added only CRM_IDENTITY_SHARED, and only when every holder holds
 * it shared.
 * @param out   receives the new record (free with crm_identity_free()), or NULL.
 * @return CRM_OK; CRM_ENOTFOUND (customer); CRM_EINVAL (bad kind, a value
 *         that is not a phone number / e-mail address / handle, unknown
 *         flags); CRM_EEXISTS (the customer holds it already; another
 *         customer holds it and it or the other holding is not shared;
 *         crm_conflict_id() and the message name that customer).
 */
CRM_EXTERN(int) crm_identity_add(crm_identity **out, crm_db *db, const char *customer_id,
                                 const char *kind, const char *value, unsigned int flags);

/**
 * Remove a customer's identity, named by any form of its value. The other
 * holders of a shared value keep theirs.
 * @return CRM_OK; CRM_ENOTFOUND (no such customer, or the customer does
 *         not hold it); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_identity_remove(crm_db *db, const char *customer_id, const char *kind,
                                    const char *value);

/**
 * Replace the flags of a customer's identity. A holding stops being
 * CRM_IDENTITY_SHARED only while no one else holds the value.
 * @return CRM_OK; CRM_ENOTFOUND (no such customer, or the customer does
 *         not hold it); CRM_EINVAL (unknown flags, ...); CRM_EEXISTS
 *         (clearing CRM_IDENTITY_SHARED while others hold it:
 *         crm_conflict_id() names one of them).
 */
CRM_EXTERN(int) crm_identity_set_flags(crm_db *db, const char *customer_id, const char *kind,
                                       const char *value, unsigned int flags);

/**
 * Find the customer an identity belongs to, by any form of the value
 * ("(415) 555-0100" finds "+14155550100" in the US). One index probe.
 * A shared value with several holders names none of them.
 * @param out receives the customer (free with crm_customer_free()).
 * @return CRM_OK; CRM_ENOTFOUND; CRM_EAMBIGUOUS (several customers hold
 *         it; the message gives their number; crm_customer_holders_open()
 *         lists them); CRM_EINVAL (not a valid value of the kind).
 */
CRM_EXTERN(int) crm_identity_lookup(crm_customer **out, crm_db *db, const char *kind,
                                    const char *value);

/**
 * List every customer holding an identity, by id (the order they were
 * created in): one for a value held unshared, none for a value no one
 * holds. Walk with crm_customer_cursor_next(), free with
 * crm_customer_cursor_free().
 * @return CRM_OK; CRM_EINVAL (NULL out, bad kind, not a valid value of the kind).
 */
CRM_EXTERN(int) crm_customer_holders_open(crm_customer_cursor **out, crm_db *db,
                                          const char *kind, const char *value);

/**
 * Fetch a customer's identity record by kind and any form of its value.
 * @return CRM_OK; CRM_ENOTFOUND (no such customer, or the customer does
 *         not hold it); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_identity_get(crm_identity **out, crm_db *db, const char *customer_id,
                                 const char *kind, const char *value);

/**
 * The match key a value has for a kind (E.164 for phones, and so on),
 * without touching the database. *out is the caller's, freed with crm_free().
 * CRM_EINVAL if the value is not valid for the kind.
 */
CRM_EXTERN(int) crm_identity_normalise(char **out, crm_db *db, const char *kind,
                                       const char *value);

/* Accessors. Strings are borrowed and live as long as the record. */
CRM_EXTERN(const char *) crm_identity_customer_id(const crm_identity *i);
CRM_EXTERN(const char *) crm_identity_kind(const crm_identity *i);
CRM_EXTERN(const char *) crm_identity_value(const crm_identity *i); /**< as entered */
CRM_EXTERN(const char *) crm_identity_key(const crm_identity *i);   /**< normalised */
CRM_EXTERN(unsigned int) crm_identity_flags(const crm_identity *i);
CRM_EXTERN(int64_t) crm_identity_created_at(const crm_identity *i);

/** Copy a record; the copy is the caller's, freed with crm_identity_free(). */
CRM_EXTERN(int) crm_identity_dup(crm_identity **out, const crm_identity *i);

/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_identity_free(crm_identity *i);

typedef struct crm_identity_cursor crm_identity_cursor;

/** List a customer's identities by kind, primary first, then the oldest
 *  first (created_at), then by key (the normalised value). CRM_ENOTFOUND;
 *  CRM_EINVAL. */
CRM_EXTERN(int) crm_identity_list_open(crm_identity_cursor **out, crm_db *db,
                                       const char *customer_id);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_identity_cursor_next(crm_identity_cursor *cur, const crm_identity **out);
CRM_EXTERN(void) crm_identity_cursor_free(crm_identity_cursor *cur);

/**
 * Find the one customer a text names, whatever the caller typed or said:
 * an id, a phone number, an e-mail address, a network:handle, an account
 * or a loyalty number (docs/api.md, "crm_customer_resolve", has the rules).
 * A text in the form of an id (8-4-4-4-12) is read as an id only.
 * Otherwise it is looked up as a phone number when it looks like one
 * (digits and + ( ) - . / space, at least 5 digits; read in the handle's
 * default country), else as an e-mail address when it has an @ and no
 * network: prefix, else as a social handle when it is network:handle;
 * and, in every case, as an account and as a loyalty number. Every kind
 * is tried; different customers found are ambiguous, whichever kind found
 * them. Archived customers are found too; an erased one by nothing (its
 * id answers CRM_ENOTFOUND saying when it was erased, as crm_customer_get()
 * does). Read-only.
 * @param out receives the customer (free with crm_customer_free()).
 * @return CRM_OK; CRM_ENOTFOUND (the message says what was tried: "not an
 *         id; tried phone +14155550100, account, loyalty"); CRM_EAMBIGUOUS
 *         (several customers; crm_customer_resolve_open() lists them);
 *         CRM_EINVAL (NULL out or text; text empty, blank, not UTF-8,
 *         longer than CRM_IDENTITY_MAX, with control characters; an id
 *         with bad digits).
 */
CRM_EXTERN(int) crm_customer_resolve(crm_customer **out, crm_db *db, const char *text);

/**
 * List every customer text names, by the rules of crm_customer_resolve(),
 * by id: none when nothing matches, several when the text is ambiguous
 * ("am I speaking with Mickey or Minnie?"); an id merged into another
 * lists its survivor; an erased customer is never listed. Walk with
 * crm_customer_cursor_next(), free with crm_customer_cursor_free().
 * @return CRM_OK; CRM_EINVAL (as crm_customer_resolve()).
 */
CRM_EXTERN(int) crm_customer_resolve_open(crm_customer_cursor **out, crm_db *db,
                                          const char *text);

CRM_END_DECL

#endif
