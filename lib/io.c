/*
 * libcrm - what the import and export formats share: the transaction of an
 * import, its result and errors, and writing one customer row of CSV or
 * vCard through the library's own calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/identity.h"
#include "internal/io.h"
#include "internal/util.h"
#include "store/store.h"


int64_t crm_import_error_line(const crm_import_error *e) { return e ? e->line : 0; }
int64_t crm_import_error_column(const crm_import_error *e) { return e ? e->col : 0; }
int crm_import_error_code(const crm_import_error *e) { return e ? e->code : 0; }
const char *crm_import_error_message(const crm_import_error *e) { return e ? e->msg : NULL; }

int64_t crm_import_result_created(const crm_import_result *r) { return r ? r->created : 0; }
int64_t crm_import_result_updated(const crm_import_result *r) { return r ? r->updated : 0; }
int64_t crm_import_result_unchanged(const crm_import_result *r) { return r ? r->unchanged : 0; }
int64_t crm_import_result_skipped(const crm_import_result *r) { return r ? r->skipped : 0; }
int64_t crm_import_result_records(const crm_import_result *r) { return r ? r->records : 0; }
int64_t crm_import_result_error_count(const crm_import_result *r) { return r ? r->nerrors : 0; }

const crm_import_error *crm_import_result_error(const crm_import_result *r, int64_t i)
{
    return r && i >= 0 && i < r->nerrors ? &r->errors[i] : NULL;
}

void crm_import_result_free(crm_import_result *r)
{
    if (!r)
        return;
    for (int64_t i = 0; i < r->nerrors; i++)
        crm__free(r->errors[i].msg);
    crm__free(r->errors);
    crm__free(r);
}

static const char *const on_error_words[] = { "stop", "skip" };

const char *crm_import_on_error_name(crm_import_on_error_t mode)
{
    return (int)mode >= 0 && (int)mode <= 1 ? on_error_words[mode] : NULL;
}

int crm_import_on_error_parse(crm_import_on_error_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int i = crm__word_index(on_error_words, 0, 1, name);
    if (i < 0)
        return crm__parse_error(__func__, "an on_error mode", name, "stop, skip");
    *out = (crm_import_on_error_t)i;
    return CRM_OK;
}

/* ---- a growing text ------------------------------------------------------ */

