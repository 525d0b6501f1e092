/*
 * libcrm - the SQLite engine of the storage layer: the handle's statements
 * (prepared once, kept, reset after each use), typed binds and columns,
 * the cursor base and its copies, write transactions, and the two hooks by
 * which libcrm waits for other connections (busy) and keeps the log short
 * (WAL).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"
#include "store/store.h"
#include "store/sqlite/sqlite.h"

/* ---- statements ----------------------------------------------------------- */

/* What the first HELD_PARAMS parameters of a statement hold, as its binds
 * left them. SQLite keeps a binding through every reset until it is
 * replaced or cleared, so binding the same integer, NULL or literal again
 * is skipped: a write binds many that are the same call after call (the
 * journal's keys, a NULL for what was not given), each a call into SQLite
 * that costs more than the look. Texts and ids are bound every time: the
 * same address may hold another value. HELD_UNKNOWN is 0, so a new
 * statement knows nothing. */
#define HELD_PARAMS 20
enum { HELD_UNKNOWN, HELD_NULL, HELD_INT, HELD_LITERAL };

/* A statement and what the cache and its user need to know of it. */
struct crm__st {
    sqlite3_stmt *stmt;
    crm_db *db;
    uint32_t key;       /* a shaped query's q | shape << 8; a text's hash */
    char *sql;          /* owned copy of the text, for statements keyed by it */
    bool busy;          /* held by a cursor, which copies what it binds */
    crm__cursor *holder; /* that cursor, whose room for arguments holds the copies */
    bool own;           /* a cursor's own, not the cache's: finalised with it */
    int bind_err;       /* the first bind that failed, until the next step */
    bool idle;          /* reset since its last step: a release has nothing to undo */
    unsigned char held[HELD_PARAMS]; /* HELD_*: what parameter i + 1 holds */
    int64_t held_value[HELD_PARAMS]; /* its integer, or its literal's address */
};

/* Every call takes its statement through here; the text a statement is
 * keyed by runs to a few hundred bytes: hash eight bytes a step (FNV-style
 * multiply and a fold); equal slots are still confirmed with strcmp. */
static uint32_t hash_sql(const char *sql)
{
    size_t n = strlen(sql), i = 0;
    uint64_t h = 0xcbf29ce484222325u ^ n, w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, sql + i, 8);
        h = (h ^ w) * 0x100000001b3u;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, sql + i, n - i);
    h = (h ^ w) * 0x100000001b3u;
    h ^= h >> 32;
    return (uint32_t)h;
}

static uint32_t hash_key(uint32_t key)
{
    uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15u;
    return (uint32_t)(h >> 32);
}

static int prepare(crm_db *db, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v3(db->store->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return crm__sqlite_error(db, rc, "preparing a statement");
    }
    return CRM_OK;
}

int crm__prepare(crm_db *db, const char *sql, sqlite3_stmt **out)
{
    return prepare(db, sql, out);
}

static crm__st *st_new(crm_db *db, const char *sql, bool keep_text)
{
    crm__st *st = crm__calloc(1, sizeof *st);
    char *copy = st && keep_text ? crm__strdup(sql) : NULL;
    if (!st || (keep_text && !copy)) {
        crm__free(st);
        crm__error(db, CRM_ENOMEM, "out of memory preparing a statement");
        return NULL;
    }
    if (prepare(db, sql, &st->stmt) != CRM_OK) {
        crm__free(copy);
        crm__free(st);
        return NULL;
    }
    st->db = db;
    st->sql = copy;
    return st;
}

static void st_free(crm__st *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->stmt);
    crm__free(st->sql);
    crm__free(st);
}

void crm__store_free_statements(crm_db *db)
{
    for (int q = 0; q < CRM__Q_COUNT; q++)
        st_free(db->store->queries[q]);
    for (size_t i = 0; i < db->store->capstmts; i++)
        st_free(db->store->stmts[i]);
    crm__free(db->store->stmts);
    db->store->stmts = NULL;
    db->store->capstmts = db->store->nstmts = 0;
}

/* The table of statements keyed by a shape or a text. A slot never moves,
 * so a cursor may hold one while the table grows. */
