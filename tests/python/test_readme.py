"""The Python examples in bindings/README.md run as written."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_bindings_readme_python_examples(tmp_path, monkeypatch, capsys):
    text = (ROOT / "bindings" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, "bindings/README.md", "exec"), {})
    assert "ENOTFOUND" in capsys.readouterr().out
