#!/usr/bin/python3
"""A walk-in kiosk on libcrm: a customer checks in with a phone number or a
loyalty card, proves who they are with their date of birth, sees the
promises made to them in plain words and can leave a request for the front
desk; staff see the agenda behind a PIN.

    /usr/bin/python3 examples/kiosk/kiosk.py --db FILE [--seed] [--port N]

It serves 127.0.0.1 only and works on its own database file through the
`crm` package alone. README.md in this folder has the privacy rule it
enforces and why.
"""

import argparse
import datetime as dt
import hmac
import logging
import os
import re
import secrets
import sys
import threading
import zoneinfo

import flask

import crm

HERE = os.path.dirname(os.path.abspath(__file__))
log = logging.getLogger("kiosk")

# What the kiosk writes, and under whose name.
ACTOR = "kiosk:lobby"
OWNER = "team:front-desk"
REASON = "kiosk.request"
REPLY_HOUR = 17  # a request is promised an answer by 17:00 of the next working day

# Input limits. A number is what a phone or a loyalty card carries; a
# request must fit in the promise text (CRM_PROMISE_TEXT_MAX bytes) with
# the words around it.
NUMBER_MAX = 32
REQUEST_MAX = 500
NUMBER_RE = re.compile(r"[A-Za-z0-9 +()./-]+")

# Privacy: how many wrong answers a session may give before it starts
# again. How many one customer's record may get, over every session and
# every kiosk on the file, is libcrm's to count (crm_customer_verify: five
# within 15 minutes lock the record for 15 minutes). The staff PIN, which
# is the kiosk's own, locks after STAFF_TRIES wrong PINs for LOCK_SECONDS.
SESSION_TRIES = 3
STAFF_TRIES = 5
LOCK_SECONDS = 15 * 60
# The attribute where the date of birth is kept, as YYYY-MM-DD.
BIRTH_DATE_KEY = "date_of_birth"

NO_MATCH = ("We could not match that number and date of birth. Please check both, "
            "or ask at the front desk.")

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


# ---- plain words -----------------------------------------------------------

def day_words(when, now):
    """'today', 'tomorrow', or 'Friday 12 December' (with the year when it
    is not this year's), in the kiosk's zone (both arguments aware, in it)."""
    if when.date() == now.date():
        return "today"
    if when.date() == now.date() + dt.timedelta(days=1):
        return "tomorrow"
    words = f"{DAYS[when.weekday()]} {when.day} {MONTHS[when.month - 1]}"
    if when.year != now.year:
        words += f" {when.year}"
    return words


def when_words(when, now):
    """A due time as a customer says it: 'Friday 12 December', or with the
    hour when it is that close: '17:00 today', '17:00 tomorrow'."""
    day = day_words(when, now)
    if day in ("today", "tomorrow"):
        return f"{when:%H:%M} {day}"
    return day


def staff_time(when, now):
    """A time for the staff's table: 'today 17:00', 'Sat 5 Dec 12:00'."""
    day = day_words(when, now)
    if day not in ("today", "tomorrow"):
        day = f"{DAYS[when.weekday()][:3]} {when.day} {MONTHS[when.month - 1][:3]}"
        if when.year != now.year:
            day += f" {when.year}"
    return f"{day} {when:%H:%M}"


def promise_sentence(p, now, tz):
    """One promise in plain words, and whether it is late."""
    what = p.what.strip()
    if len(what) > 1 and what[0].isupper() and what[1].islower():
        what = what[0].lower() + what[1:]  # "Call back" reads "to call back"
    due = p.due_at.astimezone(tz)
    sentence = f"We promised to {what} by {when_words(due, now.astimezone(tz))}"
    if p.overdue:
        return sentence + " — this is overdue, sorry.", True
    return sentence + " — we are on it.", False


def first_name(name):
    """The name a kiosk may greet with: the first word of the display name."""
    return name.split()[0] if name.split() else ""


def reply_due(now, tz):
    """When a request left now is promised an answer: 17:00 (the kiosk's
    zone) on the next working day (Monday to Friday)."""
    day = now.astimezone(tz).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, REPLY_HOUR, tzinfo=tz)


# ---- input ----------------------------------------------------------------

class BadInput(ValueError):
    """A friendly sentence for the person at the screen (never their input)."""


class Expired(Exception):
    """A form without this session's token: an old page, or another site's."""


def has_control(text):
    return any(ord(ch) < 32 and ch not in "\r\n\t" or ord(ch) == 127 for ch in text)


