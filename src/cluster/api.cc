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
#include "cluster/openapi_schemas.h"
#include "cluster/protobuf.h"
#include "cluster/status.h"
#include "resource/resource.h"
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

bool Request::QueryBool(const std::string& k) const {
  std::string v = Query(k);
  if (v.empty()) return false;
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"})
    if (v == t) return true;
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"})
    if (v == f) return false;
  throw BadRequest("invalid boolean value for parameter " + k + ": strconv.ParseBool: parsing \"" + v +
                   "\": invalid syntax");
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

// True when the client prefers protobuf (its first Accept type) for a
// plain object, not a Table or other transformed form.
static bool WantsProtobuf(const Request& req) {
  std::string accept = req.Header("accept");
  std::string first = accept.substr(0, accept.find(','));
  return first.rfind("application/vnd.kubernetes.protobuf", 0) == 0 &&
         first.find("as=") == std::string::npos &&
         first.find("stream=watch") == std::string::npos;
}

// Re-encodes a JSON response as protobuf when asked and possible (kinds
// without a message, such as custom resources, stay JSON, which
// client-go accepts by the response's Content-Type).
static Response Negotiate(const Request& req, Response r) {
  if (r.stream || r.content_type != "application/json" || !WantsProtobuf(req)) return r;
  try {
    yaml::Node obj = yaml::ParseJson(r.body, "response");
    if (auto pb = EncodeProtobufObject(obj)) {
      r.body = std::move(*pb);
      r.content_type = "application/vnd.kubernetes.protobuf";
    }
  } catch (const std::exception&) {
  }
  return r;
}

Response Api::Handle(const Request& req) {
  try {
    if (req.body.size() > config_.max_body) throw TooLarge(config_.max_body);
    return Negotiate(req, Route(req));
  } catch (const ApiError& e) {
    return Negotiate(req, ErrorOut(e));
  } catch (const std::exception& e) {
    return Negotiate(req, ErrorOut(Internal(e.what())));
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
              (p.subresource == "finalize" && p.res.kind == "Namespace" && !p.res.custom) ||
              (p.res.kind == "Pod" && !p.res.custom &&
               (p.subresource == "log" || p.subresource == "exec" || p.subresource == "attach" ||
                p.subresource == "portforward"));
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

// OpenAPI v3. With --openapi-dir the documents come from there; without it
// (and for groups the directory lacks, such as CRD groups) a document is
// generated: one PATCH operation per kind carrying
// x-kubernetes-group-version-kind and the fieldValidation/dryRun/
// fieldManager/force parameters (what kubectl's query-parameter verifier
// looks for to choose server-side field validation; without any
// /openapi/v3, `kubectl apply` fails with "failed to download openapi"),
// and the schemas of the group version's built-in kinds from the protobuf
// schema and its comments (openapi_schemas.h), which `kubectl explain`
// reads. The schemas carry no patch-strategy extensions, so kubectl still
// builds strategic merge patches from its compiled-in types.
static yaml::Node MinimalOpenApi(const Registry& reg, const std::string& group,
                                 const std::string& version) {
  using yaml::Node;
  Node paths = Node::Map();
  for (const auto& r : reg.All()) {
    if (r.group != group || r.version != version) continue;
    std::string base = resource::ApiPath(group, version);
    std::string item = base + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural + "/{name}";
    Node gvk = Node::Map();
    gvk.Set("group", Node::String(group));
    gvk.Set("version", Node::String(version));
    gvk.Set("kind", Node::String(r.kind));
    Node params = Node::Seq();
    for (const char* q : {"dryRun", "fieldManager", "fieldValidation", "force"}) {
      Node prm = Node::Map();
      prm.Set("name", Node::String(q));
      prm.Set("in", Node::String("query"));
      Node sch = Node::Map();
      sch.Set("type", Node::String(std::string(q) == "force" ? "boolean" : "string"));
      prm.Set("schema", sch);
      params.items.push_back(prm);
    }
    Node op = Node::Map();
    op.Set("operationId", Node::String("patch" + r.kind));
    op.Set("parameters", params);
    op.Set("responses", Node::Map());
    op.Set("x-kubernetes-action", Node::String("patch"));
    op.Set("x-kubernetes-group-version-kind", gvk);
    Node path_item = Node::Map();
    path_item.Set("patch", op);
    paths.Set(item, path_item);
  }
  Node info = Node::Map();
  info.Set("title", Node::String("Kubernetes"));
  info.Set("version", Node::String("v1.32.0"));
  Node doc = Node::Map();
  doc.Set("openapi", Node::String("3.0.0"));
  doc.Set("info", info);
  doc.Set("paths", paths);
  std::vector<OpenApiKind> kinds;
  for (const auto& r : reg.All()) {
    if (r.group != group || r.version != version || r.custom) continue;
    kinds.push_back({group, version, r.kind});
    if (!r.create_only) kinds.push_back({group, version, r.list_kind});
  }
  Node comps = Node::Map();
  comps.Set("schemas", OpenApiSchemas(kinds, "#/components/schemas/"));
  doc.Set("components", comps);
  return doc;
}

// Swagger 2.0 of every built-in group version (definitions only).
static yaml::Node OpenApiV2(const Registry& reg) {
  using yaml::Node;
  std::vector<OpenApiKind> kinds;
  for (const auto& r : reg.All()) {
    if (r.custom) continue;
    kinds.push_back({r.group, r.version, r.kind});
    if (!r.create_only) kinds.push_back({r.group, r.version, r.list_kind});
  }
  Node info = Node::Map();
  info.Set("title", Node::String("Kubernetes"));
  info.Set("version", Node::String("v1.32.0"));
  Node doc = Node::Map();
  doc.Set("swagger", Node::String("2.0"));
  doc.Set("info", info);
  doc.Set("paths", Node::Map());
  doc.Set("definitions", OpenApiSchemas(kinds, "#/definitions/"));
  return doc;
}

Response Api::OpenApi(const Request& req, const std::string& path) {
  if (path == "/openapi/v2" || path == "/openapi/v2/") return JsonOut(200, OpenApiV2(*registry_));
  if (path.rfind("/openapi/v3", 0) != 0) throw ResourceNotFound();
  std::string rest = path.substr(strlen("/openapi/v3"));
  if (rest.empty() || rest == "/") {
    // Index: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1"}, ...}}
    yaml::Node paths = yaml::Node::Map();
    auto add = [&](const std::string& rel) {
      yaml::Node e = yaml::Node::Map();
      e.Set("serverRelativeURL", yaml::Node::String("/openapi/v3/" + rel));
      paths.Set(rel, e);
    };
    add(resource::ApiPath("", "v1").substr(1));
    for (const auto& [g, versions] : registry_->Groups())
      for (const auto& v : versions) add(resource::ApiPath(g, v).substr(1));
    yaml::Node root = yaml::Node::Map();
    root.Set("paths", paths);
    return JsonOut(200, root);
  }
  if (rest.find("..") != std::string::npos) throw ResourceNotFound();
  if (!config_.openapi_dir.empty()) {
    std::ifstream f(config_.openapi_dir + rest + ".json");
    if (f) {
      std::stringstream ss;
      ss << f.rdbuf();
      Response r;
      r.body = ss.str();
      return r;
    }
  }
  auto seg = Split(rest);
  if (seg.size() == 2 && seg[0] == "api" && seg[1] == "v1")
    return JsonOut(200, MinimalOpenApi(*registry_, "", "v1"));
  if (seg.size() == 3 && seg[0] == "apis" && ApiResourceList(*registry_, seg[1], seg[2]))
    return JsonOut(200, MinimalOpenApi(*registry_, seg[1], seg[2]));
  throw ResourceNotFound();
}

}  // namespace capstan::cluster