void crm__text_add(crm__text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = crm__realloc(t->s, cap);
        if (!p) {
            t->failed = true;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void crm__text_adds(crm__text *t, const char *s)
{
    crm__text_add(t, s, strlen(s));
}

void crm__text_addc(crm__text *t, char c)
{
    crm__text_add(t, &c, 1);
}

void crm__text_fini(crm__text *t)
{
    crm__free(t->s);
    memset(t, 0, sizeof *t);
}

int crm__text_take(crm_db *db, crm__text *t, char **out)
{
    if (!t->failed && !t->s)
        crm__text_add(t, "", 0);
    if (t->failed) {
        crm__text_fini(t);
        return crm__error(db, CRM_ENOMEM, "out of memory exporting");
    }
    *out = t->s;
    memset(t, 0, sizeof *t);
    return CRM_OK;
}

int crm__text_save(crm_db *db, const crm__text *t, const char *path)
{
    char q[CRM__QUOTE_SIZE];
    if (t->failed)
        return crm__error(db, CRM_ENOMEM, "out of memory exporting");
    FILE *f = fopen(path, "wb");
    if (!f)
        return crm__error(db, CRM_EIO, "cannot create '%s': %s", crm__quote(q, sizeof q, path),
                          strerror(errno));
    bool ok = t->len == 0 || fwrite(t->s, 1, t->len, f) == t->len;
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok)
        return crm__error(db, CRM_EIO, "cannot write '%s': %s", crm__quote(q, sizeof q, path),
                          strerror(err));
    return CRM_OK;
}

int crm__export_file(crm_db *db, crm__export_fn make, const char *path)
{
    if (!path)
        return crm__error(db, CRM_EINVAL, "path is NULL");
    crm__text t = { 0 };
    int rc = make(db, &t);
    if (rc == CRM_OK)
        rc = crm__text_save(db, &t, path);
    crm__text_fini(&t);
    return rc;
}

int crm__export_mem(crm_db *db, crm__export_fn make, char **out)
{
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    crm__text t = { 0 };
    rc = make(db, &t);
    if (rc == CRM_OK)
        return crm__text_take(db, &t, out);
    crm__text_fini(&t);
    return rc;
}

int crm__file_read(crm_db *db, const char *path, char **out, size_t *len)
{
    char q[CRM__QUOTE_SIZE];
    FILE *f = fopen(path, "rb");
    if (!f)
        return crm__error(db, CRM_EIO, "cannot open '%s': %s", crm__quote(q, sizeof q, path),
                          strerror(errno));
    crm__text t = { 0 };
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crm__text_add(&t, buf, n);
    bool bad = ferror(f) != 0;
    int err = errno;
    fclose(f);
    if (bad) {
        crm__text_fini(&t);
        return crm__error(db, CRM_EIO, "cannot read '%s': %s", crm__quote(q, sizeof q, path),
                          strerror(err));
    }
    *len = t.len;
    return crm__text_take(db, &t, out);
}

/* ---- the transaction of an import ---------------------------------------- */

int crm__import_begin(crm__import *im, crm_db *db, const void *in, const crm_import_options *o,
                      const char *format, bool may_skip)
{
    memset(im, 0, sizeof *im);
    im->db = db;
    im->format = format;
    crm_import_options def = CRM_IMPORT_OPTIONS_INIT;
    im->o = def;
    if (!in)
        return crm__error(db, CRM_EINVAL, "the input is NULL");
    if (o) {
        if (o->version < 1 || o->version > CRM_IMPORT_OPTIONS_VERSION)
            return crm__error(db, CRM_EINVAL, "import options version %u is not one of 1..%d",
                              o->version, CRM_IMPORT_OPTIONS_VERSION);
        im->o = *o;
    }
    if (im->o.on_error != CRM_IMPORT_STOP && im->o.on_error != CRM_IMPORT_SKIP)
        return crm__error(db, CRM_EINVAL, "import options on_error %d is not stop or skip",
                          (int)im->o.on_error);
    if (!may_skip && im->o.on_error == CRM_IMPORT_SKIP)
        return crm__error(db, CRM_EINVAL,
                          "a %s import cannot skip bad lines: its records refer to each other",
                          format);
    if (im->o.kind == 0)
        im->o.kind = CRM_CUSTOMER_PERSON;
    if (im->o.kind != CRM_CUSTOMER_PERSON && im->o.kind != CRM_CUSTOMER_ORGANISATION)
        return crm__error(db, CRM_EINVAL, "import options kind %d is not a customer kind",
                          (int)im->o.kind);
    if (im->o.errors_kept == 0)
        im->o.errors_kept = CRM_IMPORT_ERRORS_KEPT;
    if (crm_in_transaction(db))
        return crm__error(db, CRM_ESTATE,
                          "an import is a transaction of its own: commit or roll back the "
                          "one opened with crm_begin() first");
    im->res = crm__calloc(1, sizeof *im->res);
    if (!im->res)
        return crm__error(db, CRM_ENOMEM, "out of memory importing");
    int rc = crm_begin(db);
    if (rc) {
        crm_import_result_free(im->res);
        im->res = NULL;
    }
    return rc;
}

bool crm__import_row_code(int rc)
{
    return rc == CRM_EINVAL || rc == CRM_EEXISTS || rc == CRM_ENOTFOUND || rc == CRM_EAMBIGUOUS;
}

int crm__import_bad(crm__import *im, int64_t col, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    im->col = col;
    return crm__error(im->db, code, "%s", msg);
}

int crm__import_fail_at(crm__import *im, int rc)
{
    int64_t col = im->col > 0 ? im->col : 1;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", crm_errmsg(im->db));
    return crm__error(im->db, rc, "%s line %lld, column %lld: %s", im->format,
                      (long long)im->line, (long long)col, msg);
}

int crm__import_row_failed(crm__import *im, int rc)
{
    if (!crm__import_row_code(rc))
        return rc;
    if (im->o.on_error == CRM_IMPORT_STOP)
        return crm__import_fail_at(im, rc);
    int64_t col = im->col > 0 ? im->col : 1;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", crm_errmsg(im->db));
    crm_import_result *r = im->res;
    r->skipped++;
    if (r->nerrors >= (int64_t)im->o.errors_kept)
        return CRM_OK;
    if (r->nerrors == r->cap) {
        int64_t cap = r->cap ? r->cap * 2 : 16;
        crm_import_error *e = crm__realloc(r->errors, (size_t)cap * sizeof *e);
        if (!e)
            return crm__error(im->db, CRM_ENOMEM, "out of memory importing");
        r->errors = e;
        r->cap = cap;
    }
    char *m = crm__strdup(msg);
    if (!m)
        return crm__error(im->db, CRM_ENOMEM, "out of memory importing");
    r->errors[r->nerrors++] = (crm_import_error){ im->line, col, rc, m };
    return CRM_OK;
}

void crm__import_progress(crm__import *im, int64_t bytes)
{
    if (im->o.progress)
        im->o.progress(im->o.progress_ctx, im->rows, bytes);
}

int crm__import_end(crm__import *im, int rc, crm_import_result **out)
{
    if (rc == CRM_OK)
        rc = crm_commit(im->db);
    if (rc != CRM_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", crm_errmsg(im->db));
        if (crm_in_transaction(im->db))
            crm_rollback(im->db);
        crm__error(im->db, rc, "%s", msg);
        crm_import_result_free(im->res);
        return rc;
    }
    if (out)
        *out = im->res;
    else
        crm_import_result_free(im->res);
    return CRM_OK;
}

/* ---- one row of CSV or vCard --------------------------------------------- */

int crm__row_add(crm__import *im, crm__row_item *list, int *n, const char *a, const char *b,
                 int64_t col)
{
    if (*n >= CRM__ROW_MAX_ITEMS)
        return crm__import_bad(im, col, CRM_EINVAL, "more than %d values of one sort in a row",
                               CRM__ROW_MAX_ITEMS);
    list[*n] = (crm__row_item){ a, b, col };
    (*n)++;
    return CRM_OK;
}

static bool digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

bool crm__parse_birthday(const char *s, int *year, int *month, int *day)
{
    size_t n = strlen(s);
    int y = 0, m, d;
    bool ok;
    if (n == 10 && s[4] == '-' && s[7] == '-')
        ok = digits(s, 4, &y) && digits(s + 5, 2, &m) && digits(s + 8, 2, &d);
    else if (n == 8 && s[0] != '-')
        ok = digits(s, 4, &y) && digits(s + 4, 2, &m) && digits(s + 6, 2, &d);
    else if (n == 7 && s[0] == '-' && s[1] == '-' && s[4] == '-')
        ok = digits(s + 2, 2, &m) && digits(s + 5, 2, &d);
    else if (n == 6 && s[0] == '-' && s[1] == '-')
        ok = digits(s + 2, 2, &m) && digits(s + 4, 2, &d);
    else
        return false;
    if (!ok || m < 1 || m > 12 || d < 1)
        return false;
    if (y == 0 ? d > (m == 2 ? 29 : crm__month_length(2001, m))
               : (y > 9999 || d > crm__month_length(y, m)))
        return false;
    *year = y;
    *month = m;
    *day = d;
    return true;
}

/* A write refused after the row's first change: the row cannot be left
 * out alone, so the import fails (its message stays the call's). */
static int fatal(int rc)
{
    return crm__import_row_code(rc) ? CRM_ERROR : rc;
}

/* The customer's birthday, if it has one. */
static int has_birthday(crm_db *db, const char *id, bool *has)
{
    crm_occasion_cursor *cur = NULL;
    int rc = crm_occasion_list_open(&cur, db, id);
    const crm_occasion *o;
    *has = false;
    while (rc == CRM_OK && (rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        if (strcmp(crm_occasion_kind(o), "birthday") == 0)
            *has = true;
        rc = CRM_OK;
    }
    crm_occasion_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* The one customer who holds identity it, in hid: CRM_OK; CRM_ENOTFOUND
 * when no one does; a bad row's error (a value that is not of its kind, a
 * value several customers share). *keyp receives the value's key (the
 * caller's): the value is normalised once, looked up by its key and added
 * by it (crm__identity_add_keyed), where crm_identity_lookup() and
 * crm_identity_add() would parse a phone number twice, which was half an
 * import's time. */
static int holder_of(crm__import *im, const crm__row_item *it, char hid[CRM_ID_LEN + 1],
                     char **keyp)
{
    crm_db *db = im->db;
    char *key = NULL;
    int rc = crm_identity_normalise(&key, db, it->a, it->b);
    if (rc) {
        im->col = it->col;
        return rc;
    }
    *keyp = key;
    int n = 0;
    {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_IDENTITY_HOLDINGS, &st);
        if (rc == CRM_OK) {
            crm__bind_text(st, 1, it->a);
            crm__bind_text(st, 2, key);
            while ((rc = crm__st_step(st, "looking up an identity")) == CRM_ROW) {
                if (n++ == 0 && !crm__col_id(hid, st, 0)) {
                    rc = crm__corrupt_id(db, "looking up an identity");
                    break;
                }
            }
        }
    }
    if (rc != CRM_DONE)
        return rc;
    if (n > 1) {
        char q[CRM__QUOTE_SIZE];
        return crm__import_bad(im, it->col, CRM_EAMBIGUOUS,
                               "%s '%s' is shared by %d customers: the row names none of them",
                               it->a, crm__pquote(db, q, sizeof q, it->b), n);
    }
    return n ? CRM_OK : CRM_ENOTFOUND;
}

/* crm__import_row, the keys of the row's identities in keys[] (the
 * caller's to free) as they are made. */
static int import_row(crm__import *im, crm__row *r, char **keys)
{
    crm_db *db = im->db;
    char q[CRM__QUOTE_SIZE], q2[CRM__QUOTE_SIZE];
    int rc;

    /* Every refusal before the first change: a skipped row leaves nothing. */
    crm__uuid uid;
    if (r->id && crm__check_id(db, "id", r->id, &uid)) {
        im->col = r->id_col;
        return CRM_EINVAL;
    }
    if (r->name && crm__check_text(db, "name", r->name, 1, CRM_NAME_MAX,
                                   CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE)) {
        im->col = r->name_col;
        return CRM_EINVAL;
    }
    if (r->owner && crm__check_actor(db, "owner", r->owner)) {
        im->col = r->owner_col;
        return CRM_EINVAL;
    }
    for (int i = 0; i < r->nattrs; i++) {
        if (crm__check_code(db, "attribute key", r->attrs[i].a, CRM_ATTR_KEY_MAX) ||
            crm__check_text(db, "attribute value", r->attrs[i].b, 0, CRM_ATTR_VALUE_MAX, 0)) {
            im->col = r->attrs[i].col;
            return CRM_EINVAL;
        }
    }
    for (int i = 0; i < r->ntags; i++) {
        if (crm__check_text(db, "tag", r->tags[i].a, 1, CRM_TAG_MAX,
                            CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE)) {
            im->col = r->tags[i].col;
            return CRM_EINVAL;
        }
    }

    /* Whom the row names: its id, then each identity's holder. */
    crm_customer *target = NULL;
    bool held[CRM__ROW_MAX_ITEMS] = { false };
    if (r->id) {
        rc = crm_customer_get(&target, db, r->id);
        if (rc != CRM_OK && rc != CRM_ENOTFOUND)
            return rc;
    }
    for (int i = 0; i < r->nids; i++) {
        crm_customer *c = NULL;
        char hid[CRM_ID_LEN + 1];
        rc = holder_of(im, &r->ids[i], hid, &keys[i]);
        if (rc == CRM_OK)
            rc = crm_customer_get(&c, db, hid);
        if (rc == CRM_ENOTFOUND)
            continue;
        if (rc != CRM_OK) {
            crm_customer_free(target);
            return rc;
        }
        if (target && strcmp(crm_customer_id(target), crm_customer_id(c)) != 0) {
            rc = crm__import_bad(im, r->ids[i].col, CRM_EEXISTS,
                                 "the row names two customers: %s '%s' is %s's, and the row "
                                 "also names %s ('%s')",
                                 r->ids[i].a, crm__pquote(db, q, sizeof q, r->ids[i].b),
                                 crm_customer_id(c), crm_customer_id(target),
                                 crm__pquote(db, q2, sizeof q2, crm_customer_name(target)));
            crm_customer_free(c);
            crm_customer_free(target);
            return rc;
        }
        held[i] = true;
        if (target)
            crm_customer_free(c);
        else
            target = c;
    }
    int kind = r->kind ? r->kind : (int)im->o.kind;
    if (!target && !r->name)
        return crm__import_bad(im, r->name_col, CRM_EINVAL,
                               "the row names no customer of the file and has no name for a "
                               "new one");
    if (target && r->kind && r->kind != (int)crm_customer_kind(target)) {
        rc = crm__import_bad(im, r->kind_col, CRM_EINVAL, "customer %s is %s %s, not %s",
                             crm_customer_id(target),
                             crm_customer_kind(target) == CRM_CUSTOMER_PERSON ? "a" : "an",
                             crm_customer_kind_name(crm_customer_kind(target)),
                             crm_customer_kind_name(r->kind));
        crm_customer_free(target);
        return rc;
    }

    /* The changes: from here on a failure is the import's, not the row's. */
    bool created = false, changed = false;
    char id[CRM_ID_LEN + 1];
    if (!target) {
        crm_customer *c = NULL;
        rc = crm_customer_create(&c, db, (crm_customer_kind_t)kind, r->name);
        if (rc)
            return fatal(rc);
        memcpy(id, crm_customer_id(c), sizeof id);
        crm_customer_free(c);
        created = true;
    } else {
        memcpy(id, crm_customer_id(target), sizeof id);
        rc = CRM_OK;
        if (r->name && strcmp(r->name, crm_customer_name(target)) != 0) {
            rc = crm_customer_rename(db, id, r->name);
            changed = true;
        }
        const char *owner = crm_customer_owner(target);
        if (rc == CRM_OK && r->owner && (!owner || strcmp(owner, r->owner) != 0)) {
            rc = crm_customer_set_owner(db, id, r->owner);
            changed = true;
        }
        crm_customer_free(target);
        if (rc)
            return fatal(rc);
    }
    if (created && r->owner) {
        rc = crm_customer_set_owner(db, id, r->owner);
        if (rc)
            return fatal(rc);
    }
    for (int i = 0; i < r->nids; i++) {
        if (held[i])
            continue;
        rc = crm__identity_add_keyed(db, id, r->ids[i].a, r->ids[i].b, keys[i], 0);
        /* Two values of the row with one key: the second is held already. */
        if (rc == CRM_EEXISTS && crm_conflict_id(db) && strcmp(crm_conflict_id(db), id) == 0)
            continue;
        if (rc)
            return fatal(rc);
        changed = true;
    }
    for (int i = 0; i < r->nattrs; i++) {
        char *old = NULL;
        rc = created ? CRM_ENOTFOUND : crm_attr_get(&old, db, id, r->attrs[i].a);
        bool same = rc == CRM_OK && strcmp(old, r->attrs[i].b) == 0;
        crm_free(old);
        if (rc != CRM_OK && rc != CRM_ENOTFOUND)
            return fatal(rc);
        if (same)
            continue;
        rc = crm_attr_set(db, id, r->attrs[i].a, r->attrs[i].b);
        if (rc)
            return fatal(rc);
        changed = true;
    }
    for (int i = 0; i < r->ntags; i++) {
        rc = crm_tag_add(db, id, r->tags[i].a);
        if (rc == CRM_EEXISTS)
            continue;
        if (rc)
            return fatal(rc);
        changed = true;
    }
    if (r->birthday) {
        bool has = false;
        rc = created ? CRM_OK : has_birthday(db, id, &has);
        if (rc)
            return fatal(rc);
        if (!has) {
            crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
            s.customer_id = id;
            s.kind = "birthday";
            s.yearly = 1;
            s.year = r->byear;
            s.month = r->bmonth;
            s.day = r->bday;
            rc = crm_occasion_add(NULL, db, &s);
            if (rc)
                return fatal(rc);
            changed = true;
        }
    }
    if (created)
        im->res->created++;
    else if (changed)
        im->res->updated++;
    else
        im->res->unchanged++;
    return CRM_OK;
}

int crm__import_row(crm__import *im, crm__row *r)
{
    char *keys[CRM__ROW_MAX_ITEMS] = { NULL };
    int rc = import_row(im, r, keys);
    for (int i = 0; i < r->nids; i++)
        crm_free(keys[i]);
    return rc;
}
