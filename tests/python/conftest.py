import datetime as dt

import pytest

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
