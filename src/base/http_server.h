// The glue between cpp-httplib's server and a module's own request and
// response, shared by the local cluster and `capstan server` (call
// LoadHttplib() first, see httplib.h).
#ifndef CAPSTAN_BASE_HTTP_SERVER_H_
#define CAPSTAN_BASE_HTTP_SERVER_H_

#include <httplib.h>

#include <functional>
#include <map>
#include <string>

namespace capstan::base {

// The request's headers with lower-cased names (HTTP header names are
// case-insensitive); of a repeated header, the last.
std::map<std::string, std::string> LowerCaseHeaders(const httplib::Headers& headers);

// No exception may unwind into cpp-httplib: capstan's C++ runtime is static
// and cpp-httplib's is libstdc++.so, and an exception crossing from one to
// the other aborts the process (base/http_server_test.cc). So both functions
// below catch everything their callbacks throw.
//
// A body written in chunks: `stream` is called once and the body ends when it
// returns. write(chunk) sends one chunk and returns false once the client is
// gone; write("") sends nothing and only asks whether it is still there. If
// `stream` throws, the connection is closed with the body cut short.
using ChunkStream = std::function<void(const std::function<bool(const std::string&)>& write)>;
void SetChunkedContent(httplib::Response& res, const std::string& content_type, ChunkStream stream);

// GET, POST, PUT, PATCH and DELETE (and OPTIONS when `options`), any path,
// to `handler`. A handler that throws answers 500 "internal server error"
// (what() is not sent: it may name a secret).
void RouteAllMethods(httplib::Server& server, const httplib::Server::Handler& handler, bool options = false);

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_HTTP_SERVER_H_
