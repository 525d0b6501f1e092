/*
 * crmctl - the customer commands: records, attributes, tags, memberships.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <limits.h>
#include <string.h>

#include "crmctl.h"
#include "timeparse.h"

/* Print a customer's own fields as JSON or, for people, "<done> NAME (ID)."
 * or with done NULL the bare id, so that scripts can write
 * id=$(crmctl customer add ...). */
static void print_brief(crmctl *ctl, const crm_customer *c, const char *done)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_customer_fields(&j, c);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else if (done) {
        ctl_printf("%s %s (%s).\n", done, crm_customer_name(c), crm_customer_id(c));
    } else {
        ctl_printf("%s\n", crm_customer_id(c));
    }
}

int cmd_customer_add(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *kind_name = NULL, *pos[1];
    const ctl_option opts[] = { { "kind", NULL, &kind_name }, { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    crm_customer_kind_t kind;
    if (!kind_name)
        return ctl_usage_error(cmd, "--kind is required (person or organisation)");
    if (crm_customer_kind_parse(&kind, kind_name) != CRM_OK)
        return ctl_value_error(cmd, "unknown kind '%s': use person or organisation", kind_name);
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;

    crm_customer *c;
    int rc = crm_customer_create(&c, ctl->db, kind, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_brief(ctl, c, NULL);
    crm_customer_free(c);
    return EXIT_OK;
}

/* How many of a customer's latest interactions `customer show` shows. */
#define SHOW_INTERACTIONS 5

/*
 * What is going on with a customer, after its record: the open promises
 * (overdue ones marked), the latest interactions and how many more there
 * are, and the occasions of the coming year. Into j (open) with --json,
 * else as sections of text. Returns an exit status.
 */
static int print_activity(crmctl *ctl, ctl_json *j, const crm_customer *c)
{
    const char *id = crm_customer_id(c);
    int64_t now = crm_now();

    crm_promise_filter pf = CRM_PROMISE_FILTER_INIT;
    pf.customer_id = id;
    pf.states = CRM_PROMISE_BIT(CRM_PROMISE_OPEN);
    ctl_view v = { j, "open_promises", "  ", 0, NULL, NULL };
    if (!ctl->json)
        ctl_printf("\nOpen promises\n");
    int st = ctl_print_promises(ctl, &v, &pf, now);
    if (st != EXIT_OK)
        return st;

    /* The total first, to say how many more the timeline holds. */
    crm_timeline_filter tf = CRM_TIMELINE_FILTER_INIT;
    crm_interaction_cursor *cur;
    int rc = crm_interaction_timeline_open(&cur, ctl->db, id, &tf);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    int64_t total = 0;
    const crm_interaction *i;
    while ((rc = crm_interaction_cursor_next(cur, &i)) == CRM_ROW)
        total++;
    crm_interaction_cursor_free(cur);
    if (rc != CRM_DONE)
        return ctl_fail(ctl, rc);
    tf.limit = SHOW_INTERACTIONS;
    v.key = "latest_interactions";
    if (ctl->json)
        ctl_json_int(j, "interactions_total", total);
    else if (total > SHOW_INTERACTIONS)
        ctl_printf("\nLatest interactions (%d of %lld, newest first)\n", SHOW_INTERACTIONS,
                   (long long)total);
    else
        ctl_printf("\nInteractions (newest first)\n");
    if ((st = ctl_print_timeline(ctl, &v, id, &tf, NULL)) != EXIT_OK)
        return st;
    if (!ctl->json && total > SHOW_INTERACTIONS)
        ctl_printf("  (%lld more: crmctl timeline %s)\n", (long long)(total - SHOW_INTERACTIONS),
                   id);

    int64_t today = ctl_day_of(now, ctl->utc);
    v.key = "upcoming_occasions";
    v.customer = id;
    if (!ctl->json)
        ctl_printf("\nOccasions in the coming year\n");
    return ctl_print_upcoming(ctl, &v, today, 366, today);
}

int cmd_customer_show(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ);
    if (st != CTL_CONTINUE)
        return st;
    crm_customer *c;
    if ((st = ctl_resolve_customer(ctl, pos[0], &c)) != EXIT_OK)
        return st;
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        st = ctl_json_customer_begin(ctl, &j, NULL, c);
        if (st == EXIT_OK && (st = print_activity(ctl, &j, c)) == EXIT_OK) {
            ctl_json_end_object(&j);
            ctl_json_finish(&j);
        }
    } else if ((st = ctl_print_customer(ctl, c, "")) == EXIT_OK) {
        st = print_activity(ctl, NULL, c);
    }
    crm_customer_free(c);
    return st;
}

/* customer list --count: the number alone, or {"count": N}. */
static int print_count(crmctl *ctl, const crm_customer_filter *f)
{
    int64_t n;
    int rc = crm_customer_count(&n, ctl->db, f);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_int(&j, "count", n);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%lld\n", (long long)n);
    }
    return EXIT_OK;
}

