"""The social-listening importer (import_posts.py) against the binding in
the build tree: the sample's summary, a second import adding nothing,
replies in their conversations, authors found by their handles, and bad
lines reported by number without stopping the import."""

import json
import pathlib
import subprocess
import sys

import pytest

import crm

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import import_posts  # noqa: E402

SAMPLE = HERE / "sample.jsonl"
BRANDS = ("twitter:@ShopCo", "instagram:@shopco", "mastodon.social:@shopco")


@pytest.fixture
def db(tmp_path):
    with crm.open(str(tmp_path / "crm.db"), actor="test") as d:
        yield d


@pytest.fixture
def jane(db):
    """A customer the business knew before the import, by another form of
    her handle."""
    c = db.create_customer("Jane Doe")
    db.add_identity(c, "social", "Twitter:janedoe")
    return c


def by_ref(db, ref):
    return db.interaction_by_ref("social", ref)


def test_sample_summary(db, jane):
    s = import_posts.import_file(db, SAMPLE, BRANDS)
    assert (s.read, s.logged, s.already) == (21, 19, 0)
    assert s.new_authors == 6  # raj, mia, lena, tom, kai, noor: Jane was known
    assert (s.threaded, s.reply_not_found, s.reply_other) == (8, 1, 2)
    assert s.not_logged == 1  # the sale announcement answers no one
    assert [n for n, _ in s.refused] == [13]
    assert s.refused[0][1].startswith("not JSON")
    assert db.count_customers() == 7
    # Every post is a public social interaction under its network's reference.
    for ref in ("twitter:1790012345678901001", "instagram:ig-3301",
                "mastodon.social:112233445566778801"):
        it = by_ref(db, ref)
        assert it.channel == "social" and it.public and it.external_ref == ref
    assert by_ref(db, "instagram:ig-3320").body == "Outfit of the day:\nlinen shirt + old jeans"
    assert by_ref(db, "twitter:1790012345678901030").body == \
        'Refund arrived. Thanks @ShopCo "fast" service \\o/'
    with pytest.raises(crm.NotFound):  # the business's own post, and the bad line
        by_ref(db, "twitter:1790012345678901020")
    with pytest.raises(crm.NotFound):
        by_ref(db, "instagram:ig-3312")


def test_rerun_adds_nothing(db, jane):
    import_posts.import_file(db, SAMPLE, BRANDS)
    seq = db.last_seq
    s = import_posts.import_file(db, SAMPLE, BRANDS)
    assert (s.logged, s.already, s.new_authors, s.threaded) == (0, 19, 0, 0)
    assert [n for n, _ in s.refused] == [13]
    assert db.last_seq == seq  # not one change written
    assert db.count_customers() == 7


def test_replies_threaded(db, jane):
    import_posts.import_file(db, SAMPLE, BRANDS)

    def thread(ref):
        return [(i.external_ref.split(":")[1], i.direction) for i in db.thread(by_ref(db, ref))]

    # Jane's complaint, the business's answer (logged on her, outgoing) and
    # her reply to it, which came before the answer in the file.
    assert thread("twitter:1790012345678901003") == [
        ("1790012345678901001", "in"), ("1790012345678901002", "out"),
        ("1790012345678901003", "in")]
    answer = by_ref(db, "twitter:1790012345678901002")
    assert answer.customer_id == jane.id and answer.handled_by == "twitter:@ShopCo"
    assert answer.reply_to == by_ref(db, "twitter:1790012345678901001").id
    # Raj answering himself, then the business answering him.
    assert thread("twitter:1790012345678901010") == [
        ("1790012345678901010", "in"), ("1790012345678901011", "in"),
        ("1790012345678901013", "out")]
    # Mia's reply to Raj's post is hers, not in his conversation.
    mia = by_ref(db, "twitter:1790012345678901012")
    assert mia.reply_to is None and mia.customer_id != jane.id
    assert thread("twitter:1790012345678901012") == [("1790012345678901012", "in")]
    # Tom's reply to a post that was never imported stands alone.
    assert by_ref(db, "instagram:ig-3311").reply_to is None
    assert thread("mastodon.social:112233445566778803") == [
        ("112233445566778801", "in"), ("112233445566778802", "out"),
        ("112233445566778803", "in")]
    # Lena's handle in another case is Lena: her own reply is threaded.
    assert thread("instagram:ig-3321") == [("ig-3320", "in"), ("ig-3321", "in")]


def test_authors_found_by_identity(db, jane):
    import_posts.import_file(db, SAMPLE, BRANDS)
    assert db.lookup("social", "twitter:@JaneDoe").id == jane.id
    assert db.customer(jane.id).name == "Jane Doe"
    assert "unknown_author" not in db.tags(jane)
    assert len(list(db.timeline(jane))) == 4
    raj = db.lookup("social", "twitter:raj_k")
    assert raj.name == "@raj_k" and db.tags(raj) == ["unknown_author"]
    lena = db.lookup("social", "instagram:@lena.photo")
    assert lena.name == "@lena.photo"  # the handle as first seen
    assert len(list(db.timeline(lena))) == 4  # her three posts and the answer to one
    # The business's accounts are no customer.
    for b in BRANDS:
        with pytest.raises(crm.NotFound):
            db.lookup("social", b)


