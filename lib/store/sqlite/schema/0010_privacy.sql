-- libcrm schema 10: erasure for good.
--
-- An erased customer keeps its row, blanked, so that what stays of it
-- (interactions, promises and consent events without their texts) still
-- counts in every report, by owner too; erased_at says when, and every
-- call that names the customer answers that it was erased. The erase
-- archives the customer as well (archived_at, if it was not), so every list
-- of active customers and the agenda leave it out with no test of their own.
ALTER TABLE customer ADD COLUMN erased_at INTEGER;

-- No new row may name an erased customer, whichever call or program
-- writes it: the check libcrm makes before a write covers the calls that
-- read the customer first; these cover the inserts that leave the check to
-- the row's foreign key (one probe of the customer's key, which that check
-- reads anyway). libcrm reads the refusal as a refused foreign key and
-- reports that the customer was erased.
CREATE TRIGGER erased_identity BEFORE INSERT ON identity
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_attr BEFORE INSERT ON customer_attr
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_tag BEFORE INSERT ON customer_tag
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_member BEFORE INSERT ON membership
WHEN (SELECT erased_at FROM customer WHERE id = new.org_id) IS NOT NULL
     OR (SELECT erased_at FROM customer WHERE id = new.person_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_interaction BEFORE INSERT ON interaction
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_promise BEFORE INSERT ON promise
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_occasion BEFORE INSERT ON occasion
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;
CREATE TRIGGER erased_consent BEFORE INSERT ON consent
WHEN (SELECT erased_at FROM customer WHERE id = new.customer_id) IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'the customer was erased');
END;

PRAGMA user_version = 10;
