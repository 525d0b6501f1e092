"""Opening, closing, transactions, customers, identities, the journal."""
import datetime as dt
import gc

import pytest

import crm
from crm import _lowlevel as ll

UTC = dt.timezone.utc
MISSING = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"


def test_open_memory_and_context_manager():
    with crm.open(":memory:") as db:
        assert not db.closed
        assert db.schema_version == crm.SCHEMA_VERSION > 0
        assert db.actor == "system"
    assert db.closed
    db.close()  # idempotent


def test_open_options(path):
    with crm.open(path, actor="ivr:main", busy_timeout=0.5, durability="normal",
                  default_country="DE") as db:
        assert db.actor == "ivr:main"
        db.actor = "agent:bob"
        assert db.actor == "agent:bob"
        db.actor = None
        assert db.actor == "system"
    with pytest.raises(crm.InvalidArgument):
        crm.open(path, durability="sometimes")
    with pytest.raises(TypeError):
        crm.open(path, actor=42)
    with pytest.raises(TypeError):
        crm.open(path, busy_timeout="soon")


def test_use_after_close_raises_misuse(db, ann):
    it = db.customers()
    db.close()
    for call in (lambda: db.customer(ann.id), lambda: db.create_customer("X"),
                 lambda: db.actor, lambda: db.journal(), lambda: db.begin(),
                 lambda: db.lookup("phone", "+14155550100")):
        with pytest.raises(crm.Misuse) as e:
            call()
        assert e.value.code == crm.EMISUSE
        assert isinstance(e.value, crm.InterfaceError)
    assert list(it) == []  # closed with the database


def test_close_with_cursor_open_at_c_level_is_misuse():
    h = ll.crm_swig_open(":memory:", ll.CRM_OPEN_CREATE, 0, 0, None, None)
    cur = ll.crm_journal_entry_list_open(h, 0)
    with pytest.raises(crm.Misuse):
        ll.crm_close(h)
    ll.crm_journal_entry_cursor_free(cur)
    ll.crm_customer_create(h, 1, "still open")  # no crash; handle still usable
    # h was disowned by the failed crm_close; close it for real
    h2 = ll.crm_swig_open(":memory:", ll.CRM_OPEN_CREATE, 0, 0, None, None)
    ll.crm_close(h2)


def test_transaction_commits(db):
    with db.transaction():
        assert db.in_transaction
        a = db.create_customer("A")
        db.create_customer("B")
    assert not db.in_transaction
    assert [c.name for c in db.customers()] == ["A", "B"]
    assert db.customer(a.id).name == "A"


def test_transaction_rolls_back_on_exception(db):
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.create_customer("gone")
            raise RuntimeError("boom")
    assert not db.in_transaction
    assert list(db.customers()) == []


def test_transaction_state_errors(db):
    with pytest.raises(crm.StateError):
        db.commit()
    with pytest.raises(crm.StateError):
        db.rollback()
    db.begin()
    with pytest.raises(crm.StateError) as e:
        db.begin()
    assert e.value.code == crm.ESTATE
    db.rollback()


def test_customer_attributes(db, ann):
    assert ann.name == "Ann Example"
    assert ann.kind == "person"
    assert not ann.archived
    assert isinstance(ann.created_at, dt.datetime) and ann.created_at.tzinfo is not None
    assert abs(ann.created_at - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)
    org = db.create_customer("Acme", kind="organisation")
    assert org.kind == "organisation"
    assert db.customer(ann.id) == ann
    assert db.customer(ann.id.upper()).id == ann.id


def test_customer_rename_archive(db, ann):
    db.rename_customer(ann.id, "Ann Other")
    assert db.customer(ann.id).name == "Ann Other"
    db.archive_customer(ann)
    assert db.customer(ann.id).archived
    with pytest.raises(crm.StateError):
        db.archive_customer(ann.id)
    assert list(db.customers()) == []
    assert [c.id for c in db.customers(archived="only")] == [ann.id]
    db.unarchive_customer(ann.id)
    with pytest.raises(crm.StateError):
        db.unarchive_customer(ann.id)


