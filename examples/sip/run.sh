#!/bin/bash
# examples/sip/run.sh: run the SIP edge example in the foreground.
#
#   examples/sip/run.sh --db FILE [--port N] [--address IP] [--country CC]
#                       [--lua-dir DIR] [--children N] [--no-seed]
#
# Kamailio listens on udp:IP:N (127.0.0.1:5060 by default) and answers each
# INVITE with a 302 to the queue route.lua chooses from the libcrm database
# FILE. A FILE that does not exist is first filled with the demo callers
# of seed.lua (unless --no-seed). --lua-dir is the folder of the Lua 5.1
# crm.so (default: build/release/bindings/lua/5.1 of this tree, or the
# installed one when there is none). Ctrl-C stops it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
modules=${KAMAILIO_MODULES_DIR:-/usr/lib/x86_64-linux-gnu/kamailio/modules}

die() { echo "run.sh: $*" >&2; exit 2; }
usage() { sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

db= port=5060 address=127.0.0.1 country=US children=2 seed=1
lua_dir=
[ -d "$root/build/release/bindings/lua/5.1" ] && lua_dir="$root/build/release/bindings/lua/5.1"
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=${2-}; shift 2 || usage ;;
    --port) port=${2-}; shift 2 || usage ;;
    --address) address=${2-}; shift 2 || usage ;;
    --country) country=${2-}; shift 2 || usage ;;
    --lua-dir) lua_dir=${2-}; shift 2 || usage ;;
    --children) children=${2-}; shift 2 || usage ;;
    --no-seed) seed=0; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$db" ] || usage
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "--port: '$port' is not a port"
[[ "$children" =~ ^[1-9][0-9]?$ ]] || die "--children: '$children' is not 1 to 99"
[[ "$country" =~ ^[A-Za-z]{2}$ ]] || die "--country: '$country' is not a two-letter region code"
[[ "$address" =~ ^[0-9A-Fa-f.:]+$ ]] || die "--address: '$address' is not an IP address"

missing=
command -v kamailio >/dev/null || missing="kamailio"
[ -f "$modules/app_lua.so" ] || missing="$missing app_lua ($modules/app_lua.so)"
[ -z "$missing" ] || die "missing: $missing; 'make deps' installs them (Debian: kamailio kamailio-lua-modules sipsak)"

# Kamailio reads its settings from a file: its paths must not need quoting.
case "$db$here$lua_dir" in
  *'"'*|*$'\n'*) die "paths with a double quote or a newline are not supported" ;;
esac
db=$(realpath -m -- "$db")

if [ -n "$lua_dir" ]; then
  [ -f "$lua_dir/crm.so" ] || die "no crm.so in $lua_dir (build the Lua 5.1 module, or give --lua-dir)"
  export LUA_CPATH="$(realpath "$lua_dir")/?.so;;"
fi

if [ ! -e "$db" ]; then
  [ "$seed" = 1 ] || die "$db does not exist (leave out --no-seed to create it with the demo callers)"
  echo "run.sh: $db does not exist: creating it with the demo callers" >&2
  "${CRM_LUA:-lua5.1}" "$here/seed.lua" "$db" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-sip.XXXXXX")
kpid=
cleanup() {
  if [ -n "$kpid" ]; then
    kill -TERM "$kpid" 2>/dev/null || true
    wait "$kpid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cfg=$(<"$here/kamailio.cfg")
cfg=${cfg//@CRM_DB@/"$db"}
cfg=${cfg//@CRM_COUNTRY@/"${country^^}"}
cfg=${cfg//@CHILDREN@/"$children"}
cfg=${cfg//@ADDRESS@/"$address"}
cfg=${cfg//@PORT@/"$port"}
cfg=${cfg//@MODULES_DIR@/"$modules"}
cfg=${cfg//@ROUTE_LUA@/"$here/route.lua"}
printf '%s\n' "$cfg" >"$work/kamailio.cfg"

echo "run.sh: SIP edge on udp:$address:$port, database $db" >&2
# -DD: stay in the foreground; -E: log to stderr
kamailio -DD -E -f "$work/kamailio.cfg" -Y "$work" -P "$work/kamailio.pid" &
kpid=$!
set +e
wait "$kpid"
status=$?
kpid=
exit "$status"
