/*
 * JSON Lines import: any bytes, into a database that is empty or holds
 * what earlier inputs left; kept whole or not at all. Then the database
 * exported and imported into an empty one exports the same bytes, and
 * imported again into itself adds nothing.
 */
#include "fuzz_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crm_db *db = fuzz_open();
    fuzz_import(db, crm_jsonl_import_mem, data, size, 0);
    char *one = NULL;
    FUZZ_ASSERT(crm_jsonl_export_mem(&one, db) == CRM_OK, "export: %s", crm_errmsg(db));
    crm_db *fresh = NULL;
    FUZZ_ASSERT(crm_open(&fresh, ":memory:", NULL) == CRM_OK, "open: %s", crm_errmsg(NULL));
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
