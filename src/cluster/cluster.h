// A local Kubernetes API server, in process.
//
// Speaks the kube-apiserver REST protocol over TLS (discovery, CRUD, patch,
// server-side apply, watch, Table output), stores objects durably in SQLite
// (WAL) under `data_dir`, and simulates kubelet and the built-in controllers
// (Deployment -> ReplicaSet -> Pods, namespaces, garbage collection, services,
// jobs, ...) so that real `kubectl` works against it unchanged.
//
// Typical test use:
//   capstan::cluster::ServerOptions opt;
//   opt.data_dir = tmpdir;            // port 0 = pick a free port
//   capstan::cluster::Server s(opt);
//   s.Start();                        // throws std::runtime_error on failure
//   setenv("KUBECONFIG", s.kubeconfig_path().c_str(), 1);
//   ...
//   s.Stop();
#ifndef CAPSTAN_CLUSTER_CLUSTER_H_
#define CAPSTAN_CLUSTER_CLUSTER_H_

#include <memory>
#include <string>

namespace capstan::cluster {

struct ServerOptions {
  std::string data_dir;        // SQLite db, certs, token, kubeconfig live here
  std::string host = "127.0.0.1";
  int port = 0;                // 0 = any free port
  int nodes = 1;               // simulated Nodes
  std::string rules_file;      // failure-simulation rules (YAML), optional
  std::string openapi_dir;     // /openapi/v3 documents; empty = 404
  // Simulated time runs `speed` times faster than wall time for the
  // controllers' timers (pod start delays, progress deadlines, cron).
  double speed = 1.0;
  // Seconds a pod takes from creation to Ready (simulated time).
  double pod_start_seconds = 1.0;
  // Watch events kept for resuming watches (older ones answer 410 Gone).
  int watch_history = 10000;
  bool controllers = true;     // run the simulated controllers
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // stops the server
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the store, creates certs/kubeconfig if absent, binds, serves in
  // background threads (one per open connection, so watches never starve
  // other requests). Throws std::runtime_error with a one-line reason:
  // port outside 0-65535 or taken (no SO_REUSEPORT), data directory locked
  // by another server, state.db damaged (empty, failing quick_check,
  // unreadable rows).
  void Start();
  // Stops serving and closes the store. Idempotent.
  void Stop();

  int port() const;
  std::string kubeconfig_path() const;  // <data_dir>/kubeconfig
  std::string server_url() const;       // https://127.0.0.1:<port>
  std::string token() const;            // bearer token clients must send

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Default data dir: $CAPSTAN_HOME/cluster or ~/.capstan/cluster.
std::string DefaultDataDir();

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CLUSTER_H_
