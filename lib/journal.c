/*
 * libcrm - the journal: written by every change in its own transaction,
 * read back as a cursor.
 */
#include <string.h>

#include "internal.h"

/* One statement per number of changed fields; the JSON object is made by
 * SQLite's json_object() from bound keys and values. */
static const char *const SQL_JOURNAL[CRM__JMAX + 1] = {
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object())",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7))",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9))",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11))",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "?16, ?17))",
};

int crm__journal(crm_db *db, const char *entity, const crm__uuid *entity_id, const char *op,
                 const crm__jfield *fields, int n)
{
    sqlite3_stmt *st;
    if (n < 0 || n > CRM__JMAX)
        return crm__error(db, CRM_ERROR, "internal error: %d journal fields", n);
    int rc = crm__stmt(db, SQL_JOURNAL[n], &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, crm_now());
    crm__bind_text_raw(st, 2, db->actor);
    crm__bind_text_raw(st, 3, entity);
    if (entity_id)
        crm__bind_id_raw(st, 4, entity_id);
    crm__bind_text_raw(st, 5, op);
    for (int i = 0; i < n; i++) {
        int k = 6 + 2 * i;
        crm__bind_text_raw(st, k, fields[i].key);
        if (fields[i].type == CRM__J_TEXT)
            crm__bind_text_raw(st, k + 1, fields[i].s);
        else if (fields[i].type == CRM__J_INT)
            sqlite3_bind_int64(st, k + 1, fields[i].i);
        else
            sqlite3_bind_null(st, k + 1);
    }
    return crm__exec_raw(db, st, "writing the journal");
}

struct crm_journal_entry {
    int64_t seq, at;
    const char *actor, *entity, *op, *data;
    char entity_id[CRM_ID_LEN + 1];
};

struct crm_journal_cursor {
    crm__cursor base;
    crm_journal_entry row;
};

int64_t crm_journal_entry_seq(const crm_journal_entry *e) { return e ? e->seq : 0; }
int64_t crm_journal_entry_at(const crm_journal_entry *e) { return e ? e->at : CRM_TIME_NONE; }
const char *crm_journal_entry_actor(const crm_journal_entry *e) { return e ? e->actor : NULL; }
const char *crm_journal_entry_entity(const crm_journal_entry *e) { return e ? e->entity : NULL; }
const char *crm_journal_entry_entity_id(const crm_journal_entry *e)
{
    return e ? e->entity_id : NULL;
}
const char *crm_journal_entry_op(const crm_journal_entry *e) { return e ? e->op : NULL; }
const char *crm_journal_entry_data(const crm_journal_entry *e) { return e ? e->data : NULL; }

static const char SQL_LAST_SEQ[] = "SELECT coalesce(max(seq), 0) FROM journal";
static const char SQL_READ[] =
    "SELECT seq, at, actor, entity, entity_id, op, data FROM journal "
    "WHERE seq > ?1 AND seq <= ?2 ORDER BY seq";

static int last_seq(crm_db *db, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, SQL_LAST_SEQ, &st);
    if (rc)
        return rc;
    rc = crm__step_raw(db, st, "reading the journal");
    if (rc == CRM_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = CRM_OK;
    }
    sqlite3_reset(st);
    return rc;
}

int crm_journal_last_seq(int64_t *out, crm_db *db)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    return rc ? rc : last_seq(db, out);
}

static int journal_build(crm__cursor *c)
{
    crm_journal_cursor *cur = (crm_journal_cursor *)c;
    sqlite3_stmt *st = CRM__RAW(cur->base.st);
    crm_journal_entry *e = &cur->row;
    e->seq = sqlite3_column_int64(st, 0);
    e->at = sqlite3_column_int64(st, 1);
    static const int cols[] = { 2, 3, 5, 6 };
    const char *t[4];
    int rc = crm__cursor_texts(c, cols, 4, t);
    if (rc)
        return rc;
    if (!t[0] || !t[1] || !t[2] || !t[3])
        return crm__error(c->db, CRM_ECORRUPT, "a journal entry without an actor, entity, op or data");
    e->actor = t[0];
    e->entity = t[1];
    e->op = t[2];
    e->data = t[3];
    crm__column_id(e->entity_id, st, 4);
    return CRM_OK;
}

int crm_journal_open(crm_journal_cursor **out, crm_db *db, int64_t since_seq)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (since_seq < 0)
        return crm__error(db, CRM_EINVAL, "since_seq is negative (%lld)", (long long)since_seq);
    int64_t upto = 0;
    /* Bound the read by the newest entry now, so the cursor reads a fixed
     * range even while the same handle keeps writing. */
    rc = last_seq(db, &upto);
    if (rc)
        return rc;
    crm_journal_cursor *cur;
    rc = crm__cursor_new_raw((void **)&cur, sizeof *cur, db, SQL_READ, journal_build, "reading the journal");
    if (rc)
        return rc;
    sqlite3_bind_int64(CRM__RAW(cur->base.st), 1, since_seq);
    sqlite3_bind_int64(CRM__RAW(cur->base.st), 2, upto);
    *out = cur;
    return CRM_OK;
}

int crm_journal_next(crm_journal_cursor *cur, const crm_journal_entry **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_journal_free(crm_journal_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
