-- libcrm schema 2: interactions, promises and occasions.

-- Every contact with a customer, on every channel.
CREATE TABLE interaction (
    id           BLOB PRIMARY KEY CHECK (length(id) = 16),
    customer_id  BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    channel      INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 11),
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
-- The timeline: one customer, newest first; keyset paging on (occurred_at, id).
CREATE INDEX interaction_timeline ON interaction (customer_id, occurred_at, id);
CREATE INDEX interaction_thread ON interaction (thread_id, occurred_at, id);
CREATE UNIQUE INDEX interaction_external ON interaction (channel, external_ref)
    WHERE external_ref IS NOT NULL;

-- What the business told a customer it will do. due_at is the due time in
-- force; earlier ones live in promise_event. Overdue, kept late and the
-- number of renegotiations are derived when read.
CREATE TABLE promise (
    id             BLOB PRIMARY KEY CHECK (length(id) = 16),
    customer_id    BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    interaction_id BLOB REFERENCES interaction (id),          -- made during
    owner          TEXT NOT NULL,
    what           TEXT NOT NULL,
    state          INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4), -- open kept broken released
    due_at         INTEGER NOT NULL,
    made_at        INTEGER NOT NULL,
    closed_at      INTEGER,                                   -- NULL while open
    kept_by        BLOB REFERENCES interaction (id)
) WITHOUT ROWID;
CREATE INDEX promise_by_customer ON promise (customer_id, due_at, id);
CREATE INDEX promise_by_owner ON promise (owner, due_at, id);
CREATE INDEX promise_by_due ON promise (state, due_at, id);

-- Every step of every promise, in order.
CREATE TABLE promise_event (
    promise_id      BLOB NOT NULL REFERENCES promise (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,   -- 1, 2, ... within the promise
    kind            INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 5),
    at              INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    old_due         INTEGER NOT NULL,
    new_due         INTEGER NOT NULL,
    customer_agreed INTEGER NOT NULL DEFAULT 0,
    interaction_id  BLOB REFERENCES interaction (id),
    note            TEXT,
    PRIMARY KEY (promise_id, seq)
) WITHOUT ROWID;

-- Dates that matter to a customer. md = month * 100 + day, so the days of
-- a window are a range (or two, over New Year) of one index.
CREATE TABLE occasion (
    id          BLOB PRIMARY KEY CHECK (length(id) = 16),
    customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    yearly      INTEGER NOT NULL CHECK (yearly IN (0, 1)),
    year        INTEGER NOT NULL,   -- 0: a yearly occasion without a year
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    md          INTEGER NOT NULL,
    lead_days   INTEGER NOT NULL CHECK (lead_days BETWEEN 0 AND 366),
    note        TEXT,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX occasion_by_customer ON occasion (customer_id, md);
CREATE INDEX occasion_by_day ON occasion (md, customer_id);
-- The longest lead, read first to know how far past a window to look.
CREATE INDEX occasion_by_lead ON occasion (lead_days);

PRAGMA user_version = 2;
