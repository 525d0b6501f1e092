-- The Lua module crm (require "crm") as a rock, built from this tree
-- against an installed libcrm: `luarocks make` at the top of the tree
-- (LIBCRM_DIR=PREFIX when libcrm is not under /usr or /usr/local).
-- The rock is named lua-crm, like the Debian package of the same module:
-- the name says it is the Lua binding of libcrm, not the C library.
-- Its version is libcrm's (include/crm/version.h) and a rockspec revision.
rockspec_format = "3.0"
package = "lua-crm"
version = "0.3.0-1"

source = {
   -- libcrm has no published tarball yet: build from a checkout with
   -- `luarocks make`, which uses the tree it runs in.
   url = "git+https://example.org/libcrm.git",
   tag = "v0.3.0",
}

description = {
   summary = "Lua binding of libcrm, an embeddable customer-relationship library",
   detailed = [[
libcrm keeps customers, every interaction they have with a business on any
channel, and the promises made to them, in one SQLite file. The module crm
gives Lua a database object with methods, records as plain tables, cursors
as iterator functions and errors raised as tables {code, name, message}.
]],
   license = "MIT",
   maintainer = "libcrm authors <libcrm@example.org>",
   labels = { "database", "crm", "sqlite" },
}

dependencies = {
   "lua >= 5.1, < 5.5",
}

-- libcrm itself (headers and libcrm.so), found in /usr/local or /usr, or
-- wherever LIBCRM_DIR (or LIBCRM_INCDIR and LIBCRM_LIBDIR) say.
external_dependencies = {
   LIBCRM = { header = "crm.h", library = "crm" },
}

-- The same steps as bindings/CMakeLists.txt: the record builders from
-- bindings/records.py, SWIG 4 over bindings/lua/crm_lua.i with the
-- installed headers, then one C file. Everything is made in build/luarocks
-- (build/ is what the tree ignores). A libcrm outside the linker's
-- default directories is found at run time through a runpath.
-- PYTHON3 and SWIG name other interpreters or SWIGs than python3 and swig.
build = {
   type = "command",
   build_command = [[
set -e
out=build/luarocks
rm -rf "$out"
mkdir -p "$out"
"${PYTHON3:-python3}" bindings/gen_records.py lua "$out/records_lua.i"
"${SWIG:-swig}" -lua -I"$(LIBCRM_INCDIR)" -Ibindings/lua -I"$out" \
   -o "$out/crm_lua_wrap.c" bindings/lua/crm_lua.i
$(CC) $(CFLAGS) -std=c11 -I"$(LUA_INCDIR)" -I"$(LIBCRM_INCDIR)" \
   -c "$out/crm_lua_wrap.c" -o "$out/crm_lua_wrap.o"
case "$(LIBCRM_LIBDIR)" in
/usr/lib | /usr/lib64 | /usr/lib/*-linux-gnu* | /lib | /lib64 | /lib/*-linux-gnu*) rpath= ;;
*) rpath="-Wl,-rpath,$(LIBCRM_LIBDIR)" ;;
esac
$(LD) $(LIBFLAG) -o "$out/crm.so" "$out/crm_lua_wrap.o" -L"$(LIBCRM_LIBDIR)" $rpath -lcrm
]],
   install = {
      lib = { crm = "build/luarocks/crm.so" },
   },
}
