#!/usr/bin/env bash
# The Debian packages work once installed: install the .debs `make deb`
# made (apt-get pulls what they depend on), then, against the system's
# copies only, compile the README's C example with
# `pkg-config --cflags --libs libcrm` and run it without LD_LIBRARY_PATH,
# build tests/install/consumer against find_package(libcrm), run
# `crmctl --version`, the README's Python example with /usr/bin/python3 and
# its Lua example under every Lua (5.4, 5.3, 5.2, 5.1, LuaJIT), comparing
# what each prints with the README's lines. Finally purge the packages and
# whatever was installed with them: the machine is left as it was.
#
# usage: check_deb.sh DEB_DIR SOURCE_DIR WORK_DIR [SUDO]
#   DEB_DIR  where the .debs and their .changes are (make deb: build/deb)
#   SUDO     the command that runs apt-get as root ("" when root already)
set -euo pipefail

debdir=$(cd "$1" && pwd) src=$(cd "$2" && pwd) work=$3 sudo=${4:-}

step() { printf '== %s\n' "$*"; }
die() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}
as_root() { ${sudo:+"$sudo"} env DEBIAN_FRONTEND=noninteractive "$@"; }

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
libdir=/usr/lib/$multiarch
version=$(sed -n 's/^#define CRM_VERSION_STRING "\(.*\)"/\1/p' "$src/include/crm/version.h")

mkdir -p "$work"
tmp=$(mktemp -d "$(cd "$work" && pwd)/run.XXXXXX")

shopt -s nullglob
debs=()
for f in "$debdir"/*.deb; do
    case "$f" in *-dbgsym_*) ;; *) debs+=("$f") ;; esac
done
[ "${#debs[@]}" -gt 0 ] || die "no .deb in $debdir (make deb)"
pkgs=()
for f in "${debs[@]}"; do
    pkgs+=("$(dpkg-deb -f "$f" Package)")
    v=$(dpkg-deb -f "$f" Version)
    [ "${v%-*}" = "$version" ] || die "$(basename "$f") is version $v, include/crm/version.h says $version: make deb again"
done
for p in libcrm0 libcrm-dev crmctl python3-crm lua-crm; do
    printf '%s\n' "${pkgs[@]}" | grep -qx "$p" || die "no $p package in $debdir"
done

# Refuse to touch an installed copy: purging it afterwards would not leave
# the machine as it was.
for p in "${pkgs[@]}"; do
    if dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qvx 'not-installed'; then
        die "$p is installed already; remove it first (apt-get purge $p)"
    fi
done

# What apt-get will install: the packages and what they pull in. Only
# these are purged afterwards (others may install packages meanwhile).
mapfile -t adding < <(apt-get install -s --no-install-recommends "${debs[@]}" 2>/dev/null |
    awk '$1 == "Inst" { print $2 }')
[ "${#adding[@]}" -gt 0 ] || die "apt-get install -s ${debs[*]} installs nothing"
still_installed() {
    local p
    for p in "$@"; do
        if dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed; then
            echo "$p"
        fi
    done
}
cleanup() {
    local status=$?
    mapfile -t left < <(still_installed "${adding[@]}")
    if [ "${#left[@]}" -gt 0 ]; then
        step "purging what was installed: ${left[*]}"
        as_root apt-get purge -y -qq "${left[@]}" >"$tmp/purge.log" 2>&1 ||
            { cat "$tmp/purge.log"; echo "FAIL: could not purge ${left[*]}"; status=1; }
    fi
    mapfile -t left < <(still_installed "${adding[@]}")
    if [ "${#left[@]}" -gt 0 ]; then
        echo "FAIL: still installed: ${left[*]}"
        status=1
    fi
    if [ "$status" -eq 0 ]; then
        rm -rf "$tmp"
    else
        echo "check-deb: left $tmp for inspection"
    fi
    exit "$status"
}
trap cleanup EXIT

step "apt-get install ${debs[*]##*/} (with it: ${adding[*]})"
as_root apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; die "apt-get install failed"; }
for p in "${pkgs[@]}"; do
    printf '%s %s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p")"
done

# What the packages hold, not a copy elsewhere (/usr/local comes first in
# most search paths), with nothing pointing into a build tree.
clean_env=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u PKG_CONFIG_PATH -u PYTHONPATH -u PYTHONHOME
    -u LUA_PATH -u LUA_CPATH -u LUA_PATH_5_2 -u LUA_CPATH_5_2 -u LUA_PATH_5_3 -u LUA_CPATH_5_3
    -u LUA_PATH_5_4 -u LUA_CPATH_5_4 -u LUA_INIT -u LUA_INIT_5_2 -u LUA_INIT_5_3 -u LUA_INIT_5_4
    -u CMAKE_PREFIX_PATH)

step "no runpath in any installed ELF file"
for p in "${pkgs[@]}"; do
    while IFS= read -r f; do
        if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
        head -c 4 "$f" | grep -q 'ELF' || continue
        if readelf -d "$f" | grep -E 'R(UN)?PATH'; then
            die "$f ($p) has a runpath"
        fi
    done < <(dpkg -L "$p")
done

