"""A customer's own data through the Python binding: the export validated
against docs/export.schema.json (a rich one with every section filled, and
a minimal one), the erase, the purge and the retention calls."""
import datetime as dt
import json
import os
import sqlite3

import jsonschema
import pytest

import crm

UTC = dt.timezone.utc
SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "export.schema.json")


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def rich(path):
    """A customer with a record in every section the export has."""
    db = crm.open(path, actor="agent:test", default_country="US")
    ann = db.create_customer("Ann Example")
    org = db.create_customer("Example Ltd", kind="organisation")
    db.rename_customer(ann, "Ann Q. Example")
    db.set_customer_owner(ann, "team:care")
    db.add_identity(ann, "email", "ann@example.org", primary=True)
    db.add_identity(ann, "phone", "+12029184637")
    db.set_attr(ann, "city", "Zwickau")
    db.add_tag(ann, "vip")
    db.add_member(org, ann, "buyer")
    first = db.log(ann, "email", "in", summary="Kettle arrived broken", body="It leaks.",
                   reason="delivery.damaged", outcome="resolved", sentiment=-1,
                   handled_by="agent:bob", external_ref="msg-1")
    db.log(ann, "phone", "out", reply_to=first, public=True)
    p = db.promise(ann, "Send a new kettle", 2000000000000, owner="agent:bob",
                   interaction_id=first)
    db.renegotiate(p, 2000500000000, "Out of stock", customer_agreed=True)
    db.keep(p, note="Sent")
    db.add_occasion(ann, "birthday", month=2, day=29, note="Leap day")
    db.add_occasion(ann, "renewal", month=6, day=1, year=2027, yearly=False)
    # Consent events, as the ledger's table keeps them.
    hexid = ann.id.replace("-", "")
    raw = sqlite3.connect(path)
    for granted, at, note in ((1, 1780000000000, "Signed form"), (0, 1780000001000, "")):
        raw.execute("INSERT INTO consent (id, customer_id, purpose, channel, granted, at, actor, "
                    "interaction_id, note) VALUES (randomblob(16), ?, 'marketing', NULL, ?, ?, "
                    "'agent:test', NULL, ?)", (bytes.fromhex(hexid), granted, at, note))
    raw.commit()
    raw.close()
    return db, ann, org, first, p


def test_rich_export_is_valid(tmp_path, validator):
    db, ann, org, first, p = rich(str(tmp_path / "r.crm"))
    with db:
        doc = db.export_customer(ann)
        validator.validate(doc)
        for section in ("identities", "attributes", "tags", "memberships", "interactions",
                        "promises", "occasions", "consent", "journal"):
            assert doc[section], section
        assert doc["format"] == "libcrm-customer-export" and doc["version"] == 1
        assert doc["customer"]["id"] == ann.id and doc["customer"]["name"] == "Ann Q. Example"
        assert [i["kind"] for i in doc["identities"]] == ["email", "phone"]
        assert doc["interactions"][0]["id"] == first.id
        assert doc["interactions"][1]["reply_to"] == first.id
        assert [e["kind"] for e in doc["promises"][0]["events"]] == ["made", "renegotiated", "kept"]
        assert doc["promises"][0]["events"][1]["note"] == "Out of stock"
        assert doc["occasions"][0]["year"] is None and doc["occasions"][0]["day"] == 29
        assert [c["granted"] for c in doc["consent"]] == [True, False]
        assert doc["consent"][0]["channel"] is None
        # Each ISO time says the same instant as its ms.
        t = doc["interactions"][0]
        iso = dt.datetime.fromisoformat(t["occurred_at_utc"].replace("Z", "+00:00"))
        assert iso == dt.datetime.fromtimestamp(t["occurred_at"] / 1000, UTC)
        # The journal's data are objects, as the journal has them.
        assert doc["journal"][1]["op"] == "rename"
        assert doc["journal"][1]["data"]["old_name"] == "Ann Example"
        assert len(doc["journal"]) == len([e for e in db.journal() if e.entity_id == ann.id])
        # The text form is the same document.
        assert json.loads(db.export_customer(ann.id, as_text=True))["customer"] == doc["customer"]
        org_doc = db.export_customer(org)
        validator.validate(org_doc)
        assert org_doc["memberships"][0]["person_id"] == ann.id


