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
    /* ---- transactions (store/sqlite/engine.c) ---- */
    CRM__Q_NONE,     /* no statement: 0 is never a query */
    CRM__Q_BEGIN,    /* a write transaction, taking the write lock at once */
    CRM__Q_COMMIT,
    CRM__Q_ROLLBACK,

    /* ---- customers (customer.c) ---- */
    CRM__Q_CUSTOMER_GET, /* ?1 id -> id, kind, name, created_at, updated_at, archived (0/1),
                            owner (NULL: none), erased_at (NULL: not erased) */
    CRM__Q_CUSTOMER_FIND,         /* ?1 id -> kind, name, owner (NULL: none), erased_at */
    CRM__Q_CUSTOMER_TOUCH,        /* ?1 id, ?2 updated_at */
    CRM__Q_CUSTOMER_INSERT, /* ?1 id, ?2 kind, ?3 name, ?4 name_key, ?5 created_at, ?6 fold_key */
    CRM__Q_CUSTOMER_RENAME, /* ?1 id, ?2 name, ?3 name_key, ?4 updated_at, ?5 fold_key */
    CRM__Q_CUSTOMER_ARCHIVED,     /* ?1 id -> archived (0/1), erased_at */
    CRM__Q_CUSTOMER_SET_ARCHIVED, /* ?1 id, ?2 archived_at (NULL: not archived), ?3 updated_at */
    CRM__Q_CUSTOMER_SET_OWNER,    /* ?1 id, ?2 owner (NULL: none), ?3 updated_at */
    /* shaped by CRM__SHAPE_CUSTOMER_LIST_*: ?1 tag, ?2 kind, ?3 ?4 name_key range [lo, hi),
     * ?5 ?6 id range [lo, hi), ?7 after, ?8 limit, ?9 owner -> the columns of
     * CRM__Q_CUSTOMER_GET */
    CRM__Q_CUSTOMER_LIST,

    /* ---- identities (identity.c) ---- */
    /* A row is one customer's holding of a (kind, key); a shared value has one per holder. */
    CRM__Q_IDENTITY_LOOKUP,   /* ?1 kind, ?2 key -> each holder: the columns of
                                 CRM__Q_CUSTOMER_GET, by id */
    CRM__Q_IDENTITY_HOLDERS,  /* the same, for a list */
    CRM__Q_IDENTITY_FIND,     /* ?1 kind, ?2 key, ?3 customer_id -> value, flags, created_at */
    CRM__Q_IDENTITY_HOLDINGS, /* ?1 kind, ?2 key -> customer_id, flags, customer name, by id */
    CRM__Q_IDENTITY_INSERT, /* ?1 kind, ?2 key, ?3 value, ?4 customer_id, ?5 flags, ?6 created_at */
    CRM__Q_IDENTITY_OTHER_PRIMARY, /* ?1 customer_id, ?2 kind, ?3 key -> key, value, flags */
    CRM__Q_IDENTITY_SET_FLAGS,     /* ?1 kind, ?2 key, ?3 customer_id, ?4 flags */
    CRM__Q_IDENTITY_DELETE,        /* ?1 kind, ?2 key, ?3 customer_id */
    CRM__Q_IDENTITY_LIST, /* ?1 customer_id -> kind, value, key, flags, created_at, customer_id */
    /* ?1 kind, ?2 key, ?3 customer_id, ?4 primary (0/1) -> a row when anyone holds (kind, key)
     * or, with ?4, when the customer holds any identity of the kind; none when an add needs
     * no other check or change */
    CRM__Q_IDENTITY_ADD_CLEAR,

    /* ---- resolving what a caller said (resolve.c) ---- */
    /* ?1 a customer id, ?2 ?3, ?4 ?5, ?6 ?7 three (kind, key) pairs, each NULL when not
     * wanted -> each customer with that id or holding one of the identities, once: the
     * columns of CRM__Q_CUSTOMER_GET, by id */
    CRM__Q_RESOLVE,
    CRM__Q_RESOLVE_LIST, /* the same, for a list */
    /* ?1 ?2, ?3 ?4, ?5 ?6 three (kind, key) pairs, each NULL when not wanted -> each holder
     * of each, as it is found (a customer once for each pair it holds): the columns of
     * CRM__Q_CUSTOMER_GET */
    CRM__Q_RESOLVE_ROWS,

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

    /* ---- interactions (interaction.c) ---- */
    /* "The columns" below: id, customer_id, channel, direction, occurred_at, handled_by, reason,
     * outcome, public, sentiment, summary, body, thread_id, reply_to, external_ref, updated_at,
     * channel_name (the name of a custom channel, NULL for a built-in one). A channel is its
     * number: 1..11 built in, 64 and up custom (CRM__Q_CHANNEL_*). */
    CRM__Q_INTERACTION_PARENT,      /* ?1 id -> customer_id, thread_id */
    CRM__Q_INTERACTION_ID_BY_REF,   /* ?1 channel, ?2 external_ref -> id */
    CRM__Q_INTERACTION_INSERT,      /* ?1..?15 the columns but updated_at; ?16 both times */
    CRM__Q_INTERACTION_GET,         /* ?1 id -> the columns */
    CRM__Q_INTERACTION_GET_BY_REF,  /* ?1 channel, ?2 external_ref -> the columns */
    /* ?1 id -> customer_id, outcome, reason, summary, public, the customer's erased_at */
    CRM__Q_INTERACTION_CURRENT,
    CRM__Q_INTERACTION_SET_OUTCOME, /* ?1 id, ?2 outcome, ?3 updated_at */
    CRM__Q_INTERACTION_SET_REASON,  /* ?1 id, ?2 reason, ?3 updated_at */
    CRM__Q_INTERACTION_SET_SUMMARY, /* ?1 id, ?2 summary, ?3 updated_at */
    CRM__Q_INTERACTION_BEFORE,      /* ?1 id, ?2 customer_id -> occurred_at */
    /* shaped by CRM__SHAPE_TIMELINE_* as CRM__Q_TIMELINE, but for BEFORE, which is AFTER here:
     * (occurred_at, id) > (?9, ?10); ?1 thread_id (with HEAD: an interaction of the thread)
     * -> the columns, oldest first */
    CRM__Q_INTERACTION_THREAD,
    /* shaped by CRM__SHAPE_TIMELINE_*: ?1 customer_id -> the columns, newest first */
    CRM__Q_TIMELINE,

    /* ---- promises (promise.c) ---- */
    /* A promise's columns: id, customer_id, interaction_id, owner, what, state, due_at,
     * made_at, closed_at, kept_by, renegotiations, first_due_at. */
    CRM__Q_PROMISE_INTERACTION, /* ?1 interaction id -> customer_id */
    CRM__Q_PROMISE_INSERT,      /* ?1 id, ?2 customer id, ?3 interaction id, ?4 owner, ?5 what,
                                   ?6 due_at (the first due time too), ?7 made_at; state open */
    CRM__Q_PROMISE_EVENT,       /* ?1 promise id, ?2 seq, ?3 kind, ?4 at, ?5 actor, ?6 old_due,
                                   ?7 new_due, ?8 customer_agreed, ?9 interaction id, ?10 note */
    CRM__Q_PROMISE_HEAD,        /* ?1 id -> customer_id, state, due_at, the last event's seq
                                   (0: none), kind and at, the customer's erased_at */
    CRM__Q_PROMISE_CLOSE,       /* ?1 id, ?2 state, ?3 closed_at, ?4 kept_by */
    CRM__Q_PROMISE_REDUE,       /* ?1 id, ?2 due_at */
    CRM__Q_PROMISE_GET,         /* ?1 id -> a promise's columns */
    CRM__Q_PROMISE_GET_STEP,    /* ?1 id -> a promise's columns, the customer's erased_at */
    CRM__Q_PROMISE_DUE,         /* ?1 id -> due_at */
    CRM__Q_PROMISE_LIST,        /* shaped by CRM__SHAPE_PROMISE_LIST_*: ?1 customer id, ?2 owner,
                                   ?3 ?4 ?5 states, ?6 due before, ?7 ?8 after (due_at, id),
                                   ?9 limit -> a promise's columns, by due_at, id */
    CRM__Q_PROMISE_EXISTS,      /* ?1 id -> 1 */
    CRM__Q_PROMISE_HISTORY,     /* ?1 promise id -> kind, at, actor, old_due, new_due,
                                   customer_agreed, interaction_id, note, by seq */

    /* ---- occasions and the journal (occasion.c, journal.c) ---- */
    CRM__Q_OCCASION_INSERT,   /* ?1 id, ?2 customer id, ?3 kind, ?4 yearly, ?5 year, ?6 month,
                                 ?7 day, ?8 md (month * 100 + day), ?9 lead_days, ?10 note,
                                 ?11 created_at */
    CRM__Q_OCCASION_FIND,     /* ?1 id -> customer_id, kind, yearly, year, month, day */
    CRM__Q_OCCASION_DELETE,   /* ?1 id */
    CRM__Q_OCCASION_GET,      /* ?1 id -> id, customer_id, kind, yearly, year, month, day,
                                 lead_days, note */
    CRM__Q_OCCASION_LIST,     /* ?1 customer id -> the columns of CRM__Q_OCCASION_GET, by md, id */
    CRM__Q_OCCASION_MAX_LEAD, /* -> the largest lead_days of any occasion, 0 when none;
                                 the largest id, NULL when none */
    CRM__Q_OCCASION_MONTH,    /* ?1 first md, ?2 last md, ?3 ids up to -> the columns of
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
    CRM__Q_JOURNAL_READ,      /* ?1 after seq -> seq, at, actor, entity, entity_id, op, data,
                                 by seq */
    /* ?1 seq -> key, type (a word of crm_json_type_name()), value as text (see
     * crm_journal_field_value()), the data's own type, for each top-level field of the entry's
     * data in the order written; an entry without fields gives one row whose key and type are
     * NULL, and no entry none */
    CRM__Q_JOURNAL_FIELDS,

    /* ---- open channels, counting customers, the public flag ---- */
    /* shaped by CRM__SHAPE_CUSTOMER_LIST_* as CRM__Q_CUSTOMER_LIST, whose paging and order bits
     * (AFTER, BY_NAME, LIMIT) it ignores: the same parameters -> the number of customers */
    CRM__Q_CUSTOMER_COUNT,
    CRM__Q_INTERACTION_SET_PUBLIC, /* ?1 id, ?2 public (0/1), ?3 updated_at */
    /* ?1 id, ?2 interaction id -> a row when ?2 exists: its thread_id, and ?1's occurred_at
     * when it is of that thread, else NULL */
    CRM__Q_INTERACTION_THREAD_KEY,
    CRM__Q_CHANNEL_CODE,           /* ?1 name -> code */
    CRM__Q_CHANNEL_ADD,            /* ?1 name: a new channel, numbered past every other (64 up) */

    /* ---- a promise's last step (promise.c) ---- */
    CRM__Q_PROMISE_LAST_STEP, /* ?1 promise id -> the last event's seq, kind and at */

    /* ---- reports (report.c) ---- */
    /* Each shaped by CRM__SHAPE_REPORT_*, over ?1 from, ?2 to (the window [?1, ?2), always
     * bound), ?3 channel bits, ?4 custom channel names ",name,name,", ?5 the customers'
     * owner, ?6 reason depth; "contacts" are inbound interactions, and a reason is taken at
     * the depth with DEPTH. */
    /* -> reason, NULL, contacts, all contacts, the running contacts of the reasons by
     * contacts desc, reason (NULL last); with BY_CHANNEL also a row per reason and channel
     * after the reason's (reason, channel name, contacts, all contacts, NULL), then contacts
     * desc, channel name; four more columns carry that order */
    CRM__Q_REPORT_REASONS,
    /* ?7 repeat window (ms) -> reason, contacts, repeats, by contacts desc, reason; the
     * contacts before the window are read for the repeats of those in it (and, for FCR,
     * those after it for the repeats that follow) */
    CRM__Q_REPORT_REPEATS,
    /* ?7 repeat window (ms) -> 'channel' or 'reason', the channel word or reason, first contacts,
     * resolved first, group (0: channel, 1: reason), by group, first contacts desc, key */
    CRM__Q_REPORT_FCR,
    /* ?8 hand-over window (ms) -> reason, IVR contacts, handed over, contained, by IVR contacts
     * desc, reason */
    CRM__Q_REPORT_HANDOVER,
    /* on promises made in the window (channels: of the interaction made during); ?9 as_of ->
     * owner, made, kept on time, kept late, broken, released, open, overdue, renegotiations,
     * agreed, not agreed, kept on time + kept late + broken + overdue, 0; then the overall
     * row (owner NULL, 1) */
    CRM__Q_REPORT_KEEP_RATE,
    /* -> period start, channel name, 'in' or 'out', public, interactions, in that order */
    CRM__Q_REPORT_CHANNEL_MIX,
    /* ---- the agenda (agenda.c) ---- */
    /* shaped by CRM__SHAPE_AGENDA_*: ?1 owner, ?2 as_of, ?3 ?4 promises due in [?3, ?4),
     * ?5 ?6 ?7 ?8 the head starts of kinds 1 to 4, ?9 as_of's day at 00:00 UTC (ms), ?10 its
     * year, ?11 its month * 100 + day, ?12 limit -> kind (1..4), customer id, customer name,
     * customer owner, item id, promise owner, since, due_at, score, channel, channel name (a
     * custom one's), occasion kind, waiting contacts or lead days; by score DESC, since, kind,
     * item id */
    CRM__Q_AGENDA,
    /* ---- search (search.c) ---- */
    /* ?1 the query (crm__bind_text_query), ?2 ?3 the marks around a matched word in the
     * snippet, ?4 kinds (bit k: kind k), ?5 customer id (NULL: any), ?6 the customer's owner
     * (NULL: any), ?7 archived customers too (0/1), ?8 limit, ?9 offset -> kind (1 customer,
     * 2 identity, 3 attribute, 4 interaction, 5 promise), field (1 name, 2 value, 3 summary,
     * 4 body, 5 what), customer_id, the customer's name, the identity's kind or the
     * attribute's key ('' for the others), the interaction's or promise's id (else not an
     * id), snippet, rank (lower is better), by rank, then the oldest row first */
    CRM__Q_SEARCH,
    /* The engine's own, at the end of a write call that changed what search reads (see
     * lib/store/sqlite/schema/0008_search.sql): the index forgets the words of the rows
     * removed, learns those of the rows added, and the notes are cleared. */
    CRM__Q_SEARCH_SYNC_GONE,
    CRM__Q_SEARCH_SYNC_ADDED,
    CRM__Q_SEARCH_SYNC_CLEAR,

    /* ---- consent (consent.c) ---- */
    /* An event's columns: id, customer_id, purpose, channel's word (NULL: every channel),
     * granted, at, actor, interaction_id, note ('' when none). */
    CRM__Q_CONSENT_INSERT,      /* ?1 id, ?2 customer id, ?3 purpose, ?4 channel code (NULL:
                                   every channel), ?5 granted, ?6 at, ?7 actor, ?8 interaction
                                   id, ?9 note */
    CRM__Q_CONSENT_INTERACTION, /* ?1 interaction id -> customer_id */
    /* ?1 customer id, ?2 purpose, ?3 channel word (NULL: every channel) -> the deciding
     * event's granted and id; no row when none decides. The deciding event: the latest of ?2
     * on ?3 or on every channel, by at, then id (a word no channel has yet: every channel's) */
    CRM__Q_CONSENT_CHECK,
    CRM__Q_CONSENT_KNOWN, /* ?1 customer id -> the customer exists (0/1) */
    CRM__Q_CONSENT_GET,         /* ?1 id -> an event's columns */
    CRM__Q_CONSENT_HISTORY,     /* ?1 customer id, ?2 purpose (NULL: any), ?3 channel code
                                   (NULL: any; else that channel's and every channel's events)
                                   -> an event's columns, by at desc, id desc */
    /* ---- confirming who is there (verify.c) ---- */
    CRM__Q_VERIFY_STATE, /* ?1 customer id -> failures, first_failure_at, locked_until (NULL:
                            not locked); no row: no wrong answer counted */
    /* ?1 customer id, ?2 failures, ?3 first_failure_at, ?4 locked_until (NULL: none): the
     * row added or replaced */
    CRM__Q_VERIFY_FAIL,
    CRM__Q_VERIFY_CLEAR, /* ?1 customer id: the row gone (a right answer) */
    /* ---- the database's settings (setting.c) ---- */
    CRM__Q_SETTING_GET,    /* ?1 name -> value (no row: not set) */
    CRM__Q_SETTING_PUT,    /* ?1 name, ?2 value: made or replaced */
    CRM__Q_SETTING_DELETE, /* ?1 name */
    /* ---- ids by their first digits (id.c): ?1 ?2 the id range [lo, hi], ?3 limit -> id,
     * by id ---- */
    CRM__Q_ID_CUSTOMERS,    /* customers there are: not erased */
    CRM__Q_ID_INTERACTIONS,
    CRM__Q_ID_PROMISES,
    CRM__Q_ID_OCCASIONS,
    /* ---- deleting an interaction (interaction.c) ---- */
    /* ?1 id -> customer_id, channel's word, direction, occurred_at, thread_id, reply_to, the
     * number of its replies, of promises made during or kept by it, and of promise steps
     * naming it, the id of a consent event naming it (NULL: none), when it is the first
     * of its thread the oldest other one of the thread (else NULL), and the customer's
     * erased_at */
    CRM__Q_INTERACTION_DELETE_LINKS,
    /* ?1 id, ?2 its thread_id, ?3 its reply_to, ?4 updated_at: its replies answer ?3 */
    CRM__Q_INTERACTION_DELETE_RELINK,
    /* ?1 id, the first of its thread, ?2 the oldest other one: the others take it as first */
    CRM__Q_INTERACTION_DELETE_RETHREAD,
    /* ?1 id, ?2 customer id: promises made during or kept by it, and their steps, no longer
     * name it */
    CRM__Q_INTERACTION_DELETE_UNLINK_PROMISES,
    CRM__Q_INTERACTION_DELETE_UNLINK_STEPS,
    CRM__Q_INTERACTION_DELETE, /* ?1 id */
    /* ---- privacy: export, erase, retention (privacy.c) ---- */
    /* ?1 customer id -> erased_at (NULL while not erased); no row: no such customer */
    CRM__Q_PRIVACY_STATE,
    /* ?1 customer id, ?2 now -> erased_at, and while it is NULL the customer's export, one JSON
     * document (docs/export-format.md) */
    CRM__Q_PRIVACY_EXPORT,
    /* ?1 customer id -> identities, attributes, tags, memberships, occasions, interactions,
     * promises, consent events, journal entries */
    CRM__Q_PRIVACY_COUNTS,
    /* Each of the erase's steps: ?1 customer id (?2 its canonical text, ?3 now, where used).
     * The journal's entries about the customer, and about every id merged into it, keep
     * only the fields docs/privacy.md lists; those of the organisations it is a member of
     * lose the member's role. */
    CRM__Q_ERASE_JOURNAL,
    CRM__Q_ERASE_JOURNAL_MEMBER, /* ?1 person id, ?2 its text */
    CRM__Q_ERASE_IDENTITIES,
    CRM__Q_ERASE_ATTRS,
    CRM__Q_ERASE_TAGS,
    CRM__Q_ERASE_MEMBERS,
    CRM__Q_ERASE_OCCASIONS,
    CRM__Q_ERASE_INTERACTIONS,
    CRM__Q_ERASE_PROMISE_EVENTS,
    CRM__Q_ERASE_PROMISES,
    CRM__Q_ERASE_CONSENT,
    CRM__Q_ERASE_VERIFY,
    CRM__Q_ERASE_CUSTOMER, /* ?1 id, ?3 now: blanked, erased and archived */
    CRM__Q_ERASE_SEARCH,   /* ?1 id: what is left of its rows of search_doc */
    /* The engine's own (store/sqlite/privacy.c): the words an erase made the full-text
     * index forget, still in its older segments until they are rewritten */
    CRM__Q_SCRUB_MARK,  /* one more erase whose words wait for crm_db_purge() */
    CRM__Q_SCRUB_DUE,   /* -> the erases waiting; no row: none */
    CRM__Q_SCRUB_MERGE, /* ?1 pages: FTS5 'merge' (negative: every segment into one) */
    CRM__Q_SCRUB_DONE,  /* ?1 the erases the rewrite began with: the row gone if unchanged */
    /* ?1 before -> the id of each customer, not erased, with no activity at or after ?1:
     * created, updated, an interaction occurred or changed, a promise step, a journal entry
     * about it; by id */
    CRM__Q_RETENTION_INACTIVE,
    CRM__Q_RETENTION_JOURNAL_COUNT, /* ?1 before -> the entries with at < ?1 */
    CRM__Q_RETENTION_JOURNAL_DROP,  /* ?1 before: those entries deleted */
    /* ---- duplicates, merge and unmerge (merge.c) ---- */
    /* ?1 absorbed id -> the id it was merged into at the end of the chain of merges */
    CRM__Q_MERGE_SURVIVOR,
    /* ?1 org or person, ?2 the other -> role, when one is a member of the other */
    CRM__Q_MERGE_LINKED,
    /* ?1 kept, ?2 absorbed id, ?3 now -> purpose, channel (NULL: every channel), at: each
     * consent key a withdrawal must be added for (see crm_customer_merge) */
    CRM__Q_MERGE_CONSENT_KEYS,
    /* ?1 kept, ?2 absorbed id, ?3 at, ?4 actor, ?5 consent ids added (a JSON array): the
     * kept customer's journal entry "merge", holding all an unmerge needs */
    CRM__Q_MERGE_RECORD,
    /* ?1 kept, ?2 absorbed id, ?3 at: the absorbed id names the survivor, after the
     * journal entry of the merge, which it points to */
    CRM__Q_MERGE_MARK,
    /* Each ?1 kept, ?2 absorbed id: the absorbed customer's rows move to the kept one */
    CRM__Q_MERGE_IDENTITY_SHARED, /* drop the holdings the kept customer holds too */
    CRM__Q_MERGE_IDENTITY,
    CRM__Q_MERGE_INTERACTION,
    CRM__Q_MERGE_PROMISE,
    CRM__Q_MERGE_OCCASION,
    CRM__Q_MERGE_CONSENT,
    CRM__Q_MERGE_TAG,          /* the kept customer's own stay: the others go with the row */
    CRM__Q_MERGE_ATTR,         /* the same */
    CRM__Q_MERGE_MEMBER_PERSON,
    CRM__Q_MERGE_MEMBER_ORG,
    CRM__Q_MERGE_VERIFY,       /* the absorbed customer's wrong answers: dropped, not moved */
    CRM__Q_MERGE_DELETE,       /* the absorbed customer's row, and what it still holds */
    /* ?1 id, ?2 customer, ?3 purpose, ?4 channel (NULL: every one), ?5 at, ?6 actor,
     * ?7 note: a consent withdrawal */
    CRM__Q_MERGE_CONSENT_ADD,
    /* ?1 absorbed id -> survivor_id, seq of the merge's journal entry */
    CRM__Q_MERGE_FIND,
    /* ?1 kept, ?2 absorbed id, ?3 seq -> seq, op, at, entity_id of the first journal entry
     * about either after seq, a verification's left out (crm_customer_verify) */
    CRM__Q_MERGE_SINCE,
    CRM__Q_MERGE_DATA, /* ?1 seq -> data of the journal entry */
    /* ?1 kept, ?2 absorbed id, ?3 the merge entry's data -> how many of the memberships it
     * names the survivor no longer has (their other end's changes are journaled there) */
    CRM__Q_UNMERGE_MEMBERS_GONE,
    /* Each ?1 kept, ?2 absorbed id, ?3 the merge entry's data: undo one move */
    CRM__Q_UNMERGE_CUSTOMER,
    CRM__Q_UNMERGE_IDENTITY,
    CRM__Q_UNMERGE_IDENTITY_SHARED,
    CRM__Q_UNMERGE_INTERACTION,
    CRM__Q_UNMERGE_PROMISE,
    CRM__Q_UNMERGE_OCCASION,
    CRM__Q_UNMERGE_CONSENT,
    CRM__Q_UNMERGE_CONSENT_ADDED,
    CRM__Q_UNMERGE_TAG,
    CRM__Q_UNMERGE_TAG_KEPT,
    CRM__Q_UNMERGE_ATTR,
    CRM__Q_UNMERGE_ATTR_KEPT,
    CRM__Q_UNMERGE_MEMBER_PERSON,
    CRM__Q_UNMERGE_MEMBER_ORG,
    CRM__Q_UNMERGE_MEMBER_KEPT,
    CRM__Q_UNMERGE_SURVIVOR,
    CRM__Q_UNMERGE_UNMARK,
    /* ?1 customer id (DUPLICATE_OF only), ?2 attribute keys (a JSON array, or NULL),
     * ?3 min score, ?4 archived filter (0 exclude, 1 include, 2 only), ?5 limit (-1: all)
     * -> customer id, name, other id, name, score, reasons (bits), attributes shared */
    CRM__Q_DUPLICATE_PAIRS,
    CRM__Q_DUPLICATE_OF,
    /* ---- import and export (io_csv.c, io_vcard.c, io_jsonl.c) ---- */
    CRM__Q_IO_IDENTITY_KINDS, /* -> each identity kind in use, in byte order */
    CRM__Q_IO_ATTR_KEYS,      /* -> each attribute key in use, in byte order */
    CRM__Q_IO_ANY_CUSTOMER,   /* -> a row when the database holds a customer */
    /* ?1 a text of JSON -> key, type ('null', 'true', 'false', 'integer', 'real', 'text',
     * 'array', 'object') and value of each member of the object (an element of an array has
     * a number for a key); an error when the text is not JSON */
    CRM__Q_IO_JSON_MEMBERS,
    /* The records of a JSON Lines export, one statement per table, each row one JSON object
     * (a text), in the table's key order: custom channels (code 64 up), customers,
     * memberships, identities, attributes, tags, interactions, promises, promise events,
     * occasions, consent events. */
    CRM__Q_IO_DUMP_CHANNEL,
    CRM__Q_IO_DUMP_CUSTOMER,
    CRM__Q_IO_DUMP_MEMBERSHIP,
    CRM__Q_IO_DUMP_IDENTITY,
    CRM__Q_IO_DUMP_ATTR,
    CRM__Q_IO_DUMP_TAG,
    CRM__Q_IO_DUMP_INTERACTION,
    CRM__Q_IO_DUMP_PROMISE,
    CRM__Q_IO_DUMP_PROMISE_EVENT,
    CRM__Q_IO_DUMP_OCCASION,
    CRM__Q_IO_DUMP_CONSENT,
    CRM__Q_IO_DUMP_MERGED,
    /* The same records back: each _LOAD_ statement takes the values of one record, ?1 on,
     * in the order io_jsonl.c lists its fields (ids as ids), and inserts its row unless one
     * with its key is there; each _SAME_ statement takes the same values -> whether a row
     * with its key is there, and whether that row holds every value. */
    CRM__Q_IO_LOAD_CHANNEL,
    CRM__Q_IO_LOAD_CUSTOMER, /* and after its fields, ?9 the folded name (crm__fold_name) */
    CRM__Q_IO_LOAD_MEMBERSHIP,
    CRM__Q_IO_LOAD_IDENTITY,
    CRM__Q_IO_LOAD_ATTR,
    CRM__Q_IO_LOAD_TAG,
    CRM__Q_IO_LOAD_INTERACTION,
    CRM__Q_IO_LOAD_PROMISE,
    CRM__Q_IO_LOAD_PROMISE_EVENT,
    CRM__Q_IO_LOAD_OCCASION,
    CRM__Q_IO_LOAD_CONSENT,
    CRM__Q_IO_LOAD_MERGED, /* seq 0: the merge's journal entry did not come with it */
    CRM__Q_IO_LOAD_ERASED, /* ?1 customer id, ?2 erased_at: set once the customer's records are in */
    CRM__Q_IO_LOAD_REPLY_TO, /* ?1 interaction id, ?2 the one it answers: set once the file is in */
    CRM__Q_IO_SAME_CHANNEL,
    CRM__Q_IO_SAME_CUSTOMER,
    CRM__Q_IO_SAME_MEMBERSHIP,
    CRM__Q_IO_SAME_IDENTITY,
    CRM__Q_IO_SAME_ATTR,
    CRM__Q_IO_SAME_TAG,
    CRM__Q_IO_SAME_INTERACTION,
    CRM__Q_IO_SAME_PROMISE,
    CRM__Q_IO_SAME_PROMISE_EVENT,
    CRM__Q_IO_SAME_OCCASION,
    CRM__Q_IO_SAME_CONSENT,
    CRM__Q_IO_SAME_MERGED,
    /* -> an absorbed id whose chain of survivors ends at no customer, or comes back to it */
    CRM__Q_IO_MERGED_BROKEN,

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
#define CRM__SHAPE_CUSTOMER_LIST_OWNER 0x800u        /* c.owner = ?9 */

