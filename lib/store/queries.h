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
