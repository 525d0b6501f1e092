# Fuzz targets, one per parser (see tests/fuzz/fuzz.h), and one for the
# escaping of what crmctl shows a person. In every build each target is also
# a program that replays its corpus, in the sanitizer build and under
# valgrind; with CRM_FUZZ (clang) they are libFuzzer programs, run by
# `make fuzz SECONDS=N`. A new target joins with a file fuzz_NAME.c, a
# corpus folder corpus/NAME and one line below.
set(_fz ${CMAKE_CURRENT_LIST_DIR})

# crm_fuzz_target(NAME [SOURCES ...]): fuzz_NAME.c against the static library
# (the text target checks internal helpers).
function(crm_fuzz_target name)
  cmake_parse_arguments(F "" "" "SOURCES;INCLUDES" ${ARGN})
  set(exe fuzz_${name})
  if(CRM_FUZZ)
    add_executable(${exe} ${_fz}/fuzz_${name}.c ${F_SOURCES})
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${exe} ${_fz}/fuzz_${name}.c ${_fz}/replay.c ${F_SOURCES})
    add_test(NAME fuzz_${name} COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:${exe}>
             ${_fz}/corpus/${name})
    set_tests_properties(fuzz_${name} PROPERTIES TIMEOUT 600
      ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1")
  endif()
  target_link_libraries(${exe} PRIVATE crm_static)
  target_include_directories(${exe} PRIVATE ${_fz} ${PROJECT_SOURCE_DIR}/lib
                             ${SQLITE3_INCLUDE_DIRS} ${F_INCLUDES})
  set_target_properties(${exe} PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
  target_compile_definitions(${exe} PRIVATE _POSIX_C_SOURCE=200809L)
  target_compile_options(${exe} PRIVATE ${CRM_WARNINGS})
  set_property(GLOBAL APPEND PROPERTY CRM_FUZZ_TARGETS ${exe})
endfunction()

crm_fuzz_target(identity)
crm_fuzz_target(text)
crm_fuzz_target(words)
crm_fuzz_target(id_prefix)
# The built-in normaliser is compiled in; it defines every crm__phone_ call,
# so the static library's libphonenumber copy is not pulled in beside it.
crm_fuzz_target(phone_builtin SOURCES ${PROJECT_SOURCE_DIR}/lib/phone_builtin.c)
crm_fuzz_target(time SOURCES ${PROJECT_SOURCE_DIR}/examples/crmctl/timeparse.c
                INCLUDES ${PROJECT_SOURCE_DIR}/examples/crmctl)
crm_fuzz_target(terminal SOURCES ${PROJECT_SOURCE_DIR}/examples/crmctl/escape.c
                INCLUDES ${PROJECT_SOURCE_DIR}/examples/crmctl)
# The search query parser, and the search call over it.
crm_fuzz_target(search)
# The import parsers (CSV, vCard, JSON Lines), each checked against its export.
crm_fuzz_target(csv)
crm_fuzz_target(vcard)
crm_fuzz_target(jsonl)

# `cmake --build . --target fuzz_all` builds every target (used by make fuzz).
get_property(_crm_fuzz_targets GLOBAL PROPERTY CRM_FUZZ_TARGETS)
add_custom_target(fuzz_all DEPENDS ${_crm_fuzz_targets})