/* interactions (interaction.c) */
#define CRM__SHAPE_TIMELINE_CHANNELS 0x001u  /* channel among ?2's bits */
#define CRM__SHAPE_TIMELINE_FROM 0x002u      /* occurred_at >= ?3 */
#define CRM__SHAPE_TIMELINE_TO 0x004u        /* occurred_at < ?4 */
#define CRM__SHAPE_TIMELINE_REASON 0x008u    /* ?5 <= reason < ?6 */
#define CRM__SHAPE_TIMELINE_DIRECTION 0x010u /* direction = ?7 */
#define CRM__SHAPE_TIMELINE_PUBLIC 0x020u    /* public ones only */
#define CRM__SHAPE_TIMELINE_OUTCOMES 0x040u  /* outcome among ?8's bits */
#define CRM__SHAPE_TIMELINE_BEFORE 0x080u    /* (occurred_at, id) < (?9, ?10) */
#define CRM__SHAPE_TIMELINE_LIMIT 0x100u     /* at most ?11 rows */
/* channel among ?2's bits (0: none) or named in ?12, ",name,name,": instead of CHANNELS */
#define CRM__SHAPE_TIMELINE_CHANNEL_NAMES 0x200u
/* The list checks its head ?1 itself: no row at all when it names none (or an erased
 * customer), and one row of NULLs when the filter keeps none of the head's rows */
