/*
 * libcrm benchmark - the raw side: the same work written straight against
 * SQLite, as a careful engineer would write it for the same result. Same
 * schema (libcrm's own migrations), same settings, same rows: every change
 * writes the journal row libcrm writes, with the same JSON, and puts each
 * text a person may search for (a name, an identity's value, a summary, a
 * promise's text) in a full-text index kept by hand, as libcrm keeps its
 * own (the triggers that keep libcrm's go). Statements are
 * prepared once; a transaction is used exactly where libcrm uses one. Ids
 * are made as libcrm makes them (UUIDv7 with libuuid's randomness), because
 * the application would have to make them too. What the raw code leaves out
 * is what it does not need: the checks libcrm makes to return a precise
 * error (a foreign key or a primary key refuses the same rows), looking for
 * another primary phone of a customer it has just created, the savepoint
 * libcrm puts around each call in a group (so that a failed call undoes only
 * itself), the key a `before` id stands for (the application still holds it
 * from the page it showed), and text forms of ids it does not show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>
#include <uuid/uuid.h>

#include "bench.h"
#include "schema.h"

enum {
    S_CUSTOMER,
    S_J_CUSTOMER,
    S_IDENTITY,
    S_J_IDENTITY,
    S_LOOKUP,
    S_INTERACTION,
    S_J_INTERACTION,
    S_TIMELINE,
    S_TIMELINE_BEFORE,
    S_PROMISE,
    S_PROMISE_MADE,
    S_J_PROMISE_MAKE,
    S_KEEP,
    S_PROMISE_KEPT,
    S_J_PROMISE_KEEP,
    S_OVERDUE,
    S_LAST_SEQ,
    S_JOURNAL,
    S_PAGE,
    S_BEGIN,
    S_COMMIT,
    S_CUSTOMERS_COUNT,
    S_THREAD,
    S_HOLDERS,
    S_J_PROMISE_MAKE_PAST,
    S_REDUE,
    S_PROMISE_RENEGOTIATED,
    S_J_PROMISE_RENEGOTIATE_PAST,
    S_J_PROMISE_KEEP_PAST,
    S_RESOLVE,
    S_SET_OWNER,
    S_OWNER_PAGE,
    S_REPORT_REASONS,
    S_REPORT_REPEATS,
    S_REPORT_FCR,
    S_REPORT_HANDOVER,
    S_REPORT_KEEP_RATE,
    S_REPORT_CHANNEL_MIX,
    S_AGENDA_PROMISE,
    S_AGENDA_CONTACT,
    S_AGENDA,
    S_HAND_INDEX,
    S_CONSENT_INSERT,
    S_CONSENT_CHECK,
    S_ATTR_SET,
    S_VERIFY_READ,
    S_VERIFY_FAIL,
    S_VERIFY_CLEAR,
    S_ID_PREFIX,
    S_COUNT
};

#define INTERACTION_COLUMNS                                                                  \
    "id, customer_id, channel, direction, occurred_at, handled_by, reason, outcome, public, " \
    "sentiment, summary, body, thread_id, reply_to, external_ref, updated_at"

static const char *const SQL[S_COUNT] = {
    /* The reports, as a program would ask SQLite for them: one query each
     * over every inbound interaction (?1 the repeat or hand-over window,
     * ?2 now), the shares divided by the program. */
    [S_REPORT_REASONS] =
        "SELECT reason, NULL, count(*) AS n, sum(count(*)) OVER (), "
        "sum(count(*)) OVER (ORDER BY count(*) DESC, reason IS NULL, reason "
        "ROWS UNBOUNDED PRECEDING) FROM interaction WHERE direction = 1 "
        "GROUP BY reason ORDER BY n DESC, reason IS NULL, reason",
    [S_REPORT_REPEATS] =
        "SELECT reason, count(*) AS n, count(*) FILTER (WHERE prev >= at - ?1) FROM "
        "(SELECT reason, occurred_at AS at, lag(occurred_at) OVER (PARTITION BY customer_id, "
        "reason ORDER BY occurred_at, id) AS prev FROM interaction "
        "WHERE direction = 1 AND reason IS NOT NULL) GROUP BY reason ORDER BY n DESC, reason",
    [S_REPORT_FCR] =
        "WITH f AS MATERIALIZED (SELECT channel, reason, outcome = 1 AND "
        "(next IS NULL OR next > at + ?1) AS ok FROM (SELECT channel, reason, occurred_at AS at, "
        "outcome, lag(occurred_at) OVER w AS prev, lead(occurred_at) OVER w AS next "
        "FROM interaction WHERE direction = 1 AND reason IS NOT NULL "
        "WINDOW w AS (PARTITION BY customer_id, reason ORDER BY occurred_at, id)) "
        "WHERE prev IS NULL OR prev < at - ?1) "
        "SELECT 'channel', ch.name, count(*), sum(ok), 0 FROM f "
        "JOIN channel ch ON ch.code = f.channel GROUP BY ch.name "
        "UNION ALL SELECT 'reason', reason, count(*), sum(ok), 1 FROM f GROUP BY reason "
        "ORDER BY 5, 3 DESC, 2",
    [S_REPORT_HANDOVER] =
        "SELECT reason, count(*) AS n, sum(h), count(*) - sum(h) FROM (SELECT i.reason, "
        "EXISTS (SELECT 1 FROM interaction x WHERE x.customer_id = i.customer_id "
        "AND x.occurred_at BETWEEN i.occurred_at AND i.occurred_at + ?1 AND x.channel <> 2 "
        "AND (x.handled_by IS NULL OR substr(x.handled_by, 1, 4) NOT IN ('ivr:', 'bot:'))) AS h "
        "FROM interaction i WHERE i.direction = 1 AND i.channel = 2 AND i.reason IS NOT NULL) "
        "GROUP BY reason ORDER BY n DESC, reason",
    [S_REPORT_KEEP_RATE] =
        "WITH o AS MATERIALIZED (SELECT owner, count(*) AS made, "
        "count(*) FILTER (WHERE state = 2 AND closed_at <= due_at) AS kot, "
        "count(*) FILTER (WHERE state = 2 AND closed_at > due_at) AS kl, "
        "count(*) FILTER (WHERE state = 3) AS br, count(*) FILTER (WHERE state = 4) AS rel, "
        "count(*) FILTER (WHERE state = 1) AS op, "
        "count(*) FILTER (WHERE state = 1 AND due_at < ?2) AS od, "
        "sum((SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id AND e.kind = 2)) "
        "AS rn, sum((SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id "
        "AND e.kind = 2 AND e.customer_agreed)) AS ra FROM promise p GROUP BY owner) "
        "SELECT owner, made, kot, kl, br, rel, op, od, rn, ra, rn - ra, kot + kl + br + od, 0 "
        "FROM o UNION ALL SELECT NULL, total(made), total(kot), total(kl), total(br), "
        "total(rel), total(op), total(od), total(rn), total(ra), total(rn - ra), "
        "total(kot + kl + br + od), 1 FROM o ORDER BY 13, 1",
    [S_REPORT_CHANNEL_MIX] =
        "SELECT w, ch.name, CASE d WHEN 1 THEN 'in' ELSE 'out' END, pub, n FROM "
        "(SELECT day - ((day - 345600000) % 604800000 + 604800000) % 604800000 AS w, channel, "
        "d, pub, sum(n) AS n FROM (SELECT occurred_at - (occurred_at % 86400000 + 86400000) "
        "% 86400000 AS day, channel, direction AS d, public AS pub, count(*) AS n "
        "FROM interaction GROUP BY 1, 2, 3, 4) GROUP BY 1, 2, 3, 4) g "
        "JOIN channel ch ON ch.code = g.channel ORDER BY 1, 2, d, 4",
    [S_CUSTOMER] = "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at) "
                   "VALUES (?1, 1, ?2, ?3, ?4, ?4)",
    [S_J_CUSTOMER] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                     "VALUES (?1, '" BENCH_ACTOR "', 'customer', ?2, 'create', "
                     "json_object('kind', 'person', 'name', ?3))",
    [S_IDENTITY] = "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
                   "VALUES ('phone', ?1, ?2, ?3, 1, ?4)",
    [S_J_IDENTITY] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                     "VALUES (?1, '" BENCH_ACTOR "', 'identity', ?2, 'add', "
                     "json_object('kind', 'phone', 'value', ?3, 'key', ?4, 'flags', 1))",
    [S_LOOKUP] = "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
                 "c.archived_at IS NOT NULL, c.owner "
                 "FROM identity i JOIN customer c ON c.id = i.customer_id "
                 "WHERE i.kind = 'phone' AND i.key = ?1",
    [S_HOLDERS] = "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
                  "c.archived_at IS NOT NULL, c.owner "
                  "FROM identity i JOIN customer c ON c.id = i.customer_id "
                  "WHERE i.kind = 'phone' AND i.key = ?1 ORDER BY i.customer_id",
    /* A text that may be a phone number (key ?1, normalised by the caller)
     * or an account or loyalty number (key ?2, the text itself). */
    /* (An OR of the two would be planned as a multi-index OR, which
     * gathers the rows in a temporary table: five times the work.) */
    [S_RESOLVE] = "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
                  "c.archived_at IS NOT NULL, c.owner "
                  "FROM identity i JOIN customer c ON c.id = i.customer_id "
                  "WHERE i.kind = 'phone' AND i.key = ?1 "
                  "UNION ALL "
                  "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
                  "c.archived_at IS NOT NULL, c.owner "
                  "FROM identity i JOIN customer c ON c.id = i.customer_id "
                  "WHERE i.kind IN ('account', 'loyalty') AND i.key = ?2",
    [S_INTERACTION] = "INSERT INTO interaction (id, customer_id, channel, direction, occurred_at, "
                      "handled_by, reason, outcome, public, sentiment, summary, body, thread_id, "
                      "reply_to, external_ref, created_at, updated_at) "
                      "VALUES (?1, ?2, ?8, 1, ?3, ?4, ?5, 1, 0, NULL, ?6, NULL, ?1, NULL, NULL, "
                      "?7, ?7)",
    [S_J_INTERACTION] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                        "VALUES (?1, '" BENCH_ACTOR "', 'interaction', ?2, 'log', "
                        "json_object('interaction_id', ?3, 'channel', ?6, 'direction', "
                        "'in', 'occurred_at', ?4, 'reason', ?5, 'outcome', 'resolved'))",
    [S_TIMELINE] = "SELECT " INTERACTION_COLUMNS " FROM interaction WHERE customer_id = ?1 "
                   "ORDER BY occurred_at DESC, id DESC LIMIT 50",
    [S_TIMELINE_BEFORE] = "SELECT " INTERACTION_COLUMNS " FROM interaction "
                          "WHERE customer_id = ?1 AND (occurred_at, id) < (?2, ?3) "
                          "ORDER BY occurred_at DESC, id DESC LIMIT 50",
    [S_PROMISE] = "INSERT INTO promise (id, customer_id, interaction_id, owner, what, state, "
                  "due_at, made_at, first_due_at) VALUES (?1, ?2, NULL, ?3, ?4, 1, ?5, ?6, ?5)",
    [S_PROMISE_MADE] = "INSERT INTO promise_event (promise_id, seq, kind, at, actor, old_due, "
                       "new_due, customer_agreed, interaction_id, note) "
                       "VALUES (?1, 1, 1, ?2, '" BENCH_ACTOR "', 0, ?3, 0, NULL, NULL)",
    [S_J_PROMISE_MAKE] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                         "VALUES (?1, '" BENCH_ACTOR "', 'promise', ?2, 'make', "
                         "json_object('promise_id', ?3, 'owner', ?4, 'what', ?5, 'due_at', ?6))",
    /* Only an open promise can be kept: the state is in the WHERE, and the
     * row returned says it was open and what the history needs. */
    [S_KEEP] = "UPDATE promise SET state = 2, closed_at = ?2, kept_by = NULL "
               "WHERE id = ?1 AND state = 1 RETURNING customer_id, due_at",
    [S_PROMISE_KEPT] = "INSERT INTO promise_event (promise_id, seq, kind, at, actor, old_due, "
                       "new_due, customer_agreed, interaction_id, note) "
                       "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM promise_event "
                       "WHERE promise_id = ?1), 3, ?2, '" BENCH_ACTOR "', ?3, ?3, 0, NULL, NULL)",
    [S_J_PROMISE_KEEP] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                         "VALUES (?1, '" BENCH_ACTOR "', 'promise', ?2, 'keep', "
                         "json_object('promise_id', ?3))",
    [S_OVERDUE] = "SELECT p.id, p.customer_id, p.interaction_id, p.owner, p.what, p.state, "
                  "p.due_at, p.made_at, p.closed_at, p.kept_by, "
                  "(SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id "
                  "AND e.kind = 2), p.first_due_at "
                  "FROM promise p WHERE p.state = 1 AND p.due_at < ?1 "
                  "ORDER BY p.due_at, p.id LIMIT 50",
    [S_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM journal",
    [S_JOURNAL] = "SELECT seq, at, actor, entity, entity_id, op, data FROM journal "
                  "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    [S_PAGE] = "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
               "c.archived_at IS NOT NULL, c.owner FROM customer c "
               "WHERE c.archived_at IS NULL AND c.id > ?1 ORDER BY c.id LIMIT 50",
    [S_CUSTOMERS_COUNT] = "SELECT count(*) FROM customer WHERE archived_at IS NULL",
    [S_SET_OWNER] = "UPDATE customer SET owner = ?2 WHERE id = ?1",
    [S_HAND_INDEX] = "INSERT INTO hand_search (text, customer_id, kind) VALUES (?1, ?2, ?3)",
    [S_OWNER_PAGE] = "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, "
                     "c.archived_at IS NOT NULL, c.owner FROM customer c "
                     "WHERE c.owner = ?1 AND c.archived_at IS NULL ORDER BY c.id LIMIT 50",
    /* The agenda's data (bench.h), as rows only: it is not timed. */
    [S_AGENDA_PROMISE] = "INSERT INTO promise (id, customer_id, interaction_id, owner, what, "
                         "state, due_at, made_at, first_due_at) "
                         "VALUES (?1, ?2, NULL, ?3, '" BENCH_PROMISE_WHAT "', 1, ?4, ?5, ?4)",
    [S_AGENDA_CONTACT] = "INSERT INTO interaction (id, customer_id, channel, direction, "
                         "occurred_at, outcome, public, thread_id, created_at, updated_at) "
                         "VALUES (?1, ?2, 3, ?3, ?4, 0, 0, ?1, ?5, ?5)",
    /* The agenda of owner ?1 as of ?2, as one would write it against the
     * same schema: the owner's open promises due within a day, those of
     * its customers, its customers' open inbound contacts with no reply
     * since, and their occasions within their lead (?3 the year, ?4 the
     * month * 100 + day, ?5 the day's 00:00 UTC, ms, of ?2; 29 February
     * left to itself), the score in SQL, the first 50. An owner's
     * customers are walked in their index and read only when they have an
     * item (the CROSS JOINs: SQLite would read every one first). */
    [S_AGENDA] =
        "SELECT CASE WHEN p.due_at < ?2 THEN 1 ELSE 2 END AS kind, c.id, c.name, c.owner, "
        "p.id AS item, p.owner, p.due_at AS since, "
        "?2 - p.due_at + CASE WHEN p.due_at < ?2 THEN 172800000 ELSE 86400000 END AS score "
        "FROM promise p JOIN customer c ON c.id = p.customer_id "
        "WHERE p.owner = ?1 AND p.state = 1 AND p.due_at < ?2 + 86400000 "
        "AND c.archived_at IS NULL "
        "UNION ALL "
        "SELECT CASE WHEN p.due_at < ?2 THEN 1 ELSE 2 END, c.id, c.name, c.owner, p.id, "
        "p.owner, p.due_at, "
        "?2 - p.due_at + CASE WHEN p.due_at < ?2 THEN 172800000 ELSE 86400000 END "
        "FROM customer w CROSS JOIN promise p ON p.customer_id = w.id "
        "CROSS JOIN customer c ON c.id = w.id "
        "WHERE w.owner = ?1 AND c.archived_at IS NULL AND p.owner <> ?1 AND p.state = 1 "
        "AND p.due_at < ?2 + 86400000 "
        "UNION ALL "
        "SELECT 3, c.id, c.name, c.owner, i.id, NULL, min(i.occurred_at), "
        "?2 - min(i.occurred_at) "
        "FROM customer w CROSS JOIN interaction i ON i.customer_id = w.id "
        "CROSS JOIN customer c ON c.id = w.id "
        "WHERE w.owner = ?1 AND c.archived_at IS NULL AND i.direction = 1 "
        "AND i.outcome IN (0, 2) AND i.occurred_at <= ?2 "
        "AND NOT EXISTS (SELECT 1 FROM interaction r WHERE r.customer_id = c.id "
        "AND r.direction = 2 AND r.occurred_at >= i.occurred_at AND r.occurred_at <= ?2) "
        "GROUP BY c.id "
        "UNION ALL "
        "SELECT 4, cid, name, owner, id, NULL, at, ?2 - at FROM ("
        "SELECT c.id AS cid, c.name, c.owner, o.id, o.lead_days, o.yearly, o.year, "
        "unixepoch(printf('%04d-%02d-%02d', CASE WHEN o.yearly = 0 THEN o.year "
        "WHEN o.md >= ?4 THEN ?3 ELSE ?3 + 1 END, o.month, o.day)) * 1000 AS at "
        "FROM customer w CROSS JOIN occasion o ON o.customer_id = w.id "
        "CROSS JOIN customer c ON c.id = w.id "
        "WHERE w.owner = ?1 AND c.archived_at IS NULL) "
        "WHERE at >= ?5 AND at - lead_days * 86400000 <= ?5 "
        "ORDER BY score DESC, since, kind, item LIMIT 50",
    [S_THREAD] = "SELECT " INTERACTION_COLUMNS " FROM interaction "
                 "WHERE thread_id = (SELECT thread_id FROM interaction WHERE id = ?1) "
                 "AND channel = ?2 ORDER BY occurred_at, id",
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    /* A step recorded after it happened: its journal row is at the step's
     * time and says when it was recorded. */
    [S_J_PROMISE_MAKE_PAST] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                              "VALUES (?1, '" BENCH_ACTOR "', 'promise', ?2, 'make', "
                              "json_object('promise_id', ?3, 'owner', ?4, 'what', ?5, "
                              "'due_at', ?6, 'recorded_at', ?7))",
    [S_REDUE] = "UPDATE promise SET due_at = ?2 WHERE id = ?1 AND state = 1",
    [S_PROMISE_RENEGOTIATED] = "INSERT INTO promise_event (promise_id, seq, kind, at, actor, "
                               "old_due, new_due, customer_agreed, interaction_id, note) "
                               "VALUES (?1, 2, 2, ?2, '" BENCH_ACTOR "', ?3, ?4, 1, NULL, ?5)",
    [S_J_PROMISE_RENEGOTIATE_PAST] = "INSERT INTO journal (at, actor, entity, entity_id, op, "
                                     "data) VALUES (?1, '" BENCH_ACTOR "', 'promise', ?2, "
                                     "'renegotiate', json_object('promise_id', ?3, 'old_due_at', "
                                     "?4, 'new_due_at', ?5, 'customer_agreed', 1, 'why', ?6, "
                                     "'recorded_at', ?7))",
    [S_J_PROMISE_KEEP_PAST] = "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
                              "VALUES (?1, '" BENCH_ACTOR "', 'promise', ?2, 'keep', "
                              "json_object('promise_id', ?3, 'recorded_at', ?4))",
    /* The consent ledgers (bench.h), as rows only: they are not timed. */
    [S_CONSENT_INSERT] = "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, "
                         "actor, interaction_id, note) VALUES (?1, ?2, ?3, "
                         "(SELECT code FROM channel WHERE name = ?4), ?5, ?6, '" BENCH_ACTOR
                         "', NULL, '')",
    /* The query a program would write for the rule of docs/consent.md: the
     * latest event of the purpose on the channel or on every channel. */
    [S_CONSENT_CHECK] = "SELECT granted FROM consent WHERE customer_id = ?1 AND purpose = ?2 "
                        "AND (channel IS NULL OR channel = (SELECT code FROM channel "
                        "WHERE name = ?3)) ORDER BY at DESC, id DESC LIMIT 1",
    /* Confirming who is there as a program would: the stored answer and
     * the count of wrong ones read, then the count added to or cleared. */
    [S_ATTR_SET] = "INSERT INTO customer_attr (customer_id, key, value) VALUES (?1, ?2, ?3)",
    [S_VERIFY_READ] = "SELECT a.value, v.failures, v.first_failure_at, v.locked_until "
                      "FROM customer_attr a LEFT JOIN customer_verify v "
                      "ON v.customer_id = a.customer_id WHERE a.customer_id = ?1 AND a.key = ?2",
    [S_VERIFY_FAIL] =
        "INSERT INTO customer_verify (customer_id, failures, first_failure_at, locked_until) "
        "VALUES (?1, 1, ?2, NULL) ON CONFLICT (customer_id) DO UPDATE SET "
        "failures = failures + 1",
    [S_VERIFY_CLEAR] = "DELETE FROM customer_verify WHERE customer_id = ?1",
    [S_ID_PREFIX] = "SELECT id FROM customer WHERE id BETWEEN ?1 AND ?2 AND erased_at IS NULL "
                    "ORDER BY id LIMIT 2",
};