def clean_number(raw):
    text = (raw or "").strip()
    if not text:
        raise BadInput("Please type your phone number or loyalty card number.")
    if len(text) > NUMBER_MAX:
        raise BadInput(f"That is too long for a phone or card number "
                       f"(at most {NUMBER_MAX} characters).")
    if has_control(text) or "\n" in text or "\t" in text:
        raise BadInput("That has a character we cannot read. "
                       "Please use only digits, letters, spaces and + - ( ).")
    if not NUMBER_RE.fullmatch(text):
        raise BadInput("That does not look like a phone or card number. "
                       "Please use only digits, letters, spaces and + - ( ).")
    return text


def clean_birth_date(day, month, year, today):
    hint = "Please enter your date of birth in numbers, for example 7, 3, 1984."
    parts = []
    for raw in (day, month, year):
        raw = (raw or "").strip()
        if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
            raise BadInput(hint)
        parts.append(int(raw))
    day, month, year = parts
    try:
        born = dt.date(year, month, day)
    except ValueError:
        raise BadInput("That is not a date. " + hint) from None
    if not 1900 <= year or born > today:
        raise BadInput("That is not a date of birth. " + hint)
    return born


def clean_request(raw):
    """The request as it will be stored, or BadInput. Line breaks become
    spaces: it is one sentence in a promise."""
    raw = raw or ""
    if has_control(raw):  # a NUL among them
        raise BadInput("Your request has a character we cannot read. Please type it again "
                       "with letters, digits and punctuation only.")
    text = " ".join(raw.split())
    if not text:
        raise BadInput("Please tell us what you would like us to do.")
    if len(text) > REQUEST_MAX:
        raise BadInput(f"That is a little long: please keep it to {REQUEST_MAX} characters "
                       f"(it has {len(text)}). We will ask for details when we call.")
    return text


# ---- sessions ----------------------------------------------------------------

class Sessions:
    """Server-side kiosk sessions. The browser holds only a random id (in
    Flask's signed cookie); what a session knows (whom it checked in,
    whether they answered) stays here, and goes after `idle` seconds
    without a request, or when the customer taps Done."""

    def __init__(self, idle, clock):
        self.idle = idle
        self.clock = clock
        self._lock = threading.Lock()
        self._by_id = {}
        self._failures = {}  # "staff" -> times of wrong PINs

    def get(self, sid):
        now = self.clock().timestamp()
        with self._lock:
            for k in [k for k, s in self._by_id.items() if now - s["seen"] > self.idle]:
                del self._by_id[k]
            state = self._by_id.get(sid) if sid else None
            if state is not None:
                state["seen"] = now
            return state

    def new(self):
        sid = secrets.token_urlsafe(32)
        state = {"seen": self.clock().timestamp(), "token": secrets.token_urlsafe(32),
                 "step": "start", "candidates": [], "customer_id": None, "tries": 0,
                 "staff": False, "last_request": None}
        with self._lock:
            self._by_id[sid] = state
        return sid, state

    def drop(self, sid):
        with self._lock:
            self._by_id.pop(sid, None)

    def locked(self, key):
        now = self.clock().timestamp()
        with self._lock:
            recent = [t for t in self._failures.get(key, ()) if now - t < LOCK_SECONDS]
            self._failures[key] = recent
            return len(recent) >= STAFF_TRIES

    def failed(self, key):
        with self._lock:
            self._failures.setdefault(key, []).append(self.clock().timestamp())


# ---- the app -----------------------------------------------------------------

