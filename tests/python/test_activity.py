"""Interactions, the timeline, promises and occasions."""
import datetime as dt

import pytest

import crm

UTC = dt.timezone.utc
MISSING = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"


def at(days):
    return dt.datetime(2026, 1, 1, 12, tzinfo=UTC) + dt.timedelta(days=days)


def test_log_and_get(db, ann):
    i = db.log(ann, "phone", "in", occurred_at=at(0), handled_by="agent:alice",
               reason="billing.double_charge", outcome="resolved", sentiment=-1,
               summary="Charged twice", body="line 1\nline 2", external_ref="call-1")
    assert (i.channel, i.direction, i.outcome, i.sentiment) == ("phone", "in", "resolved", -1)
    assert i.occurred_at == at(0)
    assert i.customer_id == ann.id and i.reason == "billing.double_charge"
    assert db.interaction(i.id) == i
    j = db.log(ann.id, "email", "out", reply_to=i.id, occurred_at=at(1))
    assert j.thread_id == i.thread_id and j.reply_to == i.id
    assert j.sentiment is None and j.outcome == "none" and not j.public
    db.set_outcome(j.id, "escalated")
    assert db.interaction(j.id).outcome == "escalated"


def test_log_errors(db, ann):
    first = db.log(ann, "social", external_ref="tweet-1", public=True)
    with pytest.raises(crm.Conflict) as dup:
        db.log(ann, "social", external_ref="tweet-1")
    assert dup.value.conflict_id == first.id
    with pytest.raises(crm.InvalidArgument) as bad:
        db.log(ann, "Pigeon post")
    assert "'Pigeon post' is not a name" in str(bad.value)
    with pytest.raises(crm.InvalidArgument):
        db.log(ann, "phone", sentiment=7)
    with pytest.raises(crm.InvalidArgument):
        db.log(ann, "phone", occurred_at=dt.datetime(2026, 1, 1))  # naive
    with pytest.raises(TypeError):
        db.log(ann, "phone", sentiment="bad")
    with pytest.raises(TypeError):
        db.log(ann, 3)
    with pytest.raises(crm.NotFound):
        db.log(MISSING, "phone")
    with pytest.raises(crm.NotFound):
        db.interaction(MISSING)


def test_timeline_filters(db, ann):
    a = db.log(ann, "phone", occurred_at=at(0))
    b = db.log(ann, "social", occurred_at=at(1), public=True)
    c = db.log(ann, "email", occurred_at=at(2))
    assert [x.id for x in db.timeline(ann)] == [c.id, b.id, a.id]
    assert [x.id for x in db.timeline(ann, channels={"phone", "social"})] == [b.id, a.id]
    assert [x.id for x in db.timeline(ann, channels="email")] == [c.id]
    assert [x.id for x in db.timeline(ann, public_only=True)] == [b.id]
    assert [x.id for x in db.timeline(ann, from_=at(1), to=at(2))] == [b.id]
    assert [x.id for x in db.timeline(ann, limit=1)] == [c.id]
    assert [x.id for x in db.timeline(ann, before=c.id)] == [b.id, a.id]
    assert list(db.timeline(ann, channels={"telepathy"})) == []
    with pytest.raises(crm.InvalidArgument):
        db.timeline(ann, channels={"Telepathy"})


def test_custom_channels_public_flag_thread_filter_count(db, ann):
    a = db.log(ann, "whatsapp", occurred_at=at(0), external_ref="wa-1")
    assert a.channel == "whatsapp"
    b = db.log(ann, "phone", occurred_at=at(1), reply_to=a)
    c = db.log(ann, "telegram", occurred_at=at(2), reply_to=a, external_ref="wa-1")
    assert db.interaction_by_ref("whatsapp", "wa-1").id == a.id
    assert db.interaction_by_ref("telegram", "wa-1").id == c.id
    with pytest.raises(crm.NotFound):
        db.interaction_by_ref("signal", "wa-1")
    assert [x.id for x in db.timeline(ann, channels=["whatsapp", "phone"])] == [b.id, a.id]
    assert [x.id for x in db.thread(c)] == [a.id, b.id, c.id]
    assert [x.id for x in db.thread(c, channels="telegram")] == [c.id]
    assert [x.id for x in db.thread(c, before=a, limit=1)] == [b.id]
    db.set_public(b, True)
    assert db.interaction(b.id).public
    seq = db.last_seq
    db.set_public(b, True)
    assert db.last_seq == seq
    db.set_public(b, False)
    assert not db.interaction(b.id).public
    assert db.count_customers() == 1
    assert db.count_customers(name_prefix="zz") == 0


