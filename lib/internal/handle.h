/*
 * libcrm - the handle: its struct, who holds it, its errors and its clock (db.c,
 * lock.c, error.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_HANDLE_H
#define CRM_INTERNAL_HANDLE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "crm.h"
#include "internal/util.h"
#include "store/store.h"

#if !defined(__GNUC__)
#error "libcrm is built with GCC or Clang: it lets go of a handle with __attribute__((cleanup))"
#endif
#define CRM__PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- the handle (db.c) -------------------------------------------------- */
/* The last result of one thread's calls on a handle (see lock.c). */
#define CRM__MSG_SIZE 2048
#define CRM__ERR_SLOTS 32
typedef struct crm__errslot {
    pthread_t thread;
    bool used;
    uint64_t stamp; /* when its thread last made a call, for taking it over */
    int code;
    char conflict_id[CRM_ID_LEN + 1]; /* after CRM_EEXISTS, else "" */
    char msg[CRM__MSG_SIZE];
    struct crm__errslot *next;
} crm__errslot;

/* Who holds a handle (see lock.c). owner is the holding thread's token
 * (0: nobody); depth is the holder's alone; mu and cv serve the waiters. */
typedef struct crm__lock {
    _Atomic uintptr_t owner;
    int depth;          /* calls of the holder in progress (nested ones count) */
    _Atomic bool group; /* the holder keeps it for a transaction group between calls */
    _Atomic int waiters;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t clock;     /* under mu: stamps of the error slots */
    bool ready;
} crm__lock;

/* Random bytes a handle asks the kernel for at once: the random bits of
 * 24 ids (10 bytes each) for one system call. */
#define CRM__RND_POOL 240

struct crm_db {
    struct crm__store *store; /* the engine's side (lib/store/) */
    char *path;
    char actor[CRM_ACTOR_MAX + 1]; /* in place: crm_actor()'s pointer lives as long as the handle */
    char region[3];       /* default country, "" when none */
    bool region_fixed;    /* region given when opened: the file's setting does not apply */
    char region_undo[3];  /* region before a group changed it (setting.c) */
    /* What the calls of the open group keep in the handle beside the file,
     * put back when the group ends without committing: the engine calls it
     * then, and forgets it when the group commits. */
    void (*group_undo)(crm_db *db);
    unsigned int flags;   /* CRM_OPEN_* */
    int busy_timeout_ms;
    crm__lock lock;
    uint64_t serial;      /* unique among the process's handles, for the slot cache */
    crm__errslot err0;    /* the opening thread's; others are chained after it */
    crm__errslot *err;    /* the holder's, during a call */
    bool txn_open;        /* crm_begin() is in force */
    bool group_lost;      /* a failed call could not be undone alone: only crm_rollback() */
    int cursors;          /* open cursors, which must be freed before close */
    struct crm__cursor *cursor_list; /* those of them that are statements' */
    int64_t uuid_ms;      /* last UUIDv7 timestamp and counter, for ordering */
    unsigned int uuid_seq;
    unsigned char rnd[CRM__RND_POOL]; /* random bytes for new ids, from the kernel */
    unsigned int rnd_left;            /* of them not used yet, at the end of rnd */
    /* The clock (db.c): crm_open_options.clock and its ctx (NULL: the
     * system's), and the time the call in progress read from it. */
    crm_clock_fn clock;
    void *clock_ctx;
    int64_t now;
    /* The customer this handle created last and where its writes stood
     * then (customer.c: crm__customer_is_bare). */
    crm__uuid created;
    crm__write_mark created_mark;
};

/* Every public entry point holds the handle for the length of the call
 * (see lock.c) and clears the calling thread's previous error first; a
 * NULL handle is refused with a message kept per thread (see
 * crm_errmsg(NULL)). CRM__ENTER must come first in a function: it
 * declares the guard that lets go of the handle when the function
 * returns. */
void crm__clear_error(crm_db *db);
int crm__null_db(const char *func);
/* A NULL cursor or output argument where there is no handle to report on. */
int crm__null_arg(const char *func, const char *what);
/* A _parse call given a word it does not know (or NULL): CRM_EINVAL with
 * the message kept per thread, listing the words it knows. `what` carries
 * its article ("a channel"). */
