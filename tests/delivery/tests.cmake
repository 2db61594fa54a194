# Delivery tooling (src/delivery): image set, promote, seal, ci, init, migrate.
add_test(NAME delivery_image_set_kubectl
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/image_set_test.py $<TARGET_FILE:capstan>)
set_tests_properties(delivery_image_set_kubectl PROPERTIES TIMEOUT 120)
add_test(NAME delivery_promote_git
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/promote_git_test.py $<TARGET_FILE:capstan>)
set_tests_properties(delivery_promote_git PROPERTIES TIMEOUT 120)
add_test(NAME delivery_seal_format
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/seal_test.py $<TARGET_FILE:capstan>)
set_tests_properties(delivery_seal_format PROPERTIES TIMEOUT 120)
add_test(NAME delivery_init
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/init_test.py $<TARGET_FILE:capstan>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(delivery_init PROPERTIES TIMEOUT 300)
add_test(NAME delivery_ci_templates
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/ci_test.py $<TARGET_FILE:capstan>)
set_tests_properties(delivery_ci_templates PROPERTIES TIMEOUT 120)
# Compose samples: migrate, render every overlay, apply dev, wait Healthy.
# Fails below this many of the 20 samples passing.
set(COMPOSE_MIGRATION_MIN_PASSED 20)
add_test(NAME delivery_compose_conformance
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/compose_test.py $<TARGET_FILE:capstan>
                 ${CAPSTAN_SHARED_DIR}/conformance/compose/samples ${COMPOSE_MIGRATION_MIN_PASSED})
set_tests_properties(delivery_compose_conformance PROPERTIES TIMEOUT 600)
if(TARGET capstan_app AND TARGET capstan_cluster)
  add_executable(delivery_seal_cluster_test ${CMAKE_CURRENT_LIST_DIR}/seal_cluster_test.cc)
  target_link_libraries(delivery_seal_cluster_test PRIVATE capstan_delivery capstan_app capstan_cluster
                        GTest::gtest GTest::gtest_main)
  target_include_directories(delivery_seal_cluster_test PRIVATE ${CMAKE_SOURCE_DIR})  # tests/lib/local_cluster.h
  add_test(NAME delivery_seal_cluster COMMAND delivery_seal_cluster_test WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(delivery_seal_cluster PROPERTIES TIMEOUT 300)
endif()
add_test(NAME delivery_sealed_sync_e2e
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/sealed_sync_e2e.sh $<TARGET_FILE:capstan>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(delivery_sealed_sync_e2e PROPERTIES TIMEOUT 300)
# Push to ssh:// (a real sshd on a free port) and https:// (git http-backend
# behind a TLS server with basic auth) remotes, and the Git source's fetch
# from them (git_fetch_probe); exit 77 = skipped (no sshd).
add_executable(git_fetch_probe ${CMAKE_CURRENT_LIST_DIR}/git_fetch_probe.cc)
target_link_libraries(git_fetch_probe PRIVATE capstan_git)
add_test(NAME delivery_push_ssh
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/push_ssh_test.py $<TARGET_FILE:capstan>
                 $<TARGET_FILE:git_fetch_probe>)
set_tests_properties(delivery_push_ssh PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
add_test(NAME delivery_push_https
         COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/push_https_test.py $<TARGET_FILE:capstan>
                 $<TARGET_FILE:git_fetch_probe>)
set_tests_properties(delivery_push_https PROPERTIES TIMEOUT 120)
