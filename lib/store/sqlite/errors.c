/*
 * libcrm - what SQLite's result codes mean to a caller of libcrm: the code
 * and the words of the message.
 */
#include "internal/handle.h"
#include "store/sqlite/sqlite.h"

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
    const char *detail = db->store && db->store->sql ? sqlite3_errmsg(db->store->sql) : sqlite3_errstr(rc);
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
