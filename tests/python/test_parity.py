"""Every exported crm_ function is reachable from Python, or listed in
bindings/not-bound.txt with the reason."""
import pathlib
import re

import crm
from crm import _lowlevel as ll

ROOT = pathlib.Path(__file__).resolve().parents[2]


def exported():
    names = set()
    for h in (ROOT / "include" / "crm").glob("*.h"):
        names |= set(re.findall(r"CRM_EXTERN\([^)]*\)\s*(crm_\w+)\s*\(", h.read_text()))
    return names


def not_bound():
    out = {}
    for line in (ROOT / "bindings" / "not-bound.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition("#")
            out[name.strip()] = reason.strip()
    return out


def test_headers_parsed():
    assert len(exported()) > 150


def test_every_function_reachable_or_listed():
    listed = not_bound()
    missing = sorted(n for n in exported() if n not in listed and not hasattr(ll, n))
    assert missing == []


def test_not_bound_list_is_current():
    listed = not_bound()
    assert all(listed.values()), "every entry needs a reason"
    assert sorted(set(listed) - exported()) == []
    # and what is listed really is hidden
    assert sorted(n for n in listed if hasattr(ll, n)) == []


def test_package_exports():
    for name in crm.__all__:
        assert hasattr(crm, name), name


# ---- the same methods in Python and Lua -------------------------------------
# bindings/methods.txt pairs each method of crm.Database with its Lua name;
# tests/lua/test_parity.lua checks the Lua side against the same file, so a
# method one language has and the other has not fails one of the two,
# unless the file lists it with "-" on the other side and the reason.


def methods():
    """[(python name or None, [lua names], reason)] from bindings/methods.txt."""
    rows = []
    for line in (ROOT / "bindings" / "methods.txt").read_text().splitlines():
        body, _, reason = line.partition("#")
        if not body.strip():
            continue
        python, lua = body.split()
        rows.append((None if python == "-" else python,
                     [] if lua == "-" else lua.split(","), reason.strip()))
    return rows


def test_methods_list_is_read():
    rows = methods()
    assert ("keep", ["keep"], "") in rows
    assert ("get_customer", [], "Python's other name for customer()") in rows
    assert len(rows) > 50


def test_every_method_is_listed():
    """crm.Database has exactly the methods (and properties) listed."""
    listed = {python for python, _, _ in methods() if python}
    public = {n for n in vars(crm.Database) if not n.startswith("_")}
    assert public - listed == set(), "in crm.Database, not in bindings/methods.txt"
    assert listed - public == set(), "in bindings/methods.txt, not in crm.Database"


def test_a_method_only_one_language_has_says_why():
    for python, lua, reason in methods():
        assert python or lua
        if not python or not lua:
            assert reason, f"{python or lua}: one language only, with no reason"
    names = [n for python, lua, _ in methods() for n in [python] if n]
    assert len(names) == len(set(names))
