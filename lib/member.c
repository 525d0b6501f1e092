/*
 * libcrm - people in organisations.
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

struct crm_member {
    char org_id[CRM_ID_LEN + 1], person_id[CRM_ID_LEN + 1];
    const char *org_name, *person_name, *role; /* borrowed from the statement */
    int64_t since;
};

struct crm_member_cursor {
    crm__cursor base;
    crm_member row;
};

const char *crm_member_org_id(const crm_member *m) { return m ? m->org_id : NULL; }
const char *crm_member_org_name(const crm_member *m) { return m ? m->org_name : NULL; }
const char *crm_member_person_id(const crm_member *m) { return m ? m->person_id : NULL; }
const char *crm_member_person_name(const crm_member *m) { return m ? m->person_name : NULL; }
const char *crm_member_role(const crm_member *m) { return m ? m->role : NULL; }
int64_t crm_member_since(const crm_member *m) { return m ? m->since : CRM_TIME_NONE; }

/* Both ids valid, both customers present and of the right kinds. */
static int check_pair(crm_db *db, const char *org_id, const char *person_id, crm__uuid *org,
                      crm__uuid *person)
{
    int rc = crm__check_id(db, "organisation id", org_id, org);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "person id", person_id, person);
    return rc;
}

static int check_kinds(crm_db *db, const crm__uuid *org, const char *org_id,
                       const crm__uuid *person, const char *person_id)
{
    int kind;
    int rc = crm__customer_find(db, org, org_id, &kind, NULL);
    if (rc == CRM_OK && kind != CRM_CUSTOMER_ORGANISATION)
        rc = crm__error(db, CRM_EINVAL, "customer %s is a person, not an organisation", org_id);
    if (rc == CRM_OK)
        rc = crm__customer_find(db, person, person_id, &kind, NULL);
    if (rc == CRM_OK && kind != CRM_CUSTOMER_PERSON)
        rc = crm__error(db, CRM_EINVAL, "customer %s is an organisation, not a person",
                        person_id);
    return rc;
}

/* The role of an existing membership (a copy), or NULL in *role. */
static int read_role(crm_db *db, const crm__uuid *org, const crm__uuid *person, char **role)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_MEMBER_ROLE, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, org);
    crm__bind_id(st, 2, person);
    *role = NULL;
    rc = crm__st_step(st, "reading memberships");
    if (rc == CRM_ROW) {
        const char *r = crm__col_text(st, 0);
        *role = r ? crm__strdup(r) : NULL;
        rc = *role ? CRM_OK : crm__error(db, CRM_ENOMEM, "out of memory reading memberships");
    } else if (rc == CRM_DONE) {
        rc = CRM_OK;
    }
    return rc;
}

int crm_member_add(crm_db *db, const char *org_id, const char *person_id, const char *role)
{
    CRM__ENTER(db);
    char q[CRM__QUOTE_SIZE];
    crm__uuid org, person;
    int rc = check_pair(db, org_id, person_id, &org, &person);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "role", role, 1, CRM_ROLE_MAX,
                             CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    char *old = NULL;
    rc = check_kinds(db, &org, org_id, &person, person_id);
    if (rc == CRM_OK)
        rc = read_role(db, &org, &person, &old);
    if (rc == CRM_OK && old)
        rc = crm__error(db, CRM_EEXISTS, "person %s is already a member of organisation %s (%s)",
                        person_id, org_id, crm__pquote(db, q, sizeof q, old));
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MEMBER_ADD, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &org);
            crm__bind_id(st, 2, &person);
            crm__bind_text(st, 3, role);
            crm__bind_time(st, 4, crm__now(db));
            rc = crm__st_run(st, "adding a member");
        }
    }
    if (rc == CRM_OK) {
        char pid[CRM_ID_LEN + 1];
        crm__uuid_format(pid, person.b);
        crm__jfield f[] = { CRM__JTEXT("person", pid), CRM__JTEXT("role", role) };
        rc = CRM__JOURNAL(db, "member", &org, "add", f);
    }
    crm__free(old);
    return crm__write_end(db, rc);
}

int crm_member_remove(crm_db *db, const char *org_id, const char *person_id)
{
    CRM__ENTER(db);
    crm__uuid org, person;
    int rc = check_pair(db, org_id, person_id, &org, &person);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    char *old = NULL;
    rc = read_role(db, &org, &person, &old);
    if (rc == CRM_OK && !old)
        rc = crm__error(db, CRM_ENOTFOUND, "person %s is not a member of organisation %s",
                        person_id, org_id);
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MEMBER_REMOVE, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &org);
            crm__bind_id(st, 2, &person);
            rc = crm__st_run(st, "removing a member");
        }
    }
    if (rc == CRM_OK) {
        char pid[CRM_ID_LEN + 1];
        crm__uuid_format(pid, person.b);
        /* The role is what the person was there: a remove forgets it. */
        crm__jfield f[] = { CRM__JTEXT("person", pid) };
        rc = CRM__JOURNAL(db, "member", &org, "remove", f);
    }
    crm__free(old);
    return crm__write_end(db, rc);
}

static int member_build(crm__cursor *c)
{
    crm_member_cursor *cur = (crm_member_cursor *)c;
    crm_member *m = &cur->row;
    static const int cols[] = { 1, 3, 4 };
    const char *t[3];
    int rc = crm__cursor_texts(c, cols, 3, t);
    if (rc)
        return rc;
    if (!t[0] || !t[1] || !t[2])
        return crm__error(c->db, CRM_ECORRUPT, "a membership without names or a role");
    crm__col_id(m->org_id, c->st, 0);
    m->org_name = t[0];
    crm__col_id(m->person_id, c->st, 2);
    m->person_name = t[1];
    m->role = t[2];
    m->since = crm__col_int(c->st, 5);
    return CRM_OK;
}

int crm_member_list_open(crm_member_cursor **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, id, CRM__Q_MEMBER_ORGS,
                                CRM__Q_MEMBER_PEOPLE, member_build, "listing members");
}

int crm_member_cursor_next(crm_member_cursor *cur, const crm_member **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_member_cursor_free(crm_member_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
