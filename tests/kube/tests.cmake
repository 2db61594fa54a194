# The Kubernetes client against capstan's in-process local API server
# (src/cluster): a real REST server over TLS, unlike the fake in src/kube.
if(TARGET capstan_kube AND TARGET capstan_cluster)
  capstan_test(kube_cluster_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cluster_integration_test.cc
               LIBS capstan_kube capstan_cluster)
endif()
