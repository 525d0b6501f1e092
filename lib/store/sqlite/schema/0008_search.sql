-- libcrm schema 8: full-text search over what people write and say.
--
-- Every text a search can find is a row of search_doc: a customer's name,
-- each identity's value, each attribute's value, each interaction's
-- summary and body, each promise's text. The full-text index `search`
-- (SQLite's FTS5) holds the words of those rows and reads their text back
-- from search_doc for snippets (an external-content table), so no text is
-- kept twice in the index.
--
-- Triggers keep search_doc in step with the tables in the very statement
-- that changes them, whoever writes (a later delete, a cascade). They
-- cannot write the index itself: libcrm runs with trusted_schema off, under
-- which SQLite refuses a virtual table inside a trigger, so that a planted
-- trigger can do no more than plain SQL. Instead the triggers of
-- search_doc note each row added and removed in search_pending, and libcrm
-- applies the notes to the index at the end of the same write call, before
-- it commits (lib/store/sqlite/engine.c): index and rows change in one
-- transaction. search_pending is empty between calls.
--
-- An insert that names no customer fails at the end of its statement, on
-- its foreign key, after its triggers ran: those that add a row read the
-- customer first and add nothing without one, so a refused call changes
-- no row at all, and a group of calls (crm_begin) goes on after it
-- (lib/store/store.h, write transactions).
--
-- Each row says whether its customer is archived, which a search leaves
-- out by default: the filter reads the row the search reads anyway.

-- kind: 1 customer, 2 identity, 3 attribute, 4 interaction, 5 promise.
-- field: 1 name, 2 value, 3 summary, 4 body, 5 what (a promise's text).
-- name: the identity's kind or the attribute's key, else ''.
-- rec: the interaction's or promise's id, the identity's key, else ''.
CREATE TABLE search_doc (
    id          INTEGER PRIMARY KEY,
    customer_id BLOB NOT NULL,
    kind        INTEGER NOT NULL,
    field       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    rec         NOT NULL,
    text        TEXT NOT NULL,
    archived    INTEGER NOT NULL   -- the customer's: 0 or 1
);
-- Finding a record's rows when it changes: one range of this index.
CREATE INDEX search_doc_by_record ON search_doc (customer_id, kind, name, rec);

-- A row's notes since the index was last brought up to date: added (its
-- text is read from search_doc), and the text it had when it was removed
-- (the index must be told the words it is to forget). A row added and
-- removed between two updates is added 0 with no text: nothing to do.
CREATE TABLE search_pending (
    doc   INTEGER PRIMARY KEY,
    added INTEGER NOT NULL DEFAULT 0,
    gone  TEXT
);

-- The rows of every existing record, before the triggers exist: the index
-- is built from them at once below.
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT id, 1, 1, '', '', name, archived_at IS NOT NULL FROM customer;
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT i.customer_id, 2, 2, i.kind, i.key, i.value, c.archived_at IS NOT NULL
    FROM identity i JOIN customer c ON c.id = i.customer_id;
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT a.customer_id, 3, 2, a.key, '', a.value, c.archived_at IS NOT NULL
    FROM customer_attr a JOIN customer c ON c.id = a.customer_id WHERE a.value <> '';
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT i.customer_id, 4, 3, '', i.id, i.summary, c.archived_at IS NOT NULL
    FROM interaction i JOIN customer c ON c.id = i.customer_id WHERE i.summary <> '';
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT i.customer_id, 4, 4, '', i.id, i.body, c.archived_at IS NOT NULL
    FROM interaction i JOIN customer c ON c.id = i.customer_id WHERE i.body <> '';
INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
    SELECT p.customer_id, 5, 5, '', p.id, p.what, c.archived_at IS NOT NULL
    FROM promise p JOIN customer c ON c.id = p.customer_id WHERE p.what <> '';

-- Words are runs of letters and digits (Unicode's), compared without case
-- or diacritics ("Muller" finds "Müller"); prefixes of 2 and 3 characters
-- are indexed too, so a type-ahead query of a few letters reads one list.
CREATE VIRTUAL TABLE search USING fts5 (
    text,
    content = 'search_doc', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO search (search) VALUES ('rebuild');

CREATE TRIGGER search_doc_added AFTER INSERT ON search_doc BEGIN
    INSERT INTO search_pending (doc, added) VALUES (new.id, 1)
        ON CONFLICT (doc) DO UPDATE SET added = 1;
END;
CREATE TRIGGER search_doc_removed AFTER DELETE ON search_doc BEGIN
    INSERT INTO search_pending (doc, gone) VALUES (old.id, old.text)
        ON CONFLICT (doc) DO UPDATE SET added = 0;
END;

CREATE TRIGGER search_customer_added AFTER INSERT ON customer BEGIN
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        VALUES (new.id, 1, 1, '', '', new.name, new.archived_at IS NOT NULL);
END;
CREATE TRIGGER search_customer_renamed AFTER UPDATE OF name ON customer
WHEN new.name IS NOT old.name BEGIN
    DELETE FROM search_doc WHERE customer_id = old.id AND kind = 1;
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        VALUES (new.id, 1, 1, '', '', new.name, new.archived_at IS NOT NULL);
END;
CREATE TRIGGER search_customer_archived AFTER UPDATE OF archived_at ON customer
WHEN (new.archived_at IS NULL) <> (old.archived_at IS NULL) BEGIN
    UPDATE search_doc SET archived = new.archived_at IS NOT NULL WHERE customer_id = new.id;
END;
CREATE TRIGGER search_customer_removed AFTER DELETE ON customer BEGIN
    DELETE FROM search_doc WHERE customer_id = old.id;
END;

-- The rows of a customer's records: added only for a customer there is.
CREATE TRIGGER search_identity_added AFTER INSERT ON identity BEGIN
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 2, 2, new.kind, new.key, new.value, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id;
END;
CREATE TRIGGER search_identity_changed AFTER UPDATE OF customer_id, kind, key, value ON identity
BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 2 AND name = old.kind AND rec = old.key;
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 2, 2, new.kind, new.key, new.value, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id;
END;
CREATE TRIGGER search_identity_removed AFTER DELETE ON identity BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 2 AND name = old.kind AND rec = old.key;
END;

CREATE TRIGGER search_attr_added AFTER INSERT ON customer_attr WHEN new.value <> '' BEGIN
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 3, 2, new.key, '', new.value, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id;
END;
CREATE TRIGGER search_attr_changed AFTER UPDATE OF customer_id, key, value ON customer_attr
BEGIN
    DELETE FROM search_doc WHERE customer_id = old.customer_id AND kind = 3 AND name = old.key;
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 3, 2, new.key, '', new.value, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.value <> '';
END;
CREATE TRIGGER search_attr_removed AFTER DELETE ON customer_attr BEGIN
    DELETE FROM search_doc WHERE customer_id = old.customer_id AND kind = 3 AND name = old.key;
END;

CREATE TRIGGER search_interaction_added AFTER INSERT ON interaction
WHEN new.summary <> '' OR new.body <> '' BEGIN
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 4, 3, '', new.id, new.summary, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.summary <> '';
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 4, 4, '', new.id, new.body, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.body <> '';
END;
CREATE TRIGGER search_interaction_changed AFTER UPDATE OF customer_id, summary, body ON interaction
WHEN new.customer_id IS NOT old.customer_id OR new.summary IS NOT old.summary
     OR new.body IS NOT old.body BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 4 AND name = '' AND rec = old.id;
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 4, 3, '', new.id, new.summary, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.summary <> '';
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 4, 4, '', new.id, new.body, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.body <> '';
END;
CREATE TRIGGER search_interaction_removed AFTER DELETE ON interaction BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 4 AND name = '' AND rec = old.id;
END;

CREATE TRIGGER search_promise_added AFTER INSERT ON promise BEGIN
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 5, 5, '', new.id, new.what, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.what <> '';
END;
CREATE TRIGGER search_promise_changed AFTER UPDATE OF customer_id, what ON promise
WHEN new.customer_id IS NOT old.customer_id OR new.what IS NOT old.what BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 5 AND name = '' AND rec = old.id;
    INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived)
        SELECT new.customer_id, 5, 5, '', new.id, new.what, c.archived_at IS NOT NULL
        FROM customer c WHERE c.id = new.customer_id AND new.what <> '';
END;
CREATE TRIGGER search_promise_removed AFTER DELETE ON promise BEGIN
    DELETE FROM search_doc
        WHERE customer_id = old.customer_id AND kind = 5 AND name = '' AND rec = old.id;
END;

PRAGMA user_version = 8;
