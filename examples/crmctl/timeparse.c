/*
 * crmctl - times and dates as people type them on a command line.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * UTC arithmetic is done on whole days, with libcrm's calendar
 * (crm_date_to_days(), crm_date_from_days()) rather than timegm(), which
 * POSIX does not have; local time goes through mktime() and localtime_r(),
 * so $TZ and its rules for summer time are the C library's.
 */
#include <string.h>
#include <time.h>

#include <crm.h>

#include "timeparse.h"

#define MS_PER_S INT64_C(1000)
#define MS_PER_DAY INT64_C(86400000)
/* 10000-01-01T00:00Z: the first time the parser cannot write. */
#define MS_END (INT64_C(2932897) * MS_PER_DAY)

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ctl_days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

int64_t ctl_days_from_date(int year, int month, int day)
{
    int64_t days = 0;
    crm_date_to_days(&days, year, month, day);
    return days;
}

void ctl_date_from_days(int64_t days, int *year, int *month, int *day)
{
    if (crm_date_from_days(year, month, day, days) != CRM_OK) {
        *year = 1970;
        *month = *day = 1;
    }
}

/* Exactly n digits at *p, advancing it. -1 if they are not there. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static int fail(const char **why, const char *text)
{
    if (why)
        *why = text;
    return -1;
}

/* YYYY-MM-DD at *p, advancing it. */
static int read_date(const char **p, int *y, int *m, int *d, const char **why)
{
    const char *s = *p;
    int year = digits(&s, 4);
    if (year < 0 || *s++ != '-')
        return fail(why, "not a date or time");
    int month = digits(&s, 2);
    if (month < 0 || *s++ != '-')
        return fail(why, "not a date or time");
    int day = digits(&s, 2);
    if (day < 0)
        return fail(why, "not a date or time");
    if (month < 1 || month > 12)
        return fail(why, "no such month");
    if (day < 1 || day > ctl_days_in_month(year, month))
        return fail(why, "no such day in that month");
    *y = year;
    *m = month;
    *d = day;
    *p = s;
    return 0;
}

int ctl_date_parse(const char *text, int *year, int *month, int *day, const char **why)
{
    int y, m, d;
    const char *p = text;
    if (read_date(&p, &y, &m, &d, why) != 0)
        return -1;
    if (*p)
        return fail(why, "a date is YYYY-MM-DD and nothing more");
    if (y < 1)
        return fail(why, "year 0 does not exist");
    *year = y;
    *month = m;
    *day = d;
    return 0;
}

int ctl_month_day_parse(const char *text, int *month, int *day, const char **why)
{
    const char *p = text;
    int m = digits(&p, 2);
    if (m < 0 || *p++ != '-')
        return fail(why, "a day of the year is MM-DD");
    int d = digits(&p, 2);
    if (d < 0 || *p)
        return fail(why, "a day of the year is MM-DD");
    if (m < 1 || m > 12)
        return fail(why, "no such month");
    /* A leap year: 02-29 is a day of some years. */
    if (d < 1 || d > ctl_days_in_month(2000, m))
        return fail(why, "no such day in that month");
    *month = m;
    *day = d;
    return 0;
}

/* +3d, -90m, ... */
static int parse_relative(const char *text, int64_t now_ms, int64_t *out, const char **why)
{
    const char *p = text + 1;
    int64_t n = 0;
    int nd = 0;
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (nd == 9)
            return fail(why, "too far away");
        n = n * 10 + (*p - '0');
    }
    if (nd == 0)
        return fail(why, "a relative time is a sign, a number and a unit, like +3d or -30m");
    int64_t unit;
    switch (*p) {
    case 's': unit = MS_PER_S; break;
    case 'm': unit = 60 * MS_PER_S; break;
    case 'h': unit = 3600 * MS_PER_S; break;
    case 'd': unit = MS_PER_DAY; break;
    case 'w': unit = 7 * MS_PER_DAY; break;
    case '\0': return fail(why, "a relative time needs a unit: s, m, h, d or w");
    default: return fail(why, "unknown unit: use s, m, h, d or w");
    }
    if (p[1])
        return fail(why, "a relative time is a sign, a number and a unit, like +3d or -30m");
    int64_t t = now_ms + (text[0] == '-' ? -n * unit : n * unit);
    if (t < 0)
        return fail(why, "before 1970");
    if (t >= MS_END)
        return fail(why, "after the year 9999");
    *out = t;
    return 0;
}

/* Local wall-clock time to ms; -1 if it does not exist there. Of two
 * readings (the hour the clocks go back) the earlier wins. */
