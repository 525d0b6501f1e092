/*
 * crmctl - duplicates, merge and unmerge: the pairs of customers that may
 * be one, one merged into the other, and a merge undone.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <stdio.h>
#include <string.h>

#include "crmctl.h"

/* A customer named on the command line for a merge: an id is passed as it
 * is, so that libcrm says when it was merged before (a resolve would
 * follow it to its survivor); anything else is resolved. */
static int merge_arg(crmctl *ctl, const char *arg, char id[CRM_ID_LEN + 1])
{
    if (strlen(arg) == CRM_ID_LEN && arg[8] == '-' && arg[13] == '-') {
        memcpy(id, arg, CRM_ID_LEN + 1);
        return EXIT_OK;
    }
    return ctl_resolve_customer_id(ctl, arg, id);
}

/* The reasons' words joined by commas into buf. */
static const char *reason_words(unsigned int reasons, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned int bit = 1; bit <= CRM_DUPLICATE_IDENTITY && n < size; bit <<= 1) {
        const char *w = crm_duplicate_reason_name((crm_duplicate_reason_t)bit);
        if ((reasons & bit) && w)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", w);
    }
    return buf;
}

int cmd_customer_duplicates(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *customer = NULL, *keys = NULL, *min_score = NULL, *limit = NULL;
    int archived = 0, all = 0;
    const ctl_option opts[] = {
        { "customer", NULL, &customer }, { "keys", NULL, &keys },
        { "min-score", NULL, &min_score }, { "limit", NULL, &limit },
        { "archived", &archived, NULL }, { "all", &all, NULL },
        { NULL, NULL, NULL },
    };
    const char *pos[1];
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    uint64_t n;
    if (min_score) {
        if (ctl_parse_uint(min_score, 100, &n) != 0 || n == 0)
            return ctl_value_error(cmd, "--min-score wants a number from 1 to 100, not '%s'",
                                   min_score);
        f.min_score = (int)n;
    }
    if (limit) {
        if (ctl_parse_uint(limit, 1000000, &n) != 0 || n == 0)
            return ctl_value_error(cmd, "--limit wants a number from 1 to 1000000, not '%s'",
                                   limit);
        f.limit = (unsigned int)n;
    }
    if (archived && all)
        return ctl_usage_error(cmd, "--archived and --all exclude each other");
    f.archived = archived ? CRM_ARCHIVED_ONLY : all ? CRM_ARCHIVED_INCLUDE : CRM_ARCHIVED_EXCLUDE;
    char list[512];
    const char *key_array[CRM_DUPLICATE_KEYS_MAX + 2] = { NULL };
    if (keys) {
        if (strlen(keys) >= sizeof list)
            return ctl_value_error(cmd, "--keys is too long");
        snprintf(list, sizeof list, "%s", keys);
        int k = 0;
        for (char *w = strtok(list, ","); w && k <= CRM_DUPLICATE_KEYS_MAX; w = strtok(NULL, ","))
            key_array[k++] = w;
        f.attribute_keys = key_array;
    }
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    char id[CRM_ID_LEN + 1];
    if (customer) {
        if ((st = ctl_resolve_customer_id(ctl, customer, id)) != EXIT_OK)
            return st;
        f.customer_id = id;
    }
    crm_duplicate_cursor *cur;
    int rc = crm_duplicate_list_open(&cur, ctl->db, &f);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    static const char *const headers[] = { "SCORE", "CUSTOMER", "OTHER", "REASONS", "IDS" };
    ctl_table t;
    ctl_table_init(&t, 5, headers);
    ctl_json j;
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const crm_duplicate *d;
    while ((rc = crm_duplicate_cursor_next(cur, &d)) == CRM_ROW) {
        char words[128];
        reason_words(crm_duplicate_reasons(d), words, sizeof words);
        if (ctl->json) {
            ctl_json_begin_object(&j, NULL);
            ctl_json_string(&j, "customer_id", crm_duplicate_customer_id(d));
            ctl_json_string(&j, "customer_name", crm_duplicate_customer_name(d));
            ctl_json_string(&j, "other_id", crm_duplicate_other_id(d));
            ctl_json_string(&j, "other_name", crm_duplicate_other_name(d));
            ctl_json_int(&j, "score", crm_duplicate_score(d));
            ctl_json_string(&j, "reasons", words);
            ctl_json_int(&j, "attributes", crm_duplicate_attributes(d));
            ctl_json_end_object(&j);
            continue;
        }
        char score[16], ids[2 * CRM_ID_LEN + 4];
        snprintf(score, sizeof score, "%d", crm_duplicate_score(d));
        snprintf(ids, sizeof ids, "%s %s", crm_duplicate_customer_id(d),
                 crm_duplicate_other_id(d));
        const char *cells[] = { score, crm_duplicate_customer_name(d),
                                crm_duplicate_other_name(d), words, ids };
        ctl_table_add(&t, cells);
    }
    crm_duplicate_cursor_free(cur);
    ctl_view v = { &j, NULL, "", 0, NULL, NULL };
    st = ctl_view_finish(ctl, &v, rc, &t, "no duplicates");
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}

/* The customer id names, after a merge or an unmerge: its record, or a line. */
static int show_customer(crmctl *ctl, const char *id, const char *done)
{
    crm_customer *c;
    int rc = crm_customer_get(&c, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_customer_fields(&j, c);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s %s (%s).\n", done, crm_customer_name(c), crm_customer_id(c));
    }
    crm_customer_free(c);
    return EXIT_OK;
}

int cmd_customer_merge(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2];
    int st = ctl_parse(ctl, cmd, argc, argv, NULL, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;
    char keep[CRM_ID_LEN + 1], absorb[CRM_ID_LEN + 1];
    if ((st = merge_arg(ctl, pos[0], keep)) != EXIT_OK ||
        (st = merge_arg(ctl, pos[1], absorb)) != EXIT_OK)
        return st;
    int rc = crm_customer_merge(ctl->db, keep, absorb);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    return show_customer(ctl, keep, "Merged into");
}

int cmd_customer_unmerge(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_parse(ctl, cmd, argc, argv, NULL, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;
    int rc = crm_customer_unmerge(ctl->db, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    return show_customer(ctl, pos[0], "Unmerged");
}
