/*
 * crmctl - the consent commands, and deleting an interaction.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * `consent check` answers through its exit status as well as in words, so
 * that a script can ask it before sending anything: 0 when the customer
 * may be contacted, 1 when not; any failure is a status other than 0 too,
 * so a script that sends only on 0 never sends by mistake.
 */
#include <string.h>

#include "crmctl.h"

/* One event as a JSON object (key: as for the other writers). */
static void json_consent(ctl_json *j, const char *key, const crm_consent *k)
{
    ctl_json_begin_object(j, key);
    ctl_json_string(j, "id", crm_consent_id(k));
    ctl_json_string(j, "customer", crm_consent_customer_id(k));
    ctl_json_string(j, "purpose", crm_consent_purpose(k));
    ctl_json_string(j, "channel", crm_consent_channel(k));
    ctl_json_bool(j, "granted", crm_consent_is_granted(k));
    ctl_json_time(j, "at", crm_consent_at(k));
    ctl_json_string(j, "actor", crm_consent_actor(k));
    ctl_json_string(j, "interaction", crm_consent_interaction_id(k));
    ctl_json_string(j, "note", crm_consent_note(k));
    ctl_json_time(j, "recorded_at", crm_consent_recorded_at(k));
    ctl_json_end_object(j);
}

static const char *decision(const crm_consent *k)
{
    return crm_consent_is_granted(k) ? "granted" : "withdrawn";
}

static const char *channel_text(const char *channel)
{
    return channel ? channel : "every channel";
}

static int record(crmctl *ctl, const ctl_command *cmd, int argc, char **argv, int granted)
{
    const char *channel = NULL, *at = NULL, *during = NULL, *note = NULL, *pos[2];
    const ctl_option opts[] = {
        { "channel", NULL, &channel }, { "at", NULL, &at },     { "during", NULL, &during },
        { "note", NULL, &note },       { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    crm_consent_spec spec = CRM_CONSENT_SPEC_INIT;
    if (at && (st = ctl_parse_time(cmd, "at", at, &spec.at)) != CTL_CONTINUE)
        return st;
    char customer[CRM_ID_LEN + 1], during_id[CRM_ID_LEN + 1];
    if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], customer)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &during, during_id)) != EXIT_OK)
        return st;
    spec.customer_id = customer;
    spec.purpose = pos[1];
    spec.channel = channel;
    spec.interaction_id = during;
    spec.note = note;
    crm_consent *k;
    int rc = granted ? crm_consent_grant(&k, ctl->db, &spec)
                     : crm_consent_withdraw(&k, ctl->db, &spec);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        json_consent(&j, NULL, k);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", crm_consent_id(k));
    }
    crm_consent_free(k);
    return EXIT_OK;
}

int cmd_consent_grant(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    return record(ctl, cmd, argc, argv, 1);
}

int cmd_consent_withdraw(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    return record(ctl, cmd, argc, argv, 0);
}

int cmd_consent_show(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    static const char *const headers[] = { "AT",     "PURPOSE", "CHANNEL", "DECISION",
                                           "BY",     "DURING",  "NOTE",    "ID" };
    const char *purpose = NULL, *channel = NULL, *pos[1];
    const ctl_option opts[] = {
        { "purpose", NULL, &purpose },
        { "channel", NULL, &channel },
        { NULL, NULL, NULL },
    };
    char customer[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, opts, pos, 1, 1, CTL_READ, customer);
    if (st != CTL_CONTINUE)
        return st;
    crm_consent_cursor *cur;
    int rc = crm_consent_history_open(&cur, ctl->db, customer, purpose, channel);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table t;
    ctl_json j;
    ctl_table_init(&t, 8, headers);
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const crm_consent *k;
    while ((rc = crm_consent_cursor_next(cur, &k)) == CRM_ROW) {
        if (ctl->json) {
            json_consent(&j, NULL, k);
            continue;
        }
        char when[CTL_TIME_SIZE];
        const char *cells[] = { ctl_time_short(when, crm_consent_at(k)), crm_consent_purpose(k),
                                crm_consent_channel(k) ? crm_consent_channel(k) : "*",
                                decision(k), crm_consent_actor(k),
                                crm_consent_interaction_id(k) ? crm_consent_interaction_id(k)
                                                              : "-",
                                crm_consent_note(k) ? crm_consent_note(k) : "-",
                                crm_consent_id(k) };
        ctl_table_add(&t, cells);
    }
    crm_consent_cursor_free(cur);
    return ctl_list_finish(ctl, rc, &t, &j, 1, "consent recorded");
}

int cmd_consent_check(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *channel = NULL, *pos[2];
    const ctl_option opts[] = {
        { "channel", NULL, &channel },
        { NULL, NULL, NULL },
    };
    char customer[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, opts, pos, 2, 2, CTL_READ, customer);
    if (st != CTL_CONTINUE)
        return st;
    crm_consent *k = NULL;
    int rc = crm_consent_latest(&k, ctl->db, customer, pos[1], channel);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    int yes = k && crm_consent_is_granted(k);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "customer", customer);
        ctl_json_string(&j, "purpose", pos[1]);
        ctl_json_string(&j, "channel", channel);
        ctl_json_bool(&j, "may_contact", yes);
        if (k)
            json_consent(&j, "decided_by", k);
        else
            ctl_json_null(&j, "decided_by");
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else if (!k) {
        ctl_printf("no: no consent recorded for %s on %s\n", pos[1], channel_text(channel));
    } else {
        char when[CTL_TIME_SIZE];
        ctl_printf("%s: %s for %s on %s at %s by %s (%s)\n", yes ? "yes" : "no", decision(k),
                   crm_consent_purpose(k), channel_text(crm_consent_channel(k)),
                   ctl_time_human(when, crm_consent_at(k)), crm_consent_actor(k),
                   crm_consent_id(k));
    }
    crm_consent_free(k);
    return yes ? EXIT_OK : EXIT_NOTFOUND;
}

int cmd_interaction_delete(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_WRITE);
    if (st != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &pos[0], id)) != EXIT_OK)
        return st;
    /* Read first, to say what went. */
    crm_interaction *i;
    int rc = crm_interaction_get(&i, ctl->db, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if ((rc = crm_interaction_delete(ctl->db, pos[0])) != CRM_OK) {
        st = ctl_fail(ctl, rc);
        crm_interaction_free(i);
        return st;
    }
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "id", crm_interaction_id(i));
        ctl_json_string(&j, "customer", crm_interaction_customer_id(i));
        ctl_json_bool(&j, "deleted", 1);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        char when[CTL_TIME_SIZE];
        ctl_printf("Deleted the %s interaction of %s (%s).\n", crm_interaction_channel_name(i),
                   ctl_time_human(when, crm_interaction_occurred_at(i)), crm_interaction_id(i));
    }
    crm_interaction_free(i);
    return EXIT_OK;
}
