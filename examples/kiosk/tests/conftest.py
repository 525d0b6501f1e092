"""What both kiosk test files share: the path to the kiosk, the check that
its Debian packages are there, and a clock the tests can move."""

import datetime as dt
import importlib
import os
import shutil
import sys

import pytest

KIOSK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, KIOSK_DIR)

# module or program -> the Debian package that brings it
PACKAGES = {"flask": "python3-flask", "selenium": "python3-selenium",
            "/usr/bin/chromium": "chromium", "/usr/bin/chromedriver": "chromium-driver"}


def require(*needs):
    """Fail (never skip) the calling test module when something it needs is
    missing, saying how to get it."""
    missing = [PACKAGES[n] for n in needs if not (shutil.which(n) if os.path.isabs(n)
                                                   else _importable(n))]
    if missing:
        pytest.fail(f"the kiosk tests need the Debian packages {' '.join(missing)}, which are "
                    f"not installed: `make deps` installs them (or apt-get install "
                    f"{' '.join(missing)})", pytrace=False)


def _importable(module):
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


class Clock:
    """The kiosk's now, which a test sets or moves on."""

    def __init__(self, now=None):
        self.now = now or dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)
