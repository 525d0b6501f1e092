/*
 * libcrm - the SQL of every query (lib/store/queries.h) for SQLite. Every
 * value is a parameter: the shaped lists are assembled from fixed
 * fragments only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal/handle.h"
#include "store/store.h"
#include "store/sqlite/sqlite.h"

/* A customer's row, as crm__customer_from_row() reads it (customer.c). */
#define CUSTOMER_COLUMNS \
    "c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL, c.owner"

/* ---- import and export (io_csv.c, io_vcard.c, io_jsonl.c) ---- */
/* An id column as its canonical text, NULL for NULL. */
/* An id (16 bytes) as its canonical text, NULL as NULL: in the JSON that
 * exports and journal scrubs build, and in what lists hand back as text. */
#define ID_TEXT(c)                                                                         \
    "CASE WHEN " c " IS NOT NULL THEN lower(substr(hex(" c "), 1, 8) || '-' || "           \
    "substr(hex(" c "), 9, 4) || '-' || substr(hex(" c "), 13, 4) || '-' || "              \
    "substr(hex(" c "), 17, 4) || '-' || substr(hex(" c "), 21)) END"

/* Where merges lead (schema 10, customer_merged): the survivor of the id
 * bound to ?1 at the end of its chain of merges (no row: never merged; a
 * chain is followed at most 10000 steps), and ?1 with every id merged into
 * it at any depth. */
#define SURVIVOR_OF_1                                                                      \
    "WITH RECURSIVE chain (id, n) AS ("                                                    \
    "SELECT survivor_id, 1 FROM customer_merged WHERE absorbed_id = ?1 "                   \
    "UNION ALL SELECT m.survivor_id, chain.n + 1 FROM chain "                              \
    "JOIN customer_merged m ON m.absorbed_id = chain.id WHERE chain.n < 10000) "          \
    "SELECT id FROM chain ORDER BY n DESC LIMIT 1"
#define MERGED_INTO_1                                                                      \
    "WITH RECURSIVE m (id) AS (SELECT ?1 UNION "                                           \
    "SELECT g.absorbed_id FROM customer_merged g JOIN m ON g.survivor_id = m.id) "        \
    "SELECT id FROM m"

