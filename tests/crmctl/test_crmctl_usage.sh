#!/usr/bin/env bash
# crmctl in a newcomer's hands: suggestions for slips, help asked any way,
# what a missing argument is called, one exit status per kind of mistake,
# errors as JSON, and the actor as the default owner and handler.
#
# usage: test_crmctl_usage.sh CRMCTL SCRATCH-DIR [LAUNCHER...]
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

# ---- did you mean ------------------------------------------------------------

run 2 promis list
expect_err "^crmctl: unknown command 'promis'; did you mean 'promise'\?$"
run 2 custmer show x
expect_err "did you mean 'customer'\?"
run 2 prom
expect_err "did you mean 'promise'\?"
run 2 frobnicate
expect_err "^crmctl: unknown command 'frobnicate'$"
run 2 customer lst
expect_err "^crmctl: unknown command 'customer lst'; did you mean 'customer list'\?$"
run 2 customer attr sett a b c
expect_err "did you mean 'customer attr set'\?"
run 2 promise mkae x --due +1d what
expect_err "did you mean 'promise make'\?"
run 2 customer list --ownr x
expect_err "unknown option '--ownr'; did you mean '--owner'\?"
run 2 customer list --zzzzzz
expect_err "unknown option '--zzzzzz'$"
run 2 --jsn customer list
expect_err "unknown option '--jsn'; did you mean '--json'\?"
run 2 customer list --jsno
expect_err "did you mean '--json'\?"
# Odd bytes in what was typed are shown escaped.
run 2 $'pro\x1bmise' list
expect_err "unknown command 'pro.x1bmise'"
expect_no_control
run 2 $'\xff\xfe' list
expect_err 'xff.xfe'
expect_no_control
run 2 "$(printf 'p%.0s' {1..200})"
expect_err "unknown command 'ppp"
run 2 customer list "--$(printf 'o%.0s' {1..100})"
expect_err "unknown option"
run 2 help promis
expect_err "did you mean 'promise'\?"
run 2 help customer attr sett
expect_err "no help for 'customer attr sett': no such command; did you mean 'customer attr set'\?"

# ---- help, asked any way -----------------------------------------------------

run 0 help promise make --help
expect_out '^Usage: crmctl promise make '
help_cmd=$out
run 0 promise make --help
[[ $out == "$help_cmd" ]] || fail "'promise make --help' and 'help promise make --help' differ"
run 0 help promise make
[[ $out == "$help_cmd" ]] || fail "'help promise make' and 'promise make --help' differ"
run 0 help -h
expect_out '^Usage: crmctl '
run 0 help customer --help
expect_out '^  customer attr set '
run 2 help promise --bogus
expect_err "help: unknown option '--bogus'"

# ---- the actor owns the promise and handles the contact ------------------------

bare 0 --db "$db" customer add --kind person "Jane Doe"
jane=$out
run 0 --db "$db" identity add "$jane" email jane@example.com
run 2 --db "$db" promise make "$jane" --due +2d "call back"
expect_err -- 'pass --owner WHO'
expect_err -- '--actor or \$CRM_ACTOR'
run 0 --db "$db" --actor agent:bob promise make "$jane" --due +2d "call back"
p=$out
run 0 --db "$db" --json promise show "$p"
json_ok 'j["owner"] == "agent:bob"'
CRM_ACTOR=agent:bob run 0 --db "$db" --json promise make jane@example.com --due +2d "write"
json_ok 'j["owner"] == "agent:bob"'
CRM_ACTOR=agent:bob run 0 --db "$db" --json promise make "$jane" --owner team:billing \
    --due +2d "refund"
json_ok 'j["owner"] == "team:billing"'

run 0 --db "$db" --json interaction log "$jane" --channel phone --direction in
json_ok 'j["handled_by"] is None'
CRM_ACTOR=agent:bob run 0 --db "$db" --json interaction log "$jane" --channel phone --direction in
json_ok 'j["handled_by"] == "agent:bob"'
run 0 --db "$db" --actor agent:bob --json interaction log "$jane" --channel phone \
    --direction in --by ivr:main
json_ok 'j["handled_by"] == "ivr:main"'
run 0 --db "$db" --actor agent:bob --json interaction log "$jane" --channel social \
    --direction in --no-by
