// Kubernetes' protobuf encoding ("application/vnd.kubernetes.protobuf"):
// the "k8s\0" magic, a runtime.Unknown envelope {typeMeta, raw}, and the
// object's message as generated.proto describes it. Every kind of the
// compiled-in schema (proto_schema.h) decodes to the JSON object
// kube-apiserver would see and encodes back, with the special types
// (Time, MicroTime, Duration, IntOrString, Quantity, RawExtension,
// FieldsV1) in their JSON forms.
#ifndef CAPSTAN_CLUSTER_PROTOBUF_H_
#define CAPSTAN_CLUSTER_PROTOBUF_H_

#include <optional>
#include <string>

#include "yaml/node.h"

namespace capstan::cluster {

// nullopt when the body is not a protobuf object of a known kind (or is
// malformed); `error` (optional) receives a one-line reason.
std::optional<yaml::Node> DecodeProtobufObject(const std::string& body, std::string* error = nullptr);

// The protobuf body of a JSON object (apiVersion/kind pick the message);
// nullopt when its kind has no message or a field does not fit its type.
std::optional<std::string> EncodeProtobufObject(const yaml::Node& object);

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_PROTOBUF_H_
