/*
 * libcrm - the database handle: its options, its actor, opening and
 * closing it. What a file is and how it is opened, checked and migrated is
 * the storage engine's (lib/store/).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"
#include "phone.h"
#include "store/store.h"

/* ---- actor -------------------------------------------------------------- */

int crm_set_actor(crm_db *db, const char *actor)
{
    CRM__ENTER(db);
    if (!actor)
        actor = "system";
    int rc = crm__check_actor(db, "actor", actor);
    if (rc)
        return rc;
    snprintf(db->actor, sizeof db->actor, "%s", actor);
    return CRM_OK;
}

const char *crm_actor(const crm_db *db)
{
    return db ? db->actor : NULL;
}

/* ---- durability --------------------------------------------------------- */

static const char *const durability_names[] = { "full", "normal" };

const char *crm_durability_name(crm_durability_t durability)
{
    return durability >= CRM_DURABILITY_FULL && durability <= CRM_DURABILITY_NORMAL
               ? durability_names[durability]
               : NULL;
}

int crm_durability_parse(crm_durability_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int d = crm__word_index(durability_names, CRM_DURABILITY_FULL, CRM_DURABILITY_NORMAL, name);
    if (d < 0)
        return crm__parse_error(__func__, "a durability", name, "full or normal");
    *out = (crm_durability_t)d;
    return CRM_OK;
}

/* ---- open and close ----------------------------------------------------- */

/* The size of a version 1 struct: everything before the clock. */
#define OPTIONS_V1_SIZE offsetof(crm_open_options, clock)

int crm_open_options_init(crm_open_options *opts, unsigned int version)
{
    if (!opts)
        return crm__null_arg(__func__, "opts");
    if (version < 1 || version > CRM_OPEN_OPTIONS_VERSION)
        return crm__thread_error(CRM_EINVAL,
                                 "%s: version %u is not one this libcrm knows (1 to %d); pass "
                                 "CRM_OPEN_OPTIONS_VERSION",
                                 __func__, version, CRM_OPEN_OPTIONS_VERSION);
    crm_open_options d = CRM_OPEN_OPTIONS_INIT;
    d.version = version;
    /* A version 1 caller's struct ends before the clock. */
    memcpy(opts, &d, version == 1 ? OPTIONS_V1_SIZE : sizeof d);
    return CRM_OK;
}

/* ---- the clock ---------------------------------------------------------- */

int crm__clock_read(crm_db *db)
{
    int64_t t = db->clock ? db->clock(db->clock_ctx) : crm_now();
    if (t < 0 || t > CRM_TIME_MAX)
        return crm__error(db, CRM_EMISUSE,
                          "%s gives %lld, which is not a time libcrm can record as now: a clock "
                          "gives ms since the epoch from 0 (1970-01-01, the earliest time an id "
                          "can carry) to CRM_TIME_MAX (9999-12-31T23:59:59.999Z); nothing was "
                          "changed",
                          db->clock ? "the clock of crm_open_options" : "the system clock",
                          (long long)t);
    db->now = t;
    return CRM_OK;
}

int64_t crm__now(crm_db *db)
{
    return db->now;
}

int crm_schema_version(int *out, crm_db *db)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    return rc ? rc : crm__store_schema_version(db, out);
}

int crm_schema_version_max(void)
{
    return crm__store_schema_count();
}

static int check_options(crm_db *db, const crm_open_options *o)
{
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
        int rc = crm__check_actor(db, "actor", o->actor);
        if (rc)
            return rc;
    }
    if (o->default_country) {
        int rc = crm__region_check(db, "crm_open_options.default_country", o->default_country,
                                   db->region);
        if (rc)
            return rc;
        db->region_fixed = true;
    }
    return CRM_OK;
}
static void destroy(crm_db *db)
{
    crm__free(db->path);
    crm__slots_free(db);
    crm__lock_destroy(db);
    crm__free(db);
}

static int fail_open(crm_db *db, int rc)
{
    crm__store_close(db, true);
    crm__thread_error(rc, "%s", crm_errmsg(db));
    destroy(db);
    return rc;
}

int crm_open(crm_db **out, const char *path, const crm_open_options *opts)
{
    crm_open_options defaults = CRM_OPEN_OPTIONS_INIT;
    const crm_open_options *o = opts ? opts : &defaults;
    crm__thread_error(CRM_OK, "not an error");
    if (!out) {
        crm__thread_error(CRM_EINVAL, "crm_open: out is NULL");
        return CRM_EINVAL;
    }
    *out = NULL;
    crm_db *db = crm__calloc(1, sizeof *db);
    if (!db || crm__lock_init(db) != 0) {
        crm__free(db);
        crm__thread_error(CRM_ENOMEM, "out of memory opening a database");
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
    if (o->version >= 2) {
        db->clock = o->clock;
        db->clock_ctx = o->clock_ctx;
    }
    if (o->actor)
        snprintf(db->actor, sizeof db->actor, "%s", o->actor);
    rc = crm__store_open(db, path, o);
    if (rc == CRM_OK)
        rc = crm__settings_load(db);
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
    crm__store_close(db, false);
    destroy(db);
    crm__handles_add(-1);
    return CRM_OK;
}
