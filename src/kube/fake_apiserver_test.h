// An in-process fake Kubernetes API server for the client tests (cpp-httplib).
//
// It serves discovery (aggregated or legacy), an in-memory object store with
// resourceVersions, paginated lists, label selectors (equality only),
// watches from an event log, and scripted failures. Every request is logged
// so that tests can check what the client sent.
#ifndef CAPSTAN_KUBE_FAKE_APISERVER_TEST_H_
#define CAPSTAN_KUBE_FAKE_APISERVER_TEST_H_

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "yaml/yaml.h"

namespace capstan::kube::testing {

struct FakeResource {
  std::string group, version, kind, plural;
  bool namespaced = true;
  std::vector<std::string> subresources;
  std::vector<std::string> short_names;
};

struct LoggedRequest {
  std::string method, path;
  std::multimap<std::string, std::string> params;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;

  std::string Param(const std::string& k) const {
    auto it = params.find(k);
    return it == params.end() ? "" : it->second;
  }
  std::string Header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
};

// A canned answer for the next request(s) matching a method and path prefix.
struct Injected {
  std::string method;       // "" = any
  std::string path_prefix;  // "" = any
  int status;
  std::string body;
  std::string retry_after;  // "" = no header
  int times = 1;
};

struct StoredEvent {
  std::string type;
  std::string collection;  // "group/version/plural"
  std::string ns;
  int64_t rv;
  yaml::Node object;
};

inline std::string StatusJson(int code, const std::string& reason, const std::string& message) {
  yaml::Node st = yaml::Node::Map();
  st.Set("kind", yaml::Node::String("Status"));
  st.Set("apiVersion", yaml::Node::String("v1"));
  st.Set("metadata", yaml::Node::Map());
  st.Set("status", yaml::Node::String(code < 300 ? "Success" : "Failure"));
  st.Set("message", yaml::Node::String(message));
  st.Set("reason", yaml::Node::String(reason));
  st.Set("code", yaml::Node::Int(code));
  return yaml::EmitJson(st);
}

class FakeApiServer {
 public:
  // server: plain HTTP when null, else the (TLS) server to drive.
  explicit FakeApiServer(std::unique_ptr<httplib::Server> server = nullptr)
      : svr_(server ? std::move(server) : std::make_unique<httplib::Server>()) {
    resources_ = {
        {"", "v1", "ConfigMap", "configmaps", true, {}, {"cm"}},
        {"", "v1", "Namespace", "namespaces", false, {"status", "finalize"}, {"ns"}},
        {"", "v1", "Pod", "pods", true, {"status", "log", "exec"}, {"po"}},
        {"apps", "v1", "Deployment", "deployments", true, {"status", "scale"}, {"deploy"}},
        {"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false,
         {"status"}, {"crd", "crds"}},
    };
    svr_->set_keep_alive_max_count(100000);
    svr_->set_tcp_nodelay(true);
    auto h = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
    svr_->Get(".*", h);
    svr_->Post(".*", h);
    svr_->Put(".*", h);
    svr_->Patch(".*", h);
    svr_->Delete(".*", h);
    port_ = svr_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_->listen_after_bind(); });
    while (!svr_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakeApiServer() {
    closing_ = true;
    cv_.notify_all();
    svr_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

  // --- configuration --------------------------------------------------------
  void SetAggregated(bool on) { aggregated_ = on; }
  void AddResource(FakeResource r) {
    std::lock_guard<std::mutex> lock(mu_);
    resources_.push_back(std::move(r));
  }
  void Inject(Injected i) {
    std::lock_guard<std::mutex> lock(mu_);
    injected_.push_back(std::move(i));
  }
  // The next `times` watches asking for a resourceVersion below `rv` get an
  // ERROR 410 event (as_http: an HTTP 410 answer instead).
  void SetOldestWatchable(int64_t rv, bool as_http = false, int times = 1000000) {
    std::lock_guard<std::mutex> lock(mu_);
    oldest_rv_ = rv;
    gone_as_http_ = as_http;
    gone_times_ = times;
  }
  // Watch streams end after this many events (0: keep open until the
  // server's timeoutSeconds or shutdown).
  void SetWatchEventLimit(int n) { watch_event_limit_ = n; }
  // Each watch stream starts with a BOOKMARK at the current resourceVersion.
  void SetSendBookmarks(bool on) { bookmarks_ = on; }
  // Only requests with exactly this Authorization header are served (401
  // otherwise): "Bearer abc", "Basic dXNlcjpwdw==".
  void RequireAuthorization(std::string value) {
    std::lock_guard<std::mutex> lock(mu_);
    auth_ = std::move(value);
  }

  // Adds an object directly (as another client would), with an event.
  yaml::Node Seed(const std::string& json) {
    std::lock_guard<std::mutex> lock(mu_);
    yaml::Node obj = yaml::ParseJson(json);
    const FakeResource* r = ResourceOfObject(obj);
    std::string ns = obj.StrAt({"metadata", "namespace"});
    return StoreLocked(*r, ns, std::move(obj), "ADDED");
  }

  // --- inspection ------------------------------------------------------------
  std::vector<LoggedRequest> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  // Requests whose path starts with `prefix` (and method, when given).
  std::vector<LoggedRequest> RequestsTo(const std::string& prefix, const std::string& method = "") {
    std::vector<LoggedRequest> out;
    for (auto& r : Requests())
      if (r.path.rfind(prefix, 0) == 0 && (method.empty() || r.method == method)) out.push_back(r);
    return out;
  }
  int DiscoveryRequests() {
    int n = 0;
    for (auto& r : Requests())
      if (r.method == "GET" && (r.path == "/api" || r.path == "/apis" || IsGroupVersionPath(r.path))) ++n;
    return n;
  }
  int64_t CurrentRv() {
    std::lock_guard<std::mutex> lock(mu_);
    return rv_;
  }

 private:
  static bool IsGroupVersionPath(const std::string& p) {
    // "/api/v1" or "/apis/<g>/<v>" exactly
    int slashes = 0;
    for (char c : p) slashes += c == '/';
    return (p.rfind("/api/", 0) == 0 && slashes == 2) || (p.rfind("/apis/", 0) == 0 && slashes == 3);
  }

  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 1;
    while (i <= path.size()) {
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      out.push_back(path.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }

  const FakeResource* ResourceOfObject(const yaml::Node& obj) {
    std::string av = obj.StrAt({"apiVersion"});
    std::string g, v = av;
    if (size_t s = av.find('/'); s != std::string::npos) {
      g = av.substr(0, s);
      v = av.substr(s + 1);
    }
    for (auto& r : resources_)
      if (r.group == g && r.version == v && r.kind == obj.StrAt({"kind"})) return &r;
    return nullptr;
  }

  static std::string Collection(const FakeResource& r) { return r.group + "/" + r.version + "/" + r.plural; }
  static std::string Key(const FakeResource& r, const std::string& ns, const std::string& name) {
    return Collection(r) + "|" + ns + "|" + name;
  }

  yaml::Node StoreLocked(const FakeResource& r, const std::string& ns, yaml::Node obj, const std::string& type) {
    ++rv_;
    yaml::Node& md = obj.GetOrCreateMap("metadata");
    md.Set("resourceVersion", yaml::Node::String(std::to_string(rv_)));
    if (!md.Has("uid")) md.Set("uid", yaml::Node::String("uid-" + std::to_string(rv_)));
    if (r.namespaced) md.Set("namespace", yaml::Node::String(ns));
    std::string name = md.StrAt({"name"});
    objects_[Key(r, r.namespaced ? ns : "", name)] = obj;
    events_.push_back({type, Collection(r), r.namespaced ? ns : "", rv_, obj});
    cv_.notify_all();
    return obj;
  }

  void Reply(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
  }

  static yaml::Node MergePatch(const yaml::Node& target, const yaml::Node& patch) {
    if (!patch.IsMap()) return patch;
    yaml::Node out = target.IsMap() ? target : yaml::Node::Map();
    for (const auto& f : patch.fields) {
      if (f.value.IsNull()) {
        out.Remove(f.key.value);
      } else {
        const yaml::Node* cur = out.Get(f.key.value);
        out.Set(f.key.value, MergePatch(cur ? *cur : yaml::Node(), f.value));
      }
    }
    return out;
  }

  bool Matches(const yaml::Node& obj, const std::string& selector) {
    if (selector.empty()) return true;
    size_t eq = selector.find('=');
    std::string k = selector.substr(0, eq), v = selector.substr(eq + 1);
    if (!v.empty() && v[0] == '=') v = v.substr(1);
    const yaml::Node* labels = obj.At({"metadata", "labels"});
    const yaml::Node* l = labels ? labels->Get(k) : nullptr;
    return l && l->value == v;
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    LoggedRequest lr{req.method, req.path, {}, {}, req.body};
    for (auto& [k, v] : req.params) lr.params.emplace(k, v);
    for (auto& [k, v] : req.headers) {
      std::string lk = k;
      for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      lr.headers[lk] = v;
    }
    std::unique_lock<std::mutex> lock(mu_);
    log_.push_back(lr);

    if (!auth_.empty() && lr.Header("authorization") != auth_)
      return Reply(res, 401, StatusJson(401, "Unauthorized", "Unauthorized"));
    for (auto it = injected_.begin(); it != injected_.end(); ++it) {
      if ((it->method.empty() || it->method == req.method) && req.path.rfind(it->path_prefix, 0) == 0) {
        res.status = it->status;
        res.set_content(it->body, it->body.empty() || it->body[0] != '{' ? "text/plain" : "application/json");
        if (!it->retry_after.empty()) res.set_header("Retry-After", it->retry_after);
        if (--it->times <= 0) injected_.erase(it);
        return;
      }
    }

    if (req.method == "GET" && req.path == "/api") return DiscoveryRoot(req, res, true);
    if (req.method == "GET" && req.path == "/apis") return DiscoveryRoot(req, res, false);
    if (req.method == "GET" && IsGroupVersionPath(req.path)) return ResourceList(req, res);

    // /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<sub>]] or /apis/<g>/<v>/...
    std::vector<std::string> seg = Split(req.path);
    std::string group, version;
    size_t i;
    if (!seg.empty() && seg[0] == "api" && seg.size() >= 3) {
      version = seg[1];
      i = 2;
    } else if (!seg.empty() && seg[0] == "apis" && seg.size() >= 4) {
      group = seg[1];
      version = seg[2];
      i = 3;
    } else {
      return Reply(res, 404, StatusJson(404, "NotFound", "the server could not find the requested resource"));
    }
    std::string ns;
    if (seg.size() > i + 2 && seg[i] == "namespaces") {
      ns = seg[i + 1];
      i += 2;
    }
    const FakeResource* r = nullptr;
    for (auto& cand : resources_)
      if (cand.group == group && cand.version == version && cand.plural == seg[i]) r = &cand;
    if (!r) return Reply(res, 404, StatusJson(404, "NotFound", "the server could not find the requested resource"));
    std::string name = seg.size() > i + 1 ? seg[i + 1] : "";
    std::string what = r->plural + (group.empty() ? "" : "." + group);

    if (req.method == "GET" && name.empty() && req.get_param_value("watch") == "1") {
      return Watch(*r, ns, req, res, lock);
    }
    if (req.method == "GET" && name.empty()) return List(*r, ns, req, res);
    if (req.method == "POST") {
      yaml::Node obj = yaml::ParseJson(req.body);
      std::string n = obj.StrAt({"metadata", "name"});
      if (objects_.count(Key(*r, ns, n)))
        return Reply(res, 409, StatusJson(409, "AlreadyExists", what + " \"" + n + "\" already exists"));
      if (req.get_param_value("dryRun") == "All") return Reply(res, 201, req.body);
      return Reply(res, 201, yaml::EmitJson(StoreLocked(*r, ns, std::move(obj), "ADDED")));
    }
    auto it = objects_.find(Key(*r, ns, name));
    if (it == objects_.end())
      return Reply(res, 404, StatusJson(404, "NotFound", what + " \"" + name + "\" not found"));
    if (req.method == "GET") return Reply(res, 200, yaml::EmitJson(it->second));
    if (req.method == "PUT") {
      yaml::Node obj = yaml::ParseJson(req.body);
      std::string want = obj.StrAt({"metadata", "resourceVersion"});
      if (!want.empty() && want != it->second.StrAt({"metadata", "resourceVersion"}))
        return Reply(res, 409,
                     StatusJson(409, "Conflict",
                                "Operation cannot be fulfilled on " + what + " \"" + name +
                                    "\": the object has been modified; please apply your changes to the latest version and try again"));
      if (req.get_param_value("dryRun") == "All") return Reply(res, 200, req.body);
      return Reply(res, 200, yaml::EmitJson(StoreLocked(*r, ns, std::move(obj), "MODIFIED")));
    }
    if (req.method == "PATCH") {
      yaml::Node patch = yaml::ParseJson(req.body);
      yaml::Node merged = MergePatch(it->second, patch);
      if (req.get_param_value("dryRun") == "All") return Reply(res, 200, yaml::EmitJson(merged));
      return Reply(res, 200, yaml::EmitJson(StoreLocked(*r, ns, std::move(merged), "MODIFIED")));
    }
    if (req.method == "DELETE") {
      yaml::Node obj = it->second;
      if (req.get_param_value("dryRun") == "All") return Reply(res, 200, yaml::EmitJson(obj));
      objects_.erase(it);
      ++rv_;
      obj.GetOrCreateMap("metadata").Set("resourceVersion", yaml::Node::String(std::to_string(rv_)));
      events_.push_back({"DELETED", Collection(*r), r->namespaced ? ns : "", rv_, obj});
      cv_.notify_all();
      return Reply(res, 200, yaml::EmitJson(obj));
    }
    Reply(res, 405, StatusJson(405, "MethodNotAllowed", "method not allowed"));
  }

  void List(const FakeResource& r, const std::string& ns, const httplib::Request& req, httplib::Response& res) {
    std::vector<const yaml::Node*> all;
    std::string prefix = Collection(r) + "|" + ns + "|";
    for (auto& [k, v] : objects_) {
      bool in_scope = ns.empty() ? k.rfind(Collection(r) + "|", 0) == 0 : k.rfind(prefix, 0) == 0;
      if (in_scope && Matches(v, req.get_param_value("labelSelector"))) all.push_back(&v);
    }
    size_t start = 0;
    if (req.has_param("continue")) {
      std::string c = req.get_param_value("continue");
      if (c == "expired")
        return Reply(res, 410, StatusJson(410, "Expired", "The provided continue parameter is too old"));
      start = std::stoul(c);
    }
    size_t limit = req.has_param("limit") ? std::stoul(req.get_param_value("limit")) : all.size();
    yaml::Node list = yaml::Node::Map();
    list.Set("kind", yaml::Node::String(r.kind + "List"));
    list.Set("apiVersion", yaml::Node::String(r.group.empty() ? r.version : r.group + "/" + r.version));
    yaml::Node& md = list.GetOrCreateMap("metadata");
    md.Set("resourceVersion", yaml::Node::String(std::to_string(rv_)));
    yaml::Node items = yaml::Node::Seq();
    size_t end = std::min(all.size(), start + limit);
    for (size_t k = start; k < end; ++k) {
      // Typed lists leave apiVersion/kind off the items, like the real server.
      yaml::Node item = *all[k];
      item.Remove("apiVersion");
      item.Remove("kind");
      items.items.push_back(std::move(item));
    }
    if (end < all.size()) {
      md.Set("continue", yaml::Node::String(expire_continue_ ? "expired" : std::to_string(end)));
      md.Set("remainingItemCount", yaml::Node::Int(static_cast<int64_t>(all.size() - end)));
    }
    list.Set("items", std::move(items));
    Reply(res, 200, yaml::EmitJson(list));
  }

 public:
  // The next paginated list hands out a continue token that has expired.
  void ExpireContinueTokens(bool on) { expire_continue_ = on; }

 private:
  void Watch(const FakeResource& r, const std::string& ns, const httplib::Request& req, httplib::Response& res,
             std::unique_lock<std::mutex>& lock) {
    int64_t from = req.has_param("resourceVersion") && !req.get_param_value("resourceVersion").empty()
                       ? std::stoll(req.get_param_value("resourceVersion"))
                       : rv_;
    if (from < oldest_rv_ && gone_times_ > 0) {
      --gone_times_;
      if (gone_as_http_)
        return Reply(res, 410, StatusJson(410, "Expired", "too old resource version: " + std::to_string(from)));
      std::string line = "{\"type\":\"ERROR\",\"object\":" +
                         StatusJson(410, "Expired", "too old resource version: " + std::to_string(from)) + "}\n";
      res.set_chunked_content_provider("application/json", [line](size_t, httplib::DataSink& sink) {
        sink.write(line.data(), line.size());
        sink.done();
        return true;
      });
      return;
    }
    std::string collection = Collection(r);
    bool bookmark = bookmarks_ && req.get_param_value("allowWatchBookmarks") == "true";
    int limit = watch_event_limit_;
    std::string selector = req.get_param_value("labelSelector");
    int64_t start_rv = from;  // a bookmark marks what this stream has covered
    lock.unlock();
    res.set_chunked_content_provider(
        "application/json", [this, collection, ns, from, bookmark, limit, selector, start_rv](
                                size_t, httplib::DataSink& sink) {
          int sent = 0;
          if (bookmark) {
            std::string b = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
                            "\"metadata\":{\"resourceVersion\":\"" +
                            std::to_string(start_rv) + "\"}}}\n";
            sink.write(b.data(), b.size());
          }
          std::unique_lock<std::mutex> l(mu_);
          // events_ only grows at the back: an index stays valid.
          size_t pos = 0;
          while (pos < events_.size() && events_[pos].rv <= from) ++pos;
          while (!closing_) {
            if (pos >= events_.size()) {
              cv_.wait_for(l, std::chrono::milliseconds(20));
              if (!sink.is_writable()) return false;
              continue;
            }
            const StoredEvent& e = events_[pos++];
            if (e.collection != collection || (!ns.empty() && e.ns != ns) || !Matches(e.object, selector)) continue;
            yaml::Node ev = yaml::Node::Map();
            ev.Set("type", yaml::Node::String(e.type));
            ev.Set("object", e.object);
            std::string line = yaml::EmitJson(ev) + "\n";
            l.unlock();
            bool ok = sink.write(line.data(), line.size());
            l.lock();
            if (!ok) return false;
            if (limit > 0 && ++sent >= limit) break;
          }
          sink.done();
          return true;
        });
  }

  void DiscoveryRoot(const httplib::Request& req, httplib::Response& res, bool core) {
    bool want_agg = req.get_header_value("Accept").find("as=APIGroupDiscoveryList") != std::string::npos;
    if (aggregated_ && want_agg) {
      // Group -> versions -> resources, versions in preference order.
      std::map<std::string, std::vector<const FakeResource*>> groups;
      std::vector<std::string> order;
      for (auto& r : resources_) {
        if (r.group.empty() != core) continue;
        if (!groups.count(r.group)) order.push_back(r.group);
        groups[r.group].push_back(&r);
      }
      yaml::Node items = yaml::Node::Seq();
      for (const auto& g : order) {
        yaml::Node group = yaml::Node::Map();
        group.GetOrCreateMap("metadata").Set("name", yaml::Node::String(g));
        std::vector<std::string> vorder;
        for (auto* r : groups[g])
          if (std::find(vorder.begin(), vorder.end(), r->version) == vorder.end()) vorder.push_back(r->version);
        yaml::Node versions = yaml::Node::Seq();
        for (const auto& v : vorder) {
          yaml::Node ver = yaml::Node::Map();
          ver.Set("version", yaml::Node::String(v));
          yaml::Node rs = yaml::Node::Seq();
          for (auto* r : groups[g]) {
            if (r->version != v) continue;
            yaml::Node e = yaml::Node::Map();
            e.Set("resource", yaml::Node::String(r->plural));
            yaml::Node& rk = e.GetOrCreateMap("responseKind");
            rk.Set("group", yaml::Node::String(r->group));
            rk.Set("version", yaml::Node::String(r->version));
            rk.Set("kind", yaml::Node::String(r->kind));
            e.Set("scope", yaml::Node::String(r->namespaced ? "Namespaced" : "Cluster"));
            e.Set("singularResource", yaml::Node::String(Lower(r->kind)));
            e.Set("verbs", Verbs());
            yaml::Node sn = yaml::Node::Seq();
            for (auto& s : r->short_names) sn.items.push_back(yaml::Node::String(s));
            e.Set("shortNames", std::move(sn));
            yaml::Node subs = yaml::Node::Seq();
            for (auto& s : r->subresources) {
              yaml::Node sub = yaml::Node::Map();
              sub.Set("subresource", yaml::Node::String(s));
              yaml::Node sv = yaml::Node::Seq();
              sv.items.push_back(yaml::Node::String("get"));
              sub.Set("verbs", std::move(sv));
              subs.items.push_back(std::move(sub));
            }
            e.Set("subresources", std::move(subs));
            rs.items.push_back(std::move(e));
          }
          ver.Set("resources", std::move(rs));
          ver.Set("freshness", yaml::Node::String("Current"));
          versions.items.push_back(std::move(ver));
        }
        group.Set("versions", std::move(versions));
        items.items.push_back(std::move(group));
      }
      yaml::Node doc = yaml::Node::Map();
      doc.Set("kind", yaml::Node::String("APIGroupDiscoveryList"));
      doc.Set("apiVersion", yaml::Node::String("apidiscovery.k8s.io/v2"));
      doc.Set("metadata", yaml::Node::Map());
      doc.Set("items", std::move(items));
      res.status = 200;
      res.set_content(yaml::EmitJson(doc), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
      return;
    }
    if (core) {
      return Reply(res, 200, R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]})");
    }
    yaml::Node groups = yaml::Node::Seq();
    std::vector<std::string> seen;
    for (auto& r : resources_) {
      if (r.group.empty() || std::find(seen.begin(), seen.end(), r.group) != seen.end()) continue;
      seen.push_back(r.group);
      yaml::Node g = yaml::Node::Map();
      g.Set("name", yaml::Node::String(r.group));
      yaml::Node vs = yaml::Node::Seq();
      std::string preferred;
      for (auto& o : resources_) {
        if (o.group != r.group) continue;
        bool dup = false;
        for (auto& x : vs.items) dup |= x.StrAt({"version"}) == o.version;
        if (dup) continue;
        yaml::Node v = yaml::Node::Map();
        v.Set("groupVersion", yaml::Node::String(o.group + "/" + o.version));
        v.Set("version", yaml::Node::String(o.version));
        if (preferred.empty()) preferred = o.version;
        vs.items.push_back(std::move(v));
      }
      g.Set("versions", vs);
      yaml::Node pv = yaml::Node::Map();
      pv.Set("groupVersion", yaml::Node::String(r.group + "/" + preferred));
      pv.Set("version", yaml::Node::String(preferred));
      g.Set("preferredVersion", std::move(pv));
      groups.items.push_back(std::move(g));
    }
    yaml::Node doc = yaml::Node::Map();
    doc.Set("kind", yaml::Node::String("APIGroupList"));
    doc.Set("apiVersion", yaml::Node::String("v1"));
    doc.Set("groups", std::move(groups));
    Reply(res, 200, yaml::EmitJson(doc));
  }

  void ResourceList(const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> seg = Split(req.path);
    std::string group = seg[0] == "api" ? "" : seg[1];
    std::string version = seg[0] == "api" ? seg[1] : seg[2];
    yaml::Node rs = yaml::Node::Seq();
    bool any = false;
    for (auto& r : resources_) {
      if (r.group != group || r.version != version) continue;
      any = true;
      yaml::Node e = yaml::Node::Map();
      e.Set("name", yaml::Node::String(r.plural));
      e.Set("singularName", yaml::Node::String(Lower(r.kind)));
      e.Set("namespaced", yaml::Node::Bool(r.namespaced));
      e.Set("kind", yaml::Node::String(r.kind));
      e.Set("verbs", Verbs());
      yaml::Node sn = yaml::Node::Seq();
      for (auto& s : r.short_names) sn.items.push_back(yaml::Node::String(s));
      e.Set("shortNames", std::move(sn));
      rs.items.push_back(std::move(e));
      for (auto& s : r.subresources) {
        yaml::Node sub = yaml::Node::Map();
        sub.Set("name", yaml::Node::String(r.plural + "/" + s));
        sub.Set("singularName", yaml::Node::String(""));
        sub.Set("namespaced", yaml::Node::Bool(r.namespaced));
        sub.Set("kind", yaml::Node::String(r.kind));
        yaml::Node sv = yaml::Node::Seq();
        sv.items.push_back(yaml::Node::String("get"));
        sub.Set("verbs", std::move(sv));
        rs.items.push_back(std::move(sub));
      }
    }
    if (!any) return Reply(res, 404, StatusJson(404, "NotFound", "the server could not find the requested resource"));
    yaml::Node doc = yaml::Node::Map();
    doc.Set("kind", yaml::Node::String("APIResourceList"));
    doc.Set("apiVersion", yaml::Node::String("v1"));
    doc.Set("groupVersion", yaml::Node::String(group.empty() ? version : group + "/" + version));
    doc.Set("resources", std::move(rs));
    Reply(res, 200, yaml::EmitJson(doc));
  }

  static yaml::Node Verbs() {
    yaml::Node v = yaml::Node::Seq();
    for (const char* s : {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"})
      v.items.push_back(yaml::Node::String(s));
    return v;
  }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> aggregated_{true};
  std::atomic<bool> bookmarks_{false};
  std::atomic<bool> expire_continue_{false};
  std::atomic<int> watch_event_limit_{0};
  std::vector<FakeResource> resources_;
  std::vector<Injected> injected_;
  std::vector<LoggedRequest> log_;
  std::map<std::string, yaml::Node> objects_;
  std::deque<StoredEvent> events_;
  int64_t rv_ = 100;
  int64_t oldest_rv_ = 0;
  bool gone_as_http_ = false;
  int gone_times_ = 0;
  std::string auth_;
};

// A clock that only moves when slept on: waits are counted, not measured.
// Unlike base::FakeClock it is thread-safe (watches sleep on their threads).
class FakeClock : public base::Clock {
 public:
  int64_t NowMs() override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(start_.time_since_epoch() + elapsed_)
        .count();
  }
  std::chrono::steady_clock::time_point Monotonic() override {
    std::lock_guard<std::mutex> lock(mu_);
    return start_ + elapsed_;
  }
  void SleepMs(int64_t ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    elapsed_ += std::chrono::milliseconds(ms);
    sleeps_.push_back(std::chrono::milliseconds(ms));
  }
  void Advance(std::chrono::steady_clock::duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    elapsed_ += d;
  }
  std::vector<std::chrono::steady_clock::duration> sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::time_point() + std::chrono::hours(1);
  std::chrono::steady_clock::duration elapsed_{0};
  std::vector<std::chrono::steady_clock::duration> sleeps_;
};

}  // namespace capstan::kube::testing

#endif  // CAPSTAN_KUBE_FAKE_APISERVER_TEST_H_