const char *const crm__sqlite_sql[CRM__Q_COUNT] = {
    /* ---- the handle (db.c, engine.c) ---- */
    [CRM__Q_BEGIN] = "BEGIN IMMEDIATE",
    [CRM__Q_COMMIT] = "COMMIT",
    [CRM__Q_ROLLBACK] = "ROLLBACK",

    /* ---- customers (customer.c) ---- */
    [CRM__Q_CUSTOMER_GET] =
        "SELECT " CUSTOMER_COLUMNS ", c.erased_at "
        "FROM customer c WHERE c.id = ?1",
    [CRM__Q_CUSTOMER_FIND] = "SELECT kind, name, owner, erased_at FROM customer WHERE id = ?1",
    [CRM__Q_CUSTOMER_TOUCH] = "UPDATE customer SET updated_at = ?2 WHERE id = ?1",
    [CRM__Q_CUSTOMER_INSERT] =
        "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at, fold_key) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
    [CRM__Q_CUSTOMER_RENAME] =
        "UPDATE customer SET name = ?2, name_key = ?3, updated_at = ?4, fold_key = ?5 "
        "WHERE id = ?1",
    [CRM__Q_CUSTOMER_ARCHIVED] = "SELECT archived_at IS NOT NULL, erased_at FROM customer WHERE id = ?1",
    [CRM__Q_CUSTOMER_SET_ARCHIVED] =
        "UPDATE customer SET archived_at = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_CUSTOMER_SET_OWNER] = "UPDATE customer SET owner = ?2, updated_at = ?3 WHERE id = ?1",

    /* ---- identities (identity.c) ---- */
#define IDENTITY_HOLDERS                                                                         \
    "SELECT " CUSTOMER_COLUMNS " "      \
    "FROM identity i JOIN customer c ON c.id = i.customer_id WHERE i.kind = ?1 AND i.key = ?2 " \
    "ORDER BY i.customer_id"
    [CRM__Q_IDENTITY_LOOKUP] = IDENTITY_HOLDERS,
    [CRM__Q_IDENTITY_HOLDERS] = IDENTITY_HOLDERS,
    [CRM__Q_IDENTITY_FIND] = "SELECT value, flags, created_at FROM identity "
                             "WHERE kind = ?1 AND key = ?2 AND customer_id = ?3",
    [CRM__Q_IDENTITY_HOLDINGS] =
        "SELECT i.customer_id, i.flags, c.name FROM identity i "
        "JOIN customer c ON c.id = i.customer_id WHERE i.kind = ?1 AND i.key = ?2 "
        "ORDER BY i.customer_id",
    [CRM__Q_IDENTITY_INSERT] =
        "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Without INDEXED BY, SQLite (no statistics) prefers the primary key's
     * leading kind column and scans every identity of the kind. */
    [CRM__Q_IDENTITY_OTHER_PRIMARY] =
        "SELECT key, value, flags FROM identity INDEXED BY identity_by_customer "
        "WHERE customer_id = ?1 AND kind = ?2 AND flags & 1 AND key <> ?3 LIMIT 1",
    [CRM__Q_IDENTITY_SET_FLAGS] =
        "UPDATE identity SET flags = ?4 WHERE kind = ?1 AND key = ?2 AND customer_id = ?3",
    [CRM__Q_IDENTITY_DELETE] =
        "DELETE FROM identity WHERE kind = ?1 AND key = ?2 AND customer_id = ?3",
    [CRM__Q_IDENTITY_LIST] =
        "SELECT kind, value, key, flags, created_at, customer_id FROM identity "
        "WHERE customer_id = ?1 ORDER BY kind, flags & 1 DESC, created_at, key",
    /* Two probes of index keys, no row read past its key: the common add
     * (a new value, for a customer with none of its kind) gets no row.
     * INDEXED BY as for CRM__Q_IDENTITY_OTHER_PRIMARY. */
    [CRM__Q_IDENTITY_ADD_CLEAR] =
        "SELECT 1 FROM identity WHERE kind = ?1 AND key = ?2 "
        "UNION ALL SELECT 1 FROM identity INDEXED BY identity_by_customer "
        "WHERE ?4 AND customer_id = ?3 AND kind = ?1",

    /* ---- resolving what a caller said (resolve.c) ---- */
    /* Each pair is one probe of the identity key; the customers come out
     * of the set of ids in id order, one probe each, with no sort. */
#define RESOLVE                                                                              \
    "SELECT " CUSTOMER_COLUMNS " "   \
    "FROM customer c WHERE c.id IN (SELECT ?1 "                                              \
    "UNION SELECT customer_id FROM identity WHERE kind = ?2 AND key = ?3 "                   \
    "UNION SELECT customer_id FROM identity WHERE kind = ?4 AND key = ?5 "                   \
    "UNION SELECT customer_id FROM identity WHERE kind = ?6 AND key = ?7) "                  \
    "AND c.erased_at IS NULL ORDER BY c.id"
    [CRM__Q_RESOLVE] = RESOLVE,
    /* As RESOLVE, and an id merged into another names its survivor; an
     * erased customer is named by nothing. */
    [CRM__Q_RESOLVE_LIST] =
        "SELECT " CUSTOMER_COLUMNS " "
        "FROM customer c WHERE c.id IN (SELECT ?1 "
        "UNION SELECT customer_id FROM identity WHERE kind = ?2 AND key = ?3 "
        "UNION SELECT customer_id FROM identity WHERE kind = ?4 AND key = ?5 "
        "UNION SELECT customer_id FROM identity WHERE kind = ?6 AND key = ?7 "
        "UNION SELECT * FROM (" SURVIVOR_OF_1 ")) AND c.erased_at IS NULL ORDER BY c.id",
    /* The pairs come from a co-routine of three constant rows, and each
     * probes the identity key in turn: two cursors in all, where a probe
     * per pair (UNION ALL) opens two each, and no set of ids is built. A
     * pair whose kind is NULL ends at once. */
    [CRM__Q_RESOLVE_ROWS] =
        "SELECT " CUSTOMER_COLUMNS " "
        "FROM (VALUES (?1, ?2), (?3, ?4), (?5, ?6)) v "
        "CROSS JOIN identity i ON i.kind = v.column1 AND i.key = v.column2 "
        "JOIN customer c ON c.id = i.customer_id",

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

    /* ---- interactions (interaction.c) ---- */
    /* interaction.c reads these by position (read_fields, text_column). */
/* A custom channel's name is read with its row (a probe of the small table channel); a
 * built-in one's is the library's own word. */
#define INTERACTION_COLUMNS                                                                   \
    "id, customer_id, channel, direction, occurred_at, handled_by, reason, outcome, public, " \
    "sentiment, summary, body, thread_id, reply_to, external_ref, updated_at, "              \
    "CASE WHEN channel > 11 THEN "                                                            \
    "(SELECT ch.name FROM channel ch WHERE ch.code = interaction.channel) END"
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
        "SELECT i.customer_id, i.outcome, i.reason, i.summary, i.public, "
        "(SELECT c.erased_at FROM customer c WHERE c.id = i.customer_id) "
        "FROM interaction i WHERE i.id = ?1",
    [CRM__Q_INTERACTION_SET_OUTCOME] =
        "UPDATE interaction SET outcome = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_SET_REASON] =
        "UPDATE interaction SET reason = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_SET_SUMMARY] =
        "UPDATE interaction SET summary = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_BEFORE] =
        "SELECT occurred_at FROM interaction WHERE id = ?1 AND customer_id = ?2",

    /* ---- promises (promise.c) ---- */
/* The count is read with the row so a record can never carry a stale one. */
#define PROMISE_COLUMNS                                                               \
    "p.id, p.customer_id, p.interaction_id, p.owner, p.what, p.state, p.due_at, "     \
    "p.made_at, p.closed_at, p.kept_by, "                                             \
    "(SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id AND e.kind = 2), " \
    "p.first_due_at"
    [CRM__Q_PROMISE_INTERACTION] = "SELECT customer_id FROM interaction WHERE id = ?1",
    [CRM__Q_PROMISE_INSERT] =
        "INSERT INTO promise (id, customer_id, interaction_id, owner, what, state, due_at, "
        "made_at, first_due_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?6)",
    [CRM__Q_PROMISE_EVENT] =
        "INSERT INTO promise_event (promise_id, seq, kind, at, actor, old_due, new_due, "
        "customer_agreed, interaction_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    /* The last event is the join's first row walking the history's key
     * backwards: two probes. A subquery in the FROM would be materialised
     * into a temporary table on every run, costing more than the step. */
    [CRM__Q_PROMISE_HEAD] =
        "SELECT p.customer_id, p.state, p.due_at, coalesce(e.seq, 0), e.kind, e.at, "
        "(SELECT c.erased_at FROM customer c WHERE c.id = p.customer_id) "
        "FROM promise p LEFT JOIN promise_event e ON e.promise_id = p.id WHERE p.id = ?1 "
        "ORDER BY e.seq DESC LIMIT 1",
    [CRM__Q_PROMISE_CLOSE] =
        "UPDATE promise SET state = ?2, closed_at = ?3, kept_by = ?4 WHERE id = ?1",
    [CRM__Q_PROMISE_REDUE] = "UPDATE promise SET due_at = ?2 WHERE id = ?1",
    [CRM__Q_PROMISE_GET] = "SELECT " PROMISE_COLUMNS " FROM promise p WHERE p.id = ?1",
    [CRM__Q_PROMISE_GET_STEP] =
        "SELECT " PROMISE_COLUMNS ", "
        "(SELECT c.erased_at FROM customer c WHERE c.id = p.customer_id) "
        "FROM promise p WHERE p.id = ?1",
    [CRM__Q_PROMISE_DUE] = "SELECT due_at FROM promise WHERE id = ?1",
    [CRM__Q_PROMISE_EXISTS] = "SELECT 1 FROM promise WHERE id = ?1",
    [CRM__Q_PROMISE_HISTORY] =
        "SELECT kind, at, actor, old_due, new_due, customer_agreed, interaction_id, note "
        "FROM promise_event WHERE promise_id = ?1 ORDER BY seq",

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
    [CRM__Q_OCCASION_MAX_LEAD] = "SELECT coalesce(max(lead_days), 0), max(id) FROM occasion",
    [CRM__Q_OCCASION_MONTH] =
        "SELECT id, customer_id, kind, yearly, year, month, day, lead_days, note "
        "FROM occasion WHERE md BETWEEN ?1 AND ?2 AND id <= ?3",
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
                            "WHERE seq > ?1 ORDER BY seq",
    /* json_each()'s atom is a string's text unescaped and a number as SQLite
     * reads it; true and false it gives as 1 and 0, and arrays and objects
     * only in value, as JSON. The LEFT JOIN keeps a row for an entry whose
     * data is {}, so an entry without fields is told from no entry. */
    [CRM__Q_JOURNAL_FIELDS] =
        "SELECT f.key, f.type, CASE WHEN f.type IN ('object', 'array') THEN f.value "
        "WHEN f.type IN ('true', 'false') THEN f.type ELSE CAST(f.atom AS TEXT) END, "
        "json_type(j.data) FROM journal j LEFT JOIN json_each(j.data) f WHERE j.seq = ?1 "
        "ORDER BY f.id",

    /* ---- open channels, counting customers, the public flag ---- */
    [CRM__Q_INTERACTION_SET_PUBLIC] =
        "UPDATE interaction SET public = ?2, updated_at = ?3 WHERE id = ?1",
    [CRM__Q_INTERACTION_THREAD_KEY] =
        "SELECT h.thread_id, k.occurred_at FROM interaction h "
        "LEFT JOIN interaction k ON k.id = ?1 AND k.thread_id = h.thread_id WHERE h.id = ?2",
    [CRM__Q_CHANNEL_CODE] = "SELECT code FROM channel WHERE name = ?1",
    [CRM__Q_CHANNEL_ADD] =
        "INSERT INTO channel (code, name) SELECT max(max(code), 63) + 1, ?1 FROM channel",

    /* ---- a promise's last step (promise.c) ---- */
    /* One probe: the history's key, walked backwards from the promise's newest event. */
    [CRM__Q_PROMISE_LAST_STEP] =
        "SELECT seq, kind, at FROM promise_event WHERE promise_id = ?1 ORDER BY seq DESC LIMIT 1",

    /* ---- search (search.c) ---- */
    /* ORDER BY rank is FTS5's own order: it ranks every match and gives
     * them best first, rows of the same rank in the order of their rowids
     * (the order they were indexed in), so the joins, the filters and the
     * snippets are made only for the rows read until the limit is
     * reached; with a tie-break of its own the query sorted every match
     * itself, and cost up to four times the index's query alone. */
    [CRM__Q_SEARCH] =
        "SELECT d.kind, d.field, d.customer_id, c.name, d.name, d.rec, "
        "snippet(search, 0, ?2, ?3, '\xe2\x80\xa6', 12), rank "
        "FROM search JOIN search_doc d ON d.id = search.rowid "
        "JOIN customer c ON c.id = d.customer_id "
        "WHERE search MATCH ?1 AND (?4 >> d.kind) & 1 AND (?5 IS NULL OR d.customer_id = ?5) "
        "AND (?6 IS NULL OR c.owner = ?6) AND (?7 OR NOT d.archived) "
        "ORDER BY rank LIMIT ?8 OFFSET ?9",
    [CRM__Q_SEARCH_SYNC_GONE] =
        "INSERT INTO search (search, rowid, text) "
        "SELECT 'delete', doc, gone FROM search_pending WHERE gone IS NOT NULL",
    [CRM__Q_SEARCH_SYNC_ADDED] =
        "INSERT INTO search (rowid, text) "
        "SELECT d.id, d.text FROM search_pending p JOIN search_doc d ON d.id = p.doc "
        "WHERE p.added",
    [CRM__Q_SEARCH_SYNC_CLEAR] = "DELETE FROM search_pending",

    /* ---- consent (consent.c) ---- */
/* consent.c reads these by position (consent_fields). */
#define CONSENT_COLUMNS                                                                     \
    "k.id, k.customer_id, k.purpose, (SELECT ch.name FROM channel ch WHERE ch.code = k.channel), " \
    "k.granted, k.at, k.actor, k.interaction_id, k.note"
    [CRM__Q_CONSENT_INSERT] =
        "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, actor, "
        "interaction_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [CRM__Q_CONSENT_INTERACTION] = "SELECT customer_id FROM interaction WHERE id = ?1",
    /* One range of consent_latest, the customer's events of ?2, sorted: a ledger holds a few
     * events of a purpose. Taking the last entry of each channel's range and comparing the
     * two (a UNION ALL under ORDER BY, or two joined subqueries) cost twice and more the
     * instructions, in its temporary tables. The channel's code is read once. */
    [CRM__Q_CONSENT_CHECK] =
        "SELECT granted, id FROM consent "
        "WHERE customer_id = ?1 AND purpose = ?2 "
        "AND (channel IS NULL OR channel = (SELECT code FROM channel WHERE name = ?3)) "
        "ORDER BY at DESC, id DESC LIMIT 1",
    [CRM__Q_CONSENT_KNOWN] =
        "SELECT EXISTS (SELECT 1 FROM customer WHERE id = ?1)",
    [CRM__Q_VERIFY_STATE] = "SELECT failures, first_failure_at, locked_until "
                            "FROM customer_verify WHERE customer_id = ?1",
    [CRM__Q_VERIFY_FAIL] =
        "INSERT INTO customer_verify (customer_id, failures, first_failure_at, locked_until) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (customer_id) DO UPDATE SET "
        "failures = excluded.failures, first_failure_at = excluded.first_failure_at, "
        "locked_until = excluded.locked_until",
    [CRM__Q_VERIFY_CLEAR] = "DELETE FROM customer_verify WHERE customer_id = ?1",
    [CRM__Q_SETTING_GET] = "SELECT value FROM setting WHERE name = ?1",
    [CRM__Q_SETTING_PUT] = "INSERT INTO setting (name, value) VALUES (?1, ?2) "
                           "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    [CRM__Q_SETTING_DELETE] = "DELETE FROM setting WHERE name = ?1",
    [CRM__Q_ID_CUSTOMERS] = "SELECT id FROM customer WHERE id BETWEEN ?1 AND ?2 "
                            "AND erased_at IS NULL ORDER BY id LIMIT ?3",
    [CRM__Q_ID_INTERACTIONS] = "SELECT id FROM interaction WHERE id BETWEEN ?1 AND ?2 "
                               "ORDER BY id LIMIT ?3",
    [CRM__Q_ID_PROMISES] = "SELECT id FROM promise WHERE id BETWEEN ?1 AND ?2 "
                           "ORDER BY id LIMIT ?3",
    [CRM__Q_ID_OCCASIONS] = "SELECT id FROM occasion WHERE id BETWEEN ?1 AND ?2 "
                            "ORDER BY id LIMIT ?3",
    [CRM__Q_CONSENT_GET] = "SELECT " CONSENT_COLUMNS " FROM consent k WHERE k.id = ?1",
    [CRM__Q_CONSENT_HISTORY] =
        "SELECT " CONSENT_COLUMNS " FROM consent k WHERE k.customer_id = ?1 "
        "AND (?2 IS NULL OR k.purpose = ?2) "
        "AND (?3 IS NULL OR k.channel IS NULL OR k.channel = ?3) "
        "ORDER BY k.at DESC, k.id DESC",
    /* ---- deleting an interaction (interaction.c) ---- */
    /* Replies share the thread: counted through interaction_thread. Promises are the
     * customer's: read through promise_by_customer, their steps by their key. */
    [CRM__Q_INTERACTION_DELETE_LINKS] =
        "SELECT i.customer_id, ch.name, i.direction, i.occurred_at, i.thread_id, i.reply_to, "
        "(SELECT count(*) FROM interaction r WHERE r.thread_id = i.thread_id "
        "AND r.reply_to = i.id), "
        "(SELECT count(*) FROM promise p WHERE p.customer_id = i.customer_id "
        "AND (p.interaction_id = i.id OR p.kept_by = i.id)), "
        "(SELECT count(*) FROM promise p JOIN promise_event e ON e.promise_id = p.id "
        "WHERE p.customer_id = i.customer_id AND e.interaction_id = i.id), "
        "(SELECT k.id FROM consent k WHERE k.customer_id = i.customer_id "
        "AND k.interaction_id = i.id LIMIT 1), "
        "(SELECT r.id FROM interaction r WHERE r.thread_id = i.id AND r.id <> i.id "
        "ORDER BY r.occurred_at, r.id LIMIT 1), "
        "(SELECT c.erased_at FROM customer c WHERE c.id = i.customer_id) "
        "FROM interaction i LEFT JOIN channel ch ON ch.code = i.channel WHERE i.id = ?1",
    [CRM__Q_INTERACTION_DELETE_RELINK] =
        "UPDATE interaction SET reply_to = ?3, updated_at = ?4 "
        "WHERE thread_id = ?2 AND reply_to = ?1",
    [CRM__Q_INTERACTION_DELETE_RETHREAD] =
        "UPDATE interaction SET thread_id = ?2 WHERE thread_id = ?1 AND id <> ?1",
    [CRM__Q_INTERACTION_DELETE_UNLINK_PROMISES] =
        "UPDATE promise SET interaction_id = CASE WHEN interaction_id = ?1 THEN NULL "
        "ELSE interaction_id END, kept_by = CASE WHEN kept_by = ?1 THEN NULL ELSE kept_by END "
        "WHERE customer_id = ?2 AND (interaction_id = ?1 OR kept_by = ?1)",
    [CRM__Q_INTERACTION_DELETE_UNLINK_STEPS] =
        "UPDATE promise_event SET interaction_id = NULL WHERE interaction_id = ?1 "
        "AND promise_id IN (SELECT id FROM promise WHERE customer_id = ?2)",
    [CRM__Q_INTERACTION_DELETE] = "DELETE FROM interaction WHERE id = ?1",
    /* ---- privacy: export, erase, retention (privacy.c) ---- */
#define P_UTC(x) "strftime('%Y-%m-%dT%H:%M:%fZ', (" x ") / 1000.0, 'unixepoch')"
#define P_TIME(k, x) "'" k "', " x ", '" k "_utc', " P_UTC(x)
#define P_BOOL(x) "json(CASE WHEN " x " THEN 'true' ELSE 'false' END)"
#define P_CHANNEL(x) "(SELECT name FROM channel WHERE code = " x ")"
    [CRM__Q_PRIVACY_STATE] = "SELECT erased_at FROM customer WHERE id = ?1",
    /* Each list is built in a subquery of its own, in its order; json() keeps a nested
     * document a document (a subquery's value is text to json_object()). */
    [CRM__Q_PRIVACY_EXPORT] =
        "SELECT c.erased_at, CASE WHEN c.erased_at IS NULL THEN json_object("
        "'format', 'libcrm-customer-export', 'version', 1, " P_TIME("exported_at", "?2") ", "
        "'customer', json_object('id', " ID_TEXT("c.id") ", "
        "'kind', CASE c.kind WHEN 1 THEN 'person' ELSE 'organisation' END, 'name', c.name, "
        "'owner', c.owner, " P_TIME("created_at", "c.created_at") ", "
        P_TIME("updated_at", "c.updated_at") ", " P_TIME("archived_at", "c.archived_at") "), "
        "'identities', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'kind', i.kind, 'value', i.value, 'key', i.key, 'primary', " P_BOOL("i.flags & 1") ", "
        "'verified', " P_BOOL("i.flags & 2") ", 'shared', " P_BOOL("i.flags & 4") ", "
        P_TIME("created_at", "i.created_at") ") AS o FROM identity i WHERE i.customer_id = c.id "
        "ORDER BY i.kind, i.flags & 1 DESC, i.created_at, i.key))), "
        "'attributes', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'key', a.key, 'value', a.value) AS o FROM customer_attr a WHERE a.customer_id = c.id "
        "ORDER BY a.key))), "
        "'tags', json((SELECT json_group_array(t) FROM (SELECT tag AS t FROM customer_tag "
        "WHERE customer_id = c.id ORDER BY tag))), "
        "'memberships', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'org_id', " ID_TEXT("m.org_id") ", 'org_name', og.name, "
        "'person_id', " ID_TEXT("m.person_id") ", 'person_name', pe.name, 'role', m.role, "
        P_TIME("since", "m.since") ") AS o FROM membership m "
        "JOIN customer og ON og.id = m.org_id JOIN customer pe ON pe.id = m.person_id "
        "WHERE m.org_id = c.id OR m.person_id = c.id ORDER BY m.org_id, m.person_id))), "
        "'interactions', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'id', " ID_TEXT("x.id") ", 'channel', " P_CHANNEL("x.channel") ", "
        "'direction', CASE x.direction WHEN 1 THEN 'in' ELSE 'out' END, "
        P_TIME("occurred_at", "x.occurred_at") ", 'handled_by', x.handled_by, "
        "'reason', x.reason, 'outcome', CASE x.outcome WHEN 0 THEN 'none' WHEN 1 THEN 'resolved' "
        "WHEN 2 THEN 'unresolved' WHEN 3 THEN 'transferred' WHEN 4 THEN 'abandoned' "
        "ELSE 'escalated' END, 'public', " P_BOOL("x.public") ", 'sentiment', x.sentiment, "
        "'summary', x.summary, 'body', x.body, 'thread_id', " ID_TEXT("x.thread_id") ", "
        "'reply_to', " ID_TEXT("x.reply_to") ", 'external_ref', x.external_ref, "
        P_TIME("created_at", "x.created_at") ", " P_TIME("updated_at", "x.updated_at") ") AS o "
        "FROM interaction x WHERE x.customer_id = c.id ORDER BY x.occurred_at, x.id))), "
        "'promises', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'id', " ID_TEXT("p.id") ", 'interaction_id', " ID_TEXT("p.interaction_id") ", "
        "'owner', p.owner, 'what', p.what, 'state', CASE p.state WHEN 1 THEN 'open' "
        "WHEN 2 THEN 'kept' WHEN 3 THEN 'broken' ELSE 'released' END, "
        P_TIME("due_at", "p.due_at") ", " P_TIME("first_due_at", "p.first_due_at") ", "
        P_TIME("made_at", "p.made_at") ", " P_TIME("closed_at", "p.closed_at") ", "
        "'kept_by', " ID_TEXT("p.kept_by") ", "
        "'events', json((SELECT json_group_array(json(eo)) FROM (SELECT json_object("
        "'seq', e.seq, 'kind', CASE e.kind WHEN 1 THEN 'made' WHEN 2 THEN 'renegotiated' "
        "WHEN 3 THEN 'kept' WHEN 4 THEN 'broken' ELSE 'released' END, "
        P_TIME("at", "e.at") ", 'actor', e.actor, " P_TIME("old_due", "e.old_due") ", "
        P_TIME("new_due", "e.new_due") ", 'customer_agreed', " P_BOOL("e.customer_agreed") ", "
        "'interaction_id', " ID_TEXT("e.interaction_id") ", 'note', e.note) AS eo "
        "FROM promise_event e WHERE e.promise_id = p.id ORDER BY e.seq)))) AS o "
        "FROM promise p WHERE p.customer_id = c.id ORDER BY p.made_at, p.id))), "
        "'occasions', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'id', " ID_TEXT("v.id") ", 'kind', v.kind, 'yearly', " P_BOOL("v.yearly") ", "
        "'year', nullif(v.year, 0), 'month', v.month, 'day', v.day, 'lead_days', v.lead_days, "
        "'note', v.note, " P_TIME("created_at", "v.created_at") ") AS o FROM occasion v "
        "WHERE v.customer_id = c.id ORDER BY v.md, v.id))), "
        "'consent', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'id', " ID_TEXT("k.id") ", 'purpose', k.purpose, 'channel', " P_CHANNEL("k.channel") ", "
        "'granted', " P_BOOL("k.granted") ", " P_TIME("at", "k.at") ", 'actor', k.actor, "
        "'interaction_id', " ID_TEXT("k.interaction_id") ", 'note', k.note) AS o "
        "FROM consent k WHERE k.customer_id = c.id ORDER BY k.at, k.id))), "
        "'journal', json((SELECT json_group_array(json(o)) FROM (SELECT json_object("
        "'seq', j.seq, " P_TIME("at", "j.at") ", 'actor', j.actor, 'entity', j.entity, "
        "'entity_id', " ID_TEXT("j.entity_id") ", 'op', j.op, 'data', json(j.data)) AS o "
        "FROM journal j WHERE j.entity_id IN (" MERGED_INTO_1 ") ORDER BY j.seq)))"
        ") END FROM customer c WHERE c.id = ?1",
    [CRM__Q_PRIVACY_COUNTS] =
        "SELECT (SELECT count(*) FROM identity WHERE customer_id = ?1), "
        "(SELECT count(*) FROM customer_attr WHERE customer_id = ?1), "
        "(SELECT count(*) FROM customer_tag WHERE customer_id = ?1), "
        "(SELECT count(*) FROM membership WHERE org_id = ?1 OR person_id = ?1), "
        "(SELECT count(*) FROM occasion WHERE customer_id = ?1), "
        "(SELECT count(*) FROM interaction WHERE customer_id = ?1), "
        "(SELECT count(*) FROM promise WHERE customer_id = ?1), "
        "(SELECT count(*) FROM consent WHERE customer_id = ?1), "
        "(SELECT count(*) FROM journal WHERE entity_id = ?1)",
    /* The fields of a journal entry about a customer that say nothing of the person: ids,
     * times, channels, codes, states, owners (docs/privacy.md lists them by op). Any other,
     * and any a later version adds, goes. */
#define P_KEEP(e, k)                                                                          \
    "(" k " GLOB '*_id' OR " k " IN ('person', 'channel', 'direction', 'occurred_at', "      \
    "'reason', 'old_reason', 'outcome', 'old_outcome', 'public', 'old_public', 'sentiment', " \
    "'state', 'owner', 'old_owner', 'due_at', 'old_due_at', 'new_due_at', 'customer_agreed', " \
    "'recorded_at', 'purpose', 'granted', 'at', 'yearly', 'lead_days', 'flags', "             \
    "'handled_by') OR (" e " IN ('customer', 'identity', 'occasion') AND " k " = 'kind') "   \
    "OR (" e " = 'attr' AND " k " = 'key'))"
    [CRM__Q_ERASE_JOURNAL] =
        "UPDATE journal SET data = (SELECT json_group_object(j.key, CASE WHEN j.type IN "
        "('object', 'array') THEN json(j.value) ELSE j.value END) FROM json_each(journal.data) j "
        "WHERE " P_KEEP("journal.entity", "j.key") ") "
        "WHERE entity_id IN (" MERGED_INTO_1 ") AND EXISTS (SELECT 1 FROM json_each(journal.data) j "
        "WHERE NOT " P_KEEP("journal.entity", "j.key") ")",
    [CRM__Q_ERASE_JOURNAL_MEMBER] =
        "UPDATE journal SET data = json_remove(data, '$.role', '$.old_role') "
        "WHERE entity = 'member' AND entity_id IN (SELECT org_id FROM membership "
        "WHERE person_id = ?1) AND json_extract(data, '$.person') = ?2",
    [CRM__Q_ERASE_IDENTITIES] = "DELETE FROM identity WHERE customer_id = ?1",
    [CRM__Q_ERASE_ATTRS] = "DELETE FROM customer_attr WHERE customer_id = ?1",
    [CRM__Q_ERASE_TAGS] = "DELETE FROM customer_tag WHERE customer_id = ?1",
    [CRM__Q_ERASE_MEMBERS] = "DELETE FROM membership WHERE org_id = ?1 OR person_id = ?1",
    [CRM__Q_ERASE_OCCASIONS] = "DELETE FROM occasion WHERE customer_id = ?1",
    [CRM__Q_ERASE_INTERACTIONS] =
        "UPDATE interaction SET summary = NULL, body = NULL, external_ref = NULL "
        "WHERE customer_id = ?1 AND (summary IS NOT NULL OR body IS NOT NULL "
        "OR external_ref IS NOT NULL)",
    [CRM__Q_ERASE_PROMISE_EVENTS] =
        "UPDATE promise_event SET note = NULL "
        "WHERE promise_id IN (SELECT id FROM promise WHERE customer_id = ?1) AND note IS NOT NULL",
    [CRM__Q_ERASE_PROMISES] = "UPDATE promise SET what = '' WHERE customer_id = ?1 AND what <> ''",
    [CRM__Q_ERASE_VERIFY] = "DELETE FROM customer_verify WHERE customer_id = ?1",
    [CRM__Q_ERASE_CONSENT] = "UPDATE consent SET note = '' WHERE customer_id = ?1 AND note <> ''",
    [CRM__Q_ERASE_CUSTOMER] =
        "UPDATE customer SET name = '', name_key = '', fold_key = '', erased_at = ?3, "
        "archived_at = coalesce(archived_at, ?3), updated_at = ?3 WHERE id = ?1",
    [CRM__Q_ERASE_SEARCH] = "DELETE FROM search_doc WHERE customer_id = ?1",
    [CRM__Q_SCRUB_MARK] = "INSERT INTO search_scrub (id, erases) VALUES (1, 1) "
                          "ON CONFLICT (id) DO UPDATE SET erases = erases + 1",
    [CRM__Q_SCRUB_DUE] = "SELECT erases FROM search_scrub WHERE id = 1",
    [CRM__Q_SCRUB_MERGE] = "INSERT INTO search (search, rank) VALUES ('merge', ?1)",
    [CRM__Q_SCRUB_DONE] = "DELETE FROM search_scrub WHERE id = 1 AND erases = ?1",
    [CRM__Q_RETENTION_INACTIVE] =
        "SELECT c.id FROM customer c WHERE c.erased_at IS NULL AND c.created_at < ?1 "
        "AND c.updated_at < ?1 "
        "AND NOT EXISTS (SELECT 1 FROM interaction i WHERE i.customer_id = c.id "
        "AND (i.occurred_at >= ?1 OR i.updated_at >= ?1)) "
        "AND NOT EXISTS (SELECT 1 FROM promise p JOIN promise_event e ON e.promise_id = p.id "
        "WHERE p.customer_id = c.id AND e.at >= ?1) "
        "AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.entity_id = c.id AND j.at >= ?1) "
        "ORDER BY c.id",
    [CRM__Q_RETENTION_JOURNAL_COUNT] = "SELECT count(*) FROM journal WHERE at < ?1",
    [CRM__Q_RETENTION_JOURNAL_DROP] = "DELETE FROM journal WHERE at < ?1",
#undef P_KEEP
#undef P_CHANNEL
#undef P_BOOL
#undef P_TIME
#undef P_UTC
    /* ---- duplicates, merge and unmerge (merge.c) ---- */
/* The answer of the customers `who` to consent key k: the latest event of
 * k's purpose on k's channel or on every channel (0 or 1; NULL: none). */
#define MERGE_CONSENT_ANSWER(who)                                                      \
    "(SELECT e.granted FROM consent e WHERE e.customer_id " who " "                    \
    "AND e.purpose = k.purpose AND (e.channel IS k.channel OR e.channel IS NULL) "     \
    "ORDER BY e.at DESC, e.id DESC LIMIT 1)"
/* The rows of `table` a merge moved (the record's list `list`) back to
 * the absorbed customer. */
#define UNMERGE_BY_ID(table, list)                                                     \
    "UPDATE " table " SET customer_id = ?2 WHERE customer_id = ?1 AND " ID_TEXT("id") \
    " IN (SELECT value FROM json_each(?3, '$." list "'))"
/* Each pair's reasons, read from the two customers' own ranges (their
 * e-mails and phones on identity_by_customer, their organisations on
 * membership_by_person, their named attributes on customer_attr's key),
 * then the score, the filter and the order. */
#define DUPLICATE_SCORED                                                               \
    ", r AS MATERIALIZED (SELECT p.a, ca.name AS an, p.b, cb.name AS bn, "             \
    "ca.fold_key = cb.fold_key AS r_name, "                                            \
    "EXISTS (SELECT 1 FROM identity x JOIN identity y ON y.customer_id = p.b "         \
    "AND y.kind = 'email' AND substr(y.key, instr(y.key, '@')) = "                     \
    "substr(x.key, instr(x.key, '@')) WHERE x.customer_id = p.a AND x.kind = 'email') "\
    "AS r_domain, "                                                                    \
    "EXISTS (SELECT 1 FROM identity x JOIN identity y ON y.customer_id = p.b "         \
    "AND y.kind = 'phone' AND substr(y.key, -7) = substr(x.key, -7) "                  \
    "WHERE x.customer_id = p.a AND x.kind = 'phone' AND length(x.key) >= 7) AS r_phone, " \
    "EXISTS (SELECT 1 FROM membership x JOIN membership y ON y.org_id = x.org_id "     \
    "AND y.person_id = p.b WHERE x.person_id = p.a) AS r_org, "                        \
    "(SELECT count(*) FROM json_each(?2) k JOIN customer_attr x "                      \
    "ON x.customer_id = p.a AND x.key = k.value JOIN customer_attr y "                 \
    "ON y.customer_id = p.b AND y.key = x.key AND y.value = x.value) AS r_attr, "      \
    "EXISTS (SELECT 1 FROM identity x INDEXED BY identity_by_customer JOIN identity y "\
    "ON y.kind = x.kind AND y.key = x.key AND y.customer_id = p.b "                    \
    "WHERE x.customer_id = p.a) AS r_ident "                                           \
    "FROM pair p JOIN customer ca ON ca.id = p.a JOIN customer cb ON cb.id = p.b "     \
    "WHERE ?4 = 1 OR (?4 = 0 AND ca.archived_at IS NULL AND cb.archived_at IS NULL) "  \
    "OR (?4 = 2 AND (ca.archived_at IS NOT NULL OR cb.archived_at IS NOT NULL))), "    \
    "s AS (SELECT a, an, b, bn, min(100, 40 * r_name + 20 * r_domain + 30 * r_phone "  \
    "+ 20 * r_org + 30 * r_attr + 60 * r_ident) AS score, "                            \
    "r_name + 2 * r_domain + 4 * r_phone + 8 * r_org + 16 * (r_attr > 0) "             \
    "+ 32 * r_ident AS reasons, r_attr FROM r) "                                       \
    "SELECT a, an, b, bn, score, reasons, r_attr FROM s WHERE score >= ?3 "            \
    "ORDER BY score DESC, a, b LIMIT ?5"
    /* A chain of merges is short; the bound only keeps a damaged file from looping. */
    [CRM__Q_MERGE_SURVIVOR] = SURVIVOR_OF_1,
    [CRM__Q_MERGE_LINKED] =
        "SELECT role FROM membership WHERE org_id = ?1 AND person_id = ?2 "
        "UNION ALL SELECT role FROM membership WHERE org_id = ?2 AND person_id = ?1",
    /* Every key either side has events of; each answer is the latest event
     * of the purpose on the key's channel or on every channel, by at then
     * id: two ranges of consent_latest per side. */
    [CRM__Q_MERGE_CONSENT_KEYS] =
        "WITH k AS (SELECT DISTINCT purpose, channel FROM consent WHERE customer_id IN (?1, ?2)), "
        "a AS (SELECT k.purpose, k.channel, "
        MERGE_CONSENT_ANSWER("= ?1") " AS kept, "
        MERGE_CONSENT_ANSWER("= ?2") " AS gone, "
        MERGE_CONSENT_ANSWER("IN (?1, ?2)") " AS joined, "
        "(SELECT max(e.at) FROM consent e WHERE e.customer_id IN (?1, ?2) "
        "AND e.purpose = k.purpose) AS latest FROM k) "
        "SELECT purpose, channel, max(?3, latest) FROM a "
        "WHERE joined = 1 AND (kept = 0 OR gone = 0) ORDER BY purpose, channel",
    /* Each list is one range of the absorbed customer's index on its
     * table (identity_by_customer, interaction_timeline, promise_by_customer,
     * occasion_by_customer, consent_latest, the keys of customer_tag and
     * customer_attr, membership_by_person and membership's key). */
    [CRM__Q_MERGE_RECORD] =
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "SELECT ?3, ?4, 'customer', ?1, 'merge', json_object("
        "'absorbed', " ID_TEXT("c.id") ", "
        "'customer', json_object('kind', c.kind, 'name', c.name, 'name_key', c.name_key, "
        "'fold_key', c.fold_key, 'created_at', c.created_at, 'updated_at', c.updated_at, "
        "'archived_at', c.archived_at, 'owner', c.owner), "
        "'survivor_updated_at', k.updated_at, "
        "'identities', (SELECT json_group_array(json_object('kind', i.kind, 'key', i.key, "
        "'value', i.value, 'flags', i.flags, 'created_at', i.created_at, 'moved', NOT EXISTS "
        "(SELECT 1 FROM identity s WHERE s.kind = i.kind AND s.key = i.key AND s.customer_id = ?1)"
        ")) FROM identity i WHERE i.customer_id = ?2), "
        "'interactions', (SELECT json_group_array(" ID_TEXT("id") ") "
        "FROM interaction WHERE customer_id = ?2), "
        "'promises', (SELECT json_group_array(" ID_TEXT("id") ") "
        "FROM promise WHERE customer_id = ?2), "
        "'occasions', (SELECT json_group_array(" ID_TEXT("id") ") "
        "FROM occasion WHERE customer_id = ?2), "
        "'consent', (SELECT json_group_array(" ID_TEXT("id") ") "
        "FROM consent WHERE customer_id = ?2), "
        "'consent_added', json(?5), "
        "'tags', (SELECT json_group_array(json_object('tag', t.tag, 'moved', NOT EXISTS "
        "(SELECT 1 FROM customer_tag s WHERE s.customer_id = ?1 AND s.tag = t.tag))) "
        "FROM customer_tag t WHERE t.customer_id = ?2), "
        "'attributes', (SELECT json_group_array(json_object('key', a.key, 'value', a.value, "
        "'kept', s.value)) FROM customer_attr a "
        "LEFT JOIN customer_attr s ON s.customer_id = ?1 AND s.key = a.key "
        "WHERE a.customer_id = ?2), "
        "'memberships', (SELECT json_group_array(json_object('org', " ID_TEXT("m.org_id") ", "
        "'person', " ID_TEXT("m.person_id") ", 'role', m.role, 'since', m.since, "
        "'moved', NOT EXISTS (SELECT 1 FROM membership s WHERE "
        "s.org_id = CASE m.org_id WHEN ?2 THEN ?1 ELSE m.org_id END AND "
        "s.person_id = CASE m.person_id WHEN ?2 THEN ?1 ELSE m.person_id END))) "
        "FROM (SELECT org_id, person_id, role, since FROM membership WHERE person_id = ?2 "
        "UNION ALL SELECT org_id, person_id, role, since FROM membership WHERE org_id = ?2) m)"
        ") FROM customer c, customer k WHERE c.id = ?2 AND k.id = ?1",
    [CRM__Q_MERGE_MARK] = "INSERT INTO customer_merged (absorbed_id, survivor_id, merged_at, seq) "
                          "VALUES (?2, ?1, ?3, last_insert_rowid())",
    /* Ranges of identity_by_customer, each row with a probe of the key. */
    [CRM__Q_MERGE_IDENTITY_SHARED] =
        "DELETE FROM identity WHERE customer_id = ?2 AND EXISTS (SELECT 1 FROM identity s "
        "WHERE s.kind = identity.kind AND s.key = identity.key AND s.customer_id = ?1)",
    [CRM__Q_MERGE_IDENTITY] =
        "UPDATE identity SET customer_id = ?1, flags = CASE WHEN flags & 1 AND EXISTS "
        "(SELECT 1 FROM identity s INDEXED BY identity_by_customer "
        "WHERE s.customer_id = ?1 AND s.kind = identity.kind "
        "AND s.flags & 1) THEN flags & ~1 ELSE flags END WHERE customer_id = ?2",
    /* interaction_timeline, promise_by_customer, occasion_by_customer, consent_latest. */
    [CRM__Q_MERGE_INTERACTION] = "UPDATE interaction SET customer_id = ?1 WHERE customer_id = ?2",
    [CRM__Q_MERGE_PROMISE] = "UPDATE promise SET customer_id = ?1 WHERE customer_id = ?2",
    [CRM__Q_MERGE_OCCASION] = "UPDATE occasion SET customer_id = ?1 WHERE customer_id = ?2",
    [CRM__Q_MERGE_CONSENT] = "UPDATE consent SET customer_id = ?1 WHERE customer_id = ?2",
    /* The keys of customer_tag and customer_attr; membership_by_person and
     * membership's key. */
    [CRM__Q_MERGE_TAG] =
        "UPDATE OR IGNORE customer_tag SET customer_id = ?1 WHERE customer_id = ?2",
    [CRM__Q_MERGE_ATTR] =
        "UPDATE OR IGNORE customer_attr SET customer_id = ?1 WHERE customer_id = ?2",
    [CRM__Q_MERGE_MEMBER_PERSON] =
        "UPDATE OR IGNORE membership SET person_id = ?1 WHERE person_id = ?2",
    [CRM__Q_MERGE_MEMBER_ORG] = "UPDATE OR IGNORE membership SET org_id = ?1 WHERE org_id = ?2",
    [CRM__Q_MERGE_VERIFY] = "DELETE FROM customer_verify WHERE customer_id = ?2",
    [CRM__Q_MERGE_DELETE] = "DELETE FROM customer WHERE id = ?2",
    [CRM__Q_MERGE_CONSENT_ADD] =
        "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, actor, note) "
        "VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)",
    [CRM__Q_MERGE_FIND] = "SELECT survivor_id, seq FROM customer_merged WHERE absorbed_id = ?1",
    /* Two ranges of journal_by_entity. */
    /* A verification changes nothing an unmerge restores: it never blocks one. */
    [CRM__Q_MERGE_SINCE] =
        "SELECT seq, op, at, entity_id FROM (SELECT seq, op, at, entity_id, entity FROM journal "
        "WHERE entity_id = ?1 AND seq > ?3 UNION ALL SELECT seq, op, at, entity_id, entity "
        "FROM journal WHERE entity_id = ?2 AND seq > ?3) "
        "WHERE NOT (entity = 'customer' AND op = 'verify') ORDER BY seq LIMIT 1",
    [CRM__Q_MERGE_DATA] = "SELECT data FROM journal WHERE seq = ?1",
    /* The survivor's memberships by membership_by_person and membership's key. */
    [CRM__Q_UNMERGE_MEMBERS_GONE] =
        "SELECT json_array_length(?3, '$.memberships') - "
        "(SELECT count(*) FROM membership m WHERE m.person_id = ?1 AND " ID_TEXT("m.org_id")
        " IN (SELECT json_extract(value, '$.org') FROM json_each(?3, '$.memberships') "
        "WHERE json_extract(value, '$.person') = " ID_TEXT("?2") ")) - "
        "(SELECT count(*) FROM membership m WHERE m.org_id = ?1 AND " ID_TEXT("m.person_id")
        " IN (SELECT json_extract(value, '$.person') FROM json_each(?3, '$.memberships') "
        "WHERE json_extract(value, '$.org') = " ID_TEXT("?2") "))",
    [CRM__Q_UNMERGE_CUSTOMER] =
        "INSERT INTO customer (id, kind, name, name_key, fold_key, created_at, updated_at, "
        "archived_at, owner) SELECT ?2, json_extract(?3, '$.customer.kind'), "
        "json_extract(?3, '$.customer.name'), json_extract(?3, '$.customer.name_key'), "
        "json_extract(?3, '$.customer.fold_key'), json_extract(?3, '$.customer.created_at'), "
        "json_extract(?3, '$.customer.updated_at'), json_extract(?3, '$.customer.archived_at'), "
        "json_extract(?3, '$.customer.owner')",
    /* Each moved record back: one range of the survivor's index (as the
     * merge's), each row's id looked up in the record's list. */
    [CRM__Q_UNMERGE_IDENTITY] =
        "UPDATE identity SET customer_id = ?2, flags = j.flags FROM (SELECT "
        "json_extract(value, '$.kind') AS kind, json_extract(value, '$.key') AS key, "
        "json_extract(value, '$.flags') AS flags FROM json_each(?3, '$.identities') "
        "WHERE json_extract(value, '$.moved')) AS j "
        "WHERE identity.kind = j.kind AND identity.key = j.key AND identity.customer_id = ?1",
    [CRM__Q_UNMERGE_IDENTITY_SHARED] =
        "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
        "SELECT json_extract(value, '$.kind'), json_extract(value, '$.key'), "
        "json_extract(value, '$.value'), ?2, json_extract(value, '$.flags'), "
        "json_extract(value, '$.created_at') FROM json_each(?3, '$.identities') "
        "WHERE NOT json_extract(value, '$.moved')",
    [CRM__Q_UNMERGE_INTERACTION] = UNMERGE_BY_ID("interaction", "interactions"),
    [CRM__Q_UNMERGE_PROMISE] = UNMERGE_BY_ID("promise", "promises"),
    [CRM__Q_UNMERGE_OCCASION] = UNMERGE_BY_ID("occasion", "occasions"),
    [CRM__Q_UNMERGE_CONSENT] = UNMERGE_BY_ID("consent", "consent"),
    [CRM__Q_UNMERGE_CONSENT_ADDED] =
        "DELETE FROM consent WHERE customer_id = ?1 AND " ID_TEXT("id") " IN "
        "(SELECT value FROM json_each(?3, '$.consent_added'))",
    [CRM__Q_UNMERGE_TAG] =
        "UPDATE customer_tag SET customer_id = ?2 WHERE customer_id = ?1 AND tag IN "
        "(SELECT json_extract(value, '$.tag') FROM json_each(?3, '$.tags') "
        "WHERE json_extract(value, '$.moved'))",
    [CRM__Q_UNMERGE_TAG_KEPT] =
        "INSERT INTO customer_tag (customer_id, tag) SELECT ?2, json_extract(value, '$.tag') "
        "FROM json_each(?3, '$.tags') WHERE NOT json_extract(value, '$.moved')",
    [CRM__Q_UNMERGE_ATTR] =
        "UPDATE customer_attr SET customer_id = ?2 WHERE customer_id = ?1 AND key IN "
        "(SELECT json_extract(value, '$.key') FROM json_each(?3, '$.attributes') "
        "WHERE json_type(value, '$.kept') = 'null')",
    [CRM__Q_UNMERGE_ATTR_KEPT] =
        "INSERT INTO customer_attr (customer_id, key, value) SELECT ?2, "
        "json_extract(value, '$.key'), json_extract(value, '$.value') "
        "FROM json_each(?3, '$.attributes') WHERE json_type(value, '$.kept') <> 'null'",
    [CRM__Q_UNMERGE_MEMBER_PERSON] =
        "UPDATE membership SET person_id = ?2 WHERE person_id = ?1 AND " ID_TEXT("org_id")
        " IN (SELECT json_extract(value, '$.org') FROM json_each(?3, '$.memberships') "
        "WHERE json_extract(value, '$.moved') AND json_extract(value, '$.person') = "
        ID_TEXT("?2") ")",
    [CRM__Q_UNMERGE_MEMBER_ORG] =
        "UPDATE membership SET org_id = ?2 WHERE org_id = ?1 AND " ID_TEXT("person_id")
        " IN (SELECT json_extract(value, '$.person') FROM json_each(?3, '$.memberships') "
        "WHERE json_extract(value, '$.moved') AND json_extract(value, '$.org') = "
        ID_TEXT("?2") ")",
    /* A membership both had: the other end's id is read from the survivor's
     * own membership of it, which the record names by its text. */
    [CRM__Q_UNMERGE_MEMBER_KEPT] =
        "WITH j AS (SELECT json_extract(value, '$.org') AS org, "
        "json_extract(value, '$.person') AS person, json_extract(value, '$.role') AS role, "
        "json_extract(value, '$.since') AS since FROM json_each(?3, '$.memberships') "
        "WHERE NOT json_extract(value, '$.moved')) "
        "INSERT INTO membership (org_id, person_id, role, since) "
        "SELECT m.org_id, ?2, j.role, j.since FROM membership m JOIN j ON j.org = "
        ID_TEXT("m.org_id") " WHERE m.person_id = ?1 AND j.person = " ID_TEXT("?2") " "
        "UNION ALL SELECT ?2, m.person_id, j.role, j.since FROM membership m JOIN j ON j.person = "
        ID_TEXT("m.person_id") " WHERE m.org_id = ?1 AND j.org = " ID_TEXT("?2"),
    [CRM__Q_UNMERGE_SURVIVOR] =
        "UPDATE customer SET updated_at = json_extract(?3, '$.survivor_updated_at') WHERE id = ?1",
    [CRM__Q_UNMERGE_UNMARK] =
        "DELETE FROM customer_merged WHERE absorbed_id = ?2 AND survivor_id = ?1",
    /* The pairs: a pair is two entries of one range of customer_by_fold
     * (the name), of identity's key (a value), or of customer_attr_by_value
     * (a named key's value); each found once (UNION), the older first. */
    [CRM__Q_DUPLICATE_PAIRS] =
        "WITH pair (a, b) AS ("
        "SELECT c1.id, c2.id FROM customer c1 INDEXED BY customer_by_fold "
        "JOIN customer c2 INDEXED BY customer_by_fold "
        "ON c2.fold_key = c1.fold_key AND c2.id > c1.id "
        "UNION SELECT i1.customer_id, i2.customer_id FROM identity i1 JOIN identity i2 "
        "ON i2.kind = i1.kind AND i2.key = i1.key AND i2.customer_id > i1.customer_id "
        "UNION SELECT a1.customer_id, a2.customer_id FROM json_each(?2) k "
        "JOIN customer_attr a1 INDEXED BY customer_attr_by_value ON a1.key = k.value "
        "JOIN customer_attr a2 INDEXED BY customer_attr_by_value ON a2.key = a1.key "
        "AND a2.value = a1.value AND a2.customer_id > a1.customer_id) " DUPLICATE_SCORED,
    /* The same from one customer: its name's range, its identities' and
     * its named attributes' values. */
    [CRM__Q_DUPLICATE_OF] =
        "WITH pair (a, b) AS ("
        "SELECT c1.id, c2.id FROM customer c1 "
        "JOIN customer c2 INDEXED BY customer_by_fold "
        "ON c2.fold_key = c1.fold_key AND c2.id <> c1.id WHERE c1.id = ?1 "
        "UNION SELECT ?1, i2.customer_id FROM identity i1 INDEXED BY identity_by_customer "
        "JOIN identity i2 ON i2.kind = i1.kind AND i2.key = i1.key AND i2.customer_id <> ?1 "
        "WHERE i1.customer_id = ?1 "
        "UNION SELECT ?1, a2.customer_id FROM json_each(?2) k "
        "JOIN customer_attr a1 ON a1.customer_id = ?1 AND a1.key = k.value "
        "JOIN customer_attr a2 INDEXED BY customer_attr_by_value ON a2.key = a1.key "
        "AND a2.value = a1.value AND a2.customer_id <> ?1) " DUPLICATE_SCORED,
    /* ---- import and export (io_csv.c, io_vcard.c, io_jsonl.c) ---- */
    [CRM__Q_IO_IDENTITY_KINDS] = "SELECT DISTINCT kind FROM identity ORDER BY kind",
    [CRM__Q_IO_ATTR_KEYS] = "SELECT DISTINCT key FROM customer_attr ORDER BY key",
    [CRM__Q_IO_ANY_CUSTOMER] = "SELECT 1 FROM customer LIMIT 1",
    /* json_object() writes its keys in the order given and numbers exactly, so a
     * dump of what a load wrote is the same text. */
    [CRM__Q_IO_DUMP_CHANNEL] = "SELECT json_object('type', 'channel', 'code', code, 'name', name) "
                               "FROM channel WHERE code >= 64 ORDER BY code",
    [CRM__Q_IO_DUMP_CUSTOMER] =
        "SELECT json_object('type', 'customer', 'id', " ID_TEXT("id") ", 'kind', kind, "
        "'name', name, 'owner', owner, 'created_at', created_at, 'updated_at', updated_at, "
        "'archived_at', archived_at, 'erased_at', erased_at) FROM customer ORDER BY id",
    [CRM__Q_IO_DUMP_MEMBERSHIP] =
        "SELECT json_object('type', 'membership', 'org_id', " ID_TEXT("org_id") ", "
        "'person_id', " ID_TEXT("person_id") ", 'role', role, 'since', since) "
        "FROM membership ORDER BY org_id, person_id",
    [CRM__Q_IO_DUMP_IDENTITY] =
        "SELECT json_object('type', 'identity', 'customer_id', " ID_TEXT("customer_id") ", "
        "'kind', kind, 'key', key, 'value', value, 'flags', flags, 'created_at', created_at) "
        "FROM identity ORDER BY kind, key, customer_id",
    [CRM__Q_IO_DUMP_ATTR] =
        "SELECT json_object('type', 'attribute', 'customer_id', " ID_TEXT("customer_id") ", "
        "'key', key, 'value', value) FROM customer_attr ORDER BY customer_id, key",
    [CRM__Q_IO_DUMP_TAG] =
        "SELECT json_object('type', 'tag', 'customer_id', " ID_TEXT("customer_id") ", "
        "'tag', tag) FROM customer_tag ORDER BY customer_id, tag",
    [CRM__Q_IO_DUMP_INTERACTION] =
        "SELECT json_object('type', 'interaction', 'id', " ID_TEXT("id") ", "
        "'customer_id', " ID_TEXT("customer_id") ", 'channel', channel, 'direction', direction, "
        "'occurred_at', occurred_at, 'handled_by', handled_by, 'reason', reason, "
        "'outcome', outcome, 'public', public, 'sentiment', sentiment, 'summary', summary, "
        "'body', body, 'thread_id', " ID_TEXT("thread_id") ", 'reply_to', " ID_TEXT("reply_to") ", "
        "'external_ref', external_ref, 'created_at', created_at, 'updated_at', updated_at) "
        "FROM interaction ORDER BY id",
    [CRM__Q_IO_DUMP_PROMISE] =
        "SELECT json_object('type', 'promise', 'id', " ID_TEXT("id") ", "
        "'customer_id', " ID_TEXT("customer_id") ", 'interaction_id', " ID_TEXT("interaction_id") ", "
        "'owner', owner, 'what', what, 'state', state, 'due_at', due_at, "
        "'first_due_at', first_due_at, 'made_at', made_at, 'closed_at', closed_at, "
        "'kept_by', " ID_TEXT("kept_by") ") FROM promise ORDER BY id",
    [CRM__Q_IO_DUMP_PROMISE_EVENT] =
        "SELECT json_object('type', 'promise_event', 'promise_id', " ID_TEXT("promise_id") ", "
        "'seq', seq, 'kind', kind, 'at', at, 'actor', actor, 'old_due', old_due, "
        "'new_due', new_due, 'customer_agreed', customer_agreed, "
        "'interaction_id', " ID_TEXT("interaction_id") ", 'note', note) "
        "FROM promise_event ORDER BY promise_id, seq",
    [CRM__Q_IO_DUMP_OCCASION] =
        "SELECT json_object('type', 'occasion', 'id', " ID_TEXT("id") ", "
        "'customer_id', " ID_TEXT("customer_id") ", 'kind', kind, 'yearly', yearly, 'year', year, "
        "'month', month, 'day', day, 'lead_days', lead_days, 'note', note, "
        "'created_at', created_at) FROM occasion ORDER BY id",
    [CRM__Q_IO_DUMP_CONSENT] =
        "SELECT json_object('type', 'consent', 'id', " ID_TEXT("id") ", "
        "'customer_id', " ID_TEXT("customer_id") ", 'purpose', purpose, 'channel', channel, "
        "'granted', granted, 'at', at, 'actor', actor, "
        "'interaction_id', " ID_TEXT("interaction_id") ", 'note', note) FROM consent ORDER BY id",
    [CRM__Q_IO_DUMP_MERGED] =
        "SELECT json_object('type', 'merged', 'absorbed_id', " ID_TEXT("absorbed_id") ", "
        "'survivor_id', " ID_TEXT("survivor_id") ", 'merged_at', merged_at) "
        "FROM customer_merged ORDER BY absorbed_id",
    [CRM__Q_IO_JSON_MEMBERS] = "SELECT key, type, value FROM json_each(?1)",
    [CRM__Q_IO_LOAD_CHANNEL] = "INSERT INTO channel (code, name) SELECT ?1, ?2 WHERE ?1 >= 64 "
                               "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_CUSTOMER] =
        "INSERT INTO customer (id, kind, name, name_key, owner, created_at, updated_at, "
        "archived_at, erased_at, fold_key) VALUES (?1, ?2, ?3, lower(?3), ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_MEMBERSHIP] = "INSERT INTO membership (org_id, person_id, role, since) "
                                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_IDENTITY] =
        "INSERT INTO identity (customer_id, kind, key, value, flags, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_ATTR] = "INSERT INTO customer_attr (customer_id, key, value) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_TAG] = "INSERT INTO customer_tag (customer_id, tag) VALUES (?1, ?2) "
                           "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_INTERACTION] =
        "INSERT INTO interaction (id, customer_id, channel, direction, occurred_at, handled_by, "
        "reason, outcome, public, sentiment, summary, body, thread_id, reply_to, external_ref, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13, ?14, ?15, ?16, ?17) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_PROMISE] =
        "INSERT INTO promise (id, customer_id, interaction_id, owner, what, state, due_at, "
        "first_due_at, made_at, closed_at, kept_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_PROMISE_EVENT] =
        "INSERT INTO promise_event (promise_id, seq, kind, at, actor, old_due, new_due, "
        "customer_agreed, interaction_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10) ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_OCCASION] =
        "INSERT INTO occasion (id, customer_id, kind, yearly, year, month, day, md, lead_days, "
        "note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6 * 100 + ?7, ?8, ?9, ?10) "
        "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_CONSENT] =
        "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, actor, "
        "interaction_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_MERGED] =
        "INSERT INTO customer_merged (absorbed_id, survivor_id, merged_at, seq) "
        "SELECT ?1, ?2, ?3, 0 WHERE ?1 <> ?2 AND NOT EXISTS (SELECT 1 FROM customer WHERE id = ?1) "
        "ON CONFLICT DO NOTHING",
    [CRM__Q_IO_LOAD_ERASED] = "UPDATE customer SET erased_at = ?2 WHERE id = ?1",
    [CRM__Q_IO_LOAD_REPLY_TO] = "UPDATE interaction SET reply_to = ?2 WHERE id = ?1",
    [CRM__Q_IO_SAME_CHANNEL] = "SELECT EXISTS (SELECT 1 FROM channel WHERE code = ?1), "
                               "EXISTS (SELECT 1 FROM channel WHERE code = ?1 AND name = ?2)",
    [CRM__Q_IO_SAME_CUSTOMER] =
        "SELECT EXISTS (SELECT 1 FROM customer WHERE id = ?1), "
        "EXISTS (SELECT 1 FROM customer WHERE id = ?1 AND kind = ?2 AND name = ?3 "
        "AND owner IS ?4 AND created_at = ?5 AND updated_at = ?6 AND archived_at IS ?7 "
        "AND erased_at IS ?8)",
    [CRM__Q_IO_SAME_MEMBERSHIP] =
        "SELECT EXISTS (SELECT 1 FROM membership WHERE org_id = ?1 AND person_id = ?2), "
        "EXISTS (SELECT 1 FROM membership WHERE org_id = ?1 AND person_id = ?2 AND role = ?3 "
        "AND since = ?4)",
    [CRM__Q_IO_SAME_IDENTITY] =
        "SELECT EXISTS (SELECT 1 FROM identity WHERE kind = ?2 AND key = ?3 AND customer_id = ?1), "
        "EXISTS (SELECT 1 FROM identity WHERE kind = ?2 AND key = ?3 AND customer_id = ?1 "
        "AND value = ?4 AND flags = ?5 AND created_at = ?6)",
    [CRM__Q_IO_SAME_ATTR] =
        "SELECT EXISTS (SELECT 1 FROM customer_attr WHERE customer_id = ?1 AND key = ?2), "
        "EXISTS (SELECT 1 FROM customer_attr WHERE customer_id = ?1 AND key = ?2 AND value = ?3)",
    [CRM__Q_IO_SAME_TAG] =
        "SELECT 1, EXISTS (SELECT 1 FROM customer_tag WHERE customer_id = ?1 AND tag = ?2)",
    [CRM__Q_IO_SAME_INTERACTION] =
        "SELECT EXISTS (SELECT 1 FROM interaction WHERE id = ?1), "
        "EXISTS (SELECT 1 FROM interaction WHERE id = ?1 AND customer_id = ?2 AND channel = ?3 "
        "AND direction = ?4 AND occurred_at = ?5 AND handled_by IS ?6 AND reason IS ?7 "
        "AND outcome = ?8 AND public = ?9 AND sentiment IS ?10 AND summary IS ?11 "
        "AND body IS ?12 AND thread_id = ?13 AND reply_to IS ?14 AND external_ref IS ?15 "
        "AND created_at = ?16 AND updated_at = ?17)",
    [CRM__Q_IO_SAME_PROMISE] =
        "SELECT EXISTS (SELECT 1 FROM promise WHERE id = ?1), "
        "EXISTS (SELECT 1 FROM promise WHERE id = ?1 AND customer_id = ?2 "
        "AND interaction_id IS ?3 AND owner = ?4 AND what = ?5 AND state = ?6 AND due_at = ?7 "
        "AND first_due_at = ?8 AND made_at = ?9 AND closed_at IS ?10 AND kept_by IS ?11)",
    [CRM__Q_IO_SAME_PROMISE_EVENT] =
        "SELECT EXISTS (SELECT 1 FROM promise_event WHERE promise_id = ?1 AND seq = ?2), "
        "EXISTS (SELECT 1 FROM promise_event WHERE promise_id = ?1 AND seq = ?2 AND kind = ?3 "
        "AND at = ?4 AND actor = ?5 AND old_due = ?6 AND new_due = ?7 "
        "AND customer_agreed = ?8 AND interaction_id IS ?9 AND note IS ?10)",
    [CRM__Q_IO_SAME_OCCASION] =
        "SELECT EXISTS (SELECT 1 FROM occasion WHERE id = ?1), "
        "EXISTS (SELECT 1 FROM occasion WHERE id = ?1 AND customer_id = ?2 AND kind = ?3 "
        "AND yearly = ?4 AND year = ?5 AND month = ?6 AND day = ?7 AND lead_days = ?8 "
        "AND note IS ?9 AND created_at = ?10)",
    [CRM__Q_IO_SAME_CONSENT] =
        "SELECT EXISTS (SELECT 1 FROM consent WHERE id = ?1), "
        "EXISTS (SELECT 1 FROM consent WHERE id = ?1 AND customer_id = ?2 AND purpose = ?3 "
        "AND channel IS ?4 AND granted = ?5 AND at = ?6 AND actor = ?7 "
        "AND interaction_id IS ?8 AND note = ?9)",
    [CRM__Q_IO_SAME_MERGED] =
        "SELECT EXISTS (SELECT 1 FROM customer_merged WHERE absorbed_id = ?1), "
        "EXISTS (SELECT 1 FROM customer_merged WHERE absorbed_id = ?1 AND survivor_id = ?2 "
        "AND merged_at = ?3)",
    [CRM__Q_IO_MERGED_BROKEN] =
        "WITH RECURSIVE chain (start, id, n) AS ("
        "SELECT absorbed_id, survivor_id, 1 FROM customer_merged "
        "UNION ALL SELECT chain.start, m.survivor_id, chain.n + 1 FROM chain "
        "JOIN customer_merged m ON m.absorbed_id = chain.id "
        "WHERE chain.n < 10000 AND chain.id <> chain.start) "
        "SELECT " ID_TEXT("start") " FROM chain WHERE id = start OR n = 10000 "
        "OR (NOT EXISTS (SELECT 1 FROM customer_merged m WHERE m.absorbed_id = chain.id) "
        "AND NOT EXISTS (SELECT 1 FROM customer c WHERE c.id = chain.id)) LIMIT 1",
};

