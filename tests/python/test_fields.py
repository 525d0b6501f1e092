"""Each record's fields are declared once, in bindings/records.py, and
every other list of them agrees: the C accessors in include/crm/*.h (every
accessor of every record is read by a field of each language, or said
unread in the table with the reason, and every field reads an accessor
that exists), the record classes' __slots__ and
the type stub (made from the table at build time). test_records (here and
in tests/lua) checks what the builders made from the table give, field by
field, against the accessors."""
import ast
import importlib.util
import os
import pathlib
import re

import pytest

import crm
from crm import _lowlevel as ll

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_table():
    spec = importlib.util.spec_from_file_location("records", ROOT / "bindings" / "records.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    return table


TABLE = load_table()
RECORDS = {r.name: r for r in TABLE.RECORDS}


def headers():
    return "\n".join(h.read_text() for h in sorted((ROOT / "include" / "crm").glob("*.h")))


def record_types(text):
    """The opaque record types the headers declare (not cursors, not the handle)."""
    names = set(re.findall(r"typedef struct (crm_\w+) \1;", text))
    # A report's row has no fields of its own: its columns are read by
    # number, as its cursor describes them (bindings/*/records.i). An
    # import's result and its errors are read field by field by the
    # packages (crm.ImportResult, crm.BadRow; a table in Lua), not copied
    # as a row. An entry's fields are not bound: the packages read an
    # entry's data whole (bindings/not-bound.txt).
    return {n for n in names
            if not n.endswith("_cursor")
            and n not in ("crm_db", "crm_report_row", "crm_import_result", "crm_import_error",
                          "crm_journal_field")}


def accessors(text):
    """{record type: {accessor names}}: every exported function whose first
    parameter is a `const crm_T *` for a record type T."""
    types = record_types(text)
    out = {t: set() for t in types}
    for name, params in re.findall(r"CRM_EXTERN\([^)]*\)\s*(crm_\w+)\s*\(([^)]*)\)", text):
        m = re.match(r"\s*const\s+(crm_\w+)\s*\*", params)
        if m and m.group(1) in types:
            out[m.group(1)].add(name)
    return out


def test_headers_are_read():
    acc = accessors(headers())
    assert "crm_customer_name" in acc["crm_customer"]
    assert "crm_promise_is_overdue" in acc["crm_promise"]
    assert "crm_promise_event_note" in acc["crm_promise_event"]
    assert "crm_promise_event_note" not in acc["crm_promise"]
    assert sum(len(v) for v in acc.values()) > 70


def test_every_record_type_is_in_the_table():
    assert record_types(headers()) == {r.ctype for r in TABLE.RECORDS}


@pytest.mark.parametrize("language", TABLE.LANGUAGES)
def test_every_accessor_is_read_by_a_field(language):
    acc = accessors(headers())
    for rec in TABLE.RECORDS:
        used = {a for f in rec.fields_of(language) for a in f.accessors(rec)}
        assert used - acc[rec.ctype] == set(), f"{rec.name}: no such accessor"
        assert set(rec.unread) - acc[rec.ctype] == set(), f"{rec.name}: unread, no such accessor"
        assert set(rec.unread) & used == set(), f"{rec.name}: said unread, but a field reads it"
        assert acc[rec.ctype] - used - set(rec.unread) == set(), \
            f"{rec.name} ({language}): accessors no field reads"


def test_accessors_are_bound():
    for rec in TABLE.RECORDS:
        for f in rec.fields:
            for a in f.accessors(rec):
                assert callable(getattr(ll, a)), a
            if f.names:
                assert callable(getattr(ll, f.names)), f.names


def test_field_names_are_unique_per_language():
    for rec in TABLE.RECORDS:
        for language in TABLE.LANGUAGES:
            names = [f.name for f in rec.fields_of(language)]
            assert len(names) == len(set(names)), rec.name


def test_slots_are_the_table():
    assert set(ll._RECORD_FIELDS) == set(RECORDS)
    for rec in TABLE.RECORDS:
        want = tuple(f.name for f in rec.fields_of("python"))
        assert ll._RECORD_FIELDS[rec.name] == want
        if rec.python_class:
            assert getattr(crm, rec.python_class).__slots__ == want


def test_stub_records_are_the_table():
    stub = ast.parse(pathlib.Path(os.path.dirname(crm.__file__), "__init__.pyi").read_text())
    classes = {c.name: c for c in stub.body if isinstance(c, ast.ClassDef)}
    for rec in TABLE.RECORDS:
        if not rec.python_class:
            continue
        fields = [(n.target.id, ast.unparse(n.annotation))
                  for n in classes[rec.python_class].body if isinstance(n, ast.AnnAssign)]
        assert [name for name, _ in fields] == [f.name for f in rec.fields_of("python")]
        for name, annotation in fields:
            f = next(f for f in rec.fields if f.name == name)
            if f.kind == TABLE.TIME:
                assert annotation == "Optional[_dt.datetime]", name
            elif f.kind in (TABLE.BOOL, TABLE.FLAG):
                assert annotation == "bool", name


def test_a_field_added_to_the_table_shows_in_every_list(tmp_path):
    """The generator makes each list from the table: a row added there is
    in the Python and Lua builders, the tuples' layout and the stub."""
    import subprocess
    import sys
    gen = ROOT / "bindings" / "gen_records.py"
    work = tmp_path / "bindings"
    work.mkdir()
    text = (ROOT / "bindings" / "records.py").read_text()
    row = '        Field("owner", TEXT, nullable=True),\n'
    assert row in text
    (work / "records.py").write_text(text.replace(
        row, row + '        Field("nickname", TEXT, nullable=True),\n'))
    (work / "gen_records.py").write_text(gen.read_text())
    stub_in = tmp_path / "stub.pyi.in"
    stub_in.write_text("class _Record: ...\n# @RECORDS@\n")
    for args in (["python", tmp_path / "p.i"], ["lua", tmp_path / "l.i"],
                 ["stub", stub_in, tmp_path / "s.pyi"]):
        subprocess.run([sys.executable, work / "gen_records.py", *args], check=True)
    assert "crm_swig_str(crm_customer_nickname(r))" in (tmp_path / "p.i").read_text()
    assert '"owner", "nickname")' in (tmp_path / "p.i").read_text()
    assert 'crm_swig_set_str(L, "nickname", crm_customer_nickname(r));' in \
        (tmp_path / "l.i").read_text()
    assert "    nickname: Optional[str]\n" in (tmp_path / "s.pyi").read_text()