#define CRM__SHAPE_TIMELINE_HEAD 0x400u

/* promises (promise.c) */
/* The index is CUSTOMER's, else OWNER's, else BY_DUE's. */
#define CRM__SHAPE_PROMISE_LIST_CUSTOMER 0x001u   /* p.customer_id = ?1, by promise_by_customer */
#define CRM__SHAPE_PROMISE_LIST_OWNER 0x002u      /* p.owner = ?2, by promise_by_owner */
#define CRM__SHAPE_PROMISE_LIST_BY_DUE 0x004u     /* by promise_by_due */
#define CRM__SHAPE_PROMISE_LIST_NONE 0x008u       /* no row at all */
#define CRM__SHAPE_PROMISE_LIST_STATE 0x010u      /* p.state = ?3 */
#define CRM__SHAPE_PROMISE_LIST_STATES 0x020u     /* p.state IN (?3, ?4, ?5) */
#define CRM__SHAPE_PROMISE_LIST_ANY_STATE 0x040u  /* p.state is any of the four */
#define CRM__SHAPE_PROMISE_LIST_DUE_BEFORE 0x080u /* p.due_at < ?6 */
#define CRM__SHAPE_PROMISE_LIST_AFTER 0x100u      /* (p.due_at, p.id) > (?7, ?8) */
#define CRM__SHAPE_PROMISE_LIST_LIMIT 0x200u      /* at most ?9 rows */

