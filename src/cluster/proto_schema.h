// The protobuf schema of the Kubernetes 1.32 stable API groups: messages
// and their fields, read from a descriptor set compiled into the binary
// (src/cluster/k8s_descriptors.pb, made by scripts/gen-k8s-descriptors
// from the upstream generated.proto files). Used to decode and encode the
// "application/vnd.kubernetes.protobuf" bodies of every built-in kind.
#ifndef CAPSTAN_CLUSTER_PROTO_SCHEMA_H_
#define CAPSTAN_CLUSTER_PROTO_SCHEMA_H_

#include <map>
#include <string>
#include <vector>

namespace capstan::cluster {

// FieldDescriptorProto.Type values used here.
enum ProtoType {
  kProtoDouble = 1, kProtoFloat = 2, kProtoInt64 = 3, kProtoUint64 = 4, kProtoInt32 = 5,
  kProtoFixed64 = 6, kProtoFixed32 = 7, kProtoBool = 8, kProtoString = 9, kProtoMessage = 11,
  kProtoBytes = 12, kProtoUint32 = 13, kProtoEnum = 14, kProtoSfixed32 = 15, kProtoSfixed64 = 16,
  kProtoSint32 = 17, kProtoSint64 = 18,
};

struct ProtoField {
  std::string name;       // the JSON name (Kubernetes protos use JSON names)
  int number = 0;
  int type = 0;           // ProtoType
  bool repeated = false;
  std::string type_name;  // full name of a message type, without the leading dot
  std::string description;  // the .proto comment, without +markers
};

struct ProtoMessage {
  std::string full_name;  // "k8s.io.api.apps.v1.Deployment"
  bool map_entry = false;
  std::string description;
  std::vector<ProtoField> fields;  // by field number
  const ProtoField* ByNumber(int number) const;
  const ProtoField* ByName(const std::string& name) const;
};

class ProtoSchema {
 public:
  // The compiled-in Kubernetes schema (parsed once).
  static const ProtoSchema& Kubernetes();
  // Parses a serialized FileDescriptorSet; throws std::runtime_error.
  explicit ProtoSchema(const std::string& descriptor_set);

  const ProtoMessage* Find(const std::string& full_name) const;
  // The message of a kind: "apps/v1" "Deployment" -> k8s.io.api.apps.v1.
  // Deployment; meta kinds (DeleteOptions, Status, ...) from meta/v1.
  const ProtoMessage* ForKind(const std::string& api_version, const std::string& kind) const;
  const std::map<std::string, ProtoMessage>& messages() const { return messages_; }

 private:
  std::map<std::string, ProtoMessage> messages_;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_PROTO_SCHEMA_H_
