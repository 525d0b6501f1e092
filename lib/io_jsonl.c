/*
 * libcrm - JSON Lines of the whole database, out and back in, ids and
 * times kept. The JSON is made and read by the storage layer (its
 * statements CRM__Q_IO_DUMP_* and CRM__Q_IO_LOAD_*), never here.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/io.h"
#include "internal/journal.h"
#include "internal/merge.h"
#include "internal/util.h"
#include "store/store.h"

#define HEADER "{\"format\":\"libcrm\",\"version\":1}"

/* The fields of each record, in the order its _LOAD_ and _SAME_ statements
 * take them: u an id, i an integer, t a text; upper case when it may be
 * null. */
typedef struct field {
    const char *key;
    char kind;
} field;
#define F(k, t) { k, t }
static const field f_channel[] = { F("code", 'i'), F("name", 't') };
static const field f_customer[] = { F("id", 'u'), F("kind", 'i'), F("name", 't'),
                                    F("owner", 'T'), F("created_at", 'i'),
                                    F("updated_at", 'i'), F("archived_at", 'I'),
                                    F("erased_at", 'I') };
static const field f_membership[] = { F("org_id", 'u'), F("person_id", 'u'), F("role", 't'),
                                      F("since", 'i') };
static const field f_identity[] = { F("customer_id", 'u'), F("kind", 't'), F("key", 't'),
                                    F("value", 't'), F("flags", 'i'), F("created_at", 'i') };
static const field f_attr[] = { F("customer_id", 'u'), F("key", 't'), F("value", 't') };
static const field f_tag[] = { F("customer_id", 'u'), F("tag", 't') };
static const field f_interaction[] = {
    F("id", 'u'),          F("customer_id", 'u'), F("channel", 'i'),  F("direction", 'i'),
    F("occurred_at", 'i'), F("handled_by", 'T'),  F("reason", 'T'),   F("outcome", 'i'),
    F("public", 'i'),      F("sentiment", 'I'),   F("summary", 'T'),  F("body", 'T'),
    F("thread_id", 'u'),   F("reply_to", 'U'),    F("external_ref", 'T'),
    F("created_at", 'i'),  F("updated_at", 'i')
};
static const field f_promise[] = { F("id", 'u'),           F("customer_id", 'u'),
                                   F("interaction_id", 'U'), F("owner", 't'),
                                   F("what", 't'),         F("state", 'i'),
                                   F("due_at", 'i'),       F("first_due_at", 'i'),
                                   F("made_at", 'i'),      F("closed_at", 'I'),
                                   F("kept_by", 'U') };
static const field f_event[] = { F("promise_id", 'u'), F("seq", 'i'), F("kind", 'i'),
                                 F("at", 'i'),         F("actor", 't'), F("old_due", 'i'),
                                 F("new_due", 'i'),    F("customer_agreed", 'i'),
                                 F("interaction_id", 'U'), F("note", 'T') };
static const field f_occasion[] = { F("id", 'u'),        F("customer_id", 'u'),
                                    F("kind", 't'),      F("yearly", 'i'),
                                    F("year", 'i'),      F("month", 'i'),
                                    F("day", 'i'),       F("lead_days", 'i'),
                                    F("note", 'T'),      F("created_at", 'i') };
static const field f_consent[] = { F("id", 'u'),      F("customer_id", 'u'), F("purpose", 't'),
                                   F("channel", 'I'), F("granted", 'i'),     F("at", 'i'),
                                   F("actor", 't'),   F("interaction_id", 'U'),
                                   F("note", 't') };
static const field f_merged[] = { F("absorbed_id", 'u'), F("survivor_id", 'u'),
                                  F("merged_at", 'i') };
#undef F

