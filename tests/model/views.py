"""What the model's records add up to: the six reports (docs/reports.md,
include/crm/report.h) and the agenda (docs/agenda.md, include/crm/agenda.h),
each a plain function of a Model, written from those pages.

Reports read every interaction and promise the file keeps, an erased
customer's too (docs/privacy.md: an erase keeps every report's counts);
the agenda leaves archived customers out, and an erased one is archived.
Rows are tuples in the report's column order; times are epoch ms.
"""
import datetime as dt
import re
import unicodedata

from model import DAY

MINUTE = 60_000
HOUR = 3_600_000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def text_key(s):
    """SQLite's BINARY order of text: by UTF-8 bytes."""
    return s.encode()


# ---- reports ----------------------------------------------------------------------------

class Options:
    """crm_report_options, with the defaults of CRM_REPORT_OPTIONS_INIT."""

    def __init__(self, from_=None, to=None, channels=None, owner=None, depth=0,
                 repeat_days=0, handover_minutes=0, as_of=None, period="day",
                 by_channel=False):
        self.from_, self.to, self.channels, self.owner = from_, to, channels, owner
        self.depth, self.by_channel, self.as_of, self.period = depth, by_channel, as_of, period
        self.repeat_days = repeat_days or 7
        self.handover_minutes = handover_minutes or 30

    def kwargs(self):
        """The same options as crm.Database.report() takes them."""
        return dict(from_=self.from_, to=self.to, channels=self.channels, owner=self.owner,
                    depth=self.depth, repeat_days=self.repeat_days if self.repeat_days != 7
                    else 0, handover_minutes=self.handover_minutes, as_of=self.as_of,
                    period=self.period, by_channel=self.by_channel)

    def in_window(self, at):
        return (self.from_ is None or at >= self.from_) and (self.to is None or at < self.to)

    def channel_kept(self, channel):
        return not self.channels or channel in self.channels

    def owner_kept(self, m, cid):
        return self.owner is None or m.customers[cid]["owner"] == self.owner


def reason_at(code, depth):
    """A reason code at a depth: its first `depth` levels; 0 or a code with
    fewer levels: the whole code."""
    if code is None or depth == 0:
        return code
    return ".".join(code.split(".")[:depth])


def contacts(m, o):
    """The inbound interactions a report counts (window, channels, owner)."""
    return [i for i in m.interactions.values()
            if i["direction"] == "in" and o.in_window(i["occurred_at"])
            and o.channel_kept(i["channel"]) and o.owner_kept(m, i["customer"])]


def earlier(a, b):
    """a happened before b: sooner, or at the same ms logged first: by id
    (report.h; one handle's ids are in the order it made them, two
    handles' in one ms in either order, so the id is the rule)."""
    return (a["occurred_at"], a["id"]) < (b["occurred_at"], b["id"])


def same_reason(m, c, o):
    """The customer's inbound contacts, on any channel and at any time,
    with c's reason at the depth."""
    r = reason_at(c["reason"], o.depth)
    return [i for i in m.interactions.values()
            if i["customer"] == c["customer"] and i["direction"] == "in"
            and i["reason"] is not None and reason_at(i["reason"], o.depth) == r]


def is_repeat(m, c, o):
    window = o.repeat_days * DAY
    return any(earlier(e, c) and c["occurred_at"] - e["occurred_at"] <= window
               for e in same_reason(m, c, o))


def resolved_first(m, c, o):
    if c["outcome"] != "resolved":
        return False
    window = o.repeat_days * DAY
    return not any(earlier(c, e) and e["occurred_at"] - c["occurred_at"] <= window
                   for e in same_reason(m, c, o))


def rate(a, b):
    return a / b if b else None


