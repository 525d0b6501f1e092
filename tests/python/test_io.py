"""Import and export from Python: Database.import_csv(), import_vcard() and
import_jsonl() return an ImportResult (counts and the BadRows left out),
take a mapping as a dict and on_error as "stop", "skip" or a function; the
exports write a file or return a str that the imports read back."""
import pytest

import crm

CSV = ("Name,E-Mail,Telefon,Tags\r\n"
       "Anna,anna@example.de,+49 30 1234567,vip;new\r\n"
       "Bad,x,,\r\n"
       "Bob,bob@example.com,,\r\n")


def test_csv_stop_and_skip(db):
    with pytest.raises(crm.InvalidArgument) as e:
        db.import_csv(text=CSV)
    assert "CSV line 3, column 2" in str(e.value)
    assert db.count_customers() == 0

    r = db.import_csv(text=CSV, on_error="skip")
    assert (r.created, r.updated, r.unchanged, r.skipped) == (2, 0, 0, 1)
    assert r.errors == [crm.BadRow(3, 2, "EINVAL", r.errors[0].message)]
    assert "e-mail" in r.errors[0].message
    anna = db.lookup("email", "anna@example.de")
    assert anna.name == "Anna"
    assert sorted(db.tags(anna)) == ["new", "vip"]

    seen = []
    r = db.import_csv(text=CSV, on_error=seen.append)
    assert (r.created, r.unchanged, r.skipped) == (0, 2, 1)
    assert seen == r.errors


def test_csv_mapping_and_kind(db, tmp_path):
    p = tmp_path / "in.csv"
    p.write_text("Kunde,Nr,USt\nDora GmbH,K-17,DE1\n", encoding="utf-8")
    r = db.import_csv(p, mapping={"Kunde": "name", "Nr": "identity:account", "USt": "attr:vat"},
                      kind="organisation")
    assert r.created == 1
    dora = db.lookup("account", "K-17")
    assert dora.kind == "organisation"
    assert db.attr(dora, "vat") == "DE1"
    with pytest.raises(crm.InvalidArgument, match="not a target"):
        db.import_csv(p, mapping={"Kunde": "nom"})
    with pytest.raises(crm.InvalidArgument, match="mapping"):
        db.import_csv(p, mapping=["Kunde"])
    with pytest.raises(crm.InvalidArgument, match="on_error"):
        db.import_csv(p, on_error="ignore")
    with pytest.raises(crm.InvalidArgument, match="either path or text"):
        db.import_csv()
    with pytest.raises(crm.IOError):
        db.import_csv(tmp_path / "missing.csv")


def test_round_trips(db, tmp_path):
    db.import_csv(text=CSV, on_error="skip")
    text = db.export_csv()
    assert text.startswith("id,kind,name,owner,tags,birthday,identity:email,identity:phone\r\n")
    assert db.import_csv(text=text).unchanged == 2

    db.export_vcard(tmp_path / "all.vcf")
    with crm.open(":memory:") as other:
        assert other.import_vcard(tmp_path / "all.vcf").created == 2
        assert other.lookup("phone", "+49 30 1234567").name == "Anna"

    dump = db.export_jsonl()
    assert dump.startswith('{"format":"libcrm","version":1}\n')
    with crm.open(":memory:") as other:
        r = other.import_jsonl(text=dump)
        assert r.created == 2 and r.records == dump.count("\n") - 1
        assert other.export_jsonl() == dump
        assert other.import_jsonl(text=dump).records == 0
    with crm.open(":memory:") as other:
        other.create_customer("Someone")
        with pytest.raises(crm.StateError, match="empty database"):
            other.import_jsonl(text=dump)
