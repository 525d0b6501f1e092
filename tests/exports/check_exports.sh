#!/usr/bin/env bash
# The shared library exports exactly the public API: every defined dynamic
# symbol starts with crm_, every CRM_EXTERN function in the public headers is
# exported and nothing exported is undeclared; the soname is libcrm.so.0.
# The static library defines no strong global symbol outside crm_ either, so
# it cannot clash with an embedder's own names.
#
# usage: check_exports.sh LIBCRM_SO LIBCRM_A INCLUDE_DIR [NM [READELF]]
set -euo pipefail

so=$1 a=$2 inc=$3
nm=${4:-nm} readelf=${5:-readelf}
fail=0

say() { printf '%s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*"; fail=1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/crm-exports.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. Defined dynamic symbols: crm_* only. Absolute (A) entries are symbol
#    version nodes, should the version script ever name one, not code or data.
"$nm" -D --defined-only "$so" | awk 'NF >= 3 && $2 != "A" { print $3 }' | sed 's/@.*//' |
    sort -u >"$work/exported"
if [ ! -s "$work/exported" ]; then
    bad "nm found no defined dynamic symbols in $so"
fi
grep -v '^crm_' "$work/exported" >"$work/foreign" || true
if [ -s "$work/foreign" ]; then
    bad "$so exports symbols outside the crm_ namespace:"
    sed 's/^/    /' "$work/foreign"
fi
grep '^crm__' "$work/exported" >"$work/internal" || true
if [ -s "$work/internal" ]; then
    bad "$so exports internal crm__ helpers:"
    sed 's/^/    /' "$work/internal"
fi

# 2. The soname.
soname=$("$readelf" -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" != "libcrm.so.0" ]; then
    bad "SONAME of $so is '${soname:-none}', expected libcrm.so.0"
fi

# 3. Declared (CRM_EXTERN in the public headers) == exported. A declaration
#    starts a line: CRM_EXTERN(type) name(...
cat "$inc/crm.h" "$inc"/crm/*.h |
    sed -n 's/^CRM_EXTERN([^)]*)[[:space:]*]*\(crm_[A-Za-z0-9_]*\)[[:space:]]*(.*/\1/p' |
    sort -u >"$work/declared"
if [ ! -s "$work/declared" ]; then
    bad "found no CRM_EXTERN declarations under $inc"
fi
comm -23 "$work/declared" "$work/exported" >"$work/missing"
comm -13 "$work/declared" "$work/exported" >"$work/undeclared"
if [ -s "$work/missing" ]; then
    bad "declared in the headers but not exported by $so:"
    sed 's/^/    /' "$work/missing"
fi
if [ -s "$work/undeclared" ]; then
    bad "exported by $so but declared in no public header:"
    sed 's/^/    /' "$work/undeclared"
fi

# 4. The static library: strong global definitions are crm_ (public) or
#    crm__ (internal) names. Weak and unique symbols the C++ compiler emits
#    for its runtime (DW.ref.*, template instances) are allowed, and so are
#    AddressSanitizer's one-definition-rule markers for our own globals
#    (__odr_asan.crm__name).
"$nm" -g --defined-only "$a" 2>/dev/null |
    awk 'NF >= 3 && $2 ~ /^[TDBRC]$/ { print $3 }' | sed 's/^__odr_asan\.//' |
    sort -u >"$work/static"
grep -v '^crm_' "$work/static" >"$work/static_foreign" || true
if [ -s "$work/static_foreign" ]; then
    bad "$a defines global symbols outside the crm_ namespace:"
    sed 's/^/    /' "$work/static_foreign"
fi

say "exports: $(wc -l <"$work/exported") exported, $(wc -l <"$work/declared") declared, soname ${soname:-none}"
if [ "$fail" -ne 0 ]; then
    exit 1
fi
say "exports: ok"