static int cache_grow(crm_db *db)
{
    size_t cap = db->store->capstmts ? db->store->capstmts * 2 : 64;
    crm__st **slots = crm__calloc(cap, sizeof *slots);
    if (!slots)
        return crm__error(db, CRM_ENOMEM, "out of memory growing the statement cache");
    for (size_t i = 0; i < db->store->capstmts; i++) {
        crm__st *s = db->store->stmts[i];
        if (!s)
            continue;
        size_t j = (s->sql ? s->key : hash_key(s->key)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    crm__free(db->store->stmts);
    db->store->stmts = slots;
    db->store->capstmts = cap;
    return CRM_OK;
}

/* The cached statement of text sql (keyed by it), or of a shaped query
 * (sql NULL: key is q | shape << 8, and the text is made only on a miss). */
static int cache_slot(crm_db *db, const char *sql, uint32_t key, crm__st **out)
{
    if (db->store->nstmts * 2 >= db->store->capstmts) {
        int rc = cache_grow(db);
        if (rc)
            return rc;
    }
    uint32_t h = sql ? hash_sql(sql) : hash_key(key);
    size_t j = h & (db->store->capstmts - 1);
    for (;; j = (j + 1) & (db->store->capstmts - 1)) {
        crm__st *s = db->store->stmts[j];
        if (!s)
            break;
        if (sql ? s->sql && s->key == h && strcmp(s->sql, sql) == 0 : !s->sql && s->key == key) {
            *out = s;
            return CRM_OK;
        }
    }
    crm__st *s;
    if (sql) {
        s = st_new(db, sql, true);
    } else {
        char text[CRM__SHAPED_SQL_MAX];
        int rc = crm__sqlite_shaped(text, sizeof text, (crm__query)(key & 0xff), key >> 8);
        if (rc)
            return crm__error(db, CRM_ERROR, "internal error: no SQL for query %u shape 0x%x",
                              key & 0xff, key >> 8);
        s = st_new(db, text, false);
    }
    if (!s)
        return crm_errcode(db);
    s->key = sql ? h : key;
    db->store->stmts[j] = s;
    db->store->nstmts++;
    *out = s;
    return CRM_OK;
}

int crm__st_get(crm_db *db, crm__query q, crm__st **out)
{
    *out = NULL;
    crm__st *s = db->store->queries[q];
    if (!s) {
        const char *sql = crm__sqlite_sql[q];
        if (!sql)
            return crm__error(db, CRM_ERROR, "internal error: query %d has no SQL", (int)q);
        s = st_new(db, sql, false);
        if (!s)
            return crm_errcode(db);
        db->store->queries[q] = s;
    }
    if (s->busy)
        return crm__error(db, CRM_ERROR, "internal error: statement %d in use by a cursor",
                          (int)q);
    *out = s;
    return CRM_OK;
}

int crm__st_get_shaped(crm_db *db, crm__query q, unsigned int shape, crm__st **out)
{
    *out = NULL;
    crm__st *s;
    int rc = cache_slot(db, NULL, (uint32_t)q | (uint32_t)shape << 8, &s);
    if (rc)
        return rc;
    if (s->busy)
        return crm__error(db, CRM_ERROR, "internal error: statement %d shape 0x%x in use by a "
                                         "cursor", (int)q, shape);
    *out = s;
    return CRM_OK;
}

void crm__st_release(crm__st **st)
{
    if (*st && !(*st)->busy) {
        if (!(*st)->idle)
            sqlite3_reset((*st)->stmt);
        (*st)->bind_err = SQLITE_OK;
    }
    *st = NULL;
}

static void bind_result(crm__st *st, int rc)
{
    if (rc != SQLITE_OK && st->bind_err == SQLITE_OK)
        st->bind_err = rc;
}

static void held_forget(crm__st *st)
{
    memset(st->held, HELD_UNKNOWN, sizeof st->held);
}

/* Whether parameter i holds (kind, v) already. */
static bool held(const crm__st *st, int i, int kind, int64_t v)
{
    return i >= 1 && i <= HELD_PARAMS && st->held[i - 1] == kind &&
           (kind == HELD_NULL || st->held_value[i - 1] == v);
}

/* Parameter i was bound, by a bind that returned rc, to (kind, v). */
static void hold(crm__st *st, int i, int rc, int kind, int64_t v)
{
    bind_result(st, rc);
    if (i >= 1 && i <= HELD_PARAMS) {
        st->held[i - 1] = (unsigned char)(rc == SQLITE_OK ? kind : HELD_UNKNOWN);
        st->held_value[i - 1] = v;
    }
}

static void bind_null(crm__st *st, int i)
{
    if (!held(st, i, HELD_NULL, 0))
        hold(st, i, sqlite3_bind_null(st->stmt, i), HELD_NULL, 0);
}

/* Where a cursor's statement may point at the n bytes at v for as long as
 * the cursor lives: a copy in the cursor's room for arguments, or NULL
 * when they do not fit there (SQLite copies them then, which costs an
 * allocation and ten times as much). */
static const void *kept(crm__st *st, const void *v, size_t n)
{
    crm__cursor *c = st->holder;
    if (!c || n > sizeof c->args - c->args_used)
        return NULL;
    unsigned char *p = c->args + c->args_used;
    memcpy(p, v, n);
    c->args_used += n;
    return p;
}

void crm__bind_text(crm__st *st, int i, const char *s)
{
    if (!s) {
        bind_null(st, i);
        return;
    }
    const void *copy = st->busy ? kept(st, s, strlen(s) + 1) : s;
    /* -1: SQLite finds the length and knows the text ends with a NUL. */
    hold(st, i, sqlite3_bind_text(st->stmt, i, copy ? copy : s, -1,
                                  copy ? SQLITE_STATIC : SQLITE_TRANSIENT),
         HELD_UNKNOWN, 0);
}

void crm__bind_literal(crm__st *st, int i, const char *s)
{
    if (!s)
        bind_null(st, i);
    else if (!held(st, i, HELD_LITERAL, (int64_t)(intptr_t)s))
        hold(st, i, sqlite3_bind_text(st->stmt, i, s, -1, SQLITE_STATIC), HELD_LITERAL,
             (int64_t)(intptr_t)s);
}

void crm__bind_int(crm__st *st, int i, int64_t v)
{
    if (!held(st, i, HELD_INT, v))
        hold(st, i, sqlite3_bind_int64(st->stmt, i, v), HELD_INT, v);
}

void crm__bind_id(crm__st *st, int i, const crm__uuid *id)
{
    if (!id) {
        bind_null(st, i);
        return;
    }
    const void *copy = st->busy ? kept(st, id->b, 16) : id->b;
    hold(st, i, sqlite3_bind_blob(st->stmt, i, copy ? copy : id->b, 16,
                                  copy ? SQLITE_STATIC : SQLITE_TRANSIENT),
         HELD_UNKNOWN, 0);
}

void crm__bind_time(crm__st *st, int i, int64_t t)
{
    if (t == CRM_TIME_NONE)
        bind_null(st, i);
    else
        crm__bind_int(st, i, t);
}

void crm__bind_null(crm__st *st, int i)
{
    bind_null(st, i);
}

static int step(crm_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc; /* equal to CRM_ROW and CRM_DONE */
    /* The error is reported by step in SQLite >= 3.7.15 (prepare_v3). */
    return crm__sqlite_error(db, rc, what);
}

/* A bind that failed is reported in place of the step. */
static int bind_failed(crm__st *st, const char *what)
{
    int src = st->bind_err;
    st->bind_err = SQLITE_OK;
    return crm__sqlite_error(st->db, src, what);
}

int crm__st_step(crm__st *st, const char *what)
{
    if (st->bind_err != SQLITE_OK)
        return bind_failed(st, what);
    st->idle = false;
    return step(st->db, st->stmt, what);
}

int crm__st_run(crm__st *st, const char *what)
{
    int rc = crm__st_step(st, what);
    sqlite3_reset(st->stmt);
    st->idle = true;
    return rc == CRM_DONE || rc == CRM_ROW ? CRM_OK : rc;
}

int crm__st_insert(crm__st *st, const char *what, int *refused)
{
    *refused = CRM__KEPT;
    if (st->bind_err != SQLITE_OK)
        return bind_failed(st, what);
    st->idle = false;
    int src = sqlite3_step(st->stmt);
    int rc = CRM_OK;
    /* A trigger's refusal is the schema's rule that no row names an
     * erased customer (schema/0011_privacy.sql): a missing customer too. */
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY || src == SQLITE_CONSTRAINT_TRIGGER)
        *refused = CRM__REFUSED_FOREIGN;
    else if (src == SQLITE_CONSTRAINT_PRIMARYKEY || src == SQLITE_CONSTRAINT_UNIQUE)
        *refused = CRM__REFUSED_UNIQUE;
    else if (src != SQLITE_DONE)
        rc = crm__sqlite_error(st->db, src, what);
    sqlite3_reset(st->stmt);
    st->idle = true;
    return rc;
}

const char *crm__refusal_text(int refused)
{
    return sqlite3_errstr(refused == CRM__REFUSED_FOREIGN ? SQLITE_CONSTRAINT_FOREIGNKEY
                                                          : SQLITE_CONSTRAINT_PRIMARYKEY);
}

/* A column's value, read through the sqlite3_value of it: sqlite3_column_*
 * pays SQLite's checks of the statement and its result once per call, so
 * a value that takes two calls (a type and a value, a blob and its size)
 * costs half as much this way. The value is SQLite's unprotected kind,
 * which is safe because a handle is used by one thread at a time. */
static sqlite3_value *col_value(crm__st *st, int c)
{
    return sqlite3_column_value(st->stmt, c);
}

int64_t crm__col_int(crm__st *st, int c)
{
    return sqlite3_column_int64(st->stmt, c);
}

int64_t crm__col_int_or(crm__st *st, int c, int64_t if_null)
{
    sqlite3_value *v = col_value(st, c);
    return sqlite3_value_type(v) == SQLITE_NULL ? if_null : sqlite3_value_int64(v);
}

int64_t crm__col_time(crm__st *st, int c)
{
    return crm__col_int_or(st, c, CRM_TIME_NONE);
}

bool crm__col_null(crm__st *st, int c)
{
    return sqlite3_column_type(st->stmt, c) == SQLITE_NULL;
}

const char *crm__col_text(crm__st *st, int c)
{
    return (const char *)sqlite3_column_text(st->stmt, c);
}

/* The 16 bytes of the id in column c, or NULL when it holds no id. */
static const unsigned char *col_id(crm__st *st, int c)
{
    sqlite3_value *v = col_value(st, c);
    const unsigned char *b = sqlite3_value_blob(v);
    return b && sqlite3_value_bytes(v) == 16 ? b : NULL;
}

bool crm__col_uuid(crm__uuid *out, crm__st *st, int c)
{
    const unsigned char *b = col_id(st, c);
    if (!b)
        return false;
    memcpy(out->b, b, 16);
    return true;
}

bool crm__col_id(char out[CRM_ID_LEN + 1], crm__st *st, int c)
{
    const unsigned char *b = col_id(st, c);
    if (!b) {
        out[0] = '\0';
        return false;
    }
    crm__uuid_format(out, b);
    return true;
}

int crm__fetch_by_id(crm_db *db, const void *out, crm__query q, const char *noun, const char *id,
                     crm__st **st)
{
    char field[48];
    crm__uuid uid;
    snprintf(field, sizeof field, "%s id", noun);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, field, id, &uid);
    if (rc == CRM_OK)
        rc = crm__st_get(db, q, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, &uid);
    char what[64];
    snprintf(what, sizeof what, "reading the %s", noun);
    rc = crm__st_step(*st, what);
    if (rc == CRM_DONE) {
        char canon[CRM_ID_LEN + 1];
        crm__uuid_format(canon, uid.b);
        rc = crm__error(db, CRM_ENOTFOUND, "no %s has id %s", noun, canon);
    }
    return rc;
}

