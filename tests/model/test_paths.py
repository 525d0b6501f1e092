"""Paths the random sequences reach rarely, walked on purpose through the
same machine (each step one of its rules, every invariant checked after
it): a membership through a merge and its undoing, a merge of two
organisations that share a member, a member erased, an IVR call handed
over or contained, a contact repeated within and outside its window."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from model import DAY  # noqa: E402
from test_regressions import replay  # noqa: E402

# start(people=2, orgs=1): customers in order Ann, Bob, Acme. add_member's
# org pick 2 names Acme; person pick 1 names Bob, person pick 0 Ann.
TWO_AND_ACME = ("start", dict(people=2, orgs=1, calls=0, promises=0))


def test_memberships_follow_a_merge_and_its_undoing():
    replay(TWO_AND_ACME,
           ("add_member", dict(org=2, person=0, role="owner")),
           ("add_member", dict(org=2, person=1, role="billing contact")),
           ("merge", dict(keep=0, absorb=1)),          # both members: Ann's role stays
           ("unmerge", dict(pick=1)),                  # Bob a member again
           ("merge", dict(keep=1, absorb=0)),
           ("remove_member", dict(org=0, person=0)),   # the kept membership gone
           ("unmerge", dict(pick=1)))                  # ... so no unmerge: StateError


def test_a_member_moves_with_a_merge():
    replay(TWO_AND_ACME,
           ("add_member", dict(org=2, person=1, role="owner")),
           ("merge", dict(keep=0, absorb=1)),          # Bob's membership becomes Ann's
           ("add_member", dict(org=2, person=0, role="owner")),   # Conflict
           ("unmerge", dict(pick=1)),
           ("erase", dict(pick=1)),                    # Bob erased: no member any more
           ("remove_member", dict(org=2, person=1)))   # NotFound


def test_two_organisations_with_one_member_merge():
    replay(("start", dict(people=1, orgs=1, calls=0, promises=0)),
           ("create_customer", dict(name="Dee", org=True)),
           ("add_member", dict(org=1, person=0, role="owner")),
           ("add_member", dict(org=2, person=0, role="billing contact")),
           ("merge", dict(keep=1, absorb=2)),
           ("unmerge", dict(pick=1)))


def test_ivr_calls_handed_over_and_contained():
    for handler in ("agent:bob", None, "bot:faq"):
        replay(("start", dict(people=1, orgs=0, calls=0, promises=0)),
               ("call_flow", dict(pick=0, reason="billing.refund", back=60_000,
                                  channel="phone", handled_by=handler, outcome="resolved")),
               ("call_flow", dict(pick=0, reason="billing", back=DAY, channel="ivr",
                                  handled_by=None, outcome=None)),
               ("advance", dict(by=3 * DAY)),
               ("call_flow", dict(pick=0, reason="billing.refund", back=60_000,
                                  channel="email", handled_by=handler, outcome="resolved")))


def test_a_yearly_occasion_from_a_later_year_is_not_due_before_it():
    # 29 February 2028, yearly, surfacing a year ahead: in January 2027 its
    # first occurrence is more than a year away
    replay(("start", dict(people=1, orgs=0, calls=0, promises=0)),
           ("add_occasion", dict(pick=0, date=(2, 29, 2028), yearly=True, lead=366,
                                 kind="birthday")),
           ("add_occasion", dict(pick=0, date=(12, 31, 2027), yearly=True, lead=366,
                                 kind="contract_end")),
           ("advance", dict(by=40 * DAY)))


def call(pick, channel, ref):
    return ("log", dict(pick=pick, channel=channel, out=False, back=None, outcome=None,
                        reason=None, summary=None, reply=0, replying=False, handled_by=None,
                        ref=ref))


def test_an_external_reference_is_unique_per_channel_until_erased():
    replay(("start", dict(people=2, orgs=0, calls=0, promises=0)),
           call(0, "email", "ref-1"),
           call(1, "email", "ref-1"),                  # Conflict: the channel has it
           call(1, "sms", "ref-1"),                    # another channel: fine
           call(0, "whatsapp", "ref-2"),
           ("erase", dict(pick=0)),                    # the erase takes the references
           call(1, "email", "ref-1"),
           call(1, "whatsapp", "ref-2"),
           ("delete_interaction", dict(pick=3)),
           call(1, "email", " ref-1"))                 # InvalidArgument


def test_wrong_answers_lock_a_customer_for_a_while():
    # five wrong answers lock; a right one while locked is StateError; the
    # lock passes after 15 minutes; a right one clears the count; a merge
    # drops the absorbed customer's count, an unmerge brings it back clear
    wrong = ("verify", dict(pick=0, key="date_of_birth", answer="wrong"))
    right = ("verify", dict(pick=0, key="date_of_birth", answer=" 1980-03-02 "))
    replay(("start", dict(people=2, orgs=0, calls=0, promises=0)),
           ("set_attr", dict(pick=0, key="date_of_birth", value="1980-03-02")),
           right,                                       # nothing counted: no entry
           wrong, wrong, right,                         # cleared
           wrong, wrong, wrong, wrong, wrong,           # locked
           right,                                       # StateError
           ("advance", dict(by=3_600_000)),
           right,                                       # the lock has passed
           wrong, wrong,
           ("merge", dict(keep=1, absorb=0)),
           ("unmerge", dict(pick=0)),                   # the verify entries do not count
           right)
