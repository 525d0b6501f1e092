"""A Database and its cursors collected together, in any order, close the
handle: the C cursors are freed before the handle, so crm_close() succeeds,
an open transaction is rolled back, the write lock is released and no file
descriptor is left behind."""
import gc
import os

import pytest

import crm


def open_fds():
    return len(os.listdir("/proc/self/fd"))


def fill(path):
    with crm.open(path) as db:
        for n in ("Ann", "Bob", "Cy"):
            c = db.create_customer(n)
            db.log(c, "phone")


def make(path, group, kind):
    """An open database and a partly iterated cursor of it; with ``group``,
    a begin() group holding a write."""
    db = crm.open(path)
    if group:
        db.begin()
        db.create_customer("Uncommitted")
    if kind == "customers":
        cur = db.customers()
    elif kind == "journal":
        cur = db.journal()
    else:
        cur = db.timeline(next(db.customers()))
    next(cur)
    return db, cur


def drop_db_then_cursor(path, group, kind):
    db, cur = make(path, group, kind)
    del db
    del cur


def drop_cursor_then_db(path, group, kind):
    db, cur = make(path, group, kind)
    del cur
    del db


def drop_in_a_cycle(path, group, kind):
    db, cur = make(path, group, kind)
    cycle = [db, cur]
    cycle.append(cycle)
    del db, cur, cycle
    gc.collect()


def drop_cycle_through_the_cursor(path, group, kind):
    db, cur = make(path, group, kind)
    cur.me = cur  # the cursor refers to itself: only the collector frees it
    db.me = db
    del db, cur
    gc.collect()


def locals_at_function_exit(path, group, kind):
    db = crm.open(path)
    if group:
        db.begin()
        db.create_customer("Uncommitted")
    cur = db.journal() if kind == "journal" else db.customers()
    next(cur)


DROPS = [drop_db_then_cursor, drop_cursor_then_db, drop_in_a_cycle,
         drop_cycle_through_the_cursor, locals_at_function_exit]


@pytest.mark.parametrize("group", [False, True], ids=["no-group", "begin-group"])
@pytest.mark.parametrize("drop", DROPS, ids=lambda f: f.__name__)
def test_database_and_cursor_collected_together_close(tmp_path, drop, group):
    path = str(tmp_path / "t.crm")
    fill(path)
    with crm.open(path, busy_timeout=0.05) as other:
        before = open_fds()
        for round_ in range(30):
            drop(path, group, ("customers", "journal", "timeline")[round_ % 3])
            # the handle is closed: its write lock is gone and the write
            # made in its group rolled back
            c = other.create_customer(f"Other {round_}")
            other.rename_customer(c, f"Renamed {round_}")
        assert open_fds() - before <= 2, "file descriptors leak with each dropped handle"
        assert [c.name for c in other.customers(name_prefix="Uncommitted")] == []
