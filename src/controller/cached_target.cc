#include "controller/cached_target.h"

namespace capstan::controller {

namespace {
thread_local StatusCapture* t_capture = nullptr;
}

StatusCapture::StatusCapture() { t_capture = this; }
StatusCapture::~StatusCapture() { t_capture = nullptr; }
StatusCapture* StatusCapture::Current() { return t_capture; }

CachedTarget::CachedTarget(app::KubeTarget& kube, cache::ClusterCache& cache, std::string label_key,
                           RequestFn on_request, cache::ClusterCache* projects)
    : kube_(kube), cache_(cache), projects_(projects), label_key_(std::move(label_key)),
      on_request_(std::move(on_request)) {}

void CachedTarget::Count(const std::string& verb, const resource::Gvk& gvk, const std::string& ns, int code) {
  if (on_request_) on_request_(verb, gvk, ns, code);
}

std::optional<yaml::Node> CachedTarget::Get(const resource::ResId& id) {
  if (projects_ && id.gvk.group == "argoproj.io" && id.gvk.kind == "AppProject" && projects_->Watched(id.gvk))
    return projects_->Get(id);
  try {
    auto obj = kube_.Get(id);
    Count("Get", id.gvk, id.ns, obj ? 200 : 404);
    return obj;
  } catch (const sync::TargetError& e) {
    Count("Get", id.gvk, id.ns, e.code());
    throw;
  }
}

std::vector<yaml::Node> CachedTarget::ListByLabel(const std::string& key, const std::string& value) {
  if (key == label_key_ && !value.empty()) return cache_.ByLabel(value);
  return kube_.ListByLabel(key, value);
}

yaml::Node CachedTarget::Apply(const yaml::Node& obj, const sync::ApplyOptions& opts) {
  resource::ResId id = resource::ResId::Of(obj);
  try {
    yaml::Node stored = kube_.Apply(obj, opts);
    Count("Patch", id.gvk, id.ns, 200);
    if (!opts.dry_run) cache_.Remember(id, &stored);
    return stored;
  } catch (const sync::TargetError& e) {
    Count("Patch", id.gvk, id.ns, e.code());
    throw;
  }
}

void CachedTarget::Delete(const resource::ResId& id, const sync::DeleteOptions& opts) {
  try {
    kube_.Delete(id, opts);
    Count("Delete", id.gvk, id.ns, 200);
  } catch (const sync::TargetError& e) {
    Count("Delete", id.gvk, id.ns, e.code());
    throw;
  }
}

yaml::Node CachedTarget::UpdateStatus(const yaml::Node& obj) {
  if (StatusCapture* c = StatusCapture::Current()) {
    c->captured = obj;
    return obj;
  }
  resource::ResId id = resource::ResId::Of(obj);
  try {
    yaml::Node out = kube_.UpdateStatus(obj);
    Count("Patch", id.gvk, id.ns, 200);
    return out;
  } catch (const sync::TargetError& e) {
    Count("Patch", id.gvk, id.ns, e.code());
    throw;
  }
}

std::vector<yaml::Node> CachedTarget::List(const resource::Gvk& gvk, const std::string& ns) {
  try {
    auto out = kube_.List(gvk, ns);
    Count("List", gvk, ns, 200);
    return out;
  } catch (const sync::TargetError& e) {
    Count("List", gvk, ns, e.code());
    throw;
  }
}

}  // namespace capstan::controller