/* ---- statements by their text, for opening a file (open.c) -------------- */

int crm__stmt(crm_db *db, const char *sql, sqlite3_stmt **out)
{
    *out = NULL;
    crm__st *slot;
    int rc = cache_slot(db, sql, 0, &slot);
    if (rc)
        return rc;
    if (slot->busy)
        return crm__error(db, CRM_ERROR, "internal error: statement in use by a cursor: %s", sql);
    sqlite3_reset(slot->stmt);
    held_forget(slot); /* its caller binds it by itself */
    slot->idle = false; /* and steps it: a release must reset it */
    *out = slot->stmt;
    return CRM_OK;
}

int crm__sqlite_step(crm_db *db, sqlite3_stmt *st, const char *what)
{
    return step(db, st, what);
}

int crm__sqlite_exec(crm_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = step(db, st, what);
    sqlite3_reset(st);
    return rc == CRM_DONE || rc == CRM_ROW ? CRM_OK : rc;
}

/* ---- cursors -------------------------------------------------------------- */

void crm__cursor_attach(crm__cursor *c, crm_db *db)
{
    c->db = db;
    c->prev = NULL;
    c->next = db->cursor_list;
    if (c->next)
        c->next->prev = c;
    db->cursor_list = c;
    db->cursors++;
}

/* Take slot for the zeroed cursor c, or a statement of the same text of
 * the cursor's own when a cursor already holds it. A statement back in the
 * cache is reset (crm__st_release(), cursor_let_go()); the binds a caller
 * left in it are cleared, so none points into memory that is gone. */
static int cursor_take(crm__cursor *c, crm_db *db, crm__st *slot, crm__cursor_build build,
                       const char *what)
{
    c->build = build;
    c->what = what;
    if (slot->busy) {
        crm__st *own = st_new(db, sqlite3_sql(slot->stmt), false);
        if (!own)
            return crm_errcode(db);
        own->own = true;
        own->busy = true;
        own->holder = c;
        c->st = own;
    } else {
        slot->busy = true;
        slot->holder = c;
        sqlite3_clear_bindings(slot->stmt);
        held_forget(slot);
        slot->bind_err = SQLITE_OK;
        c->st = slot;
    }
    crm__cursor_attach(c, db);
    return CRM_OK;
}

