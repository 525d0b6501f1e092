"""After CRM_EEXISTS the exception's conflict_id is crm_conflict_id(db):
set by the binding's one %exception for every call that can conflict
(bindings/python/errors.i), the low-level ones included, and None where
libcrm names nothing or the failure is not a conflict."""
import pytest

import crm
from crm import _lowlevel as ll


def conflict(f, *args, **kw):
    with pytest.raises(crm.Conflict) as e:
        f(*args, **kw)
    assert e.value.code == crm.EEXISTS
    return e.value


def test_add_identity_names_the_owner(db, ann):
    bob = db.create_customer("Bob")
    db.add_identity(ann, "phone", "+1 415 555 0100")
    assert conflict(db.add_identity, bob, "phone", "(415) 555-0100").conflict_id == ann.id
    assert conflict(db.add_identity, ann, "phone", "+14155550100").conflict_id == ann.id


def test_shared_identities_name_a_holder(db, ann):
    """A shared value is added only shared, and stays shared while others
    hold it: add_identity and set_identity_flags (which the one %exception
    covers like every call) name a holder."""
    bob = db.create_customer("Bob")
    cy = db.create_customer("Cy")
    db.add_identity(ann, "phone", "+1 415 555 0100", shared=True)
    db.add_identity(bob, "phone", "(415) 555-0100", shared=True)
    assert conflict(db.add_identity, cy, "phone", "4155550100").conflict_id in (ann.id, bob.id)
    e = conflict(db.set_identity_flags, ann, "phone", "+14155550100", primary=True)
    assert e.conflict_id == bob.id
    e = conflict(ll._identity_set_flags, db._h, bob.id, "phone", "+14155550100", 0)
    assert e.conflict_id == ann.id
    assert db.identity(ann, "phone", "+14155550100").shared


def test_log_names_the_interaction_already_recorded(db, ann):
    first = db.log(ann, "email", external_ref="<m1@example.com>")
    assert conflict(db.log, ann, "email", external_ref="<m1@example.com>").conflict_id == first.id
    bob = db.create_customer("Bob")
    assert conflict(db.log, bob, "email", external_ref="<m1@example.com>").conflict_id == first.id


def test_add_tag_and_add_member_name_nothing(db, ann):
    db.add_tag(ann, "vip")
    assert conflict(db.add_tag, ann, "vip").conflict_id is None
    org = db.create_customer("Acme", kind="organisation")
    db.add_member(org, ann, "billing")
    assert conflict(db.add_member, org, ann, "owner").conflict_id is None


def test_the_low_level_calls_carry_it_too(db, ann):
    bob = db.create_customer("Bob")
    db.add_identity(ann, "email", "ann@example.com")
    e = conflict(ll.crm_identity_add, db._h, bob.id, "email", "ANN@example.com", 0)
    assert e.conflict_id == ann.id
    e = conflict(ll._identity_add, db._h, bob.id, "email", "ann@example.com", 0)
    assert e.conflict_id == ann.id


def test_other_failures_carry_none(db, ann):
    db.add_identity(ann, "email", "ann@example.com")
    conflict(db.add_identity, ann, "email", "ann@example.com")
    with pytest.raises(crm.NotFound) as e:
        db.customer("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
    assert getattr(e.value, "conflict_id", None) is None
    assert crm.Conflict.conflict_id is None  # each exception has its own


def test_a_redacted_database_still_names_the_owner(tmp_path):
    with crm.open(str(tmp_path / "r.crm"), redact=True) as db:
        ann = db.create_customer("Ann")
        db.add_identity(ann, "phone", "+14155550100")
        e = conflict(db.add_identity, db.create_customer("Bob"), "phone", "+14155550100")
        assert e.conflict_id == ann.id and "+1415" not in str(e)
