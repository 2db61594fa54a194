# capstan server: API tests against `capstan cluster up` (Python stdlib
# only) and the dashboard in headless Chromium (puppeteer-core, when
# Chromium and node are installed: scripts/install-deps).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME server_api
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/api_test.py $<TARGET_FILE:capstan>)
  set_tests_properties(server_api PROPERTIES TIMEOUT 600)
endif()
