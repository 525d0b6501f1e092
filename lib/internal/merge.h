/*
 * libcrm - what the other concepts ask of merges (merge.c). Private to the
 * library: nothing here is exported, and names use a double underscore.
 */
#ifndef CRM_INTERNAL_MERGE_H
#define CRM_INTERNAL_MERGE_H

#include "crm.h"
#include "internal/util.h"
#include "store/store.h"

/* ---- merges (merge.c) ------------------------------------------------------- */
/* A name as duplicates compare it (the customer's fold_key): ASCII letters
 * lower-cased, the Latin letters U+00C0..U+017F without their diacritics
 * (ß "ss", æ "ae"), every other character as it is; the table of schema
 * 10's migration, which fills the rows it finds. NULL without memory;
 * freed with crm__free(). */
char *crm__fold_name(const char *name);
/* The customer an absorbed id names now, at the end of its chain of
 * merges: CRM_ROW with *st (a CRM__ST variable of the caller's) on its
 * row of CRM__Q_CUSTOMER_GET, CRM_DONE when id was never merged (no
 * message), or an error. */
int crm__merge_follow(crm_db *db, const crm__uuid *id, crm__st **st);
/* Set CRM_ENOTFOUND for a customer id no row has: "no customer has id",
 * or, for an id merged into another, a message naming the survivor. */
int crm__merge_missing(crm_db *db, const crm__uuid *id);
/* The id a record was asked for by, when it was merged into the record's
 * customer (customer.c); NULL: none. */
void crm__customer_set_merged_from(crm_customer *c, const crm__uuid *asked);

#endif
