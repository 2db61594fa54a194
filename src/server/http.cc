// The HTTP(S) front end: cpp-httplib, the glue between its requests and
// Api::Handle, and the embedded dashboard.
#include <httplib.h>
#include <openssl/pem.h>

#include <chrono>
#include <thread>

#include "base/http_server.h"
#include "base/httplib.h"
#include "base/libcrypto.h"
#include "server/server.h"
#include "server/tls.h"
#include "server/web_assets.h"

namespace capstan::server {

struct Server::Impl {
  kube::Client& client;
  ServerOptions opt;
  std::unique_ptr<Api> api;
  std::unique_ptr<httplib::Server> http;
  std::thread thread;
  int port = 0;
  bool running = false;
};

namespace {

X509* ParseCert(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return c;
}

EVP_PKEY* ParseKey(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return k;
}

void SecurityHeaders(httplib::Response& res) {
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
}

void ServeAsset(const httplib::Request& req, httplib::Response& res) {
  SecurityHeaders(res);
  const std::string& path = req.path;
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos) {
    res.status = 404;
    res.set_content("not found\n", "text/plain");
    return;
  }
  const WebAsset* a = FindWebAsset(path == "/" ? "/index.html" : path);
  // The single-page app owns every other path (/applications/x, /login).
  if (!a) a = FindWebAsset("/index.html");
  if (!a) {
    res.status = 404;
    res.set_content("not found\n", "text/plain");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(a->data), std::string(a->content_type).c_str());
}

}  // namespace

Server::Server(kube::Client& client, ServerOptions options) : impl_(new Impl{client, std::move(options)}) {}

Server::~Server() { Stop(); }

Api& Server::api() { return *impl_->api; }
int Server::port() const { return impl_->port; }
std::string Server::url() const {
  return std::string(impl_->opt.insecure ? "http" : "https") + "://" + impl_->opt.address + ":" +
         std::to_string(impl_->port);
}

std::string Server::Start() {
  Impl& s = *impl_;
  s.opt.api.secure_cookies = !s.opt.insecure;
  s.api = std::make_unique<Api>(s.client, s.opt.api);
  std::string password = s.api->Start();
  base::LoadHttplib();
  if (s.opt.insecure) {
    s.http = std::make_unique<httplib::Server>();
  } else {
    TlsMaterial tls = LoadOrCreateTls(s.client, s.opt.api.ns, s.opt.tls_cert, s.opt.tls_key, s.opt.address);
    base::LoadLibcrypto();
    X509* cert = ParseCert(tls.cert_pem);
    EVP_PKEY* key = ParseKey(tls.key_pem);
    if (!cert || !key) {
      if (cert) X509_free(cert);
      if (key) EVP_PKEY_free(key);
      throw std::runtime_error("TLS certificate or key cannot be read (PEM expected)");
    }
    auto ssl = std::make_unique<httplib::SSLServer>(cert, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ssl->is_valid()) throw std::runtime_error("TLS server setup failed");
    s.http = std::move(ssl);
  }
  int threads = s.opt.threads;
  s.http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.http->set_payload_max_length(s.opt.api.max_webhook_bytes + 1024);
  s.http->set_keep_alive_timeout(30);
  s.http->set_read_timeout(60);
  s.http->set_tcp_nodelay(true);
  Api* api = s.api.get();
  auto handler = [api](const httplib::Request& hreq, httplib::Response& hres) {
    if (hreq.path.rfind("/api/", 0) != 0) {
      if (hreq.method == "GET") ServeAsset(hreq, hres);
      else hres.status = 405;
      return;
    }
    Request req;
    req.method = hreq.method;
    req.path = hreq.path;
    req.remote_addr = hreq.remote_addr;
    for (const auto& [k, v] : hreq.params) req.query.emplace(k, v);
    req.headers = base::LowerCaseHeaders(hreq.headers);
    req.body = hreq.body;
    auto started = std::chrono::steady_clock::now();
    Response res = api->Handle(req);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    hres.status = res.status;
    if (!res.stream) hres.set_header("Server-Timing", "handler;dur=" + std::to_string(ms));
    SecurityHeaders(hres);
    for (const auto& [k, v] : res.headers) hres.set_header(k, v);
    if (res.stream)
      base::SetChunkedContent(hres, res.content_type, res.stream);
    else
      hres.set_content(res.body, res.content_type.c_str());
  };
  base::RouteAllMethods(*s.http, handler);
  if (s.opt.port == 0) {
    s.port = s.http->bind_to_any_port(s.opt.address);
  } else {
    s.port = s.http->bind_to_port(s.opt.address, s.opt.port) ? s.opt.port : -1;
  }
  if (s.port <= 0)
    throw std::runtime_error("cannot listen on " + s.opt.address + ":" + std::to_string(s.opt.port));
  httplib::Server* http = s.http.get();
  s.thread = std::thread([http] { http->listen_after_bind(); });
  // stop() before the accept loop runs is lost (httplib only stops a
  // running server), and Stop() would then wait for ever.
  for (int i = 0; i < 5000 && !http->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.running = true;
  return password;
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.api) s.api->Stop();  // ends streams
  if (s.http && s.running) s.http->stop();
  if (s.thread.joinable()) s.thread.join();
  s.running = false;
  s.http.reset();
  s.api.reset();
}

}  // namespace capstan::server
