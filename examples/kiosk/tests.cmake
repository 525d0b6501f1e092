# The kiosk's tests (examples/kiosk/tests), against the Python package in
# the build tree: its rules through Flask's test client, and the whole
# journey in headless Chromium. They need python3-flask, and the browser
# test chromium, chromium-driver and python3-selenium; without them they
# fail, saying so (`make deps` installs them).
#
# The browser test saves its screenshots in the build tree; to refresh
# docs/img, see examples/kiosk/README.md. Under CRM_SANITIZE the kiosk's
# Python runs with the ASan runtime preloaded (_crm_bind_env), and the test
# starts chromedriver, and so Chromium, without it.
if(TARGET crm_python)
  foreach(n rules browser)
    add_test(NAME example_kiosk_${n}
      COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider
              ${CMAKE_CURRENT_LIST_DIR}/tests/test_${n}.py
      WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/tests)
    set_tests_properties(example_kiosk_${n} PROPERTIES
      ENVIRONMENT "PYTHONPATH=${CRM_PYTHON_DIR};PYTHONDONTWRITEBYTECODE=1;KIOSK_SCREENSHOTS=${PROJECT_BINARY_DIR}/examples/kiosk/screenshots;${_crm_bind_env}"
      TIMEOUT 300)
  endforeach()
endif()
