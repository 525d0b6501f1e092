#!/usr/bin/env bash
# crmctl end to end: every command, its output, its exit status, its JSON.
#
# usage: test_crmctl.sh CRMCTL SCRATCH-DIR [LAUNCHER...]
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
db=$work/t.db
uuid='[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
missing_id=01900000-0000-7000-8000-000000000000

# ---- help --------------------------------------------------------------------

commands=(
    "customer add" "customer show" "customer list" "customer rename" "customer archive"
    "customer unarchive" "customer attr set" "customer attr get" "customer attr unset"
    "customer attr list" "customer tag add" "customer tag remove" "customer tag list"
    "customer member add" "customer member remove" "customer member list"
    "identity add" "identity remove" "identity flags" "identity show" "identity lookup"
    "identity list" "identity normalise" "journal" "demo"
)

run 0 --help
expect_out '^Usage: crmctl '
expect_out 'Exit status'
for code in 0 1 2 3 4 5 6; do expect_out "^  $code  "; done
for c in "${commands[@]}"; do expect_out "^  $c  "; done
run 0 help
expect_out 'Exit status'
run 0 -h
expect_out '^Usage: crmctl '
run 0 --version
expect_out '^crmctl [0-9]+\.[0-9]+\.[0-9]+ \(libcrm [0-9.]+, schema version [0-9]+\)$'

for c in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the words of the command are meant to split
    run 0 $c --help
    expect_out "^Usage: crmctl $c"
    # shellcheck disable=SC2086
    run 0 help $c
    expect_out "^Usage: crmctl $c"
done
run 0 customer --help
expect_out '^  customer attr set '
expect_no_out '^  identity '
run 0 customer attr -h
expect_out '^  customer attr unset '
expect_no_out '^  customer tag '
run 0 help identity
expect_out '^  identity lookup '
run 0 identity add --help
expect_out -- '--primary'
run 0 customer list --help
expect_out -- '--after ID'
# --help wins over everything else and touches no database.
run 0 --db "$work/never.db" customer show not-an-id --help
[[ ! -e $work/never.db ]] || fail "--help created a database"

# ---- usage errors: 2 -----------------------------------------------------------

run 2
expect_err '^crmctl: no command given'
run 2 frobnicate
expect_err "unknown command 'frobnicate'"
run 2 --frob customer list
expect_err "unknown option '--frob'"
run 2 --db
expect_err "needs a value"
run 2 customer
expect_err "needs a command"
run 2 customer frob
expect_err "unknown command 'customer frob'"
run 2 customer attr frob x
expect_err "unknown command 'customer attr frob'"
expect_err '^  customer attr set '
run 2 customer attr
run 2 help nosuch
run 2 --db "$db" customer add Jane
expect_err -- '--kind is required'
expect_err '^usage: crmctl customer add '
run 2 --db "$db" customer add --kind robot Jane
expect_err "unknown kind 'robot'"
run 2 --db "$db" customer add --kind person Jane Doe
expect_err "unexpected argument 'Doe'"
run 2 --db "$db" customer show
expect_err 'missing argument'
run 2 --db "$db" customer list --limit many
run 2 --db "$db" customer list --order size
run 2 --db "$db" customer list --archived --all
run 2 --db "$db" customer list --bogus
run 2 --db "$db" customer list -x
run 2 --db "$db" journal --since -1
run 2 --db "$db" journal --since=abc
run 2 --db "$db" identity add a b c --primary=yes
[[ ! -e $db ]] || fail "a usage error created the database"

# ---- no database, not a database: 5 and 6 ------------------------------------------

run 5 --db "$work/missing.db" customer list
expect_err "^crmctl: no database at '.*missing.db'"
[[ ! -e $work/missing.db ]] || fail "a read created the database"
printf 'just some text\n' >"$work/notes.txt"
run 6 --db "$work/notes.txt" customer list
expect_err '^crmctl: .*not a SQLite database'
run 6 --db "$work/notes.txt" customer add --kind person Jane
[[ $(cat "$work/notes.txt") == "just some text" ]] || fail "crmctl changed a foreign file"

# ---- customers -------------------------------------------------------------------------

