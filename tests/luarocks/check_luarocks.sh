#!/usr/bin/env bash
# The rockspec at the top of the tree builds the Lua module against an
# installed libcrm: install this build tree into a scratch prefix, run
# `luarocks make` with LIBCRM_DIR pointing there into a scratch rocks tree,
# then run the README's Lua example with the paths `luarocks path` prints
# and compare what it prints with the README's lines. The rockspec's
# version must be the one include/crm/version.h says.
#
# usage: check_luarocks.sh SOURCE_DIR BUILD_DIR WORK_DIR LUAROCKS LUA CMAKE PYTHON3 SWIG
#   LUA      the Lua 5.4 interpreter (the rock is built for 5.4)
#   PYTHON3  SWIG  what the rockspec's build runs (its PYTHON3 and SWIG)
set -euo pipefail

src=$1 build=$2 work=$3 luarocks=$4 lua=$5 cmake=$6
export PYTHON3=$7 SWIG=$8

step() { printf '== %s\n' "$*"; }
die() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}

mkdir -p "$work"
tmp=$(mktemp -d "$work/run.XXXXXX")
keep=1
cleanup() {
    if [ "$keep" -eq 0 ]; then
        rm -rf "$tmp"
    else
        echo "luarocks: left $tmp for inspection"
    fi
}
trap cleanup EXIT

step "the rockspec"
shopt -s nullglob
specs=("$src"/*.rockspec)
[ "${#specs[@]}" -eq 1 ] || die "expected one rockspec at the top of the tree, found ${#specs[@]}: ${specs[*]}"
spec=${specs[0]}
name=$(sed -n 's/^package *= *"\(.*\)".*/\1/p' "$spec")
rockver=$(sed -n 's/^version *= *"\(.*\)".*/\1/p' "$spec")
version=$(sed -n 's/^#define CRM_VERSION_STRING "\(.*\)"/\1/p' "$src/include/crm/version.h")
echo "$(basename "$spec"): $name $rockver; include/crm/version.h: $version"
[ "${rockver%-*}" = "$version" ] ||
    die "the rockspec says version $rockver, include/crm/version.h says $version"
[ "$(basename "$spec")" = "$name-$rockver.rockspec" ] ||
    die "the rockspec's file name is not $name-$rockver.rockspec"

step "cmake --install $build --prefix $tmp/prefix"
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; die "cmake --install failed"; }

# luarocks make builds in the directory it runs in: a copy of what the
# rockspec uses, so that the tree is left as it was. A scratch HOME keeps
# the user's LuaRocks configuration and cache out of it.
step "luarocks make, in a copy of the rockspec and bindings/"
mkdir -p "$tmp/src" "$tmp/home"
cp "$spec" "$tmp/src/"
cp -R "$src/bindings" "$tmp/src/bindings"
export HOME=$tmp/home
tree=$tmp/rocks
(cd "$tmp/src" && "$luarocks" --lua-version 5.4 --tree "$tree" make "$(basename "$spec")" \
    "LIBCRM_DIR=$tmp/prefix") >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; die "luarocks make failed"; }
grep "is now installed" "$tmp/make.log"
"$luarocks" --lua-version 5.4 --tree "$tree" list --porcelain | grep -q "^$name	$rockver	installed" ||
    die "luarocks list does not show $name $rockver installed in $tree"

step "the README's Lua example, with the paths luarocks prints"
awk -v lang=lua -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/example.lua"
awk -v lang=text -v after=python -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/expected"
[ -s "$tmp/example.lua" ] || die "no \`\`\`lua block in README.md"
[ -s "$tmp/expected" ] || die "no \`\`\`text block after the \`\`\`python block in README.md"
paths=$("$luarocks" --lua-version 5.4 --tree "$tree" path)
eval "$paths"
where=$("$lua" -e 'local crm = require "crm"
print(package.searchpath("crm", package.cpath) .. " " .. crm.version)')
echo "require \"crm\": $where"
[ "$where" = "$tree/lib/lua/5.4/crm.so $version" ] ||
    die "require \"crm\" did not load libcrm $version's module from $tree"
status=0
(cd "$tmp" && "$lua" example.lua) >"$tmp/actual" 2>&1 || status=$?
cat "$tmp/actual"
[ "$status" -eq 0 ] || die "the README's Lua example exited with status $status"
diff -u "$tmp/expected" "$tmp/actual" || die "the README's Lua example printed other lines than README.md shows"

keep=0
echo "luarocks: ok"
