#!/usr/bin/env bash
# The C example in README.md works: take the first ```c block, compile it
# against the built library with warnings as errors, run it, and compare what
# it prints with the first ```text block after it.
#
# usage: check_readme.sh README CC INCLUDE_DIR LIBCRM_SO WORK_DIR SANITIZE [LAUNCHER...]
set -euo pipefail

readme=$1 cc=$2 inc=$3 lib=$4 work=$5 sanitize=$6
shift 6
launcher=("$@")

san=()
case "$sanitize" in
ON | on | TRUE | true | 1 | YES | yes) san=(-fsanitize=address,undefined -fno-omit-frame-pointer) ;;
esac

mkdir -p "$work"
src=$work/readme_example.c
expected=$work/readme_example.expected
actual=$work/readme_example.out

awk '/^```c[[:space:]]*$/ && !done { inblock = 1; next }
     inblock && /^```[[:space:]]*$/ { done = 1; exit }
     inblock { print }' "$readme" >"$src"
awk '/^```c[[:space:]]*$/ { seen = 1 }
     seen && /^```text[[:space:]]*$/ { inblock = 1; next }
     inblock && /^```[[:space:]]*$/ { exit }
     inblock { print }' "$readme" >"$expected"

if [ ! -s "$src" ]; then
    echo "FAIL: no \`\`\`c block in $readme"
    exit 1
fi
grep -q 'int main' "$src" || { echo "FAIL: the first \`\`\`c block in $readme has no main()"; exit 1; }

echo "== compiling the README example ($(wc -l <"$src") lines)"
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic "${san[@]}" -I"$inc" "$src" "$lib" \
    "-Wl,-rpath,$(dirname "$lib")" -o "$work/readme_example"

echo "== running it"
status=0
(cd "$work" && "${launcher[@]}" ./readme_example) >"$actual" || status=$?
cat "$actual"
if [ "$status" -ne 0 ]; then
    echo "FAIL: the README example exited with status $status"
    exit 1
fi
if [ -s "$expected" ]; then
    if ! diff -u "$expected" "$actual"; then
        echo "FAIL: the README example's output differs from the \`\`\`text block after it"
        exit 1
    fi
fi
echo "readme: ok"
