/*
 * The files crm_open() meets: a path is a file name, never a URI; new
 * files are private; another application's file is refused without one
 * byte of it or of its -wal, -shm or -journal changing, whatever state its
 * journal is in; a file with objects libcrm's schema does not define is
 * refused; directories, FIFOs and unreadable places get true messages.
 */
#define _GNU_SOURCE /* O_* and the stat time fields in full */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
#define NFILES 4

/* A file and the files SQLite keeps beside it, as they are: whether each
 * exists, its bytes, and its modification time to the nanosecond. */
typedef struct file_image {
    int exists[NFILES];
    unsigned char *bytes[NFILES];
    size_t len[NFILES];
    struct timespec mtime[NFILES];
} file_image;

static void image_take(file_image *im, const char *path)
{
    memset(im, 0, sizeof *im);
    for (int i = 0; i < NFILES; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        struct stat sb;
        if (stat(p, &sb) != 0)
            continue;
        im->exists[i] = 1;
        im->mtime[i] = sb.st_mtim;
        FILE *f = fopen(p, "rb");
        if (!f)
            continue;
        im->bytes[i] = malloc((size_t)sb.st_size + 1);
        im->len[i] = fread(im->bytes[i], 1, (size_t)sb.st_size, f);
        fclose(f);
    }
}

static void image_free(file_image *im)
{
    for (int i = 0; i < NFILES; i++)
        free(im->bytes[i]);
}

/* 1 when every file is as it was (all: the main file and the log only,
 * the log's bytes when it was there); else says which differs. */
static int image_same(const file_image *a, const file_image *b, const char *path, int all)
{
    for (int i = 0; i < (all ? NFILES : 2); i++) {
        if (!all && i == 1 && !a->exists[i])
            continue;
        const char *what = NULL;
        if (a->exists[i] != b->exists[i])
            what = a->exists[i] ? "was removed" : "appeared";
        else if (a->exists[i] && (a->len[i] != b->len[i] ||
                                  memcmp(a->bytes[i], b->bytes[i], a->len[i]) != 0))
            what = "changed bytes";
        else if ((all || i == 0) && a->exists[i] && (a->mtime[i].tv_sec != b->mtime[i].tv_sec ||
                                  a->mtime[i].tv_nsec != b->mtime[i].tv_nsec))
            what = "changed its mtime";
        if (what) {
            fprintf(stderr, "%s%s %s\n", path, suffixes[i], what);
            return 0;
        }
    }
    return 1;
}

/* Run SQL with plain SQLite in a child process that then dies without
 * closing anything, killed as a crashed program would be: what it leaves
 * beside the file (a log not checkpointed, a hot journal) stays. (Killed,
 * not exiting: under valgrind an exit checks for leaks, and a crash
 * leaves everything open on purpose.) 0 when the SQL ran. */
