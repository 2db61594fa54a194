// `capstan init`: a GitOps repository in the platform plan's layout
// (../shared/seed/gitops-plan.md; examples/ta-microservices is its output for
// the 23 ta-microservices services):
//   apps/<svc>/base/              Deployment (passing capstan lint), Service, ConfigMap,
//                                 ServiceAccount, Role(Binding), PodDisruptionBudget, NetworkPolicy
//   apps/<svc>/overlays/<env>/    namespace <group>-<env>, image tag, replicas, connection strings
//   apps/<svc>/kustomization.yaml the plan's per-app kustomization
//   projects/<env>-environment.yaml        AppProjects
//   environments/<env>/apps/*.yaml         one Application per service and env
//   infrastructure/                        PostgreSQL, Redis, Ingress, per-env overlays
//
// Promises: every kustomization renders with `capstan build` (and kubectl
// kustomize); every Application/AppProject is accepted by `capstan app
// create`. The tree is built aside and renamed into place: an existing
// non-empty DIR is refused and nothing is half-written.
#ifndef CAPSTAN_DELIVERY_SCAFFOLD_H_
#define CAPSTAN_DELIVERY_SCAFFOLD_H_

#include <map>
#include <string>
#include <vector>

namespace capstan::delivery {

struct ScaffoldOptions {
  std::vector<std::string> services;
  std::vector<std::string> environments = {"dev", "staging", "production"};
  std::string repo_url = "https://git.example.com/org/gitops.git";
  std::string registry = "registry.example.com/org";
  std::string domain = "example.com";
  std::string tag = "v1.0.0";
  std::string default_group = "apps";           // namespace group of a service
  std::map<std::string, std::string> groups;    // service -> group
  std::map<std::string, std::string> components;  // service -> component (default backend)
  std::vector<std::string> ingress_services;      // routed by the Ingress (default: the first three)
};

// Relative path -> contents. Throws Error on a bad service/env name.
std::map<std::string, std::string> ScaffoldFiles(const ScaffoldOptions& options);
// Writes them under dir (which must not exist or be empty).
void WriteScaffold(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_SCAFFOLD_H_
