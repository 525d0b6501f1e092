/*
 * libcrm - the journal: written by every change in its own transaction,
 * read back as a cursor.
 */
#include <string.h>

#include "internal/check.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

/* One query per number of changed fields. */
static const crm__query Q_JOURNAL[CRM__JMAX + 1] = {
    CRM__Q_JOURNAL_WRITE_0, CRM__Q_JOURNAL_WRITE_1, CRM__Q_JOURNAL_WRITE_2, CRM__Q_JOURNAL_WRITE_3,
    CRM__Q_JOURNAL_WRITE_4, CRM__Q_JOURNAL_WRITE_5, CRM__Q_JOURNAL_WRITE_6,
};

int crm__journal(crm_db *db, const char *entity, const crm__uuid *entity_id, const char *op,
                 const crm__jfield *fields, int n)
{
    return crm__journal_at(db, crm__now(db), entity, entity_id, op, fields, n);
}

int crm__journal_at(crm_db *db, int64_t at, const char *entity, const crm__uuid *entity_id,
                    const char *op, const crm__jfield *fields, int n)
{
    int present = 0;
    for (int i = 0; i < n; i++)
        present += fields[i].type != CRM__J_OPT || fields[i].s != NULL;
    if (n < 0 || present > CRM__JMAX)
        return crm__error(db, CRM_ERROR, "internal error: %d journal fields", present);
    CRM__ST(st);
    int rc = crm__st_get(db, Q_JOURNAL[present], &st);
    if (rc)
        return rc;
    crm__bind_time(st, 1, at);
    crm__bind_text(st, 2, db->actor);
    crm__bind_literal(st, 3, entity);
    crm__bind_id(st, 4, entity_id);
    crm__bind_literal(st, 5, op);
    for (int i = 0, k = 6; i < n; i++) {
        if (fields[i].type == CRM__J_OPT && !fields[i].s)
            continue;
        crm__bind_literal(st, k, fields[i].key);
        if (fields[i].type == CRM__J_TEXT || fields[i].type == CRM__J_OPT)
            crm__bind_text(st, k + 1, fields[i].s);
        else if (fields[i].type == CRM__J_WORD)
            crm__bind_literal(st, k + 1, fields[i].s);
        else if (fields[i].type == CRM__J_INT)
            crm__bind_int(st, k + 1, fields[i].i);
        else
            crm__bind_null(st, k + 1);
        k += 2;
    }
    return crm__st_run(st, "writing the journal");
}

/* An entry's texts, in one array that a row's copies fill in one call. */
enum { J_ACTOR, J_ENTITY, J_OP, J_DATA, J_COUNT };

struct crm_journal_entry {
    int64_t seq, at;
    const char *text[J_COUNT];
    char entity_id[CRM_ID_LEN + 1];
};

struct crm_journal_entry_cursor {
    crm__cursor base;
    crm_journal_entry row;
};

int64_t crm_journal_entry_seq(const crm_journal_entry *e) { return e ? e->seq : 0; }
int64_t crm_journal_entry_at(const crm_journal_entry *e) { return e ? e->at : CRM_TIME_NONE; }
const char *crm_journal_entry_actor(const crm_journal_entry *e)
{
    return e ? e->text[J_ACTOR] : NULL;
}
const char *crm_journal_entry_entity(const crm_journal_entry *e)
{
    return e ? e->text[J_ENTITY] : NULL;
}
const char *crm_journal_entry_entity_id(const crm_journal_entry *e)
{
    return e && e->entity_id[0] ? e->entity_id : NULL;
}
const char *crm_journal_entry_op(const crm_journal_entry *e) { return e ? e->text[J_OP] : NULL; }
const char *crm_journal_entry_data(const crm_journal_entry *e)
{
    return e ? e->text[J_DATA] : NULL;
}

static int last_seq(crm_db *db, int64_t *out)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_JOURNAL_LAST_SEQ, &st);
    if (rc)
        return rc;
    rc = crm__st_step(st, "reading the journal");
    if (rc == CRM_ROW) {
        *out = crm__col_int(st, 0);
        rc = CRM_OK;
    }
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
    crm_journal_entry_cursor *cur = (crm_journal_entry_cursor *)c;
    crm_journal_entry *e = &cur->row;
    e->seq = crm__col_int(c->st, 0);
    e->at = crm__col_int(c->st, 1);
    static const int cols[J_COUNT] = { 2, 3, 5, 6 };
    int rc = crm__cursor_texts(c, cols, J_COUNT, e->text);
    if (rc)
        return rc;
    if (!e->text[J_ACTOR] || !e->text[J_ENTITY] || !e->text[J_OP] || !e->text[J_DATA])
        return crm__error(c->db, CRM_ECORRUPT,
                          "a journal entry without an actor, entity, op or data");
    crm__col_id(e->entity_id, c->st, 4);
    return CRM_OK;
}

