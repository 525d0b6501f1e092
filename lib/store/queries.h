/*
 * libcrm - every statement the concepts run, by name. Each engine gives
 * each name its SQL (lib/store/sqlite/sql.c for SQLite); the comment of a
 * name says what it does, its parameters (?1, ?2, ...) and the columns of
 * its rows, which every engine keeps to. A list whose SQL depends on which
 * clauses its filter uses takes a shape: the bits named after it.
 */
#ifndef CRM_STORE_QUERIES_H
#define CRM_STORE_QUERIES_H

typedef enum crm__query {
    /* ---- the handle (db.c) ---- */
    CRM__Q_NONE,     /* no statement: 0 is never a query */
    CRM__Q_BEGIN,    /* a write transaction, taking the write lock at once */
    CRM__Q_COMMIT,
    CRM__Q_ROLLBACK,

    /* ---- customers (customer.c) ---- */
    CRM__Q_CUSTOMER_GET, /* ?1 id -> id, kind, name, created_at, updated_at, archived (0/1) */

    /* ---- end customers ---- */

    /* ---- identities (identity.c) ---- */
    CRM__Q_IDENTITY_LOOKUP, /* ?1 kind, ?2 key -> the owner: the columns of CRM__Q_CUSTOMER_GET */

    /* ---- end identities ---- */

    /* ---- attributes, tags, members (attr.c, tag.c, member.c) ---- */

    /* ---- end attributes, tags, members ---- */

    /* ---- interactions (interaction.c) ---- */

    /* ---- end interactions ---- */

    /* ---- promises (promise.c) ---- */

    /* ---- end promises ---- */

    /* ---- occasions and the journal (occasion.c, journal.c) ---- */
    CRM__Q_OCCASION_INSERT,   /* ?1 id, ?2 customer id, ?3 kind, ?4 yearly, ?5 year, ?6 month,
                                 ?7 day, ?8 md (month * 100 + day), ?9 lead_days, ?10 note,
                                 ?11 created_at */
    CRM__Q_OCCASION_FIND,     /* ?1 id -> customer_id, kind, yearly, year, month, day */
    CRM__Q_OCCASION_DELETE,   /* ?1 id */
    CRM__Q_OCCASION_GET,      /* ?1 id -> id, customer_id, kind, yearly, year, month, day,
                                 lead_days, note */
    CRM__Q_OCCASION_LIST,     /* ?1 customer id -> the columns of CRM__Q_OCCASION_GET, by md, id */
    CRM__Q_OCCASION_MAX_LEAD, /* -> the largest lead_days of any occasion, 0 when none */
    CRM__Q_OCCASION_MONTH,    /* ?1 first md, ?2 last md, ?3 ids below -> the columns of
                                 CRM__Q_OCCASION_GET, in no order */
    /* An entry with n fields (_0 to _6): ?1 at, ?2 actor, ?3 entity, ?4 entity id, ?5 op, then
     * each field's key and value from ?6 on, which make data, a JSON object */
    CRM__Q_JOURNAL_WRITE_0, /* ?1..?5, data {} */
    CRM__Q_JOURNAL_WRITE_1, /* ?1..?7 */
    CRM__Q_JOURNAL_WRITE_2, /* ?1..?9 */
    CRM__Q_JOURNAL_WRITE_3, /* ?1..?11 */
    CRM__Q_JOURNAL_WRITE_4, /* ?1..?13 */
    CRM__Q_JOURNAL_WRITE_5, /* ?1..?15 */
    CRM__Q_JOURNAL_WRITE_6, /* ?1..?17 */
    CRM__Q_JOURNAL_LAST_SEQ,  /* -> the newest entry's seq, 0 when none */
    CRM__Q_JOURNAL_READ,      /* ?1 after seq, ?2 up to seq -> seq, at, actor, entity, entity_id,
                                 op, data, by seq */

    /* ---- end occasions and the journal ---- */

    CRM__Q_COUNT
} crm__query;

/* ---- shapes of the lists that take one ---- */

/* customers (customer.c) */

/* end customers */

/* interactions (interaction.c) */

/* end interactions */

/* promises (promise.c) */

/* end promises */

#endif