run 0 --db "$db" --actor agent:alice customer add --kind person "Jane Doe"
expect_out "^$uuid\$"
jane=$out
run 0 --db "$db" customer add --kind org "Acme Logistics Inc."
acme=$out
run 0 --db "$db" --json customer add --kind person "María García"
expect_json
[[ $(json 'j["kind"]') == person ]] || fail "kind in JSON"
[[ $(json 'j["name"]') == "María García" ]] || fail "UTF-8 name in JSON"
maria=$(json 'j["id"]')
# Quotes and backslashes must come back intact from the JSON.
odd=$'Zo\xc3\xab "Z" O\'Brien \\ here'
run 0 --db "$db" --json customer add --kind person "$odd"
expect_json
[[ $(json 'j["name"]') == "$odd" ]] || fail "JSON string escaping"
odd_id=$(json 'j["id"]')
run 3 --db "$db" customer add --kind person $'tab\there'
expect_err 'control character'

run 0 --db "$db" customer show "$jane"
expect_out '^Jane Doe \(person\)$'
expect_out "^  id        $jane\$"
expect_out '^  created   [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
expect_out '^  archived  no$'
run 3 --db "$db" customer show 1234
expect_err '^crmctl: .*1234'
run 1 --db "$db" customer show "$missing_id"
expect_err '^crmctl: .*'"$missing_id"
run 3 --db "$db" customer add --kind person ""

run 0 --db "$db" customer list
expect_out '^ID +KIND +NAME +CREATED$'
expect_out "^$jane +person +Jane Doe "
expect_out "^$acme +organisation +Acme Logistics Inc\. "
run 0 --db "$db" customer list --kind organisation
expect_out "^$acme "
expect_no_out "$jane"
run 0 --db "$db" customer list --prefix "jA"
expect_out "^$jane "
expect_no_out "$acme"
run 0 --db "$db" customer list --prefix nobody
expect_out '^\(no customers\)$'
run 0 --db "$db" --json customer list --order name
expect_json
[[ $(json '",".join(c["name"] for c in j)') == "Acme Logistics Inc.,Jane Doe,María García,$odd" ]] ||
    fail "--order name"
# Paging by key: one customer a page, each page after the last id seen.
seen=()
after=()
while :; do
    run 0 --db "$db" --json customer list --limit 1 ${after[@]+"${after[@]}"}
    expect_json
    [[ $(json 'len(j)') != 0 ]] || break
    id=$(json 'j[0]["id"]')
    seen+=("$id")
    after=(--after "$id")
done
[[ "${seen[*]}" == "$jane $acme $maria $odd_id" ]] || fail "paging gave ${seen[*]}"
run 1 --db "$db" customer list --after "$missing_id"
run 3 --db "$db" customer list --after nonsense

run 0 --db "$db" customer rename "$jane" "Jane Roe"
expect_out "^Renamed to Jane Roe \($jane\)\.$"
run 0 --db "$db" --json customer rename "$jane" "Jane Doe"
expect_json
[[ $(json 'j["name"]') == "Jane Doe" ]] || fail "rename JSON"
run 3 --db "$db" customer rename "$jane" ""
run 1 --db "$db" customer rename "$missing_id" "Nobody"

run 0 --db "$db" customer archive "$maria"
expect_out '^Archived María García'
run 4 --db "$db" customer archive "$maria"
expect_err 'already archived'
run 0 --db "$db" customer list
expect_no_out "$maria"
run 0 --db "$db" customer list --archived
expect_out "^$maria .* yes$"
expect_no_out "$jane"
run 0 --db "$db" customer list --all
expect_out "^$maria .* yes$"
expect_out "^$jane .* no$"
run 0 --db "$db" --json customer unarchive "$maria"
expect_json
[[ $(json 'j["archived"]') == False ]] || fail "unarchive JSON"
run 4 --db "$db" customer unarchive "$maria"
run 1 --db "$db" customer archive "$missing_id"

# ---- attributes ----------------------------------------------------------------------------