int cmd_customer_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *kind = NULL, *tag = NULL, *prefix = NULL, *order = NULL, *after = NULL,
               *limit = NULL, *owner = NULL;
    int archived = 0, all = 0, count = 0;
    const ctl_option opts[] = {
        { "kind", NULL, &kind },     { "tag", NULL, &tag },
        { "prefix", NULL, &prefix }, { "archived", &archived, NULL },
        { "all", &all, NULL },       { "order", NULL, &order },
        { "after", NULL, &after },   { "limit", NULL, &limit },
        { "count", &count, NULL },   { "owner", NULL, &owner },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    if (count && (order || after || limit))
        return ctl_usage_error(cmd, "--count counts every customer the filter keeps: "
                                    "--order, --after and --limit do not apply");

    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    if (kind) {
        crm_customer_kind_t k;
        if (crm_customer_kind_parse(&k, kind) != CRM_OK)
            return ctl_value_error(cmd, "unknown kind '%s': use person or organisation", kind);
        f.kind = k;
    }
    if (archived && all)
        return ctl_usage_error(cmd, "--archived and --all exclude each other");
    f.archived = archived ? CRM_ARCHIVED_ONLY : all ? CRM_ARCHIVED_INCLUDE : CRM_ARCHIVED_EXCLUDE;
    if (order && strcmp(order, "name") == 0)
        f.order = CRM_ORDER_NAME;
    else if (order && strcmp(order, "created") != 0)
        return ctl_value_error(cmd, "unknown order '%s': use created or name", order);
    if (limit) {
        uint64_t n;
        if (ctl_parse_uint(limit, UINT_MAX, &n) != 0)
            return ctl_value_error(cmd, "--limit wants a number, not '%s'", limit);
        f.limit = (unsigned int)n;
    }
    f.tag = tag;
    f.name_prefix = prefix;
    f.after = after;
    f.owner = owner;
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    if (count)
        return print_count(ctl, &f);

    crm_customer_cursor *cur;
    int rc = crm_customer_list_open(&cur, ctl->db, &f);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);

    /* The archived column only when archived customers can show up. */
    static const char *const headers[] = { "ID", "KIND", "NAME", "OWNER", "CREATED", "ARCHIVED" };
    size_t ncols = f.archived == CRM_ARCHIVED_EXCLUDE ? 5 : 6;
    ctl_table t;
    ctl_json j;
    ctl_table_init(&t, ncols, headers);
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const crm_customer *c;
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
        if (ctl->json) {
            ctl_json_begin_object(&j, NULL);
            ctl_json_customer_fields(&j, c);
            ctl_json_end_object(&j);
        } else {
            char created[CTL_TIME_SIZE];
            const char *cells[] = { crm_customer_id(c),
                                    crm_customer_kind_name(crm_customer_kind(c)),
                                    crm_customer_name(c),
                                    crm_customer_owner(c) ? crm_customer_owner(c) : "-",
                                    ctl_time_human(created, crm_customer_created_at(c)),
                                    crm_customer_is_archived(c) ? "yes" : "no" };
            ctl_table_add(&t, cells);
        }
    }
    crm_customer_cursor_free(cur);
    return ctl_list_finish(ctl, rc, &t, &j, 1, "customers");
}

/* After a change to customer id that returned rc: report it, or show the
 * customer as it is now. */