/* The room for texts a cursor starts with, in its own allocation: the
 * texts of most rows fit, and a short list (a thread of one, the holders
 * of a number) allocates nothing more. */
#define CURSOR_TEXT_ROOM 256

static int cursor_alloc(void **out, size_t size, crm_db *db, crm__st *slot,
                        crm__cursor_build build, const char *what)
{
    crm__cursor *c = crm__calloc(1, size + CURSOR_TEXT_ROOM);
    if (!c)
        return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
    c->text = (char *)c + size;
    c->text_cap = CURSOR_TEXT_ROOM;
    c->text_inline = true;
    int rc = cursor_take(c, db, slot, build, what);
    if (rc) {
        crm__free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

int crm__cursor_new(void **out, size_t size, crm_db *db, crm__query q, crm__cursor_build build,
                    const char *what)
{
    crm__st *slot = db->store->queries[q];
    if (!slot) {
        int rc = crm__st_get(db, q, &slot);
        if (rc)
            return rc;
    }
    return cursor_alloc(out, size, db, slot, build, what);
}

int crm__cursor_new_shaped(void **out, size_t size, crm_db *db, crm__query q, unsigned int shape,
                           crm__cursor_build build, const char *what)
{
    crm__st *slot;
    int rc = cache_slot(db, NULL, (uint32_t)q | (uint32_t)shape << 8, &slot);
    if (rc)
        return rc;
    return cursor_alloc(out, size, db, slot, build, what);
}

static void cursor_end(crm__cursor *c, int rc);

int crm__cursor_bound(void **out, void *cur, const char *what)
{
    crm__cursor *c = cur;
    crm_db *db = c->db;
    /* The first row is read now, so the walk's snapshot is the one the
     * caller's checks read in (a statement of theirs still on a row keeps
     * its read transaction open for this one to join), and an open costs
     * one read transaction, not two. */
    int rc = crm__st_step(c->st, what);
    if (rc == CRM_ROW || rc == CRM_DONE) {
        c->started = true;
        c->primed = rc == CRM_ROW;
        if (rc == CRM_DONE)
            cursor_end(c, CRM_DONE);
        *out = cur;
        return CRM_OK;
    }
    crm__cursor_free(cur);
    return rc < 0 ? rc : crm__error(db, CRM_ERROR, "%s: an unexpected step result", what);
}

void crm__cursor_free(void *cur)
{
    if (!cur)
        return;
    crm__cursor_fini(cur);
    crm__free(cur);
}

/* Let go of the cursor's statement: back to the cache, or finalised. */
static void cursor_let_go(crm__cursor *c)
{
    if (!c->st)
        return;
    if (c->st->own) {
        st_free(c->st);
    } else {
        if (!c->done) /* else cursor_end() reset it */
            sqlite3_reset(c->st->stmt);
        /* Its values may be copies in the cursor, which is going. */
        if (c->args_used) {
            sqlite3_clear_bindings(c->st->stmt);
            held_forget(c->st);
        }
        c->st->bind_err = SQLITE_OK;
        c->st->busy = false;
        c->st->holder = NULL;
    }
    c->st = NULL;
}

/* ---- copies of the rest of a walk (see crm__cursor in store.h) ---------- */

/* The rows a cursor has yet to give, as typed values: a type byte, then 8
 * bytes of an integer or a float, or a 4-byte length and the bytes of a
 * text or a blob. */
struct crm__copy {
    unsigned char *buf;
    size_t len, cap, pos;
    int ncols;
};
enum { COPY_INT = 1, COPY_FLOAT, COPY_TEXT, COPY_BLOB, COPY_NULL };

static bool copy_room(struct crm__copy *cp, size_t n)
{
    if (cp->len + n <= cp->cap)
        return true;
    size_t cap = cp->cap ? cp->cap : 4096;
    while (cap < cp->len + n)
        cap *= 2;
    unsigned char *b = crm__realloc(cp->buf, cap);
    if (!b)
        return false;
    cp->buf = b;
    cp->cap = cap;
    return true;
}

static bool copy_row(struct crm__copy *cp, sqlite3_stmt *st)
{
    for (int i = 0; i < cp->ncols; i++) {
        int type = sqlite3_column_type(st, i);
        if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
            if (!copy_room(cp, 9))
                return false;
            cp->buf[cp->len] = type == SQLITE_INTEGER ? COPY_INT : COPY_FLOAT;
            if (type == SQLITE_INTEGER) {
                int64_t v = sqlite3_column_int64(st, i);
                memcpy(cp->buf + cp->len + 1, &v, 8);
            } else {
                double v = sqlite3_column_double(st, i);
                memcpy(cp->buf + cp->len + 1, &v, 8);
            }
            cp->len += 9;
        } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
            const void *v = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, i)
                                                : sqlite3_column_blob(st, i);
            uint32_t n = (uint32_t)sqlite3_column_bytes(st, i);
            if ((!v && n) || (type == SQLITE_TEXT && !v) || !copy_room(cp, 5 + (size_t)n))
                return false;
            cp->buf[cp->len] = type == SQLITE_TEXT ? COPY_TEXT : COPY_BLOB;
            memcpy(cp->buf + cp->len + 1, &n, 4);
            if (n)
                memcpy(cp->buf + cp->len + 5, v, n);
            cp->len += 5 + (size_t)n;
        } else {
            if (!copy_room(cp, 1))
                return false;
            cp->buf[cp->len++] = COPY_NULL;
        }
    }
    return true;
}

