"""The kiosk's rules, through Flask's test client: what a number alone
shows (nothing), what bad input gets (a friendly sentence, never itself
back), and what a request writes (one interaction, one promise)."""

import datetime as dt
import html
import logging
import re

import pytest

from conftest import Clock, require

require("flask")

import crm  # noqa: E402
import kiosk  # noqa: E402
import seed  # noqa: E402

UTC = dt.timezone.utc
PIN = "2468"
JANE_PHONE, JANE_BORN = seed.JANE[1][0], seed.JANE[3]
WEDNESDAY = dt.datetime(2030, 1, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "kiosk.db")
    with crm.open(path, default_country="GB") as db:
        assert seed.seed(db)
    return path


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(db_path, clock):
    return kiosk.create_app(db_path, tz="UTC", staff_pin=PIN, clock=clock)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(db_path):
    with crm.open(db_path, default_country="GB") as handle:
        yield handle


def token(client):
    """Open the start screen (a new session) and return its form token."""
    r = client.get("/")
    assert r.status_code == 200
    return re.search(r'name="token" value="([^"]+)"', r.text).group(1)


def check_in(client, number, born=None):
    """Check in; with born, answer the date of birth too. Returns
    (token, the last response)."""
    tok = token(client)
    r = client.post("/checkin", data={"token": tok, "number": number})
    if born is None or r.status_code != 303:
        return tok, r
    return tok, answer(client, tok, born)


def answer(client, tok, born):
    if isinstance(born, dt.date):
        born = (str(born.day), str(born.month), str(born.year))
    day, month, year = born
    return client.post("/verify", data={"token": tok, "day": day, "month": month, "year": year})


