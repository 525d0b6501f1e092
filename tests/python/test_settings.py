"""The database's default country and ids by their first digits through the
Python binding: db.default_country kept in the file, db.expand_id() for each
kind of record; bad input as exceptions that change nothing."""
import datetime as dt

import pytest

import crm


def test_default_country_kept_in_the_file(path):
    with crm.open(path) as db:
        assert db.default_country is None
        ann = db.create_customer("Ann")
        with pytest.raises(crm.InvalidArgument, match="no default country"):
            db.add_identity(ann, "phone", "(415) 555-0100")
        db.default_country = "us"
        assert db.default_country == "US"
        db.add_identity(ann, "phone", "(415) 555-0100")
        last = list(db.journal(0))[-2]
        assert (last.entity, last.op, last.entity_id) == ("setting", "set", None)
        assert '"new":"US"' in last.data and '"old":null' in last.data
    with crm.open(path) as db:
        assert db.default_country == "US"
        assert db.lookup("phone", "415 555 0100").name == "Ann"
    with crm.open(path, default_country="GB") as db:
        assert db.default_country == "GB"
        db.default_country = "DE"          # the file's; this handle keeps GB
        assert db.default_country == "GB"
    with crm.open(path) as db:
        assert db.default_country == "DE"
        seq = db.last_seq
        db.default_country = None
        assert db.default_country is None and db.last_seq == seq + 1


def test_default_country_refusals(path):
    with crm.open(path) as db:
        db.default_country = "FR"
        seq = db.last_seq
        for bad in ("USA", "U", "1A", "ZZ", "é", "U\0S"):
            with pytest.raises(crm.InvalidArgument):
                db.default_country = bad
        for bad in (33, b"US"):     # no text
            with pytest.raises(TypeError):
                db.default_country = bad
        with pytest.raises(crm.InvalidArgument, match="lone surrogate"):
            db.default_country = "\udc80x"     # text with no UTF-8 form
        assert db.default_country == "FR" and db.last_seq == seq
        with pytest.raises(RuntimeError):
            with db.transaction():
                db.default_country = "DE"
                assert db.default_country == "DE"
                raise RuntimeError("rolled back")
        assert db.default_country == "FR" and db.last_seq == seq
    with crm.open(path, readonly=True) as db:
        with pytest.raises(crm.ReadOnly):
            db.default_country = "DE"
        assert db.default_country == "FR"


def test_expand_id(db, ann):
    assert db.expand_id("customer", ann.id) == ann.id
    assert db.expand_id("customer", ann.id.upper().replace("-", "")) == ann.id
    call = db.log(ann, "phone", "in")
    p = db.promise(ann, "call back", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1),
                   owner="agent:x")
    assert db.expand_id("interaction", call.id[:13]) == call.id
    assert db.expand_id("promise", p.id) == p.id
    with pytest.raises(crm.NotFound, match="no promise has an id starting with"):
        db.expand_id("promise", ann.id)
    bob = db.create_customer("Bob")
    common = 0
    while ann.id[common] == bob.id[common]:
        common += 1
    if common >= 4:
        with pytest.raises(crm.Ambiguous) as e:
            db.expand_id("customer", ann.id[:common])
        assert ann.id in str(e.value) and bob.id in str(e.value)
    assert db.expand_id("customer", bob.id[:common + 1]) == bob.id


def test_expand_id_refusals(db, ann):
    seq = db.last_seq
    for bad in ("", "019", "01g0a5b2", "01-9a", ann.id + "0", "0190 a5b2"):
        with pytest.raises(crm.InvalidArgument):
            db.expand_id("customer", bad)
    with pytest.raises(crm.InvalidArgument):
        db.expand_id("customers", ann.id)
    with pytest.raises(TypeError):
        db.expand_id("customer", 1234)
    with pytest.raises(TypeError):
        db.expand_id(None, ann.id)
    with pytest.raises(crm.InvalidArgument):
        db.expand_id("customer", None)
    assert db.last_seq == seq
