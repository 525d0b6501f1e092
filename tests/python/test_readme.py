"""The Python example in the top-level README.md runs as written and prints
the ```text block that follows it."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def readme_python():
    """The first ```python block of README.md and the first ```text block after it."""
    text = (ROOT / "README.md").read_text()
    m = re.search(r"^```python\n(.*?)^```\n", text, re.S | re.M)
    assert m, "no ```python block in README.md"
    out = re.compile(r"^```text\n(.*?)^```\n", re.S | re.M).search(text, m.end())
    assert out, "no ```text block after the ```python block in README.md"
    return m.group(1), out.group(1)


def test_readme_python_example(tmp_path, monkeypatch, capsys):
    code, expected = readme_python()
    monkeypatch.chdir(tmp_path)  # should the example ever write a file
    exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "ENOTFOUND" in out
    assert out == expected


def test_bindings_readme_has_no_stale_python():
    # usage lives in README.md and docs/python.md; bindings/README.md is
    # about building, so it carries no example that is not run
    assert "```python" not in (ROOT / "bindings" / "README.md").read_text()
