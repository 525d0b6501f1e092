#!/usr/bin/env bash
# Install libcrm from a build tree into a temporary prefix, check what was
# installed (no rpath in libcrm.so.0, its symbols under LIBCRM_0, ldconfig
# run only for a directory the dynamic linker searches, pkg-config flags
# that name nothing but libcrm), then build and run tests/install/consumer.c
# three ways: pkg-config against libcrm.so, pkg-config --static against
# libcrm.a, and a CMake project using find_package(libcrm). Then uninstall
# it with cmake/uninstall.cmake (what `make uninstall` runs) and check that
# no file and no folder of ours is left in the prefix.
#
# usage: check_install.sh SOURCE_DIR BUILD_DIR WORK_DIR CC CMAKE GENERATOR
#                         PKG_CONFIG SANITIZE [LAUNCHER...]
#   SANITIZE  ON when the library was built with the sanitizers: the
#             consumers are then built with them too.
#   LAUNCHER  command that runs the consumers (e.g. valgrind ...), optional.
set -euo pipefail

src=$1 build=$2 work=$3 cc=$4 cmake=$5 generator=$6 pkgconfig=$7 sanitize=$8
shift 8
launcher=("$@")

san=()
case "$sanitize" in
ON | on | TRUE | true | 1 | YES | yes) san=(-fsanitize=address,undefined -fno-omit-frame-pointer) ;;
esac
cflags=(-std=c11 -Wall -Wextra -Werror "${san[@]}")

mkdir -p "$work"
tmp=$(mktemp -d "$work/run.XXXXXX")
prefix=$tmp/prefix
keep=1
cleanup() {
    if [ "$keep" -eq 0 ]; then
        rm -rf "$tmp"
    else
        echo "install: left $tmp for inspection"
    fi
}
trap cleanup EXIT

step() { printf '== %s\n' "$*"; }
die() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}
# Run a command quietly, showing its output only if it fails.
quiet() {
    local log=$tmp/last.log
    if ! "$@" >"$log" 2>&1; then
        cat "$log"
        die "command failed: $*"
    fi
}
run() { "${launcher[@]}" "$@"; }

step "cmake --install $build --prefix $prefix"
quiet "$cmake" --install "$build" --prefix "$prefix"
if grep -q "dynamic linker's cache" "$tmp/last.log"; then
    die "ldconfig ran for a prefix the dynamic linker does not search: $(grep ldconfig "$tmp/last.log")"
fi
grep -q "Not running ldconfig: the dynamic linker does not search" "$tmp/last.log" ||
    die "the install did not ask ldconfig whether the dynamic linker searches the prefix"
# cmake --install rewrites the build's manifest on every install; keep this
# one's (tests that install from this build do not run beside this one:
# tests/install/tests.cmake).
cp "$build/install_manifest.txt" "$tmp/install_manifest.txt"

step "installed files"
pcs=$(find "$prefix" -name libcrm.pc -path '*/pkgconfig/*')
[ -n "$pcs" ] || die "libcrm.pc was not installed"
[ "$(printf '%s\n' "$pcs" | wc -l)" -eq 1 ] || die "more than one libcrm.pc installed: $pcs"
pcdir=$(dirname "$pcs")
libdir=$(dirname "$pcdir")
echo "libdir: ${libdir#"$prefix"/}"
for f in libcrm.so libcrm.so.0 libcrm.a; do
    [ -e "$libdir/$f" ] || die "$f is not in ${libdir#"$prefix"/}"
done
[ -L "$libdir/libcrm.so" ] || die "libcrm.so is not a symbolic link to the versioned library"
for f in libcrmConfig.cmake libcrmConfigVersion.cmake; do
    [ -f "$libdir/cmake/libcrm/$f" ] || die "$f is not in ${libdir#"$prefix"/}/cmake/libcrm"
done
(cd "$src/include" && find . -name '*.h' | sort) >"$tmp/headers.src"
[ -d "$prefix/include" ] || die "no include directory installed"
(cd "$prefix/include" && find . -name '*.h' | sort) >"$tmp/headers.inst"
if ! cmp -s "$tmp/headers.src" "$tmp/headers.inst"; then
    diff "$tmp/headers.src" "$tmp/headers.inst" || true
    die "installed headers differ from include/"
