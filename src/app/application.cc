#include "app/application.h"

#include <algorithm>
#include <cctype>

namespace capstan::app {
namespace {

// Field access with errors naming the source, object and field path.
class Reader {
 public:
  Reader(const yaml::Node& obj, std::string where, std::string kind)
      : obj_(obj), where_(std::move(where)), kind_(std::move(kind)) {
    name_ = obj.StrAt({"metadata", "name"});
  }

  [[noreturn]] void Fail(const std::string& field, const std::string& what) const {
    throw AppError(where_ + ": " + kind_ + " " + (name_.empty() ? "<unnamed>" : name_) + ": " +
                   field + ": " + what);
  }

  std::string Str(const yaml::Node* parent, const char* key, const std::string& path,
                  bool required = false) const {
    const yaml::Node* n = parent ? parent->Get(key) : nullptr;
    if (!n || n->IsNull()) {
      if (required) Fail(path, "required");
      return "";
    }
    if (!n->IsScalar()) Fail(path, "must be a string");
    return n->value;
  }

  bool Bool(const yaml::Node* parent, const char* key, const std::string& path) const {
    const yaml::Node* n = parent ? parent->Get(key) : nullptr;
    if (!n || n->IsNull()) return false;
    if (!n->IsScalar() || (n->value != "true" && n->value != "false"))
      Fail(path, "must be true or false");
    return n->value == "true";
  }

  int64_t Int(const yaml::Node* parent, const char* key, const std::string& path, int64_t def) const {
    const yaml::Node* n = parent ? parent->Get(key) : nullptr;
    if (!n || n->IsNull()) return def;
    if (!n->IsScalar()) Fail(path, "must be an integer");
    try {
      size_t used = 0;
      int64_t v = std::stoll(n->value, &used);
      if (used != n->value.size()) Fail(path, "must be an integer");
      return v;
    } catch (const AppError&) {
      throw;
    } catch (...) {
      Fail(path, "must be an integer");
    }
  }

  const yaml::Node* Map(const yaml::Node* parent, const char* key, const std::string& path) const {
    const yaml::Node* n = parent ? parent->Get(key) : nullptr;
    if (!n || n->IsNull()) return nullptr;
    if (!n->IsMap()) Fail(path, "must be a mapping");
    return n;
  }

  const yaml::Node* Seq(const yaml::Node* parent, const char* key, const std::string& path) const {
    const yaml::Node* n = parent ? parent->Get(key) : nullptr;
    if (!n || n->IsNull()) return nullptr;
    if (!n->IsSeq()) Fail(path, "must be a list");
    return n;
  }

  std::vector<std::string> Strings(const yaml::Node* parent, const char* key,
                                   const std::string& path) const {
    std::vector<std::string> out;
    const yaml::Node* s = Seq(parent, key, path);
    if (!s) return out;
    for (size_t i = 0; i < s->items.size(); ++i) {
      if (!s->items[i].IsScalar()) Fail(path + "[" + std::to_string(i) + "]", "must be a string");
      out.push_back(s->items[i].value);
    }
    return out;
  }

  std::map<std::string, std::string> StrMap(const yaml::Node* parent, const char* key,
                                            const std::string& path) const {
    std::map<std::string, std::string> out;
    const yaml::Node* m = Map(parent, key, path);
    if (!m) return out;
    for (const auto& f : m->fields) {
      if (!f.value.IsScalar()) Fail(path + "." + f.key.value, "must be a string");
      out[f.key.value] = f.value.value;
    }
    return out;
  }

  // A backoff duration: Go duration ("2m") or bare seconds ("5").
  int64_t Duration(const yaml::Node* parent, const char* key, const std::string& path,
                   int64_t def) const {
    std::string s = Str(parent, key, path);
    if (s.empty()) return def;
    bool digits = std::all_of(s.begin(), s.end(), [](char c) { return isdigit(static_cast<unsigned char>(c)); });
    if (digits) return std::stoll(s) * 1000;
    auto ms = sync::ParseDurationMs(s);
    if (!ms || *ms < 0) Fail(path, "\"" + s + "\" is not a duration (e.g. 5s, 3m)");
    return *ms;
  }

  const yaml::Node& obj() const { return obj_; }
  const std::string& name() const { return name_; }

