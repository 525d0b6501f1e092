"""The state machine: random sequences of libcrm calls, legal and illegal,
made on the library (through the Python binding) and on the reference
model (model.py) side by side, the two compared after every step.

Each rule makes one call, on the library and on the model. The model
either refuses it (Refused: the library must raise that crm class and
change nothing: its journal does not grow) or applies it (the library must
succeed, and its journal must grow by as many entries as the model's).
After every step the invariants read everything back through the binding
and compare it with the model; every INTEGRITY_EVERY steps SQLite's
integrity check runs on the file.

Time is the handle's clock (crm.open(clock=...)), the model's `now`, which
the `advance` rule moves: overdue promises and backdated steps come out of
the sequences, not out of the wall clock.
"""
import datetime as dt
import math
import os
import shutil
import sqlite3
import sys
import tempfile

from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule)

import crm
from model import DAY, Model, Refused
from views import REPORTS, Options, agenda, duplicates, report, search

T0 = 1_800_000_000_000          # 2027-01-15T08:00:00Z
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
UNKNOWN = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"   # a well-formed id no one has
INTEGRITY_EVERY = 25
REF_RANGE = 14
REF = st.integers(0, REF_RANGE - 1)


def cid_lower(cid):
    return cid.lower()


def ms(t):
    return None if t is None else (t - EPOCH) // dt.timedelta(milliseconds=1)


# ---- the values the rules draw from ------------------------------------------

GOOD_NAMES = ["Ann", "Bob Example", "Zoë Ångström", "王小明", "a" * 256, "Dee", "Eve"]
BAD_TEXT = ["", " Ann", "Ann ", "An\x00n", "An\tn", "bad \udcff", "é" * 129]  # 258 bytes
ATTR_KEYS = ["tier", "date_of_birth", "x.y:z"]
BAD_KEYS = ["", "has space", "k" * 65, "clé"]
TAGS = ["vip", "late-payer", "Ünïcode"]
OWNERS = [None, "agent:alice", "team:billing"]
IDENTITIES = [("email", "ann@example.com"), ("email", "home@example.com"),
              ("phone", "+14155550100"), ("phone", "+14155550101")]
BAD_IDENTITIES = [("email", "not-an-address"), ("phone", "12"), ("Email", "a@b.com")]
CHANNELS = ["phone", "email", "sms", "in_person", "social", "ivr", "whatsapp"]  # the last custom
HANDLERS = [None, "agent:bob", "ivr:menu", "bot:faq"]
REFS = [None, None, "ref-1", "ref-2"]        # external references: unique per channel
OUTCOMES = [None, "resolved", "unresolved", "transferred"]
REASONS = [None, "billing", "billing.refund", "shipping.lost"]
SUMMARIES = [None, "Charged twice", "Wants a callback"]
PURPOSES = ["marketing", "surveys"]
CONSENT_CHANNELS = [None, "email", "sms"]
STEPS_BACK = [None, 0, 1, 60_000, DAY]          # at: now, or this long before now


# Preconditions are named functions: Hypothesis describes a lambda by its
# source on every draw.
def outside_group(self):
    return self.in_group is None


def inside_group(self):
    return self.in_group is not None


def several_live(self):
    return sum(not c["erased"] for c in self.model.customers.values()) > 1


