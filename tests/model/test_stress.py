"""The long run (`make stress`): random sequences of both machines, batch
after batch with fresh seeds, until CRM_MODEL_SECONDS (default 3600) have
passed. Longer sequences than `make test`'s (CRM_MODEL_STEPS, default 100).
A failing sequence is shrunk and, with CRM_MODEL_SAVE=1, kept in
tests/model/examples, which every later run replays first."""
import os
import sys
import time

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.stateful import run_state_machine_as_test

sys.path.insert(0, os.path.dirname(__file__))
from machine import CrmMachine, SharedFileMachine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SECONDS = float(os.environ.get("CRM_MODEL_SECONDS", "3600"))
STEPS = int(os.environ.get("CRM_MODEL_STEPS", "100"))


def test_for_an_hour():
    db = DirectoryBasedExampleDatabase(os.path.join(HERE, "examples")) \
        if os.environ.get("CRM_MODEL_SAVE") == "1" else None
    deadline = time.monotonic() + SECONDS
    batches = 0
    while time.monotonic() < deadline:
        for machine, n in ((CrmMachine, 200), (SharedFileMachine, 50)):
            run_state_machine_as_test(machine, settings=settings(
                max_examples=n, stateful_step_count=STEPS, deadline=None, database=db,
                print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
        batches += 1
    print(f"{batches} batches; what ran: {CrmMachine.stats}")
