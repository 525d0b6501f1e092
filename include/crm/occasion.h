/*
 * libcrm - occasions: dates that matter to a customer (birthday, renewal,
 * anniversary, contract end, or a kind of the caller's own).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * An occasion is one-off (a full date) or yearly (a month and day, the
 * year optional, e.g. a birthday whose year is known). A yearly occasion on
 * 29 February falls on 28 February in years that have no 29 February.
 * Dates are calendar dates, without a time zone; crm_occasion_upcoming_open()
 * takes its window as calendar dates too, so a caller passes the date of
 * its own zone.
 *
 * Each occasion says how many days before it to surface (lead_days): an
 * occurrence on day D with lead L surfaces from day D - L. Writes journal
 * entity "occasion" (ops "add", "remove") with the customer's id as
 * entity_id. Bad arguments give CRM_EINVAL naming the field and change
 * nothing; any call can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or
 * CRM_ENOMEM, and writes CRM_EREADONLY.
 */
#ifndef CRM_OCCASION_H
#define CRM_OCCASION_H

#include "common.h"

CRM_BEGIN_DECL

#define CRM_OCCASION_LEAD_MAX 366 /**< at most this many days of lead */
#define CRM_OCCASION_NOTE_MAX 1024

#define CRM_OCCASION_SPEC_VERSION 1

/** What crm_occasion_add() records. Start from CRM_OCCASION_SPEC_INIT. */
typedef struct crm_occasion_spec {
    unsigned int version;    /**< CRM_OCCASION_SPEC_VERSION */
    const char *customer_id;
    const char *kind;        /**< "birthday", "renewal", "anniversary", "contract_end" or [a-z][a-z0-9_]{0,31} */
    int yearly;              /**< 1: every year on month/day; 0: once, on year/month/day */
    int year;                /**< one-off: required (1..9999); yearly: 0 or the year it began */
    int month;               /**< 1..12 */
    int day;                 /**< 1..31, a real day of that month (29 February needs `year` to be a leap year when a year is given) */
    int lead_days;           /**< surface this many days before (0..CRM_OCCASION_LEAD_MAX) */
    const char *note;        /**< 1..CRM_OCCASION_NOTE_MAX bytes without control characters; NULL = none */
} crm_occasion_spec;

#define CRM_OCCASION_SPEC_INIT { CRM_OCCASION_SPEC_VERSION, NULL, NULL, 0, 0, 0, 0, 0, NULL }

typedef struct crm_occasion crm_occasion;

/**
 * Record an occasion.
 * @param out receives the new record (crm_occasion_free()), or NULL.
 * @return CRM_OK; CRM_ENOTFOUND (customer); CRM_EINVAL (bad kind, date,
 *         lead, note).
 */
CRM_EXTERN(int) crm_occasion_add(crm_occasion **out, crm_db *db, const crm_occasion_spec *spec);

/** Remove an occasion. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_occasion_remove(crm_db *db, const char *id);

/** Fetch by id. *out is the caller's (crm_occasion_free()). CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_occasion_get(crm_occasion **out, crm_db *db, const char *id);

/* Accessors. Strings are borrowed and live as long as the record. */
CRM_EXTERN(const char *) crm_occasion_id(const crm_occasion *o);
CRM_EXTERN(const char *) crm_occasion_customer_id(const crm_occasion *o);
CRM_EXTERN(const char *) crm_occasion_kind(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_is_yearly(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_year(const crm_occasion *o); /**< 0 when yearly without a year */
CRM_EXTERN(int) crm_occasion_month(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_day(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_lead_days(const crm_occasion *o);
CRM_EXTERN(const char *) crm_occasion_note(const crm_occasion *o); /**< NULL when none */
/*
 * Set only on rows of crm_occasion_upcoming_open(): the date of this occurrence
 * (for 29 February in a common year, 28 February), that date as a time
 * (next_at: ms at 00:00 UTC of that date, whatever the caller's zone, so
 * that next_at / 86400000 is its day number; CRM_TIME_NONE elsewhere), and
 * how many years it marks (occurrence year minus the occasion's year; 0 when
 * the year is unknown or for one-off occasions).
 */
CRM_EXTERN(int) crm_occasion_next_year(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_next_month(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_next_day(const crm_occasion *o);
CRM_EXTERN(int64_t) crm_occasion_next_at(const crm_occasion *o);
CRM_EXTERN(int) crm_occasion_years(const crm_occasion *o);

CRM_EXTERN(int) crm_occasion_dup(crm_occasion **out, const crm_occasion *o);
/** Free a record the caller owns. Accepts NULL. */
CRM_EXTERN(void) crm_occasion_free(crm_occasion *o);

typedef struct crm_occasion_cursor crm_occasion_cursor;

/** A customer's occasions, by month and day. CRM_ENOTFOUND; CRM_EINVAL. */
CRM_EXTERN(int) crm_occasion_list_open(crm_occasion_cursor **out, crm_db *db,
                                       const char *customer_id);

/**
 * Every occurrence, of every customer's occasions, that surfaces in the
 * window of `days` calendar days (1..3653, 10 years) starting on the date
 * year-month-day: its date D is on or after the first day, and its
 * surfacing day D - lead_days is on or before the last day (first + days -
 * 1). The date is the caller's own, in its own zone: a caller in Los
 * Angeles passes its local date and sees a birthday on the day it falls
 * there. year, month and day all 0 mean today's date in UTC by the
 * handle's clock. One row per occurrence (a window of several years gives
 * a yearly occasion several rows), ordered by date, then customer. A window
 * over New Year works.
 * @return CRM_OK; CRM_EINVAL (NULL out, a date that does not exist such as
 *         2026-02-30 or a partly zero one, days out of range, or a window
 *         reaching past 9999-12-31).
 */
CRM_EXTERN(int) crm_occasion_upcoming_open(crm_occasion_cursor **out, crm_db *db, int year,
                                           int month, int day, int days);
/** Both cursors: CRM_ROW with *out borrowed until the next call, CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_occasion_cursor_next(crm_occasion_cursor *cur, const crm_occasion **out);
CRM_EXTERN(void) crm_occasion_cursor_free(crm_occasion_cursor *cur);

CRM_END_DECL

#endif
