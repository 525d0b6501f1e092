-- libcrm schema 9: what customers agreed to.

-- A ledger of consent events, one row each, never changed once written
-- (an erase blanks the note and nothing else). Whether a customer may be
-- contacted for a purpose on a channel is read from the latest event of
-- that purpose on that channel or on every channel (channel NULL): the one
-- with the greatest `at`, and of those the last recorded (the greatest id,
-- a UUIDv7). No event means no.
--
-- purpose: the caller's own code, spelt as custom channels and identity
-- kinds are ([a-z][a-z0-9_]{0,31}): "marketing", "service_updates".
-- at: when the customer said so, which may be before it was recorded (a
-- signed form entered the next day); the id's time is when it was recorded.
-- interaction_id: the contact during which it was given, if any.
CREATE TABLE consent (
    id             BLOB PRIMARY KEY CHECK (length(id) = 16),
    customer_id    BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    purpose        TEXT NOT NULL
                   CHECK (length(purpose) BETWEEN 1 AND 32 AND purpose GLOB '[a-z]*'
                          AND purpose NOT GLOB '*[^a-z0-9_]*'),
    channel        INTEGER REFERENCES channel (code),
    granted        INTEGER NOT NULL CHECK (granted IN (0, 1)),
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL,
    interaction_id BLOB REFERENCES interaction (id),
    note           TEXT NOT NULL
) WITHOUT ROWID;
-- The latest event of one purpose on one channel: the last entry of one
-- range of this index; a customer's whole ledger: one range of it.
CREATE INDEX consent_latest ON consent (customer_id, purpose, channel, at, id);

PRAGMA user_version = 9;
