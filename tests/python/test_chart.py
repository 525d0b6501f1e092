"""tools/crm_chart.py draws every report as a PNG: the reasons as bars with
the cumulative share, the channel mix as lines over time. Each file must be
a PNG matplotlib reads back, of the size the tool draws."""
import pathlib
import subprocess
import sys

import matplotlib.image

TOOL = pathlib.Path(__file__).resolve().parents[2] / "tools" / "crm_chart.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_draws_every_report(tmp_path):
    db = tmp_path / "demo.db"
    r = run("--demo", db)
    assert r.returncode == 0, r.stderr
    for report in ("reasons", "channel_mix", "repeats", "fcr", "handover", "keep_rate"):
        out = tmp_path / f"{report}.png"
        r = run(db, report, out, "--depth", "1", "--period", "week")
        assert r.returncode == 0, (report, r.stderr)
        assert out.read_bytes()[:8] == PNG_MAGIC, report
        image = matplotlib.image.imread(out)
        assert image.shape[:2] == (500, 900), report
        # something was drawn: not one colour
        assert image.min() < image.max(), report


def test_refuses_what_is_wrong(tmp_path):
    db = tmp_path / "demo.db"
    assert run("--demo", db).returncode == 0
    r = run(db, "pareto", tmp_path / "x.png")
    assert r.returncode != 0 and "no report is called 'pareto'" in r.stderr
    r = run(db, "reasons", tmp_path / "x.png", "--from", "2026-04-01", "--to", "2026-03-01")
    assert r.returncode == 1 and "from/to" in r.stderr
    assert not (tmp_path / "x.png").exists()
