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
    [CRM__Q_IDENTITY_FIND] =
        "SELECT i.customer_id, i.value, i.flags, i.created_at, c.name "
        "FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.kind = ?1 AND i.key = ?2",
    [CRM__Q_IDENTITY_INSERT] =
        "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Without INDEXED BY, SQLite (no statistics) prefers the primary key's
     * leading kind column and scans every identity of the kind. */
    [CRM__Q_IDENTITY_OTHER_PRIMARY] =
        "SELECT key, value, flags FROM identity INDEXED BY identity_by_customer "
        "WHERE customer_id = ?1 AND kind = ?2 AND flags & 1 AND key <> ?3 LIMIT 1",
    [CRM__Q_IDENTITY_SET_FLAGS] = "UPDATE identity SET flags = ?3 WHERE kind = ?1 AND key = ?2",
    [CRM__Q_IDENTITY_DELETE] = "DELETE FROM identity WHERE kind = ?1 AND key = ?2",
    [CRM__Q_IDENTITY_LIST] =
        "SELECT kind, value, key, flags, created_at, customer_id FROM identity "
        "WHERE customer_id = ?1 ORDER BY kind, flags & 1 DESC, created_at, key",

    /* ---- end identities ---- */

    /* ---- attributes, tags, members (attr.c, tag.c, member.c) ---- */
    [CRM__Q_ATTR_GET] = "SELECT value FROM customer_attr WHERE customer_id = ?1 AND key = ?2",
    [CRM__Q_ATTR_SET] =
        "INSERT INTO customer_attr (customer_id, key, value) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (customer_id, key) DO UPDATE SET value = excluded.value",
    [CRM__Q_ATTR_UNSET] = "DELETE FROM customer_attr WHERE customer_id = ?1 AND key = ?2",
    [CRM__Q_ATTR_LIST] = "SELECT key, value FROM customer_attr WHERE customer_id = ?1 ORDER BY key",
    [CRM__Q_TAG_HAS] = "SELECT 1 FROM customer_tag WHERE customer_id = ?1 AND tag = ?2",
    [CRM__Q_TAG_ADD] = "INSERT INTO customer_tag (customer_id, tag) VALUES (?1, ?2)",
    [CRM__Q_TAG_REMOVE] = "DELETE FROM customer_tag WHERE customer_id = ?1 AND tag = ?2",
    [CRM__Q_TAG_LIST] = "SELECT tag FROM customer_tag WHERE customer_id = ?1 ORDER BY tag",
    [CRM__Q_MEMBER_ROLE] = "SELECT role FROM membership WHERE org_id = ?1 AND person_id = ?2",
    [CRM__Q_MEMBER_ADD] =
        "INSERT INTO membership (org_id, person_id, role, since) VALUES (?1, ?2, ?3, ?4)",
    [CRM__Q_MEMBER_REMOVE] = "DELETE FROM membership WHERE org_id = ?1 AND person_id = ?2",
    [CRM__Q_MEMBER_PEOPLE] =
        "SELECT m.org_id, o.name, m.person_id, p.name, m.role, m.since "
        "FROM membership m JOIN customer o ON o.id = m.org_id "
        "JOIN customer p ON p.id = m.person_id WHERE m.org_id = ?1 ORDER BY p.name_key, p.id",
    [CRM__Q_MEMBER_ORGS] =
        "SELECT m.org_id, o.name, m.person_id, p.name, m.role, m.since "
        "FROM membership m JOIN customer o ON o.id = m.org_id "
        "JOIN customer p ON p.id = m.person_id WHERE m.person_id = ?1 ORDER BY o.name_key, o.id",

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
