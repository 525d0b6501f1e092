# pip: the Python package installs the Python way (pyproject.toml and
# setup.py with Debian's setuptools, no network): pip_install (pip install
# --no-build-isolation against this build, installed into a scratch
# prefix and found by pkg-config; the README example from the venv),
# pip_wheel (python3 -m build --no-isolation --wheel, its contents, the
# wheel installed) and pip_bundled (no libcrm for pkg-config: libcrm built
# from the tree into the extension). They test packaging, not libcrm's
# memory: registered once, outside the sanitizer build, and run bare
# (never under CRM_TEST_LAUNCHER). Each works in its own folder of
# tests/pip/ in the build tree. The bundled build compiles libcrm again,
# one job at a time (CMAKE_BUILD_PARALLEL_LEVEL): ctest runs tests side by
# side.
if(NOT CRM_SANITIZE)
  set(_crm_pip_python /usr/bin/python3)
  if(Python3_EXECUTABLE)
    set(_crm_pip_python ${Python3_EXECUTABLE})
  endif()
  # TIMEOUT, seconds: each builds the SWIG extension (about 25 s of CPU),
  # the bundled one libcrm too (about 60 s more); on a busy machine, with
  # the rest of the suite beside them, 2 to 3 minutes each
  foreach(_m "install;600" "wheel;600" "bundled;900")
    list(GET _m 0 _mode)
    list(GET _m 1 _timeout)
    add_test(NAME pip_${_mode}
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_pip.sh ${_mode} ${PROJECT_SOURCE_DIR}
              ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/pip/${_mode} ${_crm_pip_python})
    set_tests_properties(pip_${_mode} PROPERTIES
      LABELS packaging TIMEOUT ${_timeout}
      ENVIRONMENT "CMAKE_BUILD_PARALLEL_LEVEL=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
  endforeach()
  # cmake --install rewrites the build's install_manifest.txt, which the
  # install test reads back: one installing test at a time
  set_tests_properties(pip_install PROPERTIES RESOURCE_LOCK crm_install_manifest)
endif()
