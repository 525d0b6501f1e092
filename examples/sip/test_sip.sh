#!/bin/bash
# examples/sip/test_sip.sh: the SIP edge example end to end, on loopback.
#
#   test_sip.sh --crmctl PATH --lua-dir DIR [--lua EXE]
#
# Starts the example with run.sh (a real Kamailio with app_lua and the Lua
# 5.1 crm.so from DIR), calls it with sipsak, checks each reply and what
# each call left in the database (with crmctl). Registered by tests.cmake
# as example_sip. Missing Kamailio or sipsak is a failure, not a skip.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
crmctl= lua_dir= lua=lua5.1
while [ $# -gt 0 ]; do
  case "$1" in
    --crmctl) crmctl=$2; shift 2 ;;
    --lua-dir) lua_dir=$2; shift 2 ;;
    --lua) lua=$2; shift 2 ;;
    *) echo "test_sip.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$crmctl" ] || { echo "usage: test_sip.sh --crmctl PATH --lua-dir DIR [--lua EXE]" >&2; exit 2; }
if [ ! -f "$lua_dir/crm.so" ] || ! command -v "$lua" >/dev/null; then
  echo "FAIL: no Lua 5.1 crm module in this build ('$lua_dir'): 'make deps' installs liblua5.1-dev and lua5.1" >&2
  exit 1
fi

# The sanitizer build's environment preloads the ASan runtime (tests.cmake):
# only the programs that load the ASan crm.so need it (Kamailio through
# run.sh, the Lua interpreter); the tools around them (ps, for one) are
# not all made to run with it, so they run without.
preload=${LD_PRELOAD-}
unset LD_PRELOAD
with_crm() { env ${preload:+"LD_PRELOAD=$preload"} "$@"; }

modules=${KAMAILIO_MODULES_DIR:-/usr/lib/x86_64-linux-gnu/kamailio/modules}
missing=
command -v kamailio >/dev/null || missing="kamailio"
[ -f "$modules/app_lua.so" ] || missing="$missing kamailio-lua-modules"
command -v sipsak >/dev/null || missing="$missing sipsak"
if [ -n "$missing" ]; then
  echo "FAIL: missing$(printf ' %s' $missing): 'make deps' installs them (Debian packages kamailio kamailio-lua-modules sipsak)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/test_sip.XXXXXX")
edge_pid=
fails=0
checks=0

