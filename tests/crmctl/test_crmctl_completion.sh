#!/usr/bin/env bash
# The bash completion of crmctl, driven as bash drives it: COMP_WORDS and
# COMP_CWORD set, _crmctl called, COMPREPLY read.
#
# usage: test_crmctl_completion.sh CRMCTL COMPLETION-SCRIPT SCRATCH-DIR
set -euo pipefail

crmctl=$(realpath "$1")
script=$(realpath "$2")
work=$(realpath -m "$3")
rm -rf "$work"
mkdir -p "$work/bin"
ln -s "$crmctl" "$work/bin/crmctl"
checks=0

# complete WORD... : what completing the last word offers, one a line.
complete() {
    PATH=$work/bin:$PATH bash --norc -c '
        complete() { :; } # the script registers itself; not needed here
        source "$1"; shift
        COMP_WORDS=(crmctl "$@"); COMP_CWORD=$#
        _crmctl
        printf "%s\n" "${COMPREPLY[@]}"' bash "$script" "$@" 2>"$work/err"
    [[ ! -s $work/err ]] || { echo "FAIL: stderr: $(cat "$work/err")" >&2; exit 1; }
}

# expect WANT WORD... : the candidates are exactly WANT (lines).
expect() {
    local want=$1 got
    shift
    got=$(complete "$@")
    if [[ $got != "$want" ]]; then
        echo "FAIL: completing '$*'" >&2
        echo "  want: ${want//$'\n'/ }" >&2
        echo "  got:  ${got//$'\n'/ }" >&2
        exit 1
    fi
    checks=$((checks + 1))
}

# has WANT WORD... : WANT is among the candidates.
has() {
    local want=$1
    shift
    if ! complete "$@" | grep -qxF -- "$want"; then
        echo "FAIL: completing '$*' does not offer '$want'" >&2
        exit 1
    fi
    checks=$((checks + 1))
}

expect promise pro
expect $'customer' cus
has help ""
has journal ""
has promise ""
expect $'make' promise m
has renegotiate promise ""
has set customer attr ""
expect $'add' customer member a
# two-word commands after help, and after global options
has make help promise ""
has customer --db x.db --json cu
expect customer --db = x.db cu
# options: global and the command's own
has --json --
has --owner promise make x --
has --due promise make x --
has --no-by interaction log x --
expect $'--owner' promise make --ow
has --dry-run retention erase-inactive --
# option values, from libcrm's names
has phone interaction log x --channel ""
has in_person interaction log x --channel ""
expect $'sms\nsocial' interaction log x --channel s
expect $'sms\nsocial' interaction log x --channel = s
expect $'sms\nsocial' interaction log x --channel=s
has email interaction log x --channel =
expect $'in' interaction log x --direction i
has escalated interaction update x --outcome ""
has none interaction update x --outcome ""
expect $'person' customer add --kind p
expect $'organisation' customer list --kind o
has promise_overdue agenda --kind ""
has name customer list --order ""
# arguments spelled out in the help, and report names
expect $'csv' import c
has jsonl import ""
has keep-rate report ""
# a value past an option that takes one is not a command word
expect "" --actor promise ma
expect "make" --actor x promise ma
# nothing for unknown words, odd bytes or free values
expect "" frob ""
expect "" $'\xff' ""
expect "" promise make x --owner ""
expect "" $'pro\x1b'

# crmctl __complete itself, with nothing or too much to go on
for args in "" "-- --" "$(printf 'x%.0s' {1..2000})" "a b c d e f g h i j k l ''" "--db"; do
    # shellcheck disable=SC2086 # the words are meant to split
    "$crmctl" __complete $args >"$work/out" 2>"$work/err" || { echo "FAIL: __complete $args" >&2; exit 1; }
    [[ ! -s $work/err ]] || { echo "FAIL: __complete $args: $(cat "$work/err")" >&2; exit 1; }
    checks=$((checks + 1))
done
expect "" customer add --kind $'\xff'
expect "" interaction log x --channel=$'\x1b'

echo "test_crmctl_completion: $checks checks passed"