def test_customer_owner(db, ann):
    assert ann.owner is None
    c = db.set_customer_owner(ann, "agent:alice")
    assert c.owner == "agent:alice" and c.updated_at >= ann.updated_at
    assert db.customer(ann.id).owner == "agent:alice"
    assert db.set_customer_owner(ann.id, "team:billing").owner == "team:billing"
    assert db.customer(ann.id).owner == "team:billing"
    assert db.set_customer_owner(ann, None).owner is None
    assert db.customer(ann.id).owner is None
    data = [e.data for e in db.journal() if e.op == "set_owner"]
    assert [(e.entity, e.entity_id) for e in db.journal() if e.op == "set_owner"] == \
        [("customer", ann.id)] * 3
    assert data == ['{"owner":"agent:alice","old_owner":null}',
                    '{"owner":"team:billing","old_owner":"agent:alice"}',
                    '{"owner":null,"old_owner":"team:billing"}']


def test_customer_list_and_count_by_owner(db, ann):
    bob = db.create_customer("Bob")
    cat = db.create_customer("Cat")
    db.create_customer("Dan")
    db.set_customer_owner(ann, "team:billing")
    db.set_customer_owner(cat, "team:billing")
    db.set_customer_owner(bob, "agent:alice")
    assert [c.id for c in db.customers(owner="team:billing")] == [ann.id, cat.id]
    assert db.count_customers(owner="team:billing") == 2
    assert [c.id for c in db.customers(owner="agent:alice")] == [bob.id]
    assert db.count_customers(owner="agent:alice") == 1
    assert list(db.customers(owner="team:nobody")) == []
    assert db.count_customers(owner="team:nobody") == 0
    assert db.count_customers(owner=None) == db.count_customers() == 4
    assert [c.name for c in db.customers(owner="team:billing", order="name")] == \
        ["Ann Example", "Cat"]
    db.archive_customer(cat)
    assert [c.id for c in db.customers(owner="team:billing")] == [ann.id]
    assert db.count_customers(owner="team:billing", archived=True) == 2
    for bad in ("", "x" * (ll.CRM_ACTOR_MAX + 1), "team:\x01", " team"):
        with pytest.raises(crm.InvalidArgument) as e:
            db.customers(owner=bad)
        assert e.value.message.startswith("filter owner")
        with pytest.raises(crm.InvalidArgument):
            db.count_customers(owner=bad)
    with pytest.raises(TypeError):
        db.customers(owner=42)


def test_customer_owner_refused(db, ann):
    longest = "x" * ll.CRM_ACTOR_MAX
    assert db.set_customer_owner(ann, longest).owner == longest
    db.set_customer_owner(ann, "agent:alice")
    before = db.customer(ann.id), db.last_seq
    for bad in ("", "x" * (ll.CRM_ACTOR_MAX + 1), "agent:\x07bob", "agent:bob\n", " agent:bob"):
        with pytest.raises(crm.InvalidArgument) as e:
            db.set_customer_owner(ann, bad)
        assert e.value.code == crm.EINVAL and "owner" in e.value.message
        assert (db.customer(ann.id), db.last_seq) == before
    with pytest.raises(crm.NotFound) as e:
        db.set_customer_owner(MISSING, "agent:bob")
    assert MISSING in e.value.message
    with pytest.raises(crm.InvalidArgument):
        db.set_customer_owner("not-an-id", "agent:bob")
    with pytest.raises(TypeError):
        db.set_customer_owner(ann, 7)
    assert (db.customer(ann.id), db.last_seq) == before


def test_customer_errors(db):
    with pytest.raises(crm.NotFound) as e:
        db.customer(MISSING)
    assert e.value.code == crm.ENOTFOUND
    assert MISSING in str(e.value)
    assert isinstance(e.value, crm.DatabaseError) and isinstance(e.value, crm.Error)
    with pytest.raises(crm.InvalidArgument) as e:
        db.customer("not-an-id")
    assert e.value.name == "EINVAL" and "not-an-id" in e.value.message
    with pytest.raises(crm.InvalidArgument):
        db.create_customer("")
    with pytest.raises(crm.InvalidArgument):
        db.create_customer(" padded ")
    with pytest.raises(crm.InvalidArgument):
        db.create_customer("x" * 300)
    with pytest.raises(crm.InvalidArgument):
        db.create_customer("A", kind="robot")
    with pytest.raises(crm.NotFound):
        db.rename_customer(MISSING, "B")


