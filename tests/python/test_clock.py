"""A handle's clock through the Python binding: crm.open(clock=...) makes
every time a call records, and every "now" it judges by, the clock's; a
clock that fails fails the call (crm.Misuse, caused by what it raised) and
changes nothing."""
import datetime as dt
import gc
import threading

import pytest

import crm

UTC = dt.timezone.utc
DAY = 86_400_000
T0 = 1_800_000_000_000          # 2027-01-15T08:00:00Z


class Clock:
    def __init__(self, ms=T0):
        self.ms = ms
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.ms


def test_the_clock_makes_the_times(path):
    clock = Clock()
    with crm.open(path, clock=clock, actor="agent:a") as db:
        ann = db.create_customer("Ann")
        assert ann.created_at == dt.datetime(2027, 1, 15, 8, tzinfo=UTC)
        assert clock.calls >= 1
        clock.ms += DAY
        db.rename_customer(ann, "Anne")
        assert db.customer(ann).updated_at == dt.datetime(2027, 1, 16, 8, tzinfo=UTC)
        assert [e.at for e in db.journal(0)][-2:] == [
            dt.datetime(2027, 1, 15, 8, tzinfo=UTC), dt.datetime(2027, 1, 16, 8, tzinfo=UTC)]
        # "now" for the promise list: overdue once the clock passes the due time
        p = db.promise(ann, "call back", T0 + 2 * DAY, owner="agent:a")
        assert [x.id for x in db.promises(overdue_as_of=T0 + 3 * DAY)] == [p.id]
        clock.ms = T0 + 3 * DAY
        assert [a.kind for a in db.agenda()] == ["promise_overdue"]
        # a clock may give an aware datetime in any zone
        clock.ms = dt.datetime(2027, 2, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        db.rename_customer(ann, "Ann")
        assert db.customer(ann).updated_at == dt.datetime(2027, 2, 1, 8, tzinfo=UTC)


def test_a_failing_clock_fails_the_call_and_changes_nothing():
    clock = Clock()
    with crm.open(":memory:", clock=clock) as db:
        ann = db.create_customer("Ann")
        seq = db.last_seq
        for bad, cause in ((-1, None), (crm.TIME_MAX + 1, crm.InvalidArgument),
                           (dt.datetime(2030, 1, 1), crm.InvalidArgument),
                           (None, TypeError), ("2030-01-01", TypeError), (1.5e12, TypeError)):
            clock.ms = bad
            with pytest.raises(crm.Misuse) as e:
                db.rename_customer(ann, "Anne")
            if cause is None:
                assert e.value.__cause__ is None
                assert "gives -1" in str(e.value)
            else:
                assert isinstance(e.value.__cause__, cause), (bad, e.value.__cause__)
            assert db.last_seq == seq and db.customer(ann).name == "Ann"

        def boom():
            raise ZeroDivisionError("the clock broke")
        db2 = crm.open(":memory:", clock=boom)
        with pytest.raises(crm.Misuse) as e:
            db2.create_customer("Bob")
        assert isinstance(e.value.__cause__, ZeroDivisionError)
        assert e.value.__cause__.__traceback__ is not None
        assert db2.count_customers() == 0
        # the error is the failing call's alone: the next one succeeds cleanly
        db2.close()
        clock.ms = T0
        db.rename_customer(ann, "Anne")
        assert db.customer(ann).name == "Anne"


def test_a_promise_is_overdue_by_the_clock():
    """A record's overdue is as of when it was read, by the handle's clock,
    not the system's: get_promise, the rows of promises(), and the records
    the steps give."""
    t = [T0]
    with crm.open(":memory:", clock=lambda: t[0]) as db:
        ann = db.create_customer("Ann")
        p = db.promise(ann, "call back", T0 + 2 * DAY, owner="agent:a")
        q = db.promise(ann, "visit", T0 + 4 * DAY, owner="agent:a")
        assert not p.overdue and not db.get_promise(p).overdue
        assert [x.overdue for x in db.promises()] == [False, False]
        t[0] = T0 + 2 * DAY            # due at T is not overdue at T
        assert not db.get_promise(p).overdue
        t[0] = T0 + 2 * DAY + 1
        assert db.get_promise(p).overdue
        assert [x.overdue for x in db.promises()] == [True, False]
        t[0] = T0 + 3 * DAY
        assert db.get_promise(p).overdue and not db.get_promise(q).overdue
        # a record keeps the time it was read at: it does not change later
        r = db.get_promise(q)
        t[0] = T0 + 5 * DAY
        assert not r.overdue
        assert db.get_promise(q).overdue
        assert [x.overdue for x in db.promises()] == [True, True]
        assert [x.overdue for x in db.promises(overdue_as_of=T0 + 3 * DAY)] == [True]
        # the rows of a list are read as of when it was opened
        t[0] = T0 + DAY
        rows = db.promises()
        t[0] = T0 + 5 * DAY
        assert [x.overdue for x in rows] == [False, False]
        # the step's record: as of the step's call
        moved = db.renegotiate(q, T0 + 6 * DAY, "later")
        assert not moved.overdue
        kept = db.keep(p)
        assert not kept.overdue and kept.kept_late
        t[0] = T0 + 7 * DAY
        assert db.get_promise(q).overdue and not db.get_promise(p).overdue


def test_reading_a_promise_with_a_failing_clock_fails():
    clock = Clock()
    with crm.open(":memory:", clock=clock) as db:
        ann = db.create_customer("Ann")
        p = db.promise(ann, "call back", T0 + DAY, owner="agent:a")

        def boom():
            raise ZeroDivisionError("the clock broke")
        db2 = crm.open(":memory:", clock=boom)
        clock.ms = -1
        with pytest.raises(crm.Misuse, match="gives -1"):
            db.get_promise(p)
        with pytest.raises(crm.Misuse):
            list(db.promises())
        clock.ms = T0
        assert db.get_promise(p).id == p.id
        with pytest.raises(crm.Misuse) as e:
            list(db2.promises())
        assert isinstance(e.value.__cause__, ZeroDivisionError)
        db2.close()


def test_a_clock_that_is_not_callable_is_refused():
    for bad in (5, "now", dt.datetime.now(UTC)):
        with pytest.raises(TypeError, match="clock"):
            crm.open(":memory:", clock=bad)


def test_the_handle_keeps_its_clock_alive():
    db = crm.open(":memory:", clock=Clock(T0 + 5))   # the only reference
    gc.collect()
    cy = db.create_customer("Cy")
    assert db.customer(cy).created_at == dt.datetime.fromtimestamp((T0 + 5) / 1000, UTC)
    db.close()


def test_the_clock_is_called_from_other_threads():
    clock = Clock()
    with crm.open(":memory:", clock=clock) as db:
        out = []
        t = threading.Thread(target=lambda: out.append(db.create_customer("Ann")))
        t.start()
        t.join()
        assert out[0].created_at == dt.datetime.fromtimestamp(T0 / 1000, UTC)
