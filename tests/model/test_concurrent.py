"""The state machine on three handles sharing one file (two in this
process, one in another): machine.SharedFileMachine. Environment as in
test_model.py (CRM_MODEL_CONCURRENT_EXAMPLES sequences, default 25)."""
import os
import sys

from hypothesis import HealthCheck, Phase, settings

sys.path.insert(0, os.path.dirname(__file__))
from machine import SharedFileMachine  # noqa: E402

RANDOM = "CRM_MODEL_SEED" in os.environ or os.environ.get("CRM_MODEL_RANDOM") == "1"


class TestSharedFile(SharedFileMachine.TestCase):
    settings = settings(
        max_examples=int(os.environ.get("CRM_MODEL_CONCURRENT_EXAMPLES", "25")),
        stateful_step_count=int(os.environ.get("CRM_MODEL_STEPS", "40")),
        derandomize=not RANDOM, database=None, deadline=None, print_blob=True,
        # no target phase: its Pareto optimisation replays sequences over
        # and over for a goal the machine does not set
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