run 0 --db "$db" customer attr set "$jane" language en
expect_out '^Set language\.$'
run 0 --db "$db" customer attr set "$jane" balance -5
run 0 --db "$db" customer attr set "$jane" note $'two\nlines'
run 0 --db "$db" customer attr get "$jane" balance
[[ $out == -5 ]] || fail "attr get"
run 0 --db "$db" customer attr list "$jane"
expect_out '^KEY +VALUE$'
expect_out '^language +en$'
expect_out '^note +two\\nlines$'
run 0 --db "$db" --json customer attr list "$jane"
expect_json
[[ $(json 'j["note"]') == $'two\nlines' ]] || fail "attr list JSON"
run 0 --db "$db" --json customer attr get "$jane" note
expect_json
[[ $(json 'j["value"]') == $'two\nlines' ]] || fail "attr get JSON"
run 0 --db "$db" --json customer show "$jane"
expect_json
[[ $(json 'j["attributes"]["note"]') == $'two\nlines' ]] || fail "customer show JSON keeps line breaks"
run 0 --db "$db" customer show "$jane"
expect_out '^  note +two\\nlines$'
run 0 --db "$db" --json customer attr set "$jane" language fr
expect_json
run 0 --db "$db" customer attr unset "$jane" balance
expect_out '^Unset balance\.$'
run 1 --db "$db" customer attr get "$jane" balance
run 1 --db "$db" customer attr unset "$jane" balance
run 0 --db "$db" --json customer attr unset "$jane" note
expect_json
[[ $(json 'j["value"]') == None ]] || fail "attr unset JSON"
run 3 --db "$db" customer attr set "$jane" "bad key" x
run 1 --db "$db" customer attr set "$missing_id" language en
run 0 --db "$db" customer attr list "$acme"
expect_out '^\(no attributes\)$'

# ---- tags --------------------------------------------------------------------------------------

run 0 --db "$db" customer tag add "$jane" vip
expect_out '^Added tag vip\.$'
run 0 --db "$db" customer tag add "$jane" "early adopter"
run 4 --db "$db" customer tag add "$jane" vip
expect_err 'already has tag'
run 0 --db "$db" customer tag list "$jane"
[[ $out == $'early adopter\nvip' ]] || fail "tag list"
run 0 --db "$db" --json customer tag list "$jane"
expect_json
[[ $(json '",".join(j)') == "early adopter,vip" ]] || fail "tag list JSON"
run 0 --db "$db" customer list --tag vip
expect_out "^$jane "
expect_no_out "$acme"
run 0 --db "$db" --json customer tag remove "$jane" "early adopter"
expect_json
[[ $(json 'j["tagged"]') == False ]] || fail "tag remove JSON"
run 1 --db "$db" customer tag remove "$jane" "early adopter"
run 3 --db "$db" customer tag add "$jane" " padded"
run 0 --db "$db" customer tag list "$acme"
expect_out '^\(no tags\)$'

# ---- memberships --------------------------------------------------------------------------------

run 0 --db "$db" customer member add "$acme" "$jane" "operations manager"
expect_out '^Added '
run 4 --db "$db" customer member add "$acme" "$jane" "other"
run 3 --db "$db" customer member add "$jane" "$acme" "backwards"
run 1 --db "$db" customer member add "$acme" "$missing_id" "ghost"
run 0 --db "$db" --json customer member add "$acme" "$maria" "billing contact"
expect_json
run 0 --db "$db" customer member list "$acme"
expect_out '^PERSON +NAME +ROLE +SINCE$'
expect_out "^$jane +Jane Doe +operations manager "
expect_out "^$maria +María García +billing contact "
run 0 --db "$db" customer member list "$jane"
expect_out '^ORGANISATION +NAME +ROLE +SINCE$'
expect_out "^$acme +Acme Logistics Inc\. +operations manager "
run 0 --db "$db" --json customer member list "$acme"
expect_json
[[ $(json 'sorted(m["person_name"] for m in j)') == "['Jane Doe', 'María García']" ]] ||
    fail "member list JSON"
run 0 --db "$db" customer member remove "$acme" "$maria"
expect_out '^Removed '
run 1 --db "$db" customer member remove "$acme" "$maria"
run 0 --db "$db" customer member list "$maria"
expect_out '^\(no memberships\)$'

# ---- identities ---------------------------------------------------------------------------------

run 0 --db "$db" --country US identity add "$jane" phone "(415) 555-0100" --primary --verified
expect_out '^Added phone \(415\) 555-0100 \(matches on \+14155550100\) to '
run 0 --db "$db" --json identity add "$jane" email Jane.Doe@Example.com
expect_json
[[ $(json 'j["key"]') == jane.doe@example.com ]] || fail "email key"
[[ $(json 'j["primary"]') == False ]] || fail "email flags"
run 0 --db "$db" identity add "$jane" social twitter:@JaneDoe
run 0 --db "$db" identity add "$acme" account " ACC-100234 " --primary
run 0 --db "$db" identity add "$maria" loyalty LC-0042-7781 --verified
run 3 --db "$db" identity add "$jane" phone abc
expect_err "'abc' is not a phone number"
run 3 --db "$db" identity add "$jane" phone "(415) 555-0101"
run 3 --db "$db" identity add "$jane" email not-an-address
run 3 --db "$db" identity add "$jane" "Bad Kind" x
run 1 --db "$db" identity add "$missing_id" email ghost@example.com
run 4 --db "$db" identity add "$acme" phone "+1 415 555 0100"
expect_err "already belongs to .*$jane"
run 4 --db "$db" identity add "$maria" email JANE.DOE@example.com