#define FIELDS(f) f, (int)(sizeof f / sizeof f[0])
static const struct {
    const char *type;
    crm__query dump, load, same;
    const field *fields;
    int nfields;
} types[] = {
    { "channel", CRM__Q_IO_DUMP_CHANNEL, CRM__Q_IO_LOAD_CHANNEL, CRM__Q_IO_SAME_CHANNEL,
      FIELDS(f_channel) },
    { "customer", CRM__Q_IO_DUMP_CUSTOMER, CRM__Q_IO_LOAD_CUSTOMER, CRM__Q_IO_SAME_CUSTOMER,
      FIELDS(f_customer) },
    { "membership", CRM__Q_IO_DUMP_MEMBERSHIP, CRM__Q_IO_LOAD_MEMBERSHIP,
      CRM__Q_IO_SAME_MEMBERSHIP, FIELDS(f_membership) },
    { "identity", CRM__Q_IO_DUMP_IDENTITY, CRM__Q_IO_LOAD_IDENTITY, CRM__Q_IO_SAME_IDENTITY,
      FIELDS(f_identity) },
    { "attribute", CRM__Q_IO_DUMP_ATTR, CRM__Q_IO_LOAD_ATTR, CRM__Q_IO_SAME_ATTR,
      FIELDS(f_attr) },
    { "tag", CRM__Q_IO_DUMP_TAG, CRM__Q_IO_LOAD_TAG, CRM__Q_IO_SAME_TAG, FIELDS(f_tag) },
    { "interaction", CRM__Q_IO_DUMP_INTERACTION, CRM__Q_IO_LOAD_INTERACTION,
      CRM__Q_IO_SAME_INTERACTION, FIELDS(f_interaction) },
    { "promise", CRM__Q_IO_DUMP_PROMISE, CRM__Q_IO_LOAD_PROMISE, CRM__Q_IO_SAME_PROMISE,
      FIELDS(f_promise) },
    { "promise_event", CRM__Q_IO_DUMP_PROMISE_EVENT, CRM__Q_IO_LOAD_PROMISE_EVENT,
      CRM__Q_IO_SAME_PROMISE_EVENT, FIELDS(f_event) },
    { "occasion", CRM__Q_IO_DUMP_OCCASION, CRM__Q_IO_LOAD_OCCASION, CRM__Q_IO_SAME_OCCASION,
      FIELDS(f_occasion) },
    { "consent", CRM__Q_IO_DUMP_CONSENT, CRM__Q_IO_LOAD_CONSENT, CRM__Q_IO_SAME_CONSENT,
      FIELDS(f_consent) },
    { "merged", CRM__Q_IO_DUMP_MERGED, CRM__Q_IO_LOAD_MERGED, CRM__Q_IO_SAME_MERGED,
      FIELDS(f_merged) },
};
#define NTYPES (sizeof types / sizeof types[0])
#define MAX_MEMBERS 24

/* ---- export ---------------------------------------------------------------- */

static int dump(crm_db *db, crm__text *t)
{
    crm__text_adds(t, HEADER "\n");
    for (size_t i = 0; i < NTYPES; i++) {
        CRM__ST(st);
        int rc = crm__st_get(db, types[i].dump, &st);
        while (rc == CRM_OK && (rc = crm__st_step(st, "exporting JSON Lines")) == CRM_ROW) {
            const char *line = crm__col_text(st, 0);
            if (!line)
                return crm__error(db, CRM_ENOMEM, "out of memory exporting");
            crm__text_adds(t, line);
            crm__text_addc(t, '\n');
            rc = CRM_OK;
        }
        if (rc != CRM_DONE)
            return rc;
    }
    return CRM_OK;
}

int crm_jsonl_export(crm_db *db, const char *path)
{
    CRM__ENTER(db);
    return crm__export_file(db, dump, path);
}

int crm_jsonl_export_mem(char **out, crm_db *db)
{
    CRM__ENTER(db);
    return crm__export_mem(db, dump, out);
}

/* ---- import ---------------------------------------------------------------- */

