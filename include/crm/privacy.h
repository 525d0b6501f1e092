/*
 * libcrm - a customer's own data: export it whole, erase it for good, and
 * keep no more than a retention policy allows.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * What is personal data here, what an erase removes and keeps, and what
 * is guaranteed of the file afterwards: docs/privacy.md. The export's
 * format: docs/export-format.md and docs/export.schema.json.
 */
#ifndef CRM_PRIVACY_H
#define CRM_PRIVACY_H

#include "common.h"

CRM_BEGIN_DECL

/**
 * Everything libcrm holds about one customer, as one JSON document (UTF-8,
 * NUL-terminated) in *out, the caller's, released with crm_free(): the
 * customer, its identities, attributes, tags, memberships (as organisation
 * and as member), interactions, promises with every step, occasions,
 * consent events, and the journal entries about it. Format
 * "libcrm-customer-export" version 1 (docs/export-format.md). Read in one
 * snapshot.
 *
 * The journal entries are those about the customer and about every
 * customer merged into it (each entry says which: entity_id).
 *
 * CRM_OK; CRM_EINVAL: out NULL, id NULL or not an id; CRM_ENOTFOUND: no
 * customer has the id, or it was erased (the message says when), or merged
 * into another (the message names it);
 * CRM_ENOMEM; CRM_EIO; CRM_EBUSY.
 */
CRM_EXTERN(int) crm_customer_export(char **out, crm_db *db, const char *id);

/**
 * Erase a customer for good, in one transaction: its name, identities,
 * attributes, tags, memberships, occasions, the texts of its
 * interactions (summary, body, external reference), of its promises and
 * their steps, the notes of its consent events, its rows of the search
 * index, and every field of its journal entries that is not an id, a
 * time, a channel, a code, a state or an owner (docs/privacy.md lists
 * them). What stays is anonymous and keeps every report's numbers: the
 * customer's row (kind, owner, times; archived, and erased from now on),
 * its interactions' channel, direction, time, handler, reason, outcome,
 * public flag and sentiment, its promises' owner, state and times, and
 * its consent events without their notes. The erase is journaled
 * ("customer", "erase") with counts only.
 *
 * secure_delete zeroes every page and cell the erase frees; with SQLite
 * 3.42 or later FTS5 overwrites the words the search index forgets as it
 * forgets them. Two places may still hold old copies when the call
 * returns: the index's older segments (before SQLite 3.42), whose rewrite
 * costs the whole index, and the write-ahead log. crm_db_purge() clears
 * both; call it after an erase, or once after many (docs/privacy.md, "Gone
 * from the file"). The erase itself costs what the customer's own rows
 * cost, not what the file's size does.
 *
 * Afterwards every call that names the customer answers CRM_ENOTFOUND
 * ("customer ... was erased at ...") and refuses to write, lists and
 * searches leave it out. Erasing an erased customer changes nothing and
 * returns CRM_OK, so that a request repeated after a lost answer does not
 * fail.
 *
 * CRM_OK; CRM_EINVAL: id NULL or not an id; CRM_ENOTFOUND: no customer has
 * the id, or it was merged into another (the message names it: erase that
 * one); CRM_EREADONLY; CRM_ESTATE: a group (crm_begin) was lost earlier;
 * CRM_ENOMEM, CRM_EIO, CRM_EBUSY: nothing changed.
 */
CRM_EXTERN(int) crm_customer_erase(crm_db *db, const char *id);

/**
 * Leave nothing of erased data in the file. First, if erases (and
 * retention runs) left words in the search index's older segments (SQLite
 * before 3.42), rewrite the index: in steps of about 4 MB, each a write
 * transaction of its own, so that writers on other connections go on
 * between them; an erase that comes in the meantime is included. Then copy
 * the write-ahead log back into the database file and truncate it to
 * nothing, so that no older copy of a page stays in it; this waits briefly
 * for readers of older snapshots. With nothing to rewrite it is only the
 * checkpoint.
 *
 * CRM_OK; CRM_EBUSY: a writer held the file past the busy timeout, or a
 * reader on another connection still reads an older snapshot (the log is
 * left as it was); the steps done stand and a later call goes on: try
 * again later. CRM_ESTATE: a transaction is open on this handle
 * (crm_begin); CRM_EREADONLY; CRM_ENOMEM; CRM_EIO.
 */
CRM_EXTERN(int) crm_db_purge(crm_db *db);

#define CRM_RETENTION_OPTIONS_VERSION 1

/**
 * A retention run. Start from CRM_RETENTION_OPTIONS_INIT.
 */
typedef struct crm_retention_options {
    unsigned int version; /**< CRM_RETENTION_OPTIONS_VERSION */
    /** The cut-off, ms since the epoch: customers with no activity at or
     *  after it, or journal entries from before it. Required. */
    int64_t before;
    /** 1: count only, change nothing; 0: do it. */
    int dry_run;
} crm_retention_options;

#define CRM_RETENTION_OPTIONS_INIT { CRM_RETENTION_OPTIONS_VERSION, CRM_TIME_NONE, 0 }

/**
 * Erase (as crm_customer_erase()) every customer, not erased yet, with no
 * activity at or after o->before: not created or changed, no interaction
 * that occurred or changed, no promise step, no journal entry about it.
 * One transaction; crm_db_purge() after it, as after an erase. Each
 * customer's erase is journaled, in the order of their ids, and one entry
 * ("retention", "erase_inactive") gives the cut-off and the count. *out:
 * how many were (or, with dry_run, would be) erased.
 *
 * CRM_OK; CRM_EINVAL: out or o NULL, unknown version, before not a time,
 * dry_run not 0 or 1; CRM_EREADONLY (not for a dry run); CRM_ESTATE;
 * CRM_ENOMEM, CRM_EIO, CRM_EBUSY: nothing changed.
 */
CRM_EXTERN(int) crm_customer_erase_inactive(int64_t *out, crm_db *db,
                                            const crm_retention_options *o);

/**
 * Drop every journal entry whose time is before o->before, and write one
 * entry ("journal", "drop") saying how many were dropped and the cut-off.
 * Sequence numbers are never reused; crm_db_purge() after it leaves no old
 * copy of the entries in the log. *out: how many were (or, with dry_run,
 * would be) dropped.
 *
 * CRM_OK; CRM_EINVAL, CRM_EREADONLY, CRM_ESTATE, CRM_ENOMEM, CRM_EIO,
 * CRM_EBUSY as crm_customer_erase_inactive().
 */
CRM_EXTERN(int) crm_journal_drop(int64_t *out, crm_db *db, const crm_retention_options *o);

CRM_END_DECL

#endif
