/*
 * libcrm - identities and the caller-ID style lookup.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct crm_identity {
    char customer_id[CRM_ID_LEN + 1];
    unsigned int flags;
    int64_t created_at;
    /* Point just past the struct in an owned record, into the statement's
     * row in a cursor's. */
    const char *kind, *value, *key;
};

const char *crm_identity_customer_id(const crm_identity *i) { return i ? i->customer_id : NULL; }
const char *crm_identity_kind(const crm_identity *i) { return i ? i->kind : NULL; }
const char *crm_identity_value(const crm_identity *i) { return i ? i->value : NULL; }
const char *crm_identity_key(const crm_identity *i) { return i ? i->key : NULL; }
unsigned int crm_identity_flags(const crm_identity *i) { return i ? i->flags : 0; }
int64_t crm_identity_created_at(const crm_identity *i)
{
    return i ? i->created_at : CRM_TIME_NONE;
}

void crm_identity_free(crm_identity *i)
{
    crm__free(i);
}

static crm_identity *identity_new(const char *kind, const char *value, const char *key)
{
    size_t nk = strlen(kind) + 1, nv = strlen(value) + 1, nkey = strlen(key) + 1;
    crm_identity *i = crm__malloc(sizeof *i + nk + nv + nkey);
    if (!i)
        return NULL;
    memset(i, 0, sizeof *i);
    char *p = (char *)(i + 1);
    memcpy(p, kind, nk);
    i->kind = p;
    memcpy(p + nk, value, nv);
    i->value = p + nk;
    memcpy(p + nk + nv, key, nkey);
    i->key = p + nk + nv;
    return i;
}

int crm_identity_dup(crm_identity **out, const crm_identity *i)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!i)
        return crm__null_arg(__func__, "the identity");
    crm_identity *c = identity_new(i->kind, i->value, i->key);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the identity", __func__);
    memcpy(c->customer_id, i->customer_id, sizeof c->customer_id);
    c->flags = i->flags;
    c->created_at = i->created_at;
    *out = c;
    return CRM_OK;
}

/* ---- normalisation ------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A trimmed copy of s. */
static char *trimmed(const char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        n--;
    char *t = crm__malloc(n + 1);
    if (t) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

static int check_kind(crm_db *db, const char *kind)
{
    char q[CRM__QUOTE_SIZE];
    if (!kind)
        return crm__error(db, CRM_EINVAL, "identity kind is NULL");
    if (!crm__is_kind_name(kind))
        return crm__error(db, CRM_EINVAL,
                          "identity kind '%s' is not a kind: use phone, email, social, account, "
                          "loyalty or a name matching [a-z][a-z0-9_]{0,31}",
                          crm__pquote(db, q, sizeof q, kind));
    return CRM_OK;
}

static int norm_phone(crm_db *db, const char *value, char **key)
{
    char q[CRM__QUOTE_SIZE], e164[CRM__E164_SIZE];
    int rc = crm__phone_e164_fast(e164, value) ? CRM__PHONE_OK
                                               : crm__phone_e164(e164, value, db->region);
    switch (rc) {
    case CRM__PHONE_OK: {
        /* *key is the caller's out-param: written only on success. */
        char *k = crm__strdup(e164);
        if (!k)
            return crm__error(db, CRM_ENOMEM, "out of memory normalising a phone number");
        *key = k;
        return CRM_OK;
    }
    case CRM__PHONE_NEEDS_REGION:
        return crm__error(db, CRM_EINVAL,
                          "phone number '%s' has no country code and the database has no "
                          "default country; write it as +<country code> ... or open the "
                          "database with default_country",
                          crm__pquote(db, q, sizeof q, value));
    case CRM__PHONE_NOMEM:
        return crm__error(db, CRM_ENOMEM, "out of memory normalising a phone number");
    default:
        if (db->region[0])
            return crm__error(db, CRM_EINVAL, "'%s' is not a phone number (default country %s)",
                              crm__pquote(db, q, sizeof q, value), db->region);
        return crm__error(db, CRM_EINVAL, "'%s' is not a phone number",
                          crm__pquote(db, q, sizeof q, value));
    }
}

static int norm_email(crm_db *db, const char *value, char **key)
{
    char q[CRM__QUOTE_SIZE];
    char *t = trimmed(value);
    if (!t)
        return crm__error(db, CRM_ENOMEM, "out of memory normalising an e-mail address");
    const char *at = strchr(t, '@');
    bool ok = at && at != t && at[1] != '\0' && !strchr(at + 1, '@');
    for (const char *p = t; ok && *p; p++)
        ok = !is_space(*p);
    if (!ok) {
        crm__free(t);
        return crm__error(db, CRM_EINVAL,
                          "'%s' is not an e-mail address (expected one @ with text on both sides "
                          "and no spaces)",
                          crm__pquote(db, q, sizeof q, value));
    }
    crm__ascii_lower(t);
    *key = t;
    return CRM_OK;
}

static int norm_social(crm_db *db, const char *value, char **key)
{
    char q[CRM__QUOTE_SIZE];
    char *t = trimmed(value);
    if (!t)
        return crm__error(db, CRM_ENOMEM, "out of memory normalising a social handle");
    char *colon = strchr(t, ':');
    bool ok = colon && colon != t && colon - t <= 32;
    for (char *p = t; ok && p < colon; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '_' || *p == '.' || *p == '-';
    char *handle = ok ? colon + 1 : NULL;
    if (handle && *handle == '@')
        handle++;
    ok = ok && *handle != '\0';
    for (char *p = handle; ok && *p; p++)
        ok = !is_space(*p) && *p != '@' && *p != ':';
    if (!ok) {
        crm__free(t);
        return crm__error(db, CRM_EINVAL,
                          "'%s' is not a social handle (expected network:handle, e.g. "
                          "twitter:@DeltaAssist)",
                          crm__pquote(db, q, sizeof q, value));
    }
    /* network:handle, without the @, lower-cased */
    memmove(colon + 1, handle, strlen(handle) + 1);
    crm__ascii_lower(t);
    *key = t;
    return CRM_OK;
}

static int norm_exact(crm_db *db, const char *kind, const char *value, char **key)
{
    char *t = trimmed(value);
    if (!t)
        return crm__error(db, CRM_ENOMEM, "out of memory normalising an identity");
    if (!*t) {
        crm__free(t);
        return crm__error(db, CRM_EINVAL, "%s identity is blank", kind);
    }
    *key = t;
    return CRM_OK;
}

/* Check kind and value and derive the match key (caller frees it). */
static int normalise(crm_db *db, const char *kind, const char *value, char **key)
{
    int rc = check_kind(db, kind);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "identity value", value, 1, CRM_IDENTITY_MAX,
                             CRM__TEXT_NO_CONTROL);
    if (rc)
        return rc;
    if (strcmp(kind, "phone") == 0)
        return norm_phone(db, value, key);
    if (strcmp(kind, "email") == 0)
        return norm_email(db, value, key);
    if (strcmp(kind, "social") == 0)
        return norm_social(db, value, key);
    return norm_exact(db, kind, value, key);
}

int crm_identity_normalise(char **out, crm_db *db, const char *kind, const char *value)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    return rc ? rc : normalise(db, kind, value, out);
}

