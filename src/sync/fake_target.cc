#include "sync/fake_target.h"

namespace capstan::sync {

FakeTarget::FakeTarget()
    : builtin_groups{"",
                     "apps",
                     "batch",
                     "autoscaling",
                     "policy",
                     "rbac.authorization.k8s.io",
                     "networking.k8s.io",
                     "storage.k8s.io",
                     "apiextensions.k8s.io",
                     "apiregistration.k8s.io",
                     "admissionregistration.k8s.io",
                     "scheduling.k8s.io",
                     "coordination.k8s.io",
                     "discovery.k8s.io",
                     "certificates.k8s.io",
                     "node.k8s.io",
                     "events.k8s.io"} {}

std::string FakeTarget::Key(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + "/" + ns + "/" + name;
}

bool FakeTarget::KindServed(const resource::Gvk& gvk) const {
  if (builtin_groups.count(gvk.group)) return true;
  for (const auto& [key, obj] : objects_) {
    if (obj.StrAt({"kind"}) == "CustomResourceDefinition" &&
        obj.StrAt({"spec", "group"}) == gvk.group && obj.StrAt({"spec", "names", "kind"}) == gvk.kind)
      return true;
  }
  return false;
}

std::optional<yaml::Node> FakeTarget::Get(const resource::ResId& id) {
  auto it = objects_.find(Key(id.gvk.kind, id.ns, id.name));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<yaml::Node> FakeTarget::ListByLabel(const std::string& key, const std::string& value) {
  std::vector<yaml::Node> out;
  for (const auto& [k, obj] : objects_) {
    const yaml::Node* labels = obj.At({"metadata", "labels"});
    const yaml::Node* v = labels ? labels->Get(key) : nullptr;
    if (v && (value.empty() || v->value == value)) out.push_back(obj);
  }
  return out;
}

std::vector<yaml::Node> FakeTarget::List(const resource::Gvk& gvk, const std::string& ns) {
  std::vector<yaml::Node> out;
  for (const auto& [k, obj] : objects_) {
    resource::ResId id = resource::ResId::Of(obj);
    if (id.gvk.group == gvk.group && id.gvk.kind == gvk.kind && (ns.empty() || id.ns == ns))
      out.push_back(obj);
  }
  return out;
}

yaml::Node FakeTarget::Apply(const yaml::Node& obj, const ApplyOptions& opts) {
  resource::ResId id = resource::ResId::Of(obj);
  std::string display = id.gvk.kind + "/" + id.name;
  if (id.name.empty())
    throw TargetError(id.gvk.kind + ": metadata.name: Required value", 422, "Invalid");
  if (!KindServed(id.gvk))
    throw TargetError("the server could not find the requested resource (kind " + id.gvk.kind +
                          " in " + id.gvk.ApiVersion() + ")",
                      404, "NotFound");
  if (!id.ns.empty() && !objects_.count(Key("Namespace", "", id.ns)))
    throw TargetError("namespaces \"" + id.ns + "\" not found", 404, "NotFound");
  auto fail = fail_apply.find(display);
  if (fail != fail_apply.end() && fail->second.remaining != 0) {
    if (fail->second.remaining > 0) --fail->second.remaining;  // dry runs count too
    throw TargetError(display + ": " + fail->second.message, fail->second.code, "Invalid");
  }
  std::string key = Key(id.gvk.kind, id.ns, id.name);
  yaml::Node stored = obj;
  auto it = objects_.find(key);
  // Status first: adding a field may move the others (no references held).
  if (it != objects_.end())
    if (const yaml::Node* status = it->second.Get("status")) stored.Set("status", *status);
  yaml::Node& meta = stored.GetOrCreateMap("metadata");
  if (it != objects_.end()) {
    meta.Set("uid", yaml::Node::String(it->second.StrAt({"metadata", "uid"})));
    int64_t gen = 1;
    if (const yaml::Node* g = it->second.At({"metadata", "generation"})) gen = g->AsInt(1);
    if (obj.Get("spec") && it->second.Get("spec") && *obj.Get("spec") != *it->second.Get("spec")) ++gen;
    meta.Set("generation", yaml::Node::Int(gen));
  } else {
    meta.Set("uid", yaml::Node::String("uid-" + std::to_string(next_version_)));
    meta.Set("generation", yaml::Node::Int(1));
  }
  if (opts.dry_run) return stored;
  meta.Set("resourceVersion", yaml::Node::String(std::to_string(next_version_++)));
  if (on_apply) on_apply(stored);
  objects_[key] = stored;
  log.push_back("apply " + key);
  return stored;
}

void FakeTarget::Delete(const resource::ResId& id, const DeleteOptions& opts) {
  if (opts.dry_run) return;
  std::string key = Key(id.gvk.kind, id.ns, id.name);
  if (objects_.erase(key)) log.push_back("delete " + key);
  if (id.gvk.kind == "Namespace" && id.gvk.group.empty()) {
    for (auto it = objects_.begin(); it != objects_.end();) {
      if (resource::ResId::Of(it->second).ns == id.name) it = objects_.erase(it);
      else ++it;
    }
  }
}

yaml::Node FakeTarget::UpdateStatus(const yaml::Node& obj) {
  resource::ResId id = resource::ResId::Of(obj);
  auto it = objects_.find(Key(id.gvk.kind, id.ns, id.name));
  if (it == objects_.end())
    throw TargetError(id.String() + ": not found", 404, "NotFound");
  if (const yaml::Node* status = obj.Get("status")) it->second.Set("status", *status);
  return it->second;
}

void FakeTarget::Put(const yaml::Node& obj) {
  resource::ResId id = resource::ResId::Of(obj);
  objects_[Key(id.gvk.kind, id.ns, id.name)] = obj;
}

bool FakeTarget::Has(const std::string& kind, const std::string& ns, const std::string& name) const {
  return objects_.count(Key(kind, ns, name)) > 0;
}

const yaml::Node* FakeTarget::Find(const std::string& kind, const std::string& ns,
                                   const std::string& name) const {
  auto it = objects_.find(Key(kind, ns, name));
  return it == objects_.end() ? nullptr : &it->second;
}

}  // namespace capstan::sync