typedef struct raw_side {
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT];
    unsigned char (*kept)[16]; /* ids of customers 0, stride, 2 * stride, ... */
    unsigned char deep[16];    /* the interaction the deep page starts before */
    int64_t uuid_ms;           /* the id generator's state, as libcrm keeps it */
    unsigned char rnd[240];    /* random bytes for ids, drawn 10 at a time */
    unsigned int rnd_left;
    unsigned int uuid_seq;
    char (*name)[24];
    char (*phone)[24];
    char (*summary)[40];
} raw_side;

static int fail(raw_side *s, const char *what)
{
    return bench_fail("raw: %s: %s", what, s && s->db ? sqlite3_errmsg(s->db) : "no handle");
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 10 random bytes for a new id, from a pool the kernel fills, as libcrm
 * draws them (libuuid only where getrandom() fails). */
static const unsigned char *id_random(raw_side *s)
{
    if (s->rnd_left < 10) {
        ssize_t n = getrandom(s->rnd, sizeof s->rnd, 0);
        size_t got = n > 0 ? (size_t)n : 0;
        for (got -= got % 16; got + 16 <= sizeof s->rnd; got += 16)
            uuid_generate_random(s->rnd + got);
        s->rnd_left = (unsigned int)(sizeof s->rnd / 10 * 10);
    }
    s->rnd_left -= 10;
    return s->rnd + s->rnd_left;
}

/* A UUIDv7 as libcrm makes one: ms time, a counter within the ms, random
 * bits; strictly increasing. *ms_out is its time. */
static void new_id(raw_side *s, unsigned char id[16], int64_t *ms_out)
{
    const unsigned char *r = id_random(s);
    unsigned char rnd[16];
    rnd[0] = r[0];
    rnd[1] = r[1];
    memcpy(rnd + 8, r + 2, 8);
    int64_t ms = wall_ms();
    if (ms <= s->uuid_ms) {
        ms = s->uuid_ms;
        if (++s->uuid_seq > 0xfff) {
            ms++;
            s->uuid_seq = rnd[0] & 0x7ff;
        }
    } else {
        s->uuid_seq = (unsigned int)(rnd[0] << 8 | rnd[1]) & 0x7ff;
    }
    s->uuid_ms = ms;
    int64_t t = ms;
    for (int b = 5; b >= 0; b--, t >>= 8)
        id[b] = (unsigned char)(t & 0xff);
    id[6] = (unsigned char)(0x70 | (s->uuid_seq >> 8));
    id[7] = (unsigned char)(s->uuid_seq & 0xff);
    id[8] = (unsigned char)(0x80 | (rnd[8] & 0x3f));
    memcpy(id + 9, rnd + 9, 7);
    *ms_out = ms;
}

/* The canonical text of an id, as the journal's JSON holds it. */
static void id_text(char out[37], const unsigned char id[16])
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[id[i] >> 4];
        *p++ = hex[id[i] & 15];
    }
    *p = '\0';
}

