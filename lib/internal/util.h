/*
 * libcrm - ids, text and the calendar (util.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_UTIL_H
#define CRM_INTERNAL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crm.h"

/* ---- ids and text (util.c) --------------------------------------------- */
typedef struct crm__uuid {
    unsigned char b[16];
} crm__uuid;

int crm__uuid_parse(crm__uuid *out, const char *s); /* 0 or -1 */
/* A hexadecimal digit's value (either case), or -1 for any other character. */
int crm__hex_value(char c);
void crm__uuid_format(char out[CRM_ID_LEN + 1], const unsigned char b[16]);
/* A lower bound for ids made at ms: the ms prefix, every other bit 0. */
void crm__uuid_floor(crm__uuid *out, int64_t ms);
int64_t crm__uuid_ms(const unsigned char b[16]);

bool crm__utf8_valid(const char *s, size_t len);
/* The index of name in words[lo..hi] (an enum's words by value), or -1;
 * -1 for NULL too. */
int crm__word_index(const char *const *words, int lo, int hi, const char *name);
/* Lower-case ASCII letters, leave every other byte as it is. */
void crm__ascii_lower(char *s);
/* ASCII whitespace: space, \t, \n, \v, \f, \r (whatever the locale). */
static inline bool crm__is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Quote a caller's value for an error message: truncated, with invalid
 * bytes and control characters escaped, so a message is always UTF-8. */
const char *crm__quote(char *buf, size_t size, const char *s);
#define CRM__QUOTE_SIZE 100
/* A value that may be personal data, for a message on db: quoted, or
 * "<withheld>" when db was opened with CRM_OPEN_REDACT. */
const char *crm__pquote(const crm_db *db, char *buf, size_t size, const char *s);

/* ---- calendar (util.c) -------------------------------------------------- */
/* Proleptic Gregorian dates as days from 1970-01-01, the arithmetic behind
 * crm_date_to_days() and crm_date_from_days(), without their checks. */
bool crm__is_leap(int64_t year);
int crm__month_length(int64_t year, int month);
int64_t crm__days_from_civil(int64_t year, int month, int day);
void crm__civil_from_days(int64_t days, int *year, int *month, int *day);
/* The day holding time t (ms), before 1970 too. */
int64_t crm__day_of(int64_t t);
/* A time as "2026-05-17T09:30:00.000Z", for messages. */
#define CRM__TIME_TEXT_SIZE 32
const char *crm__time_text(char out[CRM__TIME_TEXT_SIZE], int64_t t);

#endif
