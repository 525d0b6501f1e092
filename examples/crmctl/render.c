/*
 * crmctl - customers, identities and the journal, as text and as JSON.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <stdlib.h>
#include <string.h>

#include "crmctl.h"

const char *ctl_identity_flags_text(unsigned int flags)
{
    /* By the bits primary (1), verified (2) and shared (4). */
    static const char *const text[] = {
        "",       "primary",         "verified",         "primary, verified",
        "shared", "primary, shared", "verified, shared", "primary, verified, shared",
    };
    return text[flags & (CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED | CRM_IDENTITY_SHARED)];
}

void ctl_json_customer_fields(ctl_json *j, const crm_customer *c)
{
    ctl_json_string(j, "id", crm_customer_id(c));
    ctl_json_string(j, "kind", crm_customer_kind_name(crm_customer_kind(c)));
    ctl_json_string(j, "name", crm_customer_name(c));
    ctl_json_time(j, "created", crm_customer_created_at(c));
    ctl_json_time(j, "updated", crm_customer_updated_at(c));
    ctl_json_bool(j, "archived", crm_customer_is_archived(c));
    ctl_json_string(j, "owner", crm_customer_owner(c));
}

void ctl_json_identity(ctl_json *j, const char *key, const crm_identity *i)
{
    unsigned int flags = crm_identity_flags(i);
    ctl_json_begin_object(j, key);
    ctl_json_string(j, "customer", crm_identity_customer_id(i));
    ctl_json_string(j, "kind", crm_identity_kind(i));
    ctl_json_string(j, "value", crm_identity_value(i));
    ctl_json_string(j, "key", crm_identity_key(i));
    ctl_json_bool(j, "primary", (flags & CRM_IDENTITY_PRIMARY) != 0);
    ctl_json_bool(j, "verified", (flags & CRM_IDENTITY_VERIFIED) != 0);
    ctl_json_bool(j, "shared", (flags & CRM_IDENTITY_SHARED) != 0);
    ctl_json_time(j, "created", crm_identity_created_at(i));
    ctl_json_end_object(j);
}

void ctl_member_row(ctl_table *t, const crm_member *m)
{
    char since[24];
    snprintf(since, sizeof since, "%lld", (long long)crm_member_since(m));
    const char *cells[CTL_MEMBER_COLUMNS] = { crm_member_org_id(m), crm_member_org_name(m),
                                              crm_member_person_id(m),
                                              crm_member_person_name(m), crm_member_role(m),
                                              since };
    ctl_table_add(t, cells);
}

void ctl_json_member_row(ctl_json *j, const char *key, const ctl_table *rows, size_t r)
{
    const char *const *row = (const char *const *)rows->cells + r * CTL_MEMBER_COLUMNS;
    ctl_json_begin_object(j, key);
    ctl_json_string(j, "organisation", row[0]);
    ctl_json_string(j, "organisation_name", row[1]);
    ctl_json_string(j, "person", row[2]);
    ctl_json_string(j, "person_name", row[3]);
    ctl_json_string(j, "role", row[4]);
    ctl_json_time(j, "since", strtoll(row[5], NULL, 10));
    ctl_json_end_object(j);
}

void ctl_member_table(ctl_table *t, const ctl_table *rows, const char *id)
{
    static const char *const person_headers[] = { "PERSON", "NAME", "ROLE", "SINCE" };
    static const char *const org_headers[] = { "ORGANISATION", "NAME", "ROLE", "SINCE" };
    int is_org = rows->nrows > 0 && strcmp(rows->cells[0], id) == 0;
    ctl_table_init(t, 4, is_org ? person_headers : org_headers);
    for (size_t r = 0; r < rows->nrows; r++) {
        const char *const *row = (const char *const *)rows->cells + r * CTL_MEMBER_COLUMNS;
        char since[CTL_TIME_SIZE];
        /* Each row shows the other side of the membership. */
        const char *cells[] = { is_org ? row[2] : row[0], is_org ? row[3] : row[1], row[4],
                                ctl_time_human(since, strtoll(row[5], NULL, 10)) };
        ctl_table_add(t, cells);
    }
}

