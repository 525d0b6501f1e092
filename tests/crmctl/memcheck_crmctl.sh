#!/usr/bin/env bash
# crmctl under a memory checker (valgrind). A run under valgrind costs
# seconds, so this is a chosen handful that together go through most of the
# tool: the demo (every kind of write, lookups, records, the journal, the
# timeline, promises and occasions) as text and as JSON, the list,
# membership and identity tables, a value the library allocates for the
# caller, one command of each of interaction, timeline, promise and
# occasion (each naming the customer by an identity), a database that
# fails to open, and stored text that would take over a terminal.
# test_crmctl.sh checks every command's behaviour, and their memory too in a
# sanitizer build.
#
# usage: memcheck_crmctl.sh CRMCTL SCRATCH-DIR LAUNCHER...
set -euo pipefail

crmctl=$(realpath "$1")
work=$(realpath -m "$2")
shift 2
launcher=("$@")
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unset CRM_DB CRM_ACTOR CRM_COUNTRY
demo=$work/demo.db

run 0 --db "$demo" demo
expect_out 'It belongs to Jane Doe'
run 0 --db "$work/demo-json.db" --json demo
expect_json

bare 0 --db "$demo" --json customer list --order name
expect_json
acme=$(json 'j[0]["id"]')
jane=$(json 'j[1]["id"]')
run 0 --db "$demo" customer list --all
expect_out 'Acme Logistics Inc\.'
run 0 --db "$demo" customer member list "$acme"
expect_out 'operations manager'
run 0 --db "$demo" customer attr get "$jane" last_contact_reason
expect_out '^billing\.double_charge$'
run 0 --db "$demo" identity flags "$jane" email jane.doe@example.com --verified
expect_out '^  flags       verified$'
# A shared number names two customers: both are listed.
run 0 --db "$demo" identity add "$jane" phone "+1 415 555 0177" --shared
run 0 --db "$demo" identity add "$acme" phone "+1 415 555 0177" --shared
run 4 --db "$demo" customer show +14155550177
expect_err "^  $jane  "
run 4 --db "$demo" identity lookup phone +14155550177
expect_err "^  $acme  "
run 0 --db "$demo" --json interaction log jane.doe@example.com --channel chat --direction out \
    --at -1h --by agent:alice --reason billing.refund --outcome resolved --summary "refund sent"
expect_json
run 0 --db "$demo" timeline +14155550100 --channel chat,social,phone
expect_out ' chat +out +agent:alice +billing\.refund +resolved +refund sent '
expect_out ' social \(public\) +in '
bare 0 --db "$demo" --json promise list --customer "$jane"
expect_json
callback=$(json 'j[0]["id"]')
run 0 --db "$demo" promise show "$callback"
expect_out ' renegotiated +agent:alice +.* → .* +customer agreed +Jane is away'
bare 0 --db "$demo" promise keep "$callback" --note "called back"
run 4 --db "$demo" promise keep "$callback"
expect_err 'already kept'
run 0 --db "$demo" --json occasion upcoming --days 14
expect_json
[[ $(json 'j[0]["kind"]') == birthday ]] || fail "occasion upcoming"
printf 'text\n' >"$work/notes.txt"
run 6 --db "$work/notes.txt" customer list

# Text that would take over a terminal, shown escaped and written to JSON
# exactly (test_crmctl.sh goes through every command that shows it).
x=$work/hostile.db
bare 0 --db "$x" customer add --kind person $'Eve \xc2\x9b31m\xe2\x80\xae'
eve=$out
bare 0 --db "$x" customer attr set "$eve" note $'\e]0;PWNED\a\\\xe2\x80\xa8'
bare 0 --db "$x" interaction log "$eve" --channel email --direction in --body $'\e[2J\r\n\tok'
mail=$out
run 0 --db "$x" interaction show "$mail"
expect_out_line '  \x1b[2J\r'
expect_no_control --tabs
run 0 --db "$x" journal
expect_out_text 'value="\x1b]0;PWNED\x07\\\u2028"'
expect_no_control
run 0 --db "$x" --json journal
json_is '[e["data"]["value"] for e in j if e["op"] == "set"][0]' $'\e]0;PWNED\a\\\xe2\x80\xa8'
expect_no_control
run 3 --db "$x" customer show $'nobody\e]0;x\a'
expect_err_text "text contains a control character (0x1b): nobody\\x1b]0;x\\x07"
expect_no_control

echo "crmctl memcheck: $checks checks passed"
