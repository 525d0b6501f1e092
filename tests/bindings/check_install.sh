#!/bin/sh
# The bindings work from an installed prefix (not the build tree):
# check_install.sh BUILD_DIR PYTHON PY_SITE [LUA=LUA_DIR ...]
# PY_SITE and each LUA_DIR are relative to the prefix (CRM_PYTHON_INSTALL_DIR,
# CRM_LUA<v>_INSTALL_DIR): each Lua interpreter loads the module from its
# folder (LuaJIT from 5.1's). PYTHON may be "-" (not built).
set -eu
build=$1 python=$2 pysite=$3
shift 3
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
for pair in "$@"; do
  lua=${pair%%=*} luadir=${pair#*=}
  LUA_CPATH="$prefix/$luadir/?.so" "$lua" -e '
local crm = require "crm"
local db = crm.open(":memory:")
local c = db:create_customer("Installed")
assert(db:customer(c.id).name == "Installed")
db:close()
local dir = os.getenv("LUA_CPATH"):gsub("%?%.so$", "")
local f = assert(io.open(dir .. "crm.so"))
f:close()
print("lua ok:", _VERSION, crm.version, dir .. "crm.so")'
done
