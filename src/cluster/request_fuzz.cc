// libFuzzer target for the request path: method, path+query, content type
// and body go through Api::Handle against an in-memory store. Any crash,
// hang or sanitizer report is a bug; error responses are fine.
//
// Input: up to 8 requests separated by lines "%%"; each is a byte picking
// the method (GET POST PUT PATCH DELETE), then lines "path?query",
// "content-type", "accept", then the body. Query values are percent-decoded
// as the HTTP server does. Seeds: src/cluster/fuzz_seeds/.
// Watch responses are streamed too; the Api is shut down from the start so
// a watch sends its initial events and returns instead of waiting for more.
#include <algorithm>
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
    api.Shutdown();  // watches return after their initial events
  }
};

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out += static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Line(const uint8_t*& p, const uint8_t* end) {
  std::string s;
  while (p < end && *p != '\n') s += static_cast<char>(*p++);
  if (p < end) ++p;
  return s;
}

// One request: method byte, then lines "path?query", "content-type",
// "accept", then the body.
void HandleOne(Api& api, const uint8_t* p, const uint8_t* end) {
  if (p >= end) return;
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  Request req;
  req.method = kMethods[*p++ % 5];
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
      req.query.emplace(Decode(kv.substr(0, eq)),
                        eq == std::string::npos ? "" : Decode(kv.substr(eq + 1)));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  req.headers["content-type"] = Line(p, end);
  req.headers["accept"] = Line(p, end);
  req.body.assign(reinterpret_cast<const char*>(p), end - p);
  Response r = api.Handle(req);
  if (r.stream) {
    size_t streamed = 0;
    r.stream([&](const std::string& chunk) {
      streamed += chunk.size();
      return streamed < (1u << 20);
    });
  }
}

}  // namespace

// An input is up to 8 requests separated by lines "%%", run in order
// against a fresh in-memory cluster, so that a finding replays exactly and
// sequences (create, then patch, then list ...) are reachable.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string kSep = "\n%%\n";
  World w;
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  for (int i = 0; i < 8 && p < end; ++i) {
    const uint8_t* next = std::search(p, end, kSep.begin(), kSep.end());
    HandleOne(w.api, p, next);
    p = next == end ? end : next + kSep.size();
  }
  return 0;
}
