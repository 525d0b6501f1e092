#!/usr/bin/env bash
# The ABI of a shared library, described and checked with libabigail
# (Debian: abigail-tools). docs/abi.md says what is promised and when to
# run which mode.
#
# usage: abi.sh dump  LIBRARY HEADERS_DIR DESC_DIR
#        abi.sh check LIBRARY HEADERS_DIR DESC_DIR
#
#   dump   writes DESC_DIR/<soname>-<version>.abi, the description of
#          LIBRARY as a program compiled against HEADERS_DIR sees it. The
#          version is the one in LIBRARY's file name (libcrm.so.0.3.0), or
#          $ABI_VERSION. The file depends only on the library's ABI: no path
#          of the machine, the checkout or the build is in it.
#   check  compares LIBRARY with the newest description in DESC_DIR of a
#          library of the same name and fails (exit 1) on anything but
#          additions: a function or variable removed, or changed in a way
#          a caller compiled against the description could notice. A field
#          appended to a versioned struct (one whose first member is
#          `unsigned int version`) is an addition. A soname that moved is a
#          declared break: the check reports it and passes.
#          Exit 77 when libabigail is not installed or LIBRARY has no
#          debug information to compare (a test runner's "skipped").
#
# Environment: ABIDW, ABIDIFF, READELF name the tools.
set -euo pipefail

abidw=${ABIDW:-abidw} abidiff=${ABIDIFF:-abidiff} readelf=${READELF:-readelf}

usage() {
    echo "usage: $0 dump|check LIBRARY HEADERS_DIR DESC_DIR" >&2
    exit 2
}
die() {
    echo "abi: $*" >&2
    exit 1
}
skip() {
    echo "abi: skipped: $*"
    exit 77
}

[ $# -eq 4 ] || usage
mode=$1 lib=$2 headers=$3 descdir=$4
case "$mode" in dump | check) ;; *) usage ;; esac
[ -f "$lib" ] || die "no library at $lib"
[ -d "$headers" ] || die "no headers directory at $headers"

for tool in "$abidw" "$abidiff"; do
    if ! command -v "$tool" >/dev/null; then
        msg="$tool not found (Debian: apt-get install abigail-tools; \`make deps\` installs it)"
        if [ "$mode" = check ]; then skip "$msg"; else die "$msg"; fi
    fi
done
if ! "$readelf" -S "$lib" | grep '\.debug_info' >/dev/null; then
    msg="$lib has no debug information (build with -g: RelWithDebInfo or Debug)"
    if [ "$mode" = check ]; then skip "$msg"; else die "$msg"; fi
fi

soname=$("$readelf" -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ -n "$soname" ] || die "$lib has no SONAME"
# libcrm.so.0 -> libcrm.so: descriptions of any soname of the same library.
libname=${soname%%.so*}.so

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Only what the public headers declare and the library exports. --short-locs
# keeps file names without their directories: abidiff needs a type's header
# to tell public types from private ones, and nothing else in the file may
# depend on where the library was built. No DT_NEEDED list either: which
# libraries libcrm links (with or without libphonenumber, say) is not part of
# its interface.
describe() { # LIBRARY OUT
    "$abidw" --headers-dir "$headers" --drop-private-types --exported-interfaces-only \
        --no-corpus-path --no-comp-dir-path --short-locs --no-elf-needed \
        --out-file "$2" "$1"
}

if [ "$mode" = dump ]; then
    version=${ABI_VERSION:-}
    if [ -z "$version" ]; then
        file=$(basename "$(readlink -f "$lib")")
        case "$file" in
        *.so.*.*) version=${file#*.so.} ;;
        *) die "cannot tell the version from the file name $file: set ABI_VERSION" ;;
        esac
    fi
    mkdir -p "$descdir"
    out=$descdir/$soname-$version.abi
    describe "$lib" "$work/new.abi"
    grep -q '<abi-corpus ' "$work/new.abi" || die "abidw wrote no description of $lib"
    nfunc=$(grep -c '<function-decl .*elf-symbol-id=' "$work/new.abi" || true)
    if [ -f "$out" ] && cmp -s "$work/new.abi" "$out"; then
        echo "abi: $out is up to date ($nfunc functions)"
    else
        cp "$work/new.abi" "$out"
        echo "abi: wrote $out ($nfunc functions)"
    fi
    exit 0
