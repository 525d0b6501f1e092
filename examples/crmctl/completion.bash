# bash completion for crmctl(1).
#
# Installed as bash-completion/completions/crmctl; to try it by hand,
# `source completion.bash`. crmctl itself says what may come next
# (`crmctl __complete WORDS... CURRENT`), from its command table and
# libcrm's words, so this file never needs to change with the commands.
# Where crmctl offers nothing (a file, a free value), bash completes
# file names.

_crmctl() {
    local -a words=()
    local i w cur
    # "--db=x" arrives as three words: "--db" "=" "x". Give crmctl the
    # option and the value being typed, as if a space stood there.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == = && ${words[${#words[@]} - 1]-} == --* ]]; then
            ((i == COMP_CWORD)) && words+=("")
            continue
        fi
        words+=("$w")
    done
    cur=${words[${#words[@]} - 1]-}
    local IFS=$'\n'
    # shellcheck disable=SC2207 # one candidate a line, no globbing in them
    COMPREPLY=($(command "${COMP_WORDS[0]}" __complete "${words[@]}" 2>/dev/null))
    # A sole candidate that ends the word is followed by a space.
    return 0
}
complete -o default -F _crmctl crmctl