void *raw_side_open(const job *j)
{
    raw_side *s = calloc(1, sizeof *s);
    if (!s) {
        bench_fail("raw: out of memory");
        return NULL;
    }
    s->kept = calloc((size_t)j->kept, sizeof *s->kept);
    s->name = malloc(BENCH_TURN * sizeof *s->name);
    s->phone = malloc(BENCH_TURN * sizeof *s->phone);
    s->summary = malloc(BENCH_TURN * sizeof *s->summary);
    if (!s->kept || !s->name || !s->phone || !s->summary) {
        bench_fail("raw: out of memory");
        raw_side_close(s);
        return NULL;
    }
    if (sqlite3_open_v2(j->path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        fail(s, "open");
        raw_side_close(s);
        return NULL;
    }
    /* libcrm's settings: WAL, full durability, foreign keys enforced, ... */
    static const char *const setup[] = {
        "PRAGMA journal_mode = WAL",   "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",    "PRAGMA secure_delete = ON",
        "PRAGMA trusted_schema = OFF", "PRAGMA temp_store = MEMORY",
    };
    sqlite3_busy_timeout(s->db, 5000);
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        if (sqlite3_exec(s->db, setup[i], NULL, NULL, NULL) != SQLITE_OK) {
            fail(s, setup[i]);
            raw_side_close(s);
            return NULL;
        }
    }
    /* libcrm's schema, from the same migrations, in one transaction. */
    int ok = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    for (int v = 0; ok && v < crm__migration_count; v++)
        ok = sqlite3_exec(s->db, crm__migrations[v], NULL, NULL, NULL) == SQLITE_OK;
    /* The same work by hand: libcrm keeps a full-text index of every text
     * a person may search for, in the transaction of each change, so the
     * code a user writes instead keeps one too, the way FTS5's
     * documentation shows: a table of its own (the text and, unindexed,
     * whose it is and what it is), a row inserted with each text. libcrm's
     * triggers, which note what its index must learn, go. What the index
     * itself costs a write (libcrm against raw SQL without any index) is
     * crm_search_bench's to say. */
    sqlite3_stmt *trg = NULL;
    ok = ok && sqlite3_prepare_v2(s->db, "SELECT 'DROP TRIGGER ' || name FROM sqlite_schema "
                                         "WHERE type = 'trigger' AND name LIKE 'search%'",
                                  -1, &trg, NULL) == SQLITE_OK;
    char drop[64][64];
    int ndrop = 0;
    while (ok && ndrop < 64 && sqlite3_step(trg) == SQLITE_ROW)
        snprintf(drop[ndrop++], sizeof drop[0], "%s", (const char *)sqlite3_column_text(trg, 0));
    sqlite3_finalize(trg);
    for (int i = 0; ok && i < ndrop; i++)
        ok = sqlite3_exec(s->db, drop[i], NULL, NULL, NULL) == SQLITE_OK;
    ok = ok && sqlite3_exec(s->db,
                            "CREATE VIRTUAL TABLE hand_search USING fts5 (text, "
                            "customer_id UNINDEXED, kind UNINDEXED, "
                            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
                            NULL, NULL, NULL) == SQLITE_OK;
    if (!ok || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(s, "creating the schema");
        raw_side_close(s);
        return NULL;
    }
    for (int i = 0; i < S_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
            SQLITE_OK) {
            fail(s, SQL[i]);
            raw_side_close(s);
            return NULL;
        }
    }
    return s;
}

