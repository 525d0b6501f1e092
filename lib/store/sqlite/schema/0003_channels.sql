-- libcrm schema 3: open channels. The eleven built-in channels keep their
-- numbers (crm_channel_t, 1..11); any other name of the form custom
-- identity kinds take ([a-z][a-z0-9_]{0,31}) is given the next number from
-- 64 up the first time an interaction is logged on it.
--
-- Why a table of names with an integer in each interaction, rather than the
-- name in a TEXT column of interaction:
--  - the interaction row and its index interaction_external (channel,
--    external_ref) keep a one-byte integer, not a word repeated in every row
--    and index entry;
--  - a lookup by external_ref on a channel stays one probe of that index,
--    after one probe of this small table turns the name into its number;
--  - the timeline's channel bits stay a test of the number, and a filter by
--    names is a set of numbers read once from this table;
--  - rows written before keep their numbers: nothing in them is rewritten.

CREATE TABLE channel (
    code INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 11 OR code >= 64),
    name TEXT NOT NULL UNIQUE
         CHECK (length(name) BETWEEN 1 AND 32 AND name GLOB '[a-z]*'
                AND name NOT GLOB '*[^a-z0-9_]*')
);
INSERT INTO channel (code, name) VALUES
    (1, 'phone'), (2, 'ivr'), (3, 'email'), (4, 'chat'), (5, 'sms'), (6, 'social'),
    (7, 'in_person'), (8, 'kiosk'), (9, 'web'), (10, 'letter'), (11, 'community');

-- interaction's channel was CHECK (channel BETWEEN 1 AND 11), which SQLite
-- cannot change in place: the table is made anew under another name, its
-- rows copied, the old one dropped and the new one renamed, and its indexes
-- made again (the procedure of SQLite's ALTER TABLE documentation, "making
-- other kinds of table schema changes"; the migration runs with foreign
-- keys off and checks them before it commits). interaction has no triggers
-- or views. The columns are schema 2's, in its order, but for channel.
CREATE TABLE interaction_new (
    id           BLOB PRIMARY KEY CHECK (length(id) = 16),
    customer_id  BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    channel      INTEGER NOT NULL REFERENCES channel (code),
    direction    INTEGER NOT NULL CHECK (direction IN (1, 2)),
    occurred_at  INTEGER NOT NULL,
    handled_by   TEXT,
    reason       TEXT,
    outcome      INTEGER NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 5),
    public       INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    sentiment    INTEGER CHECK (sentiment BETWEEN -2 AND 2),  -- NULL: not recorded
    summary      TEXT,
    body         TEXT,
    thread_id    BLOB NOT NULL,   -- id of the conversation's first interaction (own id for a first)
    reply_to     BLOB REFERENCES interaction (id),
    external_ref TEXT,            -- unique per channel: re-importing a feed adds nothing
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO interaction_new (id, customer_id, channel, direction, occurred_at, handled_by,
                             reason, outcome, public, sentiment, summary, body, thread_id,
                             reply_to, external_ref, created_at, updated_at)
    SELECT id, customer_id, channel, direction, occurred_at, handled_by, reason, outcome,
           public, sentiment, summary, body, thread_id, reply_to, external_ref, created_at,
           updated_at
    FROM interaction;
DROP TABLE interaction;
ALTER TABLE interaction_new RENAME TO interaction;
-- The timeline: one customer, newest first; keyset paging on (occurred_at, id).
CREATE INDEX interaction_timeline ON interaction (customer_id, occurred_at, id);
CREATE INDEX interaction_thread ON interaction (thread_id, occurred_at, id);
CREATE UNIQUE INDEX interaction_external ON interaction (channel, external_ref)
    WHERE external_ref IS NOT NULL;

PRAGMA user_version = 3;
