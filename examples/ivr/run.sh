#!/bin/sh
# The IVR call flow at a terminal, without a switch:
#
#   examples/ivr/run.sh --db demo.db --ani '+1 (415) 555-0100'
#
# takes the same options as console.lua (--help lists them). A --db file
# that does not exist yet is first made a demo database by seed.lua (Jane
# Doe on +1 415 555 0100, with an overdue promise). The crm module is taken
# from the build tree (build/release, or CRM_BUILD_DIR) when it is there,
# else from Lua's own paths; LUA names the interpreter (default lua5.4).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lua=${LUA:-lua5.4}
build=${CRM_BUILD_DIR:-$root/build/release}

export LUA_PATH="$here/?.lua;${LUA_PATH:-;}"
if [ -f "$build/bindings/lua/crm.so" ]; then
  export LUA_CPATH="$build/bindings/lua/?.so;${LUA_CPATH:-;}"
fi

db= country=US prev=
for a in "$@"; do
  case $prev in
    --db) db=$a ;;
    --country) country=$a ;;
  esac
  prev=$a
done
if [ -n "$db" ] && [ ! -e "$db" ]; then
  "$lua" "$here/seed.lua" "$db" "$country"
fi
if [ -t 0 ]; then
  exec "$lua" "$here/console.lua" "$@"
fi
exec "$lua" "$here/console.lua" --echo-input "$@"
