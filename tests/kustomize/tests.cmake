# Kustomize conformance corpus against `capstan build`. Fails when fewer
# cases pass (or come out byte-identical) than the recorded numbers, so any
# regression shows up; raise the numbers when cases are fixed.
set(KUSTOMIZE_CONFORMANCE_MIN_PASSED 231)
set(KUSTOMIZE_CONFORMANCE_MIN_IDENTICAL 194)
add_test(NAME kustomize_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kustomize/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/kustomize/run.py
                 "$<TARGET_FILE:capstan> build"
                 ${KUSTOMIZE_CONFORMANCE_MIN_PASSED} ${KUSTOMIZE_CONFORMANCE_MIN_IDENTICAL})
set_tests_properties(kustomize_conformance PROPERTIES TIMEOUT 600)
add_test(NAME kustomize_build_help COMMAND capstan build --help)
add_test(NAME kustomize_build_usage_error COMMAND capstan build --no-such-flag)
set_tests_properties(kustomize_build_usage_error PROPERTIES WILL_FAIL TRUE)
# Remote bases (Git URLs in resources) with file:// repositories, --offline.
add_test(NAME kustomize_remote_bases
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kustomize/remote_base_test.py $<TARGET_FILE:capstan>)
set_tests_properties(kustomize_remote_bases PROPERTIES TIMEOUT 120)
