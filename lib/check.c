/*
 * libcrm - argument checks shared by every public call, so that each bad
 * input is refused the same way, with the field named in the message.
 */
#include <string.h>

#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"

int crm__check_out(crm_db *db, const void *out)
{
    if (!out)
        return crm__error(db, CRM_EINVAL, "the output argument is NULL");
    return CRM_OK;
}

int crm__check_text(crm_db *db, const char *field, const char *s, size_t min, size_t max,
                    unsigned int flags)
{
    char q[CRM__QUOTE_SIZE];
    if (!s)
        return crm__error(db, CRM_EINVAL, "%s is NULL", field);
    size_t len = strlen(s);
    if (len < min)
        return crm__error(db, CRM_EINVAL, "%s is empty", field);
    if (len > max)
        return crm__error(db, CRM_EINVAL, "%s is %zu bytes long, more than the limit of %zu: %s",
                          field, len, max, crm__pquote(db, q, sizeof q, s));
    if (!crm__utf8_valid(s, len))
        return crm__error(db, CRM_EINVAL, "%s is not valid UTF-8: %s", field,
                          crm__pquote(db, q, sizeof q, s));
    if (flags & CRM__TEXT_NO_CONTROL) {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c == 0x7f)
                return crm__error(db, CRM_EINVAL, "%s contains a control character (0x%02x): %s",
                                  field, c, crm__pquote(db, q, sizeof q, s));
        }
    }
    if ((flags & CRM__TEXT_NO_EDGE_SPACE) && len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
        return crm__error(db, CRM_EINVAL, "%s begins or ends with a space: '%s'", field,
                          crm__pquote(db, q, sizeof q, s));
    return CRM_OK;
}

int crm__check_id(crm_db *db, const char *field, const char *s, crm__uuid *out)
{
    char q[CRM__QUOTE_SIZE];
    if (!s)
        return crm__error(db, CRM_EINVAL, "%s is NULL", field);
    if (crm__uuid_parse(out, s) != 0)
        return crm__error(db, CRM_EINVAL,
                          "%s '%s' is not an id (expected a UUID such as "
                          "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b)",
                          field, crm__pquote(db, q, sizeof q, s));
    return CRM_OK;
}

int crm__check_actor(crm_db *db, const char *field, const char *name)
{
    return crm__check_text(db, field, name, 1, CRM_ACTOR_MAX,
                           CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE);
}

int crm__check_time(crm_db *db, const char *field, int64_t t)
{
    if (t < CRM_TIME_MIN || t > CRM_TIME_MAX)
        return crm__error(db, CRM_EINVAL,
                          "%s %lld is not a time libcrm keeps: times are ms since the epoch "
                          "from 0001-01-01 to 9999-12-31 UTC (CRM_TIME_MIN..CRM_TIME_MAX)%s",
                          field, (long long)t,
                          t == CRM_TIME_NONE ? "; CRM_TIME_NONE says no time, which this "
                                               "call needs"
                                             : "");
    return CRM_OK;
}

int crm__check_time_opt(crm_db *db, const char *field, int64_t t)
{
    return t == CRM_TIME_NONE ? CRM_OK : crm__check_time(db, field, t);
}

int crm__check_code(crm_db *db, const char *field, const char *s, size_t max)
{
    char q[CRM__QUOTE_SIZE];
    int rc = crm__check_text(db, field, s, 1, max, 0);
    if (rc)
        return rc;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '-'))
            return crm__error(db, CRM_EINVAL, "%s '%s' may hold only letters, digits and _ . : -",
                              field, crm__pquote(db, q, sizeof q, s));
    }
    return CRM_OK;
}

bool crm__is_kind_name(const char *s)
{
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= 32 && s[0] >= 'a' && s[0] <= 'z';
    for (size_t i = 1; ok && i < n; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
    return ok;
}

int crm__check_kind_name(crm_db *db, const char *field, const char *s)
{
    char q[CRM__QUOTE_SIZE];
    if (!s)
        return crm__error(db, CRM_EINVAL, "%s is NULL", field);
    if (!crm__is_kind_name(s))
        return crm__error(db, CRM_EINVAL, "%s '%s' is not a name matching [a-z][a-z0-9_]{0,31}",
                          field, crm__pquote(db, q, sizeof q, s));
    return CRM_OK;
}
