/*
 * libcrm - identities and the caller-ID style lookup.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/identity.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "phone.h"
#include "store/store.h"

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

/* A trimmed copy of s. */
static char *trimmed(const char *s)
{
    while (crm__is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && crm__is_space(s[n - 1]))
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

/* Each norm_ function derives the match key of a value of its kind. A
 * value that is not one of the kind is CRM_EINVAL, and *why (for
 * crm_customer_resolve()'s message of what it tried) says why in a few
 * words. */

static int norm_phone(crm_db *db, const char *value, char **key, const char **why)
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
        *why = "unreadable without a default country";
        return crm__error(db, CRM_EINVAL,
                          "phone number '%s' has no country code and the database has no "
                          "default country: write it with its country code (+1 415 555 0100), "
                          "or give the database one (crm_default_country_set())",
                          crm__pquote(db, q, sizeof q, value));
    case CRM__PHONE_NOMEM:
        return crm__error(db, CRM_ENOMEM, "out of memory normalising a phone number");
    default:
        *why = "not a phone number";
        if (db->region[0])
            return crm__error(db, CRM_EINVAL, "'%s' is not a phone number (default country %s)",
                              crm__pquote(db, q, sizeof q, value), db->region);
        return crm__error(db, CRM_EINVAL, "'%s' is not a phone number",
                          crm__pquote(db, q, sizeof q, value));
    }
}

static int norm_email(crm_db *db, const char *value, char **key, const char **why)
{
    char q[CRM__QUOTE_SIZE];
    char *t = trimmed(value);
    if (!t)
        return crm__error(db, CRM_ENOMEM, "out of memory normalising an e-mail address");
    const char *at = strchr(t, '@');
    bool ok = at && at != t && at[1] != '\0' && !strchr(at + 1, '@');
    for (const char *p = t; ok && *p; p++)
        ok = !crm__is_space(*p);
    if (!ok) {
        crm__free(t);
        *why = "not an e-mail address";
        return crm__error(db, CRM_EINVAL,
                          "'%s' is not an e-mail address (expected one @ with text on both sides "
                          "and no spaces)",
                          crm__pquote(db, q, sizeof q, value));
    }
    crm__ascii_lower(t);
    *key = t;
    return CRM_OK;
}

static int norm_social(crm_db *db, const char *value, char **key, const char **why)
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
        ok = !crm__is_space(*p) && *p != '@' && *p != ':';
    if (!ok) {
        crm__free(t);
        *why = "not a social handle";
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

static int norm_exact(crm_db *db, const char *kind, const char *value, char **key,
                      const char **why)
{
    char *t = trimmed(value);
    if (!t)
        return crm__error(db, CRM_ENOMEM, "out of memory normalising an identity");
    if (!*t) {
        crm__free(t);
        *why = "blank";
        return crm__error(db, CRM_EINVAL, "%s identity is blank", kind);
    }
    *key = t;
    return CRM_OK;
}

int crm__identity_key(crm_db *db, const char *kind, const char *value, char **key,
                      const char **why)
{
    const char *ignored;
    if (!why)
        why = &ignored;
    *why = "not a valid value";
    if (strcmp(kind, "phone") == 0)
        return norm_phone(db, value, key, why);
    if (strcmp(kind, "email") == 0)
        return norm_email(db, value, key, why);
    if (strcmp(kind, "social") == 0)
        return norm_social(db, value, key, why);
    return norm_exact(db, kind, value, key, why);
}

/* Check kind and value and derive the match key (caller frees it). */
static int normalise(crm_db *db, const char *kind, const char *value, char **key)
{
    int rc = check_kind(db, kind);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "identity value", value, 1, CRM_IDENTITY_MAX,
                             CRM__TEXT_NO_CONTROL);
    return rc ? rc : crm__identity_key(db, kind, value, key, NULL);
}

int crm_identity_normalise(char **out, crm_db *db, const char *kind, const char *value)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    return rc ? rc : normalise(db, kind, value, out);
}

