/*
 * libcrm - the database's own settings: the default country national
 * phone numbers are read in, kept in the file.
 */
#include <string.h>

#include "internal/check.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "phone.h"
#include "store/store.h"

#define DEFAULT_COUNTRY "default_country"

int crm__region_check(crm_db *db, const char *field, const char *region, char out[3])
{
    char q[CRM__QUOTE_SIZE];
    bool ok = strlen(region) == 2;
    char r[3] = { 0 };
    for (int i = 0; ok && i < 2; i++) {
        char c = region[i];
        ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        r[i] = (char)(c & ~0x20);
    }
    if (ok && crm__phone_region_known(r)) {
        memcpy(out, r, 3);
        return CRM_OK;
    }
    return crm__error(db, CRM_EINVAL,
                      "%s '%s' is not a country the phone normaliser (%s) knows; use a "
                      "two-letter ISO 3166 code such as US or DE",
                      field, crm__quote(q, sizeof q, region), crm__phone_backend());
}

/* The file's default country in out ("" when none, or when it names a
 * region this build's phone normaliser does not know). */
static int stored(crm_db *db, char out[3])
{
    CRM__ST(st);
    out[0] = '\0';
    int rc = crm__st_get(db, CRM__Q_SETTING_GET, &st);
    if (rc)
        return rc;
    crm__bind_literal(st, 1, DEFAULT_COUNTRY);
    rc = crm__st_step(st, "reading the database's settings");
    if (rc == CRM_ROW) {
        const char *v = crm__col_text(st, 0);
        if (v && strlen(v) == 2 && crm__phone_region_known(v))
            memcpy(out, v, 3);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        rc = CRM_OK;
    }
    return rc;
}

int crm__settings_load(crm_db *db)
{
    if (db->region_fixed)
        return CRM_OK;
    return stored(db, db->region);
}

static void region_undo(crm_db *db)
{
    memcpy(db->region, db->region_undo, 3);
}

int crm_default_country_set(crm_db *db, const char *region)
{
    CRM__ENTER(db);
    char next[3] = { 0 }, old[3];
    if (region && *region) {
        int rc = crm__region_check(db, "default country", region, next);
        if (rc)
            return rc;
    }
    int rc = crm__write_begin(db);
    if (rc == CRM_OK)
        rc = stored(db, old);
    if (rc == CRM_OK && strcmp(old, next) != 0) {
        CRM__ST(st);
        rc = crm__st_get(db, next[0] ? CRM__Q_SETTING_PUT : CRM__Q_SETTING_DELETE, &st);
        if (rc == CRM_OK) {
            crm__bind_literal(st, 1, DEFAULT_COUNTRY);
            if (next[0])
                crm__bind_text(st, 2, next);
            rc = crm__st_run(st, "keeping the default country");
        }
        if (rc == CRM_OK) {
            crm__jfield f[] = {
                CRM__JWORD("name", DEFAULT_COUNTRY),
                old[0] ? (crm__jfield)CRM__JTEXT("old", old)
                       : (crm__jfield){ "old", CRM__J_NULL, NULL, 0 },
                next[0] ? (crm__jfield)CRM__JTEXT("new", next)
                        : (crm__jfield){ "new", CRM__J_NULL, NULL, 0 },
            };
            rc = CRM__JOURNAL(db, "setting", NULL, "set", f);
        }
    }
    rc = crm__write_end(db, rc);
    if (rc == CRM_OK && !db->region_fixed) {
        /* In a group, the file has it only if the group commits. */
        if (crm_in_transaction(db) && !db->group_undo) {
            memcpy(db->region_undo, db->region, 3);
            db->group_undo = region_undo;
        }
        memcpy(db->region, next, 3);
    }
    return rc;
}

const char *crm_default_country(const crm_db *db)
{
    return db && db->region[0] ? db->region : NULL;
}
