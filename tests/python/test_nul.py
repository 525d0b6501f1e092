"""Text holding a NUL character is refused with crm.InvalidArgument before
libcrm is called: C would read only the text before the NUL, storing a cut
name, an identity other than the one the caller checked, or opening another
file. (tests/python/test_arguments.py tries every text argument.)"""
import os
import pathlib

import pytest

import crm
from crm import _lowlevel as ll


def refused(call, arg):
    with pytest.raises(crm.InvalidArgument) as e:
        call()
    assert e.value.code == crm.EINVAL
    assert e.value.message.startswith(arg + ":") and "NUL" in e.value.message, e.value.message
    return e.value


def test_a_name_is_not_cut(db):
    e = refused(lambda: db.create_customer("Mallory\x00Admin"), "name")
    assert "index 7" in e.message
    refused(lambda: db.create_customer("\x00"), "name")
    refused(lambda: db.create_customer("Mallory\x00"), "name")
    assert list(db.customers()) == [] and db.last_seq == 0


def test_an_identity_is_not_cut(db, ann):
    seq = db.last_seq
    refused(lambda: db.add_identity(ann, "email", "victim@gmail.com\x00@corp.example"), "value")
    refused(lambda: db.add_identity(ann, "email\x00x", "ann@example.com"), "kind")
    assert list(db.identities(ann)) == [] and db.last_seq == seq


def test_a_lookup_does_not_match_the_text_before_the_nul(db, ann):
    db.add_identity(ann, "phone", "+14155550100")
    refused(lambda: db.lookup("phone", "+14155550100\x00anything"), "value")
    refused(lambda: db.identity(ann, "phone", "+14155550100\x00"), "value")
    refused(lambda: db.remove_identity(ann, "phone", "+14155550100\x00x"), "value")
    refused(lambda: db.holders("phone", "+14155550100\x00x"), "value")
    refused(lambda: db.resolve("+14155550100\x00x"), "text")
    refused(lambda: db.resolve_all("+14155550100\x00x"), "text")
    assert db.lookup("phone", "+14155550100").id == ann.id


def test_open_does_not_open_the_file_before_the_nul(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for path in ("a.db\x00/etc/passwd", b"a.db\x00/etc/passwd",
                 pathlib.PurePosixPath("a.db\x00/etc/passwd")):
        refused(lambda: crm.open(path), "path")
    refused(lambda: crm.open("a.db", actor="agent:a\x00b"), "actor")
    refused(lambda: crm.open("a.db", default_country="US\x00"), "default_country")
    assert os.listdir(tmp_path) == []


def test_the_actor_setter(db):
    refused(lambda: setattr(db, "actor", "agent:a\x00root"), "actor")
    assert db.actor == "agent:test"


def test_the_low_level_layer_refuses_too(db):
    refused(lambda: ll.crm_customer_create(db._h, ll.CRM_CUSTOMER_PERSON, "a\x00b"), "name")
    refused(lambda: ll.crm_channel_parse("phone\x00"), "name")
    assert list(db.customers()) == []