typedef struct jl_ctx {
    crm__import im;
    crm_db *db;
    bool empty; /* the database held no customer when the import began */
    bool header;
    bool merged; /* a merged record was read: the chains are checked at the end */
    /* What a record says that can only be written once the whole file is
     * in (into an empty database), in the order read:
     * - a reply's reply_to: the interaction it answers may come later in
     *   the file (ids made in one millisecond by two handles order either
     *   way), so a reply is loaded without it;
     * - an erased customer's erased_at: no new row may name an erased
     *   customer (schema 10), so it is loaded without it, its
     *   interactions, promises and consent events after it. */
    struct later {
        crm__query q; /* CRM__Q_IO_LOAD_REPLY_TO or CRM__Q_IO_LOAD_ERASED */
        crm__uuid id, other;
        int64_t at, line;
    } *later;
    size_t n_later, cap_later;
} jl_ctx;

static int keep_for_later(jl_ctx *x, crm__query q, const crm__uuid *id, const crm__uuid *other,
                          int64_t at)
{
    if (x->n_later == x->cap_later) {
        size_t cap = x->cap_later ? 2 * x->cap_later : 16;
        struct later *l = crm__realloc(x->later, cap * sizeof *l);
        if (!l)
            return crm__error(x->db, CRM_ENOMEM, "out of memory importing JSON Lines");
        x->later = l;
        x->cap_later = cap;
    }
    struct later *l = &x->later[x->n_later++];
    l->q = q;
    l->id = *id;
    if (other)
        l->other = *other;
    l->at = at;
    l->line = x->im.line;
    return CRM_OK;
}

/* Write what waited for the whole file: replies first, then erasures. */
static int write_later(jl_ctx *x)
{
    crm_db *db = x->db;
    int rc = crm__write_begin(db);
    for (int pass = 0; pass < 2; pass++) {
        crm__query q = pass == 0 ? CRM__Q_IO_LOAD_REPLY_TO : CRM__Q_IO_LOAD_ERASED;
        for (size_t i = 0; rc == CRM_OK && i < x->n_later; i++) {
            const struct later *l = &x->later[i];
            if (l->q != q)
                continue;
            CRM__ST(st);
            int refused = CRM__KEPT;
            rc = crm__st_get(db, q, &st);
            if (rc == CRM_OK) {
                crm__bind_id(st, 1, &l->id);
                if (q == CRM__Q_IO_LOAD_REPLY_TO)
                    crm__bind_id(st, 2, &l->other);
                else
                    crm__bind_int(st, 2, l->at);
                rc = crm__st_insert(st, "importing JSON Lines", &refused);
            }
            if (rc == CRM_OK && refused != CRM__KEPT) {
                x->im.line = l->line;
                rc = crm__import_bad(&x->im, 1, CRM_EINVAL,
                                     "an interaction record answering an interaction "
                                     "(reply_to) the file does not give");
            }
        }
    }
    return crm__write_end(db, rc);
}

/* One member of the line's object, its text copied. */
typedef struct member {
    char *key;
    char type; /* n null, i integer, t text, o anything else */
    int64_t i;
    char *text;
} member;

typedef struct record {
    member m[MAX_MEMBERS];
    int n;
} record;

static void record_clear(record *r)
{
    for (int i = 0; i < r->n; i++) {
        crm__free(r->m[i].key);
        crm__free(r->m[i].text);
    }
    r->n = 0;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return s;
}

/* A line SQLite read as JSON without an error but without the members of
 * an object. SQLite's JSON functions can come back empty, rather than
 * fail, when memory runs out; a line that opens with '{' is an object
 * (else SQLite calls it malformed), and only "{}" has no members. */
static int not_object(jl_ctx *x, const char *line)
{
    const char *s = skip_space(line);
    if (*s != '{')
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "not a JSON object");
    s = skip_space(s + 1);
    if (*s == '}' && !*skip_space(s + 1))
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "a JSON object without a \"type\"");
    return crm__error(x->db, CRM_ENOMEM, "out of memory reading a JSON line");
}

/* The members of the JSON object in line: CRM_OK, or the line's error (not
 * JSON, not an object, too many members), or a failure. */
