# The IVR example's tests (examples/ivr/test_ivr.lua), once per Lua the build
# has a crm module for. CRM_LUA_VERSIONS lists them (5.1, 5.2, 5.3, 5.4,
# jit), each with CRM_LUA_EXECUTABLE_<v> and CRM_LUA_DIR_<v> (where its
# crm.so is: bindings/CMakeLists.txt).
# Included from tests/CMakeLists.txt, after tests/bindings/tests.cmake
# (_crm_bind_env: TMPDIR, and the ASan runtime under CRM_SANITIZE).

set(_crm_ivr_dir ${PROJECT_SOURCE_DIR}/examples/ivr)
foreach(v ${CRM_LUA_VERSIONS})
  # luaunit lives in /usr/share/lua/<v>; LuaJIT is a Lua 5.1.
  if(v MATCHES "jit")
    set(_crm_ivr_share 5.1)
  else()
    set(_crm_ivr_share ${v})
  endif()
  # LUA_PATH's separator is CMake's list separator: escaped, it stays one entry.
  set(_crm_ivr_env
    "LUA_PATH=${_crm_ivr_dir}/?.lua\\;/usr/share/lua/${_crm_ivr_share}/?.lua"
    "LUA_CPATH=${CRM_LUA_DIR_${v}}/?.so"
    "IVR_TRANSCRIPT=${CMAKE_CURRENT_BINARY_DIR}/ivr-transcript-lua${v}.txt"
    ${_crm_bind_env})
  add_test(NAME example_ivr_lua${v}
    COMMAND ${CRM_LUA_EXECUTABLE_${v}} ${_crm_ivr_dir}/test_ivr.lua
    WORKING_DIRECTORY ${_crm_ivr_dir})
  set_tests_properties(example_ivr_lua${v} PROPERTIES ENVIRONMENT "${_crm_ivr_env}" TIMEOUT 300)

  # CRM_VALGRIND: the same calls under valgrind (Lua 5.4, and 5.1, where the
  # module's finalizers are its own; as for the binding's tests). LUA_INIT
  # makes luaunit's os.exit collect and close the Lua state first, so a
  # database or cursor the flow forgot to close shows as lost.
  if((v STREQUAL "5.4" OR v STREQUAL "5.1") AND CRM_VALGRIND AND CRM_TEST_LAUNCHER)
    add_test(NAME example_ivr_valgrind_lua${v}
      COMMAND ${CRM_TEST_LAUNCHER} ${CRM_LUA_EXECUTABLE_${v}} ${_crm_ivr_dir}/test_ivr.lua
      WORKING_DIRECTORY ${_crm_ivr_dir})
    set_tests_properties(example_ivr_valgrind_lua${v} PROPERTIES
      ENVIRONMENT "LUA_INIT=local exit = os.exit os.exit = function(c) collectgarbage() collectgarbage() exit(c, true) end;${_crm_ivr_env}"
      TIMEOUT 600)
  endif()
endforeach()