 private:
  const yaml::Node& obj_;
  std::string where_, kind_, name_;
};

void CheckKind(const Reader& r, const std::string& kind) {
  if (!r.obj().IsMap()) r.Fail("<document>", "must be a mapping");
  if (r.obj().StrAt({"kind"}) != kind) r.Fail("kind", "must be " + kind);
  std::string api = r.obj().StrAt({"apiVersion"});
  if (api != "argoproj.io/v1alpha1") r.Fail("apiVersion", "must be argoproj.io/v1alpha1 (got \"" + api + "\")");
  if (r.name().empty()) r.Fail("metadata.name", "required");
}

Source ParseSource(const Reader& r, const yaml::Node* src, const std::string& path) {
  Source s;
  s.raw = *src;
  s.repo_url = r.Str(src, "repoURL", path + ".repoURL", true);
  s.target_revision = r.Str(src, "targetRevision", path + ".targetRevision");
  s.path = r.Str(src, "path", path + ".path");
  s.chart = r.Str(src, "chart", path + ".chart");
  s.helm = !s.chart.empty() || r.Map(src, "helm", path + ".helm") != nullptr;
  if (const yaml::Node* k = r.Map(src, "kustomize", path + ".kustomize")) {
    KustomizeSource ks;
    ks.name_prefix = r.Str(k, "namePrefix", path + ".kustomize.namePrefix");
    ks.name_suffix = r.Str(k, "nameSuffix", path + ".kustomize.nameSuffix");
    ks.namespace_ = r.Str(k, "namespace", path + ".kustomize.namespace");
    ks.images = r.Strings(k, "images", path + ".kustomize.images");
    ks.common_labels = r.StrMap(k, "commonLabels", path + ".kustomize.commonLabels");
    ks.common_annotations = r.StrMap(k, "commonAnnotations", path + ".kustomize.commonAnnotations");
    s.kustomize = std::move(ks);
  }
  if (const yaml::Node* d = r.Map(src, "directory", path + ".directory")) {
    DirectorySource ds;
    ds.recurse = r.Bool(d, "recurse", path + ".directory.recurse");
    ds.include = r.Str(d, "include", path + ".directory.include");
    ds.exclude = r.Str(d, "exclude", path + ".directory.exclude");
    s.directory = std::move(ds);
  }
  return s;
}

std::vector<GroupKind> GroupKinds(const Reader& r, const yaml::Node* spec, const char* key) {
  std::vector<GroupKind> out;
  std::string path = std::string("spec.") + key;
  const yaml::Node* s = r.Seq(spec, key, path);
  if (!s) return out;
  for (size_t i = 0; i < s->items.size(); ++i) {
    const yaml::Node& item = s->items[i];
    std::string p = path + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) r.Fail(p, "must be a mapping with group and kind");
    out.push_back({r.Str(&item, "group", p + ".group"), r.Str(&item, "kind", p + ".kind", true)});
  }
  return out;
}

}  // namespace

