/*
 * JSON Lines import: any bytes, into a database that is empty or holds
 * what earlier inputs left; kept whole or not at all. Then the database
 * exported and imported into an empty one exports the same bytes, and
 * imported again into itself adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_io.h"

/* An empty database for each round trip, copied from one made once: an
 * open that creates the schema costs the most of a run. */
static char template_path[64], fresh_path[64];

static void remove_files(const char *path)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static void remove_fresh(void)
{
    remove_files(fresh_path);
    remove_files(template_path);
}

static crm_db *open_fresh(void)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    if (!template_path[0]) {
        snprintf(template_path, sizeof template_path, "%.30s/fuzz-jsonl-%d.db", tmp,
                 (int)getpid());
        snprintf(fresh_path, sizeof fresh_path, "%.30s/fuzz-jsonl-%d-run.db", tmp, (int)getpid());
        remove_files(template_path);
        crm_db *made = NULL;
        FUZZ_ASSERT(crm_open(&made, template_path, NULL) == CRM_OK, "open: %s",
                    crm_errmsg(NULL));
        crm_close(made);
        atexit(remove_fresh);
    }
    remove_files(fresh_path);
    FILE *in = fopen(template_path, "rb"), *out = fopen(fresh_path, "wb");
    FUZZ_ASSERT(in && out, "copying the empty database");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        FUZZ_ASSERT(fwrite(buf, 1, n, out) == n, "copying the empty database");
    fclose(in);
    FUZZ_ASSERT(fclose(out) == 0, "copying the empty database");
    crm_db *fresh = NULL;
    FUZZ_ASSERT(crm_open(&fresh, fresh_path, NULL) == CRM_OK, "open: %s", crm_errmsg(NULL));
    return fresh;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crm_db *db = fuzz_open();
    fuzz_import(db, crm_jsonl_import_mem, data, size, 0);
    char *one = NULL;
    FUZZ_ASSERT(crm_jsonl_export_mem(&one, db) == CRM_OK, "export: %s", crm_errmsg(db));
    crm_db *fresh = open_fresh();
    int rc = crm_jsonl_import_mem(NULL, fresh, one, strlen(one), NULL);
    FUZZ_ASSERT(rc == CRM_OK, "the export does not import: %s\n%s", crm_errmsg(fresh), one);
    char *two = NULL;
    FUZZ_ASSERT(crm_jsonl_export_mem(&two, fresh) == CRM_OK, "export: %s", crm_errmsg(fresh));
    FUZZ_ASSERT(strcmp(one, two) == 0, "export, import, export differ:\n%s\n---\n%s", one, two);
    crm_free(two);
    crm_close(fresh);
    crm_free(one);
    fuzz_round_trip(db, crm_jsonl_export_mem, crm_jsonl_import_mem);
    return 0;
}