def test_export_after_a_merge(db, validator):
    """The survivor's export has the journal of the customer merged into it."""
    kept = db.create_customer("Dee Kept")
    gone = db.create_customer("Dee Gone")
    db.rename_customer(gone, "Dee G. Gone")
    db.merge(kept, gone)
    doc = db.export_customer(kept)
    validator.validate(doc)
    about = {(e["entity_id"], e["op"]) for e in doc["journal"]}
    assert (gone.id, "create") in about and (gone.id, "rename") in about
    assert (kept.id, "create") in about and (kept.id, "merge") in about
    assert [e["seq"] for e in doc["journal"]] == sorted(e["seq"] for e in doc["journal"])


def test_minimal_export_is_valid(db, validator):
    bob = db.create_customer("Bob")
    doc = db.export_customer(bob)
    validator.validate(doc)
    assert doc["identities"] == [] and doc["promises"] == [] and doc["customer"]["owner"] is None


def test_the_schema_can_fail(db, validator):
    doc = db.export_customer(db.create_customer("Bob"))
    for broken in ({**doc, "version": 2}, {**doc, "customer": {**doc["customer"], "id": "x"}},
                   {k: v for k, v in doc.items() if k != "journal"},
                   {**doc, "extra": 1}):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)


def test_erase(tmp_path, validator):
    db, ann, org, first, p = rich(str(tmp_path / "e.crm"))
    with db:
        db.erase_customer(ann)
        with pytest.raises(crm.NotFound, match="was erased at"):
            db.customer(ann.id)
        with pytest.raises(crm.NotFound, match="was erased at"):
            db.export_customer(ann)
        with pytest.raises(crm.NotFound, match="was erased at"):
            db.add_tag(ann, "again")
        db.erase_customer(ann)  # nothing left to do
        assert list(db.search("kettle")) == []
        assert [c.name for c in db.customers(archived="include")] == ["Example Ltd"]
        validator.validate(db.export_customer(org))
        assert db.export_customer(org)["memberships"] == []
        db.purge()
        with pytest.raises(crm.NotFound):
            db.erase_customer("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
        with pytest.raises(crm.InvalidArgument):
            db.erase_customer("not an id")


def test_erased_records_refuse_writes(tmp_path):
    """What stays of an erased customer takes no write through its own id:
    nothing a caller does afterwards brings personal data back."""
    db, ann, org, first, kept = rich(str(tmp_path / "w.crm"))
    with db:
        open_ = db.promise(ann, "Call back", 2000000000000, owner="agent:bob")
        db.erase_customer(ann)
        seq = db.last_seq
        calls = [
            lambda: db.set_summary(first, "personal data back"),
            lambda: db.set_reason(first, "other"),
            lambda: db.set_outcome(first, "escalated"),
            lambda: db.set_public(first, True),
            lambda: db.delete_interaction(first),
            lambda: db.renegotiate(open_, crm.TIME_MAX - 2, "a note with personal data"),
            lambda: db.keep(open_, note="personal data back"),
            lambda: db.break_(open_, "personal data back"),
            lambda: db.release(open_, "personal data back"),
            lambda: db.keep(kept),  # already kept: refused as erased all the same
        ]
        for call in calls:
            with pytest.raises(crm.NotFound, match="customer %s was erased at" % ann.id):
                call()
        assert db.last_seq == seq
        assert db.interaction(first).summary is None
        assert db.get_promise(open_).what == ""
        assert db.get_promise(open_).state == "open"


def test_retention(db):
    db.create_customer("Old")
    later = dt.datetime(9000, 1, 1, tzinfo=UTC)
    assert db.erase_inactive(later, dry_run=True) == 1
    assert db.drop_journal(later, dry_run=True) == 1
    assert db.erase_inactive(later) == 1
    assert db.erase_inactive(later) == 0
    n = db.drop_journal(later)
    assert n == 4  # the create, the erase and the two runs' entries
    entries = list(db.journal())
    assert [(e.entity, e.op) for e in entries] == [("journal", "drop")]
    with pytest.raises(crm.InvalidArgument):
        db.drop_journal(None)
    with pytest.raises(TypeError):
        db.erase_inactive("2020")
    with db.transaction():
        with pytest.raises(crm.StateError):
            db.purge()
