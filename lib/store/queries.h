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
    CRM__Q_CUSTOMER_FIND,         /* ?1 id -> kind, name */
    CRM__Q_CUSTOMER_TOUCH,        /* ?1 id, ?2 updated_at */
    CRM__Q_CUSTOMER_INSERT,       /* ?1 id, ?2 kind, ?3 name, ?4 name_key, ?5 created_at */
    CRM__Q_CUSTOMER_RENAME,       /* ?1 id, ?2 name, ?3 name_key, ?4 updated_at */
    CRM__Q_CUSTOMER_ARCHIVED,     /* ?1 id -> archived (0/1) */
    CRM__Q_CUSTOMER_SET_ARCHIVED, /* ?1 id, ?2 archived_at (NULL: not archived), ?3 updated_at */
    /* shaped by CRM__SHAPE_CUSTOMER_LIST_*: ?1 tag, ?2 kind, ?3 ?4 name_key range [lo, hi),
     * ?5 ?6 id range [lo, hi), ?7 after, ?8 limit -> the columns of CRM__Q_CUSTOMER_GET */
    CRM__Q_CUSTOMER_LIST,

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
#define CRM__SHAPE_CUSTOMER_LIST_TAG 0x001u          /* t.tag = ?1, walked from the tag index */
#define CRM__SHAPE_CUSTOMER_LIST_KIND 0x002u         /* c.kind = ?2 */
#define CRM__SHAPE_CUSTOMER_LIST_ACTIVE 0x004u       /* not archived */
#define CRM__SHAPE_CUSTOMER_LIST_ARCHIVED 0x008u     /* archived */
#define CRM__SHAPE_CUSTOMER_LIST_NAME_PREFIX 0x010u  /* ?3 <= c.name_key < ?4 */
#define CRM__SHAPE_CUSTOMER_LIST_EMPTY 0x020u        /* no row at all */
#define CRM__SHAPE_CUSTOMER_LIST_FROM 0x040u         /* id >= ?5 */
#define CRM__SHAPE_CUSTOMER_LIST_TO 0x080u           /* id < ?6 */
#define CRM__SHAPE_CUSTOMER_LIST_AFTER 0x100u        /* past ?7 in the list's order */
#define CRM__SHAPE_CUSTOMER_LIST_BY_NAME 0x200u      /* by name_key, id; else by id */
#define CRM__SHAPE_CUSTOMER_LIST_LIMIT 0x400u        /* LIMIT ?8 */

/* end customers */

/* interactions (interaction.c) */

/* end interactions */

/* promises (promise.c) */

/* end promises */

#endif