class CrmMachine(RuleBasedStateMachine):
    """One handle on one file, and the model."""

    _template = None             # an empty database, made once, copied per sequence
    VIEWS_EVERY = 1              # resolve, reports, agenda, search, duplicates: every step

    @property
    def view_turn(self):
        """Which turn of the views this is: what their options rotate on."""
        return self.steps // self.VIEWS_EVERY

    def __init__(self):
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="crm-model-")
        self.path = os.path.join(self.dir, "model.crm")
        self.model = Model(T0)
        if CrmMachine._template is None:
            tdir = tempfile.mkdtemp(prefix="crm-model-template-")
            CrmMachine._template = os.path.join(tdir, "empty.crm")
            crm.open(CrmMachine._template).close()
        shutil.copyfile(CrmMachine._template, self.path)
        os.chmod(self.path, 0o600)
        self.db = self.open()
        self.steps = 0
        self.in_group = None     # the model's snapshot at begin()
        self.through = None      # another handle the invariants read through, for a while

    @property
    def reader(self):
        """The handle the invariants read through."""
        return self.through or self.db

    def open(self):
        # durability "normal": no sync per commit (the sequences test the
        # API, not the disk; tests/reliability does the disk)
        return crm.open(self.path, actor="agent:model", default_country="US",
                        durability="normal", clock=lambda: self.model.now)

    def teardown(self):
        CrmMachine.stats.setdefault("(sequences)", [0, 0])[0] += 1
        CrmMachine.stats.setdefault("(steps)", [0, 0])[0] += self.steps
        self.close_all()
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)

    def close_all(self):
        self.db.close()

    # ---- making one call on both -------------------------------------------------

    # what ran: {rule: [calls accepted, calls refused]}, for CRM_MODEL_STATS
    stats = {}

    def count(self, refused, depth):
        """Count the call of the rule `depth` frames up."""
        name = sys._getframe(depth).f_code.co_name
        self.stats.setdefault(name, [0, 0])[1 if refused else 0] += 1

    def call(self, lib, check, apply=None):
        """The model's verdict first: check() raises Refused or returns
        (and, for both(), applies the call). Then lib(): it must refuse
        with the same class and journal nothing, or succeed when the model
        accepts; apply(result), if given, then applies it to the model
        (with the id the library made), and the journal must have grown as
        the model's did. Returns lib()'s result, or None when refused."""
        seq, mseq = self.db.last_seq, self.model.seq
        try:
            check()
            refused = None
        except Refused as r:
            refused = r
        self.count(refused, 3)
        try:
            got = lib()
        except crm.Error as e:
            assert refused is not None, f"the library refused what the model accepts: {e!r}"
            assert type(e).__name__ == refused.kind, \
                f"the library raised {type(e).__name__} ({e}); the model: {refused}"
            assert self.db.last_seq == seq, "a refused call journaled something"
            return None
        assert refused is None, f"the library accepted what the model refuses: {refused}"
        if apply is not None:
            apply(got)
        assert self.db.last_seq - seq == self.model.seq - mseq, \
            f"journal grew by {self.db.last_seq - seq}, the model by {self.model.seq - mseq}"
        return got

    def both(self, lib, mod):
        """A call on the library and the model (mod() checks and applies)."""
        return self.call(lib, mod)

    def answer(self, lib, mod):
        """both(), and the library's answer must be the model's."""
        said = []
        got = self.call(lib, lambda: said.append(mod()))
        assert got == (said[0] if said else None), ("answer", got, said)

    def create(self, lib, check, apply):
        """A call that makes a record: the model checks first, the library
        makes it, the model applies it with the library's new id."""
        return self.call(lib, check, lambda rec: apply(rec.id))

    # ---- picking what a call names ----------------------------------------------------

    # A reference draws `pick` from 0..REF_RANGE-1: the low values name
    # what the model knows (Hypothesis shrinks towards them), the top two
    # an unknown id and a malformed one.
    def customer_ref(self, pick):
        """A customer the model knows (live, archived, absorbed or erased),
        or an unknown or malformed id."""
        return self.ref(pick, self.model.order)

    def ref(self, pick, known):
        if pick == REF_RANGE - 1:
            return "not-an-id"
        if pick == REF_RANGE - 2 or not known:
            return UNKNOWN
        return known[pick % len(known)]

    def live_customer(self, pick):
        live = [c for c in self.model.order if c in self.model.customers
                and not self.model.customers[c]["erased"]]
        return live[pick % len(live)] if live else None

    def interaction_ref(self, pick):
        return self.ref(pick, sorted(self.model.interactions))

    def promise_ref(self, pick):
        return self.ref(pick, sorted(self.model.promises))

    def at(self, back):
        return None if back is None else self.model.now - back

    # ---- the start: a few records for the rules to work on -------------------------------

    @initialize(people=st.integers(1, 3), orgs=st.integers(0, 1), calls=st.integers(0, 2),
                promises=st.integers(0, 2))
    def start(self, people, orgs, calls, promises):
        for n in range(people + orgs):
            kind = "organisation" if n >= people else "person"
            name = ["Ann", "Bob", "Cy", "Acme"][n]
            self.create(lambda: self.db.create_customer(name, kind=kind),
                        lambda: self.model.create_customer(name, kind),
                        lambda new: self.model.create_customer(name, kind, new))
        first = self.model.order[0]
        for n in range(calls):
            self.create(lambda: self.db.log(first, "phone", summary="Hello"),
                        lambda: self.model.log(first, "phone", "in", None, None, None, "Hello",
                                               None),
                        lambda new: self.model.log(first, "phone", "in", None, None, None,
                                                   "Hello", None, new))
        for n in range(promises):
            due = self.model.now + (n + 1) * DAY
            self.create(lambda: self.db.promise(first, "call back", due, owner="agent:alice"),
                        lambda: self.model.make_promise(first, "call back", due, "agent:alice",
                                                        None, None),
                        lambda new: self.model.make_promise(first, "call back", due,
                                                            "agent:alice", None, None, new))

    # ---- time and transactions --------------------------------------------------------

    @rule(by=st.sampled_from([1, 1000, 3_600_000, DAY, 3 * DAY, 40 * DAY]))
    def advance(self, by):
        self.model.now += by

    @precondition(outside_group)
    @rule()
    def begin(self):
        self.db.begin()
        self.in_group = self.model.snapshot()

    @precondition(inside_group)
    @rule()
    def commit(self):
        self.db.commit()
        self.in_group = None

    @precondition(inside_group)
    @rule()
    def rollback(self):
        self.db.rollback()
        self.model.restore(self.in_group)
        self.in_group = None

    @precondition(outside_group)
    @rule()
    def reopen(self):
        """Close and open again: everything is in the file."""
        self.db.close()
        self.db = self.open()

    # ---- customers ---------------------------------------------------------------------

    @rule(name=st.sampled_from(GOOD_NAMES + BAD_TEXT), org=st.booleans())
    def create_customer(self, name, org):
        kind = "organisation" if org else "person"
        self.create(lambda: self.db.create_customer(name, kind=kind),
                    lambda: self.model.create_customer(name, kind),
                    lambda new: self.model.create_customer(name, kind, new))

    @rule(pick=REF, name=st.sampled_from(GOOD_NAMES + BAD_TEXT))
    def rename_customer(self, pick, name):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.rename_customer(cid, name),
                  lambda: self.model.rename_customer(cid, name))

    @rule(pick=REF, owner=st.sampled_from(OWNERS + [" x", "a" * 129]))
    def set_customer_owner(self, pick, owner):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.set_customer_owner(cid, owner),
                  lambda: self.model.set_customer_owner(cid, owner))

    @rule(pick=REF)
    def archive_customer(self, pick):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.archive_customer(cid),
                  lambda: self.model.archive_customer(cid))

    @rule(pick=REF)
    def unarchive_customer(self, pick):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.unarchive_customer(cid),
                  lambda: self.model.unarchive_customer(cid))

    # ---- attributes and tags -----------------------------------------------------------

    @rule(pick=REF, key=st.sampled_from(ATTR_KEYS + BAD_KEYS),
          value=st.sampled_from(["gold", "1980-03-02", "", "x" * 4097]))
    def set_attr(self, pick, key, value):
        cid = self.customer_ref(pick)
        if key in BAD_KEYS or len(value) > 4096:
            cid = self.live_customer(pick)            # one fault at a time
            if cid is None:
                return
        self.both(lambda: self.db.set_attr(cid, key, value),
                  lambda: self.model.set_attr(cid, key, value))

    def owned(self, pick, pairs, fallback):
        """Mostly (customer, thing) of one the model holds, else `fallback`."""
        return pairs[pick % len(pairs)] if pairs and pick < REF_RANGE - 2 else fallback

    @rule(pick=REF, key=st.sampled_from(ATTR_KEYS))
    def unset_attr(self, pick, key):
        cid, key = self.owned(pick, [(c, k) for c in self.model.order
                                     if c in self.model.customers
                                     for k in sorted(self.model.customers[c]["attrs"])],
                              (self.customer_ref(pick), key))
        self.both(lambda: self.db.unset_attr(cid, key),
                  lambda: self.model.unset_attr(cid, key))

    @rule(pick=REF, key=st.sampled_from(["date_of_birth", "tier", "bad key"]),
          answer=st.sampled_from(["1980-03-02", " 1980-03-02 ", "GOLD", "wrong", "", "  "]))
    def verify(self, pick, key, answer):
        cid, key = self.owned(pick, [(c, k) for c in self.model.order if c in self.model.customers
                                     for k in ("date_of_birth", "tier")
                                     if k in self.model.customers[c]["attrs"]],
                              (self.customer_ref(pick), key))
        self.answer(lambda: self.db.verify(cid, key, answer),
                    lambda: self.model.verify(cid, key, answer))

    @rule(pick=REF, tag=st.sampled_from(TAGS + ["", " vip"]))
    def add_tag(self, pick, tag):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.add_tag(cid, tag), lambda: self.model.add_tag(cid, tag))

    @rule(pick=REF, tag=st.sampled_from(TAGS))
    def remove_tag(self, pick, tag):
        cid, tag = self.owned(pick, [(c, t) for c in self.model.order
                                     if c in self.model.customers
                                     for t in sorted(self.model.customers[c]["tags"])],
                              (self.customer_ref(pick), tag))
        self.both(lambda: self.db.remove_tag(cid, tag), lambda: self.model.remove_tag(cid, tag))

    # ---- identities ----------------------------------------------------------------------

    @rule(pick=REF, which=st.sampled_from(IDENTITIES),
          primary=st.booleans(), shared=st.booleans())
    def add_identity(self, pick, which, primary, shared):
        cid = self.customer_ref(pick)
        kind, value = which
        flags = (1 if primary else 0) | (4 if shared else 0)
        self.both(lambda: self.db.add_identity(cid, kind, value, primary=primary, shared=shared),
                  lambda: self.model.add_identity(cid, kind, value, flags))

    @rule(pick=REF, which=st.sampled_from(BAD_IDENTITIES))
    def add_bad_identity(self, pick, which):
        cid = self.live_customer(pick)
        if cid is None:
            return

        def refuse():
            self.model.live(cid)
            raise Refused("InvalidArgument", "not a value of the kind")
        self.both(lambda: self.db.add_identity(cid, *which), refuse)

    def held(self, pick, which, mine):
        """Mostly a value the customer holds (when `mine`), else `which`."""
        held = [(i["kind"], i["key"]) for i in self.model.identities
                if i["customer"] == (cid_lower(self.customer_ref(pick)))]
        return held[pick % len(held)] if mine and held else which

    @rule(pick=REF, which=st.sampled_from(IDENTITIES), mine=st.booleans())
    def remove_identity(self, pick, which, mine):
        cid = self.customer_ref(pick)
        which = self.held(pick, which, mine)
        self.both(lambda: self.db.remove_identity(cid, *which),
                  lambda: self.model.remove_identity(cid, *which))

    @rule(pick=REF, which=st.sampled_from(IDENTITIES),
          primary=st.booleans(), shared=st.booleans(), mine=st.booleans())
    def set_identity_flags(self, pick, which, primary, shared, mine):
        cid = self.customer_ref(pick)
        which = self.held(pick, which, mine)
        flags = (1 if primary else 0) | (4 if shared else 0)
        self.both(lambda: self.db.set_identity_flags(cid, *which, primary=primary,
                                                     shared=shared),
                  lambda: self.model.set_identity_flags(cid, *which, flags))

    # ---- memberships ---------------------------------------------------------------------

    @rule(org=REF, person=REF, role=st.sampled_from(["billing contact", "owner", "", " x"]))
    def add_member(self, org, person, role):
        of = [c for c in self.model.order if c in self.model.customers]
        oid = self.ref(org, [c for c in of if self.model.customers[c]["kind"] == "organisation"]
                       if org % 4 else of)
        pid = self.ref(person, [c for c in of if self.model.customers[c]["kind"] == "person"]
                       if person % 4 else of)
        self.both(lambda: self.db.add_member(oid, pid, role),
                  lambda: self.model.add_member(oid, pid, role))

    @rule(org=REF, person=REF)
    def remove_member(self, org, person):
        oid, pid = self.owned(org, [(x["org"], x["person"]) for x in self.model.memberships],
                              (self.customer_ref(org), self.customer_ref(person)))
        self.both(lambda: self.db.remove_member(oid, pid),
                  lambda: self.model.remove_member(oid, pid))

    # ---- interactions --------------------------------------------------------------------

    @rule(pick=REF, channel=st.sampled_from(CHANNELS + ["fax!"]),
          out=st.booleans(), back=st.sampled_from(STEPS_BACK + [-1]),
          outcome=st.sampled_from(OUTCOMES), reason=st.sampled_from(REASONS + ["bad reason"]),
          summary=st.sampled_from(SUMMARIES), reply=REF,
          replying=st.booleans(), handled_by=st.sampled_from(HANDLERS),
          ref=st.sampled_from(REFS + [" ref-1"]))
    def log(self, pick, channel, out, back, outcome, reason, summary, reply, replying,
            handled_by=None, ref=None):
        cid = self.customer_ref(pick)
        direction = "out" if out else "in"
        at = self.at(back)
        reply_to = self.interaction_ref(reply) if replying else None
        faults = (channel == "fax!") + (back == -1) + (reason == "bad reason") + \
            (ref == " ref-1")
        if faults:
            cid = self.live_customer(pick)
            reply_to = None
            if faults > 1 or cid is None:
                return
        self.create(
            lambda: self.db.log(cid, channel, direction, occurred_at=at, outcome=outcome,
                                reason=reason, summary=summary, reply_to=reply_to,
                                handled_by=handled_by, external_ref=ref),
            lambda: self.model.log(cid, channel, direction, at, outcome, reason, summary,
                                   reply_to, external_ref=ref),
            lambda new: self.model.log(cid, channel, direction, at, outcome, reason, summary,
                                       reply_to, new, handled_by, ref))

    @rule(pick=REF, reason=st.sampled_from(REASONS[1:]), back=st.sampled_from([60_000, DAY]),
          channel=st.sampled_from(["phone", "email", "ivr"]),
          handled_by=st.sampled_from(HANDLERS), outcome=st.sampled_from(OUTCOMES))
    def call_flow(self, pick, reason, back, channel, handled_by, outcome):
        """What the reports count: a contact through the IVR, then one
        about the same reason `back` later (a hand-over, a repeat, or
        neither), handled by someone or by a machine."""
        cid = self.customer_ref(pick)
        first = self.at(back)
        for at, ch, by, out in ((first, "ivr", "ivr:menu", None),
                                (None, channel, handled_by, outcome)):
            self.create(
                lambda: self.db.log(cid, ch, "in", occurred_at=at, reason=reason,
                                    handled_by=by, outcome=out),
                lambda: self.model.log(cid, ch, "in", at, out, reason, None, None),
                lambda new: self.model.log(cid, ch, "in", at, out, reason, None, None, new, by))

    @rule(pick=REF, outcome=st.sampled_from(OUTCOMES))
    def set_outcome(self, pick, outcome):
        iid = self.interaction_ref(pick)
        self.both(lambda: self.db.set_outcome(iid, outcome),
                  lambda: self.model.set_outcome(iid, outcome))

    @rule(pick=REF, reason=st.sampled_from(REASONS + ["bad reason", "r" * 65]))
    def set_reason(self, pick, reason):
        iid = self.interaction_ref(pick)
        self.both(lambda: self.db.set_reason(iid, reason),
                  lambda: self.model.set_reason(iid, reason))

    @rule(pick=REF, public=st.booleans())
    def set_public(self, pick, public):
        iid = self.interaction_ref(pick)
        self.both(lambda: self.db.set_public(iid, public),
                  lambda: self.model.set_public(iid, public))

    @rule(pick=REF, summary=st.sampled_from(SUMMARIES + ["x" * 1025]))
    def set_summary(self, pick, summary):
        iid = self.interaction_ref(pick)
        self.both(lambda: self.db.set_summary(iid, summary),
                  lambda: self.model.set_summary(iid, summary))

    @rule(pick=REF)
    def delete_interaction(self, pick):
        iid = self.interaction_ref(pick)
        self.both(lambda: self.db.delete_interaction(iid),
                  lambda: self.model.delete_interaction(iid))

    # ---- promises ------------------------------------------------------------------------

    @rule(pick=REF, due=st.sampled_from([DAY, 0, 1000, 7 * DAY, -DAY]),
          back=st.sampled_from(STEPS_BACK), during=REF,
          with_call=st.booleans(), owner=st.sampled_from(["agent:alice", "team:billing", ""]))
    def make_promise(self, pick, due, back, during, with_call, owner):
        cid = self.customer_ref(pick)
        at = self.at(back)
        due_at = (at if at is not None else self.model.now) + due
        iid = self.interaction_ref(during) if with_call else None
        if owner == "" or due < 0:
            cid, iid = self.live_customer(pick), None
            if cid is None:
                return
        self.create(
            lambda: self.db.promise(cid, "call back", due_at, owner=owner, interaction_id=iid,
                                    at=at),
            lambda: self.model.make_promise(cid, "call back", due_at, owner, iid, at),
            lambda new: self.model.make_promise(cid, "call back", due_at, owner, iid, at, new))

    def open_step_time(self, pid, back):
        """A step's time: now, or back from now but never before the
        promise's last step (a time before it is its own rule's fault)."""
        p = self.model.promises.get(pid)
        at = self.at(back)
        if p is not None and at is not None and at < p["last_step"]:
            at = None
        return at

    @rule(pick=REF, back=st.sampled_from(STEPS_BACK), by=REF,
          with_call=st.booleans())
    def keep(self, pick, back, by, with_call):
        pid = self.promise_ref(pick)
        at = self.open_step_time(pid, back)
        iid = None
        if with_call and pid in self.model.promises:
            mine = [i for i, r in sorted(self.model.interactions.items())
                    if r["customer"] == self.model.promises[pid]["customer"]]
            iid = mine[by % len(mine)] if mine else None
        self.both(lambda: self.db.keep(pid, interaction_id=iid, at=at),
                  lambda: self.model.step(pid, "kept", at, None, note_required=False,
                                          interaction_id=iid))

    @rule(pick=REF, back=st.sampled_from(STEPS_BACK),
          why=st.sampled_from(["provider refused", None, ""]))
    def break_(self, pick, back, why):
        pid = self.promise_ref(pick)
        at = self.open_step_time(pid, back)
        self.both(lambda: self.db.break_(pid, why, at=at),
                  lambda: self.model.step(pid, "broken", at, why, note_required=True))

    @rule(pick=REF, back=st.sampled_from(STEPS_BACK))
    def release(self, pick, back):
        pid = self.promise_ref(pick)
        at = self.open_step_time(pid, back)
        self.both(lambda: self.db.release(pid, "no longer needed", at=at),
                  lambda: self.model.step(pid, "released", at, "no longer needed",
                                          note_required=False))

    @rule(pick=REF, back=st.sampled_from(STEPS_BACK),
          shift=st.sampled_from([-2 * DAY, 0, 1000, 3 * DAY]), agreed=st.booleans())
    def renegotiate(self, pick, back, shift, agreed):
        pid = self.promise_ref(pick)
        at = self.open_step_time(pid, back)
        p = self.model.promises.get(pid)
        if p is not None and p["state"] != "open":
            shift = 3 * DAY           # one fault: the state (not also the due time)
        new_due = (p["due_at"] if p else self.model.now) + shift
        self.both(lambda: self.db.renegotiate(pid, new_due, "moved", customer_agreed=agreed,
                                              at=at),
                  lambda: self.model.step(pid, "renegotiated", at, "moved", note_required=True,
                                          new_due=new_due, agreed=agreed))

    @rule(pick=REF)
    def step_before_last(self, pick):
        """A step dated before the promise's last step: refused."""
        pid = self.promise_ref(pick)
        p = self.model.promises.get(pid)
        if p is None or p["state"] != "open" or p["last_step"] <= self.model.now - 10 * DAY:
            return
        at = p["last_step"] - 1
        self.both(lambda: self.db.keep(pid, at=at),
                  lambda: self.model.step(pid, "kept", at, None, note_required=False))

    # ---- occasions -------------------------------------------------------------------------

    @rule(pick=REF, date=st.sampled_from([(1, 20, None), (2, 29, None), (5, 17, 1990),
                                          (2, 29, 2028), (12, 31, 2027), (3, 31, 2027),
                                          (4, 31, None), (2, 29, 2027), (13, 1, None)]),
          yearly=st.booleans(), lead=st.sampled_from([0, 7, 30, 366, 367]),
          kind=st.sampled_from(["birthday", "contract_end", "Bad"]))
    def add_occasion(self, pick, date, yearly, lead, kind):
        month, day, year = date
        cid = self.customer_ref(pick)
        self.create(lambda: self.db.add_occasion(cid, kind, month=month, day=day, year=year,
                                                 yearly=yearly, lead_days=lead),
                    lambda: self.model.add_occasion(cid, kind, month, day, year, yearly, lead,
                                                    None),
                    lambda new: self.model.add_occasion(cid, kind, month, day, year, yearly,
                                                        lead, None, new))

    @rule(pick=REF)
    def remove_occasion(self, pick):
        oid = self.ref(pick, sorted(self.model.occasions))
        self.both(lambda: self.db.remove_occasion(oid), lambda: self.model.remove_occasion(oid))

    # ---- consent ---------------------------------------------------------------------------

    @rule(pick=REF, purpose=st.sampled_from(PURPOSES + ["Bad"]),
          channel=st.sampled_from(CONSENT_CHANNELS), granted=st.booleans(),
          back=st.sampled_from(STEPS_BACK + [-1]))
    def consent(self, pick, purpose, channel, granted, back):
        cid = self.customer_ref(pick)
        at = self.at(back)
        if purpose == "Bad" or back == -1:
            cid = self.live_customer(pick)
            if purpose == "Bad" and back == -1 or cid is None:
                return
        call = self.db.grant_consent if granted else self.db.withdraw_consent
        self.create(lambda: call(cid, purpose, channel, at=at),
                    lambda: self.model.consent_event(cid, purpose, channel, granted, at),
                    lambda new: self.model.consent_event(cid, purpose, channel, granted, at,
                                                         new))

    # ---- merge, unmerge, erase -------------------------------------------------------------

    @rule(keep=REF, absorb=REF)
    def merge(self, keep, absorb):
        k, a = self.customer_ref(keep), self.customer_ref(absorb)
        seq, mseq = self.db.last_seq, self.model.seq
        try:
            self.model.merge(k, a)            # the check only
            refused = None
        except Refused as r:
            refused = r
        self.count(refused, 1)
        before = {e.id for e in self.db.consent_history(k)} if refused is None else set()
        try:
            self.db.merge(k, a)
        except crm.Error as e:
            assert refused is not None, f"merge refused what the model accepts: {e!r}"
            assert type(e).__name__ == refused.kind, (e, refused)
            assert self.db.last_seq == seq, "a refused merge journaled something"
            return
        assert refused is None, f"the library merged what the model refuses: {refused}"
        theirs = {e["id"] for e in self.model.consent if e["customer"] == a.lower()}
        added = sorted({e.id for e in self.db.consent_history(k)} - before - theirs)
        n = self.model.merge(k, a, added)
        assert n == len(added), f"the merge added {len(added)} withdrawals, the model {n}"
        assert self.db.last_seq - seq == self.model.seq - mseq, \
            ("merge journal", self.db.last_seq - seq, self.model.seq - mseq)

    @rule(pick=REF)
    def unmerge(self, pick):
        ids = sorted(self.model.merges) or [self.customer_ref(pick)]
        aid = ids[pick % len(ids)] if pick % 3 else self.customer_ref(pick)
        self.both(lambda: self.db.unmerge(aid), lambda: self.model.unmerge(aid))

    # A run erases whole customers: a cut-off a month or three days back,
    # and mostly dry, so that the sequences go on with someone to call.
    @precondition(several_live)
    @rule(back=st.sampled_from([30 * DAY, 3 * DAY]), dry_run=st.sampled_from([True, True, False]))
    def erase_inactive(self, back, dry_run):
        before = self.model.now - back
        self.answer(lambda: self.db.erase_inactive(before, dry_run=dry_run),
                    lambda: self.model.erase_inactive(before, dry_run))

    @rule(back=st.sampled_from([3 * DAY, DAY, 60_000]), dry_run=st.booleans())
    def drop_journal(self, back, dry_run):
        before = self.model.now - back
        self.answer(lambda: self.db.drop_journal(before, dry_run=dry_run),
                    lambda: self.model.drop_journal(before, dry_run))

    @precondition(several_live)     # erasing the last one would end most sequences early
    @rule(pick=REF)
    def erase(self, pick):
        cid = self.customer_ref(pick)
        self.both(lambda: self.db.erase_customer(cid), lambda: self.model.erase(cid))

    @rule()
    def purge(self):
        """Leaves nothing of erased data in the file and changes nothing
        anyone reads; refused inside a group (privacy.h)."""
        def check():
            if self.in_group is not None:
                raise Refused("StateError", "a transaction is open")
        self.both(self.db.purge, check)

    # ---- the invariants ----------------------------------------------------------------------

    @invariant()
    def journal_matches(self):
        """The last sequence number, and the entries kept (after a drop,
        only those), each about the customer the model says, at its time:
        now, or a promise step's own time."""
        assert self.reader.last_seq == self.model.seq, \
            ("journal", self.reader.last_seq, self.model.seq)
        got = [(e.seq, e.entity_id, ms(e.at)) for e in self.reader.journal()]
        exp = [(e["seq"], e["customer"], e["at"]) for e in self.model.entries]
        assert len(got) == len(exp) and all(
            g[0] == x[0] and g[2] == x[2] and (x[1] is None or g[1] == x[1])
            for g, x in zip(got, exp)), ("journal entries", got, exp)

    @invariant()
    def customers_match(self):
        m, db = self.model, self.reader
        for archived in (False, True, "only"):
            want = m.customers_list(archived)
            assert [c.id for c in db.customers(archived=archived)] == want, archived
            assert db.count_customers(archived=archived) == len(want), ("count", archived)
        # one set of filters per step in turn, in both orders, and read in pages
        f = [dict(kind="organisation"), dict(tag="vip", archived=True),
             dict(owner="agent:alice"), dict(name_prefix="a", archived="only"),
             dict(name_prefix="ZOË", kind="person")][self.steps % 5]
        for order in ("created", "name"):
            want = m.customers_list(**dict(dict(archived=False), **f), order=order)
            assert [c.id for c in db.customers(order=order, **f)] == want, (f, order)
            pages, after = [], None
            while True:
                page = [c.id for c in db.customers(order=order, after=after, limit=2, **f)]
                pages += page
                if len(page) < 2:
                    break
                after = page[-1]
            assert pages == want, ("pages", f, order)
        for cid in m.order:
            try:
                want = m.get(cid)
            except Refused as r:
                try:
                    db.customer(cid)
                except crm.Error as e:
                    assert type(e).__name__ == r.kind, (cid, e, r)
                else:
                    raise AssertionError(f"customer {cid} should be {r.kind}")
                continue
            c = db.customer(cid)
            assert c.id == want["id"], ("survivor", cid, c.id, want["id"])
            assert c.merged_from == (cid if cid != want["id"] else None), ("merged_from", cid)
            assert (c.name, c.kind, c.archived, c.owner) == \
                (want["name"], want["kind"], want["archived"], want["owner"]), cid
            assert ms(c.created_at) == want["created_at"], ("created_at", cid)
            assert ms(c.updated_at) == want["updated_at"], "updated_at"
            if cid == want["id"]:
                for key in ATTR_KEYS:
                    assert self.outcome(lambda: db.attr(cid, key)) == \
                        want["attrs"].get(key, "NotFound"), ("attr", cid, key)
                got = [(x.org_id, x.person_id, x.role, ms(x.since)) for x in db.members(cid)]
                assert got == m.members(cid), ("members", cid, got, m.members(cid))
                assert db.attrs(cid) == want["attrs"], ("attrs", db.attrs(cid), want["attrs"])
                assert db.tags(cid) == sorted(want["tags"], key=lambda t: t.encode())
                got = [(i.kind, i.key, i.flags) for i in db.identities(cid)]
                assert got == [(i["kind"], i["key"], i["flags"])
                               for i in m.identities_of(cid)], "identities"

    @invariant()
    def lookups_match(self):
        for kind, value in IDENTITIES:
            try:
                want = self.model.lookup(kind, value)
            except Refused as r:
                want = r.kind
            try:
                got = self.reader.lookup(kind, value).id
            except crm.Error as e:
                got = type(e).__name__
            assert got == want, (kind, value)
            assert [c.id for c in self.reader.holders(kind, value)] == \
                self.model.holders(kind, value)

    def outcome(self, f):
        """What f() gives, or the name of the crm class it raises."""
        try:
            return f()
        except crm.Error as e:
            return type(e).__name__

    def verdict(self, f):
        """The same for the model: Refused gives its class's name."""
        try:
            return f()
        except Refused as r:
            return r.kind

    @invariant()
    def resolves_match(self):
        """resolve, resolve_all and identity() by every form of a value, by
        every id the model knows, and by an unknown id."""
        if self.steps % self.VIEWS_EVERY:
            return
        m, db = self.model, self.reader
        texts = [v for _, v in IDENTITIES] + list(m.FORMS) + [UNKNOWN, "nobody@example.com"]
        texts += m.order
        for t in texts[self.view_turn % 2::2]:            # half of them each step, in turn
            assert [c.id for c in db.resolve_all(t)] == m.resolve(t), ("resolve_all", t)
            assert self.outcome(lambda: db.resolve(t).id) == \
                self.verdict(lambda: m.resolve_one(t)), ("resolve", t)
        for cid in m.order[self.view_turn % 3::3]:
            for kind, value in IDENTITIES:
                got = self.outcome(lambda: (lambda i: (i.customer_id, i.key, i.flags))(
                    db.identity(cid, kind, value)))
                exp = self.verdict(lambda: (lambda i: (i["customer"], i["key"], i["flags"]))(
                    m.identity(cid, kind, value)))
                assert got == exp, ("identity", cid, kind, value, got, exp)

    @invariant()
    def ids_expand(self):
        """expand_id of a long and a short prefix of one record of each kind
        a step: the one record whose id starts so, or Ambiguous, or
        NotFound (ids made in one millisecond share their first 12 digits);
        an erased customer's id is expanded by no prefix."""
        m, db = self.model, self.reader
        live = [c for c in m.customers if not m.customers[c]["erased"]]  # Choice, checked
        for record, ids in (("customer", live), ("interaction", m.interactions),
                            ("promise", m.promises), ("occasion", m.occasions)):
            if not ids:
                continue
            rid = sorted(ids)[self.steps % len(ids)]
            for prefix in (rid[:23], rid[:13], rid[:23].replace("-", "").upper()):
                want = [i for i in ids if i.replace("-", "").startswith(
                    prefix.replace("-", "").lower())]
                exp = want[0] if len(want) == 1 else "Ambiguous" if want else "NotFound"
                got = self.outcome(lambda: db.expand_id(record, prefix))
                assert got == exp, ("expand_id", record, prefix, got, exp)

    @invariant()
    def interactions_match(self):
        m, db = self.model, self.reader
        for cid in m.order:
            c = m.customers.get(cid)
            if c is None or c["erased"]:
                continue
            assert [i.id for i in db.timeline(cid)] == m.timeline(cid), "timeline"
        for iid, want in m.interactions.items():
            i = db.interaction(iid)
            got = (i.customer_id, i.channel, i.direction, ms(i.occurred_at), i.outcome,
                   i.reason, i.summary, i.reply_to, i.thread_id, i.public, i.handled_by,
                   i.external_ref)
            exp = (want["customer"], want["channel"], want["direction"], want["occurred_at"],
                   want["outcome"], want["reason"], want["summary"], want["reply_to"],
                   want["thread"], want["public"], want["handled_by"], want["external_ref"])
            assert got == exp, (iid, got, exp)
        channel = CHANNELS[self.steps % len(CHANNELS)]
        for ref in REFS[2:]:
            got = self.outcome(lambda: db.interaction_by_ref(channel, ref).id)
            exp = self.verdict(lambda: m.interaction_by_ref(channel, ref)["id"])
            assert got == exp, ("by ref", channel, ref, got, exp)
        for iid in sorted(m.interactions)[:3]:
            assert [i.id for i in db.thread(iid)] == m.thread(iid), "thread"

    @invariant()
    def promises_match(self):
        m, db = self.model, self.reader
        assert [p.id for p in db.promises()] == m.promise_list(), "promise list"
        assert [p.id for p in db.promises(overdue_as_of=m.now)] == \
            m.promise_list(overdue_as_of=m.now), "overdue list"
        for pid, want in m.promises.items():
            p = db.get_promise(pid)
            got = (p.customer_id, p.what, p.owner, p.state, ms(p.due_at), ms(p.first_due_at),
                   ms(p.made_at), ms(p.closed_at), p.renegotiations, p.kept_by, p.interaction_id)
            exp = (want["customer"], want["what"], want["owner"], want["state"], want["due_at"],
                   want["first_due_at"], want["made_at"], want["closed_at"],
                   want["renegotiations"], want["kept_by"], want["interaction"])
            assert got == exp, (pid, got, exp)
            assert p.kept_late == (want["state"] == "kept"
                                   and want["closed_at"] > want["due_at"]), ("kept_late", pid)
            assert p.overdue == (want["state"] == "open" and want["due_at"] < m.now), \
                ("overdue", pid, p.overdue)
            got = [(e.kind, ms(e.at), ms(e.old_due), ms(e.new_due), e.note)
                   for e in db.promise_history(pid)]
            exp = [(e["kind"], e["at"], e["old_due"], e["new_due"], e["note"])
                   for e in want["history"]]
            assert got == exp, ("history", got, exp)

    @invariant()
    def occasions_match(self):
        m, db = self.model, self.reader
        for cid in m.order:
            c = m.customers.get(cid)
            if c is None or c["erased"]:
                continue
            assert [o.id for o in db.occasions(cid)] == m.occasions_of(cid), "occasions"
        today = dt.datetime.fromtimestamp(m.now / 1000, dt.timezone.utc).date()
        for days in (1, 30, 400):
            got = [(o.id, o.next_date, o.years) for o in db.upcoming(today, days)]
            exp = m.upcoming(today, days)
            assert got == exp, ("upcoming", days, got, exp)
        got = [(o.id, o.next_date) for o in db.upcoming(None, 7)]
        assert got == [(oid, when) for oid, when, _ in m.upcoming(today, 7)], "upcoming today"

    @invariant()
    def consent_matches(self):
        m, db = self.model, self.reader
        for cid in m.order:
            c = m.customers.get(cid)
            if c is None or c["erased"]:
                continue
            assert [e.id for e in db.consent_history(cid)] == m.consent_history(cid), \
                ("consent history", cid)
            for purpose in PURPOSES:
                for channel in CONSENT_CHANNELS:
                    assert db.may_contact(cid, purpose, channel) == \
                        m.may_contact(cid, purpose, channel), (cid, purpose, channel)
            # the deciding event: one purpose and channel a step, in turn
            purpose = PURPOSES[self.steps % len(PURPOSES)]
            channel = CONSENT_CHANNELS[self.steps % len(CONSENT_CHANNELS)]
            e = db.consent_decision(cid, purpose, channel)
            want = m.decision(cid, purpose, channel)
            assert (e and e.id) == (want and want["id"]), ("decision", cid, purpose, channel)

    # The reports' options, one set per step in turn: defaults, depths,
    # windows, channel filters (one leaving out ivr), owners, periods.
    def report_options(self):
        now = self.model.now
        return [Options(),
                Options(depth=1, by_channel=True, repeat_days=1, period="week"),
                Options(from_=now - 2 * DAY, to=now + 1, owner="agent:alice",
                        handover_minutes=1, period="month"),
                Options(channels=["phone", "ivr", "whatsapp"], depth=2, repeat_days=3,
                        as_of=now - DAY),
                Options(channels=["email"], owner="team:billing", from_=now - 40 * DAY,
                        by_channel=True)][self.view_turn % 5]

    @invariant()
    def reports_match(self):
        if self.steps % self.VIEWS_EVERY:
            return
        o = self.report_options()
        for name in REPORTS:
            got = [tuple(ms(v) if isinstance(v, dt.datetime) else v for v in row)
                   for row in self.reader.report(name, **o.kwargs())]
            exp = report(self.model, name, self.model.now, o)
            assert len(got) == len(exp) and all(
                g == e or isinstance(e, float) and isinstance(g, float)
                and math.isclose(g, e, rel_tol=1e-12)
                for gr, er in zip(got, exp) for g, e in zip(gr, er)), (name, got, exp)

    @invariant()
    def duplicates_match(self):
        """One filter a step in turn: the defaults; two attribute keys, a
        lower score, archived too; one customer's pairs, archived only."""
        if self.steps % self.VIEWS_EVERY:
            return
        m = self.model
        live = [c for c in m.order if c in m.customers and not m.customers[c]["erased"]]
        f = [dict(), dict(attribute_keys=["date_of_birth", "tier"], min_score=40,
                          archived=True),
             dict(customer_id=live[self.view_turn % len(live)] if live else None, min_score=30,
                  archived="only")][self.view_turn % 3]
        got = [(d.customer_id, d.other_id, d.score, d.reasons, d.attributes)
               for d in self.reader.duplicates(**f)]
        f["keys"] = f.pop("attribute_keys", ())
        assert got == duplicates(m, **f), ("duplicates", f, got, duplicates(m, **f))

    QUERIES = ["ann", "example", "zoe angstrom", "call*", "charged twice", "gold", "1980",
               "王小明", "14155550100", "callback", "ANN example.com"]

    @invariant()
    def search_matches(self):
        """Two queries a step in turn, with and without archived customers:
        the same records as the model (their order is the index's rank)."""
        if self.steps % self.VIEWS_EVERY:
            return
        n = self.view_turn * 2
        for query in (self.QUERIES * 2)[n % len(self.QUERIES):][:2]:
            for archived in (False, True):
                got = sorted((h.kind, h.customer_id, h.record_id, h.key, h.field)
                             for h in self.reader.search(query, include_archived=archived,
                                                         limit=1000))
                assert got == search(self.model, query, archived), ("search", query, archived)

    @invariant()
    def agenda_matches(self):
        if self.steps % self.VIEWS_EVERY:
            return
        m = self.model
        owner = OWNERS[self.view_turn % 3]
        as_of = m.now - (self.view_turn % 2) * DAY     # now, or as of a day ago
        got = [(a.kind, a.customer_id, a.id, a.owner, ms(a.since), a.waited, a.score,
                a.channel) for a in self.reader.agenda(owner, as_of=as_of)]
        exp = [t[:8] for t in agenda(m, owner, as_of)]
        assert got == exp, ("agenda", owner, got, exp)

    READS = ("customers_match", "lookups_match", "resolves_match", "ids_expand",
             "interactions_match",
             "promises_match", "occasions_match", "consent_matches", "reports_match",
             "agenda_matches", "search_matches", "duplicates_match")

    @invariant()
    def round_trip(self):
        """Every INTEGRITY_EVERY steps (half-way between the integrity
        checks): the whole file exported as JSON Lines and imported into an
        empty one is the same database: it exports the same bytes, a second
        import adds nothing, and every read above gives the model's answer
        through it (docs/import-export.md)."""
        if self.steps % INTEGRITY_EVERY != INTEGRITY_EVERY // 2:
            return
        text = self.reader.export_jsonl()
        path = os.path.join(self.dir, "copy.crm")
        shutil.copyfile(CrmMachine._template, path)
        copy = crm.open(path, actor="agent:import", default_country="US", durability="normal",
                        clock=lambda: self.model.now)
        try:
            copy.import_jsonl(text=text)
            assert copy.export_jsonl() == text, "an imported file exports other bytes"
            seq = copy.last_seq
            assert copy.import_jsonl(text=text).records == 0, "a second import wrote records"
            assert copy.last_seq == seq, "a second import journaled something"
            self.through = copy
            for name in self.READS:
                getattr(self, name)()
        finally:
            self.through = None
            copy.close()
            for name in os.listdir(self.dir):
                if name.startswith("copy.crm"):
                    os.unlink(os.path.join(self.dir, name))

    @invariant()
    def file_is_whole(self):
        self.steps += 1
        if self.steps % INTEGRITY_EVERY:
            return
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            con.close()


