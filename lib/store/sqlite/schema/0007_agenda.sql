-- libcrm schema 7: what the agenda reads, and nothing else.

-- Each index holds only rows that may be on an agenda: open promises, and
-- inbound contacts whose outcome is none yet or unresolved. An owner's or
-- a customer's closed history, which grows without end, is never read to
-- find them; and a row leaves the index when it is closed (kept, broken,
-- released; resolved), so each stays the size of the work still to do.
-- The agenda's SQL repeats each WHERE word for word, so SQLite knows it
-- may use them (lib/store/sqlite/sql.c).
CREATE INDEX promise_open_by_owner ON promise (owner, due_at) WHERE state = 1;
CREATE INDEX promise_open_by_customer ON promise (customer_id, due_at) WHERE state = 1;
CREATE INDEX interaction_waiting ON interaction (customer_id, occurred_at)
    WHERE direction = 1 AND outcome IN (0, 2);

PRAGMA user_version = 7;
