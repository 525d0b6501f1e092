# The Python and Lua binding tests (tests/python, tests/lua), one ctest per
# test file, against the modules in the build tree (bindings/CMakeLists.txt).
#
# CRM_SANITIZE: the extensions link an ASan libcrm, so the interpreters run
# with the ASan runtime preloaded and leak detection off (CPython and Lua
# keep memory until exit by design). CRM_VALGRIND: the interpreters run
# plainly (valgrind over an interpreter is too slow for every run).

set(_crm_bind_env "TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
if(CRM_SANITIZE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _crm_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _crm_bind_env "LD_PRELOAD=${_crm_libasan}"
       "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0"
       "UBSAN_OPTIONS=print_stacktrace=1"
       # test_memory: fewer rows, and no RSS bound (ASan's quarantine keeps
       # freed memory on purpose)
       "CRM_BIND_MEMORY_ROWS=20000" "CRM_BIND_MEMORY_CHECK=0")
endif()

if(TARGET crm_python)
  file(GLOB _crm_py_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/python/test_*.py)
  foreach(t ${_crm_py_tests})
    get_filename_component(n ${t} NAME_WE)
    add_test(NAME python_${n}
      COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${t}
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/python)
    set_tests_properties(python_${n} PROPERTIES
      ENVIRONMENT "PYTHONPATH=${CRM_PYTHON_DIR};PYTHONDONTWRITEBYTECODE=1;${_crm_bind_env}"
      TIMEOUT 300)
  endforeach()
endif()

if(TARGET crm_lua AND LUA54_EXECUTABLE)
  file(GLOB _crm_lua_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lua/test_*.lua)
  foreach(t ${_crm_lua_tests})
    get_filename_component(n ${t} NAME_WE)
    add_test(NAME lua_${n} COMMAND ${LUA54_EXECUTABLE} ${t} -o text
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/lua)
    set_tests_properties(lua_${n} PROPERTIES
      ENVIRONMENT "LUA_CPATH=${CRM_LUA_DIR}/?.so;CRM_SOURCE_DIR=${PROJECT_SOURCE_DIR};${_crm_bind_env}"
      TIMEOUT 300)
  endforeach()
endif()

# Installed (cmake --install into a scratch prefix) rather than the build tree.
if(TARGET crm_python OR TARGET crm_lua)
  set(_py -)
  set(_lua -)
  if(TARGET crm_python)
    set(_py ${Python3_EXECUTABLE})
  endif()
  if(TARGET crm_lua AND LUA54_EXECUTABLE)
    set(_lua ${LUA54_EXECUTABLE})
  endif()
  add_test(NAME python_lua_install
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/bindings/check_install.sh ${PROJECT_BINARY_DIR}
            ${_py} ${_lua} "${CRM_PYTHON_INSTALL_DIR}" "${CRM_LUA_INSTALL_DIR}")
  set_tests_properties(python_lua_install PROPERTIES ENVIRONMENT "${_crm_bind_env}" TIMEOUT 300)
endif()
