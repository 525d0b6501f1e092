"""Arguments, as docs/python.md's "Arguments" section says: a wrong type
raises TypeError; a value of the right type that is refused (out of range,
an unknown name, text holding a NUL) raises crm.InvalidArgument, never
OverflowError, ValueError or SystemError; a refused call changes nothing.
Every call naming a customer, interaction, promise or occasion takes the
record as well as its id.

The classes (NUL anywhere in any text argument of any call; any int far
outside its range) are tried with Hypothesis over a table of every public
call (CALLS), which test_every_public_call_is_in_the_table keeps complete."""
import inspect
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crm

DUE = 1_900_000_000_000
FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


class World:
    """One database with one of each record, shared by the examples of a
    test: every call tried on it is refused, so it never changes."""

    def __init__(self, db):
        self.db = db
        self.ann = db.create_customer("Ann Example")
        self.org = db.create_customer("Acme", kind="organisation")
        self.bob = db.create_customer("Bob Example")
        db.add_member(self.org, self.ann, "billing")
        db.archive_customer(self.org)
        db.add_identity(self.ann, "phone", "+14155550100")
        db.set_attr(self.ann, "plan", "gold")
        db.add_tag(self.ann, "vip")
        self.it = db.log(self.ann, "phone", external_ref="call-1")
        self.p = db.promise(self.ann, "Call back", DUE, owner="agent:a")
        self.o = db.add_occasion(self.ann, "birthday", month=3, day=4)

    def state(self):
        db = self.db
        return db.last_seq, sum(1 for _ in db.customers(archived=True))


@pytest.fixture
def world(db):
    return World(db)


