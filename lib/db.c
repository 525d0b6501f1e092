/*
 * libcrm - the database handle: opening and migrating a file, the
 * statement cache, transactions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "schema.h"

/* PRAGMA application_id of every libcrm file: "CRM1". */
#define CRM__APPLICATION_ID 0x43524d31

/* ---- statement cache ---------------------------------------------------- */

/* Statements are keyed by their SQL text. Single calls take a statement,
 * use it and reset it before returning; a cursor holds one while it is
 * open (marked busy), and a second cursor of the same SQL prepares its own. */
static uint32_t hash_sql(const char *sql)
{
    /* Every call takes its statement through here, and SQL runs to a few
     * hundred bytes: hash eight bytes a step (FNV-style multiply and a
     * fold); equal slots are still confirmed with strcmp. */
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

static int cache_grow(crm_db *db)
{
    size_t cap = db->capstmts ? db->capstmts * 2 : 64;
    crm__stmt_slot **slots = crm__calloc(cap, sizeof *slots);
    if (!slots)
        return crm__error(db, CRM_ENOMEM, "out of memory growing the statement cache");
    for (size_t i = 0; i < db->capstmts; i++) {
        if (!db->stmts[i])
            continue;
        size_t j = db->stmts[i]->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = db->stmts[i];
    }
    crm__free(db->stmts);
    db->stmts = slots;
    db->capstmts = cap;
    return CRM_OK;
}

int crm__prepare(crm_db *db, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return crm__sqlite_error(db, rc, "preparing a statement");
    }
    return CRM_OK;
}

static int cache_slot(crm_db *db, const char *sql, crm__stmt_slot **out)
{
    if (db->nstmts * 2 >= db->capstmts) {
        int rc = cache_grow(db);
        if (rc)
            return rc;
    }
    uint32_t h = hash_sql(sql);
    size_t j = h & (db->capstmts - 1);
    while (db->stmts[j] && (db->stmts[j]->hash != h || strcmp(db->stmts[j]->sql, sql) != 0))
        j = (j + 1) & (db->capstmts - 1);
    crm__stmt_slot *slot = db->stmts[j];
    if (!slot) {
        slot = crm__calloc(1, sizeof *slot);
        char *copy = crm__strdup(sql);
        int rc = slot && copy ? crm__prepare(db, sql, &slot->stmt)
                              : crm__error(db, CRM_ENOMEM, "out of memory caching a statement");
        if (rc) {
            crm__free(copy);
            crm__free(slot);
            return rc;
        }
        slot->sql = copy;
        slot->hash = h;
        db->stmts[j] = slot;
        db->nstmts++;
    }
    *out = slot;
    return CRM_OK;
}

int crm__stmt(crm_db *db, const char *sql, sqlite3_stmt **out)
{
    *out = NULL;
    crm__stmt_slot *slot;
    int rc = cache_slot(db, sql, &slot);
    if (rc)
        return rc;
    if (slot->busy)
        return crm__error(db, CRM_ERROR, "internal error: statement in use by a cursor: %s", sql);
    sqlite3_reset(slot->stmt);
    *out = slot->stmt;
    return CRM_OK;
}

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

int crm__cursor_init(crm__cursor *c, crm_db *db, const char *sql, crm__cursor_build build,
                     const char *what)
{
    crm__stmt_slot *slot;
    int rc = cache_slot(db, sql, &slot);
    if (rc)
        return rc;
    c->done = false;
    c->started = false;
    c->err = 0;
    c->copy = NULL;
    c->errmsg = NULL;
    c->text = NULL;
    c->text_cap = 0;
    c->build = build;
    c->what = what;
    if (slot->busy) {
        rc = crm__prepare(db, sql, &c->st);
        if (rc)
            return rc;
        c->slot = NULL;
    } else {
        slot->busy = true;
        sqlite3_reset(slot->stmt);
        sqlite3_clear_bindings(slot->stmt);
        c->slot = slot;
        c->st = slot->stmt;
    }
    crm__cursor_attach(c, db);
    return CRM_OK;
}

/* ---- copies of the rest of a walk (see crm__cursor in internal.h) ------- */

/* A value in a copy: its type byte, then 8 bytes of an integer or a float,
 * or a 4-byte length and the bytes of a text or a blob. */
enum { COPY_INT = 1, COPY_FLOAT, COPY_TEXT, COPY_BLOB, COPY_NULL };

static bool copy_room(crm__copy *cp, size_t n)
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

static bool copy_row(crm__copy *cp, sqlite3_stmt *st)
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
    crm__copy *cp = c->copy;
    if (cp->pos >= cp->len)
        return CRM_DONE;
    sqlite3_reset(c->st);
    for (int i = 1; i <= cp->ncols; i++) {
        const unsigned char *p = cp->buf + cp->pos;
        int64_t iv;
        double dv;
        uint32_t n;
        switch (p[0]) {
        case COPY_INT:
            memcpy(&iv, p + 1, 8);
            sqlite3_bind_int64(c->st, i, iv);
            cp->pos += 9;
            break;
        case COPY_FLOAT:
            memcpy(&dv, p + 1, 8);
            sqlite3_bind_double(c->st, i, dv);
            cp->pos += 9;
            break;
        case COPY_TEXT:
        case COPY_BLOB:
            memcpy(&n, p + 1, 4);
            /* Static: the copy stays put until the cursor is freed. */
            if (p[0] == COPY_TEXT)
                sqlite3_bind_text(c->st, i, (const char *)p + 5, (int)n, SQLITE_STATIC);
            else
                sqlite3_bind_blob(c->st, i, p + 5, (int)n, SQLITE_STATIC);
            cp->pos += 5 + (size_t)n;
            break;
        default:
            sqlite3_bind_null(c->st, i);
            cp->pos += 1;
            break;
        }
    }
    return crm__step(c->db, c->st, c->what);
}

