#!/usr/bin/env bash
# crmctl end to end for what a customer agreed to and their own data:
# consent, deleting an interaction, the export, the erase, retention, and
# duplicates, merge and unmerge.
#
# usage: test_crmctl_privacy.sh CRMCTL SCRATCH-DIR [LAUNCHER...]
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
uuid='[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
missing_id=01900000-0000-7000-8000-000000000000

# The demo's file: customers with every kind of record.
demo=$work/demo.db
run 0 --db "$demo" demo

# ---- consent, and deleting an interaction ----------------------------------
cdb="$work/consent.db"
bare 0 --db "$cdb" customer add --kind person "Ann Consent"
ann=$out
bare 0 --db "$cdb" interaction log "$ann" --channel phone --direction in --summary "asked about the okapi newsletter"
call=$out
run 0 --db "$cdb" --actor agent:alice consent grant "$ann" marketing --channel email --during "$call" --note "said yes on the phone"
expect_out "^$uuid\$"
granted=$out
run 0 --db "$cdb" --json consent withdraw "$ann" surveys --at -1d
json_ok 'j["granted"] is False' 'j["channel"] is None' 'j["purpose"] == "surveys"' 'j["note"] is None'
run 0 --db "$cdb" consent show "$ann"
expect_out '^AT +PURPOSE +CHANNEL +DECISION +BY +DURING +NOTE +ID$'
expect_out "marketing +email +granted +agent:alice +$call +said yes on the phone +$granted\$"
expect_out 'surveys +\* +withdrawn +system +- +- '
run 0 --db "$cdb" --csv consent show "$ann" --purpose marketing
csv_ok 'rows[0] == ["id", "customer", "purpose", "channel", "granted", "at", "actor", "interaction", "note", "recorded_at"]' \
    'len(rows) == 2' 'rows[1][2] == "marketing"'
run 0 --db "$cdb" --json consent show "$ann" --channel sms
json_ok 'len(j) == 1' 'j[0]["purpose"] == "surveys"'
run 0 --db "$cdb" consent check "$ann" marketing --channel email
expect_out "^yes: granted for marketing on email at .* by agent:alice \($granted\)\$"
run 1 --db "$cdb" consent check "$ann" marketing --channel sms
expect_out '^no: no consent recorded for marketing on sms$'
run 1 --db "$cdb" consent check "$ann" surveys --channel sms
expect_out '^no: withdrawn for surveys on every channel'
run 0 --db "$cdb" --json consent check "$ann" marketing --channel email
json_ok 'j["may_contact"] is True' 'j["decided_by"]["id"] == "'"$granted"'"'
run 1 --db "$cdb" --json consent check "$ann" marketing
json_ok 'j["may_contact"] is False' 'j["decided_by"] is None'
run 1 --db "$cdb" consent check "$ann" marketing --channel pigeon
expect_out '^no: no consent recorded for marketing on pigeon$'
# A grant may be the first use of a channel.
owls="$work/owls.db"
bare 0 --db "$owls" customer add --kind person "Olga Owl"
olga=$out
run 0 --db "$owls" consent grant "$olga" marketing --channel pigeon
run 0 --db "$owls" consent check "$olga" marketing --channel pigeon
expect_out '^yes: granted for marketing on pigeon '
run 1 --db "$owls" consent check "$olga" marketing --channel carrier_owl
run 3 --db "$cdb" consent grant "$ann" Marketing
expect_err "purpose 'Marketing' is not a name"
run 3 --db "$cdb" consent grant "$ann" marketing --at +2d
expect_err 'in the future'
run 2 --db "$cdb" consent grant "$ann"
expect_err 'usage: crmctl consent grant'
# The journal keeps the decision, never the note.
run 0 --db "$cdb" --json journal
json_ok '[e["op"] for e in j if e["entity"] == "consent"] == ["grant", "withdraw"]' \
    '"said yes" not in json.dumps(j)'
# A consent event keeps its interaction; another one goes, and search forgets it.
run 4 --db "$cdb" interaction delete "$call"
expect_err "named by consent event $granted"
bare 0 --db "$cdb" interaction log "$ann" --channel email --direction in --summary "wrong customer: quagga"
mistake=$out
run 0 --db "$cdb" search quagga
expect_out 'quagga'
run 0 --db "$cdb" interaction delete "$mistake"
expect_out "^Deleted the email interaction of .* \($mistake\)\.\$"
run 0 --db "$cdb" search quagga
expect_out '^\(no matches\)$'
run 1 --db "$cdb" --json interaction delete "$mistake"
expect_err "no interaction has id $mistake"
# ---- a customer's own data ------------------------------------------------------

