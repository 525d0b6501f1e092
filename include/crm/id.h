/*
 * libcrm - records named by the first digits of their id.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * People read ids off a screen and type them back: "promise 01a24a98".
 * crm_id_expand() turns such a prefix into the one full id it names.
 * Ids are UUIDv7, whose first twelve digits are the time they were made
 * in milliseconds, so records made close together share their first
 * digits: eight digits name a record only among those made in the same
 * minute or so, and the last digits tell apart records of one moment.
 */
#ifndef CRM_ID_H
#define CRM_ID_H

#include "common.h"

CRM_BEGIN_DECL

/** The kinds of record an id can name. */
typedef enum crm_record_t {
    CRM_RECORD_CUSTOMER = 1,
    CRM_RECORD_INTERACTION = 2,
    CRM_RECORD_PROMISE = 3,
    CRM_RECORD_OCCASION = 4
} crm_record_t;

/** "customer", "interaction", "promise", "occasion"; NULL outside the enum. Static storage. */
CRM_EXTERN(const char *) crm_record_name(crm_record_t record);
/** Parse a record kind's name. CRM_EINVAL for anything else; *out written only on success. */
CRM_EXTERN(int) crm_record_parse(crm_record_t *out, const char *name);

/** The fewest digits a prefix has: fewer name too many records to be worth a search. */
#define CRM_ID_PREFIX_MIN 4

/** How many candidates the message of an ambiguous prefix names, at most. */
#define CRM_ID_CANDIDATES_MAX 10

/**
 * The full id of the one record of the kind whose id starts with prefix.
 *
 * @param out    receives the id (CRM_ID_LEN characters, lower case; free
 *               with crm_free()); written only on success.
 * @param record which kind of record.
 * @param prefix the start of an id as it is written: CRM_ID_PREFIX_MIN to
 *               CRM_ID_LEN characters, hexadecimal digits in either case,
 *               with the hyphens where an id has them (after the 8th,
 *               12th, 16th and 20th digit) or without any. A whole id is
 *               its own prefix: it expands to itself when the record
 *               exists.
 * @return CRM_OK; CRM_ENOTFOUND (no record's id starts so; an erased
 *         customer's neither); CRM_EAMBIGUOUS (several do: the message
 *         says how many and names the first CRM_ID_CANDIDATES_MAX by
 *         id order, oldest first, so a caller can show them); CRM_EINVAL
 *         (NULL, an unknown record kind, a prefix too short or too long, a
 *         character that is no digit, a hyphen out of place).
 */
CRM_EXTERN(int) crm_id_expand(char **out, crm_db *db, crm_record_t record, const char *prefix);

CRM_END_DECL

#endif
