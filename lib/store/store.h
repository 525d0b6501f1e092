/*
 * libcrm - the storage layer, as the concepts see it. A concept says what
 * it stores and reads: it names a statement (lib/store/queries.h), binds
 * values by type, steps, and reads columns by type; a list is a cursor
 * built on crm__cursor. Which engine runs a statement, and in which SQL,
 * is the engine's business (lib/store/sqlite/ for SQLite): nothing here
 * names it, and no file outside lib/store/ includes an engine's header
 * (tests/layers/check_layers.sh checks).
 */
#ifndef CRM_STORE_H
#define CRM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "crm.h"
#include "store/queries.h"

typedef struct crm__uuid crm__uuid;

/* ---- the engine's side of a handle ---------------------------------------- */

/* Open the file at path (or ":memory:") for db, whose flags, busy timeout
 * and actor are set: judged, checked, migrated and configured, or an
 * error set on db. */
int crm__store_open(crm_db *db, const char *path, const crm_open_options *o);
/* Let go of the engine's side of db (a transaction still open is rolled
 * back); refused: the file was refused, and is left as it was. */
void crm__store_close(crm_db *db, bool refused);
/* The schema version of db's file in *out: CRM_OK or an error set on db;
 * and the newest this libcrm knows. */
int crm__store_schema_version(crm_db *db, int *out);
int crm__store_schema_count(void);

/* ---- statements --------------------------------------------------------- */

/* A statement of the handle's: prepared once per handle and kept. */
typedef struct crm__st crm__st;

/* The statement of query q, ready for binding, in *out: CRM_OK, or an
 * error set on the handle. It is the caller's until crm__st_release(),
 * which CRM__ST() does when the variable goes out of scope: the statement
 * resets itself after each use, whatever path the function leaves by. */
int crm__st_get(crm_db *db, crm__query q, crm__st **out);
void crm__st_release(crm__st **st);
/* The same for a query whose SQL depends on which clauses it uses: shape
 * is its CRM__SHAPE_* bits (queries.h). */
int crm__st_get_shaped(crm_db *db, crm__query q, unsigned int shape, crm__st **out);
#define CRM__ST(name) crm__st *name __attribute__((cleanup(crm__st_release))) = NULL

/* Parameter i (from 1) of st. A cached statement uses a text or an id in
 * place until it is released, so the value must outlive that; a cursor's
 * statement copies it. A failure (a copy without memory) is kept and
 * reported by the next step. */
void crm__bind_text(crm__st *st, int i, const char *s); /* NULL: SQL NULL */
void crm__bind_int(crm__st *st, int i, int64_t v);
void crm__bind_id(crm__st *st, int i, const crm__uuid *id); /* NULL: SQL NULL */
void crm__bind_time(crm__st *st, int i, int64_t t);         /* CRM_TIME_NONE: SQL NULL */
void crm__bind_null(crm__st *st, int i);
/* A text of static storage that never changes (a string literal): the
 * statement keeps it bound from one use to the next, and binds it again
 * only when given another. */
void crm__bind_literal(crm__st *st, int i, const char *s); /* NULL: SQL NULL */

/* Step st: CRM_ROW, CRM_DONE, or an error set on the handle; `what` says
 * what was being done ("reading a customer"). */
int crm__st_step(crm__st *st, const char *what);
/* Step st, which gives no rows (or whose rows are not wanted), and reset
 * it: CRM_OK or an error. */
int crm__st_run(crm__st *st, const char *what);
/* Step st, an insert, and reset it: CRM_OK with *refused saying whether a
 * key refused the row (CRM__KEPT, CRM__REFUSED_UNIQUE: a unique or primary
 * key is taken; CRM__REFUSED_FOREIGN: a record it names is missing), or
 * another error. A refusal sets no message: the caller finds out why. */
enum { CRM__KEPT, CRM__REFUSED_UNIQUE, CRM__REFUSED_FOREIGN };
int crm__st_insert(crm__st *st, const char *what, int *refused);
/* The engine's words for a refusal, for a message that has no better. */
const char *crm__refusal_text(int refused);

/* Column c (from 0) of the row st is on. */
int64_t crm__col_int(crm__st *st, int c);
/* An integer that may be NULL: if_null for NULL. */
int64_t crm__col_int_or(crm__st *st, int c, int64_t if_null);
/* A time: NULL is CRM_TIME_NONE. */
int64_t crm__col_time(crm__st *st, int c);
bool crm__col_null(crm__st *st, int c);
/* A text, borrowed until st steps or is released; NULL for NULL, and for a
 * text the engine could not make for lack of memory (crm__col_null() tells
 * the two apart). Texts libcrm stores hold no NUL: strlen() is the length. */
const char *crm__col_text(crm__st *st, int c);
/* The id in column c: true, or false when it is not an id (NULL, or not
 * 16 bytes). The text form is "" when it is not one. */
