// The Kubernetes REST client capstan uses to talk to clusters.
//
// What it promises:
// - LoadKubeconfig() reads kubeconfig files the way kubectl does (KUBECONFIG
//   list merged with "first file wins per key", else ~/.kube/config) and
//   resolves one context into a Config: server, TLS trust, client
//   credentials, namespace. exec / auth-provider plugins are refused with a
//   one-line error. Every error names the file and the field.
// - Client speaks HTTP/1.1 with keep-alive over libcurl (one connection cache
//   shared by a small pool of handles, so concurrent threads reuse
//   connections), throttles itself with a token bucket (qps/burst), retries
//   with bounded exponential backoff and jitter on 429 (honouring
//   Retry-After), on 5xx and on connection loss for idempotent calls.
// - Discovery maps a group/version/kind to its resource (plural name, scope,
//   verbs, subresources) from aggregated discovery when the server offers it,
//   else from the legacy group lists; cached in memory (and on disk when
//   asked), refreshed once when a kind is missing (a CRD just registered).
// - The dynamic client works on yaml::Node objects: get, list (selectors,
//   pagination aggregated into one List), watch (bookmarks, resume from the
//   last resourceVersion, re-list on 410 Gone), create, update, delete,
//   patch (merge, JSON, strategic, server-side apply), dryRun on every
//   mutating call.
// - Failures throw KubeError {code, reason, message}; what() is one line.
//   Credentials never appear in errors.
//
// ResourceClient is the abstract face of the dynamic client: the sync engine
// depends on it and tests fake it.
#ifndef CAPSTAN_KUBE_CLIENT_H_
#define CAPSTAN_KUBE_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "resource/resource.h"
#include "yaml/node.h"

namespace capstan::kube {

using resource::Gvk;
using resource::ResId;

// ---------------------------------------------------------------------------
// Errors

// A failed call. `code` is the HTTP status (0 when no response arrived),
// `reason` the Kubernetes StatusReason ("NotFound", "AlreadyExists",
// "Conflict", "Gone", "Forbidden", "Invalid", "TooManyRequests", ...) or
// "ConnectionError"/"TLSError"/"BadResponse" for transport failures.
class KubeError : public std::runtime_error {
 public:
  KubeError(int code, std::string reason, std::string message);
  int code;
  std::string reason;
  std::string message;
};

bool IsNotFound(const KubeError& e);       // 404
bool IsAlreadyExists(const KubeError& e);  // 409 AlreadyExists
bool IsConflict(const KubeError& e);       // 409 Conflict (stale resourceVersion, SSA conflict)
bool IsGone(const KubeError& e);           // 410 (watch too old, continue token expired)

// A kubeconfig that cannot be used. One line naming file and field.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------
// Configuration

// Everything needed to reach one cluster as one user: the resolved context.
struct Config {
  std::string server;  // "https://host:port" (no trailing slash)
  // TLS trust. ca_data is PEM bytes (already base64-decoded); ca_file a path.
  std::string ca_file, ca_data;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // name to verify the certificate against (SNI)
  std::string proxy_url;
  // Client credentials. *_data are PEM bytes; *_file paths.
  std::string client_cert_file, client_cert_data;
  std::string client_key_file, client_key_data;
  std::string token, token_file;  // bearer token; token_file re-read every minute
  std::string username, password;  // HTTP basic auth
  // Namespace of the context ("default" when the context names none).
  std::string ns = "default";
  // Where it came from, for messages ("" when built by hand).
  std::string context, cluster, user, source;
};

struct KubeconfigOptions {
  // --kubeconfig: when set, only this file is read (KUBECONFIG ignored).
  std::string explicit_path;
  // --context: overrides current-context.
  std::string context;
  // Overrides of the environment, for tests: the KUBECONFIG list and $HOME.
  std::optional<std::string> kubeconfig_env;
  std::optional<std::string> home;
};

// Loads and merges kubeconfig files and resolves the context. Throws
// ConfigError.
Config LoadKubeconfig(const KubeconfigOptions& options = {});

// Inside a pod: KUBERNETES_SERVICE_HOST/PORT and the service-account token,
// CA and namespace under /var/run/secrets/kubernetes.io/serviceaccount.
// Throws ConfigError when not running in a cluster.
Config InClusterConfig();

// ---------------------------------------------------------------------------
// Client behaviour

struct ClientOptions {
  // Client-side throttle (token bucket). client-go defaults to 5 QPS / 10
  // burst, which is sized for kubectl; a GitOps controller syncing
  // applications of hundreds of objects would wait ~40 s for 200 objects.
  // Argo CD's application controller runs at 50 QPS / 100 burst
  // (ARGOCD_K8S_CLIENT_QPS / _BURST), and so does capstan. qps <= 0: off.
  double qps = 50;
  int burst = 100;
  // Retries of retryable failures: at most max_attempts tries in all, delays
  // backoff_base * 2^n with +/-20% jitter, capped at backoff_cap; a
  // Retry-After header is honoured up to max_retry_after.
  int max_attempts = 5;
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{10000};
  std::chrono::seconds max_retry_after{60};
  // Per-request limits (watches use their own timeoutSeconds instead).
  std::chrono::seconds request_timeout{60};
  std::chrono::seconds connect_timeout{10};
  std::string user_agent = "capstan/0.1";
  // Discovery cache on disk (kubectl keeps one under ~/.kube/cache); empty:
  // memory only. Entries older than discovery_ttl are refetched.
  std::string discovery_cache_dir;
  std::chrono::seconds discovery_ttl{600};
  // Idle curl handles kept for reuse (each keeps its connection warm).
  int max_idle_handles = 8;
  // Time of throttling and backoff (base::Clock's monotonic clock and
  // sleeps); tests fake it to count waits instead of measuring them.
  base::Clock* clock = nullptr;  // nullptr: base::RealClock()
};

// Defaults, with the throttle from ARGOCD_K8S_CLIENT_QPS and
// ARGOCD_K8S_CLIENT_BURST when set (Argo CD's names). Throws ConfigError
// naming the variable when one is not a number.
ClientOptions ClientOptionsFromEnv();

// Counters for tests and `capstan` diagnostics.
struct ClientStats {
  uint64_t requests = 0;           // HTTP requests sent (each retry counts)
  uint64_t retries = 0;            // requests that were retries
  uint64_t throttled = 0;          // requests that had to wait for a token
  uint64_t connections = 0;        // TCP connections opened
};

// ---------------------------------------------------------------------------
// Discovery

struct ApiResource {
  std::string group, version, kind;
  std::string name;      // plural resource name, "deployments"
  std::string singular;  // "deployment"
  bool namespaced = false;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;  // "status", "scale", ...
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool preferred = false;  // version is the group's preferred version

