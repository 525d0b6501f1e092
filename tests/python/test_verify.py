"""Confirming who is there through the Python binding: db.verify() answers
True or False, counts wrong answers in the file, and raises crm.StateError
while the customer is locked; bad input as exceptions."""
import pytest

import crm

DOB = "1984-03-07"


@pytest.fixture
def jane(db):
    c = db.create_customer("Jane Doe")
    db.set_attr(c, "date_of_birth", DOB)
    db.set_attr(c, "postcode", "SW1A 1AA")
    return c


def test_match_and_mismatch(db, jane):
    assert db.verify(jane, "date_of_birth", DOB) is True
    assert db.verify(jane.id, "postcode", "sw1a 1aa") is True
    assert db.verify(jane, "postcode", "SW1A1AA") is True
    assert db.verify(jane, "date_of_birth", "1984-03-08") is False
    entries = [e for e in db.journal(0) if e.op == "verify"]
    # the right answers with nothing counted changed nothing: no entry
    assert [e.entity for e in entries] == ["customer"]
    assert '"matched":0' in entries[-1].data and '"failures":1' in entries[-1].data
    assert all(DOB not in e.data and "1984-03-08" not in e.data for e in entries)


def test_lock(db, jane):
    for _ in range(crm._ll.CRM_VERIFY_MAX_FAILURES):
        assert db.verify(jane, "date_of_birth", "2000-01-01") is False
    seq = db.last_seq
    with pytest.raises(crm.StateError, match="locked") as e:
        db.verify(jane, "date_of_birth", DOB)
    assert "UTC" in str(e.value) and DOB not in str(e.value)
    assert db.last_seq == seq


def test_right_answer_clears(db, jane):
    for _ in range(3):
        for _ in range(crm._ll.CRM_VERIFY_MAX_FAILURES - 1):
            assert db.verify(jane, "date_of_birth", "2000-01-01") is False
        assert db.verify(jane, "date_of_birth", DOB) is True


def test_refusals(db, jane):
    seq = db.last_seq
    with pytest.raises(crm.NotFound, match="memorable_word"):
        db.verify(jane, "memorable_word", "x")
    with pytest.raises(crm.NotFound):
        db.verify("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "date_of_birth", DOB)
    with pytest.raises(crm.InvalidArgument, match="answer is empty"):
        db.verify(jane, "date_of_birth", "")
    with pytest.raises(crm.InvalidArgument, match="attribute key"):
        db.verify(jane, "date of birth", DOB)
    with pytest.raises(crm.InvalidArgument, match="customer id"):
        db.verify("not-an-id", "date_of_birth", DOB)
    with pytest.raises(crm.InvalidArgument, match="answer is NULL"):
        db.verify(jane, "date_of_birth", None)
    assert db.last_seq == seq


def test_read_only(path):
    with crm.open(path) as d:
        c = d.create_customer("Jane Doe")
        d.set_attr(c, "date_of_birth", DOB)
    with crm.open(path, create=False, readonly=True) as d:
        with pytest.raises(crm.ReadOnly):
            d.verify(c, "date_of_birth", DOB)