# Every public call that takes arguments: (name, base arguments, text
# arguments, int arguments with the values allowed). The base arguments
# are valid, so that what is changed is the only thing wrong.
def CALLS(w):
    a, i, p, o = w.ann.id, w.it.id, w.p.id, w.o.id
    return [
        ("create_customer", dict(name="Bo", kind="person"), ("name", "kind"), {}),
        ("customer", dict(id=a), ("id",), {}),
        ("get_customer", dict(id=a), ("id",), {}),
        ("rename_customer", dict(id=a, name="Ann B"), ("id", "name"), {}),
        ("archive_customer", dict(id=a), ("id",), {}),
        ("unarchive_customer", dict(id=w.org.id), ("id",), {}),
        ("set_customer_owner", dict(id=a, owner="team:billing"), ("id", "owner"), {}),
        ("customers", dict(kind="person", tag="vip", name_prefix="A", archived="include",
                           after=a, order="name", limit=5, owner="agent:a"),
         ("kind", "tag", "name_prefix", "archived", "after", "order", "owner"),
         {"limit": (0, 2**32 - 1)}),
        ("set_attr", dict(id=a, key="plan", value="silver"), ("id", "key", "value"), {}),
        ("attr", dict(id=a, key="plan"), ("id", "key"), {}),
        ("unset_attr", dict(id=a, key="plan"), ("id", "key"), {}),
        ("attrs", dict(id=a), ("id",), {}),
        ("verify", dict(customer_id=a, key="plan", answer="gold"),
         ("customer_id", "key", "answer"), {}),
        ("expand_id", dict(record="customer", prefix=a), ("record", "prefix"), {}),
        ("add_tag", dict(id=a, tag="new"), ("id", "tag"), {}),
        ("remove_tag", dict(id=a, tag="vip"), ("id", "tag"), {}),
        ("tags", dict(id=a), ("id",), {}),
        ("add_member", dict(org_id=w.org.id, person_id=w.bob.id, role="billing"),
         ("org_id", "person_id", "role"), {}),
        ("remove_member", dict(org_id=w.org.id, person_id=a), ("org_id", "person_id"), {}),
        ("members", dict(id=a), ("id",), {}),
        ("set_identity_flags", dict(customer_id=a, kind="phone", value="+14155550100"),
         ("customer_id", "kind", "value"), {}),
        ("add_identity", dict(customer_id=a, kind="email", value="ann@example.com"),
         ("customer_id", "kind", "value"), {}),
        ("lookup", dict(kind="phone", value="+14155550100"), ("kind", "value"), {}),
        ("holders", dict(kind="phone", value="+14155550100"), ("kind", "value"), {}),
        ("identity", dict(customer_id=a, kind="phone", value="+14155550100"),
         ("customer_id", "kind", "value"), {}),
        ("remove_identity", dict(customer_id=a, kind="phone", value="+14155550100"),
         ("customer_id", "kind", "value"), {}),
        ("resolve", dict(text="+14155550100"), ("text",), {}),
        ("resolve_all", dict(text="+14155550100"), ("text",), {}),
        ("normalise", dict(kind="phone", value="+14155550100"), ("kind", "value"), {}),
        ("identities", dict(customer_id=a), ("customer_id",), {}),
        ("journal", dict(since=0), (), {"since": (0, 2**63 - 1)}),
        ("log", dict(customer_id=a, channel="email", direction="out", handled_by="agent:a",
                     reason="billing", outcome="resolved", sentiment=1, summary="Hi",
                     body="Hello", reply_to=i, external_ref="mail-9"),
         ("customer_id", "channel", "direction", "handled_by", "reason", "outcome", "summary",
          "body", "reply_to", "external_ref"), {"sentiment": (-2, 2)}),
        ("interaction", dict(id=i), ("id",), {}),
        ("interaction_by_ref", dict(channel="phone", external_ref="call-1"),
         ("channel", "external_ref"), {}),
        ("set_reason", dict(id=i, reason="billing"), ("id", "reason"), {}),
        ("set_summary", dict(id=i, summary="Hi"), ("id", "summary"), {}),
        ("set_outcome", dict(id=i, outcome="resolved"), ("id", "outcome"), {}),
        ("thread", dict(interaction_id=i, channels="phone", reason_prefix="b", direction="in",
                        outcomes="resolved", before=i, limit=5),
         ("interaction_id", "channels", "reason_prefix", "direction", "outcomes", "before"),
         {"limit": (0, 2**32 - 1)}),
        ("set_public", dict(id=i, public=True), ("id",), {}),
        ("count_customers", dict(kind="person", tag="vip", name_prefix="A", owner="agent:a"),
         ("kind", "tag", "name_prefix", "owner"), {}),
        ("timeline", dict(customer_id=a, channels="phone", reason_prefix="b", direction="in",
                          outcomes="resolved", before=i, limit=5),
         ("customer_id", "channels", "reason_prefix", "direction", "outcomes", "before"),
         {"limit": (0, 2**32 - 1)}),
        ("promise", dict(customer_id=a, what="Refund", due_at=DUE, owner="agent:a",
                         interaction_id=i),
         ("customer_id", "what", "owner", "interaction_id"), {}),
        ("make_promise", dict(customer_id=a, what="Refund", due_at=DUE, owner="agent:a"),
         ("customer_id", "what", "owner"), {}),
        ("get_promise", dict(id=p), ("id",), {}),
        ("keep", dict(id=p, interaction_id=i, note="done"), ("id", "interaction_id", "note"), {}),
        ("break_", dict(id=p, why="late"), ("id", "why"), {}),
        ("release", dict(id=p, note="no need"), ("id", "note"), {}),
        ("renegotiate", dict(id=p, new_due_at=DUE + 1, why="asked"), ("id", "why"), {}),
        ("promises", dict(customer_id=a, owner="agent:a", states="open", after=p, limit=5),
         ("customer_id", "owner", "states", "after"), {"limit": (0, 2**32 - 1)}),
        ("promise_history", dict(id=p), ("id",), {}),
        ("add_occasion", dict(customer_id=a, kind="renewal", month=5, day=6, year=2030,
                              lead_days=3, note="n"),
         ("customer_id", "kind", "note"),
         {"month": (1, 12), "day": (1, 31), "year": (1, 9999), "lead_days": (0, 366)}),
        ("remove_occasion", dict(id=o), ("id",), {}),
        ("occasions", dict(customer_id=a), ("customer_id",), {}),
        ("report", dict(name="reasons", channels="phone", owner="agent:a", depth=1,
                        repeat_days=3, handover_minutes=5, period="week"),
         ("name", "channels", "owner", "period"),
         {"depth": (0, 8), "repeat_days": (0, 3660), "handover_minutes": (0, 10080)}),
        ("agenda", dict(owner="agent:a", kinds="occasion", horizon=60000, head_start_due=5,
                        limit=5),
         ("owner", "kinds"),
         {"limit": (0, 2**32 - 1), "horizon": (0, 366 * 86400000),
          "head_start_due": (-3650 * 86400000, 3650 * 86400000)}),
        ("search", dict(query="ann", kinds="customer", customer_id=a, owner="agent:a",
                        limit=5, offset=0, mark_before="<", mark_after=">"),
         ("query", "kinds", "customer_id", "owner", "mark_before", "mark_after"),
         {"limit": (0, 2**32 - 1), "offset": (0, 2**32 - 1)}),
        ("delete_interaction", dict(id=i), ("id",), {}),
        ("grant_consent", dict(customer_id=a, purpose="marketing", channel="phone",
                               interaction_id=i, note="n"),
         ("customer_id", "purpose", "channel", "interaction_id", "note"), {}),
        ("withdraw_consent", dict(customer_id=a, purpose="marketing", channel="phone",
                                  interaction_id=i, note="n"),
         ("customer_id", "purpose", "channel", "interaction_id", "note"), {}),
        ("may_contact", dict(customer_id=a, purpose="marketing", channel="phone"),
         ("customer_id", "purpose", "channel"), {}),
        ("consent_decision", dict(customer_id=a, purpose="marketing", channel="phone"),
         ("customer_id", "purpose", "channel"), {}),
        ("consent_history", dict(customer_id=a, purpose="marketing", channel="phone"),
         ("customer_id", "purpose", "channel"), {}),
        ("export_customer", dict(id=a), ("id",), {}),
        ("erase_customer", dict(id=w.bob.id), ("id",), {}),
        ("duplicates", dict(customer_id=a, attribute_keys=["plan"], min_score=50,
                            archived="include", limit=5),
         ("customer_id", "archived"), {"min_score": (1, 100), "limit": (0, 2**32 - 1)}),
        ("merge", dict(keep_id=a, absorb_id=w.bob.id), ("keep_id", "absorb_id"), {}),
        ("import_csv", dict(text="name\nZed\n", on_error="skip"), ("text",), {}),
        ("import_vcard", dict(text="BEGIN:VCARD\nFN:Zed\nEND:VCARD\n"), ("text",), {}),
        ("import_jsonl", dict(text='{"format":"libcrm","version":1}\n'), ("text",), {}),
        ("export_csv", dict(path=None), ("path",), {}),
        ("export_vcard", dict(path=None), ("path",), {}),
        ("export_jsonl", dict(path=None), ("path",), {}),
    ]


