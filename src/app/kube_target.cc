#include "app/kube_target.h"

#include <algorithm>
#include <set>

#include "yaml/yaml.h"

namespace capstan::app {
namespace {

sync::TargetError Convert(const kube::KubeError& e) { return sync::TargetError(e.what(), e.code, e.reason); }

// "key" (any value) or "key=value".
std::string LabelSelector(const std::string& key, const std::string& value) {
  return value.empty() ? key : key + "=" + value;
}

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

KubeTarget::KubeTarget(kube::ResourceClient& client, kube::Discovery* discovery)
    : client_(client), discovery_(discovery) {}

std::optional<yaml::Node> KubeTarget::Get(const resource::ResId& id) {
  try {
    yaml::Node obj = client_.Get(id);
    Remember(id, &obj);
    return obj;
  } catch (const kube::KubeError& e) {
    if (e.code == 404) {
      Remember(id, nullptr);
      return std::nullopt;
    }
    throw Convert(e);
  }
}

std::vector<kube::ApiResource> KubeTarget::ListableKinds() {
  std::lock_guard<std::mutex> l(kinds_mu_);
  if (!kinds_.empty() || !discovery_) return kinds_;
  std::set<std::string> seen;
  std::vector<kube::ApiResource> all;
  try {
    all = discovery_->Resources();
  } catch (const kube::KubeError& e) {
    throw Convert(e);
  }
  // Preferred versions first so each group/kind is listed once.
  std::stable_partition(all.begin(), all.end(), [](const kube::ApiResource& r) { return r.preferred; });
  for (const auto& r : all) {
    if (!r.HasVerb("list")) continue;
    if (r.kind == "Event" || r.group == "events.k8s.io" || r.kind == "ComponentStatus" ||
        r.kind == "Binding" || r.kind == "TokenReview" || r.kind == "Endpoints" || r.kind == "EndpointSlice" ||
        r.kind == "Lease")
      continue;  // never owned by an Application, and noisy
    if (!seen.insert(r.group + "/" + r.kind).second) continue;
    kinds_.push_back(r);
  }
  return kinds_;
}

std::vector<yaml::Node> KubeTarget::ListAllKinds(const std::string& selector) {
  std::vector<yaml::Node> out;
  kube::ListOptions lo;
  lo.label_selector = selector;
  for (const auto& r : ListableKinds()) {
    try {
      yaml::Node list = client_.List(r.gvk(), "", lo);
      if (yaml::Node* items = list.Get("items"); items && items->IsSeq()) {
        for (auto& item : items->items) {
          // List items carry no apiVersion/kind; put them back.
          item.Set("apiVersion", yaml::Node::String(r.gvk().ApiVersion()));
          item.Set("kind", yaml::Node::String(r.kind));
          out.push_back(std::move(item));
        }
      }
    } catch (const kube::KubeError& e) {
      if (e.code == 404 || e.code == 405 || e.code == 403) continue;
      throw Convert(e);
    }
  }
  return out;
}

std::vector<yaml::Node> KubeTarget::ListByLabel(const std::string& key, const std::string& value) {
  std::shared_ptr<cache::ClusterCache> prefetched;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (prefetched_ && key == prefetched_key_ && (prefetched_value_.empty() || value == prefetched_value_))
      prefetched = prefetched_;
  }
  if (prefetched) return prefetched->ByLabel(value);  // "" = every prefetched object
  return ListAllKinds(LabelSelector(key, value));
}

void KubeTarget::Prefetch(const std::string& key, const std::string& value) {
  cache::Options o;
  o.label_key = key;
  o.label_value = value;
  o.watch = false;               // one-shot: list once, kept current by our own calls
  o.keep_managed_fields = true;  // ignoreDifferences.managedFieldsManagers reads them
  auto prefetched = std::make_shared<cache::ClusterCache>(client_, o);
  for (const auto& r : ListableKinds()) {
    try {
      prefetched->EnsureWatched(r.gvk());
    } catch (const kube::KubeError& e) {
      if (e.code == 404 || e.code == 405 || e.code == 403) continue;
      throw Convert(e);
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  prefetched_ = std::move(prefetched);
  unlistable_.clear();
  prefetched_key_ = key;
  prefetched_value_ = value;
}

void KubeTarget::Invalidate() {
  std::lock_guard<std::mutex> l(mu_);
  prefetched_.reset();
  unlistable_.clear();
}

void KubeTarget::Remember(const resource::ResId& id, const yaml::Node* obj) {
  std::shared_ptr<cache::ClusterCache> prefetched;
  std::string kind = id.gvk.group + "/" + id.gvk.kind;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (unlistable_.count(kind)) return;
    prefetched = prefetched_;
  }
  if (!prefetched) return;
  if (!prefetched->Watched(id.gvk)) {
    // A kind first met here (a custom resource whose CRD this sync created):
    // list it now so the cache holds all of its objects, this one included.
    try {
      prefetched->EnsureWatched(id.gvk);
    } catch (const kube::KubeError&) {
      // Not listable (no CRD, forbidden): answered by the API server as
      // before the prefetch, and not listed again.
      std::lock_guard<std::mutex> l(mu_);
      if (prefetched_ == prefetched) unlistable_.insert(kind);
      return;
    }
  }
  prefetched->Remember(id, obj);
}

yaml::Node KubeTarget::Apply(const yaml::Node& obj, const sync::ApplyOptions& opts) {
  resource::ResId id = resource::ResId::Of(obj);
  yaml::Node stored = ApplyUncached(id, obj, opts);
  if (!opts.dry_run) Remember(id, &stored);
  return stored;
}

yaml::Node KubeTarget::ApplyUncached(const resource::ResId& id, const yaml::Node& obj,
                                     const sync::ApplyOptions& opts) {
  try {
    if (opts.replace) {
      auto live = Get(id);
      kube::WriteOptions wo;
      wo.dry_run = opts.dry_run;
      wo.field_manager = opts.field_manager;
      if (!live) return client_.Create(obj, wo);
      yaml::Node copy = obj;
      copy.GetOrCreateMap("metadata").Set(
          "resourceVersion", yaml::Node::String(live->StrAt({"metadata", "resourceVersion"})));
      return client_.Update(copy, wo);
    }
    yaml::Node applied = obj;
    if (!opts.server_side) {
      // Keep kubectl's last-applied-configuration so that the comparison
      // notices fields removed from Git (three-way diff).
      yaml::Node last = obj;
      if (yaml::Node* ann = last.GetOrCreateMap("metadata").Get("annotations"))
        ann->Remove("kubectl.kubernetes.io/last-applied-configuration");
      if (yaml::Node* meta = last.Get("metadata"); meta && meta->Get("annotations") &&
                                                   meta->Get("annotations")->size() == 0)
        meta->Remove("annotations");
      last.Remove("status");
      applied.GetOrCreateMap("metadata")
          .GetOrCreateMap("annotations")
          .Set("kubectl.kubernetes.io/last-applied-configuration", yaml::Node::String(yaml::EmitJson(last) + "\n"));
    }
    return client_.Apply(applied, opts.field_manager, /*force=*/true, opts.dry_run);
  } catch (const kube::KubeError& e) {
    throw Convert(e);
  }
}

void KubeTarget::Delete(const resource::ResId& id, const sync::DeleteOptions& opts) {
  if (!opts.dry_run) Remember(id, nullptr);
  kube::DeleteOptions d;
  d.dry_run = opts.dry_run;
  d.propagation_policy = Capitalized(opts.propagation);
  try {
    client_.Delete(id, d);
  } catch (const kube::KubeError& e) {
    if (e.code == 404) return;
    throw Convert(e);
  }
}

yaml::Node KubeTarget::UpdateStatus(const yaml::Node& obj) {
  // One JSON patch replaces the whole status: keys dropped from it (cleared
  // conditions, ...) go too, without reading the object first.
  yaml::Node op = yaml::Node::Map();
  op.Set("op", yaml::Node::String("add"));
  op.Set("path", yaml::Node::String("/status"));
  op.Set("value", obj.Get("status") ? *obj.Get("status") : yaml::Node::Map());
  yaml::Node patch = yaml::Node::Seq();
  patch.items.push_back(std::move(op));
  kube::PatchOptions po;
  po.type = kube::PatchType::kJson;
  try {
    return client_.Patch(resource::ResId::Of(obj), patch, po);
  } catch (const kube::KubeError& e) {
    throw Convert(e);
  }
}

std::vector<yaml::Node> KubeTarget::List(const resource::Gvk& gvk, const std::string& ns) {
  try {
    yaml::Node list = client_.List(gvk, ns);
    std::vector<yaml::Node> out;
    if (const yaml::Node* items = list.Get("items"); items && items->IsSeq()) {
      for (auto item : items->items) {
        item.Set("apiVersion", yaml::Node::String(gvk.ApiVersion()));
        item.Set("kind", yaml::Node::String(gvk.kind));
        out.push_back(std::move(item));
      }
    }
    return out;
  } catch (const kube::KubeError& e) {
    throw Convert(e);
  }
}

}  // namespace capstan::app
