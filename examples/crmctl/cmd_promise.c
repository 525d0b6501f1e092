/*
 * crmctl - the promise commands.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <string.h>

#include "crmctl.h"

/* --at TIME, when the step happened: CRM_TIME_NONE (now) without it. */
static int parse_at(const ctl_command *cmd, const char *text, int64_t *out)
{
    *out = CRM_TIME_NONE;
    return text ? ctl_parse_time(cmd, "at", text, out) : CTL_CONTINUE;
}

int cmd_promise_make(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *owner = NULL, *due = NULL, *during = NULL, *at = NULL, *pos[2];
    const ctl_option opts[] = {
        { "owner", NULL, &owner },
        { "due", NULL, &due },
        { "during", NULL, &during },
        { "at", NULL, &at },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    /* Whoever makes the promise keeps it, unless someone else is named. */
    if (!owner)
        owner = ctl->actor;
    if (!owner)
        return ctl_usage_error(cmd, "who must keep it? pass --owner WHO (agent:alice), or set "
                                    "the actor (--actor or $CRM_ACTOR), who owns it by default");
    if (!due)
        return ctl_usage_error(cmd, "--due is required: when it is due");
    int64_t due_at, made_at;
    if ((st = ctl_parse_time(cmd, "due", due, &due_at)) != CTL_CONTINUE ||
        (st = parse_at(cmd, at, &made_at)) != CTL_CONTINUE)
        return st;
    char customer[CRM_ID_LEN + 1];
    char during_id[CRM_ID_LEN + 1];
    if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], customer)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &during, during_id)) != EXIT_OK)
        return st;

    crm_promise *p;
    int64_t now = crm_now();
    int rc = crm_promise_make(&p, ctl->db, customer, during, owner, pos[1], due_at, made_at);
    int64_t made = made_at == CRM_TIME_NONE ? now : made_at;
    if (rc == CRM_EINVAL && due_at < made) {
        /* libcrm decides what it takes; when it refuses a due time already
         * past, say which two times were compared, as they were typed. */
        char d[CTL_TIME_SIZE], m[CTL_TIME_SIZE];
        ctl_error_after(crm_errmsg(ctl->db), " (--due %s is %s, before the promise is made at %s%s)",
                        due, ctl_time_human(d, due_at), ctl_time_human(m, made),
                        made_at == CRM_TIME_NONE ? ", now" : "");
        return EXIT_INVALID;
    }
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_promise(&j, NULL, p, crm_now());
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", crm_promise_id(p));
    }
    crm_promise_free(p);
    return EXIT_OK;
}

/* After a transition that returned rc and, on success, the promise p as the
 * step left it: report the failure, or show p as JSON or as
 * "Promise ID <done>: WHAT (STATUS; due ...)". */
static int after_change(crmctl *ctl, int rc, crm_promise *p, const char *done)
{
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    int64_t now = crm_now();
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_promise(&j, NULL, p, now);
        ctl_json_finish(&j);
    } else {
        char status[64], due[CTL_TIME_SIZE];
        int on_time = crm_promise_state(p) == CRM_PROMISE_KEPT && !crm_promise_was_kept_late(p);
        ctl_printf("Promise %s %s: %s (%s; due %s).\n", crm_promise_id(p), done,
                   crm_promise_what(p), on_time ? "on time" : ctl_promise_status(status, p, now),
                   ctl_time_short(due, crm_promise_due_at(p)));
    }
    crm_promise_free(p);
    return EXIT_OK;
}

int cmd_promise_keep(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *by = NULL, *note = NULL, *at = NULL, *pos[1];
    const ctl_option opts[] = {
        { "by", NULL, &by },
        { "note", NULL, &note },
        { "at", NULL, &at },
        { NULL, NULL, NULL },
    };
    int64_t when;
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE || (st = parse_at(cmd, at, &when)) != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1], by_id[CRM_ID_LEN + 1];
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_PROMISE, &pos[0], id)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &by, by_id)) != EXIT_OK)
        return st;
    crm_promise *p = NULL;
    int rc = crm_promise_keep(&p, ctl->db, pos[0], by, note, when);
    return after_change(ctl, rc, p, "kept");
}

int cmd_promise_break(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *at = NULL, *pos[2];
    const ctl_option opts[] = { { "at", NULL, &at }, { NULL, NULL, NULL } };
    int64_t when;
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 2, 2);
    if (st != CTL_CONTINUE || (st = parse_at(cmd, at, &when)) != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_PROMISE, &pos[0], id)) != EXIT_OK)
        return st;
    crm_promise *p = NULL;
    int rc = crm_promise_break(&p, ctl->db, pos[0], pos[1], when);
    return after_change(ctl, rc, p, "broken");
}

int cmd_promise_release(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *note = NULL, *at = NULL, *pos[1];
    const ctl_option opts[] = { { "note", NULL, &note }, { "at", NULL, &at }, { NULL, NULL, NULL } };
    int64_t when;
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE || (st = parse_at(cmd, at, &when)) != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_PROMISE, &pos[0], id)) != EXIT_OK)
        return st;
    crm_promise *p = NULL;
    int rc = crm_promise_release(&p, ctl->db, pos[0], note, when);
    return after_change(ctl, rc, p, "released");
}

int cmd_promise_renegotiate(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *due = NULL, *at = NULL, *pos[2];
    int agreed = 0;
    const ctl_option opts[] = {
        { "due", NULL, &due },
        { "agreed", &agreed, NULL },
        { "at", NULL, &at },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    if (!due)
        return ctl_usage_error(cmd, "--due is required: the new due time");
    int64_t due_at, when;
    if ((st = ctl_parse_time(cmd, "due", due, &due_at)) != CTL_CONTINUE ||
        (st = parse_at(cmd, at, &when)) != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_PROMISE, &pos[0], id)) != EXIT_OK)
        return st;
    crm_promise *p = NULL;
    int rc = crm_promise_renegotiate(&p, ctl->db, pos[0], due_at, pos[1], agreed, when);
    return after_change(ctl, rc, p,
                        agreed ? "renegotiated with the customer's agreement"
                               : "renegotiated without the customer's agreement");
}

int cmd_promise_show(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ);
    if (st != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_expand_id(ctl, CRM_RECORD_PROMISE, &pos[0], id)) != EXIT_OK)
        return st;
    crm_promise *p;
    int rc = crm_promise_get(&p, ctl->db, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = ctl_print_promise(ctl, p, crm_now());
    crm_promise_free(p);
    return st;
}

int cmd_promise_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *customer = NULL, *owner = NULL, *due_before = NULL, *as_of = NULL;
    int overdue = 0, open = 0;
    const ctl_option opts[] = {
        { "customer", NULL, &customer }, { "owner", NULL, &owner },
        { "overdue", &overdue, NULL },   { "open", &open, NULL },
        { "due-before", NULL, &due_before }, { "as-of", NULL, &as_of },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    int64_t when = crm_now();
    if ((as_of && (st = ctl_parse_time(cmd, "as-of", as_of, &when)) != CTL_CONTINUE) ||
        (due_before &&
         (st = ctl_parse_time(cmd, "due-before", due_before, &f.due_before)) != CTL_CONTINUE))
        return st;
    if (open)
        f.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    if (overdue)
        f.overdue_as_of = when;
    f.owner = owner;
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    char id[CRM_ID_LEN + 1];
    if (customer) {
        if ((st = ctl_resolve_customer_id(ctl, customer, id)) != EXIT_OK)
            return st;
        f.customer_id = id;
    }
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_view v = { &j, NULL, "", 0, NULL, NULL };
    st = ctl_print_promises(ctl, &v, &f, when);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}