stop_edge() {
  [ -n "$edge_pid" ] || return 0
  # run.sh leads its own process group: Kamailio and its workers are in it
  kill -TERM -- "-$edge_pid" 2>/dev/null
  local i
  for i in $(seq 50); do
    # gone, or only run.sh left as a zombie until the wait below
    ps -eo pgid=,stat= | awk -v g="$edge_pid" '$1 == g && $2 !~ /^Z/ {f = 1} END {exit !f}' || break
    sleep 0.1
  done
  kill -KILL -- "-$edge_pid" 2>/dev/null
  wait "$edge_pid" 2>/dev/null
  edge_pid=
}
cleanup() { stop_edge; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { # check WHAT CONDITION...: count and report one assertion
  local what=$1; shift
  checks=$((checks + 1))
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
die() {
  echo "FAIL: $*" >&2
  if [ -n "${edge_log:-}" ] && [ -f "$edge_log" ]; then
    echo "---- Kamailio's log ($edge_log) ----" >&2
    tail -n 60 "$edge_log" >&2
  fi
  exit 1
}

crm() { "$crmctl" --db "$db" --country US "$@"; }

# ---- the server ------------------------------------------------------------

# sip OPTIONS|FILE: send one request, print the reply (status line and
# headers), nothing if none came within the timeout.
sip() {
  local out
  if [ "$1" = OPTIONS ]; then
    out=$(timeout -k 1 3 sipsak -vvv -s "sip:health@127.0.0.1:$port" 2>&1)
  else
    out=$(timeout -k 1 "${2:-5}" sipsak -d -vvv -f "$1" -s "sip:support@127.0.0.1:$port" 2>&1)
  fi
  # the first status line and headers after the last "received from:" are the reply
  printf '%s\n' "$out" | tr -d '\r' | awk '/^received from:/ {r = ""; on = 1; next} on {r = r $0 "\n"} END {printf "%s", r}' |
    sed -n '/^SIP\/2.0 /,/^$/p'
}
status_of() { sed -n '1s/^SIP\/2.0 \([0-9]*\).*/\1/p' <<<"$1"; }
header() { sed -n "s/^$2: //Ip" <<<"$1" | head -n 1; }

# start_edge DB [run.sh options]: run the example on a free port, wait
# until it answers OPTIONS (the health check) with a deadline.
start_edge() {
  local try
  for try in 1 2 3 4 5; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; then continue; fi
    edge_log="$work/kamailio.$port.log"
    # env, then setsid, exec what they run: $! is run.sh, leader of its group
    env ${preload:+"LD_PRELOAD=$preload"} setsid "$here/run.sh" --db "$@" --port "$port" --children 1 --lua-dir "$lua_dir" \
      >"$edge_log" 2>&1 </dev/null &
    edge_pid=$!
    local deadline=$((SECONDS + 30))
    while [ $SECONDS -lt $deadline ]; do
      if ! kill -0 "$edge_pid" 2>/dev/null; then
        wait "$edge_pid" 2>/dev/null
        edge_pid=
        if grep -qi "address already in use" "$edge_log"; then continue 2; fi
        die "Kamailio exited before answering on udp:127.0.0.1:$port"
      fi
      if [ "$(status_of "$(sip OPTIONS)")" = 200 ]; then return 0; fi
      sleep 0.2
    done
    die "Kamailio did not answer OPTIONS on udp:127.0.0.1:$port within 30 s"
  done
  die "no free UDP port found in 5 tries"
}

# invite FILE CALL-ID FROM-USER [PAI-URI]: write an INVITE as a carrier sends it
invite() {
  {
    printf 'INVITE sip:support@127.0.0.1 SIP/2.0\r\n'
    printf 'Via: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bK-%s\r\n' "$2"
    printf 'From: <sip:%s@carrier.example>;tag=f-%s\r\n' "$3" "$2"
    printf 'To: <sip:support@edge.example>\r\n'
    printf 'Call-ID: %s\r\n' "$2"
    printf 'CSeq: 1 INVITE\r\n'
    [ -n "${4:-}" ] && printf 'P-Asserted-Identity: <%s>\r\n' "$4"
    printf 'Contact: <sip:caller@127.0.0.1:5998>\r\n'
    printf 'Max-Forwards: 70\r\n'
    printf 'Content-Length: 0\r\n\r\n'
  } >"$1"
}
request() { # request FILE METHOD CALL-ID: a bare request of another method
  printf '%s sip:support@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bK-%s\r\nFrom: <sip:+14155550100@carrier.example>;tag=f\r\nTo: <sip:support@edge.example>;tag=t\r\nCall-ID: %s\r\nCSeq: 2 %s\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
    "$2" "$3" "$3" "$2" >"$1"
}

# call NAME CALL-ID FROM-USER [PAI-URI]: send an INVITE, the reply in $reply
call() {
  invite "$work/$1.sip" "$2" "$3" "${4:-}"
  reply=$(sip "$work/$1.sip")
  [ -n "$reply" ] || die "$1: no reply to the INVITE"
}

# the phone interactions of a customer as "ref|summary|by" lines
phone_log() {
  crm --json timeline "$1" --channel phone |
    python3 -c 'import json, sys
for it in json.load(sys.stdin):
    print("%s|%s|%s|%s" % (it.get("external_ref"), it.get("summary"), it.get("handled_by"), it.get("direction")))'
}

# ---- the demo database -------------------------------------------------------

db="$work/demo.crm"
seeded=$(with_crm LUA_CPATH="$lua_dir/?.so;;" "$lua" "$here/seed.lua" "$db") || die "seed.lua failed"
id_of() { awk -v n="$1" 'index($0, n) == 1 {print $NF}' <<<"$seeded"; }
jane=$(id_of "Jane Doe") omar=$(id_of "Omar Haddad") acme=$(id_of "Acme Logistics Ltd")
[ -n "$jane" ] && [ -n "$omar" ] && [ -n "$acme" ] || die "seed.lua printed no ids: $seeded"
# a name longer than the header allows, with characters of two bytes
long=$(printf 'Zoë%.0s' $(seq 60))
zoe=$(crm customer add --kind person "$long") || die "crmctl customer add"
crm identity add "$zoe" phone "+1 415 555 0177" >/dev/null || die "crmctl identity add"
customers_before=$(crm customer list --all --count)

start_edge "$db"
echo "edge on udp:127.0.0.1:$port"

# ---- the calls ---------------------------------------------------------------

r=$(sip OPTIONS)
check "OPTIONS is the health check: 200" [ "$(status_of "$r")" = 200 ]

# a known caller, the From user percent-encoded as a carrier sends it
call jane1 "jane-1@carrier.example" "+1%20(415)%20555-0100"
check "known caller: 302" [ "$(status_of "$reply")" = 302 ]
check "known caller: to the support queue" [ "$(header "$reply" Contact)" = "<sip:support@queues.example>" ]
check "known caller: her id" [ "$(header "$reply" X-CRM-Customer-Id)" = "$jane" ]
check "known caller: her name" [ "$(header "$reply" X-CRM-Customer-Name)" = "Jane Doe" ]
check "known caller: a promise not yet due gives no reason" [ -z "$(header "$reply" X-CRM-Reason)" ]

# the same INVITE again (the caller's phone retransmits it): same answer
reply=$(sip "$work/jane1.sip")
check "retransmitted INVITE: 302 again" [ "$(status_of "$reply")" = 302 ]
check "retransmitted INVITE: the same queue" [ "$(header "$reply" Contact)" = "<sip:support@queues.example>" ]

# the same number written another way, in P-Asserted-Identity; From says nothing
call jane2 "jane-2@carrier.example" "anonymous" "sip:4155550100@carrier.example;user=phone"
check "national number in PAI: the same caller" [ "$(header "$reply" X-CRM-Customer-Id)" = "$jane" ]

# PAI wins over From: the carrier asserted Omar, whose promise is overdue
call omar1 "omar-1@carrier.example" "+14155550100" "tel:+1-212-555-0142"
check "overdue promise: to the priority queue" [ "$(header "$reply" Contact)" = "<sip:priority@queues.example>" ]
check "PAI before From: Omar, not Jane" [ "$(header "$reply" X-CRM-Customer-Id)" = "$omar" ]
check "overdue promise: the reason says so" grep -q '^1 overdue promise, due since [0-9-]* [0-9:]* UTC$' <<<"$(header "$reply" X-CRM-Reason)"

# an account with an owner that has its own queue, dialled with the US international prefix
call acme1 "acme-1@carrier.example" "011%2044%2020%207946%200958"
check "owner's queue: enterprise" [ "$(header "$reply" Contact)" = "<sip:enterprise@queues.example>" ]
check "owner's queue: the account's id" [ "$(header "$reply" X-CRM-Customer-Id)" = "$acme" ]

# an unknown caller: the general queue, no customer named or created
call unknown1 "unknown-1@carrier.example" "+12025550123"
check "unknown caller: to the general queue" [ "$(header "$reply" Contact)" = "<sip:general@queues.example>" ]
check "unknown caller: no customer id" [ -z "$(header "$reply" X-CRM-Customer-Id)" ]
check "unknown caller: the reason says so" [ "$(header "$reply" X-CRM-Reason)" = "unknown caller" ]

# a line two customers share: known, but no one customer to name
call shared1 "shared-1@carrier.example" "6175550199"
check "shared number: to the support queue" [ "$(header "$reply" Contact)" = "<sip:support@queues.example>" ]
check "shared number: no customer id" [ -z "$(header "$reply" X-CRM-Customer-Id)" ]
check "shared number: the reason says so" [ "$(header "$reply" X-CRM-Reason)" = "number shared by 2 customers" ]

# a long name: cut to 128 bytes at most, on a character boundary (ë is 2 bytes)
call zoe1 "zoe-1@carrier.example" "4155550177"
name=$(header "$reply" X-CRM-Customer-Name)
check "long name: at most 128 bytes" [ "$(printf '%s' "$name" | wc -c)" -le 128 ]
check "long name: whole characters, the start of the name" [ "$name" = "${long:0:${#name}}" -a ${#name} -ge 60 ]

# other methods
request "$work/bye.sip" BYE "bye-1@carrier.example"
reply=$(sip "$work/bye.sip")
check "BYE: 405" [ "$(status_of "$reply")" = 405 ]
check "BYE: Allow names what the edge takes" [ "$(header "$reply" Allow)" = "INVITE, ACK, CANCEL, OPTIONS" ]
request "$work/cancel.sip" CANCEL "jane-1@carrier.example"
check "CANCEL: 481 (every INVITE was already answered)" [ "$(status_of "$(sip "$work/cancel.sip")")" = 481 ]
request "$work/ack.sip" ACK "jane-1@carrier.example"
check "ACK: no reply" [ -z "$(sip "$work/ack.sip" 2)" ]
check "still up after all that" [ "$(status_of "$(sip OPTIONS)")" = 200 ]

# ---- what the calls left in the database -------------------------------------

jane_log=$(phone_log "$jane")
check "Jane's two calls logged once each" [ "$(wc -l <<<"$jane_log")" = 2 ]
check "logged with the Call-ID as reference" grep -qx "jane-1@carrier.example|routed to sip:support@queues.example|sip:edge|in" <<<"$jane_log"
check "the PAI call logged too" grep -qx "jane-2@carrier.example|routed to sip:support@queues.example|sip:edge|in" <<<"$jane_log"
omar_log=$(phone_log "$omar")
check "Omar's call logged (next to his earlier one)" grep -qx "omar-1@carrier.example|routed to sip:priority@queues.example|sip:edge|in" <<<"$omar_log"
check "Acme's call logged" grep -qx "acme-1@carrier.example|routed to sip:enterprise@queues.example|sip:edge|in" <<<"$(phone_log "$acme")"
check "no customer created for the unknown caller" [ "$(crm customer list --all --count)" = "$customers_before" ]
check "nothing logged for the unknown or shared callers" [ -z "$(crm --csv timeline "+12025550123" 2>/dev/null)" ]
check "routing left error lines out of the log" bash -c "! grep -q 'crm-edge: caller lookup failed' '$edge_log'"
check "the retransmission was seen as already logged" grep -q "crm-edge: call already logged as interaction" "$edge_log"

# ---- a busy database: the call is routed all the same, and logged on retransmission

held="$work/held" release="$work/release"
cat >"$work/hold.lua" <<'LUA'
local crm = require "crm"
local db = crm.open(arg[1])
db:begin()
db:set_attr(arg[2], "note", "held")  -- the write lock, until released
io.open(arg[3], "w"):close()
for _ = 1, 200 do
  if io.open(arg[4]) then break end
  os.execute("sleep 0.05")
end
db:rollback()
db:close()
LUA
with_crm LUA_CPATH="$lua_dir/?.so;;" "$lua" "$work/hold.lua" "$db" "$jane" "$held" "$release" &
holder=$!
for _ in $(seq 100); do [ -e "$held" ] && break; sleep 0.05; done
[ -e "$held" ] || die "the lock holder did not start"
call busy1 "busy-1@carrier.example" "+14155550100"
check "busy database: still routed by who calls" [ "$(header "$reply" X-CRM-Customer-Id)" = "$jane" ]
check "busy database: an error line says the call was not logged" grep -q "crm-edge: call routed but not logged:.*EBUSY" "$edge_log"
touch "$release"; wait "$holder"
check "busy database: nothing logged then" bash -c "! grep -q '^busy-1@' <<<\"\$1\"" _ "$(phone_log "$jane")"
reply=$(sip "$work/busy1.sip")
check "busy database: the retransmission logs the call" grep -q "^busy-1@carrier.example|" <<<"$(phone_log "$jane")"
stop_edge

# ---- no database: every call goes to the general queue, with an error line

printf 'not a libcrm database\n' >"$work/junk.crm"
start_edge "$work/junk.crm"
call broken1 "broken-1@carrier.example" "+14155550100"
check "broken database: 302 to the general queue" [ "$(header "$reply" Contact)" = "<sip:general@queues.example>" ]
check "broken database: the reason says so" [ "$(header "$reply" X-CRM-Reason)" = "caller lookup failed" ]
check "broken database: an error line" grep -q "ERROR:.*crm-edge: caller lookup failed, routing to the general queue" "$edge_log"
check "broken database: the file left as it was" [ "$(cat "$work/junk.crm")" = "not a libcrm database" ]
check "broken database: OPTIONS still 200" [ "$(status_of "$(sip OPTIONS)")" = 200 ]
stop_edge

echo "$((checks - fails)) of $checks checks passed"
[ "$fails" = 0 ]
