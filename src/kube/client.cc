// The dynamic client: request building, throttling, retries, CRUD calls.
#include "kube/client.h"

#include <algorithm>
#include <cstdlib>

#include "kube/client_impl.h"
#include "kube/util.h"
#include "yaml/yaml.h"

namespace capstan::kube {

ClientOptions ClientOptionsFromEnv() {
  ClientOptions o;
  auto number = [](const char* name, double* out) {
    const char* v = std::getenv(name);
    if (!v || !*v) return;
    char* end = nullptr;
    double d = std::strtod(v, &end);
    if (*end) throw ConfigError(std::string(name) + "=" + v + ": not a number");
    *out = d;
  };
  double burst = o.burst;
  number("ARGOCD_K8S_CLIENT_QPS", &o.qps);
  number("ARGOCD_K8S_CLIENT_BURST", &burst);
  o.burst = static_cast<int>(burst);
  return o;
}

// --- Impl: sending -----------------------------------------------------------

Client::Impl::Impl(Config c, ClientOptions o)
    : config(std::move(c)),
      options(std::move(o)),
      clock(options.clock ? options.clock : &base::RealClock()),
      transport(config, options),
      limiter(options.qps, options.burst, clock),
      rng(std::random_device{}()) {}

HttpRequest Client::Impl::WriteRequest(const char* method, std::string path, const yaml::Node& body,
                                       const char* content_type) const {
  HttpRequest req;
  req.method = method;
  req.path = std::move(path);
  req.body = yaml::EmitJson(body);
  req.content_type = content_type;
  req.timeout = options.request_timeout;
  return req;
}

std::string Describe(const HttpRequest& request) {
  return request.method + " " + request.path.substr(0, request.path.find('?'));
}

std::chrono::milliseconds Client::Impl::Backoff(int retry) {
  std::lock_guard<std::mutex> lock(rng_mu);
  return BackoffDelay(retry, options.backoff_base, options.backoff_cap, rng);
}

HttpResponse Client::Impl::Send(const HttpRequest& request, bool idempotent, const ChunkFn& on_chunk,
                                const std::atomic<bool>* stop) {
  int max_attempts = std::max(1, options.max_attempts);
  bool streamed = false;
  ChunkFn tracked;
  if (on_chunk) {
    tracked = [&](std::string_view chunk) {
      streamed = true;
      return on_chunk(chunk);
    };
  }
  for (int attempt = 1;; ++attempt) {
    if (limiter.Take()) ++throttled;
    ++requests;
    if (attempt > 1) ++retries;
    HttpResponse response;
    TransportFailure failure;
    if (!transport.Do(request, &response, &failure, tracked, stop)) {
      // Connection refused, reset or dropped: safe to resend only when the
      // call is idempotent and nothing was handed to the caller yet.
      if (failure.retryable && idempotent && !streamed && attempt < max_attempts && !(stop && stop->load())) {
        clock->SleepMs(Backoff(attempt).count());
        continue;
      }
      std::string msg = failure.message;
      if (attempt > 1) msg += " (after " + std::to_string(attempt) + " attempts)";
      throw KubeError(0, failure.reason, msg);
    }
    long status = response.status;
    long retry_after = ParseRetryAfter(response.Header("retry-after"));
    // 429: the server refused before doing anything, so any call may be
    // resent. 5xx: only idempotent calls, unless the server itself asks for
    // a retry with Retry-After (as client-go does).
    bool retry = status == 429 ||
                 ((status == 500 || status == 502 || status == 503 || status == 504) &&
                  (idempotent || retry_after >= 0));
    if (retry && !streamed && attempt < max_attempts) {
      std::chrono::steady_clock::duration delay;
      if (retry_after >= 0) {
        delay = std::chrono::seconds(std::min<long>(retry_after, options.max_retry_after.count()));
      } else {
        delay = Backoff(attempt);
      }
      clock->SleepMs(std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
      continue;
    }
    return response;
  }
}

yaml::Node Client::Impl::Call(const HttpRequest& request, bool idempotent) {
  HttpResponse response = Send(request, idempotent);
  std::string what = Describe(request);
  if (response.status < 200 || response.status >= 300)
    throw ErrorFromResponse(response.status, response.body, what);
  if (response.body.empty()) return yaml::Node();
  try {
    return yaml::ParseJson(response.body, what);
  } catch (const std::exception& e) {
    throw KubeError(static_cast<int>(response.status), "BadResponse", what + ": invalid JSON in response: " + e.what());
  }
}

// --- request building ---------------------------------------------------------

namespace {

class Query {
 public:
  Query& Add(std::string_view key, std::string_view value) {
    if (value.empty()) return *this;
    q_ += q_.empty() ? '?' : '&';
    q_ += std::string(key) + "=" + UrlEncode(value);
    return *this;
  }
  const std::string& str() const { return q_; }

 private:
  std::string q_;
};

Gvk GvkOf(const yaml::Node& obj, const char* what) {
  std::string api_version = obj.StrAt({"apiVersion"});
  std::string kind = obj.StrAt({"kind"});
  if (api_version.empty() || kind.empty())
    throw KubeError(400, "BadRequest", std::string(what) + ": object has no " + (kind.empty() ? "kind" : "apiVersion"));
  return Gvk::FromApiVersion(api_version, kind);
}

ResId IdOf(const yaml::Node& obj, const char* what) {
  ResId id;
  id.gvk = GvkOf(obj, what);
  id.ns = obj.StrAt({"metadata", "namespace"});
  id.name = obj.StrAt({"metadata", "name"});
  return id;
}


const char* PatchContentType(PatchType t) {
  switch (t) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kStrategic: return "application/strategic-merge-patch+json";
    case PatchType::kApply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

}  // namespace

std::string ResourcePath(const ApiResource& r, const std::string& ns, const std::string& name,
                         const std::string& subresource) {
  return resource::ResourcePath(r.group, r.version, r.name, r.namespaced ? UrlEncode(ns) : "",
                               name.empty() ? "" : UrlEncode(name), subresource);
}

// --- Client --------------------------------------------------------------------

Client::Client(Config config, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options))),
      discovery_(new Discovery(this)) {}

Client::~Client() = default;

Discovery& Client::discovery() { return *discovery_; }
const Config& Client::config() const { return impl_->config; }
std::string Client::DefaultNamespace() const { return impl_->config.ns; }

ClientStats Client::stats() const {
  ClientStats s;
  s.requests = impl_->requests.load();
  s.retries = impl_->retries.load();
  s.throttled = impl_->throttled.load();
  s.connections = impl_->transport.connections_opened();
  return s;
}

ApiResource Client::Resource(const Gvk& gvk) { return discovery_->Resource(gvk); }

RawResponse Client::Raw(const std::string& method, const std::string& path, const std::string& body,
                        const std::string& content_type, const std::string& accept) {
  HttpRequest req;
  req.method = method;
  req.path = path;
  req.body = body;
  req.content_type = content_type;
  if (!accept.empty()) req.accept = accept;
  req.timeout = impl_->options.request_timeout;
  HttpResponse resp = impl_->Send(req, method == "GET" || method == "HEAD");
  return RawResponse{resp.status, resp.Header("content-type"), std::move(resp.body)};
}

yaml::Node Client::Get(const ResId& id) {
  ApiResource r = Resource(id.gvk);
  std::string ns = r.namespaced ? (id.ns.empty() ? impl_->config.ns : id.ns) : "";
  HttpRequest req;
  req.path = ResourcePath(r, ns, id.name);
  req.timeout = impl_->options.request_timeout;
  return impl_->Call(req, true);
}

namespace {

// Typed lists leave apiVersion/kind off their items; the dynamic client
// fills them in (as client-go's unstructured decoding does).
void FillTypeMeta(const ApiResource& r, std::vector<yaml::Node>* items) {
  for (auto& item : *items) {
    if (!item.IsMap()) continue;
    if (!item.Has("apiVersion") || !item.Has("kind")) {
      yaml::Node fixed = yaml::Node::Map();
      fixed.Set("apiVersion", yaml::Node::String(r.gvk().ApiVersion()));
      fixed.Set("kind", yaml::Node::String(r.kind));
      for (auto& f : item.fields)
        if (f.key.value != "apiVersion" && f.key.value != "kind") fixed.fields.push_back(std::move(f));
      item = std::move(fixed);
    }
  }
}

}  // namespace

yaml::Node Client::List(const Gvk& gvk, const std::string& ns, const ListOptions& options) {
  ApiResource r = Resource(gvk);
  std::string list_ns = r.namespaced ? ns : "";
  yaml::Node result;
  std::string cont;
  bool paged = options.limit > 0;
  for (int page = 0;; ++page) {
    Query q;
    q.Add("labelSelector", options.label_selector).Add("fieldSelector", options.field_selector);
    if (paged) q.Add("limit", std::to_string(options.limit));
    q.Add("continue", cont);
    if (cont.empty()) {
      q.Add("resourceVersion", options.resource_version);
      q.Add("resourceVersionMatch", options.resource_version_match);
    }
    HttpRequest req;
    req.path = ResourcePath(r, list_ns, "") + q.str();
    req.timeout = impl_->options.request_timeout;
    yaml::Node doc;
    try {
      doc = impl_->Call(req, true);
    } catch (const KubeError& e) {
      // The continue token expired mid-way (410): start over with one
      // unpaged list, as client-go's pager does.
      if (IsGone(e) && page > 0 && paged) {
        paged = false;
        cont.clear();
        result = yaml::Node();
        page = -1;
        continue;
      }
      throw;
    }
    std::string next = doc.StrAt({"metadata", "continue"});
    if (options.on_page) {
      yaml::Node* items = doc.Get("items");
      if (items && items->IsSeq()) {
        FillTypeMeta(r, &items->items);
        options.on_page(items->items, page == 0);
        items->items.clear();
      } else {
        std::vector<yaml::Node> none;
        options.on_page(none, page == 0);
      }
    }
    if (result.IsNull()) {
      result = std::move(doc);
      if (!result.Get("items") || !result.Get("items")->IsSeq()) result.Set("items", yaml::Node::Seq());
    } else {
      yaml::Node& items = *result.Get("items");
      if (yaml::Node* more = doc.Get("items"); more && more->IsSeq())
        for (auto& i : more->items) items.items.push_back(std::move(i));
      result.GetOrCreateMap("metadata").Set("resourceVersion",
                                             yaml::Node::String(doc.StrAt({"metadata", "resourceVersion"})));
    }
    cont = next;
    if (cont.empty() || !paged) break;
  }
  if (yaml::Node* md = result.Get("metadata"); md && md->IsMap()) {
    md->Remove("continue");
    md->Remove("remainingItemCount");
  }
  if (yaml::Node* items = result.Get("items")) FillTypeMeta(r, &items->items);
  if (!result.Has("kind")) result.Set("kind", yaml::Node::String(r.kind + "List"));
  if (!result.Has("apiVersion")) result.Set("apiVersion", yaml::Node::String(r.gvk().ApiVersion()));
  return result;
}

std::vector<yaml::Node> Client::ListAcrossKinds(const std::string& label_selector) {
  std::vector<yaml::Node> out;
  ListOptions o;
  o.label_selector = label_selector;
  for (const ApiResource& r : discovery_->Resources()) {
    if (!r.preferred || !r.HasVerb("list") || r.name == "events") continue;
    try {
      yaml::Node list = List(r.gvk(), "", o);
      if (yaml::Node* items = list.Get("items"))
        for (auto& item : items->items) out.push_back(std::move(item));
    } catch (const KubeError& e) {
      if (e.code == 403 || e.code == 404 || e.code == 405) continue;
      throw;
    }
  }
  return out;
}

yaml::Node Client::Create(const yaml::Node& obj, const WriteOptions& options) {
  ResId id = IdOf(obj, "create");
  ApiResource r = Resource(id.gvk);
  std::string ns = r.namespaced ? (id.ns.empty() ? impl_->config.ns : id.ns) : "";
  Query q;
  if (options.dry_run) q.Add("dryRun", "All");
  q.Add("fieldManager", options.field_manager);
  return impl_->Call(impl_->WriteRequest("POST", ResourcePath(r, ns, "") + q.str(), obj), false);
}

yaml::Node Client::Update(const yaml::Node& obj, const WriteOptions& options) {
  ResId id = IdOf(obj, "update");
  if (id.name.empty()) throw KubeError(400, "BadRequest", "update " + id.gvk.kind + ": object has no metadata.name");
  ApiResource r = Resource(id.gvk);
  std::string ns = r.namespaced ? (id.ns.empty() ? impl_->config.ns : id.ns) : "";
  Query q;
  if (options.dry_run) q.Add("dryRun", "All");
  q.Add("fieldManager", options.field_manager);
  // A PUT carries the resourceVersion it read, so a resend cannot clobber a
  // newer write: it fails with a Conflict instead. Safe to retry.
  return impl_->Call(impl_->WriteRequest("PUT", ResourcePath(r, ns, id.name) + q.str(), obj), true);
}

yaml::Node Client::Patch(const ResId& id, const yaml::Node& patch, const PatchOptions& options) {
  ApiResource r = Resource(id.gvk);
  std::string ns = r.namespaced ? (id.ns.empty() ? impl_->config.ns : id.ns) : "";
  Query q;
  if (options.dry_run) q.Add("dryRun", "All");
  q.Add("fieldManager", options.field_manager);
  if (options.type == PatchType::kApply && options.force) q.Add("force", "true");
  // JSON is YAML too, for apply-patch+yaml.
  HttpRequest req = impl_->WriteRequest("PATCH", ResourcePath(r, ns, id.name, options.subresource) + q.str(),
                                        patch, PatchContentType(options.type));
  // Apply and merge patches state the end result, so resending is harmless;
  // JSON and strategic patches may carry list operations that are not.
  bool idempotent = options.type == PatchType::kApply || options.type == PatchType::kMerge;
  return impl_->Call(req, idempotent);
}

yaml::Node Client::Apply(const yaml::Node& obj, const std::string& field_manager, bool force, bool dry_run) {
  PatchOptions o;
  o.type = PatchType::kApply;
  o.field_manager = field_manager;
  o.force = force;
  o.dry_run = dry_run;
  ResId id = IdOf(obj, "apply");
  if (id.name.empty()) throw KubeError(400, "BadRequest", "apply " + id.gvk.kind + ": object has no metadata.name");
  return Patch(id, obj, o);
}

yaml::Node Client::Delete(const ResId& id, const DeleteOptions& options) {
  ApiResource r = Resource(id.gvk);
  std::string ns = r.namespaced ? (id.ns.empty() ? impl_->config.ns : id.ns) : "";
  yaml::Node body = yaml::Node::Map();
  body.Set("kind", yaml::Node::String("DeleteOptions"));
  body.Set("apiVersion", yaml::Node::String("v1"));
  if (!options.propagation_policy.empty())
    body.Set("propagationPolicy", yaml::Node::String(options.propagation_policy));
  if (options.grace_period_seconds) body.Set("gracePeriodSeconds", yaml::Node::Int(*options.grace_period_seconds));
  if (!options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
    yaml::Node& pre = body.GetOrCreateMap("preconditions");
    if (!options.precondition_uid.empty()) pre.Set("uid", yaml::Node::String(options.precondition_uid));
    if (!options.precondition_resource_version.empty())
      pre.Set("resourceVersion", yaml::Node::String(options.precondition_resource_version));
  }
  Query q;
  if (options.dry_run) {
    yaml::Node dry = yaml::Node::Seq();
    dry.items.push_back(yaml::Node::String("All"));
    body.Set("dryRun", std::move(dry));
    q.Add("dryRun", "All");
  }
  return impl_->Call(impl_->WriteRequest("DELETE", ResourcePath(r, ns, id.name) + q.str(), body), true);
}

}  // namespace capstan::kube
