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

/* Caller-ID feeds give a North American number as its E.164 key already:
 * "+1", then ten digits whose first (the area code's) is 2-9. Such input
 * is its own key under either normaliser, whatever the default country,
 * so crm__phone_e164() is skipped for it (parsing costs far more than the
 * lookup). Why it is exact: the "+" makes both read country code 1 and
 * ignore the region; libphonenumber strips a national prefix only where the
 * number after the country code starts with NANP's prefix "1", which the
 * 2-9 excludes; ten digits is NANP's one possible length (possible is all
 * crm__phone_e164 asks); and E.164 formatting writes "+1" and those same
 * ten digits, so such a key also reads back as itself. The built-in
 * normaliser keeps "+" and 11 digits starting with 1 as they are.
 * tests/c/test_phone_fast.c checks it against the normaliser. Returns true
 * with out filled, or false (out untouched). */
static inline bool crm__phone_e164_fast(char out[CRM__E164_SIZE], const char *input)
{
    if (input[0] != '+' || input[1] != '1' || input[2] < '2' || input[2] > '9')
        return false;
    for (int i = 3; i < 12; i++)
        if (input[i] < '0' || input[i] > '9')
            return false;
    if (input[12] != '\0')
        return false;
    memcpy(out, input, 13);
    return true;
}


#ifdef __cplusplus
}
#endif

#endif
