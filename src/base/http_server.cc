#include "base/http_server.h"

#include <cctype>
#include <utility>

namespace capstan::base {

std::map<std::string, std::string> LowerCaseHeaders(const httplib::Headers& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : headers) {
    std::string lk = k;
    for (auto& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[lk] = v;
  }
  return out;
}

void SetChunkedContent(httplib::Response& res, const std::string& content_type, ChunkStream stream) {
  res.set_chunked_content_provider(content_type, [stream = std::move(stream)](size_t, httplib::DataSink& sink) {
    try {
      stream([&sink](const std::string& chunk) {
        if (chunk.empty()) return sink.is_writable();
        return sink.write(chunk.data(), chunk.size());
      });
    } catch (...) {
      return false;  // cpp-httplib closes the connection: the body is cut, not ended
    }
    sink.done();
    return true;
  });
}

void RouteAllMethods(httplib::Server& server, const httplib::Server::Handler& routed, bool options) {
  auto handler = [routed](const httplib::Request& req, httplib::Response& res) {
    try {
      routed(req, res);
    } catch (...) {
      res.headers.clear();
      res.status = 500;
      res.set_content("internal server error\n", "text/plain; charset=utf-8");
    }
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  if (options) server.Options(".*", handler);
}

}  // namespace capstan::base
