/*
 * libcrm - checks of a call's arguments (check.c). Private to the library: nothing here is exported, and
 * names use a double underscore.
 */
#ifndef CRM_INTERNAL_CHECK_H
#define CRM_INTERNAL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crm.h"
#include "internal/util.h"

/* ---- argument checks (check.c) ------------------------------------------ */
/* Each returns CRM_OK or sets CRM_EINVAL naming `field`. */
#define CRM__TEXT_NO_CONTROL 0x1u /* reject C0 controls and DEL */
#define CRM__TEXT_NO_EDGE_SPACE 0x2u /* reject leading/trailing spaces */
int crm__check_db(const crm_db *db);
int crm__check_text(crm_db *db, const char *field, const char *s, size_t min, size_t max,
                    unsigned int flags);
int crm__check_id(crm_db *db, const char *field, const char *s, crm__uuid *out);
int crm__check_out(crm_db *db, const void *out);
/* Who does or owns something, named as an actor is ("agent:alice",
 * "team:billing"): the actor, an owner, who handled a contact. field names
 * it in messages. */
int crm__check_actor(crm_db *db, const char *field, const char *name);
/* A time libcrm stores: CRM_TIME_MIN..CRM_TIME_MAX. */
int crm__check_time(crm_db *db, const char *field, int64_t t);
/* A time that may be CRM_TIME_NONE ("not given"). */
int crm__check_time_opt(crm_db *db, const char *field, int64_t t);
/* A time of a spec or filter of the given version: before version 2, 0
 * meant "not given", which CRM_TIME_NONE says now. */
static inline int64_t crm__time_given(unsigned int version, int64_t t)
{
    return version < 2 && t == 0 ? CRM_TIME_NONE : t;
}
/* A code such as an attribute key or a reason: 1..max bytes of
 * [A-Za-z0-9_.:-]. */
int crm__check_code(crm_db *db, const char *field, const char *s, size_t max);
/* A caller-defined kind name: [a-z][a-z0-9_]{0,31}. */
bool crm__is_kind_name(const char *s);
int crm__check_kind_name(crm_db *db, const char *field, const char *s);

/* A two-letter region the phone normaliser knows, in capitals in out;
 * CRM_EINVAL naming field otherwise (setting.c). */
int crm__region_check(crm_db *db, const char *field, const char *region, char out[3]);
/* The file's settings into a handle being opened (setting.c). */
int crm__settings_load(crm_db *db);

#endif
