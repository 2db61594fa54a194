// The HTTPS front end: cpp-httplib with TLS, bearer-token auth, and the
// glue between httplib requests and Api::Handle.
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/http_server.h"
#include "cluster/api.h"
#include "cluster/certs.h"
#include "cluster/cluster.h"
#include "cluster/connection_pool.h"
#include "cluster/data_dir_lock.h"
#include "cluster/controllers/manager.h"
#include "cluster/lazy_libraries.h"
#include "cluster/store.h"
#include "yaml/yaml.h"

namespace capstan::cluster {

std::string DefaultDataDir() {
  if (const char* h = std::getenv("CAPSTAN_HOME"); h && *h) return std::string(h) + "/cluster";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.capstan/cluster";
}

struct Server::Impl {
  ServerOptions opt;
  Credentials creds;
  std::unique_ptr<Store> store;
  Registry registry;
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Api> api;
  std::unique_ptr<ControllerManager> controllers;
  std::unique_ptr<httplib::SSLServer> http;
  std::thread thread;
  DataDirLock lock;
  int port = 0;
  std::string kubeconfig;
  bool running = false;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }
std::string Server::kubeconfig_path() const { return impl_->kubeconfig; }
std::string Server::server_url() const { return "https://127.0.0.1:" + std::to_string(impl_->port); }
std::string Server::token() const { return impl_->creds.token; }

static X509* ParseCert(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return c;
}

static EVP_PKEY* ParseKey(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return k;
}

// "Bearer <token>" with the scheme in any case (RFC 7235), the token
// compared in constant time.
static bool Authorized(const std::string& header, const std::string& token) {
  static const char kScheme[] = "bearer ";
  if (header.size() != 7 + token.size()) return false;
  for (size_t i = 0; i < 7; ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(header[7 + i] ^ token[i]);
  return diff == 0;
}

static bool Public(const std::string& path) {
  return path == "/healthz" || path == "/livez" || path == "/readyz" || path == "/version" ||
         path.rfind("/healthz/", 0) == 0 || path.rfind("/livez/", 0) == 0 ||
         path.rfind("/readyz/", 0) == 0;
}

void Server::Start() {
  Impl& s = *impl_;
  if (s.running) return;
  if (s.opt.port < 0 || s.opt.port > 65535)
    throw std::runtime_error("--port " + std::to_string(s.opt.port) +
                             ": not a TCP port (0-65535; 0 picks a free one)");
  if (s.opt.data_dir.empty()) s.opt.data_dir = DefaultDataDir();
  std::error_code ec;
  std::filesystem::create_directories(s.opt.data_dir, ec);
  if (ec) throw std::runtime_error(s.opt.data_dir + ": cannot create data dir: " + ec.message());
  chmod(s.opt.data_dir.c_str(), 0700);
  // One server per data directory: a second one would interleave writes to
  // state.db and overwrite the first one's port and kubeconfig.
  s.lock.Acquire(s.opt.data_dir);
  // Each connection holds a thread and a descriptor: allow many.
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  s.creds = LoadOrCreateCredentials(s.opt.data_dir);
  s.store = std::make_unique<Store>(s.opt.data_dir + "/state.db", s.opt.watch_history);
  // CRDs stored before a restart serve their resources again.
  for (const auto& o : s.store->List("apiextensions.k8s.io/customresourcedefinitions", "")) {
    try {
      s.registry.AddCrd(yaml::ParseJson(o->json));
    } catch (const std::exception&) {
    }
  }
  s.clock = std::make_unique<Clock>(s.opt.speed);
  SimOptions sim;
  sim.nodes = s.opt.nodes;
  sim.rules_file = s.opt.rules_file;
  sim.pod_start_seconds = s.opt.pod_start_seconds;
  sim.ca_pem = s.creds.ca_pem;
  s.controllers = std::make_unique<ControllerManager>(s.store.get(), &s.registry, s.clock.get(), sim);
  s.controllers->Bootstrap();

  X509* cert = ParseCert(s.creds.cert_pem);
  EVP_PKEY* key = ParseKey(s.creds.key_pem);
  if (!cert || !key) throw std::runtime_error(s.opt.data_dir + "/server.crt: cannot load certificate");
  LoadClusterLibraries();
  s.http = std::make_unique<httplib::SSLServer>(cert, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!s.http->is_valid()) throw std::runtime_error("TLS server setup failed");
  // A thread per connection, grown on demand: watches and idle keep-alive
  // connections never starve other requests (a fixed pool of 64 did).
  s.http->new_task_queue = [] { return new ConnectionPool(4096); };
  // No SO_REUSEPORT (cpp-httplib's default): a port another server holds
  // must fail to bind, not be shared with it.
  s.http->set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.http->set_payload_max_length(64 * 1024 * 1024);
  s.http->set_keep_alive_max_count(100000);
  s.http->set_keep_alive_timeout(30);
  s.http->set_read_timeout(60);
  // Headers and body go out as two TLS records; with Nagle on, the second
  // waits for the client's delayed ACK (40 ms per response on Linux).
  s.http->set_tcp_nodelay(true);
  if (s.opt.port == 0) {
    s.port = s.http->bind_to_any_port(s.opt.host);
  } else {
    s.port = s.http->bind_to_port(s.opt.host, s.opt.port) ? s.opt.port : -1;
  }
  if (s.port <= 0)
    throw std::runtime_error("cannot listen on " + s.opt.host + ":" + std::to_string(s.opt.port) +
                             (s.opt.port ? ": the port is in use or not allowed" : ""));

  ApiConfig cfg;
  cfg.openapi_dir = s.opt.openapi_dir;
  cfg.server_address = s.opt.host + ":" + std::to_string(s.port);
  s.api = std::make_unique<Api>(s.store.get(), &s.registry, s.clock.get(), cfg);

  std::string token = s.creds.token;
  Api* api = s.api.get();
  auto handler = [api, token](const httplib::Request& hreq, httplib::Response& hres) {
    Request req;
    req.method = hreq.method;
    req.path = hreq.path;
    for (const auto& [k, v] : hreq.params) req.query.emplace(k, v);
    req.headers = base::LowerCaseHeaders(hreq.headers);
    req.body = hreq.body;
    Response res;
    if (!Public(req.path) && !Authorized(req.Header("authorization"), token)) {
      res.status = 401;
      res.body =
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}";
    } else {
      res = api->Handle(req);
    }
    hres.status = res.status;
    if (res.stream)
      base::SetChunkedContent(hres, res.content_type, res.stream);
    else
      hres.set_content(res.body, res.content_type.c_str());
  };
  base::RouteAllMethods(*s.http, handler, /*options=*/true);

  s.kubeconfig = WriteKubeconfig(s.opt.data_dir, server_url(), s.creds);
  httplib::SSLServer* http = s.http.get();
  s.thread = std::thread([http] { http->listen_after_bind(); });
  // stop() before the accept loop runs is lost (httplib only stops a
  // running server), and Stop() would then wait for ever.
  for (int i = 0; i < 5000 && !http->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (s.opt.controllers) s.controllers->Start();
  s.running = true;
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  if (s.controllers) s.controllers->Stop();
  if (s.api) s.api->Shutdown();
  if (s.store) s.store->WakeAll();
  if (s.http) s.http->stop();
  if (s.thread.joinable()) s.thread.join();
  s.http.reset();
  s.controllers.reset();
  s.api.reset();
  s.store.reset();
  s.lock.Release();
}

}  // namespace capstan::cluster