run 0 --db "$db" identity list "$jane"
expect_out '^KIND +VALUE +MATCHES ON +FLAGS +ADDED$'
expect_out '^phone +\(415\) 555-0100 +\+14155550100 +primary, verified '
expect_out '^email +Jane\.Doe@Example\.com +jane\.doe@example\.com +[0-9]{4}-'
expect_out '^social +twitter:@JaneDoe +twitter:janedoe '
run 0 --db "$db" --json identity list "$jane"
expect_json
[[ $(json 'len(j)') == 3 ]] || fail "identity list JSON"
run 0 --db "$db" identity list "$odd_id"
expect_out '^\(no identities\)$'

run 0 --db "$db" identity show phone "+1 415 555 0100"
expect_out '^phone \(415\) 555-0100$'
expect_out "^  customer    Jane Doe \($jane\)\$"
expect_out '^  flags       primary, verified$'
run 0 --db "$db" identity flags email jane.doe@example.com --verified
expect_out '^  flags       verified$'
run 0 --db "$db" --json identity flags email jane.doe@example.com --primary --verified
expect_json
[[ $(json 'j["primary"] and j["verified"]') == True ]] || fail "identity flags JSON"
run 1 --db "$db" identity flags email nobody@example.com
run 1 --db "$db" identity show email nobody@example.com

# Caller ID: any way of writing the number finds the customer.
for number in "(415) 555-0100" "415.555.0100" "+1 415-555-0100" "1-415-555-0100"; do
    run 0 --db "$db" --country us identity lookup phone "$number"
    expect_out '^Jane Doe \(person\)$'
done
run 0 --db "$db" identity lookup phone "+14155550100"
expect_out '^Identities$'
expect_out '^  phone +\(415\) 555-0100 +\+14155550100 +primary, verified$'
expect_out '^  language +fr$'
expect_out '^  vip$'
expect_out "^  $acme +Acme Logistics Inc\. +operations manager "
run 0 --db "$db" --json identity lookup social "twitter:janedoe"
expect_json
[[ $(json 'j["id"]') == "$jane" ]] || fail "lookup JSON id"
[[ $(json 'j["attributes"]["language"]') == fr ]] || fail "lookup JSON attributes"
[[ $(json 'j["tags"]') == "['vip']" ]] || fail "lookup JSON tags"
[[ $(json 'len(j["identities"])') == 3 ]] || fail "lookup JSON identities"
[[ $(json 'j["memberships"][0]["organisation"]') == "$acme" ]] || fail "lookup JSON memberships"
run 0 --db "$db" identity lookup account ACC-100234
expect_out '^Acme Logistics Inc\. \(organisation\)$'
expect_out '^People$'
run 1 --db "$db" identity lookup phone "+44 20 7946 0958"
expect_err '^crmctl: no customer has phone identity \+442079460958$'
run 3 --db "$db" identity lookup phone "(415) 555-0100"

run 0 identity normalise phone "(415) 555-0100" --country US
[[ $out == +14155550100 ]] || fail "normalise"
run 0 --json identity normalise email Jane@EXAMPLE.com
expect_json
[[ $(json 'j["key"]') == jane@example.com ]] || fail "normalise JSON"
run 3 identity normalise phone 12
run 3 --country XX identity normalise phone 12
expect_err "'XX'"

run 0 --db "$db" identity remove social "twitter:@janedoe"
expect_out '^Removed social '
run 1 --db "$db" identity remove social "twitter:@janedoe"
run 0 --db "$db" --json identity remove loyalty LC-0042-7781
expect_json

# ---- the journal -------------------------------------------------------------------------------------

