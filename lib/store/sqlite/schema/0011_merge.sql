-- libcrm schema 11: finding duplicate customers, and merging one into another.

-- A customer's name as duplicates are compared: lower-cased, with the
-- diacritics of the Latin letters (U+00C0 to U+017F) taken off, and the
-- letters that have none spelt in ASCII (ß ss, æ ae, ø o, ł l, þ th):
-- "José Müller" and "jose muller" have one key. libcrm makes it as it
-- creates or renames a customer (lib/merge.c, crm__fold_name, with the very
-- table below); the rows already there get it here, once. A duplicate
-- search reads the customers of one key as one range of its index, never
-- the table: a pair is two entries of one range.
ALTER TABLE customer ADD COLUMN fold_key TEXT NOT NULL DEFAULT '';
-- In passes of a few dozen letters: SQLite's parser takes an expression
-- nested so deep only in pieces.
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    lower(name), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'Æ', 'ae'),
    'Ç', 'c'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'),
    'Ï', 'i'), 'Ð', 'd'), 'Ñ', 'n'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'),
    'Ø', 'o');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'Ý', 'y'), 'Þ', 'th'), 'ß', 'ss'),
    'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'æ', 'ae'), 'ç', 'c'),
    'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'),
    'ð', 'd');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'),
    'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'ý', 'y'), 'þ', 'th'), 'ÿ', 'y'), 'Ā', 'a'),
    'ā', 'a'), 'Ă', 'a'), 'ă', 'a'), 'Ą', 'a'), 'ą', 'a'), 'Ć', 'c'), 'ć', 'c'), 'Ĉ', 'c'),
    'ĉ', 'c');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'Ċ', 'c'), 'ċ', 'c'), 'Č', 'c'), 'č', 'c'), 'Ď', 'd'), 'ď', 'd'), 'Đ', 'd'),
    'đ', 'd'), 'Ē', 'e'), 'ē', 'e'), 'Ĕ', 'e'), 'ĕ', 'e'), 'Ė', 'e'), 'ė', 'e'), 'Ę', 'e'),
    'ę', 'e'), 'Ě', 'e'), 'ě', 'e'), 'Ĝ', 'g'), 'ĝ', 'g'), 'Ğ', 'g'), 'ğ', 'g'), 'Ġ', 'g'),
    'ġ', 'g');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'Ģ', 'g'), 'ģ', 'g'), 'Ĥ', 'h'), 'ĥ', 'h'), 'Ħ', 'h'), 'ħ', 'h'), 'Ĩ', 'i'),
    'ĩ', 'i'), 'Ī', 'i'), 'ī', 'i'), 'Ĭ', 'i'), 'ĭ', 'i'), 'Į', 'i'), 'į', 'i'), 'İ', 'i'),
    'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ĵ', 'j'), 'ĵ', 'j'), 'Ķ', 'k'), 'ķ', 'k'), 'ĸ', 'k'),
    'Ĺ', 'l');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'ĺ', 'l'), 'Ļ', 'l'), 'ļ', 'l'), 'Ľ', 'l'), 'ľ', 'l'), 'Ŀ', 'l'), 'ŀ', 'l'),
    'Ł', 'l'), 'ł', 'l'), 'Ń', 'n'), 'ń', 'n'), 'Ņ', 'n'), 'ņ', 'n'), 'Ň', 'n'), 'ň', 'n'),
    'ŉ', 'n'), 'Ŋ', 'n'), 'ŋ', 'n'), 'Ō', 'o'), 'ō', 'o'), 'Ŏ', 'o'), 'ŏ', 'o'), 'Ő', 'o'),
    'ő', 'o');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'Œ', 'oe'), 'œ', 'oe'), 'Ŕ', 'r'), 'ŕ', 'r'), 'Ŗ', 'r'), 'ŗ', 'r'), 'Ř', 'r'),
    'ř', 'r'), 'Ś', 's'), 'ś', 's'), 'Ŝ', 's'), 'ŝ', 's'), 'Ş', 's'), 'ş', 's'), 'Š', 's'),
    'š', 's'), 'Ţ', 't'), 'ţ', 't'), 'Ť', 't'), 'ť', 't'), 'Ŧ', 't'), 'ŧ', 't'), 'Ũ', 'u'),
    'ũ', 'u');
UPDATE customer SET fold_key =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    fold_key, 'Ū', 'u'), 'ū', 'u'), 'Ŭ', 'u'), 'ŭ', 'u'), 'Ů', 'u'), 'ů', 'u'), 'Ű', 'u'),
    'ű', 'u'), 'Ų', 'u'), 'ų', 'u'), 'Ŵ', 'w'), 'ŵ', 'w'), 'Ŷ', 'y'), 'ŷ', 'y'), 'Ÿ', 'y'),
    'Ź', 'z'), 'ź', 'z'), 'Ż', 'z'), 'ż', 'z'), 'Ž', 'z'), 'ž', 'z'), 'ſ', 's');
CREATE INDEX customer_by_fold ON customer (fold_key, id);

-- Customers who share an attribute's value (a date of birth, a tax
-- number): one range of this index per value.
CREATE INDEX customer_attr_by_value ON customer_attr (key, value, customer_id);

-- Where a merged customer went: an id that was absorbed keeps naming its
-- survivor (which may itself have been merged since: the chain is
-- followed to a customer there is). seq is the survivor's journal entry of
-- the merge (op "merge"), which holds all an unmerge needs; the row goes
-- when the merge is undone. No foreign key: the survivor may be absorbed
-- in turn, and the row must outlive it.
CREATE TABLE customer_merged (
    absorbed_id BLOB PRIMARY KEY CHECK (length(absorbed_id) = 16),
    survivor_id BLOB NOT NULL CHECK (length(survivor_id) = 16),
    merged_at   INTEGER NOT NULL,
    seq         INTEGER NOT NULL
) WITHOUT ROWID;
-- The customers merged into one: a survivor's own range.
CREATE INDEX customer_merged_by_survivor ON customer_merged (survivor_id);

PRAGMA user_version = 11;
