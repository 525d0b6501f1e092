"""What the package exports: ``from crm import *`` (common in notebooks)
binds no name of Python's builtins, and the version is the C library's."""
import builtins
import re

import crm


def test_star_import_binds_no_builtin_name():
    ns = {}
    exec("from crm import *", ns)
    bound = set(ns) - {"__builtins__"}
    assert bound == set(crm.__all__)
    assert sorted(bound & set(dir(builtins))) == []


def test_names_left_out_of_all_stay_in_the_module():
    for name in ("open", "Warning", "IOError"):
        assert name not in crm.__all__
    assert callable(crm.open)
    assert issubclass(crm.IOError, crm.OperationalError)
    assert issubclass(crm.Warning, Exception)
    with crm.open(":memory:") as db:
        assert db.create_customer("Ann").name == "Ann"


def test_version_is_the_linked_librarys():
    assert crm.__version__ == crm._lowlevel.crm_version()
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", crm.__version__)
    # the headers the binding was built with are the linked library's
    assert crm.__version__ == crm.VERSION