def test_wrong_types_raise_typeerror(db):
    for bad in (42, b"Ann", ["Ann"]):
        with pytest.raises(TypeError):
            db.create_customer(bad)
    with pytest.raises(crm.InvalidArgument):  # None is C's NULL: libcrm refuses it
        db.create_customer(None)
    with pytest.raises(TypeError):
        db.customer(12)
    with pytest.raises(TypeError):
        db.journal("0")
    with pytest.raises(TypeError):
        ll.crm_customer_get(db._h, 12)


def test_invalid_utf8_rejected(db):
    # bytes are not str: refused before reaching C
    with pytest.raises(TypeError):
        db.create_customer(b"\xff\xfe")
    # a str that cannot be UTF-8 (a lone surrogate, as from surrogateescape)
    with pytest.raises(crm.InvalidArgument, match=r"name: not valid UTF-8 text: "
                       r"a lone surrogate \(U\+DCFF\) at index 4"):
        db.create_customer("bad \udcff name")
    ann = db.create_customer("Ann")
    with pytest.raises(crm.InvalidArgument, match="lone surrogate"):
        db.set_attr(ann, "note", "\ud800")
    with pytest.raises(crm.InvalidArgument, match="lone surrogate"):
        crm.open("/tmp/x\udcff.crm")
    assert [c.name for c in db.customers()] == ["Ann"] and db.attrs(ann) == {}


def test_unicode_round_trip(db):
    c = db.create_customer("Zoë Ångström 山田")
    assert db.customer(c.id).name == "Zoë Ångström 山田"


def test_customer_list_filters_and_paging(db):
    ids = [db.create_customer(n).id for n in ("carol", "Alice", "bob")]
    db.create_customer("Org", kind="org")
    assert [c.name for c in db.customers(order="name", kind="person")] == ["Alice", "bob", "carol"]
    assert [c.name for c in db.customers(name_prefix="B")] == ["bob"]
    first = list(db.customers(limit=2))
    assert [c.id for c in first] == ids[:2]
    rest = list(db.customers(after=first[-1], kind="person"))
    assert [c.id for c in rest] == ids[2:]
    db.add_tag(ids[0], "vip")
    assert [c.id for c in db.customers(tag="vip")] == [ids[0]]
    with pytest.raises(crm.InvalidArgument):
        db.customers(order="random")
    with pytest.raises(crm.InvalidArgument):
        db.customers(limit=-1)
    with pytest.raises(crm.NotFound):
        list(db.customers(after=MISSING))


def test_customer_list_created_window(db):
    a = db.create_customer("A")
    since = a.created_at
    assert [c.id for c in db.customers(created_from=since)] == [a.id]
    assert list(db.customers(created_to=since)) == []
    ms = (since - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)
    assert [c.id for c in db.customers(created_from=ms)] == [a.id]
    with pytest.raises(crm.InvalidArgument) as e:
        db.customers(created_from=dt.datetime(2020, 1, 1))
    assert "naive" in str(e.value)
    with pytest.raises(TypeError):
        db.customers(created_from="yesterday")


def test_cursor_iterator_protocol(db):
    for n in "abc":
        db.create_customer(n)
    it = db.customers()
    assert iter(it) is it
    assert next(it).name == "a"
    it.close()
    with pytest.raises(StopIteration):
        next(it)
    it.close()
    it = db.customers()
    assert [c.name for c in it] == ["a", "b", "c"]
    assert it._h is None  # freed when exhausted
    with db.customers() as it:
        next(it)
    assert it._h is None
    # garbage-collected cursors free theirs; then the database closes fine
    for _ in range(50):
        next(db.customers())
    gc.collect()
    assert len(db._cursors) == 0


def test_attrs_and_tags(db, ann):
    db.set_attr(ann, "plan", "gold")
    db.set_attr(ann.id, "note", "Zoë")
    assert db.attr(ann, "plan") == "gold"
    assert db.attrs(ann) == {"note": "Zoë", "plan": "gold"}
    db.unset_attr(ann, "plan")
    with pytest.raises(crm.NotFound):
        db.attr(ann, "plan")
    with pytest.raises(crm.InvalidArgument):
        db.set_attr(ann, "bad key!", "x")
    db.add_tag(ann, "vip")
    db.add_tag(ann, "beta")
    with pytest.raises(crm.Conflict) as e:
        db.add_tag(ann, "vip")
    assert isinstance(e.value, crm.IntegrityError) and e.value.code == crm.EEXISTS
    assert db.tags(ann) == ["beta", "vip"]
    db.remove_tag(ann, "beta")
    assert db.tags(ann) == ["vip"]