/* ---- storage ------------------------------------------------------------ */

/* A row of the identity table is one customer's holding of a (kind, key):
 * a value held unshared has one row, a shared one a row per holder. */

/* The holding of kind/key by customer cid: its record in *out (may be
 * NULL). CRM_ENOTFOUND with a message when there is none, saying whether
 * the customer is missing or does not hold it. */
static int find(crm_db *db, const crm__uuid *cid, const char *kind, const char *key,
                crm_identity **out)
{
    char q[CRM__QUOTE_SIZE];
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IDENTITY_FIND, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    crm__bind_id(st, 3, cid);
    rc = crm__st_step(st, "looking up an identity");
    if (rc == CRM_DONE) {
        crm__st_release(&st);
        rc = crm__customer_find(db, cid, NULL, NULL, NULL);
        if (rc == CRM_OK) {
            char id[CRM_ID_LEN + 1];
            crm__uuid_format(id, cid->b);
            rc = crm__error(db, CRM_ENOTFOUND, "customer %s has no %s identity %s", id, kind,
                            crm__pquote(db, q, sizeof q, key));
        }
        return rc;
    }
    if (rc != CRM_ROW)
        return rc;
    const char *value = crm__col_text(st, 0);
    if (!value)
        return crm__error(db, CRM_ENOMEM, "out of memory looking up an identity");
    if (out) {
        crm_identity *i = identity_new(kind, value, key);
        if (!i)
            return crm__error(db, CRM_ENOMEM, "out of memory looking up an identity");
        crm__uuid_format(i->customer_id, cid->b);
        i->flags = (unsigned int)crm__col_int(st, 1);
        i->created_at = crm__col_int(st, 2);
        *out = i;
    }
    return CRM_OK;
}

/* Who holds kind/key, as far as a change needs to know: whether customer
 * cid does, and the first (by id) of the others, with their number. */
typedef struct holders {
    bool self;
    int others;
    crm__uuid other;
    unsigned int other_flags;
    char *other_name; /* a copy, or NULL when there are no others */
} holders;

static int read_holders(crm_db *db, const crm__uuid *cid, const char *kind, const char *key,
                        holders *h)
{
    memset(h, 0, sizeof *h);
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IDENTITY_HOLDINGS, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    while ((rc = crm__st_step(st, "reading an identity's holders")) == CRM_ROW) {
        crm__uuid who;
        if (!crm__col_uuid(&who, st, 0)) {
            rc = crm__corrupt_id(db, "reading an identity's holders");
            break;
        }
        if (memcmp(who.b, cid->b, sizeof who.b) == 0) {
            h->self = true;
            continue;
        }
        if (h->others++ > 0)
            continue;
        const char *name = crm__col_text(st, 2);
        h->other = who;
        h->other_flags = (unsigned int)crm__col_int(st, 1);
        h->other_name = name ? crm__strdup(name) : NULL;
        if (!h->other_name) {
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading an identity's holders");
            break;
        }
    }
    if (rc == CRM_DONE)
        return CRM_OK;
    crm__free(h->other_name);
    h->other_name = NULL;
    return rc;
}

/* Set the flags of (CRM__Q_IDENTITY_SET_FLAGS) or delete
 * (CRM__Q_IDENTITY_DELETE) customer cid's holding of kind/key. */
