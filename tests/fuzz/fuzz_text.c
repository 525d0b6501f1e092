/*
 * The text checks every call makes: UUID ids, UTF-8 validation and the
 * quoting of a caller's value in an error message.
 *
 * Properties: an id parses exactly when it is the canonical 8-4-4-4-12 hex
 * form, and formats back to itself in lower case; crm_customer_get refuses
 * exactly the strings that do not parse; the UTF-8 check agrees with an
 * independent decoder (RFC 3629) on every byte string; a quoted value is
 * always valid UTF-8 that fits its buffer, and holds no character that
 * acts on a terminal (C0 and C1 controls, DEL, bidi marks, embeddings,
 * overrides and isolates, line and paragraph separators): a message
 * printed raw cannot clear a screen or reorder what follows.
 */
#include <crm.h>

#include "internal/util.h"
#include "fuzz.h"

static crm_db *db;

static void close_db(void)
{
    crm_close(db);
}

/* An independent decoder: decode the code point, then judge it. */
static int utf8_reference(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0)
            n = 2;
        else if ((c & 0xF0) == 0xE0)
            n = 3;
        else if ((c & 0xF8) == 0xF0)
            n = 4;
        else
            return 0;
        if (len - i < n)
            return 0;
        unsigned cp = c & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const unsigned least[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

static int canonical_id(const char *s)
{
    if (strlen(s) != CRM_ID_LEN)
        return 0;
    for (int i = 0; i < CRM_ID_LEN; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (s[i] == '-'))
            return 0;
        if (!dash && !strchr("0123456789abcdefABCDEF", s[i]))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_ASSERT(crm__utf8_valid((const char *)data, size) ==
                    (bool)utf8_reference(data, size),
                "UTF-8 check says %d for %zu bytes", (int)crm__utf8_valid((const char *)data, size),
                size);

    char *s = fuzz_cstr(data, size);
    if (!s)
        return 0;

    char q[CRM__QUOTE_SIZE];
    const char *quoted = crm__quote(q, sizeof q, s);
    FUZZ_ASSERT(quoted && strlen(quoted) < sizeof q && utf8_reference((const void *)quoted,
                                                                      strlen(quoted)),
                "quote of %zu bytes is not UTF-8 or overflows", strlen(s));

    const unsigned char *p = (const unsigned char *)quoted;
    for (size_t i = 0; p[i];) {
        unsigned c = p[i], cp = c;
        size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (n > 1)
            cp = c & (0xffu >> (n + 1));
        for (size_t k = 1; k < n; k++)
            cp = cp << 6 | (p[i + k] & 0x3f);
        bool acts = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
                    cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
                    (cp >= 0x2066 && cp <= 0x2069);
        FUZZ_ASSERT(!acts, "the quote of %zu bytes holds U+%04X", strlen(s), cp);
        i += n;
    }

    crm__uuid u;
    int parsed = crm__uuid_parse(&u, s) == 0;
    FUZZ_ASSERT(parsed == canonical_id(s), "uuid_parse says %d for '%s'", parsed, q);
    if (parsed) {
        char back[CRM_ID_LEN + 1];
        crm__uuid_format(back, u.b);
        for (int i = 0; i < CRM_ID_LEN; i++)
            FUZZ_ASSERT(back[i] == (s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]),
                        "'%s' formats back as '%s'", s, back);
    }

    if (!db) {
        FUZZ_ASSERT(crm_open(&db, ":memory:", NULL) == CRM_OK, "open: %s", crm_errmsg(NULL));
        atexit(close_db);
    }
    crm_customer *c = NULL;
    int rc = crm_customer_get(&c, db, s);
    FUZZ_ASSERT(rc == (parsed ? CRM_ENOTFOUND : CRM_EINVAL) && c == NULL,
                "customer_get('%s') gave %s", q, crm_errname(rc));
    const char *msg = crm_errmsg(db);
    FUZZ_ASSERT(msg && *msg && utf8_reference((const void *)msg, strlen(msg)),
                "message for '%s' is not UTF-8", q);
    free(s);
    return 0;
}