/*
 * Everything attached to a customer, gathered before anything is printed so
 * that a failure half-way leaves no half-printed record.
 */
typedef struct attachments {
    ctl_table attrs;            /* KEY VALUE */
    ctl_table tags;             /* TAG */
    crm_identity **identities;  /* copies, owned */
    size_t nidentities;
    ctl_table members;          /* see ctl_member_row() */
} attachments;

static void attachments_free(attachments *a)
{
    ctl_table_free(&a->attrs);
    ctl_table_free(&a->tags);
    for (size_t i = 0; i < a->nidentities; i++)
        crm_identity_free(a->identities[i]);
    free(a->identities);
    ctl_table_free(&a->members);
}

static int keep_identity(attachments *a, const crm_identity *ident)
{
    crm_identity **grown = realloc(a->identities, (a->nidentities + 1) * sizeof *grown);
    if (!grown)
        return CRM_ENOMEM;
    a->identities = grown;
    crm_identity *copy;
    if (crm_identity_dup(&copy, ident) != CRM_OK)
        return CRM_ENOMEM;
    a->identities[a->nidentities++] = copy;
    return CRM_OK;
}

/* CRM_OK, CRM_ENOMEM for memory of our own, or a libcrm failure. a must be
 * freed in every case. */
static int gather(crmctl *ctl, attachments *a, const crm_customer *c)
{
    static const char *const attr_headers[] = { "KEY", "VALUE" };
    const char *id = crm_customer_id(c);
    int rc;
    memset(a, 0, sizeof *a);
    ctl_table_init(&a->attrs, 2, attr_headers);
    ctl_table_init(&a->tags, 1, NULL);
    ctl_table_init(&a->members, CTL_MEMBER_COLUMNS, NULL);

    crm_attr_cursor *ac;
    if ((rc = crm_attr_list_open(&ac, ctl->db, id)) != CRM_OK)
        return rc;
    const crm_attr *attr;
    while ((rc = crm_attr_cursor_next(ac, &attr)) == CRM_ROW) {
        const char *cells[] = { crm_attr_key(attr), crm_attr_value(attr) };
        ctl_table_add(&a->attrs, cells);
    }
    crm_attr_cursor_free(ac);
    if (rc != CRM_DONE)
        return rc;

    crm_tag_cursor *tc;
    if ((rc = crm_tag_list_open(&tc, ctl->db, id)) != CRM_OK)
        return rc;
    const char *tag;
    while ((rc = crm_tag_cursor_next(tc, &tag)) == CRM_ROW)
        ctl_table_add(&a->tags, &tag);
    crm_tag_cursor_free(tc);
    if (rc != CRM_DONE)
        return rc;

    crm_identity_cursor *ic;
    if ((rc = crm_identity_list_open(&ic, ctl->db, id)) != CRM_OK)
        return rc;
    const crm_identity *ident;
    while ((rc = crm_identity_cursor_next(ic, &ident)) == CRM_ROW)
        if (keep_identity(a, ident) != CRM_OK) {
            rc = CRM_ENOMEM;
            break;
        }
    crm_identity_cursor_free(ic);
    if (rc != CRM_DONE)
        return rc;

    crm_member_cursor *mc;
    if ((rc = crm_member_list_open(&mc, ctl->db, id)) != CRM_OK)
        return rc;
    const crm_member *m;
    while ((rc = crm_member_cursor_next(mc, &m)) == CRM_ROW)
        ctl_member_row(&a->members, m);
    crm_member_cursor_free(mc);
    if (rc != CRM_DONE)
        return rc;

    if (a->attrs.failed || a->tags.failed || a->members.failed)
        return CRM_ENOMEM;
    return CRM_OK;
}

/* Report a failure of gather(); returns the exit status. */
static int gather_failed(crmctl *ctl, int rc, const crm_customer *c)
{
    if (rc != CRM_ENOMEM)
        return ctl_fail(ctl, rc);
    ctl_error("out of memory showing customer %s", crm_customer_id(c));
    return EXIT_DATABASE;
}

