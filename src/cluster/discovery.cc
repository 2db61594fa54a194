#include "cluster/discovery.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

Node Strs(const std::vector<std::string>& v) {
  Node s = Node::Seq();
  for (const auto& x : v) s.items.push_back(Node::String(x));
  return s;
}

const std::vector<std::string> kVerbs = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kSubVerbs = {"get", "patch", "update"};

Node GroupVersion(const std::string& group, const std::string& version) {
  Node gv = Node::Map();
  gv.Set("groupVersion", Node::String(group + "/" + version));
  gv.Set("version", Node::String(version));
  return gv;
}

Node GroupNode(const std::string& group, const std::vector<std::string>& versions) {
  Node g = Node::Map();
  g.Set("name", Node::String(group));
  Node vs = Node::Seq();
  for (const auto& v : versions) vs.items.push_back(GroupVersion(group, v));
  g.Set("versions", vs);
  g.Set("preferredVersion", GroupVersion(group, versions.front()));
  return g;
}

Node ResponseKind(const std::string& g, const std::string& v, const std::string& k) {
  Node n = Node::Map();
  n.Set("group", Node::String(g));
  n.Set("version", Node::String(v));
  n.Set("kind", Node::String(k));
  return n;
}

Node AggregatedResource(const ResourceInfo& r) {
  Node n = Node::Map();
  n.Set("resource", Node::String(r.plural));
  n.Set("responseKind", ResponseKind(r.group, r.version, r.kind));
  n.Set("scope", Node::String(r.namespaced ? "Namespaced" : "Cluster"));
  n.Set("singularResource", Node::String(r.singular));
  n.Set("verbs", Strs(r.create_only ? std::vector<std::string>{"create"} : kVerbs));
  if (!r.short_names.empty()) n.Set("shortNames", Strs(r.short_names));
  if (!r.categories.empty()) n.Set("categories", Strs(r.categories));
  Node subs = Node::Seq();
  if (r.has_scale) {
    Node s = Node::Map();
    s.Set("subresource", Node::String("scale"));
    s.Set("responseKind", ResponseKind("autoscaling", "v1", "Scale"));
    s.Set("verbs", Strs(kSubVerbs));
    subs.items.push_back(s);
  }
  if (r.has_status) {
    Node s = Node::Map();
    s.Set("subresource", Node::String("status"));
    s.Set("responseKind", ResponseKind(r.group, r.version, r.kind));
    s.Set("verbs", Strs(kSubVerbs));
    subs.items.push_back(s);
  }
  if (!subs.items.empty()) n.Set("subresources", subs);
  return n;
}

}  // namespace

Node ApiVersions(const std::string& server_address) {
  Node n = Node::Map();
  n.Set("kind", Node::String("APIVersions"));
  n.Set("versions", Strs({"v1"}));
  Node cidr = Node::Map();
  cidr.Set("clientCIDR", Node::String("0.0.0.0/0"));
  cidr.Set("serverAddress", Node::String(server_address));
  Node seq = Node::Seq();
  seq.items.push_back(cidr);
  n.Set("serverAddressByClientCIDRs", seq);
  return n;
}

Node ApiGroupList(const Registry& reg) {
  Node n = Node::Map();
  n.Set("kind", Node::String("APIGroupList"));
  n.Set("apiVersion", Node::String("v1"));
  Node groups = Node::Seq();
  for (const auto& [g, versions] : reg.Groups()) groups.items.push_back(GroupNode(g, versions));
  n.Set("groups", groups);
  return n;
}

std::optional<Node> ApiGroup(const Registry& reg, const std::string& group) {
  for (const auto& [g, versions] : reg.Groups()) {
    if (g != group) continue;
    Node n = GroupNode(g, versions);
    Node out = Node::Map();
    out.Set("kind", Node::String("APIGroup"));
    out.Set("apiVersion", Node::String("v1"));
    for (auto& f : n.fields) out.Set(f.key.Str(), f.value);
    return out;
  }
  return std::nullopt;
}

