"""The crm package as pip installed it: run by the venv's interpreter from
outside the source tree, with no PYTHONPATH (check_pip.sh).

usage: check_package.py SOURCE_DIR LIBCRM

LIBCRM is the directory whose libcrm.so the extension must have loaded
(the installed libcrm, found through the extension's runpath), or
"bundled": libcrm is inside the extension and no libcrm.so is loaded.
Checks that the package comes from the venv, that crm.__version__ is the
C library's crm_version() and the distribution's version and the one in
include/crm/version.h, the distribution's metadata, and that the Python
example of README.md prints what README.md says.
"""
import contextlib
import importlib.metadata
import io
import os
import re
import sys

source, libcrm = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


assert "PYTHONPATH" not in os.environ, "PYTHONPATH is set: the installed package is under test"
import crm  # noqa: E402

pkg = os.path.realpath(os.path.dirname(crm.__file__))
check(pkg.startswith(os.path.realpath(sys.prefix) + os.sep),
      f"crm imported from the venv ({pkg}, prefix {sys.prefix})")
check(pkg != os.path.realpath(os.path.join(source, "bindings", "python", "crm")),
      "crm not imported from the source tree")

with open(os.path.join(source, "include", "crm", "version.h"), encoding="utf-8") as f:
    header_text = f.read()
header = ".".join(re.search(r"#define CRM_VERSION_%s ([0-9]+)" % p, header_text).group(1)
                  for p in ("MAJOR", "MINOR", "PATCH"))
dist = importlib.metadata.version("libcrm")
linked = crm._lowlevel.crm_version()
check(crm.__version__ == linked,
      f"crm.__version__ {crm.__version__!r} == crm_version() {linked!r}")
check(dist == crm.__version__, f"importlib.metadata.version('libcrm') {dist!r} == crm.__version__")
check(dist == header, f"the distribution's version {dist!r} == include/crm/version.h's {header!r}")

meta = importlib.metadata.metadata("libcrm")
check(meta["Name"] == "libcrm", f"Name: {meta['Name']}")
check(meta["License"] == "MIT", f"License: {meta['License']}")
check(bool(meta["Requires-Python"]), f"Requires-Python: {meta['Requires-Python']}")
check("Typing :: Typed" in (meta.get_all("Classifier") or []), "classifier Typing :: Typed")
files = {str(p) for p in importlib.metadata.files("libcrm") or ()}
for f in ("crm/__init__.py", "crm/__init__.pyi", "crm/py.typed", "crm/_lowlevel.py"):
    check(f in files, f"the distribution installed {f}")
check(any(re.fullmatch(r"crm/_crm\..*\.so", f) for f in files),
      "the distribution installed crm/_crm*.so")
stray = sorted(f for f in files if f.startswith("crm/") and "__pycache__" not in f
               and f not in ("crm/__init__.py", "crm/__init__.pyi", "crm/py.typed",
                             "crm/_lowlevel.py")
               and not re.fullmatch(r"crm/_crm\..*\.so", f))
check(stray == [], f"nothing else in the package: {stray}")

# which libcrm the process has loaded
with open("/proc/self/maps", encoding="utf-8") as f:
    maps = {line.split()[-1] for line in f if re.search(r"/libcrm\.so[.0-9]*$", line.strip())}
if libcrm == "bundled":
    check(maps == set(), f"no libcrm.so loaded (libcrm is in the extension): {sorted(maps)}")
else:
    want = os.path.realpath(libcrm)
    check(bool(maps) and all(os.path.dirname(os.path.realpath(m)) == want for m in maps),
          f"libcrm.so loaded from {want}: {sorted(maps)}")

# README.md's Python example, taken from README.md as tests/python/test_readme.py does
with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
    readme = f.read()
m = re.search(r"^```python\n(.*?)^```\n", readme, re.S | re.M)
check(m is not None, "README.md has a ```python block")
if m:
    out = re.compile(r"^```text\n(.*?)^```\n", re.S | re.M).search(readme, m.end())
    check(out is not None, "README.md has a ```text block after it")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(m.group(1), "README.md", "exec"), {"__name__": "__main__"})
    sys.stdout.write(buf.getvalue())
    check(out is not None and buf.getvalue() == out.group(1),
          "the README example prints the ```text block after it")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("package: ok")
