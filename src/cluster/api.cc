// Routing: which handler a path goes to, and discovery/health endpoints.
#include "cluster/api.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "cluster/discovery.h"
#include "cluster/status.h"
#include "yaml/yaml.h"

namespace capstan::cluster {

std::string NowRfc3339() {
  time_t t = time(nullptr);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NewUid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[40];
  snprintf(out, sizeof out,
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
           b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
           b[15]);
  return out;
}

Api::Api(Store* store, Registry* registry, Clock* clock, ApiConfig config)
    : store_(store), registry_(registry), clock_(clock), config_(std::move(config)) {}

static Response JsonOut(int status, const yaml::Node& n) {
  Response r;
  r.status = status;
  r.body = yaml::EmitJson(n);
  return r;
}

static Response ErrorOut(const ApiError& e) { return JsonOut(e.code, e.ToStatus()); }

static std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Response Api::Handle(const Request& req) {
  try {
    if (req.body.size() > config_.max_body) throw TooLarge(config_.max_body);
    return Route(req);
  } catch (const ApiError& e) {
    return ErrorOut(e);
  } catch (const std::exception& e) {
    return ErrorOut(Internal(e.what()));
  }
}

static Response Text(int status, const std::string& body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = body;
  return r;
}

Response Api::Route(const Request& req) {
  const std::string& path = req.path;
  if (path == "/healthz" || path == "/livez" || path == "/readyz") return Text(200, "ok");
  if (path.rfind("/healthz/", 0) == 0 || path.rfind("/livez/", 0) == 0 ||
      path.rfind("/readyz/", 0) == 0)
    return Text(200, "ok");
  if (path == "/version" || path == "/version/") {
    yaml::Node v = yaml::Node::Map();
    v.Set("major", yaml::Node::String("1"));
    v.Set("minor", yaml::Node::String("32"));
    v.Set("gitVersion", yaml::Node::String("v1.32.0-capstan"));
    v.Set("gitCommit", yaml::Node::String("0000000000000000000000000000000000000000"));
    v.Set("gitTreeState", yaml::Node::String("clean"));
    v.Set("buildDate", yaml::Node::String("2024-12-11T00:00:00Z"));
    v.Set("goVersion", yaml::Node::String("go1.23.3"));
    v.Set("compiler", yaml::Node::String("gc"));
    v.Set("platform", yaml::Node::String("linux/amd64"));
    return JsonOut(200, v);
  }
  if (path.rfind("/openapi/", 0) == 0) return OpenApi(req, path);
  auto seg = Split(path);
  if (seg.empty()) {
    yaml::Node paths = yaml::Node::Seq();
    for (const char* p : {"/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version"})
      paths.items.push_back(yaml::Node::String(p));
    yaml::Node root = yaml::Node::Map();
    root.Set("paths", paths);
    return JsonOut(200, root);
  }
  if (seg[0] != "api" && seg[0] != "apis") throw ResourceNotFound();
  bool legacy = seg[0] == "api";
  size_t base = legacy ? 2 : 3;  // segments before the resource part
  if (seg.size() < base) return Discovery(req, path);
  if (legacy && seg[1] != "v1") throw ResourceNotFound();
  std::string group = legacy ? "" : seg[1];
  std::string version = legacy ? "v1" : seg[2];
  if (seg.size() == base) return Discovery(req, path);
  std::vector<std::string> rest(seg.begin() + base, seg.end());
  ApiPath p;
  if (rest[0] == "watch") {
    p.watch_prefix = true;
    rest.erase(rest.begin());
    if (rest.empty()) throw ResourceNotFound();
  }
  auto find = [&](const std::string& plural) { return registry_->Find(group, version, plural); };
  std::optional<ResourceInfo> res;
  if (rest[0] == "namespaces" && rest.size() >= 3 && (res = find(rest[2])) && res->namespaced) {
    p.ns = rest[1];
    p.res = *res;
    if (rest.size() > 3) p.name = rest[3];
    if (rest.size() > 4) p.subresource = rest[4];
    if (rest.size() > 5) throw ResourceNotFound();
  } else {
    res = find(rest[0]);
    if (!res) throw ResourceNotFound();
    p.res = *res;
    if (rest.size() > 1) p.name = rest[1];
    if (rest.size() > 2) p.subresource = rest[2];
    if (rest.size() > 3) throw ResourceNotFound();
  }
  if (!p.subresource.empty()) {
    bool ok = (p.subresource == "status" && p.res.has_status) ||
              (p.subresource == "scale" && p.res.has_scale) ||
              (p.subresource == "finalize" && p.res.kind == "Namespace" && !p.res.custom);
    if (!ok) throw ResourceNotFound();
  }
  return Resource(req, p);
}

Response Api::Discovery(const Request& req, const std::string& path) {
  auto seg = Split(path);
  std::string accept = req.Header("accept");
  bool aggregated = accept.find("as=APIGroupDiscoveryList") != std::string::npos &&
                    accept.find("v=v2") != std::string::npos && seg.size() == 1;
  if (req.method != "GET") throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  if (aggregated) {
    Response r = JsonOut(200, AggregatedDiscovery(*registry_, seg[0] == "api"));
    r.content_type = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    return r;
  }
  if (seg.size() == 1 && seg[0] == "api") return JsonOut(200, ApiVersions(config_.server_address));
  if (seg.size() == 1) return JsonOut(200, ApiGroupList(*registry_));
  if (seg[0] == "api") {
    if (seg[1] != "v1") throw ResourceNotFound();
    return JsonOut(200, *ApiResourceList(*registry_, "", "v1"));
  }
  if (seg.size() == 2) {
    auto g = ApiGroup(*registry_, seg[1]);
    if (!g) throw ResourceNotFound();
    return JsonOut(200, *g);
  }
  auto l = ApiResourceList(*registry_, seg[1], seg[2]);
  if (!l) throw ResourceNotFound();
  return JsonOut(200, *l);
}

Response Api::OpenApi(const Request& req, const std::string& path) {
  // /openapi/v2 is not served: kubectl then uses its compiled-in types.
  if (config_.openapi_dir.empty() || path.rfind("/openapi/v3", 0) != 0) throw ResourceNotFound();
  std::string rest = path.substr(strlen("/openapi/v3"));
  if (rest.empty() || rest == "/") {
    // Index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1"}, ...}}
    yaml::Node paths = yaml::Node::Map();
    auto add = [&](const std::string& rel) {
      yaml::Node e = yaml::Node::Map();
      e.Set("serverRelativeURL", yaml::Node::String("/openapi/v3/" + rel));
      paths.Set(rel, e);
    };
    std::ifstream probe(config_.openapi_dir + "/api/v1.json");
    if (probe) add("api/v1");
    for (const auto& [g, versions] : registry_->Groups())
      for (const auto& v : versions) {
        std::ifstream f(config_.openapi_dir + "/apis/" + g + "/" + v + ".json");
        if (f) add("apis/" + g + "/" + v);
      }
    yaml::Node root = yaml::Node::Map();
    root.Set("paths", paths);
    return JsonOut(200, root);
  }
  if (rest.find("..") != std::string::npos) throw ResourceNotFound();
  std::ifstream f(config_.openapi_dir + rest + ".json");
  if (!f) throw ResourceNotFound();
  std::stringstream ss;
  ss << f.rdbuf();
  Response r;
  r.body = ss.str();
  return r;
}

}  // namespace capstan::cluster
