"""Sequences the state machine found, shrunk, kept as ordinary tests: each
names the bug it found. They run through the machine itself (each step is
one of its rules, every invariant checked after it), so they guard the
library and the model alike."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from machine import INTEGRITY_EVERY, CrmMachine  # noqa: E402

INVARIANTS = ("journal_matches", "customers_match", "lookups_match", "resolves_match",
              "ids_expand",
              "interactions_match", "promises_match", "occasions_match", "consent_matches",
              "reports_match", "agenda_matches", "search_matches", "duplicates_match",
              "file_is_whole")


def replay(*steps):
    """Run the steps, every invariant after each, and at the end the
    JSON Lines round trip whatever the step count."""
    m = CrmMachine()
    try:
        for name, kw in steps:
            getattr(m, name)(**kw)
            for inv in INVARIANTS:
                getattr(m, inv)()
        m.steps = INTEGRITY_EVERY // 2
        m.round_trip()
    finally:
        m.teardown()


def test_an_erased_customers_promise_takes_no_step():
    # keep, break, release and renegotiate were accepted on an erased
    # customer's promise (a renegotiation's note is personal data, back in
    # the file after the erase); now NotFound, "was erased"
    replay(("start", dict(people=1, orgs=0, calls=0, promises=1)),
           ("erase", dict(pick=0)),
           ("keep", dict(back=None, by=0, pick=0, with_call=False)),
           ("renegotiate", dict(pick=0, back=None, shift=3 * 86_400_000, agreed=True)))


def test_an_erased_customers_interaction_takes_no_change():
    # set_summary put a summary back on an erased customer's interaction;
    # set_outcome, set_reason, set_public and delete were accepted too
    replay(("start", dict(people=1, orgs=0, calls=1, promises=0)),
           ("erase", dict(pick=0)),
           ("set_summary", dict(pick=0, summary="Charged twice")),
           ("set_outcome", dict(pick=0, outcome="resolved")),
           ("set_reason", dict(pick=0, reason="billing")),
           ("set_public", dict(pick=0, public=True)),
           ("delete_interaction", dict(pick=0)))


def test_overdue_follows_the_handles_clock():
    # a promise record's overdue was judged by the system clock, not the
    # handle's: False forever for a promise due next day on a clock in 2027
    replay(("start", dict(people=1, orgs=0, calls=0, promises=1)),
           ("advance", dict(by=3 * 86_400_000)))


def test_set_outcome_none_clears_it():
    # set_outcome(id, None) raised TypeError where log() takes None
    replay(("start", dict(people=1, orgs=0, calls=1, promises=0)),
           ("set_outcome", dict(pick=0, outcome="resolved")),
           ("set_outcome", dict(pick=0, outcome=None)))


def test_a_lone_surrogate_is_an_invalid_argument():
    # a str with no UTF-8 form raised SWIG's TypeError, not crm.InvalidArgument
    replay(("start", dict(people=1, orgs=0, calls=0, promises=0)),
           ("create_customer", dict(name="bad \udcff", org=False)),
           ("rename_customer", dict(pick=0, name="bad \udcff")))


def test_upcoming_after_reopening_lists_what_is_there():
    # a reopened handle (or another one) whose clock was in the same
    # millisecond as the occasion's id, or behind it, left the occasion out
    # of the upcoming window: the cursor's ceiling was the handle's own next id
    replay(("start", dict(people=1, orgs=0, calls=0, promises=0)),
           ("add_occasion", dict(pick=0, date=(12, 31, 2027), yearly=False, lead=0,
                                 kind="birthday")),
           ("reopen", dict()))


def test_a_future_call_on_a_new_channel_keeps_the_group():
    # inside a group, an interaction dated in the future on a channel no
    # one had used was refused after its channel's name was kept: the
    # refusal took the whole group with it (earlier changes gone, the
    # following writes StateError)
    replay(("start", dict(people=1, orgs=0, calls=0, promises=0)),
           ("begin", dict()),
           ("archive_customer", dict(pick=0)),
           ("log", dict(pick=0, channel="whatsapp", out=False, back=-1, outcome=None,
                        reason=None, summary=None, reply=0, replying=False)),
           ("rename_customer", dict(pick=0, name="Dee")),
           ("commit", dict()))


def test_an_erased_customers_records_survive_a_jsonl_round_trip():
    # an erased customer's promise (or interaction, or consent event) made
    # the export unimportable: the customer's line came first, erased, and
    # the rows naming it were refused ("a promise record naming a record
    # the file has not given before it"); a second import, the same
    replay(("start", dict(people=1, orgs=1, calls=1, promises=1)),
           ("consent", dict(pick=0, purpose="marketing", channel=None, granted=True,
                            back=None)),
           ("erase", dict(pick=0)))


def test_an_erased_customers_id_resolves_to_no_one():
    # resolve() by an erased customer's id gave its blank record, and
    # resolve_all() listed it, where get() says it was erased
    replay(("start", dict(people=2, orgs=1, calls=0, promises=0)),
           ("erase", dict(pick=2)))


def test_a_reply_made_by_another_handle_in_the_same_millisecond_round_trips():
    # a reply logged by a handle opened in the same millisecond as the
    # interaction it answers may have the smaller id (each handle counts
    # its own ids), so the export listed it first and the import refused
    # it ("an interaction record naming a record the file has not given
    # before it"); the ids are random, so the sequence runs eight times
    for _ in range(8):
        replay(("start", dict(people=1, orgs=0, calls=1, promises=0)),
               ("reopen", dict()),
               ("log", dict(pick=0, channel="phone", out=True, back=None, outcome=None,
                            reason=None, summary=None, reply=0, replying=True)))