/* Bind the copy's next row to the replaying statement and step it onto it. */
static int copy_step(crm__cursor *c)
{
    struct crm__copy *cp = c->copy;
    if (cp->pos >= cp->len)
        return CRM_DONE;
    sqlite3_stmt *st = c->st->stmt;
    sqlite3_reset(st);
    for (int i = 1; i <= cp->ncols; i++) {
        const unsigned char *p = cp->buf + cp->pos;
        int64_t iv;
        double dv;
        uint32_t n;
        switch (p[0]) {
        case COPY_INT:
            memcpy(&iv, p + 1, 8);
            sqlite3_bind_int64(st, i, iv);
            cp->pos += 9;
            break;
        case COPY_FLOAT:
            memcpy(&dv, p + 1, 8);
            sqlite3_bind_double(st, i, dv);
            cp->pos += 9;
            break;
        case COPY_TEXT:
        case COPY_BLOB:
            memcpy(&n, p + 1, 4);
            /* Static: the copy stays put until the cursor is freed. */
            if (p[0] == COPY_TEXT)
                sqlite3_bind_text(st, i, (const char *)p + 5, (int)n, SQLITE_STATIC);
            else
                sqlite3_bind_blob(st, i, p + 5, (int)n, SQLITE_STATIC);
            cp->pos += 5 + (size_t)n;
            break;
        default:
            sqlite3_bind_null(st, i);
            cp->pos += 1;
            break;
        }
    }
    return step(c->db, st, c->what);
}

/* "SELECT ?1, ?2, ..., ?n", a statement of the cursor's own. */
static crm__st *replay_statement(crm_db *db, int n)
{
    char *sql = crm__malloc(16 + (size_t)n * 9);
    if (!sql) {
        crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
        return NULL;
    }
    size_t o = (size_t)sprintf(sql, "SELECT ");
    for (int i = 1; i <= n; i++)
        o += (size_t)sprintf(sql + o, "%s?%d", i > 1 ? ", " : "", i);
    crm__st *st = st_new(db, sql, false);
    crm__free(sql);
    if (st)
        st->own = st->busy = true;
    return st;
}

/* The walk ends with rc (CRM_DONE or an error, whose message is kept for
 * the cursor's later calls: the handle's is the next call's). */
static void cursor_end(crm__cursor *c, int rc)
{
    c->done = true;
    c->err = rc == CRM_DONE ? 0 : rc;
    if (c->st)
        sqlite3_reset(c->st->stmt); /* end the read transaction now, not at free */
    if (rc < 0) {
        crm__free(c->errmsg);
        c->errmsg = crm__strdup(c->db->err->msg); /* NULL: the code's name will do */
    }
}

int crm__cursor_stop(crm__cursor *c, int rc)
{
    cursor_end(c, rc);
    if (rc < 0)
        crm__cursor_error(c->db);
    return rc;
}

/* Move c from its statement to a copy of the rows it has yet to give. The
 * record it lent last is its own (see crm__cursor_build) and stays as it
 * is. A failure ends the walk with that error, which the cursor's next
 * call reports; the write that asked for the copy goes ahead. */
static void cursor_copy(crm__cursor *c)
{
    crm_db *db = c->db;
    /* The copy's errors are the cursor's, not the call's: the call's result
     * is put back after. Only the result: the slot's links and stamp are
     * the mutex's, and a waiting thread may add a slot meanwhile. */
    int saved_code = db->err->code;
    char saved_conflict[sizeof db->err->conflict_id], saved_msg[sizeof db->err->msg];
    memcpy(saved_conflict, db->err->conflict_id, sizeof saved_conflict);
    memcpy(saved_msg, db->err->msg, sizeof saved_msg);
    struct crm__copy *cp = crm__calloc(1, sizeof *cp);
    crm__st *replay = NULL;
    int rc = cp ? CRM_OK : crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    if (rc == CRM_OK) {
        cp->ncols = sqlite3_column_count(c->st->stmt);
        replay = replay_statement(db, cp->ncols);
        if (!replay)
            rc = crm_errcode(db);
    }
    /* The row read ahead (see crm__cursor_bound) is still to give. */
    if (rc == CRM_OK && c->primed && !copy_row(cp, c->st->stmt))
        rc = crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    c->primed = false;
    while (rc == CRM_OK) {
        int s = step(db, c->st->stmt, c->what);
        if (s == CRM_DONE)
            break; /* every row copied */
        if (s != CRM_ROW)
            rc = s;
        else if (!copy_row(cp, c->st->stmt))
            rc = crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    }
    /* The table's statement is done with either way: its read ends here. */
    cursor_let_go(c);
    c->st = replay;
    if (rc == CRM_OK) {
        c->copy = cp;
    } else {
        if (cp)
            crm__free(cp->buf);
        crm__free(cp);
        cursor_end(c, rc);
    }
    db->err->code = saved_code;
    memcpy(db->err->conflict_id, saved_conflict, sizeof saved_conflict);
    memcpy(db->err->msg, saved_msg, sizeof saved_msg);
}

/* Room in c's texts for `need` bytes from the start, of which `used` are
 * taken by the copies out[0..n), which move with them; false when there is
 * no memory. Out of line: a walk grows its texts a few times at most. */
__attribute__((noinline)) static bool texts_grow(crm__cursor *c, size_t used, size_t need,
                                                 const char **out, int n)
{
    size_t cap = c->text_cap ? 2 * c->text_cap : CURSOR_TEXT_ROOM, at[8];
    if (cap < need)
        cap = need;
    for (int k = 0; k < n; k++)
        at[k] = out[k] ? (size_t)(out[k] - c->text) : SIZE_MAX;
    char *t = c->text_inline ? crm__malloc(cap) : crm__realloc(c->text, cap);
    if (!t)
        return false;
    if (c->text_inline)
        memcpy(t, c->text, used);
    c->text_inline = false;
    for (int k = 0; k < n; k++)
        out[k] = at[k] == SIZE_MAX ? NULL : t + at[k];
    c->text = t;
    c->text_cap = cap;
    return true;
}

int crm__cursor_texts(crm__cursor *c, const int *cols, int n, const char **out)
{
    /* One pass: each text is copied as it is read, with the NUL SQLite
     * ends it with. */
    char *p = c->text, *end = p + c->text_cap;
    for (int i = 0; i < n; i++) {
        sqlite3_value *v = col_value(c->st, cols[i]);
        const char *s = (const char *)sqlite3_value_text(v);
        if (!s) {
            /* NULL, or a conversion that failed for lack of memory. */
            if (sqlite3_value_type(v) != SQLITE_NULL)
                return crm__error(c->db, CRM_ENOMEM, "out of memory %s", c->what);
            out[i] = NULL;
            continue;
        }
        size_t len = (size_t)sqlite3_value_bytes(v) + 1;
        if (len > (size_t)(end - p)) {
            size_t used = (size_t)(p - c->text);
            if (!texts_grow(c, used, used + len, out, i))
                return crm__error(c->db, CRM_ENOMEM, "out of memory %s", c->what);
            p = c->text + used;
            end = c->text + c->text_cap;
        }
        out[i] = memcpy(p, s, len);
        p += len;
    }
    return CRM_OK;
}