def test_identities(db, ann):
    i = db.add_identity(ann, "phone", "(415) 555-0100", primary=True)
    assert (i.kind, i.key, i.value, i.customer_id) == ("phone", "+14155550100", "(415) 555-0100", ann.id)
    assert i.primary and not i.verified
    assert db.lookup("phone", "+1 415 555 0100").id == ann.id
    assert db.identity(ann, "phone", "4155550100").key == "+14155550100"
    assert db.normalise("email", "Ann@Example.COM") == "ann@example.com"
    db.add_identity(ann, "email", "ann@example.com", verified=True)
    assert sorted(x.kind for x in db.identities(ann)) == ["email", "phone"]
    bob = db.create_customer("Bob")
    with pytest.raises(crm.Conflict) as e:
        db.add_identity(bob, "phone", "+14155550100")
    assert e.value.conflict_id == ann.id
    with pytest.raises(crm.InvalidArgument):
        db.add_identity(bob, "email", "not an address")
    with pytest.raises(crm.InvalidArgument):
        db.normalise("phone", "call me")
    db.remove_identity(ann, "phone", "415-555-0100")
    with pytest.raises(crm.NotFound):
        db.lookup("phone", "+14155550100")
    with pytest.raises(crm.NotFound):
        db.remove_identity(ann, "phone", "+14155550100")


def test_shared_identities(db, ann):
    bob = db.create_customer("Bob")
    cy = db.create_customer("Cy")
    i = db.add_identity(ann, "phone", "(415) 555-0100", primary=True, shared=True)
    assert i.shared and i.primary and i.flags == crm._ll.CRM_IDENTITY_SHARED | 1
    assert db.lookup("phone", "+14155550100").id == ann.id
    db.add_identity(bob, "phone", "+1 415 555 0100", shared=True)
    with pytest.raises(crm.Ambiguous) as e:
        db.lookup("phone", "4155550100")
    assert isinstance(e.value, crm.ProgrammingError) and e.value.code == crm.EAMBIGUOUS
    assert e.value.name == "EAMBIGUOUS" and "2 customers" in e.value.message
    assert [c.name for c in db.holders("phone", "415.555.0100")] == ["Ann Example", "Bob"]
    assert list(db.holders("phone", "+14155550199")) == []
    with pytest.raises(crm.Conflict) as e:
        db.add_identity(cy, "phone", "+14155550100")
    assert e.value.conflict_id == ann.id
    with pytest.raises(crm.Conflict) as e:
        db.set_identity_flags(ann, "phone", "+14155550100", primary=True)
    assert e.value.conflict_id == bob.id
    assert db.identity(ann, "phone", "+14155550100").shared
    assert not db.identity(bob, "phone", "+14155550100").primary
    with pytest.raises(crm.NotFound):
        db.identity(cy, "phone", "+14155550100")
    db.remove_identity(bob, "phone", "+14155550100")
    assert db.lookup("phone", "+14155550100").id == ann.id


def test_resolve(db, ann):
    bob = db.create_customer("Bob")
    db.add_identity(ann, "phone", "+1 415 555 0100")
    db.add_identity(ann, "email", "ann@example.com")
    db.add_identity(bob, "account", "4155550100")
    db.add_identity(bob, "social", "twitter:@bob")
    assert db.resolve("ANN@example.com").id == ann.id
    assert db.resolve("+1 (415) 555-0100").id == ann.id
    assert db.resolve("twitter:Bob").id == bob.id
    assert db.resolve(bob.id.upper()).id == bob.id
    with pytest.raises(crm.Ambiguous) as e:
        db.resolve("4155550100")
    assert "names 2 customers" in str(e.value)
    assert [c.id for c in db.resolve_all("4155550100")] == [ann.id, bob.id]
    with pytest.raises(crm.NotFound) as e:
        db.resolve("nobody@example.com")
    assert "tried email, account, loyalty" in str(e.value)
    assert list(db.resolve_all("nobody@example.com")) == []
    for bad in ("", "   ", "x" * 257, "a\tb"):
        with pytest.raises(crm.InvalidArgument):
            db.resolve(bad)
        with pytest.raises(crm.InvalidArgument):
            db.resolve_all(bad)
    with pytest.raises(crm.InvalidArgument):
        db.resolve(None)
    with pytest.raises(TypeError):
        db.resolve(42)