json_ok 'j["handled_by"] is None'
run 2 --db "$db" interaction log "$jane" --channel social --direction in --no-by --by x
expect_err 'contradict'

# ---- what is missing is named -------------------------------------------------

run 2 --db "$db" promise make "$jane" --due +1d
expect_err '^crmctl: promise make: missing argument WHAT$'
run 2 --db "$db" customer add --kind person
expect_err '^crmctl: customer add: missing argument NAME$'
run 2 --db "$db" customer merge "$jane"
expect_err '^crmctl: customer merge: missing argument ABSORB$'
run 2 --db "$db" customer attr set "$jane"
expect_err '^crmctl: customer attr set: missing argument KEY$'
run 2 --db "$db" occasion add
expect_err '^crmctl: occasion add: missing argument CUSTOMER$'
run 2 --db "$db" promise break
expect_err '^crmctl: promise break: missing argument ID$'

# ---- one status per kind of mistake --------------------------------------------
# 2: the shape of the command line; 3: a value, whoever finds it malformed.

run 2 --db "$db" promise make "$jane" "what" --due
expect_err "needs a value"
run 2 --db "$db" promise make "$jane" --owner a:b "what"
expect_err -- '--due is required'
run 2 --db "$db" customer list --archived --all
run 2 --db "$db" customer show "$jane" extra
expect_err "unexpected argument 'extra'"
run 3 --db "$db" promise make "$jane" --owner a:b --due soon "what"
expect_err "'soon' is not a time"
run 3 --db "$db" customer list --limit lots
run 3 --db "$db" customer add --kind robot R2
run 3 --db "$db" interaction log "$jane" --channel phone --direction up
# ... and the same status when libcrm finds it
run 3 --db "$db" customer attr set "$jane" "bad key" v
run 3 --db "$db" promise show not-an-id
run 3 --db "$db" interaction log "$jane" --channel 'Bad Channel' --direction in
run 3 --db "$db" --actor $'agent:\x01' promise make "$jane" --due +1d "what"
expect_no_control

# ---- with --json, errors are JSON too -----------------------------------------

# error_is STATUS CODE: stderr is one line of JSON, the error of the run.
error_is() {
    [[ $err != *$'\n'* ]] || fail "stderr is more than one line"
    printf '%s' "$err" >"$work/stdout"
    json_ok "j['error']['status'] == $1" "j['error']['code'] == '$2'" \
        "isinstance(j['error']['message'], str) and j['error']['message']" "list(j) == ['error']"
}
run 2 --json promis list
error_is 2 USAGE
json_ok "'did you mean' in j['error']['message']"
run 2 customer lst --json
error_is 2 USAGE
run 2 --db "$db" --json promise make "$jane" --due +1d
error_is 2 USAGE
json_ok "j['error']['message'] == 'promise make: missing argument WHAT'"
run 3 --db "$db" --json promise list --as-of soon
error_is 3 EINVAL
run 3 --db "$db" --csv promise show not-an-id
error_is 3 EINVAL
run 1 --db "$db" --json promise show 01900000-0000-7000-8000-000000000000
error_is 1 ENOTFOUND
run 1 --db "$db" --json customer show nobody@example.com
error_is 1 ENOTFOUND
run 5 --db "$work/none.db" --json customer list
error_is 5 EDATABASE
run 3 --db "$db" --json customer attr set "$jane" $'k\x1b' v
error_is 3 EINVAL
expect_no_control
# Several customers: their ids are in the message.
run 0 --db "$db" customer add --kind person "John Doe"
john=$out
run 0 --db "$db" identity add "$jane" phone +14155550100 --shared
run 0 --db "$db" identity add "$john" phone +14155550100 --shared
run 4 --db "$db" --json customer show +14155550100
error_is 4 EAMBIGUOUS
json_ok "'$jane' in j['error']['message'] and '$john' in j['error']['message']"
run 4 --db "$db" customer show +14155550100
expect_err "^  $john  John Doe \(person\)$"

# ---- tables: display columns, and the terminal's width ---------------------------

