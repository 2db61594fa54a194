# capstan server: API tests against `capstan cluster up` (Python stdlib
# only) and the dashboard in headless Chromium (puppeteer-core, when
# Chromium and node are installed: scripts/install-deps).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME server_api
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/api_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(server_api PROPERTIES TIMEOUT 600)
  add_test(NAME server_notifications
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/notify_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(server_notifications PROPERTIES TIMEOUT 300)
endif()
# One operation per Application between `capstan server` and `capstan app`
# (the controller tests' fixture: it drives kubectl).
find_program(KUBECTL_BIN kubectl)
if(Python3_Interpreter_FOUND AND KUBECTL_BIN)
  add_test(NAME server_concurrency
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/concurrency_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(server_concurrency PROPERTIES TIMEOUT 300)
endif()
find_program(NODE_BIN node)
find_program(CHROMIUM_BIN chromium)
if(Python3_Interpreter_FOUND AND NODE_BIN AND CHROMIUM_BIN)
  add_test(NAME server_browser
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/browser_test.py $<TARGET_FILE:capstan>
                   ${CMAKE_CURRENT_BINARY_DIR}/server-screenshots)
  set_tests_properties(server_browser PROPERTIES TIMEOUT 900 ENVIRONMENT "CHROMIUM=${CHROMIUM_BIN}")
endif()
