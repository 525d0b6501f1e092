#!/usr/bin/env bash
# The Python package installs the Python way (pyproject.toml, setup.py),
# with Debian's setuptools and no network:
#
#   install  cmake --install this build into a scratch prefix; pip install
#            --no-build-isolation the source tree into a venv against that
#            libcrm (pkg-config), then check_package.py from elsewhere: the
#            README example, the versions, the metadata, the runpath
#   wheel    python3 -m build --no-isolation --wheel: the wheel's name and
#            contents; installed into a fresh venv and checked the same way
#   bundled  no libcrm for pkg-config at all: pip builds libcrm from the tree
#            into the extension (the default, auto, falls back to it)
#
# usage: check_pip.sh MODE SOURCE_DIR BUILD_DIR WORK_DIR PYTHON
# Everything is written under WORK_DIR (emptied first); nothing beside the
# sources, which the test checks too.
set -euo pipefail

mode=$1 src=$2 build=$3 work=$4 python=$5
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }

"$python" -c 'import venv, ensurepip' 2>/dev/null ||
    fail "$python cannot make a venv with pip: apt-get install python3-venv"
"$python" -c 'import setuptools, wheel' 2>/dev/null ||
    fail "$python has no setuptools or wheel: apt-get install python3-setuptools python3-wheel"
command -v pkg-config >/dev/null || fail "no pkg-config: apt-get install pkg-config"
command -v readelf >/dev/null || fail "no readelf: apt-get install binutils"

rm -rf "$work"
mkdir -p "$work/elsewhere"
marker=$work/marker
touch "$marker"
sleep 1 # so that a file written during the test is newer than the marker

# The Python the source tree must not be touched by: no bytecode either.
export PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH LD_LIBRARY_PATH CRM_PYTHON_LIBCRM
export CRM_PYTHON_BUILD_DIR=$work/setup-build
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

venv() {
    "$python" -m venv --system-site-packages "$1" || fail "python3 -m venv failed: apt-get install python3-venv"
}

install_prefix() {
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    pcdir=$(dirname "$(find "$work/prefix" -name libcrm.pc | head -n1)")
    [ -f "$pcdir/libcrm.pc" ] || fail "cmake --install left no libcrm.pc in $work/prefix"
    libdir=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=libdir libcrm)
    libdir=$(cd "$libdir" && pwd -P)
    [ -e "$libdir/libcrm.so.0" ] || fail "no libcrm.so.0 in $libdir"
}

# check_package VENV LIBCRM: run check_package.py with the venv's python, from elsewhere
check_package() {
    (cd "$work/elsewhere" && "$1/bin/python" "$here/check_package.py" "$src" "$2")
}

# runpath_of SO: the extension's RUNPATH (or RPATH), empty if none
runpath_of() {
    readelf -d "$1" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p'
}

extension_in() {
    local so
    so=$(find "$1" -path '*/crm/_crm.*.so' | head -n1)
    [ -n "$so" ] || fail "no crm/_crm*.so under $1"
    echo "$so"
}

case "$mode" in
install)
    install_prefix
    venv "$work/venv"
    echo "== pip install --no-build-isolation $src (libcrm from $pcdir)"
    PKG_CONFIG_PATH=$pcdir CRM_PYTHON_LIBCRM=installed \
        "$work/venv/bin/pip" install --no-build-isolation "$src" >"$work/pip.log" 2>&1 ||
        { tail -40 "$work/pip.log"; fail "pip install failed"; }
    so=$(extension_in "$work/venv/lib")
    readelf -d "$so" | grep -q 'NEEDED.*\[libcrm\.so\.0\]' || fail "$so does not link libcrm.so.0"
    [ "$(runpath_of "$so")" = "$libdir" ] || fail "$so has runpath '$(runpath_of "$so")', expected $libdir"
    check_package "$work/venv" "$libdir"
    ;;
