-- libcrm schema 5: the due time a promise was made with.

-- A renegotiated promise's first due time is its made event's, in its
-- history; kept in its row, a list reads it with no probe of the history
-- per promise. Every promise of an older file gets it from its history.
ALTER TABLE promise ADD COLUMN first_due_at INTEGER NOT NULL DEFAULT 0;
UPDATE promise SET first_due_at = coalesce(
    (SELECT e.new_due FROM promise_event e WHERE e.promise_id = promise.id AND e.seq = 1),
    due_at);

PRAGMA user_version = 5;
