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