awk -v lang=c -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/first.c"
awk -v lang=text -v after=c -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/first.expected"
awk -v lang=python -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/example.py"
awk -v lang=lua -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/example.lua"
awk -v lang=text -v after=python -f "$src/tests/readme/block.awk" "$src/README.md" >"$tmp/example.expected"
for f in first.c first.expected example.py example.lua example.expected; do
    [ -s "$tmp/$f" ] || die "README.md has no example for $f"
done

# run NAME EXPECTED COMMAND...: run in $tmp, compare its output with EXPECTED
run() {
    local name=$1 expected=$2 status=0
    shift 2
    (cd "$tmp" && "${clean_env[@]}" "$@") >"$tmp/$name.out" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        cat "$tmp/$name.out"
        die "$name exited with status $status"
    fi
    if ! diff -u "$expected" "$tmp/$name.out"; then
        die "$name printed other lines than README.md shows"
    fi
}

step "C: cc first.c \$(pkg-config --cflags --libs libcrm)"
pcfile=$("${clean_env[@]}" pkg-config --path libcrm) || die "pkg-config does not find libcrm"
[ "$pcfile" = "$libdir/pkgconfig/libcrm.pc" ] || die "pkg-config finds $pcfile, not libcrm-dev's"
[ "$("${clean_env[@]}" pkg-config --modversion libcrm)" = "$version" ] || die "pkg-config says another version"
read -r -a pc <<<"$("${clean_env[@]}" pkg-config --cflags --libs libcrm)"
echo "pkg-config: ${pc[*]}"
"${clean_env[@]}" cc -std=c11 -Wall -Wextra -Werror -pedantic "$tmp/first.c" "${pc[@]}" -o "$tmp/first" ||
    die "the README's C example does not compile against libcrm-dev"
lib=$("${clean_env[@]}" ldd "$tmp/first" | awk '$1 == "libcrm.so.0" { print $3 }')
[ "$(readlink -f "$lib")" = "$(readlink -f "$libdir/libcrm.so.0")" ] ||
    die "the C example loads libcrm.so.0 from ${lib:-nowhere}, not $libdir"
run first "$tmp/first.expected" ./first

step "CMake: find_package(libcrm) with no prefix path"
"${clean_env[@]}" cmake -S "$src/tests/install/consumer" -B "$tmp/consumer" -DCONSUMER_STATIC=ON \
    >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; die "configuring the consumer failed"; }
grep -F "found libcrm $version in $libdir/cmake/libcrm" "$tmp/cmake.log" ||
    die "find_package(libcrm) did not find libcrm-dev's $version: $(cat "$tmp/cmake.log")"
"${clean_env[@]}" cmake --build "$tmp/consumer" >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log"; die "building the consumer failed"; }
"${clean_env[@]}" "$tmp/consumer/consumer" >/dev/null || die "the consumer (libcrm::crm) failed"
"${clean_env[@]}" "$tmp/consumer/consumer_static" >/dev/null || die "the consumer (libcrm::crm_static) failed"
echo "consumer and consumer_static ok"

step "crmctl --version"
out=$("${clean_env[@]}" /usr/bin/crmctl --version) || die "crmctl --version failed"
echo "$out"
printf '%s\n' "$out" | grep -qF "$version" || die "crmctl --version does not say $version"

step "Python: /usr/bin/python3, import crm"
py=$("${clean_env[@]}" /usr/bin/python3 -c '
import crm
print(crm.__file__)
print(getattr(crm, "__version__", "-"))')
echo "$py"
[ "$(sed -n 1p <<<"$py")" = /usr/lib/python3/dist-packages/crm/__init__.py ] ||
    die "import crm does not load python3-crm's package"
pyver=$(sed -n 2p <<<"$py")
[ "$pyver" = - ] || [ "$pyver" = "$version" ] || die "crm.__version__ is $pyver, not $version"
run python "$tmp/example.expected" /usr/bin/python3 example.py

step "Lua: require \"crm\" and the README's example under each Lua"
for v in 5.4 5.3 5.2 5.1 jit; do
    if [ "$v" = jit ]; then lua=luajit dir=5.1; else lua=lua$v dir=$v; fi
    if ! command -v "$lua" >/dev/null; then
        case "$v" in 5.4 | 5.1 | jit) die "$lua is not installed" ;; esac
        echo "$lua: not installed, skipped"
        continue
    fi
    # package.searchpath is 5.2's (and LuaJIT's): look the way 5.1 does
    where=$(cd "$tmp" && "${clean_env[@]}" "$lua" -e 'local crm = require "crm"
for t in package.cpath:gmatch("[^;]+") do
  local f = t:gsub("%?", "crm")
  local h = io.open(f)
  if h then h:close() print(f .. " " .. crm.version) break end
end')
    echo "$lua: $where"
    [ "$where" = "$libdir/lua/$dir/crm.so $version" ] ||
        die "$lua: require \"crm\" did not load lua-crm's $libdir/lua/$dir/crm.so"
    run "$lua" "$tmp/example.expected" "$lua" example.lua
done
[ -f "$libdir/lua/5.1/crm.so" ] || die "no crm.so for Lua 5.1 and LuaJIT"

echo "check-deb: ok"
