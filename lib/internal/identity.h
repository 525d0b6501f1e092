/*
 * libcrm - what other concepts ask of identities (identity.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_IDENTITY_H
#define CRM_INTERNAL_IDENTITY_H

#include "crm.h"

/* ---- identities (identity.c) -------------------------------------------- */
/* The match key of value as an identity of kind: CRM_OK with *key the
 * caller's (crm__free()), or an error set on db. kind is a valid kind name
 * and value a checked identity text (1 to CRM_IDENTITY_MAX bytes of UTF-8
 * without control characters): the caller checks them once, however many
 * kinds it tries. When value is not one of the kind (CRM_EINVAL), *why
 * (may be NULL) says why in a few words: "not a phone number",
 * "unreadable without a default country". */
int crm__identity_key(crm_db *db, const char *kind, const char *value, char **key,
                      const char **why);

/* crm_identity_add() of a value whose key the caller has from
 * crm__identity_key() (or crm_identity_normalise()) of the same kind and
 * value, which vouches for the kind and the value too: a bulk import,
 * which looks the key up first, parses a phone number once, not twice. */
int crm__identity_add_keyed(crm_db *db, const char *customer_id, const char *kind,
                            const char *value, const char *key, unsigned int flags);

#endif
