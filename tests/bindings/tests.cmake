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
  # CRM_VALGRIND: a short script under valgrind with the system allocator
  # (PYTHONMALLOC=malloc) and Debian's python3.supp for CPython's own noise;
  # only definite and indirect leaks count (CPython leaves its objects
  # "possibly lost" at exit by design).
  find_file(CRM_PYTHON_VALGRIND_SUPP python3.supp PATHS /usr/lib/valgrind
            /usr/lib/x86_64-linux-gnu/valgrind NO_DEFAULT_PATH)
  if(CRM_VALGRIND AND VALGRIND AND CRM_PYTHON_VALGRIND_SUPP)
    add_test(NAME python_valgrind_smoke
      COMMAND ${VALGRIND} --error-exitcode=1 --leak-check=full --quiet
              --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
              --suppressions=${CRM_PYTHON_VALGRIND_SUPP}
              --suppressions=${CMAKE_CURRENT_SOURCE_DIR}/valgrind.supp
              ${Python3_EXECUTABLE} -c "import crm, threading
with crm.open(':memory:') as db:
    c = db.create_customer('Jane')
    for i in range(50): db.log(c, 'phone', occurred_at=1000 + i)
    assert sum(1 for _ in db.timeline(c)) == 50
    t = threading.Thread(target=lambda: sum(1 for _ in db.timeline(c, limit=5))); t.start(); t.join()
    for bad in (lambda: db.create_customer('Ja' + chr(0) + 'ne'), lambda: db.timeline(c, limit=-1),
                lambda: db.journal(since=2**63), lambda: crm.open('x' + chr(0) + 'y')):
        try: bad()
        except crm.InvalidArgument: pass
        else: raise AssertionError('accepted')
    p = db.promise(c, 'Call back', 10**12, owner='agent:a', at=10**12 - 86400000)
    db.keep(p.id)
    assert [e.kind for e in db.promise_history(p.id)] == ['made', 'kept']
    cur = db.journal(); next(cur)
    try: db.customer('0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b')
    except crm.NotFound: pass
try: db.customers()
except crm.Misuse: pass
with crm.open(':memory:', clock=lambda: 1 // 0) as d2:
    try: d2.create_customer('Cy')
    except crm.Misuse as e: assert isinstance(e.__cause__, ZeroDivisionError)
    else: raise AssertionError('accepted')
")
    set_tests_properties(python_valgrind_smoke PROPERTIES
      ENVIRONMENT "PYTHONPATH=${CRM_PYTHON_DIR};PYTHONDONTWRITEBYTECODE=1;PYTHONMALLOC=malloc;${_crm_bind_env}"
      TIMEOUT 300)
  endif()
endif()

# The Lua suite runs under every Lua the module was built for
# (CRM_LUA_VERSIONS: 5.4, 5.3, 5.2, 5.1, jit), as lua<v>_<test>: the same
# files, which use nothing newer than Lua 5.1, except test_close (the
# to-be-closed variables of 5.4). luaunit comes from Debian's lua-unit,
# which installs it for each Lua (LuaJIT's is 5.1's).
foreach(v ${CRM_LUA_VERSIONS})
  set(_lua_share ${v})
  if(v STREQUAL "jit")
    set(_lua_share 5.1)
  endif()
  set(_lua_env "LUA_CPATH=${CRM_LUA_DIR_${v}}/?.so"
      "LUA_PATH=/usr/share/lua/${_lua_share}/?.lua;;"
      "CRM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  # each Lua's files in a folder of its own: the suites run side by side
  set(_lua_tmp "${CMAKE_CURRENT_BINARY_DIR}/lua${v}")
  file(MAKE_DIRECTORY "${_lua_tmp}")
  set(_prefix lua${v}_)
  if(v STREQUAL "5.4")
    set(_prefix lua_)  # the names the 5.4-only suite always had
  endif()
  file(GLOB _crm_lua_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lua/test_*.lua)
  foreach(t ${_crm_lua_tests})
    get_filename_component(n ${t} NAME_WE)
    if(n STREQUAL "test_close" AND NOT v STREQUAL "5.4")
      continue()
    endif()
    add_test(NAME ${_prefix}${n} COMMAND ${CRM_LUA_EXECUTABLE_${v}} ${t} -o text
      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/lua)
    set_tests_properties(${_prefix}${n} PROPERTIES
      ENVIRONMENT "${_crm_bind_env};${_lua_env};TMPDIR=${_lua_tmp}" TIMEOUT 300)
  endforeach()
  # CRM_VALGRIND: a few Lua tests again under valgrind (CRM_TEST_LAUNCHER,
  # the C tests' options and suppressions; nothing added for Lua), under
  # 5.4 and under 5.1, whose tables have no __gc (the module finalizes
  # through a userdata there). LUA_INIT makes luaunit's os.exit collect
  # twice (every finalizer runs) and close the Lua state (5.2 and later;
  # 5.1 has no such argument and leaves its own memory reachable), so
  # anything libcrm or the binding leaked shows as definitely lost.
  # test_memory runs a small timeline there; test_clock calls Lua from
  # inside libcrm (a handle's clock), on coroutines too.
  if(CRM_VALGRIND AND CRM_TEST_LAUNCHER AND (v STREQUAL "5.4" OR v STREQUAL "5.1"))
    foreach(n test_crm test_tostring test_memory test_args test_gc test_clock)
      add_test(NAME ${_prefix}valgrind_${n}
        COMMAND ${CRM_TEST_LAUNCHER} ${CRM_LUA_EXECUTABLE_${v}} ${CMAKE_CURRENT_SOURCE_DIR}/lua/${n}.lua -o text
        WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/lua)
      set_tests_properties(${_prefix}valgrind_${n} PROPERTIES
        ENVIRONMENT "${_crm_bind_env};${_lua_env};TMPDIR=${_lua_tmp};LUA_INIT=local exit = os.exit os.exit = function(c) collectgarbage() collectgarbage() exit(c, true) end;CRM_BIND_MEMORY_ROWS=5000;CRM_BIND_MEMORY_CHECK=0"
        TIMEOUT 600)
    endforeach()
  endif()
endforeach()

# Installed (cmake --install into a scratch prefix) rather than the build tree.
if(TARGET crm_python OR CRM_LUA_VERSIONS)
  set(_py -)
  if(TARGET crm_python)
    set(_py ${Python3_EXECUTABLE})
  endif()
  set(_luas)
  foreach(v ${CRM_LUA_VERSIONS})
    if(v STREQUAL "jit")
      if(DEFINED CRM_LUA51_INSTALL_DIR)
        list(APPEND _luas "${CRM_LUA_EXECUTABLE_jit}=${CRM_LUA51_INSTALL_DIR}")
      endif()
    else()
      string(REPLACE "." "" _id "${v}")
      list(APPEND _luas "${CRM_LUA_EXECUTABLE_${v}}=${CRM_LUA${_id}_INSTALL_DIR}")
    endif()
  endforeach()
  add_test(NAME python_lua_install
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/bindings/check_install.sh ${PROJECT_BINARY_DIR}
            ${_py} "${CRM_PYTHON_INSTALL_DIR}" ${_luas})
  set_tests_properties(python_lua_install PROPERTIES ENVIRONMENT "${_crm_bind_env}" TIMEOUT 300)
endif()
