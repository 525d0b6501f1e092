"""Records are copied out of libcrm in one call (the binding's _* calls,
bindings/crm.i), by builders made from the table of fields
(bindings/records.py): each field must be what the record's accessors give,
with the package's conversions (times as aware datetimes, None for no time;
flags as bools; an int's "not set" value as None). Every record type is
read here both ways and compared field by field, through every call that
returns one, the expected values read from the accessors the table names;
and the public constructors, which take a low-level record, agree."""
import datetime as dt
import importlib.util
import pathlib

import pytest

import crm
from crm import _lowlevel as ll

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_table():
    spec = importlib.util.spec_from_file_location("records", ROOT / "bindings" / "records.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    return table


T = load_table()
CLASSES = {getattr(crm, r.python_class): r for r in T.RECORDS if r.python_class}


def from_ms(ms):
    return None if ms == crm._TIME_NONE else EPOCH + dt.timedelta(milliseconds=ms)


def constant(name):
    return int(name) if name.lstrip("-").isdigit() else getattr(ll, name)


def expected(rec, low):
    """What each field is, read through the accessors the table names (a
    low-level record in, the fields as the package gives them out)."""
    want = {}
    for f in rec.fields_of("python"):
        read = [getattr(ll, a) for a in f.accessors(rec)]
        args = [crm._TIME_NONE if a == T.NOW else constant(a) for a in f.args]
        if f.kind == T.DATE:
            y, m, d = (r(low) for r in read)
            want[f.name] = dt.date(y, m, d) if y > 0 else None
            continue
        v = read[0](low, *args)
        if f.kind == T.WORD:
            v = getattr(ll, f.names)(v)
            if f.python_type:
                v = getattr(crm, f.python_type)(v)
        elif f.kind == T.TIME:
            v = from_ms(v)
        elif f.kind == T.BOOL:
            v = bool(v)
        elif f.kind == T.FLAG:
            v = bool(v & constant(f.bit))
        elif f.kind == T.OPT_INT:
            v = None if v == constant(f.none) else v
        want[f.name] = v
    return want


def test_the_kinds_are_all_checked():
    assert {f.kind for r in T.RECORDS for f in r.fields_of("python")} == set(T.KINDS)


def same(record, low):
    """record (from the package) has, field by field, what the accessors of
    the low-level record give; and the constructor from it makes an equal
    record."""
    cls = type(record)
    want = expected(CLASSES[cls], low)
    assert set(want) == set(cls.__slots__)
    got = {k: getattr(record, k) for k in cls.__slots__}
    assert got == want
    for k, v in want.items():  # same types too (True is not 1, a datetime is aware UTC)
        assert type(got[k]) is type(v), k
        if isinstance(v, dt.datetime):
            assert got[k].tzinfo is UTC, k
    assert cls(low) == record
    if cls is crm.Promise:
        assert record.state is crm.PromiseState(record.state.value)


def lockstep(records, cursor, nxt):
    """Each record of a package cursor against the low-level record a
    low-level cursor over the same rows lends at the same step (valid until
    its next call); both end together. Returns the records."""
    got = []
    for r in records:
        same(r, nxt(cursor))
        got.append(r)
    assert nxt(cursor) is None
    return got


@pytest.fixture
def full(db):
    """A database with one of every record, with optional fields set and not."""
    ann = db.create_customer("Ann Zoë 山田")
    org = db.create_customer("Acme", kind="organisation")
    db.archive_customer(org)
    db.set_customer_owner(ann, "team:billing")
    db.add_member(org, ann, "billing contact")
    db.add_identity(ann, "phone", "(415) 555-0100", primary=True)
    db.add_identity(ann, "email", "ann@example.com", verified=True)
    db.set_attr(ann, "plan", "gold")
    a = db.log(ann, "phone", "in", occurred_at=1_767_268_800_000, handled_by="agent:alice",
               reason="billing.refund", outcome="resolved", public=True, sentiment=-2,
               summary="Charged twice", body="line 1\nline 2", external_ref="call-1")
    db.log(ann, "email", "out", reply_to=a.id, sentiment=0)
    # made during the call, renegotiated an hour later
    p = db.promise(ann, "Refund", 1_767_268_800_000 + 86_400_000, owner="agent:alice",
                   interaction_id=a.id, at=1_767_268_800_000)
    db.renegotiate(p.id, 1_767_268_800_000 + 2 * 86_400_000, "asked", customer_agreed=True,
                   at=1_767_268_800_000 + 3_600_000)
    db.keep(p.id, interaction_id=a.id, note="done")
    db.promise(ann, "Call back", 10**12, owner="agent:bob", at=10**12 - 86_400_000)
    db.add_occasion(ann, "birthday", month=3, day=4, lead_days=7, note="cake")
    db.add_occasion(ann, "renewal", month=12, day=31, year=2030, yearly=False)
    return db, ann, org, a, p


def test_customers(full):
    db, ann, org, _, _ = full
    h = db._h
    for c in (ann, org):
        low = ll.crm_customer_get(h, c.id)
        same(db.customer(c.id), low)
    same(db.lookup("phone", "+14155550100"), ll.crm_identity_lookup(h, "phone", "+14155550100"))
    same(db.resolve("ann@example.com"), ll.crm_customer_resolve(h, "ann@example.com"))
    cur = ll.crm_customer_resolve_open(h, "4155550100")
    assert len(lockstep(db.resolve_all("4155550100"), cur, ll.crm_customer_cursor_next)) == 1
    cur = ll.crm_customer_holders_open(h, "email", "ann@example.com")
    assert len(lockstep(db.holders("email", "ann@example.com"), cur,
                        ll.crm_customer_cursor_next)) == 1
    none = crm._TIME_NONE
    cur = ll.crm_swig_customer_list_open(h, 0, None, None, ll.CRM_ARCHIVED_INCLUDE, none, none, None,
                                         0, ll.CRM_ORDER_CREATED, None)
    assert len(lockstep(db.customers(archived=True), cur, ll.crm_customer_cursor_next)) == 2
    cur = ll.crm_swig_customer_list_open(h, 0, None, None, ll.CRM_ARCHIVED_INCLUDE, none, none, None,
                                         0, ll.CRM_ORDER_CREATED, "team:billing")
    assert len(lockstep(db.customers(archived=True, owner="team:billing"), cur,
                        ll.crm_customer_cursor_next)) == 1


def test_identities(full):
    db, ann, _, _, _ = full
    h = db._h
    for kind, value in (("phone", "+1 415 555 0100"), ("email", "ANN@example.com")):
        same(db.identity(ann, kind, value), ll.crm_identity_get(h, ann.id, kind, value))
    cur = ll.crm_identity_list_open(h, ann.id)
    assert len(lockstep(db.identities(ann), cur, ll.crm_identity_cursor_next)) == 2
    i = db.add_identity(ann, "email", "ann@work.example", primary=True, verified=True,
                        shared=True)
    same(i, ll.crm_identity_get(h, ann.id, "email", "ann@work.example"))
    assert i.shared


def test_journal(full):
    db = full[0]
    cur = ll.crm_journal_entry_list_open(db._h, 0)
    assert len(lockstep(db.journal(), cur, ll.crm_journal_entry_cursor_next)) > 10


def test_interactions(full):
    db, ann, _, a, _ = full
    h = db._h
    none = crm._TIME_NONE
    cur = ll.crm_swig_timeline_open(h, ann.id, 0, none, none, None, 0, 0, 0, None, 0, None)
    got = lockstep(db.timeline(ann), cur, ll.crm_interaction_cursor_next)
    assert len(got) == 2
    for r in got:
        same(db.interaction(r.id), ll.crm_interaction_get(h, r.id))
    same(db.interaction_by_ref("phone", "call-1"),
         ll.crm_interaction_get_by_ref(h, ll.CRM_CHANNEL_PHONE, "call-1"))
    same(a, ll.crm_interaction_get(h, a.id))
    cur = ll.crm_swig_thread_open(h, a.id, 0, none, none, None, 0, 0, 0, None, 0, None)
    assert len(lockstep(db.thread(a.id), cur, ll.crm_interaction_cursor_next)) == 2
    wa = db.log(ann, "whatsapp", reply_to=a, external_ref="wa-1")
    same(wa, ll.crm_interaction_get(h, wa.id))
    same(db.interaction_by_ref("whatsapp", "wa-1"),
         ll.crm_interaction_get_by_ref_named(h, "whatsapp", "wa-1"))
    cur = ll.crm_swig_thread_open(h, a.id, 0, none, none, None, 0, 0, 0, None, 0, ["whatsapp"])
    assert lockstep(db.thread(a, channels="whatsapp"), cur, ll.crm_interaction_cursor_next) == [wa]


def test_promises(full):
    db, ann, _, _, p = full
    h = db._h
    none = crm._TIME_NONE
    cur = ll.crm_swig_promise_list_open(h, ann.id, None, 0, none, none, None, 0)
    got = lockstep(db.promises(customer_id=ann), cur, ll.crm_promise_cursor_next)
    assert len(got) == 2
    for r in got:
        same(db.get_promise(r.id), ll.crm_promise_get(h, r.id))
    cur = ll.crm_promise_event_list_open(h, p.id)
    events = lockstep(db.promise_history(p.id), cur, ll.crm_promise_event_cursor_next)
    assert [e.kind for e in events] == ["made", "renegotiated", "kept"]
    q = db.promise(ann, "Later", 2 * 10**12, owner="agent:c")
    same(q, ll.crm_promise_get(h, q.id))


def test_occasions_and_members(full):
    db, ann, org, _, _ = full
    h = db._h
    cur = ll.crm_occasion_list_open(h, ann.id)
    assert len(lockstep(db.occasions(ann), cur, ll.crm_occasion_cursor_next)) == 2
    cur = ll.crm_occasion_upcoming_open(h, 2026, 1, 1, 5 * 365)
    got = lockstep(db.upcoming(dt.date(2026, 1, 1), 5 * 365), cur, ll.crm_occasion_cursor_next)
    assert len(got) > 2 and all(r.next_date is not None for r in got)
    o = db.add_occasion(ann, "anniversary", month=2, day=29, lead_days=1)
    same(o, ll.crm_occasion_get(h, o.id))
    for who in (org, ann):
        cur = ll.crm_member_list_open(h, who.id)
        assert len(lockstep(db.members(who), cur, ll.crm_member_cursor_next)) == 1


def test_agenda_items(full):
    db, ann, _, _, _ = full
    h = db._h
    as_of = 1_772_280_000_000  # 2026-02-28T12:00Z: the birthday on 4 March has surfaced
    db.log(ann, "social", occurred_at=as_of - 3_600_000, public=True)
    heads = (ll.CRM_AGENDA_HEAD_START_OVERDUE, ll.CRM_AGENDA_HEAD_START_DUE,
             ll.CRM_AGENDA_HEAD_START_CONTACT, ll.CRM_AGENDA_HEAD_START_OCCASION)
    cur = ll.crm_swig_agenda_open(h, None, as_of, 0, 0, *heads, 0)
    got = lockstep(db.agenda(as_of=as_of), cur, ll.crm_agenda_item_cursor_next)
    assert [r.kind for r in got] == ["promise_overdue", "contact_waiting", "occasion"]
    cur = ll.crm_swig_agenda_open(h, "team:billing", as_of, 0, 0, *heads, 0)
    assert len(lockstep(db.agenda("team:billing", as_of=as_of), cur,
                        ll.crm_agenda_item_cursor_next)) == 3


def test_attrs_are_pairs(full):
    db, ann = full[0], full[1]
    db.set_attr(ann, "note", "Zoë")
    assert db.attrs(ann) == {"note": "Zoë", "plan": "gold"}
    cur = ll.crm_attr_list_open(db._h, ann.id)
    rows = []
    while (row := ll._attr_list_next(cur)) is not None:
        rows.append(row)
    assert rows == [("note", "Zoë"), ("plan", "gold")]


def test_changed_records_are_read_as_the_accessors_give(full):
    """What the methods that change a record return is the record read
    again: the same fields as a fresh read."""
    db, ann, org, a, _ = full
    h = db._h
    same(db.rename_customer(ann, "Ann B"), ll.crm_customer_get(h, ann.id))
    same(db.unarchive_customer(org), ll.crm_customer_get(h, org.id))
    same(db.set_customer_owner(org, "agent:alice"), ll.crm_customer_get(h, org.id))
    same(db.set_customer_owner(ann, None), ll.crm_customer_get(h, ann.id))
    same(db.set_identity_flags(ann, "email", "ann@example.com", primary=True, shared=True),
         ll.crm_identity_get(h, ann.id, "email", "ann@example.com"))
    same(db.set_outcome(a, "escalated"), ll.crm_interaction_get(h, a.id))
    same(db.set_public(a, False), ll.crm_interaction_get(h, a.id))
    q = db.promise(ann, "Later", 2 * 10**12, owner="agent:c")
    same(db.renegotiate(q, 3 * 10**12, "asked"), ll.crm_promise_get(h, q.id))
    same(db.release(q, "not needed"), ll.crm_promise_get(h, q.id))


@pytest.mark.parametrize("ms", [crm.TIME_MIN, -86_400_001, -1, 0, 1, 999, 1000, 59_999,
                                86_399_999, 86_400_000,
                                951_782_400_000, 951_868_799_999, 1_767_225_599_999,
                                4_102_444_800_000, 253_402_300_799_999])
def test_times_are_epoch_plus_timedelta(db, ann, ms):
    """Times are built in C from their fields: the same datetime as the
    package's EPOCH + timedelta, at every edge of a day, leap day, century
    and datetime's range, 1970-01-01T00:00Z included. Made at the first
    time libcrm keeps: a due time cannot be before the promise was made."""
    p = db.promise(ann, "x", ms, owner="agent:a", at=crm.TIME_MIN)
    assert p.due_at == from_ms(ms)
    assert p.due_at.tzinfo is UTC
    assert db.get_promise(p.id).due_at == from_ms(ms)


@pytest.mark.parametrize("ms", [crm.TIME_MAX + 1, 10**15, 2**63 - 1, 2**63, 2**70,
                                crm.TIME_MIN - 1, -(2**63), -(2**80)])
def test_times_libcrm_does_not_keep_are_refused_before_writing(db, ann, ms):
    """One range for every time: what datetime can show, refused as
    crm.InvalidArgument before anything is written (a time the database
    took and Python then could not read made a retry duplicate the row)."""
    seq = db.last_seq
    with pytest.raises(crm.InvalidArgument, match="0001-01-01 to 9999-12-31"):
        db.promise(ann, "x", ms, owner="agent:a")
    with pytest.raises(crm.InvalidArgument, match="occurred_at"):
        db.log(ann, "phone", occurred_at=ms)
    with pytest.raises(crm.InvalidArgument):
        list(db.timeline(ann, from_=ms))
    assert db.last_seq == seq


def test_far_times_an_older_file_holds_are_read(tmp_path):
    """A file written before libcrm kept times in range may hold one far
    outside it: every read still works, and shows the nearest end of the
    range rather than fail."""
    import sqlite3
    path = str(tmp_path / "old.crm")
    with crm.open(path) as db:
        ann = db.create_customer("Ann")
        call = db.log(ann, "phone")
        p = db.promise(ann, "x", 5000, owner="agent:a", at=0)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE interaction SET occurred_at = ?", (2**63 - 1,))
    raw.execute("UPDATE promise SET due_at = ?", (-(2**63) + 1,))
    raw.commit()
    raw.close()
    with crm.open(path) as db:
        assert [i.occurred_at for i in db.timeline(ann)] == [dt.datetime.max.replace(
            tzinfo=UTC, microsecond=999000)]
        assert db.interaction(call.id).occurred_at.year == 9999
        assert [q.due_at for q in db.promises()] == [dt.datetime.min.replace(tzinfo=UTC)]
        assert db.get_promise(p.id).due_at.year == 1


def test_text_arguments_are_checked_as_swig_checks_them(db):
    """str and None in; anything else is a TypeError naming the call and
    argument (SWIG's words); a str with no UTF-8 form is crm.InvalidArgument
    naming the argument."""
    h = db._h
    with pytest.raises(TypeError, match=r"in method 'crm_customer_get', argument 3 of type "
                                        r"'char const \*'"):
        ll.crm_customer_get(h, b"0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
    with pytest.raises(crm.InvalidArgument, match="name: not valid UTF-8 text"):
        ll.crm_customer_create(h, 1, "bad \udcff name")
    with pytest.raises(crm.InvalidArgument):
        ll.crm_customer_create(h, 1, None)
    assert ll.crm_identity_normalise(h, "email", "Zoë@Example.COM") == "zoë@example.com"


def test_1970_is_a_time_like_any_other(db, ann):
    """occurred_at=0 is 1970-01-01T00:00Z, not "now"; None is now."""
    it = db.log(ann, "letter", occurred_at=0)
    assert it.occurred_at == EPOCH
    assert db.interaction(it.id).occurred_at == EPOCH
    early = db.log(ann, "letter", occurred_at=dt.datetime(1969, 7, 20, 20, 17, tzinfo=UTC))
    assert early.occurred_at == dt.datetime(1969, 7, 20, 20, 17, tzinfo=UTC)
    now = db.log(ann, "letter")
    assert now.occurred_at.year >= 2026
    assert [i.id for i in db.timeline(ann, to=1)] == [it.id, early.id]


def test_a_long_path_gives_a_whole_message(tmp_path):
    """A message cut to its room ends between characters: the error is
    crm.IOError, not a UnicodeDecodeError."""
    for pad in range(3):
        path = str(tmp_path / ("x" * pad + "é" * 1900) / "shop.crm")
        with pytest.raises(crm.IOError) as e:
            crm.open(path, create=False)
        assert str(e.value).endswith("...")
