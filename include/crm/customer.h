/*
 * libcrm - customers: people and organisations, their attributes, tags and
 * memberships.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Every write below runs in its own transaction (or joins the one opened by
 * crm_begin()) and writes a journal row in that transaction. Every call
 * validates its arguments first: NULL where a value is required, ids that
 * are not UUIDs, strings that are not UTF-8 or are longer than the CRM_*_MAX
 * limits all give CRM_EINVAL with a message naming the field, and leave the
 * database as it was. Any call can also return CRM_EBUSY, CRM_EIO,
 * CRM_ECORRUPT or CRM_ENOMEM; writes can return CRM_EREADONLY.
 */
#ifndef CRM_CUSTOMER_H
#define CRM_CUSTOMER_H

#include "common.h"

CRM_BEGIN_DECL

typedef enum crm_customer_kind_t {
    CRM_CUSTOMER_PERSON = 1,
    CRM_CUSTOMER_ORGANISATION = 2
} crm_customer_kind_t;

/** "person" or "organisation"; NULL for an unknown kind. Static storage. */
CRM_EXTERN(const char *) crm_customer_kind_name(crm_customer_kind_t kind);

/**
 * Parse "person" or "organisation" (also "organization", "org").
 * CRM_EINVAL for anything else; *out is written only on success.
 */
CRM_EXTERN(int) crm_customer_kind_parse(crm_customer_kind_t *out, const char *name);

/** A customer record. Opaque; read it through the accessors below. */
typedef struct crm_customer crm_customer;

/**
 * Create a customer.
 * @param out  receives the new record (caller frees with crm_customer_free()),
 *             or NULL if the caller does not need it.
 * @param name display name, 1..CRM_NAME_MAX bytes of UTF-8 without control
 *             characters or spaces at either end.
 * @return CRM_OK; CRM_EINVAL (bad kind or name).
 */
CRM_EXTERN(int) crm_customer_create(crm_customer **out, crm_db *db,
                                    crm_customer_kind_t kind, const char *name);

/**
 * Fetch a customer by id (canonical UUID text, any case). An id merged
 * into another customer (crm_customer_merge()) gives the survivor, whose
 * crm_customer_merged_from() is that id.
 * @param out receives a record the caller frees with crm_customer_free().
 * @return CRM_OK; CRM_ENOTFOUND; CRM_EINVAL (malformed id).
 */
CRM_EXTERN(int) crm_customer_get(crm_customer **out, crm_db *db, const char *id);

/** Change the display name. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_customer_rename(crm_db *db, const char *id, const char *name);

/**
 * Say who looks after a customer: an account manager or a team, named the
 * way a promise's owner is ("agent:alice", "team:billing"), or NULL for no
 * one. Journaled as op "set_owner" with the new and the old owner (null for
 * none); the customer's updated_at moves even when the owner is the same.
 * @return CRM_OK; CRM_ENOTFOUND; CRM_EINVAL (malformed id; an owner that is
 *         empty, longer than CRM_ACTOR_MAX bytes, not UTF-8, or holds
 *         control characters or spaces at either end).
 */
CRM_EXTERN(int) crm_customer_set_owner(crm_db *db, const char *id, const char *owner);

/**
 * Archive a customer: hidden from lists unless asked for, still found by id
 * and by identity. CRM_ESTATE if already archived; CRM_ENOTFOUND.
 */
CRM_EXTERN(int) crm_customer_archive(crm_db *db, const char *id);

/** Undo crm_customer_archive(). CRM_ESTATE if not archived; CRM_ENOTFOUND. */
CRM_EXTERN(int) crm_customer_unarchive(crm_db *db, const char *id);

/** Copy a record; the copy is the caller's, freed with crm_customer_free(). */
CRM_EXTERN(int) crm_customer_dup(crm_customer **out, const crm_customer *c);

/*
 * Accessors. Strings are borrowed and live as long as the record.
 * updated_at moves when the name, the archived state, the owner, an
 * attribute or a tag changes (identities and memberships have their own
 * times).
 */
CRM_EXTERN(const char *) crm_customer_id(const crm_customer *c);
CRM_EXTERN(crm_customer_kind_t) crm_customer_kind(const crm_customer *c);
CRM_EXTERN(const char *) crm_customer_name(const crm_customer *c);
CRM_EXTERN(int64_t) crm_customer_created_at(const crm_customer *c);
CRM_EXTERN(int64_t) crm_customer_updated_at(const crm_customer *c);
/** 1 if archived, else 0. */
CRM_EXTERN(int) crm_customer_is_archived(const crm_customer *c);
/** Who looks after the customer (crm_customer_set_owner()); NULL for no one. */
CRM_EXTERN(const char *) crm_customer_owner(const crm_customer *c);

