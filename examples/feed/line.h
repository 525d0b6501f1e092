/*
 * crm-feed - one journal entry as one line of JSON.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#ifndef CRM_FEED_LINE_H
#define CRM_FEED_LINE_H

#include <stddef.h>

#include <crm.h>

/* A growing text buffer; start it zeroed, release it with feed_buf_free(). */
typedef struct feed_buf {
    char *s;
    size_t len, cap;
} feed_buf;

void feed_buf_free(feed_buf *b);

/*
 * Replace b's text with entry e as one line, newline included:
 *
 *   {"seq":7,"at":"2026-05-26T17:02:00.000Z","actor":"agent:alice",
 *    "entity":"interaction","entity_id":"0190...","op":"log","data":{...}}
 *
 * at is ISO 8601 in UTC with milliseconds; entity_id is null for an entry
 * about no customer; data is the entry's JSON object itself. Returns 0, or
 * -1 with the reason in err (out of memory, or data that is not one line
 * holding a JSON object, which would break the one-line-per-change rule).
 */
int feed_line(feed_buf *b, const crm_journal_entry *e, char *err, size_t errlen);

#endif