/* ---- storage ------------------------------------------------------------ */

/* The identity (kind, key): its record in *out (may be NULL), its owner's
 * id in *owner and name in *owner_name (a copy, may be NULL).
 * CRM_ENOTFOUND with a message when there is none. */
static int find(crm_db *db, const char *kind, const char *key, crm_identity **out,
                crm__uuid *owner, char **owner_name)
{
    char q[CRM__QUOTE_SIZE];
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IDENTITY_FIND, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    rc = crm__st_step(st, "looking up an identity");
    if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "no customer has %s identity %s", kind,
                        crm__pquote(db, q, sizeof q, key));
    } else if (rc == CRM_ROW) {
        rc = CRM_OK;
        crm__uuid cid;
        bool has_cid = crm__col_uuid(&cid, st, 0);
        const char *value = crm__col_text(st, 1);
        const char *name = crm__col_text(st, 4);
        if (!has_cid) {
            rc = crm__corrupt_id(db, "looking up an identity");
        } else if (!value || !name) {
            rc = crm__error(db, CRM_ENOMEM, "out of memory looking up an identity");
        } else {
            if (owner)
                *owner = cid;
            if (out) {
                *out = identity_new(kind, value, key);
                if (!*out)
                    rc = crm__error(db, CRM_ENOMEM, "out of memory looking up an identity");
                else {
                    crm__uuid_format((*out)->customer_id, cid.b);
                    (*out)->flags = (unsigned int)crm__col_int(st, 2);
                    (*out)->created_at = crm__col_int(st, 3);
                }
            }
            if (rc == CRM_OK && owner_name) {
                *owner_name = crm__strdup(name);
                if (!*owner_name) {
                    rc = crm__error(db, CRM_ENOMEM, "out of memory looking up an identity");
                    if (out) {
                        crm__free(*out);
                        *out = NULL;
                    }
                }
            }
        }
    }
    return rc;
}

/* Set flags (CRM__Q_IDENTITY_SET_FLAGS) or delete (CRM__Q_IDENTITY_DELETE)
 * the identity kind/key. */
