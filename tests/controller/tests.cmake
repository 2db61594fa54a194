# capstan controller end to end: a local cluster, a local Git repository,
# `capstan controller` processes and the real kubectl as the drift maker.
# One test per concern (Flux-style *_prune_test, *_wait_test ...).
find_program(KUBECTL_BIN kubectl)
find_package(Python3 COMPONENTS Interpreter)
if(TARGET capstan AND KUBECTL_BIN AND Python3_Interpreter_FOUND)
  foreach(t autosync selfheal prune retry operation finalizer refresh lease lease_loss shard_takeover restart metrics appset deploy repo)
    if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${t}_test.py)
      add_test(NAME controller_${t}
               COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/${t}_test.py $<TARGET_FILE:capstan>)
      set_tests_properties(controller_${t} PROPERTIES TIMEOUT 300)
    endif()
  endforeach()
  # A real Prometheus beside the rest of a parallel suite has stopped
  # answering for moments on this 2-core machine: run it alone.
  if(TEST controller_metrics)
    set_tests_properties(controller_metrics PROPERTIES RUN_SERIAL TRUE)
  endif()
endif()
# Smoke run of bench/controller at 200 apps (1,000 takes ~2 min on this
# 2-core machine under suite load): every phase must complete.
if(TARGET capstan AND KUBECTL_BIN AND Python3_Interpreter_FOUND)
  add_test(NAME controller_bench_smoke
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/bench/controller/run.py --apps 200 --drifts 20 --check
                   --capstan $<TARGET_FILE:capstan>)
  set_tests_properties(controller_bench_smoke PROPERTIES TIMEOUT 600)
endif()
