/*
 * libcrm - identities: the ways the outside world knows a customer.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * An identity is a kind and a value. The value is kept as entered and a
 * match key is derived from it, unique per kind, so a lookup is one index
 * probe. Built-in kinds and their keys:
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
 */
#ifndef CRM_IDENTITY_H
#define CRM_IDENTITY_H

#include "common.h"
#include "customer.h"

CRM_BEGIN_DECL

/** Flags of an identity (OR-able). */
#define CRM_IDENTITY_PRIMARY 0x1u  /**< the customer's preferred one of its kind */
#define CRM_IDENTITY_VERIFIED 0x2u /**< confirmed to belong to the customer */

typedef struct crm_identity crm_identity;

/**
 * Add an identity to a customer. A PRIMARY identity takes the flag from the
 * customer's other identities of the same kind.
 * @param out   receives the new record (free with crm_identity_free()), or NULL.
 * @return CRM_OK; CRM_ENOTFOUND (customer); CRM_EINVAL (bad kind, a value
 *         that is not a phone number / e-mail address / handle, unknown
 *         flags); CRM_EEXISTS (the identity already belongs to a customer;
 *         the message names that customer).
 */
CRM_EXTERN(int) crm_identity_add(crm_identity **out, crm_db *db, const char *customer_id,
                                 const char *kind, const char *value, unsigned int flags);

/** Remove an identity, named by any form of its value. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_identity_remove(crm_db *db, const char *kind, const char *value);

/** Replace an identity's flags. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_identity_set_flags(crm_db *db, const char *kind, const char *value,
                                       unsigned int flags);

/**
 * Find the customer an identity belongs to, by any form of the value
 * ("(415) 555-0100" finds "+14155550100" in the US). One index probe.
 * @param out receives the customer (free with crm_customer_free()).
 * @return CRM_OK; CRM_ENOTFOUND; CRM_EINVAL (not a valid value of the kind).
 */
CRM_EXTERN(int) crm_identity_lookup(crm_customer **out, crm_db *db, const char *kind,
                                    const char *value);

/** Fetch an identity record by kind and value. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_identity_get(crm_identity **out, crm_db *db, const char *kind,
                                 const char *value);

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

/** List a customer's identities by kind, primary first. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_identity_list_open(crm_identity_cursor **out, crm_db *db,
                                       const char *customer_id);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_identity_cursor_next(crm_identity_cursor *cur, const crm_identity **out);
CRM_EXTERN(void) crm_identity_cursor_free(crm_identity_cursor *cur);

CRM_END_DECL

#endif