def main_text(r):
    """The visible words of a page's <main>, tags dropped, entities read."""
    body = r.get_data(as_text=True)
    main = body[body.index("<main"):body.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def jane(db):
    return db.lookup("phone", JANE_PHONE)


# ---- the privacy rule --------------------------------------------------------

def test_a_number_alone_shows_nothing_of_the_customer(client, db):
    _tok, r = check_in(client, JANE_PHONE)
    assert r.status_code == 303 and r.headers["Location"].endswith("/verify")
    page = client.get("/verify")
    assert page.status_code == 200
    words = main_text(page)
    assert "date of birth" in words
    for secret in ("Jane", "Doe", "refund", "loyalty card", "LC-1001", "7700"):
        assert secret not in page.get_data(as_text=True)
    # nor any page behind the check
    for path in ("/you", "/request", "/thanks", "/staff"):
        r = client.get(path)
        assert "Jane" not in r.get_data(as_text=True), path
        if path != "/staff":
            assert r.status_code == 303 and r.headers["Location"].endswith("/"), path


def test_unknown_number_and_wrong_birth_date_read_the_same(client):
    _tok, unknown = check_in(client, "07700 900999", born=JANE_BORN)
    _tok, wrong = check_in(client, JANE_PHONE, born=dt.date(1984, 3, 8))
    assert unknown.status_code == wrong.status_code == 403
    assert kiosk.NO_MATCH in main_text(unknown)
    assert main_text(unknown) == main_text(wrong)  # no sign of whether the number is known


def test_the_right_birth_date_shows_the_open_promises_in_plain_words(client, db, clock):
    _tok, r = check_in(client, JANE_PHONE, born=JANE_BORN)
    assert r.status_code == 303 and r.headers["Location"].endswith("/you")
    words = main_text(client.get("/you"))
    assert words.startswith("Hello, Jane ")
    assert "Doe" not in words  # a first name is enough for a public screen
    late, soon = sorted(db.promises(customer_id=jane(db), states="open"), key=lambda p: p.due_at)
    assert late.overdue and not soon.overdue
    day = late.due_at  # tz="UTC"
    assert (f"We promised to call you back about your refund by {day:%A} {day.day} {day:%B}"
            " — this is overdue, sorry.") in words
    day = soon.due_at
    assert (f"We promised to post you a replacement loyalty card by {day:%A} {day.day} "
            f"{day:%B} — we are on it.") in words
    assert "price list" not in words  # Sam's


def test_a_loyalty_card_checks_in_too(client):
    _tok, r = check_in(client, " LC-2002 ", born=seed.SAM[3])
    assert r.status_code == 303
    words = main_text(client.get("/you"))
    assert words.startswith("Hello, Sam ") and "email you the new price list" in words


def test_on_a_shared_landline_the_birth_date_picks_the_person(client):
    _tok, r = check_in(client, seed.LEE_LANDLINE, born=seed.ANN[3])
    assert r.status_code == 303
    ann = main_text(client.get("/you"))
    _tok, r = check_in(client, seed.LEE_LANDLINE, born=seed.BOB[3])
    assert r.status_code == 303
    bob = main_text(client.get("/you"))
    assert ann.startswith("Hello, Ann ") and "kettle" in ann
    assert bob.startswith("Hello, Bob ") and "kettle" not in bob
    assert "We have no open promises to you" in bob


def test_no_birth_date_on_file_means_the_front_desk(client):
    _tok, r = check_in(client, seed.CHRIS[1][0], born=dt.date(1970, 1, 1))
    assert r.status_code == 403 and kiosk.NO_MATCH in main_text(r)
    assert client.get("/you").status_code == 303


def test_three_wrong_answers_start_again(client):
    tok, r = check_in(client, JANE_PHONE)
    for n in range(1, kiosk.SESSION_TRIES + 1):
        r = answer(client, tok, dt.date(1980, 1, n))
        assert r.status_code == 403
    assert "Please start again" in main_text(r)
    assert 'id="number"' in r.get_data(as_text=True)  # the start screen
    # the session is gone: the right answer now has nothing to answer
    r = answer(client, tok, JANE_BORN)
    assert r.status_code == 303 and r.headers["Location"].endswith("/")
    assert client.get("/you").status_code == 303


def test_a_record_locks_after_repeated_wrong_answers(client, db_path, db):
    for n in range(crm._ll.CRM_VERIFY_MAX_FAILURES):  # spread over sessions
        _tok, r = check_in(client, JANE_PHONE, born=dt.date(1980, 1, n + 1))
        assert r.status_code == 403
    _tok, r = check_in(client, JANE_PHONE, born=JANE_BORN)
    assert r.status_code == 403 and kiosk.NO_MATCH in main_text(r)
    _tok, r = check_in(client, seed.SAM[2], born=seed.SAM[3])  # another record is not locked
    assert r.status_code == 303
    # The count is in the file: a second kiosk on it, or this one
    # restarted, finds the record locked too, and so does any channel.
    other = kiosk.create_app(db_path, tz="UTC", staff_pin=PIN).test_client()
    _tok, r = check_in(other, JANE_PHONE, born=JANE_BORN)
    assert r.status_code == 403 and kiosk.NO_MATCH in main_text(r)
    with pytest.raises(crm.StateError, match="locked"):
        db.verify(db.lookup("phone", JANE_PHONE), kiosk.BIRTH_DATE_KEY, JANE_BORN.isoformat())


def test_wrong_answers_are_journaled_without_the_dates(client, db):
    seq = db.last_seq
    check_in(client, JANE_PHONE, born=dt.date(1980, 1, 2))
    check_in(client, JANE_PHONE, born=JANE_BORN)
    entries = [e for e in db.journal(seq) if e.op == "verify"]
    assert ['"matched":0' in e.data for e in entries] == [True, False]
    assert not any("1980" in e.data or "1984" in e.data for e in entries)


# ---- bad input ---------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("number, says", [
    ("", "Please type your phone number"),
    ("   ", "Please type your phone number"),
    ("9" * 33, "too long"),
    ("0" * 5000, "too long"),
    (SCRIPT, "does not look like a phone or card number"),
    ('"><img src=x onerror=alert(1)>', "does not look like"),
    ("07700\x00900123", "a character we cannot read"),
    ("07700\n900123", "a character we cannot read"),
    ("Jäne", "does not look like"),
])
def test_bad_numbers_get_a_sentence_and_never_come_back(client, number, says):
    _tok, r = check_in(client, number)
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert says in main_text(r)
    if number.strip():
        assert number not in body and html.escape(number) not in body
    assert "<script" not in body and "onerror" not in body
    assert client.get("/verify").status_code == 303  # still at the start


@pytest.mark.parametrize("born", [
    ("", "", ""), ("31", "2", "1990"), ("x", "3", "1984"), ("7", "3", "2999"),
    ("<b>7</b>", "3", "1984"), ("7\x00", "3", "1984"), ("7", "3", "1" * 3000),
    ("٧", "3", "1984"),  # an Arabic-Indic seven is a digit to str.isdigit()
])
def test_bad_birth_dates_get_a_sentence(client, born):
    tok, r = check_in(client, JANE_PHONE)
    r = answer(client, tok, born)
    assert r.status_code == 400
    words = main_text(r)
    assert "Please enter your date of birth in numbers" in words
    assert "<b>" not in r.get_data(as_text=True) and "&lt;b&gt;" not in r.get_data(as_text=True)
    assert answer(client, tok, JANE_BORN).status_code == 303  # a typo costs no try


