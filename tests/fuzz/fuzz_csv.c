/*
 * CSV import: any bytes, imported stopping at the first bad row (kept
 * whole or not at all) and skipping bad rows (the counts add up, each
 * error has a place and a UTF-8 message); then what the database holds,
 * exported and imported again, adds nothing.
 */
#include "fuzz_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crm_db *db = fuzz_open();
    crm_import_result *r = fuzz_import(db, crm_csv_import_mem, data, size, 1);
    crm_import_result_free(r);
    fuzz_round_trip(db, crm_csv_export_mem, crm_csv_import_mem);
    return 0;
}