def create_app(db_path, *, country="GB", tz="Europe/London", idle=90, staff_pin=None,
               clock=utcnow, busy_timeout=2.0):
    """The kiosk as a Flask app on the database file db_path. `clock` gives
    the kiosk's now (an aware datetime): idle time, lock-outs and the due
    time of a request follow it; libcrm keeps its own for what it records."""
    app = flask.Flask(__name__, root_path=HERE)
    app.secret_key = secrets.token_bytes(32)  # a new one each run: old cookies die with it
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=16 * 1024, TEMPLATES_AUTO_RELOAD=False)
    zone = zoneinfo.ZoneInfo(tz)
    sessions = Sessions(idle, clock)
    pin = staff_pin or os.environ.get("KIOSK_STAFF_PIN") or f"{secrets.randbelow(10**6):06d}"
    if not (staff_pin or os.environ.get("KIOSK_STAFF_PIN")):
        print(f"kiosk: staff PIN for this run: {pin}", file=sys.stderr, flush=True)
    app.extensions["kiosk"] = {"sessions": sessions, "db_path": db_path, "country": country,
                               "zone": zone, "clock": clock, "busy_timeout": busy_timeout}

    def db():
        if "crm_db" not in flask.g:
            flask.g.crm_db = open_db(app)
        return flask.g.crm_db

    @app.teardown_appcontext
    def close_db(_exc):
        handle = flask.g.pop("crm_db", None)
        if handle is not None:
            handle.close()

    def state():
        """This browser's session, or a new one (and no one checked in)."""
        if "kiosk" not in flask.g:
            sid = flask.session.get("sid")
            st = sessions.get(sid)
            if st is None:
                sid, st = sessions.new()
                flask.session["sid"] = sid
            flask.g.kiosk = st
        return flask.g.kiosk

    def restart():
        sessions.drop(flask.session.get("sid"))
        flask.g.pop("kiosk", None)
        flask.session.pop("sid", None)
        return state()

    def check_token():
        sent = flask.request.form.get("token", "")
        if not hmac.compare_digest(sent.encode("utf-8", "replace"),
                                   state()["token"].encode()):
            raise Expired()

    def page(template, status=200, **values):
        st = state()
        body = flask.render_template(template, token=st["token"], idle=idle, **values)
        return flask.Response(body, status=status)

    def customer_or_start():
        st = state()
        if st["step"] != "home" or not st["customer_id"]:
            return None
        return db().customer(st["customer_id"])

    @app.after_request
    def headers(resp):
        # No scripts at all; nothing is cached, so the back button cannot
        # bring the last customer's page back.
        resp.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    @app.errorhandler(crm.Error)
    def crm_failed(e):
        # The handle is opened with redact: the message holds no personal value.
        log.error("libcrm %s: %s", e.name, e)
        status = 503 if isinstance(e, crm.Busy) else 500
        return page("trouble.html", status, message=(
            "Sorry, the kiosk cannot reach our records just now. Please ask at the front desk."))

    @app.errorhandler(Expired)
    def expired(_e):
        restart()
        return page("trouble.html", 400, message="This page was open too long. "
                    "Please start again.")

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def http_failed(e):
        messages = {400: "The kiosk did not understand that.", 404: "There is no such page.",
                    405: "There is no such page.", 413: "That was too much text for the kiosk."}
        return page("trouble.html", e.code, message=messages[e.code])

    @app.get("/")
    def start():
        restart()
        return page("start.html")

    @app.post("/checkin")
    def checkin():
        check_token()
        try:
            number = clean_number(flask.request.form.get("number"))
        except BadInput as e:
            return page("start.html", 400, error=str(e))
        st = state()
        st.update(step="verify", candidates=find_customers(db(), number), tries=0,
                  customer_id=None)
        return flask.redirect(flask.url_for("verify"), 303)

    @app.route("/verify", methods=["GET", "POST"])
    def verify():
        st = state()
        if st["step"] != "verify":
            return flask.redirect(flask.url_for("start"), 303)
        if flask.request.method == "GET":
            return page("verify.html")
        check_token()
        form = flask.request.form
        today = clock().astimezone(zone).date()
        try:
            born = clean_birth_date(form.get("day"), form.get("month"), form.get("year"), today)
        except BadInput as e:
            return page("verify.html", 400, error=str(e))
        matches = [cid for cid in st["candidates"] if born_on(db(), cid, born)]
        if len(matches) == 1:
            st.update(step="home", customer_id=matches[0], candidates=[])
            return flask.redirect(flask.url_for("home"), 303)
        st["tries"] += 1
        if st["tries"] >= SESSION_TRIES:
            restart()
            return page("start.html", 403, error=NO_MATCH + " Please start again.")
        return page("verify.html", 403, error=NO_MATCH)

    @app.get("/you")
    def home():
        c = customer_or_start()
        if c is None:
            return flask.redirect(flask.url_for("start"), 303)
        now = clock()
        promises = [promise_sentence(p, now, zone)
                    for p in db().promises(customer_id=c.id, states="open")]
        return page("home.html", name=first_name(c.name), promises=promises)

    @app.route("/request", methods=["GET", "POST"])
    def request_page():
        c = customer_or_start()
        if c is None:
            return flask.redirect(flask.url_for("start"), 303)
        if flask.request.method == "GET":
            return page("request.html", name=first_name(c.name), text="")
        check_token()
        raw = flask.request.form.get("text", "")
        try:
            text = clean_request(raw)
        except BadInput as e:
            shown = "".join(ch for ch in raw if not has_control(ch))[:REQUEST_MAX * 2]
            return page("request.html", 400, name=first_name(c.name), text=shown, error=str(e))
        due = reply_due(clock(), zone)
        d = db()
        with d.transaction():
            visit = d.log(c, "kiosk", "in", handled_by=ACTOR, reason=REASON,
                          summary="request left at the kiosk", body=text,
                          outcome="transferred")
            promised = d.promise(c, f"get back to you about your request “{text}”", due,
                                 owner=OWNER, interaction_id=visit)
        state()["last_request"] = promised.id
        return flask.redirect(flask.url_for("thanks"), 303)

    @app.get("/thanks")
    def thanks():
        c = customer_or_start()
        st = state()
        if c is None or not st["last_request"]:
            return flask.redirect(flask.url_for("start"), 303)
        p = db().get_promise(st["last_request"])
        sentence, _late = promise_sentence(p, clock(), zone)
        return page("thanks.html", name=first_name(c.name), sentence=sentence)

    @app.route("/done", methods=["GET", "POST"])
    def done():
        # GET too: the idle refresh of every page lands here.
        restart()
        return flask.redirect(flask.url_for("start"), 303)

    @app.route("/staff", methods=["GET", "POST"])
    def staff():
        st = state()
        if flask.request.method == "POST":
            check_token()
            sent = flask.request.form.get("pin", "")
            if sessions.locked("staff"):
                return page("staff_login.html", 403, error="Too many wrong PINs. Wait a while.")
            if not hmac.compare_digest(sent.encode("utf-8", "replace"), pin.encode()):
                sessions.failed("staff")
                return page("staff_login.html", 403, error="That PIN is not right.")
            st = restart()
            st.update(staff=True, step="staff")
            return flask.redirect(flask.url_for("staff"), 303)
        if not st["staff"]:
            return page("staff_login.html")
        now = clock().astimezone(zone)
        rows = []
        d = db()
        for item in d.agenda(horizon=dt.timedelta(days=7)):
            promised = item.kind.startswith("promise")
            if promised:
                when = "due " + staff_time(item.due_at.astimezone(zone), now)
            elif item.kind == "contact_waiting":
                when = "since " + staff_time(item.since.astimezone(zone), now)
            else:
                when = day_words(item.due_at.astimezone(zone), now)
            rows.append({"kind": AGENDA_WORDS.get(item.kind, item.kind),
                         "late": item.kind == "promise_overdue",
                         # what was promised; for the others libcrm's sentence
                         "what": d.get_promise(item.id).what if promised else item.why,
                         "customer": item.customer_name, "when": when,
                         "owner": item.owner or item.customer_owner or ""})
        return page("staff.html", rows=rows)

    return app


