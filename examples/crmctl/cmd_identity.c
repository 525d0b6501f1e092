/*
 * crmctl - the identity commands and the journal.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <string.h>

#include "crmctl.h"

/* One identity, as JSON or as a short block of text. */
static int print_identity(crmctl *ctl, const crm_identity *i)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_identity(&j, NULL, i);
        ctl_json_finish(&j);
        return EXIT_OK;
    }
    crm_customer *c;
    int rc = crm_customer_get(&c, ctl->db, crm_identity_customer_id(i));
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    char created[CTL_TIME_SIZE];
    const char *flags = ctl_identity_flags_text(crm_identity_flags(i));
    ctl_printf("%s %s\n", crm_identity_kind(i), crm_identity_value(i));
    ctl_printf("  customer    %s (%s)\n", crm_customer_name(c), crm_identity_customer_id(i));
    ctl_printf("  matches on  %s\n", crm_identity_key(i));
    ctl_printf("  flags       %s\n", *flags ? flags : "none");
    ctl_printf("  created     %s\n", ctl_time_human(created, crm_identity_created_at(i)));
    crm_customer_free(c);
    return EXIT_OK;
}

/* The flags the options --primary, --verified and --shared ask for. */
static unsigned int flags_of(int primary, int verified, int shared)
{
    return (primary ? CRM_IDENTITY_PRIMARY : 0u) | (verified ? CRM_IDENTITY_VERIFIED : 0u) |
           (shared ? CRM_IDENTITY_SHARED : 0u);
}

int cmd_identity_add(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    int primary = 0, verified = 0, shared = 0;
    const ctl_option opts[] = {
        { "primary", &primary, NULL },
        { "verified", &verified, NULL },
        { "shared", &shared, NULL },
        { NULL, NULL, NULL },
    };
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, opts, pos, 3, 3, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_identity *i;
    int rc = crm_identity_add(&i, ctl->db, id, pos[1], pos[2], flags_of(primary, verified, shared));
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = EXIT_OK;
    if (ctl->json) {
        st = print_identity(ctl, i);
    } else {
        ctl_printf("Added %s %s", crm_identity_kind(i), crm_identity_value(i));
        if (strcmp(crm_identity_value(i), crm_identity_key(i)) != 0)
            ctl_printf(" (matches on %s)", crm_identity_key(i));
        ctl_printf(" to %s.\n", crm_identity_customer_id(i));
    }
    crm_identity_free(i);
    return st;
}

int cmd_identity_remove(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 3, 3, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_identity_remove(ctl->db, id, pos[1], pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "customer", id);
        ctl_json_string(&j, "kind", pos[1]);
        ctl_json_string(&j, "value", pos[2]);
        ctl_json_bool(&j, "removed", 1);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("Removed %s %s from %s.\n", pos[1], pos[2], id);
    }
    return EXIT_OK;
}

int cmd_identity_flags(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    int primary = 0, verified = 0, shared = 0;
    const ctl_option opts[] = {
        { "primary", &primary, NULL },
        { "verified", &verified, NULL },
        { "shared", &shared, NULL },
        { NULL, NULL, NULL },
    };
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, opts, pos, 3, 3, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_identity_set_flags(ctl->db, id, pos[1], pos[2],
                                    flags_of(primary, verified, shared));
    crm_identity *i;
    if (rc == CRM_OK)
        rc = crm_identity_get(&i, ctl->db, id, pos[1], pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = print_identity(ctl, i);
    crm_identity_free(i);
    return st;
}

int cmd_identity_show(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 3, 3, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_identity *i;
    int rc = crm_identity_get(&i, ctl->db, id, pos[1], pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = print_identity(ctl, i);
    crm_identity_free(i);
    return st;
}

int cmd_identity_lookup(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_READ);
    if (st != CTL_CONTINUE)
        return st;
    crm_customer *c;
    int rc = crm_identity_lookup(&c, ctl->db, pos[0], pos[1]);
    if (rc == CRM_EAMBIGUOUS) {
        /* A shared value: who holds it, so the next command can name one. */
        st = ctl_fail(ctl, rc);
        crm_customer_cursor *cur;
        rc = crm_customer_holders_open(&cur, ctl->db, pos[0], pos[1]);
        if (rc != CRM_OK)
            return ctl_fail(ctl, rc);
        ctl_error("its holders:");
        int listed = ctl_print_candidates(ctl, cur);
        return listed == EXIT_OK ? st : listed;
    }
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = ctl_print_customer(ctl, c, "");
    crm_customer_free(c);
    return st;
}

int cmd_identity_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    static const char *const headers[] = { "KIND", "VALUE", "MATCHES ON", "FLAGS", "ADDED" };
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_identity_cursor *cur;
    int rc = crm_identity_list_open(&cur, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table t;
    ctl_json j;
    ctl_table_init(&t, 5, headers);
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const crm_identity *i;
    while ((rc = crm_identity_cursor_next(cur, &i)) == CRM_ROW) {
        if (ctl->json) {
            ctl_json_identity(&j, NULL, i);
        } else {
            char added[CTL_TIME_SIZE];
            const char *cells[] = { crm_identity_kind(i), crm_identity_value(i),
                                    crm_identity_key(i),
                                    ctl_identity_flags_text(crm_identity_flags(i)),
                                    ctl_time_human(added, crm_identity_created_at(i)) };
            ctl_table_add(&t, cells);
        }
    }
    crm_identity_cursor_free(cur);
    return ctl_list_finish(ctl, rc, &t, &j, 1, "identities");
}

int cmd_identity_normalise(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    int st = ctl_parse(ctl, cmd, argc, argv, NULL, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    /* Normalising needs a handle only for its default country: a private
     * in-memory database leaves every file alone. */
    ctl->db_path = ":memory:";
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;
    char *key;
    int rc = crm_identity_normalise(&key, ctl->db, pos[0], pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "kind", pos[0]);
        ctl_json_string(&j, "value", pos[1]);
        ctl_json_string(&j, "key", key);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", key);
    }
    crm_free(key);
    return EXIT_OK;
}

/* ---- the journal ------------------------------------------------------------------ */

int cmd_journal(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *since = NULL;
    const ctl_option opts[] = { { "since", NULL, &since }, { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    uint64_t seq = 0;
    if (since && ctl_parse_uint(since, INT64_MAX, &seq) != 0)
        return ctl_value_error(cmd, "--since wants a sequence number, not '%s'", since);
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    ctl_json j;
    ctl_json_init(&j, stdout);
    st = ctl_print_journal(ctl, &j, NULL, (int64_t)seq, "");
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}
