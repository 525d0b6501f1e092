/*
 * libcrm - what other concepts ask of customers (customer.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_CUSTOMER_H
#define CRM_INTERNAL_CUSTOMER_H

#include <stddef.h>

#include "crm.h"
#include "internal/util.h"
#include "store/store.h"

/* ---- customers (customer.c) --------------------------------------------- */
/* Fetch kind and name of a customer that must exist, and not be erased;
 * CRM_ENOTFOUND otherwise.
 * name may be NULL; when given it is a copy freed with crm__free(). */
int crm__customer_find(crm_db *db, const crm__uuid *id, const char *text_id, int *kind,
                       char **name);
/* CRM_ENOTFOUND saying customer id was erased at `at` (privacy.c). */
int crm__customer_erased(crm_db *db, const crm__uuid *id, int64_t at);
/* The same read through the caller's statement *st (a CRM__ST variable),
 * left on the customer's row (columns: kind, name, owner) so that a cursor
 * opened before it is released reads in the same snapshot. */
int crm__customer_probe(crm_db *db, crm__st **st, const crm__uuid *id, int *kind);
/* Whether customer id is known to hold nothing yet: this handle created
 * it in the group in force, and no row has changed since. A bulk import
 * adds a new customer's first identities without asking. */
bool crm__customer_is_bare(crm_db *db, const crm__uuid *id);
/* A customer's attribute key: a copy in *out (crm__free()), NULL when it is
 * not set (attr.c). The key is not checked. */
int crm__attr_read(crm_db *db, const crm__uuid *uid, const char *key, char **out);
/* Move a customer's updated_at to now (attributes and tags changed). */
int crm__customer_touch(crm_db *db, const crm__uuid *id);
/* Make a customer record from a row (id, kind, name, created, updated, archived). */
int crm__customer_from_row(crm_customer **out, crm__st *st, int col);
/* Allocate a cursor struct of `size` bytes whose first member is its
 * crm__cursor, over the rows of one customer: checks out and the id, makes
 * sure the customer exists, and binds its id to ?1. The query is q_person
 * or q_org by the customer's kind. *out is the new struct. */
int crm__customer_cursor(void **out, size_t size, crm_db *db, const char *id, crm__query q_person,
                         crm__query q_org, crm__cursor_build build, const char *what);
/* Step st, an insert of a row that belongs to customer cid, and reset it.
 * Whether the customer exists is the insert's foreign key to check, and is
 * read only when the engine refuses the row: a missing customer is then
 * the error (CRM_ENOTFOUND); else a refused foreign key is CRM_ERROR and a
 * taken unique key CRM_EEXISTS, whose message the caller may make more
 * precise. */
int crm__customer_insert_owned(crm_db *db, crm__st *st, const crm__uuid *cid, const char *what);
/* A list of customers over query q, whose rows are the columns of
 * CRM__Q_CUSTOMER_GET: *out is the new cursor (its first member its
 * crm__cursor), whose statement the caller binds and then hands to
 * crm__cursor_bound(). */
int crm__customer_list_new(crm_customer_cursor **out, crm_db *db, crm__query q, const char *what);

#endif
