#include "server/notifications.h"

#include <gtest/gtest.h>

namespace capstan::server {
namespace {

notify::WebhookService Service() {
  notify::WebhookService svc;
  svc.name = "hook";
  svc.retry_max = 0;
  return svc;
}

std::string Send(const std::string& url) {
  notify::Request r;
  r.method = "POST";
  r.url = url;
  r.body = "{}";
  return SendWithRetries(r, Service());
}

// server_test links like the binary (static C++ runtime): a URL that made
// cpp-httplib's Client throw from its own runtime aborted `capstan server`.
TEST(SendWithRetriesTest, BadUrlsAreOneLineErrorsNotCrashes) {
  for (const char* url : {"http://127.0.0.1:99999999999/x", "http://127.0.0.1:70000/x", "ftp://127.0.0.1/x",
                          "http:///x", "http://[::1/x"}) {
    EXPECT_EQ(Send(url), "service hook: url is not http(s)://host[:port][/path]") << url;
  }
}

TEST(SendWithRetriesTest, UnreachableServiceIsReported) {
  // Port 1 on loopback: nothing listens there.
  EXPECT_EQ(Send("http://127.0.0.1:1/hook"), "service hook: connection failed (after retries)");
  EXPECT_EQ(Send("http://[::1]:1/hook"), "service hook: connection failed (after retries)");
}

}  // namespace
}  // namespace capstan::server
