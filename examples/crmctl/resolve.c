/*
 * crmctl - naming a customer on the command line by id or by anything the
 * outside world knows them by.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The point of libcrm is that any channel finds the customer from what it
 * has at hand, so every command that takes a CUSTOMER takes that too: a
 * caller ID, an e-mail address, a social handle, an account or loyalty
 * number. Each guess is one index probe in the library.
 */
#include <string.h>

#include "crmctl.h"

/* The canonical text form of an id: 8-4-4-4-12 with dashes. Its hex digits
 * are the library's to check, so a mistyped id is reported as one. */
static int looks_like_id(const char *s)
{
    if (strlen(s) != CRM_ID_LEN)
        return 0;
    for (int i = 0; i < CRM_ID_LEN; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if ((s[i] == '-') != dash)
            return 0;
    }
    return 1;
}

/* Digits and the punctuation people put in phone numbers, with enough
 * digits to be one. */
static int looks_like_phone(const char *s)
{
    int ndigits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            ndigits++;
        else if (!strchr("+()-. /", *p))
            return 0;
    }
    return ndigits >= 5;
}

/* "network:handle": a colon with something on both sides, before any '@'. */
static int looks_like_social(const char *s)
{
    const char *colon = strchr(s, ':');
    const char *at = strchr(s, '@');
    return colon && colon > s && colon[1] && (!at || colon < at);
}

static int looks_like_email(const char *s)
{
    const char *at = strchr(s, '@');
    return at && at > s && at[1] && !looks_like_social(s);
}

/* Append to the list of what was tried, for the message when nothing is. */
static void tried_add(char *buf, size_t size, const char *what)
{
    size_t len = strlen(buf);
    if (len + 2 < size)
        snprintf(buf + len, size - len, "%s%s", len ? ", " : "", what);
}

/*
 * Look the argument up as one kind of identity. CRM_OK with *out set,
 * CRM_ENOTFOUND when it is no such identity (or not a valid value of the
 * kind), another code when the database failed.
 */
static int try_kind(crmctl *ctl, crm_customer **out, const char *kind, const char *arg,
                    char *tried, size_t size)
{
    char what[96];
    char *key = NULL;
    int rc = crm_identity_normalise(&key, ctl->db, kind, arg);
    if (rc == CRM_EINVAL) {
        /* Not a value of the kind: a phone number that cannot be read
         * without a country, say. Said so, then the next guess. */
        snprintf(what, sizeof what, "%s (%s)", kind,
                 strcmp(kind, "phone") == 0 && !ctl->country
                     ? "unreadable without --country"
                     : "not a valid value");
        tried_add(tried, size, what);
        return CRM_ENOTFOUND;
    }
    if (rc != CRM_OK)
        return rc;
    /* Show the key when it differs from what was typed: that is what was
     * compared. */
    if (strcmp(key, arg) != 0 && strlen(key) < 64)
        snprintf(what, sizeof what, "%s %s", kind, key);
    else
        snprintf(what, sizeof what, "%s", kind);
    crm_free(key);
    tried_add(tried, size, what);
    rc = crm_identity_lookup(out, ctl->db, kind, arg);
    return rc == CRM_EINVAL ? CRM_ENOTFOUND : rc;
}

int ctl_resolve_customer(crmctl *ctl, const char *arg, crm_customer **out)
{
    int rc;
    if (looks_like_id(arg)) {
        rc = crm_customer_get(out, ctl->db, arg);
        return rc == CRM_OK ? EXIT_OK : ctl_fail(ctl, rc);
    }
    if (!*arg) {
        ctl_error("an empty customer: give an id, phone number, e-mail address, "
                  "network:handle, account or loyalty number");
        return EXIT_INVALID;
    }

    const char *kinds[4];
    size_t n = 0;
    if (looks_like_phone(arg))
        kinds[n++] = "phone";
    else if (looks_like_email(arg))
        kinds[n++] = "email";
    else if (looks_like_social(arg))
        kinds[n++] = "social";
    kinds[n++] = "account";
    kinds[n++] = "loyalty";

    char tried[256] = "";
    for (size_t i = 0; i < n; i++) {
        rc = try_kind(ctl, out, kinds[i], arg, tried, sizeof tried);
        if (rc == CRM_OK)
            return EXIT_OK;
        if (rc != CRM_ENOTFOUND)
            return ctl_fail(ctl, rc);
    }
    ctl_error("no customer is '%s' (not an id; tried %s)", arg, tried);
    return EXIT_NOTFOUND;
}

int ctl_resolve_customer_id(crmctl *ctl, const char *arg, char id[CRM_ID_LEN + 1])
{
    crm_customer *c;
    int st = ctl_resolve_customer(ctl, arg, &c);
    if (st != EXIT_OK)
        return st;
    memcpy(id, crm_customer_id(c), CRM_ID_LEN + 1);
    crm_customer_free(c);
    return EXIT_OK;
}
