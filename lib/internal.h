/*
 * libcrm - declarations shared between the library's own files. Nothing
 * here is exported; names use a double underscore.
 */
#ifndef CRM_INTERNAL_H
#define CRM_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "crm.h"
#include "store/queries.h"

#if !defined(__GNUC__)
#error "libcrm is built with GCC or Clang: it lets go of a handle with __attribute__((cleanup))"
#endif
#define CRM__PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- memory (alloc.c) --------------------------------------------------- */
void *crm__malloc(size_t size);
void *crm__calloc(size_t n, size_t size);
void *crm__realloc(void *ptr, size_t size);
void crm__free(void *ptr);
char *crm__strdup(const char *s);
/* Handles currently open, so the allocator cannot change under them. */
void crm__handles_add(int delta);

/* ---- ids and text (util.c) --------------------------------------------- */
typedef struct crm__uuid {
    unsigned char b[16];
} crm__uuid;

int crm__uuid_parse(crm__uuid *out, const char *s); /* 0 or -1 */
void crm__uuid_format(char out[CRM_ID_LEN + 1], const unsigned char b[16]);
/* A lower bound for ids made at ms: the ms prefix, every other bit 0. */
void crm__uuid_floor(crm__uuid *out, int64_t ms);
int64_t crm__uuid_ms(const unsigned char b[16]);

bool crm__utf8_valid(const char *s, size_t len);
/* The index of name in words[lo..hi] (an enum's words by value), or -1;
 * -1 for NULL too. */
int crm__word_index(const char *const *words, int lo, int hi, const char *name);
/* Lower-case ASCII letters, leave every other byte as it is. */
void crm__ascii_lower(char *s);

/* Quote a caller's value for an error message: truncated, with invalid
 * bytes and control characters escaped, so a message is always UTF-8. */
const char *crm__quote(char *buf, size_t size, const char *s);
#define CRM__QUOTE_SIZE 100
/* A value that may be personal data, for a message on db: quoted, or
 * "<withheld>" when db was opened with CRM_OPEN_REDACT. */
const char *crm__pquote(const crm_db *db, char *buf, size_t size, const char *s);

/* ---- a file as it is, before SQLite opens it (store/sqlite/file.c) ----- */
typedef struct crm__file_look {
    bool exists;
    unsigned int mode;        /* st_mode, when it exists */
    int64_t size;
    bool sqlite;              /* SQLite's header, or empty (a new database) */
    uint32_t application_id;  /* from the newest committed page 1 */
    int32_t user_version;
    int schema_objects;       /* rows of the schema table; -1: more than a page holds */
    bool from_wal;            /* page 1 came from the write-ahead log */
    bool hot_journal;         /* a rollback journal with content beside it */
} crm__file_look;
/* Fill look from the file at path with plain reads: no lock, no write.
 * The log is read only when the main file's page 1 does not carry own_id.
 * 0, or the errno of a failure other than the file not existing. */
int crm__file_look_at(crm__file_look *look, const char *path, uint32_t own_id);

#include "store/store.h"

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