/* ---- shaped lists ---- */

/* The SQL of a shaped list, assembled from fixed fragments only (every
 * value is bound) into a buffer; too long a text is noted, not cut. */
typedef struct sql_text {
    char *buf;
    size_t size, len;
    bool over;
} sql_text;

static void add(sql_text *t, const char *fmt, ...) CRM__PRINTF(2, 3);
static void add(sql_text *t, const char *fmt, ...)
{
    if (t->over)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->size - t->len)
        t->over = true;
    else
        t->len += (size_t)n;
}

/* customers (customer.c) */

/* Columns: id, kind, name, created_at, updated_at, archived (0/1). */

/* The FROM and WHERE of the list and of its count, which the same filter
 * gives the same rows. With a tag the walk starts from the tag index,
 * which is ordered by customer id, so a rare tag is cheap at any size. */
static void customer_where_sql(sql_text *t, unsigned int shape)
{
    bool tag = shape & CRM__SHAPE_CUSTOMER_LIST_TAG;
    const char *idcol = tag ? "t.customer_id" : "c.id";
    add(t, " FROM %s WHERE 1",
        tag ? "customer_tag t JOIN customer c ON c.id = t.customer_id" : "customer c");
    if (tag)
        add(t, " AND t.tag = ?1");
    /* An erased customer is archived too: only a list that takes archived
     * customers must leave it out itself. */
    if (!(shape & CRM__SHAPE_CUSTOMER_LIST_ACTIVE))
        add(t, " AND c.erased_at IS NULL");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_KIND)
        add(t, " AND c.kind = ?2");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_ACTIVE)
        add(t, " AND c.archived_at IS NULL");
    else if (shape & CRM__SHAPE_CUSTOMER_LIST_ARCHIVED)
        add(t, " AND c.archived_at IS NOT NULL");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_NAME_PREFIX)
        add(t, " AND c.name_key >= ?3 AND c.name_key < ?4");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_OWNER)
        add(t, " AND c.owner = ?9");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_EMPTY)
        add(t, " AND 0");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_FROM)
        add(t, " AND %s >= ?5", idcol);
    if (shape & CRM__SHAPE_CUSTOMER_LIST_TO)
        add(t, " AND %s < ?6", idcol);
}

