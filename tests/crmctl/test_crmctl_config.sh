#!/usr/bin/env bash
# crmctl and what a database keeps for itself: the default country set once
# (config), read by every later run, overridden by --country and
# $CRM_COUNTRY for one run; messages that name crmctl's own ways; and ids
# typed by their first digits, with the candidates when several match.
#
# usage: test_crmctl_config.sh CRMCTL SCRATCH-DIR [LAUNCHER...]
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
export CRM_DB=$work/t.db

# ---- the default country --------------------------------------------------------

bare 0 customer add --kind person "Ann Example"
ann=$out
run 0 config
expect_out_line "default_country  (none)"
run 0 --json config
json_ok 'j == {"default_country": None}'
# a national number without a country: the message says what to type
run 3 identity add "$ann" phone "(415) 555-0100"
expect_err "has no country code and the database has no default country"
expect_err "crmctl config default_country CC"
expect_err -- "--country CC"
run 0 config default_country us
expect_out_line "default_country  US (was none)"
run 0 config default_country US
expect_out_line "default_country  US (unchanged)"
run 0 config default_country
expect_out_line "default_country  US"
# every later run reads national numbers in it
run 0 identity add "$ann" phone "(415) 555-0100"
run 0 identity lookup phone "415 555 0100"
expect_out "Ann Example"
run 0 customer show "415-555-0100"
expect_out "Ann Example"
# the change is in the journal, about no customer
run 0 --json journal
json_ok 'j[-2]["entity"] == "setting"' 'j[-2]["op"] == "set"' 'j[-2]["entity_id"] is None' \
    'j[-2]["data"] == {"name": "default_country", "old": None, "new": "US"}'
run 0 journal
expect_out "setting set"
# --country and $CRM_COUNTRY win for their run, and config says so
run 0 --country GB config
expect_out_line "default_country  US"
expect_err "this run reads national numbers in GB \(--country\)"
CRM_COUNTRY=de run 0 config
expect_err "in de \(\\\$CRM_COUNTRY\)"
run 0 --country gb identity add "$ann" phone "020 7946 0000"
run 0 identity lookup phone "+44 20 7946 0000"
expect_out "Ann Example"
# bad values, bad names, a bad --country
run 3 config default_country USA
expect_err "default country 'USA' is not a country the phone normaliser"
run 3 config default_country ZZ
run 2 config default_countries US
expect_err "no setting is named 'default_countries'; the one there is: default_country"
run 2 config default_country US --unset
run 2 config --unset
run 3 --country USA customer list
expect_err "^crmctl: --country 'USA' is not a country the phone normaliser knows"
CRM_COUNTRY=XYZ run 3 customer list
expect_err "^crmctl: \\\$CRM_COUNTRY 'XYZ' is not a country"
run 0 config default_country US
expect_out "unchanged"
run 0 config default_country --unset
expect_out_line "default_country  (none) (was US)"
run 3 identity add "$ann" phone "(415) 555-0199"

# ---- ids by their first digits -------------------------------------------------------

bare 0 customer add --kind person "Bob Other"
bob=$out
run 0 customer show "${ann:0:23}"
expect_out "Ann Example"
run 0 --json customer show "$(printf '%s' "${bob:0:23}" | tr a-f A-F)"
json_ok 'j["name"] == "Bob Other"'
# two customers made in one second share their first eight digits
if [[ "${ann:0:8}" == "${bob:0:8}" ]]; then
    run 4 customer show "${ann:0:8}"
    expect_err "customers have ids starting with ${ann:0:8}; give more digits"
    expect_err "$ann"
    expect_err "$bob"
fi
run 0 promise make "${ann:0:23}" --owner agent:x --due +2d "Call back"
p=$out
run 0 promise show "${p:0:23}"
expect_out "Call back"
run 0 promise keep "${p:0:23}" --note "called"
expect_out "Promise $p kept"
bare 0 interaction log "$ann" --channel phone --direction in
call=$out
run 0 interaction show "${call:0:23}"
expect_out "$call"
run 0 interaction log "$ann" --channel phone --direction out --reply-to "${call:0:23}"
run 0 --json interaction show "$out"
json_ok "j.get('reply_to') == '$call' or j.get('interaction', {}).get('reply_to') == '$call'"
run 0 occasion add "$ann" --kind birthday --yearly 03-07
o=$out
run 0 occasion remove "${o:0:23}"
# unknown and bad prefixes
run 1 promise show ffffffff
expect_err "no promise has an id starting with ffffffff"
run 3 promise show 01g0a5b2
expect_err "no hexadecimal digit"
run 3 promise show 019
expect_err "has 3 digits; give at least 4"
run 1 promise show "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"
expect_err "no promise has id"

echo "test_crmctl_config: $checks checks passed"
