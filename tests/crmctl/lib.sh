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
# expect_out [--] RE / expect_err [--] RE / expect_no_out [--] RE: grep -E checks on the last run
#                       (-- before an RE that starts with a dash).
# expect_out_text TEXT / expect_err_text TEXT: the same for a fixed string.
# expect_out_line TEXT: stdout has a line that is exactly TEXT.
# expect_no_control [--tabs]
#                       what the last run printed, on stdout and on stderr, is UTF-8
#                       with nothing in it a terminal acts on or that hides text.
# expect_json           the last run's stdout is valid JSON.
# json_ok EXPR...       the last run's stdout is valid JSON (read by the json module,
#                       as json.tool does) and each Python EXPR over it (as j) is
#                       true: many checks for one Python start.
# json_is EXPR TEXT     the last run's stdout is valid JSON and the Python EXPR over
#                       it (as j) is exactly TEXT, byte for byte.

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
    # Hundreds of runs: no more processes per run than it takes.
    out=$(<"$work/stdout")
    err=$(<"$work/stderr")
    # Reports from valgrind (==PID==) and the sanitizers would otherwise be
    # hidden behind an expected non-zero status.
    if [[ $'\n'$err =~ $'\n'==[0-9]+==|(Address|Leak|UndefinedBehavior)Sanitizer|runtime\ error: ]]; then
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
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    grep -qE -- "$1" <<<"$out" || fail "stdout does not match /$1/"
    checks=$((checks + 1))
}

expect_no_out() {
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    if grep -qE -- "$1" <<<"$out"; then
        fail "stdout unexpectedly matches /$1/"
    fi
    checks=$((checks + 1))
}

expect_err() {
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    grep -qE -- "$1" <<<"$err" || fail "stderr does not match /$1/"
    checks=$((checks + 1))
}

expect_out_text() {
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    grep -qF -- "$1" <<<"$out" || fail "stdout does not contain '$1'"
    checks=$((checks + 1))
}

expect_out_line() {
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    grep -qxF -- "$1" <<<"$out" || fail "stdout has no line '$1'"
    checks=$((checks + 1))
}

expect_err_text() {
    [[ $1 == -- ]] && shift # a pattern that starts with a dash follows
    grep -qF -- "$1" <<<"$err" || fail "stderr does not contain '$1'"
    checks=$((checks + 1))
}

# The bytes a terminal acts on, or that hide or reorder text: C0 controls
# but the line feed (the tab only without --tabs), DEL, the C1 controls
# (U+0080..U+009F), the bidi controls (U+061C, U+200E, U+200F,
# U+202A..U+202E, U+2066..U+2069) and U+2028, U+2029, as UTF-8. The files
# are read, not $out and $err: a shell variable cannot hold a NUL.
expect_no_control() {
    local tab='\x09' f
    [[ ${1-} == --tabs ]] && tab=''
    for f in "$work/stdout" "$work/stderr"; do
        if LC_ALL=C grep -aqP "[\x00-\x08$tab\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]" "$f"; then
            fail "${f##*/} holds a control character"
        fi
        if LC_ALL=C.UTF-8 grep -aqxv '.*' "$f"; then
            fail "${f##*/} is not UTF-8"
        fi
    done
    checks=$((checks + 1))
}

# The JSON checks share one Python process, started here: a Python start
# costs tens of milliseconds and the tests ask hundreds of questions. Each
# question goes in a file ($work/json.req: what to do, the file to read,
# the expressions, NUL-separated), a line on the pipe says it is there, and
# a line comes back: OK, or FAIL and why. Documents are read with the json
# module, the parser of `python3 -m json.tool`.
_json_checker='
import datetime, json, sys, time
req, out = sys.argv[1], sys.argv[2]
def expected():
    # The text json_is wrote, read back exactly (no newline translation).
    with open(out + ".want", encoding="utf-8", newline="") as f:
        return f.read()
def check(mode, path, exprs):
    try:
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
    except Exception as x:
        return "not valid JSON: %s" % x
    for e in exprs:
        try:
            v = eval(e)
        except Exception as x:
            return "%s  (%r)" % (e, x)
        if mode == "get":
            with open(out, "w", encoding="utf-8") as f:
                f.write(str(v))
        elif not v:
            return e
    return None
for _ in sys.stdin:
    with open(req, "rb") as f:
        mode, path, *exprs = f.read().decode("utf-8").split("\0")[:-1]
    why = check(mode, path, exprs)
    print("OK" if why is None else "FAIL " + why.replace("\n", " "), flush=True)
'
coproc _json_py { "$python" -S -u -c "$_json_checker" "$work/json.req" "$work/json.out"; }
# Plain descriptors, which subshells inherit as bash's coproc ones are not.
exec {_json_to}>&"${_json_py[1]}" {_json_from}<&"${_json_py[0]}"

# _json_ask MODE EXPR...: ask about the last stdout; sets $_json_reply.
_json_ask() {
    printf '%s\0' "$1" "$work/stdout" "${@:2}" >"$work/json.req"
    _json_reply="FAIL the JSON checker is gone"
    echo >&"$_json_to" && read -r _json_reply <&"$_json_from" || true
}

expect_json() {
    _json_ask valid
    [[ $_json_reply == OK ]] || fail "stdout is ${_json_reply#FAIL }"
    checks=$((checks + 1))
}

json_ok() {
    _json_ask ok "$@"
    [[ $_json_reply == OK ]] || fail "JSON check failed: ${_json_reply#FAIL }"
    checks=$((checks + $# + 1))
}

json_is() {
    printf '%s' "$2" >"$work/json.out.want"
    _json_ask ok "($1) == expected()"
    [[ $_json_reply == OK ]] || fail "JSON check failed: ${_json_reply#FAIL } is not the text given"
    checks=$((checks + 1))
}

# json EXPR: evaluate a Python expression over the last stdout parsed as `j`.
json() {
    _json_ask get "$1"
    [[ $_json_reply == OK ]] || fail "JSON check failed: ${_json_reply#FAIL }"
    printf '%s\n' "$(<"$work/json.out")"
}

# --csv: the records of --json as rows, under a header of their keys.
csv_ok() {
    checks=$((checks + 1))
    "$python" - "$work/stdout" "$@" <<'PY' || fail "stdout read as CSV does not hold: $*"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
sys.exit(0 if all(eval(e) for e in sys.argv[2:]) else 1)
PY
}
