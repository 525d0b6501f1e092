-- libcrm schema 13: wrong answers to crm_customer_verify(), per customer.
--
-- Transient security state, not the customer's data: no export carries it,
-- an erase removes the row, a merge drops the absorbed customer's. No row:
-- no wrong answer counted. failures: wrong answers since the last right one
-- (or since the count last started afresh); first_failure_at: when the
-- first of them came; locked_until: while later than now, crm_customer_verify()
-- refuses to compare (NULL: not locked).
CREATE TABLE customer_verify (
    customer_id      BLOB PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,
    failures         INTEGER NOT NULL CHECK (failures > 0),
    first_failure_at INTEGER NOT NULL,
    locked_until     INTEGER
) WITHOUT ROWID;

PRAGMA user_version = 13;
