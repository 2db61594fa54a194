#include "cluster/proto_schema.h"

#include <stdexcept>
#include <string_view>
#include <vector>

#include "cluster/proto_wire.h"
#include "resource/resource.h"

// The descriptor set, embedded at build time (CAPSTAN_K8S_DESCRIPTORS is its
// absolute path, set by src/cluster/CMakeLists.txt).
extern "C" const unsigned char capstan_k8s_descriptors[];
extern "C" const unsigned char capstan_k8s_descriptors_end[];
asm(".section .rodata\n"
    ".balign 16\n"
    ".global capstan_k8s_descriptors\n"
    "capstan_k8s_descriptors:\n"
    ".incbin \"" CAPSTAN_K8S_DESCRIPTORS "\"\n"
    ".global capstan_k8s_descriptors_end\n"
    "capstan_k8s_descriptors_end:\n"
    ".byte 0\n"
    ".previous\n");

namespace capstan::cluster {
namespace {

void ParseField(std::string_view b, ProtoField* f) {
  ProtoReader r(b);
  int n, w;
  std::string_view s;
  uint64_t v;
  while (r.Next(&n, &w, &s, &v)) {
    switch (n) {
      case 1: f->name = s; break;
      case 3: f->number = static_cast<int>(v); break;
      case 4: f->repeated = v == 3; break;
      case 5: f->type = static_cast<int>(v); break;
      case 6: f->type_name = s.size() && s[0] == '.' ? std::string(s.substr(1)) : std::string(s); break;
      default: break;
    }
  }
  if (!r.ok) throw std::runtime_error("protobuf descriptor set: bad FieldDescriptorProto");
}

using Comments = std::map<std::vector<int>, std::string>;

// A .proto comment as a description: "+marker" lines dropped, trimmed.
std::string Description(const Comments& comments, const std::vector<int>& path) {
  auto it = comments.find(path);
  if (it == comments.end()) return "";
  std::string out, line;
  size_t start = 0;
  const std::string& text = it->second;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    size_t b = line.find_first_not_of(' ');
    line = b == std::string::npos ? "" : line.substr(b);
    if (!line.empty() && line[0] != '+') out += (out.empty() || out.back() == '\n' ? "" : " ") + line;
    else if (line.empty() && !out.empty() && out.back() != '\n') out += "\n\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

Comments ParseSourceInfo(std::string_view b) {
  Comments out;
  ProtoReader r(b);
  int n, w;
  std::string_view s;
  uint64_t v;
  while (r.Next(&n, &w, &s, &v)) {
    if (n != 1) continue;
    ProtoReader loc(s);
    std::vector<int> path;
    std::string leading;
    int ln, lw;
    std::string_view ls;
    uint64_t lv;
    while (loc.Next(&ln, &lw, &ls, &lv)) {
      if (ln == 1 && lw == 2) {
        ProtoReader pr(ls);
        while (!pr.Done()) path.push_back(static_cast<int>(pr.Varint()));
      } else if (ln == 1 && lw == 0) {
        path.push_back(static_cast<int>(lv));
      } else if (ln == 3) {
        leading = ls;
      }
    }
    if (!leading.empty()) out[path] = leading;
  }
  return out;
}

void ParseMessage(std::string_view b, const std::string& scope, const std::vector<int>& path,
                  const Comments& comments, std::map<std::string, ProtoMessage>* out) {
  ProtoReader r(b);
  int n, w;
  std::string_view s;
  uint64_t v;
  ProtoMessage m;
  m.description = Description(comments, path);
  std::vector<std::string_view> nested;
  while (r.Next(&n, &w, &s, &v)) {
    if (n == 1) m.full_name = scope + "." + std::string(s);
    if (n == 2) {
      ProtoField f;
      ParseField(s, &f);
      std::vector<int> fp = path;
      fp.push_back(2);
      fp.push_back(static_cast<int>(m.fields.size()));
      f.description = Description(comments, fp);
      m.fields.push_back(std::move(f));
    }
    if (n == 3) nested.push_back(s);
    if (n == 7) {  // MessageOptions
      ProtoReader o(s);
      int on, ow;
      std::string_view os;
      uint64_t ov;
      while (o.Next(&on, &ow, &os, &ov))
        if (on == 7) m.map_entry = ov != 0;
    }
  }
  if (!r.ok) throw std::runtime_error("protobuf descriptor set: bad DescriptorProto");
  for (size_t i = 0; i < nested.size(); ++i) {
    std::vector<int> np = path;
    np.push_back(3);
    np.push_back(static_cast<int>(i));
    ParseMessage(nested[i], m.full_name, np, comments, out);
  }
  std::string name = m.full_name;
  (*out)[name] = std::move(m);
}

}  // namespace

const ProtoField* ProtoMessage::ByNumber(int number) const {
  for (const auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

const ProtoField* ProtoMessage::ByName(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

ProtoSchema::ProtoSchema(const std::string& set) {
  ProtoReader r(set);
  int n, w;
  std::string_view s;
  uint64_t v;
  while (r.Next(&n, &w, &s, &v)) {
    if (n != 1) continue;
    ProtoReader fr(s);
    std::string package;
    std::vector<std::string_view> messages;
    Comments comments;
    while (fr.Next(&n, &w, &s, &v)) {
      if (n == 2) package = s;
      if (n == 4) messages.push_back(s);
      if (n == 9) comments = ParseSourceInfo(s);
    }
    if (!fr.ok) throw std::runtime_error("protobuf descriptor set: bad FileDescriptorProto");
    for (size_t i = 0; i < messages.size(); ++i)
      ParseMessage(messages[i], package, {4, static_cast<int>(i)}, comments, &messages_);
  }
  if (!r.ok) throw std::runtime_error("protobuf descriptor set: truncated");
}

const ProtoSchema& ProtoSchema::Kubernetes() {
  static const ProtoSchema schema(std::string(
      reinterpret_cast<const char*>(capstan_k8s_descriptors),
      static_cast<size_t>(capstan_k8s_descriptors_end - capstan_k8s_descriptors)));
  return schema;
}

const ProtoMessage* ProtoSchema::Find(const std::string& full_name) const {
  auto it = messages_.find(full_name);
  return it == messages_.end() ? nullptr : &it->second;
}

const ProtoMessage* ProtoSchema::ForKind(const std::string& api_version,
                                         const std::string& kind) const {
  resource::Gvk gvk = resource::Gvk::FromApiVersion(api_version, kind);
  const std::string& group = gvk.group;
  const std::string& version = gvk.version;
  std::string segment = group.empty() ? "core" : group.substr(0, group.find('.'));
  if (segment != "meta" && !kind.empty())
    if (const ProtoMessage* m = Find("k8s.io.api." + segment + "." + version + "." + kind)) return m;
  // meta/v1 kinds (DeleteOptions, Status, ...) travel with any apiVersion.
  return Find("k8s.io.apimachinery.pkg.apis.meta.v1." + kind);
}

}  // namespace capstan::cluster