def test_promises(db, ann):
    # Made on day 0, before any of these due times.
    p = db.promise(ann, "Call back with refund", at(3), owner="agent:alice", at=at(0))
    assert p.state is crm.PromiseState.OPEN and p.state == "open"
    assert isinstance(p.state, str)
    assert p.due_at == at(3) and p.owner == "agent:alice"
    assert p.overdue == (dt.datetime.now(UTC) > at(3))
    db.renegotiate(p.id, at(10), "customer asked", customer_agreed=True, at=at(1))
    q = db.get_promise(p.id)
    assert q.due_at == at(10) and q.renegotiations == 1 and q.first_due_at == at(3)
    db.keep(p.id, note="done")
    assert db.get_promise(p.id).state is crm.PromiseState.KEPT
    with pytest.raises(crm.StateError):
        db.break_(p.id, "too late")
    r = db.promise(ann, "Send brochure", at(5), owner="agent:bob", at=at(0))
    db.break_(r.id, "out of stock")
    s = db.promise(ann, "Visit", at(6), owner="agent:bob", at=at(0))
    db.release(s.id, "customer cancelled")
    states = {x.id: x.state for x in db.promises(customer_id=ann)}
    assert states == {p.id: "kept", r.id: "broken", s.id: "released"}
    assert [x.id for x in db.promises(states={"broken"})] == [r.id]
    assert [x.id for x in db.promises(owner="agent:bob", states=["released"])] == [s.id]
    with pytest.raises(crm.InvalidArgument):
        db.promises(states={"maybe"})
    with pytest.raises(crm.InvalidArgument):
        db.promise(ann, "x", dt.datetime(2026, 1, 1), owner="agent:a")
    with pytest.raises(crm.NotFound):
        db.get_promise(MISSING)


