/*
 * libcrm - a small phone normaliser for builds without libphonenumber
 * (CMake option CRM_WITH_LIBPHONENUMBER=OFF), for tiny embedded targets.
 *
 * What it does, and all it does (docs/phone.md says the same):
 *  - accepts digits with the separators space - . ( ) / and one leading +;
 *    anything else (letters, extensions) is not a number;
 *  - "+..." is international; so is a number starting with the default
 *    country's international prefix (00, 011 in NANP, ...);
 *  - otherwise the number is national: the country's trunk prefix (0, or 1
 *    in NANP) is dropped and its calling code put in front;
 *  - lengths are checked only coarsely: NANP numbers have exactly 10
 *    national digits, elsewhere 4 to 14, and E.164 allows at most 15 digits.
 * It knows only the regions in the table below and no numbering plan, so
 * it accepts some numbers libphonenumber would refuse and may write a few
 * national numbers differently (e.g. Italian numbers keep their 0 here as
 * there). Prefer libphonenumber wherever it fits.
 */
#include <string.h>

#include "phone.h"

typedef struct region {
    char code[3];
    const char *cc;    /* country calling code */
    const char *idd;   /* international call prefix */
    const char *trunk; /* national trunk prefix, "" for none */
} region;

static const region regions[] = {
    { "US", "1", "011", "1" },  { "CA", "1", "011", "1" },   { "PR", "1", "011", "1" },
    { "GB", "44", "00", "0" },  { "IE", "353", "00", "0" },  { "DE", "49", "00", "0" },
    { "AT", "43", "00", "0" },  { "CH", "41", "00", "0" },   { "FR", "33", "00", "0" },
    { "BE", "32", "00", "0" },  { "NL", "31", "00", "0" },   { "LU", "352", "00", "" },
    { "IT", "39", "00", "" },   { "ES", "34", "00", "" },    { "PT", "351", "00", "" },
    { "DK", "45", "00", "" },   { "NO", "47", "00", "" },    { "SE", "46", "00", "0" },
    { "FI", "358", "00", "0" }, { "PL", "48", "00", "" },    { "CZ", "420", "00", "" },
    { "GR", "30", "00", "" },   { "TR", "90", "00", "0" },   { "IL", "972", "00", "0" },
    { "ZA", "27", "00", "0" },  { "IN", "91", "00", "0" },   { "CN", "86", "00", "0" },
    { "JP", "81", "010", "0" }, { "KR", "82", "001", "0" },  { "SG", "65", "000", "" },
    { "HK", "852", "001", "" }, { "AU", "61", "0011", "0" }, { "NZ", "64", "00", "0" },
    { "BR", "55", "00", "0" },  { "MX", "52", "00", "" },    { "AR", "54", "00", "0" },
};

static const region *find_region(const char *code)
{
    if (!code || !*code)
        return NULL;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(regions[i].code, code) == 0)
            return &regions[i];
    return NULL;
}

bool crm__phone_region_known(const char *region)
{
    return find_region(region) != NULL;
}

const char *crm__phone_backend(void)
{
    return "builtin";
}

static bool starts_with(const char *s, const char *prefix)
{
    return *prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* International digits (calling code first) to "+digits". */
static int international(char out[CRM__E164_SIZE], const char *d)
{
    size_t n = strlen(d);
    if (n < 7 || n > 15 || d[0] == '0')
        return CRM__PHONE_INVALID;
    if (d[0] == '1' && n != 11) /* NANP: 1 + 10 digits */
        return CRM__PHONE_INVALID;
    out[0] = '+';
    memcpy(out + 1, d, n + 1);
    return CRM__PHONE_OK;
}

int crm__phone_e164(char out[CRM__E164_SIZE], const char *input, const char *region_code)
{
    char d[24];
    size_t n = 0;
    bool plus = false, seen = false;
    for (const char *p = input; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (n + 1 >= sizeof d)
                return CRM__PHONE_INVALID;
            d[n++] = c;
            seen = true;
        } else if (c == '+' && !seen && !plus) {
            plus = true;
            seen = true;
        } else if (!strchr(" -.()/\t", c)) {
            return CRM__PHONE_INVALID;
        }
    }
    d[n] = '\0';
    if (n == 0)
        return CRM__PHONE_INVALID;
    if (plus)
        return international(out, d);
    if (!region_code || !*region_code)
        return CRM__PHONE_NEEDS_REGION;
    const region *r = find_region(region_code);
    if (!r)
        return CRM__PHONE_BAD_REGION;
    if (starts_with(d, r->idd))
        return international(out, d + strlen(r->idd));
    const char *national = d;
    bool nanp = strcmp(r->cc, "1") == 0;
    if (nanp) {
        if (n == 11 && d[0] == '1')
            national++;
        if (strlen(national) != 10 || national[0] < '2')
            return CRM__PHONE_INVALID;
    } else {
        if (starts_with(d, r->trunk))
            national += strlen(r->trunk);
        size_t len = strlen(national);
        if (len < 4 || len + strlen(r->cc) > 15)
            return CRM__PHONE_INVALID;
    }
    char full[24];
    size_t ncc = strlen(r->cc), nn = strlen(national);
    memcpy(full, r->cc, ncc);
    memcpy(full + ncc, national, nn + 1);
    return international(out, full);
}