static int read_record(jl_ctx *x, const char *line, record *r)
{
    crm_db *db = x->db;
    /* JSON may say NUL (\u0000), which libcrm stores in no text (a reader
     * would see only what comes before it) and SQLite's JSON functions cut
     * a text at: refused, not cut. Backslashes stand only in strings. */
    for (const char *p = line; *p; p++) {
        if (*p != '\\')
            continue;
        if (strncmp(p + 1, "u0000", 5) == 0)
            return crm__import_bad(&x->im, 1, CRM_EINVAL, "a text holds a NUL character");
        if (p[1])
            p++;
    }
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IO_JSON_MEMBERS, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, line);
    while ((rc = crm__st_step(st, "reading a JSON line")) == CRM_ROW) {
        const char *key = crm__col_text(st, 0), *type = crm__col_text(st, 1);
        if ((!key && !crm__col_null(st, 0)) || !type)
            return crm__error(db, CRM_ENOMEM, "out of memory importing JSON Lines");
        if (!key)
            return not_object(x, line);
        if (r->n == MAX_MEMBERS)
            return crm__import_bad(&x->im, 1, CRM_EINVAL, "more than %d fields", MAX_MEMBERS);
        member *m = &r->m[r->n];
        memset(m, 0, sizeof *m);
        if (!(m->key = crm__strdup(key)))
            return crm__error(db, CRM_ENOMEM, "out of memory importing JSON Lines");
        r->n++;
        if (strcmp(type, "null") == 0) {
            m->type = 'n';
        } else if (strcmp(type, "integer") == 0) {
            m->type = 'i';
            m->i = crm__col_int(st, 2);
        } else if (strcmp(type, "text") == 0) {
            m->type = 't';
            const char *v = crm__col_text(st, 2);
            if (!v || !(m->text = crm__strdup(v)))
                return crm__error(db, CRM_ENOMEM, "out of memory importing JSON Lines");
        } else {
            m->type = 'o';
        }
    }
    if (rc == CRM_ERROR)
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "not JSON (%s)", crm_errmsg(db));
    if (rc != CRM_DONE)
        return rc;
    if (r->n == 0)
        return not_object(x, line);
    return CRM_OK;
}

static const member *find(const record *r, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->m[i].key, key) == 0)
            return &r->m[i];
    return NULL;
}

static int check_header(jl_ctx *x, const char *line)
{
    record r = { 0 };
    int rc = read_record(x, line, &r);
    const member *f = rc ? NULL : find(&r, "format"), *v = rc ? NULL : find(&r, "version");
    if (rc == CRM_OK && !(f && f->type == 't' && strcmp(f->text, "libcrm") == 0))
        rc = crm__import_bad(&x->im, 1, CRM_EINVAL,
                             "the first line is not a libcrm JSON Lines header (%s)", HEADER);
    else if (rc == CRM_OK && !(v && v->type == 'i' && v->i == 1))
        rc = crm__import_bad(&x->im, 1, CRM_EINVAL,
                             "JSON Lines version %lld is not one this libcrm reads (1)",
                             v && v->type == 'i' ? (long long)v->i : -1LL);
    record_clear(&r);
    return rc;
}

/* Whether the integer field key is a time, which libcrm stores only
 * between CRM_TIME_MIN and CRM_TIME_MAX. */
static bool is_time(const char *key)
{
    size_t n = strlen(key);
    return (n > 3 && strcmp(key + n - 3, "_at") == 0) || strcmp(key, "at") == 0 ||
           strcmp(key, "since") == 0 || strcmp(key, "old_due") == 0 ||
           strcmp(key, "new_due") == 0;
}

/* Bind the record's fields to st in the order of its type: CRM_OK or the
 * line's error. Texts are as any call takes them (UTF-8, at most
 * CRM_BODY_MAX bytes; the schema's checks hold the rest), times in range. */
