"""A reference model of libcrm: what the documentation promises, in plain
Python dictionaries and lists, small enough to read in one sitting.

It is written from docs/ and include/crm/*.h, not from lib/: each rule
below names the page it comes from. Where the documentation leaves a choice
open, the model makes it and says so ("Choice:"), and docs/testing.md lists
those choices. machine.py drives the model and the library side by side
and compares them after every step.

The model never makes an id: a write that succeeds in the library hands the
model the id the library made (ids are UUIDv7, ordered by when they were
made, so "by id" orders below are "in the order made"). A call the model
refuses raises Refused with the name of the crm exception class the library
must raise, before the model changes anything.

Times are epoch milliseconds; `now` is the handle's clock, which the
machine moves forward.
"""
import calendar
import copy
import datetime as dt
import re

DAY = 86_400_000

# ---- refusals --------------------------------------------------------------


class Refused(Exception):
    """The call is refused: `kind` is the crm exception class's name."""

    def __init__(self, kind, why):
        super().__init__(f"{kind}: {why}")
        self.kind = kind


def invalid(why):
    return Refused("InvalidArgument", why)


def not_found(why):
    return Refused("NotFound", why)


def conflict(why):
    return Refused("Conflict", why)


def state_error(why):
    return Refused("StateError", why)


# ---- the checks on text (include/crm/common.h, customer.h, identity.h) ------

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
WORD = re.compile(r"^[a-z][a-z0-9_]{0,31}$")       # purposes, custom channels, identity kinds
KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")       # attribute keys, reasons
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

NAME_MAX = 256        # CRM_NAME_MAX
ROLE_MAX = 128        # CRM_ROLE_MAX
ACTOR_MAX = 128       # CRM_ACTOR_MAX
ATTR_VALUE_MAX = 4096
TAG_MAX = 64
SUMMARY_MAX = 1024
EXTERNAL_REF_MAX = 256
TEXT_MAX = 1024       # CRM_PROMISE_TEXT_MAX, CRM_NOTE_MAX, CRM_CONSENT_NOTE_MAX
TIME_MAX = 253402300799999


def utf8_len(s):
    """Bytes of UTF-8; a str with no UTF-8 form (a lone surrogate) is
    refused as InvalidArgument (docs/python.md, "Strings")."""
    try:
        return len(s.encode("utf-8"))
    except UnicodeEncodeError:
        raise invalid("no UTF-8 form") from None


def check_text(what, s, limit, *, required=True, trim=False):
    """1..limit bytes of UTF-8 without control characters (a NUL among
    them); `trim`: no space at either end (names, owners)."""
    if s is None:
        if required:
            raise invalid(f"{what} is NULL")
        return
    n = utf8_len(s)
    if n == 0:
        raise invalid(f"{what} is empty")
    if n > limit:
        raise invalid(f"{what} is longer than {limit} bytes")
    if CONTROL.search(s):
        raise invalid(f"{what} holds a control character")
    if trim and (s[0] == " " or s[-1] == " "):
        raise invalid(f"{what} begins or ends with a space")


def check_id(what, s):
    if s is None:
        raise invalid(f"{what} is NULL")
    utf8_len(s)
    if not UUID.match(s):
        raise invalid(f"{what} is not an id")
    return s.lower()


def check_now(what, at, now):
    """A time a step says it happened: None is now; later than now, or
    outside the times libcrm keeps, is InvalidArgument."""
    if at is None:
        return now
    if at > now or at < -62135596800000 or at > TIME_MAX:
        raise invalid(f"{what} is in the future or out of range")
    return at


# ---- the records --------------------------------------------------------------

# the built-in channels; any other word ([a-z][a-z0-9_]{0,31}) is a custom
# channel, kept the first time it is used (interaction.h)
CHANNELS = ("phone", "ivr", "email", "chat", "sms", "social", "in_person", "kiosk", "web",
            "letter", "community")
DIRECTIONS = ("in", "out")
# None (or "none"): not known yet; an interaction reads "none" then
OUTCOMES = (None, "none", "resolved", "unresolved", "transferred", "abandoned", "escalated")


def new_customer(cid, kind, name, now):
    return {"id": cid, "kind": kind, "name": name, "created_at": now, "updated_at": now,
            "archived": False, "owner": None, "attrs": {}, "tags": set(), "erased": False}


