# The Kubernetes client against capstan's in-process local API server
# (src/cluster): a real REST server over TLS, unlike the fake in src/kube.
if(TARGET capstan_kube AND TARGET capstan_cluster)
  capstan_test(kube_cluster_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cluster_integration_test.cc
               LIBS capstan_kube capstan_cluster)
endif()

# Client throughput against the fake API server (not a test: run by hand).
if(TARGET capstan_kube AND CAPSTAN_BENCH)
  find_package(benchmark REQUIRED)
  pkg_check_modules(KUBE_BENCH_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  add_executable(kube_bench ${CMAKE_CURRENT_LIST_DIR}/kube_bench.cc)
  target_link_libraries(kube_bench PRIVATE capstan_kube PkgConfig::KUBE_BENCH_HTTPLIB benchmark::benchmark)
endif()
