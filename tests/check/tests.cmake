# capstan check: one target per outcome (valid, invalid, lint finding,
# render failure, Component skipped, Applications) and the example repository.
add_test(NAME check_repo COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/check/check_test.py $<TARGET_FILE:capstan> ${CMAKE_SOURCE_DIR})
set_tests_properties(check_repo PROPERTIES TIMEOUT 300)
