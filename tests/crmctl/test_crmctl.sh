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
    "customer unarchive" "customer owner" "customer attr set" "customer attr get" "customer attr unset"
    "customer attr list" "customer tag add" "customer tag remove" "customer tag list"
    "customer member add" "customer member remove" "customer member list"
    "identity add" "identity remove" "identity flags" "identity show" "identity lookup"
    "identity list" "identity normalise" "journal" "demo"
    "interaction log" "interaction show" "interaction update" "timeline"
    "promise make" "promise keep" "promise break" "promise release" "promise renegotiate"
    "promise show" "promise list"
    "occasion add" "occasion remove" "occasion list" "occasion upcoming"
    "agenda"
    "search"
    "customer export" "customer erase" "retention erase-inactive" "retention drop-journal"
    "purge"
    "customer duplicates" "customer merge" "customer unmerge"
    "import" "export"
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

# Every command's help, asked for one way or the other in turn (a run costs
# tens of milliseconds under the sanitizers).
n=0
for c in "${commands[@]}"; do
    if ((n++ % 2)); then
        # shellcheck disable=SC2086 # the words of the command are meant to split
        run 0 help $c
    else
        # shellcheck disable=SC2086
        run 0 $c --help
    fi
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
expect_out -- '--owner OWNER'
run 0 customer owner --help
expect_out -- '--no-owner'
run 0 help promise
expect_out '^  promise renegotiate '
expect_no_out '^  occasion '
run 0 interaction log --help
expect_out -- '--ref EXTERNAL'
expect_out '^Times: 2026-11-27T17:00 \(local time\)'
expect_out '^CUSTOMER is an id or anything the customer is known by'
run 0 occasion upcoming --help
expect_out 'calendar days in local time'
run 0 --help
expect_out -- '--utc'
expect_out '^  timeline  '
# --help wins over everything else and touches no database.
run 0 --db "$work/never.db" customer show not-an-id --help
[[ ! -e $work/never.db ]] || fail "--help created a database"

# ---- usage errors: 2; malformed values: 3 --------------------------------------------------------

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
run 3 --db "$db" customer add --kind robot Jane
expect_err "unknown kind 'robot'"
run 2 --db "$db" customer add --kind person Jane Doe
expect_err "unexpected argument 'Doe'"
run 2 --db "$db" customer show
expect_err 'missing argument'
run 3 --db "$db" customer list --limit many
run 3 --db "$db" customer list --order size
run 2 --db "$db" customer list --archived --all
run 2 --db "$db" customer list --bogus
run 2 --db "$db" customer list -x
run 3 --db "$db" journal --since -1
run 3 --db "$db" journal --since=abc
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
run 1 --db "$db" customer show 1234
expect_err "^crmctl: no customer is .1234. \(not an id; tried account, loyalty\)"
run 1 --db "$db" customer show "$missing_id"
expect_err '^crmctl: .*'"$missing_id"
run 3 --db "$db" customer add --kind person ""

run 0 --db "$db" customer list
expect_out '^ID +KIND +NAME +OWNER +CREATED$'
expect_out "^$jane +person +Jane Doe +- "
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
# --count: how many the same filter lists.
run 0 --db "$db" customer list --count
expect_out '^3$'
run 0 --db "$db" customer list --count --all
expect_out '^4$'
run 0 --db "$db" customer list --count --archived --kind person
expect_out '^1$'
run 0 --db "$db" --json customer list --count --prefix ja
json_ok 'j == {"count": 1}'
run 0 --db "$db" customer list --count --kind organisation --prefix nobody
expect_out '^0$'
run 2 --db "$db" customer list --count --limit 1
expect_err -- '--count counts every customer'
run 2 --db "$db" customer list --count --after "$jane"
run 2 --db "$db" customer list --count --order name
run 0 --db "$db" --json customer unarchive "$maria"
expect_json
[[ $(json 'j["archived"]') == False ]] || fail "unarchive JSON"
run 4 --db "$db" customer unarchive "$maria"
run 1 --db "$db" customer archive "$missing_id"

# Owners: set, shown, changed, filtered on, journaled, cleared.
run 0 --db "$db" customer show "$jane"
expect_out '^  owner     \(none\)$'
run 0 --db "$db" --json customer show "$jane"
json_ok 'j["owner"] is None'
run 0 --db "$db" customer owner "$jane" agent:alice
expect_out "^agent:alice looks after Jane Doe \($jane\)\.$"
run 0 --db "$db" customer show "$jane"
expect_out '^  owner     agent:alice$'
run 0 --db "$db" --json customer owner "$maria" team:billing
json_ok 'j["owner"] == "team:billing"' 'j["name"] == "María García"'
run 0 --db "$db" --json customer owner "$jane" team:billing
json_ok 'j["owner"] == "team:billing"'
run 0 --db "$db" --json journal
json_ok '[e["data"] for e in j if e["op"] == "set_owner"] == [
    {"owner": "agent:alice", "old_owner": None},
    {"owner": "team:billing", "old_owner": None},
    {"owner": "team:billing", "old_owner": "agent:alice"}]' \
    'all(e["entity"] == "customer" for e in j if e["op"] == "set_owner")'
run 0 --db "$db" customer list --owner team:billing
expect_out "^$jane +person +Jane Doe +team:billing "
expect_out "^$maria "
expect_no_out "$acme"
run 0 --db "$db" --json customer list --owner team:billing --order name
json_ok '[c["id"] for c in j] == ["'"$jane"'", "'"$maria"'"]' \
    'all(c["owner"] == "team:billing" for c in j)'
run 0 --db "$db" customer list --owner team:billing --count
expect_out '^2$'
run 0 --db "$db" customer list --owner agent:nobody
expect_out '^\(no customers\)$'
run 0 --db "$db" --json customer list --owner agent:nobody --count
json_ok 'j == {"count": 0}'
run 0 --db "$db" --csv customer list --owner team:billing --order name
csv_ok 'rows[0][:3] == ["id", "kind", "name"]' '"owner" in rows[0]' \
    '[r[0] for r in rows[1:]] == ["'"$jane"'", "'"$maria"'"]' \
    'all(r[rows[0].index("owner")] == "team:billing" for r in rows[1:])' \
    'rows[2][2] == "María García"' 'all(len(r) == len(rows[0]) for r in rows)'
run 0 --db "$db" customer list --owner team:billing --count --csv
csv_ok 'rows == [["count"], ["2"]]'
run 0 --db "$db" --csv customer list --owner agent:nobody
expect_no_out '.'
run 0 --db "$db" --csv journal
csv_ok 'rows[0] == ["seq", "at", "actor", "entity", "entity_id", "op", "data"]' \
    'any(r[5] == "set_owner" and json.loads(r[6]) == {"owner": "team:billing", "old_owner": "agent:alice"} for r in rows[1:])' \
    '[int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))'
# A record holding lists (a customer shown whole) is no table: said, exit 2.
run 2 --db "$db" --csv customer show "$jane"
expect_err -- '--csv: a record holds another record or a list; --json shows this output whole'
expect_no_out '.'
run 3 --db "$db" customer list --owner ""
expect_err 'filter owner'
run 3 --db "$db" customer list --owner " team"
# Refused: nothing changes and nothing is journaled.
run 0 --db "$db" journal
journal_before=$out
run 3 --db "$db" customer owner "$jane" ""
expect_err 'owner'
run 3 --db "$db" customer owner "$jane" "$(printf 'x%.0s' {1..129})"
expect_err 'owner'
run 3 --db "$db" customer owner "$jane" $'team:\tbilling'
expect_err 'control character'
run 1 --db "$db" customer owner "$missing_id" agent:alice
run 2 --db "$db" customer owner "$jane"
expect_err 'give an OWNER, or --no-owner'
run 2 --db "$db" customer owner "$jane" agent:alice --no-owner
expect_err 'exclude each other'
run 0 --db "$db" journal
[[ $out == "$journal_before" ]] || fail "a refused owner changed the journal"
run 0 --db "$db" customer show "$jane"
expect_out '^  owner     team:billing$'
run 0 --db "$db" customer owner "$jane" "$(printf 'x%.0s' {1..128})"
run 0 --db "$db" customer owner "$jane" --no-owner
expect_out "^No one looks after Jane Doe \($jane\)\.$"
run 0 --db "$db" --json customer owner "$maria" --no-owner
json_ok 'j["owner"] is None'
run 0 --db "$db" customer list --owner team:billing --count
expect_out '^0$'

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

run 0 --db "$db" identity show "$jane" phone "+1 415 555 0100"
expect_out '^phone \(415\) 555-0100$'
expect_out "^  customer    Jane Doe \($jane\)\$"
expect_out '^  flags       primary, verified$'
run 0 --db "$db" identity flags "$jane" email jane.doe@example.com --verified
expect_out '^  flags       verified$'
run 0 --db "$db" --json identity flags jane.doe@example.com email jane.doe@example.com \
    --primary --verified
expect_json
[[ $(json 'j["primary"] and j["verified"] and not j["shared"]') == True ]] ||
    fail "identity flags JSON"
run 1 --db "$db" identity flags "$jane" email nobody@example.com
expect_err "^crmctl: customer $jane has no email identity nobody@example.com\$"
run 1 --db "$db" identity show "$jane" email nobody@example.com
run 1 --db "$db" identity show "$acme" phone "+1 415 555 0100"
expect_err "has no phone identity"
run 2 --db "$db" identity show phone "+1 415 555 0100"

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

