# capstan validate: the conformance corpus (kubectl-validate cases plus
# authored ones) with a pass threshold, and CLI behaviour tests.
# 131 of 134: the three not passed need CEL (2) or the API server's own CRD
# validation (1); the corpus's reference oracle passes the same 131.
set(VALIDATE_CONFORMANCE_MIN_PASSED 131)
add_test(NAME validate_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/validate/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/validate/run.py
                 "$<TARGET_FILE:capstan> validate" ${VALIDATE_CONFORMANCE_MIN_PASSED} --check-exit)
set_tests_properties(validate_conformance PROPERTIES TIMEOUT 300)
add_test(NAME validate_cli
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/validate/cli_test.py $<TARGET_FILE:capstan> ${CAPSTAN_SHARED_DIR})
set_tests_properties(validate_cli PROPERTIES TIMEOUT 300)
