# Health: the shared conformance corpus through the binary, and CLI behaviour.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME health_conformance
  COMMAND ${Python3_EXECUTABLE} ${CAPSTAN_SHARED_DIR}/conformance/health/run.py
          --cmd "$<TARGET_FILE:capstan> health --output json" --check-derived-messages)
add_test(NAME health_cli
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/health/cli_test.py $<TARGET_FILE:capstan>)
