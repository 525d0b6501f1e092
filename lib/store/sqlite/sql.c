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
    /* interaction.c reads these by position (read_fields, text_column). */
#define INTERACTION_COLUMNS                                                                   \
    "id, customer_id, channel, direction, occurred_at, handled_by, reason, outcome, public, " \
    "sentiment, summary, body, thread_id, reply_to, external_ref, updated_at"
    [CRM__Q_INTERACTION_PARENT] = "SELECT customer_id, thread_id FROM interaction WHERE id = ?1",
    [CRM__Q_INTERACTION_ID_BY_REF] =
        "SELECT id FROM interaction WHERE channel = ?1 AND external_ref = ?2",
    [CRM__Q_INTERACTION_INSERT] =
        "INSERT INTO interaction (id, customer_id, channel, direction, occurred_at, handled_by, "
        "reason, outcome, public, sentiment, summary, body, thread_id, reply_to, external_ref, "
        "created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    [CRM__Q_INTERACTION_GET] = "SELECT " INTERACTION_COLUMNS " FROM interaction WHERE id = ?1",
    [CRM__Q_INTERACTION_GET_BY_REF] =
        "SELECT " INTERACTION_COLUMNS " FROM interaction WHERE channel = ?1 AND external_ref = ?2",
    [CRM__Q_INTERACTION_CURRENT] =
        "SELECT customer_id, outcome, reason, summary FROM interaction WHERE id = ?1",
    [CRM__Q_INTERACTION_SET_OUTCOME] =
        "UPDATE interaction SET outcome = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_SET_REASON] =
        "UPDATE interaction SET reason = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_SET_SUMMARY] =
        "UPDATE interaction SET summary = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_BEFORE] =
        "SELECT occurred_at FROM interaction WHERE id = ?1 AND customer_id = ?2",
    [CRM__Q_INTERACTION_THREAD_OF] = "SELECT thread_id FROM interaction WHERE id = ?1",
    [CRM__Q_INTERACTION_THREAD] = "SELECT " INTERACTION_COLUMNS
                                  " FROM interaction WHERE thread_id = ?1 ORDER BY occurred_at, id",

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

/* The walk is the index interaction_timeline backwards from the newest (or
 * from `before`), so the order costs no sort. */
static int timeline_sql(char *buf, size_t size, unsigned int shape)
{
    static const struct {
        unsigned int bit; /* 0: always there */
        const char *sql;
    } part[] = {
        { 0, "SELECT " INTERACTION_COLUMNS " FROM interaction WHERE customer_id = ?1" },
        { CRM__SHAPE_TIMELINE_CHANNELS, " AND (?2 >> channel) & 1" },
        { CRM__SHAPE_TIMELINE_FROM, " AND occurred_at >= ?3" },
        { CRM__SHAPE_TIMELINE_TO, " AND occurred_at < ?4" },
        { CRM__SHAPE_TIMELINE_REASON, " AND reason >= ?5 AND reason < ?6" },
        { CRM__SHAPE_TIMELINE_DIRECTION, " AND direction = ?7" },
        { CRM__SHAPE_TIMELINE_PUBLIC, " AND public = 1" },
        { CRM__SHAPE_TIMELINE_OUTCOMES, " AND (?8 >> outcome) & 1" },
        { CRM__SHAPE_TIMELINE_BEFORE, " AND (occurred_at, id) < (?9, ?10)" },
        { 0, " ORDER BY occurred_at DESC, id DESC" },
        { CRM__SHAPE_TIMELINE_LIMIT, " LIMIT ?11" },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof part / sizeof part[0]; i++) {
        if (part[i].bit && !(shape & part[i].bit))
            continue;
        size_t len = strlen(part[i].sql);
        if (len >= size - n)
            return -1;
        memcpy(buf + n, part[i].sql, len + 1);
        n += len;
    }
    return 0;
}

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
    case CRM__Q_TIMELINE:
        return timeline_sql(buf, size, shape);
    /* end interactions */

    /* promises (promise.c) */

    /* end promises */
    default:
        return -1;
    }
}
