#!/usr/bin/env bash
# abi.sh tells a compatible change from a break: tests/abi/fixture builds a
# tiny library in the versions abifix.h lists; each is checked against the
# description of version 1 and must pass or fail as a release of libcrm
# would. Also: the description does not depend on where the library was
# built, and check picks the newest description by version, not by name.
#
# usage: check_fixture.sh ABI_SH FIXTURE_DIR CC
set -euo pipefail

abi=$1 fixture=$2 cc=$3

for tool in "${ABIDW:-abidw}" "${ABIDIFF:-abidiff}"; do
    if ! command -v "$tool" >/dev/null; then
        echo "abi_fixture: skipped: $tool not found (Debian: abigail-tools)"
        exit 77
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-abi-fixture.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
bad() {
    printf 'FAIL: %s\n' "$*"
    fail=1
}

# build DIR V SONAME_MAJOR: libabifix.so.MAJOR.V.0 in DIR, from a copy of
# the sources in DIR, compiled there, as a build tree of its own would be.
build() {
    local dir=$1 v=$2 major=$3
    mkdir -p "$dir/src"
    cp "$fixture/abifix.h" "$fixture/abifix.c" "$dir/src/"
    (cd "$dir" && "$cc" -std=c11 -Wall -Wextra -Werror -g -O2 -fPIC -shared -DABIFIX_V="$v" \
        -Wl,-soname,"libabifix.so.$major" -o "libabifix.so.$major.$v.0" src/abifix.c)
    echo "$dir/libabifix.so.$major.$v.0"
}

# expect pass|fail V LIBRARY DESC_DIR WHAT
expect() {
    local want=$1 v=$2 lib=$3 desc=$4 what=$5 rc=0
    "$abi" check "$lib" "$fixture" "$desc" >"$work/out.$v" 2>&1 || rc=$?
    case "$want:$rc" in
    pass:0) echo "ok: version $v ($what): passes" ;;
    fail:1) echo "ok: version $v ($what): fails" ;;
    *)
        sed 's/^/    /' "$work/out.$v"
        bad "version $v ($what): check exited $rc, expected to $want"
        ;;
    esac
}

# The description of version 1, made in two build trees.
lib1=$(build "$work/one" 1 1)
lib1b=$(build "$work/elsewhere/deeper" 1 1)
"$abi" dump "$lib1" "$fixture" "$work/desc" >/dev/null
"$abi" dump "$lib1b" "$fixture" "$work/desc-b" >/dev/null
d=$work/desc/libabifix.so.1-1.1.0.abi
[ -f "$d" ] || bad "dump did not write libabifix.so.1-1.1.0.abi: $(ls "$work/desc")"
if cmp -s "$d" "$work/desc-b/libabifix.so.1-1.1.0.abi"; then
    echo "ok: the same library built in two directories has one description"
else
    diff "$d" "$work/desc-b/libabifix.so.1-1.1.0.abi" | head -20 || true
    bad "the description depends on where the library was built"
fi
if grep -F -e "$work" -e "$fixture" "$d" >/dev/null; then
    bad "the description names a directory: $(grep -F -e "$work" -e "$fixture" "$d" | head -3)"
fi

expect pass 1 "$lib1" "$work/desc" "unchanged"
expect fail 2 "$(build "$work/v2" 2 1)" "$work/desc" "a function removed"
expect fail 3 "$(build "$work/v3" 3 1)" "$work/desc" "a parameter's type changed"
lib4=$(build "$work/v4" 4 1)
expect pass 4 "$lib4" "$work/desc" "a function, a field of a versioned struct and an enumerator added"
grep -q "abifix_total" "$work/out.4" || bad "the added function is not reported"
expect fail 5 "$(build "$work/v5" 5 1)" "$work/desc" "a field inserted into a versioned struct"
expect pass 6 "$(build "$work/v6" 6 2)" "$work/desc" "a function removed under a new soname"
expect fail 7 "$(build "$work/v7" 7 1)" "$work/desc" "an enumerator's value changed"

# Newest by version: 1.10.0 (with abifix_total) is newer than 1.4.0 and
# 1.9.0, so version 1, without abifix_total, fails against it.
mkdir -p "$work/many"
cp "$d" "$work/many/libabifix.so.1-1.4.0.abi"
cp "$d" "$work/many/libabifix.so.1-1.9.0.abi"
ABI_VERSION=1.10.0 "$abi" dump "$lib4" "$fixture" "$work/many" >/dev/null
expect fail 1 "$lib1" "$work/many" "against the newest of three descriptions"
grep -q 'libabifix.so.1-1.10.0.abi' "$work/out.1" || bad "check did not pick 1.10.0: $(head -1 "$work/out.1")"

# No description at all is an error, not a pass.
mkdir -p "$work/none"
expect fail 1 "$lib1" "$work/none" "with no description"

[ "$fail" -eq 0 ] || exit 1
echo "abi_fixture: ok"
