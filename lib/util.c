/*
 * libcrm - ids, time, dates, UTF-8 and the version.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>
#include <uuid/uuid.h>

#include "internal/handle.h"
#include "internal/util.h"

const char *crm_version(void)
{
    return CRM_VERSION_STRING;
}

int crm_version_number(void)
{
    return CRM_VERSION_NUMBER;
}

int64_t crm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- dates ---------------------------------------------------------------- */

/* Proleptic Gregorian calendar, days counted from 1970-01-01, after Howard
 * Hinnant's days_from_civil / civil_from_days: plain integer arithmetic, so
 * no time zone or C library date function can shift a date. */
bool crm__is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int crm__month_length(int64_t y, int m)
{
    static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && crm__is_leap(y) ? 29 : len[m - 1];
}

int64_t crm__days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void crm__civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

#define DAY_MS 86400000LL

int64_t crm__day_of(int64_t t)
{
    return t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS);
}

const char *crm__time_text(char out[CRM__TIME_TEXT_SIZE], int64_t t)
{
    int y, m, d;
    int64_t day = crm__day_of(t), ms = t - day * DAY_MS;
    crm__civil_from_days(day, &y, &m, &d);
    snprintf(out, CRM__TIME_TEXT_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
             (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60),
             (int)(ms % 1000));
    return out;
}

/* The first and last days of the years 1..9999. */
#define FIRST_DAY (-719162LL)
#define LAST_DAY 2932896LL

int crm_date_to_days(int64_t *out, int year, int month, int day)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (year < 1 || year > 9999)
        return crm__thread_error(CRM_EINVAL, "%s: year %d is out of range (1..9999)", __func__,
                                 year);
    if (month < 1 || month > 12)
        return crm__thread_error(CRM_EINVAL, "%s: month %d is not a month (1..12)", __func__,
                                 month);
    if (day < 1 || day > crm__month_length(year, month))
        return crm__thread_error(CRM_EINVAL, "%s: %04d-%02d-%02d does not exist: %s has %d days",
                                 __func__, year, month, day,
                                 month == 2 ? "February that year" : "that month",
                                 crm__month_length(year, month));
    *out = crm__days_from_civil(year, month, day);
    return CRM_OK;
}

int crm_date_from_days(int *year, int *month, int *day, int64_t days)
{
    if (!year || !month || !day)
        return crm__null_arg(__func__, !year ? "year" : !month ? "month" : "day");
    if (days < FIRST_DAY || days > LAST_DAY)
        return crm__thread_error(CRM_EINVAL,
                                 "%s: day %lld is outside 0001-01-01..9999-12-31 (days %lld to "
                                 "%lld from 1970-01-01)",
                                 __func__, (long long)days, FIRST_DAY, LAST_DAY);
    crm__civil_from_days(days, year, month, day);
    return CRM_OK;
}

/* ---- ids -------------------------------------------------------------------- */

/* Each byte's value as a hex digit, with bit 4 set; 0 when it is none.
 * Every call given an id parses it: digit by digit through a function of
 * three comparisons, it cost 540 instructions; by this table, 250. */