void crm__cursors_copy(crm_db *db)
{
    for (crm__cursor *c = db->cursor_list; c; c = c->next)
        if (c->st && c->started && !c->done && !c->copy)
            cursor_copy(c);
}

int crm__cursor_resume(crm__cursor *c, const void *out, const char *func)
{
    if (!c)
        return crm__null_arg(func, "the cursor");
    if (!out)
        return crm__error(c->db, CRM_EINVAL, "%s: the output argument is NULL", func);
    crm__clear_error(c->db);
    if (!c->done)
        return CRM_OK;
    if (!c->err)
        return CRM_DONE;
    crm__error(c->db, c->err, "%s", c->errmsg ? c->errmsg : crm_strerror(c->err));
    crm__cursor_error(c->db);
    return c->err;
}

int crm__cursor_next(crm__cursor *c, const void *out, const char *func)
{
    /* Once a row: what _resume checks, with its common case first. A
     * cursor's binds were all made before crm__cursor_bound() stepped it,
     * which reported any that failed. */
    if (!c || !out || c->done)
        return crm__cursor_resume(c, out, func);
    crm__clear_error(c->db);
    int rc;
    if (c->primed) {
        c->primed = false;
        rc = CRM_ROW;
    } else {
        rc = c->copy ? copy_step(c) : step(c->db, c->st->stmt, c->what);
    }
    if (rc == CRM_ROW)
        rc = c->build(c);
    if (rc == CRM_OK)
        return CRM_ROW;
    return crm__cursor_stop(c, rc);
}

void crm__cursor_fini(crm__cursor *c)
{
    crm_db *db = c->db;
    if (!db)
        return;
    cursor_let_go(c);
    if (c->copy) {
        crm__free(c->copy->buf);
        crm__free(c->copy);
        c->copy = NULL;
    }
    crm__free(c->errmsg);
    c->errmsg = NULL;
    if (!c->text_inline)
        crm__free(c->text);
    c->text = NULL;
    c->text_cap = 0;
    if (c->prev)
        c->prev->next = c->next;
    else
        db->cursor_list = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->db = NULL;
    db->cursors--;
}

/* ---- transactions --------------------------------------------------------- */

/* BEGIN, COMMIT and ROLLBACK are prepared once, beside the cache of
 * queries, and rolling back never needs an allocation of ours: a failed
 * allocation must not leave a transaction open. */
static int exec_stmt(crm_db *db, crm__query q, const char *what)
{
    CRM__ST(st);
    int rc = crm__st_get(db, q, &st);
    return rc ? rc : crm__st_run(st, what);
}

/* Undo without disturbing the error already reported. sqlite3_exec, not
 * the statement cache: undoing must not depend on an allocation of ours
 * succeeding, or a failed allocation could leave a transaction open. */
static void quiet_rollback(crm_db *db)
{
    sqlite3_exec(db->store->sql, "ROLLBACK", NULL, NULL, NULL);
}

static int check_writable(crm_db *db)
{
    if (db->flags & CRM_OPEN_READONLY)
        return crm__error(db, CRM_EREADONLY,
                          "database '%s' was opened read-only; open it without "
                          "CRM_OPEN_READONLY to change it",
                          db->path);
    return CRM_OK;
}

/* SQLite rolls a whole transaction back by itself after some failures
 * (I/O error, disk full, out of memory), and crm__write_end() does after a
 * call it could not undo alone. A group whose transaction is gone must not
 * go on: its later calls would commit one by one. */
static int check_group_alive(crm_db *db)
{
    if (db->txn_open && (db->group_lost || sqlite3_get_autocommit(db->store->sql)))
        return crm__error(db, CRM_ESTATE,
                          "the transaction opened with crm_begin() was rolled back after an "
                          "earlier failure; call crm_rollback() and start again");
    return CRM_OK;
}

int crm__write_begin(crm_db *db)
{
    int rc = check_writable(db);
    if (rc == CRM_OK)
        rc = check_group_alive(db);
    /* The write's time, read before anything changes (see crm__clock_read). */
    if (rc == CRM_OK)
        rc = crm__clock_read(db);
    if (rc)
        return rc;
    if (db->cursor_list)
        crm__cursors_copy(db);
    if (db->txn_open) {
        db->store->call_changes = sqlite3_total_changes(db->store->sql);
        return CRM_OK;
    }
    rc = crm__search_ready(db);
    return rc ? rc : exec_stmt(db, CRM__Q_BEGIN, "starting a write transaction");
}

static int search_sync(crm_db *db);
static void search_reset(crm_db *db);

int crm__write_end(crm_db *db, int rc)
{
    /* A group (crm_begin) brings the index up to date once, as it commits
     * or before a search in it reads (crm__search_ready). */
    if (rc == CRM_OK && db->store->search_due && !db->txn_open)
        rc = search_sync(db);
    if (db->txn_open) {
        /* A failed statement changed nothing (SQLite undid it, or rolled
         * back the whole transaction); a change the call made before it
         * cannot be undone alone, so the group goes with it. */
        if (rc != CRM_OK && sqlite3_total_changes(db->store->sql) != db->store->call_changes) {
            db->group_lost = true; /* even if the ROLLBACK cannot run now */
            if (!sqlite3_get_autocommit(db->store->sql))
                quiet_rollback(db);
            search_reset(db);
        }
        return rc;
    }
    if (rc == CRM_OK) {
        rc = exec_stmt(db, CRM__Q_COMMIT, "committing");
        if (rc == CRM_OK) {
            db->store->search_synced = false;
            return CRM_OK;
        }
    }
    if (!sqlite3_get_autocommit(db->store->sql))
        quiet_rollback(db);
    search_reset(db);
    return rc;
}