/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_customer_free(crm_customer *c);

/* ---- listing customers ------------------------------------------------ */

typedef enum crm_archived_filter_t {
    CRM_ARCHIVED_EXCLUDE = 0, /**< only active customers (default) */
    CRM_ARCHIVED_INCLUDE = 1, /**< both */
    CRM_ARCHIVED_ONLY = 2     /**< only archived customers */
} crm_archived_filter_t;

typedef enum crm_customer_order_t {
    CRM_ORDER_CREATED = 0, /**< oldest first (ids are time-ordered); default */
    CRM_ORDER_NAME = 1     /**< by name, ASCII case-insensitive, then id */
} crm_customer_order_t;

/** "exclude", "include", "only"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_archived_filter_name(crm_archived_filter_t filter);
/**
 * The filter named name ("exclude", "include", "only"): CRM_OK, or
 * CRM_EINVAL for NULL or an unknown name (message in crm_errmsg(NULL)).
 */
CRM_EXTERN(int) crm_archived_filter_parse(crm_archived_filter_t *out, const char *name);
/** "created", "name"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_customer_order_name(crm_customer_order_t order);
/**
 * The order named name ("created", "name"): CRM_OK, or CRM_EINVAL for NULL
 * or an unknown name (message in crm_errmsg(NULL)).
 */
CRM_EXTERN(int) crm_customer_order_parse(crm_customer_order_t *out, const char *name);

#define CRM_CUSTOMER_FILTER_VERSION 3

/**
 * What crm_customer_list_open() returns. Zero/NULL fields, and times that
 * are CRM_TIME_NONE, do not filter (in a version 1 filter a time of 0 did
 * not either).
 * Paging is by key, not by offset: pass the id of the last customer of the
 * previous page as `after`, and every page costs the same.
 */
typedef struct crm_customer_filter {
    unsigned int version;      /**< CRM_CUSTOMER_FILTER_VERSION */
    int kind;                  /**< 0 = any, else a crm_customer_kind_t */
    const char *tag;           /**< only customers with this tag (a valid tag, see crm_tag_add()) */
    const char *name_prefix;   /**< names starting with this, ASCII case-insensitive; "" = any */
    crm_archived_filter_t archived;
    int64_t created_from;      /**< created at or after (ms); CRM_TIME_NONE = unbounded */
    int64_t created_to;        /**< created before (ms); CRM_TIME_NONE = unbounded */
    const char *after;         /**< keyset: id of the last row already seen */
    unsigned int limit;        /**< at most this many rows; 0 = all */
    crm_customer_order_t order;
    const char *owner;         /**< only customers this owner looks after (version 3); NULL = any */
} crm_customer_filter;

#define CRM_CUSTOMER_FILTER_INIT \
    { CRM_CUSTOMER_FILTER_VERSION, 0, NULL, NULL, CRM_ARCHIVED_EXCLUDE, CRM_TIME_NONE, \
      CRM_TIME_NONE, NULL, 0, CRM_ORDER_CREATED, NULL }

typedef struct crm_customer_cursor crm_customer_cursor;

/**
 * Start listing customers. filter may be NULL (all active customers, oldest
 * first). Strings in the filter are copied.
 * @param out receives the cursor; the caller frees it with
 *            crm_customer_cursor_free(), before closing db.
 * @return CRM_OK; CRM_EINVAL (bad filter, malformed `after`);
 *         CRM_ENOTFOUND (`after` names no customer).
 */
CRM_EXTERN(int) crm_customer_list_open(crm_customer_cursor **out, crm_db *db,
                                       const crm_customer_filter *filter);

/**
 * The number of customers crm_customer_list_open() would list with filter
 * (NULL: all active customers), as one query: every field filters as it
 * does there but the paging fields `after` and `limit` and the `order`,
 * which a count does not read.
 * @return CRM_OK with *out set; CRM_EINVAL (bad filter).
 */
CRM_EXTERN(int) crm_customer_count(int64_t *out, crm_db *db, const crm_customer_filter *filter);

/**
 * Next customer: CRM_ROW with *out set to a record borrowed until the next
 * call on the cursor (crm_customer_dup() keeps it), CRM_DONE at the end, or
 * a negative code (details in crm_errmsg(db)).
 */
CRM_EXTERN(int) crm_customer_cursor_next(crm_customer_cursor *cur, const crm_customer **out);

/** Free the cursor. Accepts NULL. */
CRM_EXTERN(void) crm_customer_cursor_free(crm_customer_cursor *cur);