# The export: one JSON document, to stdout or a file (-o, --output).
priv=$work/privacy.db
rm -f "$priv" "$priv-wal" "$priv-shm"
cp "$demo" "$priv"
run 0 --db "$priv" customer export "+1 415 555 0100"
expect_json
json_ok 'j["format"] == "libcrm-customer-export"' 'j["version"] == 1' \
    'j["customer"]["name"] == "Jane Doe"' 'len(j["interactions"]) >= 2' \
    'any(i["kind"] == "phone" for i in j["identities"])' \
    'all(isinstance(e["data"], dict) for e in j["journal"])' \
    'j["exported_at_utc"].endswith("Z")'
jane=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["customer"]["id"])' <<<"$out")
run 0 --db "$priv" customer export "$jane" -o "$work/jane.json"
[[ -z $out ]] || fail "export -o printed to stdout"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["customer"]["id"] == sys.argv[2]' \
    "$work/jane.json" "$jane" || fail "export -o wrote no document"
run 0 --db "$priv" customer export "$jane" --output "$work/jane2.json"
cmp -s <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("exported_at"); d.pop("exported_at_utc"); print(d)' "$work/jane.json") \
       <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("exported_at"); d.pop("exported_at_utc"); print(d)' "$work/jane2.json") \
    || fail "two exports of an unchanged customer differ"
run 2 --db "$priv" --csv customer export "$jane"
expect_err -- '--csv does not apply'
run 1 --db "$priv" customer export "$missing_id"
run 5 --db "$priv" customer export "$jane" -o "$work/no/such/dir/x.json"
expect_err 'cannot write'

# The erase: --yes, then gone, and the reports keep their numbers.
run 0 --db "$priv" --json report reasons
reasons_before=$out
run 2 --db "$priv" customer erase "$jane"
expect_err -- '--yes'
run 0 --db "$priv" customer erase "$jane" --yes
expect_out "^Erased $jane\$"
run 0 --db "$priv" --json report reasons
[[ $out == "$reasons_before" ]] || fail "the reasons report changed with the erase"
run 1 --db "$priv" customer show "$jane"
expect_err 'was erased at'
run 1 --db "$priv" customer export "$jane"
expect_err 'was erased at'
run 1 --db "$priv" identity lookup phone "+1 415 555 0100"
run 0 --db "$priv" search 'jane'
expect_out '^\(no matches\)$'
run 0 --db "$priv" --json purge
json_ok 'j == {"purged": 1}'
run 0 --db "$priv" purge
expect_out '^Purged: the search index and the log keep nothing erased$'
# Erasing many: each without its purge, one purge after.
bare 0 --db "$priv" customer add --kind person "Olga Later"
later=$out
run 0 --db "$priv" --json customer erase "$later" --yes --no-purge
json_ok "j == {'id': '$later', 'erased': 1, 'purged': 0}"
run 0 --db "$priv" customer erase "$later" --yes --no-purge
expect_out "^Erased $later \\(not purged yet\\)\$"
run 0 --db "$priv" --json purge
json_ok 'j == {"purged": 1}'

# Retention: a dry run counts, the run erases and drops, each says how many.
run 0 --db "$priv" retention erase-inactive --before +1d --dry-run
expect_out '^[0-9]+ customers? would be erased$'
n_would=$(grep -oE '^[0-9]+' <<<"$out")
run 0 --db "$priv" --json retention erase-inactive --before +1d
json_ok "j == {\"customers\": $n_would, \"dry_run\": 0}"
run 0 --db "$priv" --csv retention drop-journal --before +1d --dry-run
csv_ok 'rows[0] == ["entries", "dry_run"]' 'int(rows[1][0]) > 0' 'rows[1][1] == "1"'
run 0 --db "$priv" retention drop-journal --before +1d
expect_out '^[0-9]+ journal entr(y|ies) dropped$'
run 0 --db "$priv" --json journal
json_ok 'len(j) == 1' 'j[0]["entity"] == "journal"' 'j[0]["op"] == "drop"'
run 2 --db "$priv" retention drop-journal
expect_err -- '--before TIME'
run 3 --db "$priv" retention erase-inactive --before soon
expect_err -- 'before'
# ---- duplicates, merge and unmerge -------------------------------------------------

