# capstan cluster driven by the real kubectl (skipped when kubectl is absent).
find_program(KUBECTL_BIN kubectl)
find_package(Python3 COMPONENTS Interpreter)
if(KUBECTL_BIN AND Python3_Interpreter_FOUND)
  add_test(NAME cluster_kubectl
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/kubectl_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(cluster_kubectl PROPERTIES TIMEOUT 600)
endif()

# Reliability of the local cluster, one test per concern.
if(CAPSTAN_TESTS AND TARGET capstan_cluster)
  pkg_check_modules(CLUSTER_TEST_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  # kill -9 and damaged databases: refuse to start, never serve part of the data.
  capstan_test(cluster_recovery_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/recovery_test.cc
               LIBS capstan_cluster)
  # One server per port and per data directory, stale pid files, --port range, auth.
  capstan_test(cluster_exclusion_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/exclusion_test.cc
               LIBS capstan_cluster PkgConfig::CLUSTER_TEST_HTTPLIB)
  # kube-apiserver's answers to invalid objects, selectors and resourceVersions.
  capstan_test(cluster_validation_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/validation_test.cc
               LIBS capstan_cluster)
  set_tests_properties(cluster_recovery_test cluster_exclusion_test PROPERTIES TIMEOUT 120)
endif()
if(Python3_Interpreter_FOUND)
  # 500 watches + 200 idle connections: /healthz and API requests still answer.
  add_test(NAME cluster_connections_test
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/connections_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(cluster_connections_test PROPERTIES TIMEOUT 300)
endif()