static void customer_list_sql(sql_text *t, unsigned int shape)
{
    bool by_name = shape & CRM__SHAPE_CUSTOMER_LIST_BY_NAME;
    const char *idcol = shape & CRM__SHAPE_CUSTOMER_LIST_TAG ? "t.customer_id" : "c.id";
    add(t, "SELECT " CUSTOMER_COLUMNS);
    customer_where_sql(t, shape);
    if ((shape & CRM__SHAPE_CUSTOMER_LIST_AFTER) && !by_name)
        add(t, " AND %s > ?7", idcol);
    if ((shape & CRM__SHAPE_CUSTOMER_LIST_AFTER) && by_name)
        add(t, " AND (c.name_key, c.id) > ((SELECT name_key FROM customer WHERE id = ?7), ?7)");
    if (!by_name)
        add(t, " ORDER BY %s", idcol);
    else
        add(t, " ORDER BY c.name_key, c.id");
    if (shape & CRM__SHAPE_CUSTOMER_LIST_LIMIT)
        add(t, " LIMIT ?8");
}

static void customer_count_sql(sql_text *t, unsigned int shape)
{
    add(t, "SELECT count(*)");
    customer_where_sql(t, shape);
}

/* interactions (interaction.c) */

/* The columns of a list's rows: those of INTERACTION_COLUMNS, from i. */
#define LIST_COLUMNS                                                                        \
    "i.id, i.customer_id, i.channel, i.direction, i.occurred_at, i.handled_by, i.reason, " \
    "i.outcome, i.public, i.sentiment, i.summary, i.body, i.thread_id, i.reply_to, "       \
    "i.external_ref, i.updated_at, CASE WHEN i.channel > 11 THEN "                         \
    "(SELECT ch.name FROM channel ch WHERE ch.code = i.channel) END"