static int change_customer(crmctl *ctl, const char *id, int rc, const char *done)
{
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    crm_customer *c;
    rc = crm_customer_get(&c, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_brief(ctl, c, done);
    crm_customer_free(c);
    return EXIT_OK;
}

int cmd_customer_rename(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    return change_customer(ctl, id, crm_customer_rename(ctl->db, id, pos[1]),
                           "Renamed to");
}

int cmd_customer_archive(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    return change_customer(ctl, id, crm_customer_archive(ctl->db, id),
                           "Archived");
}

int cmd_customer_unarchive(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    return change_customer(ctl, id, crm_customer_unarchive(ctl->db, id),
                           "Unarchived");
}

int cmd_customer_owner(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2] = { NULL, NULL };
    int none = 0;
    const ctl_option opts[] = { { "no-owner", &none, NULL }, { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 2);
    if (st != CTL_CONTINUE)
        return st;
    /* Clearing is asked for by name, so that a forgotten OWNER is not taken
     * for "no one". */
    if (!pos[1] && !none)
        return ctl_usage_error(cmd, "give an OWNER, or --no-owner to clear it");
    if (pos[1] && none)
        return ctl_usage_error(cmd, "OWNER and --no-owner exclude each other");
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], id)) != EXIT_OK)
        return st;
    int rc = crm_customer_set_owner(ctl->db, id, pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    crm_customer *c;
    if ((rc = crm_customer_get(&c, ctl->db, id)) != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json)
        print_brief(ctl, c, NULL);
    else if (pos[1])
        ctl_printf("%s looks after %s (%s).\n", crm_customer_owner(c), crm_customer_name(c),
                   crm_customer_id(c));
    else
        ctl_printf("No one looks after %s (%s).\n", crm_customer_name(c), crm_customer_id(c));
    crm_customer_free(c);
    return EXIT_OK;
}

/* ---- attributes ------------------------------------------------------------ */

static void print_attr_json(const char *id, const char *key, const char *value)
{
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_json_begin_object(&j, NULL);
    ctl_json_string(&j, "customer", id);
    ctl_json_string(&j, "key", key);
    ctl_json_string(&j, "value", value);
    ctl_json_end_object(&j);
    ctl_json_finish(&j);
}

int cmd_attr_set(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 3, 3, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_attr_set(ctl->db, id, pos[1], pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json)
        print_attr_json(id, pos[1], pos[2]);
    else
        ctl_printf("Set %s.\n", pos[1]);
    return EXIT_OK;
}

int cmd_attr_get(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    char *value;
    int rc = crm_attr_get(&value, ctl->db, id, pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    /* One line, escaped as everything shown to a person is (a stored value
     * may hold "\e]0;...\a"); scripts that need it exact take --json. */
    if (ctl->json)
        print_attr_json(id, pos[1], value);
    else
        ctl_printf("%s\n", value);
    crm_free(value);
    return EXIT_OK;
}

/* Answers through the exit status as `consent check` does: 0 for a match,
 * 1 for none, and a locked customer is a failure (EXIT_CONFLICT) with
 * libcrm's message saying until when. The answer is never printed back. */
int cmd_customer_verify(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 3, 3, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    int matched = 0;
    int rc = crm_customer_verify(&matched, ctl->db, id, pos[1], pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "customer", id);
        ctl_json_string(&j, "key", pos[1]);
        ctl_json_bool(&j, "matched", matched);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", matched ? "match" : "no match");
    }
    return matched ? EXIT_OK : EXIT_NOTFOUND;
}

int cmd_attr_unset(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_attr_unset(ctl->db, id, pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json)
        print_attr_json(id, pos[1], NULL);
    else
        ctl_printf("Unset %s.\n", pos[1]);
    return EXIT_OK;
}

int cmd_attr_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    static const char *const headers[] = { "KEY", "VALUE" };
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_attr_cursor *cur;
    int rc = crm_attr_list_open(&cur, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table t;
    ctl_json j;
    ctl_table_init(&t, 2, headers);
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_object(&j, NULL);
    const crm_attr *a;
    while ((rc = crm_attr_cursor_next(cur, &a)) == CRM_ROW) {
        if (ctl->json) {
            ctl_json_string(&j, crm_attr_key(a), crm_attr_value(a));
        } else {
            const char *cells[] = { crm_attr_key(a), crm_attr_value(a) };
            ctl_table_add(&t, cells);
        }
    }
    crm_attr_cursor_free(cur);
    return ctl_list_finish(ctl, rc, &t, &j, 0, "attributes");
}

