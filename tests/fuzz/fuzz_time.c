/*
 * crmctl's time and date parsing (examples/crmctl/timeparse.c). Input: one
 * byte choosing the local time zone, then the text.
 *
 * Properties: every answer is a success or a reason; a time is within
 * 1970..9999; a UTC time falls on the day it names; a date is a real day
 * and survives the trip through a day number; a day of the year is a day
 * of some year.
 */
#include <time.h>

#include "timeparse.h"
#include "fuzz.h"

#define MS_PER_DAY INT64_C(86400000)
#define MS_END (INT64_C(2932897) * MS_PER_DAY) /* 10000-01-01 */
#define NOW INT64_C(1795000000000)             /* 2026-11-18 */

/* Zones with summer time, with none, north and south, whole and part hours. */
static const char *const zones[] = {"UTC0", "America/New_York", "Europe/London",
                                    "Australia/Lord_Howe", "Asia/Kathmandu"};
#define NZONES (sizeof zones / sizeof zones[0])

static void use_zone(size_t z)
{
    static size_t current = (size_t)-1;
    if (z != current) {
        setenv("TZ", zones[z], 1);
        tzset();
        current = z;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    use_zone(data[0] % NZONES);
    char *text = fuzz_cstr(data + 1, size - 1);
    if (!text)
        return 0;

    int64_t ms = -1;
    const char *why = NULL;
    int rc = ctl_time_parse(text, NOW, &ms, &why);
    if (rc == 0) {
        FUZZ_ASSERT(ms >= 0 && ms < MS_END, "'%s' parsed to %lld", text, (long long)ms);
        size_t n = strlen(text);
        if (n > 10 && (text[n - 1] == 'Z' || text[n - 1] == 'z')) {
            int y, mo, d;
            FUZZ_ASSERT(ctl_date_of(ms, 1, &y, &mo, &d) == 0, "'%s': no UTC date", text);
            char day[11];
            snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
            FUZZ_ASSERT(strncmp(day, text, 10) == 0, "'%s' falls on %s", text, day);
        }
    } else {
        FUZZ_ASSERT(rc == -1 && why && *why && ms == -1, "'%s': rc %d without a reason", text,
                    rc);
    }

    int y = 0, mo = 0, d = 0;
    why = NULL;
    if (ctl_date_parse(text, &y, &mo, &d, &why) == 0) {
        FUZZ_ASSERT(y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= ctl_days_in_month(y, mo),
                    "'%s' parsed to %d-%d-%d", text, y, mo, d);
        int y2, mo2, d2;
        ctl_date_from_days(ctl_days_from_date(y, mo, d), &y2, &mo2, &d2);
        FUZZ_ASSERT(y2 == y && mo2 == mo && d2 == d, "'%s' comes back as %d-%d-%d", text, y2,
                    mo2, d2);
    } else {
        FUZZ_ASSERT(why && *why, "date '%s' refused without a reason", text);
    }

    why = NULL;
    if (ctl_month_day_parse(text, &mo, &d, &why) == 0)
        FUZZ_ASSERT(mo >= 1 && mo <= 12 && d >= 1 && d <= ctl_days_in_month(2000, mo),
                    "'%s' parsed to %d-%d", text, mo, d);
    else
        FUZZ_ASSERT(why && *why, "day '%s' refused without a reason", text);
    free(text);
    return 0;
}
