#include "controller/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace capstan::controller {
namespace {

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

void SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

void Respond(int fd, int code, const std::string& reason, const std::string& type, const std::string& body) {
  SendAll(fd, "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + type +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

}  // namespace

MetricsServer::MetricsServer(std::string address, int port, std::string token, std::function<std::string()> render)
    : address_(std::move(address)), port_(port), token_(std::move(token)), render_(std::move(render)) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("metrics: socket: " + std::string(strerror(errno)));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // not SO_REUSEPORT: a taken port fails
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (inet_pton(AF_INET, address_.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("metrics: --metrics-address " + address_ + ": not an IPv4 address");
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0) {
    std::string err = strerror(errno);
    close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error("metrics: cannot listen on " + address_ + ":" + std::to_string(port_) + ": " + err);
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

void MetricsServer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

void MetricsServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    Handle(fd);
    close(fd);
  }
}

void MetricsServer::Handle(int fd) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 16384) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<size_t>(n));
  }
  size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return Respond(fd, 400, "Bad Request", "text/plain", "bad request\n");
  std::string method = req.substr(0, sp1), path = req.substr(sp1 + 1, sp2 - sp1 - 1);
  if (size_t q = path.find('?'); q != std::string::npos) path.resize(q);
  if (!token_.empty()) {
    std::string auth;
    std::string lower = req;
    for (auto& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    size_t h = lower.find("\r\nauthorization:");
    if (h != std::string::npos) {
      size_t start = h + 16, end = req.find("\r\n", start);
      auth = req.substr(start, end - start);
      while (!auth.empty() && auth.front() == ' ') auth.erase(0, 1);
    }
    std::string scheme = auth.substr(0, 7);
    for (auto& c : scheme) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer " || !ConstantTimeEquals(auth.substr(7), token_))
      return Respond(fd, 401, "Unauthorized", "text/plain", "Unauthorized\n");
  }
  if (method != "GET") return Respond(fd, 405, "Method Not Allowed", "text/plain", "method not allowed\n");
  if (path == "/metrics") return Respond(fd, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", render_());
  if (path == "/healthz") return Respond(fd, 200, "OK", "text/plain", "ok\n");
  Respond(fd, 404, "Not Found", "text/plain", "not found\n");
}

}  // namespace capstan::controller