Application ParseApplication(const yaml::Node& obj, const std::string& where) {
  Reader r(obj, where, "Application");
  CheckKind(r, "Application");
  Application app;
  app.object = obj;
  app.name = r.name();
  std::string ns = obj.StrAt({"metadata", "namespace"});
  if (!ns.empty()) app.namespace_ = ns;
  const yaml::Node* spec = r.Map(&obj, "spec", "spec");
  if (!spec) r.Fail("spec", "required");
  std::string project = r.Str(spec, "project", "spec.project");
  if (!project.empty()) app.project = project;

  if (r.Seq(spec, "sources", "spec.sources"))
    r.Fail("spec.sources", "multiple sources are not supported yet; use spec.source");
  const yaml::Node* src = r.Map(spec, "source", "spec.source");
  if (!src) r.Fail("spec.source", "required");
  app.source = ParseSource(r, src, "spec.source");

  const yaml::Node* dest = r.Map(spec, "destination", "spec.destination");
  if (!dest) r.Fail("spec.destination", "required");
  app.destination.server = r.Str(dest, "server", "spec.destination.server");
  app.destination.name = r.Str(dest, "name", "spec.destination.name");
  app.destination.namespace_ = r.Str(dest, "namespace", "spec.destination.namespace");
  if (app.destination.server.empty() && app.destination.name.empty())
    r.Fail("spec.destination", "server or name required");
  if (!app.destination.server.empty() && !app.destination.name.empty())
    r.Fail("spec.destination", "server and name are mutually exclusive");

  if (const yaml::Node* sp = r.Map(spec, "syncPolicy", "spec.syncPolicy")) {
    if (const yaml::Node* a = r.Map(sp, "automated", "spec.syncPolicy.automated")) {
      app.sync_policy.automated = true;
      if (a->Has("enabled")) app.sync_policy.automated = r.Bool(a, "enabled", "spec.syncPolicy.automated.enabled");
      app.sync_policy.prune = r.Bool(a, "prune", "spec.syncPolicy.automated.prune");
      app.sync_policy.self_heal = r.Bool(a, "selfHeal", "spec.syncPolicy.automated.selfHeal");
      app.sync_policy.allow_empty = r.Bool(a, "allowEmpty", "spec.syncPolicy.automated.allowEmpty");
    }
    app.sync_policy.sync_options = r.Strings(sp, "syncOptions", "spec.syncPolicy.syncOptions");
    if (auto err = app.sync_options.Parse(app.sync_policy.sync_options))
      r.Fail("spec.syncPolicy.syncOptions", *err);
    if (const yaml::Node* retry = r.Map(sp, "retry", "spec.syncPolicy.retry")) {
      sync::RetryPolicy p;
      p.limit = r.Int(retry, "limit", "spec.syncPolicy.retry.limit", 0);
      if (const yaml::Node* b = r.Map(retry, "backoff", "spec.syncPolicy.retry.backoff")) {
        p.duration_ms = r.Duration(b, "duration", "spec.syncPolicy.retry.backoff.duration", p.duration_ms);
        p.factor = r.Int(b, "factor", "spec.syncPolicy.retry.backoff.factor", p.factor);
        p.max_duration_ms =
            r.Duration(b, "maxDuration", "spec.syncPolicy.retry.backoff.maxDuration", p.max_duration_ms);
        if (p.factor < 1) r.Fail("spec.syncPolicy.retry.backoff.factor", "must be at least 1");
      }
      app.sync_policy.retry = p;
    }
  }

  if (const yaml::Node* ids = r.Seq(spec, "ignoreDifferences", "spec.ignoreDifferences")) {
    for (size_t i = 0; i < ids->items.size(); ++i) {
      const yaml::Node& item = ids->items[i];
      std::string p = "spec.ignoreDifferences[" + std::to_string(i) + "]";
      if (!item.IsMap()) r.Fail(p, "must be a mapping");
      IgnoreDifference d;
      d.group = r.Str(&item, "group", p + ".group");
      d.kind = r.Str(&item, "kind", p + ".kind", true);
      d.name = r.Str(&item, "name", p + ".name");
      d.namespace_ = r.Str(&item, "namespace", p + ".namespace");
      d.json_pointers = r.Strings(&item, "jsonPointers", p + ".jsonPointers");
      d.jq_path_expressions = r.Strings(&item, "jqPathExpressions", p + ".jqPathExpressions");
      d.managed_fields_managers = r.Strings(&item, "managedFieldsManagers", p + ".managedFieldsManagers");
      app.ignore_differences.push_back(std::move(d));
    }
  }
  app.revision_history_limit = r.Int(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", 10);
  if (app.revision_history_limit < 0) r.Fail("spec.revisionHistoryLimit", "must not be negative");
  return app;
}

AppProject ParseAppProject(const yaml::Node& obj, const std::string& where) {
  Reader r(obj, where, "AppProject");
  CheckKind(r, "AppProject");
  AppProject p;
  p.name = r.name();
  const yaml::Node* spec = r.Map(&obj, "spec", "spec");
  p.source_repos = r.Strings(spec, "sourceRepos", "spec.sourceRepos");
  if (const yaml::Node* d = r.Seq(spec, "destinations", "spec.destinations")) {
    for (size_t i = 0; i < d->items.size(); ++i) {
      const yaml::Node& item = d->items[i];
      std::string path = "spec.destinations[" + std::to_string(i) + "]";
      if (!item.IsMap()) r.Fail(path, "must be a mapping");
      p.destinations.push_back({r.Str(&item, "server", path + ".server"), r.Str(&item, "name", path + ".name"),
                                r.Str(&item, "namespace", path + ".namespace")});
    }
  }
  p.cluster_whitelist = GroupKinds(r, spec, "clusterResourceWhitelist");
  p.cluster_blacklist = GroupKinds(r, spec, "clusterResourceBlacklist");
  p.namespace_whitelist = GroupKinds(r, spec, "namespaceResourceWhitelist");
  p.namespace_whitelist_set = spec && spec->Get("namespaceResourceWhitelist") &&
                              !spec->Get("namespaceResourceWhitelist")->IsNull();
  p.namespace_blacklist = GroupKinds(r, spec, "namespaceResourceBlacklist");
  if (const yaml::Node* a = obj.At({"metadata", "annotations"}); a != nullptr && a->IsMap())
    if (const yaml::Node* v = a->Get("capstan.io/pre-sync-checks"); v != nullptr && v->IsScalar())
      p.pre_sync_checks = v->value;
  return p;
}

AppProject DefaultProject() {
  AppProject p;
  p.name = "default";
  p.allow_all = true;
  p.source_repos = {"*"};
  p.destinations = {{"*", "*", "*"}};
  p.cluster_whitelist = {{"*", "*"}};
  return p;
}

}  // namespace capstan::app