/* The timeline walks the index interaction_timeline backwards from the
 * newest (or from `before`), a thread the index interaction_thread forwards
 * from its first (or from the one seen last), so the order costs no sort.
 * A custom channel's number is 64 or more, past every bit of ?2.
 * With HEAD, the list reads the customer (the interaction, for a thread)
 * ?1 names in the same statement, a probe of its primary key, and joins
 * the rows to it: the filter is part of the join, so that a head whose
 * rows it all leaves out still gives its one row of NULLs. A check of its
 * own in a statement before the list (held on its row, so that both read
 * one snapshot) cost a third of a thread of one interaction. */
static void timeline_sql(sql_text *t, unsigned int shape, bool thread)
{
    static const struct {
        unsigned int bit; /* 0: always there */
        int thread;       /* -1: the timeline's only, 1: a thread's only */
        int head;         /* -1: only without HEAD, 1: only with it */
        const char *sql;
    } part[] = {
        { 0, -1, -1, "SELECT " LIST_COLUMNS " FROM interaction i WHERE i.customer_id = ?1" },
        { 0, 1, -1, "SELECT " LIST_COLUMNS " FROM interaction i WHERE i.thread_id = ?1" },
        { 0, -1, 1,
          "SELECT " LIST_COLUMNS " FROM customer c LEFT JOIN interaction i "
          "ON i.customer_id = c.id" },
        { 0, 1, 1,
          "SELECT " LIST_COLUMNS " FROM interaction h LEFT JOIN interaction i "
          "ON i.thread_id = h.thread_id" },
        { CRM__SHAPE_TIMELINE_CHANNELS, 0, 0, " AND (?2 >> i.channel) & 1" },
        { CRM__SHAPE_TIMELINE_CHANNEL_NAMES, 0, 0,
          " AND ((?2 >> i.channel) & 1 OR i.channel IN "
          "(SELECT ch.code FROM channel ch WHERE instr(?12, ',' || ch.name || ',') > 0))" },
        { CRM__SHAPE_TIMELINE_FROM, 0, 0, " AND i.occurred_at >= ?3" },
        { CRM__SHAPE_TIMELINE_TO, 0, 0, " AND i.occurred_at < ?4" },
        { CRM__SHAPE_TIMELINE_REASON, 0, 0, " AND i.reason >= ?5 AND i.reason < ?6" },
        { CRM__SHAPE_TIMELINE_DIRECTION, 0, 0, " AND i.direction = ?7" },
        { CRM__SHAPE_TIMELINE_PUBLIC, 0, 0, " AND i.public = 1" },
        { CRM__SHAPE_TIMELINE_OUTCOMES, 0, 0, " AND (?8 >> i.outcome) & 1" },
        { CRM__SHAPE_TIMELINE_BEFORE, -1, 0, " AND (i.occurred_at, i.id) < (?9, ?10)" },
        { CRM__SHAPE_TIMELINE_BEFORE, 1, 0, " AND (i.occurred_at, i.id) > (?9, ?10)" },
        { 0, -1, 1, " WHERE c.id = ?1 AND c.erased_at IS NULL" },
        { 0, 1, 1, " WHERE h.id = ?1" },
        { 0, -1, 0, " ORDER BY i.occurred_at DESC, i.id DESC" },
        { 0, 1, 0, " ORDER BY i.occurred_at, i.id" },
        { CRM__SHAPE_TIMELINE_LIMIT, 0, 0, " LIMIT ?11" },
    };
    bool head = shape & CRM__SHAPE_TIMELINE_HEAD;
    for (size_t i = 0; i < sizeof part / sizeof part[0]; i++)
        if ((!part[i].bit || (shape & part[i].bit)) &&
            (part[i].thread == 0 || (part[i].thread > 0) == thread) &&
            (part[i].head == 0 || (part[i].head > 0) == head))
            add(t, "%s", part[i].sql);
}

