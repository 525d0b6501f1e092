import datetime as dt
import os
import tempfile

import pytest

# Hypothesis keeps a cache in ./.hypothesis unless told otherwise, and the
# tests run in the source tree: under the temporary directory instead (the
# build tree's, when ctest runs them).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "crm-hypothesis"))

import crm

UTC = dt.timezone.utc


@pytest.fixture
def db():
    with crm.open(":memory:", actor="agent:test", default_country="US") as d:
        yield d


@pytest.fixture
def ann(db):
    return db.create_customer("Ann Example")


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "t.crm")