/* "SELECT ?1, ?2, ..., ?n" */
static int replay_statement(crm_db *db, int n, sqlite3_stmt **out)
{
    char *sql = crm__malloc(16 + (size_t)n * 9);
    if (!sql)
        return crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    size_t o = (size_t)sprintf(sql, "SELECT ");
    for (int i = 1; i <= n; i++)
        o += (size_t)sprintf(sql + o, "%s?%d", i > 1 ? ", " : "", i);
    int rc = crm__prepare(db, sql, out);
    crm__free(sql);
    return rc;
}

/* The walk ends with rc (CRM_DONE or an error, whose message is kept for
 * the cursor's later calls: the handle's is the next call's). */
static void cursor_end(crm__cursor *c, int rc)
{
    c->done = true;
    c->err = rc == CRM_DONE ? 0 : rc;
    if (c->st)
        sqlite3_reset(c->st); /* end the read transaction now, not at free */
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
    crm__copy *cp = crm__calloc(1, sizeof *cp);
    sqlite3_stmt *replay = NULL;
    int rc = cp ? CRM_OK : crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    if (rc == CRM_OK) {
        cp->ncols = sqlite3_column_count(c->st);
        rc = replay_statement(db, cp->ncols, &replay);
    }
    while (rc == CRM_OK) {
        int step = crm__step(db, c->st, c->what);
        if (step == CRM_DONE)
            break; /* every row copied */
        if (step != CRM_ROW)
            rc = step;
        else if (!copy_row(cp, c->st))
            rc = crm__error(db, CRM_ENOMEM, "out of memory copying a cursor's rows");
    }
    /* The table's statement is done with either way: its read ends here. */
    if (c->slot) {
        sqlite3_reset(c->st);
        c->slot->busy = false;
        c->slot = NULL;
    } else {
        sqlite3_finalize(c->st);
    }
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

int crm__cursor_texts(crm__cursor *c, const int *cols, int n, const char **out)
{
    const unsigned char *src[8];
    size_t len[8], need = 0;
    for (int i = 0; i < n; i++) {
        /* A NULL column gives NULL, and so does a failed conversion. Texts
         * libcrm stores hold no NUL, so strlen() is their length. */
        src[i] = sqlite3_column_text(c->st, cols[i]);
        if (!src[i] && sqlite3_column_type(c->st, cols[i]) != SQLITE_NULL)
            return crm__error(c->db, CRM_ENOMEM, "out of memory %s", c->what);
        len[i] = src[i] ? strlen((const char *)src[i]) : 0;
        need += len[i] + 1;
    }
    if (need > c->text_cap) {
        size_t cap = need > 2 * c->text_cap ? need : 2 * c->text_cap;
        char *t = crm__realloc(c->text, cap);
        if (!t)
            return crm__error(c->db, CRM_ENOMEM, "out of memory %s", c->what);
        c->text = t;
        c->text_cap = cap;
    }
    char *p = c->text;
    for (int i = 0; i < n; i++) {
        out[i] = NULL;
        if (!src[i])
            continue;
        memcpy(p, src[i], len[i]);
        p[len[i]] = '\0';
        out[i] = p;
        p += len[i] + 1;
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
    int rc = crm__cursor_resume(c, out, func);
    if (rc)
        return rc;
    c->started = true;
    rc = c->copy ? copy_step(c) : crm__step(c->db, c->st, c->what);
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
    if (c->st) {
        if (c->slot) {
            sqlite3_reset(c->st);
            c->slot->busy = false;
        } else {
            sqlite3_finalize(c->st);
        }
        c->st = NULL;
    }
    if (c->copy) {
        crm__free(c->copy->buf);
        crm__free(c->copy);
        c->copy = NULL;
    }
    crm__free(c->errmsg);
    c->errmsg = NULL;
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

int crm__step(crm_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc; /* equal to CRM_ROW and CRM_DONE */
    /* The error is reported by step in SQLite >= 3.7.15 (prepare_v3). */
    return crm__sqlite_error(db, rc, what);
}

int crm__exec(crm_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = crm__step(db, st, what);
    sqlite3_reset(st);
    return rc == CRM_DONE || rc == CRM_ROW ? CRM_OK : rc;
}

int crm__insert_owned(crm_db *db, sqlite3_stmt *st, const crm__uuid *cid, const char *what)
{
    int src = sqlite3_step(st);
    bool refused = src == SQLITE_CONSTRAINT_FOREIGNKEY || src == SQLITE_CONSTRAINT_PRIMARYKEY ||
                   src == SQLITE_CONSTRAINT_UNIQUE;
    int rc = src == SQLITE_DONE || refused ? CRM_OK : crm__sqlite_error(db, src, what);
    sqlite3_reset(st);
    if (!refused)
        return rc;
    rc = crm__customer_find(db, cid, NULL, NULL, NULL);
    if (rc)
        return rc;
    return crm__error(db, src == SQLITE_CONSTRAINT_FOREIGNKEY ? CRM_ERROR : CRM_EEXISTS, "%s: %s",
                      what, sqlite3_errstr(src));
}

int crm__fetch_by_id(crm_db *db, const void *out, const char *sql, const char *noun,
                     const char *id, sqlite3_stmt **st)
{
    char field[48];
    crm__uuid uid;
    snprintf(field, sizeof field, "%s id", noun);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, field, id, &uid);
    if (rc == CRM_OK)
        rc = crm__stmt(db, sql, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, &uid);
    char what[64];
    snprintf(what, sizeof what, "reading the %s", noun);
    rc = crm__step(db, *st, what);
    if (rc == CRM_ROW)
        return CRM_ROW;
    sqlite3_reset(*st);
    if (rc == CRM_DONE) {
        char canon[CRM_ID_LEN + 1];
        crm__uuid_format(canon, uid.b);
        rc = crm__error(db, CRM_ENOTFOUND, "no %s has id %s", noun, canon);
    }
    return rc;
}

int crm__cursor_new(void **out, size_t size, crm_db *db, const char *sql,
                    crm__cursor_build build, const char *what)
{
    crm__cursor *c = crm__calloc(1, size);
    if (!c)
        return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
    int rc = crm__cursor_init(c, db, sql, build, what);
    if (rc) {
        crm__free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

int crm__customer_cursor(void **out, size_t size, crm_db *db, const char *id,
                         const char *sql_person, const char *sql_org, crm__cursor_build build,
                         const char *what)
{
    crm__uuid uid;
    int kind = 0;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", id, &uid);
    if (rc == CRM_OK)
        rc = crm__customer_find(db, &uid, id, &kind, NULL);
    if (rc)
        return rc;
    crm__cursor *c;
    rc = crm__cursor_new((void **)&c, size, db,
                         kind == CRM_CUSTOMER_ORGANISATION ? sql_org : sql_person, build, what);
    if (rc)
        return rc;
    return crm__cursor_bound(out, c, sqlite3_bind_blob(c->st, 1, uid.b, 16, SQLITE_TRANSIENT),
                             what);
}

void crm__cursor_free(void *cur)
{
    if (!cur)
        return;
    crm__cursor_fini(cur);
    crm__free(cur);
}

int crm__cursor_bound(void **out, void *cur, int src, const char *what)
{
    if (src == SQLITE_OK) {
        *out = cur;
        return CRM_OK;
    }
    crm_db *db = ((crm__cursor *)cur)->db;
    crm__cursor_free(cur);
    return crm__sqlite_error(db, src, what);
}

int crm__bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int crm__bind_id(sqlite3_stmt *st, int i, const crm__uuid *id)
{
    return sqlite3_bind_blob(st, i, id->b, 16, SQLITE_STATIC);
}

int crm__column_id(char out[CRM_ID_LEN + 1], sqlite3_stmt *st, int col)
{
    const unsigned char *b = sqlite3_column_blob(st, col);
    if (!b || sqlite3_column_bytes(st, col) != 16) {
        out[0] = '\0';
        return -1;
    }
    crm__uuid_format(out, b);
    return 0;
}

/* ---- transactions ------------------------------------------------------- */

static int exec_stmt(crm_db *db, const char *sql, const char *what)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, sql, &st);
    if (rc)
        return rc;
    return crm__exec(db, st, what);
}

/* Undo without disturbing the error already reported. sqlite3_exec, not
 * the statement cache: undoing must not depend on an allocation of ours
 * succeeding, or a failed allocation could leave a transaction open. */
static void quiet_exec(crm_db *db, const char *sql)
{
    sqlite3_exec(db->sql, sql, NULL, NULL, NULL);
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

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
    if (db->txn_open && (db->group_lost || sqlite3_get_autocommit(db->sql)))
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
    if (rc)
        return rc;
    if (db->cursor_list)
        crm__cursors_copy(db);
    if (db->txn_open) {
        db->call_changes = sqlite3_total_changes(db->sql);
        return CRM_OK;
    }
    return exec_stmt(db, SQL_BEGIN, "starting a write transaction");
}

int crm__write_end(crm_db *db, int rc)
{
    if (db->txn_open) {
        /* A failed statement changed nothing (SQLite undid it, or rolled
         * back the whole transaction); a change the call made before it
         * cannot be undone alone, so the group goes with it. */
        if (rc != CRM_OK && sqlite3_total_changes(db->sql) != db->call_changes) {
            db->group_lost = true; /* even if the ROLLBACK cannot run now */
            if (!sqlite3_get_autocommit(db->sql))
                quiet_exec(db, SQL_ROLLBACK);
        }
        return rc;
    }
    if (rc == CRM_OK) {
        rc = exec_stmt(db, SQL_COMMIT, "committing");
        if (rc == CRM_OK)
            return CRM_OK;
    }
    if (!sqlite3_get_autocommit(db->sql))
        quiet_exec(db, SQL_ROLLBACK);
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
    rc = exec_stmt(db, SQL_BEGIN, "starting a transaction");
    if (rc == CRM_OK)
        db->txn_open = true;
    return rc;
}

int crm_commit(crm_db *db)
{
    CRM__ENTER(db);
    if (!db->txn_open)
        return crm__error(db, CRM_ESTATE, "no transaction is open: crm_commit() without crm_begin()");
    int rc = check_group_alive(db);
    if (rc)
        return rc;
    rc = exec_stmt(db, SQL_COMMIT, "committing");
    if (rc == CRM_OK || sqlite3_get_autocommit(db->sql)) {
        db->txn_open = false;
    }
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
    if (sqlite3_get_autocommit(db->sql))
        return CRM_OK; /* rolled back already (e.g. by SQLite after an I/O error) */
    return exec_stmt(db, SQL_ROLLBACK, "rolling back");
}

int crm_in_transaction(const crm_db *db)
{
    return db && crm__holds_group(db);
}

/* ---- actor -------------------------------------------------------------- */

int crm_set_actor(crm_db *db, const char *actor)
{
    CRM__ENTER(db);
    if (!actor)
        actor = "system";
    int rc = crm__check_actor(db, actor);
    if (rc)
        return rc;
    snprintf(db->actor, sizeof db->actor, "%s", actor);
    return CRM_OK;
}

const char *crm_actor(const crm_db *db)
{
    return db ? db->actor : NULL;
}

/* ---- open and close ----------------------------------------------------- */

int crm_open_options_init(crm_open_options *opts, unsigned int version)
{
    if (!opts || version != CRM_OPEN_OPTIONS_VERSION)
        return CRM_EINVAL;
    *opts = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    return CRM_OK;
}

int crm_schema_version(const crm_db *db)
{
    if (!db)
        return crm__migration_count;
    crm_db *d = (crm_db *)db; /* held, which changes nothing a caller sees */
    if (crm__enter(d) != CRM_OK)
        return -1;
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(d->sql, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    crm__leave(d);
    return v;
}

typedef struct file_state {
    int64_t application_id;
    int user_version;
} file_state;

static int pragma_int(crm_db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, sql, &st);
    if (rc)
        return rc;
    rc = crm__step(db, st, "reading the database header");
    if (rc == CRM_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ERROR, "reading the database header: no result");
    }
    sqlite3_reset(st);
    return rc;
}

static const char SQL_APP_ID[] = "PRAGMA application_id";
static const char SQL_USER_VERSION[] = "PRAGMA user_version";
static const char SQL_OBJECTS[] = CRM__SCHEMA_OBJECTS_SQL;
static const char SQL_COUNT_OBJECTS[] = "SELECT count(*) FROM sqlite_schema";

static int read_state(crm_db *db, file_state *fs)
{
    int64_t v;
    int rc = pragma_int(db, SQL_APP_ID, &fs->application_id);
    if (rc == CRM_OK)
        rc = pragma_int(db, SQL_USER_VERSION, &v);
    if (rc == CRM_OK)
        fs->user_version = (int)v;
    if (rc == CRM_ENOTCRM)
        return crm__error(db, CRM_ENOTCRM,
                          "'%s' is not a SQLite database, so not a libcrm database either; "
                          "check the path",
                          db->path);
    return rc;
}

/* Decide from the header whether this is our file. Returns CRM_OK when it
 * is ours or empty, and sets *migrate when migrations are due. A file
 * without our application id got here only if it was empty when looked at
 * (see examine()); one that is no longer empty is someone else's. */
static int judge_state(crm_db *db, const file_state *fs, bool *migrate)
{
    if (fs->application_id != CRM__APPLICATION_ID &&
        (fs->application_id != 0 || fs->user_version != 0))
        return crm__error(db, CRM_ENOTCRM,
                          "'%s' is a SQLite database but not a libcrm one (application_id "
                          "%lld, user_version %d); it was left unchanged",
                          db->path, (long long)fs->application_id, fs->user_version);
    if (fs->user_version > crm__migration_count)
        return crm__error(db, CRM_ESCHEMA,
                          "'%s' has schema version %d, written by a newer libcrm; this libcrm "
                          "(%s) knows schema versions up to %d; upgrade libcrm to open it",
                          db->path, fs->user_version, CRM_VERSION_STRING, crm__migration_count);
    *migrate = fs->user_version < crm__migration_count;
    return CRM_OK;
}

/* Compare two schema rows' column c, NULLs equal. */
static bool same_column(sqlite3_stmt *a, sqlite3_stmt *b, int c)
{
    const unsigned char *x = sqlite3_column_text(a, c), *y = sqlite3_column_text(b, c);
    return x && y ? strcmp((const char *)x, (const char *)y) == 0 : x == y;
}

/* Every table, index, trigger and view of the file must be one that
 * schema version `version` defines, with the very SQL it defines it with,
 * and none may be missing: a trigger planted in a file runs inside
 * libcrm's own writes (one re-pointed new identities to another customer,
 * one on the journal deleted the evidence), so a file that differs is
 * refused before anything runs in it. The reference is what applying
 * the migrations up to that version to an empty in-memory database gives
 * (SQLite keeps each object's CREATE text as it was written; a migration
 * that ALTERs a table relies on SQLite rewriting that text the same way
 * in every version, which test_open_files would show if it did not).
 * Building it costs more than the rest of an open, so the build computes
 * each version's digest and the reference is built only to name what
 * differs. */
static int check_schema(crm_db *db, int version)
{
    sqlite3 *ref = NULL;
    sqlite3_stmt *want = NULL, *have = NULL;
    uint64_t digest = 0;
    int rc = crm__prepare(db, SQL_OBJECTS, &have);
    if (rc)
        return rc;
    int src = crm__schema_digest(have, &digest);
    if (src != SQLITE_OK) {
        sqlite3_finalize(have);
        return crm__sqlite_error(db, src, "reading the schema");
    }
    if (digest == crm__schema_digests[version]) {
        sqlite3_finalize(have);
        return CRM_OK;
    }
    src = sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    for (int v = 0; src == SQLITE_OK && v < version; v++)
        src = sqlite3_exec(ref, crm__migrations[v], NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(ref, SQL_OBJECTS, -1, &want, NULL);
    uint64_t ref_digest = 0;
    if (src == SQLITE_OK)
        src = crm__schema_digest(want, &ref_digest);
    if (src != SQLITE_OK)
        rc = crm__error(db, (src & 0xff) == SQLITE_NOMEM ? CRM_ENOMEM : CRM_ERROR,
                        "building the reference schema of version %d: %s", version,
                        ref ? sqlite3_errmsg(ref) : sqlite3_errstr(src));
    while (rc == CRM_OK && ref_digest != digest) {
        int w = sqlite3_step(want);
        int h = crm__step(db, have, "reading the schema");
        if (w != SQLITE_ROW && w != SQLITE_DONE) {
            rc = crm__error(db, (w & 0xff) == SQLITE_NOMEM ? CRM_ENOMEM : CRM_ERROR,
                            "reading the reference schema: %s", sqlite3_errmsg(ref));
            break;
        }
        if (h < 0) {
            rc = h;
            break;
        }
        if (w == SQLITE_DONE && h == CRM_DONE)
            break;
        int order = w == SQLITE_DONE ? 1 : h == CRM_DONE ? -1 : 0;
        for (int c = 0; c < 2 && order == 0; c++) {
            order = strcmp((const char *)sqlite3_column_text(want, c),
                           (const char *)sqlite3_column_text(have, c));
        }
        if (order == 0 && same_column(want, have, 2) && same_column(want, have, 3))
            continue;
        /* An object the reference lacks, one the file lacks, or one the
         * file defines otherwise. */
        sqlite3_stmt *row = order < 0 ? want : have;
        rc = crm__error(db, CRM_ECORRUPT,
                        "'%s' %s %s '%s'%s libcrm's schema version %d: the file was changed "
                        "by something other than libcrm and is refused; libcrm ran nothing "
                        "in it",
                        db->path, order > 0 ? "holds" : order < 0 ? "lacks" : "defines",
                        sqlite3_column_text(row, 0), sqlite3_column_text(row, 1),
                        order > 0   ? ", which is not in"
                        : order < 0 ? ", which is in"
                                    : " otherwise than",
                        version);
    }
    sqlite3_finalize(want);
    sqlite3_finalize(have);
    sqlite3_close(ref);
    return rc;
}

static const char SQL_BEGIN_READ[] = "BEGIN";

/* The header and the schema, read in one snapshot: another process may
 * migrate the file between two separate reads. */
static int read_and_check(crm_db *db, file_state *fs, bool *due)
{
    int rc = exec_stmt(db, SQL_BEGIN_READ, "reading the database header");
    if (rc)
        return rc;
    int64_t objects = 0;
    rc = read_state(db, fs);
    if (rc == CRM_OK)
        rc = judge_state(db, fs, due);
    if (rc == CRM_OK && fs->application_id == 0)
        rc = pragma_int(db, SQL_COUNT_OBJECTS, &objects);
    if (rc == CRM_OK && objects > 0)
        rc = crm__error(db, CRM_ENOTCRM,
                        "'%s' is a SQLite database but not a libcrm one (application_id 0, "
                        "%lld schema objects); it was left unchanged",
                        db->path, (long long)objects);
    if (rc == CRM_OK)
        rc = check_schema(db, fs->user_version);
    quiet_exec(db, SQL_ROLLBACK); /* ends the read; nothing was written */
    return rc;
}

static int migrate(crm_db *db, int checked)
{
    int rc = exec_stmt(db, SQL_BEGIN, "starting the schema migration");
    if (rc)
        return rc;
    /* Another process may have migrated while we waited for the lock. */
    file_state fs = { 0, 0 };
    bool due = false;
    rc = read_state(db, &fs);
    if (rc == CRM_OK)
        rc = judge_state(db, &fs, &due);
    if (rc == CRM_OK && fs.user_version != checked)
        rc = check_schema(db, fs.user_version);
    for (int v = fs.user_version; rc == CRM_OK && due && v < crm__migration_count; v++) {
        char *err = NULL;
        int src = sqlite3_exec(db->sql, crm__migrations[v], NULL, NULL, &err);
        if (src != SQLITE_OK) {
            rc = crm__error(db, crm__code_from_sqlite(src) == CRM_ERROR ? CRM_ERROR
                                                                        : crm__code_from_sqlite(src),
                            "applying schema migration %d to '%s' failed: %s", v + 1, db->path,
                            err ? err : sqlite3_errstr(src));
            sqlite3_free(err);
            break;
        }
        int64_t now_v;
        rc = pragma_int(db, SQL_USER_VERSION, &now_v);
        if (rc == CRM_OK && now_v != v + 1)
            rc = crm__error(db, CRM_ERROR, "schema migration %d did not set user_version", v + 1);
    }
    return crm__write_end(db, rc);
}

/* The row PRAGMA journal_mode answers with: the mode now in force. */
static int journal_mode_answer(void *arg, int n, char **values, char **names)
{
    (void)names;
    if (n > 0 && values[0])
        snprintf(arg, 16, "%s", values[0]);
    return 0;
}

static int configure(crm_db *db, const crm_open_options *o)
{
    static const char *const common[] = {
        "PRAGMA foreign_keys = ON",
        "PRAGMA secure_delete = ON",
        "PRAGMA trusted_schema = OFF",
        /* Statement journals (a statement that may fail after changing
         * some rows keeps their old pages) and sorts. SQLite keeps a
         * statement journal in memory only up to 64 KiB and then moves it
         * to a temporary file for the rest of the transaction, so one large
         * statement made every later one of a big group write its pages to
         * disk. */
        "PRAGMA temp_store = MEMORY",
    };
    const char *sync = o->durability == CRM_DURABILITY_NORMAL ? "PRAGMA synchronous = NORMAL"
                                                              : "PRAGMA synchronous = FULL";
    int rc;
    if (!(db->flags & CRM_OPEN_READONLY)) {
        /* Leaving rollback-journal mode needs the file to itself, and SQLite
         * reports a busy file here without calling the busy handler (when
         * several processes create one file at once), so wait here, bounded
         * by the same timeout. On a file already in WAL mode it is a no-op. */
        int64_t deadline = crm_now() + db->busy_timeout_ms;
        char mode[16] = "";
        while (((rc = sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL", journal_mode_answer, mode,
                                   NULL)) &
                0xff) == SQLITE_BUSY &&
               crm_now() < deadline)
            sqlite3_sleep(5);
        if (rc != SQLITE_OK)
            return crm__sqlite_error(db, rc, "switching to WAL mode");
        /* SQLite answers with the mode it is in, which is not WAL where it
         * cannot be (no shared memory for the log's index, as on some
         * network file systems); a private in-memory database has no log. */
        bool memory = strcmp(db->path, ":memory:") == 0;
        if (strcmp(mode, memory ? "memory" : "wal") != 0)
            return crm__error(db, CRM_EIO,
                              "'%s' could not be put in WAL mode (SQLite kept journal mode "
                              "'%s'); libcrm needs WAL so that readers and a writer can share "
                              "the file: is it on a file system without shared memory, such "
                              "as a network one?",
                              db->path, mode);
    }
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        rc = sqlite3_exec(db->sql, common[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return crm__sqlite_error(db, rc, "configuring the connection");
    }
    rc = sqlite3_exec(db->sql, sync, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return crm__sqlite_error(db, rc, "configuring the connection");
    return CRM_OK;
}

static int check_options(crm_db *db, const crm_open_options *o)
{
    char q[CRM__QUOTE_SIZE];
    if (o->version < 1 || o->version > CRM_OPEN_OPTIONS_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_open_options.version is %u; this libcrm knows versions 1 to %d",
                          o->version, CRM_OPEN_OPTIONS_VERSION);
    const unsigned int known =
        CRM_OPEN_CREATE | CRM_OPEN_READONLY | CRM_OPEN_GROUP_ACCESS | CRM_OPEN_REDACT;
    if (o->flags & ~known)
        return crm__error(db, CRM_EINVAL, "crm_open_options.flags has unknown bits 0x%x",
                          o->flags & ~known);
    if (o->busy_timeout_ms < 0)
        return crm__error(db, CRM_EINVAL, "crm_open_options.busy_timeout_ms is negative (%d)",
                          o->busy_timeout_ms);
    if (o->durability != CRM_DURABILITY_FULL && o->durability != CRM_DURABILITY_NORMAL)
        return crm__error(db, CRM_EINVAL, "crm_open_options.durability %d is not a durability",
                          (int)o->durability);
    if (o->actor) {
        int rc = crm__check_actor(db, o->actor);
        if (rc)
            return rc;
    }
    if (o->default_country) {
        const char *c = o->default_country;
        bool ok = strlen(c) == 2;
        for (int i = 0; ok && i < 2; i++)
            ok = (c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' && c[i] <= 'z');
        if (ok) {
            db->region[0] = (char)(c[0] & ~0x20);
            db->region[1] = (char)(c[1] & ~0x20);
            db->region[2] = '\0';
            ok = crm__phone_region_known(db->region);
        }
        if (!ok)
            return crm__error(db, CRM_EINVAL,
                              "default_country '%s' is not a region the phone normaliser (%s) "
                              "knows; use an ISO 3166 code such as US or DE",
                              crm__quote(q, sizeof q, c), crm__phone_backend());
    }
    return CRM_OK;
}

static void destroy(crm_db *db)
{
    for (size_t i = 0; i < db->capstmts; i++) {
        if (!db->stmts[i])
            continue;
        sqlite3_finalize(db->stmts[i]->stmt);
        crm__free(db->stmts[i]->sql);
        crm__free(db->stmts[i]);
    }
    crm__free(db->stmts);
    if (db->sql)
        sqlite3_close(db->sql);
    crm__free(db->path);
    crm__slots_free(db);
    crm__lock_destroy(db);
    crm__free(db);
}

static int fail_open(crm_db *db, int rc)
{
    /* A refused file is closed without the checkpoint that the last
     * connection to a file in WAL mode otherwise makes on close: its main
     * file and log keep their bytes. */
    if (db->sql)
        sqlite3_db_config(db->sql, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    crm__set_open_error(rc, crm_errmsg(db));
    destroy(db);
    return rc;
}

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
    sqlite3_file_control(db->sql, "main", SQLITE_FCNTL_DATA_VERSION, &version);
    if (count == 0 || version != db->busy_version) {
        db->busy_since = now;
        db->busy_version = version;
    }
    int limit = db->busy_timeout_ms;
    if (db->checkpointing && limit > CRM__RESTART_WAIT_MS)
        limit = CRM__RESTART_WAIT_MS;
    if (now - db->busy_since >= limit)
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
    if (frames < db->wal_restart_at) {
        sqlite3_wal_checkpoint_v2(sql, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    db->checkpointing = true;
    int rc = sqlite3_wal_checkpoint_v2(sql, schema, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    db->checkpointing = false;
    db->wal_restart_at = rc == SQLITE_OK ? CRM__RESTART_FRAMES : frames + CRM__RESTART_FRAMES / 8;
    return SQLITE_OK;
}

/* How a file is judged before SQLite opens it (see file.c): it must not
 * exist (and is then created here, with the file mode asked for), or be a
 * regular file that is empty or carries libcrm's application id. Anything
 * else is refused without SQLite ever opening it, so nothing of it
 * changes: not the main file, not its -wal, -shm or -journal. */
static int examine(crm_db *db, const char *fname, unsigned int flags)
{
    int64_t deadline = crm_now() + db->busy_timeout_ms;
    for (int attempt = 0;; attempt++) {
        crm__file_look look;
        int err = crm__file_look_at(&look, fname, CRM__APPLICATION_ID);
        if (err == ENOMEM)
            return crm__error(db, CRM_ENOMEM, "out of memory opening '%s'", db->path);
        if (err)
            return crm__error(db, CRM_EIO, "cannot read '%s': %s", db->path, strerror(err));
        if (look.exists && S_ISDIR(look.mode))
            return crm__error(db, CRM_EIO, "'%s' is a directory, not a database file", db->path);
        if (look.exists && !S_ISREG(look.mode))
            return crm__error(db, CRM_EIO,
                              "'%s' is not a regular file (a FIFO, socket or device); a libcrm "
                              "database is a regular file",
                              db->path);
        if (look.exists) {
            if (!look.sqlite)
                return crm__error(db, CRM_ENOTCRM,
                                  "'%s' is not a SQLite database, so not a libcrm database "
                                  "either; it was left unchanged; check the path",
                                  db->path);
            if (look.application_id == CRM__APPLICATION_ID)
                return CRM_OK;
            bool empty = look.application_id == 0 && look.user_version == 0 &&
                         look.schema_objects == 0;
            if (empty && !look.hot_journal)
                return CRM_OK; /* an empty database: libcrm makes it its own */
            /* An empty file with a journal beside it is what another
             * connection creating the file leaves for a moment (its switch
             * to WAL mode is written through a rollback journal); one that
             * crashed leaves it for good. */
            if (empty && crm_now() < deadline) {
                sqlite3_sleep(5);
                continue;
            }
            char objects[32];
            if (look.schema_objects < 0)
                snprintf(objects, sizeof objects, "many");
            else
                snprintf(objects, sizeof objects, "%d", look.schema_objects);
            return crm__error(db, CRM_ENOTCRM,
                              "'%s' is a SQLite database but not a libcrm one (application_id "
                              "%lu, user_version %ld, %s schema objects%s); it was left "
                              "unchanged",
                              db->path, (unsigned long)look.application_id,
                              (long)look.user_version, objects,
                              look.hot_journal ? ", a rollback journal to recover" : "");
        }
        if (flags & CRM_OPEN_READONLY)
            return crm__error(db, CRM_EIO,
                              "'%s' does not exist (a read-only open never creates a file)",
                              db->path);
        if (!(flags & CRM_OPEN_CREATE))
            return crm__error(db, CRM_EIO,
                              "'%s' does not exist; pass CRM_OPEN_CREATE to create it", db->path);
        /* SQLite would create it 0644 less the umask; its -wal and -shm
         * take the main file's mode. The mode is set exactly: the umask may
         * only have narrowed what was asked. */
        mode_t mode = (flags & CRM_OPEN_GROUP_ACCESS) ? 0660 : 0600;
        int fd = open(fname, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0) {
            int ferr = fchmod(fd, mode) == 0 ? 0 : errno;
            close(fd);
            if (ferr)
                return crm__error(db, CRM_EIO, "cannot set the mode of '%s': %s", db->path,
                                  strerror(ferr));
            return CRM_OK;
        }
        if (errno != EEXIST || attempt > 0)
            return crm__error(db, CRM_EIO, "cannot create '%s': %s", db->path, strerror(errno));
        /* Another process created it meanwhile: judge what it made. */
    }
}

/* A read-only open of a file in WAL mode fails at its first read when the
 * log's index (the -shm file) does not exist and cannot be created, as in
 * a directory the process may not write: SQLite then says "attempt to
 * write a readonly database", which is not what happened. */
static char *file_name(const char *path, const char *suffix);

static int explain_readonly(crm_db *db)
{
    char *shm = file_name(db->path, "-shm");
    if (!shm)
        return crm__error(db, CRM_ENOMEM, "out of memory opening a database");
    bool missing = access(shm, F_OK) != 0;
    crm__free(shm);
    if (!missing)
        return CRM_EREADONLY;
    return crm__error(db, CRM_EIO,
                      "'%s' cannot be read: it is in WAL mode, where even a reader needs the "
                      "shared-memory index beside it ('%s-shm'), which does not exist and "
                      "cannot be created, as in a directory this process may not write; "
                      "open it where its directory is writable",
                      db->path, db->path);
}

/* SQLite reads a name that starts with "file:" as a URI (Debian builds it
 * with SQLITE_USE_URI, and any code in the process may turn URIs on), and
 * a URI can turn off locking ("?vfs=unix-none": three writer processes
 * corrupted a file that way) or name a shared in-memory database that
 * keeps nothing. A path is a file name: such a relative name is opened as
 * "./file:...", which SQLite never reads as a URI. The name of the file
 * at path, with suffix ("" or the name of one beside it, "-shm"). */
static char *file_name(const char *path, const char *suffix)
{
    bool uri_like = strncmp(path, "file:", 5) == 0;
    char *name = crm__malloc(strlen(path) + strlen(suffix) + (uri_like ? 3 : 1));
    if (name)
        sprintf(name, "%s%s%s", uri_like ? "./" : "", path, suffix);
    return name;
}

int crm_open(crm_db **out, const char *path, const crm_open_options *opts)
{
    crm_open_options defaults = CRM_OPEN_OPTIONS_INIT;
    const crm_open_options *o = opts ? opts : &defaults;
    crm__set_open_error(CRM_OK, "not an error");
    if (!out) {
        crm__set_open_error(CRM_EINVAL, "crm_open: out is NULL");
        return CRM_EINVAL;
    }
    *out = NULL;
    crm_db *db = crm__calloc(1, sizeof *db);
    if (!db || crm__lock_init(db) != 0) {
        crm__free(db);
        crm__set_open_error(CRM_ENOMEM, "out of memory opening a database");
        return CRM_ENOMEM;
    }
    db->path = crm__strdup(path ? path : "(null)");
    snprintf(db->actor, sizeof db->actor, "%s", "system");
    if (!db->path)
        return fail_open(db, crm__error(db, CRM_ENOMEM, "out of memory opening a database"));
    if (!path)
        return fail_open(db, crm__error(db, CRM_EINVAL, "crm_open: path is NULL"));
    int rc = crm__check_text(db, "path", path, 1, 4096, CRM__TEXT_NO_CONTROL);
    if (rc == CRM_OK)
        rc = check_options(db, o);
    if (rc)
        return fail_open(db, rc);
    db->flags = o->flags;
    db->busy_timeout_ms = o->busy_timeout_ms;
    if (o->actor)
        snprintf(db->actor, sizeof db->actor, "%s", o->actor);

    bool memory = strcmp(path, ":memory:") == 0;
    char *fname = memory ? NULL : file_name(path, "");
    if (!memory && !fname)
        return fail_open(db, crm__error(db, CRM_ENOMEM, "out of memory opening a database"));
    if (!memory)
        rc = examine(db, fname, o->flags);
    /* No SQLITE_OPEN_CREATE: examine() made the file, with its mode. */
    int sflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
                 ((o->flags & CRM_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    int src = rc ? SQLITE_OK : sqlite3_open_v2(memory ? path : fname, &db->sql, sflags, NULL);
    crm__free(fname);
    if (rc)
        return fail_open(db, rc);
    if (src != SQLITE_OK) {
        rc = crm__error(db, crm__code_from_sqlite(src) == CRM_ENOMEM ? CRM_ENOMEM : CRM_EIO,
                        "cannot open database '%s': %s", db->path,
                        db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(src));
        return fail_open(db, rc);
    }
    sqlite3_busy_handler(db->sql, busy_wait, db);
    if (!(o->flags & CRM_OPEN_READONLY)) {
        db->wal_restart_at = CRM__RESTART_FRAMES;
        sqlite3_wal_hook(db->sql, wal_hook, db);
    }

    /* Nothing is written (not even the WAL switch) until the file is
     * judged by SQLite too, its schema included. */
    file_state fs = { 0, 0 };
    bool due = false;
    rc = read_and_check(db, &fs, &due);
    if (rc == CRM_EREADONLY)
        rc = explain_readonly(db);
    if (rc == CRM_OK && due && (db->flags & CRM_OPEN_READONLY))
        rc = crm__error(db, CRM_EREADONLY,
                        "'%s' needs its schema %s (version %d to %d) but was opened read-only; "
                        "open it once read-write",
                        db->path, fs.user_version ? "migrated" : "created", fs.user_version,
                        crm__migration_count);
    if (rc == CRM_OK)
        rc = configure(db, o);
    if (rc == CRM_OK && due)
        rc = migrate(db, fs.user_version);
    /* A new file's header, application id and all, would otherwise stay in
     * the log until 1000 pages had been written, and every open until then
     * would read the log to find it (see file.c): copy it back now. */
    if (rc == CRM_OK && due && !memory)
        sqlite3_wal_checkpoint_v2(db->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc)
        return fail_open(db, rc);
    crm__handles_add(1);
    *out = db;
    return CRM_OK;
}

int crm_close(crm_db *db)
{
    if (!db)
        return CRM_OK;
    crm__enter_always(db);
    crm__clear_error(db);
    int rc = CRM_OK;
    if (db->cursors > 0)
        rc = crm__error(db, CRM_EMISUSE,
                        "%d cursor(s) of this handle are still open; free them before "
                        "crm_close()",
                        db->cursors);
    else if (crm__lock_waiters(db) > 0)
        rc = crm__error(db, CRM_EMISUSE,
                        "other threads are waiting to use this handle; a handle is closed "
                        "once no other thread uses it");
    if (rc) {
        crm__leave(db);
        return rc;
    }
    if (db->txn_open && !sqlite3_get_autocommit(db->sql))
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    destroy(db);
    crm__handles_add(-1);
    return CRM_OK;
}
