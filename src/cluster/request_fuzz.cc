// libFuzzer target for the request path: method, path+query, content type
// and body go through Api::Handle against an in-memory store. Any crash,
// hang or sanitizer report is a bug; error responses are fine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/api.h"

using namespace capstan::cluster;

namespace {

struct World {
  Store store{":memory:", 1000};
  Registry registry;
  Clock clock;
  Api api{&store, &registry, &clock, ApiConfig{}};
  World() {
    Request ns;
    ns.method = "POST";
    ns.path = "/api/v1/namespaces";
    ns.body = R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}})";
    api.Handle(ns);
  }
};

std::string Line(const uint8_t*& p, const uint8_t* end) {
  std::string s;
  while (p < end && *p != '\n') s += static_cast<char>(*p++);
  if (p < end) ++p;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* w = new World();
  if (size < 1) return 0;
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  const uint8_t* p = data + 1;
  const uint8_t* end = data + size;
  Request req;
  req.method = kMethods[data[0] % 5];
  std::string target = Line(p, end);
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    size_t start = 0;
    while (start <= query.size()) {
      size_t amp = query.find('&', start);
      std::string kv = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      size_t eq = kv.find('=');
      req.query.emplace(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  req.query.erase("watch");  // watches block by design
  req.headers["content-type"] = Line(p, end);
  req.headers["accept"] = Line(p, end);
  req.body.assign(reinterpret_cast<const char*>(p), end - p);
  Response r = w->api.Handle(req);
  (void)r;
  return 0;
}
