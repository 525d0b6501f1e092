/*
 * libcrm - writing the journal entry of a change (journal.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_JOURNAL_H
#define CRM_INTERNAL_JOURNAL_H

#include <stdint.h>

#include "crm.h"
#include "internal/util.h"

/* ---- journal (journal.c) ------------------------------------------------ */
enum { CRM__J_TEXT, CRM__J_INT, CRM__J_NULL, CRM__J_OPT, CRM__J_WORD };
typedef struct crm__jfield {
    const char *key;
    int type;
    const char *s;
    int64_t i;
} crm__jfield;
#define CRM__JTEXT(k, v) { (k), CRM__J_TEXT, (v), 0 }
#define CRM__JINT(k, v) { (k), CRM__J_INT, NULL, (v) }
/* A text field left out of the entry when v is NULL (an optional value). */
#define CRM__JOPT(k, v) { (k), CRM__J_OPT, (v), 0 }
/* A text field whose value is a string literal too (one of the library's
 * words, as "in" for a direction), kept bound as the keys are. */
#define CRM__JWORD(k, v) { (k), CRM__J_WORD, (v), 0 }
#define CRM__JMAX 6
/* Write the journal entry of a change: n fields (at most CRM__JMAX of them
 * present), or CRM__JOURNAL with an array, which counts it. entity, op and
 * every field's key are string literals: a journal statement keeps them
 * bound from one entry to the next (crm__bind_literal). */
int crm__journal(crm_db *db, const char *entity, const crm__uuid *entity_id, const char *op,
                 const crm__jfield *fields, int n);
/* The same for a change that took effect at another time than the call's
 * (a promise step recorded after it happened): the entry's at is at. */
int crm__journal_at(crm_db *db, int64_t at, const char *entity, const crm__uuid *entity_id,
                    const char *op, const crm__jfield *fields, int n);
#define CRM__JOURNAL(db, entity, id, op, f) \
    crm__journal((db), (entity), (id), (op), (f), (int)(sizeof(f) / sizeof((f)[0])))

#endif
