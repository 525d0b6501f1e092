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

/* A message in buf: cut, if it must be, at a character boundary and
 * marked with "...", so that a long path never leaves half a UTF-8
 * sequence (Python raised UnicodeDecodeError instead of the error). */
static void vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0) {
        snprintf(buf, size, "(unformattable message)");
        return;
    }
    if ((size_t)n < size)
        return;
    size_t cut = size - 4;
    while (cut > 0 && ((unsigned char)buf[cut] & 0xc0) == 0x80)
        cut--; /* buf[cut] begins a character: keep what is before it */
    memcpy(buf + cut, "...", 4);
}

/* crm_open() has no handle to keep its message in when it fails. */
static _Thread_local int open_errcode;
static _Thread_local char open_errmsg[CRM__MSG_SIZE];

static void set_open_errorf(int code, const char *fmt, ...) CRM__PRINTF(2, 3);
static void set_open_errorf(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(open_errmsg, sizeof open_errmsg, fmt, ap);
    va_end(ap);
    open_errcode = code;
}

void crm__set_open_error(int code, const char *msg)
{
    set_open_errorf(code, "%s", msg);
}

int crm__null_db(const char *func)
{
    set_open_errorf(CRM_EINVAL, "%s: the database handle is NULL", func);
    return CRM_EINVAL;
}

int crm__null_arg(const char *func, const char *what)
{
    set_open_errorf(CRM_EINVAL, "%s: %s is NULL", func, what);
    return CRM_EINVAL;
}

int crm__parse_error(const char *func, const char *what, const char *name, const char *words)
{
    char q[CRM__QUOTE_SIZE];
    if (!name)
        set_open_errorf(CRM_EINVAL, "%s: the name of %s is NULL", func, what);
    else
        set_open_errorf(CRM_EINVAL, "%s: '%s' is not %s (%s)", func,
                        crm__quote(q, sizeof q, name), what, words);
    return CRM_EINVAL;
}

void crm__cursor_error(crm_db *db)
{
    if (db->err->code < 0)
        set_open_errorf(db->err->code, "%s", db->err->msg);
}

/* Each thread's last result on a handle is its own (slots in lock.c):
 * another thread's call on a shared handle neither clears nor replaces
 * it, nor frees the text a caller is reading. */
int crm_errcode(const crm_db *db)
{
    if (!db)
        return open_errcode;
    const crm__errslot *s = crm__slot_find(db);
    return s ? s->code : CRM_OK;
}

const char *crm_errmsg(const crm_db *db)
{
    if (!db)
        return open_errcode ? open_errmsg : crm_strerror(CRM_OK);
    const crm__errslot *s = crm__slot_find(db);
    return s && s->code != CRM_OK ? s->msg : crm_strerror(CRM_OK);
}

void crm__clear_error(crm_db *db)
{
    db->err->code = CRM_OK;
    db->err->conflict_id[0] = '\0';
}

void crm__set_conflict(crm_db *db, const crm__uuid *id)
{
    crm__uuid_format(db->err->conflict_id, id->b);
}

const char *crm_conflict_id(const crm_db *db)
{
    const crm__errslot *s = db ? crm__slot_find(db) : NULL;
    return s && s->code == CRM_EEXISTS && s->conflict_id[0] ? s->conflict_id : NULL;
}

static int verror(crm__errslot *slot, int code, const char *fmt, va_list ap)
{
    vformat(slot->msg, sizeof slot->msg, fmt, ap);
    slot->code = code;
    return code;
}

int crm__error_in(crm__errslot *slot, crm_db *db, int code, const char *fmt, ...)
{
    (void)db;
    va_list ap;
    va_start(ap, fmt);
    verror(slot, code, fmt, ap);
    va_end(ap);
    return code;
}

int crm__error(crm_db *db, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(db->err, code, fmt, ap);
    va_end(ap);
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