/* reports (report.c) */
#define CRM__SHAPE_REPORT_CHANNELS 0x001u      /* channel among ?3's bits */
#define CRM__SHAPE_REPORT_CHANNEL_NAMES 0x002u /* among ?3's bits or named in ?4: instead of
                                                  CHANNELS */
#define CRM__SHAPE_REPORT_OWNER 0x004u         /* the customer's owner is ?5 */
#define CRM__SHAPE_REPORT_DEPTH 0x008u         /* reasons at depth ?6, else whole */
#define CRM__SHAPE_REPORT_BY_CHANNEL 0x010u    /* reasons: rows per channel too */
#define CRM__SHAPE_REPORT_WEEK 0x020u          /* channel mix by week, from Monday */
#define CRM__SHAPE_REPORT_MONTH 0x040u         /* channel mix by month; neither: by day */
/* the agenda (agenda.c) */
#define CRM__SHAPE_AGENDA_OWNER 0x001u      /* one owner's, ?1; else everyone's */
#define CRM__SHAPE_AGENDA_PROMISES 0x002u   /* open promises due before ?4 */
#define CRM__SHAPE_AGENDA_DUE_FROM 0x004u   /* and due at or after ?3 */
#define CRM__SHAPE_AGENDA_CONTACTS 0x008u   /* customers waiting for a reply */
#define CRM__SHAPE_AGENDA_OCCASIONS 0x010u  /* occasions within their lead time */
#define CRM__SHAPE_AGENDA_LIMIT 0x020u      /* at most ?12 rows */

#endif
