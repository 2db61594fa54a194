#include "cli/kube_flags.h"

#include <cstdlib>

namespace capstan::cli {

void AddKubeFlags(CLI::App* cmd, KubeFlags* flags, const std::string& when) {
  std::string suffix = when.empty() ? "" : " (" + when + ")";
  cmd->add_option("--kubeconfig", flags->kubeconfig,
                  "Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)" + suffix +
                      ". Inside a pod, with neither --kubeconfig, --context nor KUBECONFIG set, the in-cluster "
                      "configuration is used (KUBERNETES_SERVICE_HOST/PORT and the service-account token and CA).");
  cmd->add_option("--context", flags->context, "Kubeconfig context" + suffix);
}

kube::Config LoadKubeConfig(const KubeFlags& flags) {
  if (flags.kubeconfig.empty() && flags.context.empty() && std::getenv("KUBERNETES_SERVICE_HOST") &&
      !std::getenv("KUBECONFIG"))
    return kube::InClusterConfig();
  kube::KubeconfigOptions ko;
  ko.explicit_path = flags.kubeconfig;
  ko.context = flags.context;
  return kube::LoadKubeconfig(ko);
}

}  // namespace capstan::cli
