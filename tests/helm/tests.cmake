# Helm conformance corpus against `capstan helm template`. Fails when fewer
# cases pass (or come out byte-identical) than the recorded numbers; raise
# the numbers when cases are fixed. (322 cases, 268 with output.)
set(HELM_CONFORMANCE_MIN_PASSED 322)
set(HELM_CONFORMANCE_MIN_IDENTICAL 268)
add_test(NAME helm_conformance
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/kustomize/conformance_threshold.py
                 ${CAPSTAN_SHARED_DIR}/conformance/helm/run.py
                 "$<TARGET_FILE:capstan> helm template"
                 ${HELM_CONFORMANCE_MIN_PASSED} ${HELM_CONFORMANCE_MIN_IDENTICAL})
set_tests_properties(helm_conformance PROPERTIES TIMEOUT 900)
# CLI behaviour: lint passes a good chart and fails a broken one; usage errors exit 2.
add_test(NAME helm_cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/helm/cli_test.sh $<TARGET_FILE:capstan>
                 ${CAPSTAN_SHARED_DIR}/conformance/helm)
add_test(NAME helm_template_usage_error COMMAND capstan helm template)
set_tests_properties(helm_template_usage_error PROPERTIES WILL_FAIL TRUE)
# An Application with a Helm source synced to the local cluster (src/app + src/helm).
if(TARGET capstan_app AND TARGET capstan_cluster)
  add_executable(helm_app_e2e_test ${CMAKE_CURRENT_LIST_DIR}/helm_app_e2e_test.cc)
  target_link_libraries(helm_app_e2e_test PRIVATE capstan_app capstan_cluster GTest::gtest GTest::gtest_main)
  target_include_directories(helm_app_e2e_test PRIVATE ${CMAKE_SOURCE_DIR})  # tests/lib/*.h
  add_test(NAME helm_app_e2e COMMAND helm_app_e2e_test WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(helm_app_e2e PROPERTIES TIMEOUT 300)
endif()
# Helm charts from an OCI registry (tests/helm/oci_registry_test.py): Debian's
# docker-registry with TLS (test CA) and htpasswd auth, the chart pushed by
# the reference helm v3.17.2; capstan helm template oci:// equals helm's, an
# Application with an OCI chart syncs, wrong passwords and tampered layers
# are refused. kubectl reads the synced objects back.
find_package(Python3 COMPONENTS Interpreter)
find_program(HELM_TESTS_KUBECTL kubectl)
if(Python3_Interpreter_FOUND AND TARGET capstan AND HELM_TESTS_KUBECTL)
  add_test(NAME helm_oci_registry
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/oci_registry_test.py
                   $<TARGET_FILE:capstan> ${CMAKE_BINARY_DIR}/helm-bin)
  # The same with token auth: Bearer challenges answered by a token server.
  add_test(NAME helm_oci_registry_token
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/oci_registry_test.py
                   $<TARGET_FILE:capstan> ${CMAKE_BINARY_DIR}/helm-bin token)
  # Skipped (77) only when the npm registry holding the reference helm is unreachable.
  set_tests_properties(helm_oci_registry helm_oci_registry_token PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()
# index.yaml repositories behind basic auth (tests/helm/repo_credentials_test.py):
# credentials to the repository's host, to an archive on another host only
# with passCredentials, clear errors without the password.
if(Python3_Interpreter_FOUND AND TARGET capstan AND HELM_TESTS_KUBECTL)
  add_test(NAME helm_repo_credentials
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/repo_credentials_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(helm_repo_credentials PROPERTIES TIMEOUT 120)
endif()
