# crmctl, the command-line tool, tested end to end through its command line.
# Included from tests/CMakeLists.txt.

if(TARGET crmctl)
  find_program(CRMCTL_BASH bash REQUIRED)
  set(_crmctl_dir ${CMAKE_CURRENT_LIST_DIR})
  # Sanitizer reports get their own exit status, so that they cannot pass
  # for one of crmctl's (1 is "not found").
  set(_crmctl_env
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86")

  # Every command, with the binary as built (instrumented in a sanitizer build).
  # Over a thousand checks: in the sanitizer build on two busy cores they take
  # more than two minutes.
  add_test(NAME crmctl
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl.sh
            $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl)
  set_tests_properties(crmctl PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # consent, the export, the erase, retention and merges (cmd_consent.c,
  # cmd_privacy.c, cmd_merge.c), a script of their own.
  add_test(NAME crmctl_privacy
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_privacy.sh
            $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl_privacy)
  set_tests_properties(crmctl_privacy PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # import and export (cmd_io.c), a script of its own.
  add_test(NAME crmctl_io
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_io.sh
            $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl_io)
  set_tests_properties(crmctl_io PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # slips and suggestions, help asked any way, argument names, exit statuses,
  # errors as JSON, the actor as default owner: a script of its own.
  add_test(NAME crmctl_usage
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_usage.sh
            $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl_usage)
  set_tests_properties(crmctl_usage PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # the settings a database keeps (config) and ids by their first digits.
  add_test(NAME crmctl_config
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_config.sh
            $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl_config)
  set_tests_properties(crmctl_config PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # bash completion, driven as bash drives it.
  add_test(NAME crmctl_completion
    COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_completion.sh
            $<TARGET_FILE:crmctl> ${PROJECT_SOURCE_DIR}/examples/crmctl/completion.bash
            ${CMAKE_CURRENT_BINARY_DIR}/crmctl_completion)
  set_tests_properties(crmctl_completion PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  # crmctl(1), made by help2man from --help, against --help.
  find_program(CRMCTL_GROFF groff)
  if(CRMCTL_MAN AND CRMCTL_GROFF)
    add_test(NAME crmctl_man
      COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/test_crmctl_man.sh
              $<TARGET_FILE:crmctl> ${CRMCTL_MAN} ${CMAKE_CURRENT_BINARY_DIR}/crmctl_man)
    set_tests_properties(crmctl_man PROPERTIES ENVIRONMENT "${_crmctl_env}" TIMEOUT 300)
  endif()

  # Under valgrind, a chosen few runs (each costs seconds there).
  if(CRM_TEST_LAUNCHER)
    add_test(NAME crmctl_memcheck
      COMMAND ${CRMCTL_BASH} ${_crmctl_dir}/memcheck_crmctl.sh
              $<TARGET_FILE:crmctl> ${CMAKE_CURRENT_BINARY_DIR}/crmctl-memcheck
              ${CRM_TEST_LAUNCHER})
    set_tests_properties(crmctl_memcheck PROPERTIES TIMEOUT 300)
  endif()
endif()
