/*
 * The write-ahead log stays bounded while readers never all stop. SQLite
 * starts the log afresh only when no reader still reads an older part of
 * it; with a reader always in a transaction it never does, and the log
 * grew to many times the database (7.4 GB for 128 MB under
 * tests/reliability/test_concurrent's threads). Here two reader threads
 * take turns so that one is always reading while this thread commits
 * 75 MiB of log: the log must stay near libcrm's bound.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

#include "test.h"

typedef struct reader {
    const char *path;
    atomic_int *stop;
    long reads;
    int failed; /* SQLite code of a failure, 0 if none */
} reader;

static void pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* Short read transactions back to back, each holding its snapshot a while. */
static void *read_loop(void *arg)
{
    reader *r = arg;
    sqlite3 *s = NULL;
    int rc = sqlite3_open_v2(r->path, &s, SQLITE_OPEN_READONLY, NULL);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s, "SELECT count(*) FROM customer_attr", -1, &st, NULL);
    while (rc == SQLITE_OK && !atomic_load(r->stop)) {
        rc = sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(s);
            sqlite3_reset(st);
            pause_ms(3);
            int end = sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
            rc = rc == SQLITE_OK ? end : rc;
        }
        if ((rc & 0xff) == SQLITE_BUSY)
            rc = SQLITE_OK; /* a checkpoint or recovery held it a moment: read again */
        r->reads++;
    }
    r->failed = rc;
    sqlite3_finalize(st);
    sqlite3_close(s);
    return NULL;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

TEST(log_bounded_under_endless_readers)
{
    char path[256], wal[300], a[CRM_ID_LEN + 1];
    crm_db *db = test_open_file(path, sizeof path);
    CHECK_OK(db, crm_close(db));
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.durability = CRM_DURABILITY_NORMAL; /* no sync per commit: the test is about size */
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    snprintf(wal, sizeof wal, "%s-wal", path);

    atomic_int stop = 0;
    reader r[2] = { { path, &stop, 0, 0 }, { path, &stop, 0, 0 } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        CHECK_INT(pthread_create(&th[i], NULL, read_loop, &r[i]), 0);
        pause_ms(2); /* out of step: one is always reading */
    }
    /* Each value changes a few pages (the attribute, the journal's copy of
     * the new and the old value, their indexes): 2500 of them make 75 MiB
     * of log when nothing bounds it. */
    char *value = test_long_string(CRM_ATTR_VALUE_MAX - 8);
    long long largest = 0;
    for (int i = 0; i < 2500; i++) {
        snprintf(value, 8, "%07d", i);
        value[7] = 'x';
        CHECK_OK(db, crm_attr_set(db, a, "notes", value));
        long long w = file_size(wal);
        largest = w > largest ? w : largest;
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(r[i].failed, SQLITE_OK);
        CHECK(r[i].reads > 10);
    }
    printf("  largest log %.1f MiB; reads %ld + %ld\n", (double)largest / 1048576.0, r[0].reads,
           r[1].reads);
    /* The bound is 8192 pages of 4 KiB (32 MiB), and 4 MiB more for each
     * try that finds a reader slow to finish (on a loaded machine). */
    CHECK(largest < 48LL * 1048576);
    free(value);
    crm_close(db);
    test_remove_db(path);
}

int main(void)
{
    RUN(log_bounded_under_endless_readers);
    return test_summary();
}
