# layers: only the storage layer knows SQLite, and bindings and examples use
# the public API only.
add_test(NAME layers COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_layers.sh ${PROJECT_SOURCE_DIR})
