// The controller's HTTP endpoint: GET /metrics (Prometheus text 0.0.4) and
// GET /healthz. Binds 127.0.0.1 unless told otherwise; with a token, every
// request must carry `Authorization: Bearer <token>` (compared in constant
// time). One thread, one request per connection: a scrape endpoint, not a
// web server.
#ifndef CAPSTAN_CONTROLLER_METRICS_SERVER_H_
#define CAPSTAN_CONTROLLER_METRICS_SERVER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace capstan::controller {

class MetricsServer {
 public:
  MetricsServer(std::string address, int port, std::string token, std::function<std::string()> render);
  ~MetricsServer();
  // Binds and starts serving; throws std::runtime_error when the port is taken.
  void Start();
  void Stop();
  int port() const { return port_; }

 private:
  void Serve();
  void Handle(int fd);
  std::string address_;
  int port_;
  std::string token_;
  std::function<std::string()> render_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_METRICS_SERVER_H_