static int local_to_ms(int y, int mo, int d, int h, int mi, int s, int64_t *out)
{
    int found = 0;
    int64_t best = 0;
    for (int dst = 0; dst <= 1; dst++) {
        struct tm tm, back;
        memset(&tm, 0, sizeof tm);
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = s;
        tm.tm_isdst = dst;
        time_t t = mktime(&tm);
        if (t == (time_t)-1 || !localtime_r(&t, &back))
            continue;
        /* mktime() moves a reading that does not exist; it must read back
         * as it was asked for. */
        if (back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d ||
            back.tm_hour != h || back.tm_min != mi || back.tm_sec != s)
            continue;
        int64_t ms = (int64_t)t * MS_PER_S;
        if (!found || ms < best)
            best = ms;
        found = 1;
    }
    if (!found)
        return -1;
    *out = best;
    return 0;
}

int ctl_time_parse(const char *text, int64_t now_ms, int64_t *out_ms, const char **why)
{
    if (!text || !*text)
        return fail(why, "empty");
    if (strcmp(text, "now") == 0) {
        *out_ms = now_ms;
        return 0;
    }
    if (text[0] == '+' || text[0] == '-')
        return parse_relative(text, now_ms, out_ms, why);

    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, ms = 0;
    if (read_date(&p, &y, &mo, &d, why) != 0)
        return -1;
    if (y < 1970)
        return fail(why, "before 1970");
    int has_time = 0;
    if (*p == 'T' || *p == 't' || (*p == ' ' && p[1])) {
        p++;
        has_time = 1;
        if ((h = digits(&p, 2)) < 0 || *p++ != ':' || (mi = digits(&p, 2)) < 0)
            return fail(why, "a time of day is HH:MM or HH:MM:SS");
        if (*p == ':') {
            p++;
            if ((s = digits(&p, 2)) < 0)
                return fail(why, "a time of day is HH:MM or HH:MM:SS");
            if (*p == '.' || *p == ',') {
                p++;
                int nd = 0;
                for (; *p >= '0' && *p <= '9'; p++, nd++)
                    if (nd < 3)
                        ms = ms * 10 + (*p - '0');
                if (nd == 0)
                    return fail(why, "a fraction of a second needs digits");
                for (; nd < 3; nd++)
                    ms *= 10;
            }
        }
        if (h > 23)
            return fail(why, "hours go from 00 to 23");
        if (mi > 59)
            return fail(why, "minutes go from 00 to 59");
        if (s > 59)
            return fail(why, "seconds go from 00 to 59");
    }

    int64_t t;
    if (*p == '\0') {
        if (local_to_ms(y, mo, d, h, mi, s, &t) != 0)
            return fail(why, has_time ? "that time does not exist here (the clocks skip it)"
                                      : "midnight does not exist here that day");
    } else {
        if (!has_time)
            return fail(why, "a time zone needs a time of day: 2026-11-27T00:00Z");
        int offset_min = 0;
        if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1;
            int oh = digits(&p, 2), om = 0;
            if (oh < 0)
                return fail(why, "an offset is +HH:MM, +HHMM or +HH");
            if (*p == ':')
                p++;
            if (*p && (om = digits(&p, 2)) < 0)
                return fail(why, "an offset is +HH:MM, +HHMM or +HH");
            if (*p)
                return fail(why, "unexpected text after the offset");
            if (oh > 18 || om > 59 || (oh == 18 && om > 0))
                return fail(why, "offsets go from -18:00 to +18:00");
            offset_min = sign * (oh * 60 + om);
        } else {
            return fail(why, "unexpected text after the time: a zone is Z or +HH:MM");
        }
        t = (ctl_days_from_date(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
             (int64_t)offset_min * 60) * MS_PER_S;
    }
    t += ms;
    if (t < 0)
        return fail(why, "before 1970");
    if (t >= MS_END)
        return fail(why, "after the year 9999");
    *out_ms = t;
    return 0;
}

int ctl_time_from_parts(int year, int month, int day, int hour, int minute, int utc,
                        int64_t *out_ms)
{
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > ctl_days_in_month(year, month) || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59)
        return -1;
    if (utc) {
        *out_ms = (ctl_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60) *
                  MS_PER_S;
        return 0;
    }
    return local_to_ms(year, month, day, hour, minute, 0, out_ms);
}

/* Seconds and the broken-down time of ms; ms before 1970 round down. */
static int broken_down(int64_t ms, int utc, struct tm *tm)
{
    int64_t secs = ms / MS_PER_S;
    if (ms % MS_PER_S < 0)
        secs--;
    time_t t = (time_t)secs;
    return (utc ? gmtime_r(&t, tm) : localtime_r(&t, tm)) ? 0 : -1;
}

int ctl_date_of(int64_t ms, int utc, int *year, int *month, int *day)
{
    struct tm tm;
    if (broken_down(ms, utc, &tm) != 0)
        return -1;
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
    return 0;
}

int64_t ctl_day_of(int64_t ms, int utc)
{
    int y, m, d;
    if (ctl_date_of(ms, utc, &y, &m, &d) == 0)
        return ctl_days_from_date(y, m, d);
    /* A time the C library cannot break down: its UTC day. */
    return ms / MS_PER_DAY - (ms % MS_PER_DAY < 0);
}