static int crash_after(const char *path, const char *sql)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sqlite3 *s;
        int rc = sqlite3_open(path, &s);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            _exit(3);
        raise(SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* crm_open() of path with flags must fail with code, leaving every file
 * as it was (all), or, for a file of libcrm's own, its main file and the
 * bytes of its log: SQLite, which libcrm lets open its own files, keeps
 * the log's index in the -shm and may make an empty log. */
static int refused_(const char *path, unsigned int flags, int code, const char *frag, int all)
{
    file_image before, after;
    image_take(&before, path);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = flags;
    o.busy_timeout_ms = 100; /* an empty file with a journal is watched this long */
    crm_db *db = (crm_db *)1;
    int rc = crm_open(&db, path, &o);
    image_take(&after, path);
    int ok = rc == code && db == NULL && strstr(crm_errmsg(NULL), frag) != NULL &&
             image_same(&before, &after, path, all);
    if (!ok)
        fprintf(stderr, "crm_open(%s, 0x%x) = %d (%s), wanted %d with \"%s\"\n", path, flags, rc,
                crm_errmsg(NULL), code, frag);
    image_free(&before);
    image_free(&after);
    if (db && db != (crm_db *)1)
        crm_close(db);
    return ok;
}

#define refused_untouched(p, f, c, m) refused_(p, f, c, m, 1)
#define refused_unwritten(p, f, c, m) refused_(p, f, c, m, 0)

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

TEST(uri_paths_are_file_names)
{
    /* Relative names are resolved in the current directory: work in TMPDIR. */
    char cwd[1024], dir[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    test_temp_path(dir, sizeof dir, ".d");
    CHECK_INT(mkdir(dir, 0700), 0);
    CHECK_INT(chdir(dir), 0);

    /* "?vfs=unix-none" would turn off locking: two handles could write at
     * once. As a file name, both lock it, and one waits for the other. */
    const char *name = "file:shop.db?vfs=unix-none";
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = 0;
    crm_db *a, *b;
    int rc = crm_open(&a, name, &o);
    if (rc != CRM_OK)
        fprintf(stderr, "%s\n", crm_errmsg(NULL));
    CHECK_INT(rc, CRM_OK);
    CHECK_INT(crm_open(&b, name, &o), CRM_OK);
    CHECK(exists(name));
    CHECK(!exists("shop.db"));
    CHECK_OK(a, crm_begin(a));
    char id[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "Locked In", id);
    CHECK_RC(b, crm_customer_create(NULL, b, CRM_CUSTOMER_PERSON, "Second Writer"), CRM_EBUSY);
    CHECK_OK(a, crm_commit(a));
    crm_close(a);
    crm_close(b);

    /* A shared in-memory database would keep nothing after the close. */
    const char *mem = "file::memory:?cache=shared";
    CHECK_INT(crm_open(&a, mem, NULL), CRM_OK);
    test_customer(a, CRM_CUSTOMER_PERSON, "Kept", id);
    crm_close(a);
    CHECK(exists(mem));
    CHECK_INT(crm_open(&a, mem, NULL), CRM_OK);
    crm_customer *c = NULL;
    CHECK_OK(a, crm_customer_get(&c, a, id));
    CHECK_STR(crm_customer_name(c), "Kept");
    crm_customer_free(c);
    crm_close(a);

    test_remove_db(name);
    test_remove_db(mem);
    CHECK_INT(chdir(cwd), 0);
    CHECK_INT(rmdir(dir), 0);
}

/* A VFS that is the default one but offers no shared memory, as some
 * network file systems do not: SQLite then cannot enter WAL mode. */
static sqlite3_vfs no_shm_vfs, *real_vfs;
static sqlite3_io_methods no_shm_methods;

static int no_shm_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    int rc = real_vfs->xOpen(real_vfs, name, f, flags, out);
    if (rc == SQLITE_OK && f->pMethods) {
        no_shm_methods = *f->pMethods;
        no_shm_methods.iVersion = 1; /* no xShm* methods */
        f->pMethods = &no_shm_methods;
    }
    return rc;
}

TEST(wal_mode_must_take)
{
    real_vfs = sqlite3_vfs_find(NULL);
    no_shm_vfs = *real_vfs;
    no_shm_vfs.zName = "crm-test-no-shm";
    no_shm_vfs.xOpen = no_shm_open;
    CHECK_INT(sqlite3_vfs_register(&no_shm_vfs, 1), SQLITE_OK);
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    crm_db *db = (crm_db *)1;
    int rc = crm_open(&db, path, NULL);
    sqlite3_vfs_unregister(&no_shm_vfs);
    sqlite3_vfs_register(real_vfs, 1);
    CHECK_INT(rc, CRM_EIO);
    CHECK(db == NULL);
    CHECK_CONTAINS(crm_errmsg(NULL), "WAL mode");
    CHECK_CONTAINS(crm_errmsg(NULL), "'delete'");
    test_remove_db(path);
}

static mode_t mode_of(const char *path, const char *suffix)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", path, suffix);
    struct stat sb;
    return stat(p, &sb) == 0 ? sb.st_mode & 07777 : (mode_t)-1;
}

/* Open (creating), write once so that the -wal and -shm exist, and
 * report the modes of all three while the handle is open. */
static int modes_after_create(const char *path, unsigned int extra, mode_t want)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags |= extra;
    crm_db *db;
    if (crm_open(&db, path, &o) != CRM_OK)
        return 0;
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Private Person", id);
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        mode_t m = mode_of(path, suffixes[i]);
        if (m != want) {
            fprintf(stderr, "%s%s has mode %o, wanted %o\n", path, suffixes[i], (unsigned)m,
                    (unsigned)want);
            ok = 0;
        }
    }
    crm_close(db);
    return ok;
}

