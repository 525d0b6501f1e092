# examples/sip: the SIP edge end to end: a real Kamailio (app_lua, which
# embeds Lua 5.1) loads route.lua with the Lua 5.1 crm.so of this build,
# sipsak calls it on loopback, crmctl reads what the calls logged.
#
# Registered in every build, the sanitizer one included: there the test
# gets _crm_bind_env, and hands its LD_PRELOAD of the ASan runtime to the
# programs that load the ASan crm.so, Kamailio (it runs with it) and
# lua5.1, and to no other (procps' ps hangs with it preloaded).
# Without Kamailio, sipsak or the Lua 5.1 module the test fails and says
# what to install; it never skips itself.
add_test(NAME example_sip
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_sip.sh
          --crmctl $<TARGET_FILE:crmctl>
          --lua-dir "${CRM_LUA_DIR_5.1}"
          --lua "${CRM_LUA_EXECUTABLE_5.1}")
set_tests_properties(example_sip PROPERTIES
  ENVIRONMENT "${_crm_bind_env}"
  TIMEOUT 300)
