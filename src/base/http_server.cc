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
    stream([&sink](const std::string& chunk) {
      if (chunk.empty()) return sink.is_writable();
      return sink.write(chunk.data(), chunk.size());
    });
    sink.done();
    return true;
  });
}

void RouteAllMethods(httplib::Server& server, const httplib::Server::Handler& handler, bool options) {
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  if (options) server.Options(".*", handler);
}

}  // namespace capstan::base