std::optional<Node> ApiResourceList(const Registry& reg, const std::string& group,
                                    const std::string& version) {
  Node list = Node::Seq();
  bool any = false;
  for (const auto& r : reg.All()) {
    if (r.group != group || r.version != version) continue;
    any = true;
    Node n = Node::Map();
    n.Set("name", Node::String(r.plural));
    n.Set("singularName", Node::String(r.singular));
    n.Set("namespaced", Node::Bool(r.namespaced));
    n.Set("kind", Node::String(r.kind));
    n.Set("verbs", Strs(r.create_only ? std::vector<std::string>{"create"} : kVerbs));
    if (!r.short_names.empty()) n.Set("shortNames", Strs(r.short_names));
    if (!r.categories.empty()) n.Set("categories", Strs(r.categories));
    list.items.push_back(n);
    if (r.kind == "Pod" && !r.custom) {
      for (const char* sub : {"attach", "exec", "log", "portforward"}) {
        Node s = Node::Map();
        s.Set("name", Node::String(std::string("pods/") + sub));
        s.Set("singularName", Node::String(""));
        s.Set("namespaced", Node::Bool(true));
        s.Set("kind", Node::String(std::string(sub) == "log" ? "Pod" : "PodAttachOptions"));
        s.Set("verbs", Strs(std::string(sub) == "log" ? std::vector<std::string>{"get"}
                                                       : std::vector<std::string>{"create", "get"}));
        list.items.push_back(s);
      }
    }
    if (r.has_scale) {
      Node s = Node::Map();
      s.Set("name", Node::String(r.plural + "/scale"));
      s.Set("singularName", Node::String(""));
      s.Set("namespaced", Node::Bool(r.namespaced));
      s.Set("group", Node::String("autoscaling"));
      s.Set("version", Node::String("v1"));
      s.Set("kind", Node::String("Scale"));
      s.Set("verbs", Strs(kSubVerbs));
      list.items.push_back(s);
    }
    if (r.has_status) {
      Node s = Node::Map();
      s.Set("name", Node::String(r.plural + "/status"));
      s.Set("singularName", Node::String(""));
      s.Set("namespaced", Node::Bool(r.namespaced));
      s.Set("kind", Node::String(r.kind));
      s.Set("verbs", Strs(kSubVerbs));
      list.items.push_back(s);
    }
  }
  if (!any) return std::nullopt;
  Node out = Node::Map();
  out.Set("kind", Node::String("APIResourceList"));
  out.Set("apiVersion", Node::String("v1"));
  out.Set("groupVersion", Node::String(group.empty() ? version : group + "/" + version));
  out.Set("resources", list);
  return out;
}

Node AggregatedDiscovery(const Registry& reg, bool legacy) {
  Node items = Node::Seq();
  auto all = reg.All();
  auto add_group = [&](const std::string& group, const std::vector<std::string>& versions) {
    Node g = Node::Map();
    Node md = Node::Map();
    if (!group.empty()) md.Set("name", Node::String(group));
    md.Set("creationTimestamp", Node::Null());
    g.Set("metadata", md);
    Node vs = Node::Seq();
    for (const auto& v : versions) {
      Node vn = Node::Map();
      vn.Set("version", Node::String(v));
      Node rs = Node::Seq();
      for (const auto& r : all)
        if (r.group == group && r.version == v) rs.items.push_back(AggregatedResource(r));
      vn.Set("resources", rs);
      vn.Set("freshness", Node::String("Current"));
      vs.items.push_back(vn);
    }
    g.Set("versions", vs);
    items.items.push_back(g);
  };
  if (legacy) {
    add_group("", {"v1"});
  } else {
    for (const auto& [g, versions] : reg.Groups()) add_group(g, versions);
  }
  Node out = Node::Map();
  out.Set("kind", Node::String("APIGroupDiscoveryList"));
  out.Set("apiVersion", Node::String("apidiscovery.k8s.io/v2"));
  out.Set("metadata", Node::Map());
  out.Set("items", items);
  return out;
}

}  // namespace capstan::cluster