TEST(new_files_are_private)
{
    mode_t old = umask(022);
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    int ok = modes_after_create(path, 0, 0600);
    test_remove_db(path);
    /* Group access when asked for, whatever the umask takes away. */
    ok = ok && modes_after_create(path, CRM_OPEN_GROUP_ACCESS, 0660);
    test_remove_db(path);
    umask(077);
    ok = ok && modes_after_create(path, CRM_OPEN_GROUP_ACCESS, 0660);
    test_remove_db(path);
    /* A file that exists keeps the mode its owner gave it. */
    crm_db *db;
    umask(022);
    if (ok && crm_open(&db, path, NULL) == CRM_OK) {
        crm_close(db);
        ok = chmod(path, 0640) == 0 && crm_open(&db, path, NULL) == CRM_OK;
        if (ok)
            crm_close(db);
        ok = ok && mode_of(path, "") == 0640;
    }
    umask(old);
    test_remove_db(path);
    CHECK(ok);
}

/* n rows (v = 1..n), for filling tables. */
#define SERIES(n) "(WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < " #n ") SELECT v FROM s)"

/* What another program may leave beside its file when it dies. */
static const struct hot_kind {
    const char *name, *setup, *crash, *left; /* left: the file that must remain */
} hot_kinds[] = {
    { "an un-checkpointed log",
      "PRAGMA journal_mode = WAL; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total);",
      "PRAGMA wal_autocheckpoint = 0; INSERT INTO invoices (total) SELECT v FROM " SERIES(2000) ";",
      "-wal" },
    { "a log holding every table of a database that looks empty without it",
      "PRAGMA journal_mode = WAL;",
      "PRAGMA wal_autocheckpoint = 0; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total); "
      "INSERT INTO invoices (total) VALUES (1);",
      "-wal" },
    { "a log whose page 1 names another application",
      "PRAGMA journal_mode = WAL; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total);",
      "PRAGMA wal_autocheckpoint = 0; PRAGMA application_id = 42; INSERT INTO invoices (total) "
      "VALUES (1);",
      "-wal" },
    { "a hot rollback journal (DELETE)",
      "PRAGMA journal_mode = DELETE; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total); "
      "INSERT INTO invoices (total) SELECT randomblob(200) FROM " SERIES(5000) ";",
      "PRAGMA cache_size = 2; BEGIN; UPDATE invoices SET total = randomblob(300);",
      "-journal" },
    { "a hot rollback journal (TRUNCATE)",
      "PRAGMA journal_mode = TRUNCATE; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total); "
      "INSERT INTO invoices (total) SELECT randomblob(200) FROM " SERIES(5000) ";",
      "PRAGMA journal_mode = TRUNCATE; PRAGMA cache_size = 2; BEGIN; "
      "UPDATE invoices SET total = randomblob(300);",
      "-journal" },
    { "a hot rollback journal (PERSIST)",
      "PRAGMA journal_mode = PERSIST; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total); "
      "INSERT INTO invoices (total) SELECT randomblob(200) FROM " SERIES(5000) ";",
      "PRAGMA journal_mode = PERSIST; PRAGMA cache_size = 2; BEGIN; "
      "UPDATE invoices SET total = randomblob(300);",
      "-journal" },
    { "a hot rollback journal of an empty database",
      "PRAGMA journal_mode = DELETE;",
      "PRAGMA cache_size = 2; BEGIN; CREATE TABLE invoices (id INTEGER PRIMARY KEY, total); "
      "INSERT INTO invoices (total) SELECT randomblob(200) FROM " SERIES(5000) ";",
      "-journal" },
};

TEST(foreign_hot_files_untouched)
{
    for (size_t k = 0; k < sizeof hot_kinds / sizeof hot_kinds[0]; k++) {
        const struct hot_kind *h = &hot_kinds[k];
        char path[256], left[300];
        test_temp_path(path, sizeof path, ".db");
        snprintf(left, sizeof left, "%s%s", path, h->left);
        int ok = crash_after(path, h->setup) == 0 && crash_after(path, h->crash) == 0;
        if (!ok || !exists(left)) {
            fprintf(stderr, "%s: could not make %s\n", path, h->name);
            CHECK(0);
        }
        /* Every way of opening it: each refuses and leaves it as it was. */
        ok = refused_untouched(path, CRM_OPEN_CREATE, CRM_ENOTCRM, "left unchanged") &&
             refused_untouched(path, 0, CRM_ENOTCRM, "left unchanged") &&
             refused_untouched(path, CRM_OPEN_READONLY, CRM_ENOTCRM, "left unchanged");
        if (!ok)
            fprintf(stderr, "with %s\n", h->name);
        test_remove_db(path);
        CHECK(ok);
    }
}