/* promises (promise.c) */

static void promise_list_sql(sql_text *t, unsigned int shape)
{
    add(t, "SELECT " PROMISE_COLUMNS " FROM promise p%s WHERE 1",
        shape & CRM__SHAPE_PROMISE_LIST_CUSTOMER ? " INDEXED BY promise_by_customer"
        : shape & CRM__SHAPE_PROMISE_LIST_OWNER  ? " INDEXED BY promise_by_owner"
        : shape & CRM__SHAPE_PROMISE_LIST_BY_DUE ? " INDEXED BY promise_by_due"
                                                 : "");
    if (shape & CRM__SHAPE_PROMISE_LIST_NONE)
        add(t, " AND 0");
    if (shape & CRM__SHAPE_PROMISE_LIST_CUSTOMER)
        add(t, " AND p.customer_id = ?1");
    if (shape & CRM__SHAPE_PROMISE_LIST_OWNER)
        add(t, " AND p.owner = ?2");
    if (shape & CRM__SHAPE_PROMISE_LIST_STATE)
        add(t, " AND p.state = ?3");
    else if (shape & CRM__SHAPE_PROMISE_LIST_STATES)
        add(t, " AND p.state IN (?3, ?4, ?5)");
    else if (shape & CRM__SHAPE_PROMISE_LIST_ANY_STATE)
        add(t, " AND p.state IN (1, 2, 3, 4)");
    if (shape & CRM__SHAPE_PROMISE_LIST_DUE_BEFORE)
        add(t, " AND p.due_at < ?6");
    if (shape & CRM__SHAPE_PROMISE_LIST_AFTER)
        add(t, " AND (p.due_at, p.id) > (?7, ?8)");
    add(t, " ORDER BY p.due_at, p.id");
    if (shape & CRM__SHAPE_PROMISE_LIST_LIMIT)
        add(t, " LIMIT ?9");
}

