-- libcrm schema 12: the words an erase leaves in the full-text index.
--
-- Before SQLite 3.42 FTS5 cannot overwrite the words of a row it forgets:
-- they stay in the index's older segments until a merge rewrites them, and
-- only a merge of every segment into one is sure to, at the cost of the
-- whole index. An erase does not wait for it: it counts itself here, in
-- its own transaction, and crm_db_purge() rewrites the index in steps and
-- removes the row, unless another erase came in the meantime
-- (docs/privacy.md, "Gone from the file"). No row: nothing to rewrite.
CREATE TABLE search_scrub (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    erases INTEGER NOT NULL CHECK (erases > 0)
);

PRAGMA user_version = 12;
