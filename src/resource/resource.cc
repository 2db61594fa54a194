// Identity of Kubernetes objects.
#include "resource/resource.h"

namespace capstan::resource {

Gvk Gvk::FromApiVersion(std::string_view api_version, std::string_view kind) {
  Gvk g;
  g.kind = std::string(kind);
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    g.version = std::string(api_version);  // core group: "v1"
  } else {
    g.group = std::string(api_version.substr(0, slash));
    g.version = std::string(api_version.substr(slash + 1));
  }
  return g;
}

Gvk Gvk::Of(const yaml::Node& obj) {
  return FromApiVersion(obj.StrAt({"apiVersion"}), obj.StrAt({"kind"}));
}

std::string ApiPath(std::string_view group, std::string_view version) {
  if (group.empty()) return "/api/" + std::string(version);
  return "/apis/" + std::string(group) + "/" + std::string(version);
}

std::string ResourcePath(std::string_view group, std::string_view version, std::string_view plural,
                         std::string_view ns, std::string_view name, std::string_view subresource) {
  std::string p = ApiPath(group, version);
  if (!ns.empty()) p.append("/namespaces/").append(ns);
  p.append("/").append(plural);
  if (!name.empty()) p.append("/").append(name);
  if (!subresource.empty()) p.append("/").append(subresource);
  return p;
}

std::string Gvk::ApiVersion() const {
  if (group.empty()) return version;
  if (version.empty()) return group;
  return group + "/" + version;
}

ResId ResId::Of(const yaml::Node& obj) {
  ResId id;
  id.gvk = Gvk::Of(obj);
  id.ns = obj.StrAt({"metadata", "namespace"});
  id.name = obj.StrAt({"metadata", "name"});
  return id;
}

std::string ResId::String() const {
  std::string s = gvk.ApiVersion();
  s += '/';
  s += gvk.kind;
  s += '/';
  if (!ns.empty()) {
    s += ns;
    s += '/';
  }
  s += name;
  return s;
}

}  // namespace capstan::resource
