"""The agenda from Python: Database.agenda() gives AgendaItem records in the
order of docs/agenda.md, takes its options as keywords (times as datetimes
or ms, durations as timedeltas or ms, kinds as words) and refuses bad ones
with crm.InvalidArgument naming the option."""
import datetime as dt

import pytest

import crm

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db):
    a = db.create_customer("Ada")
    b = db.create_customer("Bo")
    db.set_customer_owner(a, "team:billing")
    w = {
        "a": a, "b": b,
        # both made two days before NOW, before either fell due
        "overdue": db.promise(a, "Call back", NOW - DAY, owner="team:partner",
                              at=NOW - 2 * DAY),
        "due": db.promise(b, "Send the form", NOW + 2 * HOUR, owner="team:billing",
                          at=NOW - 2 * DAY),
        # a loud public post made now, and a quiet call an hour ago
        "post": db.log(b, "social", occurred_at=NOW, public=True),
        "call": db.log(a, "phone", occurred_at=NOW - HOUR, outcome="unresolved"),
    }
    return w


def test_everyone_in_order(db, world):
    items = list(db.agenda(as_of=NOW))
    assert [i.id for i in items] == [world["overdue"].id, world["due"].id, world["call"].id,
                                     world["post"].id]
    assert [i.kind for i in items] == ["promise_overdue", "promise_due", "contact_waiting",
                                       "contact_waiting"]
    first = items[0]
    assert isinstance(first, crm.AgendaItem)
    assert first.customer_id == world["a"].id and first.customer_name == "Ada"
    assert first.customer_owner == "team:billing" and first.owner == "team:partner"
    assert first.since == NOW - DAY and first.due_at == NOW - DAY
    assert first.waited == 86400000
    assert first.score == 86400000 + 48 * 3600000
    assert first.channel is None
    assert first.why == "promise overdue since 2026-06-14T12:00Z (owner team:partner)"
    post = items[3]
    assert post.channel == "social" and post.owner is None and post.due_at is None
    assert post.waited == 0 and post.score == 0


def test_owner_and_customer_owner(db, world):
    # The account owner sees the partner team's promise to its customer, and
    # its own promise to a customer of no one's; the partner team its own.
    assert [i.id for i in db.agenda("team:billing", as_of=NOW)] == [
        world["overdue"].id, world["due"].id, world["call"].id]
    assert [i.id for i in db.agenda("team:partner", as_of=NOW)] == [world["overdue"].id]


def test_public_flag_never_changes_the_order(db, world):
    before = [(i.id, i.score) for i in db.agenda(as_of=NOW)]
    db.set_public(world["post"], False)
    db.set_public(world["call"], True)
    assert [(i.id, i.score) for i in db.agenda(as_of=NOW)] == before


def test_options(db, world):
    # contacts first when they get the larger head start; a timedelta or ms
    items = list(db.agenda(as_of=NOW, head_start_contact=dt.timedelta(days=10)))
    assert items[0].kind == "contact_waiting"
    items = list(db.agenda(as_of=NOW, head_start_contact=10 * 86400000))
    assert items[0].kind == "contact_waiting"
    assert [i.kind for i in db.agenda(as_of=NOW, kinds="promise_due")] == ["promise_due"]
    assert {i.kind for i in db.agenda(as_of=NOW, kinds={"promise_due", "promise_overdue"})} == {
        "promise_due", "promise_overdue"}
    assert len(list(db.agenda(as_of=NOW, limit=2))) == 2
    # a horizon of an hour leaves out the promise due in two
    assert [i.kind for i in db.agenda(as_of=NOW, horizon=HOUR, kinds="promise_due")] == []
    assert [i.kind for i in db.agenda(as_of=int(NOW.timestamp() * 1000),
                                      kinds="promise_due")] == ["promise_due"]


def test_bad_options(db, world):
    for kwargs, words in (
            (dict(horizon=-1), "horizon"),
            (dict(horizon=dt.timedelta(days=367)), "horizon"),
            (dict(head_start_due=3651 * 86400000), "head_start_due"),
            (dict(head_start_overdue=-3651 * 86400000), "head_start_overdue"),
            (dict(kinds="soon"), "promise_overdue"),
            (dict(limit=-1), "limit"),
            (dict(as_of=10**18), "as_of")):
        with pytest.raises(crm.InvalidArgument) as e:
            list(db.agenda(**kwargs))
        assert words in str(e.value), (kwargs, str(e.value))
    with pytest.raises(crm.InvalidArgument, match="owner"):
        list(db.agenda(""))
    with pytest.raises(TypeError):
        list(db.agenda(horizon=1.5))
    with pytest.raises(TypeError):
        list(db.agenda(5))


def test_a_write_in_the_walk(db, world):
    seen = []
    for item in db.agenda(as_of=NOW):
        seen.append(item.id)
        if item.kind.startswith("promise"):
            db.keep(item.id)
        db.promise(world["a"], "Another", NOW - DAY, owner="team:billing", at=NOW - 2 * DAY)
    assert len(seen) == 4 and len(set(seen)) == 4
    assert len([i for i in db.agenda(as_of=NOW) if i.kind == "promise_overdue"]) == 4