int crm_begin(crm_db *db)
{
    CRM__ENTER(db);
    int rc = check_writable(db);
    if (rc)
        return rc;
    if (db->txn_open)
        return crm__error(db, CRM_ESTATE,
                          "a transaction is already open on this handle; commit or roll it back "
                          "first (transactions do not nest)");
    if (db->cursor_list)
        crm__cursors_copy(db);
    rc = crm__search_ready(db);
    if (rc == CRM_OK)
        rc = exec_stmt(db, CRM__Q_BEGIN, "starting a transaction");
    if (rc == CRM_OK) {
        db->txn_open = true;
        db->store->groups++;
    }
    return rc;
}

crm__write_mark crm__write_mark_now(crm_db *db)
{
    crm__write_mark m = { 0, sqlite3_total_changes(db->store->sql) };
    if (db->txn_open && !db->group_lost && !sqlite3_get_autocommit(db->store->sql))
        m.group = db->store->groups;
    return m;
}

bool crm__write_mark_holds(crm_db *db, crm__write_mark m)
{
    crm__write_mark now = crm__write_mark_now(db);
    return m.group != 0 && m.group == now.group && m.changes == now.changes;
}

/* The group is over: what its calls kept in the handle stays if it
 * committed, and is put back if not. */
static void group_over(crm_db *db, bool committed)
{
    void (*undo)(crm_db *) = db->group_undo;
    db->group_undo = NULL;
    if (undo && !committed)
        undo(db);
}

int crm_commit(crm_db *db)
{
    CRM__ENTER(db);
    if (!db->txn_open)
        return crm__error(db, CRM_ESTATE, "no transaction is open: crm_commit() without crm_begin()");
    int rc = check_group_alive(db);
    if (rc)
        return rc;
    /* An update of the index that failed part-way cannot be undone alone
     * (nor made again: FTS5 would forget words twice), so the group is
     * rolled back and over, as when SQLite rolls it back itself. */
    if (db->store->search_due && (rc = search_sync(db)) != CRM_OK &&
        !sqlite3_get_autocommit(db->store->sql))
        quiet_rollback(db);
    if (rc == CRM_OK)
        rc = exec_stmt(db, CRM__Q_COMMIT, "committing");
    if (rc == CRM_OK || sqlite3_get_autocommit(db->store->sql)) {
        db->txn_open = false;
        group_over(db, rc == CRM_OK);
    }
    if (rc == CRM_OK)
        db->store->search_synced = false;
    else if (sqlite3_get_autocommit(db->store->sql))
        search_reset(db);
    return rc;
}

int crm_rollback(crm_db *db)
{
    CRM__ENTER(db);
    if (!db->txn_open)
        return crm__error(db, CRM_ESTATE,
                          "no transaction is open: crm_rollback() without crm_begin()");
    db->txn_open = false;
    db->group_lost = false;
    group_over(db, false);
    if (sqlite3_get_autocommit(db->store->sql)) {
        search_reset(db);
        return CRM_OK; /* rolled back already (e.g. by SQLite after an I/O error) */
    }
    int rc = exec_stmt(db, CRM__Q_ROLLBACK, "rolling back");
    /* The group may have ended in a failed commit, whose FTS5 writes the
     * rollback undoes in the file only. */
    search_reset(db);
    return rc;
}

int crm_in_transaction(const crm_db *db)
{
    return db && crm__holds_group(db);
}

/* ---- waiting for other connections, and the log -------------------------- */

/* How a call waits for a lock another connection holds: it tries again
 * every millisecond, and gives up (SQLITE_BUSY, so CRM_EBUSY) once no
 * other connection has committed anything for the whole busy timeout, that
 * is, once one transaction has held the lock all that time. Each try of a
 * write starts a read transaction, which takes in the commits made
 * meanwhile and moves the handle's data version on; a new version means
 * the lock changed hands, and the wait starts over.
 * SQLite's own timeout handler backs off to 100 ms between tries and counts
 * the whole wait: among a few writers of short transactions, a writer that
 * sleeps that long keeps missing the moment between one commit and the
 * next begin, and failed with CRM_EBUSY while the lock was never held for
 * long (tests/reliability/test_concurrent.c). */
static int busy_wait(void *arg, int count)
{
    crm_db *db = arg;
    int64_t now = crm_now();
    unsigned int version = 0;
    sqlite3_file_control(db->store->sql, "main", SQLITE_FCNTL_DATA_VERSION, &version);
    if (count == 0 || version != db->store->busy_version) {
        db->store->busy_since = now;
        db->store->busy_version = version;
    }
    int limit = db->busy_timeout_ms;
    if (db->store->checkpointing && limit > CRM__RESTART_WAIT_MS)
        limit = CRM__RESTART_WAIT_MS;
    if (now - db->store->busy_since >= limit)
        return 0;
    sqlite3_sleep(1);
    return 1;
}

/* After each commit. SQLite's own hook copies the log back into the
 * database once it holds 1000 pages (a PASSIVE checkpoint: as far as no
 * reader still needs), and the log starts again from its beginning when a
 * writer finds it all copied and no reader in it. While readers take turns
 * so that one is always reading, that never happens, and the log grew to
 * 60 times the database (tests/c/test_wal.c, test_concurrent's threads).
 * So past CRM__RESTART_FRAMES the committing handle waits, briefly, for the
 * readers of older snapshots to finish and truncates the log (the wait
 * holds other writers back); if they do not finish in time it tries again
 * an eighth of CRM__RESTART_FRAMES later. The commit has happened: nothing
 * here may fail it. */
