/*
 * libcrm - the journal: every change, in order, with who made it.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Every write writes journal rows in its own transaction, so a rolled-back
 * change leaves none. Committed sequence numbers only grow and are never
 * reused; an embedder polls with crm_journal_entry_list_open(since = last seq it
 * handled).
 *
 * Entities and operations:
 *   customer  create | rename | archive | unarchive | verify (crm/verify.h:
 *             key, matched, failures, locked_until; never the answer)
 *   attr      set | unset
 *   tag       add | remove
 *   member    add | remove
 *   identity  add | remove | flags
 *   interaction  log | outcome | reason | summary | public | delete
 *   promise   make | keep | break | release | renegotiate
 *   occasion  add | remove
 *   consent   grant | withdraw
 *   setting   set (crm_default_country_set(): name, old, new)
 * entity_id is the customer's id (the organisation's for "member"), NULL
 * for an entry about the database itself ("setting"); data is a
 * JSON object with the changed fields, including the id of the interaction,
 * promise or occasion concerned (and "old_..." fields with the values
 * they replaced). A remove (identity, attr unset, member, occasion) or a
 * delete keeps no personal value of what it removes: not an identity's
 * value or key, an attribute's value, a member's role, an occasion's date
 * or note, an interaction's texts. An identity that takes CRM_IDENTITY_PRIMARY takes it from
 * the customer's other identity of its kind, which gets a "flags" row too.
 */
#ifndef CRM_JOURNAL_H
#define CRM_JOURNAL_H

#include "common.h"

CRM_BEGIN_DECL

typedef struct crm_journal_entry crm_journal_entry;

/* Accessors. Strings are borrowed and live as long as the entry. */
CRM_EXTERN(int64_t) crm_journal_entry_seq(const crm_journal_entry *e);
CRM_EXTERN(int64_t) crm_journal_entry_at(const crm_journal_entry *e);
CRM_EXTERN(const char *) crm_journal_entry_actor(const crm_journal_entry *e);
CRM_EXTERN(const char *) crm_journal_entry_entity(const crm_journal_entry *e);
CRM_EXTERN(const char *) crm_journal_entry_entity_id(const crm_journal_entry *e); /**< NULL: about no customer */
CRM_EXTERN(const char *) crm_journal_entry_op(const crm_journal_entry *e);
CRM_EXTERN(const char *) crm_journal_entry_data(const crm_journal_entry *e); /**< JSON object */

typedef struct crm_journal_entry_cursor crm_journal_entry_cursor;

/**
 * Read the journal from the entry after since_seq (0 = from the start), in
 * sequence order. The cursor sees the journal as it was when it was opened.
 * @param out receives the cursor; free it with crm_journal_entry_cursor_free().
 * @return CRM_OK; CRM_EINVAL (NULL, negative since_seq).
 */
CRM_EXTERN(int) crm_journal_entry_list_open(crm_journal_entry_cursor **out, crm_db *db, int64_t since_seq);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_journal_entry_cursor_next(crm_journal_entry_cursor *cur, const crm_journal_entry **out);
CRM_EXTERN(void) crm_journal_entry_cursor_free(crm_journal_entry_cursor *cur);

/**
 * The type of a JSON value, as SQLite's JSON functions name it. The
 * library writes text, integers and null in an entry's data; the other
 * types are named so that any JSON value has one.
 */
typedef enum crm_json_type_t {
    CRM_JSON_NULL = 1,
    CRM_JSON_TRUE,
    CRM_JSON_FALSE,
    CRM_JSON_INTEGER,
    CRM_JSON_REAL,
    CRM_JSON_TEXT,
    CRM_JSON_ARRAY,
    CRM_JSON_OBJECT
} crm_json_type_t;

/** "null", "true", "false", "integer", "real", "text", "array", "object";
 * NULL outside the enum. Static storage. */
CRM_EXTERN(const char *) crm_json_type_name(crm_json_type_t type);
/** The type named `name` (as crm_json_type_name() gives it) into *out:
 * CRM_OK; CRM_EINVAL (NULL, or a word it does not know; message for
 * crm_errmsg(NULL)). */
CRM_EXTERN(int) crm_json_type_parse(crm_json_type_t *out, const char *name);

/** One top-level field of an entry's data: its key, type and value. */
typedef struct crm_journal_field crm_journal_field;
typedef struct crm_journal_field_cursor crm_journal_field_cursor;

/* Accessors. Strings are borrowed and live as long as the field, that is,
 * until the next call on its cursor. */
CRM_EXTERN(const char *) crm_journal_field_key(const crm_journal_field *f);
/** The value's type; 0 given NULL. */
CRM_EXTERN(crm_json_type_t) crm_journal_field_type(const crm_journal_field *f);
/**
 * The value as text: a string's text itself (unescaped), an integer's
 * digits as written, a real number as SQLite reads it (up to 15
 * significant digits, "1.5" for 1.50), "true" or "false", an array's or
 * object's JSON; NULL for null.
 */
CRM_EXTERN(const char *) crm_journal_field_value(const crm_journal_field *f);

/**
 * Read the top-level fields of journal entry seq's data (a JSON object),
 * in the order they are written; an entry whose data is {} has none. The
 * fields are read by the storage engine (SQLite's json_each()), so no
 * caller needs a JSON reader of its own.
 * @param out receives the cursor; free it with crm_journal_field_cursor_free().
 * @return CRM_OK; CRM_ENOTFOUND (no entry has sequence number seq, 0 and
 * negative numbers included); CRM_EINVAL (NULL out or db); CRM_ECORRUPT
 * (the entry's data is not a JSON object).
 */
CRM_EXTERN(int) crm_journal_field_list_open(crm_journal_field_cursor **out, crm_db *db,
                                            int64_t seq);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or an error. */
CRM_EXTERN(int) crm_journal_field_cursor_next(crm_journal_field_cursor *cur,
                                              const crm_journal_field **out);
/** Accepts NULL. */
CRM_EXTERN(void) crm_journal_field_cursor_free(crm_journal_field_cursor *cur);

/** The sequence number of the newest entry (0 if none). */
CRM_EXTERN(int) crm_journal_last_seq(int64_t *out, crm_db *db);

CRM_END_DECL

#endif
