#!/usr/bin/env bash
# crmctl(1) says what `crmctl --help` says: every command and global option
# --help lists is in the page and the page lists no command --help does not;
# groff renders it without a warning; and each command's help is the same
# asked as `help CMD`, `CMD --help` or `help CMD --help`.
#
# usage: test_crmctl_man.sh CRMCTL PAGE SCRATCH-DIR
set -euo pipefail

crmctl=$(realpath "$1")
page=$(realpath "$2")
work=$(realpath -m "$3")
launcher=()
rm -rf "$work"
mkdir -p "$work"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

run 0 --help
help=$out
# The commands: "  name words  summary" lines under "Commands:".
mapfile -t commands < <(sed -n '/^Commands:/,/^$/p' <<<"$help" | sed -n 's/^  \([a-z][a-z -]*[a-z]\)  .*/\1/p')
((${#commands[@]} > 40)) || fail "--help lists only ${#commands[@]} commands"
mapfile -t options < <(grep -oE '^  (-h, )?--[a-z-]+' <<<"$help" | grep -oE -- '--[a-z-]+')
((${#options[@]} >= 8)) || fail "--help lists only ${#options[@]} options"

# groff: not a warning.
groff -man -Tutf8 -ww -z "$page" 2>"$work/groff.err" || fail "groff failed on $page"
[[ ! -s $work/groff.err ]] || fail "groff warns: $(cat "$work/groff.err")"
checks=$((checks + 1))

# The page as text, one command per line.
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null)
for c in "${commands[@]}"; do
    grep -qE "^ +$c( |$)" <<<"$text" || fail "crmctl(1) does not list '$c'"
    checks=$((checks + 1))
done
for o in "${options[@]}"; do
    grep -qF -- "$o" <<<"$text" || fail "crmctl(1) does not mention '$o'"
    checks=$((checks + 1))
done
# ... and nothing else under its Commands heading.
mapfile -t paged < <(sed -n '/^ *Commands:/,/^ *Global options/p' <<<"$text" |
    sed -n 's/^       \([a-z][a-z -]*[a-z]\)\( \{2,\}.*\|\)$/\1/p' | sed 's/ \{2,\}.*//')
for c in "${paged[@]}"; do
    [[ " ${commands[*]/%/|} " == *" $c|"* ]] || fail "crmctl(1) lists '$c', which --help does not"
    checks=$((checks + 1))
done
for section in NAME SYNOPSIS DESCRIPTION ENVIRONMENT EXAMPLES 'SEE ALSO'; do
    grep -qx "$section" <<<"$text" || fail "crmctl(1) has no $section section"
    checks=$((checks + 1))
done

# One help per command, however it is asked for.
for c in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the words of the command are meant to split
    run 0 $c --help
    one=$out
    # shellcheck disable=SC2086
    run 0 help $c
    [[ $out == "$one" ]] || fail "'help $c' differs from '$c --help'"
    # shellcheck disable=SC2086
    run 0 help $c --help
    [[ $out == "$one" ]] || fail "'help $c --help' differs from '$c --help'"
done

echo "test_crmctl_man: $checks checks passed"
