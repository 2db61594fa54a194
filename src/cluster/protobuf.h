// Just enough of the Kubernetes protobuf encoding ("k8s\0" + runtime.Unknown)
// to accept what kubectl's typed clients send for `kubectl create
// namespace|configmap|secret|serviceaccount`: ObjectMeta plus those kinds'
// fields. Other kinds answer 415 (client-go then cannot fall back, so the
// set covers the kubectl create subcommands that use protobuf bodies).
#ifndef CAPSTAN_CLUSTER_PROTOBUF_H_
#define CAPSTAN_CLUSTER_PROTOBUF_H_

#include <optional>
#include <string>

#include "yaml/node.h"

namespace capstan::cluster {

// nullopt when the body is not a protobuf object of a supported kind.
std::optional<yaml::Node> DecodeProtobufObject(const std::string& body);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_PROTOBUF_H_
