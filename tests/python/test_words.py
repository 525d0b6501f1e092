"""Names of enum values (customer kinds, the archived filter, orders,
durabilities, directions, outcomes, promise states) are read by libcrm's
own crm_<enum>_parse calls: the package accepts exactly the words libcrm
knows, and a word libcrm does not know raises crm.InvalidArgument with
libcrm's message. Channels are open (any word, the business's own too):
each reaches libcrm whole, which judges it. The package keeps no word
table of its own."""
import ast
import inspect
import pathlib

import pytest

import crm
from crm import _lowlevel as ll

MISSING = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"


def words(name_fn):
    """Every word libcrm has for an enum (its values are small ints)."""
    return [w for w in map(name_fn, range(-1, 64)) if w is not None]


ENUMS = {
    "kind": ll.crm_customer_kind_name,
    "archived": ll.crm_archived_filter_name,
    "order": ll.crm_customer_order_name,
    "durability": ll.crm_durability_name,
    "channel": ll.crm_channel_name,
    "direction": ll.crm_direction_name,
    "outcome": ll.crm_outcome_name,
    "state": ll.crm_promise_state_name,
}


def libcrm_message(parse, word):
    """What libcrm's _parse says of the word."""
    with pytest.raises(crm.InvalidArgument) as e:
        parse(word)
    return str(e.value)


def test_words_are_libcrms():
    assert words(ll.crm_channel_name)[:3] == ["phone", "ivr", "email"]
    assert "organisation" in words(ll.crm_customer_kind_name)


# (enum, the call with the name as its only unknown, libcrm's _parse)
CALLS = [
    ("kind", lambda db, c, w: db.create_customer("Bo", kind=w), ll.crm_customer_kind_parse),
    ("kind", lambda db, c, w: list(db.customers(kind=w)), ll.crm_customer_kind_parse),
    ("archived", lambda db, c, w: list(db.customers(archived=w)), ll.crm_archived_filter_parse),
    ("order", lambda db, c, w: list(db.customers(order=w)), ll.crm_customer_order_parse),
    ("durability", lambda db, c, w: crm.open(":memory:", durability=w).close(),
     ll.crm_durability_parse),
    ("direction", lambda db, c, w: db.log(c, "phone", w), ll.crm_direction_parse),
    ("direction", lambda db, c, w: list(db.timeline(c, direction=w)), ll.crm_direction_parse),
    ("outcome", lambda db, c, w: db.log(c, "phone", outcome=w), ll.crm_outcome_parse),
    ("outcome", lambda db, c, w: db.set_outcome(_an_interaction(db, c), w), ll.crm_outcome_parse),
    ("outcome", lambda db, c, w: list(db.timeline(c, outcomes=[w])), ll.crm_outcome_parse),
    ("state", lambda db, c, w: list(db.promises(states=w)), ll.crm_promise_state_parse),
]


def _an_interaction(db, customer):
    """The customer's newest interaction, logged the first time."""
    return next(iter(db.timeline(customer, limit=1)), None) or db.log(customer, "phone")


def _found_or_missing(db, word):
    """interaction_by_ref with a channel that is a name: NotFound (no such ref)."""
    try:
        db.interaction_by_ref(word, "no-such-ref")
    except crm.NotFound:
        return None
    raise AssertionError("found")


# (the call with a channel's word as its only unknown, the field libcrm names)
CHANNEL_CALLS = [
    (lambda db, c, w: db.log(c, w), "channel_name"),
    (lambda db, c, w: list(db.timeline(c, channels={w})), "filter channel_names[0]"),
    (lambda db, c, w: list(db.thread(_an_interaction(db, c), channels=[w])),
     "filter channel_names[0]"),
    (lambda db, c, w: _found_or_missing(db, w), "channel"),
]


@pytest.mark.parametrize("call, field", CHANNEL_CALLS)
def test_every_channel_word_is_taken(db, ann, call, field):
    for w in words(ll.crm_channel_name) + ["whatsapp", "line_2"]:
        call(db, ann, w)


@pytest.mark.parametrize("call, field", CHANNEL_CALLS)
def test_a_bad_channel_raises_libcrms_message(db, ann, call, field):
    _an_interaction(db, ann)
    seq = db.last_seq
    for bad in ("Pigeon post", "PHONE", "", "phone,email", "x" * 33):
        with pytest.raises(crm.InvalidArgument) as e:
            call(db, ann, bad)
        assert f"{field} '{bad}' is not a name" in str(e.value)
    assert db.last_seq == seq