static int run(crm_db *db, crm__query query, const crm__uuid *cid, const char *kind,
               const char *key, int64_t flags, const char *what)
{
    CRM__ST(st);
    int rc = crm__st_get(db, query, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    crm__bind_id(st, 3, cid);
    if (query == CRM__Q_IDENTITY_SET_FLAGS)
        crm__bind_int(st, 4, flags);
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
            rc = run(db, CRM__Q_IDENTITY_SET_FLAGS, owner, kind, other, flags,
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
    unsigned int known = CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED | CRM_IDENTITY_SHARED;
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

/* Whether customer cid may hold kind/key with flags, the others holding
 * it as they do: CRM_OK, or CRM_EEXISTS naming a holder (or CRM_ENOTFOUND
 * when the customer does not exist, which is said first). A value may
 * have several holders only when each holds it shared. */
static int may_hold(crm_db *db, const crm__uuid *cid, const char *kind, const char *key,
                    unsigned int flags)
{
    holders h;
    int rc = read_holders(db, cid, kind, key, &h);
    if (rc)
        return rc;
    bool shared = flags & CRM_IDENTITY_SHARED, other_shared = h.other_flags & CRM_IDENTITY_SHARED;
    if (!h.self && (h.others == 0 || (shared && other_shared))) {
        crm__free(h.other_name);
        return CRM_OK;
    }
    if (!h.self)
        rc = crm__customer_find(db, cid, NULL, NULL, NULL);
    if (rc == CRM_OK) {
        char oid[CRM_ID_LEN + 1], more[48] = "";
        char qk[CRM__QUOTE_SIZE], qn[CRM__QUOTE_SIZE];
        const crm__uuid *named = h.self ? cid : &h.other;
        crm__uuid_format(oid, named->b);
        crm__set_conflict(db, named);
        if (h.self) {
            char *name = NULL;
            rc = crm__customer_find(db, cid, NULL, NULL, &name);
            if (rc == CRM_OK)
                rc = crm__error(db, CRM_EEXISTS, "%s identity %s already belongs to this "
                                "customer, %s (%s)", kind, crm__pquote(db, qk, sizeof qk, key),
                                oid, crm__pquote(db, qn, sizeof qn, name));
            crm__free(name);
        } else if (!other_shared) {
            rc = crm__error(db, CRM_EEXISTS, "%s identity %s already belongs to customer %s "
                            "(%s)%s", kind, crm__pquote(db, qk, sizeof qk, key), oid,
                            crm__pquote(db, qn, sizeof qn, h.other_name),
                            shared ? ", who holds it unshared; it can be shared once that "
                                     "customer's holding is marked CRM_IDENTITY_SHARED"
                                   : "");
        } else {
            if (h.others > 1)
                snprintf(more, sizeof more, " and %d other%s", h.others - 1,
                         h.others > 2 ? "s" : "");
            rc = crm__error(db, CRM_EEXISTS, "%s identity %s already belongs to customer %s "
                            "(%s)%s, who share%s it; add it with CRM_IDENTITY_SHARED to "
                            "share it too", kind, crm__pquote(db, qk, sizeof qk, key), oid,
                            crm__pquote(db, qn, sizeof qn, h.other_name), more,
                            h.others > 1 ? "" : "s");
        }
    }
    crm__free(h.other_name);
    return rc;
}

/* Whether adding kind/key to customer cid (with flags) is the common add,
 * in *clear: no one holds the value, so may_hold() has nothing to refuse
 * but a missing customer, which the insert refuses too; and the customer
 * has no identity of the kind when the new one is primary, so
 * take_primary() has no mark to move. One statement of two index probes
 * answers both; anything it finds takes those two the whole way. The
 * customer's probe is left out when the customer is known to hold
 * nothing (created in this group, nothing changed since). */
static int add_is_clear(crm_db *db, const crm__uuid *cid, const char *kind, const char *key,
                        unsigned int flags, bool *clear)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_IDENTITY_ADD_CLEAR, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, kind);
    crm__bind_text(st, 2, key);
    crm__bind_id(st, 3, cid);
    crm__bind_int(st, 4, (flags & CRM_IDENTITY_PRIMARY) && !crm__customer_is_bare(db, cid));
    rc = crm__st_step(st, "adding an identity");
    if (rc != CRM_ROW && rc != CRM_DONE)
        return rc;
    *clear = rc == CRM_DONE;
    return CRM_OK;
}

/* Insert the holding, which may_hold() allowed. The foreign key refuses a
 * customer that does not exist. */
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
    return crm__customer_insert_owned(db, st, cid, "adding an identity");
}

