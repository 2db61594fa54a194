# capstan cluster driven by the real kubectl (skipped when kubectl is absent).
find_program(KUBECTL_BIN kubectl)
find_package(Python3 COMPONENTS Interpreter)
if(KUBECTL_BIN AND Python3_Interpreter_FOUND)
  add_test(NAME cluster_kubectl
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/kubectl_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(cluster_kubectl PROPERTIES TIMEOUT 600)
endif()