# Calls with only times or no arguments: nothing here for them.
NOT_IN_TABLE = {"upcoming", "close", "begin", "commit", "rollback", "transaction"}
NOT_IN_TABLE |= {"purge", "erase_inactive", "drop_journal"}
# unmerge wants a merge made first, which the shared world never holds.
NOT_IN_TABLE |= {"unmerge"}


def call(w, name, kwargs):
    r = getattr(w.db, name)(**kwargs)
    if hasattr(r, "close"):
        r.close()
    return r


def test_every_public_call_is_in_the_table(world):
    table = {c[0]: c for c in CALLS(world)}
    public = {n for n, v in vars(crm.Database).items()
              if not n.startswith("_") and inspect.isfunction(v)}
    assert public - NOT_IN_TABLE == set(table), "add the call to CALLS"
    for name, kwargs, texts, ints in table.values():
        params = inspect.signature(getattr(crm.Database, name)).parameters
        assert set(kwargs) <= set(params), name
        assert set(texts) | set(ints) <= set(kwargs), name


def test_the_base_calls_are_valid(db):
    """Each base call succeeds (on a fresh world each), so a refusal below
    is the changed argument's doing."""
    names = [c[0] for c in CALLS(World(db))]
    db.close()
    for n in names:
        with crm.open(":memory:", default_country="US") as fresh:
            w = World(fresh)
            name, kwargs, _, _ = next(c for c in CALLS(w) if c[0] == n)
            call(w, name, kwargs)


# ---- text holding a NUL -------------------------------------------------

def with_nul(data, text):
    at = data.draw(st.integers(0, len(text)), label="NUL at")
    extra = data.draw(st.text(max_size=3), label="after the NUL")
    return text[:at] + "\x00" + extra + text[at:]


@FAST
@given(data=st.data())
def test_text_with_a_nul_is_refused_everywhere(world, data):
    calls = [c for c in CALLS(world) if c[2]]
    name, kwargs, texts, _ = data.draw(st.sampled_from(calls), label="call")
    arg = data.draw(st.sampled_from(texts), label="argument")
    base = kwargs[arg]
    kwargs = dict(kwargs, **{arg: with_nul(data, base if isinstance(base, str) else "x")})
    before = world.state()
    with pytest.raises(crm.InvalidArgument) as e:
        call(world, name, kwargs)
    # named: by the argument, or by a name parse's own ("name") for the
    # names libcrm parses; the package's own tables show the value
    message = e.value.message
    assert message.startswith((arg + ":", "name:")), message
    assert "NUL" in message or repr("\x00")[1:-1] in message, message
    assert world.state() == before