/* An empty file with a rollback journal beside it is what a connection
 * creating the file leaves for a moment: an open waits, up to the busy
 * timeout, for the journal to go, and refuses only a journal that stays. */
TEST(file_being_created_is_waited_for)
{
    char path[256], journal[300];
    test_temp_path(path, sizeof path, ".db");
    snprintf(journal, sizeof journal, "%s-journal", path);
    static const unsigned char header[28] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };
    for (int pass = 0; pass < 2; pass++) {
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        fclose(f);
        f = fopen(journal, "wb");
        CHECK(f != NULL);
        CHECK_INT(fwrite(header, 1, sizeof header, f), sizeof header);
        fclose(f);
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        crm_db *db = NULL;
        if (pass == 0) {
            /* The creator finishes 100 ms later. */
            pid_t pid = fork();
            CHECK(pid >= 0);
            if (pid == 0) {
                usleep(100 * 1000);
                _exit(unlink(journal) == 0 ? 0 : 1);
            }
            int64_t t0 = crm_now();
            int rc = crm_open(&db, path, &o);
            int64_t waited = crm_now() - t0;
            int status = 0;
            waitpid(pid, &status, 0);
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            if (rc != CRM_OK)
                fprintf(stderr, "%s\n", crm_errmsg(NULL));
            CHECK_INT(rc, CRM_OK);
            CHECK(waited >= 90);
            crm_close(db);
        } else {
            /* A journal that stays is another program's, to be recovered. */
            CHECK(refused_untouched(path, 0, CRM_ENOTCRM, "a rollback journal to recover"));
        }
        test_remove_db(path);
    }
}

/* A libcrm file whose writer died before the log was ever copied back:
 * the main file's header does not carry libcrm's id yet, the log does.
 * (libcrm itself copies a new file's header back at once; another
 * program's SQLite, or a crash at the wrong moment, may not.) */
TEST(own_file_with_hot_log_opens)
{
    char path[256], sql[1 << 18] = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; BEGIN;";
    test_temp_path(path, sizeof path, ".db");
    static const char *const files[] = { CRM_SCHEMA_DIR "/0001_core.sql",
                                         CRM_SCHEMA_DIR "/0002_history.sql" };
    for (int i = 0; i < 2; i++) {
        char *text = test_slurp_text(files[i]);
        CHECK(text != NULL);
        strncat(sql, text, sizeof sql - strlen(sql) - 1);
        free(text);
    }
    strncat(sql,
            "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 'Survivor', "
            "'survivor', 1700000000000, 1700000000000, NULL); COMMIT;",
            sizeof sql - strlen(sql) - 1);
    CHECK_INT(crash_after(path, sql), 0);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK(exists(wal));
    /* The main file's page 1 is still the empty database's. */
    FILE *f = fopen(path, "rb");
    unsigned char head[72] = { 0 };
    CHECK(f != NULL);
    CHECK_INT(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    CHECK_INT(head[68] | head[69] | head[70] | head[71], 0);
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 1);
    crm_close(db);
    test_remove_db(path);
}

/* A libcrm file with something added behind libcrm's back. */
static const struct planted {
    const char *sql, *frag;
} planted[] = {
    { "CREATE TRIGGER steal AFTER INSERT ON identity BEGIN "
      "UPDATE identity SET customer_id = (SELECT id FROM customer LIMIT 1) "
      "WHERE kind = new.kind AND key = new.key; END;",
      "trigger 'steal'" },
    { "CREATE TRIGGER hide AFTER INSERT ON journal BEGIN DELETE FROM journal; END;",
      "trigger 'hide'" },
    { "CREATE VIEW everyone AS SELECT name FROM customer;", "view 'everyone'" },
    { "CREATE TABLE notes (x);", "table 'notes'" },
    { "CREATE INDEX by_updated ON customer (updated_at);", "index 'by_updated'" },
    { "DROP INDEX customer_by_name; CREATE INDEX customer_by_name ON customer (name);",
      "index 'customer_by_name' otherwise" },
    { "DROP INDEX customer_by_name;", "lacks index 'customer_by_name'" },
};