def test_a_form_without_this_sessions_token_is_refused(client, app, db):
    other = app.test_client()
    other_tok = token(other)
    for data in ({"number": JANE_PHONE}, {"number": JANE_PHONE, "token": other_tok},
                 {"number": JANE_PHONE, "token": ""}):
        token(client)
        r = client.post("/checkin", data=data)
        assert r.status_code == 400 and "open too long" in main_text(r)
        assert client.get("/verify").status_code == 303
    # and a request without it writes nothing
    tok, r = check_in(client, JANE_PHONE, born=JANE_BORN)
    before = sum(1 for _ in db.timeline(jane(db)))
    r = client.post("/request", data={"text": "call me"})
    assert r.status_code == 400
    assert sum(1 for _ in db.timeline(jane(db))) == before


def test_idle_returns_to_the_start(client, clock):
    check_in(client, JANE_PHONE, born=JANE_BORN)
    page = client.get("/you")
    assert page.status_code == 200
    # every page behind the start refreshes itself to the start when idle
    assert '<meta http-equiv="refresh" content="90;url=/done">' in page.get_data(as_text=True)
    clock.advance(seconds=89)
    assert client.get("/you").status_code == 200  # a tap keeps it
    clock.advance(seconds=91)
    r = client.get("/you")
    assert r.status_code == 303 and r.headers["Location"].endswith("/")


def test_done_forgets_the_customer(client):
    tok, _r = check_in(client, JANE_PHONE, born=JANE_BORN)
    assert client.post("/done", data={"token": tok}).status_code == 303
    r = client.get("/you")
    assert r.status_code == 303


def test_pages_forbid_scripts_and_caching(client):
    r = client.get("/")
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert "script-src" not in r.headers["Content-Security-Policy"]  # so none at all
    assert r.headers["Cache-Control"] == "no-store"
    assert '<html lang="en-GB">' in r.get_data(as_text=True)
    assert "<script" not in r.get_data(as_text=True)


# ---- a request ---------------------------------------------------------------

@pytest.mark.parametrize("tz, now, due, by", [
    ("UTC", WEDNESDAY, dt.datetime(2030, 1, 10, 17, tzinfo=UTC), "by 17:00 tomorrow"),
    ("UTC", dt.datetime(2030, 1, 11, 10, tzinfo=UTC), dt.datetime(2030, 1, 14, 17, tzinfo=UTC),
     "by Monday 14 January"),
    # a Friday evening in London's summer time: Monday 17:00 BST
    ("Europe/London", dt.datetime(2030, 6, 14, 22, 30, tzinfo=UTC),
     dt.datetime(2030, 6, 17, 16, tzinfo=UTC), "by Monday 17 June"),
])
def test_a_request_makes_one_interaction_and_one_promise(db_path, db, tz, now, due, by):
    client = kiosk.create_app(db_path, tz=tz, staff_pin=PIN, clock=Clock(now)).test_client()
    who = jane(db)
    interactions = [i.id for i in db.timeline(who)]
    promises = [p.id for p in db.promises(customer_id=who)]
    seq = db.last_seq
    tok, _r = check_in(client, JANE_PHONE, born=JANE_BORN)
    r = client.post("/request", data={"token": tok, "text": "  call me\r\nabout my bill "})
    assert r.status_code == 303 and r.headers["Location"].endswith("/thanks")

    new_i = [i for i in db.timeline(who) if i.id not in interactions]
    new_p = [p for p in db.promises(customer_id=who) if p.id not in promises]
    assert len(new_i) == 1 and len(new_p) == 1
    it, p = new_i[0], new_p[0]
    assert (it.channel, it.direction, it.reason, it.outcome, it.handled_by, it.body) == \
        ("kiosk", "in", "kiosk.request", "transferred", "kiosk:lobby", "call me about my bill")
    assert p.owner == "team:front-desk" and p.due_at == due and p.interaction_id == it.id
    assert p.state is crm.PromiseState.OPEN
    assert p.what == "get back to you about your request “call me about my bill”"
    assert {e.actor for e in db.journal(since=seq)} == {"kiosk:lobby"}
    # the request's interaction and promise: nothing else (the right answer
    # at check-in, with no wrong one counted, changed nothing)
    assert [(e.entity, e.op) for e in db.journal(since=seq)] == \
        [("interaction", "log"), ("promise", "make")]
    words = main_text(client.get("/thanks"))
    assert "passed your request to the front desk team" in words
    assert ("We promised to get back to you about your request “call me about my bill” "
            f"{by} — we are on it.") in words


