#!/bin/sh
# The bindings work from an installed prefix (not the build tree):
# check_install.sh BUILD_DIR PYTHON LUA PY_SITE LUA_DIR
# PY_SITE and LUA_DIR are relative to the prefix (CRM_PYTHON_INSTALL_DIR,
# CRM_LUA_INSTALL_DIR). Either interpreter may be "-" (not built).
set -eu
build=$1 python=$2 lua=$3 pysite=$4 luadir=$5
prefix=$(mktemp -d "${TMPDIR:-/tmp}/crm-bind-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"
if [ "$python" != "-" ]; then
  PYTHONPATH="$prefix/$pysite" "$python" -c '
import crm, os, sys
assert crm.__file__.startswith(sys.argv[1]), crm.__file__
for f in ("__init__.pyi", "py.typed", "_lowlevel.py"):
    assert os.path.isfile(os.path.join(os.path.dirname(crm.__file__), f)), f
with crm.open(":memory:") as db:
    c = db.create_customer("Installed")
    assert db.customer(c.id).name == "Installed"
print("python ok:", crm.__file__)' "$prefix"
fi
if [ "$lua" != "-" ]; then
  LUA_CPATH="$prefix/$luadir/?.so" "$lua" -e '
local crm = require "crm"
local db <close> = crm.open(":memory:")
local c = db:create_customer("Installed")
assert(db:customer(c.id).name == "Installed")
print("lua ok:", package.searchpath("crm", package.cpath))'
fi
