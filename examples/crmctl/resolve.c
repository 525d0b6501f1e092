/*
 * crmctl - naming a customer on the command line by id or by anything the
 * outside world knows them by.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The point of libcrm is that any channel finds the customer from what it
 * has at hand, so every command that takes a CUSTOMER takes that too: a
 * caller ID, an e-mail address, a social handle, an account or loyalty
 * number. Reading the text is the library's (crm_customer_resolve()), as
 * for a kiosk or an IVR; what is left here is saying what happened.
 */
#include <string.h>

#include "crmctl.h"

int ctl_print_candidates(crmctl *ctl, crm_customer_cursor *cur)
{
    const crm_customer *c;
    int rc;
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
        /* With --json each is a part of the one message. */
        FILE *f = ctl_err_extra();
        if (!f)
            f = ctl_err_begin();
        ctl_fprintf(f, "%s%s  %s (%s)", f == stderr ? "  " : "", crm_customer_id(c),
                    crm_customer_name(c), crm_customer_kind_name(crm_customer_kind(c)));
        ctl_err_end(f);
    }
    crm_customer_cursor_free(cur);
    return rc == CRM_DONE ? EXIT_OK : ctl_fail(ctl, rc);
}

/* Several customers: say so, and who they are, so the next try can name
 * one by id. */
static int ambiguous(crmctl *ctl, const char *arg)
{
    int st = ctl_fail(ctl, CRM_EAMBIGUOUS);
    crm_customer_cursor *cur;
    int rc = crm_customer_resolve_open(&cur, ctl->db, arg);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_error("give one of their ids:");
    int listed = ctl_print_candidates(ctl, cur);
    return listed == EXIT_OK ? st : listed;
}

/* Could arg be the first digits of an id: hexadecimal digits and hyphens,
 * shorter than a whole id (a whole one is read as it is)? */
static int looks_like_prefix(const char *arg)
{
    size_t n = strlen(arg);
    return n >= CRM_ID_PREFIX_MIN && n < CRM_ID_LEN &&
           strspn(arg, "0123456789abcdefABCDEF-") == n;
}

int ctl_expand_id(crmctl *ctl, crm_record_t record, const char **arg, char buf[CRM_ID_LEN + 1])
{
    /* A whole id goes to the call as it is, which says what it lacks. */
    if (!*arg || strlen(*arg) >= CRM_ID_LEN)
        return EXIT_OK;
    char *full = NULL;
    int rc = crm_id_expand(&full, ctl->db, record, *arg);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    memcpy(buf, full, CRM_ID_LEN + 1);
    crm_free(full);
    *arg = buf;
    return EXIT_OK;
}

/* A customer the outside world does not know by arg may be named by the
 * first digits of their id: the one it names, else the first failure. */
static int by_prefix(crmctl *ctl, const char *arg, int rc, crm_customer **out)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", crm_errmsg(ctl->db));
    char *full = NULL;
    int x = crm_id_expand(&full, ctl->db, CRM_RECORD_CUSTOMER, arg);
    if (x == CRM_OK) {
        x = crm_customer_get(out, ctl->db, full);
        crm_free(full);
        return x == CRM_OK ? EXIT_OK : ctl_fail(ctl, x);
    }
    if (x == CRM_EAMBIGUOUS)
        return ctl_fail(ctl, x);
    return ctl_fail_msg(ctl, rc, msg);
}

int ctl_resolve_customer(crmctl *ctl, const char *arg, crm_customer **out)
{
    if (!*arg) {
        ctl_error("an empty customer: give an id, phone number, e-mail address, "
                  "network:handle, account or loyalty number");
        return EXIT_INVALID;
    }
    int rc = crm_customer_resolve(out, ctl->db, arg);
    /* An old id still names the customer it was merged into; whoever
     * typed it learns the id to use from now on. */
    if (rc == CRM_OK && crm_customer_merged_from(*out))
        ctl_error("note: customer %s was merged into %s (%s): using that one",
                  crm_customer_merged_from(*out), crm_customer_id(*out), crm_customer_name(*out));
    if (rc == CRM_OK)
        return EXIT_OK;
    if (rc == CRM_EAMBIGUOUS)
        return ambiguous(ctl, arg);
    if (rc == CRM_ENOTFOUND && looks_like_prefix(arg))
        return by_prefix(ctl, arg, rc, out);
    int st = ctl_fail(ctl, rc);
    /* A national number is read in a country, which crmctl takes from
     * --country or $CRM_COUNTRY. */
    if (rc == CRM_ENOTFOUND && !ctl->country &&
        strstr(crm_errmsg(ctl->db), "without a default country"))
        ctl_error("national phone numbers are read with --country (or $CRM_COUNTRY), or in "
                  "the database's own: crmctl config default_country CC");
    return st;
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
