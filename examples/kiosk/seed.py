#!/usr/bin/python3
"""Demo customers for the kiosk, through the `crm` package only.

    /usr/bin/python3 examples/kiosk/seed.py --db FILE

Phone numbers are from Ofcom's ranges kept for drama (07700 900xxx,
020 7946 0xxx), so none of them rings anyone. Running it again on the same
file adds nothing.
"""

import argparse
import datetime as dt
import sys

import crm

# (name, phones, loyalty card, date of birth) — what a tester types at the kiosk.
JANE = ("Jane Doe", ["07700 900123"], "LC-1001", dt.date(1984, 3, 7))
SAM = ("Sam Patel", ["07700 900456"], "LC-2002", dt.date(1990, 11, 23))
ANN = ("Ann Lee", [], None, dt.date(1956, 5, 1))
BOB = ("Bob Lee", [], None, dt.date(1953, 9, 14))
CHRIS = ("Chris Moss", ["07700 900789"], None, None)  # no date of birth on file
LEE_LANDLINE = "020 7946 0555"  # Ann and Bob share it


def _person(db, name, phones, card, born):
    c = db.create_customer(name)
    for i, phone in enumerate(phones):
        db.add_identity(c, "phone", phone, primary=i == 0)
    if card:
        db.add_identity(c, "loyalty", card, primary=True)
    if born:
        # What only the customer knows, which the kiosk asks for
        # (crm_customer_verify), and the birthday for the agenda.
        db.set_attr(c, "date_of_birth", born.isoformat())
        db.add_occasion(c, "birthday", year=born.year, month=born.month, day=born.day,
                        lead_days=7)
    return c


def seed(db, now=None):
    """Add the demo customers to db (a crm.Database), unless they are there.
    Returns True when it added them."""
    if list(db.holders("phone", JANE[1][0])):
        return False
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(minute=0, second=0, microsecond=0)
    day = dt.timedelta(days=1)
    with db.transaction():
        jane = _person(db, *JANE)
        call = db.log(jane, "phone", "in", occurred_at=now - 6 * day, reason="billing.refund",
                      summary="asked where her refund is", outcome="unresolved",
                      handled_by="agent:alice")
        db.promise(jane, "call you back about your refund", now - 2 * day,
                   owner="agent:alice", interaction_id=call, at=now - 6 * day)
        db.promise(jane, "post you a replacement loyalty card", now + 3 * day,
                   owner="team:front-desk", interaction_id=call, at=now - 6 * day)

        sam = _person(db, *SAM)
        mail = db.log(sam, "email", "in", occurred_at=now - 2 * day, reason="sales.prices",
                      summary="asked for the new price list", outcome="transferred")
        db.promise(sam, "email you the new price list", now + 5 * day, owner="team:sales",
                   interaction_id=mail, at=now - 2 * day)

        ann = _person(db, *ANN)
        bob = _person(db, *BOB)
        db.add_identity(ann, "phone", LEE_LANDLINE, shared=True)
        db.add_identity(bob, "phone", LEE_LANDLINE, shared=True)
        visit = db.log(ann, "in_person", "in", occurred_at=now - 1 * day,
                       reason="service.repair", summary="brought in a kettle to repair",
                       outcome="resolved")
        db.promise(ann, "have your kettle repaired", now + 2 * day, owner="team:workshop",
                   interaction_id=visit, at=now - 1 * day)

        _person(db, *CHRIS)
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description="Add the kiosk's demo customers to a database.")
    ap.add_argument("--db", required=True, help="the database file (created if missing)")
    ap.add_argument("--country", default="GB", help="region national phone numbers are read in")
    args = ap.parse_args(argv)
    with crm.open(args.db, actor="system:seed", default_country=args.country) as db:
        added = seed(db)
    print("seeded" if added else "already seeded", args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
