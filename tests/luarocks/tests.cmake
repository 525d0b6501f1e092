# luarocks: the rockspec at the top of the tree builds the Lua module with
# `luarocks make` against this build installed into a scratch prefix, and
# the README's Lua example runs with what `luarocks path` prints
# (tests/luarocks/check_luarocks.sh). Once per `make test`: not in the
# sanitizer build (a module linking an ASan libcrm needs its runtime
# preloaded, which is not what a rock's user does), and bare in the valgrind
# build (it runs luarocks, SWIG and a compiler, not our code). Needs
# luarocks (Debian: luarocks) and the Lua 5.4 module's tools.
if(NOT CRM_SANITIZE)
  find_program(LUAROCKS_EXECUTABLE luarocks)
  if(NOT LUAROCKS_EXECUTABLE)
    message(STATUS "luarocks not found: no luarocks test")
  elseif(NOT LUA54_EXECUTABLE)
    message(STATUS "no Lua 5.4 module built: no luarocks test")
  else()
    add_test(NAME luarocks
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_luarocks.sh
              ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/luarocks-test
              ${LUAROCKS_EXECUTABLE} ${LUA54_EXECUTABLE} ${CMAKE_COMMAND}
              ${Python3_EXECUTABLE} ${SWIG_EXECUTABLE})
    set_tests_properties(luarocks PROPERTIES LABELS packaging TIMEOUT 600
      RESOURCE_LOCK crm_install_manifest)
  endif()
endif()
