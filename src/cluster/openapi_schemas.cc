#include "cluster/openapi_schemas.h"

#include <map>
#include <optional>
#include <set>

#include "cluster/proto_schema.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

const std::string kMeta = "k8s.io.apimachinery.pkg.apis.meta.v1.";

// "k8s.io.api.apps.v1.Deployment" -> "io.k8s.api.apps.v1.Deployment".
std::string SchemaName(const std::string& proto_name) {
  if (proto_name.rfind("k8s.io.", 0) == 0) return "io.k8s." + proto_name.substr(7);
  return proto_name;
}

Node Typed(const char* type, const char* format = nullptr) {
  Node n = Node::Map();
  n.Set("type", Node::String(type));
  if (format) n.Set("format", Node::String(format));
  return n;
}

// Types kube-apiserver describes as scalars; nullopt for others.
std::optional<Node> SpecialSchema(const std::string& t) {
  if (t == kMeta + "Time" || t == kMeta + "MicroTime") return Typed("string", "date-time");
  if (t == kMeta + "Duration") return Typed("string");
  // As kube-apiserver publishes them: oneOf, no type (so kubectl explain
  // names them <IntOrString>, <Quantity>).
  bool int_or_string = t == "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  if (int_or_string || t == "k8s.io.apimachinery.pkg.api.resource.Quantity") {
    Node n = Node::Map();
    if (int_or_string) n.Set("format", Node::String("int-or-string"));
    Node one = Node::Seq();
    one.items.push_back(Typed(int_or_string ? "integer" : "string"));
    one.items.push_back(Typed(int_or_string ? "string" : "number"));
    n.Set("oneOf", std::move(one));
    return n;
  }
  if (t == "k8s.io.apimachinery.pkg.runtime.RawExtension" || t == kMeta + "FieldsV1") {
    Node n = Typed("object");
    n.Set("x-kubernetes-preserve-unknown-fields", Node::Bool(true));
    return n;
  }
  return std::nullopt;
}

class Builder {
 public:
  Builder(const ProtoSchema& schema, std::string ref_prefix)
      : schema_(schema), prefix_(std::move(ref_prefix)), out_(Node::Map()) {}

  void AddKind(const ProtoMessage& m, const OpenApiKind& k) {
    Add(m);
    Node* s = out_.Get(SchemaName(m.full_name));
    Node gvk = Node::Map();
    gvk.Set("group", Node::String(k.group));
    gvk.Set("kind", Node::String(k.kind));
    gvk.Set("version", Node::String(k.version));
    Node* list = s->Get("x-kubernetes-group-version-kind");
    if (!list) list = &s->Set("x-kubernetes-group-version-kind", Node::Seq());
    list->items.push_back(gvk);
  }
  Node Take() { return std::move(out_); }

 private:
  void Add(const ProtoMessage& m) {
    std::string name = SchemaName(m.full_name);
    if (done_.count(name)) return;
    done_.insert(name);
    Node s = Node::Map();
    if (!m.description.empty()) s.Set("description", Node::String(m.description));
    s.Set("type", Node::String("object"));
    Node props = Node::Map();
    for (const auto& f : m.fields) {
      Node p = FieldSchema(f);
      if (!f.description.empty()) p.Set("description", Node::String(f.description));
      props.Set(f.name, std::move(p));
    }
    if (!props.fields.empty()) s.Set("properties", std::move(props));
    out_.Set(name, std::move(s));
  }

  Node ValueSchema(int type, const std::string& type_name) {
    switch (type) {
      case kProtoString: return Typed("string");
      case kProtoBytes: return Typed("string", "byte");
      case kProtoBool: return Typed("boolean");
      case kProtoInt32: case kProtoUint32: case kProtoSint32: case kProtoFixed32:
      case kProtoSfixed32: case kProtoEnum: return Typed("integer", "int32");
      case kProtoInt64: case kProtoUint64: case kProtoSint64: case kProtoFixed64:
      case kProtoSfixed64: return Typed("integer", "int64");
      case kProtoDouble: case kProtoFloat: return Typed("number", "double");
      default: break;
    }
    const ProtoMessage* sub = schema_.Find(type_name);
    if (!sub) return Typed("object");
    if (auto special = SpecialSchema(type_name)) {
      // A named scalar type, as kube-apiserver publishes it (kubectl
      // explain shows <Quantity>, <Time>, <IntOrString>).
      std::string name = SchemaName(type_name);
      if (!done_.count(name)) {
        done_.insert(name);
        if (!sub->description.empty()) special->Set("description", Node::String(sub->description));
        out_.Set(name, std::move(*special));
      }
    } else {
      Add(*sub);
    }
    Node ref = Node::Map();
    ref.Set("$ref", Node::String(prefix_ + SchemaName(type_name)));
    Node all = Node::Seq();
    all.items.push_back(std::move(ref));
    Node n = Node::Map();
    n.Set("allOf", std::move(all));
    return n;
  }

  Node FieldSchema(const ProtoField& f) {
    if (f.repeated && f.type == kProtoMessage) {
      const ProtoMessage* entry = schema_.Find(f.type_name);
      if (entry && entry->map_entry) {
        const ProtoField* v = entry->ByNumber(2);
        Node n = Typed("object");
        Node value = v ? ValueSchema(v->type, v->type_name) : Typed("string");
        // Map values name their type with a plain $ref (kubectl explain
        // prints map[string]<ref name>).
        if (const Node* all = value.Get("allOf"); all && all->IsSeq() && all->items.size() == 1)
          value = all->items[0];
        n.Set("additionalProperties", std::move(value));
        return n;
      }
    }
    Node value = ValueSchema(f.type, f.type_name);
    if (!f.repeated) return value;
    Node n = Typed("array");
    n.Set("items", std::move(value));
    return n;
  }

  const ProtoSchema& schema_;
  std::string prefix_;
  Node out_;
  std::set<std::string> done_;
};

}  // namespace

Node OpenApiSchemas(const std::vector<OpenApiKind>& kinds, const std::string& ref_prefix) {
  const ProtoSchema& schema = ProtoSchema::Kubernetes();
  Builder b(schema, ref_prefix);
  for (const auto& k : kinds) {
    std::string av = k.group.empty() ? k.version : k.group + "/" + k.version;
    const ProtoMessage* m = schema.ForKind(av, k.kind);
    if (!m || m->full_name.rfind(kMeta, 0) == 0) continue;  // custom kinds
    b.AddKind(*m, k);
  }
  return b.Take();
}

}  // namespace capstan::cluster