static const char *cell(const ctl_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

int ctl_json_customer_full(crmctl *ctl, ctl_json *j, const char *key, const crm_customer *c)
{
    int st = ctl_json_customer_begin(ctl, j, key, c);
    if (st == EXIT_OK)
        ctl_json_end_object(j);
    return st;
}

int ctl_json_customer_begin(crmctl *ctl, ctl_json *j, const char *key, const crm_customer *c)
{
    attachments a;
    int rc = gather(ctl, &a, c);
    if (rc != CRM_OK) {
        attachments_free(&a);
        return gather_failed(ctl, rc, c);
    }
    ctl_json_begin_object(j, key);
    ctl_json_customer_fields(j, c);

    ctl_json_begin_object(j, "attributes");
    for (size_t r = 0; r < a.attrs.nrows; r++)
        ctl_json_string(j, cell(&a.attrs, r, 0), cell(&a.attrs, r, 1));
    ctl_json_end_object(j);

    ctl_json_begin_array(j, "tags");
    for (size_t r = 0; r < a.tags.nrows; r++)
        ctl_json_string(j, NULL, cell(&a.tags, r, 0));
    ctl_json_end_array(j);

    ctl_json_begin_array(j, "identities");
    for (size_t i = 0; i < a.nidentities; i++)
        ctl_json_identity(j, NULL, a.identities[i]);
    ctl_json_end_array(j);

    ctl_json_begin_array(j, "memberships");
    for (size_t r = 0; r < a.members.nrows; r++)
        ctl_json_member_row(j, NULL, &a.members, r);
    ctl_json_end_array(j);

    attachments_free(&a);
    return EXIT_OK;
}

/* Print a section title and its table, or "(none)" when it is empty.
 * -1 if out of memory. */
static int section(const char *indent, const char *title, const ctl_table *t)
{
    ctl_printf("\n%s%s\n", indent, title);
    if (t->nrows == 0 && !t->failed) {
        ctl_printf("%s  (none)\n", indent);
        return 0;
    }
    char *deeper = malloc(strlen(indent) + 3);
    if (!deeper)
        return -1;
    sprintf(deeper, "%s  ", indent);
    int rc = ctl_table_print(t, stdout, deeper);
    free(deeper);
    return rc;
}

static int print_text(const crm_customer *c, const attachments *a, const char *indent)
{
    static const char *const identity_headers[] = { "KIND", "VALUE", "MATCHES ON", "FLAGS" };
    char created[CTL_TIME_SIZE], updated[CTL_TIME_SIZE];
    int is_org = crm_customer_kind(c) == CRM_CUSTOMER_ORGANISATION;
    ctl_printf("%s%s (%s%s)\n", indent, crm_customer_name(c),
               crm_customer_kind_name(crm_customer_kind(c)),
               crm_customer_is_archived(c) ? ", archived" : "");
    ctl_printf("%s  id        %s\n", indent, crm_customer_id(c));
    ctl_printf("%s  created   %s\n", indent, ctl_time_human(created, crm_customer_created_at(c)));
    ctl_printf("%s  updated   %s\n", indent, ctl_time_human(updated, crm_customer_updated_at(c)));
    ctl_printf("%s  archived  %s\n", indent, crm_customer_is_archived(c) ? "yes" : "no");
    const char *owner = crm_customer_owner(c);
    ctl_printf("%s  owner     %s\n", indent, owner ? owner : "(none)");

    ctl_table identities;
    ctl_table_init(&identities, 4, identity_headers);
    for (size_t i = 0; i < a->nidentities; i++) {
        const crm_identity *ident = a->identities[i];
        const char *cells[] = { crm_identity_kind(ident), crm_identity_value(ident),
                                crm_identity_key(ident),
                                ctl_identity_flags_text(crm_identity_flags(ident)) };
        ctl_table_add(&identities, cells);
    }
    int rc = section(indent, "Identities", &identities);
    ctl_table_free(&identities);

    if (section(indent, "Attributes", &a->attrs) != 0)
        rc = -1;

    ctl_printf("\n%sTags\n%s  ", indent, indent);
    for (size_t r = 0; r < a->tags.nrows; r++)
        ctl_printf("%s%s", r ? ", " : "", cell(&a->tags, r, 0));
    puts(a->tags.nrows ? "" : "(none)");

    ctl_table members;
    ctl_member_table(&members, &a->members, crm_customer_id(c));
    if (section(indent, is_org ? "People" : "Member of", &members) != 0)
        rc = -1;
    ctl_table_free(&members);
    return rc;
}

int ctl_print_customer(crmctl *ctl, const crm_customer *c, const char *indent)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        int st = ctl_json_customer_full(ctl, &j, NULL, c);
        if (st == EXIT_OK)
            ctl_json_finish(&j);
        return st;
    }
    attachments a;
    int rc = gather(ctl, &a, c);
    if (rc == CRM_OK && print_text(c, &a, indent) != 0)
        rc = CRM_ENOMEM;
    attachments_free(&a);
    return rc == CRM_OK ? EXIT_OK : gather_failed(ctl, rc, c);
}

