#!/usr/bin/python3
"""Turn the benchmarks' JSON into bench/results.md and bench/results.png.

    /usr/bin/python3 bench/report.py --md bench/results.md --png bench/results.png \
        build/bench/c.json build/bench/python.json build/bench/lua.json

Each input holds one suite object or an array of them:

    {"suite": "c" | "python" | "lua", "size": N,
     "results": [{"op": "lookup", "what": "caller-ID lookup (E.164)", "unit": "ops/s",
                  "libcrm": 12345.6, "baseline": 23456.7, "baseline_name": "raw SQLite",
                  "ratio": 1.9, "target": "≤ 1.3× raw time", "pass": false}, ...],
     "peak_rss_kb": {"libcrm": ..., "raw": ...}, "cpu": "...", "date": "YYYY-MM-DD"}

Rates are operations per second; ratio is libcrm's time over the baseline's
(below 1: libcrm is faster). A row may carry a "note" (a sentence shown under
its table, naming the operations it is about). The Python suite has a row per
operation and baseline (the sqlite3 module, the SQLAlchemy ORM); its writes
in transactions of their own (log_single, promise_pair) carry a note and no
target, the write target being judged on its batched writes. Lua rows come without a
baseline: it is filled in here from the C suite at the same size and
operation (raw SQLite from C), without a target (the targets are the C
library's and the Python binding's), and the Lua rate is also set against
libcrm's own rate from C (the binding's cost).

Every ratio is shown with its target and PASS or MISS; nothing here fails on
a timing. The program fails only on unreadable input.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import sys

SUITE_ORDER = {"c": 0, "python": 1, "lua": 2}
SUITE_TITLE = {"c": "C", "python": "Python", "lua": "Lua"}
# the C benchmark's order; operations not named here follow, by name
OP_ORDER = ["import", "lookup", "lookup_national", "log_batch", "log_single", "timeline",
            "timeline_deep", "promise_batch", "promise_pair_batch", "promise_pair", "overdue",
            "journal", "customer_page", "open", "customer_count", "thread_filter", "resolve",
            "holders", "promise_import", "owner_page",
            "report_reasons", "report_repeats", "report_fcr", "report_handover",
            "report_keep_rate", "report_channel_mix", "agenda", "agenda_team", "import_rss",
            "lookup_growth", "consent_check", "customer_verify", "id_expand"]
PANEL_TITLE = {("c", "raw SQLite"): "C: libcrm vs hand-written SQLite (C)",
               ("python", "sqlite3 module"): "Python: binding vs hand-written sqlite3 code",
               ("python", "SQLAlchemy ORM"): "Python: binding vs SQLAlchemy ORM",
               ("lua", "raw SQLite"): "Lua: binding vs hand-written SQLite (C)",
               ("c", "growth"): "C: lookup time against the smallest size's "
                                "(lookup_growth: libcrm, judged; lookup_growth_raw: raw SQLite)"}
# Rows that set a size against the smallest one: one panel of their own.
GROWTH_OPS = ("lookup_growth", "lookup_growth_raw")


def fail(msg):
    sys.stderr.write("report.py: %s\n" % msg)
    sys.exit(1)


def load(paths):
    suites = []
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            fail("%s: %s" % (p, e))
        for s in data if isinstance(data, list) else [data]:
            if not isinstance(s, dict) or "suite" not in s or "size" not in s \
                    or not isinstance(s.get("results"), list):
                fail("%s: not a suite object (suite, size, results)" % p)
            s["_file"] = os.path.basename(p)
            suites.append(s)
    return suites


def number(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) \
        else None


def is_rate(r):
    return (r.get("unit") or "ops/s").endswith("/s")


_TARGET = re.compile(r"(≤|<=|<|≥|>=|>)\s*([0-9]*\.?[0-9]+)\s*[×x]")


def target_limit(text):
    """(limit, strict) on the time ratio from a target such as "≤ 1.3× raw
    time" or "≥ 10× faster"; None if the text says no number."""
    if not text:
        return None
    m = _TARGET.search(text)
    if not m:
        return None
    cmp, value = m.group(1), float(m.group(2))
    if cmp in ("≥", ">=", ">"):
        if "faster" not in text or value <= 0:
            return None
        return 1.0 / value, cmp == ">"
    return value, cmp == "<"


def judge(ratio, row):
    """PASS (True), MISS (False) or no target (None) for a time ratio."""
    if ratio is None:
        return None
    limit, strict = number(row.get("target_max")), bool(row.get("target_strict"))
    if limit is None:
        parsed = target_limit(row.get("target"))
        if parsed is None:
            return None
        limit, strict = parsed
    return ratio < limit if strict else ratio <= limit


