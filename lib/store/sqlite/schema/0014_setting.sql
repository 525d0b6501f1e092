-- libcrm schema 14: the database's own settings, by name.
--
-- A setting is the file's, not a handle's: every program that opens the
-- file finds it (crm_default_country_set() writes "default_country", an
-- ISO 3166 region in capitals). No row: the setting is not made. Settings
-- are not customer data: no export carries them and no erase touches them.
CREATE TABLE setting (
    name  TEXT PRIMARY KEY CHECK (name GLOB '[a-z]*' AND length(name) <= 64),
    value TEXT NOT NULL
) WITHOUT ROWID;

PRAGMA user_version = 14;