int crm_journal_entry_list_open(crm_journal_entry_cursor **out, crm_db *db, int64_t since_seq)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (since_seq < 0)
        return crm__error(db, CRM_EINVAL, "since_seq is negative (%lld)", (long long)since_seq);
    /* The walk reads the journal as it was when opened, however the same
     * handle or another writes meanwhile (see crm__cursor in store.h). */
    crm_journal_entry_cursor *cur;
    rc = crm__cursor_new((void **)&cur, sizeof *cur, db, CRM__Q_JOURNAL_READ, journal_build,
                         "reading the journal");
    if (rc)
        return rc;
    crm__bind_int(cur->base.st, 1, since_seq);
    return crm__cursor_bound((void **)out, cur, "reading the journal");
}

int crm_journal_entry_cursor_next(crm_journal_entry_cursor *cur, const crm_journal_entry **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_journal_entry_cursor_free(crm_journal_entry_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}

/* ---- an entry's fields ---------------------------------------------------- */

static const char *const json_type_names[] = { NULL,   "null", "true",  "false", "integer",
                                               "real", "text", "array", "object" };

const char *crm_json_type_name(crm_json_type_t type)
{
    if (type < CRM_JSON_NULL || type > CRM_JSON_OBJECT)
        return NULL;
    return json_type_names[type];
}

int crm_json_type_parse(crm_json_type_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int t = crm__word_index(json_type_names, CRM_JSON_NULL, CRM_JSON_OBJECT, name);
    if (t < 0)
        return crm__parse_error(__func__, "a JSON type", name,
                                "null, true, false, integer, real, text, array or object");
    *out = (crm_json_type_t)t;
    return CRM_OK;
}

enum { F_KEY, F_VALUE, F_COUNT };

struct crm_journal_field {
    crm_json_type_t type;
    const char *text[F_COUNT];
};

struct crm_journal_field_cursor {
    crm__cursor base;
    crm_journal_field row;
};

const char *crm_journal_field_key(const crm_journal_field *f) { return f ? f->text[F_KEY] : NULL; }
crm_json_type_t crm_journal_field_type(const crm_journal_field *f)
{
    return f ? f->type : (crm_json_type_t)0;
}
const char *crm_journal_field_value(const crm_journal_field *f)
{
    return f ? f->text[F_VALUE] : NULL;
}

static int field_build(crm__cursor *c)
{
    crm_journal_field_cursor *cur = (crm_journal_field_cursor *)c;
    crm_journal_field *f = &cur->row;
    const char *type = crm__col_text(c->st, 1);
    int t = crm__word_index(json_type_names, CRM_JSON_NULL, CRM_JSON_OBJECT, type);
    if (t < 0 && !type && !crm__col_null(c->st, 1))
        return crm__error(c->db, CRM_ENOMEM, "out of memory %s", c->what);
    if (t < 0)
        return crm__error(c->db, CRM_ECORRUPT, "a journal entry's field of no JSON type (%s)",
                          type ? type : "none");
    static const int cols[F_COUNT] = { 0, 2 };
    int rc = crm__cursor_texts(c, cols, F_COUNT, f->text);
    if (rc)
        return rc;
    if (!f->text[F_KEY] || (!f->text[F_VALUE] && t != CRM_JSON_NULL))
        return crm__error(c->db, CRM_ECORRUPT, "a journal entry's field without a key or value");
    f->type = (crm_json_type_t)t;
    return CRM_OK;
}

int crm_journal_field_list_open(crm_journal_field_cursor **out, crm_db *db, int64_t seq)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    static const char what[] = "reading a journal entry's fields";
    crm_journal_field_cursor *cur;
    rc = crm__cursor_new((void **)&cur, sizeof *cur, db, CRM__Q_JOURNAL_FIELDS, field_build, what);
    if (rc)
        return rc;
    crm__bind_int(cur->base.st, 1, seq);
    rc = crm__cursor_bound((void **)&cur, cur, what);
    if (rc)
        return rc;
    /* The first row says whether the entry is there, and its data an
     * object; a row without a type is the one of an entry without fields. */
    if (cur->base.done) {
        crm__cursor_free(cur);
        return crm__error(db, CRM_ENOTFOUND, "no journal entry has sequence number %lld",
                          (long long)seq);
    }
    const char *data_type = crm__col_text(cur->base.st, 3);
    if (!data_type || strcmp(data_type, "object") != 0) {
        bool oom = data_type == NULL && !crm__col_null(cur->base.st, 3);
        crm__cursor_free(cur);
        if (oom)
            return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
        return crm__error(db, CRM_ECORRUPT, "journal entry %lld: its data is not a JSON object",
                          (long long)seq);
    }
    if (crm__col_null(cur->base.st, 1))
        crm__cursor_stop(&cur->base, CRM_DONE);
    *out = cur;
    return CRM_OK;
}

int crm_journal_field_cursor_next(crm_journal_field_cursor *cur, const crm_journal_field **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_journal_field_cursor_free(crm_journal_field_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
