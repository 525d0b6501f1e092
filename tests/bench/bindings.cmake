# The Python and Lua benchmarks (bench/bench_python.py, bench/bench_lua.lua)
# at a tiny size, and bench/report.py on what they write, so that all three
# keep working. No timing is judged: the benchmarks print PASS or MISS and
# fail only when a step fails or, in Python, when the sqlite3 code or the
# ORM did not write the same rows as libcrm. `make bench` runs them at full
# size.
#
#   bench_python_tiny  200 customers through the binding, the sqlite3
#                      module and SQLAlchemy's ORM (without the ORM, and
#                      saying so, when python3-sqlalchemy is missing)
#   bench_lua_tiny     200 customers through the Lua binding
#   bench_report_tiny  results.md and results.png from those two (the table
#                      alone when python3-matplotlib is missing)
#
# Everything is written to <build>/tests/bench_bindings. CRM_SANITIZE: the
# interpreters run with the ASan runtime preloaded and leak detection off,
# as the binding tests do (tests/bindings/tests.cmake).

set(_crm_bb_dir "${CMAKE_CURRENT_BINARY_DIR}/bench_bindings")
file(MAKE_DIRECTORY "${_crm_bb_dir}")
set(_crm_bb_env "TMPDIR=${_crm_bb_dir}" "PYTHONDONTWRITEBYTECODE=1")
if(CRM_SANITIZE)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _crm_bb_libasan OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _crm_bb_env "LD_PRELOAD=${_crm_bb_libasan}"
       "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0" "UBSAN_OPTIONS=print_stacktrace=1")
endif()

# Whether the interpreter has a module (python3-sqlalchemy, python3-matplotlib).
function(crm_bb_has_module module out)
  execute_process(COMMAND ${Python3_EXECUTABLE} -c "import ${module}"
    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
  if(_rc EQUAL 0)
    set(${out} ON PARENT_SCOPE)
  else()
    set(${out} OFF PARENT_SCOPE)
  endif()
endfunction()

set(_crm_bb_json)
if(TARGET crm_python)
  crm_bb_has_module(sqlalchemy _crm_bb_orm)
  set(_orm_flag)
  if(NOT _crm_bb_orm)
    message(STATUS "bench_python_tiny: no SQLAlchemy for ${Python3_EXECUTABLE} "
                   "(python3-sqlalchemy): the ORM side is left out")
    set(_orm_flag --no-orm)
  endif()
  add_test(NAME bench_python_tiny
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/bench_python.py
            --sizes 200 --json ${_crm_bb_dir}/python.json ${_orm_flag})
  set_tests_properties(bench_python_tiny PROPERTIES
    ENVIRONMENT "PYTHONPATH=${CRM_PYTHON_DIR};${_crm_bb_env}"
    FIXTURES_SETUP crm_bench_bindings_json
    TIMEOUT 300)
  list(APPEND _crm_bb_json ${_crm_bb_dir}/python.json)
endif()

if(TARGET crm_lua AND LUA54_EXECUTABLE)
  add_test(NAME bench_lua_tiny
    COMMAND ${LUA54_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/bench_lua.lua
            --sizes 200 --json ${_crm_bb_dir}/lua.json)
  set_tests_properties(bench_lua_tiny PROPERTIES
    ENVIRONMENT "LUA_CPATH=${CRM_LUA_DIR}/?.so;${_crm_bb_env}"
    FIXTURES_SETUP crm_bench_bindings_json
    TIMEOUT 300)
  list(APPEND _crm_bb_json ${_crm_bb_dir}/lua.json)
endif()

if(_crm_bb_json AND Python3_EXECUTABLE)
  crm_bb_has_module(matplotlib _crm_bb_plot)
  set(_png ${_crm_bb_dir}/results.png)
  if(NOT _crm_bb_plot)
    message(STATUS "bench_report_tiny: no matplotlib for ${Python3_EXECUTABLE} "
                   "(python3-matplotlib): the table only, no chart")
    set(_png "")
  endif()
  add_test(NAME bench_report_tiny
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/report.py
            --md ${_crm_bb_dir}/results.md --png=${_png} ${_crm_bb_json})
  set_tests_properties(bench_report_tiny PROPERTIES
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;MPLCONFIGDIR=${_crm_bb_dir}/mpl"
    FIXTURES_REQUIRED crm_bench_bindings_json
    PASS_REGULAR_EXPRESSION "report.py: wrote .*results.md"
    TIMEOUT 300)
endif()