fi

# ---- check ---------------------------------------------------------------
# The newest description: the highest version among <libname>.N-<version>.abi.
desc=$(
    cd "$descdir" 2>/dev/null &&
        for f in "$libname".*-*.abi; do
            [ -f "$f" ] && printf '%s %s\n' "${f##*-}" "$f"
        done | sed 's/\.abi / /' | sort -V -k1,1 | tail -n 1 | cut -d' ' -f2
) || true
[ -n "$desc" ] || die "no description of $libname in $descdir: run \`make abi-dump\` at a release"
desc=$descdir/$desc
desc_soname=$(sed -n "/<abi-corpus /{s/.*soname='\([^']*\)'.*/\1/p;q}" "$desc")
echo "abi: $lib ($soname) against $desc"

# Fields are appended to a versioned struct without breaking callers that
# pass an older version: the library reads the version first.
versioned=$(find "$headers" -name '*.h' -exec awk '
    /^[[:space:]]*(typedef[[:space:]]+)?struct[[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\{/ {
        name = $0
        sub(/^[[:space:]]*(typedef[[:space:]]+)?struct[[:space:]]+/, "", name)
        sub(/[^A-Za-z0-9_].*/, "", name)
        getline
        if ($0 ~ /^[[:space:]]*unsigned([[:space:]]+int)?[[:space:]]+version[[:space:]]*;/)
            print name
    }' {} + | sort -u | paste -sd'|' -)
supp=()
if [ -n "$versioned" ]; then
    cat >"$work/versioned.suppr" <<EOF
[suppress_type]
  type_kind = struct
  name_regexp = ^($versioned)\$
  has_data_member_inserted_at = end
  has_size_change = yes
EOF
    supp=(--suppressions "$work/versioned.suppr")
fi

rc=0
"$abidiff" "${supp[@]}" --headers-dir1 "$headers" --headers-dir2 "$headers" \
    "$desc" "$lib" >"$work/report" 2>&1 || rc=$?
sed 's/^/    /' "$work/report"

# abidiff's status is a bit set: 1 error, 2 usage, 4 ABI change,
# 8 incompatible change (a removal: it marks a changed type only with 4).
if [ $((rc & 3)) -ne 0 ]; then
    die "abidiff could not compare (status $rc)"
fi
if [ "$desc_soname" != "$soname" ]; then
    echo "abi: ok: the soname moved from ${desc_soname:-none} to $soname, a declared break;" \
        "record the new ABI with \`make abi-dump\` at the release"
    exit 0
fi
if [ "$rc" -eq 0 ]; then
    echo "abi: ok: no change"
    exit 0
fi
count() { # WORD: the sum of "N WORD" over abidiff's summary lines
    grep 'changes summary:' "$work/report" | grep -Eo "[0-9]+ $1" |
        awk '{ n += $1 } END { print n + 0 }'
}
removed=$(count Removed) changed=$(count Changed) added=$(count Added)
if [ $((rc & 8)) -ne 0 ] || [ "$removed" -ne 0 ] || [ "$changed" -ne 0 ]; then
    die "FAIL: the ABI of $soname broke ($removed removed, $changed changed): restore it," \
        "add the new form beside the old (a _v2 call), or declare the break by bumping the soname (docs/abi.md)"
fi
if [ "$added" -eq 0 ]; then
    die "FAIL: abidiff reports an ABI change (status $rc) that is neither an addition nor a" \
        "removal; read the report above"
fi
echo "abi: ok: $added added, nothing removed or changed (compatible)"