def test_a_channel_with_a_comma_is_one_name(db, ann):
    """A list of channels reaches libcrm as a list: a word holding a comma
    is refused as one bad name, not split into two good ones."""
    a = db.log(ann, "phone")
    db.log(ann, "email", reply_to=a)
    for call in (lambda ch: db.timeline(ann, channels=ch), lambda ch: db.thread(a, channels=ch)):
        assert len(list(call(["phone", "email"]))) == 2
        with pytest.raises(crm.InvalidArgument, match=r"channel_names\[0\] 'phone,email' is not"):
            call(["phone,email"])
        with pytest.raises(crm.InvalidArgument, match=r"channel_names\[1\] 'email, phone' is not"):
            call(("phone", "email, phone"))
    h = db._h
    none = crm._TIME_NONE
    with pytest.raises(crm.InvalidArgument, match="'phone,email'"):
        ll.crm_swig_timeline_open(h, ann.id, 0, none, none, None, 0, 0, 0, None, 0,
                                  ["phone,email"])


def test_a_channel_list_is_a_sequence_of_str(db, ann):
    h = db._h
    none = crm._TIME_NONE
    for bad in ("phone", [b"phone"], ["phone", 3], 5):
        with pytest.raises(TypeError, match="sequence of str"):
            ll.crm_swig_timeline_open(h, ann.id, 0, none, none, None, 0, 0, 0, None, 0, bad)
    with pytest.raises(crm.InvalidArgument, match="channels: contains a NUL"):
        ll.crm_swig_timeline_open(h, ann.id, 0, none, none, None, 0, 0, 0, None, 0,
                                  ["phone", "email\x00sms"])
    with pytest.raises(TypeError):
        list(db.timeline(ann, channels=["phone", None]))
    it = db.log(ann, "whatsapp")
    for empty in ([], (), set()):  # none named: every channel
        assert [x.id for x in db.timeline(ann, channels=empty)] == [it.id]


@pytest.mark.parametrize("enum, call, parse", CALLS)
def test_every_word_libcrm_knows_is_taken(db, ann, enum, call, parse):
    for w in words(ENUMS[enum]):
        call(db, ann, w)


@pytest.mark.parametrize("enum, call, parse", CALLS)
def test_a_bad_word_raises_libcrms_message(db, ann, enum, call, parse):
    call(db, ann, words(ENUMS[enum])[-1])  # what the call itself writes, once
    seq = db.last_seq
    for bad in ("pigeon", "PHONE", "", "open " * 3):
        with pytest.raises(crm.InvalidArgument) as e:
            call(db, ann, bad)
        assert str(e.value) == libcrm_message(parse, bad)
        assert parse.__name__ in str(e.value) and repr(bad)[1:-1] in str(e.value)
    assert db.last_seq == seq


def test_libcrms_other_spellings_are_taken(db):
    """crm_customer_kind_parse also reads "organization" and "org"."""
    assert db.create_customer("Acme", kind="organization").kind == "organisation"
    assert db.create_customer("Initech", kind="org").kind == "organisation"
    assert [c.name for c in db.customers(kind="org")] == ["Acme", "Initech"]


def test_archived_takes_a_bool_or_a_word(db, ann):
    db.archive_customer(db.create_customer("Old"))
    assert [c.name for c in db.customers(archived=False)] == ["Ann Example"]
    assert [c.name for c in db.customers(archived=True)] == ["Ann Example", "Old"]
    assert [c.name for c in db.customers(archived="only")] == ["Old"]
    with pytest.raises(TypeError):
        list(db.customers(archived=1))


def test_promise_state_is_libcrms_words():
    """crm.PromiseState's members are made from libcrm's words."""
    states = [ll.CRM_PROMISE_OPEN, ll.CRM_PROMISE_KEPT, ll.CRM_PROMISE_BROKEN,
              ll.CRM_PROMISE_RELEASED]
    assert [s.value for s in crm.PromiseState] == [ll.crm_promise_state_name(s) for s in states]
    assert [s.value for s in crm.PromiseState] == words(ll.crm_promise_state_name)


def test_the_package_keeps_no_word_table():
    """No dict, set, list or tuple in the package's source holds enum words
    (a default argument value is one word, not a table)."""
    known = {w for fn in ENUMS.values() for w in words(fn)}
    known.add("organization")
    source = pathlib.Path(inspect.getfile(crm)).read_text()
    tree = ast.parse(source)
    tables = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            items = node.keys
        elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = node.elts
        else:
            continue
        found = [i.value for i in items if isinstance(i, ast.Constant) and i.value in known]
        if len(found) > 1:
            tables.append((node.lineno, found))
    assert tables == []
