#include "cluster/schema_check.h"

#include <cmath>
#include <string>

#include "cluster/proto_schema.h"
#include "cluster/status.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

const std::string kMeta = "k8s.io.apimachinery.pkg.apis.meta.v1.";

struct Mismatch {
  std::string json_type, go_struct, path, go_type;
};

std::string JsonType(const Node& n) {
  if (n.IsMap()) return "object";
  if (n.IsSeq()) return "array";
  if (n.IsBool()) return "bool";
  if (n.IsNumber()) return "number";
  return "string";
}

std::string ShortName(const std::string& full) { return full.substr(full.rfind('.') + 1); }

class Checker {
 public:
  explicit Checker(const ProtoSchema& s) : schema_(s) {}
  bool failed = false;
  Mismatch m;

  void Message(const ProtoMessage& msg, const Node& v, const std::string& path, int depth) {
    if (failed || depth > 64 || v.IsNull()) return;
    if (!v.IsMap()) return Fail(v, msg, path, "", ShortName(msg.full_name));
    for (const auto& f : v.fields) {
      const ProtoField* pf = msg.ByName(f.key.Str());
      if (!pf) continue;
      std::string p = path.empty() ? pf->name : path + "." + pf->name;
      Field(msg, *pf, f.value, p, depth);
      if (failed) return;
    }
  }

 private:
  void Fail(const Node& v, const ProtoMessage& in, const std::string& path, const std::string& field_path,
            const std::string& go_type) {
    (void)field_path;
    failed = true;
    m = {JsonType(v), ShortName(in.full_name), path, go_type};
  }

  static std::string GoScalar(int type) {
    switch (type) {
      case kProtoString: return "string";
      case kProtoBytes: return "[]uint8";
      case kProtoBool: return "bool";
      case kProtoInt32: case kProtoSint32: case kProtoSfixed32: case kProtoEnum: return "int32";
      case kProtoUint32: case kProtoFixed32: return "uint32";
      case kProtoInt64: case kProtoSint64: case kProtoSfixed64: return "int64";
      case kProtoUint64: case kProtoFixed64: return "uint64";
      default: return "float64";
    }
  }

  bool ScalarFits(int type, const Node& v) {
    switch (type) {
      case kProtoString: case kProtoBytes: return v.IsString();
      case kProtoBool: return v.IsBool();
      case kProtoDouble: case kProtoFloat: return v.IsNumber();
      default: {
        if (v.IsInt()) return true;
        if (!v.IsFloat()) return false;
        double d = v.AsFloat();
        return std::floor(d) == d;  // Go accepts 3.0 for an int, not 3.5
      }
    }
  }

  void Value(const ProtoMessage& in, int type, const std::string& type_name, const Node& v,
             const std::string& path, int depth) {
    if (v.IsNull()) return;
    if (type != kProtoMessage) {
      if (!ScalarFits(type, v)) Fail(v, in, path, path, GoScalar(type));
      return;
    }
    if (type_name == kMeta + "Time" || type_name == kMeta + "MicroTime" || type_name == kMeta + "Duration") {
      if (!v.IsString()) Fail(v, in, path, path, ShortName(type_name));
      return;
    }
    if (type_name == "k8s.io.apimachinery.pkg.util.intstr.IntOrString" ||
        type_name == "k8s.io.apimachinery.pkg.api.resource.Quantity") {
      if (!v.IsString() && !v.IsNumber()) Fail(v, in, path, path, ShortName(type_name));
      return;
    }
    if (type_name == "k8s.io.apimachinery.pkg.runtime.RawExtension" || type_name == kMeta + "FieldsV1")
      return;
    const ProtoMessage* sub = schema_.Find(type_name);
    if (!sub) return;
    Message(*sub, v, path, depth + 1);
  }

  void Field(const ProtoMessage& in, const ProtoField& f, const Node& v, const std::string& path, int depth) {
    if (v.IsNull()) return;
    if (f.repeated && f.type == kProtoMessage) {
      const ProtoMessage* entry = schema_.Find(f.type_name);
      if (entry && entry->map_entry) {
        const ProtoField* vf = entry->ByNumber(2);
        if (!v.IsMap()) return Fail(v, in, path, path, "map[string]" + (vf ? GoScalar(vf->type) : "string"));
        if (!vf) return;
        for (const auto& e : v.fields) {
          Value(in, vf->type, vf->type_name, e.value, path, depth);
          if (failed) return;
        }
        return;
      }
    }
    if (f.repeated) {
      if (!v.IsSeq())
        return Fail(v, in, path, path,
                    "[]" + (f.type == kProtoMessage ? ShortName(f.type_name) : GoScalar(f.type)));
      for (const auto& item : v.items) {
        Value(in, f.type, f.type_name, item, path, depth);
        if (failed) return;
      }
      return;
    }
    Value(in, f.type, f.type_name, v, path, depth);
  }

  const ProtoSchema& schema_;
};

}  // namespace

void CheckBuiltInTypes(const ResourceInfo& r, const Node& obj) {
  if (r.custom) return;
  const ProtoSchema& schema = ProtoSchema::Kubernetes();
  const ProtoMessage* msg = schema.ForKind(r.ApiVersion(), r.kind);
  if (!msg || msg->full_name.rfind(kMeta, 0) == 0) return;
  Checker c(schema);
  c.Message(*msg, obj, "", 0);
  if (!c.failed) return;
  throw BadRequest(r.kind + " in version \"" + r.version + "\" cannot be handled as a " + r.kind +
                   ": json: cannot unmarshal " + c.m.json_type + " into Go struct field " +
                   c.m.go_struct + "." + c.m.path + " of type " + c.m.go_type);
}

}  // namespace capstan::cluster
