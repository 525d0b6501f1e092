/*
 * libcrm - status codes and error messages.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#ifndef CRM_ERROR_H
#define CRM_ERROR_H

#include "common.h"

CRM_BEGIN_DECL

/**
 * Status codes. Every fallible call returns CRM_OK (0) or a negative code;
 * cursor `_next` calls return CRM_ROW or CRM_DONE (positive) or a negative
 * code. docs/errors.md explains each code and what to do about it.
 */
typedef enum crm_status_t {
    CRM_OK = 0,
    CRM_ROW = 100,  /**< a cursor produced a row */
    CRM_DONE = 101, /**< a cursor has no more rows */

    CRM_ERROR = -1,     /**< unexpected internal failure (a bug or an unknown SQLite error) */
    CRM_ENOTFOUND = -2, /**< no such customer, identity, attribute, ... */
    CRM_EEXISTS = -3,   /**< already exists (duplicate identity, tag, membership, external reference) */
    CRM_EINVAL = -4,    /**< invalid argument: NULL, malformed id, bad UTF-8, too long, bad kind */
    CRM_ESTATE = -5,    /**< the change is not allowed in the current state */
    CRM_EBUSY = -6,     /**< the file stayed locked by another writer past the busy timeout */
    CRM_EIO = -7,       /**< the file could not be opened, read or written */
    CRM_ECORRUPT = -8,  /**< the database file is damaged */
    CRM_ENOMEM = -9,    /**< out of memory */
    CRM_ESCHEMA = -10,  /**< the file was written by a newer libcrm */
    CRM_ENOTCRM = -11,  /**< the file is not a libcrm database (or not SQLite at all) */
    CRM_EMISUSE = -12,  /**< the API was used wrongly (e.g. closing a handle with cursors open) */
    CRM_EREADONLY = -13, /**< a write on a handle opened read-only */
    CRM_EAMBIGUOUS = -14 /**< what was given names several records where one was wanted */
} crm_status_t;

/**
 * The code of the calling thread's last call on db: CRM_OK if it
 * succeeded (or it made none). Each thread has its own.
 * With db NULL: the code of the last failure the calling thread had without
 * a handle to keep it in: a failed crm_open(), a call given a NULL handle or
 * a NULL cursor, or a word parser (crm_channel_parse() and the like) given a
 * word it does not know; a cursor's _next that failed leaves its code here
 * too.
 */
CRM_EXTERN(int) crm_errcode(const crm_db *db);

/**
 * A sentence describing the calling thread's last failure on db, naming
 * the offending value (and, for conflicts, who already owns it), unless db
 * was opened with CRM_OPEN_REDACT. "not an error" after a success. With db
 * NULL: the message of the last failure without a handle on the calling
 * thread (see crm_errcode()). Borrowed: kept in the handle (for NULL, per
 * thread), it says what it says until the thread's next call on the same
 * handle (for NULL, the next such failure on this thread). Never NULL.
 */
CRM_EXTERN(const char *) crm_errmsg(const crm_db *db);

/**
 * After CRM_EEXISTS from crm_identity_add() or crm_interaction_log(): the id
 * of what already exists (the customer owning the identity, the interaction
 * already recorded with that external reference), canonical text. NULL
 * after any other result, and after a duplicate tag or membership (whose
 * owner the caller named). Borrowed: valid until the next call on db.
 */
CRM_EXTERN(const char *) crm_conflict_id(const crm_db *db);

/**
 * A short, fixed description of a code ("not found", "invalid argument").
 * Static storage; never NULL; unknown codes give "unknown error".
 */
CRM_EXTERN(const char *) crm_strerror(int code);

/**
 * The code's symbolic name without the CRM_ prefix ("ENOTFOUND"), for
 * bindings and logs. Static storage; unknown codes give "UNKNOWN".
 */
CRM_EXTERN(const char *) crm_errname(int code);

CRM_END_DECL

#endif
