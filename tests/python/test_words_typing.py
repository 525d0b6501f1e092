"""The Literal types of the stub (crm/__init__.pyi) are the words libcrm
takes: every word the library names is in its Literal, every word of a
Literal is one the library accepts, and the package's own aliases
(crm.Channel, ...) say the same; and mypy, given the stub, passes calls
with those words and flags misspelt ones."""
import ast
import os
import subprocess
import sys
import typing

import pytest

import crm

ll = crm._ll
STUB = os.path.join(os.path.dirname(crm.__file__), "__init__.pyi")


def literals():
    """{alias: set of words} for each module-level alias of the stub that is,
    or holds, a Literal[...]."""
    with open(STUB, encoding="utf-8") as f:
        tree = ast.parse(f.read(), STUB)
    out = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        words = set()
        for sub in ast.walk(node.value):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) \
                    and sub.value.id == "Literal":
                elts = sub.slice.elts if isinstance(sub.slice, ast.Tuple) else [sub.slice]
                words |= {e.value for e in elts}
        if words:
            out[node.targets[0].id] = words
    return out


def named(name):
    """The words crm_<x>_name() gives (NULL outside the enum)."""
    return {w for w in map(name, range(65)) if w is not None}


def accepted(parse, word):
    try:
        parse(word)
    except crm.InvalidArgument:
        return False
    return True


# alias in the stub: (crm_<x>_name, crm_<x>_parse)
ENUMS = {
    "Channel": (ll.crm_channel_name, ll.crm_channel_parse),
    "Direction": (ll.crm_direction_name, ll.crm_direction_parse),
    "Outcome": (ll.crm_outcome_name, ll.crm_outcome_parse),
    "CustomerKind": (ll.crm_customer_kind_name, ll.crm_customer_kind_parse),
    "_StateName": (ll.crm_promise_state_name, ll.crm_promise_state_parse),
    "_Archived": (ll.crm_archived_filter_name, ll.crm_archived_filter_parse),
    "_Order": (ll.crm_customer_order_name, ll.crm_customer_order_parse),
    "_Durability": (ll.crm_durability_name, ll.crm_durability_parse),
    "_Period": (ll.crm_report_period_name, ll.crm_report_period_parse),
    "_AgendaKind": (ll.crm_agenda_kind_name, ll.crm_agenda_kind_parse),
    "_SearchKind": (ll.crm_search_kind_name, ll.crm_search_kind_parse),
    "_OnErrorWord": (ll.crm_import_on_error_name, ll.crm_import_on_error_parse),
}
# spellings a parse call accepts besides the names it gives
ALSO = {"CustomerKind": {"organization", "org"}}


def test_every_word_type_is_checked():
    assert set(literals()) == set(ENUMS) | {"_ReportName"}


@pytest.mark.parametrize("alias", sorted(ENUMS))
def test_literal_is_what_libcrm_names_and_accepts(alias):
    name, parse = ENUMS[alias]
    words = literals()[alias]
    assert words - ALSO.get(alias, set()) == named(name)
    refused = sorted(w for w in words if not accepted(parse, w))
    assert refused == []
    assert not accepted(parse, "no_such_word")  # the check can fail


def test_channels_are_the_eleven_built_in():
    assert len(literals()["Channel"]) == ll.CRM_CHANNEL_MAX == 11
    assert ll.crm_channel_name(ll.CRM_CHANNEL_CUSTOM) is None


def test_report_names_are_the_reports():
    assert literals()["_ReportName"] == set(crm._REPORTS)


def test_promise_states_are_the_enum():
    assert literals()["_StateName"] == {s.value for s in crm.PromiseState}


@pytest.mark.parametrize("alias", ["Channel", "Direction", "Outcome", "CustomerKind"])
def test_package_aliases_match_the_stub(alias):
    assert set(typing.get_args(getattr(crm, alias))) == literals()[alias]


def test_custom_channel_is_the_str_and_the_library_takes_it():
    ch = crm.CustomChannel("whatsapp")
    assert ch == "whatsapp" and type(ch) is str
    with crm.open(":memory:") as db:
        ann = db.create_customer("Ann")
        db.log(ann, ch, "in")
        assert [i.channel for i in db.timeline(ann, channels=[ch, "phone"])] == ["whatsapp"]


GOOD = """\
import crm
from crm import Channel, CustomChannel

def f(db: crm.Database, c: crm.Customer) -> None:
    i = db.log(c, "phone", "in", outcome="resolved")
    db.log(c, CustomChannel("whatsapp"), "out")
    db.timeline(c, channels=["email", CustomChannel("whatsapp")], outcomes="resolved",
                direction="out")
    db.set_outcome(i, "escalated")
    db.create_customer("Acme", kind="organisation")
    db.customers(kind="person", archived="only", order="name")
    db.promises(states=["open", crm.PromiseState.KEPT])
    db.report("keep_rate", period="week", channels="sms")
    db.agenda(kinds=["promise_overdue"])
    db.search("ann", kinds="customer")
    db.grant_consent(c, "marketing", "email")
    ch: Channel = "sms"
    db.log(c, ch)
"""

# each line a call mypy must refuse
BAD = [
    'db.log(c, "emial")',
    'db.log(c, "whatsapp")',
    'db.log(c, "phone", "inbound")',
    'db.timeline(c, channels=["phnoe"])',
    'db.timeline(c, outcomes=["resovled"])',
    'db.create_customer("Acme", kind="company")',
    'db.promises(states="opened")',
    'db.report("keeprate")',
    'db.grant_consent(c, "marketing", "e-mail")',
]


def mypy(tmp_path, code):
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.fail("mypy is missing: apt-get install python3-mypy")
    src = tmp_path / "sample.py"
    src.write_text(code)
    env = dict(os.environ, MYPYPATH=os.path.dirname(os.path.dirname(crm.__file__)))
    env.pop("PYTHONPATH", None)
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                        "--cache-dir", os.devnull, "--python-version", "3.11",
                        "--show-error-codes", str(src)],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    return p.returncode, p.stdout + p.stderr


def test_mypy_passes_the_words_and_flags_misspelt_ones(tmp_path):
    status, out = mypy(tmp_path, GOOD)
    assert status == 0, out
    bad = "import crm\n\ndef f(db: crm.Database, c: crm.Customer) -> None:\n" + \
        "".join(f"    {line}\n" for line in BAD)
    status, out = mypy(tmp_path, bad)
    assert status == 1, out
    flagged = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    first = 4  # the line of BAD[0]
    missed = [b for i, b in enumerate(BAD) if first + i not in flagged]
    assert missed == [], out