def normalise(suites):
    """Rows as the report needs them, Lua's filled in from C's."""
    c_rows = {}
    for s in suites:
        if s["suite"] == "c":
            for r in s["results"]:
                c_rows[(s["size"], r.get("op"))] = r
    for s in suites:
        for r in s["results"]:
            mine, base = number(r.get("libcrm")), number(r.get("baseline"))
            if s["suite"] == "lua":
                c = c_rows.get((s["size"], r.get("op")))
                r["c_libcrm"] = number(c.get("libcrm")) if c else None
                if c:
                    base = number(c.get("baseline"))
                    r["baseline"] = base
                    r["baseline_name"] = "%s (C)" % (c.get("baseline_name") or "raw SQLite")
                    r["target"] = None  # C's targets are the library's, not the binding's
                    r["ratio"] = None
                    r["pass"] = None
                else:
                    r["note"] = "no C figure for this operation and size"
                r["vs_c"] = r["c_libcrm"] / mine if mine and r["c_libcrm"] else None
            ratio = number(r.get("ratio"))
            if ratio is not None and ratio <= 0:
                ratio = None  # no baseline figure
            if ratio is None and mine and base and is_rate(r):
                ratio = base / mine  # rates: libcrm time / baseline time
            r["ratio"] = ratio
            if not isinstance(r.get("pass"), bool):
                r["pass"] = judge(ratio, r)
    suites.sort(key=lambda s: (SUITE_ORDER.get(s["suite"], 9), s["size"]))


def op_key(op):
    return (OP_ORDER.index(op) if op in OP_ORDER else len(OP_ORDER), op or "")


def verdict(p):
    return "—" if p is None else ("PASS" if p else "**MISS**")


def fmt_value(v, unit):
    if v is None:
        return "—"
    if unit == "KiB":
        return "%.1f MiB" % (v / 1024)
    return "{:,.0f}".format(v)


def fmt_ratio(v):
    if v is None:
        return "—"
    return "%.2f×" % v if v < 10 else "%.1f×" % v


def fmt_size(n):
    return "{:,}".format(n)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def panel_of(suite, r):
    """The chart panel a row belongs in: (suite, baseline without its
    parenthesis); None for rows that are no time ratio against another
    implementation (memory, libcrm against itself)."""
    name = r.get("baseline_name") or "baseline"
    if r.get("op") in GROWTH_OPS:
        return suite, "growth"
    if not is_rate(r) or name.startswith("libcrm"):
        return None
    return suite, re.sub(r"\s*\(.*\)\s*$", "", name)


def comparisons(suites):
    """The chart panels, in order."""
    seen = []
    for s in suites:
        for r in s["results"]:
            key = panel_of(s["suite"], r)
            if key and key not in seen:
                seen.append(key)
    return seen


# ---- results.md -----------------------------------------------------------


