// `capstan server`: Argo CD's API server and web dashboard for the
// Applications and AppProjects stored in one cluster.
//
// What it promises:
// - HTTPS on 127.0.0.1 by default (certificate from --tls-cert/--tls-key,
//   else the Secret argocd-server-tls, created self-signed on first start);
//   plain HTTP only with `insecure`.
// - Argo CD's REST paths and JSON shapes (api.h), authenticated sessions
//   and RBAC (session.h, rbac.h), Git webhooks (webhook.h), event streams.
// - The dashboard: a single-page app embedded in the binary (web/), served
//   at / ; unknown non-API paths answer the page, paths with `..` 404.
// - Talks to the cluster only through src/kube.
#ifndef CAPSTAN_SERVER_SERVER_H_
#define CAPSTAN_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "kube/client.h"
#include "server/api.h"

namespace capstan::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;             // 0: any free port
  bool insecure = false;       // plain HTTP
  std::string tls_cert, tls_key;
  ApiOptions api;
  int threads = 256;           // concurrent connections (each stream holds one)
};

class Server {
 public:
  Server(kube::Client& client, ServerOptions options);
  ~Server();
  // Initializes secrets (returns the initial admin password the first
  // time, else ""), binds and serves in background threads. Throws
  // std::runtime_error with a one-line reason.
  std::string Start();
  void Stop();
  int port() const;
  std::string url() const;  // https://127.0.0.1:<port>
  Api& api();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_SERVER_H_
