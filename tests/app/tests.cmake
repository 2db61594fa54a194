# End-to-end tests of the GitOps engine (src/app, src/sync, src/git) against
# the in-process local cluster and local bare Git repositories, plus the
# CLI demo flow against `capstan cluster up`.
if(TARGET capstan_app AND TARGET capstan_cluster)
  add_executable(app_e2e_test ${CMAKE_CURRENT_LIST_DIR}/e2e_test.cc)
  target_link_libraries(app_e2e_test PRIVATE capstan_app capstan_cluster GTest::gtest GTest::gtest_main)
  target_include_directories(app_e2e_test PRIVATE ${CMAKE_SOURCE_DIR})  # tests/lib/*.h
  add_test(NAME app_e2e COMMAND app_e2e_test WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(app_e2e PROPERTIES TIMEOUT 300)
  add_test(NAME app_cli_e2e COMMAND ${CMAKE_CURRENT_LIST_DIR}/cli_e2e.sh $<TARGET_FILE:capstan>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(app_cli_e2e PROPERTIES TIMEOUT 300)
endif()
# Issue 9 defect 2: concurrent syncs of one Application are serialised
# through the cluster-visible operation lock (app/operation_lock.h).
find_program(KUBECTL_BIN kubectl)
find_package(Python3 COMPONENTS Interpreter)
if(TARGET capstan AND KUBECTL_BIN AND Python3_Interpreter_FOUND)
  add_test(NAME app_concurrency
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/concurrency_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(app_concurrency PROPERTIES TIMEOUT 300 ENVIRONMENT CAPSTAN_CONCURRENCY_PART=cli)
  # The same with a controller holding its Lease: app sync hands the
  # operation over through `.operation`.
  add_test(NAME app_concurrency_controller
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/concurrency_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(app_concurrency_controller PROPERTIES TIMEOUT 300
                       ENVIRONMENT CAPSTAN_CONCURRENCY_PART=controller)
endif()
