-- libcrm schema 1: customers, their attributes, tags, memberships and
-- identities, and the journal of every change.
--
-- Ids are UUIDv7 as 16-byte blobs; times are ms since the epoch, UTC.
-- A customer's created_at is the time carried by its id, so ordering by id
-- is ordering by creation and a created range is an id range.

PRAGMA application_id = 1129467185; -- 0x43524d31, "CRM1"

CREATE TABLE customer (
    id          BLOB PRIMARY KEY CHECK (length(id) = 16),
    kind        INTEGER NOT NULL CHECK (kind IN (1, 2)),  -- 1 person, 2 organisation
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,                            -- ASCII-lower-cased name
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    archived_at INTEGER                                   -- NULL while active
) WITHOUT ROWID; -- the id is the key: a lookup by id is one B-tree probe
CREATE INDEX customer_by_name ON customer (name_key, id);

CREATE TABLE customer_attr (
    customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, key)
) WITHOUT ROWID;

CREATE TABLE customer_tag (
    customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
) WITHOUT ROWID;
CREATE INDEX customer_tag_by_tag ON customer_tag (tag, customer_id);

CREATE TABLE membership (
    org_id    BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    since     INTEGER NOT NULL,
    PRIMARY KEY (org_id, person_id)
) WITHOUT ROWID;
CREATE INDEX membership_by_person ON membership (person_id, org_id);

-- (kind, key) is the lookup: one probe of the primary key.
CREATE TABLE identity (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,   -- normalised: E.164, lower-cased e-mail, ...
    value       TEXT NOT NULL,   -- as entered
    customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    flags       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX identity_by_customer ON identity (customer_id, kind);

-- Append-only. AUTOINCREMENT so a sequence number is never reused, even
-- after the newest rows are gone: embedders poll "everything after seq N".
CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id BLOB,
    op        TEXT NOT NULL,
    data      TEXT NOT NULL            -- JSON object made by json_object()
);
CREATE INDEX journal_by_entity ON journal (entity_id, seq);

PRAGMA user_version = 1;