def by_count_then_key(counts):
    """(key, count) pairs, most first, then by key (None after any text)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is None,
                                                  text_key(kv[0] or "")))


def tally(items, key):
    out = {}
    for i in items:
        out[key(i)] = out.get(key(i), 0) + 1
    return out


def report_reasons(m, o):
    cs = contacts(m, o)
    total = len(cs)
    rows, running = [], 0
    for reason, n in by_count_then_key(tally(cs, lambda i: reason_at(i["reason"], o.depth))):
        running += n
        rows.append((reason, None, n, n / total, running / total))
        if o.by_channel:
            mine = [i for i in cs if reason_at(i["reason"], o.depth) == reason]
            for channel, k in by_count_then_key(tally(mine, lambda i: i["channel"])):
                rows.append((reason, channel, k, k / total, None))
    return rows


def report_repeats(m, o):
    cs = [c for c in contacts(m, o) if c["reason"] is not None]
    rows = []
    for reason, n in by_count_then_key(tally(cs, lambda i: reason_at(i["reason"], o.depth))):
        mine = [c for c in cs if reason_at(c["reason"], o.depth) == reason]
        r = sum(is_repeat(m, c, o) for c in mine)
        rows.append((reason, n, r, rate(r, n)))
    return rows


def report_fcr(m, o):
    first = [c for c in contacts(m, o) if c["reason"] is not None and not is_repeat(m, c, o)]
    rows = []
    for dimension, key in (("channel", lambda i: i["channel"]),
                           ("reason", lambda i: reason_at(i["reason"], o.depth))):
        for k, n in by_count_then_key(tally(first, key)):
            ok = sum(resolved_first(m, c, o) for c in first if key(c) == k)
            rows.append((dimension, k, n, ok, rate(ok, n)))
    return rows


def handed_over(m, c, o):
    """A person took over: another channel's interaction of the customer,
    either direction, at the same time or up to handover_minutes later,
    handled by no one recorded or by someone not "ivr:" nor "bot:"."""
    at, until = c["occurred_at"], c["occurred_at"] + o.handover_minutes * MINUTE
    return any(i["customer"] == c["customer"] and i["channel"] != "ivr"
               and at <= i["occurred_at"] <= until
               and not (i["handled_by"] or "").startswith(("ivr:", "bot:"))
               for i in m.interactions.values())


def report_handover(m, o):
    cs = [c for c in contacts(m, o) if c["channel"] == "ivr" and c["reason"] is not None]
    rows = []
    for reason, n in by_count_then_key(tally(cs, lambda i: reason_at(i["reason"], o.depth))):
        h = sum(handed_over(m, c, o) for c in cs if reason_at(c["reason"], o.depth) == reason)
        rows.append((reason, n, h, n - h, rate(h, n)))
    return rows


def report_keep_rate(m, now, o):
    as_of = now if o.as_of is None else o.as_of
    chosen = []
    for p in m.promises.values():
        if not o.in_window(p["made_at"]) or not o.owner_kept(m, p["customer"]):
            continue
        if o.channels:
            during = m.interactions.get(p["interaction"]) if p["interaction"] else None
            if during is None or not o.channel_kept(during["channel"]):
                continue
        chosen.append(p)

    def row(owner, ps):
        on_time = sum(p["state"] == "kept" and p["closed_at"] <= p["due_at"] for p in ps)
        late = sum(p["state"] == "kept" and p["closed_at"] > p["due_at"] for p in ps)
        broken = sum(p["state"] == "broken" for p in ps)
        released = sum(p["state"] == "released" for p in ps)
        still = sum(p["state"] == "open" for p in ps)
        overdue = sum(p["state"] == "open" and p["due_at"] < as_of for p in ps)
        steps = [e for p in ps for e in p["history"] if e["kind"] == "renegotiated"]
        agreed = sum(e["agreed"] for e in steps)
        return (owner, len(ps), on_time, late, broken, released, still, overdue, len(steps),
                agreed, len(steps) - agreed, rate(on_time, on_time + late + broken + overdue))

    owners = sorted({p["owner"] for p in chosen}, key=text_key)
    return [row(w, [p for p in chosen if p["owner"] == w]) for w in owners] + \
        [row(None, chosen)]


def period_start(at, period):
    d = (EPOCH + dt.timedelta(milliseconds=at)).date()
    if period == "week":
        d -= dt.timedelta(days=d.weekday())
    elif period == "month":
        d = d.replace(day=1)
    return (dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc) - EPOCH) \
        // dt.timedelta(milliseconds=1)


def report_channel_mix(m, o):
    kept = [i for i in m.interactions.values()
            if o.in_window(i["occurred_at"]) and o.channel_kept(i["channel"])
            and o.owner_kept(m, i["customer"])]
    counts = tally(kept, lambda i: (period_start(i["occurred_at"], o.period), i["channel"],
                                    i["direction"], int(i["public"])))
    return [(start, channel, d, public, n) for (start, channel, d, public), n in
            sorted(counts.items(), key=lambda kv: (kv[0][0], text_key(kv[0][1]),
                                                  kv[0][2], kv[0][3]))]


def report(m, name, now, o):
    if name == "keep_rate":
        return report_keep_rate(m, now, o)
    return globals()[f"report_{name}"](m, o)


REPORTS = ("reasons", "repeats", "fcr", "handover", "keep_rate", "channel_mix")


# ---- the agenda -------------------------------------------------------------------------

KINDS = ("promise_overdue", "promise_due", "contact_waiting", "occasion")
HEAD_START = {"promise_overdue": 48 * HOUR, "promise_due": 24 * HOUR,
              "contact_waiting": 0, "occasion": 0}


def agenda(m, owner, as_of, horizon=24 * HOUR):
    """Items as tuples (kind, customer, id, promise owner, since, waited,
    score, channel, contacts waiting), in the agenda's order: score, the
    longer wait, kind, id."""
    items = []
    for p in m.promises.values():
        c = m.customers[p["customer"]]
        if p["state"] != "open" or c["archived"]:
            continue
        if owner is not None and p["owner"] != owner and c["owner"] != owner:
            continue
        if p["due_at"] < as_of:
            kind = "promise_overdue"
        elif p["due_at"] < as_of + horizon:
            kind = "promise_due"
        else:
            continue
        items.append((kind, c["id"], p["id"], p["owner"], p["due_at"], None, 0))
    book = [c for c in m.customers.values() if not c["archived"]
            and (owner is None or c["owner"] == owner)]
    for c in book:
        mine = [i for i in m.interactions.values()
                if i["customer"] == c["id"] and i["occurred_at"] <= as_of]
        answered = max((i["occurred_at"] for i in mine if i["direction"] == "out"),
                       default=None)
        waiting = sorted((i for i in mine if i["direction"] == "in"
                          and i["outcome"] in ("none", "unresolved")
                          and (answered is None or i["occurred_at"] > answered)),
                         key=lambda i: (i["occurred_at"], i["id"]))
        if waiting:
            first = waiting[0]
            items.append(("contact_waiting", c["id"], first["id"], None, first["occurred_at"],
                          first["channel"], len(waiting)))
    today = (EPOCH + dt.timedelta(milliseconds=as_of)).date()
    ids = {c["id"] for c in book}
    seen = set()
    for oid, when, _ in m.upcoming(today, 1):
        o = m.occasions[oid]
        if o["customer"] not in ids or oid in seen:
            continue
        seen.add(oid)               # the next occurrence only
        since = (dt.datetime(when.year, when.month, when.day, tzinfo=dt.timezone.utc) - EPOCH) \
            // dt.timedelta(milliseconds=1)
        items.append(("occasion", o["customer"], oid, None, since, None, 0))
    out = []
    for kind, cid, iid, powner, since, channel, n in items:
        waited = as_of - since
        out.append((kind, cid, iid, powner, since, waited, waited + HEAD_START[kind], channel, n))
    return sorted(out, key=lambda t: (-t[6], t[4], KINDS.index(t[0]), t[2]))


# ---- search -----------------------------------------------------------------------------

def words(text):
    """The words of a text as the index holds them (search.h): runs of
    letters and digits, case and diacritics not counting."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text or "")
                    if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", plain.lower())