  bool HasVerb(std::string_view verb) const;
  Gvk gvk() const { return {group, version, kind}; }
};

class Client;

// The server's API surface. Owned by a Client; thread-safe.
class Discovery {
 public:
  // The resource serving `gvk`. On a miss the cache is refreshed once (a
  // CRD may just have been registered); still missing: KubeError 404
  // `no matches for kind "K" in version "g/v"`.
  ApiResource Resource(const Gvk& gvk);
  // Resource by plural, singular or short name, optionally "name.group"
  // (kubectl get style); preferred version. nullopt when unknown.
  std::optional<ApiResource> ResourceByName(std::string_view name);
  // Preferred version of a group ("" = core -> "v1"); "" when unknown.
  std::string PreferredVersion(std::string_view group);
  // Every resource of every served version (subresources excluded).
  std::vector<ApiResource> Resources();
  // Drops the cache (memory and disk); the next call refetches.
  void Invalidate();
  // Whether the last fetch used aggregated discovery.
  bool aggregated();

  ~Discovery();
  struct Impl;

 private:
  friend class Client;
  explicit Discovery(Client* client);
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------
// The dynamic client

struct ListOptions {
  std::string label_selector, field_selector;
  int64_t limit = 500;  // page size; pages are followed and aggregated
  std::string resource_version;        // "" = most recent (quorum read)
  std::string resource_version_match;  // "NotOlderThan" | "Exact" | ""
  // When set, each page's items (apiVersion/kind filled in) are handed to
  // it as the page arrives instead of being aggregated, and the List
  // returned holds no items: a large list never sits in memory whole.
  // `first` marks the first page of a listing; a listing started over
  // (expired continue token) begins again with first = true.
  std::function<void(std::vector<yaml::Node>& items, bool first)> on_page;
};

struct WriteOptions {
  bool dry_run = false;      // dryRun=All: validated, admitted, not stored
  std::string field_manager;
};

enum class PatchType { kMerge, kJson, kStrategic, kApply };

struct PatchOptions {
  PatchType type = PatchType::kMerge;
  bool dry_run = false;
  std::string field_manager;  // required by the server for kApply
  bool force = false;         // kApply only: take over conflicting fields
  std::string subresource;    // "status", "scale" or ""
};

struct DeleteOptions {
  bool dry_run = false;
  std::string propagation_policy;  // "Background" | "Foreground" | "Orphan" | "" (server default)
  std::optional<int64_t> grace_period_seconds;
  std::string precondition_uid, precondition_resource_version;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  yaml::Node object;
};

struct WatchOptions {
  std::string label_selector, field_selector;
  // Start point. Empty: the watch first lists (on_list gets the List) and
  // then watches from the list's resourceVersion.
  std::string resource_version;
  bool allow_bookmarks = true;
  // Server-side timeout of one watch request; the watch then resumes from the
  // last resourceVersion seen (events and bookmarks), transparently.
  int timeout_seconds = 300;
  // Called with the full List at start (when resource_version is empty) and
  // after every re-list forced by 410 Gone: the caller replaces its cache.
  std::function<void(const yaml::Node& list)> on_list;
  // With on_list_page, a (re-)list hands its items over page by page
  // (ListOptions::on_page, pages of list_page_size) and on_list then gets
  // the List without items, marking the end of the listing.
  std::function<void(std::vector<yaml::Node>& items, bool first)> on_list_page;
  int64_t list_page_size = 500;
  // Set from another thread to end the watch (checked while streaming).
  const std::atomic<bool>* stop = nullptr;
};

// The operations the sync engine needs. Objects are full Kubernetes objects
// (apiVersion, kind, metadata...). An empty namespace of a namespaced kind
// means the client's default namespace; cluster-scoped kinds ignore it.
class ResourceClient {
 public:
  virtual ~ResourceClient() = default;

