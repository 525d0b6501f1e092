/*
 * crmctl - times and dates as people type them on a command line.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * A small interface of its own, free of crmctl's other parts, so it can be
 * lifted into another tool. Times are int64 milliseconds since the Unix
 * epoch, UTC, as everywhere in libcrm; "local" means the zone of $TZ (the C
 * library's localtime).
 */
#ifndef CRMCTL_TIMEPARSE_H
#define CRMCTL_TIMEPARSE_H

#include <stdint.h>

/*
 * Parse a time. Accepted:
 *
 *   2026-11-27T17:00Z, 2026-11-27T17:00:00.250Z   UTC
 *   2026-11-27T17:00+01:00, ...-0500, ...+05       a fixed offset
 *   2026-11-27T17:00, 2026-11-27 17:00:30          local time
 *   2026-11-27                                     local midnight
 *   now                                            now_ms
 *   +3d  -1d  +2h  +30m  +1w  +45s                 now_ms plus or minus so much
 *                                                  (a day is 24 hours)
 *
 * Seconds and fractions of a second are optional wherever minutes are
 * given; 'T' may be 't' or one space. Years 1970 to 9999. A local time
 * that does not exist (skipped when the clocks went forward) is refused; one
 * that happens twice (when they went back) is the first.
 *
 * Returns 0 with *out_ms set, or -1 with *why (when why is not NULL) set to
 * a short phrase saying what is wrong, in static storage; *out_ms is
 * written only on success.
 */
int ctl_time_parse(const char *text, int64_t now_ms, int64_t *out_ms, const char **why);

/*
 * Parse a calendar date YYYY-MM-DD (a real day: 2027-02-29 is refused).
 * Returns 0 with the parts set, or -1 with *why set as above.
 */
int ctl_date_parse(const char *text, int *year, int *month, int *day, const char **why);

/*
 * Parse a day of the year MM-DD; 02-29 is accepted.
 * Returns 0 with the parts set, or -1 with *why set as above.
 */
int ctl_month_day_parse(const char *text, int *month, int *day, const char **why);

/* Days in a month of a year (1..12). */
int ctl_days_in_month(int year, int month);

/* Days since 1970-01-01 of a calendar date (negative before), and back:
 * libcrm's calendar, for dates of the years 1 to 9999 (outside them, day 0
 * and 1970-01-01). */
int64_t ctl_days_from_date(int year, int month, int day);
void ctl_date_from_days(int64_t days, int *year, int *month, int *day);

/*
 * A wall-clock reading in local time (or, utc set, in UTC) as ms, read as
 * ctl_time_parse() reads 2026-11-27T17:00. Returns 0, or -1 if that reading
 * does not exist (or the parts are out of range).
 */
int ctl_time_from_parts(int year, int month, int day, int hour, int minute, int utc,
                        int64_t *out_ms);

/*
 * The calendar date at time ms, in local time or (utc set) in UTC.
 * Returns 0, or -1 if the C library cannot represent it.
 */
int ctl_date_of(int64_t ms, int utc, int *year, int *month, int *day);

/*
 * The day (days since 1970-01-01) of time ms on the calendar of local time
 * or (utc set) of UTC: the date a person there calls that day.
 */
int64_t ctl_day_of(int64_t ms, int utc);

#endif