static const unsigned char hex_digit[256] = {
    ['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14, ['5'] = 0x15,
    ['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19, ['a'] = 0x1a, ['b'] = 0x1b,
    ['c'] = 0x1c, ['d'] = 0x1d, ['e'] = 0x1e, ['f'] = 0x1f, ['A'] = 0x1a, ['B'] = 0x1b,
    ['C'] = 0x1c, ['D'] = 0x1d, ['E'] = 0x1e, ['F'] = 0x1f,
};

int crm__hex_value(char c)
{
    unsigned v = hex_digit[(unsigned char)c];
    return v ? (int)(v & 15) : -1;
}

int crm__uuid_parse(crm__uuid *out, const char *s)
{
    /* Canonical 8-4-4-4-12 only: braces, "urn:uuid:" and missing dashes
     * are rejected so an id has exactly one spelling up to case. Where
     * each byte's two digits are: */
    static const unsigned char at[16] = { 0,  2,  4,  6,  9,  11, 14, 16,
                                          19, 21, 24, 26, 28, 30, 32, 34 };
    if (strnlen(s, CRM_ID_LEN + 1) != CRM_ID_LEN || s[8] != '-' || s[13] != '-' ||
        s[18] != '-' || s[23] != '-')
        return -1;
    const unsigned char *p = (const unsigned char *)s;
    crm__uuid u;
    unsigned all = 0x10;
    for (int i = 0; i < 16; i++) {
        unsigned hi = hex_digit[p[at[i]]], lo = hex_digit[p[at[i] + 1]];
        all &= hi & lo;
        u.b[i] = (unsigned char)(hi << 4 | (lo & 15));
    }
    if (!all)
        return -1;
    *out = u;
    return 0;
}

/* Ids are formatted for every row a cursor reads, four to an interaction:
 * all 16 bytes at once in two 16-byte vectors (GCC's and Clang's vector
 * types, which compile to SSE2 on x86-64 and NEON on ARM), the high and
 * low nibble of each byte side by side, each made a digit by adding '0',
 * and 39 more past 9 ('a' - '0' - 10). Byte by byte from a table of digit
 * pairs, it was 170 instructions an id; this is 43. */
typedef unsigned char crm__bytes16 __attribute__((vector_size(16)));
typedef signed char crm__nibbles16 __attribute__((vector_size(16)));

void crm__uuid_format(char out[CRM_ID_LEN + 1], const unsigned char b[16])
{
    crm__bytes16 v;
    memcpy(&v, b, 16);
    crm__nibbles16 hi = (crm__nibbles16)(v >> 4), lo = (crm__nibbles16)(v & 15);
    crm__nibbles16 d[2] = {
        __builtin_shufflevector(hi, lo, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23),
        __builtin_shufflevector(hi, lo, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15,
                                31),
    };
    d[0] += '0' + ((d[0] > 9) & 39);
    d[1] += '0' + ((d[1] > 9) & 39);
    const char *t = (const char *)d; /* the 32 digits, in order */
    memcpy(out, t, 8);
    out[8] = '-';
    memcpy(out + 9, t + 8, 4);
    out[13] = '-';
    memcpy(out + 14, t + 12, 4);
    out[18] = '-';
    memcpy(out + 19, t + 16, 4);
    out[23] = '-';
    memcpy(out + 24, t + 20, 12);
    out[CRM_ID_LEN] = '\0';
}

void crm__uuid_floor(crm__uuid *out, int64_t ms)
{
    memset(out->b, 0, sizeof out->b);
    for (int i = 5; i >= 0; i--) {
        out->b[i] = (unsigned char)(ms & 0xff);
        ms >>= 8;
    }
}

int64_t crm__uuid_ms(const unsigned char b[16])
{
    int64_t ms = 0;
    for (int i = 0; i < 6; i++)
        ms = ms << 8 | b[i];
    return ms;
}

/* 10 random bytes for a new id of db's. The kernel's generator is asked
 * for a pool at a time: per id, it (or libuuid, which also reseeds its own
 * generator from the process's ids) was a tenth of the cost of a write.
 * libuuid stays the fallback where getrandom() is missing. */
static const unsigned char *id_random(crm_db *db)
{
    if (db->rnd_left < 10) {
        size_t got = 0;
        while (got < sizeof db->rnd) {
            ssize_t n = getrandom(db->rnd + got, sizeof db->rnd - got, 0);
            if (n > 0)
                got += (size_t)n;
            else if (n < 0 && errno == EINTR)
                continue;
            else
                break;
        }
        for (got -= got % 16; got + 16 <= sizeof db->rnd; got += 16)
            uuid_generate_random(db->rnd + got);
        db->rnd_left = (unsigned int)(sizeof db->rnd / 10 * 10);
    }
    db->rnd_left -= 10;
    return db->rnd + db->rnd_left;
}

int crm__new_id(crm_db *db, crm__uuid *out, int64_t *ms_out)
{
    /* UUIDv7 (RFC 9562): 48-bit ms timestamp, version, 12-bit rand_a used
     * as a counter within one millisecond (method 1), variant, 62 random
     * bits. Ids made by one handle are strictly increasing. */
    const unsigned char *r = id_random(db);
    unsigned char rnd[16];
    rnd[0] = r[0];
    rnd[1] = r[1];
    memcpy(rnd + 8, r + 2, 8);
    int64_t ms = crm__now(db);
    if (ms <= db->uuid_ms) {
        ms = db->uuid_ms;
        if (++db->uuid_seq > 0xfff) {
            ms++;
            db->uuid_seq = rnd[0] & 0x7ff;
        }
    } else {
        /* Start low in the counter's range so a burst has room to count. */
        db->uuid_seq = (unsigned int)(rnd[0] << 8 | rnd[1]) & 0x7ff;
    }
    db->uuid_ms = ms;
    crm__uuid_floor(out, ms);
    out->b[6] = (unsigned char)(0x70 | (db->uuid_seq >> 8));
    out->b[7] = (unsigned char)(db->uuid_seq & 0xff);
    out->b[8] = (unsigned char)(0x80 | (rnd[8] & 0x3f));
    memcpy(out->b + 9, rnd + 9, 7);
    *ms_out = ms;
    return CRM_OK;
}

/* The length of the UTF-8 sequence s begins with, of the avail bytes
 * there are, with its code point in *cp; 0 when s does not begin with a
 * whole, well-formed sequence. */
static size_t utf8_char(const unsigned char *s, size_t avail, unsigned *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned min, v;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, min = 0x80, v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, min = 0x800, v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, min = 0x10000, v = c & 0x07;
    } else {
        return 0; /* continuation byte, overlong lead, or > U+10FFFF */
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

bool crm__utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + len;
    while (s < end) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        unsigned cp;
        size_t n = utf8_char(s, (size_t)(end - s), &cp);
        if (!n)
            return false;
        s += n;
    }
    return true;
}

void crm__ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

const char *crm__pquote(const crm_db *db, char *buf, size_t size, const char *s)
{
    if (db && (db->flags & CRM_OPEN_REDACT))
        return "<withheld>";
    return crm__quote(buf, size, s);
}

/* Code points that change how a terminal shows what follows rather than
 * show themselves: C1 controls (U+009B is the 8-bit CSI), the bidi marks,
 * embeddings, overrides and isolates, and the line and paragraph
 * separators. */
static bool invisible_control(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

const char *crm__quote(char *buf, size_t size, const char *s)
{
    /* Keep whole UTF-8 sequences, escape everything else as \xNN (a byte)
     * or \uNNNN (a code point that would act on a terminal), and stop
     * with an ellipsis before the buffer is full. */
    size_t o = 0, len = strlen(s);
    const size_t reserve = 10; /* room for "\uNNNN" or "..." and the NUL */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp = 0;
        size_t n = utf8_char((const unsigned char *)s + i, len - i, &cp); /* 0: not UTF-8 */
        bool ok = n && c >= 0x20 && c != 0x7f && c != '\\' && !invisible_control(cp);
        size_t need = ok ? n : n > 1 ? 6 : 4;
        if (o + need + reserve > size) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (ok) {
            memcpy(buf + o, s + i, n);
            i += n;
        } else if (n > 1) {
            snprintf(buf + o, 7, "\\u%04x", cp);
            i += n;
        } else {
            snprintf(buf + o, 5, "\\x%02x", c);
            i++;
        }
        o += need;
    }
    buf[o] = '\0';
    return buf;
}

int crm__word_index(const char *const *words, int lo, int hi, const char *name)
{
    if (!name)
        return -1;
    for (int i = lo; i <= hi; i++)
        if (strcmp(words[i], name) == 0)
            return i;
    return -1;
}