static int bind_fields(jl_ctx *x, size_t k, const record *r, crm__st *st, crm__uuid *ids)
{
    char q[CRM__QUOTE_SIZE];
    for (int i = 0; i < r->n; i++) {
        bool known = strcmp(r->m[i].key, "type") == 0;
        for (int j = 0; j < types[k].nfields && !known; j++)
            known = strcmp(types[k].fields[j].key, r->m[i].key) == 0;
        if (!known)
            return crm__import_bad(&x->im, 1, CRM_EINVAL, "a %s record has no field '%s'",
                                   types[k].type, crm__quote(q, sizeof q, r->m[i].key));
    }
    for (int j = 0; j < types[k].nfields; j++) {
        const field *f = &types[k].fields[j];
        const member *m = find(r, f->key);
        char kind = f->kind;
        bool nullable = kind >= 'A' && kind <= 'Z';
        if (nullable)
            kind = (char)(kind - 'A' + 'a');
        if (!m || m->type == 'n') {
            if (!nullable)
                return crm__import_bad(&x->im, 1, CRM_EINVAL, "the %s record lacks \"%s\"",
                                       types[k].type, f->key);
            crm__bind_null(st, j + 1);
            continue;
        }
        if (kind == 'i' && m->type == 'i') {
            if (is_time(f->key) && crm__check_time(x->db, f->key, m->i) != CRM_OK)
                return crm__import_bad(&x->im, 1, CRM_EINVAL, "the %s record: %s",
                                       types[k].type, crm_errmsg(x->db));
            crm__bind_int(st, j + 1, m->i);
        } else if (kind == 't' && m->type == 't') {
            if (crm__check_text(x->db, f->key, m->text, 0, CRM_BODY_MAX, 0) != CRM_OK)
                return crm__import_bad(&x->im, 1, CRM_EINVAL, "the %s record: %s",
                                       types[k].type, crm_errmsg(x->db));
            crm__bind_text(st, j + 1, m->text);
        } else if (kind == 'u' && m->type == 't' && strlen(m->text) == CRM_ID_LEN &&
                   crm__uuid_parse(&ids[j], m->text) == 0) {
            char back[CRM_ID_LEN + 1];
            crm__uuid_format(back, ids[j].b);
            if (strcmp(back, m->text) != 0)
                return crm__import_bad(&x->im, 1, CRM_EINVAL,
                                       "\"%s\" of the %s record is not a lower-case id",
                                       f->key, types[k].type);
            crm__bind_id(st, j + 1, &ids[j]);
        } else {
            return crm__import_bad(&x->im, 1, CRM_EINVAL, "\"%s\" of the %s record is not %s",
                                   f->key, types[k].type,
                                   kind == 'i' ? "an integer" : kind == 't' ? "a text" : "an id");
        }
    }
    return CRM_OK;
}

