"""Search through the Python binding: hits as SearchHit records holding what
the C accessors give, the options as keywords, bad input as exceptions."""
import pytest

import crm
from crm import _lowlevel as ll


@pytest.fixture
def corpus(db):
    ann = db.create_customer("Jürgen Müller")
    bob = db.create_customer("Bob Builder")
    db.set_customer_owner(bob, "team:billing")
    db.add_identity(ann, "email", "jm@kettle.example")
    db.set_attr(ann, "city", "Zwickau")
    it = db.log(ann, channel="email", direction="in", summary="Kettle arrived broken",
                body="The kettle leaks.")
    p = db.promise(bob, "Send a kettle", 2000000000000, owner="agent:bob")
    return db, ann, bob, it, p


def test_hits_are_records(corpus):
    db, ann, bob, it, p = corpus
    hits = list(db.search("kettle"))
    # Four texts of three words, each holding "kettle" once: one rank, so
    # the oldest first.
    assert [(h.kind, h.field) for h in hits] == [
        ("identity", "value"), ("interaction", "summary"), ("interaction", "body"),
        ("promise", "what")]
    assert hits[0].key == "email" and hits[0].record_id is None
    first = hits[1]
    assert isinstance(first, crm.SearchHit)
    assert first.customer_id == ann.id
    assert first.customer_name == "Jürgen Müller"
    assert first.record_id == it.id
    assert first.key is None
    assert first.snippet == "[Kettle] arrived broken"
    assert isinstance(first.rank, float) and first.rank < 0
    assert hits[3].record_id == p.id and hits[3].customer_name == "Bob Builder"
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)


def test_records_hold_what_the_accessors_give(corpus):
    db = corpus[0]
    cur = ll.crm_swig_search_open(db._h, "kettle", 0, None, None, 0, 0, 0, None, None)
    got = list(db.search("kettle"))
    low = []
    while True:
        r = ll.crm_search_hit_cursor_next(cur)
        if r is None:
            break
        low.append((ll.crm_search_kind_name(ll.crm_search_hit_kind(r)),
                    ll.crm_search_hit_customer_id(r), ll.crm_search_hit_customer_name(r),
                    ll.crm_search_hit_record_id(r), ll.crm_search_hit_key(r),
                    ll.crm_search_hit_field(r), ll.crm_search_hit_snippet(r),
                    ll.crm_search_hit_rank(r)))
    ll.crm_search_hit_cursor_free(cur)
    assert [(h.kind, h.customer_id, h.customer_name, h.record_id, h.key, h.field, h.snippet,
             h.rank) for h in got] == low


def test_options(corpus):
    db, ann, bob, it, p = corpus
    assert [h.kind for h in db.search("kettle", kinds="promise")] == ["promise"]
    assert [h.kind for h in db.search("kettle", kinds={"identity", "promise"})] == [
        "identity", "promise"]
    assert {h.customer_id for h in db.search("kettle", customer_id=ann)} == {ann.id}
    assert [h.customer_id for h in db.search("kettle", owner="team:billing")] == [bob.id]
    assert len(list(db.search("kettle", limit=2))) == 2
    assert len(list(db.search("kettle", limit=2, offset=3))) == 1
    assert [h.snippet for h in db.search("zwick*", mark_before="<b>", mark_after="</b>")] == [
        "<b>Zwickau</b>"]
    assert [h.snippet for h in db.search("muller")] == ["Jürgen [Müller]"]
    db.archive_customer(bob)
    assert [h.kind for h in db.search("kettle", kinds="promise")] == []
    assert [h.kind for h in db.search("kettle", kinds="promise", include_archived=True)] == [
        "promise"]


def test_bad_input(corpus):
    db = corpus[0]
    for q, gist in (("", "no word"), ("*", "no word"), ("a*", "one character"),
                    ("x" * 257, "longer than 256"), (" ".join("abcdefghijklmnopq"), "16 words")):
        with pytest.raises(crm.InvalidArgument, match=gist):
            db.search(q)
    with pytest.raises(crm.InvalidArgument, match="not a search kind"):
        db.search("kettle", kinds="note")
    with pytest.raises(crm.InvalidArgument, match="limit"):
        db.search("kettle", limit=1001)
    with pytest.raises(crm.NotFound):
        db.search("kettle", customer_id="0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
    with pytest.raises(crm.InvalidArgument, match="query is NULL"):
        db.search(None)
    with pytest.raises(TypeError):
        db.search(b"kettle")
    # Operators and a lone quote are words, never syntax.
    assert list(db.search('NEAR( "kettle')) == []
    assert len(list(db.search('"kettle'))) == 4
