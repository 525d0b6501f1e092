/*
 * libcrm - customer tags.
 */
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

struct crm_tag_cursor {
    crm__cursor base;
    const char *current; /* the tag given last, in the cursor's texts */
};

/* Validate the customer id and the tag (a NULL tag is refused too). */
static int prologue(crm_db *db, const char *id, const char *tag, crm__uuid *uid)
{
    int rc = crm__check_id(db, "customer id", id, uid);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "tag", tag, 1, CRM_TAG_MAX,
                             CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE);
    return rc;
}

static int has_tag(crm_db *db, const crm__uuid *uid, const char *tag, bool *has)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_TAG_HAS, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    crm__bind_text(st, 2, tag);
    rc = crm__st_step(st, "reading tags");
    if (rc < 0)
        return rc;
    *has = rc == CRM_ROW;
    return CRM_OK;
}

static int change(crm_db *db, const char *id, const char *tag, bool add)
{
    crm__uuid uid;
    int rc = prologue(db, id, tag, &uid);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    bool has = false;
    char q[CRM__QUOTE_SIZE];
    rc = crm__customer_find(db, &uid, id, NULL, NULL);
    if (rc == CRM_OK)
        rc = has_tag(db, &uid, tag, &has);
    if (rc == CRM_OK && add && has)
        rc = crm__error(db, CRM_EEXISTS, "customer %s already has tag '%s'", id,
                        crm__quote(q, sizeof q, tag));
    if (rc == CRM_OK && !add && !has)
        rc = crm__error(db, CRM_ENOTFOUND, "customer %s has no tag '%s'", id,
                        crm__quote(q, sizeof q, tag));
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, add ? CRM__Q_TAG_ADD : CRM__Q_TAG_REMOVE, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &uid);
            crm__bind_text(st, 2, tag);
            rc = crm__st_run(st, add ? "adding a tag" : "removing a tag");
        }
    }
    if (rc == CRM_OK)
        rc = crm__customer_touch(db, &uid);
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("tag", tag) };
        rc = CRM__JOURNAL(db, "tag", &uid, add ? "add" : "remove", f);
    }
    return crm__write_end(db, rc);
}

int crm_tag_add(crm_db *db, const char *id, const char *tag)
{
    CRM__ENTER(db);
    return change(db, id, tag, true);
}

int crm_tag_remove(crm_db *db, const char *id, const char *tag)
{
    CRM__ENTER(db);
    return change(db, id, tag, false);
}

/* The tag is the cursor's copy (crm__cursor_texts), not lent from its
 * statement: the caller holds the pointer itself, which a copy of the rest
 * of the walk (before a write through the handle) could not move. */
static int tag_build(crm__cursor *c)
{
    crm_tag_cursor *cur = (crm_tag_cursor *)c;
    static const int cols[] = { 0 };
    const char *t[1];
    int rc = crm__cursor_texts(c, cols, 1, t);
    if (rc)
        return rc;
    if (!t[0])
        return crm__error(c->db, CRM_ECORRUPT, "a tag without its text");
    cur->current = t[0];
    return CRM_OK;
}

int crm_tag_list_open(crm_tag_cursor **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, id, CRM__Q_TAG_LIST,
                                CRM__Q_TAG_LIST, tag_build, "listing tags");
}

int crm_tag_cursor_next(crm_tag_cursor *cur, const char **tag)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, tag, __func__);
    if (rc == CRM_ROW)
        *tag = cur->current;
    return rc;
}

void crm_tag_cursor_free(crm_tag_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