bool crm__col_uuid(crm__uuid *out, crm__st *st, int c);
bool crm__col_id(char out[CRM_ID_LEN + 1], crm__st *st, int c);

/* Check out and the id text (named "<noun> id"), then step query q with
 * the id bound to ?1: CRM_ROW with *st on the row (released by the
 * caller's CRM__ST), or CRM_ENOTFOUND ("no <noun> has id ..."), or another
 * error. */
int crm__fetch_by_id(crm_db *db, const void *out, crm__query q, const char *noun, const char *id,
                     crm__st **st);

/* ---- write transactions ------------------------------------------------- */

/* Every write call is wrapped in begin/end, a transaction of its own or,
 * inside crm_begin(), a part of the group. Every call makes each of its
 * refusals (bad argument, missing record, conflict, wrong state) before
 * its first change, or in the statement that makes it, which the engine
 * undoes by itself; after its first change only a lack of memory or an
 * I/O error can fail it. So a refused call undoes only itself without a
 * savepoint, whose copies of every page a call touches cost a third of a
 * small write. A call that fails after a change makes crm__write_end()
 * roll the whole group back, as SQLite itself does after most such
 * failures, and the group's later calls answer CRM_ESTATE. A new call
 * must keep to this order. */
int crm__write_begin(crm_db *db);
int crm__write_end(crm_db *db, int rc);

/* Where this handle's writes stand, for a call that would know whether
 * anything changed since an earlier one. Inside a group (crm_begin(),
 * which holds the file's write lock to its end), two marks are the same
 * only when no row changed between them; a mark taken outside a group, or
 * in an earlier group, is the same as none. */
typedef struct crm__write_mark {
    uint64_t group; /* the group's number; 0 outside a group */
    int changes;    /* rows this handle had changed */
} crm__write_mark;
crm__write_mark crm__write_mark_now(crm_db *db);
bool crm__write_mark_holds(crm_db *db, crm__write_mark m);

/* ---- cursors ------------------------------------------------------------ */

/* What every cursor is built on: a statement (the cached one of its query
 * when it is free, else one of its own) and the handle's list of open
 * cursors, so crm_close() can refuse while some are open and a write can
 * find those in the middle of a walk.
 *
 * SQLite leaves it undefined whether a statement sees changes made through
 * its own connection while it is being stepped: a loop that created a
 * customer per customer listed never ended, and renegotiating promises
 * while listing them visited each 50 times and more. So before the first
 * change through the handle, each cursor in the middle of a walk copies
 * the rows it has yet to give (and the one it gave last) out of its
 * statement and goes on from the copy: a list gives the rows as they were
 * when it was opened (crm__cursor_bound() reads the first row, joining the
 * read of any statement the concept still holds on a row for its checks),
 * each at most once, and it ends. The copy
 * also ends the statement's read transaction, whose old snapshot would
 * otherwise make the write fail at once as busy. Rows are given
 * from the copy through a statement that selects bound values, so a
 * cursor builds its record from the copy with the same code (its build
 * function) as from the table. */
typedef struct crm__cursor crm__cursor;
/* Room in a cursor for the values its statement binds (crm__bind_*), which
 * must live as long as the walk: two ids and a short text fit, and what
 * does not fit is copied by the engine. */
#define CRM__CURSOR_ARGS 96
/* Make the cursor's record from the row c->st is on: CRM_OK, or an error
 * set on the handle. What the record lends must be the cursor's own (texts
 * through crm__cursor_texts()), never the statement's memory: the caller
 * may pass it to a write through the same handle, which steps the
 * statement to copy the rest of the walk before it reads its arguments. */
typedef int (*crm__cursor_build)(crm__cursor *c);
struct crm__copy;
struct crm__cursor {
    crm_db *db;
    crm__st *st;
    crm__cursor_build build;
    const char *what;     /* the work, for messages ("listing customers") */
    bool started;         /* a row has been read */
    bool primed;          /* the statement is on a row not given yet */
    bool done;
    int err;              /* the error that ended the walk, returned again if asked */
    char *errmsg;         /* and its message, or NULL */
    char *text;           /* the texts of the row given last (crm__cursor_texts) */
    size_t text_cap;
    bool text_inline;     /* text is the room allocated with the cursor */
    unsigned char args[CRM__CURSOR_ARGS]; /* copies of what its statement binds */
    size_t args_used;
    struct crm__copy *copy;   /* after a write: the rows still to give */
    crm__cursor *prev, *next; /* the handle's open cursors */
};
/* Allocate a cursor struct of `size` bytes whose first member is its
 * crm__cursor, over query q; `what` names the work in messages. *out is
 * the new struct, whose statement the caller binds and then hands to
 * crm__cursor_bound(). */
int crm__cursor_new(void **out, size_t size, crm_db *db, crm__query q, crm__cursor_build build,
                    const char *what);
/* The same over a list whose SQL depends on which clauses its filter uses:
 * shape is the query's CRM__SHAPE_* bits (queries.h). */