  // Scope, plural name, verbs of a kind (from discovery).
  virtual ApiResource Resource(const Gvk& gvk) = 0;
  // Namespace used when an object names none.
  virtual std::string DefaultNamespace() const = 0;

  virtual yaml::Node Get(const ResId& id) = 0;
  // A List object ("<Kind>List", items aggregated over every page,
  // metadata.resourceVersion of the last page). ns "" on a namespaced kind:
  // all namespaces.
  virtual yaml::Node List(const Gvk& gvk, const std::string& ns, const ListOptions& options = {}) = 0;
  virtual yaml::Node Create(const yaml::Node& obj, const WriteOptions& options = {}) = 0;
  virtual yaml::Node Update(const yaml::Node& obj, const WriteOptions& options = {}) = 0;
  virtual yaml::Node Patch(const ResId& id, const yaml::Node& patch, const PatchOptions& options) = 0;
  // Server-side apply of a whole object: Patch with kApply.
  virtual yaml::Node Apply(const yaml::Node& obj, const std::string& field_manager, bool force = false,
                           bool dry_run = false) = 0;
  // Returns what the server answered (the object while finalizers run, or
  // a Status).
  virtual yaml::Node Delete(const ResId& id, const DeleteOptions& options = {}) = 0;
  // Blocks, calling on_event for each event until it returns false, the
  // stop flag is set or a non-recoverable error is thrown.
  virtual void Watch(const Gvk& gvk, const std::string& ns, const WatchOptions& options,
                     const std::function<bool(const WatchEvent&)>& on_event) = 0;
};

// A raw HTTP exchange, for paths the typed calls do not cover (/version,
// /healthz, /openapi/v3).
struct RawResponse {
  long status = 0;
  std::string content_type;
  std::string body;
};

class Client : public ResourceClient {
 public:
  explicit Client(Config config, ClientOptions options = {});
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  ApiResource Resource(const Gvk& gvk) override;
  std::string DefaultNamespace() const override;
  yaml::Node Get(const ResId& id) override;
  yaml::Node List(const Gvk& gvk, const std::string& ns, const ListOptions& options = {}) override;
  yaml::Node Create(const yaml::Node& obj, const WriteOptions& options = {}) override;
  yaml::Node Update(const yaml::Node& obj, const WriteOptions& options = {}) override;
  yaml::Node Patch(const ResId& id, const yaml::Node& patch, const PatchOptions& options) override;
  yaml::Node Apply(const yaml::Node& obj, const std::string& field_manager, bool force = false,
                   bool dry_run = false) override;
  yaml::Node Delete(const ResId& id, const DeleteOptions& options = {}) override;
  void Watch(const Gvk& gvk, const std::string& ns, const WatchOptions& options,
             const std::function<bool(const WatchEvent&)>& on_event) override;

  // Every object of every listable kind (preferred versions, all
  // namespaces) matching a label selector, e.g. "app.kubernetes.io/instance=guestbook":
  // what a GitOps tool tracks as "live objects of an application". Events
  // are skipped (never managed, often huge); so are kinds the server refuses
  // to list (403/404/405), which an unprivileged user commonly hits.
  std::vector<yaml::Node> ListAcrossKinds(const std::string& label_selector);

  // GET of an absolute path ("/version"); retried and throttled like the
  // rest; non-2xx answers are returned, not thrown.
  RawResponse Raw(const std::string& method, const std::string& path, const std::string& body = "",
                  const std::string& content_type = "", const std::string& accept = "");

  Discovery& discovery();
  const Config& config() const;
  ClientStats stats() const;

  struct Impl;

 private:
  friend class Discovery;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<Discovery> discovery_;
};

}  // namespace capstan::kube

#endif  // CAPSTAN_KUBE_CLIENT_H_