def test_promise_steps_at_the_time_they_happened(db, ann):
    now = dt.datetime.now(UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    p = db.promise(ann, "Refund", now - 8 * day, owner="agent:a", at=now - 10 * day)
    assert p.made_at == now - 10 * day and p.first_due_at == now - 8 * day
    db.renegotiate(p, now - 2 * day, "part late", at=now - 5 * day)
    ms = int((now - day).timestamp() * 1000)  # epoch ms as well as datetimes
    db.keep(p, note="refunded", at=ms)
    q = db.get_promise(p)
    assert (q.state, q.closed_at, q.kept_late, q.overdue) == ("kept", now - day, True, False)
    assert (q.due_at, q.first_due_at, q.renegotiations) == (now - 2 * day, now - 8 * day, 1)
    assert [(e.kind, e.at) for e in db.promise_history(p)] == [
        ("made", now - 10 * day), ("renegotiated", now - 5 * day), ("kept", now - day)]
    r = db.promise(ann, "Brochure", now + day, owner="agent:a")
    with pytest.raises(crm.InvalidArgument, match="in the future"):
        db.break_(r, "gone", at=now + day)
    with pytest.raises(crm.InvalidArgument, match="before the last step"):
        db.release(r, at=now - day)
    with pytest.raises(TypeError):
        db.keep(r, at="yesterday")
    db.break_(r, "out of stock", at=None)
    assert db.get_promise(r).state == "broken"


def test_promise_overdue_is_relative_to_now(db, ann):
    future = dt.datetime.now(UTC) + dt.timedelta(days=30)
    assert not db.promise(ann, "later", future, owner="agent:a").overdue
    # epoch ms accepted, made (at 0) before it fell due
    assert db.promise(ann, "earlier", 1000, owner="agent:a", at=0).overdue


def test_occasions(db, ann):
    o = db.add_occasion(ann, "birthday", month=3, day=4, lead_days=7, note="cake")
    assert (o.kind, o.month, o.day, o.lead_days, o.note, o.yearly) == \
        ("birthday", 3, 4, 7, "cake", True)
    assert [x.id for x in db.occasions(ann)] == [o.id]
    rows = list(db.upcoming(dt.date(2026, 1, 1), days=365))
    assert [x.id for x in rows] == [o.id]
    assert rows[0].next_date == dt.date(2026, 3, 4)
    assert rows[0].next_at == dt.datetime(2026, 3, 4, tzinfo=UTC)
    # The window is the caller's dates: its first day counts, one past is out.
    assert len(list(db.upcoming(dt.date(2026, 3, 4), 1))) == 1
    assert list(db.upcoming(dt.date(2026, 3, 5), days=300)) == []
    assert len(list(db.upcoming(days=366))) == 1  # from today, in UTC
    assert len(list(db.upcoming())) in (0, 1)     # 30 days from today
    with pytest.raises(crm.InvalidArgument):
        db.add_occasion(ann, "birthday", month=2, day=30)
    with pytest.raises(crm.InvalidArgument):
        db.upcoming(dt.date(2026, 1, 1), days=0)
    with pytest.raises(crm.InvalidArgument):
        db.upcoming(dt.date(9999, 12, 31), days=2)
    with pytest.raises(TypeError):
        db.upcoming(at(0))  # a datetime is not a date here: which zone's day?
    with pytest.raises(TypeError):
        db.upcoming("2026-01-01")
    db.remove_occasion(o.id)
    assert list(db.occasions(ann)) == []
    with pytest.raises(crm.NotFound):
        db.remove_occasion(o.id)


def test_memberships(db, ann):
    org = db.create_customer("Acme", kind="organisation")
    db.add_member(org, ann, "billing contact")
    (m,) = db.members(org)
    assert (m.org_id, m.person_id, m.role, m.org_name, m.person_name) == \
        (org.id, ann.id, "billing contact", "Acme", "Ann Example")
    assert m.since.tzinfo is not None
    assert [x.org_id for x in db.members(ann)] == [org.id]
    with pytest.raises(crm.Conflict):
        db.add_member(org, ann, "again")
    with pytest.raises(crm.InvalidArgument):
        db.add_member(ann, org, "reversed")
    db.remove_member(org, ann)
    assert list(db.members(org)) == []
    with pytest.raises(crm.NotFound):
        db.remove_member(org, ann)


def test_identity_flags(db, ann):
    db.add_identity(ann, "email", "ann@example.com")
    db.set_identity_flags(ann, "email", "ANN@example.com", verified=True)
    i = db.identity(ann, "email", "ann@example.com")
    assert i.verified and not i.primary and not i.shared


def test_interaction_updates_thread_and_ref(db, ann):
    a = db.log(ann, "email", external_ref="msg-1", occurred_at=at(0))
    b = db.log(ann, "email", "out", reply_to=a.id, occurred_at=at(1))
    assert db.interaction_by_ref("email", "msg-1").id == a.id
    with pytest.raises(crm.NotFound):
        db.interaction_by_ref("email", "msg-2")
    db.set_reason(a.id, "billing.refund")
    db.set_summary(a.id, "Asked for a refund")
    got = db.interaction(a.id)
    assert (got.reason, got.summary) == ("billing.refund", "Asked for a refund")
    assert [x.id for x in db.thread(b.id)] == [a.id, b.id]
    with pytest.raises(crm.InvalidArgument):
        db.set_summary(a.id, "two\nlines")


def test_promise_history(db, ann):
    p = db.promise(ann, "Refund", at(3), owner="agent:a", at=at(0))
    db.renegotiate(p.id, at(5), "asked", customer_agreed=True, at=at(1))
    db.keep(p.id)
    events = list(db.promise_history(p.id))
    assert [e.kind for e in events] == ["made", "renegotiated", "kept"]
    assert events[1].old_due == at(3) and events[1].new_due == at(5)
    assert events[1].customer_agreed and events[1].note == "asked"
    assert events[0].actor == "agent:test"


def test_due_and_occurred_times_have_rules(db, ann):
    """A due time cannot have passed when it is set; an interaction is
    logged once it happened."""
    now = dt.datetime.now(UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    with pytest.raises(crm.InvalidArgument, match="due_at .* is before the promise was made"):
        db.promise(ann, "Refund", now - day, owner="agent:a")
    with pytest.raises(crm.InvalidArgument, match="is before the promise was made at"):
        db.promise(ann, "Refund", now - 3 * day, owner="agent:a", at=now - 2 * day)
    assert list(db.promises(customer_id=ann)) == []
    p = db.promise(ann, "Refund", now - 2 * day, owner="agent:a", at=now - 2 * day)
    assert p.due_at == p.made_at == now - 2 * day and p.overdue
    with pytest.raises(crm.InvalidArgument, match="new_due_at .* is before the promise was "
                                                 "renegotiated"):
        db.renegotiate(p, now - day, "asked")
    with pytest.raises(crm.InvalidArgument, match="new_due_at"):
        db.renegotiate(p, now - day, "asked", at=now - day + dt.timedelta(seconds=1))
    assert db.get_promise(p).renegotiations == 0
    db.renegotiate(p, now - day, "asked", at=now - day)
    assert db.get_promise(p).due_at == now - day
    seq = db.last_seq
    with pytest.raises(crm.InvalidArgument, match="in the future"):
        db.log(ann, "phone", occurred_at=dt.datetime.now(UTC) + dt.timedelta(minutes=5))
    assert db.last_seq == seq
    assert list(db.timeline(ann)) == []
    assert db.log(ann, "phone", occurred_at=now).occurred_at == now