/* reports (report.c) */

/* Every report reads its window of interactions in one pass over the table
 * (no index orders them by time); the hand-over probes
 * interaction_timeline for each IVR contact, the keep-rate reads promise
 * whole and probes promise_event's key per promise. */

/* The clause of the channels of interaction x (or of the contacts a
 * window function read, which carry their channel). */
static void report_filter_sql(sql_text *t, unsigned int shape, const char *x)
{
    if (shape & CRM__SHAPE_REPORT_CHANNEL_NAMES)
        add(t,
            " AND ((?3 >> %s.channel) & 1 OR %s.channel IN "
            "(SELECT ch.code FROM channel ch WHERE instr(?4, ',' || ch.name || ',') > 0))",
            x, x);
    else if (shape & CRM__SHAPE_REPORT_CHANNELS)
        add(t, " AND (?3 >> %s.channel) & 1", x);
}

/* The clause of the customers' owner of the rows of x: the owner's
 * customers are read once through customer_by_owner into a set the scan
 * probes. */
static void report_owner_sql(sql_text *t, unsigned int shape, const char *x)
{
    if (shape & CRM__SHAPE_REPORT_OWNER)
        add(t, " AND %s.customer_id IN (SELECT id FROM customer WHERE owner = ?5)", x);
}

/* A reason at the report's depth. */
static const char *report_reason(unsigned int shape)
{
    return shape & CRM__SHAPE_REPORT_DEPTH ? "crm_reason_at(i.reason, ?6)" : "i.reason";
}

#define REPORT_CONTACTS " FROM interaction i WHERE i.direction = 1"
#define REPORT_WINDOW " AND i.occurred_at >= ?1 AND i.occurred_at < ?2"
#define REASON_ORDER "n DESC, reason IS NULL, reason"

static void report_reasons_sql(sql_text *t, unsigned int shape)
{
    bool split = shape & CRM__SHAPE_REPORT_BY_CHANNEL;
    add(t, "WITH rc AS (SELECT %s AS reason, %s count(*) AS n" REPORT_CONTACTS REPORT_WINDOW,
        report_reason(shape), split ? "i.channel AS channel," : "");
    report_filter_sql(t, shape, "i");
    report_owner_sql(t, shape, "i");
    add(t, " GROUP BY 1%s)", split ? ", 2" : "");
    if (!split) {
        add(t, " SELECT reason, NULL, n, sum(n) OVER (), sum(n) OVER (ORDER BY " REASON_ORDER
               " ROWS UNBOUNDED PRECEDING) FROM rc ORDER BY " REASON_ORDER);
        return;
    }
    add(t, ", r AS (SELECT reason, sum(n) AS n FROM rc GROUP BY reason),"
           " k AS MATERIALIZED (SELECT reason, n, sum(n) OVER () AS total,"
           " sum(n) OVER (ORDER BY " REASON_ORDER " ROWS UNBOUNDED PRECEDING) AS cum,"
           " row_number() OVER (ORDER BY " REASON_ORDER ") AS place FROM r)"
           " SELECT reason, NULL, n, total, cum, place, 0, 0, '' FROM k"
           " UNION ALL SELECT rc.reason, ch.name, rc.n, k.total, NULL, k.place, 1, rc.n, ch.name"
           " FROM rc JOIN k ON k.reason IS rc.reason JOIN channel ch ON ch.code = rc.channel"
           " ORDER BY 6, 7, 8 DESC, 9");
}

/* Each contact with a reason in the window widened by the repeat window
 * before (and, for the first-contact resolution, after), beside the time
 * of the same customer's contact about the same reason just before it
 * (and after it). The columns carried through the window's sort are only
 * those the report reads. */
static void report_sequence_sql(sql_text *t, unsigned int shape, bool fcr)
{
    bool channels = shape & (CRM__SHAPE_REPORT_CHANNELS | CRM__SHAPE_REPORT_CHANNEL_NAMES);
    add(t, "WITH a AS (SELECT reason, at, lag(at) OVER w AS prev%s%s"
           " FROM (SELECT i.customer_id, i.id, %s AS reason, i.occurred_at AS at%s%s"
           REPORT_CONTACTS " AND i.reason IS NOT NULL"
           " AND i.occurred_at >= ?1 - ?7 AND i.occurred_at < ?2%s",
        fcr ? ", lead(at) OVER w AS next, outcome" : "", fcr || channels ? ", channel" : "",
        report_reason(shape), fcr ? ", i.outcome" : "", fcr || channels ? ", i.channel" : "",
        fcr ? " + ?7" : "");
    report_owner_sql(t, shape, "i");
    add(t, ") WINDOW w AS (PARTITION BY customer_id, reason ORDER BY at, id))");
}

static void report_repeats_sql(sql_text *t, unsigned int shape)
{
    report_sequence_sql(t, shape, false);
    add(t, " SELECT reason, count(*) AS n, count(*) FILTER (WHERE prev >= at - ?7)"
           " FROM a WHERE at >= ?1");
    report_filter_sql(t, shape, "a");
    add(t, " GROUP BY reason ORDER BY n DESC, reason");
}

static void report_fcr_sql(sql_text *t, unsigned int shape)
{
    report_sequence_sql(t, shape, true);
    add(t, ", f AS MATERIALIZED (SELECT reason, channel,"
           " outcome = 1 AND (next IS NULL OR next > at + ?7) AS ok FROM a"
           " WHERE at >= ?1 AND at < ?2 AND (prev IS NULL OR prev < at - ?7)");
    report_filter_sql(t, shape, "a");
    add(t, ") SELECT 'channel', ch.name, count(*), sum(ok), 0"
           " FROM f JOIN channel ch ON ch.code = f.channel GROUP BY ch.name"
           " UNION ALL SELECT 'reason', reason, count(*), sum(ok), 1 FROM f GROUP BY reason"
           " ORDER BY 5, 3 DESC, 2");
}

static void report_handover_sql(sql_text *t, unsigned int shape)
{
    add(t, "SELECT reason, count(*) AS n, sum(h), count(*) - sum(h) FROM (SELECT %s AS reason,"
           " EXISTS (SELECT 1 FROM interaction x WHERE x.customer_id = i.customer_id"
           " AND x.occurred_at >= i.occurred_at AND x.occurred_at <= i.occurred_at + ?8"
           " AND x.channel <> 2 AND (x.handled_by IS NULL"
           " OR substr(x.handled_by, 1, 4) NOT IN ('ivr:', 'bot:'))) AS h" REPORT_CONTACTS
           " AND i.channel = 2 AND i.reason IS NOT NULL" REPORT_WINDOW,
        report_reason(shape));
    report_filter_sql(t, shape, "i");
    report_owner_sql(t, shape, "i");
    add(t, ") GROUP BY reason ORDER BY n DESC, reason");
}

#define KEEP_SUMS(f)                                                                        \
    f "(made), " f "(kot), " f "(kl), " f "(br), " f "(rel), " f "(op), " f "(od), " f "(rn), " \
    f "(ra), " f "(rn - ra), " f "(kot + kl + br + od)"

static void report_keep_rate_sql(sql_text *t, unsigned int shape)
{
    bool channels = shape & (CRM__SHAPE_REPORT_CHANNELS | CRM__SHAPE_REPORT_CHANNEL_NAMES);
    add(t, "WITH o AS MATERIALIZED (SELECT p.owner AS owner, count(*) AS made,"
           " count(*) FILTER (WHERE p.state = 2 AND p.closed_at <= p.due_at) AS kot,"
           " count(*) FILTER (WHERE p.state = 2 AND p.closed_at > p.due_at) AS kl,"
           " count(*) FILTER (WHERE p.state = 3) AS br,"
           " count(*) FILTER (WHERE p.state = 4) AS rel,"
           " count(*) FILTER (WHERE p.state = 1) AS op,"
           " count(*) FILTER (WHERE p.state = 1 AND p.due_at < ?9) AS od,"
           " sum((SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id"
           " AND e.kind = 2)) AS rn,"
           " sum((SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id"
           " AND e.kind = 2 AND e.customer_agreed)) AS ra"
           " FROM promise p%s WHERE p.made_at >= ?1 AND p.made_at < ?2",
        channels ? " JOIN interaction x ON x.id = p.interaction_id" : "");
    report_filter_sql(t, shape, "x");
    report_owner_sql(t, shape, "p");
    add(t, " GROUP BY p.owner)"
           " SELECT owner, " KEEP_SUMS("") ", 0 FROM o"
           " UNION ALL SELECT NULL, " KEEP_SUMS("total") ", 1 FROM o ORDER BY 13, 1");
}

