/*
 * crmctl - the agenda: what needs doing, for an owner or everyone, in the
 * order docs/agenda.md states (libcrm orders it; this file only shows it).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <string.h>

#include "crmctl.h"

/* The kinds of a comma-separated list of words as CRM_AGENDA_BIT()s. */
static int parse_kinds(const ctl_command *cmd, const char *text, unsigned int *out)
{
    char word[64];
    *out = 0;
    for (const char *p = text;;) {
        size_t n = strcspn(p, ",");
        crm_agenda_kind_t k;
        if (n == 0 || n >= sizeof word)
            return ctl_value_error(cmd, "--kind wants words separated by commas, not '%s'", text);
        memcpy(word, p, n);
        word[n] = 0;
        if (crm_agenda_kind_parse(&k, word) != CRM_OK)
            return ctl_value_error(cmd, "--kind: '%s' is no kind of item (promise_overdue, "
                                   "promise_due, contact_waiting, occasion)", word);
        *out |= CRM_AGENDA_BIT(k);
        if (!p[n])
            return CTL_CONTINUE;
        p += n + 1;
    }
}

/* How long an item has waited, or how long until it is due. */
static const char *waited_text(char buf[CTL_TIME_SIZE + 8], int64_t waited)
{
    char d[CTL_TIME_SIZE];
    if (waited >= 0)
        snprintf(buf, CTL_TIME_SIZE + 8, "%s", ctl_duration(d, waited));
    else
        snprintf(buf, CTL_TIME_SIZE + 8, "in %s", ctl_duration(d, -waited));
    return buf;
}

int ctl_print_agenda(crmctl *ctl, const ctl_view *v, const crm_agenda_options *o)
{
    crm_agenda_item_cursor *cur;
    int rc = crm_agenda_item_list_open(&cur, ctl->db, o);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    static const char *const headers[] = { "KIND", "CUSTOMER", "WAITED", "WHY", "ID" };
    ctl_table t;
    ctl_table_init(&t, v->no_ids ? 4 : 5, headers);
    if (ctl->json)
        ctl_json_begin_array(v->j, v->key);
    const crm_agenda_item *it;
    while ((rc = crm_agenda_item_cursor_next(cur, &it)) == CRM_ROW) {
        const char *kind = crm_agenda_kind_name(crm_agenda_item_kind(it));
        if (ctl->json) {
            ctl_json *j = v->j;
            ctl_json_begin_object(j, NULL);
            ctl_json_string(j, "kind", kind);
            ctl_json_string(j, "customer_id", crm_agenda_item_customer_id(it));
            ctl_json_string(j, "customer_name", crm_agenda_item_customer_name(it));
            ctl_json_string(j, "customer_owner", crm_agenda_item_customer_owner(it));
            ctl_json_string(j, "id", crm_agenda_item_id(it));
            ctl_json_string(j, "owner", crm_agenda_item_owner(it));
            ctl_json_time(j, "since", crm_agenda_item_since(it));
            if (crm_agenda_item_due_at(it) != CRM_TIME_NONE)
                ctl_json_time(j, "due_at", crm_agenda_item_due_at(it));
            else
                ctl_json_null(j, "due_at");
            ctl_json_int(j, "waited_ms", crm_agenda_item_waited(it));
            ctl_json_int(j, "score", crm_agenda_item_score(it));
            ctl_json_string(j, "channel", crm_agenda_item_channel(it));
            ctl_json_string(j, "why", crm_agenda_item_why(it));
            ctl_json_end_object(j);
        } else {
            char waited[CTL_TIME_SIZE + 8];
            const char *cells[] = { kind, crm_agenda_item_customer_name(it),
                                    waited_text(waited, crm_agenda_item_waited(it)),
                                    crm_agenda_item_why(it), crm_agenda_item_id(it) };
            ctl_table_add(&t, cells);
        }
    }
    crm_agenda_item_cursor_free(cur);
    return ctl_view_finish(ctl, v, rc, &t, "no items on the agenda");
}

int cmd_agenda(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *owner = NULL, *as_of = NULL, *horizon = NULL, *kinds = NULL, *limit = NULL;
    const ctl_option opts[] = {
        { "owner", NULL, &owner },     { "as-of", NULL, &as_of }, { "horizon", NULL, &horizon },
        { "kind", NULL, &kinds },      { "limit", NULL, &limit }, { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.owner = owner;
    if (as_of && (st = ctl_parse_time(cmd, "as-of", as_of, &o.as_of)) != CTL_CONTINUE)
        return st;
    uint64_t n;
    if (horizon) {
        if (ctl_parse_uint(horizon, 366 * 24, &n) != 0 || n == 0)
            return ctl_value_error(cmd, "--horizon wants a number of hours from 1 to %d, not '%s'",
                                   366 * 24, horizon);
        o.horizon = (int64_t)n * CRM_AGENDA_HOUR_MS;
    }
    if (kinds && (st = parse_kinds(cmd, kinds, &o.kinds)) != CTL_CONTINUE)
        return st;
    if (limit) {
        if (ctl_parse_uint(limit, UINT32_MAX, &n) != 0)
            return ctl_value_error(cmd, "--limit wants a number (0: all), not '%s'", limit);
        o.limit = (unsigned int)n;
    }
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_view v = { &j, NULL, "", 0, NULL, NULL };
    st = ctl_print_agenda(ctl, &v, &o);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}