run 0 --db "$db" identity remove "$jane" social "twitter:@janedoe"
expect_out "^Removed social twitter:@janedoe from $jane\\.\$"
run 1 --db "$db" identity remove "$jane" social "twitter:@janedoe"
run 0 --db "$db" --json identity remove "$maria" loyalty LC-0042-7781
expect_json
json_ok "j['customer'] == '$maria'" 'j["removed"]'

# A shared identity: the family landline, each holder's own flags.
run 0 --db "$db" --country US identity add "$jane" phone "(415) 555-0177" --shared
expect_out '^Added phone \(415\) 555-0177 \(matches on \+14155550177\) to '
run 4 --db "$db" identity add "$maria" phone "+1 415 555 0177"
expect_err "already belongs to customer $jane \\(Jane Doe\\), who shares it"
run 0 --db "$db" --json identity add "$maria" phone "+1 415 555 0177" --shared
json_ok 'j["shared"]' 'not j["primary"]'
run 4 --db "$db" identity lookup phone "+1 415 555 0177"
expect_err '^crmctl: phone identity \+14155550177 is shared by 2 customers'
expect_err "^  $jane  Jane Doe \\(person\\)\$"
expect_err "^  $maria  María García \\(person\\)\$"
run 4 --db "$db" customer show "+14155550177"
expect_err "names 2 customers"
expect_err '^crmctl: give one of their ids:$'
expect_err "^  $maria  María García \\(person\\)\$"
run 4 --db "$db" identity flags "$jane" phone "+14155550177" --primary
expect_err "shared with 1 other customer \\(customer $maria"
run 0 --db "$db" identity show "$jane" phone "+14155550177"
expect_out '^  flags       shared$'
run 0 --db "$db" identity remove "$maria" phone "+14155550177"
run 0 --db "$db" identity lookup phone "+14155550177"
expect_out '^Jane Doe \(person\)$'
run 0 --db "$db" identity remove "$jane" phone "+14155550177"

# ---- the journal -------------------------------------------------------------------------------------

run 0 --db "$db" journal
expect_out '^SEQ +WHEN +ACTOR +CHANGE +CUSTOMER +DETAILS$'
expect_out '^1 +[0-9-]{10} [0-9:]{8} +agent:alice +customer create +Jane Doe +kind=person name="Jane Doe"$'
expect_out ' system +identity add +Jane Doe +kind=phone value="\(415\) 555-0100" key="\+14155550100" flags="primary, verified"$'
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

# ---- customers named by id or by any identity ---------------------------------------------

h=$work/h.db
bare 0 --db "$h" customer add --kind person "Jane Doe"
hjane=$out
bare 0 --db "$h" customer add --kind person "Raj Patel"
hraj=$out
bare 0 --db "$h" customer add --kind organisation "Acme Logistics Inc."
hacme=$out
bare 0 --db "$h" customer add --kind person "María García"
hmaria=$out
bare 0 --db "$h" identity add "$hjane" phone "+1 415 555 0100"
bare 0 --db "$h" identity add "$hjane" email Jane.Doe@Example.com
bare 0 --db "$h" identity add "$hjane" social twitter:@JaneDoe
bare 0 --db "$h" identity add "$hraj" email raj@example.com
bare 0 --db "$h" identity add "$hacme" account ACC-100234
bare 0 --db "$h" identity add "$hmaria" loyalty LC-0042-7781

run 0 --db "$h" customer show jane.doe@example.com
expect_out '^Jane Doe \(person\)$'
run 0 --db "$h" --country US customer attr set "(415) 555-0100" language en
run 0 --db "$h" customer attr get twitter:@janedoe language
[[ $out == en ]] || fail "attr by identity"
run 0 --db "$h" customer tag add ACC-100234 key-account
run 0 --db "$h" customer member add ACC-100234 raj@example.com "purchasing lead"
run 0 --db "$h" identity list LC-0042-7781
expect_out '^loyalty +LC-0042-7781 '
for who in "+1 415-555-0100" JANE.DOE@example.com twitter:@JaneDoe; do
    run 0 --db "$h" timeline "$who"
    expect_out "^Timeline of Jane Doe \($hjane\), newest first:$"
done
run 0 --db "$h" --country US timeline "415.555.0100"
expect_out '^Timeline of Jane Doe '
run 0 --db "$h" timeline ACC-100234
expect_out '^Timeline of Acme Logistics Inc\. '
run 0 --db "$h" timeline LC-0042-7781
expect_out '^Timeline of María García '
run 1 --db "$h" timeline nobody@example.com
expect_err "^crmctl: no customer is 'nobody@example.com' \(not an id; tried email, account, loyalty\)$"
run 1 --db "$h" timeline "+44 20 7946 0958"
expect_err 'tried phone \+442079460958, account, loyalty'
run 1 --db "$h" timeline "(415) 555-0100"
expect_err 'tried phone \(unreadable without a default country\), account, loyalty'
expect_err '^crmctl: national phone numbers are read with --country \(or \$CRM_COUNTRY\), or in the database'"'"'s own: crmctl config default_country CC$'
run 1 --db "$h" timeline facebook:jane
expect_err 'tried social facebook:jane, account, loyalty|tried social, account, loyalty'
run 1 --db "$h" timeline "$missing_id"
run 3 --db "$h" timeline 01900000-0000-7000-8000-00000000000g

# ---- times: ISO 8601 in any zone, relative, --utc --------------------------------------------

# A wall-clock time without a zone is local: 17:00 in New York is 22:00Z.
# JSON shows local time with its offset, or UTC with --utc. (A due time
# cannot have passed when it is set: the promise is made, and renegotiated,
# at the start of 2026, before every due time below.)
TZ=America/New_York run 0 --db "$h" --json promise make "$hjane" --owner agent:alice \
    --due 2026-11-27T17:00 --at 2026-01-01T00:00Z "call back"
json_ok 'j["due"] == "2026-11-27T17:00:00.000-05:00"' 'j["state"] == "open"' \
    'j["customer"] == "'"$hjane"'"'
