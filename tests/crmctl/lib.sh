# Helpers shared by the crmctl test scripts; sourced, not run.
#
# The sourcing script sets:
#   crmctl    path to the crmctl binary
#   work      an empty scratch directory
#   launcher  array of words to put before crmctl (e.g. valgrind ...), may be empty
#
# run STATUS ARGS...    run crmctl ARGS under the launcher; fail unless it exits
#                       with STATUS and leaves no sanitizer or valgrind report.
#                       Sets $out and $err to what it printed.
# bare STATUS ARGS...   the same without the launcher (to set up fixtures fast).
# expect_out RE / expect_err RE / expect_no_out RE: grep -E checks on the last run.
# expect_json           the last run's stdout is valid JSON.

python=/usr/bin/python3
last_cmd=""
out=""
err=""
checks=0

fail() {
    {
        echo "FAIL: $*"
        echo "  command: crmctl $last_cmd"
        echo "  --- stdout ---"
        printf '%s\n' "$out" | sed 's/^/  /'
        echo "  --- stderr ---"
        printf '%s\n' "$err" | sed 's/^/  /'
    } >&2
    exit 1
}

_invoke() {
    local want=$1
    shift
    local status=0
    "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
    # Reports from valgrind (==PID==) and the sanitizers would otherwise be
    # hidden behind an expected non-zero status.
    if grep -qE '^==[0-9]+==|(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' \
        "$work/stderr"; then
        fail "memory checker report"
    fi
    if [[ "$status" != "$want" ]]; then
        fail "exit status $status, expected $want"
    fi
    checks=$((checks + 1))
}

run() {
    local want=$1
    shift
    last_cmd="$*"
    _invoke "$want" ${launcher[@]+"${launcher[@]}"} "$crmctl" "$@"
}

bare() {
    local want=$1
    shift
    last_cmd="$*"
    _invoke "$want" "$crmctl" "$@"
}

expect_out() {
    grep -qE -- "$1" <<<"$out" || fail "stdout does not match /$1/"
    checks=$((checks + 1))
}

expect_no_out() {
    if grep -qE -- "$1" <<<"$out"; then
        fail "stdout unexpectedly matches /$1/"
    fi
    checks=$((checks + 1))
}

expect_err() {
    grep -qE -- "$1" <<<"$err" || fail "stderr does not match /$1/"
    checks=$((checks + 1))
}

expect_json() {
    "$python" -m json.tool <"$work/stdout" >/dev/null 2>"$work/json.err" ||
        fail "stdout is not valid JSON: $(cat "$work/json.err")"
    checks=$((checks + 1))
}

# json EXPR: evaluate a Python expression over the last stdout parsed as `j`.
json() {
    "$python" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$work/stdout" "$1"
}
