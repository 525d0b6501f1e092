/*
 * crm-feed - one journal entry as one line of JSON (line.h).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include "line.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

void feed_buf_free(feed_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

static int reserve(feed_buf *b, size_t more)
{
    if (b->cap - b->len > more)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= more) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *s = realloc(b->s, cap);
    if (!s)
        return -1;
    b->s = s;
    b->cap = cap;
    return 0;
}

static int put(feed_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static int puts_(feed_buf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* s as a JSON string, or null. RFC 8259 asks only that '"', '\\' and the
 * controls below 0x20 be escaped; bytes from 0x80 up are the UTF-8 libcrm
 * validated on the way in and pass as they are. */
static int put_string(feed_buf *b, const char *s)
{
    if (!s)
        return puts_(b, "null");
    if (put(b, "\"", 1) != 0)
        return -1;
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        if (put(b, run, (size_t)((const char *)p - run)) != 0)
            return -1;
        if (*p == '\0')
            break;
        char esc[8];
        switch (*p) {
        case '"': strcpy(esc, "\\\""); break;
        case '\\': strcpy(esc, "\\\\"); break;
        case '\n': strcpy(esc, "\\n"); break;
        case '\r': strcpy(esc, "\\r"); break;
        case '\t': strcpy(esc, "\\t"); break;
        case '\b': strcpy(esc, "\\b"); break;
        case '\f': strcpy(esc, "\\f"); break;
        default: snprintf(esc, sizeof esc, "\\u%04x", *p); break;
        }
        if (puts_(b, esc) != 0)
            return -1;
        run = (const char *)p + 1;
    }
    return put(b, "\"", 1);
}

/* ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ". The journal may hold
 * times before 1970 (a promise step dated in the past): the day is
 * floored, and libcrm's own calendar names it, for years 1 to 9999. */
static int put_time(feed_buf *b, int64_t ms, char *err, size_t errlen)
{
    int64_t days = ms / MS_PER_DAY, rest = ms % MS_PER_DAY;
    if (rest < 0) {
        days--;
        rest += MS_PER_DAY;
    }
    int y, m, d;
    if (crm_date_from_days(&y, &m, &d, days) != CRM_OK) {
        snprintf(err, errlen, "journal time %" PRId64 " is outside the years 1 to 9999", ms);
        return -1;
    }
    char text[32];
    snprintf(text, sizeof text, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", y, m, d,
             (int)(rest / 3600000), (int)(rest / 60000 % 60), (int)(rest / 1000 % 60),
             (int)(rest % 1000));
    return puts_(b, text);
}

int feed_line(feed_buf *b, const crm_journal_entry *e, char *err, size_t errlen)
{
    b->len = 0;
    const char *data = crm_journal_entry_data(e);
    size_t dlen = data ? strlen(data) : 0;
    /* libcrm writes data with SQLite's json_object(), which escapes every
     * control character; a raw newline would split the line in two. */
    if (dlen < 2 || data[0] != '{' || data[dlen - 1] != '}' || memchr(data, '\n', dlen)) {
        snprintf(err, errlen, "journal entry %" PRId64 " has data that is not a one-line JSON object",
                 crm_journal_entry_seq(e));
        return -1;
    }
    char seq[40];
    snprintf(seq, sizeof seq, "{\"seq\":%" PRId64 ",\"at\":", crm_journal_entry_seq(e));
    if (puts_(b, seq) != 0)
        goto nomem;
    if (put_time(b, crm_journal_entry_at(e), err, errlen) != 0)
        return -1;
    if (puts_(b, ",\"actor\":") || put_string(b, crm_journal_entry_actor(e)) ||
        puts_(b, ",\"entity\":") || put_string(b, crm_journal_entry_entity(e)) ||
        puts_(b, ",\"entity_id\":") || put_string(b, crm_journal_entry_entity_id(e)) ||
        puts_(b, ",\"op\":") || put_string(b, crm_journal_entry_op(e)) ||
        puts_(b, ",\"data\":") || put(b, data, dlen) || puts_(b, "}\n"))
        goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory writing journal entry %" PRId64, crm_journal_entry_seq(e));
    return -1;
}