fi
[ -f "$prefix/include/crm.h" ] || die "crm.h was not installed"

step "libcrm.so.0: no rpath, every export under the soname's version node"
readelf -d "$libdir/libcrm.so.0" >"$tmp/dynamic" || die "readelf -d failed on libcrm.so.0"
if grep -E '\((RPATH|RUNPATH)\)' "$tmp/dynamic"; then
    die "the installed libcrm.so.0 carries an rpath: it must find its dependencies as any library does"
fi
soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p' "$tmp/dynamic")
node=LIBCRM_${soname##*.so.} # libcrm.so.0: LIBCRM_0 (lib/libcrm.map)
# objdump -T: ADDRESS FLAGS SECTION SIZE VERSION NAME; the version is in
# parentheses when hidden (not the default), and Base when there is none.
objdump -T "$libdir/libcrm.so.0" >"$tmp/dynsyms" || die "objdump -T failed on libcrm.so.0"
awk '$NF ~ /^crm_/ && $0 !~ /\*UND\*/' "$tmp/dynsyms" >"$tmp/exports"
nexports=$(wc -l <"$tmp/exports")
[ "$nexports" -gt 0 ] || die "objdump -T shows no crm_ symbol in libcrm.so.0"
awk -v node="$node" '$(NF - 1) != node' "$tmp/exports" >"$tmp/unversioned"
if [ -s "$tmp/unversioned" ]; then
    head "$tmp/unversioned"
    die "$(wc -l <"$tmp/unversioned") of $nexports exports are not under the default version $node"
fi
echo "$soname: $nexports exports under $node, e.g. $(grep -m1 ' crm_version$' "$tmp/exports" | tr -s ' \t' ' ')"

step "ldconfig: after an install into a directory the dynamic linker searches, and only then"
# A stand-in for ldconfig that lists this prefix's libdir among the
# configured directories, as /usr/local/lib is, and records being run to
# refresh the cache.
printf '%s\n' '#!/bin/sh' \
    'case "$1" in' \
    "-N) printf '%s: (from ld.so.conf:1)\\n' '$libdir' ;;" \
    "*) echo \"ran \$*\" >>'$tmp/ldconfig.ran' ;;" \
    'esac' >"$tmp/ldconfig"
chmod +x "$tmp/ldconfig"
LDCONFIG=$tmp/ldconfig DESTDIR=$tmp/stage quiet "$cmake" --install "$build" --prefix "$prefix"
[ ! -e "$tmp/ldconfig.ran" ] || die "ldconfig ran for a staged install (DESTDIR)"
rm -rf "$tmp/stage"
LDCONFIG=$tmp/ldconfig quiet "$cmake" --install "$build" --prefix "$prefix"
[ -e "$tmp/ldconfig.ran" ] || die "ldconfig did not run after installing into a directory it searches"
grep "dynamic linker's cache" "$tmp/last.log"

version=$(sed -n 's/^#define CRM_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/crm/version.h")
pc() { PKG_CONFIG_PATH=$pcdir "$pkgconfig" "$@" libcrm; }
pcversion=$(pc --modversion)
[ "$pcversion" = "$version" ] || die "pkg-config says libcrm $pcversion, headers say $version"

step "pkg-config: cc \$(pkg-config --cflags --libs libcrm) (shared)"
read -r -a pc_cflags <<<"$(pc --cflags)"
read -r -a pc_libs <<<"$(pc --libs)"
echo "cflags: ${pc_cflags[*]}"
echo "libs:   ${pc_libs[*]}"
# The public headers include only the C library's: users get libcrm's
# include directory and nothing of SQLite's or libuuid's.
case "${pc_cflags[*]//"$prefix"/}" in
*uuid* | *sqlite*) die "pkg-config --cflags libcrm leaks a dependency's flags: ${pc_cflags[*]}" ;;
esac
[ "${#pc_cflags[@]}" -eq 1 ] && [ "${pc_cflags[0]#-I}" != "${pc_cflags[0]}" ] &&
    [ "$(readlink -f "${pc_cflags[0]#-I}")" = "$(readlink -f "$prefix/include")" ] ||
    die "pkg-config --cflags libcrm is not just -I<prefix>/include: ${pc_cflags[*]}"
case " ${pc_libs[*]} " in
*" -lsqlite3 "* | *" -luuid "*) die "pkg-config --libs libcrm links libcrm's own dependencies: ${pc_libs[*]}" ;;
esac
quiet "$cc" "${cflags[@]}" "${pc_cflags[@]}" "$src/tests/install/consumer.c" "${pc_libs[@]}" \
    -o "$tmp/consumer-shared"
readelf -d "$tmp/consumer-shared" | grep -q 'NEEDED.*\[libcrm\.so\.0\]' ||
    die "the shared consumer does not depend on libcrm.so.0"
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} run "$tmp/consumer-shared" ||
    die "the shared consumer failed"

step "pkg-config --static: against libcrm.a"
read -r -a pc_static <<<"$(pc --static --libs)"
echo "libs:   ${pc_static[*]}"
for l in -lcrm -lsqlite3 -luuid; do
    case " ${pc_static[*]} " in
    *" $l "*) ;;
    *) die "pkg-config --static --libs libcrm lacks $l: ${pc_static[*]}" ;;
    esac
