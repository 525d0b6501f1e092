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
    CRM__Q_IDENTITY_FIND, /* ?1 kind, ?2 key -> customer_id, value, flags, created_at, owner name */
    CRM__Q_IDENTITY_INSERT, /* ?1 kind, ?2 key, ?3 value, ?4 customer_id, ?5 flags, ?6 created_at */
    CRM__Q_IDENTITY_OTHER_PRIMARY, /* ?1 customer_id, ?2 kind, ?3 key -> key, value, flags */
    CRM__Q_IDENTITY_SET_FLAGS,     /* ?1 kind, ?2 key, ?3 flags */
    CRM__Q_IDENTITY_DELETE,        /* ?1 kind, ?2 key */
    CRM__Q_IDENTITY_LIST, /* ?1 customer_id -> kind, value, key, flags, created_at, customer_id */

    /* ---- end identities ---- */

    /* ---- attributes, tags, members (attr.c, tag.c, member.c) ---- */
    CRM__Q_ATTR_GET,      /* ?1 customer_id, ?2 key -> value */
    CRM__Q_ATTR_SET,      /* ?1 customer_id, ?2 key, ?3 value: added, or the old value replaced */
    CRM__Q_ATTR_UNSET,    /* ?1 customer_id, ?2 key */
    CRM__Q_ATTR_LIST,     /* ?1 customer_id -> key, value */
    CRM__Q_TAG_HAS,       /* ?1 customer_id, ?2 tag -> 1 */
    CRM__Q_TAG_ADD,       /* ?1 customer_id, ?2 tag */
    CRM__Q_TAG_REMOVE,    /* ?1 customer_id, ?2 tag */
    CRM__Q_TAG_LIST,      /* ?1 customer_id -> tag */
    CRM__Q_MEMBER_ROLE,   /* ?1 org_id, ?2 person_id -> role */
    CRM__Q_MEMBER_ADD,    /* ?1 org_id, ?2 person_id, ?3 role, ?4 since */
    CRM__Q_MEMBER_REMOVE, /* ?1 org_id, ?2 person_id */
    CRM__Q_MEMBER_PEOPLE, /* ?1 org_id -> org_id, org name, person_id, person name, role, since */
    CRM__Q_MEMBER_ORGS,   /* ?1 person_id -> the columns of CRM__Q_MEMBER_PEOPLE */

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
