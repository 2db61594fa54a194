# capstan validate: the conformance corpus (kubectl-validate cases plus
# authored ones) with a pass threshold, and CLI behaviour tests.
# All 134. (The corpus's reference oracle passes 131: capstan also evaluates
# the CEL rules of the two CEL cases, with its CEL subset, and does the API
# server's check of CRD schema types.)
set(VALIDATE_CONFORMANCE_MIN_PASSED 134)
add_test(NAME validate_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/lib/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/validate/run.py
                 "$<TARGET_FILE:capstan> validate" ${VALIDATE_CONFORMANCE_MIN_PASSED} --check-exit)
set_tests_properties(validate_conformance PROPERTIES TIMEOUT 300)
add_test(NAME validate_cli
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/validate/cli_test.py $<TARGET_FILE:capstan> ${CAPSTAN_SHARED_DIR})
set_tests_properties(validate_cli PROPERTIES TIMEOUT 300)
add_test(NAME validate_from_cluster
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/validate/from_cluster_test.sh $<TARGET_FILE:capstan>
                 ${CAPSTAN_SHARED_DIR}/k8s-openapi/v1.32)
set_tests_properties(validate_from_cluster PROPERTIES TIMEOUT 120)
