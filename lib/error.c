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
    { CRM_EAMBIGUOUS, "EAMBIGUOUS", "names more than one record" },
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

/* A call that has no handle (crm_open() failing, a NULL handle, a _parse,
 * a _dup) keeps its message per thread, for crm_errmsg(NULL). */
static _Thread_local int thread_errcode;
static _Thread_local char thread_errmsg[CRM__MSG_SIZE];

int crm__thread_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(thread_errmsg, sizeof thread_errmsg, fmt, ap);
    va_end(ap);
    thread_errcode = code;
    return code;
}

int crm__null_db(const char *func)
{
    crm__thread_error(CRM_EINVAL, "%s: the database handle is NULL", func);
    return CRM_EINVAL;
}

int crm__null_arg(const char *func, const char *what)
{
    crm__thread_error(CRM_EINVAL, "%s: %s is NULL", func, what);
    return CRM_EINVAL;
}

int crm__parse_error(const char *func, const char *what, const char *name, const char *words)
{
    char q[CRM__QUOTE_SIZE];
    if (!name)
        crm__thread_error(CRM_EINVAL, "%s: the name of %s is NULL", func, what);
    else
        crm__thread_error(CRM_EINVAL, "%s: '%s' is not %s (%s)", func,
                        crm__quote(q, sizeof q, name), what, words);
    return CRM_EINVAL;
}

void crm__cursor_error(crm_db *db)
{
    if (db->err->code < 0)
        crm__thread_error(db->err->code, "%s", db->err->msg);
}

/* ---- each thread's last result on a handle -------------------------------
 * A slot per thread that has called on the handle, found under the
 * handle's mutex (db->lock.mu) and cached per thread. */

/* The calling thread's slot of the handle it used last. */
static _Thread_local struct {
    const crm_db *db;
    uint64_t serial;
    crm__errslot *slot;
} slot_cache;

/* The calling thread's error slot, made if need be (make): at most
 * CRM__ERR_SLOTS, after which the one used longest ago is taken over.
 * NULL only when make is false and the thread has none. Under mu. */
static crm__errslot *slot_of(crm_db *db, pthread_t self, bool make)
{
    crm__errslot *oldest = NULL;
    int n = 0;
    bool held = atomic_load(&db->lock.owner) != 0;
    for (crm__errslot *s = &db->err0; s; s = s->next, n++) {
        if (s->used && pthread_equal(s->thread, self)) {
            s->stamp = ++db->lock.clock;
            return s;
        }
        bool busy = held && s == db->err; /* the holder's */
        if (!busy && (!oldest || !s->used || (oldest->used && s->stamp < oldest->stamp)))
            oldest = s;
    }
    if (!make)
        return NULL;
    crm__errslot *s = NULL;
    if (n < CRM__ERR_SLOTS && (!oldest || oldest->used))
        s = crm__calloc(1, sizeof *s);
    if (s) {
        s->next = db->err0.next;
        db->err0.next = s;
    } else {
        /* Also when memory is short: a slot taken over, not a failure. The
         * holder's own is never taken, and there are CRM__ERR_SLOTS >= 2. */
        s = oldest ? oldest : &db->err0;
    }
    s->thread = self;
    s->used = true;
    s->code = CRM_OK;
    s->conflict_id[0] = '\0';
    s->stamp = ++db->lock.clock;
    return s;
}

/* The calling thread's slot, from its cache when it is still its own. */
crm__errslot *crm__my_slot(crm_db *db)
{
    pthread_t self = pthread_self();
    if (slot_cache.db == db && slot_cache.serial == db->serial &&
        pthread_equal(slot_cache.slot->thread, self))
        return slot_cache.slot;
    pthread_mutex_lock(&db->lock.mu);
    crm__errslot *s = slot_of(db, self, true);
    pthread_mutex_unlock(&db->lock.mu);
    slot_cache.db = db;
    slot_cache.serial = db->serial;
    slot_cache.slot = s;
    return s;
}

const crm__errslot *crm__slot_find(const crm_db *db)
{
    crm_db *d = (crm_db *)db; /* the mutex changes; what callers see does not */
    pthread_mutex_lock(&d->lock.mu);
    const crm__errslot *s = slot_of(d, pthread_self(), false);
    pthread_mutex_unlock(&d->lock.mu);
    return s;
}

void crm__slot_forget(const crm_db *db)
{
    if (slot_cache.db == db)
        slot_cache.db = NULL;
}

void crm__slots_free(crm_db *db)
{
    crm__errslot *s = db->err0.next;
    while (s) {
        crm__errslot *next = s->next;
        crm__free(s);
        s = next;
    }
    db->err0.next = NULL;
}

/* Each thread's last result on a handle is its own:
 * another thread's call on a shared handle neither clears nor replaces
 * it, nor frees the text a caller is reading. */
int crm_errcode(const crm_db *db)
{
    if (!db)
        return thread_errcode;
    const crm__errslot *s = crm__slot_find(db);
    return s ? s->code : CRM_OK;
}

const char *crm_errmsg(const crm_db *db)
{
    if (!db)
        return thread_errcode ? thread_errmsg : crm_strerror(CRM_OK);
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

int crm__error_in(crm__errslot *slot, int code, const char *fmt, ...)
{
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

int crm__corrupt_id(crm_db *db, const char *what)
{
    return crm__error(db, CRM_ECORRUPT,
                      "%s: database '%s' is corrupt (a stored id is not 16 bytes); restore it "
                      "from a backup",
                      what, db->path);
}