def test_without_brands_the_business_is_an_author(db):
    s = import_posts.import_file(db, SAMPLE)
    assert s.logged == 20 and s.not_logged == 0
    shopco = db.lookup("social", "twitter:@ShopCo")
    assert by_ref(db, "twitter:1790012345678901002").customer_id == shopco.id
    # Its answer to Jane is its own post, outside her conversation.
    assert s.reply_other == 8 and s.threaded == 2


def post(i, **kw):
    p = {"id": str(i), "network": "twitter", "handle": f"@user{i}",
         "time": "2026-05-25T18:00:00Z", "text": f"post {i}", "reply_to": None}
    p.update(kw)
    return json.dumps(p).encode()


def test_bad_lines_reported_and_skipped(db, tmp_path):
    lines = [
        post(1),                                           # 1 good
        b"{not json",                                      # 2
        b"[1, 2, 3]",                                      # 3
        json.dumps({"id": "4", "network": "twitter", "handle": "@x",
                    "time": "2026-05-25T18:00:00Z"}).encode(),  # 4 no text
        post(5, time="yesterday"),                         # 5
        post(6, time="2026-05-25T18:00:00"),               # 6 naive
        post(7, text="x" * 70000),                         # 7 over-long, new author
        post(8, text="caf").replace(b'"caf"', b'"caf\xe9"'),   # 8 Latin-1
        post(9, text="\ud800"),                            # 9 lone surrogate
        post(10, text="a\x00b"),                           # 10 NUL
        post(11, handle="@two words"),                     # 11 not a handle
        post(12, time=1779732000000),                      # 12 a number
        b"",                                               # 13 blank: not a post
        post(14, id=None),                                 # 14
        post(15, text="\u00fcber \U0001F600\n\ttab"),      # 15 good
    ]
    f = tmp_path / "bad.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    s = import_posts.import_file(db, f)
    why = dict(s.refused)
    assert sorted(why) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]
    assert why[2].startswith("not JSON")
    assert "not a JSON object" in why[3]
    assert why[4] == "missing text"
    assert "not an ISO 8601 time" in why[5]
    assert "no time zone" in why[6]
    assert "body" in why[7] and "65536" in why[7]  # libcrm's limit and its words
    assert "UTF-8" in why[8] and "UTF-8" in why[9]
    assert "NUL" in why[10]
    assert "social handle" in why[11]
    assert "time is int" in why[12]
    assert why[14] == "id is null, not text"
    assert (s.read, s.logged) == (14, 2)
    # A refused post leaves no author behind (line 7's was created, then
    # rolled back with the post).
    assert db.count_customers() == 2
    with pytest.raises(crm.NotFound):
        db.lookup("social", "twitter:@user7")
    assert by_ref(db, "twitter:15").body == "\u00fcber \U0001F600\n\ttab"


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, str(HERE / "import_posts.py"), *args],
                          capture_output=True, text=True, **kw)


def test_command_line(tmp_path):
    dbp = str(tmp_path / "cli.db")
    brands = [a for b in BRANDS for a in ("--brand", b)]
    r = run_cli("--db", dbp, *brands, str(SAMPLE))
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    readme = (HERE / "README.md").read_text()
    shown = readme.split("It prints:\n\n```text\n", 1)[1].split("```", 1)[0]
    assert r.stdout == shown  # the README shows what it prints
    assert out[0].split() == ["posts", "read", "21"]
    assert out[1].split() == ["logged", "19"]
    assert out[3].split() == ["new", "authors", "7"]
    assert out[4].split() == ["replies", "threaded", "8"]
    assert out[-2].split() == ["lines", "refused", "1"]
    assert out[-1].startswith("  line 13: not JSON")
    r = run_cli("--db", dbp, *brands, str(SAMPLE))
    assert r.returncode == 0 and r.stdout.splitlines()[2].split() == ["already", "imported", "19"]
    with crm.open(dbp, readonly=True) as d:
        assert {e.actor for e in d.journal()} == {"import:social"}

    r = run_cli("--db", dbp, "--brand", "not a handle", str(SAMPLE))
    assert r.returncode == 2 and "--brand" in r.stderr
    missing_db = tmp_path / "never.db"
    r = run_cli("--db", str(missing_db), str(tmp_path / "nope.jsonl"))
    assert r.returncode == 1 and "cannot read" in r.stderr
    assert not missing_db.exists()  # the file is checked before the database is made
    notcrm = tmp_path / "notcrm.db"
    notcrm.write_text("hello")
    r = run_cli("--db", str(notcrm), str(SAMPLE))
    assert r.returncode == 1 and "ENOTCRM" in r.stderr
