/*
 * Identity normalisation (phone through libphonenumber, e-mail, social and
 * the exact kinds). Input: one byte choosing the kind, one choosing the
 * database's default country, then the value.
 *
 * Properties: a value is either accepted with a key or refused with
 * CRM_EINVAL and a message; the key is valid UTF-8 and no longer than the
 * limit; the key is its own key (so a stored key looked up again finds
 * itself); a lookup agrees with normalisation; a refusal's message is valid
 * UTF-8 whatever bytes the value held.
 *
 * The value is also a text to resolve (crm_customer_resolve(), which reads
 * its form to choose what to look for): in the empty database it names no
 * one or is refused, never anything else, with a message that is valid
 * UTF-8, and the list of what it names agrees.
 */
#include <crm.h>

#include "fuzz.h"

static const char *const kinds[] = {"phone", "email", "social", "account", "loyalty", "x-badge"};
static const char *const regions[] = {NULL, "US", "GB", "DE", "IN", "BR", "JP", "AU"};
#define NKINDS (sizeof kinds / sizeof kinds[0])
#define NREGIONS (sizeof regions / sizeof regions[0])

static crm_db *dbs[NREGIONS];

static void close_all(void)
{
    for (size_t i = 0; i < NREGIONS; i++)
        crm_close(dbs[i]);
}

static crm_db *db_for(size_t r)
{
    if (!dbs[r]) {
        static int registered;
        if (!registered++)
            atexit(close_all);
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.default_country = regions[r];
        int rc = crm_open(&dbs[r], ":memory:", &o);
        FUZZ_ASSERT(rc == CRM_OK, "open: %s", crm_errmsg(NULL));
    }
    return dbs[r];
}

/* Valid UTF-8 as RFC 3629 has it: no overlongs, surrogates or > U+10FFFF. */
static int utf8_ok(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n, min;
        if (c < 0x80) {
            s++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        for (unsigned i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (s[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        s += n + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *kind = kinds[data[0] % NKINDS];
    size_t region = data[1] % NREGIONS;
    char *value = fuzz_cstr(data + 2, size - 2);
    if (!value)
        return 0;
    crm_db *db = db_for(region);

    char *key = NULL;
    int rc = crm_identity_normalise(&key, db, kind, value);
    if (rc == CRM_OK) {
        FUZZ_ASSERT(key != NULL, "%s '%s': OK without a key", kind, value);
        FUZZ_ASSERT(utf8_ok((const unsigned char *)key), "%s '%s': key not UTF-8", kind, value);
        FUZZ_ASSERT(*key && strlen(key) <= CRM_IDENTITY_MAX, "%s '%s': key length %zu", kind,
                    value, strlen(key));
        char *again = NULL;
        int rc2 = crm_identity_normalise(&again, db, kind, key);
        FUZZ_ASSERT(rc2 == CRM_OK && strcmp(again, key) == 0,
                    "%s '%s' (region %s): key '%s' normalises to %s", kind, value,
                    regions[region] ? regions[region] : "none", key,
                    rc2 == CRM_OK ? again : crm_errmsg(db));
        crm_free(again);
    } else {
        FUZZ_ASSERT(rc == CRM_EINVAL, "%s '%s': %s", kind, value, crm_errname(rc));
        FUZZ_ASSERT(key == NULL, "%s '%s': key written on failure", kind, value);
        const char *msg = crm_errmsg(db);
        FUZZ_ASSERT(msg && *msg && utf8_ok((const unsigned char *)msg),
                    "%s: refusal message missing or not UTF-8", kind);
    }

    /* The database is empty: a lookup finds nothing exactly when the value
     * normalises, and otherwise fails as normalisation did. */
    crm_customer *c = NULL;
    int lrc = crm_identity_lookup(&c, db, kind, value);
    FUZZ_ASSERT(lrc == (rc == CRM_OK ? CRM_ENOTFOUND : rc) && c == NULL,
                "%s '%s': normalise %s but lookup %s", kind, value, crm_errname(rc),
                crm_errname(lrc));

    crm_customer *who = NULL;
    int rrc = crm_customer_resolve(&who, db, value);
    FUZZ_ASSERT((rrc == CRM_ENOTFOUND || rrc == CRM_EINVAL) && who == NULL,
                "resolve '%s': %s", value, crm_errname(rrc));
    const char *msg = crm_errmsg(db);
    FUZZ_ASSERT(msg && utf8_ok((const unsigned char *)msg), "resolve: message not UTF-8");
    FUZZ_ASSERT(rrc != CRM_ENOTFOUND || strncmp(msg, "no customer ", 12) == 0,
                "resolve '%s': %s", value, msg);
    crm_customer_cursor *cur = NULL;
    int orc = crm_customer_resolve_open(&cur, db, value);
    FUZZ_ASSERT(orc == (rrc == CRM_ENOTFOUND ? CRM_OK : rrc), "resolve '%s' %s, its list %s",
                value, crm_errname(rrc), crm_errname(orc));
    if (orc == CRM_OK) {
        const crm_customer *row;
        int nrc = crm_customer_cursor_next(cur, &row);
        FUZZ_ASSERT(nrc == CRM_DONE, "resolve '%s': a row in an empty database", value);
        crm_customer_cursor_free(cur);
    }
    crm_free(key);
    free(value);
    return 0;
}
