"""Iterating a long timeline keeps memory flat (rows are freed as they go).
CRM_BIND_MEMORY_ROWS sets the size (default 200000; the issue's figure is 1M);
CRM_BIND_MEMORY_CHECK=0 iterates without asserting on RSS."""
import os

import crm
from crm import _lowlevel as ll

ROWS = int(os.environ.get("CRM_BIND_MEMORY_ROWS", "200000"))
# off in the sanitizer build: ASan's quarantine holds freed memory on purpose
CHECK = os.environ.get("CRM_BIND_MEMORY_CHECK", "1") != "0"


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_timeline_memory_is_flat():
    with crm.open(":memory:") as db:
        c = db.create_customer("Busy Customer")
        with db.transaction():
            for i in range(ROWS):
                ll.crm_swig_interaction_log(db._h, c.id, "phone", ll.CRM_DIRECTION_IN,
                                            1_000_000 + i, None, None, 0, 0,
                                            ll.CRM_SENTIMENT_NONE, None, None, None, None)
        n = 0
        for it in db.timeline(c):
            n += 1
            if n == 1000:
                start = rss_kib()
        end = rss_kib()
        assert n == ROWS
        growth = end - start
        print(f"timeline of {ROWS} rows: RSS {start} KiB -> {end} KiB ({growth:+d} KiB)")
        if CHECK:
            assert growth < 16 * 1024, f"RSS grew by {growth} KiB over {ROWS} rows"