int raw_side_close(void *side)
{
    raw_side *s = side;
    int status = 0;
    if (!s)
        return 0;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    if (s->db && sqlite3_close(s->db) != SQLITE_OK)
        status = fail(s, "close");
    free(s->kept);
    free(s->name);
    free(s->phone);
    free(s->summary);
    free(s);
    return status;
}

/* Step a statement that returns no row, and reset it. */
static int run(raw_side *s, int i)
{
    int rc = sqlite3_step(s->st[i]);
    sqlite3_reset(s->st[i]);
    return rc == SQLITE_DONE ? 0 : fail(s, SQL[i]);
}

/* Index text (a customer's name, an identity's value, a summary, a
 * promise's text) as the customer cid's, of the given kind. */
static int index_text(raw_side *s, const unsigned char *cid, int kind, const char *text)
{
    sqlite3_stmt *st = s->st[S_HAND_INDEX];
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, kind);
    return run(s, S_HAND_INDEX);
}

static int begin(raw_side *s)
{
    return run(s, S_BEGIN);
}

static int commit(raw_side *s)
{
    return run(s, S_COMMIT);
}

/* Undo a failed transaction; the failure is already recorded. */
static int rollback(raw_side *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int raw_import(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    sqlite3_stmt *c = s->st[S_CUSTOMER], *jc = s->st[S_J_CUSTOMER];
    sqlite3_stmt *id_st = s->st[S_IDENTITY], *ji = s->st[S_J_IDENTITY];
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->n ? b + BENCH_TURN : j->n;
    for (long i = b; i < e; i++) {
        bench_name(s->name[i - b], sizeof s->name[0], i);
        bench_e164(s->phone[i - b], sizeof s->phone[0], i);
    }
    bench_timer tm;
    bench_start(&tm);
    if (b % BENCH_BATCH == 0 && begin(s))
        return -1;
    for (long i = b; i < e; i++) {
        const char *name = s->name[i - b], *phone = s->phone[i - b];
        char key[24];
        unsigned char id[16];
        int64_t now;
        new_id(s, id, &now);
        size_t len = strlen(name);
        for (size_t k = 0; k <= len; k++)
            key[k] = name[k] >= 'A' && name[k] <= 'Z' ? (char)(name[k] + 32) : name[k];
        sqlite3_bind_blob(c, 1, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(c, 2, name, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(c, 3, key, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(c, 4, now);
        sqlite3_bind_int64(jc, 1, now);
        sqlite3_bind_blob(jc, 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(jc, 3, name, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(id_st, 1, phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(id_st, 2, phone, -1, SQLITE_STATIC);
        sqlite3_bind_blob(id_st, 3, id, 16, SQLITE_STATIC);
        sqlite3_bind_int64(id_st, 4, now);
        sqlite3_bind_int64(ji, 1, now);
        sqlite3_bind_blob(ji, 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(ji, 3, phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(ji, 4, phone, -1, SQLITE_STATIC);
        if (run(s, S_CUSTOMER) || run(s, S_J_CUSTOMER) || run(s, S_IDENTITY) ||
            run(s, S_J_IDENTITY) || index_text(s, id, 1, name) || index_text(s, id, 2, phone))
            return rollback(s);
        if (i % j->stride == 0)
            memcpy(s->kept[i / j->stride], id, 16);
    }
    if ((e % BENCH_BATCH == 0 || e == j->n) && commit(s))
        return rollback(s);
    bench_stop(&tm, out);
    bench_rss_import_kb = bench_peak_rss_kb();
    out->n = e - b;
    return 0;
}

/* Copy a text column into buf, truncated to fit. */
static void copy_text(char *buf, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

/* What an application keeps of a customer it found: the record libcrm
 * returns, with the id as bytes. */
typedef struct raw_customer {
    unsigned char id[16];
    int kind, archived;
    int64_t created_at, updated_at;
    char name[64];
    char owner[64]; /* "" for none */
} raw_customer;

static void read_customer(raw_customer *c, sqlite3_stmt *st)
{
    const void *id = sqlite3_column_blob(st, 0);
    if (id && sqlite3_column_bytes(st, 0) == 16)
        memcpy(c->id, id, 16);
    c->kind = sqlite3_column_int(st, 1);
    copy_text(c->name, sizeof c->name, st, 2);
    c->created_at = sqlite3_column_int64(st, 3);
    c->updated_at = sqlite3_column_int64(st, 4);
    c->archived = sqlite3_column_int(st, 5);
    copy_text(c->owner, sizeof c->owner, st, 6);
}

int raw_lookup(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_LOOKUP];
    bench_text *in, *want;
    int status = -1;
    if (bench_callers(j, j->lookups, 0, &in, &want))
        goto out;
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        raw_customer c;
        sqlite3_bind_text(st, 1, in[k], -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            read_customer(&c, st);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW) {
            if (rc != SQLITE_DONE)
                fail(s, "lookup");
            else
                bench_fail("raw: %s not found", in[k]);
            goto out;
        }
        if (strcmp(c.name, want[k]) != 0) {
            bench_fail("raw: %s found the wrong customer", in[k]);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = j->lookups;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

/* What an application writes to find the one customer a keyed text names
 * when it may be a phone, an account or a loyalty number: one query over
 * the three, and a second customer found makes it ambiguous. */
int raw_resolve(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_RESOLVE];
    bench_text *in, *want;
    int status = -1;
    if (bench_callers(j, j->lookups, 0, &in, &want))
        goto out;
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        raw_customer c;
        long found = 0;
        int rc;
        sqlite3_bind_text(st, 1, in[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, in[k], -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const void *id = sqlite3_column_blob(st, 0);
            if (found == 0) {
                read_customer(&c, st);
                found = 1;
            } else if (!id || sqlite3_column_bytes(st, 0) != 16 || memcmp(id, c.id, 16) != 0) {
                found++; /* another customer: ambiguous */
            }
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            fail(s, "resolve");
            goto out;
        }
        if (found != 1) {
            bench_fail("raw: %s names %ld customers", in[k], found);
            goto out;
        }
        if (strcmp(c.name, want[k]) != 0) {
            bench_fail("raw: %s resolved to the wrong customer", in[k]);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = j->lookups;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

/* Log interaction k (bulk ones first, then the single ones) with its
 * journal row; *id receives its id. */
static int log_one(raw_side *s, const job *j, long k, const char *summary, unsigned char id[16])
{
    sqlite3_stmt *st = s->st[S_INTERACTION], *js = s->st[S_J_INTERACTION];
    const unsigned char *cid = s->kept[bench_interaction_owner(j, k)];
    int64_t occurred = j->t0 + (int64_t)k * 1000, now;
    char text[37];
    new_id(s, id, &now);
    id_text(text, id);
    sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, occurred);
    sqlite3_bind_text(st, 4, BENCH_HANDLED_BY, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, bench_reason(k), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, summary, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int(st, 8, bench_channel(k));
    sqlite3_bind_int64(js, 1, now);
    sqlite3_bind_blob(js, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(js, 3, text, 36, SQLITE_STATIC);
    sqlite3_bind_int64(js, 4, occurred);
    sqlite3_bind_text(js, 5, bench_reason(k), -1, SQLITE_STATIC);
    sqlite3_bind_text(js, 6, bench_channel_word(k), -1, SQLITE_STATIC);
    return run(s, S_INTERACTION) || run(s, S_J_INTERACTION) ||
                   (*summary && index_text(s, cid, 4, summary))
               ? -1
               : 0;
}

int raw_log_batch(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->m ? b + BENCH_TURN : j->m;
    for (long k = b; k < e; k++)
        bench_summary(s->summary[k - b], sizeof s->summary[0], k);
    bench_timer tm;
    bench_start(&tm);
    if (b % BENCH_BATCH == 0 && begin(s))
        return -1;
    for (long k = b; k < e; k++) {
        unsigned char id[16];
        if (log_one(s, j, k, s->summary[k - b], id))
            return rollback(s);
        if (k == j->deep_k)
            memcpy(s->deep, id, 16);
    }
    if ((e % BENCH_BATCH == 0 || e == j->m) && commit(s))
        return rollback(s);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

int raw_log_single(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->singles ? b + BENCH_CHUNK : j->singles;
    for (long k = b; k < e; k++)
        bench_summary(s->summary[k - b], sizeof s->summary[0], j->m + k);
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        unsigned char id[16];
        if (begin(s))
            return -1;
        if (log_one(s, j, j->m + k, s->summary[k - b], id) || commit(s))
            return rollback(s);
    }
    out->n = e - b;
    bench_stop(&tm, out);
    return 0;
}

/* A row of the timeline as an application holds it: the columns libcrm
 * returns, ids as bytes, texts pointing into the statement's row. */
typedef struct raw_interaction {
    unsigned char id[16], customer_id[16], thread_id[16], reply_to[16];
    int channel, direction, outcome, is_public, sentiment;
    int64_t occurred_at, updated_at;
    const char *handled_by, *reason, *summary, *body, *external_ref;
} raw_interaction;

static void copy_id(unsigned char out[16], sqlite3_stmt *st, int col)
{
    const void *b = sqlite3_column_blob(st, col);
    if (b && sqlite3_column_bytes(st, col) == 16)
        memcpy(out, b, 16);
    else
        memset(out, 0, 16);
}

static void read_interaction(raw_interaction *r, sqlite3_stmt *st)
{
    copy_id(r->id, st, 0);
    copy_id(r->customer_id, st, 1);
    r->channel = sqlite3_column_int(st, 2);
    r->direction = sqlite3_column_int(st, 3);
    r->occurred_at = sqlite3_column_int64(st, 4);
    r->handled_by = (const char *)sqlite3_column_text(st, 5);
    r->reason = (const char *)sqlite3_column_text(st, 6);
    r->outcome = sqlite3_column_int(st, 7);
    r->is_public = sqlite3_column_int(st, 8);
    r->sentiment = sqlite3_column_type(st, 9) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 9);
    r->summary = (const char *)sqlite3_column_text(st, 10);
    r->body = (const char *)sqlite3_column_text(st, 11);
    copy_id(r->thread_id, st, 12);
    copy_id(r->reply_to, st, 13);
    r->external_ref = (const char *)sqlite3_column_text(st, 14);
    r->updated_at = sqlite3_column_int64(st, 15);
}

/* Pages of the heavy customer's timeline, the newest or the one before the
 * deep interaction, whose key (occurred_at, id) the application holds from
 * the page it showed before. */
static int pages(raw_side *s, const job *j, sample *out, int deep, long want, int64_t first_at)
{
    sqlite3_stmt *st = s->st[deep ? S_TIMELINE_BEFORE : S_TIMELINE];
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        sqlite3_bind_blob(st, 1, s->kept[0], 16, SQLITE_STATIC);
        if (deep) {
            sqlite3_bind_int64(st, 2, j->t0 + (int64_t)j->deep_k * 1000);
            sqlite3_bind_blob(st, 3, s->deep, 16, SQLITE_STATIC);
        }
        raw_interaction it;
        long rows = 0;
        int64_t at = 0;
        size_t chars = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_interaction(&it, st);
            if (rows++ == 0)
                at = it.occurred_at;
            chars += strlen(it.summary) + strlen(it.handled_by);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "timeline");
        if (rows != want || (rows && at != first_at) || (rows && !chars))
            return bench_fail("raw: a timeline page has %ld rows from %lld, expected %ld "
                              "from %lld",
                              rows, (long long)at, want, (long long)first_at);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int raw_timeline(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    long h = (j->m + 9) / 10;
    return pages(side, j, out, 0, h < BENCH_PAGE ? h : BENCH_PAGE,
                 j->t0 + (int64_t)(h - 1) * 10 * 1000);
}

int raw_timeline_deep(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    long older = j->deep_k / 10;
    return pages(side, j, out, 1, older < BENCH_PAGE ? older : BENCH_PAGE,
                 j->t0 + (int64_t)(j->deep_k - 10) * 1000);
}

/* Make a promise with its first event and journal row; *id receives its id.
 * One overdue at j->now was made before it fell due (bench.h): its event
 * and journal row are at that time, the row saying when it was recorded,
 * as libcrm writes them. */
static int make_promise(raw_side *s, const job *j, const unsigned char *cid, int64_t due,
                        unsigned char id[16])
{
    int past = due < j->now;
    sqlite3_stmt *p = s->st[S_PROMISE], *e = s->st[S_PROMISE_MADE];
    sqlite3_stmt *js = s->st[past ? S_J_PROMISE_MAKE_PAST : S_J_PROMISE_MAKE];
    int64_t now, recorded;
    char text[37];
    new_id(s, id, &now);
    recorded = now;
    if (past)
        now = bench_overdue_made(due);
    id_text(text, id);
    sqlite3_bind_blob(p, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_blob(p, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, BENCH_OWNER, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 4, BENCH_PROMISE_WHAT, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 5, due);
    sqlite3_bind_int64(p, 6, now);
    sqlite3_bind_blob(e, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(e, 2, now);
    sqlite3_bind_int64(e, 3, due);
    sqlite3_bind_int64(js, 1, now);
    sqlite3_bind_blob(js, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(js, 3, text, 36, SQLITE_STATIC);
    sqlite3_bind_text(js, 4, BENCH_OWNER, -1, SQLITE_STATIC);
    sqlite3_bind_text(js, 5, BENCH_PROMISE_WHAT, -1, SQLITE_STATIC);
    sqlite3_bind_int64(js, 6, due);
    if (past)
        sqlite3_bind_int64(js, 7, recorded);
    return run(s, S_PROMISE) || run(s, S_PROMISE_MADE) ||
                   run(s, past ? S_J_PROMISE_MAKE_PAST : S_J_PROMISE_MAKE) ||
                   index_text(s, cid, 5, BENCH_PROMISE_WHAT)
               ? -1
               : 0;
}

int raw_promise_batch(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->promises ? b + BENCH_TURN : j->promises;
    bench_timer tm;
    bench_start(&tm);
    if (b % BENCH_BATCH == 0 && begin(s))
        return -1;
    for (long k = b; k < e; k++) {
        unsigned char id[16];
        if (make_promise(s, j, s->kept[k % j->kept], bench_promise_due(j, k), id))
            return rollback(s);
    }
    if ((e % BENCH_BATCH == 0 || e == j->promises) && commit(s))
        return rollback(s);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

/* Keep the promise id: state, history and journal, in one transaction. */
static int keep_promise(raw_side *s, const unsigned char id[16])
{
    sqlite3_stmt *k = s->st[S_KEEP], *e = s->st[S_PROMISE_KEPT], *js = s->st[S_J_PROMISE_KEEP];
    int64_t now = wall_ms();
    char text[37];
    unsigned char cid[16];
    id_text(text, id);
    if (begin(s))
        return -1;
    sqlite3_bind_blob(k, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(k, 2, now);
    int rc = sqlite3_step(k), was_open = rc == SQLITE_ROW;
    int64_t due = 0;
    if (was_open) {
        copy_id(cid, k, 0);
        due = sqlite3_column_int64(k, 1);
        rc = sqlite3_step(k);
    }
    sqlite3_reset(k);
    if (rc != SQLITE_DONE) {
        fail(s, "keeping a promise");
        return rollback(s);
    }
    if (!was_open) {
        bench_fail("raw: promise %s is not open", text);
        return rollback(s);
    }
    sqlite3_bind_blob(e, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(e, 2, now);
    sqlite3_bind_int64(e, 3, due);
    sqlite3_bind_int64(js, 1, now);
    sqlite3_bind_blob(js, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(js, 3, text, 36, SQLITE_STATIC);
    if (run(s, S_PROMISE_KEPT) || run(s, S_J_PROMISE_KEEP) || commit(s))
        return rollback(s);
    return 0;
}

int raw_promise_pair(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->pairs ? b + BENCH_CHUNK : j->pairs;
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        unsigned char id[16];
        if (begin(s))
            return -1;
        if (make_promise(s, j, s->kept[k % j->kept], j->now + 86400000, id) || commit(s))
            return rollback(s);
        if (keep_promise(s, id))
            return -1;
    }
    out->n = e - b;
    bench_stop(&tm, out);
    return 0;
}

/* A promise as an application holds it: the columns libcrm returns. */
typedef struct raw_promise {
    unsigned char id[16], customer_id[16], interaction_id[16], kept_by[16];
    const char *owner, *what;
    int state, renegotiations;
    int64_t due_at, made_at, closed_at;
} raw_promise;

int raw_overdue(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_OVERDUE];
    long overdue = (j->promises + 1) / 2;
    long want = overdue < BENCH_PAGE ? overdue : BENCH_PAGE;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        sqlite3_bind_int64(st, 1, j->now);
        raw_promise p;
        long rows = 0;
        int64_t last = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            copy_id(p.id, st, 0);
            copy_id(p.customer_id, st, 1);
            copy_id(p.interaction_id, st, 2);
            p.owner = (const char *)sqlite3_column_text(st, 3);
            p.what = (const char *)sqlite3_column_text(st, 4);
            p.state = sqlite3_column_int(st, 5);
            p.due_at = sqlite3_column_int64(st, 6);
            p.made_at = sqlite3_column_int64(st, 7);
            p.closed_at = sqlite3_column_int64(st, 8);
            copy_id(p.kept_by, st, 9);
            p.renegotiations = sqlite3_column_int(st, 10);
            rows += p.due_at >= last && p.owner && p.owner[0] && p.what;
            last = p.due_at;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "overdue promises");
        if (rows != want)
            return bench_fail("raw: %ld overdue promises in order, expected %ld", rows, want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int raw_journal_read(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_JOURNAL], *ls = s->st[S_LAST_SEQ];
    int64_t last = 0;
    int rc = sqlite3_step(ls);
    if (rc == SQLITE_ROW)
        last = sqlite3_column_int64(ls, 0);
    sqlite3_reset(ls);
    if (rc != SQLITE_ROW)
        return fail(s, "last journal seq");
    int64_t since = last / 2;
    long want = last - since < BENCH_JOURNAL_READ ? (long)(last - since) : BENCH_JOURNAL_READ;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        sqlite3_bind_int64(st, 1, since);
        sqlite3_bind_int64(st, 2, want);
        long rows = 0;
        int64_t seq = since;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t at = sqlite3_column_int64(st, 1);
            const unsigned char *actor = sqlite3_column_text(st, 2);
            const unsigned char *entity = sqlite3_column_text(st, 3);
            unsigned char eid[16];
            copy_id(eid, st, 4);
            const unsigned char *op = sqlite3_column_text(st, 5);
            const unsigned char *data = sqlite3_column_text(st, 6);
            int64_t this_seq = sqlite3_column_int64(st, 0);
            rows += this_seq == seq + 1 && at && actor && entity && op && data && data[0];
            seq = this_seq;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "reading the journal");
        if (rows != want)
            return bench_fail("raw: read %ld journal entries in order, expected %ld", rows,
                              want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int raw_customer_page(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_PAGE];
    unsigned char after[16];
    int have_after = 0;
    long walked = 0;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        if (have_after)
            sqlite3_bind_blob(st, 1, after, 16, SQLITE_TRANSIENT); /* after changes below */
        else
            sqlite3_bind_zeroblob(st, 1, 0); /* sorts before every id */
        raw_customer c;
        long rows = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_customer(&c, st);
            memcpy(after, c.id, 16);
            rows += c.name[0] != '\0';
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "listing customers");
        have_after = 1;
        walked += rows;
        long want = j->n - (walked - rows) < BENCH_PAGE ? j->n - (walked - rows) : BENCH_PAGE;
        if (rows != want)
            return bench_fail("raw: a customer page has %ld rows, expected %ld", rows, want);
        if (walked == j->n) {
            have_after = 0;
            walked = 0;
        }
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* What a careful program does by hand for each new handle: open without
 * creating, check the file is its own (the application id and schema
 * version), set libcrm's pragmas, look the caller up, close. */
int raw_open_close(void *side, const job *j, long round, sample *out)
{
    (void)round;
    (void)side;
    static const char *const setup[] = {
        "PRAGMA journal_mode = WAL",   "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",    "PRAGMA secure_delete = ON",
        "PRAGMA trusted_schema = OFF", "PRAGMA temp_store = MEMORY",
    };
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < BENCH_OPENS; r++) {
        raw_side h = { 0 };
        if (sqlite3_open_v2(j->path, &h.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK)
            return fail(&h, "open");
        sqlite3_busy_timeout(h.db, 5000);
        sqlite3_stmt *st;
        int ok = sqlite3_prepare_v2(h.db, "SELECT application_id, user_version FROM "
                                          "pragma_application_id, pragma_user_version",
                                    -1, &st, NULL) == SQLITE_OK;
        ok = ok && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0x43524d31 &&
             sqlite3_column_int(st, 1) == crm__migration_count;
        sqlite3_finalize(st);
        for (size_t i = 0; ok && i < sizeof setup / sizeof setup[0]; i++)
            ok = sqlite3_exec(h.db, setup[i], NULL, NULL, NULL) == SQLITE_OK;
        char phone[24];
        bench_e164(phone, sizeof phone, r * 7919 % j->n);
        ok = ok && sqlite3_prepare_v2(h.db, SQL[S_LOOKUP], -1, &st, NULL) == SQLITE_OK;
        if (ok) {
            sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
            ok = sqlite3_step(st) == SQLITE_ROW;
            sqlite3_finalize(st);
        }
        if (!ok) {
            fail(&h, "checking the file");
            sqlite3_close(h.db);
            return -1;
        }
        sqlite3_close(h.db);
    }
    bench_stop(&tm, out);
    out->n = BENCH_OPENS;
    return 0;
}

/* What a program writes to count: count(*) over the same condition. */
int raw_count_customers(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_CUSTOMERS_COUNT];
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->scans; r++) {
        int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
        sqlite3_reset(st);
        if (n != j->n)
            return bench_fail("raw: counted %lld customers, expected %ld", (long long)n, j->n);
    }
    bench_stop(&tm, out);
    out->n = j->scans;
    return 0;
}

/* The conversation of the deep interaction, on one channel: the thread
 * found from the interaction, then its rows oldest first. */
int raw_thread_filtered(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_THREAD];
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        sqlite3_bind_blob(st, 1, s->deep, 16, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, 1); /* phone */
        raw_interaction it;
        long rows = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_interaction(&it, st);
            rows += it.summary != NULL;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "thread");
        if (rows != 1)
            return bench_fail("raw: a thread has %ld rows, expected 1", rows);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* The holders of random customers' phone numbers, each read to the end. */
int raw_holders(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    raw_side *s = side;
    sqlite3_stmt *st = s->st[S_HOLDERS];
    char(*in)[24] = malloc((size_t)j->lookups * sizeof *in);
    char(*want)[24] = malloc((size_t)j->lookups * sizeof *want);
    int status = -1;
    if (!in || !want) {
        bench_fail("raw: out of memory");
        goto out;
    }
    uint64_t rng = 0x2545f4914f6cdd1du;
    for (long k = 0; k < j->lookups; k++) {
        long i = (long)(bench_rng(&rng) % (uint64_t)j->n);
        bench_e164(in[k], sizeof in[0], i);
        bench_name(want[k], sizeof want[0], i);
    }
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        raw_customer c;
        int rc, rows = 0, same = 1;
        sqlite3_bind_text(st, 1, in[k], -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_customer(&c, st);
            rows++;
            same = same && strcmp(c.name, want[k]) == 0;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            fail(s, "holders");
            goto out;
        }
        if (rows != 1 || !same) {
            bench_fail("raw: %s has %d holders, or the wrong one", in[k], rows);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = j->lookups;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

/* A promise's history imported: made, renegotiated and kept, each at the
 * time it happened (bench.h), the rows libcrm writes for the same steps.
 * The importer knows what it imports: the history's order and each due
 * time are its own data, so nothing is read back but the promise's
 * customer. */
static int import_promise(raw_side *s, const unsigned char *cid, int64_t now)
{
    int64_t made = now - 10 * BENCH_DAY, moved = now - 5 * BENCH_DAY, kept = now - BENCH_DAY;
    int64_t due = now - 7 * BENCH_DAY, new_due = now - 2 * BENCH_DAY, recorded = wall_ms();
    unsigned char id[16];
    int64_t id_ms;
    char text[37];
    new_id(s, id, &id_ms);
    id_text(text, id);
    sqlite3_stmt *p = s->st[S_PROMISE], *e = s->st[S_PROMISE_MADE];
    sqlite3_stmt *js = s->st[S_J_PROMISE_MAKE_PAST];
    sqlite3_bind_blob(p, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_blob(p, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(p, 3, BENCH_OWNER, -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 4, BENCH_PROMISE_WHAT, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p, 5, due);
    sqlite3_bind_int64(p, 6, made);
    sqlite3_bind_blob(e, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(e, 2, made);
    sqlite3_bind_int64(e, 3, due);
    sqlite3_bind_int64(js, 1, made);
    sqlite3_bind_blob(js, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(js, 3, text, 36, SQLITE_STATIC);
    sqlite3_bind_text(js, 4, BENCH_OWNER, -1, SQLITE_STATIC);
    sqlite3_bind_text(js, 5, BENCH_PROMISE_WHAT, -1, SQLITE_STATIC);
    sqlite3_bind_int64(js, 6, due);
    sqlite3_bind_int64(js, 7, recorded);
    if (run(s, S_PROMISE) || run(s, S_PROMISE_MADE) || run(s, S_J_PROMISE_MAKE_PAST) ||
        index_text(s, cid, 5, BENCH_PROMISE_WHAT))
        return -1;

    sqlite3_stmt *r = s->st[S_REDUE], *re = s->st[S_PROMISE_RENEGOTIATED];
    sqlite3_stmt *jr = s->st[S_J_PROMISE_RENEGOTIATE_PAST];
    sqlite3_bind_blob(r, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(r, 2, new_due);
    sqlite3_bind_blob(re, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(re, 2, moved);
    sqlite3_bind_int64(re, 3, due);
    sqlite3_bind_int64(re, 4, new_due);
    sqlite3_bind_text(re, 5, BENCH_IMPORT_WHY, -1, SQLITE_STATIC);
    sqlite3_bind_int64(jr, 1, moved);
    sqlite3_bind_blob(jr, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(jr, 3, text, 36, SQLITE_STATIC);
    sqlite3_bind_int64(jr, 4, due);
    sqlite3_bind_int64(jr, 5, new_due);
    sqlite3_bind_text(jr, 6, BENCH_IMPORT_WHY, -1, SQLITE_STATIC);
    sqlite3_bind_int64(jr, 7, recorded);
    if (run(s, S_REDUE) || run(s, S_PROMISE_RENEGOTIATED) || run(s, S_J_PROMISE_RENEGOTIATE_PAST))
        return -1;

    sqlite3_stmt *k = s->st[S_KEEP], *ke = s->st[S_PROMISE_KEPT];
    sqlite3_stmt *jk = s->st[S_J_PROMISE_KEEP_PAST];
    sqlite3_bind_blob(k, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(k, 2, kept);
    int rc = sqlite3_step(k), was_open = rc == SQLITE_ROW;
    if (was_open)
        rc = sqlite3_step(k);
    sqlite3_reset(k);
    if (rc != SQLITE_DONE)
        return fail(s, "keeping an imported promise");
    if (!was_open)
        return bench_fail("raw: imported promise %s is not open", text);
    sqlite3_bind_blob(ke, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(ke, 2, kept);
    sqlite3_bind_int64(ke, 3, new_due);
    sqlite3_bind_int64(jk, 1, kept);
    sqlite3_bind_blob(jk, 2, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(jk, 3, text, 36, SQLITE_STATIC);
    sqlite3_bind_int64(jk, 4, recorded);
    return run(s, S_PROMISE_KEPT) || run(s, S_J_PROMISE_KEEP_PAST) ? -1 : 0;
}

int raw_promise_import(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->promises ? b + BENCH_TURN : j->promises;
    bench_timer tm;
    bench_start(&tm);
    if (b % BENCH_BATCH == 0 && begin(s))
        return -1;
    for (long k = b; k < e; k++)
        if (import_promise(s, s->kept[k % j->kept], j->now))
            return rollback(s);
    if ((e % BENCH_BATCH == 0 || e == j->promises) && commit(s))
        return rollback(s);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

/* The customers of one owner: each kept customer is one of four teams'
 * (set in the first round, before its clock starts), and a page is the
 * first 50 active ones of team 1, in creation order, by the partial index
 * customer_by_owner. */
int raw_owner_page(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    if (round == 0) {
        if (begin(s))
            return -1;
        sqlite3_stmt *set = s->st[S_SET_OWNER];
        for (long k = 0; k < j->kept; k++) {
            sqlite3_bind_blob(set, 1, s->kept[k], 16, SQLITE_STATIC);
            sqlite3_bind_text(set, 2, bench_team(k), -1, SQLITE_STATIC);
            if (run(s, S_SET_OWNER))
                return rollback(s);
        }
        if (commit(s))
            return -1;
    }
    long want = bench_owner_page_rows(j);
    sqlite3_stmt *st = s->st[S_OWNER_PAGE];
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        sqlite3_bind_text(st, 1, bench_team(1), -1, SQLITE_STATIC);
        raw_customer c;
        long rows = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            read_customer(&c, st);
            rows += strcmp(c.owner, bench_team(1)) == 0;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "listing an owner's customers");
        if (rows != want)
            return bench_fail("raw: an owner's page has %ld rows, expected %ld", rows, want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* ---- reports -------------------------------------------------------------- */

/* One report's query stepped to its end, every column read by its type, a
 * REAL's share divided here from its two counts (num, den: columns, -1
 * for none) as the libcrm side's rows give it. */
static int walk_report(raw_side *s, int q, int64_t window, const job *j, const int *num,
                       const int *den, int nreal, const char *what, sample *out)
{
    sqlite3_stmt *st = s->st[q];
    bench_timer tm;
    bench_start(&tm);
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, window);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, j->now);
    int ncols = sqlite3_column_count(st), rc;
    long rows = 0, bytes = 0;
    double sum = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rows++;
        for (int c = 0; c < ncols; c++) {
            if (sqlite3_column_type(st, c) == SQLITE_TEXT)
                bytes += (long)strlen((const char *)sqlite3_column_text(st, c));
            else
                sum += (double)sqlite3_column_int64(st, c);
        }
        for (int r = 0; r < nreal; r++) {
            int64_t d = sqlite3_column_int64(st, den[r]);
            if (sqlite3_column_type(st, num[r]) != SQLITE_NULL && d != 0)
                sum += (double)sqlite3_column_int64(st, num[r]) / (double)d;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(s, what);
    bench_stop(&tm, out);
    if (rows == 0 || bytes == 0 || sum <= 0)
        return bench_fail("raw: %s gave no rows", what);
    out->n = 1;
    return 0;
}

int raw_report_reasons(void *side, const job *j, long round, sample *out)
{
    (void)round;
    static const int num[] = { 2, 4 }, den[] = { 3, 3 };
    return walk_report(side, S_REPORT_REASONS, 0, j, num, den, 2, "the reasons report", out);
}

int raw_report_repeats(void *side, const job *j, long round, sample *out)
{
    (void)round;
    static const int num[] = { 2 }, den[] = { 1 };
    return walk_report(side, S_REPORT_REPEATS, BENCH_REPEAT_MS, j, num, den, 1,
                       "the repeats report", out);
}

int raw_report_fcr(void *side, const job *j, long round, sample *out)
{
    (void)round;
    static const int num[] = { 3 }, den[] = { 2 };
    return walk_report(side, S_REPORT_FCR, BENCH_REPEAT_MS, j, num, den, 1,
                       "the first-contact resolution report", out);
}

int raw_report_handover(void *side, const job *j, long round, sample *out)
{
    (void)round;
    static const int num[] = { 2 }, den[] = { 1 };
    return walk_report(side, S_REPORT_HANDOVER, BENCH_HANDOVER_MS, j, num, den, 1,
                       "the hand-over report", out);
}

int raw_report_keep_rate(void *side, const job *j, long round, sample *out)
{
    (void)round;
    static const int num[] = { 2 }, den[] = { 11 };
    return walk_report(side, S_REPORT_KEEP_RATE, 0, j, num, den, 1, "the keep-rate report",
                       out);
}

int raw_report_channel_mix(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, S_REPORT_CHANNEL_MIX, 0, j, NULL, NULL, 0,
                       "the channel mix report", out);
}

/* The agenda's data (bench.h), once, before the first read of it. */
static int agenda_setup(raw_side *s, const job *j)
{
    char agent[24];
    if (begin(s))
        return -1;
    sqlite3_stmt *p = s->st[S_AGENDA_PROMISE], *c = s->st[S_AGENDA_CONTACT];
    for (long k = 0; k < j->promises; k++) {
        unsigned char id[16];
        int64_t now;
        new_id(s, id, &now);
        bench_agent(agent, sizeof agent, k % BENCH_AGENTS);
        sqlite3_bind_blob(p, 1, id, 16, SQLITE_STATIC);
        sqlite3_bind_blob(p, 2, s->kept[bench_agenda_customer(j, k)], 16, SQLITE_STATIC);
        sqlite3_bind_text(p, 3, agent, -1, SQLITE_STATIC);
        int64_t due = bench_agenda_due(j, k);
        sqlite3_bind_int64(p, 4, due);
        sqlite3_bind_int64(p, 5, due < j->now ? bench_overdue_made(due) : j->now);
        if (run(s, S_AGENDA_PROMISE))
            return rollback(s);
    }
    sqlite3_stmt *o = s->st[S_SET_OWNER];
    for (long k = 2; k < j->kept; k += 16) {
        sqlite3_bind_blob(o, 1, s->kept[k], 16, SQLITE_STATIC);
        sqlite3_bind_text(o, 2, bench_customer_owner(agent, sizeof agent, k), -1,
                          SQLITE_TRANSIENT);
        if (run(s, S_SET_OWNER))
            return rollback(s);
    }
    for (long k = 0; k < j->kept; k++) {
        for (int reply = 0; BENCH_CONTACT(k) && reply <= BENCH_ANSWERED(k); reply++) {
            unsigned char id[16];
            int64_t now;
            new_id(s, id, &now);
            sqlite3_bind_blob(c, 1, id, 16, SQLITE_STATIC);
            sqlite3_bind_blob(c, 2, s->kept[k], 16, SQLITE_STATIC);
            sqlite3_bind_int(c, 3, reply ? 2 : 1);
            sqlite3_bind_int64(c, 4, bench_contact_at(j, k) + reply * 60000);
            sqlite3_bind_int64(c, 5, now);
            if (run(s, S_AGENDA_CONTACT))
                return rollback(s);
        }
    }
    return commit(s) ? rollback(s) : 0;
}

/* The first page of owner's agenda, reps times: each row read whole. */
static int agenda_read(raw_side *s, const job *j, const char *owner, sample *out)
{
    long want;
    int64_t want_sum;
    bench_agenda_want(j, owner, &want, &want_sum);
    long reps = bench_agenda_reps(j);
    sqlite3_stmt *st = s->st[S_AGENDA];
    time_t secs = (time_t)(j->now / 1000);
    struct tm day;
    gmtime_r(&secs, &day);
    int64_t today = j->now - j->now % 86400000;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < reps; r++) {
        sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, j->now);
        sqlite3_bind_int(st, 3, day.tm_year + 1900);
        sqlite3_bind_int(st, 4, (day.tm_mon + 1) * 100 + day.tm_mday);
        sqlite3_bind_int64(st, 5, today);
        long rows = 0;
        int64_t sum = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const unsigned char *name = sqlite3_column_text(st, 2);
            rows += sqlite3_column_bytes(st, 4) == 16 && name && name[0];
            (void)sqlite3_column_text(st, 3);
            (void)sqlite3_column_text(st, 5);
            (void)sqlite3_column_int64(st, 6);
            sum += sqlite3_column_int64(st, 7);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "reading the agenda");
        if (rows != want || sum != want_sum)
            return bench_fail("raw: %s's agenda has %ld items scoring %lld, expected %ld "
                              "scoring %lld",
                              owner, rows, (long long)sum, want, (long long)want_sum);
    }
    bench_stop(&tm, out);
    out->n = reps;
    return 0;
}

int raw_agenda(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    if (round == 0 && agenda_setup(s, j))
        return -1;
    char agent[24];
    bench_agent(agent, sizeof agent, 1);
    return agenda_read(s, j, agent, out);
}

int raw_agenda_team(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    return agenda_read(side, j, bench_team(1), out);
}

/* ---- consent --------------------------------------------------------------------- */

/* Every kept customer's consent ledger (bench.h), once, before the first
 * check. */
static int consent_setup(raw_side *s, const job *j)
{
    if (begin(s))
        return -1;
    sqlite3_stmt *st = s->st[S_CONSENT_INSERT];
    for (long c = 0; c < j->kept; c++) {
        for (int e = 0; e < BENCH_CONSENT_EVENTS; e++) {
            const char *purpose, *channel;
            int granted;
            int64_t at, now;
            unsigned char id[16];
            bench_consent_event(j, c, e, &purpose, &channel, &granted, &at);
            new_id(s, id, &now);
            sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, s->kept[c], 16, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, purpose, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 5, granted);
            sqlite3_bind_int64(st, 6, at);
            if (run(s, S_CONSENT_INSERT))
                return rollback(s);
        }
    }
    return commit(s) ? rollback(s) : 0;
}

int raw_consent_check(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    if (round == 0 && consent_setup(s, j))
        return -1;
    long want = 0, yes = 0;
    for (long k = 0; k < j->lookups; k++)
        want += bench_consent_want(bench_consent_customer(j, k), bench_consent_channel(k));
    sqlite3_stmt *st = s->st[S_CONSENT_CHECK];
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        sqlite3_bind_blob(st, 1, s->kept[bench_consent_customer(j, k)], 16, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, "marketing", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, bench_consent_channel(k), -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            yes += sqlite3_column_int(st, 0) == 1;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return fail(s, "checking consent");
    }
    bench_stop(&tm, out);
    if (yes != want)
        return bench_fail("raw: %ld customers may be contacted, expected %ld", yes, want);
    out->n = j->lookups;
    return 0;
}

/* ---- confirming who is there ----------------------------------------------------------- */

/* Every kept customer's date of birth, once, before the first call. */
static int verify_setup(raw_side *s, const job *j)
{
    if (begin(s))
        return -1;
    sqlite3_stmt *st = s->st[S_ATTR_SET];
    for (long c = 0; c < j->kept; c++) {
        char dob[BENCH_DOB_SIZE];
        bench_verify_dob(dob, c);
        sqlite3_bind_blob(st, 1, s->kept[c], 16, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, BENCH_VERIFY_KEY, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, dob, -1, SQLITE_TRANSIENT);
        if (run(s, S_ATTR_SET))
            return rollback(s);
    }
    return commit(s) ? rollback(s) : 0;
}

/* One answer checked in one transaction: -1 on failure, else matched. */
static int verify_one(raw_side *s, const unsigned char *cid, const char *answer)
{
    if (begin(s))
        return -1;
    sqlite3_stmt *st = s->st[S_VERIFY_READ];
    sqlite3_bind_blob(st, 1, cid, 16, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, BENCH_VERIFY_KEY, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int matched = rc == SQLITE_ROW &&
                  strcmp((const char *)sqlite3_column_text(st, 0), answer) == 0;
    int counted = rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) {
        fail(s, "reading the date of birth");
        return rollback(s);
    }
    int q = matched ? S_VERIFY_CLEAR : S_VERIFY_FAIL;
    if (!matched || counted) {
        sqlite3_bind_blob(s->st[q], 1, cid, 16, SQLITE_STATIC);
        if (!matched)
            sqlite3_bind_int64(s->st[q], 2, wall_ms());
        if (run(s, q))
            return rollback(s);
    }
    return commit(s) ? rollback(s) : matched;
}

int raw_customer_verify(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    if (round == 0 && verify_setup(s, j))
        return -1;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->singles ? b + BENCH_CHUNK : j->singles;
    char answer[BENCH_CHUNK][BENCH_DOB_SIZE];
    long want = 0, right = 0;
    for (long k = b; k < e; k++) {
        bench_verify_dob(answer[k - b], bench_verify_customer(j, k) + !bench_verify_right(j, k));
        want += bench_verify_right(j, k);
    }
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        int m = verify_one(s, s->kept[bench_verify_customer(j, k)], answer[k - b]);
        if (m < 0)
            return -1;
        right += m;
    }
    bench_stop(&tm, out);
    if (right != want)
        return bench_fail("raw: %ld right answers, expected %ld", right, want);
    out->n = e - b;
    return 0;
}

/* ---- ids by their first digits ---------------------------------------------------------- */

/* The id range a typed prefix names: -1 for a character that is none. */
static int prefix_range(const char *p, unsigned char lo[16], unsigned char hi[16])
{
    memset(lo, 0, 16);
    memset(hi, 0xff, 16);
    int n = 0;
    for (; *p; p++) {
        if (*p == '-')
            continue;
        int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (v < 0 || n >= 32)
            return -1;
        if (n % 2 == 0) {
            lo[n / 2] = (unsigned char)(v << 4);
            hi[n / 2] = (unsigned char)(v << 4 | 0x0f);
        } else {
            lo[n / 2] |= (unsigned char)v;
            hi[n / 2] = (unsigned char)((hi[n / 2] & 0xf0) | v);
        }
        n++;
    }
    return 0;
}

int raw_id_expand(void *side, const job *j, long round, sample *out)
{
    raw_side *s = side;
    (void)round;
    long found = 0;
    sqlite3_stmt *st = s->st[S_ID_PREFIX];
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        const unsigned char *id = s->kept[bench_consent_customer(j, k)];
        char text[37], prefix[BENCH_PREFIX_LEN + 1];
        id_text(text, id);
        memcpy(prefix, text, BENCH_PREFIX_LEN);
        prefix[BENCH_PREFIX_LEN] = '\0';
        unsigned char lo[16], hi[16];
        if (prefix_range(prefix, lo, hi))
            return bench_fail("raw: '%s' is no id prefix", prefix);
        sqlite3_bind_blob(st, 1, lo, 16, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, hi, 16, SQLITE_STATIC);
        int rows = 0, rc;
        char full[37] = "";
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (rows++ == 0)
                id_text(full, sqlite3_column_blob(st, 0));
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return fail(s, "expanding an id");
        found += rows == 1 && strcmp(full, text) == 0;
    }
    bench_stop(&tm, out);
    if (found != j->lookups)
        return bench_fail("raw: %ld of %ld prefixes named their customer", found, j->lookups);
    out->n = j->lookups;
    return 0;
}