wheel)
    "$python" -c 'import build' 2>/dev/null || fail "$python has no build module: apt-get install python3-build"
    install_prefix
    echo "== $python -m build --no-isolation --wheel $src"
    (cd "$work/elsewhere" && PKG_CONFIG_PATH=$pcdir \
        "$python" -m build --no-isolation --wheel --outdir "$work/dist" "$src") >"$work/build.log" 2>&1 ||
        { tail -40 "$work/build.log"; fail "python3 -m build failed"; }
    "$python" - "$work/dist" "$src" <<'EOF' || fail "the wheel is not what it should be"
import os, re, sys, sysconfig, zipfile
dist, src = sys.argv[1:]
with open(os.path.join(src, "include", "crm", "version.h")) as f:
    h = f.read()
version = ".".join(re.search(r"#define CRM_VERSION_%s ([0-9]+)" % p, h).group(1) for p in ("MAJOR", "MINOR", "PATCH"))
py = "cp%d%d" % sys.version_info[:2]
plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
want = f"libcrm-{version}-{py}-{py}-{plat}.whl"
wheels = os.listdir(dist)
print("wheel:", wheels)
assert wheels == [want], f"expected {want}"
names = set(zipfile.ZipFile(os.path.join(dist, want)).namelist())
ext = "crm/_crm" + sysconfig.get_config_var("EXT_SUFFIX")
info = f"libcrm-{version}.dist-info/"
need = {"crm/__init__.py", "crm/__init__.pyi", "crm/py.typed", "crm/_lowlevel.py", ext,
        info + "METADATA", info + "WHEEL", info + "RECORD", info + "LICENSE"}
assert need <= names, f"missing from the wheel: {sorted(need - names)}"
assert names - need <= {info + "top_level.txt"}, f"more in the wheel than expected: {sorted(names - need)}"
meta = zipfile.ZipFile(os.path.join(dist, want)).read(info + "METADATA").decode()
for line in ("Name: libcrm", f"Version: {version}", "License: MIT"):
    assert line in meta.splitlines(), f"METADATA lacks {line!r}"
print("wheel contents: ok")
EOF
    venv "$work/venv"
    "$work/venv/bin/pip" install "$work/dist"/*.whl >"$work/pip.log" 2>&1 ||
        { tail -20 "$work/pip.log"; fail "pip install of the wheel failed"; }
    check_package "$work/venv" "$libdir"
    ;;
bundled)
    # pkg-config sees every .pc file of the system but libcrm's: sqlite3 and
    # uuid are still found, an installed libcrm is not
    mkdir -p "$work/pc"
    for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
        [ -d "$d" ] || continue
        for pc in "$d"/*.pc; do
            [ -e "$pc" ] && [ "$(basename "$pc")" != libcrm.pc ] && ln -sf "$pc" "$work/pc/"
        done
    done
    export PKG_CONFIG_LIBDIR=$work/pc PKG_CONFIG_PATH=$work/nowhere
    ! pkg-config --exists libcrm || fail "pkg-config still finds a libcrm"
    venv "$work/venv"
    echo "== pip install --no-build-isolation $src (no libcrm for pkg-config: auto builds it in)"
    "$work/venv/bin/pip" install -v --no-build-isolation "$src" >"$work/pip.log" 2>&1 ||
        { tail -40 "$work/pip.log"; fail "pip install failed"; }
    grep -q 'libcrm: building the extension against libcrm built from this tree' "$work/pip.log" ||
        fail "setup.py did not say it builds libcrm in (see $work/pip.log)"
    so=$(extension_in "$work/venv/lib")
    ! readelf -d "$so" | grep -q 'NEEDED.*libcrm' || fail "$so links a libcrm.so"
    [ -z "$(runpath_of "$so")" ] || fail "$so has a runpath: $(runpath_of "$so")"
    check_package "$work/venv" bundled
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac

# Nothing was written into the source tree (the build tree may live in it).
touched=$(find "$src" \( -path "$src/.git" -o -path "$build" -o -path "$work" \) -prune -o -newer "$marker" -print)
[ -z "$touched" ] || fail "written into the source tree: $touched"
echo "pip $mode: ok"