# ---- two handles and another process on one file --------------------------------------

def serve(conn, path):
    """A handle in a process of its own: runs the calls it is sent (the
    model's now with each), answers with what they return (records by id,
    iterators as lists) or the crm error's class and arguments."""
    now = [T0]
    db = crm.open(path, actor="agent:remote", default_country="US", durability="normal",
                  clock=lambda: now[0])

    def shape(r):
        if hasattr(r, "id") and not isinstance(r, (str, dict)):
            return Ref(r.id)
        if hasattr(r, "__next__"):
            return [shape(x) for x in r]
        return r
    while True:
        msg = conn.recv()
        if msg is None:
            break
        now[0], name, args, kw = msg
        try:
            v = getattr(db, name)
            conn.send(("ok", shape(v(*args, **kw) if args is not None else v)))
        except crm.Error as e:
            conn.send(("err", type(e).__name__, e.args))
    db.close()
    conn.close()


class Ref:
    """A record from the other process: its id."""

    def __init__(self, id):  # noqa: A002
        self.id = id


class Remote:
    """The other process's handle: a call here runs there."""
    PROPERTIES = {"last_seq", "in_transaction"}

    def __init__(self, path, clock):
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(theirs, path), daemon=True)
        self.proc.start()
        theirs.close()
        self.clock = clock

    def call(self, name, args, kw):
        self.conn.send((self.clock(), name, args, kw))
        answer = self.conn.recv()
        if answer[0] == "err":
            raise getattr(crm, answer[1])(*answer[2])
        return answer[1]

    def __getattr__(self, name):
        if name in self.PROPERTIES:
            return self.call(name, None, None)
        return lambda *args, **kw: self.call(name, args, kw)

    def close(self):
        self.conn.send(None)
        self.proc.join(10)
        assert self.proc.exitcode == 0, f"the other process ended with {self.proc.exitcode}"
        self.conn.close()


class SharedFileMachine(CrmMachine):
    """Three handles on one file, taking turns at random: this one, a
    second in this process, and one in another process. Each call is
    checked as above, and the model is applied in the order the calls
    committed (one at a time, so the order they were made). The invariants
    read through each local handle in turn: what one handle wrote, the
    others see at once. Transactions are left out: a group on one handle
    makes the others wait for its lock (docs/durability.md), which
    tests/reliability covers."""

    def __init__(self):
        super().__init__()
        second = crm.open(self.path, actor="agent:second", default_country="US",
                          durability="normal", clock=lambda: self.model.now)
        self.handles = [self.db, second, Remote(self.path, lambda: self.model.now)]
        self.turn = 0

    # what the views read through each handle is what the other
    # invariants read, summed: every third step is enough to see the
    # handles agree on them, at a third of their cost
    VIEWS_EVERY = 3

    @property
    def reader(self):
        return self.through or self.handles[self.turn % 2]

    def close_all(self):
        for h in self.handles:
            h.close()

    @rule(which=st.integers(0, 2))
    def switch(self, which):
        """The next calls go through another handle."""
        self.db = self.handles[which]
        self.turn += 1

    # no groups, no reopening (each handle stays open)
    begin = commit = rollback = reopen = None
