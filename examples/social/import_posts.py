#!/usr/bin/python3
"""Import public posts from a social-listening tool into a libcrm database.

Each line of the JSON Lines file is one post, as a monitoring tool exports
it:

    {"id": "1790012345678901234", "network": "twitter", "handle": "@JaneDoe",
     "time": "2026-05-25T18:00:00Z", "text": "@ShopCo charged me twice",
     "reply_to": null}

The author is found by their social identity ("social", "network:handle");
an author no one knows becomes a customer named after the handle, tagged
unknown_author for someone to look at. Each post is logged as a public
interaction on the social channel, its external reference "network:id"
(post ids are unique per network, references per channel), so a second
import of the same file adds nothing: libcrm refuses the reference it has
already seen (crm.Conflict), which counts as already imported. A reply
joins the conversation of the post it answers when libcrm keeps both on
one customer: the author answering themselves, or the business (--brand)
answering a customer, which is logged as outgoing on that customer. Posts
are logged oldest first, whatever the file's order, so a post is there
before its replies.

Every rule (what a handle, a reference, a time or a text may be) is
libcrm's: a line it refuses is reported with its number and libcrm's
reason, and the import goes on. Only the Python binding is used.

    PYTHONPATH=build/release/bindings/python \\
        /usr/bin/python3 examples/social/import_posts.py --db shop.db \\
        --brand twitter:@ShopCo examples/social/sample.jsonl
"""

import argparse
import dataclasses
import datetime as dt
import json
import sys

import crm

CHANNEL = "social"
ACTOR = "import:social"
UNKNOWN_TAG = "unknown_author"
REQUIRED = ("id", "network", "handle", "time", "text")


class Refused(Exception):
    """A line that cannot be imported; str() is the reason."""


@dataclasses.dataclass
class Summary:
    read: int = 0             # lines holding something
    logged: int = 0           # posts logged now
    already: int = 0          # posts logged by an earlier import
    new_authors: int = 0      # customers created for authors no one knew
    threaded: int = 0         # replies logged in the conversation they answer
    reply_not_found: int = 0  # replies to a post not imported, logged on their own
    reply_other: int = 0      # replies to another customer's post, logged on their own
    not_logged: int = 0       # the business's own posts with no customer to log them on
    refused: list = dataclasses.field(default_factory=list)  # (line number, reason)

    def lines(self):
        out = [
            f"posts read           {self.read}",
            f"logged               {self.logged}",
            f"already imported     {self.already}",
            f"new authors          {self.new_authors}",
            f"replies threaded     {self.threaded}",
            f"replies unthreaded   {self.reply_not_found + self.reply_other}"
            f" ({self.reply_not_found} to a post not imported,"
            f" {self.reply_other} to another customer's post)",
            f"business posts       {self.not_logged} not logged (no customer's post to answer)",
            f"lines refused        {len(self.refused)}",
        ]
        out += [f"  line {n}: {why}" for n, why in self.refused]
        return out


@dataclasses.dataclass
class Post:
    line: int
    id: str
    network: str
    handle: str
    time: dt.datetime
    text: str
    reply_to: str | None

    @property
    def identity(self):
        return f"{self.network}:{self.handle}"

    def ref(self, post_id):
        return f"{self.network}:{post_id}"


def _text(obj, key, *, optional=False):
    v = obj.get(key)
    if v is None and optional:
        return None
    if isinstance(v, int) and not isinstance(v, bool) and key in ("id", "reply_to"):
        v = str(v)  # some tools export ids as numbers
    if not isinstance(v, str):
        raise Refused(f"{key} is {'null' if v is None else type(v).__name__}, not text")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused(f"{key} is not valid UTF-8 (it holds a lone surrogate)") from None
    return v


