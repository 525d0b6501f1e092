/*
 * crmctl - the search command: what a person typed, found in every record.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <stdio.h>
#include <string.h>

#include "crmctl.h"

/* --kinds customer,promise: the OR of their bits, or -1 with the word that
 * is no kind in *bad. */
static long kinds_bits(char *list, const char **bad)
{
    unsigned int bits = 0;
    for (char *w = strtok(list, ","); w; w = strtok(NULL, ",")) {
        crm_search_kind_t k;
        if (crm_search_kind_parse(&k, w) != CRM_OK) {
            *bad = w;
            return -1;
        }
        bits |= CRM_SEARCH_BIT(k);
    }
    return bits;
}

int ctl_print_search(crmctl *ctl, const ctl_view *v, const char *query,
                     const crm_search_options *o)
{
    crm_search_hit_cursor *cur;
    int rc = crm_search_hit_list_open(&cur, ctl->db, query, o);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    static const char *const headers[] = { "KIND", "CUSTOMER", "MATCHED", "SNIPPET", "RECORD" };
    ctl_table t;
    ctl_table_init(&t, v->no_ids ? 4 : 5, headers);
    if (ctl->json)
        ctl_json_begin_array(v->j, v->key);
    const crm_search_hit *h;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW) {
        const char *kind = crm_search_kind_name(crm_search_hit_kind(h));
        const char *key = crm_search_hit_key(h), *rec = crm_search_hit_record_id(h);
        if (ctl->json) {
            ctl_json *j = v->j;
            char rank[32];
            snprintf(rank, sizeof rank, "%.6g", crm_search_hit_rank(h));
            ctl_json_begin_object(j, NULL);
            ctl_json_string(j, "kind", kind);
            ctl_json_string(j, "customer_id", crm_search_hit_customer_id(h));
            ctl_json_string(j, "customer_name", crm_search_hit_customer_name(h));
            ctl_json_string(j, "field", crm_search_hit_field(h));
            ctl_json_string(j, "key", key);
            ctl_json_string(j, "record_id", rec);
            ctl_json_string(j, "snippet", crm_search_hit_snippet(h));
            ctl_json_raw(j, "rank", rank);
            ctl_json_end_object(j);
            continue;
        }
        char matched[96];
        if (key)
            snprintf(matched, sizeof matched, "%s %s", key, crm_search_hit_field(h));
        else
            snprintf(matched, sizeof matched, "%s", crm_search_hit_field(h));
        const char *cells[] = { kind, crm_search_hit_customer_name(h), matched,
                                crm_search_hit_snippet(h),
                                rec ? rec : crm_search_hit_customer_id(h) };
        ctl_table_add(&t, cells);
    }
    crm_search_hit_cursor_free(cur);
    return ctl_view_finish(ctl, v, rc, &t, "no matches");
}

int cmd_search(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *kinds = NULL, *customer = NULL, *owner = NULL, *limit = NULL, *offset = NULL,
               *pos[1];
    int archived = 0;
    const ctl_option opts[] = {
        { "kinds", NULL, &kinds },   { "customer", NULL, &customer },
        { "owner", NULL, &owner },   { "archived", &archived, NULL },
        { "limit", NULL, &limit },   { "offset", NULL, &offset },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    uint64_t n;
    if (kinds) {
        char list[128];
        const char *bad = NULL;
        snprintf(list, sizeof list, "%s", kinds);
        long bits = strlen(kinds) < sizeof list ? kinds_bits(list, &bad) : -1;
        if (bits < 0)
            return ctl_value_error(cmd,
                                   "--kinds: '%s' is not a kind; give some of customer, "
                                   "identity, attribute, interaction, promise, separated by "
                                   "commas",
                                   bad ? bad : kinds);
        o.kinds = (unsigned int)bits;
    }
    if (limit) {
        if (ctl_parse_uint(limit, CRM_SEARCH_LIMIT_MAX, &n) != 0 || n == 0)
            return ctl_value_error(cmd, "--limit wants a number from 1 to %d, not '%s'",
                                   CRM_SEARCH_LIMIT_MAX, limit);
        o.limit = (unsigned int)n;
    }
    if (offset) {
        if (ctl_parse_uint(offset, CRM_SEARCH_OFFSET_MAX, &n) != 0)
            return ctl_value_error(cmd, "--offset wants a number from 0 to %d, not '%s'",
                                   CRM_SEARCH_OFFSET_MAX, offset);
        o.offset = (unsigned int)n;
    }
    o.owner = owner;
    o.include_archived = archived;
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    char id[CRM_ID_LEN + 1];
    if (customer) {
        if ((st = ctl_resolve_customer_id(ctl, customer, id)) != EXIT_OK)
            return st;
        o.customer_id = id;
    }
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_view v = { &j, NULL, "", 0, NULL, NULL };
    st = ctl_print_search(ctl, &v, pos[0], &o);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}
