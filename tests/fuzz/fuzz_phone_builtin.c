/*
 * The built-in phone normaliser (lib/phone_builtin.c, for builds without
 * libphonenumber), compiled into the target whichever normaliser the
 * library uses. Input: one byte choosing the default country, then the text.
 *
 * Properties: a key is "+" and 1..15 digits; a key is its own key, with the
 * country and without; only a national number without a country asks for
 * one; an unknown country is reported as such.
 */
#include "phone.h"
#include "fuzz.h"

static const char *const regions[] = {NULL, "", "US", "GB", "DE", "IT", "IN", "JP", "SG", "XX"};
#define NREGIONS (sizeof regions / sizeof regions[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *region = regions[data[0] % NREGIONS];
    char *text = fuzz_cstr(data + 1, size - 1);
    if (!text)
        return 0;
    char key[CRM__E164_SIZE], again[CRM__E164_SIZE];
    int rc = crm__phone_e164(key, text, region);
    switch (rc) {
    case CRM__PHONE_OK: {
        size_t n = strlen(key);
        FUZZ_ASSERT(key[0] == '+' && n >= 2 && n <= 16 && strspn(key + 1, "0123456789") == n - 1,
                    "'%s' gave key '%s'", text, key);
        FUZZ_ASSERT(crm__phone_e164(again, key, region) == CRM__PHONE_OK && !strcmp(again, key),
                    "'%s': key '%s' is not its own key in %s", text, key, region ? region : "-");
        FUZZ_ASSERT(crm__phone_e164(again, key, NULL) == CRM__PHONE_OK && !strcmp(again, key),
                    "'%s': key '%s' is not its own key without a country", text, key);
        break;
    }
    case CRM__PHONE_NEEDS_REGION:
        FUZZ_ASSERT(!region || !*region, "'%s' asks for a country in %s", text, region);
        break;
    case CRM__PHONE_BAD_REGION:
        FUZZ_ASSERT(region && !crm__phone_region_known(region), "'%s': %s called unknown", text,
                    region ? region : "-");
        break;
    default:
        FUZZ_ASSERT(rc == CRM__PHONE_INVALID, "'%s': rc %d", text, rc);
    }
    free(text);
    return 0;
}
