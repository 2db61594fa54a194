// Synthetic live objects for benchmarks: a reproducible mix of the kinds an
// Argo CD application holds (workloads with status, pods, services, config),
// in healthy and unhealthy states. Shared by the health and diff benchmarks.
#ifndef CAPSTAN_BENCH_HEALTH_GENERATE_H_
#define CAPSTAN_BENCH_HEALTH_GENERATE_H_

#include <cstdint>
#include <vector>

#include "yaml/node.h"

namespace capstan::bench {

// `n` objects, the same for the same seed. Kinds cycle through Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Pod, Job, Service, Ingress, PVC, HPA,
// ConfigMap and an argoproj.io Rollout, with pseudo-random status fields.
std::vector<yaml::Node> GenerateObjects(size_t n, uint64_t seed = 42);

}  // namespace capstan::bench

#endif  // CAPSTAN_BENCH_HEALTH_GENERATE_H_