static int run(crm_db *db, crm__query query, const char *kind, const char *key, int64_t flags,
               const char *what)
{
    CRM__ST(st);
    int rc = crm__st_get(db, query, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    if (query == CRM__Q_IDENTITY_SET_FLAGS)
        crm__bind_int(st, 3, flags);
    return crm__st_run(st, what);
}

static int journal_identity(crm_db *db, const crm__uuid *owner, const char *op, const char *kind,
                            const char *value, const char *key, unsigned int flags);

/* The identity kind/key becomes the customer's primary one of its kind: any
 * other primary of that kind loses the flag, journaled like any change of
 * flags so a subscriber need not know the rule. */
static int take_primary(crm_db *db, const crm__uuid *owner, const char *kind, const char *key)
{
    for (;;) {
        CRM__ST(st);
        int rc = crm__st_get(db, CRM__Q_IDENTITY_OTHER_PRIMARY, &st);
        if (rc)
            return rc;
        crm__bind_id(st, 1, owner);
        crm__bind_text(st, 2, kind);
        crm__bind_text(st, 3, key);
        rc = crm__st_step(st, "changing the primary identity");
        if (rc != CRM_ROW)
            return rc == CRM_DONE ? CRM_OK : rc;
        const char *k = crm__col_text(st, 0);
        const char *v = crm__col_text(st, 1);
        unsigned int flags = (unsigned int)crm__col_int(st, 2) & ~CRM_IDENTITY_PRIMARY;
        char *other = k && v ? crm__strdup(k) : NULL, *value = other ? crm__strdup(v) : NULL;
        crm__st_release(&st);
        rc = value ? CRM_OK
                   : crm__error(db, CRM_ENOMEM, "out of memory changing the primary identity");
        if (rc == CRM_OK)
            rc = run(db, CRM__Q_IDENTITY_SET_FLAGS, kind, other, flags,
                     "changing the primary identity");
        if (rc == CRM_OK)
            rc = journal_identity(db, owner, "flags", kind, value, other, flags);
        crm__free(other);
        crm__free(value);
        if (rc)
            return rc;
    }
}

static int check_flags(crm_db *db, unsigned int flags)
{
    unsigned int known = CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED;
    if (flags & ~known)
        return crm__error(db, CRM_EINVAL, "identity flags 0x%x has unknown bits 0x%x", flags,
                          flags & ~known);
    return CRM_OK;
}

static int journal_identity(crm_db *db, const crm__uuid *owner, const char *op, const char *kind,
                            const char *value, const char *key, unsigned int flags)
{
    crm__jfield f[] = { CRM__JTEXT("kind", kind), CRM__JTEXT("value", value),
                        CRM__JTEXT("key", key), CRM__JINT("flags", flags) };
    return CRM__JOURNAL(db, "identity", owner, op, f);
}

/* Insert the identity. Its checks are the insert's own: the primary key
 * refuses an identity that exists, the foreign key a customer that does
 * not, and only then is it read what to say, the missing customer first,
 * then whose the identity already is. */
static int insert_identity(crm_db *db, const crm__uuid *cid, const char *kind, const char *key,
                           const char *value, unsigned int flags, int64_t now)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IDENTITY_INSERT, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    crm__bind_text(st, 3, value);
    crm__bind_id(st, 4, cid);
    crm__bind_int(st, 5, flags);
    crm__bind_time(st, 6, now);
    rc = crm__customer_insert_owned(db, st, cid, "adding an identity");
    if (rc != CRM_EEXISTS)
        return rc;
    /* The (kind, key) is taken: say by whom. */
    crm__uuid owner;
    char *owner_name = NULL;
    rc = find(db, kind, key, NULL, &owner, &owner_name);
    if (rc == CRM_OK) {
        char oid[CRM_ID_LEN + 1];
        crm__uuid_format(oid, owner.b);
        crm__set_conflict(db, &owner);
        char qk[CRM__QUOTE_SIZE], qn[CRM__QUOTE_SIZE];
        rc = crm__error(db, CRM_EEXISTS, "%s identity %s already belongs to %s %s (%s)", kind,
                        crm__pquote(db, qk, sizeof qk, key),
                        memcmp(owner.b, cid->b, 16) == 0 ? "this customer," : "customer", oid,
                        crm__pquote(db, qn, sizeof qn, owner_name));
    } else if (rc == CRM_ENOTFOUND) {
        rc = crm__error(db, CRM_ERROR, "adding an identity: %s",
                        crm__refusal_text(CRM__REFUSED_UNIQUE));
    }
    crm__free(owner_name);
    return rc;
}

