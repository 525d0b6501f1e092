/*
 * libcrm - the SQL of every query (lib/store/queries.h) for SQLite. Every
 * value is a parameter: the shaped lists are assembled from fixed
 * fragments only.
 */
#include <stdio.h>

#include "internal.h"
#include "store/sqlite/sqlite.h"

const char *const crm__sqlite_sql[CRM__Q_COUNT] = {
    /* ---- the handle (db.c, engine.c) ---- */
    [CRM__Q_BEGIN] = "BEGIN IMMEDIATE",
    [CRM__Q_COMMIT] = "COMMIT",
    [CRM__Q_ROLLBACK] = "ROLLBACK",

    /* ---- customers (customer.c) ---- */
    [CRM__Q_CUSTOMER_GET] =
        "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL "
        "FROM customer c WHERE c.id = ?1",

    /* ---- end customers ---- */

    /* ---- identities (identity.c) ---- */
    [CRM__Q_IDENTITY_LOOKUP] =
        "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL "
        "FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.kind = ?1 AND i.key = ?2",

    /* ---- end identities ---- */

    /* ---- attributes, tags, members (attr.c, tag.c, member.c) ---- */

    /* ---- end attributes, tags, members ---- */

    /* ---- interactions (interaction.c) ---- */

    /* ---- end interactions ---- */

    /* ---- promises (promise.c) ---- */

    /* ---- end promises ---- */

    /* ---- occasions and the journal (occasion.c, journal.c) ---- */

    /* ---- end occasions and the journal ---- */
};

/* ---- shaped lists ---- */

/* customers (customer.c) */

/* end customers */

/* interactions (interaction.c) */

/* end interactions */

/* promises (promise.c) */

/* end promises */

int crm__sqlite_shaped(char *buf, size_t size, crm__query q, unsigned int shape)
{
    (void)buf;
    (void)size;
    (void)shape;
    switch (q) {
    /* customers (customer.c) */

    /* end customers */

    /* interactions (interaction.c) */

    /* end interactions */

    /* promises (promise.c) */

    /* end promises */
    default:
        return -1;
    }
}
