// The dashboard's files, embedded at build time from src/server/web/ (see
// embed_assets.cmake): nothing is read from disk or the network at run time.
#ifndef CAPSTAN_SERVER_WEB_ASSETS_H_
#define CAPSTAN_SERVER_WEB_ASSETS_H_

#include <string_view>

namespace capstan::server {

struct WebAsset {
  std::string_view path;          // "/index.html", "/app.js"
  std::string_view content_type;
  std::string_view data;
};

// nullptr when no asset has this path.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_WEB_ASSETS_H_
