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
    [CRM__Q_OCCASION_INSERT] =
        "INSERT INTO occasion (id, customer_id, kind, yearly, year, month, day, md, lead_days, "
        "note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [CRM__Q_OCCASION_FIND] =
        "SELECT customer_id, kind, yearly, year, month, day FROM occasion WHERE id = ?1",
    [CRM__Q_OCCASION_DELETE] = "DELETE FROM occasion WHERE id = ?1",
    [CRM__Q_OCCASION_GET] =
        "SELECT id, customer_id, kind, yearly, year, month, day, lead_days, note "
        "FROM occasion WHERE id = ?1",
    [CRM__Q_OCCASION_LIST] =
        "SELECT id, customer_id, kind, yearly, year, month, day, lead_days, note "
        "FROM occasion WHERE customer_id = ?1 ORDER BY md, id",
    [CRM__Q_OCCASION_MAX_LEAD] = "SELECT coalesce(max(lead_days), 0) FROM occasion",
    [CRM__Q_OCCASION_MONTH] =
        "SELECT id, customer_id, kind, yearly, year, month, day, lead_days, note "
        "FROM occasion WHERE md BETWEEN ?1 AND ?2 AND id < ?3",
    /* One statement per number of changed fields; the JSON object is made by
     * SQLite's json_object() from bound keys and values. */
    [CRM__Q_JOURNAL_WRITE_0] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, json_object())",
    [CRM__Q_JOURNAL_WRITE_1] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7))",
    [CRM__Q_JOURNAL_WRITE_2] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9))",
    [CRM__Q_JOURNAL_WRITE_3] =
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11))",
    [CRM__Q_JOURNAL_WRITE_4] =
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13))",
    [CRM__Q_JOURNAL_WRITE_5] =
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))",
    [CRM__Q_JOURNAL_WRITE_6] =
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "VALUES (?1, ?2, ?3, ?4, ?5, json_object(?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17))",
    [CRM__Q_JOURNAL_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM journal",
    [CRM__Q_JOURNAL_READ] = "SELECT seq, at, actor, entity, entity_id, op, data FROM journal "
                            "WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",

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