run 0 --db "$db" journal
expect_out '^SEQ +WHEN +ACTOR +CHANGE +CUSTOMER +DETAILS$'
expect_out '^1 +[0-9-]{10} [0-9:]{8} +agent:alice +customer create +Jane Doe +kind=person name="Jane Doe"$'
expect_out ' system +identity add +Jane Doe +kind=phone value="\(415\) 555-0100" key=\+14155550100 flags="primary, verified"$'
expect_out ' member add +Acme Logistics Inc\. +person="Jane Doe" role="operations manager"$'
run 0 --db "$db" --json journal
expect_json
total=$(json 'len(j)')
[[ $(json 'j[0]["seq"]') == 1 ]] || fail "journal JSON seq"
[[ $(json 'j[0]["data"]["name"]') == "Jane Doe" ]] || fail "journal JSON data"
[[ $(json 'j[0]["actor"]') == agent:alice ]] || fail "journal JSON actor"
run 0 --db "$db" --json journal --since $((total - 2))
expect_json
[[ $(json '[e["seq"] for e in j]') == "[$((total - 1)), $total]" ]] || fail "journal --since"
run 0 --db "$db" journal --since "$total"
expect_out '^\(no changes after that one\)$'
CRM_ACTOR=ivr:main-menu run 0 --db "$db" customer tag add "$acme" ivr-test
run 0 --db "$db" --json journal --since "$total"
[[ $(json 'j[0]["actor"]') == ivr:main-menu ]] || fail "CRM_ACTOR"

# ---- global options and their environment defaults ------------------------------------------------------

# Global options work after the command too.
run 0 customer show "$jane" --db "$db" --json
expect_json
CRM_DB=$db run 0 customer show "$jane"
expect_out '^Jane Doe'
(cd "$work" && run 0 customer add --kind person "Default Path") || exit 1
[[ -e $work/crm.db ]] || fail "no ./crm.db by default"
CRM_COUNTRY=DE CRM_DB=$db run 0 --json identity normalise phone "030 123456"
[[ $(json 'j["key"]') == +4930123456 ]] || fail "CRM_COUNTRY"
# Times are local, with the offset in JSON.
TZ=IST-5:30 run 0 --db "$db" --json customer show "$jane"
[[ $(json 'j["created"]') =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+05:30$ ]] ||
    fail "local time with offset"
TZ=UTC0 run 0 --db "$db" --json customer show "$jane"
[[ $(json 'j["created"]') == *+00:00 ]] || fail "UTC offset"

# A file from a newer libcrm: 6.
cp "$db" "$work/newer.db"
"$python" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 9999"); c.commit()' \
    "$work/newer.db"
run 6 --db "$work/newer.db" customer list

# ---- the demo -------------------------------------------------------------------------------------------------

demo=$work/demo.db
start=$(date +%s%N)
run 0 --db "$demo" demo
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_out '^Incoming call from \(415\) 555-0100$'
expect_out 'reads it as \+14155550100'
expect_out 'It belongs to Jane Doe'
expect_out '^    Jane Doe \(person\)$'
expect_out '^      phone +\+1 415 555 0100 +\+14155550100 +primary, verified$'
expect_out '^Incoming call from \+44 20 7946 0958$'
expect_out 'No match'
expect_out '^  SEQ +WHEN +ACTOR +CHANGE +CUSTOMER +DETAILS$'
expect_out ' agent:alice +attr set +Jane Doe '
expect_out 'María García'
expect_out 'Acme Logistics Inc\.'
if [[ ${#launcher[@]} -eq 0 && $elapsed_ms -gt 2000 ]]; then
    fail "the demo took $elapsed_ms ms"
fi
# The demo refuses a database with data in it and leaves it alone.
run 0 --db "$demo" --json journal
before=$(json 'len(j)')
run 4 --db "$demo" demo
expect_err 'already holds data'
run 0 --db "$demo" --json journal
[[ $(json 'len(j)') == "$before" ]] || fail "a refused demo changed the database"
# What the demo stored is there for the other commands.
run 0 --db "$demo" --country US identity lookup phone "415 555 0100"
expect_out '^Jane Doe \(person\)$'
run 0 --db "$demo" --json customer list
[[ $(json 'len(j)') == 4 ]] || fail "demo customers"
run 0 --db "$work/demo2.db" --json demo
expect_json
[[ $(json 'j["calls"][0]["customer"]["name"]') == "Jane Doe" ]] || fail "demo JSON lookup"
[[ $(json 'j["calls"][1]["customer"]') == None ]] || fail "demo JSON failed lookup"
[[ $(json 'len(j["journal"]) > 30') == True ]] || fail "demo JSON journal"
# Another country: the national number is read there and does not match.
run 0 --db "$work/demo3.db" --country DE demo
expect_out 'reads it as \+49'
expect_out 'No match'

echo "crmctl: $checks checks passed"
