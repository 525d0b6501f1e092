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
    [CRM__Q_CUSTOMER_FIND] = "SELECT kind, name FROM customer WHERE id = ?1",
    [CRM__Q_CUSTOMER_TOUCH] = "UPDATE customer SET updated_at = ?2 WHERE id = ?1",
    [CRM__Q_CUSTOMER_INSERT] =
        "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    [CRM__Q_CUSTOMER_RENAME] =
        "UPDATE customer SET name = ?2, name_key = ?3, updated_at = ?4 WHERE id = ?1",
    [CRM__Q_CUSTOMER_ARCHIVED] = "SELECT archived_at IS NOT NULL FROM customer WHERE id = ?1",
    [CRM__Q_CUSTOMER_SET_ARCHIVED] =
        "UPDATE customer SET archived_at = ?2, updated_at = ?3 WHERE id = ?1",

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

/* Columns: id, kind, name, created_at, updated_at, archived (0/1). */
#define CUSTOMER_COLUMNS \
    "c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL"

/* The SQL is assembled from fixed fragments only; every value is bound.
 * With a tag the walk starts from the tag index, which is ordered by
 * customer id, so a rare tag is cheap at any size. */
static int customer_list_sql(char *buf, size_t size, unsigned int shape)
{
    bool tag = shape & CRM__SHAPE_CUSTOMER_LIST_TAG;
    bool by_name = shape & CRM__SHAPE_CUSTOMER_LIST_BY_NAME;
    const char *idcol = tag ? "t.customer_id" : "c.id";
    int n = snprintf(buf, size, "SELECT " CUSTOMER_COLUMNS " FROM %s WHERE 1",
                     tag ? "customer_tag t JOIN customer c ON c.id = t.customer_id"
                         : "customer c");
#define ADD(...)                                                               \
    do {                                                                       \
        if (n >= 0 && (size_t)n < size)                                        \
            n += snprintf(buf + n, size - (size_t)n, __VA_ARGS__);             \
    } while (0)
    if (tag)
        ADD(" AND t.tag = ?1");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_KIND)
        ADD(" AND c.kind = ?2");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_ACTIVE)
        ADD(" AND c.archived_at IS NULL");
    else if (shape & CRM__SHAPE_CUSTOMER_LIST_ARCHIVED)
        ADD(" AND c.archived_at IS NOT NULL");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_NAME_PREFIX)
        ADD(" AND c.name_key >= ?3 AND c.name_key < ?4");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_EMPTY)
        ADD(" AND 0");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_FROM)
        ADD(" AND %s >= ?5", idcol);
    if (shape & CRM__SHAPE_CUSTOMER_LIST_TO)
        ADD(" AND %s < ?6", idcol);
    if ((shape & CRM__SHAPE_CUSTOMER_LIST_AFTER) && !by_name)
        ADD(" AND %s > ?7", idcol);
    if ((shape & CRM__SHAPE_CUSTOMER_LIST_AFTER) && by_name)
        ADD(" AND (c.name_key, c.id) > ((SELECT name_key FROM customer WHERE id = ?7), ?7)");
    if (!by_name)
        ADD(" ORDER BY %s", idcol);
    else
        ADD(" ORDER BY c.name_key, c.id");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_LIMIT)
        ADD(" LIMIT ?8");
#undef ADD
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

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
    case CRM__Q_CUSTOMER_LIST:
        return customer_list_sql(buf, size, shape);

    /* end customers */

    /* interactions (interaction.c) */

    /* end interactions */

    /* promises (promise.c) */

    /* end promises */
    default:
        return -1;
    }
}
