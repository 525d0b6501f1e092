/*
 * libcrm - common definitions shared by every public header.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#ifndef CRM_COMMON_H
#define CRM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CRM_BEGIN_DECL extern "C" {
#define CRM_END_DECL }
#else
#define CRM_BEGIN_DECL
#define CRM_END_DECL
#endif

/*
 * CRM_EXTERN(type) declares a function exported from the shared library.
 * Everything else in libcrm is built with hidden visibility.
 */
#if defined(_WIN32) && defined(CRM_SHARED_BUILD)
#define CRM_EXTERN(type) extern __declspec(dllexport) type
#elif defined(__GNUC__) || defined(__clang__)
#define CRM_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define CRM_EXTERN(type) extern type
#endif

CRM_BEGIN_DECL

/** An open customer database. One handle per thread is best; a shared
 *  one is safe (see crm/db.h). */
typedef struct crm_db crm_db;

/**
 * Length of an id in its canonical text form, without the terminating NUL:
 * "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b". Ids are UUIDv7, shown lower-case.
 */
#define CRM_ID_LEN 36

/** Limits on input strings, in bytes of UTF-8 (the terminating NUL excluded). */
#define CRM_NAME_MAX 256        /**< customer display names */
#define CRM_ACTOR_MAX 128       /**< actors such as "agent:alice" */
#define CRM_ATTR_KEY_MAX 64     /**< attribute keys */
#define CRM_ATTR_VALUE_MAX 4096 /**< attribute values */
#define CRM_TAG_MAX 64          /**< tags */
#define CRM_ROLE_MAX 128        /**< roles of a person in an organisation */
#define CRM_IDENTITY_MAX 256    /**< identity values as entered */

/**
 * Times are milliseconds since the Unix epoch, UTC, and every time libcrm
 * stores lies from 0001-01-01T00:00:00.000Z (CRM_TIME_MIN) to
 * 9999-12-31T23:59:59.999Z (CRM_TIME_MAX), the years every calendar and
 * language's date type can show: a time outside it is refused with
 * CRM_EINVAL when it is given, so no stored time can fail a read. 0 is
 * 1970-01-01T00:00:00Z, a time like any other.
 */
#define CRM_TIME_MIN (-62135596800000LL)
#define CRM_TIME_MAX 253402300799999LL
/**
 * "No time": in a spec or filter, a time not given (an interaction that
 * happened now, a bound that does not bound); from an accessor, a time
 * not set (a promise's closed_at while it is open). Outside the range, so
 * never a time libcrm stores.
 */
#define CRM_TIME_NONE INT64_MIN

/**
 * Current time in milliseconds since the Unix epoch, UTC, by the system's
 * clock. Every time in the API uses this unit. A handle may keep a clock of
 * its own (crm_open_options.clock), which its calls read instead.
 */
CRM_EXTERN(int64_t) crm_now(void);

/*
 * Dates of the proleptic Gregorian calendar, without a time zone, counted
 * as days from 1970-01-01 (day 0; days before it are negative). The date of
 * a time t in UTC is the date of day floor(t / 86400000).
 */

/**
 * The day number of a date, in *out: CRM_OK, or CRM_EINVAL (message in
 * crm_errmsg(NULL)) for a NULL out or a date that does not exist: a year
 * outside 1..9999, a month outside 1..12, or a day the month does not have
 * (2026-02-30, 2027-02-29).
 */
CRM_EXTERN(int) crm_date_to_days(int64_t *out, int year, int month, int day);

/**
 * The date of day number `days`: CRM_OK with *year, *month and *day set, or
 * CRM_EINVAL (message in crm_errmsg(NULL)) for a NULL output or a day
 * outside 0001-01-01..9999-12-31; nothing is written on failure.
 */
CRM_EXTERN(int) crm_date_from_days(int *year, int *month, int *day, int64_t days);

/**
 * Release a string the library allocated and handed to the caller (for
 * example the value returned by crm_attr_get()). Accepts NULL.
 */
CRM_EXTERN(void) crm_free(void *ptr);

CRM_END_DECL

#endif