@FAST
@given(data=st.data())
def test_open_refuses_a_nul(tmp_path, data):
    arg = data.draw(st.sampled_from(["path", "actor", "default_country", "durability"]))
    base = dict(path=str(tmp_path / "n.crm"), actor="agent:a", default_country="US",
                durability="full")
    value = with_nul(data, base[arg])
    if arg == "path" and data.draw(st.booleans(), label="bytes"):
        value = os.fsencode(value)
    with pytest.raises(crm.InvalidArgument):
        crm.open(**dict(base, **{arg: value}))
    assert os.listdir(tmp_path) == []


# ---- ints far outside their range --------------------------------------

def outside(lo, hi):
    return st.one_of(
        st.sampled_from([lo - 1, hi + 1, -2**63, -2**63 - 1, 2**63 - 1, 2**63, 2**64, -2**64,
                         2**31, -2**31 - 1, 2**32, 10**30, -10**30]).filter(
                             lambda v: not lo <= v <= hi),
        st.integers(max_value=lo - 1), st.integers(min_value=hi + 1))


@FAST
@given(data=st.data())
def test_ints_out_of_range_are_invalid_arguments(world, data):
    calls = [c for c in CALLS(world) if c[3]]
    name, kwargs, _, ints = data.draw(st.sampled_from(calls), label="call")
    arg = data.draw(st.sampled_from(sorted(ints)), label="argument")
    value = data.draw(outside(*ints[arg]), label="value")
    before = world.state()
    with pytest.raises(crm.InvalidArgument) as e:
        call(world, name, dict(kwargs, **{arg: value}))
    assert e.value.code == crm.EINVAL
    assert world.state() == before


WRONG_INT_TYPES = st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.binary(max_size=3),
                            st.booleans(), st.just([1]), st.just(1j))


@FAST
@given(data=st.data())
def test_ints_of_a_wrong_type_are_type_errors(world, data):
    calls = [c for c in CALLS(world) if c[3]]
    name, kwargs, _, ints = data.draw(st.sampled_from(calls), label="call")
    arg = data.draw(st.sampled_from(sorted(ints)), label="argument")
    before = world.state()
    with pytest.raises(TypeError):
        call(world, name, dict(kwargs, **{arg: data.draw(WRONG_INT_TYPES, label="value")}))
    assert world.state() == before


@FAST
@given(data=st.data())
def test_text_of_a_wrong_type_is_a_type_error(world, data):
    calls = [c for c in CALLS(world) if c[2]]
    name, kwargs, texts, _ = data.draw(st.sampled_from(calls), label="call")
    arg = data.draw(st.sampled_from(texts), label="argument")
    wrong = data.draw(st.one_of(st.binary(max_size=4), st.integers(), st.floats(),
                                st.just(object()), st.just(world.db)), label="value")
    if arg in ("channels", "outcomes", "states") or arg == "archived" and isinstance(wrong, bool):
        wrong = [wrong] if arg != "archived" else wrong
    before = world.state()
    with pytest.raises(TypeError):
        call(world, name, dict(kwargs, **{arg: wrong}))
    assert world.state() == before


@FAST
@given(value=st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=2147483.648),
                       st.just(math.nan), st.just(math.inf), st.integers(max_value=-1),
                       st.integers(min_value=2147484)))
def test_open_busy_timeout_out_of_range(tmp_path, value):
    with pytest.raises(crm.InvalidArgument):
        crm.open(str(tmp_path / "b.crm"), busy_timeout=value)
    assert os.listdir(tmp_path) == []


# ---- the cases of the report, one by one --------------------------------

def test_the_reported_calls_raise_invalid_argument(world):
    db, ann = world.db, world.ann
    before = world.state()
    for c in (lambda: db.timeline(ann, limit=-1), lambda: db.customers(limit=-1),
              lambda: db.promises(limit=2**32),
              lambda: db.log(ann, "phone", sentiment=2**40),
              lambda: db.journal(since=2**63), lambda: db.journal(since=-1),
              lambda: db.promises(states="bogus"), lambda: db.promises(states={"open", "x"}),
              lambda: db.add_occasion(ann, "birthday", month=2**31, day=1),
              lambda: db.add_occasion(ann, "birthday", month=1, day=1, lead_days=-2**63)):
        with pytest.raises(crm.InvalidArgument):
            c()
    assert world.state() == before


def test_sentinels_of_c_are_not_values(world):
    """C's "not set" values are None in Python: sentiment 99
    (CRM_SENTIMENT_NONE) and year 0 are refused rather than read as None."""
    db, ann = world.db, world.ann
    before = world.state()
    with pytest.raises(crm.InvalidArgument, match="sentiment"):
        db.log(ann, "phone", sentiment=99)
    with pytest.raises(crm.InvalidArgument, match="year"):
        db.add_occasion(ann, "birthday", month=1, day=2, year=0)
    assert world.state() == before
    assert db.log(ann, "phone", sentiment=None).sentiment is None
    assert db.add_occasion(ann, "birthday", month=1, day=2, year=None).year is None