AGENDA_WORDS = {"promise_overdue": "Overdue promise", "promise_due": "Promise due",
                "contact_waiting": "Waiting for a reply", "occasion": "Coming up"}


def open_db(app):
    """A handle on the kiosk's file: redacted, since what goes wrong here may
    be shown or logged where the public is."""
    k = app.extensions["kiosk"]
    return crm.open(k["db_path"], actor=ACTOR, default_country=k["country"], redact=True,
                    busy_timeout=k["busy_timeout"])


def find_customers(db, number):
    """The ids of the customers a number names, as a phone number or as a
    loyalty card (a family landline names several). Archived ones are left
    out."""
    found = {}
    for kind in ("phone", "loyalty"):
        try:
            holders = list(db.holders(kind, number))
        except crm.InvalidArgument:  # not a phone number: it may be a card
            continue
        for c in holders:
            if not c.archived:
                found[c.id] = c
    return sorted(found)


def born_on(db, customer_id, born):
    """Whether the customer's date of birth is born, asked of libcrm, which
    counts a wrong answer in the file (for every kiosk and every channel
    on it) and locks the record after too many. A locked record, or one
    with no date of birth on file, answers no: the person is told the same
    as for a wrong date, so the kiosk gives away neither."""
    try:
        return db.verify(customer_id, BIRTH_DATE_KEY, born.isoformat())
    except (crm.StateError, crm.NotFound):
        return False


# ---- the command ---------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="A walk-in kiosk on a libcrm database "
                                 "(served on 127.0.0.1).")
    ap.add_argument("--db", required=True, help="the database file (created if missing)")
    ap.add_argument("--seed", action="store_true", help="add the demo customers first")
    ap.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free one)")
    ap.add_argument("--country", default="GB", help="region national phone numbers are read in")
    ap.add_argument("--tz", default="Europe/London", help="time zone the kiosk speaks in")
    ap.add_argument("--idle", type=int, default=90,
                    help="seconds without a tap before the kiosk returns to the start")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if args.seed:
        import seed
        with crm.open(args.db, actor="system:seed", default_country=args.country) as db:
            seed.seed(db)
    app = create_app(args.db, country=args.country, tz=args.tz, idle=args.idle)
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"kiosk: serving http://127.0.0.1:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