/* ---- tags --------------------------------------------------------------------- */

static void print_tag(crmctl *ctl, const char *id, const char *tag, int tagged)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "customer", id);
        ctl_json_string(&j, "tag", tag);
        ctl_json_bool(&j, "tagged", tagged);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s tag %s.\n", tagged ? "Added" : "Removed", tag);
    }
}

int cmd_tag_add(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_tag_add(ctl->db, id, pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_tag(ctl, id, pos[1], 1);
    return EXIT_OK;
}

int cmd_tag_remove(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_tag_remove(ctl->db, id, pos[1]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_tag(ctl, id, pos[1], 0);
    return EXIT_OK;
}

int cmd_tag_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_tag_cursor *cur;
    int rc = crm_tag_list_open(&cur, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    /* One tag a line: tags may hold spaces, never line breaks. */
    ctl_json j;
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const char *tag;
    int n = 0;
    while ((rc = crm_tag_cursor_next(cur, &tag)) == CRM_ROW) {
        if (ctl->json)
            ctl_json_string(&j, NULL, tag);
        else
            ctl_printf("%s\n", tag);
        n++;
    }
    crm_tag_cursor_free(cur);
    if (rc != CRM_DONE)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json_end_array(&j);
        ctl_json_finish(&j);
    } else if (n == 0) {
        puts("(no tags)");
    }
    return EXIT_OK;
}

/* ---- memberships ----------------------------------------------------------------- */

static void print_membership(crmctl *ctl, const char *org, const char *person, const char *role)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "organisation", org);
        ctl_json_string(&j, "person", person);
        ctl_json_string(&j, "role", role);
        ctl_json_bool(&j, "member", role != NULL);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else if (role) {
        ctl_printf("Added %s to %s as %s.\n", person, org, role);
    } else {
        ctl_printf("Removed %s from %s.\n", person, org);
    }
}

int cmd_member_add(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[3];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 3, 3, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    char id1[CRM_ID_LEN + 1];
    if ((st = ctl_resolve_customer_id(ctl, pos[1], id1)) != EXIT_OK)
        return st;
    int rc = crm_member_add(ctl->db, id, id1, pos[2]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_membership(ctl, id, id1, pos[2]);
    return EXIT_OK;
}

int cmd_member_remove(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 2, 2, CTL_WRITE, id);
    if (st != CTL_CONTINUE)
        return st;
    char id1[CRM_ID_LEN + 1];
    if ((st = ctl_resolve_customer_id(ctl, pos[1], id1)) != EXIT_OK)
        return st;
    int rc = crm_member_remove(ctl->db, id, id1);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_membership(ctl, id, id1, NULL);
    return EXIT_OK;
}

int cmd_member_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    char id[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    crm_member_cursor *cur;
    int rc = crm_member_list_open(&cur, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table rows;
    ctl_table_init(&rows, CTL_MEMBER_COLUMNS, NULL);
    const crm_member *m;
    while ((rc = crm_member_cursor_next(cur, &m)) == CRM_ROW)
        ctl_member_row(&rows, m);
    crm_member_cursor_free(cur);
    if (rc != CRM_DONE) {
        ctl_table_free(&rows);
        return ctl_fail(ctl, rc);
    }

    st = EXIT_OK;
    if (rows.failed) {
        ctl_error("out of memory listing memberships");
        st = EXIT_DATABASE;
    } else if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_array(&j, NULL);
        for (size_t r = 0; r < rows.nrows; r++)
            ctl_json_member_row(&j, NULL, &rows, r);
        ctl_json_end_array(&j);
        ctl_json_finish(&j);
    } else if (rows.nrows == 0) {
        puts("(no memberships)");
    } else {
        ctl_table shown;
        ctl_member_table(&shown, &rows, id);
        if (ctl_table_print(&shown, stdout, "") != 0) {
            ctl_error("out of memory listing memberships");
            st = EXIT_DATABASE;
        }
        ctl_table_free(&shown);
    }
    ctl_table_free(&rows);
    return st;
}
