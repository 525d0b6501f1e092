-- libcrm schema 6: a customer's owner.

-- Who looks after the customer: an account manager or a team, named the
-- way promise owners and actors are ("agent:alice", "team:billing"); NULL
-- while no one does. The index serves the customer list filtered by owner
-- in creation order, and holds only the customers who have one.
ALTER TABLE customer ADD COLUMN owner TEXT;
CREATE INDEX customer_by_owner ON customer (owner, id) WHERE owner IS NOT NULL;

PRAGMA user_version = 6;
