# capstan check: one target per outcome (valid, invalid, lint finding,
# render failure, Component skipped, Applications) and the example repository.
add_test(NAME check_repo COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/check/check_test.py $<TARGET_FILE:capstan> ${CMAKE_SOURCE_DIR})
set_tests_properties(check_repo PROPERTIES TIMEOUT 300)
# Gated sync on the local cluster: refused revisions apply nothing.
add_test(NAME check_gated_sync_e2e COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check/gate_e2e.sh $<TARGET_FILE:capstan>)
set_tests_properties(check_gated_sync_e2e PROPERTIES TIMEOUT 300)
