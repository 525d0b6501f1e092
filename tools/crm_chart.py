#!/usr/bin/python3
"""Draw a libcrm report as a PNG chart.

    crm_chart.py DB REPORT OUT.png [--from TIME] [--to TIME] [--channels a,b]
                 [--owner WHO] [--depth N] [--period day|week|month] [--title TEXT]
    crm_chart.py --demo DB      fill an empty database with a demo data set

REPORT is any report of docs/reports.md: reasons (bars of contacts per
reason, most first, with the cumulative share as a line: the Pareto),
channel_mix (a line per channel over time), and repeats, fcr, handover or
keep_rate (a bar per row of the report's rate). TIME is ISO-8601
("2026-03-01" or "2026-03-01T12:00Z"), read as UTC when it has no zone.

It reads the database through the crm Python package (bindings/python;
from a build tree, PYTHONPATH=build/release/bindings/python) and draws with
matplotlib (Debian's python3-matplotlib), without a display.
"""
import argparse
import collections
import datetime as dt
import random
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

import crm  # noqa: E402

REPORTS = ("reasons", "repeats", "fcr", "handover", "keep_rate", "channel_mix")
# The rate each bar chart shows, and how its rows are named.
RATES = {"repeats": "repeat_rate", "fcr": "fcr_rate", "handover": "handover_rate",
         "keep_rate": "keep_rate"}


def utc_time(text):
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def label(row):
    """A row's name: its text columns, NULL shown as the report means it."""
    if hasattr(row, "dimension"):
        return f"{row.key} ({row.dimension})"
    if hasattr(row, "owner"):
        return row.owner or "all owners"
    reason = row.reason if row.reason is not None else "(none)"
    return reason if getattr(row, "channel", None) is None else f"{reason} / {row.channel}"


def draw_reasons(ax, rows):
    rows = [r for r in rows if r.channel is None]
    names = [label(r) for r in rows]
    ax.bar(names, [r.contacts for r in rows], color="#4c72b0")
    ax.set_ylabel("contacts")
    ax.tick_params(axis="x", labelrotation=30)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment("right")
    line = ax.twinx()
    line.plot(names, [r.cumulative_share for r in rows], color="#dd8452", marker="o")
    line.set_ylim(0, 1.05)
    line.yaxis.set_major_formatter(PercentFormatter(1.0))
    line.set_ylabel("cumulative share")


def draw_channel_mix(ax, rows):
    series = collections.defaultdict(collections.Counter)
    for r in rows:
        series[r.channel][r.period_start] += r.interactions
    for channel in sorted(series):
        points = sorted(series[channel].items())
        ax.plot([p for p, _ in points], [n for _, n in points], marker="o", label=channel)
    ax.set_ylabel("interactions")
    ax.legend()
    ax.figure.autofmt_xdate()


def draw_rate(ax, rows, rate):
    rows = [r for r in rows if getattr(r, rate) is not None]
    ax.bar([label(r) for r in rows], [getattr(r, rate) for r in rows], color="#55a868")
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(rate.replace("_", " "))
    ax.tick_params(axis="x", labelrotation=30)
    for t in ax.get_xticklabels():
        t.set_horizontalalignment("right")


def chart(db_path, report, out, *, title=None, **options):
    """Draw `report` of the database at db_path into the PNG file out."""
    if report not in REPORTS:
        raise SystemExit(f"crm_chart: no report is called {report!r}; use one of "
                         f"{', '.join(REPORTS)}")
    with crm.open(db_path, create=False, readonly=True) as db:
        rows = list(db.report(report, **options))
    fig, ax = plt.subplots(figsize=(9, 5), dpi=100)
    if not rows:
        ax.text(0.5, 0.5, "no rows in the window", ha="center", va="center")
    elif report == "reasons":
        draw_reasons(ax, rows)
    elif report == "channel_mix":
        draw_channel_mix(ax, rows)
    else:
        draw_rate(ax, rows, RATES[report])
    ax.set_title(title or report.replace("_", " "))
    fig.tight_layout()
    fig.savefig(out, format="png")
    plt.close(fig)


def demo(db_path):
    """Six weeks of contacts of 40 customers, the same every time."""
    rng = random.Random(13)
    reasons = [("billing.double_charge", 9), ("billing.refund", 5), ("delivery.late", 6),
               ("delivery.damaged", 2), ("account.password", 3), ("tech.outage", 2)]
    channels = [("phone", 5), ("email", 3), ("chat", 2), ("ivr", 2), ("social", 1)]
    start = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    with crm.open(db_path) as db:
        with db.transaction():
            people = [db.create_customer(f"Customer {k:02d}") for k in range(40)]
            for day in range(42):
                for _ in range(rng.randint(8, 16)):
                    who = rng.choice(people)
                    reason = rng.choices([r for r, _ in reasons], [w for _, w in reasons])[0]
                    channel = rng.choices([c for c, _ in channels], [w for _, w in channels])[0]
                    at = start + dt.timedelta(days=day, minutes=rng.randint(480, 1080))
                    db.log(who, channel, "in", occurred_at=at, reason=reason,
                           outcome=rng.choice(["resolved", "resolved", "unresolved"]),
                           public=channel == "social")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--demo", action="store_true", help="fill an empty database DB with a demo")
    p.add_argument("db")
    p.add_argument("report", nargs="?")
    p.add_argument("out", nargs="?")
    p.add_argument("--from", dest="from_", type=utc_time)
    p.add_argument("--to", type=utc_time)
    p.add_argument("--channels", type=lambda s: s.split(","))
    p.add_argument("--owner")
    p.add_argument("--depth", type=int, default=0)
    p.add_argument("--period", default="week", choices=("day", "week", "month"))
    p.add_argument("--title")
    a = p.parse_args(argv)
    if a.demo:
        demo(a.db)
        return 0
    if not a.report or not a.out:
        p.error("give DB REPORT OUT.png")
    try:
        chart(a.db, a.report, a.out, title=a.title, from_=a.from_, to=a.to,
              channels=a.channels, owner=a.owner, depth=a.depth, period=a.period)
    except crm.Error as e:
        print(f"crm_chart: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