wdb=$work/wide.db
bare 0 --db "$wdb" customer add --kind person "王小明"
bare 0 --db "$wdb" customer add --kind person "Jane Doe"
bare 0 --db "$wdb" customer add --kind person $'e\xcc\x81clair'
bare 0 --db "$wdb" customer add --kind organisation "ＡＢＣ株式会社"
# columns_aligned: in every line of stdout the column after NAME starts at the
# same display column (wide characters take two, combining ones none).
columns_aligned() {
    "$python" - "$work/stdout" <<'PY' || fail "the columns are not aligned on screen"
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
col = width(head[:head.index("OWNER")])
for l in lines[1:]:
    i = next(i for i in range(len(l) + 1) if width(l[:i]) >= col)
    assert width(l[:i]) == col and l[i] != " " and l[i - 2:i] == "  ", l
PY
    checks=$((checks + 1))
}
for locale in C C.UTF-8; do
    LANG=$locale LC_ALL=$locale run 0 --db "$wdb" customer list
    columns_aligned
done
# A name stored by other means, not UTF-8: each odd byte is one escape, four columns.
"$python" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE customer SET name = CAST(X'"'"'4a61ff6e65e280'"'"' AS TEXT) WHERE name = '"'"'Jane Doe'"'"'"); c.commit()' "$wdb"
run 0 --db "$wdb" customer list
expect_out 'Ja\\xffne\\xe2\\x80  '
expect_no_control
columns_aligned
# Piped, a table is whole however wide; on a terminal it fits $COLUMNS,
# the widest free text cut with "…", ids never.
bare 0 --db "$wdb" customer add --kind person "$(printf 'Very%.0s' {1..40})"
COLUMNS=80 run 0 --db "$wdb" customer list
expect_out 'VeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVery  '
if command -v script >/dev/null; then
    tty_run() { # tty_run COLUMNS ARGS...: crmctl on a terminal $1 wide
        local cols=$1
        shift
        COLUMNS=$cols script -qec "$(printf '%q ' "$crmctl" "$@")" /dev/null >"$work/stdout" 2>&1 || true
        out=$(tr -d '\r' <"$work/stdout")
        printf '%s\n' "$out" >"$work/stdout"
        last_cmd="$* (on a terminal $cols wide)"
        if [[ $out =~ (Address|Leak|UndefinedBehavior)Sanitizer|runtime\ error: ]]; then
            fail "memory checker report"
        fi
        checks=$((checks + 1))
    }
    tty_run 100 --db "$wdb" customer list
    "$python" - "$work/stdout" <<'PY' || fail "on a 100-column terminal the table is wider"
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
w = lambda s: sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
assert lines and all(w(l) <= 100 for l in lines), [w(l) for l in lines]
assert any("…" in l for l in lines)
assert all(len(l.split()[0]) == 36 or l.startswith("ID") for l in lines)
PY
    columns_aligned
    for cols in 20 40 1000 abc -5; do
        tty_run "$cols" --db "$wdb" customer list
        expect_out '^ID  '
    done
fi

# ---- the demo fits 100 columns ------------------------------------------------

# from inside the work directory, so the header's database path is as short
# wherever the tree was cloned
pushd "$work" >/dev/null
run 0 --db demo.db demo
popd >/dev/null
"$python" - "$work/stdout" <<'PY' || fail "a line of the demo is wider than 100 columns"
import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8").read().splitlines():
    w = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    assert w <= 100, (w, l)
PY
checks=$((checks + 1))

# ---- customer show: everything attached ------------------------------------------

sdb=$work/show.db
bare 0 --db "$sdb" customer add --kind person "Sam Show"
sam=$out
run 0 --db "$sdb" customer show "$sam"
expect_out '^Open promises$'
expect_out '^Interactions \(newest first\)$'
expect_out '^Occasions in the coming year$'
run 0 --db "$sdb" --json customer show "$sam"
json_ok 'j["open_promises"] == [] and j["latest_interactions"] == []' \
    'j["interactions_total"] == 0 and j["upcoming_occasions"] == []'
for n in 1 2 3 4 5 6 7; do
    bare 0 --db "$sdb" --actor agent:x interaction log "$sam" --channel email --direction in \
        --at "-${n}h" --summary "mail $n"
