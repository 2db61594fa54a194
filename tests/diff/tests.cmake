# Argo CD diff-normalization conformance corpus (shared/conformance/diff),
# run against the capstan binary. Every option is mapped, no case skipped.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND EXISTS ${CAPSTAN_SHARED_DIR}/conformance/diff/run.py)
  add_test(NAME diff_conformance
           COMMAND ${Python3_EXECUTABLE} ${CAPSTAN_SHARED_DIR}/conformance/diff/run.py
                   --cmd "$<TARGET_FILE:capstan> diff-objects --output json"
                   --option-arg ignore_aggregated_roles=--ignore-aggregated-roles
                   "--option-arg=ignore_json_pointers=--ignore-json-pointer {}")
  # run.py only prints SKIP lines for cases it could not run: none allowed.
  set_tests_properties(diff_conformance PROPERTIES
                       FAIL_REGULAR_EXPRESSION "SKIP|[1-9][0-9]* failed"
                       PASS_REGULAR_EXPRESSION " 0 failed")
endif()