class Model:
    """The whole database as the documentation describes it."""

    def __init__(self, now):
        self.now = now
        self.seq = 0                 # the journal's last sequence number
        self.customers = {}          # id -> dict (new_customer), erased ones kept
        self.order = []              # customer ids in the order made
        self.merged = {}             # absorbed id -> survivor id (one step)
        self.merges = {}             # absorbed id -> what an unmerge restores
        self.about = {}              # customer id -> seq of the last entry about it
        self.entries = []            # the journal's entries: seq, customer, at
        self.identities = []         # dicts: customer, kind, key, flags, made (order)
        self.interactions = {}       # id -> dict
        self.promises = {}           # id -> dict, with "history": [event dicts]
        self.consent = []            # event dicts, in the order recorded
        self.occasions = {}          # id -> dict
        self.memberships = []        # dicts: org, person, role, since
        self.wrong = {}              # customer id -> wrong answers: count, first, locked_until
        self.made = 0                # a counter for "the order recorded"

    # -- the journal (docs/api.md, "The journal"): one entry per change ------

    def journal(self, customer_id, n=1, at=None):
        """n entries about a customer (entity_id is the customer's id for
        every entity libcrm journals about one: docs/privacy.md), dated now, or
        `at` for a promise step (docs/api.md, "The entry")."""
        for _ in range(n):
            self.seq += 1
            self.entries.append({"seq": self.seq, "customer": customer_id,
                                 "at": self.now if at is None else at})
        if customer_id is not None:
            self.about[customer_id] = self.seq

    def snapshot(self):
        return copy.deepcopy(self.__dict__)

    def restore(self, snap):
        now = self.now
        self.__dict__.update(copy.deepcopy(snap))
        self.now = now               # a rollback does not turn the clock back

    def tick(self):
        self.made += 1
        return self.made

    # -- customers (include/crm/customer.h, docs/merge.md "The absorbed id") --

    def survivor(self, cid):
        while cid in self.merged:
            cid = self.merged[cid]
        return cid

    def live(self, cid, what="customer id"):
        """A customer a call may name: known, not absorbed by a merge, not
        erased (docs/merge.md: every call but get/resolve answers NotFound
        for an absorbed id; docs/privacy.md: so for an erased one)."""
        cid = check_id(what, cid)
        c = self.customers.get(cid)
        if c is None or c["erased"]:
            raise not_found(f"no customer {cid}")
        return c

    def get(self, cid):
        """crm_customer_get: an absorbed id gives its survivor."""
        cid = check_id("customer id", cid)
        if cid in self.merged:
            cid = self.survivor(cid)
        c = self.customers.get(cid)
        if c is None or c["erased"]:
            raise not_found(f"no customer {cid}")
        return c

    def create_customer(self, name, kind, new_id=None):
        if kind not in ("person", "organisation"):
            raise invalid("kind")
        check_text("name", name, NAME_MAX, trim=True)
        if new_id is None:
            return None
        self.customers[new_id] = new_customer(new_id, kind, name, self.now)
        self.order.append(new_id)
        self.journal(new_id)
        return new_id

    def touch(self, c):
        c["updated_at"] = self.now

    def rename_customer(self, cid, name):
        check_text("name", name, NAME_MAX, trim=True)
        c = self.live(cid)
        c["name"] = name
        self.touch(c)                 # Choice: a rename to the same name is a change too
        self.journal(c["id"])

    def set_customer_owner(self, cid, owner):
        check_text("owner", owner, ACTOR_MAX, required=False, trim=True)
        c = self.live(cid)
        c["owner"] = owner            # updated_at moves even for the same owner (customer.h)
        self.touch(c)
        self.journal(c["id"])

    def archive_customer(self, cid):
        c = self.live(cid)
        if c["archived"]:
            raise state_error("already archived")
        c["archived"] = True
        self.touch(c)
        self.journal(c["id"])

    def unarchive_customer(self, cid):
        c = self.live(cid)
        if not c["archived"]:
            raise state_error("not archived")
        c["archived"] = False
        self.touch(c)
        self.journal(c["id"])

    def customers_list(self, archived, kind=None, tag=None, name_prefix=None, owner=None,
                       order="created"):
        """crm_customer_list_open: archived False = active only, True =
        both, "only" = archived only; erased ones never. Order "created":
        oldest first, by created_at then id (two handles may make customers
        in the same millisecond, their ids in any order); "name": by name,
        ASCII case-insensitive, then id. A name prefix matches ASCII
        case-insensitively (customer.h)."""
        out = []
        for c in self.customers.values():
            if c["erased"]:
                continue
            if archived is False and c["archived"] or archived == "only" and not c["archived"]:
                continue
            if kind is not None and c["kind"] != kind or tag is not None and tag not in c["tags"]:
                continue
            if owner is not None and c["owner"] != owner:
                continue
            if name_prefix and not c["name"].encode().lower().startswith(
                    name_prefix.encode().lower()):
                continue
            out.append(c)
        if order == "name":
            out.sort(key=lambda c: (c["name"].encode().lower(), c["id"]))
        else:
            out.sort(key=lambda c: (c["created_at"], c["id"]))
        return [c["id"] for c in out]

    # -- attributes and tags ---------------------------------------------------

    def set_attr(self, cid, key, value):
        if key is None or not KEY.match(key):
            utf8_len(key or "")
            raise invalid("attribute key")
        # a value is 0..CRM_ATTR_VALUE_MAX bytes of UTF-8 (customer.h): empty
        # and tabs allowed; a NUL is refused by the binding
        if value is None or utf8_len(value) > ATTR_VALUE_MAX or "\x00" in value:
            raise invalid("attribute value")
        c = self.live(cid)
        c["attrs"][key] = value
        self.touch(c)
        self.journal(c["id"])

    def unset_attr(self, cid, key):
        if key is None or not KEY.match(key):
            utf8_len(key or "")
            raise invalid("attribute key")
        c = self.live(cid)
        if key not in c["attrs"]:
            raise not_found("no such attribute")
        del c["attrs"][key]
        self.touch(c)
        self.journal(c["id"])

    def add_tag(self, cid, tag):
        check_text("tag", tag, TAG_MAX, trim=True)
        c = self.live(cid)
        if tag in c["tags"]:
            raise conflict("tag already there")
        c["tags"].add(tag)
        self.touch(c)
        self.journal(c["id"])

    def remove_tag(self, cid, tag):
        check_text("tag", tag, TAG_MAX, trim=True)
        c = self.live(cid)
        if tag not in c["tags"]:
            raise not_found("no such tag")
        c["tags"].discard(tag)
        self.touch(c)
        self.journal(c["id"])

    # -- memberships (include/crm/customer.h; journaled on the organisation,
    #    docs/privacy.md; the customer's updated_at is not touched) --------------

    def membership(self, org, person):
        return next((m for m in self.memberships
                     if m["org"] == org and m["person"] == person), None)

    def add_member(self, org_id, person_id, role):
        check_id("org id", org_id)
        check_id("person id", person_id)
        check_text("role", role, ROLE_MAX, trim=True)
        o = self.live(org_id, "org id")      # the organisation first, then the person
        if o["kind"] != "organisation":
            raise invalid("not an organisation")
        p = self.live(person_id, "person id")
        if p["kind"] != "person":
            raise invalid("not a person")
        if self.membership(o["id"], p["id"]):
            raise conflict("already a member")
        self.memberships.append({"org": o["id"], "person": p["id"], "role": role,
                                 "since": self.now})
        self.journal(o["id"])

    def remove_member(self, org_id, person_id):
        org_id = check_id("org id", org_id)
        person_id = check_id("person id", person_id)
        m = self.membership(org_id, person_id)
        if m is None:
            raise not_found("not a member")
        self.memberships.remove(m)
        self.journal(org_id)

    @staticmethod
    def moved(m, absorbed, keep):
        """(org, person) of membership m once absorbed is merged into keep."""
        return tuple(keep if m[e] == absorbed else m[e] for e in ("org", "person"))

    def members(self, cid):
        """An organisation's people, or a person's organisations, by name as
        customers are (ASCII case-insensitive, then id; customer.h). Rows:
        (org, person, role, since)."""
        c = self.live(cid)
        end, other = ("org", "person") if c["kind"] == "organisation" else ("person", "org")
        mine = [m for m in self.memberships if m[end] == c["id"]]
        mine.sort(key=lambda m: (self.customers[m[other]]["name"].encode().lower(), m[other]))
        return [(m["org"], m["person"], m["role"], m["since"]) for m in mine]

    # -- confirming who is there (include/crm/verify.h) ---------------------------

    VERIFY_MAX_FAILURES = 5
    VERIFY_WINDOW = 15 * 60 * 1000

    @staticmethod
    def squeeze(s):
        """What an answer is compared as: no ASCII whitespace, ASCII lower case."""
        return re.sub(r"[ \t\n\v\f\r]", "", s).encode().lower()

    def verify(self, cid, key, answer):
        if key is None or not KEY.match(key):
            utf8_len(key or "")
            raise invalid("attribute key")
        if answer is None or utf8_len(answer) > ATTR_VALUE_MAX or not self.squeeze(answer) \
                or "\x00" in answer:
            raise invalid("answer")
        c = self.live(cid)
        w = self.wrong.get(c["id"])
        if w and w["locked_until"] is not None and self.now < w["locked_until"]:
            raise state_error("locked")
        if key not in c["attrs"]:
            raise not_found(f"no attribute {key}")
        stored = self.squeeze(c["attrs"][key])
        if stored and stored == self.squeeze(answer):
            if w:                        # a right one clears the count, journaled
                del self.wrong[c["id"]]
                self.journal(None)       # "verify" is no change an unmerge undoes (merge.md)
            return True
        if not w or self.now - w["first"] >= self.VERIFY_WINDOW or \
                w["locked_until"] is not None and self.now >= w["locked_until"]:
            w = self.wrong[c["id"]] = {"count": 0, "first": self.now, "locked_until": None}
        w["count"] += 1
        if w["count"] >= self.VERIFY_MAX_FAILURES:
            w["locked_until"] = self.now + self.VERIFY_WINDOW
        self.journal(None)
        return False

    # -- identities (include/crm/identity.h) ------------------------------------
    # Kinds used: "email" (key: the address lower-cased; the machine makes
    # addresses whose key is the address itself) and "phone" (E.164 given).

    def holdings(self, kind, key):
        return [i for i in self.identities if i["kind"] == kind and i["key"] == key]

    def holding(self, cid, kind, key):
        for i in self.identities:
            if i["customer"] == cid and i["kind"] == kind and i["key"] == key:
                return i
        return None

    def add_identity(self, cid, kind, key, flags):
        c = self.live(cid)
        if self.holding(c["id"], kind, key):
            raise conflict("the customer holds it already")
        others = self.holdings(kind, key)
        if others and (not flags & 4 or any(not o["flags"] & 4 for o in others)):
            raise conflict("another customer holds it, not shared")
        entries = 1
        if flags & 1:
            # A PRIMARY identity takes the flag from the customer's other
            # identities of its kind; each that loses it is journaled
            # (op "flags"). Choice, checked: one entry per identity changed.
            for i in self.identities:
                if i["customer"] == c["id"] and i["kind"] == kind and i["flags"] & 1:
                    i["flags"] &= ~1
                    entries += 1
        self.identities.append({"customer": c["id"], "kind": kind, "key": key,
                                "flags": flags, "made": self.tick(), "created_at": self.now})
        self.journal(c["id"], entries)

    def remove_identity(self, cid, kind, key):
        c = self.live(cid)
        i = self.holding(c["id"], kind, key)
        if i is None:
            raise not_found("the customer does not hold it")
        self.identities.remove(i)
        self.journal(c["id"])

    def set_identity_flags(self, cid, kind, key, flags):
        c = self.live(cid)
        i = self.holding(c["id"], kind, key)
        if i is None:
            raise not_found("the customer does not hold it")
        if not flags & 4 and len(self.holdings(kind, key)) > 1:
            raise conflict("others hold it: it stays shared")
        entries = 1
        if flags & 1 and not i["flags"] & 1:
            for o in self.identities:
                if o is not i and o["customer"] == c["id"] and o["kind"] == kind and o["flags"] & 1:
                    o["flags"] &= ~1
                    entries += 1
        i["flags"] = flags
        self.journal(c["id"], entries)

    def lookup(self, kind, key):
        """The one live holder; NotFound for none, Ambiguous for several."""
        held = [i for i in self.holdings(kind, key)]
        if not held:
            raise not_found("no one holds it")
        if len(held) > 1:
            raise Refused("Ambiguous", "several hold it")
        return held[0]["customer"]

    def holders(self, kind, key):
        """By id (the order the customers were made)."""
        return sorted(i["customer"] for i in self.holdings(kind, key))

    # The forms of a value the machine types: a phone number read in the
    # handle's default country (US), an address in another case.
    FORMS = {"(415) 555-0100": ("phone", "+14155550100"),
             "415.555.0101": ("phone", "+14155550101"),
             "Ann@Example.COM": ("email", "ann@example.com")}

    def resolve(self, text):
        """crm_customer_resolve_open: every customer the text names, by id
        (identity.h): an id-shaped text as an id only (an absorbed id names
        its survivor, an erased one no one); else the holders of the phone
        number or the address it is (and of an account or a loyalty number,
        kinds the machine never adds). Archived customers too."""
        if not text or not text.strip():
            raise invalid("text")
        if UUID.match(text):
            try:
                return [self.get(text)["id"]]
            except Refused:
                return []
        kind, key = self.FORMS.get(text) or (("email", text.lower()) if "@" in text
                                             else ("phone", text))
        return self.holders(kind, key)

    def resolve_one(self, text):
        found = self.resolve(text)
        if not found:
            raise not_found("no one")
        if len(found) > 1:
            raise Refused("Ambiguous", "several")
        return found[0]

    def identity(self, cid, kind, key):
        """crm_identity_get: the customer's identity by any form of its value."""
        c = self.live(cid)
        i = self.holding(c["id"], kind, key)
        if i is None:
            raise not_found("not theirs")
        return i

    def identities_of(self, cid):
        """By kind, primary first, then the oldest first, then by key
        (identity.h)."""
        c = self.live(cid)
        mine = [i for i in self.identities if i["customer"] == c["id"]]
        return sorted(mine, key=lambda i: (i["kind"], not i["flags"] & 1, i["created_at"],
                                           i["key"].encode()))

    # -- interactions (include/crm/interaction.h, docs/history.md) -------------

    def log(self, cid, channel, direction, occurred_at, outcome, reason, summary, reply_to,
            new_id=None, handled_by=None, external_ref=None):
        if channel is None or channel not in CHANNELS and not WORD.match(channel):
            raise invalid("channel")
        if direction not in DIRECTIONS:
            raise invalid("direction")
        at = check_now("occurred_at", occurred_at, self.now)
        if outcome not in OUTCOMES:
            raise invalid("outcome")
        if reason is not None and not KEY.match(reason):
            utf8_len(reason)
            raise invalid("reason")
        check_text("summary", summary, SUMMARY_MAX, required=False)
        check_text("external_ref", external_ref, EXTERNAL_REF_MAX, required=False, trim=True)
        rid = check_id("reply_to", reply_to) if reply_to is not None else None
        c = self.live(cid)
        thread = None
        if reply_to is not None:
            r = self.interactions.get(rid)
            if r is None:
                raise not_found("reply_to names no interaction")
            if r["customer"] != c["id"]:
                raise invalid("a reply to another customer's interaction")
            thread = r["thread"]
        if external_ref is not None and self.by_ref(channel, external_ref):
            raise conflict("the reference is recorded on the channel")
        if new_id is None:
            return None
        self.interactions[new_id] = {
            "id": new_id, "customer": c["id"], "channel": channel, "direction": direction,
            "occurred_at": at, "outcome": outcome or "none", "reason": reason, "summary": summary,
            "reply_to": reply_to.lower() if reply_to else None, "public": False,
            "thread": thread or new_id, "handled_by": handled_by,
            "external_ref": external_ref, "changed": self.now}
        self.journal(c["id"])
        return new_id

    def by_ref(self, channel, external_ref):
        """The interaction with this reference on the channel, or None: a
        reference is unique per channel (interaction.h)."""
        return next((i for i in self.interactions.values() if i["channel"] == channel
                     and i["external_ref"] == external_ref), None)

    def interaction_by_ref(self, channel, external_ref):
        i = self.by_ref(channel, external_ref)
        if i is None:
            raise not_found("no interaction has the reference")
        return i

    def interaction(self, iid):
        iid = check_id("interaction id", iid)
        i = self.interactions.get(iid)
        if i is None:
            raise not_found("no such interaction")
        return i

    def set_outcome(self, iid, outcome):
        if outcome not in OUTCOMES:
            raise invalid("outcome")
        i = self.interaction(iid)
        self.live(i["customer"])      # an erased customer's records take no writes
        i["outcome"] = outcome or "none"
        i["changed"] = self.now
        self.journal(i["customer"])

    def set_reason(self, iid, reason):
        if reason is not None and not KEY.match(reason):
            utf8_len(reason)
            raise invalid("reason")
        i = self.interaction(iid)
        self.live(i["customer"])
        i["reason"] = reason
        i["changed"] = self.now
        self.journal(i["customer"])

    def set_public(self, iid, public):
        i = self.interaction(iid)
        self.live(i["customer"])
        if i["public"] == public:
            return                    # the value it has: nothing changes (interaction.h)
        i["public"] = public
        i["changed"] = self.now
        self.journal(i["customer"])

    def set_summary(self, iid, summary):
        check_text("summary", summary, SUMMARY_MAX, required=False)
        i = self.interaction(iid)
        self.live(i["customer"])
        i["summary"] = summary
        i["changed"] = self.now
        self.journal(i["customer"])

    def delete_interaction(self, iid):
        i = self.interaction(iid)
        self.live(i["customer"])      # an erased customer's records take no writes
        if any(e["interaction"] == i["id"] for e in self.consent):
            raise state_error("a consent event names it")
        # Its replies answer what it answered; when it began its thread, the
        # oldest of the others begins it (interaction.h).
        replies = [r for r in self.interactions.values() if r["reply_to"] == i["id"]]
        for r in replies:
            r["reply_to"] = i["reply_to"]
        if i["thread"] == i["id"]:
            rest = sorted((r for r in self.interactions.values()
                           if r["thread"] == i["id"] and r is not i),
                          key=lambda r: (r["occurred_at"], r["id"]))
            for r in rest:
                r["thread"] = rest[0]["id"]
        for p in self.promises.values():
            if p["interaction"] == i["id"]:
                p["interaction"] = None
            if p["kept_by"] == i["id"]:
                p["kept_by"] = None
        del self.interactions[i["id"]]
        self.journal(i["customer"])

    def timeline(self, cid):
        """Newest first; ties by id, the later made first (docs/history.md)."""
        c = self.live(cid)
        mine = [i for i in self.interactions.values() if i["customer"] == c["id"]]
        return [i["id"] for i in sorted(mine, key=lambda i: (i["occurred_at"], i["id"]),
                                        reverse=True)]

    def thread(self, iid):
        """The conversation, oldest first (Choice, checked: ties by id)."""
        i = self.interaction(iid)
        mine = [r for r in self.interactions.values() if r["thread"] == i["thread"]]
        return [r["id"] for r in sorted(mine, key=lambda r: (r["occurred_at"], r["id"]))]

    # -- promises (include/crm/promise.h, docs/history.md "Promises") ----------

    def promise(self, pid):
        pid = check_id("promise id", pid)
        p = self.promises.get(pid)
        if p is None:
            raise not_found("no such promise")
        return p

    def make_promise(self, cid, what, due_at, owner, interaction_id, at, new_id=None):
        check_text("what", what, TEXT_MAX)
        check_text("owner", owner, ACTOR_MAX, trim=True)
        made = check_now("at", at, self.now)
        if interaction_id is not None:
            check_id("interaction id", interaction_id)
        if due_at < made:
            raise invalid("due before it was made")
        c = self.live(cid)
        if interaction_id is not None:
            i = self.interaction(interaction_id)
            if i["customer"] != c["id"]:
                raise invalid("an interaction of another customer")
        if new_id is None:
            return None
        self.promises[new_id] = {
            "id": new_id, "customer": c["id"], "what": what, "owner": owner,
            "interaction": interaction_id.lower() if interaction_id else None,
            "state": "open", "due_at": due_at, "first_due_at": due_at, "made_at": made,
            "closed_at": None, "kept_by": None, "renegotiations": 0, "last_step": made,
            "history": [{"kind": "made", "at": made, "old_due": None, "new_due": due_at,
                         "agreed": False, "note": None}]}
        self.journal(c["id"], at=made)
        return new_id

    def step(self, pid, kind, at, note, *, note_required, new_due=None, agreed=False,
             interaction_id=None):
        check_text("note", note, TEXT_MAX, required=note_required)
        t = check_now("at", at, self.now)
        if interaction_id is not None:
            check_id("interaction id", interaction_id)
        p = self.promise(pid)
        if interaction_id is not None:
            i = self.interaction(interaction_id)
            if i["customer"] != p["customer"]:
                raise invalid("an interaction of another customer")
        self.live(p["customer"])
        if p["state"] != "open":
            raise state_error(f"the promise is {p['state']}")
        if t < p["last_step"]:
            raise invalid("a step before the promise's last step")
        if kind == "renegotiated":
            if new_due == p["due_at"]:
                raise invalid("a renegotiation must change the due time")
            if new_due < t:
                raise invalid("a due time before the step")
            p["history"].append({"kind": kind, "at": t, "old_due": p["due_at"],
                                 "new_due": new_due, "agreed": agreed, "note": note})
            p["due_at"] = new_due
            p["renegotiations"] += 1
            p["last_step"] = t
        else:
            # a step's due times before and after: equal unless renegotiated
            # (promise.h, crm_promise_event_old_due)
            p["history"].append({"kind": kind, "at": t, "old_due": p["due_at"],
                                 "new_due": p["due_at"], "agreed": False, "note": note})
            p["state"] = {"kept": "kept", "broken": "broken", "released": "released"}[kind]
            p["closed_at"] = t
            if kind == "kept" and interaction_id is not None:
                p["kept_by"] = interaction_id.lower()
        self.journal(p["customer"], at=t)

    def promise_list(self, cid=None, overdue_as_of=None):
        """By due time, then id (docs/history.md "Lists")."""
        if cid is not None:
            cid = self.live(cid)["id"]
        out = [p for p in self.promises.values()
               if (cid is None or p["customer"] == cid)
               and (overdue_as_of is None or p["state"] == "open" and p["due_at"] < overdue_as_of)]
        return [p["id"] for p in sorted(out, key=lambda p: (p["due_at"], p["id"]))]

    # -- occasions (include/crm/occasion.h, docs/history.md "Occasions") -------

    def add_occasion(self, cid, kind, month, day, year, yearly, lead_days, note, new_id=None):
        if kind is None or not WORD.match(kind):
            raise invalid("kind")
        if not 1 <= month <= 12:
            raise invalid("month")
        if year is not None and not 1 <= year <= 9999:
            raise invalid("year")
        if not yearly and year is None:
            raise invalid("a one-off occasion needs a year")
        # the day must exist: in that year when one is given; a yearly
        # 29 February without a year is accepted (a leap year's)
        last = calendar.monthrange(year if year is not None else 2000, month)[1]
        if not 1 <= day <= last:
            raise invalid("day")
        if not 0 <= lead_days <= 366:
            raise invalid("lead days")
        check_text("note", note, TEXT_MAX, required=False)
        c = self.live(cid)
        if new_id is None:
            return None
        self.occasions[new_id] = {"id": new_id, "customer": c["id"], "kind": kind,
                                  "month": month, "day": day, "year": year, "yearly": yearly,
                                  "lead": lead_days}
        self.journal(c["id"])
        return new_id

    def remove_occasion(self, oid):
        oid = check_id("occasion id", oid)
        o = self.occasions.get(oid)
        if o is None:
            raise not_found("no such occasion")
        del self.occasions[oid]
        self.journal(o["customer"])

    def occasions_of(self, cid):
        """By month and day (Choice, checked: then id)."""
        c = self.live(cid)
        mine = [o for o in self.occasions.values() if o["customer"] == c["id"]]
        return [o["id"] for o in sorted(mine, key=lambda o: (o["month"], o["day"], o["id"]))]

    def upcoming(self, start, days):
        """Every occurrence on or after `start` that surfaces (its date less
        its lead days) by the window's last day; by date, then customer
        (Choice, checked: then occasion id). A yearly 29 February falls on
        28 February in common years; a yearly occasion with a year has no
        occurrence before it (Choice, checked). Rows: (id, date, years)."""
        if not 1 <= days <= 3653:
            raise invalid("days")
        last = start + dt.timedelta(days=days - 1)
        rows = []
        for o in self.occasions.values():
            if o["yearly"]:
                years = range(start.year, min(last.year + 2, 9999) + 1)
            else:
                years = [o["year"]]
            for y in years:
                if o["yearly"] and o["year"] is not None and y < o["year"]:
                    continue
                d = o["day"]
                if o["month"] == 2 and d == 29 and not calendar.isleap(y):
                    d = 28
                when = dt.date(y, o["month"], d)
                if when < start or when - dt.timedelta(days=o["lead"]) > last:
                    continue
                n = y - o["year"] if o["yearly"] and o["year"] is not None else 0
                rows.append((when, o["customer"], o["id"], n))
        return [(oid, when, n) for when, cust, oid, n in sorted(rows)]

    # -- consent (docs/consent.md) -----------------------------------------------

    def consent_event(self, cid, purpose, channel, granted, at, new_id=None):
        if purpose is None or not WORD.match(purpose):
            utf8_len(purpose or "")
            raise invalid("purpose")
        if channel is not None and not WORD.match(channel):
            utf8_len(channel)
            raise invalid("channel")
        t = check_now("at", at, self.now)
        c = self.live(cid)
        if new_id is None:
            return None
        self.consent.append({"id": new_id, "customer": c["id"], "purpose": purpose,
                             "channel": channel, "granted": granted, "at": t,
                             "interaction": None, "order": self.tick()})
        self.journal(c["id"])
        return new_id

    @staticmethod
    def deciding(events, purpose, channel):
        """The latest event of the purpose on the channel or on every
        channel (channel None: every channel's only), by at, then the last
        recorded: by id, whose time is when it was recorded (consent.md;
        Choice, checked: two handles recording in one millisecond are
        ordered by their ids, not by which committed first); None when
        there is none."""
        mine = [e for e in events if e["purpose"] == purpose
                and (e["channel"] is None or channel is not None and e["channel"] == channel)]
        return max(mine, key=lambda e: (e["at"], e["id"]), default=None)

    def decision(self, cid, purpose, channel):
        """The event may_contact's answer comes from (None: no; consent.md)."""
        if purpose is None or not WORD.match(purpose):
            raise invalid("purpose")
        if channel is not None and not WORD.match(channel):
            raise invalid("channel")
        c = self.live(cid)
        return self.deciding([e for e in self.consent if e["customer"] == c["id"]], purpose,
                             channel)

    def may_contact(self, cid, purpose, channel):
        e = self.decision(cid, purpose, channel)
        return bool(e and e["granted"])

    def consent_history(self, cid):
        """Newest first: by at, then the last recorded first (consent.md)."""
        c = self.live(cid)
        mine = [e for e in self.consent if e["customer"] == c["id"]]
        return [e["id"] for e in sorted(mine, key=lambda e: (e["at"], e["id"]), reverse=True)]

    # -- merge and unmerge (docs/merge.md) ---------------------------------------

    def merge(self, keep_id, absorb_id, added_ids=None):
        keep_id = check_id("keep id", keep_id)
        absorb_id = check_id("absorbed id", absorb_id)
        if keep_id == absorb_id:
            raise invalid("a customer into itself")
        k = self.live(keep_id)
        a = self.live(absorb_id)
        if k["kind"] != a["kind"]:
            raise invalid("a person and an organisation")
        before = self.snapshot()
        # consent: a withdrawal is never lost (docs/consent.md)
        mine = [e for e in self.consent if e["customer"] == keep_id]
        theirs = [e for e in self.consent if e["customer"] == absorb_id]
        joined = mine + theirs
        needed = []
        for purpose, channel in sorted({(e["purpose"], e["channel"] or "") for e in joined}):
            channel = channel or None
            sides = [self.deciding(s, purpose, channel) for s in (mine, theirs)]
            after = self.deciding(joined, purpose, channel)
            if any(d and not d["granted"] for d in sides) and after and after["granted"]:
                needed.append((purpose, channel))
        if added_ids is None:
            return len(needed)        # the machine asks, then gives the ids it read
        # identities: a value both hold stays the kept one's; the absorbed
        # primary stops being primary where the kept one has a primary of its kind
        for i in [i for i in self.identities if i["customer"] == absorb_id]:
            if self.holding(keep_id, i["kind"], i["key"]):
                self.identities.remove(i)
                continue
            if i["flags"] & 1 and any(o["customer"] == keep_id and o["kind"] == i["kind"]
                                      and o["flags"] & 1 for o in self.identities):
                i["flags"] &= ~1
            i["customer"] = keep_id
        for i in self.interactions.values():
            if i["customer"] == absorb_id:
                i["customer"] = keep_id
        for p in self.promises.values():
            if p["customer"] == absorb_id:
                p["customer"] = keep_id
        for e in theirs:
            e["customer"] = keep_id
        # a membership both hold (one organisation, one person): the kept
        # role and date stay (docs/merge.md)
        held = []                     # (the absorbed one's as it was, moved?)
        for m in [m for m in self.memberships if absorb_id in (m["org"], m["person"])]:
            moved = {e: keep_id if m[e] == absorb_id else m[e] for e in ("org", "person")}
            held.append((dict(m), not self.membership(moved["org"], moved["person"])))
            if held[-1][1]:
                m.update(moved)
            else:
                self.memberships.remove(m)
        for o in self.occasions.values():
            if o["customer"] == absorb_id:
                o["customer"] = keep_id
        for (purpose, channel), eid in zip(needed, added_ids):
            self.consent.append({"id": eid, "customer": keep_id, "purpose": purpose,
                                 "channel": channel, "granted": False, "at": self.now,
                                 "interaction": None, "order": self.tick()})
        k["tags"] |= a["tags"]
        for key, value in a["attrs"].items():
            k["attrs"].setdefault(key, value)
        k["updated_at"] = self.now
        del self.customers[absorb_id]
        self.wrong.pop(absorb_id, None)   # the absorbed one's count goes (verify.h)
        self.merged[absorb_id] = keep_id
        self.journal(absorb_id)       # op "merged" on the absorbed id
        self.journal(keep_id)         # op "merge" on the survivor
        self.merges[absorb_id] = {"before": before, "keep": keep_id, "seq": self.seq,
                                  "memberships": held}
        return len(needed)

    def unmerge(self, absorbed_id):
        absorbed_id = check_id("absorbed id", absorbed_id)
        m = self.merges.get(absorbed_id)
        if m is None:
            if absorbed_id in self.customers and not self.customers[absorbed_id]["erased"]:
                raise state_error("not merged")
            raise not_found("no such customer, or erased")
        keep = m["keep"]
        if self.about.get(keep) != m["seq"] or self.about.get(absorbed_id) != m["seq"] - 1:
            raise state_error("something changed since the merge")
        if not any(e["seq"] == m["seq"] for e in self.entries):
            raise state_error("the merge's journal entry was dropped")
        # a membership the merge moved or kept that the survivor no longer has
        if any(self.membership(*self.moved(h, absorbed_id, keep)) is None
               for h, _ in m["memberships"]):
            raise state_error("a membership the merge moved or kept is gone")
        held = m["memberships"]
        # Everything of the two customers back as before the merge; the
        # rest of the database as it is now.
        old = m["before"]
        self.customers[absorbed_id] = old["customers"][absorbed_id]
        # the absorbed customer comes back with no wrong answers counted (merge.md)
        self.customers[keep] = old["customers"][keep]
        del self.merged[absorbed_id]
        del self.merges[absorbed_id]
        two = (keep, absorbed_id)
        self.identities = [i for i in self.identities if i["customer"] not in two] + \
            [i for i in old["identities"] if i["customer"] in two]
        self.identities.sort(key=lambda i: i["made"])
        for iid, i in old["interactions"].items():
            if iid in self.interactions and i["customer"] in two:
                self.interactions[iid]["customer"] = i["customer"]
        for pid, p in old["promises"].items():
            if pid in self.promises and p["customer"] in two:
                self.promises[pid]["customer"] = p["customer"]
        for oid, o in old["occasions"].items():
            if oid in self.occasions and o["customer"] in two:
                self.occasions[oid]["customer"] = o["customer"]
        self.consent = [e for e in self.consent if e["customer"] not in two] + \
            [e for e in old["consent"] if e["customer"] in two]
        # the memberships the merge moved back to the absorbed customer; those
        # both held to both again (the rest as they are now)
        for h, was_moved in held:
            if was_moved:
                self.memberships.remove(self.membership(*self.moved(h, absorbed_id, keep)))
            self.memberships.append(dict(h))
        self.consent.sort(key=lambda e: e["order"])
        self.journal(keep)            # op "unmerge" on both: the survivor first (merge.md)
        self.journal(absorbed_id)

    # -- erase (docs/privacy.md) ----------------------------------------------------

    def erase(self, cid):
        cid = check_id("customer id", cid)
        c = self.customers.get(cid)
        if c is None:
            raise not_found("no such customer")
        if c["erased"]:
            return                    # a repeated erase changes nothing
        c.update(name="", attrs={}, tags=set(), erased=True, archived=True)
        self.identities = [i for i in self.identities if i["customer"] != cid]
        self.occasions = {k: o for k, o in self.occasions.items() if o["customer"] != cid}
        self.memberships = [m for m in self.memberships if cid not in (m["org"], m["person"])]
        self.wrong.pop(cid, None)
        for i in self.interactions.values():
            if i["customer"] == cid:
                i["summary"] = None
                i["external_ref"] = None
        for p in self.promises.values():
            if p["customer"] == cid:
                p["what"] = ""
                for e in p["history"]:
                    e["note"] = None
        self.journal(cid)

    # -- retention (include/crm/privacy.h) ----------------------------------------

    def active_since(self, c):
        """The customer's last activity: created or changed, an interaction
        that occurred or changed, a promise step, a journal entry about it
        (privacy.h)."""
        times = [c["created_at"], c["updated_at"]]
        times += [e["at"] for e in self.entries if e["customer"] == c["id"]]
        times += [t for i in self.interactions.values() if i["customer"] == c["id"]
                  for t in (i["occurred_at"], i["changed"])]
        times += [e["at"] for p in self.promises.values() if p["customer"] == c["id"]
                  for e in p["history"]]
        return max(times)

    def erase_inactive(self, before, dry_run):
        # each erased and journaled in id order (Choice, checked; privacy.h)
        idle = sorted(c["id"] for c in self.customers.values()
                      if not c["erased"] and self.active_since(c) < before)
        if not dry_run:
            for cid in idle:
                self.erase(cid)
            self.journal(None)        # "retention" "erase_inactive": the cut-off and count
        return len(idle)

    def drop_journal(self, before, dry_run):
        old = [e for e in self.entries if e["at"] < before]
        if not dry_run:
            self.entries = [e for e in self.entries if e["at"] >= before]
            self.journal(None)        # "journal" "drop": how many, the cut-off
        return len(old)
