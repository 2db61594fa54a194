// Discovery: aggregated (apidiscovery.k8s.io/v2, two requests) when the
// server offers it, else legacy (/api, /apis, then one request per group
// version, fetched in parallel as kubectl does).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <future>
#include <map>

#include "base/file_system.h"
#include "kube/client_impl.h"
#include "kube/util.h"
#include "resource/resource.h"
#include "yaml/yaml.h"

namespace capstan::kube {
namespace {

// v2 first, v2beta1 for 1.26-1.29 servers, then plain JSON (legacy answer).
constexpr const char* kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json";

std::vector<std::string> Strings(const yaml::Node* seq) {
  std::vector<std::string> out;
  if (seq && seq->IsSeq())
    for (const auto& i : seq->items)
      if (i.IsScalar()) out.push_back(i.value);
  return out;
}

yaml::Node StringSeq(const std::vector<std::string>& v) {
  yaml::Node seq = yaml::Node::Seq();
  for (const auto& s : v) seq.items.push_back(yaml::Node::String(s));
  return seq;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool ApiResource::HasVerb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

struct Discovery::Impl {
  Client* client;
  std::mutex mu;
  bool loaded = false;
  bool aggregated = false;
  std::vector<ApiResource> resources;
  std::map<std::string, std::string> preferred;  // group -> version

  Client::Impl& c() { return *client->impl_; }

  std::string CacheFile() {
    const std::string& dir = c().options.discovery_cache_dir;
    if (dir.empty()) return "";
    std::string key;
    for (char ch : c().config.server) key += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return dir + "/" + key + ".discovery.json";
  }

  // --- fetching ------------------------------------------------------------

  // Aggregated document of /api or /apis; false when the server answered
  // with a legacy document instead (stored in *legacy).
  bool FetchAggregated(const std::string& path, yaml::Node* legacy) {
    HttpRequest req;
    req.path = path;
    req.accept = kAggregatedAccept;
    yaml::Node doc = c().Call(req, true);
    if (doc.StrAt({"kind"}) != "APIGroupDiscoveryList") {
      *legacy = std::move(doc);
      return false;
    }
    const yaml::Node* items = doc.Get("items");
    if (!items || !items->IsSeq()) return true;
    for (const auto& group : items->items) {
      std::string g = group.StrAt({"metadata", "name"});
      const yaml::Node* versions = group.Get("versions");
      if (!versions || !versions->IsSeq()) continue;
      bool first = true;
      for (const auto& ver : versions->items) {
        std::string v = ver.StrAt({"version"});
        if (first) preferred[g] = v;  // versions are listed in preference order
        const yaml::Node* rs = ver.Get("resources");
        if (rs && rs->IsSeq()) {
          for (const auto& r : rs->items) {
            ApiResource a;
            a.group = g;
            a.version = v;
            a.name = r.StrAt({"resource"});
            a.kind = r.StrAt({"responseKind", "kind"});
            a.singular = r.StrAt({"singularResource"});
            a.namespaced = r.StrAt({"scope"}) == "Namespaced";
            a.verbs = Strings(r.Get("verbs"));
            a.short_names = Strings(r.Get("shortNames"));
            a.categories = Strings(r.Get("categories"));
            a.preferred = first;
            if (const yaml::Node* subs = r.Get("subresources"); subs && subs->IsSeq())
              for (const auto& s : subs->items) a.subresources.push_back(s.StrAt({"subresource"}));
            if (a.singular.empty()) a.singular = Lower(a.kind);
            resources.push_back(std::move(a));
          }
        }
        first = false;
      }
    }
    return true;
  }

  // One legacy APIResourceList (/api/v1 or /apis/<g>/<v>).
  static std::vector<ApiResource> ParseResourceList(const yaml::Node& doc, const std::string& group,
                                                    const std::string& version) {
    std::vector<ApiResource> out;
    std::map<std::string, size_t> index;
    const yaml::Node* rs = doc.Get("resources");
    if (!rs || !rs->IsSeq()) return out;
    std::vector<std::pair<std::string, std::string>> subs;
    for (const auto& r : rs->items) {
      std::string name = r.StrAt({"name"});
      size_t slash = name.find('/');
      if (slash != std::string::npos) {
        subs.emplace_back(name.substr(0, slash), name.substr(slash + 1));
        continue;
      }
      ApiResource a;
      a.group = group;
      a.version = version;
      a.name = name;
      a.kind = r.StrAt({"kind"});
      a.singular = r.StrAt({"singularName"});
      if (a.singular.empty()) a.singular = Lower(a.kind);
      const yaml::Node* ns = r.Get("namespaced");
      a.namespaced = ns && ns->AsBool();
      a.verbs = Strings(r.Get("verbs"));
      a.short_names = Strings(r.Get("shortNames"));
      a.categories = Strings(r.Get("categories"));
      index[name] = out.size();
      out.push_back(std::move(a));
    }
    for (const auto& [parent, sub] : subs)
      if (auto it = index.find(parent); it != index.end()) out[it->second].subresources.push_back(sub);
    return out;
  }

  void FetchLegacy(const yaml::Node& api, const yaml::Node& apis) {
    // (group, version, path) of every served group version.
    struct Gv {
      std::string group, version, path;
    };
    std::vector<Gv> gvs;
    for (const auto& v : Strings(api.Get("versions"))) gvs.push_back({"", v, resource::ApiPath("", v)});
    if (!preferred.count("")) preferred[""] = "v1";
    if (const yaml::Node* groups = apis.Get("groups"); groups && groups->IsSeq()) {
      for (const auto& g : groups->items) {
        std::string name = g.StrAt({"name"});
        preferred[name] = g.StrAt({"preferredVersion", "version"});
        if (const yaml::Node* vs = g.Get("versions"); vs && vs->IsSeq())
          for (const auto& v : vs->items) {
            std::string ver = v.StrAt({"version"});
            gvs.push_back({name, ver, resource::ApiPath(name, ver)});
            if (preferred[name].empty()) preferred[name] = ver;
          }
      }
    }
    std::vector<std::future<std::vector<ApiResource>>> futures;
    for (const auto& gv : gvs) {
      futures.push_back(std::async(std::launch::async, [this, gv] {
        HttpRequest req;
        req.path = gv.path;
        return ParseResourceList(c().Call(req, true), gv.group, gv.version);
      }));
    }
    for (size_t i = 0; i < futures.size(); ++i) {
      try {
        for (auto& a : futures[i].get()) {
          a.preferred = preferred[a.group] == a.version;
          resources.push_back(std::move(a));
        }
      } catch (const KubeError&) {
        // An unavailable aggregated API (metrics-server down) must not hide
        // every other group; kubectl also carries on. A later miss refetches.
      }
    }
  }

  void Fetch() {
    resources.clear();
    preferred.clear();
    yaml::Node api, apis;
    bool agg_core = FetchAggregated("/api", &api);
    bool agg_groups = FetchAggregated("/apis", &apis);
    aggregated = agg_core && agg_groups;
    if (!aggregated) {
      // Mixed answers do not happen in practice; redo both the legacy way.
      resources.clear();
      preferred.clear();
      HttpRequest req;
      if (agg_core) {
        req.path = "/api";
        api = c().Call(req, true);
      }
      if (agg_groups) {
        req.path = "/apis";
        apis = c().Call(req, true);
      }
      FetchLegacy(api, apis);
    }
    loaded = true;
    SaveCache();
  }

  // --- disk cache ----------------------------------------------------------

  void SaveCache() {
    std::string file = CacheFile();
    if (file.empty()) return;
    yaml::Node doc = yaml::Node::Map();
    doc.Set("fetched", yaml::Node::Int(static_cast<int64_t>(std::time(nullptr))));
    doc.Set("aggregated", yaml::Node::Bool(aggregated));
    yaml::Node pref = yaml::Node::Map();
    for (const auto& [g, v] : preferred) pref.Set(g, yaml::Node::String(v));
    doc.Set("preferred", std::move(pref));
    yaml::Node list = yaml::Node::Seq();
    for (const auto& a : resources) {
      yaml::Node r = yaml::Node::Map();
      r.Set("group", yaml::Node::String(a.group));
      r.Set("version", yaml::Node::String(a.version));
      r.Set("kind", yaml::Node::String(a.kind));
      r.Set("name", yaml::Node::String(a.name));
      r.Set("singular", yaml::Node::String(a.singular));
      r.Set("namespaced", yaml::Node::Bool(a.namespaced));
      r.Set("preferred", yaml::Node::Bool(a.preferred));
      r.Set("verbs", StringSeq(a.verbs));
      r.Set("subresources", StringSeq(a.subresources));
      r.Set("shortNames", StringSeq(a.short_names));
      r.Set("categories", StringSeq(a.categories));
      list.items.push_back(std::move(r));
    }
    doc.Set("resources", std::move(list));
    ::mkdir(c().options.discovery_cache_dir.c_str(), 0750);
    // Atomic: a reader never sees half a file. The cache is an optimisation;
    // never fail for it.
    base::WriteFileAtomic(file, yaml::EmitJson(doc), nullptr);
  }

  bool LoadCache() {
    std::string file = CacheFile();
    if (file.empty()) return false;
    std::string text;
    if (!base::ReadFile(file, &text, nullptr)) return false;
    try {
      yaml::Node doc = yaml::ParseJson(text, file);
      const yaml::Node* fetched = doc.Get("fetched");
      if (!fetched) return false;
      int64_t age = static_cast<int64_t>(std::time(nullptr)) - fetched->AsInt();
      if (age < 0 || age > c().options.discovery_ttl.count()) return false;
      std::vector<ApiResource> rs;
      std::map<std::string, std::string> pref;
      if (const yaml::Node* p = doc.Get("preferred"); p && p->IsMap())
        for (const auto& f : p->fields) pref[f.key.value] = f.value.value;
      if (const yaml::Node* list = doc.Get("resources"); list && list->IsSeq()) {
        for (const auto& r : list->items) {
          ApiResource a;
          a.group = r.StrAt({"group"});
          a.version = r.StrAt({"version"});
          a.kind = r.StrAt({"kind"});
          a.name = r.StrAt({"name"});
          a.singular = r.StrAt({"singular"});
          a.namespaced = r.Get("namespaced") && r.Get("namespaced")->AsBool();
          a.preferred = r.Get("preferred") && r.Get("preferred")->AsBool();
          a.verbs = Strings(r.Get("verbs"));
          a.subresources = Strings(r.Get("subresources"));
          a.short_names = Strings(r.Get("shortNames"));
          a.categories = Strings(r.Get("categories"));
          rs.push_back(std::move(a));
        }
      }
      resources = std::move(rs);
      preferred = std::move(pref);
      aggregated = doc.Get("aggregated") && doc.Get("aggregated")->AsBool();
      loaded = true;
      return true;
    } catch (const std::exception&) {
      return false;  // a corrupt cache is refetched
    }
  }

  void Ensure() {
    if (loaded) return;
    if (LoadCache()) return;
    Fetch();
  }

  const ApiResource* Find(const Gvk& gvk) const {
    for (const auto& a : resources)
      if (a.kind == gvk.kind && a.group == gvk.group && a.version == gvk.version) return &a;
    return nullptr;
  }
};

Discovery::Discovery(Client* client) : impl_(std::make_unique<Impl>()) { impl_->client = client; }
Discovery::~Discovery() = default;

ApiResource Discovery::Resource(const Gvk& gvk) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Ensure();
  if (const ApiResource* a = impl_->Find(gvk)) return *a;
  // A miss may be a CRD registered after we looked: look again, once.
  impl_->Fetch();
  if (const ApiResource* a = impl_->Find(gvk)) return *a;
  std::string gv = gvk.group.empty() ? gvk.version : gvk.group + "/" + gvk.version;
  throw KubeError(404, "NotFound", "no matches for kind \"" + gvk.kind + "\" in version \"" + gv + "\"");
}

std::optional<ApiResource> Discovery::ResourceByName(std::string_view name) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Ensure();
  std::string n = Lower(name), group;
  bool grouped = false;
  if (size_t dot = n.find('.'); dot != std::string::npos) {
    group = n.substr(dot + 1);
    n = n.substr(0, dot);
    grouped = true;
  }
  const ApiResource* best = nullptr;
  for (const auto& a : impl_->resources) {
    if (grouped && a.group != group) continue;
    bool match = a.name == n || a.singular == n || Lower(a.kind) == n ||
                 std::find(a.short_names.begin(), a.short_names.end(), n) != a.short_names.end();
    if (!match) continue;
    // Prefer the preferred version; among groups, the core group first.
    if (!best || (a.preferred && !best->preferred) ||
        (a.preferred == best->preferred && a.group.empty() && !best->group.empty()))
      best = &a;
  }
  if (!best) return std::nullopt;
  return *best;
}

std::string Discovery::PreferredVersion(std::string_view group) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Ensure();
  auto it = impl_->preferred.find(std::string(group));
  return it == impl_->preferred.end() ? "" : it->second;
}

std::vector<ApiResource> Discovery::Resources() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Ensure();
  return impl_->resources;
}

void Discovery::Invalidate() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->loaded = false;
  impl_->resources.clear();
  impl_->preferred.clear();
  std::string file = impl_->CacheFile();
  if (!file.empty()) std::remove(file.c_str());
}

bool Discovery::aggregated() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->Ensure();
  return impl_->aggregated;
}

}  // namespace capstan::kube