int crm__cursor_new_shaped(void **out, size_t size, crm_db *db, crm__query q, unsigned int shape,
                           crm__cursor_build build, const char *what);
/* End an opening by reading the first row: CRM_OK with *out = cur, or,
 * when a bind or the read failed, the cursor freed and the failure
 * reported. A statement the caller still holds on a row (a check of the
 * list's arguments) is released after this, so both read one snapshot. */
int crm__cursor_bound(void **out, void *cur, const char *what);
/* Open a cursor that is not a statement's (its rows come another way); its
 * fields are zero but for db and the handle's list, which this sets. */
void crm__cursor_attach(crm__cursor *c, crm_db *db);
/* The next row: checks the cursor and out arguments of the public `_next`
 * call `func`, then CRM_ROW (with the record built), CRM_DONE or a negative
 * code; after the end, the same again. */
int crm__cursor_next(crm__cursor *c, const void *out, const char *func);
/* The two ends of crm__cursor_next, for a cursor whose rows come another
 * way: _resume checks the arguments and gives CRM_OK to go on, or the end
 * reached before, again; _stop ends the walk with rc (CRM_DONE or an
 * error, whose message later calls repeat) and returns it. An opening
 * whose first row says the list has none (a row that only checks its
 * head, CRM__SHAPE_TIMELINE_HEAD) ends it with _stop too. */
int crm__cursor_resume(crm__cursor *c, const void *out, const char *func);
int crm__cursor_stop(crm__cursor *c, int rc);
/* Let go of the statement, the copy and the texts, and leave the list. */
void crm__cursor_fini(crm__cursor *c);
/* Finalise and free a cursor struct made as above (extra members first). */
void crm__cursor_free(void *cur);
/* Copy the texts of columns cols[0..n) (n <= 8) of c's row into the
 * cursor; out[i] is each copy, or NULL for a NULL column. CRM_OK or
 * CRM_ENOMEM with the message set ("out of memory <c->what>"). */
int crm__cursor_texts(crm__cursor *c, const int *cols, int n, const char **out);
/* Copy the rest of every cursor of db in the middle of a walk (see
 * above); crm__write_begin() and crm_begin() call it before each change. */
void crm__cursors_copy(crm_db *db);

/* ---- full-text search (search.c) ---------------------------------------- */

/* One term of a full-text query, as a person typed it: a word (len bytes
 * of UTF-8 at word, no NUL), whole or the start of words (prefix), and
 * whether it follows the term before it directly, as the next word of a
 * phrase ("late delivery"). A row matches when it holds every term. What
 * a word is, and how case and diacritics are compared, is the engine's. */
typedef struct crm__text_term {
    const char *word;
    size_t len;
    bool prefix;
    bool phrase;
} crm__text_term;
/* Bind parameter i of st to the engine's query for terms[0..n): every word
 * quoted as a word, so no text of the caller's is ever syntax. A failure
 * (no memory) is kept and reported by the next step, as a bind's. */
void crm__bind_text_query(crm__st *st, int i, const crm__text_term *terms, size_t n);
/* Roll back a transaction that a failed call left open because even its
 * rollback failed (no memory), before the next call reads or writes:
 * CRM_OK when there is none or once done, else the engine's error. The
 * handle's lock calls it as each call starts (lock.c). */
int crm__settle(crm_db *db);
/* Make the engine's full-text index ready to be read or changed: in a
 * group (crm_begin), bring it up to date with the group's changes, which
 * it otherwise takes in as it commits; after a change of it failed (see
 * engine.c), make the engine read it afresh. CRM_OK, or the engine's
 * error (no memory). Writes and crm_begin() call it themselves; a search
 * calls it before it reads. */
int crm__search_ready(crm_db *db);
/* A number that may have a fraction: a search's rank. */
double crm__col_double(crm__st *st, int c);

/* ---- erasure for good (store/sqlite/privacy.c) ---------------------------- */

/* In an erase's write, after its last change of what search reads: bring
 * the full-text index up to date with it, and, unless the engine has
 * overwritten the words it forgot as it forgot them, note that the index
 * must be rewritten (crm__search_rewrite). CRM_OK or the engine's error;
 * on failure the write must fail too. */
int crm__search_scrub(crm_db *db);
/* Outside a write transaction: rewrite the full-text index if an erase
 * left words in it, in steps that are writes of their own, until none is
 * left. CRM_OK (also when nothing was due), or the error of a step; the
 * steps before it stand, and a later call goes on. */
int crm__search_rewrite(crm_db *db);
/* Copy the log back into the file and empty it, so no older copy of a
 * page stays in it. Outside a write transaction only. CRM_OK; CRM_EBUSY
 * when a reader of an older snapshot keeps part of the log in use past a
 * short wait, which leaves every byte as it was; or the engine's error. */
int crm__store_purge(crm_db *db);

#endif