@pytest.mark.parametrize("text, says", [
    ("", "Please tell us what you would like us to do."),
    (" \r\n ", "Please tell us what you would like us to do."),
    ("call me " * 80, "keep it to 500 characters"),
    ("call me\x00 about my bill", "a character we cannot read"),
    ("call me\x1b[31m", "a character we cannot read"),
])
def test_a_bad_request_writes_nothing(client, db, text, says):
    tok, _r = check_in(client, JANE_PHONE, born=JANE_BORN)
    seq = db.last_seq
    r = client.post("/request", data={"token": tok, "text": text})
    assert r.status_code == 400 and says in main_text(r)
    assert db.last_seq == seq
    body = r.get_data(as_text=True)
    if "call me" in text:  # what they typed is given back to correct, as text
        area = body[body.index("<textarea"):body.index("</textarea>")]
        assert "call me" in area and "\x00" not in area and "\x1b" not in area


def test_a_request_with_markup_is_kept_as_text_and_shown_escaped(client, db):
    tok, _r = check_in(client, JANE_PHONE, born=JANE_BORN)
    r = client.post("/request", data={"token": tok, "text": SCRIPT + " call me"})
    assert r.status_code == 303
    assert any(i.body == SCRIPT + " call me" for i in db.timeline(jane(db)))
    for page in (client.get("/thanks"), staff_page(client)):
        body = page.get_data(as_text=True)
        assert "<script" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt; call me" in body


# ---- the staff page ----------------------------------------------------------

def staff_page(client, pin=PIN):
    tok = re.search(r'name="token" value="([^"]+)"', client.get("/staff").text).group(1)
    r = client.post("/staff", data={"token": tok, "pin": pin})
    return client.get("/staff") if r.status_code == 303 else r


def test_the_staff_page_needs_the_pin(client):
    check_in(client, JANE_PHONE, born=JANE_BORN)
    login = client.get("/staff")
    assert login.status_code == 200 and "Staff PIN" in main_text(login)
    assert "Jane" not in login.get_data(as_text=True)
    wrong = staff_page(client, pin="0000")
    assert wrong.status_code == 403 and "Jane Doe" not in wrong.get_data(as_text=True)
    agenda = staff_page(client)
    words = main_text(agenda)
    assert agenda.status_code == 200 and "Agenda" in words
    assert "Overdue promise call you back about your refund" in words
    assert "Jane Doe" in words and "agent:alice" in words
    assert client.get("/you").status_code == 303  # the customer's session ended with it


def test_a_request_shows_on_the_staff_agenda(client, db):
    tok, _r = check_in(client, JANE_PHONE, born=JANE_BORN)
    client.post("/request", data={"token": tok, "text": "call me about my bill"})
    words = main_text(staff_page(client))
    row = re.search(r"Promise due get back to you about your request “call me about my bill”"
                    r".*?Jane Doe (.*?) team:front-desk", words)
    assert row, words


def test_the_staff_pin_locks_after_wrong_tries(client):
    for _ in range(kiosk.STAFF_TRIES):
        assert staff_page(client, pin="1111").status_code == 403
    r = staff_page(client)
    assert r.status_code == 403 and "Too many wrong PINs" in main_text(r)


# ---- what goes wrong inside ----------------------------------------------------

def test_the_kiosk_opens_its_file_redacted(app):
    with kiosk.open_db(app) as handle:
        with pytest.raises(crm.NotFound) as e:
            handle.lookup("phone", "07700 900999")
    assert "<withheld>" in str(e.value)
    assert "900999" not in str(e.value)


def test_a_busy_file_gives_a_friendly_page_and_a_redacted_log(db_path, db, caplog):
    client = kiosk.create_app(db_path, tz="UTC", staff_pin=PIN, busy_timeout=0.1).test_client()
    tok, r = check_in(client, JANE_PHONE, born=JANE_BORN)
    assert r.status_code == 303
    seq = db.last_seq
    with crm.open(db_path, default_country="GB") as writer, writer.transaction():
        writer.set_attr(writer.lookup("phone", JANE_PHONE), "note", "held")  # holds the lock
        with caplog.at_level(logging.ERROR, logger="kiosk"):
            r = client.post("/request", data={"token": tok, "text": "call me about my bill"})
    assert r.status_code == 503
    assert "cannot reach our records" in main_text(r)
    assert "EBUSY" not in r.get_data(as_text=True)
    assert any("EBUSY" in m for m in caplog.messages)
    assert not any("bill" in m or "Jane" in m for m in caplog.messages)
    assert db.last_seq == seq + 1  # only the writer's attribute: the request wrote nothing


def test_seeding_twice_adds_nothing(db):
    n = db.count_customers()
    assert seed.seed(db) is False
    assert db.count_customers() == n == 5
