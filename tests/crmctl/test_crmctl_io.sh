#!/usr/bin/env bash
# crmctl import and export end to end: CSV, vCard and JSON Lines in and out,
# errors with their line and column, --skip, --map, --progress, round trips.
#
# usage: test_crmctl_io.sh CRMCTL SCRATCH-DIR [LAUNCHER...]
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

# ---- import and export -------------------------------------------------------

io=$work/io.db
printf '\xEF\xBB\xBFName;E-Mail;Telefon;Tags\r\nAnna Schmidt;anna@example.de;+49 30 1234567;vip\r\n"Bad";x;;\r\nBob;bob@example.com;;\r\n' >"$work/in.csv"
run 3 --db "$io" import csv "$work/in.csv"
expect_err 'CSV line 3, column 2: .x. is not an e-mail address'
run 0 --db "$io" import csv "$work/in.csv" --skip
expect_out '^2 created, 0 updated, 0 unchanged, 1 skipped$'
expect_out '^3 +2 +EINVAL +.x. is not an e-mail address'
run 0 --db "$io" --json import csv "$work/in.csv" --skip
expect_json
json_ok 'j["created"] == 0' 'j["unchanged"] == 2' 'j["skipped"] == 1' \
    'j["errors"] == [{"line": 3, "column": 2, "code": "EINVAL", "message": j["errors"][0]["message"]}]'
run 0 --db "$io" --csv import csv "$work/in.csv" --skip
csv_ok 'rows[0] == ["line", "column", "code", "message"]' 'rows[1][:3] == ["3", "2", "EINVAL"]'
printf 'Kunde,Mobil\nCarla,+49 171 1234567\n' >"$work/map.csv"
run 0 --db "$io" import csv "$work/map.csv" --map 'Kunde=name;Mobil=phone' --kind organisation
expect_out '^1 created'
run 0 --db "$io" identity lookup phone '+49 171 1234567'
expect_out 'Carla'
run 3 --db "$io" import csv "$work/map.csv" --map 'Kunde=nom'
expect_err "'nom' is not a target"
run 0 --db "$io" export csv
expect_out '^id,kind,name,owner,tags,birthday,identity:email,identity:phone.?$'
expect_out ',organisation,Carla,'
run 0 --db "$io" export csv "$work/out.csv"
run 0 --db "$io" import csv "$work/out.csv"
expect_out '^0 created, 0 updated, 3 unchanged, 0 skipped$'
run 0 --db "$io" export vcard "$work/out.vcf"
grep -q '^FN:Anna Schmidt' "$work/out.vcf" || fail "vCard export"
run 0 --db "$work/io2.db" import vcard "$work/out.vcf"
expect_out '^3 created'
run 0 --db "$io" export jsonl "$work/out.jsonl"
run 0 --db "$work/io3.db" import jsonl "$work/out.jsonl"
expect_out '^[0-9]+ records added, 0 already there, 3 customers new$'
run 0 --db "$work/io3.db" export jsonl
[[ "$out" == "$(cat "$work/out.jsonl")" ]] || fail "JSON Lines export, import, export differ"
run 0 --db "$work/io3.db" import jsonl "$work/out.jsonl"
expect_out '^0 records added'
run 4 --db "$work/io2.db" import jsonl "$work/out.jsonl"
expect_err "empty database"
run 2 --db "$io" import jsonl "$work/out.jsonl" --skip
expect_err 'always stops'
run 3 --db "$io" import xml "$work/out.jsonl"
expect_err "'xml' is not a format"
run 2 --db "$io" export
expect_err 'usage: crmctl export'
run 0 --db "$io" import csv "$work/in.csv" --skip --progress
expect_err 'import: 3 rows, 100% of the file'


echo "crmctl import and export: $checks checks passed"
