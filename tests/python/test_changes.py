"""A method that changes a record returns the record as it is after the
change (docs/python.md, "What a change returns"): the customer calls
(rename, archive, unarchive, set_customer_owner), set_identity_flags, the interaction setters
(set_public too) and the promise transitions, at a time given or now. Each is compared with a fresh read; a refused
change raises and changes nothing."""
import datetime as dt

import pytest

import crm

UTC = dt.timezone.utc
DUE = dt.datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def promise(db, ann):
    return db.promise(ann, "Call back", DUE, owner="agent:alice")


def test_rename_archive_unarchive_return_the_customer(db, ann):
    c = db.rename_customer(ann, "Ann Other")
    assert isinstance(c, crm.Customer)
    assert c.name == "Ann Other" and c.id == ann.id
    assert c == db.customer(ann)
    c = db.archive_customer(ann.id)
    assert c.archived is True and c == db.customer(ann)
    c = db.unarchive_customer(c)
    assert c.archived is False and c == db.customer(ann)
    assert c.updated_at >= ann.updated_at


def test_set_customer_owner_returns_the_customer(db, ann):
    c = db.set_customer_owner(ann, "team:billing")
    assert isinstance(c, crm.Customer)
    assert c.owner == "team:billing" and c == db.customer(ann)
    c = db.set_customer_owner(c, None)
    assert c.owner is None and c == db.customer(ann)


def test_set_identity_flags_returns_the_identity(db, ann):
    db.add_identity(ann, "phone", "+1 415 555 0100")
    i = db.set_identity_flags(ann, "phone", "(415) 555-0100", primary=True, verified=True)
    assert isinstance(i, crm.Identity)
    assert (i.primary, i.verified, i.shared, i.flags) == (True, True, False, 3)
    assert i == db.identity(ann, "phone", "+14155550100")
    i = db.set_identity_flags(ann.id, "phone", "+14155550100", shared=True)
    assert (i.primary, i.verified, i.shared, i.customer_id) == (False, False, True, ann.id)


def test_interaction_setters_return_the_interaction(db, ann):
    it = db.log(ann, "phone", reason="billing")
    got = db.set_outcome(it, "resolved")
    assert isinstance(got, crm.Interaction)
    assert got.outcome == "resolved" and got == db.interaction(it)
    got = db.set_reason(it.id, "billing.refund")
    assert got.reason == "billing.refund" and got.outcome == "resolved"
    got = db.set_summary(it, "refunded")
    assert got.summary == "refunded" and got == db.interaction(it)
    assert db.set_summary(it, None).summary is None
    seq = db.last_seq
    got = db.set_outcome(it, None)             # None clears it, as log() takes it
    assert got.outcome == "none" and db.interaction(it).outcome == "none"
    assert db.last_seq == seq + 1
    got = db.set_public(it, True)
    assert got.public is True and got == db.interaction(it)
    seq = db.last_seq
    assert db.set_public(it, True) == got  # already so: the record, and nothing journaled
    assert db.last_seq == seq
    assert db.set_public(it.id, False).public is False

def test_promise_transitions_return_the_promise(db, ann, promise):
    p = db.renegotiate(promise, DUE + dt.timedelta(days=1), "asked", customer_agreed=True)
    assert isinstance(p, crm.Promise)
    assert p.state is crm.PromiseState.OPEN
    assert p.due_at == DUE + dt.timedelta(days=1) and p.renegotiations == 1
    assert p == db.get_promise(promise)
    call = db.log(ann, "phone")
    p = db.keep(p, interaction_id=call, note="done")
    assert p.state is crm.PromiseState.KEPT and p.kept_by == call.id
    assert p.closed_at is not None and p == db.get_promise(promise)

    q = db.promise(ann, "Ship", DUE, owner="agent:bob")
    p = db.break_(q.id, "out of stock")
    assert p.state is crm.PromiseState.BROKEN and p == db.get_promise(q)
    r = db.promise(ann, "Visit", DUE, owner="agent:bob")
    p = db.release(r, "not needed")
    assert p.state is crm.PromiseState.RELEASED and p == db.get_promise(r)


def test_promise_steps_return_the_promise_at_their_time(db, ann):
    now = dt.datetime.now(UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    p = db.promise(ann, "Refund", now - 8 * day, owner="agent:a", at=now - 10 * day)
    p = db.renegotiate(p, now - 2 * day, "part late", at=now - 5 * day)
    assert (p.due_at, p.first_due_at, p.renegotiations) == (now - 2 * day, now - 8 * day, 1)
    p = db.keep(p, at=now - day)
    assert (p.state, p.closed_at, p.kept_late) == ("kept", now - day, True)
    assert p == db.get_promise(p)
    q = db.promise(ann, "Ship", now + day, owner="agent:b", at=now - day)
    assert db.break_(q, "gone", at=now).closed_at == now
    r = db.promise(ann, "Visit", now + day, owner="agent:b", at=now - day)
    assert db.release(r, at=now - day).closed_at == now - day


def test_a_refused_change_raises_and_changes_nothing(db, ann, promise):
    db.keep(promise)
    seq = db.last_seq
    with pytest.raises(crm.StateError):
        db.keep(promise)
    with pytest.raises(crm.StateError):
        db.release(promise)
    with pytest.raises(crm.StateError):
        db.archive_customer(db.archive_customer(ann))
    with pytest.raises(crm.NotFound):
        db.rename_customer("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "X")
    with pytest.raises(crm.NotFound):
        db.set_identity_flags(ann, "phone", "+14155550199", primary=True)
    with pytest.raises(crm.NotFound):
        db.set_public("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", True)
    with pytest.raises(crm.InvalidArgument):
        db.set_reason(db.log(ann, "phone"), "no spaces allowed")
    assert db.last_seq == seq + 2  # the archive and the log above, nothing else


def test_the_low_level_calls_return_rows(db, ann, promise):
    """The calls behind the methods (crm._lowlevel._*) return the row, as
    every _ call does: the step and the record libcrm gives back, or the
    change and the read, in one crossing."""
    from crm import _lowlevel as ll
    row = ll._promise_keep(db._h, promise.id, None, None, crm._TIME_NONE)
    assert isinstance(row, tuple) and row[ll._RECORD_FIELDS["promise"].index("state")] == "kept"
    assert ll._customer_rename(db._h, ann.id, "Zed")[1] == "Zed"
