# capstan lint: each check on a failing and a passing object, annotations,
# --fail-on, and the example application clean in production.
add_test(NAME lint_checks COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/lint/checks_test.py $<TARGET_FILE:capstan>)
set_tests_properties(lint_checks PROPERTIES TIMEOUT 300)
add_test(NAME lint_example_clean
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/lint/example_clean.sh $<TARGET_FILE:capstan> ${CMAKE_SOURCE_DIR})
