# The social-listening importer (import_posts.py) with pytest, against the
# Python binding in the build tree (tests/bindings/tests.cmake: the same
# interpreter and environment, ASan preloaded in the sanitizer build).
# Included from tests/CMakeLists.txt.
if(TARGET crm_python)
  add_test(NAME example_social
    COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider
            ${PROJECT_SOURCE_DIR}/examples/social/test_import_posts.py
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/examples/social)
  set_tests_properties(example_social PROPERTIES
    ENVIRONMENT "PYTHONPATH=${CRM_PYTHON_DIR};PYTHONDONTWRITEBYTECODE=1;${_crm_bind_env}"
    TIMEOUT 300)
endif()