def test_the_type_rules(world):
    db, ann = world.db, world.ann
    for c in (lambda: db.customers(limit="5"), lambda: db.customers(limit=None),
              lambda: db.customers(limit=5.0), lambda: db.customers(kind=1),
              lambda: db.customers(archived=1), lambda: db.customers(order=None),
              lambda: db.journal(since=True), lambda: db.log(ann, "phone", sentiment=1.0),
              lambda: db.promises(states=[1]), lambda: db.promises(states=5),
              lambda: db.timeline(ann, channels=[b"phone"]),
              # bytes are not words, not even empty ones (which once passed
              # as "no kinds": all of them)
              lambda: db.agenda(kinds=b""), lambda: db.search("ann", kinds=b""),
              lambda: db.timeline(ann, outcomes=b""), lambda: db.promises(states=b""),
              lambda: db.timeline(ann, channels=b""), lambda: db.agenda(kinds=7),
              lambda: db.create_customer("X", kind=None),
              lambda: db.add_occasion(ann, "birthday", month="1", day=1),
              lambda: db.add_occasion(ann, "birthday", month=1, day=1, lead_days=None),
              lambda: crm.open(":memory:", durability=1),
              lambda: crm.open(":memory:", busy_timeout="1"),
              lambda: crm.open(":memory:", busy_timeout=True)):
        with pytest.raises(TypeError):
            c()
    assert [c.name for c in db.customers(archived="only", order="name")] == ["Acme"]
    assert [c.name for c in db.customers(archived=True, order="name")] == \
        ["Acme", "Ann Example", "Bob Example"]
    assert [p.id for p in db.promises(states=crm.PromiseState.OPEN)] == [world.p.id]
    assert [p.id for p in db.promises(states=[crm.PromiseState.OPEN, "kept"])] == [world.p.id]


# ---- the record or its id -----------------------------------------------

def test_every_id_argument_takes_the_record(world):
    db, ann, org, it, p, o = world.db, world.ann, world.org, world.it, world.p, world.o
    assert db.customer(ann) == db.customer(ann.id) == db.get_customer(ann)
    db.rename_customer(ann, "Ann B")
    assert db.customer(ann.id).name == "Ann B"
    db.remove_member(org, ann)
    db.add_member(org, world.bob, "billing")
    assert [m.person_id for m in db.members(org)] == [world.bob.id]
    assert db.interaction(it) == db.interaction(it.id)
    db.set_summary(it, "Summary")
    db.set_reason(it, "billing")
    db.set_outcome(it, "resolved")
    got = db.interaction(it)
    assert (got.summary, got.reason, got.outcome) == ("Summary", "billing", "resolved")
    reply = db.log(ann, "email", "out", reply_to=it)
    assert reply.reply_to == it.id
    assert [x.id for x in db.thread(reply)] == [it.id, reply.id]
    assert [x.id for x in db.timeline(ann, before=reply)] == [it.id]
    q = db.promise(ann, "Refund", DUE, owner="agent:a", interaction_id=it)
    assert q.interaction_id == it.id
    assert db.get_promise(q) == db.get_promise(q.id)
    assert [x.id for x in db.promises(customer_id=ann, after=p)] == [q.id]
    db.renegotiate(q, DUE + 5, "asked")
    db.keep(q, interaction_id=reply)
    assert db.get_promise(q).kept_by == reply.id
    db.release(p, "no need")
    r = db.promise(ann, "Visit", DUE, owner="agent:a")
    db.break_(r, "ill")
    assert [e.kind for e in db.promise_history(q)] == ["made", "renegotiated", "kept"]
    db.remove_occasion(o)
    assert list(db.occasions(ann)) == []


def test_a_record_of_another_kind_is_a_type_error(world):
    db, ann, it, p, o = world.db, world.ann, world.it, world.p, world.o
    before = world.state()
    for c in (lambda: db.customer(it), lambda: db.rename_customer(p, "X"),
              lambda: db.interaction(ann), lambda: db.set_summary(p, "x"),
              lambda: db.keep(it), lambda: db.keep(p, interaction_id=p),
              lambda: db.remove_occasion(p), lambda: db.timeline(ann, before=p),
              lambda: db.promises(after=it), lambda: db.log(ann, "phone", reply_to=o),
              lambda: db.add_identity(o, "email", "a@example.com")):
        with pytest.raises(TypeError, match="expected a crm"):
            c()
    assert world.state() == before