def write_md(path, suites, png_name):
    cpu = cpu_model()
    today = datetime.date.today().isoformat()
    out = []
    w = out.append
    w("# libcrm benchmark results\n")
    w("Machine: **%s**, %d CPUs, %s %s. Report written %s.\n"
      % (cpu, os.cpu_count() or 0, platform.system(), platform.release(), today))
    runs = sorted({(s["suite"], s.get("date") or "?", s.get("cpu") or "?",
                    s["_file"]) for s in suites}, key=lambda x: SUITE_ORDER.get(x[0], 9))
    for suite, date, scpu, name in runs:
        extra = "" if scpu in (cpu, "?") else " on %s" % scpu
        w("- %s: `%s`, run %s%s" % (SUITE_TITLE.get(suite, suite), name, date, extra))
    w("")
    w("Rates are operations per second. **Time ratio** is libcrm's time for an "
      "operation over the baseline's (below 1: libcrm is faster). Timings come from a "
      "shared machine and are noisy: compare the ratios within one run. No timing fails "
      "anything; each target says PASS or MISS.\n")
    if png_name:
        w("![time ratio against each baseline, per operation and size](%s)\n" % png_name)

    targeted = [(s, r) for s in suites for r in s["results"] if r.get("target")]
    if targeted:
        n_pass = sum(1 for _, r in targeted if r["pass"] is True)
        n_miss = sum(1 for _, r in targeted if r["pass"] is False)
        w("## Targets: %d PASS, %d MISS\n" % (n_pass, n_miss))
        w("| Suite | Customers | Operation | Against | Time ratio | Target | Result |")
        w("|---|---:|---|---|---:|---|---|")
        for s, r in sorted(targeted, key=lambda x: (SUITE_ORDER.get(x[0]["suite"], 9),
                                                      op_key(x[1].get("op")), x[0]["size"])):
            w("| %s | %s | %s | %s | %s | %s | %s |"
              % (SUITE_TITLE.get(s["suite"], s["suite"]), fmt_size(s["size"]),
                 r.get("what") or r.get("op"), r.get("baseline_name") or "—",
                 fmt_ratio(r["ratio"]), r["target"], verdict(r["pass"])))
        w("")

    for suite in sorted({s["suite"] for s in suites}, key=lambda x: SUITE_ORDER.get(x, 9)):
        mine = [s for s in suites if s["suite"] == suite]
        w("## %s\n" % {"c": "C: libcrm against hand-written SQLite code",
                        "python": "Python: the binding against the sqlite3 module and "
                                  "SQLAlchemy's ORM",
                        "lua": "Lua: the binding against the C figures"}.get(suite, suite))
        if suite == "lua":
            w("The baseline is raw SQLite from C (the C suite at the same size); *vs libcrm "
              "from C* is Lua's time over libcrm's own time from C, the cost of the binding. "
              "Informational: the targets are the C library's and the Python binding's, "
              "and an interpreter's own cost is not the library's.\n")
        if suite == "python":
            w("Every database is created by libcrm; the sqlite3 code and the ORM write the "
              "same rows, journal included (checked after each run).\n")
        for s in mine:
            about = []
            for k in ("interpreter", "sqlite", "sqlalchemy", "libcrm_version", "durability"):
                if s.get(k):
                    about.append("%s %s" % (k.replace("_", " "), s[k]))
            w("### %s customers\n" % fmt_size(s["size"]))
            if about:
                w("_%s_\n" % "; ".join(about))
            lua = suite == "lua"
            w("| Operation | Unit | libcrm | Against | Baseline | Time ratio | Target | Result |"
              + (" vs libcrm from C |" if lua else ""))
            w("|---|---|---:|---|---:|---:|---|---|" + ("---:|" if lua else ""))
            for r in sorted(s["results"], key=lambda r: op_key(r.get("op"))):
                unit = r.get("unit") or "ops/s"
                line = ("| %s | %s | %s | %s | %s | %s | %s | %s |"
                        % (r.get("what") or r.get("op"), "MiB" if unit == "KiB" else unit,
                           fmt_value(number(r.get("libcrm")), unit),
                           r.get("baseline_name") or "—",
                           fmt_value(number(r.get("baseline")), unit), fmt_ratio(r["ratio"]),
                           r.get("target") or "—", verdict(r["pass"])))
                if lua:
                    line += " %s |" % fmt_ratio(r.get("vs_c"))
                w(line)
            rss = s.get("peak_rss_kb") or {}
            if rss:
                w("\nPeak RSS: " + ", ".join("%s %.1f MiB" % (k, v / 1024)
                                            for k, v in rss.items() if number(v)))
            notes = sorted({r["note"] for r in s["results"] if r.get("note")})
            for n in notes:
                ops = sorted({r.get("op") or "?" for r in s["results"] if r.get("note") == n},
                             key=op_key)
                w("\nNote (%s): %s." % (", ".join(ops), n))
            w("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out).rstrip() + "\n")


# ---- results.png ----------------------------------------------------------


def write_png(path, suites):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    panels = comparisons(suites)
    sizes = sorted({s["size"] for s in suites})
    cmap = plt.get_cmap("viridis")
    colour = {n: cmap(0.1 + 0.75 * i / max(1, len(sizes) - 1)) for i, n in enumerate(sizes)}
    # The C suite has the most operations: a row of its own across the top.
    wide = [p for p in panels if p[0] == "c"]
    rest = [p for p in panels if p[0] != "c"]
    ncols = max(1, len(rest))
    nrows = len(wide) + (1 if rest else 0)
    fig = plt.figure(figsize=(max(15, 5.4 * ncols), 5.0 * max(1, nrows) + 1.3))
    grid = fig.add_gridspec(max(1, nrows), ncols)
    axes = [fig.add_subplot(grid[i, :]) for i in range(len(wide))]
    axes += [fig.add_subplot(grid[len(wide), k]) for k in range(len(rest))]

    for ax, (suite, base) in zip(axes, wide + rest):
        rows_by = {}
        for s in suites:
            if s["suite"] == suite:
                for r in s["results"]:
                    if panel_of(suite, r) == (suite, base):
                        rows_by[(r.get("op"), s["size"])] = r
        ops = sorted({op for op, _ in rows_by}, key=op_key)
        psizes = sorted({n for _, n in rows_by})
        width = 0.8 / max(1, len(psizes))
        values = [r["ratio"] for r in rows_by.values() if r["ratio"]]
        limits_all = [target_or_none(r) for r in rows_by.values()]
        span = values + [v for v in limits_all if v] + [1.0]
        lo, hi = min(span), max(span)
        for x, op in enumerate(ops):
            for k, n in enumerate(psizes):
                r = rows_by.get((op, n))
                if r is None:
                    continue
                xb = x - 0.4 + width * (k + 0.5)
                if r["ratio"] is None:
                    if values:  # else one message says it for the whole panel
                        ax.text(xb, 1.0, "no C figure" if suite == "lua" else "n/a",
                                ha="center", va="bottom", fontsize=7, rotation=90,
                                color="0.35")
                    continue
                ax.bar(xb, r["ratio"], width * 0.9, color=colour[n], edgecolor="black",
                       linewidth=0.5, hatch="///" if r["pass"] is False else None)
                text_colour = {True: "#1a7f37", False: "#c0392b"}.get(r["pass"], "0.15")
                label = "%.2f" % r["ratio"] if r["ratio"] < 10 else "%.0f" % r["ratio"]
                ax.text(xb, r["ratio"] * 1.06, label, ha="center", va="bottom",
                        fontsize=7 if len(psizes) > 2 else 8, color=text_colour,
                        fontweight="bold" if r["pass"] is not None else "normal", zorder=6,
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.75, pad=0.6))
            for limit in {target_or_none(rows_by.get((op, n))) for n in psizes} - {None}:
                ax.hlines(limit, x - 0.42, x + 0.42, colors="#c0392b", linestyles="--",
                          linewidth=1.8, zorder=5)
        ax.axhline(1.0, color="0.25", linewidth=0.9, zorder=1)
        ax.set_yscale("log")
        ax.set_ylim(lo / 2.0, hi * 2.4)
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g×" % v))
        ax.set_xticks(range(len(ops)))
        # names that would run into each other in a narrow panel are slanted
        crowded = sum(len(op or "") for op in ops) > (140 if suite == "c" else 60)
        ax.set_xticklabels(ops, fontsize=9.5, rotation=25 if crowded else 0,
                           ha="right" if crowded else "center", rotation_mode="anchor")
        ax.set_xlim(-0.6, len(ops) - 0.4)
        for x in range(1, len(ops)):
            ax.axvline(x - 0.5, color="0.92", linewidth=0.8, zorder=0)
        ax.grid(axis="y", which="major", color="0.88", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(PANEL_TITLE.get((suite, base), "%s: libcrm vs %s"
                                     % (SUITE_TITLE.get(suite, suite), base)), fontsize=11.5)
        ax.set_ylabel("libcrm time / baseline time", fontsize=9)
        if not values:
            ax.text(0.5, 0.5, "no baseline figures" + (" (no C results)" if suite == "lua"
                                                        else ""),
                    transform=ax.transAxes, ha="center", color="0.35")

    handles = [Patch(facecolor=colour[n], edgecolor="black", label="{:,} customers".format(n))
               for n in sizes]
    handles += [Line2D([], [], color="#c0392b", linestyle="--", linewidth=1.8,
                       label="target: at or below passes"),
                Patch(facecolor="white", edgecolor="black", hatch="///", label="target missed"),
                Line2D([], [], color="0.25", linewidth=0.9, label="1× = as fast as the baseline")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9.5,
               frameon=False)
    dates = sorted({s.get("date") for s in suites if s.get("date")})
    fig.suptitle("libcrm: time per operation against each baseline, log scale "
                 "(below 1× libcrm is faster)\n%s, %s"
                 % (cpu_model(), ", ".join(dates) or datetime.date.today().isoformat()),
                 fontsize=12.5)
    fig.tight_layout(rect=(0, 0.045, 1, 0.95))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def target_or_none(r):
    if r is None or not r.get("target"):
        return None
    limit = number(r.get("target_max"))
    if limit is None:
        parsed = target_limit(r["target"])
        limit = parsed[0] if parsed else None
    return limit


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSON files written by the benchmarks")
    ap.add_argument("--md", default="bench/results.md", help="the Markdown report to write")
    ap.add_argument("--png", default="bench/results.png",
                    help="the chart to write ('' for none)")
    args = ap.parse_args()
    suites = load(args.inputs)
    normalise(suites)
    png = args.png or None
    if png:
        write_png(png, suites)
    md_dir = os.path.dirname(os.path.abspath(args.md))
    write_md(args.md, suites, os.path.relpath(os.path.abspath(png), md_dir) if png else None)
    for s in suites:
        for r in s["results"]:
            if r.get("target"):
                print("%-6s %9s  %-18s vs %-32s %8s  %-38s %s"
                      % (s["suite"], fmt_size(s["size"]), r.get("op"), r.get("baseline_name"),
                         fmt_ratio(r["ratio"]), r["target"],
                         {True: "PASS", False: "MISS", None: "-"}[r["pass"]]))
    print("report.py: wrote %s%s" % (args.md, " and " + png if png else ""))


if __name__ == "__main__":
    main()