static int wal_hook(void *arg, sqlite3 *sql, const char *schema, int frames)
{
    crm_db *db = arg;
    if (frames < CRM__CHECKPOINT_FRAMES)
        return SQLITE_OK;
    if (frames < db->store->wal_restart_at) {
        sqlite3_wal_checkpoint_v2(sql, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    db->store->checkpointing = true;
    int rc = sqlite3_wal_checkpoint_v2(sql, schema, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    db->store->checkpointing = false;
    db->store->wal_restart_at = rc == SQLITE_OK ? CRM__RESTART_FRAMES : frames + CRM__RESTART_FRAMES / 8;
    return SQLITE_OK;
}

static void update_hook(void *arg, int op, const char *schema, const char *table,
                        sqlite3_int64 rowid);

void crm__sqlite_hooks(crm_db *db)
{
    sqlite3_busy_handler(db->store->sql, busy_wait, db);
    if (!(db->flags & CRM_OPEN_READONLY)) {
        sqlite3_wal_hook(db->store->sql, wal_hook, db);
        sqlite3_update_hook(db->store->sql, update_hook, db);
    }
}

/* ---- search: keeping the full-text index in step -------------------------- */

/* The triggers of the schema note in search_pending each row search reads
 * that a statement added or removed, but cannot change the index: under
 * trusted_schema = OFF SQLite refuses a virtual table inside a trigger
 * (schema/0008_search.sql). So the handle watches for a note (SQLite calls
 * this for every row a statement or its triggers change in a table with a
 * rowid) and, at the end of the write call, before its commit, applies the
 * notes to the index: index and rows change in one transaction, and a call
 * that changed nothing search reads pays nothing. A note of a statement
 * that failed and was undone leaves the mark set; the sync then finds no
 * note and costs three empty statements once. */
static void update_hook(void *arg, int op, const char *schema, const char *table,
                        sqlite3_int64 rowid)
{
    (void)op;
    (void)schema;
    (void)rowid;
    crm_db *db = arg;
    if (table[0] == 's' && strcmp(table, "search_pending") == 0)
        db->store->search_due = true;
}

static int search_sync(crm_db *db)
{
    db->store->search_synced = true;
    int rc = exec_stmt(db, CRM__Q_SEARCH_SYNC_GONE, "updating the search index");
    if (rc == CRM_OK)
        rc = exec_stmt(db, CRM__Q_SEARCH_SYNC_ADDED, "updating the search index");
    if (rc == CRM_OK)
        rc = exec_stmt(db, CRM__Q_SEARCH_SYNC_CLEAR, "updating the search index");
    if (rc == CRM_OK)
        db->store->search_due = false;
    return rc;
}

/* FTS5 keeps the words a transaction adds or removes in memory until it
 * commits, and forgets them when SQLite tells it the transaction rolled
 * back. SQLite does not always tell it: when a statement FTS5 runs for
 * itself (reading a block of its index) runs out of memory, SQLite rolls
 * the whole transaction back from inside that statement, and FTS5, which
 * is in the middle of an update, keeps words of the failed transaction
 * and writes them with the next one: a later change of the index then
 * fails as corrupt, though the file was whole (SQLite 3.40). So once a
 * transaction that changed the index has failed or been rolled back, a
 * transaction that only opens the index for writing is rolled back, which
 * makes FTS5 drop what it holds and read its index afresh. It costs three
 * short statements; the index is not read. If it cannot run (no memory),
 * the mark stays and the next write or search runs it first. */
static const char SEARCH_FORGET[] = "DELETE FROM search WHERE rowid = 0";

static void search_reset(crm_db *db)
{
    sqlite3 *sql = db->store->sql;
    if (!db->store->search_synced || !sqlite3_get_autocommit(sql))
        return;
    int rc = sqlite3_exec(sql, "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(sql, SEARCH_FORGET, NULL, NULL, NULL);
    if (!sqlite3_get_autocommit(sql) &&
        sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        rc = SQLITE_ERROR;
    if (rc == SQLITE_OK)
        db->store->search_synced = false;
}

int crm__settle(crm_db *db)
{
    if (db->txn_open || !db->store || !db->store->sql || sqlite3_get_autocommit(db->store->sql))
        return CRM_OK;
    sqlite3 *sql = db->store->sql;
    int rc = sqlite3_exec(sql, "ROLLBACK", NULL, NULL, NULL);
    if (!sqlite3_get_autocommit(sql))
        return crm__sqlite_error(db, rc == SQLITE_OK ? SQLITE_NOMEM : rc,
                                 "rolling back what a call that failed earlier left undone");
    search_reset(db);
    return CRM_OK;
}

int crm__search_ready(crm_db *db)
{
    sqlite3 *sql = db->store->sql;
    if (!sqlite3_get_autocommit(sql)) {
        if (!db->txn_open || !db->store->search_due)
            return CRM_OK;
        /* As in crm_commit(): a part-way update loses the group. */
        int rc = search_sync(db);
        if (rc != CRM_OK) {
            db->group_lost = true;
            quiet_rollback(db);
            search_reset(db);
        }
        return rc;
    }
    if (!db->store->search_synced)
        return CRM_OK;
    search_reset(db);
    if (!db->store->search_synced)
        return CRM_OK;
    int rc = sqlite3_extended_errcode(sql);
    return crm__sqlite_error(db, rc == SQLITE_OK ? SQLITE_NOMEM : rc,
                             "bringing the search index back in step after an earlier failure");
}

/* FTS5's query syntax: a string in double quotes (a double quote in it
 * doubled) is its words as a phrase, whatever they are ("NEAR", "AND",
 * "col:x" are words there); a * after it makes its last word a prefix; +
 * joins two strings into one phrase; strings side by side must all match. */
void crm__bind_text_query(crm__st *st, int i, const crm__text_term *terms, size_t n)
{
    size_t need = 1;
    for (size_t k = 0; k < n; k++)
        need += 2 * terms[k].len + 6;
    char local[1024];
    char *q = need <= sizeof local ? local : crm__malloc(need);
    if (!q) {
        hold(st, i, SQLITE_NOMEM, HELD_UNKNOWN, 0);
        return;
    }
    char *p = q;
    for (size_t k = 0; k < n; k++) {
        if (k > 0) {
            *p++ = ' ';
            if (terms[k].phrase) {
                *p++ = '+';
                *p++ = ' ';
            }
        }
        *p++ = '"';
        for (size_t j = 0; j < terms[k].len; j++) {
            if (terms[k].word[j] == '"')
                *p++ = '"';
            *p++ = terms[k].word[j];
        }
        *p++ = '"';
        if (terms[k].prefix)
            *p++ = '*';
    }
    *p = '\0';
    crm__bind_text(st, i, q);
    if (q != local)
        crm__free(q);
}

double crm__col_double(crm__st *st, int c)
{
    return sqlite3_column_double(st->stmt, c);
}