TEST(planted_objects_refused)
{
    for (size_t k = 0; k < sizeof planted / sizeof planted[0]; k++) {
        char path[256];
        crm_db *db = test_open_file(path, sizeof path);
        char id[CRM_ID_LEN + 1];
        test_customer(db, CRM_CUSTOMER_PERSON, "Jane Victim-Doe", id);
        crm_close(db);
        /* Planted by a program that died, and left in its log. */
        CHECK_INT(crash_after(path, planted[k].sql), 0);
        int ok = refused_unwritten(path, CRM_OPEN_CREATE, CRM_ECORRUPT, planted[k].frag) &&
                 refused_unwritten(path, CRM_OPEN_READONLY, CRM_ECORRUPT, planted[k].frag) &&
                 strstr(crm_errmsg(NULL), "ran nothing in it") != NULL;
        test_remove_db(path);
        CHECK(ok);
    }
    /* SQLite's own statistics tables are not libcrm's, and are allowed. */
    char path[256];
    crm_db *db = test_open_file(path, sizeof path);
    crm_close(db);
    CHECK_INT(crash_after(path, "ANALYZE;"), 0);
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_close(db);
    test_remove_db(path);
}

TEST(own_id_without_schema_version)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK_INT(crash_after(path, "PRAGMA application_id = 1129467185; CREATE TABLE customer (x);"),
              0);
    CHECK(refused_unwritten(path, CRM_OPEN_CREATE, CRM_ECORRUPT, "schema version 0"));
    test_remove_db(path);
}

TEST(not_a_regular_file)
{
    char dir[256], fifo[256];
    test_temp_path(dir, sizeof dir, ".d");
    CHECK_INT(mkdir(dir, 0700), 0);
    for (unsigned int flags = 0; flags <= CRM_OPEN_CREATE; flags += CRM_OPEN_CREATE) {
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.flags = flags;
        crm_db *db;
        CHECK_INT(crm_open(&db, dir, &o), CRM_EIO);
        CHECK_CONTAINS(crm_errmsg(NULL), "is a directory");
        CHECK(strstr(crm_errmsg(NULL), "CRM_OPEN_CREATE") == NULL);
    }
    CHECK_INT(rmdir(dir), 0);
    test_temp_path(fifo, sizeof fifo, ".fifo");
    CHECK_INT(mkfifo(fifo, 0600), 0);
    crm_db *db;
    CHECK_INT(crm_open(&db, fifo, NULL), CRM_EIO);
    CHECK_CONTAINS(crm_errmsg(NULL), "not a regular file");
    CHECK(strstr(crm_errmsg(NULL), "CRM_OPEN_CREATE") == NULL);
    CHECK_INT(unlink(fifo), 0);
    /* What a missing file does get. */
    CHECK_INT(crm_open(&db, fifo, &(crm_open_options){ 1, 0, 5000, 0, NULL, NULL, NULL, NULL }), CRM_EIO);
    CHECK_CONTAINS(crm_errmsg(NULL), "does not exist; pass CRM_OPEN_CREATE");
}

/* A read-only open of a file in a directory the process may not write.
 * Root may write everywhere, so the check runs as nobody when the test
 * runs as root. */
TEST(read_only_in_read_only_directory)
{
    char dir[256], path[300];
    test_temp_path(dir, sizeof dir, ".d");
    CHECK_INT(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/shop.db", dir);
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Reader", id);
    crm_close(db);
    CHECK_INT(chmod(path, 0644), 0);
    CHECK_INT(chmod(dir, 0555), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(5);
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.flags = CRM_OPEN_READONLY;
        int rc = crm_open(&db, path, &o);
        if (rc != CRM_EIO)
            _exit(rc == CRM_OK ? 6 : 7);
        const char *m = crm_errmsg(NULL);
        _exit(strstr(m, "-shm") && strstr(m, "readonly database") == NULL ? 0 : 8);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    chmod(dir, 0700);
    test_remove_db(path);
    rmdir(dir);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), 0);
}

int main(void)
{
    RUN(uri_paths_are_file_names);
    RUN(wal_mode_must_take);
    RUN(new_files_are_private);
    RUN(foreign_hot_files_untouched);
    RUN(file_being_created_is_waited_for);
    RUN(own_file_with_hot_log_opens);
    RUN(planted_objects_refused);
    RUN(own_id_without_schema_version);
    RUN(not_a_regular_file);
    RUN(read_only_in_read_only_directory);
    return test_summary();
}
