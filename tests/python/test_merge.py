"""Duplicates, merge and unmerge through the Python binding: pairs as
Duplicate records holding what the C accessors give, the filter as
keywords, the merged id answering with the survivor, bad input as
exceptions."""
import pytest

import crm
from crm import _lowlevel as ll


@pytest.fixture
def pair(db):
    jose = db.create_customer("José Müller")
    twin = db.create_customer("jose muller")
    db.add_identity(jose, "email", "jose@muller.example")
    db.add_identity(twin, "email", "jm@muller.example")
    db.set_attr(jose, "date_of_birth", "1970-01-01")
    db.set_attr(twin, "date_of_birth", "1970-01-01")
    db.log(twin, channel="phone", direction="in", summary="zebrafish arrived dead")
    return db, jose, twin


def test_duplicates_are_records(pair):
    db, jose, twin = pair
    got = list(db.duplicates())
    assert len(got) == 1
    d = got[0]
    assert isinstance(d, crm.Duplicate)
    assert (d.customer_id, d.other_id) == (jose.id, twin.id)
    assert (d.customer_name, d.other_name) == ("José Müller", "jose muller")
    assert d.score == 60
    assert d.reasons == ll.CRM_DUPLICATE_NAME | ll.CRM_DUPLICATE_EMAIL_DOMAIN
    assert d.attributes == 0
    d = list(db.duplicates(twin, attribute_keys=["date_of_birth"]))[0]
    assert (d.customer_id, d.other_id, d.score, d.attributes) == (twin.id, jose.id, 90, 1)
    assert list(db.duplicates(min_score=100)) == []


def test_duplicates_bad_input(pair):
    db = pair[0]
    with pytest.raises(crm.InvalidArgument, match="min_score"):
        list(db.duplicates(min_score=0))
    with pytest.raises(crm.InvalidArgument, match="attribute_keys"):
        list(db.duplicates(attribute_keys=["no spaces"]))
    with pytest.raises(crm.NotFound):
        list(db.duplicates("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"))
    with pytest.raises(TypeError):
        list(db.duplicates(attribute_keys=[1]))


def test_merge_and_unmerge(pair):
    db, jose, twin = pair
    kept = db.merge(jose, twin)
    assert kept.id == jose.id and kept.merged_from is None
    back = db.customer(twin.id)
    assert back.id == jose.id and back.merged_from == twin.id
    assert [h.customer_id for h in db.search("zebrafish")] == [jose.id]
    with pytest.raises(crm.NotFound, match="merged into"):
        db.rename_customer(twin.id, "X")
    with pytest.raises(crm.InvalidArgument, match="itself"):
        db.merge(jose, jose)
    restored = db.unmerge(twin.id)
    assert restored.id == twin.id and restored.name == "jose muller"
    assert [h.customer_id for h in db.search("zebrafish")] == [twin.id]
    with pytest.raises(crm.StateError, match="not merged"):
        db.unmerge(twin)
