"""The CSV import of bench/import_bench.c, as a Python user would write it
with the standard library: csv and sqlite3, the identities looked up and
the customer and its two identities inserted, in one transaction. Prints
the seconds the import took.

usage: import_bench.py CSV DATABASE
"""
import csv
import os
import sqlite3
import sys
import time


def main(csv_path, db_path):
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript("""
        PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
        CREATE TABLE customer (id BLOB PRIMARY KEY, name TEXT NOT NULL,
                               created_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE identity (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                               customer_id BLOB NOT NULL REFERENCES customer (id),
                               created_at INTEGER NOT NULL,
                               PRIMARY KEY (kind, key)) WITHOUT ROWID;
        CREATE INDEX identity_by_customer ON identity (customer_id);
    """)
    find = "SELECT customer_id FROM identity WHERE kind = ? AND key = ?"
    start = time.monotonic()
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        db.execute("BEGIN IMMEDIATE")
        n = 0
        for name, email, phone in rows:
            email_key = email.lower()
            phone_key = "".join(c for c in phone if c.isdigit() or c == "+")
            if (db.execute(find, ("email", email_key)).fetchone()
                    or db.execute(find, ("phone", phone_key)).fetchone()):
                continue
            n += 1
            cid = n.to_bytes(16, "little")
            now = int(time.time() * 1000)
            db.execute("INSERT INTO customer (id, name, created_at) VALUES (?, ?, ?)",
                       (cid, name, now))
            db.executemany("INSERT INTO identity (kind, key, value, customer_id, created_at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (("email", email_key, email, cid, now),
                            ("phone", phone_key, phone, cid, now)))
        db.execute("COMMIT")
    print(time.monotonic() - start)
    db.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or not os.path.exists(sys.argv[1]):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
