"""Random sequences of libcrm calls against the reference model
(machine.py). The number of sequences and their length come from the
environment, so `make test` runs a bounded number and `make stress` runs
for an hour:

  CRM_MODEL_EXAMPLES   sequences to run (default 60)
  CRM_MODEL_STEPS      calls per sequence at most (default 40)
  CRM_MODEL_SECONDS    stop starting new sequences after this long (0: no limit)
  CRM_MODEL_SEED       a fixed seed, to repeat a run exactly
  CRM_MODEL_SAVE=1     keep failing sequences in tests/model/examples
                       (commit them: every later run replays them first)
"""
import os
import sys

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

sys.path.insert(0, os.path.dirname(__file__))
from machine import CrmMachine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "examples")

_saved = DirectoryBasedExampleDatabase(EXAMPLES)
RANDOM = "CRM_MODEL_SEED" in os.environ or os.environ.get("CRM_MODEL_RANDOM") == "1"
COMMON = dict(
    stateful_step_count=int(os.environ.get("CRM_MODEL_STEPS", "40")),
    # no target phase: its Pareto optimisation replays sequences over and
    # over for a goal the machine does not set
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)


class TestModel(CrmMachine.TestCase):
    """The sequences: the same ones on every run unless CRM_MODEL_RANDOM=1
    or CRM_MODEL_SEED is set (a failure in `make test` then repeats)."""
    settings = settings(
        max_examples=int(os.environ.get("CRM_MODEL_EXAMPLES", "60")),
        derandomize=not RANDOM,
        database=(_saved if os.environ.get("CRM_MODEL_SAVE") == "1" else ReadOnlyDatabase(_saved))
        if RANDOM else None,
        **COMMON)


class TestSavedSequences(CrmMachine.TestCase):
    """Every failing sequence ever kept in tests/model/examples, replayed
    (they pass now: each was a bug, fixed)."""
    settings = settings(max_examples=1, database=ReadOnlyDatabase(_saved),
                        **dict(COMMON, phases=[Phase.explicit, Phase.reuse]))
