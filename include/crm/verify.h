/*
 * libcrm - confirming who is there: does the person at a kiosk, on an IVR
 * line or in a chat know what only the customer knows?
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The business keeps what only the customer knows in one of the customer's
 * attributes (crm_attr_set()): "date_of_birth" as YYYY-MM-DD, "postcode",
 * a memorable word. crm_customer_verify() compares an answer with it and
 * counts the wrong answers in the file, per customer, so that every
 * channel, process and restart counts into the same total.
 *
 * A right answer while no wrong one is counted changes nothing and
 * journals nothing. Every other answer is journaled as entity "customer",
 * op "verify", with the customer's id as
 * entity_id and data {"key", "matched" (1 or 0), "failures" (the
 * wrong answers now counted), "locked_until" (ms, only when the answer
 * locked the customer)}; never the answer or the stored value. The count
 * is security state, not the customer's data: no export carries it, an
 * erase removes it, and a merge drops the absorbed customer's.
 */
#ifndef CRM_VERIFY_H
#define CRM_VERIFY_H

#include "common.h"

CRM_BEGIN_DECL

/** Wrong answers, with no right one between and within CRM_VERIFY_WINDOW_MS
 *  of the first of them, that lock a customer. */
#define CRM_VERIFY_MAX_FAILURES 5
/** The window the wrong answers are counted in, and how long a lock lasts
 *  after the last of them: 15 minutes. */
#define CRM_VERIFY_WINDOW_MS (15 * 60 * 1000)

/**
 * Does answer match the customer's attribute key? The comparison ignores
 * ASCII case and ASCII whitespace ("sw1a 1aa" matches "SW1A1AA") and takes
 * the same time whatever byte differs first (it reads the whole stored
 * value). *out is 1 (matched) or 0: a wrong answer is CRM_OK, not an error.
 *
 * A right answer clears the customer's count of wrong answers. A wrong one
 * adds to it, or starts it afresh when the first counted is
 * CRM_VERIFY_WINDOW_MS old or more, or a lock has passed; the
 * CRM_VERIFY_MAX_FAILURES-th locks the customer until CRM_VERIFY_WINDOW_MS
 * after it. While locked, a call returns CRM_ESTATE, saying until when
 * (UTC), and neither compares nor counts nor journals. Times are the
 * handle's clock's (crm_open_options.clock).
 *
 * Messages never carry the answer or the stored value.
 *
 * @param out receives 1 for a right answer, 0 for a wrong one.
 * @param customer_id the customer; an id merged into another is refused
 *        (CRM_ENOTFOUND naming the survivor), as crm_attr_get() does.
 * @param key the attribute: 1..CRM_ATTR_KEY_MAX bytes of [A-Za-z0-9_.:-].
 * @param answer what the person said: 1..CRM_ATTR_VALUE_MAX bytes of UTF-8,
 *        not all whitespace. A stored value that is empty or all
 *        whitespace is matched by no answer.
 * @return CRM_OK; CRM_EINVAL (NULL argument, malformed id or key, an empty,
 *         all-whitespace, over-long or non-UTF-8 answer); CRM_ENOTFOUND (no such customer,
 *         or the customer has no attribute key: the message names the key);
 *         CRM_ESTATE (locked); CRM_EREADONLY; CRM_EBUSY, CRM_EIO,
 *         CRM_ECORRUPT, CRM_ENOMEM. A failed call changes nothing.
 */
CRM_EXTERN(int) crm_customer_verify(int *out, crm_db *db, const char *customer_id,
                                    const char *key, const char *answer);

CRM_END_DECL

#endif
