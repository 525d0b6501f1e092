"""Check what `crm_bench --json` wrote: the shape the report generator reads.

    check_json.py PATH SIZE...

PATH holds a JSON array with one object per SIZE, in that order (or a single
object when one SIZE is given and the file is not an array). Timings are not
judged, only that every field is there, has its type, and agrees with the
others.
"""
import json
import math
import sys

ROW_KEYS = {"op", "what", "unit", "libcrm", "baseline", "baseline_name", "ratio", "target", "pass"}
OPS = [
    "import", "lookup", "lookup_national", "log_batch", "log_single", "timeline",
    "timeline_deep", "promise_batch", "promise_pair", "overdue", "journal", "customer_page",
    "open", "customer_count", "thread_filter", "resolve", "holders",
    "promise_import", "owner_page",
    "report_reasons", "report_repeats", "report_fcr", "report_handover", "report_keep_rate",
    "report_channel_mix",
    "agenda", "agenda_team",
    "consent_check",
    "customer_verify",
    "id_expand",
    "import_rss",
]
JUDGED = {"import", "lookup", "log_batch", "log_single", "timeline", "timeline_deep",
          "import_rss", "lookup_growth",
          "report_reasons", "report_repeats", "report_fcr", "report_handover",
          "report_keep_rate", "report_channel_mix"}


def fail(msg):
    print("check_json: " + msg, file=sys.stderr)
    sys.exit(1)


def check_row(size, row):
    where = "size %d, op %r" % (size, row.get("op"))
    if set(row) != ROW_KEYS:
        fail("%s: keys %s" % (where, sorted(row)))
    for k in ("op", "what", "unit", "baseline_name"):
        if not isinstance(row[k], str) or not row[k]:
            fail("%s: %s is not a string" % (where, k))
    for k in ("libcrm", "baseline", "ratio"):
        v = row[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            fail("%s: %s is %r" % (where, k, v))
    if row["unit"] not in ("ops/s", "KiB"):
        fail("%s: unit %r" % (where, row["unit"]))
    judged = row["op"] in JUDGED
    if judged != (row["target"] is not None) or judged != (row["pass"] is not None):
        fail("%s: target %r and pass %r" % (where, row["target"], row["pass"]))
    if judged and not isinstance(row["pass"], bool):
        fail("%s: pass is %r" % (where, row["pass"]))
    if row["unit"] == "ops/s":
        # ratio is libcrm time over baseline time, so the inverse of the rates'.
        if abs(row["ratio"] - row["baseline"] / row["libcrm"]) > 0.01 * row["ratio"] + 0.002:
            fail("%s: ratio %r does not match the rates" % (where, row["ratio"]))


def check_run(run, size, first):
    if set(run) != {"suite", "size", "interactions", "results", "peak_rss_kb", "cpu", "date"}:
        fail("size %d: keys %s" % (size, sorted(run)))
    if run["suite"] != "c" or run["size"] != size or run["interactions"] != size:
        fail("size %d: suite %r size %r interactions %r"
             % (size, run["suite"], run["size"], run["interactions"]))
    rss = run["peak_rss_kb"]
    if set(rss) != {"libcrm", "raw"} or not all(isinstance(v, int) and v > 0 for v in rss.values()):
        fail("size %d: peak_rss_kb %r" % (size, rss))
    if not isinstance(run["cpu"], str) or len(run["date"]) != 10 or run["date"][4] != "-":
        fail("size %d: cpu %r date %r" % (size, run["cpu"], run["date"]))
    ops = [r.get("op") for r in run["results"]]
    want = OPS + ([] if first else ["lookup_growth", "lookup_growth_raw"])
    if ops != want:
        fail("size %d: ops %s" % (size, ops))
    for row in run["results"]:
        check_row(size, row)


def main():
    if len(sys.argv) < 3:
        fail("usage: check_json.py PATH SIZE...")
    sizes = [int(s) for s in sys.argv[2:]]
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict) and len(sizes) == 1:
        data = [data]
    if not isinstance(data, list) or len(data) != len(sizes):
        fail("expected %d runs, found %r" % (len(sizes), type(data).__name__))
    for i, (run, size) in enumerate(zip(data, sizes)):
        check_run(run, size, i == 0)
    print("check_json: %d run(s) of %s: ok" % (len(sizes), sys.argv[1]))


if __name__ == "__main__":
    main()