int crm_identity_add(crm_identity **out, crm_db *db, const char *customer_id, const char *kind,
                     const char *value, unsigned int flags)
{
    CRM__ENTER(db);
    crm__uuid cid;
    char *key = NULL;
    int rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK)
        rc = check_flags(db, flags);
    if (rc == CRM_OK)
        rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    crm_identity *rec = out ? identity_new(kind, value, key) : NULL;
    if (out && !rec) {
        crm__free(key);
        return crm__error(db, CRM_ENOMEM, "out of memory adding an identity");
    }
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        /* The insert, which may be refused, comes first: nothing may change
         * before it (see crm__write_begin). The primary mark is then taken
         * from the customer's others of the kind, journaled before the add
         * as each is changed. */
        rc = insert_identity(db, &cid, kind, key, value, flags, crm__now(db));
        if (rc == CRM_OK && (flags & CRM_IDENTITY_PRIMARY))
            rc = take_primary(db, &cid, kind, key);
        if (rc == CRM_OK)
            rc = journal_identity(db, &cid, "add", kind, value, key, flags);
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    if (rc) {
        crm__free(rec);
        return rc;
    }
    if (rec) {
        crm__uuid_format(rec->customer_id, cid.b);
        rec->flags = flags;
        rec->created_at = crm__now(db);
        *out = rec;
    }
    return CRM_OK;
}

int crm_identity_remove(crm_db *db, const char *kind, const char *value)
{
    CRM__ENTER(db);
    char *key = NULL;
    int rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        crm__uuid owner;
        crm_identity *old = NULL;
        rc = find(db, kind, key, &old, &owner, NULL);
        if (rc == CRM_OK)
            rc = run(db, CRM__Q_IDENTITY_DELETE, kind, key, 0, "removing an identity");
        if (rc == CRM_OK)
            rc = journal_identity(db, &owner, "remove", kind, old->value, key, old->flags);
        crm_identity_free(old);
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    return rc;
}

int crm_identity_set_flags(crm_db *db, const char *kind, const char *value, unsigned int flags)
{
    CRM__ENTER(db);
    char *key = NULL;
    int rc = check_flags(db, flags);
    if (rc == CRM_OK)
        rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        crm__uuid owner;
        crm_identity *old = NULL;
        rc = find(db, kind, key, &old, &owner, NULL);
        if (rc == CRM_OK && (flags & CRM_IDENTITY_PRIMARY))
            rc = take_primary(db, &owner, kind, key);
        if (rc == CRM_OK)
            rc = run(db, CRM__Q_IDENTITY_SET_FLAGS, kind, key, flags, "changing identity flags");
        if (rc == CRM_OK)
            rc = journal_identity(db, &owner, "flags", kind, old->value, key, flags);
        crm_identity_free(old);
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    return rc;
}

int crm_identity_get(crm_identity **out, crm_db *db, const char *kind, const char *value)
{
    CRM__ENTER(db);
    char *key = NULL;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    crm_identity *rec = NULL;
    rc = find(db, kind, key, &rec, NULL, NULL);
    crm__free(key);
    if (rc == CRM_OK)
        *out = rec;
    return rc;
}

int crm_identity_lookup(crm_customer **out, crm_db *db, const char *kind, const char *value)
{
    CRM__ENTER(db);
    char q[CRM__QUOTE_SIZE];
    char *key = NULL;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_IDENTITY_LOOKUP, &st);
    if (rc == CRM_OK) {
        crm__bind_text(st, 1, kind);
        crm__bind_text(st, 2, key);
        rc = crm__st_step(st, "looking up an identity");
    }
    if (rc == CRM_ROW) {
        rc = crm__customer_from_row(out, st, 0);
        if (rc)
            rc = crm__error(db, rc, "out of memory looking up an identity");
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "no customer has %s identity %s", kind,
                        crm__pquote(db, q, sizeof q, key));
    }
    crm__free(key);
    return rc;
}

/* ---- listing ------------------------------------------------------------ */

struct crm_identity_cursor {
    crm__cursor base;
    crm_identity row;
};

static int identity_build(crm__cursor *c)
{
    crm_identity_cursor *cur = (crm_identity_cursor *)c;
    crm_identity *i = &cur->row;
    static const int cols[] = { 0, 1, 2 };
    const char *t[3];
    int rc = crm__cursor_texts(c, cols, 3, t);
    if (rc)
        return rc;
    if (!t[0] || !t[1] || !t[2])
        return crm__error(c->db, CRM_ECORRUPT, "an identity without a kind, value or key");
    i->kind = t[0];
    i->value = t[1];
    i->key = t[2];
    i->flags = (unsigned int)crm__col_int(c->st, 3);
    i->created_at = crm__col_int(c->st, 4);
    crm__col_id(i->customer_id, c->st, 5);
    return CRM_OK;
}

int crm_identity_list_open(crm_identity_cursor **out, crm_db *db, const char *customer_id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, customer_id, CRM__Q_IDENTITY_LIST,
                                CRM__Q_IDENTITY_LIST, identity_build, "listing identities");
}

int crm_identity_cursor_next(crm_identity_cursor *cur, const crm_identity **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_identity_cursor_free(crm_identity_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