done
# -lcrm would pick libcrm.so; name the archive instead, keep the rest.
static_libs=()
for a in "${pc_static[@]}"; do
    if [ "$a" = -lcrm ]; then static_libs+=(-l:libcrm.a); else static_libs+=("$a"); fi
done
quiet "$cc" "${cflags[@]}" "${pc_cflags[@]}" "$src/tests/install/consumer.c" "${static_libs[@]}" \
    -o "$tmp/consumer-static"
if readelf -d "$tmp/consumer-static" | grep -q 'NEEDED.*libcrm'; then
    die "the static consumer still depends on libcrm.so"
fi
env -u LD_LIBRARY_PATH "${launcher[@]}" "$tmp/consumer-static" || die "the static consumer failed"

step "CMake: find_package(libcrm 0.1) and libcrm::crm"
cmake_args=(-G "$generator" -S "$src/tests/install/consumer" -B "$tmp/consumer-build"
    "-DCMAKE_PREFIX_PATH=$prefix" "-DCMAKE_C_COMPILER=$cc" -DCONSUMER_STATIC=ON)
if [ "${#san[@]}" -gt 0 ]; then
    cmake_args+=("-DCMAKE_C_FLAGS=${san[*]}" "-DCMAKE_EXE_LINKER_FLAGS=${san[*]}")
fi
quiet "$cmake" "${cmake_args[@]}"
grep -q "found libcrm $version in $libdir/cmake/libcrm" "$tmp/last.log" ||
    die "find_package did not find libcrm $version in the temporary prefix: $(cat "$tmp/last.log")"
quiet "$cmake" --build "$tmp/consumer-build"
env -u LD_LIBRARY_PATH "${launcher[@]}" "$tmp/consumer-build/consumer" ||
    die "the CMake consumer (libcrm::crm) failed"
env -u LD_LIBRARY_PATH "${launcher[@]}" "$tmp/consumer-build/consumer_static" ||
    die "the CMake consumer (libcrm::crm_static) failed"

step "uninstall: cmake -P cmake/uninstall.cmake"
quiet "$cmake" "-DMANIFEST=$tmp/install_manifest.txt" "-DPREFIX=$prefix" -P "$src/cmake/uninstall.cmake"
left=$(find "$prefix" ! -type d)
[ -z "$left" ] || die "uninstall left files in the prefix: $left"
left=$(find "$prefix" -type d \( -name crm -o -name libcrm \))
[ -z "$left" ] || die "uninstall left folders of ours in the prefix: $left"
echo "the prefix holds no file, only folders other software may share: $(cd "$prefix" && find . -mindepth 1 -type d | sort | tr '\n' ' ')"

keep=0
echo "install: ok"