def parse_line(number, raw):
    """The Post on one line of the file (bytes, without its newline)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused(f"not valid UTF-8 (byte {e.start + 1})") from None
    try:
        obj = json.loads(text)
    except ValueError as e:
        raise Refused(f"not JSON: {e}") from None
    if not isinstance(obj, dict):
        raise Refused(f"not a JSON object but {type(obj).__name__}")
    missing = [k for k in REQUIRED if k not in obj]
    if missing:
        raise Refused("missing " + ", ".join(missing))
    when = _text(obj, "time")
    try:
        t = dt.datetime.fromisoformat(when)
    except ValueError:
        raise Refused(f"time {when!r} is not an ISO 8601 time") from None
    if t.tzinfo is None:
        raise Refused(f"time {when!r} has no time zone")
    return Post(number, _text(obj, "id"), _text(obj, "network"), _text(obj, "handle"), t,
                _text(obj, "text"), _text(obj, "reply_to", optional=True))


def read_posts(f, summary):
    """The posts of the binary file f, oldest first; refused lines go to
    summary."""
    posts = []
    for number, raw in enumerate(f, 1):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        summary.read += 1
        try:
            posts.append(parse_line(number, raw))
        except Refused as e:
            summary.refused.append((number, str(e)))
    posts.sort(key=lambda p: (p.time, p.line))
    return posts


class AlreadyImported(Exception):
    """libcrm holds the post's reference already (crm.Conflict from log)."""


def author_of(db, post):
    """The customer holding the post's handle, and whether it is new: an
    author no one knows becomes a customer named after the handle."""
    try:
        return db.lookup("social", post.identity), False
    except crm.NotFound:
        pass
    c = db.create_customer(post.handle)
    db.add_identity(c, "social", post.identity)
    db.add_tag(c, UNKNOWN_TAG)
    return c, True


def import_post(db, post, brands, summary):
    parent = None
    if post.reply_to is not None:
        try:
            parent = db.interaction_by_ref(CHANNEL, post.ref(post.reply_to))
        except crm.NotFound:
            pass
    # libcrm's match key says whether two handles are one (case, a leading @).
    brand = db.normalise("social", post.identity) in brands
    if brand and parent is None:
        summary.not_logged += 1
        return
    with db.transaction():  # an author created for a post libcrm refuses goes with it
        if brand:
            customer, created = parent.customer_id, False
        else:
            author, created = author_of(db, post)
            customer = author.id
        # libcrm keeps a conversation on one customer: a reply to someone
        # else's post is logged on its own (a reply_to of another customer
        # is refused).
        reply_to = parent if parent is not None and parent.customer_id == customer else None
        try:
            db.log(customer, CHANNEL, "out" if brand else "in", public=True,
                   occurred_at=post.time, external_ref=post.ref(post.id),
                   body=post.text or None, handled_by=post.identity if brand else None,
                   reply_to=reply_to)
        except crm.Conflict as e:
            raise AlreadyImported(e.conflict_id) from None
    summary.logged += 1
    summary.new_authors += created
    if post.reply_to is not None:
        if reply_to is not None:
            summary.threaded += 1
        elif parent is None:
            summary.reply_not_found += 1
        else:
            summary.reply_other += 1


def import_file(db, source, brands=()):
    """Import the posts of a JSON Lines file (a path, or a file opened in
    binary mode); return a Summary.
    brands: the business's own accounts, "network:handle". A line libcrm
    refuses is reported; a failure of the database (crm.Busy, crm.IOError)
    ends the import and is raised."""
    keys = {db.normalise("social", b) for b in brands}
    summary = Summary()
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as f:
            posts = read_posts(f, summary)
    else:
        posts = read_posts(source, summary)
    for post in posts:
        try:
            import_post(db, post, keys, summary)
        except AlreadyImported:
            summary.already += 1
        except (crm.InvalidArgument, crm.Ambiguous) as e:
            summary.refused.append((post.line, e.message))
    summary.refused.sort()
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the libcrm database (created if missing)")
    ap.add_argument("--brand", action="append", default=[], metavar="NETWORK:HANDLE",
                    help="the business's own account; its replies are logged as outgoing "
                         "on the customer it answers (repeatable)")
    ap.add_argument("file", help="the posts, one JSON object a line")
    args = ap.parse_args(argv)
    try:
        f = open(args.file, "rb")  # before the database, which opening may create
    except OSError as e:
        print(f"import_posts: cannot read {args.file}: {e.strerror}", file=sys.stderr)
        return 1
    try:
        with f, crm.open(args.db, actor=ACTOR) as db:
            for b in args.brand:
                try:
                    db.normalise("social", b)
                except crm.InvalidArgument as e:
                    ap.error(f"--brand: {e.message}")
            summary = import_file(db, f, args.brand)
    except OSError as e:
        print(f"import_posts: cannot read {args.file}: {e.strerror}", file=sys.stderr)
        return 1
    except crm.Error as e:
        print(f"import_posts: {args.db}: {e.message} ({e.name})", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