tp=$(json 'j["id"]')
TZ=America/New_York run 0 --db "$h" --utc --json promise show "$tp"
json_ok 'j["due"] == "2026-11-27T22:00:00.000Z"'
TZ=America/New_York run 0 --db "$h" --utc promise show "$tp"
expect_out '^  due         2026-11-27T22:00:00Z '
TZ=America/New_York run 0 --db "$h" promise show "$tp"
expect_out '^  due         2026-11-27 17:00:00 '
# Each form in New York, and two in UTC; the history keeps every due time.
# In summer New York is 4 hours behind; a date alone is local midnight; of
# the two 01:30s when the clocks go back, the first.
wants=()
for spec in "2026-07-01T12:00=2026-07-01T16:00:00.000Z" "2026-11-27=2026-11-27T05:00:00.000Z" \
    "2026-11-27T17:00Z=2026-11-27T17:00:00.000Z" "2026-11-27t17:00:30z=2026-11-27T17:00:30.000Z" \
    "2026-11-27T17:00:00+01:00=2026-11-27T16:00:00.000Z" \
    "2026-11-27T17:00-0530=2026-11-27T22:30:00.000Z" \
    "2026-11-27T17:00:00.25+00=2026-11-27T17:00:00.250Z" "2026-11-27 09:15=2026-11-27T14:15:00.000Z" \
    "2026-11-01T01:30=2026-11-01T05:30:00.000Z" "UTC:2026-11-27=2026-11-27T00:00:00.000Z" \
    "UTC:2026-03-08T02:30=2026-03-08T02:30:00.000Z"; do
    zone=America/New_York
    [[ $spec == UTC:* ]] && zone=UTC spec=${spec#UTC:}
    TZ=$zone run 0 --db "$h" promise renegotiate "$tp" --due "${spec%%=*}" \
        --at 2026-01-01T00:00Z "moved"
    wants+=("\"${spec#*=}\"")
done
TZ=America/New_York run 0 --db "$h" --utc --json promise show "$tp"
json_ok '[e["new_due"] for e in j["history"][1:]] == ['"$(IFS=,; echo "${wants[*]}")"']'
# Relative to now; a day is 24 hours. A due time already passed, or now
# (parsed a moment before the step is), is set by a step a little earlier.
deltas=()
for spec in "-1d=-86400=-2d" "now=0=-1m" "+3d=259200=" "+2h=7200=" "+30m=1800=" "+1w=604800="; do
    rest=${spec#*=} at=${spec##*=}
    run 0 --db "$h" promise renegotiate "$tp" --due "${spec%%=*}" ${at:+--at "$at"} "moved"
    deltas+=("${rest%%=*}")
done
run 0 --db "$h" --json promise show "$tp"
json_ok 'all(abs(datetime.datetime.fromisoformat(e["new_due"]).timestamp() - time.time() - d) < 60
             for e, d in zip(j["history"][-6:], ['"$(IFS=,; echo "${deltas[*]}")"']))' \
    'len(j["history"]) == 18'
run 0 --db "$h" --json promise renegotiate "$tp" --due +10d "later"
json_ok 'j["renegotiations"] == 18' 'j["state"] == "open"' 'j["overdue"] is False'
# What is not a time is a malformed value: 3, as the values libcrm refuses.
for bad in 2026-13-01 2026-11-27T24:00 2026/11/27 +3 +3x tomorrow "" 1969-12-31 \
    2026-11-27T17:00+25:00 "2026-11-27T17:00 Z"; do
    run 3 --db "$h" promise renegotiate "$tp" --due "$bad" "moved"
    expect_err "^crmctl: promise renegotiate: --due: '.*' is not a time \(.+\); write 2026-11-27T17:00, "
done
run 3 --db "$h" promise renegotiate "$tp" --due 2026-02-29 "moved"
expect_err 'no such day in that month'
# 02:30 on the morning New York springs forward does not exist there.
TZ=America/New_York run 3 --db "$h" promise renegotiate "$tp" --due 2026-03-08T02:30 "moved"
expect_err 'does not exist here'
run 0 --db "$h" --json promise show "$tp"
json_ok 'len(j["history"]) == 19'
run 3 --db "$h" interaction log "$hjane" --channel phone --direction in --at yesterday
expect_err -- "--at: 'yesterday' is not a time"
run 3 --db "$h" promise list --as-of soon
# --utc is global: before the command or after it, for the old commands too.
run 0 --db "$h" --utc customer show "$hjane"
expect_out '^  created   [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
TZ=IST-5:30 run 0 --db "$h" --json customer show "$hjane" --utc
json_ok 'j["created"].endswith("Z")' 'len(j["created"]) == 24'

# ---- interactions --------------------------------------------------------------------------

run 0 --db "$h" --actor mail:gateway interaction log jane.doe@example.com --channel email \
    --direction in --at 2026-05-19T09:12Z --by team:billing --reason billing.double_charge \
    --outcome unresolved --summary "Charged twice" --body $'Hello,\ncharged twice.' \
    --ref "<m1@mail.example.com>"
expect_out "^$uuid\$"
email=$out
run 0 --db "$h" --json interaction log twitter:@JaneDoe --channel social --direction in \
    --at 2026-05-25T18:00Z --public --sentiment -2 --reason billing.double_charge \
    --summary "charged twice, nobody answers" --ref 1790012345678901234
expect_json
json_ok 'j["channel"] == "social"' 'j["public"] is True' 'j["sentiment"] == -2' \
    'j["outcome"] is None' 'j["handled_by"] is None' 'j["thread"] == j["id"]' \
    'j["external_ref"] == "1790012345678901234"' 'j["at"].startswith("2026-05-2")'
tweet=$(json 'j["id"]')
run 0 --db "$h" interaction log +14155550100 --channel ivr --direction in --at 2026-05-26T15:00Z \
    --by ivr:main-menu --reason billing --outcome transferred --summary "asked for a person"
ivr=$out
run 0 --db "$h" --json interaction log "$hjane" --channel phone --direction in \
    --at 2026-05-26T15:02Z --by agent:alice --reason billing.double_charge --reply-to "$ivr" \
    --sentiment +1
json_ok 'j["thread"] == "'"$ivr"'"' 'j["reply_to"] == "'"$ivr"'"' 'j["sentiment"] == 1' \
    'j["direction"] == "in"' 'j["outcome"] is None'
call=$(json 'j["id"]')
run 0 --db "$h" interaction log "$hjane" --channel email --direction out --at 2026-05-27T08:00Z \
    --by agent:alice --summary "refund confirmed" --reply-to "$email" --outcome resolved
answer=$out
run 0 --db "$h" interaction log raj@example.com --channel chat --direction in --at 2026-05-20T10:00Z
rajchat=$out
# The same tweet again: nothing added, 4, and the one already there named.
run 4 --db "$h" interaction log "$hjane" --channel social --direction in --ref 1790012345678901234
expect_err "$tweet"
run 4 --db "$h" --json interaction log raj@example.com --channel email --direction in \
    --ref "<m1@mail.example.com>"
expect_err "$email"
# The reference is unique per channel, not across channels.
run 0 --db "$h" interaction log "$hjane" --channel sms --direction in --ref 1790012345678901234 \
    --at 2026-05-01T00:00Z
run 2 --db "$h" interaction log "$hjane" --direction in
expect_err -- '--channel is required'
run 2 --db "$h" interaction log "$hjane" --channel phone
expect_err -- '--direction is required'
run 3 --db "$h" interaction log "$hjane" --channel Fax --direction in
expect_err "channel_name 'Fax' is not a name"
run 3 --db "$h" interaction log "$hjane" --channel phone --direction sideways
run 3 --db "$h" interaction log "$hjane" --channel phone --direction in --sentiment 3
expect_err -- '--sentiment wants'
run 1 --db "$h" interaction log nobody@example.com --channel phone --direction in
run 1 --db "$h" interaction log "$hjane" --channel phone --direction in --reply-to "$missing_id"
run 3 --db "$h" interaction log "$hjane" --channel phone --direction in --reason "bad reason"
run 3 --db "$h" interaction log "$hjane" --channel phone --direction in --reply-to "$rajchat"

run 0 --db "$h" interaction show "$email"
expect_out "^Interaction $email\$"
expect_out "^  customer    Jane Doe \($hjane\)\$"
expect_out '^  channel     email, in$'
expect_out '^  handled by  team:billing$'
expect_out '^  reason      billing\.double_charge$'
expect_out '^  outcome     unresolved$'
expect_out '^  reference   <m1@mail\.example\.com>$'
expect_out '^Body$'
expect_out '^  charged twice\.$'
expect_out '^Conversation \(2 interactions, oldest first\)$'
expect_out "^  2026-05-2[78] [0-9:]{5} +email +out +agent:alice +- +resolved +refund confirmed +$answer\$"
run 0 --db "$h" interaction show "$tweet"
expect_out '^  channel     social \(public\), in$'
expect_out '^  public      yes'
expect_out '^  sentiment   -2 \(very negative\)$'
expect_no_out '^Conversation'
run 0 --db "$h" --json interaction show "$call"
expect_json
json_ok 'j["id"] == "'"$call"'"' 'len(j["conversation"]) == 2' \
    'j["conversation"][0]["id"] == "'"$ivr"'"' 'j["body"] is None'
run 1 --db "$h" interaction show "$missing_id"
run 3 --db "$h" interaction show nonsense

run 0 --db "$h" --actor agent:alice interaction update "$call" --outcome resolved \
    --summary "refund requested"
expect_out "^Updated $call: outcome resolved, summary set\.$"
run 0 --db "$h" --json interaction update "$call" --no-reason
expect_json
json_ok 'j["reason"] is None' 'j["outcome"] == "resolved"' 'j["summary"] == "refund requested"'
run 0 --db "$h" interaction update "$call" --reason billing.refund --no-summary --outcome none
expect_out "^Updated $call: outcome cleared, reason billing\.refund, summary cleared\.$"
run 0 --db "$h" --json interaction show "$call"
json_ok 'j["reason"] == "billing.refund"' 'j["summary"] is None' 'j["outcome"] is None'
run 0 --db "$h" interaction update "$call" --reason billing.double_charge --outcome resolved
run 2 --db "$h" interaction update "$call"
expect_err 'nothing to change'
run 2 --db "$h" interaction update "$call" --reason x --no-reason
run 2 --db "$h" interaction update "$call" --public --no-public
run 0 --db "$h" interaction update "$call" --public --summary "on the record"
expect_out "^Updated $call: summary set, public\.$"
run 0 --db "$h" --json interaction update "$call" --no-public --no-summary
json_ok 'j["public"] is False' 'j["summary"] is None'
run 0 --db "$h" --json journal
json_ok '[(e["data"]["public"], e["data"]["old_public"]) for e in j if e["op"] == "public"] == [(1, 0), (0, 1)]'
# Already not public: nothing changes, nothing is journaled.
run 0 --db "$h" interaction update "$call" --no-public
run 0 --db "$h" --json journal
json_ok 'len([e for e in j if e["op"] == "public"]) == 2'
run 1 --db "$h" interaction update "$missing_id" --outcome resolved
# A bad change among good ones leaves all of them undone.
run 3 --db "$h" interaction update "$call" --outcome escalated --reason "not a code"
run 0 --db "$h" --json interaction show "$call"
json_ok 'j["outcome"] == "resolved"' 'j["reason"] == "billing.double_charge"'
run 0 --db "$h" --json journal
json_ok 'any(e["entity"] == "interaction" and e["op"] == "outcome" and e["actor"] == "agent:alice" for e in j)'

# ---- the timeline --------------------------------------------------------------------------

run 0 --db "$h" timeline jane.doe@example.com
expect_out '^WHEN +CHANNEL +DIR +BY +REASON +OUTCOME +SUMMARY +ID$'
expect_out "^2026-05-2[56] [0-9:]{5} +social \(public\) +in +- +billing\.double_charge +- +charged twice, nobody answers +$tweet\$"
expect_out "^2026-05-2[67] [0-9:]{5} +ivr +in +ivr:main-menu +billing +transferred +asked for a person +$ivr\$"
run 0 --db "$h" --utc timeline jane.doe@example.com
expect_out "^2026-05-26T15:02Z +phone +in +agent:alice +billing\.double_charge +resolved +- +$call\$"
order=$(grep -oE "$uuid\$" <<<"$out" | tr '\n' ' ')
[[ $order == "$answer $call $ivr $tweet $email "* ]] || fail "timeline order: $order"
run 0 --db "$h" --json timeline "$hjane"
expect_json
json_ok 'len(j) == 6' '[i["id"] for i in j][:5] == "'"$answer $call $ivr $tweet $email"'".split()' \
    'all(i["customer"] == "'"$hjane"'" for i in j)'
run 0 --db "$h" --json timeline "$hjane" --channel email,social
json_ok '[i["channel"] for i in j] == ["email", "social", "email"]'
run 0 --db "$h" --json timeline "$hjane" --public
json_ok '[i["id"] for i in j] == ["'"$tweet"'"]'
run 0 --db "$h" --json timeline "$hjane" --direction out
json_ok '[i["id"] for i in j] == ["'"$answer"'"]'
run 0 --db "$h" --json timeline "$hjane" --reason billing.
json_ok 'len(j) == 3' 'all(i["reason"].startswith("billing.") for i in j)'
run 0 --db "$h" --json timeline "$hjane" --outcome none
json_ok 'sorted(i["channel"] for i in j) == ["sms", "social"]'
run 0 --db "$h" --json timeline "$hjane" --from 2026-05-26T00:00Z --to 2026-05-27T00:00Z
json_ok '[i["id"] for i in j] == ["'"$call"'", "'"$ivr"'"]'
run 0 --db "$h" --json timeline "$hjane" --to 2026-05-26T00:00Z --from -10000d
json_ok 'len(j) == 3'
# Paging by key: two a page, each after the last id seen.
run 0 --db "$h" --json timeline "$hjane" --limit 2
json_ok '[i["id"] for i in j] == ["'"$answer"'", "'"$call"'"]'
run 0 --db "$h" --json timeline "$hjane" --limit 2 --before "$call"
json_ok '[i["id"] for i in j] == ["'"$ivr"'", "'"$tweet"'"]'
run 1 --db "$h" timeline "$hjane" --before "$rajchat"
# A conversation, oldest first.
run 0 --db "$h" timeline "$hjane" --thread "$call"
expect_out '^Conversation of Jane Doe .*, oldest first:$'
order=$(grep -oE "$uuid\$" <<<"$out" | tr '\n' ' ')
[[ $order == "$ivr $call " ]] || fail "thread order: $order"
run 0 --db "$h" --json timeline "$hjane" --thread "$email" --direction out
json_ok '[i["id"] for i in j] == ["'"$answer"'"]'
run 1 --db "$h" timeline "$hraj" --thread "$call"
expect_err 'not in this customer'
run 0 --db "$h" timeline "$hmaria"
expect_out '^\(no interactions\)$'
run 0 --db "$h" --json timeline "$hmaria"
json_ok 'j == []'
run 3 --db "$h" timeline "$hjane" --channel phone,Fax
expect_err "'Fax' is not a name"
run 3 --db "$h" timeline "$hjane" --channel ,
run 3 --db "$h" timeline "$hjane" --channel phone,
# A channel no interaction has used matches nothing.
run 0 --db "$h" --json timeline "$hjane" --channel fax
json_ok 'j == []'
# The thread takes the timeline's filter; --before pages it forwards.
run 0 --db "$h" --json timeline "$hjane" --thread "$call" --channel phone
json_ok '[i["id"] for i in j] == ["'"$call"'"]'
run 0 --db "$h" --json timeline "$hjane" --thread "$call" --limit 1
json_ok '[i["id"] for i in j] == ["'"$ivr"'"]'
run 0 --db "$h" --json timeline "$hjane" --thread "$call" --before "$ivr"
json_ok '[i["id"] for i in j] == ["'"$call"'"]'
run 0 --db "$h" --json timeline "$hjane" --thread "$call" --before "$call"
json_ok 'j == []'
run 1 --db "$h" timeline "$hjane" --thread "$call" --before "$answer"
run 3 --db "$h" timeline "$hjane" --from 2026-05-27 --to 2026-05-26

# A channel of the business's own: any name of the form identity kinds take.
bare 0 --db "$h" customer add --kind person "Wanda Chat"
hwanda=$out
run 0 --db "$h" --json interaction log "$hwanda" --channel whatsapp --direction in \
    --at 2026-05-20T09:00Z --ref wa-1
json_ok 'j["channel"] == "whatsapp"'
wa=$(json 'j["id"]')
run 0 --db "$h" interaction log "$hwanda" --channel telegram --direction out --reply-to "$wa" \
    --at 2026-05-20T09:05Z --ref wa-1
run 4 --db "$h" interaction log "$hwanda" --channel whatsapp --direction in --ref wa-1
expect_err "on channel whatsapp was already recorded as interaction $wa"
run 0 --db "$h" interaction show "$wa"
expect_out '^  channel     whatsapp, in$'
expect_out '^  2026-05-20 [0-9:]{5} +telegram +out '
run 0 --db "$h" timeline "$hwanda"
expect_out "^2026-05-20 [0-9:]{5} +whatsapp +in +- +- +- +- +$wa\$"
run 0 --db "$h" --json timeline "$hwanda" --channel telegram,phone
json_ok '[i["channel"] for i in j] == ["telegram"]'
run 0 --db "$h" --json timeline "$hwanda" --thread "$wa" --channel whatsapp
json_ok '[i["id"] for i in j] == ["'"$wa"'"]'

# ---- promises ------------------------------------------------------------------------------

run 0 --db "$h" --actor agent:alice promise make twitter:@JaneDoe --owner agent:alice \
    --due +3d --during "$call" "call Jane back"
expect_out "^$uuid\$"
cb=$out
# Overdue ones: made before they fell due.
run 0 --db "$h" --actor agent:bob --json promise make ACC-100234 --owner team:billing --due -2d \
    --at -3d "refund the double charge"
expect_json
json_ok 'j["overdue"] is True' 'j["made_during"] is None' 'j["owner"] == "team:billing"' \
    'j["closed"] is None' 'j["renegotiations"] == 0'
refund=$(json 'j["id"]')
run 0 --db "$h" promise make raj@example.com --owner agent:bob --due -5h --at -6h \
    "send the contract"
contract=$out
run 2 --db "$h" promise make "$hjane" --due +1d "x"
expect_err -- "pass --owner WHO"
run 2 --db "$h" promise make "$hjane" --owner agent:alice "x"
expect_err -- '--due is required'
run 2 --db "$h" promise make "$hjane" --owner agent:alice --due +1d
expect_err 'missing argument'
run 1 --db "$h" promise make nobody@example.com --owner agent:alice --due +1d "x"
run 1 --db "$h" promise make "$hjane" --owner agent:alice --due +1d --during "$missing_id" "x"
run 3 --db "$h" promise make "$hjane" --owner agent:alice --due +1d --during "$rajchat" "x"
run 3 --db "$h" promise make "$hjane" --owner agent:alice --due +1d ""
# A due time cannot have passed when it is set.
run 3 --db "$h" promise make "$hjane" --owner agent:alice --due -1h "x"
expect_err 'due_at .* is before the promise was made at '
run 3 --db "$h" promise make "$hjane" --owner agent:alice --due -2d --at -1d "x"
expect_err 'is before the promise was made at '

# Renegotiated with the customer's agreement: both due times stay in the history.
run 0 --db "$h" --actor agent:alice promise renegotiate "$cb" --due +6d --agreed \
    "Jane is away on Friday"
expect_out "^Promise $cb renegotiated with the customer's agreement: call Jane back \(open; due "
run 0 --db "$h" --actor agent:carol promise renegotiate "$cb" --due +7d "the refund is late"
expect_out 'without the customer'
run 0 --db "$h" promise show "$cb"
expect_out "^Promise $cb\$"
expect_out "^  to          Jane Doe \($hjane\)\$"
expect_out '^  what        call Jane back$'
expect_out '^  owner       agent:alice$'
expect_out '^  state       open$'
expect_out '^  due         .*\(in 6 days 23 h\), renegotiated 2 times; first due '
expect_out "^  made        .*, during $call\$"
expect_out '^History$'
expect_out '^  WHEN +EVENT +BY +DUE +AGREED +NOTE$'
expect_out '^  [0-9-]{10} [0-9:]{5} +made +agent:alice +[0-9-]{10} [0-9:]{5}$'
expect_out '^  [0-9-]{10} [0-9:]{5} +renegotiated +agent:alice +[0-9-]{10} [0-9:]{5} → [0-9-]{10} [0-9:]{5} +customer agreed +Jane is away on Friday$'
expect_out '^  [0-9-]{10} [0-9:]{5} +renegotiated +agent:carol +[0-9-]{10} [0-9:]{5} → [0-9-]{10} [0-9:]{5} +not agreed +the refund is late$'
run 0 --db "$h" --json promise show "$cb"
expect_json
json_ok 'j["renegotiations"] == 2' '[e["event"] for e in j["history"]] == ["made", "renegotiated", "renegotiated"]' \
    'j["history"][1]["customer_agreed"] is True' 'j["history"][2]["customer_agreed"] is False' \
    'j["history"][1]["old_due"] == j["history"][0]["new_due"]' \
    'j["history"][2]["new_due"] == j["due"]' 'j["history"][0]["old_due"] is None' \
    'j["history"][1]["note"] == "Jane is away on Friday"' 'j["history"][2]["actor"] == "agent:carol"'
run 3 --db "$h" promise renegotiate "$cb" --due "$(json 'j["due"]')" "same time"
expect_err 'already in force'

# Overdue: open and past due, marked in the list.
run 0 --db "$h" promise list
expect_out '^DUE +STATUS +CUSTOMER +OWNER +WHAT +ID$'
expect_out "^[0-9-]{10} [0-9:]{5} +OVERDUE by 2 days +Acme Logistics Inc\. +team:billing +refund the double charge +$refund\$"
expect_out "^[0-9-]{10} [0-9:]{5} +OVERDUE by 5 h +Raj Patel +agent:bob +send the contract +$contract\$"
expect_out "^[0-9-]{10} [0-9:]{5} → [0-9-]{10} [0-9:]{5} +open +Jane Doe +agent:alice +call Jane back +$cb\$"
order=$(grep -oE "$uuid\$" <<<"$out" | tr '\n' ' ')
[[ $order == "$refund $contract $cb $tp " ]] || fail "promise list order: $order"
run 0 --db "$h" --json promise list --overdue
expect_json
json_ok '[p["id"] for p in j] == ["'"$refund"'", "'"$contract"'"]' 'all(p["overdue"] for p in j)' \
    'j[0]["customer_name"] == "Acme Logistics Inc."'
run 0 --db "$h" --json promise list --overdue --as-of -3d
json_ok 'j == []'
run 0 --db "$h" --json promise list --overdue --as-of +30d
json_ok 'len(j) == 4'
run 0 --db "$h" --json promise list --customer +14155550100
json_ok '[p["id"] for p in j] == ["'"$cb"'", "'"$tp"'"]' \
    'all(p["first_due"] is not None and p["customer_name"] == "Jane Doe" for p in j)' \
    'datetime.datetime.fromisoformat(j[0]["first_due"]) < datetime.datetime.fromisoformat(j[0]["due"])'
run 0 --db "$h" --json promise list --owner agent:bob
json_ok '[p["id"] for p in j] == ["'"$contract"'"]'
run 0 --db "$h" --json promise list --due-before now
json_ok '[p["id"] for p in j] == ["'"$refund"'", "'"$contract"'"]'
run 1 --db "$h" promise list --customer nobody@example.com
run 0 --db "$h" promise list --owner nobody
expect_out '^\(no promises\)$'

# Kept, late; then nothing more can happen to it.
run 0 --db "$h" --actor agent:bob promise keep "$contract" --note "sent by courier"
expect_out "^Promise $contract kept: send the contract \(kept late, by 5 h; due "
run 4 --db "$h" promise keep "$contract"
expect_err 'already kept'
run 4 --db "$h" promise break "$contract" "too late"
expect_err 'already kept'
run 4 --db "$h" promise renegotiate "$contract" --due +1d "again"
run 0 --db "$h" --json promise show "$contract"
json_ok 'j["state"] == "kept"' 'j["kept_late"] is True' 'j["overdue"] is False' \
    'j["closed"] is not None' '[e["event"] for e in j["history"]] == ["made", "kept"]' \
    'j["history"][1]["note"] == "sent by courier"'
run 0 --db "$h" promise show "$contract"
expect_out '^  state       kept late, by 5 h$'
expect_out '^  kept        [0-9-]{10} '
run 0 --db "$h" --json promise keep "$cb" --by "$answer"
json_ok 'j["state"] == "kept"' 'j["kept_by"] == "'"$answer"'"' 'j["kept_late"] is False'
run 0 --db "$h" promise show "$cb"
expect_out "^  kept by     $answer\$"
run 0 --db "$h" --json promise break "$refund" "the bank refused the refund"
json_ok 'j["state"] == "broken"'
run 0 --db "$h" promise release "$tp" --note "Jane called herself"
expect_out "^Promise $tp released: call back \(released; due "
run 0 --db "$h" --json promise list --open
json_ok 'j == []'
run 0 --db "$h" --json promise list
json_ok 'sorted(p["state"] for p in j) == ["broken", "kept", "kept", "released"]' \
    'not any(p["overdue"] for p in j)'
run 2 --db "$h" promise break "$refund"
run 2 --db "$h" promise renegotiate "$refund" "no due"
expect_err -- '--due is required'
run 1 --db "$h" promise keep "$missing_id"
run 1 --db "$h" promise show "$missing_id"
run 3 --db "$h" promise show nonsense
run 0 --db "$h" promise make "$hmaria" --owner agent:alice --due +1d "x"
mp=$out
run 3 --db "$h" promise keep "$mp" --by "$rajchat"
run 0 --db "$h" --json promise release "$mp"
json_ok 'j["state"] == "released"' 'j["id"] == "'"$mp"'"'

# Steps recorded after they happened: --at, not later than now and not
# before the promise's last step.
run 0 --db "$h" --json promise make "$hmaria" --owner agent:alice --due -7d --at -10d "imported"
imp=$(json 'j["id"]')
json_ok 'j["overdue"] is True' 'j["made"] < j["due"]'
run 0 --db "$h" --json promise renegotiate "$imp" --due -2d --agreed --at -5d "part late"
json_ok 'j["renegotiations"] == 1'
run 3 --db "$h" promise keep "$imp" --at -6d
expect_err 'is before the last step of promise .*, renegotiated at '
run 3 --db "$h" promise break "$imp" --at +1h "x"
expect_err 'is in the future'
run 3 --db "$h" promise release "$imp" --at someday
expect_err "^crmctl: promise release: --at: 'someday' is not a time"
run 0 --db "$h" --json promise keep "$imp" --at -1d
json_ok 'j["state"] == "kept"' 'j["kept_late"] is True' 'j["overdue"] is False'
run 0 --db "$h" --json promise show "$imp"
json_ok '[e["event"] for e in j["history"]] == ["made", "renegotiated", "kept"]'
run 0 --db "$h" --json promise list --customer "$hmaria"
json_ok '[p["first_due"] is not None for p in j if p["id"] == "'"$imp"'"] == [True]'
run 0 --db "$h" promise show "$imp"
expect_out '^  due         .*, renegotiated 1 time; first due '

# ---- occasions -----------------------------------------------------------------------------

run 0 --db "$h" occasion add jane.doe@example.com --kind birthday --yearly 01-03 --year 1984 \
    --lead 14 --note "likes tulips"
expect_out "^$uuid\$"
bday=$out
run 0 --db "$h" --json occasion add ACC-100234 --kind renewal --date 2030-01-10 --lead 30
expect_json
json_ok 'j["yearly"] is False' 'j["year"] == 2030' 'j["month"] == 1' 'j["day"] == 10' \
    'j["lead_days"] == 30' 'j["note"] is None' 'j["customer"] == "'"$hacme"'"'
renewal=$(json 'j["id"]')
run 0 --db "$h" --json occasion add "$hjane" --kind anniversary --yearly 12-30
json_ok 'j["year"] is None' 'j["yearly"] is True' 'j["lead_days"] == 0'
anniv=$(json 'j["id"]')
run 0 --db "$h" occasion add "$hraj" --kind birthday --yearly 02-29 --year 1992
leap=$out
run 2 --db "$h" occasion add "$hjane" --yearly 05-01
expect_err -- '--kind is required'
run 2 --db "$h" occasion add "$hjane" --kind birthday
expect_err 'either --date'
run 2 --db "$h" occasion add "$hjane" --kind birthday --date 2030-01-01 --yearly 01-01
run 2 --db "$h" occasion add "$hjane" --kind birthday --date 2030-01-01 --year 2030
run 3 --db "$h" occasion add "$hjane" --kind renewal --date 2031-02-29
expect_err 'no such day'
run 3 --db "$h" occasion add "$hjane" --kind birthday --yearly 04-31
run 3 --db "$h" occasion add "$hjane" --kind birthday --yearly 05-01 --lead 400
run 3 --db "$h" occasion add "$hjane" --kind "Birth Day" --yearly 05-01
run 1 --db "$h" occasion add nobody@example.com --kind birthday --yearly 05-01

run 0 --db "$h" occasion list +14155550100
expect_out '^KIND +WHEN +LEAD +NOTE +ID$'
expect_out "^birthday +every 01-03, since 1984 +14 days before +likes tulips +$bday\$"
expect_out "^anniversary +every 12-30 +on the day +- +$anniv\$"
run 0 --db "$h" occasion list ACC-100234
expect_out "^renewal +once, 2030-01-10 +30 days before +- +$renewal\$"
run 0 --db "$h" --json occasion list "$hjane"
expect_json
json_ok '[o["id"] for o in j] == ["'"$bday"'", "'"$anniv"'"]'
run 0 --db "$h" occasion list "$hmaria"
expect_out '^\(no occasions\)$'

# A window over New Year: the anniversary on its day, the birthday and the
# renewal surfacing in it (their lead starts inside), the leap-day birthday not.
run 0 --db "$h" occasion upcoming --from 2029-12-28 --to 2030-01-05
expect_out '^Occasions from Fri 2029-12-28 to Fri 2030-01-04 \(8 days\):$'
expect_out '^DATE +WHEN +CUSTOMER +OCCASION +NOTE +ID$'
expect_out "^Sun 2029-12-30 +in [0-9]+ days +Jane Doe +anniversary +- +$anniv\$"
expect_out "^Thu 2030-01-03 +in [0-9]+ days +Jane Doe +birthday \(turns 46\) +likes tulips +$bday\$"
expect_out "^Thu 2030-01-10 +in [0-9]+ days +Acme Logistics Inc\. +renewal +- +$renewal\$"
expect_no_out 'Raj Patel'
run 0 --db "$h" --json occasion upcoming --from 2029-12-28 --days 8
expect_json
json_ok '[o["id"] for o in j] == "'"$anniv $bday $renewal"'".split()' \
    'j[1]["date"] == "2030-01-03"' 'j[1]["surfaces"] == "2029-12-20"' 'j[1]["years"] == 46' \
    'j[0]["years"] is None' 'j[2]["customer_name"] == "Acme Logistics Inc."' \
    'j[2]["surfaces"] == "2029-12-11"'
# 29 February falls on 28 February in a common year.
run 0 --db "$h" --json occasion upcoming --from 2031-02-27 --days 2
json_ok '[o["id"] for o in j] == ["'"$leap"'"]' 'j[0]["date"] == "2031-02-28"' 'j[0]["years"] == 39'
run 0 --db "$h" --json occasion upcoming --from 2032-02-27 --days 3
json_ok 'j[0]["date"] == "2032-02-29"'
# Days are the local calendar's: late on 29 December in New York is still
# that day, though it is already the 30th in UTC.
TZ=America/New_York run 0 --db "$h" --json occasion upcoming --from 2029-12-29T22:00 --days 1
json_ok '"'"$anniv"'" not in [o["id"] for o in j]' 'len(j) == 2'
TZ=America/New_York run 0 --db "$h" --json --utc occasion upcoming --from 2029-12-29T22:00 --days 1
json_ok '[o["id"] for o in j][0] == "'"$anniv"'"' 'len(j) == 3'
# By default: today, for 30 days.
soon=$(date -d '+5 days' +%m-%d)
run 0 --db "$h" occasion add LC-0042-7781 --kind name_day --yearly "$soon"
nameday=$out
run 0 --db "$h" occasion upcoming
expect_out "^Occasions from [A-Z][a-z]{2} $(date +%Y-%m-%d) to [A-Z][a-z]{2} $(date -d '+29 days' +%Y-%m-%d) \(30 days\):$"
expect_out "^[A-Z][a-z]{2} [0-9-]+-$soon +in 5 days +María García +name_day +- +$nameday\$"
run 0 --db "$h" --json occasion upcoming --days 3 --from 2029-06-01
json_ok 'j == []'
run 0 --db "$h" occasion upcoming --to 2029-06-04 --from 2029-06-01
expect_out '^\(no occasions coming up\)$'
run 2 --db "$h" occasion upcoming --to 2030-01-01 --days 3
run 3 --db "$h" occasion upcoming --days 0
run 3 --db "$h" occasion upcoming --from 2030-01-05 --to 2030-01-01
run 0 --db "$h" occasion remove "$nameday"
expect_out "^Removed María García's name_day \(every $soon\)\.$"
run 1 --db "$h" occasion remove "$nameday"
run 0 --db "$h" --json occasion remove "$leap"
expect_json
json_ok 'j["removed"] is True' 'j["kind"] == "birthday"'
run 0 --db "$h" --json journal
json_ok '[e["op"] for e in j if e["entity"] == "occasion"] == ["add"] * 5 + ["remove"] * 2'

# ---- what reaches the terminal: stored text and arguments, escaped ------------------------------
#
# Anybody's text is stored (a tweet, an e-mail, a name typed at a kiosk) and
# shown to a person at a terminal. Every human-readable output shows control
# characters, C1 controls, bidi controls, U+2028/U+2029 and bytes that are not
# UTF-8 as escapes (\x1b, \u202e), a backslash as \\; --json carries the exact
# text. Each field below holds what the library lets it hold.
x=$work/hostile.db
# U+009B (the 8-bit CSI) "31m", U+202E, U+2028, U+2066, U+061C, U+200F,
# U+0085, U+2029: none of them a C0 control, so every text field takes them.
hostile=$'\xc2\x9b31m\xe2\x80\xae\xe2\x80\xa8\xe2\x81\xa6\xd8\x9c\xe2\x80\x8f\xc2\x85\xe2\x80\xa9'
shown='\u009b31m\u202e\u2028\u2066\u061c\u200f\u0085\u2029'
# Clear the screen, retitle the terminal, ring the bell; DEL; a backslash.
ansi=$'\e[2J\e]0;PWNED\a\x7f\\'
ansi_shown='\x1b[2J\x1b]0;PWNED\x07\x7f\\'
name="Eve ${hostile} Evil"
name_shown="Eve ${shown} Evil"
actor="agent:${hostile}"
actor_shown="agent:${shown}"

run 0 --db "$x" --actor "$actor" customer add --kind person "$name"
expect_no_control
eve=$out
run 0 --db "$x" --json customer add --kind org "Org${hostile}"
expect_no_control
org=$(json 'j["id"]')
json_is 'j["name"]' "Org${hostile}"
# Attribute values and bodies may hold C0 controls too.
note="${ansi}${hostile}"$'\ttab\r\nline'
note_shown="${ansi_shown}${shown}"'\ttab\r\nline'
run 0 --db "$x" customer attr set "$eve" note "$note"
expect_no_control
run 0 --db "$x" customer attr get "$eve" note
expect_no_control
[[ $out == "$note_shown" ]] || fail "attr get shows the value escaped on one line"
run 0 --db "$x" --json customer attr get "$eve" note
expect_no_control
json_is 'j["value"]' "$note"
run 0 --db "$x" customer attr list "$eve"
expect_no_control
expect_out_text "note  ${note_shown}"
run 0 --db "$x" customer tag add "$eve" "vip${hostile}"
expect_no_control
expect_out_text "Added tag vip${shown}."
run 0 --db "$x" customer tag list "$eve"
expect_no_control
[[ $out == "vip${shown}" ]] || fail "tag list shows the tag escaped"
run 0 --db "$x" identity add "$eve" account "ACC-${hostile}"
expect_no_control
expect_out_text "Added account ACC-${shown} to $eve."
run 0 --db "$x" identity add "$eve" social "twitter:@eve${hostile}"
expect_no_control
run 0 --db "$x" customer member add "$org" "$eve" "boss${hostile}"
expect_no_control
expect_out_text "as boss${shown}."
run 0 --db "$x" identity normalise account " ACC-${hostile} "
expect_no_control
[[ $out == "ACC-${shown}" ]] || fail "identity normalise shows the key escaped"

run 0 --db "$x" customer show "$eve"
expect_no_control
expect_out_text "${name_shown} (person)"
expect_out_text "note  ${note_shown}"
expect_out_text "vip${shown}"
expect_out_text "ACC-${shown}"
expect_out_text "twitter:eve${shown}"
expect_out_text "Org${shown}"
expect_out_text "boss${shown}"
run 0 --db "$x" --json customer show "$eve"
expect_no_control
json_is 'j["name"]' "$name"
json_is 'j["attributes"]["note"]' "$note"
json_is 'j["tags"][0]' "vip${hostile}"
json_is '[i["value"] for i in j["identities"] if i["kind"] == "account"][0]' "ACC-${hostile}"
json_is 'j["memberships"][0]["role"]' "boss${hostile}"
json_is 'j["memberships"][0]["organisation_name"]' "Org${hostile}"
run 0 --db "$x" identity lookup account "ACC-${hostile}"
expect_no_control
expect_out_text "${name_shown} (person)"
run 0 --db "$x" identity show "$eve" account "ACC-${hostile}"
expect_no_control
expect_out_text "account ACC-${shown}"
expect_out_text "customer    ${name_shown} ($eve)"
run 0 --db "$x" identity list "$eve"
expect_no_control
expect_out_text "ACC-${shown}"
run 0 --db "$x" customer member list "$org"
expect_no_control
expect_out_text "${name_shown}  boss${shown}"
run 0 --db "$x" customer list --all
expect_no_control
expect_out_text "$name_shown"
expect_out_text "Org${shown}"

# An interaction's body keeps its line feeds and tabs in `interaction show`,
# indented; everything else in it is escaped, carriage returns too.
body="${ansi}${hostile}"$'\r\nsecond line\n\tindented'
run 0 --db "$x" --actor "$actor" interaction log "$eve" --channel email --direction in \
    --by "$actor" --summary "sum${hostile}" --body "$body" --ref "ref${hostile}"
expect_no_control
mail=$out
run 0 --db "$x" interaction log "ACC-${hostile}" --channel chat --direction out --reply-to "$mail"
reply=$out
run 0 --db "$x" interaction show "$mail"
expect_no_control --tabs
expect_out_text "customer    ${name_shown} ($eve)"
expect_out_text "handled by  ${actor_shown}"
expect_out_text "summary     sum${shown}"
expect_out_text "reference   ref${shown}"
expect_out_line "  ${ansi_shown}${shown}\\r"
expect_out_line '  second line'
expect_out_line $'  \tindented'
expect_out_text "sum${shown}  $mail"
run 0 --db "$x" --json interaction show "$mail"
expect_no_control
json_is 'j["body"]' "$body"
json_is 'j["summary"]' "sum${hostile}"
json_is 'j["handled_by"]' "$actor"
json_is 'j["external_ref"]' "ref${hostile}"
json_is 'j["conversation"][0]["summary"]' "sum${hostile}"
run 0 --db "$x" timeline "$eve"
expect_no_control
expect_out_text "Timeline of ${name_shown} ($eve)"
expect_out_text "${actor_shown}  -       -        sum${shown}  $mail"
run 0 --db "$x" timeline "ACC-${hostile}" --thread "$reply"
expect_no_control
expect_out_text "Conversation of ${name_shown}"
# Logging the same reference again: the library's message quotes it.
run 4 --db "$x" interaction log "$eve" --channel email --direction in --ref "ref${hostile}"
expect_no_control
expect_err_text "ref${shown}"

run 0 --db "$x" --actor "$actor" promise make "$eve" --owner "$actor" --due +1d "call${hostile}"
expect_no_control
promise=$out
run 0 --db "$x" promise renegotiate "$promise" --due +2d "why${hostile}"
expect_no_control
expect_out_text ": call${shown} (open; due "
run 0 --db "$x" --actor "$actor" promise keep "$promise" --note "kept${hostile}"
expect_no_control
expect_out_text "kept: call${shown} (on time; due "
run 0 --db "$x" promise make "$eve" --owner agent:bob --due +1d "second${hostile}"
broken=$out
run 0 --db "$x" promise break "$broken" "broke${hostile}"
expect_no_control
run 0 --db "$x" promise show "$promise"
expect_no_control
expect_out_text "to          ${name_shown} ($eve)"
expect_out_text "what        call${shown}"
expect_out_text "owner       ${actor_shown}"
expect_out_text "why${shown}"
expect_out_text "kept${shown}"
run 0 --db "$x" promise show "$broken"
expect_no_control
expect_out_text "broke${shown}"
run 0 --db "$x" --json promise show "$promise"
expect_no_control
json_is 'j["what"]' "call${hostile}"
json_is 'j["owner"]' "$actor"
json_is 'j["history"][1]["note"]' "why${hostile}"
json_is 'j["history"][2]["note"]' "kept${hostile}"
json_is 'j["history"][2]["actor"]' "$actor"
run 0 --db "$x" promise list
expect_no_control
expect_out_text "${name_shown}  ${actor_shown}  call${shown}"
expect_out_text "second${shown}"

run 0 --db "$x" occasion add "$eve" --kind birthday --yearly 01-01 --note "note${hostile}"
expect_no_control
occasion=$out
run 0 --db "$x" occasion list "$eve"
expect_no_control
expect_out_text "note${shown}"
run 0 --db "$x" occasion upcoming --from 2030-12-31 --days 2
expect_no_control
expect_out_text "${name_shown}  birthday"
expect_out_text "note${shown}"
run 0 --db "$x" --json occasion upcoming --from 2030-12-31 --days 2
expect_no_control
json_is 'j[0]["note"]' "note${hostile}"
json_is 'j[0]["customer_name"]' "$name"
run 0 --db "$x" occasion remove "$occasion"
expect_no_control
expect_out_text "Removed ${name_shown}'s birthday"
run 0 --db "$x" customer rename "$eve" "Renamed${hostile}"
expect_no_control
expect_out_text "Renamed to Renamed${shown} ($eve)."

# The journal: its actor and the values in its details, and the same in JSON.
run 0 --db "$x" journal
expect_no_control
expect_out_text "$actor_shown"
expect_out_text "value=\"${note_shown}\""
expect_out_text "tag=vip${shown}"
expect_out_text "name=Renamed${shown}"
run 0 --db "$x" --json journal
expect_no_control
json_is 'j[0]["actor"]' "$actor"
json_is '[e["data"]["value"] for e in j if e["op"] == "set"][0]' "$note"
json_is '[e["data"]["name"] for e in j if e["op"] == "rename"][0]' "Renamed${hostile}"

# Errors: a customer named on the command line that is nobody (with
# control characters, which no identity holds: an invalid argument), an
# unknown command and option, and the library's messages.
run 1 --db "$x" customer show "nobody${hostile}"
expect_no_control
expect_err_text "no customer is 'nobody${shown}'"
run 3 --db "$x" customer show $'nobody\e]0;PWNED\a'"${hostile}"
expect_no_control
expect_err_text "text contains a control character (0x1b): nobody\\x1b]0;PWNED\\x07${shown}"
run 3 --db "$x" timeline $'+1 415 555 0100\e[2J'
expect_no_control
run 2 --db "$x" $'\e[2J'"${hostile}"
expect_no_control
expect_err_text "unknown command '\\x1b[2J${shown}'"
run 2 --db "$x" customer $'\e[2J'
expect_no_control
expect_err_text "unknown command 'customer \\x1b[2J'"
run 2 --db "$x" customer list $'--\e[2J'
expect_no_control
expect_err_text "unknown option '--\\x1b[2J'"
run 4 --db "$x" customer tag add "$eve" "vip${hostile}"
expect_no_control
expect_err_text "already has tag 'vip${shown}'"
# libcrm escapes the C0 controls it quotes as \xHH itself: shown as it wrote them.
run 3 --db "$x" customer rename "$eve" $'bad\e]0;x\a'"${hostile}"
expect_no_control
expect_err_text "bad\\x1b]0;x\\x07${shown}"
run 5 --db $'/nonexistent/\e]0;x\a.db' customer list
expect_no_control
expect_err_text "no database at '/nonexistent/\\x1b]0;x\\x07.db'"

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
# The story: the IVR knows Jane by a number written differently, the agent
# sees the e-mail and the public tweet, the callback is moved with her
# agreement, Raj's refund is overdue, her birthday is coming up. Its tables
# fit 100 columns: the free text is cut.
expect_out '^  The IVR \(ivr:main-menu\) matched the number although it is stored as$'
expect_out '^    [0-9-]{10} [0-9:]{5} +ivr +in +ivr:main-menu +billing +transferred +'
expect_out '^    [0-9-]{10} [0-9:]{5} +social \(public\) +in +- +billing\.doubl(e_charge|…) +- +"@ShopCo ch'
expect_out '^    [0-9-]{10} [0-9:]{5} +email +in +team:billing +billing\.doubl(e_charge|…) +unresolved +Charged twi'
expect_out 'promises a callback by$'
expect_out '^  renegotiates the callback: [0-9-]{10} 17:00 → [0-9-]{10} 10:00\.$'
expect_out '^  [0-9-]{10} [0-9:]{5} +phone +in +agent:alice +billing\.double_(charge|…) +resolved +'
expect_out '^  [0-9-]{10} [0-9:]{5} +OVERDUE by 2 days +Raj Patel +team:billing +refund the doubl(e charge|…)$'
expect_out '^  [0-9-]{10} 17:00 → [0-9-]{10} 10:00 +open +Jane Doe +agent:alice +call Jane back '
expect_out '^  [A-Z][a-z]{2} [0-9-]{10} +in 9 days +Jane Doe +birthday \(turns [0-9]+\) +likes tulips$'
expect_out '^  contact_waiting +Jane Doe +6 days'
expect_out '^  interaction +Jane Doe +summary +"@ShopCo \[charged\] me \[twice\] and nobody'
expect_out '^  service_updates  by sms    yes \(granted during the agent'"'"'s call\)$'
expect_out '^  marketing        by email  no \(never asked\)$'
expect_out '^The journal records every change with who made it: [0-9]+ so far\. The last$'
[[ $(grep -cE '^  [0-9]+ +[0-9-]{10} [0-9:]{8} ' <<<"$out") == 15 ]] || fail "demo journal: not 15 entries"
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
json_ok 'j["calls"][0]["customer"]["name"] == "Jane Doe"' 'j["calls"][1]["customer"] is None' \
    'len(j["journal"]) == 15' 'j["journal"][0]["seq"] > 15' \
    '[i["channel"] for i in j["timeline"]] == ["sms", "phone", "ivr", "social", "email"]' \
    'j["timeline"][3]["public"] and j["timeline"][3]["sentiment"] == -2' \
    'j["timeline"][3]["reason"] == "billing.double_charge"' \
    'j["timeline"][2]["handled_by"] == "ivr:main-menu"' \
    'j["timeline"][2]["outcome"] == "transferred"' 'j["timeline"][1]["outcome"] == "resolved"' \
    'j["timeline"][1]["thread"] == j["timeline"][2]["id"]' \
    'j["timeline"][4]["outcome"] == "unresolved"' \
    '[p["overdue"] for p in j["promises"]] == [True, False]' \
    'j["promises"][0]["customer_name"] == "Raj Patel"' \
    'j["promises"][1]["renegotiations"] == 1' \
    'j["promises"][1]["made_during"] == j["timeline"][1]["id"]' \
    'datetime.datetime.fromisoformat(j["promises"][1]["first_due"]).strftime("%a %H:%M") == "Fri 17:00"' \
    'datetime.datetime.fromisoformat(j["promises"][1]["due"]).strftime("%a %H:%M") == "Mon 10:00"' \
    '[(o["kind"], o["days_until"], o["lead_days"]) for o in j["upcoming"]] == [("birthday", 9, 14)]' \
    '[(r["reason"], r["channel"], r["contacts"]) for r in j["reasons"][:2]] == [("billing.double_charge", None, 5), ("billing.double_charge", "phone", 2)]' \
    '[(a["kind"], a["customer_name"]) for a in j["agenda"]] == [("contact_waiting", "Jane Doe"), ("promise_overdue", "Raj Patel"), ("occasion", "Jane Doe")]' \
    'len(j["search"]) == 4 and {h["customer_name"] for h in j["search"]} == {"Jane Doe", "Raj Patel"}' \
    'all("[charged]" in h["snippet"].lower() for h in j["search"])'
# Far from UTC, and shown in UTC: the dates still come out right.
TZ=Pacific/Kiritimati run 0 --db "$work/demo4.db" --utc demo
expect_out '^  [A-Z][a-z]{2} [0-9-]{10} +in 9 days +Jane Doe +birthday '
expect_out '^  [0-9-]{10}T17:00Z → [0-9-]{10}T10:00Z +open +Jane Doe '
# Another country: the national number is read there and does not match.
run 0 --db "$work/demo3.db" --country DE demo
expect_out 'reads it as \+49'
expect_out 'No match'

# ---- reports ----------------------------------------------------------------
rdb="$work/report.db"
run 0 --db "$rdb" demo
run 0 --db "$rdb" report reasons --by-channel
expect_out '^REASON +CHANNEL +CONTACTS +SHARE +CUMULATIVE SHARE$'
expect_out '^billing\.double_charge +5 +83\.3% +83\.3%$'
expect_out '^billing\.double_charge +phone +2 +33\.3% +-$'
run 0 --db "$rdb" --json report reasons --depth 1
expect_json
json_ok 'len(j) == 1' 'j[0]["reason"] == "billing"' 'j[0]["contacts"] == 6' \
    'j[0]["channel"] is None' 'j[0]["cumulative_share"] == 1.0'
run 0 --db "$rdb" --csv report repeats
expect_out '^"reason","contacts","repeat_contacts","repeat_rate"$'
expect_out '^"billing\.double_charge","5","3","0\.6000"$'
run 0 --db "$rdb" --json report keep-rate
json_ok 'j[-1]["owner"] is None' 'j[-1]["made"] == 2' 'j[-1]["overdue"] == 1' \
    'j[-1]["renegotiations_agreed"] == 1'
run 0 --db "$rdb" --json report handover
json_ok '[(r["reason"], r["ivr_contacts"], r["handed_over"]) for r in j] == [("billing", 1, 1)]'
run 0 --db "$rdb" --json report fcr
json_ok '{r["dimension"] for r in j} == {"channel", "reason"}'
run 0 --db "$rdb" --json report channel-mix --period month --channels phone,ivr
json_ok '{r["channel"] for r in j} <= {"phone", "ivr"}' 'all(r["direction"] == "in" for r in j)'
run 0 --db "$rdb" report reasons --owner team:nobody
expect_out '^\(no rows: nothing in the window\)$'
run 3 --db "$rdb" report pareto
expect_err "no report is called 'pareto'"
run 3 --db "$rdb" report reasons --depth 9
expect_err 'depth'
run 3 --db "$rdb" report channel-mix --period year
expect_err 'period'
run 3 --db "$rdb" report reasons --from 2026-03-02 --to 2026-03-01
expect_err 'from/to'
run 3 --db "$rdb" report reasons --channels Phone
expect_err 'channel_names\[0\]'
# ---- the agenda ----------------------------------------------------------------------------

ag=$work/agenda.db
run 0 --db "$ag" customer add --kind person "Ada Agenda"
ada=$out
run 0 --db "$ag" customer add --kind person "Bo Agenda"
bo=$out
run 0 --db "$ag" customer owner "$ada" team:billing
run 0 --db "$ag" promise make "$ada" --owner team:partner --due -1d --at -2d "call back"
late=$out
run 0 --db "$ag" promise make "$bo" --owner team:billing --due +2h "send the form"
soon=$out
run 0 --db "$ag" promise make "$bo" --owner team:billing --due +3d "visit"
# A loud public post made now, and a quiet call an hour ago.
run 0 --db "$ag" interaction log "$bo" --channel social --direction in --public
post=$out
run 0 --db "$ag" interaction log "$ada" --channel phone --direction in --at -1h \
    --outcome unresolved
call=$out
run 0 --db "$ag" agenda
expect_out "^KIND +CUSTOMER +WAITED +WHY +ID\$"
expect_out "^promise_overdue +Ada Agenda +1 day +promise overdue since [0-9T:-]{16}Z \\(owner team:partner\\) +$late\$"
expect_out "^promise_due +Bo Agenda +in 1 h [0-9]+ min +promise due at "
expect_out "^contact_waiting +Ada Agenda .* inbound phone contact unanswered since "
run 0 --db "$ag" --json agenda
expect_json
json_ok '[i["id"] for i in j] == ["'"$late"'", "'"$soon"'", "'"$call"'", "'"$post"'"]' \
    '[i["kind"] for i in j] == ["promise_overdue", "promise_due", "contact_waiting", "contact_waiting"]' \
    'j[0]["customer_owner"] == "team:billing"' 'j[0]["owner"] == "team:partner"' \
    'j[0]["score"] == j[0]["waited_ms"] + 48 * 3600000' 'j[3]["channel"] == "social"' \
    'j[3]["due_at"] is None' 'j[1]["waited_ms"] < 0'
run 0 --db "$ag" --json agenda --owner team:billing --limit 2
json_ok '[i["id"] for i in j] == ["'"$late"'", "'"$soon"'"]'
run 0 --db "$ag" --json agenda --owner team:partner
json_ok '[i["id"] for i in j] == ["'"$late"'"]'
run 0 --db "$ag" --json agenda --kind contact_waiting,occasion --horizon 1
json_ok '[i["id"] for i in j] == ["'"$call"'", "'"$post"'"]'
run 0 --db "$ag" --json agenda --kind promise_due --horizon 1
json_ok 'j == []'
run 0 --db "$ag" --json agenda --kind promise_due --as-of -1h --horizon 4
json_ok '[i["id"] for i in j] == ["'"$soon"'"]'
run 0 --db "$ag" --csv agenda
csv_ok 'rows[0] == ["kind", "customer_id", "customer_name", "customer_owner", "id", "owner", "since", "due_at", "waited_ms", "score", "channel", "why"]' \
    '[r[4] for r in rows[1:]] == ["'"$late"'", "'"$soon"'", "'"$call"'", "'"$post"'"]' \
    'all(len(r) == len(rows[0]) for r in rows)'
run 0 --db "$ag" agenda --owner agent:nobody
expect_out '^\(no items on the agenda\)$'
run 3 --db "$ag" agenda --kind soon
expect_err -- "--kind: 'soon' is no kind"
run 3 --db "$ag" agenda --horizon 0
expect_err -- '--horizon wants a number of hours'
run 3 --db "$ag" agenda --limit -1
expect_err -- '--limit wants a number'
run 3 --db "$ag" agenda --owner " team:billing"
expect_err 'agenda owner'
# ---- search --------------------------------------------------------------------

# Over the demo's records: every kind, best first, in a table, JSON and CSV.
run 0 --db "$demo" search charge
expect_out '^KIND +CUSTOMER +MATCHED +SNIPPET +RECORD$'
expect_out '^attribute +Jane Doe +last_contact_reason value +billing\.double_\[charge\] +'"$uuid"'$'
expect_out '^promise +Raj Patel +what +refund the double \[charge\] +'"$uuid"'$'
expect_out '^interaction +Jane Doe +summary +Double \[charge\] confirmed'
run 0 --db "$demo" search 'charg*' --kinds interaction --limit 2
expect_out '^interaction +Jane Doe +summary +Double \[charge\] confirmed'
[[ $(grep -c '^interaction ' <<<"$out") == 2 ]] || fail "search --limit 2"
run 0 --db "$demo" --json search 'MARIA garcia'
expect_json
json_ok 'j[0]["kind"] == "customer"' 'j[0]["customer_name"] == "María García"' \
    'j[0]["snippet"] == "[María] [García]"' 'j[0]["field"] == "name"' \
    'j[0]["record_id"] is None' 'isinstance(j[0]["rank"], float)' \
    '[h["rank"] for h in j] == sorted(h["rank"] for h in j)'
run 0 --db "$demo" --csv search charged --customer "+1 415 555 0100"
csv_ok 'rows[0] == ["kind", "customer_id", "customer_name", "field", "key", "record_id", "snippet", "rank"]' \
    'len(rows) > 2' 'all(r[2] == "Jane Doe" for r in rows[1:])' \
    'all("[charged]" in r[6].lower() for r in rows[1:])'
run 0 --db "$demo" search charge --owner agent:nobody
expect_out '^\(no matches\)$'
# Words, never a query language: operators and open quotes are words.
run 0 --db "$demo" search '"double charge'
expect_out '\[Double charge\] confirmed'
run 0 --db "$demo" search 'charge NEAR(refund' --kinds promise
expect_out '^\(no matches\)$'
run 0 --db "$demo" search 'charge OR:refund' --kinds promise
expect_out '^\(no matches\)$'
run 0 --db "$demo" search 'charge (refund)' --kinds promise
expect_out '^promise +Raj Patel '
run 3 --db "$demo" search '*'
expect_err "query '\*' has no word to search for"
run 3 --db "$demo" search 'a*'
expect_err 'at least two'
run 3 --db "$demo" search charge --kinds note
expect_err "'note' is not a kind"
run 3 --db "$demo" search charge --limit 0
expect_err -- '--limit wants a number'
run 2 --db "$demo" search
expect_err 'usage: crmctl search'

echo "crmctl: $checks checks passed"
