-- libcrm schema 4: an identity may be shared by several customers (a
-- family landline, an office switchboard, a couple's e-mail address).
--
-- An identity's row is now one customer's holding of a (kind, key): the
-- primary key grows by the customer, so a shared value has a row per
-- holder. A lookup is still one probe of the primary key, whose rows for
-- one (kind, key) lie side by side. Whether a value may have several
-- holders is each row's flag CRM_IDENTITY_SHARED (flags & 4), which
-- libcrm checks before it adds or changes a holding: a value held
-- unshared has one holder.
--
-- The table is rebuilt in SQLite's documented way of changing a table's
-- key (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of
-- Table Schema Changes"): make the new table, copy every row, drop the old
-- one, give the new one its name, make its index again. That page has
-- foreign keys turned off first, which a migration cannot do inside its
-- transaction; it does not need to, as no table refers to identity, and
-- the rows that refer to customers are copied as they are.

CREATE TABLE new_identity (
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,   -- normalised: E.164, lower-cased e-mail, ...
    value       TEXT NOT NULL,   -- as entered
    customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    flags       INTEGER NOT NULL DEFAULT 0,  -- 1 primary, 2 verified, 4 shared
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, key, customer_id)
) WITHOUT ROWID;

INSERT INTO new_identity (kind, key, value, customer_id, flags, created_at)
    SELECT kind, key, value, customer_id, flags, created_at FROM identity;

DROP TABLE identity;
ALTER TABLE new_identity RENAME TO identity;
CREATE INDEX identity_by_customer ON identity (customer_id, kind);

PRAGMA user_version = 4;