/* Load one record: CRM_OK, or an error of the line's. */
static int load(jl_ctx *x, const char *line)
{
    crm_db *db = x->db;
    char q[CRM__QUOTE_SIZE];
    record r = { 0 };
    int rc = read_record(x, line, &r);
    const member *t = rc ? NULL : find(&r, "type");
    if (rc == CRM_OK && (!t || t->type != 't'))
        rc = crm__import_bad(&x->im, 1, CRM_EINVAL, "a JSON object without a \"type\"");
    size_t k = 0;
    while (rc == CRM_OK && k < NTYPES && strcmp(types[k].type, t->text) != 0)
        k++;
    if (rc == CRM_OK && k == NTYPES)
        rc = crm__import_bad(&x->im, 1, CRM_EINVAL, "record type '%s' is not one of libcrm's",
                             crm__quote(q, sizeof q, t->text));
    if (rc) {
        record_clear(&r);
        return rc;
    }
    const char *type = types[k].type;
    crm__uuid ids[MAX_MEMBERS];
    rc = crm__write_begin(db);
    if (rc) {
        record_clear(&r);
        return rc;
    }
    crm__write_mark m = crm__write_mark_now(db);
    bool foreign = false;
    {
        CRM__ST(st);
        rc = crm__st_get(db, types[k].load, &st);
        if (rc == CRM_OK)
            rc = bind_fields(x, k, &r, st, ids);
        /* A customer's folded name, which duplicates compare, is derived
         * from its name, not carried in the file. */
        char *fold = NULL;
        const member *erased = NULL, *reply = NULL;
        if (rc == CRM_OK && types[k].load == CRM__Q_IO_LOAD_INTERACTION && x->empty) {
            reply = find(&r, "reply_to");
            if (reply && reply->type == 'n')
                reply = NULL;
            if (reply)
                crm__bind_null(st, 14); /* answered at the end: write_later() */
        }
        if (rc == CRM_OK && types[k].load == CRM__Q_IO_LOAD_CUSTOMER) {
            erased = find(&r, "erased_at");
            if (erased && erased->type == 'n')
                erased = NULL;
            if (erased && x->empty)
                crm__bind_null(st, 8); /* erased at the end: write_later() */
            const member *name = find(&r, "name");
            fold = crm__fold_name(name->text);
            if (fold)
                crm__bind_text(st, types[k].nfields + 1, fold);
            else
                rc = crm__error(db, CRM_ENOMEM, "out of memory importing JSON Lines");
        }
        int refused = CRM__KEPT;
        if (rc == CRM_OK)
            rc = crm__st_insert(st, "importing JSON Lines", &refused);
        if (rc == CRM_ERROR)
            rc = crm__import_bad(&x->im, 1, CRM_EINVAL, "a %s record the database refuses: %s",
                                 type, crm_errmsg(db));
        foreign = rc == CRM_OK && refused == CRM__REFUSED_FOREIGN;
        if (foreign && x->empty)
            rc = crm__import_bad(&x->im, 1, CRM_EINVAL,
                                 "a %s record naming a record the file has not given before it",
                                 type);
        /* Into the database the file was imported into before, an erased
         * customer's record is refused as new: whether it is there, the
         * same, is asked below like any other's. */
        if (rc == CRM_OK && erased && x->empty && !crm__write_mark_holds(db, m))
            rc = keep_for_later(x, CRM__Q_IO_LOAD_ERASED, &ids[0], NULL, erased->i);
        if (rc == CRM_OK && reply && !crm__write_mark_holds(db, m))
            rc = keep_for_later(x, CRM__Q_IO_LOAD_REPLY_TO, &ids[0], &ids[13], 0);
        crm__free(fold);
    }
    bool added = rc == CRM_OK && !crm__write_mark_holds(db, m);
    if (rc == CRM_OK && !added) {
        CRM__ST(st);
        rc = crm__st_get(db, types[k].same, &st);
        if (rc == CRM_OK)
            rc = bind_fields(x, k, &r, st, ids);
        if (rc == CRM_OK) {
            rc = crm__st_step(st, "comparing a JSON Lines record");
            if (rc == CRM_ROW) {
                bool there = crm__col_int(st, 0) != 0, same = crm__col_int(st, 1) != 0;
                rc = same    ? CRM_OK
                     : there ? crm__import_bad(&x->im, 1, CRM_ESTATE,
                                               "the database holds a different %s record "
                                               "with this key",
                                               type)
                     : foreign
                         ? crm__import_bad(&x->im, 1, CRM_EINVAL,
                                           "a %s record naming a record the file has not given "
                                           "before it, or an erased customer",
                                           type)
                         : crm__import_bad(&x->im, 1, CRM_EINVAL,
                                           "a %s record the database refuses", type);
            } else if (rc == CRM_DONE) {
                rc = CRM_ERROR;
            }
        }
    }
    if (rc == CRM_OK && added && !x->empty)
        rc = crm__import_bad(&x->im, 1, CRM_ESTATE,
                             "the database already holds customers and not this %s record: "
                             "JSON Lines are imported into an empty database (or again into "
                             "the one they were imported into)",
                             type);
    if (rc == CRM_OK && added && k == 1) {
        crm__jfield f[] = { CRM__JWORD("format", "jsonl") };
        rc = CRM__JOURNAL(db, "customer", &ids[0], "import", f);
    }
    if (rc == CRM_OK && types[k].load == CRM__Q_IO_LOAD_MERGED)
        x->merged = true;
    if (rc == CRM_OK) {
        x->im.res->records += added;
        x->im.res->unchanged += !added;
        x->im.res->created += added && k == 1;
    }
    record_clear(&r);
    return crm__write_end(db, rc);
}

/* Every absorbed id leads, survivor after survivor, to a customer: what
 * the lines of merged records, each fine alone, must make together. */