/* ---- attributes: free-form key -> text -------------------------------- */

/**
 * Set attribute key to value, replacing any old value. key: 1..CRM_ATTR_KEY_MAX
 * bytes of [A-Za-z0-9_.:-]; value: 0..CRM_ATTR_VALUE_MAX bytes of UTF-8.
 * CRM_ENOTFOUND (no such customer); CRM_EINVAL.
 */
CRM_EXTERN(int) crm_attr_set(crm_db *db, const char *id, const char *key,
                                      const char *value);

/**
 * Read an attribute. *out receives a copy the caller frees with crm_free().
 * CRM_ENOTFOUND if the customer or the attribute does not exist.
 */
CRM_EXTERN(int) crm_attr_get(char **out, crm_db *db, const char *id, const char *key);

/** Remove an attribute. CRM_ENOTFOUND if it is not set. */
CRM_EXTERN(int) crm_attr_unset(crm_db *db, const char *id, const char *key);

/** One attribute, as produced by the attribute cursor. */
typedef struct crm_attr crm_attr;
CRM_EXTERN(const char *) crm_attr_key(const crm_attr *a);
CRM_EXTERN(const char *) crm_attr_value(const crm_attr *a);

typedef struct crm_attr_cursor crm_attr_cursor;

/** List a customer's attributes, ordered by key. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_attr_list_open(crm_attr_cursor **out, crm_db *db, const char *id);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_attr_cursor_next(crm_attr_cursor *cur, const crm_attr **out);
CRM_EXTERN(void) crm_attr_cursor_free(crm_attr_cursor *cur);

/* ---- tags ------------------------------------------------------------- */

/**
 * Tag a customer. tag: 1..CRM_TAG_MAX bytes of UTF-8 without control
 * characters or spaces at either end; tags match exactly (case matters).
 * CRM_EEXISTS if the customer already has it; CRM_ENOTFOUND; CRM_EINVAL.
 */
CRM_EXTERN(int) crm_tag_add(crm_db *db, const char *id, const char *tag);

/** Remove a tag. CRM_ENOTFOUND if the customer does not have it. */
CRM_EXTERN(int) crm_tag_remove(crm_db *db, const char *id, const char *tag);

typedef struct crm_tag_cursor crm_tag_cursor;

/** List a customer's tags in byte order. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_tag_list_open(crm_tag_cursor **out, crm_db *db, const char *id);
/** CRM_ROW with *tag borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_tag_cursor_next(crm_tag_cursor *cur, const char **out);
CRM_EXTERN(void) crm_tag_cursor_free(crm_tag_cursor *cur);

/* Customers by tag: crm_customer_list_open() with filter.tag set. */

/* ---- memberships: people in organisations ----------------------------- */

/**
 * Make a person a member of an organisation with a role (1..CRM_ROLE_MAX
 * bytes of UTF-8 without control characters or spaces at either end, e.g.
 * "billing contact").
 * @return CRM_OK; CRM_ENOTFOUND (either id); CRM_EINVAL (org_id is not an
 *         organisation or person_id is not a person, bad role);
 *         CRM_EEXISTS (already a member; the message names the role).
 */
CRM_EXTERN(int) crm_member_add(crm_db *db, const char *org_id, const char *person_id,
                               const char *role);

/** End a membership. CRM_ENOTFOUND if there is none. */
CRM_EXTERN(int) crm_member_remove(crm_db *db, const char *org_id, const char *person_id);

/** One membership, as produced by the membership cursor. */
typedef struct crm_member crm_member;
CRM_EXTERN(const char *) crm_member_org_id(const crm_member *m);
CRM_EXTERN(const char *) crm_member_org_name(const crm_member *m);
CRM_EXTERN(const char *) crm_member_person_id(const crm_member *m);
CRM_EXTERN(const char *) crm_member_person_name(const crm_member *m);
CRM_EXTERN(const char *) crm_member_role(const crm_member *m);
CRM_EXTERN(int64_t) crm_member_since(const crm_member *m);

typedef struct crm_member_cursor crm_member_cursor;

/**
 * List memberships both ways: for an organisation, its people; for a
 * person, the organisations they belong to; by name as CRM_ORDER_NAME
 * has it (ASCII case-insensitive, then id).
 * CRM_ENOTFOUND; CRM_EINVAL.
 */
CRM_EXTERN(int) crm_member_list_open(crm_member_cursor **out, crm_db *db, const char *id);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_member_cursor_next(crm_member_cursor *cur, const crm_member **out);
CRM_EXTERN(void) crm_member_cursor_free(crm_member_cursor *cur);

CRM_END_DECL

#endif
