"""libcrm calls run without the GIL: a call waiting for another writer
(up to busy_timeout) lets every other Python thread run. Calls on one
handle still never run at once (libcrm makes them take turns): a cursor
the collector frees in another thread waits for the call its database is
in, threads that share a handle take turns instead of corrupting it, and
a transaction group belongs to the thread that began it."""
import gc
import threading
import time

import pytest

import crm


@pytest.fixture
def locked(path):
    """A database file whose write lock another handle holds (a begin()
    group), and a handle on it that waits up to 2 s for the lock."""
    with crm.open(path) as db:
        db.create_customer("Ann")
    holder = crm.open(path)
    holder.begin()
    holder.create_customer("Held")
    waiter = crm.open(path, busy_timeout=2)
    yield holder, waiter
    waiter.close()
    holder.close()


def test_a_waiting_call_lets_other_threads_run(locked):
    _, waiter = locked
    result = {}

    def write():
        start = time.monotonic()
        try:
            waiter.create_customer("Blocked")
        except crm.Error as e:
            result["error"] = e
        result["took"] = time.monotonic() - start

    t = threading.Thread(target=write)
    t.start()
    n, gap, last = 0, 0.0, time.monotonic()
    while t.is_alive():  # plain Python work while the other thread waits in C
        n += 1
        now = time.monotonic()
        gap, last = max(gap, now - last), now
    gap = max(gap, time.monotonic() - last)
    t.join()
    assert isinstance(result["error"], crm.Busy)
    assert result["took"] >= 1.9
    # Held, the GIL stops the main thread for the whole wait (2 s). The
    # bounds leave room for a loaded machine's scheduling, not for that.
    assert n > 1000, f"the main thread ran only {n} iterations in {result['took']:.2f} s"
    assert gap < 1.0, f"the main thread stood still for {gap:.2f} s"


def test_a_cursor_collected_in_another_thread_waits_for_its_database(path):
    """The collector may finalize a cursor in any thread; freeing it while
    its database is inside a call on another thread would touch the handle
    from two threads at once. The free waits for that call to end."""
    with crm.open(path) as db:
        for n in ("Ann", "Bob", "Cy"):
            db.create_customer(n)
    with crm.open(path) as holder, crm.open(path, busy_timeout=2.0) as db:
        holder.begin()
        holder.create_customer("Held")
        gc.disable()
        try:
            cur = db.customers()  # not started: no read transaction to stop the write
            cur.me = cur  # garbage only the collector frees
            del cur
            inside, when = threading.Event(), {}

            def write():
                when["began"] = time.monotonic()
                inside.set()
                with pytest.raises(crm.Busy):
                    db.create_customer("Blocked")

            t = threading.Thread(target=write)
            t.start()
            inside.wait()
            time.sleep(0.5)  # the write is waiting inside libcrm
            gc.collect()     # frees the cursor, once the write is over
            collected = time.monotonic()
            t.join()
        finally:
            gc.enable()
        # The write waits out its busy timeout (2 s) inside libcrm, and the
        # free waits for it: the collector cannot return before then. (Its
        # return is not compared with the moment the writing thread goes on,
        # which may come later: both wait for the same handle.)
        assert collected - when["began"] >= 1.9, collected - when["began"]
        assert len(db._cursors) == 0
        holder.rollback()
        assert db.create_customer("After").name == "After"


def test_threads_sharing_a_handle_take_turns(path):
    """Against the rule, two threads use one handle at once; their calls
    take turns and every write lands."""
    with crm.open(path) as db:
        errors = []

        def work(name):
            try:
                for i in range(200):
                    c = db.create_customer(f"{name} {i}")
                    db.log(c, "phone")
                    for _ in db.timeline(c):
                        pass
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in ("A", "B", "C")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sum(1 for _ in db.customers()) == 600
        assert sum(1 for _ in db.journal()) == 1200


def test_every_cursor_waits_for_its_own_database_only(path, tmp_path):
    """A cursor's calls wait for its own database only. With hundreds
    opened and freed in random order on two databases, while one database
    is inside a long call in another thread, closing the other database's
    cursors does not wait, and closing one of the busy database's does."""
    import random
    rnd = random.Random(7)
    other_path = str(tmp_path / "other.crm")
    with crm.open(path) as db:
        db.create_customer("Ann")
    with crm.open(path) as holder, crm.open(path, busy_timeout=1.5) as busy, \
            crm.open(other_path) as idle:
        cursors = {busy: [], idle: []}
        for _ in range(200):
            for db in (busy, idle):
                cursors[db].append(db.journal())  # not started: no read transaction
        for db in (busy, idle):
            rnd.shuffle(cursors[db])
            for cur in cursors[db][:150]:
                cur.close()
            del cursors[db][:150]
            cursors[db].extend(db.customers() for _ in range(20))
        holder.begin()
        holder.create_customer("Held")
        inside, ended = threading.Event(), {}

        def write():
            inside.set()
            with pytest.raises(crm.Busy):
                busy.create_customer("Blocked")
            ended["at"] = time.monotonic()

        t = threading.Thread(target=write)
        t.start()
        inside.wait()
        time.sleep(0.3)
        start = time.monotonic()
        for cur in cursors[idle]:
            cur.close()
        idle_took = time.monotonic() - start
        cursors[busy][0].close()
        closed = time.monotonic()
        t.join()
        assert idle_took < 0.5
        # The blocked call holds the busy database for its whole busy
        # timeout (1.5 s from just after `inside`); the close began 0.3 s
        # after `inside`, so it waited at least the rest. (Comparing with
        # the writer thread's clock after its call lost a race: that
        # thread reads the clock only after the exception has unwound.)
        assert closed - start >= 1.0
        assert ended["at"] - start >= 1.0
        for cur in cursors[busy]:
            cur.close()
        assert not busy._cursors and not idle._cursors


def test_a_group_belongs_to_the_thread_that_began_it(path):
    """Another thread's write neither joins the group (and vanishes with
    its rollback) nor lands in its middle: it waits for the group to end,
    then commits on its own."""
    with crm.open(path) as db:
        db.begin()
        mine = db.create_customer("Rolled Back")
        done, result = threading.Event(), {}

        def other():
            try:
                result["id"] = db.create_customer("Other Thread").id
                result["in_transaction"] = db.in_transaction
            except Exception as e:  # noqa: BLE001 - reported below
                result["error"] = e
            done.set()

        t = threading.Thread(target=other)
        t.start()
        assert not done.wait(0.3), "the other thread wrote in the middle of the group"
        db.create_customer("Also Rolled Back")
        db.rollback()
        t.join()
        assert "error" not in result, result
        assert result["in_transaction"] is False
        names = [c.name for c in db.customers()]
        assert names == ["Other Thread"]
        with pytest.raises(crm.NotFound):
            db.customer(mine.id)


def test_another_threads_group_is_waited_for_up_to_the_busy_timeout(path):
    with crm.open(path, busy_timeout=0.3) as db:
        db.begin()
        result = {}

        def other():
            try:
                db.create_customer("Blocked")
            except crm.Busy as e:
                result["busy"] = str(e)

        start = time.monotonic()
        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert time.monotonic() - start >= 0.25
        assert "another thread" in result["busy"]
        assert db.in_transaction
        db.commit()
        assert sum(1 for _ in db.customers()) == 0
