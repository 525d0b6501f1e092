/*
 * libcrm - sharing a handle between threads.
 *
 * The SQLite connection under a handle is opened without SQLite's own
 * mutex (a handle is meant for one thread at a time, and the mutex costs
 * every call), and nothing stopped two threads from using one handle at
 * once: two threads creating customers on one handle crashed within a few
 * calls. So every call that reaches the connection holds the handle: a
 * call from another thread waits until the call in progress ends, which a
 * call always does (its own waits are bounded by the busy timeout).
 *
 * A transaction group (crm_begin() to crm_commit() or crm_rollback())
 * belongs to the thread that began it: the handle stays held by that
 * thread between its calls, so another thread neither joins the group
 * (its writes rolled back with it, its reads seeing what was never
 * committed) nor writes in the middle of it. Its calls wait for the group
 * to end, as a call through another connection waits for the write lock,
 * and give up with CRM_EBUSY after the busy timeout.
 *
 * Each thread's last error on a handle is its own (see error.c): the
 * slots are found here, under the same mutex.
 */
#include <errno.h>
#include <time.h>

#include "internal.h"

int crm__lock_init(crm_db *db)
{
    if (pthread_mutex_init(&db->lock.mu, NULL) != 0)
        return -1;
    pthread_condattr_t ca;
    int ok = pthread_condattr_init(&ca) == 0;
    ok = ok && pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0;
    ok = ok && pthread_cond_init(&db->lock.cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok) {
        pthread_mutex_destroy(&db->lock.mu);
        return -1;
    }
    db->lock.ready = true;
    /* The opening thread's slot needs no allocation. */
    db->err0.thread = pthread_self();
    db->err0.used = true;
    db->err = &db->err0;
    return 0;
}

void crm__lock_destroy(crm_db *db)
{
    if (!db->lock.ready)
        return;
    pthread_cond_destroy(&db->lock.cv);
    pthread_mutex_destroy(&db->lock.mu);
    db->lock.ready = false;
}

/* The calling thread's error slot, made if need be (make): at most
 * CRM__ERR_SLOTS, after which the one used longest ago is taken over.
 * NULL only when make is false and the thread has none. Under mu. */
static crm__errslot *slot_of(crm_db *db, pthread_t self, bool make)
{
    crm__errslot *oldest = NULL;
    int n = 0;
    for (crm__errslot *s = &db->err0; s; s = s->next, n++) {
        if (s->used && pthread_equal(s->thread, self)) {
            s->stamp = ++db->lock.clock;
            return s;
        }
        bool busy = s == db->err && (db->lock.depth > 0 || db->lock.group); /* the holder's */
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

const crm__errslot *crm__slot_find(const crm_db *db)
{
    crm_db *d = (crm_db *)db; /* the mutex changes; what callers see does not */
    pthread_mutex_lock(&d->lock.mu);
    const crm__errslot *s = slot_of(d, pthread_self(), false);
    pthread_mutex_unlock(&d->lock.mu);
    return s;
}

static int enter(crm_db *db, bool bounded)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&db->lock.mu);
    /* db->err is the holder's; a thread that waits keeps to its own. */
    crm__errslot *mine = slot_of(db, self, true);
    if (db->lock.depth > 0 || db->lock.group) {
        if (pthread_equal(db->lock.holder, self)) {
            db->lock.depth++;
            db->err = mine;
            pthread_mutex_unlock(&db->lock.mu);
            return CRM_OK;
        }
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += db->busy_timeout_ms / 1000;
        deadline.tv_nsec += (long)(db->busy_timeout_ms % 1000) * 1000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        db->lock.waiters++;
        while (db->lock.depth > 0 || db->lock.group) {
            /* A call ends by itself; a group ends when its thread says so. */
            int rc = db->lock.group && bounded ? pthread_cond_timedwait(&db->lock.cv, &db->lock.mu, &deadline)
                                    : pthread_cond_wait(&db->lock.cv, &db->lock.mu);
            if (rc == ETIMEDOUT && db->lock.group && db->lock.depth == 0) {
                db->lock.waiters--;
                mine = slot_of(db, self, true); /* slots may have been taken over meanwhile */
                pthread_mutex_unlock(&db->lock.mu);
                return crm__error_in(mine, db, CRM_EBUSY,
                                     "a transaction opened with crm_begin() by another thread "
                                     "on this handle stayed open for the whole busy timeout "
                                     "(%d ms); a group belongs to the thread that began it: "
                                     "retry, or give each thread a handle of its own",
                                     db->busy_timeout_ms);
            }
        }
        db->lock.waiters--;
        mine = slot_of(db, self, true);
    }
    db->lock.holder = self;
    db->lock.depth = 1;
    db->err = mine;
    pthread_mutex_unlock(&db->lock.mu);
    return CRM_OK;
}

int crm__enter(crm_db *db)
{
    return enter(db, true);
}

void crm__enter_always(crm_db *db)
{
    (void)enter(db, false);
}

void crm__leave(crm_db *db)
{
    pthread_mutex_lock(&db->lock.mu);
    if (--db->lock.depth == 0) {
        /* A group keeps the handle for its thread between calls. */
        db->lock.group = db->txn_open;
        if (!db->lock.group)
            pthread_cond_broadcast(&db->lock.cv);
    }
    pthread_mutex_unlock(&db->lock.mu);
}

void crm__leave_scope(crm_db **db)
{
    if (*db)
        crm__leave(*db);
}

bool crm__holds_group(const crm_db *db)
{
    crm_db *d = (crm_db *)db;
    pthread_mutex_lock(&d->lock.mu);
    bool mine = (d->lock.depth > 0 || d->lock.group) && pthread_equal(d->lock.holder, pthread_self());
    pthread_mutex_unlock(&d->lock.mu);
    /* Only the holder writes txn_open, so only the holder may read it here. */
    return mine && d->txn_open;
}

int crm__lock_waiters(crm_db *db)
{
    pthread_mutex_lock(&db->lock.mu);
    int n = db->lock.waiters;
    pthread_mutex_unlock(&db->lock.mu);
    return n;
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
