"""Lists and what a loop writes through the same database: every list
gives each row at most once and ends, the rows as they were when it read
its first one; a list that fails says why."""
import datetime as dt

import pytest

import crm


def test_creating_while_listing_customers_ends():
    with crm.open(":memory:") as db:
        for i in range(30):
            db.create_customer(f"Customer {i:02d}")
        seen = []
        for c in db.customers(order="name"):
            seen.append(c.id)
            db.create_customer("Zz " + c.name)
            db.rename_customer(c, "Zzz moved on")
            assert len(seen) <= 30
        assert len(seen) == len(set(seen)) == 30
        assert sum(1 for _ in db.customers()) == 60


def test_renegotiating_while_listing_promises_visits_each_once():
    with crm.open(":memory:") as db:
        ann = db.create_customer("Ann")
        due = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
        for i in range(25):
            db.promise(ann, f"call {i}", due + dt.timedelta(minutes=i), owner="agent:bo")
        seen = []
        for p in db.promises(customer_id=ann):
            seen.append(p.id)
            db.renegotiate(p, p.due_at + dt.timedelta(days=30), "away")
            assert len(seen) <= 25
        assert len(seen) == len(set(seen)) == 25


def test_a_list_that_fails_says_why(tmp_path):
    """A file damaged where the customers are: the list raises crm.Corrupt
    with the real message, not "not an error"."""
    path = str(tmp_path / "damaged.crm")
    with crm.open(path) as db, db.transaction():
        for i in range(400):
            db.create_customer("n" * 250 + f" {i:04d}")
    size = (tmp_path / "damaged.crm").stat().st_size
    failed = None
    with open(path, "r+b") as f:
        for page in range(size // 4096 - 1, 2, -1):
            f.seek(page * 4096)
            f.write(b"\xa5" * 4096)
            f.flush()
            try:
                db = crm.open(path)
            except crm.Error:
                continue
            try:
                for _ in db.customers():
                    pass
            except crm.Corrupt as e:
                failed = e
            finally:
                db.close()
            if failed:
                break
    assert failed is not None
    assert "corrupt" in str(failed)
    assert str(failed) != "not an error"