def search(m, query, include_archived):
    """Every record whose text holds every word of the query (a word
    ending in * any word it starts), as (kind, customer, record id, key,
    field) in a fixed order: the order of hits is the index's relevance,
    which the model leaves to SQLite."""
    terms = [(t.rstrip("*"), t.endswith("*")) for t in re.findall(r"[^\W_]+\*?", query.lower())]

    def holds(text):
        ws = words(text)
        return all(any(w.startswith(t) if prefix else w == t for w in ws)
                   for t, prefix in terms)
    rows = []
    for c in m.customers.values():
        if c["erased"] or c["archived"] and not include_archived:
            continue
        cid = c["id"]
        rows.append(("customer", cid, None, None, "name", c["name"]))
        rows += [("identity", cid, None, i["kind"], "value", i["key"])
                 for i in m.identities if i["customer"] == cid]
        rows += [("attribute", cid, None, k, "value", v) for k, v in c["attrs"].items()]
        rows += [("interaction", cid, i["id"], None, "summary", i["summary"])
                 for i in m.interactions.values() if i["customer"] == cid]
        rows += [("promise", cid, p["id"], None, "what", p["what"])
                 for p in m.promises.values() if p["customer"] == cid]
    return sorted(r[:5] for r in rows if holds(r[5]))