done
bare 0 --db "$sdb" --actor agent:x promise make "$sam" --due +3d "open one"
bare 0 --db "$sdb" --actor agent:x promise make "$sam" --due -1d --at -2d "late one"
late=$out
bare 0 --db "$sdb" --actor agent:x promise make "$sam" --due +1d "kept one"
bare 0 --db "$sdb" promise keep "$out"
bare 0 --db "$sdb" occasion add "$sam" --kind renewal --date "$(date -d '+20 days' +%F)" --note soon
bare 0 --db "$sdb" occasion add "$sam" --kind birthday --yearly "$(date -d '+3 days' +%m-%d)" --lead 30
run 0 --db "$sdb" customer show "$sam"
expect_out '^Latest interactions \(5 of 7, newest first\)$'
expect_out "^  \(2 more: crmctl timeline $sam\)$"
expect_out '^  [0-9-]{10} [0-9:]{5} +email +in +agent:x +- +- +mail 1 '
expect_no_out 'mail 6|mail 7'
expect_out 'open one'
expect_out "OVERDUE by 1 day +Sam Show +agent:x +late one"
expect_no_out 'kept one'
expect_out 'renewal'
expect_out 'birthday'
run 0 --db "$sdb" --json customer show "$sam"
json_ok 'j["interactions_total"] == 7' 'len(j["latest_interactions"]) == 5' \
    '[i["summary"] for i in j["latest_interactions"]] == ["mail %d" % n for n in range(1, 6)]' \
    'sorted(p["what"] for p in j["open_promises"]) == ["late one", "open one"]' \
    'all(p["state"] == "open" for p in j["open_promises"])' \
    '[p["overdue"] for p in j["open_promises"]] == [True, False]' \
    'sorted(o["kind"] for o in j["upcoming_occasions"]) == ["birthday", "renewal"]'
run 2 --db "$sdb" --csv customer show "$sam"
# identity lookup shows the record alone, as before
run 0 --db "$sdb" --json identity add "$sam" email sam@example.com
run 0 --db "$sdb" --json identity lookup email sam@example.com
json_ok '"open_promises" not in j'

# ---- the journal's details: no two values look the same ----------------------------

jdb=$work/journal.db
bare 0 --db "$jdb" customer add --kind person 'Q "x" = y'
q=$out
for v in 'a "b" c' 42 null true 'back\slash' $'line\nbreak' 'back\nslash' plain 'x=1' '+1 2'; do
    bare 0 --db "$jdb" customer attr set "$q" k "$v"
done
run 0 --db "$jdb" journal
expect_no_control
expect_out_text 'name="Q \"x\" = y"'
expect_out_text 'value="a \"b\" c"'
expect_out_text 'value="42" old_value="a \"b\" c"'
expect_out_text 'value="null"'
expect_out_text 'value="true"'
expect_out_text 'value="back\\slash"'
expect_out_text 'value=line\nbreak old_value="back\\slash"'
expect_out_text 'value="back\\nslash" old_value=line\nbreak'
expect_out_text 'value=plain'
expect_out_text 'value="x=1"'
expect_out_text 'value="+1 2"'
expect_out_text 'kind=person'

# ---- times libcrm may refuse: a due time already past, a contact to come ------------
# crmctl passes them on as typed; if libcrm refuses (3), the message says
# which times were compared.

status_is_0_or_3() {
    local st=0
    "$crmctl" "$@" >"$work/stdout" 2>"$work/stderr" || st=$?
    out=$(<"$work/stdout")
    err=$(<"$work/stderr")
    last_cmd="$*"
    [[ $st == 0 || $st == 3 ]] || fail "exit status $st, expected 0 or 3"
    checks=$((checks + 1))
    return "$st"
}
if status_is_0_or_3 --db "$db" --actor agent:bob promise make "$jane" --due -1d "too late"; then
    [[ $out =~ ^[0-9a-f-]{36}$ ]] || fail "no id printed"
else
    expect_err -- "\(--due -1d is [0-9-]{10} [0-9:]{8}, before the promise is made at [0-9-]{10} [0-9:]{8}, now\)$"
fi
if status_is_0_or_3 --db "$db" interaction log "$jane" --channel phone --direction in --at +1d; then
    [[ $out =~ ^[0-9a-f-]{36}$ ]] || fail "no id printed"
else
    expect_err -- "\(--at \+1d is [0-9-]{10} [0-9:]{8}, later than now: log a contact once it happened\)$"
fi

echo "test_crmctl_usage: $checks checks passed"
