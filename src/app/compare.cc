#include "app/compare.h"

#include <map>

#include "diff/diff.h"
#include "sync/plan.h"

namespace capstan::app {
namespace {

std::string TrackingId(const Application& app, const resource::ResId& id) {
  // <app>:<group>/<kind>:<namespace>/<name>, as Argo CD writes it.
  return app.name + ":" + id.gvk.group + "/" + id.gvk.kind + ":" + id.ns + "/" + id.name;
}

std::vector<diff::IgnoreDifferences> IgnoreRules(const Application& app) {
  std::vector<diff::IgnoreDifferences> out;
  for (const auto& d : app.ignore_differences) {
    diff::IgnoreDifferences r;
    r.group = d.group;
    r.kind = d.kind;
    r.name = d.name;
    r.namespace_ = d.namespace_;
    r.json_pointers = d.json_pointers;
    r.jq_path_expressions = d.jq_path_expressions;
    r.managed_fields_managers = d.managed_fields_managers;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

void PrepareDesired(const Application& app, Tracking tracking, std::vector<yaml::Node>* objects) {
  for (auto& obj : *objects) {
    resource::ResId id = resource::ResId::Of(obj);
    yaml::Node& meta = obj.GetOrCreateMap("metadata");
    if (id.ns.empty() && !resource::IsClusterScoped(id.gvk) && !app.destination.namespace_.empty()) {
      meta.Set("namespace", yaml::Node::String(app.destination.namespace_));
      id.ns = app.destination.namespace_;
    }
    if (tracking != Tracking::kAnnotation)
      meta.GetOrCreateMap("labels").Set(kInstanceLabel, yaml::Node::String(app.name));
    if (tracking != Tracking::kLabel)
      meta.GetOrCreateMap("annotations").Set(kTrackingIdAnnotation, yaml::Node::String(TrackingId(app, id)));
  }
}

bool IsTrackedBy(const yaml::Node& live, const Application& app, Tracking tracking) {
  if (tracking == Tracking::kLabel) {
    const yaml::Node* l = live.At({"metadata", "labels"});
    const yaml::Node* v = l ? l->Get(kInstanceLabel) : nullptr;
    return v && v->value == app.name;
  }
  const yaml::Node* a = live.At({"metadata", "annotations"});
  const yaml::Node* v = a ? a->Get(kTrackingIdAnnotation) : nullptr;
  // The annotation must name this app and this very object (a copied
  // object keeps a foreign id and is not ours).
  return v && v->value == TrackingId(app, resource::ResId::Of(live));
}

Comparison Compare(const Application& app, const std::vector<yaml::Node>& desired,
                   const std::vector<yaml::Node>& live, const health::Options& health_options) {
  Comparison c;
  c.desired = desired;
  c.live = live;
  std::map<std::string, const yaml::Node*> live_by_key;
  for (const auto& l : live) live_by_key[sync::GroupKindKey(resource::ResId::Of(l))] = &l;
  diff::Options dopts;
  dopts.ignore_differences = IgnoreRules(app);

  std::vector<health::ResourceHealth> healths;
  bool out_of_sync = false, unknown = false;
  std::map<std::string, bool> seen;
  for (const auto& d : desired) {
    ResourceState r;
    r.id = resource::ResId::Of(d);
    std::string key = sync::GroupKindKey(r.id);
    seen[key] = true;
    r.hook = !sync::HookTypesOf(d).empty();
    auto it = live_by_key.find(key);
    const yaml::Node* l = it == live_by_key.end() ? nullptr : it->second;
    if (r.hook) {
      r.status = "Synced";  // hooks do not make an app OutOfSync
    } else {
      try {
        diff::DiffResult dr = diff::Diff(&d, l, dopts);
        r.status = dr.modified ? "OutOfSync" : "Synced";
        r.diff = dr.unified;
      } catch (const std::exception& e) {
        r.status = "Unknown";
        r.error = e.what();
      }
    }
    if (r.status == "OutOfSync") out_of_sync = true;
    if (r.status == "Unknown") unknown = true;
    health::ResourceHealth h = health::ResourceHealthOf(l, r.id.gvk.group, r.id.gvk.kind, r.id.ns,
                                                        r.id.name, health_options);
    h.skip = r.hook;
    if (l) {
      const yaml::Node* ann = l->At({"metadata", "annotations"});
      const yaml::Node* ig = ann ? ann->Get("argocd.argoproj.io/ignore-healthcheck") : nullptr;
      if (ig && ig->value == "true") h.skip = true;
    }
    if (h.health) {
      r.health = std::string(health::CodeName(h.health->code));
      r.health_message = h.health->message;
    }
    healths.push_back(h);
    c.resources.push_back(std::move(r));
  }
  for (const auto& l : live) {
    resource::ResId id = resource::ResId::Of(l);
    if (seen.count(sync::GroupKindKey(id))) continue;
    if (!sync::HookTypesOf(l).empty()) continue;
    const yaml::Node* owners = l.At({"metadata", "ownerReferences"});
    if (owners && owners->size() > 0) continue;
    ResourceState r;
    r.id = id;
    r.status = "OutOfSync";
    r.requires_pruning = true;
    out_of_sync = true;
    auto h = health::Assess(l, health_options);
    if (h) {
      r.health = std::string(health::CodeName(h->code));
      r.health_message = h->message;
    }
    // Extraneous resources do not count towards the app's health (Argo CD).
    c.resources.push_back(std::move(r));
  }
  c.sync_status = unknown ? "Unknown" : out_of_sync ? "OutOfSync" : "Synced";
  if (desired.empty() && live.empty()) c.sync_status = "Synced";
  health::AppHealth ah = health::Aggregate(healths);
  c.health = std::string(health::CodeName(ah.code));
  c.health_message = ah.message;
  c.health_reason = ah.reason;
  return c;
}

}  // namespace capstan::app
