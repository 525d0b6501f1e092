/*
 * libcrm - status codes and the message kept with each handle.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct {
    int code;
    const char *name;
    const char *text;
} codes[] = {
    { CRM_OK, "OK", "not an error" },
    { CRM_ROW, "ROW", "a row is ready" },
    { CRM_DONE, "DONE", "no more rows" },
    { CRM_ERROR, "ERROR", "internal error" },
    { CRM_ENOTFOUND, "ENOTFOUND", "not found" },
    { CRM_EEXISTS, "EEXISTS", "already exists" },
    { CRM_EINVAL, "EINVAL", "invalid argument" },
    { CRM_ESTATE, "ESTATE", "not allowed in the current state" },
    { CRM_EBUSY, "EBUSY", "database is busy" },
    { CRM_EIO, "EIO", "input/output error" },
    { CRM_ECORRUPT, "ECORRUPT", "database file is corrupt" },
    { CRM_ENOMEM, "ENOMEM", "out of memory" },
    { CRM_ESCHEMA, "ESCHEMA", "database was written by a newer libcrm" },
    { CRM_ENOTCRM, "ENOTCRM", "not a libcrm database" },
    { CRM_EMISUSE, "EMISUSE", "library misuse" },
    { CRM_EREADONLY, "EREADONLY", "database is read-only" },
};

const char *crm_strerror(int code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code)
            return codes[i].text;
    return "unknown error";
}

const char *crm_errname(int code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code)
            return codes[i].name;
    return "UNKNOWN";
}

/* crm_open() has no handle to keep its message in when it fails. */
static _Thread_local int open_errcode;
static _Thread_local char open_errmsg[512];

void crm__set_open_error(int code, const char *msg)
{
    open_errcode = code;
    snprintf(open_errmsg, sizeof open_errmsg, "%s", msg);
}

int crm__null_db(const char *func)
{
    char msg[128];
    snprintf(msg, sizeof msg, "%s: the database handle is NULL", func);
    crm__set_open_error(CRM_EINVAL, msg);
    return CRM_EINVAL;
}

int crm__null_arg(const char *func, const char *what)
{
    char msg[128];
    snprintf(msg, sizeof msg, "%s: %s is NULL", func, what);
    crm__set_open_error(CRM_EINVAL, msg);
    return CRM_EINVAL;
}

int crm__parse_error(const char *func, const char *what, const char *name, const char *words)
{
    char msg[512], q[CRM__QUOTE_SIZE];
    if (!name)
        snprintf(msg, sizeof msg, "%s: the name of %s is NULL", func, what);
    else
        snprintf(msg, sizeof msg, "%s: '%s' is not %s (%s)", func, crm__quote(q, sizeof q, name),
                 what, words);
    crm__set_open_error(CRM_EINVAL, msg);
    return CRM_EINVAL;
}

int crm_errcode(const crm_db *db)
{
    return db ? db->errcode : open_errcode;
}

const char *crm_errmsg(const crm_db *db)
{
    if (!db)
        return open_errcode ? open_errmsg : crm_strerror(CRM_OK);
    if (db->errcode == CRM_OK)
        return crm_strerror(CRM_OK);
    if (db->errmsg)
        return db->errmsg;
    return db->errfixed ? db->errfixed : crm_strerror(db->errcode);
}

void crm__clear_error(crm_db *db)
{
    db->errcode = CRM_OK;
    db->conflict_id[0] = '\0';
}

void crm__set_conflict(crm_db *db, const crm__uuid *id)
{
    crm__uuid_format(db->conflict_id, id->b);
}

const char *crm_conflict_id(const crm_db *db)
{
    return db && db->errcode == CRM_EEXISTS && db->conflict_id[0] ? db->conflict_id : NULL;
}

int crm__error(crm_db *db, int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    db->errcode = code;
    crm__free(db->errmsg);
    db->errmsg = crm__strdup(buf);
    /* Without memory for the message, name the code rather than fail. */
    db->errfixed = crm_strerror(code);
    return code;
}

int crm__code_from_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return CRM_OK;
    case SQLITE_ROW:
        return CRM_ROW;
    case SQLITE_DONE:
        return CRM_DONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return CRM_EBUSY;
    case SQLITE_NOMEM:
        return CRM_ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_PERM:
        return CRM_EIO;
    case SQLITE_CORRUPT:
        return CRM_ECORRUPT;
    case SQLITE_NOTADB:
        return CRM_ENOTCRM;
    case SQLITE_READONLY:
        return CRM_EREADONLY;
    case SQLITE_MISUSE:
        return CRM_EMISUSE;
    default:
        return CRM_ERROR;
    }
}

int crm__sqlite_error(crm_db *db, int rc, const char *what)
{
    int code = crm__code_from_sqlite(rc);
    const char *detail = db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc);
    switch (code) {
    case CRM_EBUSY:
        return crm__error(db, code,
                          "%s: database '%s' stayed locked by another writer for the whole busy "
                          "timeout (%d ms); retry, or raise busy_timeout_ms",
                          what, db->path, db->busy_timeout_ms);
    case CRM_ECORRUPT:
        return crm__error(db, code, "%s: database '%s' is corrupt (%s); restore it from a backup",
                          what, db->path, detail);
    case CRM_EIO:
        return crm__error(db, code, "%s: I/O error on database '%s' (%s)", what, db->path,
                          detail);
    default:
        return crm__error(db, code, "%s: %s", what, detail);
    }
}
