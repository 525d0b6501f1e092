/*
 * libcrm - the phone normaliser's interface, shared by the C library and
 * the C++ file that wraps libphonenumber (which cannot include
 * internal.h: its handle struct is C11's).
 */
#ifndef CRM_PHONE_H
#define CRM_PHONE_H

#include <stdbool.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- phone numbers (phone_*.c / phone_*.cc) ----------------------------- */
#define CRM__E164_SIZE 17 /* "+" and up to 15 digits and NUL */
enum {
    CRM__PHONE_OK = 0,
    CRM__PHONE_INVALID = -1,      /* not a possible phone number */
    CRM__PHONE_NEEDS_REGION = -2, /* national form and no default country */
    CRM__PHONE_BAD_REGION = -3,   /* region unknown to the normaliser */
    CRM__PHONE_NOMEM = -4
};
int crm__phone_e164(char out[CRM__E164_SIZE], const char *input, const char *region);
bool crm__phone_region_known(const char *region);
const char *crm__phone_backend(void);

/* Caller-ID feeds give a North American number as its E.164 key already,
 * and contact lists and CSV files mostly as "+1 415 555 0100" or
 * "+1 (415) 555-0100": "+1", then ten digits whose first (the area
 * code's) is 2-9, set apart, if at all, by spaces, hyphens, dots or
 * parentheses, the last character a digit, 31 characters at most. Such input has "+1" and those
 * ten digits as its key under either normaliser, whatever the default
 * country, so crm__phone_e164() is skipped for it (parsing costs far more
 * than the lookup: a third of a CSV import's time). Why it is exact: the
 * "+" makes both read country code 1 and ignore the region; both drop
 * those separators (libphonenumber's punctuation, the built-in's " -.()");
 * libphonenumber strips a national prefix only where the number after the
 * country code starts with NANP's prefix "1", which the 2-9 excludes; ten
 * digits is NANP's one possible length (possible is all crm__phone_e164
 * asks); and E.164 formatting writes "+1" and those same ten digits, so
 * such a key also reads back as itself. The built-in normaliser keeps "+"
 * and 11 digits starting with 1 as they are. tests/c/test_phone_fast.c
 * checks it against the normaliser, spelled every way. Returns true with
 * out filled, or false (out untouched). */
static inline bool crm__phone_e164_fast(char out[CRM__E164_SIZE], const char *input)
{
    if (input[0] != '+' || input[1] != '1')
        return false;
    char key[13] = "+1";
    int n = 2;
    const char *p = input + 2;
    for (; *p; p++) {
        /* Past what anyone types; libphonenumber refuses 250 and more. */
        if (p - input >= 32)
            return false;
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (n == 12 || (n == 2 && c < '2'))
                return false;
            key[n++] = c;
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            return false;
        }
    }
    if (n != 12 || p[-1] < '0' || p[-1] > '9')
        return false;
    key[12] = '\0';
    memcpy(out, key, 13);
    return true;
}

#ifdef __cplusplus
}
#endif

#endif