#define DAY_MS "86400000"
#define WEEK_MS "604800000"

static void report_channel_mix_sql(sql_text *t, unsigned int shape)
{
    /* Days are counted in one pass; weeks (the first Monday after the
     * epoch is day 4) and months are made of the few day rows after. */
    const char *period =
        shape & CRM__SHAPE_REPORT_WEEK
            ? "day - ((day - 4 * " DAY_MS ") % " WEEK_MS " + " WEEK_MS ") % " WEEK_MS
        : shape & CRM__SHAPE_REPORT_MONTH
            ? "CAST(strftime('%s', day / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000"
            : NULL;
    add(t, "SELECT g.ps, ch.name, CASE g.d WHEN 1 THEN 'in' ELSE 'out' END, g.pub, g.n FROM (");
    if (period)
        add(t, "SELECT %s AS ps, channel, d, pub, sum(n) AS n FROM (", period);
    add(t, "SELECT i.occurred_at - (i.occurred_at %% " DAY_MS " + " DAY_MS ") %% " DAY_MS
           " AS %s, i.channel AS channel, i.direction AS d, i.public AS pub, count(*) AS n"
           " FROM interaction i WHERE 1" REPORT_WINDOW,
        period ? "day" : "ps");
    report_filter_sql(t, shape, "i");
    report_owner_sql(t, shape, "i");
    add(t, " GROUP BY 1, 2, 3, 4)");
    if (period)
        add(t, " GROUP BY 1, 2, 3, 4)");
    add(t, " g JOIN channel ch ON ch.code = g.channel ORDER BY 1, 2, g.d, 4");
}

static void report_sql(sql_text *t, crm__query q, unsigned int shape)
{
    switch (q) {
    case CRM__Q_REPORT_REASONS:
        report_reasons_sql(t, shape);
        break;
    case CRM__Q_REPORT_REPEATS:
        report_repeats_sql(t, shape);
        break;
    case CRM__Q_REPORT_FCR:
        report_fcr_sql(t, shape);
        break;
    case CRM__Q_REPORT_HANDOVER:
        report_handover_sql(t, shape);
        break;
    case CRM__Q_REPORT_KEEP_RATE:
        report_keep_rate_sql(t, shape);
        break;
    default:
        report_channel_mix_sql(t, shape);
        break;
    }
}

/* crm_reason_at(code, depth): the code's first depth levels (split at
 * '.'), the whole code when it has no more, or when depth is 0; NULL for
 * NULL. */
static void reason_at(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        if (sqlite3_value_type(argv[0]) != SQLITE_NULL)
            sqlite3_result_error_nomem(ctx);
        return;
    }
    int64_t depth = sqlite3_value_int64(argv[1]);
    int n = sqlite3_value_bytes(argv[0]), cut = 0;
    while (depth > 0 && cut < n) {
        const char *dot = memchr(s + cut, '.', (size_t)(n - cut));
        if (!dot || --depth == 0) {
            if (dot)
                n = (int)(dot - s);
            break;
        }
        cut = (int)(dot - s) + 1;
    }
    sqlite3_result_text(ctx, s, n, SQLITE_TRANSIENT);
}

int crm__sqlite_report_functions(sqlite3 *sql)
{
    return sqlite3_create_function(sql, "crm_reason_at", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   reason_at, NULL, NULL);
}

/* ---- the agenda (agenda.c) ---- */

/* Each kind is a branch of one UNION ALL, ordered by its score; every
 * branch gives the columns of CRM__Q_AGENDA. One owner's branches start
 * from the owner: its promises through promise_open_by_owner, its
 * customers through customer_by_owner and from each customer its open
 * promises (promise_open_by_customer), open inbound contacts
 * (interaction_waiting) and occasions (occasion_by_customer). The partial
 * indexes hold only what may be on an agenda, so the closed history of an
 * owner or a customer is never read; their WHERE terms are repeated here
 * word for word, which is how SQLite knows a query may use them.
 *
 * The owner's customers are walked in customer_by_owner alone (w), and a
 * customer's row (c) is read only for a customer that has an item: the
 * CROSS JOINs keep SQLite to that order, which it would otherwise turn
 * round to read every customer's row first. For a team of 16384 customers
 * of a million, that read was two thirds of the agenda's time. */

#define AGENDA_CUSTOMER "c.id, c.name, c.owner"
/* A promise is overdue before as_of, due soon from it on. */
#define AGENDA_PROMISE                                                                    \
    "SELECT CASE WHEN p.due_at < ?2 THEN 1 ELSE 2 END AS kind, " AGENDA_CUSTOMER ", "     \
    "p.id AS item_id, p.owner, p.due_at AS since, p.due_at, "                             \
    "?2 - p.due_at + CASE WHEN p.due_at < ?2 THEN ?5 ELSE ?6 END AS score, "              \
    "NULL, NULL, NULL, 0"
/* One row per waiting customer: the earliest of its open inbound contacts
 * with no outbound one at or after it (SQLite gives the bare columns of
 * the row min() picks), and how many there are. */
#define AGENDA_CONTACT                                                                    \
    "SELECT 3 AS kind, " AGENDA_CUSTOMER ", i.id AS item_id, NULL, "                      \
    "min(i.occurred_at) AS since, NULL, ?2 - min(i.occurred_at) + ?7 AS score, "          \
    "i.channel, CASE WHEN i.channel > 11 THEN "                                           \
    "(SELECT ch.name FROM channel ch WHERE ch.code = i.channel) END, NULL, count(*)"
#define AGENDA_CONTACT_WHERE                                                              \
    " AND i.direction = 1 AND i.outcome IN (0, 2) AND i.occurred_at <= ?2 "               \
    "AND NOT EXISTS (SELECT 1 FROM interaction r WHERE r.customer_id = i.customer_id "    \
    "AND r.occurred_at >= i.occurred_at AND r.occurred_at <= ?2 AND r.direction = 2)"
/* An occasion's next date on or after as_of's (?10, ?11): this year's or
 * next year's for a yearly one (29 February is 28 February in a common
 * year), its own for a one-off; in ms at 00:00 UTC. */
#define AGENDA_YEAR \
    "(CASE WHEN o.yearly = 0 THEN o.year WHEN o.md >= ?11 THEN ?10 ELSE ?10 + 1 END)"
#define AGENDA_DATE                                                                       \
    "(unixepoch(printf('%%04d-%%02d-%%02d', " AGENDA_YEAR ", o.month, "                   \
    "CASE WHEN o.month = 2 AND o.day = 29 AND NOT (" AGENDA_YEAR " %% 4 = 0 AND ("        \
    AGENDA_YEAR " %% 100 <> 0 OR " AGENDA_YEAR " %% 400 = 0)) THEN 28 ELSE o.day END)) "  \
    "* 1000)"
#define AGENDA_OCCASION                                                                   \
    "SELECT 4 AS kind, " AGENDA_CUSTOMER ", o.id AS item_id, NULL, "                      \
    AGENDA_DATE " AS since, " AGENDA_DATE ", ?2 - " AGENDA_DATE " + ?8 AS score, "        \
    "NULL, NULL, o.kind, o.lead_days"
/* On or after as_of's day, and surfaced by it; a yearly one that began
 * in a later year has not begun. */
#define AGENDA_OCCASION_WHERE                                                             \
    " AND (o.yearly = 0 OR o.year <= " AGENDA_YEAR ") AND " AGENDA_DATE " >= ?9 "         \
    "AND " AGENDA_DATE " - o.lead_days * 86400000 <= ?9"

static void agenda_due_sql(sql_text *t, unsigned int shape)
{
    add(t, " AND p.state = 1 AND p.due_at < ?4");
    if (shape & CRM__SHAPE_AGENDA_DUE_FROM)
        add(t, " AND p.due_at >= ?3");
}

static void agenda_sql(sql_text *t, unsigned int shape)
{
    bool owner = shape & CRM__SHAPE_AGENDA_OWNER;
    const char *sep = "";
    if (shape & CRM__SHAPE_AGENDA_PROMISES) {
        if (owner) {
            /* The owner's promises, then the other promises of its
             * customers: a promise that is both shows once. */
            add(t, AGENDA_PROMISE " FROM promise p INDEXED BY promise_open_by_owner "
                   "JOIN customer c ON c.id = p.customer_id "
                   "WHERE p.owner = ?1 AND c.archived_at IS NULL");
            agenda_due_sql(t, shape);
            add(t, " UNION ALL " AGENDA_PROMISE " FROM customer w INDEXED BY customer_by_owner "
                   "CROSS JOIN promise p INDEXED BY promise_open_by_customer "
                   "ON p.customer_id = w.id CROSS JOIN customer c ON c.id = w.id "
                   "WHERE w.owner = ?1 AND c.archived_at IS NULL AND p.owner <> ?1");
        } else {
            add(t, AGENDA_PROMISE " FROM promise p "
                   "JOIN customer c ON c.id = p.customer_id WHERE c.archived_at IS NULL");
        }
        agenda_due_sql(t, shape);
        sep = " UNION ALL ";
    }
    if (shape & CRM__SHAPE_AGENDA_CONTACTS) {
        if (owner)
            add(t, "%s" AGENDA_CONTACT " FROM customer w INDEXED BY customer_by_owner "
                   "CROSS JOIN interaction i INDEXED BY interaction_waiting "
                   "ON i.customer_id = w.id CROSS JOIN customer c ON c.id = w.id "
                   "WHERE w.owner = ?1 AND c.archived_at IS NULL" AGENDA_CONTACT_WHERE
                   " GROUP BY w.id", sep);
        else
            add(t, "%s" AGENDA_CONTACT " FROM interaction i INDEXED BY interaction_waiting "
                   "JOIN customer c ON c.id = i.customer_id "
                   "WHERE c.archived_at IS NULL" AGENDA_CONTACT_WHERE
                   " GROUP BY i.customer_id", sep);
        sep = " UNION ALL ";
    }
    if (shape & CRM__SHAPE_AGENDA_OCCASIONS) {
        if (owner)
            add(t, "%s" AGENDA_OCCASION " FROM customer w INDEXED BY customer_by_owner "
                   "CROSS JOIN occasion o ON o.customer_id = w.id "
                   "CROSS JOIN customer c ON c.id = w.id "
                   "WHERE w.owner = ?1 AND c.archived_at IS NULL" AGENDA_OCCASION_WHERE, sep);
        else
            add(t, "%s" AGENDA_OCCASION " FROM occasion o JOIN customer c ON c.id = o.customer_id "
                   "WHERE c.archived_at IS NULL" AGENDA_OCCASION_WHERE, sep);
        sep = " UNION ALL ";
    }
    add(t, " ORDER BY score DESC, since, kind, item_id");
    if (shape & CRM__SHAPE_AGENDA_LIMIT)
        add(t, " LIMIT ?12");
}

int crm__sqlite_shaped(char *buf, size_t size, crm__query q, unsigned int shape)
{
    sql_text t = { buf, size, 0, size == 0 };
    switch (q) {
    case CRM__Q_CUSTOMER_LIST:
        customer_list_sql(&t, shape);
        break;
    case CRM__Q_TIMELINE:
        timeline_sql(&t, shape, false);
        break;
    case CRM__Q_INTERACTION_THREAD:
        timeline_sql(&t, shape, true);
        break;
    case CRM__Q_CUSTOMER_COUNT:
        customer_count_sql(&t, shape);
        break;
    case CRM__Q_PROMISE_LIST:
        promise_list_sql(&t, shape);
        break;
    case CRM__Q_REPORT_REASONS:
    case CRM__Q_REPORT_REPEATS:
    case CRM__Q_REPORT_FCR:
    case CRM__Q_REPORT_HANDOVER:
    case CRM__Q_REPORT_KEEP_RATE:
    case CRM__Q_REPORT_CHANNEL_MIX:
        report_sql(&t, q, shape);
        break;
    case CRM__Q_AGENDA:
        agenda_sql(&t, shape);
        break;
    default:
        return -1;
    }
    return t.over ? -1 : 0;
}

