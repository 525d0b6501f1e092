#!/bin/bash
# The layers hold: public API -> concepts -> storage -> engine, arrows only
# pointing down (docs/architecture.md).
#  1. Only the storage layer (lib/store/) knows SQLite: no other file of the
#     library includes <sqlite3.h> or names a sqlite3_ call or a SQLITE_
#     constant.
#  2. The engine-neutral interface (lib/store/*.h) names no engine's calls
#     or types either.
#  3. The storage layer does not reach up into the concepts: it includes
#     only its own headers, the public ones and the private headers of the
#     modules beneath every concept (lib/internal/: alloc, util, handle,
#     check), never a concept's (customer, identity, journal, ...).
#  5. Each private header says what one module offers: the library's files
#     include lib/internal/*.h, and there is no one header of everything
#     (lib/internal.h) for a file to lean on.
#  4. Bindings and examples use the public API only: what they include is a
#     public header (crm.h, crm/*.h), a system header other than SQLite's,
#     or a file of their own folder.
set -u
root=${1:?usage: check_layers.sh SOURCE_DIR}
cd "$root" || exit 2
fail=0
say() { echo "layers: $*" >&2; fail=1; }

while IFS= read -r f; do
    case $f in lib/store/*) continue ;; esac
    grep -nE '#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]' "$f" | sed "s|^|$f:|" | while read -r l; do echo "layers: $l: includes sqlite3.h outside lib/store/" >&2; done
    grep -qE '#[[:space:]]*include[[:space:]]*[<"]sqlite3\.h[>"]' "$f" && fail=1
    if grep -nE '\bsqlite3_[a-z_0-9]+|\bSQLITE_[A-Z_0-9]+' "$f" >/dev/null; then
        grep -nE '\bsqlite3_[a-z_0-9]+|\bSQLITE_[A-Z_0-9]+' "$f" | head -5 | sed "s|^|layers: $f:|; s|$|  (SQLite named outside lib/store/)|" >&2
        fail=1
    fi
done < <(find lib -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) | sort)

for f in lib/store/*.h; do
    if grep -nE 'sqlite3|SQLITE_' "$f" >/dev/null; then
        grep -nE 'sqlite3|SQLITE_' "$f" | head -5 | sed "s|^|layers: $f:|; s|$|  (the neutral interface names an engine's calls)|" >&2
        fail=1
    fi
done

while IFS= read -r f; do
    while IFS= read -r inc; do
        case $inc in
            internal/alloc.h|internal/util.h|internal/handle.h|internal/check.h) ;;
            store/*|crm.h|crm/*|sqlite3.h) ;;
            *) say "$f includes \"$inc\": the storage layer includes its own headers, the public ones and internal/{alloc,util,handle,check}.h" ;;
        esac
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
done < <(find lib/store -type f \( -name '*.c' -o -name '*.h' \) | sort)

while IFS= read -r f; do
    dir=$(dirname "$f")
    while IFS= read -r inc; do
        case $inc in
            crm.h|crm/*.h) continue ;;
        esac
        [ -f "$dir/$inc" ] && continue
        say "$f includes \"$inc\", which is neither a public header nor a file of its own folder"
    done < <(sed -nE 's/^[[:space:]]*[#%][[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
    if grep -nE '#[[:space:]]*include[[:space:]]*<(sqlite3\.h|internal\.h|internal/|store/)' "$f" >/dev/null; then
        say "$f includes a private or engine header"
    fi
done < <(find bindings examples -type f \( -name '*.c' -o -name '*.h' -o -name '*.i' -o -name '*.cc' \) | sort)

[ -e lib/internal.h ] && say "lib/internal.h exists: private declarations belong in their module's lib/internal/*.h"
while IFS= read -r f; do
    while IFS= read -r inc; do
        case $inc in
            internal/*) [ -f "lib/$inc" ] || say "$f includes \"$inc\", which is not a private header" ;;
        esac
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
done < <(find lib -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) | sort)

if [ $fail -eq 0 ]; then
    echo "layers: hold"
fi
exit $fail