static int check_merged(crm_db *db)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IO_MERGED_BROKEN, &st);
    if (rc == CRM_OK)
        rc = crm__st_step(st, "checking the merged records");
    if (rc == CRM_ROW) {
        const char *id = crm__col_text(st, 0);
        return crm__error(db, CRM_EINVAL,
                          "JSON Lines: the merged records of customer %s lead to no customer "
                          "(an id no record has, or back to itself)",
                          id ? id : "?");
    }
    return rc == CRM_DONE ? CRM_OK : rc;
}

static int parse(jl_ctx *x, const char *data, size_t len)
{
    crm_db *db = x->db;
    {
        CRM__ST(st);
        int rc = crm__st_get(db, CRM__Q_IO_ANY_CUSTOMER, &st);
        if (rc == CRM_OK)
            rc = crm__st_step(st, "reading whether the database is empty");
        if (rc < 0)
            return rc;
        x->empty = rc == CRM_DONE;
    }
    size_t pos = 0;
    char *line = NULL;
    size_t cap = 0;
    int rc = CRM_OK;
    while (pos < len && rc == CRM_OK) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
        x->im.line++;
        size_t l = n;
        if (l && data[pos + l - 1] == '\r')
            l--;
        const char *s = data + pos;
        pos += nl ? n + 1 : n;
        if (l == 0)
            continue;
        if (memchr(s, '\0', l)) {
            rc = crm__import_bad(&x->im, (int64_t)((const char *)memchr(s, '\0', l) - s) + 1,
                                 CRM_EINVAL, "a NUL byte in the line");
            break;
        }
        if (!crm__utf8_valid(s, l)) {
            rc = crm__import_bad(&x->im, 1, CRM_EINVAL, "the line is not valid UTF-8");
            break;
        }
        if (l + 1 > cap) {
            char *p = crm__realloc(line, l + 1);
            if (!p) {
                rc = crm__error(db, CRM_ENOMEM, "out of memory importing JSON Lines");
                break;
            }
            line = p;
            cap = l + 1;
        }
        memcpy(line, s, l);
        line[l] = '\0';
        x->im.col = 0;
        if (!x->header) {
            rc = check_header(x, line);
            x->header = true;
        } else {
            x->im.rows++;
            rc = load(x, line);
            crm__import_progress(&x->im, (int64_t)pos);
        }
    }
    crm__free(line);
    if (rc == CRM_OK && !x->header)
        rc = crm__error(db, CRM_EINVAL, "the JSON Lines text is empty: no header line");
    if (rc == CRM_OK && x->n_later)
        rc = write_later(x);
    if (rc == CRM_OK && x->merged)
        rc = check_merged(db);
    if (x->im.col > 0 && (rc == CRM_EINVAL || rc == CRM_ESTATE)) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", crm_errmsg(db));
        rc = crm__error(db, rc, "JSON Lines line %lld, column %lld: %s", (long long)x->im.line,
                        (long long)x->im.col, msg);
    }
    return rc;
}

static int import(crm_import_result **out, crm_db *db, const char *path, const char *data,
                  size_t len, const crm_import_options *opts)
{
    jl_ctx x;
    memset(&x, 0, sizeof x);
    x.db = db;
    int rc = crm__import_begin(&x.im, db, path ? (const void *)path : (const void *)data, opts,
                               "JSON Lines", false);
    if (rc)
        return rc;
    char *file = NULL;
    if (path) {
        rc = crm__file_read(db, path, &file, &len);
        data = file;
    }
    if (rc == CRM_OK)
        rc = parse(&x, data, len);
    rc = crm__import_end(&x.im, rc, out);
    crm__free(x.later);
    crm__free(file);
    return rc;
}

int crm_jsonl_import(crm_import_result **out, crm_db *db, const char *path,
                     const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, path, NULL, 0, opts);
}

int crm_jsonl_import_mem(crm_import_result **out, crm_db *db, const char *data, size_t len,
                         const crm_import_options *opts)
{
    CRM__ENTER(db);
    return import(out, db, NULL, data, len, opts);
}