/* ---- the journal -------------------------------------------------------------------- */

const char *ctl_names_get(crmctl *ctl, ctl_names *nc, const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < nc->n; i++)
        if (strcmp(nc->ids[i], id) == 0)
            return nc->names[i];
    if (strlen(id) != CRM_ID_LEN)
        return NULL;
    if (nc->n == nc->cap) {
        size_t cap = nc->cap ? nc->cap * 2 : 16;
        char (*ids)[CRM_ID_LEN + 1] = realloc(nc->ids, cap * sizeof *ids);
        if (!ids)
            return NULL;
        nc->ids = ids;
        char **names = realloc(nc->names, cap * sizeof *names);
        if (!names)
            return NULL;
        nc->names = names;
        nc->cap = cap;
    }
    crm_customer *c;
    char *name = NULL;
    /* A customer that cannot be read is shown by id; the listing is still
     * worth printing. */
    if (crm_customer_get(&c, ctl->db, id) == CRM_OK) {
        name = strdup(crm_customer_name(c));
        crm_customer_free(c);
    }
    memcpy(nc->ids[nc->n], id, CRM_ID_LEN + 1);
    nc->names[nc->n] = name;
    return nc->names[nc->n++];
}

void ctl_names_free(ctl_names *nc)
{
    for (size_t i = 0; i < nc->n; i++)
        free(nc->names[i]);
    free(nc->ids);
    free(nc->names);
    memset(nc, 0, sizeof *nc);
}

/* How journal details are shown: people by name, identity flags in words. */
typedef struct details_ctx {
    crmctl *ctl;
    ctl_names *names;
    const char *entity;
} details_ctx;

/* What to show for a field's value (as text, "null" for null) instead of
 * it, or NULL to show the value. The string returned stays valid until the
 * next call. */
static const char *rewrite_detail(const char *key, const char *value, void *payload)
{
    details_ctx *d = payload;
    if (strcmp(d->entity, "member") == 0 && strcmp(key, "person") == 0)
        return ctl_names_get(d->ctl, d->names, value);
    /* Times (occurred_at, due_at, ...) are ms in the data: shown as times. */
    size_t n = strlen(key);
    if (n > 3 && strcmp(key + n - 3, "_at") == 0 && *value &&
        strspn(value, "0123456789") == strlen(value)) {
        static char when[CTL_TIME_SIZE];
        return ctl_time_short(when, strtoll(value, NULL, 10));
    }
    if (strcmp(d->entity, "identity") == 0 && strcmp(key, "flags") == 0) {
        const char *words = ctl_identity_flags_text((unsigned int)strtoul(value, NULL, 10));
        return *words ? words : "none";
    }
    return NULL;
}

/*
 * Entry e's data as key=VALUE pairs (ctl_pairs_add), the fields as the
 * library lists them and each value rewritten by rewrite_detail(): CRM_OK
 * with *out a string to free(), or NULL when the data is to be shown as it
 * is (not an object of plain values, or no memory for the pairs); or the
 * library's error.
 */
