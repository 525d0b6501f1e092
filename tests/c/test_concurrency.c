/*
 * Several processes on one file: every write of every process lands, none
 * escapes the busy timeout, and the journal has one row per change.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

enum { WRITERS = 3, PER_WRITER = 100 };

/* A child: PER_WRITER customers with one phone each, each its own
 * transaction; exit status 0 only if every call succeeded. */
static int writer(const char *path, int w)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    char actor[32];
    snprintf(actor, sizeof actor, "writer:%d", w);
    o.actor = actor;
    crm_db *db;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "writer %d: %s\n", w, crm_errmsg(NULL));
        return 1;
    }
    for (int i = 0; i < PER_WRITER; i++) {
        crm_customer *c;
        char name[64], phone[32];
        snprintf(name, sizeof name, "Customer %d-%d", w, i);
        snprintf(phone, sizeof phone, "(212) 5%02d-%04d", w, i); /* +12125WWIIII */
        if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, name) != CRM_OK ||
            crm_identity_add(NULL, db, crm_customer_id(c), "phone", phone, 0) != CRM_OK) {
            fprintf(stderr, "writer %d, write %d: %s\n", w, i, crm_errmsg(db));
            crm_customer_free(c);
            crm_close(db);
            return 1;
        }
        crm_customer_free(c);
    }
    crm_close(db);
    return 0;
}

/* Start the writers on path and wait for all; 1 if every one succeeded. */
static int run_writers(const char *path)
{
    pid_t pids[WRITERS];
    int ok = 1;
    for (int w = 0; w < WRITERS; w++) {
        fflush(NULL);
        pids[w] = fork();
        if (pids[w] < 0)
            return 0;
        if (pids[w] == 0)
            _exit(writer(path, w));
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        if (waitpid(pids[w], &status, 0) != pids[w] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fprintf(stderr, "writer %d failed\n", w);
            ok = 0;
        }
    }
    return ok;
}

/* Every customer of every writer is there, found by its phone, and the
 * journal has exactly one row per change. */
static int all_there(const char *path)
{
    crm_db *db;
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    if (crm_open(&db, path, &o) != CRM_OK)
        return 0;
    int ok = 1;
    for (int w = 0; ok && w < WRITERS; w++) {
        for (int i = 0; ok && i < PER_WRITER; i++) {
            char phone[32], name[64];
            snprintf(phone, sizeof phone, "+12125%02d%04d", w, i);
            snprintf(name, sizeof name, "Customer %d-%d", w, i);
            crm_customer *found;
            if (crm_identity_lookup(&found, db, "phone", phone) != CRM_OK) {
                fprintf(stderr, "%s: %s\n", phone, crm_errmsg(db));
                ok = 0;
                break;
            }
            ok = strcmp(crm_customer_name(found), name) == 0;
            crm_customer_free(found);
        }
    }
    int n = 0;
    crm_customer_cursor *cur;
    const crm_customer *c;
    if (ok && crm_customer_list_open(&cur, db, NULL) == CRM_OK) {
        while (crm_customer_cursor_next(cur, &c) == CRM_ROW)
            n++;
        crm_customer_cursor_free(cur);
    }
    int64_t seq = 0;
    crm_journal_last_seq(&seq, db);
    if (n != WRITERS * PER_WRITER || seq != 2 * WRITERS * PER_WRITER) {
        fprintf(stderr, "%d customers and %lld journal rows, expected %d and %d\n", n,
                (long long)seq, WRITERS * PER_WRITER, 2 * WRITERS * PER_WRITER);
        ok = 0;
    }
    crm_close(db);
    return ok;
}

TEST(processes_lose_nothing)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    /* The file exists first, so the writers race on writes only. */
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_close(db);
    CHECK(run_writers(path));
    CHECK(all_there(path));
    test_remove_db(path);
}

TEST(creation_race)
{
    /* Writers that all find the file missing: one creates the schema, the
     * others wait for it and then write; nothing is lost either way. */
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK(run_writers(path));
    CHECK(all_there(path));
    test_remove_db(path);
}

int main(void)
{
    RUN(processes_lose_nothing);
    RUN(creation_race);
    return test_summary();
}
