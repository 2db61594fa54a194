// --kubeconfig and --context of every command that talks to a cluster, and
// the one rule that turns them into a kube::Config.
#ifndef CAPSTAN_CLI_KUBE_FLAGS_H_
#define CAPSTAN_CLI_KUBE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "kube/client.h"

namespace capstan::cli {

struct KubeFlags {
  std::string kubeconfig;  // --kubeconfig
  std::string context;     // --context
};

// Adds --kubeconfig and --context to `cmd`, writing into `flags`; `when`
// ends their help text (e.g. "with --from-cluster").
void AddKubeFlags(CLI::App* cmd, KubeFlags* flags, const std::string& when = "");

// The cluster the flags name. Inside a pod (KUBERNETES_SERVICE_HOST set)
// with neither flag nor KUBECONFIG: the pod's service account
// (kube::InClusterConfig). Else the kubeconfig files as kubectl reads them
// (--kubeconfig, else the KUBECONFIG list, else ~/.kube/config) and
// --context, else current-context. Throws kube::ConfigError naming the file
// and the field.
kube::Config LoadKubeConfig(const KubeFlags& flags);

}  // namespace capstan::cli

#endif  // CAPSTAN_CLI_KUBE_FLAGS_H_