static int details_text(crmctl *ctl, ctl_names *names, const crm_journal_entry *e, char **out)
{
    *out = NULL;
    crm_journal_field_cursor *cur;
    int rc = crm_journal_field_list_open(&cur, ctl->db, crm_journal_entry_seq(e));
    if (rc == CRM_ECORRUPT)
        return CRM_OK;
    if (rc != CRM_OK)
        return rc;
    details_ctx dc = { ctl, names, crm_journal_entry_entity(e) };
    ctl_pairs p = { 0 };
    int plain = 1;
    const crm_journal_field *f;
    while ((rc = crm_journal_field_cursor_next(cur, &f)) == CRM_ROW) {
        crm_json_type_t type = crm_journal_field_type(f);
        if (type == CRM_JSON_ARRAY || type == CRM_JSON_OBJECT) {
            plain = 0;
            continue;
        }
        const char *value = crm_journal_field_value(f);
        if (!value)
            value = "null";
        const char *shown = rewrite_detail(crm_journal_field_key(f), value, &dc);
        ctl_pairs_add(&p, crm_journal_field_key(f), shown ? shown : value,
                      shown != NULL || type == CRM_JSON_TEXT);
    }
    crm_journal_field_cursor_free(cur);
    if (rc == CRM_DONE && plain && !p.failed)
        *out = p.s ? p.s : strdup("");
    else
        free(p.s);
    return rc == CRM_DONE ? CRM_OK : rc;
}

int ctl_print_journal(crmctl *ctl, ctl_json *j, const char *key, int64_t since_seq,
                      const char *indent)
{
    static const char *const headers[] = { "SEQ", "WHEN", "ACTOR", "CHANGE", "CUSTOMER",
                                           "DETAILS" };
    crm_journal_entry_cursor *cur;
    int rc = crm_journal_entry_list_open(&cur, ctl->db, since_seq);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);

    ctl_table t;
    ctl_names names = { 0 };
    ctl_table_init(&t, 6, headers);
    t.keep_backslashes = 1u << 5; /* DETAILS, from ctl_pairs_add() */
    if (ctl->json)
        ctl_json_begin_array(j, key);
    const crm_journal_entry *e;
    while ((rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
        if (ctl->json) {
            ctl_json_begin_object(j, NULL);
            ctl_json_int(j, "seq", crm_journal_entry_seq(e));
            ctl_json_time(j, "at", crm_journal_entry_at(e));
            ctl_json_string(j, "actor", crm_journal_entry_actor(e));
            ctl_json_string(j, "entity", crm_journal_entry_entity(e));
            ctl_json_string(j, "entity_id", crm_journal_entry_entity_id(e));
            ctl_json_string(j, "op", crm_journal_entry_op(e));
            ctl_json_raw(j, "data", crm_journal_entry_data(e));
            ctl_json_end_object(j);
            continue;
        }
        char seq[24], when[CTL_TIME_SIZE], change[64];
        snprintf(seq, sizeof seq, "%lld", (long long)crm_journal_entry_seq(e));
        snprintf(change, sizeof change, "%s %s", crm_journal_entry_entity(e),
                 crm_journal_entry_op(e));
        const char *who = ctl_names_get(ctl, &names, crm_journal_entry_entity_id(e));
        char *details;
        if ((rc = details_text(ctl, &names, e, &details)) != CRM_OK)
            break;
        const char *cells[] = { seq, ctl_time_human(when, crm_journal_entry_at(e)),
                                crm_journal_entry_actor(e), change,
                                who ? who : crm_journal_entry_entity_id(e),
                                details ? details : crm_journal_entry_data(e) };
        ctl_table_add(&t, cells);
        free(details);
    }
    crm_journal_entry_cursor_free(cur);
    ctl_names_free(&names);

    int status = EXIT_OK;
    if (rc != CRM_DONE) {
        status = ctl_fail(ctl, rc);
    } else if (ctl->json) {
        ctl_json_end_array(j);
    } else if (t.nrows == 0) {
        ctl_printf("%s(no changes%s)\n", indent, since_seq > 0 ? " after that one" : "");
    } else if (ctl_table_print(&t, stdout, indent) != 0) {
        ctl_error("out of memory printing the journal");
        status = EXIT_DATABASE;
    }
    ctl_table_free(&t);
    return status;
}
