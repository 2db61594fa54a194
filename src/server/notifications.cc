#include "server/notifications.h"

#include <httplib.h>

#include <chrono>
#include <regex>

#include "base/httplib.h"
#include "server/crypto.h"
#include "server/session.h"
#include "yaml/yaml.h"

namespace capstan::server {

using yaml::Node;

std::string SendWithRetries(const notify::Request& r, const notify::WebhookService& svc) {
  // The port is checked here: cpp-httplib's Client throws from its own
  // C++ runtime on a port beyond int, which capstan's cannot catch (see
  // base/http_server.h).
  static const std::regex url_re(R"(^(https?://(?:\[[0-9A-Fa-f:.]+\]|[^/:\[\]]+)(?::([0-9]{1,5}))?)(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(r.url, m, url_re) || (m[2].matched && std::stoi(m[2].str()) > 65535))
    return "service " + svc.name + ": url is not http(s)://host[:port][/path]";
  std::string base = m[1].str(), path = m[3].matched ? m[3].str() : "/";
  base::LoadHttplib();
  std::string why;
  int64_t wait = svc.retry_wait_min_ms;
  for (int attempt = 0; attempt <= svc.retry_max; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      wait = std::min(wait * 2, svc.retry_wait_max_ms);
    }
    httplib::Client cli(base);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(15, 0);
    if (svc.insecure_skip_verify) cli.enable_server_certificate_verification(false);
    if (!svc.username.empty()) cli.set_basic_auth(svc.username, svc.password);
    httplib::Headers headers;
    std::string content_type = "application/json";
    for (const auto& [k, v] : r.headers) {
      if (k == "Content-Type" || k == "content-type") content_type = v;
      else headers.emplace(k, v);
    }
    httplib::Request req;
    req.method = r.method;
    req.path = path;
    req.headers = headers;
    if (!r.body.empty() || r.method != "GET") {
      req.body = r.body;
      req.set_header("Content-Type", content_type);
    }
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    bool ok = cli.send(req, res, err);
    if (ok && res.status >= 200 && res.status < 300) return "";
    why = ok ? "HTTP " + std::to_string(res.status) : "connection failed";
    bool retryable = !ok || res.status >= 500 || res.status == 429;
    if (!retryable) break;
  }
  return "service " + svc.name + ": " + why + " (after retries)";
}

Notifier::Notifier(kube::ResourceClient& client, AppCache& cache, std::string ns)
    : client_(client), cache_(cache), ns_(std::move(ns)) {}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  listener_ = cache_.Subscribe([this](const std::string& type, const std::shared_ptr<const CachedApp>& a) {
    if (type == "DELETED") return;
    {
      std::lock_guard<std::mutex> l(mu_);
      pending_.insert(a->name);
    }
    cv_.notify_one();
  });
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& a : cache_.List()) pending_.insert(a->name);
  }
  thread_ = std::thread([this] { Run(); });
}

void Notifier::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (listener_) cache_.Unsubscribe(listener_);
  listener_ = 0;
  if (thread_.joinable()) thread_.join();
}

void Notifier::Run() {
  while (true) {
    std::string name;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      name = *pending_.begin();
      pending_.erase(pending_.begin());
    }
    try {
      Process(name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capstan server: notifications for %s: %s\n", name.c_str(), e.what());
    }
  }
}

void Notifier::Process(const std::string& name) {
  auto a = cache_.Get(name);
  if (!a) return;
  Node cm;
  try {
    cm = client_.Get({{"", "v1", "ConfigMap"}, ns_, "argocd-notifications-cm"});
  } catch (const kube::KubeError& e) {
    if (kube::IsNotFound(e)) return;  // notifications not configured
    throw;
  }
  std::map<std::string, std::string> secrets;
  try {
    Node s = client_.Get({{"", "v1", "Secret"}, ns_, "argocd-notifications-secret"});
    if (const Node* d = s.Get("data"); d && d->IsMap())
      for (const auto& f : d->fields) {
        std::string v;
        if (Base64Decode(f.value.Str(), &v)) secrets[f.key.Str()] = v;
      }
  } catch (const kube::KubeError&) {
  }
  notify::Config config = notify::ParseConfig(cm.Get("data") ? *cm.Get("data") : Node::Map(), secrets);
  std::string errors;
  for (const auto& e : config.errors) errors += e + "\n";
  if (errors != last_error_)  // each configuration problem once, not per event
    for (const auto& e : config.errors) std::fprintf(stderr, "capstan server: notifications: %s\n", e.c_str());
  last_error_ = errors;
  std::optional<Node> project;
  try {
    project = client_.Get({{"argoproj.io", "v1alpha1", "AppProject"}, ns_, a->project});
  } catch (const std::exception&) {
  }
  notify::Evaluation ev = notify::Evaluate(a->object, project ? &*project : nullptr, config, NowSeconds());
  for (const auto& err : ev.errors) std::fprintf(stderr, "capstan server: notifications for %s: %s\n", name.c_str(), err.c_str());
  for (const auto& d : ev.deliveries) {
    try {
      notify::Request r = notify::RenderWebhook(d, a->object, config);
      std::string failed = SendWithRetries(r, config.services.at(d.subscription.service));
      if (!failed.empty())
        std::fprintf(stderr, "capstan server: notification %s of %s: %s\n", d.subscription.trigger.c_str(), name.c_str(),
                     failed.c_str());
    } catch (const notify::ConfigError& e) {
      std::fprintf(stderr, "capstan server: notification %s of %s: %s\n", d.subscription.trigger.c_str(), name.c_str(), e.what());
    }
  }
  if (ev.changed) {
    Node patch = Node::Map();
    patch.GetOrCreateMap("metadata").GetOrCreateMap("annotations").Set(notify::kNotifiedAnnotation, Node::String(ev.notified));
    try {
      cache_.Put(client_.Patch({{"argoproj.io", "v1alpha1", "Application"}, ns_, name}, patch, {}));
    } catch (const kube::KubeError& e) {
      if (!kube::IsNotFound(e)) throw;
    }
  }
}

}  // namespace capstan::server
