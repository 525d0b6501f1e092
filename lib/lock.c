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
 * Taking a handle no other thread holds is one compare-and-swap, and a
 * thread finds its own error slot in a per-thread cache: a list's _next,
 * called once a row, pays a few nanoseconds for it, not the two mutex
 * calls and the slot search it cost at first (a page of 50 customers took
 * 8 % longer). Waiting for another thread takes the mutex.
 *
 * Each thread's last error on a handle is its own: the slots are
 * error.c's.
 */
#include <errno.h>
#include <time.h>

#include "internal/handle.h"
#include "store/store.h"

/* A thread's token: its pthread_t, which glibc and musl make the address
 * of the thread's descriptor, never 0 and distinct among live threads.
 * The address of a thread-local object served before; in a shared library
 * each use of one is a call of __tls_get_addr, which made taking and
 * letting go of the handle a quarter dearer. */
_Static_assert(sizeof(pthread_t) <= sizeof(uintptr_t), "a pthread_t fits a token");
static uintptr_t token(pthread_t self)
{
    return (uintptr_t)self;
}

static _Atomic uint64_t next_serial = 1;

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
    atomic_init(&db->lock.owner, 0);
    atomic_init(&db->lock.group, false);
    atomic_init(&db->lock.waiters, 0);
    db->lock.ready = true;
    db->serial = atomic_fetch_add(&next_serial, 1);
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
    crm__slot_forget(db);
    pthread_cond_destroy(&db->lock.cv);
    pthread_mutex_destroy(&db->lock.mu);
    db->lock.ready = false;
}

/* The calling thread's error slot: most often the one the handle's last
 * call used, which is the cheapest to check. */
static crm__errslot *slot(crm_db *db, pthread_t self)
{
    crm__errslot *e = db->err;
    if (e && e->used && pthread_equal(e->thread, self))
        return e;
    return crm__my_slot(db);
}

static bool take(crm_db *db, uintptr_t me)
{
    uintptr_t none = 0;
    return atomic_compare_exchange_strong(&db->lock.owner, &none, me);
}

/* Wait for the thread that holds the handle to let go of it (see above).
 * Out of line, so that taking a free handle saves no registers. */
__attribute__((noinline)) static int wait_for(crm_db *db, bool bounded, pthread_t self)
{
    crm__lock *l = &db->lock;
    uintptr_t me = token(self);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += db->busy_timeout_ms / 1000;
    deadline.tv_nsec += (long)(db->busy_timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    bool late = false;
    pthread_mutex_lock(&l->mu);
    atomic_fetch_add(&l->waiters, 1);
    while (!take(db, me)) {
        /* A call ends by itself; a group ends when its thread says so,
         * and is waited for only as long as the busy timeout. */
        if (!bounded || late) {
            if (bounded && atomic_load(&l->group))
                break;
            pthread_cond_wait(&l->cv, &l->mu);
        } else if (pthread_cond_timedwait(&l->cv, &l->mu, &deadline) == ETIMEDOUT) {
            late = true;
        }
    }
    atomic_fetch_sub(&l->waiters, 1);
    pthread_mutex_unlock(&l->mu);
    if (atomic_load(&l->owner) != me) {
        return crm__error_in(crm__my_slot(db), CRM_EBUSY,
                             "a transaction opened with crm_begin() by another thread "
                             "on this handle stayed open for the whole busy timeout "
                             "(%d ms); a group belongs to the thread that began it: "
                             "retry, or give each thread a handle of its own",
                             db->busy_timeout_ms);
    }
    l->depth = 1;
    db->err = slot(db, self);
    return CRM_OK;
}

static int enter(crm_db *db, bool bounded)
{
    crm__lock *l = &db->lock;
    pthread_t self = pthread_self();
    /* The common case first: no thread holds the handle. A failed swap
     * reads who does. */
    uintptr_t holder = 0;
    if (atomic_compare_exchange_strong(&l->owner, &holder, token(self)))
        l->depth = 1;
    else if (holder == token(self))
        l->depth++; /* a call inside a call, or a call of this thread's group */
    else
        return wait_for(db, bounded, self);
    db->err = slot(db, self);
    return CRM_OK;
}

static inline void leave(crm_db *db);

/* A call that starts on a handle a failed call left unsettled (memory ran
 * out even for its rollback) settles it first, or fails as that does. */
int crm__enter(crm_db *db)
{
    int rc = enter(db, true);
    if (rc == CRM_OK && db->lock.depth == 1 && (rc = crm__settle(db)) != CRM_OK)
        leave(db);
    return rc;
}

void crm__enter_always(crm_db *db)
{
    (void)enter(db, false);
}

/* Wake the waiters, so that they take the handle or, now that a group
 * holds it, start counting their busy timeout. */
__attribute__((noinline)) static void wake_waiters(crm__lock *l)
{
    pthread_mutex_lock(&l->mu);
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static void wake(crm__lock *l)
{
    if (atomic_load(&l->waiters) != 0)
        wake_waiters(l);
}

static inline void leave(crm_db *db)
{
    crm__lock *l = &db->lock;
    if (--l->depth > 0)
        return;
    if (db->txn_open) {
        /* A group keeps the handle for its thread between calls. */
        if (!atomic_exchange(&l->group, true))
            wake(l);
        return;
    }
    /* Only the holder writes group, so its own relaxed read is exact; a
     * store there is a full barrier, paid only when a group just ended. */
    if (atomic_load_explicit(&l->group, memory_order_relaxed))
        atomic_store(&l->group, false);
    atomic_store(&l->owner, 0);
    wake(l);
}

void crm__leave(crm_db *db)
{
    leave(db);
}

void crm__leave_scope(crm_db **db)
{
    if (*db)
        leave(*db);
}

bool crm__holds_group(const crm_db *db)
{
    /* Only the holder writes txn_open, so only the holder may read it here. */
    return atomic_load(&((crm_db *)db)->lock.owner) == token(pthread_self()) && db->txn_open;
}

int crm__lock_waiters(crm_db *db)
{
    return atomic_load(&db->lock.waiters);
}
