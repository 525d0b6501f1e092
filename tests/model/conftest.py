"""CRM_MODEL_STATS=FILE: write what the sequences ran (sequences, steps,
and per rule the calls the library accepted and refused) as JSON."""
import json
import os
import tempfile

# Hypothesis keeps its cache in ./.hypothesis unless told otherwise, and the
# tests run in the source tree: under the temporary directory instead.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "crm-hypothesis"))


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("CRM_MODEL_STATS")
    if not out:
        return
    from machine import CrmMachine
    with open(out, "w") as f:
        json.dump(CrmMachine.stats, f, indent=1, sort_keys=True)
