# The reference model (tests/model): random sequences of every call through
# the Python binding, checked against model.py after each step
# (docs/testing.md). Registered in the release and sanitizer builds (in the
# sanitizer build the binding links the ASan libcrm, as the other Python
# tests do); the valgrind build runs the interpreter plainly, so it would
# run the same sequences again and is left out.
#
# `make test` runs a fixed set of sequences (the same on every run, so a
# failure repeats): about two minutes. `make stress` runs them at random
# for an hour (CRM_MODEL_SECONDS) with the script this writes.
#
# Needs _crm_bind_env from tests/bindings/tests.cmake, included before this
# file (tests/CMakeLists.txt includes them in name order).

if(TARGET crm_python AND NOT CRM_VALGRIND)
  set(_model_dir ${CMAKE_CURRENT_SOURCE_DIR}/model)
  set(_model_env "PYTHONPATH=${CRM_PYTHON_DIR}" "PYTHONDONTWRITEBYTECODE=1"
      "HYPOTHESIS_STORAGE_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}/model-hypothesis"
      ${_crm_bind_env})
  if(CRM_SANITIZE)
    set(_model_examples 200)
    set(_model_concurrent 3)
  else()
    set(_model_examples 300)
    set(_model_concurrent 20)
  endif()
  add_test(NAME model
    COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider test_model.py test_regressions.py test_paths.py
    WORKING_DIRECTORY ${_model_dir})
  set_tests_properties(model PROPERTIES
    ENVIRONMENT "${_model_env};CRM_MODEL_EXAMPLES=${_model_examples}" TIMEOUT 900)
  add_test(NAME model_concurrent
    COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider test_concurrent.py
    WORKING_DIRECTORY ${_model_dir})
  set_tests_properties(model_concurrent PROPERTIES
    ENVIRONMENT "${_model_env};CRM_MODEL_CONCURRENT_EXAMPLES=${_model_concurrent}"
    TIMEOUT 900)

  # make stress: an hour of random sequences (CRM_MODEL_SECONDS), saving
  # any failing one in tests/model/examples for the repository.
  string(REPLACE ";" "' '" _model_env_words "${_model_env}")
  file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/model_stress.sh CONTENT
"#!/bin/sh
# Written by tests/model/tests.cmake: the model's long run.
cd '${_model_dir}' && exec env '${_model_env_words}' \\
  CRM_MODEL_SECONDS=\"\${CRM_MODEL_SECONDS:-3600}\" CRM_MODEL_SAVE=1 \\
  '${Python3_EXECUTABLE}' -m pytest -q -p no:cacheprovider test_stress.py \"$@\"
")
endif()
