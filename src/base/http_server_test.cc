// The HTTP glue in the runtime configuration of the capstan binary: this
// test links libstdc++ statically (src/base/CMakeLists.txt) while the lazily
// loaded cpp-httplib brings its own libstdc++.so; both share libgcc_s's
// unwinder, so exceptions cross between them, and a handler's or a stream's
// exception still ends as a 500 or a cut body, never the process.
#include "base/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "base/httplib.h"

namespace capstan::base {
namespace {

// One request over a raw socket ("Connection: close"), the whole reply.
std::string Fetch(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "connect failed";
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadHttplib();
    server_ = std::make_unique<httplib::Server>();
    RouteAllMethods(*server_, [](const httplib::Request& req, httplib::Response& res) {
      if (req.path == "/throw") throw std::runtime_error("secret-token-in-message");
      if (req.path == "/throw-int") throw 42;
      if (req.path == "/stream-throws") {
        SetChunkedContent(res, "text/plain", [](const std::function<bool(const std::string&)>& write) {
          write("first\n");
          throw std::runtime_error("stream failed");
        });
        return;
      }
      if (req.path == "/stream") {
        SetChunkedContent(res, "text/plain", [](const std::function<bool(const std::string&)>& write) {
          write("a\n");
          write("b\n");
        });
        return;
      }
      res.set_content("ok " + LowerCaseHeaders(req.headers)["host"], "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(HttpServerTest, AnsweredRequestCarriesBody) {
  std::string r = Fetch(port_, "/hello");
  EXPECT_NE(r.find("200 OK"), std::string::npos) << r;
  EXPECT_NE(r.find("ok 127.0.0.1"), std::string::npos) << r;
}

TEST_F(HttpServerTest, HandlerExceptionIsA500WithoutItsMessage) {
  std::string r = Fetch(port_, "/throw");
  EXPECT_NE(r.find("HTTP/1.1 500"), std::string::npos) << r;
  // cpp-httplib's own catch would copy what() into an EXCEPTION_WHAT header.
  EXPECT_EQ(r.find("secret-token"), std::string::npos) << r;
  EXPECT_EQ(Fetch(port_, "/throw-int").find("HTTP/1.1 500"), 0u);
  // The server is still there.
  EXPECT_NE(Fetch(port_, "/hello").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, StreamExceptionEndsTheResponseNotTheProcess) {
  std::string ok = Fetch(port_, "/stream");
  EXPECT_NE(ok.find("a\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\r\n0\r\n\r\n"), std::string::npos) << ok;  // the last chunk
  std::string cut = Fetch(port_, "/stream-throws");
  EXPECT_NE(cut.find("first"), std::string::npos) << cut;
  EXPECT_EQ(cut.find("\r\n0\r\n\r\n"), std::string::npos) << cut;  // truncated, not ended cleanly
  EXPECT_NE(Fetch(port_, "/hello").find("200 OK"), std::string::npos);
}

// An exception thrown inside cpp-httplib (std::stoi on a port too large for
// an int) reaches capstan's catch by type. With a second, static unwinder in
// the binary (-static-libgcc) this aborted the process instead.
TEST(HttpLibraryException, ThrownInsideTheLibraryIsCaughtByType) {
  bool caught = false;
  try {
    httplib::Client client("http://127.0.0.1:99999999999");
  } catch (const std::out_of_range&) {
    caught = true;
  }
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace capstan::base