mdb="$work/merge.db"
run 0 --db "$mdb" customer add --kind person "José Müller"
jose=$out
run 0 --db "$mdb" customer add --kind person "jose muller"
twin=$out
run 0 --db "$mdb" identity add "$jose" email jose@muller.example
run 0 --db "$mdb" identity add "$twin" email jm@muller.example
run 0 --db "$mdb" customer duplicates
expect_out '^SCORE +CUSTOMER +OTHER +REASONS +IDS$'
expect_out "^60 +José Müller +jose muller +name,email_domain +$jose $twin$"
run 0 --db "$mdb" --json customer duplicates --customer "$twin"
json_ok 'len(j) == 1' 'j[0]["customer_id"] == "'"$twin"'"' 'j[0]["score"] == 60' \
    'j[0]["reasons"] == "name,email_domain"'
run 0 --db "$mdb" --csv customer duplicates
csv_ok 'rows[0] == ["customer_id", "customer_name", "other_id", "other_name", "score", "reasons", "attributes"]' \
    'len(rows) == 2' 'rows[1][4] == "60"'
run 0 --db "$mdb" customer duplicates --min-score 100
expect_out '^\(no duplicates\)$'
run 3 --db "$mdb" customer duplicates --min-score 0
expect_err -- '--min-score wants a number'
run 3 --db "$mdb" customer duplicates --keys "no spaces"
expect_err 'attribute_keys'
run 0 --db "$mdb" customer merge "$jose" "$twin"
expect_out "^Merged into José Müller \($jose\)\.$"
run 0 --db "$mdb" --json customer show "$twin"
json_ok 'j["id"] == "'"$jose"'"'
expect_err "note: customer $twin was merged into $jose \\(José Müller\\): using that one"
run 1 --db "$mdb" customer merge "$jose" "$twin"
expect_err "was merged into customer $jose"
# Erasing is for good: an absorbed id erases no one, not even its survivor.
run 1 --db "$mdb" customer erase "$twin" --yes --no-purge
expect_err "was merged into customer $jose"
run 3 --db "$mdb" customer merge "$jose" "$jose"
expect_err 'into itself'
run 0 --db "$mdb" --json customer unmerge "$twin"
json_ok 'j["id"] == "'"$twin"'"' 'j["name"] == "jose muller"'
run 4 --db "$mdb" customer unmerge "$twin"
expect_err 'not merged'
run 2 --db "$mdb" customer merge "$jose"
expect_err 'usage: crmctl customer merge'

# ---- confirming who is there -------------------------------------------------
vdb="$work/verify.db"
bare 0 --db "$vdb" customer add --kind person "Vera Verify"
vera=$out
run 0 --db "$vdb" customer attr set "$vera" date_of_birth 1984-03-07
run 0 --db "$vdb" customer attr set "$vera" postcode "SW1A 1AA"
run 0 --db "$vdb" customer verify "$vera" date_of_birth 1984-03-07
expect_out '^match$'
run 0 --db "$vdb" customer verify "$vera" postcode "sw1a1aa"
expect_out '^match$'
run 0 --db "$vdb" --json customer verify "$vera" postcode "SW1A 1AA"
json_ok 'j["matched"] is True' 'j["key"] == "postcode"' 'j["customer"] == "'"$vera"'"'
run 1 --db "$vdb" customer verify "$vera" memorable_word okapi
expect_err "has no attribute 'memorable_word'"
run 3 --db "$vdb" customer verify "$vera" date_of_birth ""
expect_err 'answer is empty'
for i in 1 2 3 4 5; do
    run 1 --db "$vdb" customer verify "$vera" date_of_birth 2000-01-0$i
    expect_out '^no match$'
done
run 4 --db "$vdb" customer verify "$vera" date_of_birth 1984-03-07
expect_err 'locked after 5 wrong answers until [0-9-]+T[0-9:.]+Z \(UTC\)'
expect_no_out 'match'
run 0 --db "$vdb" customer verify --help
expect_out 'exit status 4'

echo "crmctl privacy: $checks checks passed"
