# capstan policy: both conformance corpora of ../shared/conformance/policy
# with a regression gate (fewer passing cases than recorded fails; raise the
# numbers when cases are fixed), gator verify over the whole library, and
# the CLI contract.
set(POLICY_GATEKEEPER_MIN_PASSED 270)   # of 270
set(POLICY_REGO_MIN_PASSED 334)         # of 334
add_test(NAME policy_gatekeeper_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/lib/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/policy/run.py
                 "$<TARGET_FILE:capstan> policy eval" ${POLICY_GATEKEEPER_MIN_PASSED})
add_test(NAME policy_rego_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/lib/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/policy/rego_run.py
                 "$<TARGET_FILE:capstan> policy eval" ${POLICY_REGO_MIN_PASSED})
set_tests_properties(policy_gatekeeper_conformance policy_rego_conformance PROPERTIES TIMEOUT 600)
# `capstan policy test` (gator verify) over every suite.yaml of the library.
add_test(NAME policy_verify_library
         COMMAND capstan policy test ${CAPSTAN_SHARED_DIR}/conformance/policy/library)
set_tests_properties(policy_verify_library PROPERTIES TIMEOUT 120
                     PASS_REGULAR_EXPRESSION " 270 passed, 0 failed|^270 passed, 0 failed")
add_test(NAME policy_cli
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/policy/cli_test.py $<TARGET_FILE:capstan>
                 ${CMAKE_CURRENT_SOURCE_DIR}/policy/testdata)
set_tests_properties(policy_cli PROPERTIES TIMEOUT 120)
