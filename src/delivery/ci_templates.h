// `capstan ci gitlab|github`: pipelines for the plan's stages (test, build,
// security-scan, deploy-staging, deploy-production as a manual step) whose
// deploy jobs are capstan commands: `capstan check` on the service's
// manifests (when the binary has it), `capstan image set --push` for
// staging, `capstan promote --push` for production.
#ifndef CAPSTAN_DELIVERY_CI_TEMPLATES_H_
#define CAPSTAN_DELIVERY_CI_TEMPLATES_H_

#include <string>

namespace capstan::delivery {

struct CiOptions {
  std::string registry = "registry.gitlab.com/ta-microservices";
  std::string gitops_repo = "https://gitlab.com/ta-microservices/gitops.git";
  std::string branch = "main";
  std::string capstan_image = "registry.gitlab.com/ta-microservices/capstan:latest";
  bool with_check = true;  // the pre-deployment `capstan check` step
};

std::string GitlabPipeline(const CiOptions& options);
std::string GithubWorkflow(const CiOptions& options);

}  // namespace capstan::delivery

#endif  // CAPSTAN_DELIVERY_CI_TEMPLATES_H_