# ---- duplicate candidates ------------------------------------------------------------------

FOLD_SPELT = {"ß": "ss", "æ": "ae", "ø": "o", "ł": "l", "þ": "th"}
WEIGHTS = {"name": 40, "email_domain": 20, "phone_suffix": 30, "organisation": 20,
           "attribute": 30, "identity": 60}
BITS = {"name": 1, "email_domain": 2, "phone_suffix": 4, "organisation": 8, "attribute": 16,
        "identity": 32}


def fold(name):
    """The folded name (merge.md): lower-cased, the diacritics of the Latin
    letters U+00C0 to U+017F taken off, the letters without one spelt in
    ASCII."""
    out = []
    for ch in name.lower():
        if ch in FOLD_SPELT:
            out.append(FOLD_SPELT[ch])
        elif "\u00c0" <= ch <= "\u017f":
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch)
                               if not unicodedata.combining(c)))
        else:
            out.append(ch)
    return "".join(out)


def duplicates(m, customer_id=None, keys=(), min_score=50, archived=False):
    """(customer, other, score, reasons, attributes) of each candidate pair,
    best score first, then by the two ids; a pair is found through a
    folded name, an identity value or a named attribute's value, and the
    other reasons only add to its score (merge.h, docs/merge.md)."""
    held = {c: {(i["kind"], i["key"]) for i in m.identities if i["customer"] == c}
            for c in m.customers}
    orgs = {c: {x["org"] for x in m.memberships if x["person"] == c} for c in m.customers}

    def reasons(a, b):
        ca, cb = m.customers[a], m.customers[b]
        mails = [{k[k.index("@"):] for kind, k in held[c] if kind == "email"} for c in (a, b)]
        phones = [{k[-7:] for kind, k in held[c] if kind == "phone" and len(k) >= 7}
                  for c in (a, b)]
        shared = sum(1 for k in keys if k in ca["attrs"] and cb["attrs"].get(k) ==
                     ca["attrs"][k])
        why = {"name": fold(ca["name"]) == fold(cb["name"]),
               "email_domain": bool(mails[0] & mails[1]),
               "phone_suffix": bool(phones[0] & phones[1]),
               "organisation": bool(orgs[a] & orgs[b]),
               "attribute": shared > 0, "identity": bool(held[a] & held[b])}
        return why, shared

    def kept(a, b):
        arch = m.customers[a]["archived"], m.customers[b]["archived"]
        return archived is True or (archived == "only") == any(arch)

    rows = []
    ids = sorted(m.customers)
    for a in ids:
        for b in ids:
            if b <= a and customer_id is None or b == a:
                continue
            if customer_id is not None and a != customer_id:
                continue
            why, shared = reasons(a, b)
            if not (why["name"] or why["identity"] or why["attribute"]) or not kept(a, b):
                continue
            score = min(100, sum(WEIGHTS[r] for r, yes in why.items() if yes and r != "attribute")
                        + 30 * shared)
            if score >= min_score:
                rows.append((a, b, score, sum(BITS[r] for r, yes in why.items() if yes), shared))
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))
