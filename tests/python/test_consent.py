"""Consent and deleting an interaction through the Python binding: events
as Consent records holding what the C accessors give, the rule, keyword
arguments, bad input as exceptions."""
import datetime as dt

import pytest

import crm

UTC = dt.timezone.utc
T = dt.datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def test_grant_check_withdraw(db, ann):
    call = db.log(ann, "phone", summary="asked for the newsletter")
    assert db.may_contact(ann, "marketing", "email") is False
    assert db.consent_decision(ann, "marketing", "email") is None
    g = db.grant_consent(ann, "marketing", "email", at=T, interaction_id=call,
                         note="said yes on the phone")
    assert isinstance(g, crm.Consent)
    assert (g.customer_id, g.purpose, g.channel, g.granted) == (ann.id, "marketing", "email",
                                                                True)
    assert g.at == T and g.interaction_id == call.id and g.note == "said yes on the phone"
    assert g.actor == db.actor and g.recorded_at >= T
    assert db.may_contact(ann, "marketing", "email") is True
    assert db.may_contact(ann, "marketing", "sms") is False
    assert db.may_contact(ann, "marketing") is False
    assert db.consent_decision(ann, "marketing", "email") == g
    w = db.withdraw_consent(ann.id, "marketing", at=T + dt.timedelta(minutes=1))
    assert w.channel is None and w.granted is False and w.note is None
    assert db.may_contact(ann, "marketing", channel="email") is False
    assert db.consent_decision(ann, "marketing", "email").id == w.id
    # The journal keeps the decision, never the note.
    entries = [e for e in db.journal(0) if e.entity == "consent"]
    assert [e.op for e in entries] == ["grant", "withdraw"]
    assert "said yes" not in entries[0].data and '"purpose":"marketing"' in entries[0].data


def test_history(db, ann):
    db.grant_consent(ann, "marketing", "email", at=T)
    db.withdraw_consent(ann, "marketing", at=T + dt.timedelta(minutes=2))
    db.grant_consent(ann, "surveys", "sms", at=T + dt.timedelta(minutes=1))
    rows = [(c.purpose, c.channel, c.granted) for c in db.consent_history(ann)]
    assert rows == [("marketing", None, False), ("surveys", "sms", True),
                    ("marketing", "email", True)]
    rows = [(c.purpose, c.channel) for c in db.consent_history(ann, channel="email")]
    assert rows == [("marketing", None), ("marketing", "email")]
    assert [c.purpose for c in db.consent_history(ann, purpose="surveys")] == ["surveys"]


def test_a_channel_no_message_has_used_yet(db, ann):
    assert not db.may_contact(ann, "newsletter", "pigeon")
    db.grant_consent(ann, "newsletter")
    assert db.may_contact(ann, "newsletter", "pigeon")
    db.withdraw_consent(ann, "newsletter", "pigeon")
    assert not db.may_contact(ann, "newsletter", "pigeon")
    assert db.may_contact(ann, "newsletter", "carrier_owl")


def test_refusals(db, ann):
    with pytest.raises(crm.InvalidArgument, match="purpose"):
        db.grant_consent(ann, "Marketing")
    with pytest.raises(crm.InvalidArgument, match="channel"):
        db.grant_consent(ann, "marketing", "Pigeon")
    with pytest.raises(crm.InvalidArgument, match="future"):
        db.grant_consent(ann, "marketing", at=dt.datetime(2999, 1, 1, tzinfo=UTC))
    with pytest.raises(crm.InvalidArgument, match="note"):
        db.withdraw_consent(ann, "marketing", note="x" * 1025)
    other = db.create_customer("Bob")
    before = db.last_seq
    it = db.log(other, "phone")
    with pytest.raises(crm.InvalidArgument, match="belongs to customer"):
        db.grant_consent(ann, "marketing", interaction_id=it)
    with pytest.raises(crm.NotFound):
        db.may_contact("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "marketing")
    with pytest.raises(TypeError):
        db.may_contact(ann, 5)
    assert db.last_seq == before + 1
    assert list(db.consent_history(ann)) == []


def test_delete_interaction(db, ann):
    first = db.log(ann, "email", summary="mistakenly logged kumquat")
    reply = db.log(ann, "email", reply_to=first)
    p = db.promise(ann, "Call back", 2000000000000, owner="agent:a", interaction_id=first)
    assert [h.record_id for h in db.search("kumquat")] == [first.id]
    db.delete_interaction(first)
    with pytest.raises(crm.NotFound):
        db.interaction(first.id)
    assert list(db.search("kumquat")) == []
    r = db.interaction(reply)
    assert r.reply_to is None and r.thread_id == reply.id
    assert db.get_promise(p).interaction_id is None
    # A consent event keeps its interaction.
    db.grant_consent(ann, "marketing", interaction_id=reply)
    with pytest.raises(crm.StateError, match="consent"):
        db.delete_interaction(reply.id)