def test_journal(db, ann):
    db.rename_customer(ann, "Ann B")
    entries = list(db.journal())
    assert [(e.entity, e.op) for e in entries] == [("customer", "create"), ("customer", "rename")]
    assert entries[0].actor == "agent:test"
    assert entries[0].entity_id == ann.id
    assert entries[1].at.tzinfo is not None
    assert '"name"' in entries[1].data
    assert db.last_seq == entries[-1].seq
    assert [e.op for e in db.journal(since=entries[0].seq)] == ["rename"]
    assert list(db.journal(since=db.last_seq)) == []
    with pytest.raises(crm.InvalidArgument):
        db.journal(since=-1)


def test_file_errors(path, tmp_path):
    with pytest.raises(crm.IOError) as e:
        crm.open(str(tmp_path / "missing.crm"), create=False)
    assert isinstance(e.value, crm.OperationalError) and e.value.code == crm.EIO
    junk = tmp_path / "junk.crm"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(crm.NotCrm) as e:
        crm.open(str(junk))
    assert e.value.code == crm.ENOTCRM


def test_readonly(path):
    with crm.open(path) as db:
        db.create_customer("A")
    with crm.open(path, readonly=True) as ro:
        assert [c.name for c in ro.customers()] == ["A"]
        with pytest.raises(crm.ReadOnly) as e:
            ro.create_customer("B")
        assert isinstance(e.value, crm.OperationalError)


def test_schema_too_new(path):
    import sqlite3
    crm.open(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 9999")
    con.commit()
    con.close()
    with pytest.raises(crm.SchemaTooNew) as e:
        crm.open(path)
    assert isinstance(e.value, crm.NotSupportedError) and e.value.code == crm.ESCHEMA


def test_busy(path):
    with crm.open(path) as a, crm.open(path, busy_timeout=0) as b:
        a.begin()
        a.create_customer("A")
        with pytest.raises(crm.Busy) as e:
            b.create_customer("B")
        assert isinstance(e.value, crm.OperationalError) and e.value.code == crm.EBUSY
        a.commit()
        b.create_customer("B")


def test_every_code_has_a_class():
    tree = {
        crm.ERROR: (crm.InternalError, crm.DatabaseError),
        crm.ENOTFOUND: (crm.NotFound, crm.DatabaseError),
        crm.EEXISTS: (crm.Conflict, crm.IntegrityError),
        crm.EINVAL: (crm.InvalidArgument, crm.DataError),
        crm.ESTATE: (crm.StateError, crm.IntegrityError),
        crm.EBUSY: (crm.Busy, crm.OperationalError),
        crm.EIO: (crm.IOError, crm.OperationalError),
        crm.ECORRUPT: (crm.Corrupt, crm.DatabaseError),
        crm.ENOMEM: (crm.NoMemory, crm.OperationalError),
        crm.ESCHEMA: (crm.SchemaTooNew, crm.NotSupportedError),
        crm.ENOTCRM: (crm.NotCrm, crm.DatabaseError),
        crm.EMISUSE: (crm.Misuse, crm.InterfaceError),
        crm.EREADONLY: (crm.ReadOnly, crm.OperationalError),
        crm.EAMBIGUOUS: (crm.Ambiguous, crm.ProgrammingError),
    }
    assert set(tree) == set(crm._ERRORS)
    for code, (cls, base) in tree.items():
        assert crm._ERRORS[code] is cls
        assert issubclass(cls, base) and issubclass(cls, crm.Error)
        e = cls(code, "msg")
        assert (e.code, e.message, str(e), e.name) == (code, "msg", "msg", ll.crm_errname(code))
    assert crm.Exists is crm.Conflict


def test_exit_with_open_cursor_and_database():
    """Interpreter shutdown with a database and unfinished cursors left open."""
    import os
    import subprocess
    import sys
    code = ("import crm\n"
            "db = crm.open(':memory:')\n"
            "[db.create_customer(n) for n in 'abc']\n"
            "it = db.customers(); next(it)\n"
            "jt = db.journal(); next(jt)\n"
            "db2 = crm.open(':memory:')\n")
    r = subprocess.run([sys.executable, "-c", code], env=os.environ, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "leak" not in r.stderr, r.stderr
