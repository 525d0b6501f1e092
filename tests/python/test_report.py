"""Reports from Python: db.report(name, ...) iterates over named tuples of
the report's columns (text a str, counts ints, shares floats, times aware
datetimes, NULL None); bad names and options raise crm.InvalidArgument;
an open report is closed with its database."""
import datetime as dt

import pytest

import crm

DAY = 86400000
T0 = 20514 * DAY  # Monday 2026-03-02 00:00 UTC


@pytest.fixture
def db():
    with crm.open(":memory:", default_country="US") as d:
        a = d.create_customer("Ann")
        b = d.create_customer("Bob")
        d.set_customer_owner(b, "team:b")
        for who, ch, reason, at, outcome in [
                (a, "phone", "billing.double_charge", T0, "resolved"),
                (a, "email", "billing.refund", T0 + 1, "none"),
                (b, "phone", "billing", T0 + 2, "resolved"),
                (b, "ivr", "menu.balance", T0 + 3, "none"),
                (b, "chat", None, T0 + 4, "none"),
                (a, "whatsapp", "tech", T0 + 40 * DAY, "none")]:
            d.log(who, ch, "in", occurred_at=at, reason=reason, outcome=outcome)
        p = d.promise(a, "Refund", T0 + DAY, owner="agent:ann", at=T0)
        d.keep(p, at=T0 + 2 * DAY)
        d.promise(b, "Call", T0 + DAY, owner="team:b", at=T0)
        yield d


def test_reasons_rows_have_named_fields(db):
    rows = list(db.report("reasons", from_=T0, to=T0 + DAY, depth=1))
    assert [r.reason for r in rows] == ["billing", "menu", None]
    top = rows[0]
    assert top._fields == ("reason", "channel", "contacts", "share", "cumulative_share")
    assert top.contacts == 3 and top.channel is None
    assert top.share == pytest.approx(0.6)
    assert rows[-1].cumulative_share == pytest.approx(1.0)
    split = list(db.report("reasons", from_=T0, to=T0 + DAY, depth=1, by_channel=True))
    assert [(r.reason, r.channel, r.contacts) for r in split[:3]] == [
        ("billing", None, 3), ("billing", "phone", 2), ("billing", "email", 1)]
    assert split[1].cumulative_share is None


def test_filters(db):
    owned = list(db.report("reasons", owner="team:b"))
    assert sorted(r.contacts for r in owned) == [1, 1, 1]
    custom = list(db.report("reasons", channels=["whatsapp"]))
    assert [(r.reason, r.contacts) for r in custom] == [("tech", 1)]


def test_every_report_reads(db):
    for name in ("repeats", "fcr", "handover", "keep_rate", "channel_mix"):
        cur = db.report(name, period="week", as_of=T0 + 10 * DAY)
        rows = list(cur)
        assert rows, name
        assert cur.columns == rows[0]._fields
    keep = list(db.report("keep_rate", as_of=T0 + 10 * DAY))
    assert [r.owner for r in keep] == ["agent:ann", "team:b", None]
    assert keep[-1].made == 2 and keep[-1].kept_late == 1 and keep[-1].overdue == 1
    assert keep[-1].keep_rate == 0.0
    mix = list(db.report("channel_mix", period="month"))
    assert mix[0].period_start == dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    assert mix[0].direction == "in" and mix[0].public == 0
    fcr = list(db.report("fcr"))
    assert {r.dimension for r in fcr} == {"channel", "reason"}
    ivr = list(db.report("handover"))
    assert [(r.reason, r.ivr_contacts, r.handed_over, r.contained) for r in ivr] == [
        ("menu.balance", 1, 1, 0)]


def test_bad_input(db):
    with pytest.raises(crm.InvalidArgument, match="name"):
        db.report("pareto")
    with pytest.raises(TypeError):
        db.report(5)
    with pytest.raises(crm.InvalidArgument, match="depth"):
        db.report("reasons", depth=9)
    with pytest.raises(crm.InvalidArgument, match="from/to"):
        db.report("reasons", from_=T0, to=T0)
    with pytest.raises(crm.InvalidArgument):
        db.report("channel_mix", period="year")
    with pytest.raises(crm.InvalidArgument, match="owner"):
        db.report("keep_rate", owner=" x")


def test_open_report_closes_with_the_database():
    d = crm.open(":memory:")
    cur = d.report("reasons")
    d.close()
    assert list(cur) == []
    cur.close()