struct crm_db {
    struct crm__store *store; /* the engine's side (lib/store/) */
    char *path;
    char actor[CRM_ACTOR_MAX + 1]; /* in place: crm_actor()'s pointer lives as long as the handle */
    char region[3];       /* default country, "" when none */
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
    /* The clock (db.c): crm_open_options.clock and its ctx (NULL: the
     * system's), and the time the call in progress read from it. */
    crm_clock_fn clock;
    void *clock_ctx;
    int64_t now;
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
 * transaction group kept it for the whole busy timeout. */
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

/* ---- calendar (util.c) -------------------------------------------------- */
/* Proleptic Gregorian dates as days from 1970-01-01, the arithmetic behind
 * crm_date_to_days() and crm_date_from_days(), without their checks. */
bool crm__is_leap(int64_t year);
int crm__month_length(int64_t year, int month);
int64_t crm__days_from_civil(int64_t year, int month, int day);
void crm__civil_from_days(int64_t days, int *year, int *month, int *day);
/* The day holding time t (ms), before 1970 too. */
int64_t crm__day_of(int64_t t);
/* A time as "2026-05-17T09:30:00.000Z", for messages. */
#define CRM__TIME_TEXT_SIZE 32
const char *crm__time_text(char out[CRM__TIME_TEXT_SIZE], int64_t t);

/* ---- argument checks (check.c) ------------------------------------------ */
/* Each returns CRM_OK or sets CRM_EINVAL naming `field`. */
#define CRM__TEXT_NO_CONTROL 0x1u /* reject C0 controls and DEL */
#define CRM__TEXT_NO_EDGE_SPACE 0x2u /* reject leading/trailing spaces */
int crm__check_db(const crm_db *db);
int crm__check_text(crm_db *db, const char *field, const char *s, size_t min, size_t max,
                    unsigned int flags);
int crm__check_id(crm_db *db, const char *field, const char *s, crm__uuid *out);
int crm__check_out(crm_db *db, const void *out);
int crm__check_actor(crm_db *db, const char *actor);
/* A time libcrm stores: CRM_TIME_MIN..CRM_TIME_MAX. */
int crm__check_time(crm_db *db, const char *field, int64_t t);
/* A time that may be CRM_TIME_NONE ("not given"). */
int crm__check_time_opt(crm_db *db, const char *field, int64_t t);
/* A time of a spec or filter of the given version: before version 2, 0
 * meant "not given", which CRM_TIME_NONE says now. */
static inline int64_t crm__time_given(unsigned int version, int64_t t)
{
    return version < 2 && t == 0 ? CRM_TIME_NONE : t;
}
/* A code such as an attribute key or a reason: 1..max bytes of
 * [A-Za-z0-9_.:-]. */
int crm__check_code(crm_db *db, const char *field, const char *s, size_t max);
/* A caller-defined kind name: [a-z][a-z0-9_]{0,31}. */
bool crm__is_kind_name(const char *s);
int crm__check_kind_name(crm_db *db, const char *field, const char *s);

/* ---- journal (journal.c) ------------------------------------------------ */
enum { CRM__J_TEXT, CRM__J_INT, CRM__J_NULL, CRM__J_OPT };
typedef struct crm__jfield {
    const char *key;
    int type;
    const char *s;
    int64_t i;
} crm__jfield;
#define CRM__JTEXT(k, v) { (k), CRM__J_TEXT, (v), 0 }
#define CRM__JINT(k, v) { (k), CRM__J_INT, NULL, (v) }
/* A text field left out of the entry when v is NULL (an optional value). */
#define CRM__JOPT(k, v) { (k), CRM__J_OPT, (v), 0 }
#define CRM__JMAX 6
/* Write the journal entry of a change: n fields (at most CRM__JMAX of them
 * present), or CRM__JOURNAL with an array, which counts it. */
int crm__journal(crm_db *db, const char *entity, const crm__uuid *entity_id, const char *op,
                 const crm__jfield *fields, int n);
/* The same for a change that took effect at another time than the call's
 * (a promise step recorded after it happened): the entry's at is at. */
int crm__journal_at(crm_db *db, int64_t at, const char *entity, const crm__uuid *entity_id,
                    const char *op, const crm__jfield *fields, int n);
#define CRM__JOURNAL(db, entity, id, op, f) \
    crm__journal((db), (entity), (id), (op), (f), (int)(sizeof(f) / sizeof((f)[0])))

/* ---- customers (customer.c) --------------------------------------------- */
/* Fetch kind and name of a customer that must exist; CRM_ENOTFOUND otherwise.
 * name may be NULL; when given it is a copy freed with crm__free(). */
int crm__customer_find(crm_db *db, const crm__uuid *id, const char *text_id, int *kind,
                       char **name);
/* The same read through the caller's statement *st (a CRM__ST variable),
 * left on the customer's row (columns: kind, name) so that a cursor opened
 * before it is released reads in the same snapshot. */
int crm__customer_probe(crm_db *db, crm__st **st, const crm__uuid *id, int *kind);
/* Move a customer's updated_at to now (attributes and tags changed). */
int crm__customer_touch(crm_db *db, const crm__uuid *id);
/* Make a customer record from a row (id, kind, name, created, updated, archived). */
int crm__customer_from_row(crm_customer **out, crm__st *st, int col);
/* Allocate a cursor struct of `size` bytes whose first member is its
 * crm__cursor, over the rows of one customer: checks out and the id, makes
 * sure the customer exists, and binds its id to ?1. The query is q_person
 * or q_org by the customer's kind. *out is the new struct. */
int crm__customer_cursor(void **out, size_t size, crm_db *db, const char *id, crm__query q_person,
                         crm__query q_org, crm__cursor_build build, const char *what);
/* Step st, an insert of a row that belongs to customer cid, and reset it.
 * Whether the customer exists is the insert's foreign key to check, and is
 * read only when the engine refuses the row: a missing customer is then
 * the error (CRM_ENOTFOUND); else a refused foreign key is CRM_ERROR and a
 * taken unique key CRM_EEXISTS, whose message the caller may make more
 * precise. */
int crm__customer_insert_owned(crm_db *db, crm__st *st, const crm__uuid *cid, const char *what);
/* A list of customers over query q, whose rows are the columns of
 * CRM__Q_CUSTOMER_GET: *out is the new cursor (its first member its
 * crm__cursor), whose statement the caller binds and then hands to
 * crm__cursor_bound(). */
int crm__customer_list_new(crm_customer_cursor **out, crm_db *db, crm__query q, const char *what);

/* ---- identities (identity.c) -------------------------------------------- */
/* The match key of value as an identity of kind: CRM_OK with *key the
 * caller's (crm__free()), or an error set on db. When value is not one of
 * the kind (CRM_EINVAL), *why (may be NULL) says why in a few words:
 * "not a phone number", "unreadable without a default country". */
int crm__identity_key(crm_db *db, const char *kind, const char *value, char **key,
                      const char **why);

#include "phone.h"

#endif
