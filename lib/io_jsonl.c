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
#include "internal/util.h"
#include "store/store.h"

#define HEADER "{\"format\":\"libcrm\",\"version\":1}"

static const struct {
    const char *type;
    crm__query dump, load, same;
} types[] = {
    { "channel", CRM__Q_IO_DUMP_CHANNEL, CRM__Q_IO_LOAD_CHANNEL, CRM__Q_IO_SAME_CHANNEL },
    { "customer", CRM__Q_IO_DUMP_CUSTOMER, CRM__Q_IO_LOAD_CUSTOMER, CRM__Q_IO_SAME_CUSTOMER },
    { "membership", CRM__Q_IO_DUMP_MEMBERSHIP, CRM__Q_IO_LOAD_MEMBERSHIP,
      CRM__Q_IO_SAME_MEMBERSHIP },
    { "identity", CRM__Q_IO_DUMP_IDENTITY, CRM__Q_IO_LOAD_IDENTITY, CRM__Q_IO_SAME_IDENTITY },
    { "attribute", CRM__Q_IO_DUMP_ATTR, CRM__Q_IO_LOAD_ATTR, CRM__Q_IO_SAME_ATTR },
    { "tag", CRM__Q_IO_DUMP_TAG, CRM__Q_IO_LOAD_TAG, CRM__Q_IO_SAME_TAG },
    { "interaction", CRM__Q_IO_DUMP_INTERACTION, CRM__Q_IO_LOAD_INTERACTION,
      CRM__Q_IO_SAME_INTERACTION },
    { "promise", CRM__Q_IO_DUMP_PROMISE, CRM__Q_IO_LOAD_PROMISE, CRM__Q_IO_SAME_PROMISE },
    { "promise_event", CRM__Q_IO_DUMP_PROMISE_EVENT, CRM__Q_IO_LOAD_PROMISE_EVENT,
      CRM__Q_IO_SAME_PROMISE_EVENT },
    { "occasion", CRM__Q_IO_DUMP_OCCASION, CRM__Q_IO_LOAD_OCCASION, CRM__Q_IO_SAME_OCCASION },
    { "consent", CRM__Q_IO_DUMP_CONSENT, CRM__Q_IO_LOAD_CONSENT, CRM__Q_IO_SAME_CONSENT },
};
#define NTYPES (sizeof types / sizeof types[0])

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
    if (!path)
        return crm__error(db, CRM_EINVAL, "path is NULL");
    crm__text t = { 0 };
    int rc = dump(db, &t);
    if (rc == CRM_OK)
        rc = crm__text_save(db, &t, path);
    crm__text_fini(&t);
    return rc;
}

int crm_jsonl_export_mem(char **out, crm_db *db)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    crm__text t = { 0 };
    rc = dump(db, &t);
    if (rc == CRM_OK)
        return crm__text_take(db, &t, out);
    crm__text_fini(&t);
    return rc;
}

/* ---- import ---------------------------------------------------------------- */

typedef struct jl_ctx {
    crm__import im;
    crm_db *db;
    bool empty; /* the database held no customer when the import began */
    bool header;
} jl_ctx;

static int check_header(jl_ctx *x, const char *line)
{
    CRM__ST(st);
    int rc = crm__st_get(x->db, CRM__Q_IO_JSONL_HEADER, &st);
    if (rc)
        return rc;
    crm__bind_text(st, 1, line);
    rc = crm__st_step(st, "reading a JSON Lines header");
    if (rc != CRM_ROW)
        return rc < 0 ? rc : CRM_ERROR;
    const char *format = crm__col_text(st, 0);
    if (!format || strcmp(format, "libcrm") != 0)
        return crm__import_bad(&x->im, 1, CRM_EINVAL,
                               "the first line is not a libcrm JSON Lines header "
                               "(%s)", HEADER);
    if (crm__col_null(st, 1) || crm__col_int(st, 1) != 1)
        return crm__import_bad(&x->im, 1, CRM_EINVAL,
                               "JSON Lines version %lld is not one this libcrm reads (1)",
                               (long long)crm__col_int(st, 1));
    return CRM_OK;
}

/* Load one record: CRM_OK, or an error of the line's. */
static int load(jl_ctx *x, const char *line)
{
    crm_db *db = x->db;
    char type[32], q[CRM__QUOTE_SIZE];
    char idtext[CRM_ID_LEN + 1] = "";
    {
        CRM__ST(st);
        int rc = crm__st_get(db, CRM__Q_IO_JSONL_TYPE, &st);
        if (rc)
            return rc;
        crm__bind_text(st, 1, line);
        rc = crm__st_step(st, "reading a JSON line");
        if (rc != CRM_ROW)
            return rc < 0 ? rc : CRM_ERROR;
        const char *t = crm__col_text(st, 0);
        if (!t)
            return crm__import_bad(&x->im, 1, CRM_EINVAL,
                                   "not a JSON object with a \"type\"");
        snprintf(type, sizeof type, "%s", t);
        const char *id = crm__col_text(st, 1);
        if (id && strlen(id) == CRM_ID_LEN)
            memcpy(idtext, id, sizeof idtext);
    }
    size_t k = 0;
    while (k < NTYPES && strcmp(types[k].type, type) != 0)
        k++;
    if (k == NTYPES)
        return crm__import_bad(&x->im, 1, CRM_EINVAL, "record type '%s' is not one of libcrm's",
                               crm__quote(q, sizeof q, type));

    int rc = crm__write_begin(db);
    if (rc)
        return rc;
    crm__write_mark m = crm__write_mark_now(db);
    {
        CRM__ST(st);
        rc = crm__st_get(db, types[k].load, &st);
        int refused = CRM__KEPT;
        if (rc == CRM_OK) {
            crm__bind_text(st, 1, line);
            rc = crm__st_insert(st, "importing JSON Lines", &refused);
        }
        if (rc == CRM_ERROR)
            rc = crm__import_bad(&x->im, 1, CRM_EINVAL, "a %s record the database refuses: %s",
                                 type, crm_errmsg(db));
        else if (rc == CRM_OK && refused == CRM__REFUSED_FOREIGN)
            rc = crm__import_bad(&x->im, 1, CRM_EINVAL,
                                 "a %s record naming a record the file has not given before it",
                                 type);
    }
    bool added = rc == CRM_OK && !crm__write_mark_holds(db, m);
    if (rc == CRM_OK && !added) {
        CRM__ST(st);
        rc = crm__st_get(db, types[k].same, &st);
        if (rc == CRM_OK) {
            crm__bind_text(st, 1, line);
            rc = crm__st_step(st, "comparing a JSON Lines record");
            if (rc == CRM_ROW) {
                bool there = crm__col_int(st, 0) != 0, same = crm__col_int(st, 1) != 0;
                rc = same    ? CRM_OK
                     : there ? crm__import_bad(&x->im, 1, CRM_ESTATE,
                                               "the database holds a different %s record "
                                               "with this key",
                                               type)
                             : crm__import_bad(&x->im, 1, CRM_EINVAL,
                                               "not a valid %s record", type);
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
        crm__uuid uid;
        if (crm__uuid_parse(&uid, idtext) == 0) {
            crm__jfield f[] = { CRM__JWORD("format", "jsonl") };
            rc = CRM__JOURNAL(db, "customer", &uid, "import", f);
        }
    }
    if (rc == CRM_OK)
        x->im.res->records += added;
    if (rc == CRM_OK && !added)
        x->im.res->unchanged++;
    if (rc == CRM_OK && added && k == 1)
        x->im.res->created++;
    return crm__write_end(db, rc);
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