/* crm_identity_add(), given value's key when the caller has it already
 * (known, from crm__identity_key()), or NULL. */
static int add(crm_identity **out, crm_db *db, const char *customer_id, const char *kind,
               const char *value, unsigned int flags, const char *known)
{
    crm__uuid cid;
    char *key = NULL;
    int rc = crm__check_id(db, "customer id", customer_id, &cid);
    if (rc == CRM_OK)
        rc = check_flags(db, flags);
    if (rc == CRM_OK && !known)
        rc = normalise(db, kind, value, &key);
    if (rc == CRM_OK && known && !(key = crm__strdup(known)))
        rc = crm__error(db, CRM_ENOMEM, "out of memory adding an identity");
    if (rc)
        return rc;
    crm_identity *rec = out ? identity_new(kind, value, key) : NULL;
    if (out && !rec) {
        crm__free(key);
        return crm__error(db, CRM_ENOMEM, "out of memory adding an identity");
    }
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        /* The refusals (the value is someone's, the customer is missing)
         * come first: nothing may change before them (see
         * crm__write_begin). The primary mark is then taken from the
         * customer's others of the kind, journaled before the add as each
         * is changed. */
        bool clear = false;
        rc = add_is_clear(db, &cid, kind, key, flags, &clear);
        if (rc == CRM_OK && !clear)
            rc = may_hold(db, &cid, kind, key, flags);
        if (rc == CRM_OK)
            rc = insert_identity(db, &cid, kind, key, value, flags, crm__now(db));
        if (rc == CRM_OK && !clear && (flags & CRM_IDENTITY_PRIMARY))
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

int crm_identity_add(crm_identity **out, crm_db *db, const char *customer_id, const char *kind,
                     const char *value, unsigned int flags)
{
    CRM__ENTER(db);
    return add(out, db, customer_id, kind, value, flags, NULL);
}

int crm__identity_add_keyed(crm_db *db, const char *customer_id, const char *kind,
                            const char *value, const char *key, unsigned int flags)
{
    CRM__ENTER(db);
    return add(NULL, db, customer_id, kind, value, flags, key);
}

/* The arguments every call that names a holding takes: the customer's id
 * and the identity's kind and value, whose key is *key (the caller's). */
static int check_holding(crm_db *db, const char *customer_id, const char *kind,
                         const char *value, crm__uuid *cid, char **key)
{
    int rc = crm__check_id(db, "customer id", customer_id, cid);
    return rc ? rc : normalise(db, kind, value, key);
}

int crm_identity_remove(crm_db *db, const char *customer_id, const char *kind, const char *value)
{
    CRM__ENTER(db);
    crm__uuid cid;
    char *key = NULL;
    int rc = check_holding(db, customer_id, kind, value, &cid, &key);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        crm_identity *old = NULL;
        rc = find(db, &cid, kind, key, &old);
        if (rc == CRM_OK)
            rc = run(db, CRM__Q_IDENTITY_DELETE, &cid, kind, key, 0, "removing an identity");
        /* A remove is meant to forget the value: the entry says which kind
         * of identity went, never what it was. */
        if (rc == CRM_OK) {
            crm__jfield f[] = { CRM__JTEXT("kind", kind), CRM__JINT("flags", old->flags) };
            rc = CRM__JOURNAL(db, "identity", &cid, "remove", f);
        }
        crm_identity_free(old);
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    return rc;
}

/* A holding may stop being shared only while no one else holds it. */
static int may_unshare(crm_db *db, const crm__uuid *cid, const char *kind, const char *key)
{
    holders h;
    int rc = read_holders(db, cid, kind, key, &h);
    if (rc || h.others == 0)
        return rc;
    char oid[CRM_ID_LEN + 1], qk[CRM__QUOTE_SIZE], qn[CRM__QUOTE_SIZE];
    crm__uuid_format(oid, h.other.b);
    crm__set_conflict(db, &h.other);
    rc = crm__error(db, CRM_EEXISTS, "%s identity %s is shared with %d other customer%s (customer "
                    "%s (%s)%s); it stays CRM_IDENTITY_SHARED while another holds it",
                    kind, crm__pquote(db, qk, sizeof qk, key), h.others, h.others > 1 ? "s" : "",
                    oid, crm__pquote(db, qn, sizeof qn, h.other_name),
                    h.others > 1 ? " among them" : "");
    crm__free(h.other_name);
    return rc;
}

int crm_identity_set_flags(crm_db *db, const char *customer_id, const char *kind,
                           const char *value, unsigned int flags)
{
    CRM__ENTER(db);
    crm__uuid cid;
    char *key = NULL;
    int rc = check_flags(db, flags);
    if (rc == CRM_OK)
        rc = check_holding(db, customer_id, kind, value, &cid, &key);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        crm_identity *old = NULL;
        rc = find(db, &cid, kind, key, &old);
        if (rc == CRM_OK && (old->flags & CRM_IDENTITY_SHARED) && !(flags & CRM_IDENTITY_SHARED))
            rc = may_unshare(db, &cid, kind, key);
        if (rc == CRM_OK && (flags & CRM_IDENTITY_PRIMARY))
            rc = take_primary(db, &cid, kind, key);
        if (rc == CRM_OK)
            rc = run(db, CRM__Q_IDENTITY_SET_FLAGS, &cid, kind, key, flags,
                     "changing identity flags");
        if (rc == CRM_OK)
            rc = journal_identity(db, &cid, "flags", kind, old->value, key, flags);
        crm_identity_free(old);
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    return rc;
}

int crm_identity_get(crm_identity **out, crm_db *db, const char *customer_id, const char *kind,
                     const char *value)
{
    CRM__ENTER(db);
    crm__uuid cid;
    char *key = NULL;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = check_holding(db, customer_id, kind, value, &cid, &key);
    if (rc)
        return rc;
    crm_identity *rec = NULL;
    rc = find(db, &cid, kind, key, &rec);
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
    crm_customer *c = NULL;
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_IDENTITY_LOOKUP, &st);
    if (rc == CRM_OK) {
        crm__bind_text(st, 1, kind);
        crm__bind_text(st, 2, key);
        rc = crm__st_step(st, "looking up an identity");
    }
    if (rc == CRM_ROW) {
        rc = crm__customer_from_row(&c, st, 0);
        if (rc)
            rc = crm__error(db, rc, "out of memory looking up an identity");
        else
            rc = crm__st_step(st, "looking up an identity");
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ENOTFOUND, "no customer has %s identity %s", kind,
                        crm__pquote(db, q, sizeof q, key));
    }
    /* A shared value with several holders names none of them. */
    int holders = 1;
    while (rc == CRM_ROW) {
        holders++;
        rc = crm__st_step(st, "looking up an identity");
    }
    if (rc == CRM_DONE)
        rc = holders == 1 ? CRM_OK
                          : crm__error(db, CRM_EAMBIGUOUS, "%s identity %s is shared by %d "
                                       "customers: list its holders to choose one", kind,
                                       crm__pquote(db, q, sizeof q, key), holders);
    crm__free(key);
    if (rc) {
        crm_customer_free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

int crm_customer_holders_open(crm_customer_cursor **out, crm_db *db, const char *kind,
                              const char *value)
{
    CRM__ENTER(db);
    char *key = NULL;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = normalise(db, kind, value, &key);
    if (rc)
        return rc;
    crm_customer_cursor *cur;
    rc = crm__customer_list_new(&cur, db, CRM__Q_IDENTITY_HOLDERS, "listing an identity's holders");
    if (rc == CRM_OK) {
        crm__st *st = ((crm__cursor *)cur)->st;
        crm__bind_text(st, 1, kind);
        crm__bind_text(st, 2, key);
        rc = crm__cursor_bound((void **)out, cur, "listing an identity's holders");
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