int crm__parse_error(const char *func, const char *what, const char *name, const char *words);
/* The calling thread's error, for a call that has no handle to report on
 * (crm_errmsg(NULL)): sets it and returns code. */
int crm__thread_error(int code, const char *fmt, ...) CRM__PRINTF(2, 3);
/* A cursor's failure is its handle's error and, since a binding iterating
 * a cursor may not have the handle at hand, the thread's too. */
void crm__cursor_error(crm_db *db);

int crm__lock_init(crm_db *db);
void crm__lock_destroy(crm_db *db);
void crm__slots_free(crm_db *db);
int crm__lock_waiters(crm_db *db);
/* The calling thread holds db with a transaction group open. */
bool crm__holds_group(const crm_db *db);
/* Hold db for a call: CRM_OK, or CRM_EBUSY when another thread's
 * transaction group kept it for the whole busy timeout, or the error of
 * settling what a failed call left (crm__settle, store.h). */
int crm__enter(crm_db *db);
/* The same without a limit, for what must not fail: freeing a cursor,
 * closing. */
void crm__enter_always(crm_db *db);
void crm__leave(crm_db *db);
void crm__leave_scope(crm_db **db);
/* The calling thread's slot on db, or NULL if it has made no call on it;
 * crm__my_slot() makes it if need be; crm__slot_forget() drops the calling
 * thread's cache of a handle being closed (error.c). */
const crm__errslot *crm__slot_find(const crm_db *db);
crm__errslot *crm__my_slot(crm_db *db);
void crm__slot_forget(const crm_db *db);
/* crm__error() into a slot that is not db->err: a waiter's, before it holds db. */
int crm__error_in(crm__errslot *slot, int code, const char *fmt, ...) CRM__PRINTF(3, 4);

#define CRM__HOLD(db)                                                             \
    crm_db *crm__held_ __attribute__((cleanup(crm__leave_scope))) = (db);         \
    do {                                                                          \
        int crm__entered_ = crm__enter(crm__held_);                               \
        if (crm__entered_ != CRM_OK) {                                            \
            crm__held_ = NULL;                                                    \
            return crm__entered_;                                                 \
        }                                                                         \
    } while (0)
#define CRM__ENTER(db)                     \
    if (!(db))                             \
        return crm__null_db(__func__);     \
    CRM__HOLD(db);                         \
    crm__clear_error(db)
/* The same for a cursor's calls, which hold the cursor's handle. */
#define CRM__ENTER_CURSOR(cur)                         \
    if (!(cur))                                        \
        return crm__null_arg(__func__, "the cursor");  \
    CRM__HOLD(((crm__cursor *)(cur))->db)
/* A cursor's _free: NULL is nothing to do, and the wait has no limit. */
#define CRM__ENTER_FREE(cur)                                                              \
    if (!(cur))                                                                           \
        return;                                                                           \
    crm_db *crm__held_ __attribute__((cleanup(crm__leave_scope))) = ((crm__cursor *)(cur))->db; \
    crm__enter_always(crm__held_)
int crm__error(crm_db *db, int code, const char *fmt, ...) CRM__PRINTF(3, 4);
/* A stored id that is not one (not 16 bytes): the file is corrupt.
 * CRM_ECORRUPT, `what` saying what was being done. */
int crm__corrupt_id(crm_db *db, const char *what);
/* Name what already exists, for crm_conflict_id(), after CRM_EEXISTS. */
void crm__set_conflict(crm_db *db, const crm__uuid *id);
/* A new time-ordered id; *ms receives the time it carries (util.c). */
int crm__new_id(crm_db *db, crm__uuid *out, int64_t *ms);

/* ---- the clock (db.c) --------------------------------------------------- */
/* Read db's clock (crm_open_options.clock, else the system's) as the time
 * of the call in progress: CRM_OK, or CRM_EMISUSE with the message set
 * when it gives a time before 1970 or after CRM_TIME_MAX. Every write
 * reads it in crm__write_begin(), before its first change, so a clock
 * out of range refuses the call and changes nothing. */
int crm__clock_read(crm_db *db);
/* The time the call in progress read (crm__clock_read()): inside a write,
 * the time of every row it stores, the time its new ids carry and its
 * journal entry's. */
int64_t crm__now(crm_db *db);

#endif
