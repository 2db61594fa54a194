#include "app/oci_chart.h"

#include <nettle/sha2.h>

#include <filesystem>

#include "app/application.h"
#include "app/chart_cache.h"
#include "app/chart_http.h"
#include "gotemplate/semver.h"
#include "helm/helm.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

std::string Sha256Digest(const std::string& data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof d, d);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string QueryEscape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// One registry conversation: answers the first 401 challenge (Bearer token
// from the realm, or Basic) and reuses the answer for later requests.
class RegistrySession {
 public:
  RegistrySession(const helm::OciReference& ref, const OciFetchOptions& o) : ref_(ref), o_(o) {
    base_ = std::string(o.plain_http ? "http://" : "https://") + ref.registry + "/v2/" + ref.repository;
  }

  const std::string& base() const { return base_; }

  ChartHttpResponse Get(const std::string& url, const std::string& accept, const std::string& field) {
    ChartHttpResponse r = Once(url, accept, field);
    if (r.status == 401 && !answered_) {
      Answer(r.headers["www-authenticate"], field);
      r = Once(url, accept, field);
    }
    if (r.status == 401 || r.status == 403) {
      throw AppError(field + ": " + ref_.Display() + ": authentication failed (HTTP " + std::to_string(r.status) +
                     "): " + Who());
    }
    return r;
  }

 private:
  // Why a 401: which credentials were refused (never the secret), or none.
  std::string Who() const {
    if (o_.credential == nullptr || (o_.credential->username.empty() && o_.credential->password.empty()))
      return "no credentials file entry matches " + ref_.Display();
    return "the credentials of " + o_.credential->url_prefix + " were refused";
  }

  ChartHttpResponse Once(const std::string& url, const std::string& accept, const std::string& field) {
    ChartHttpRequest req;
    req.url = url;
    req.accept = accept;
    req.bearer = bearer_;
    if (basic_ && o_.credential != nullptr) {
      req.username = o_.credential->username;
      req.password = o_.credential->password;
    }
    if (o_.credential != nullptr) req.ca_file = o_.credential->ca_file;
    return ChartHttpGet(req, field);
  }

  void Answer(const std::string& header, const std::string& field) {
    answered_ = true;
    for (const auto& c : helm::ParseWwwAuthenticate(header)) {
      if (c.scheme == "bearer") {
        bearer_ = Token(c, field);
        return;
      }
    }
    for (const auto& c : helm::ParseWwwAuthenticate(header)) {
      if (c.scheme == "basic") {
        basic_ = true;
        return;
      }
    }
    // No usable challenge: send basic credentials if there are any.
    basic_ = true;
  }

  // The token endpoint of a Bearer challenge (distribution's token auth):
  // GET realm?service=..&scope=.. with the basic credentials, if any.
  std::string Token(const helm::AuthChallenge& c, const std::string& field) {
    auto realm = c.params.find("realm");
    if (realm == c.params.end() || realm->second.empty())
      throw AppError(field + ": " + ref_.Display() + ": Bearer challenge without a realm");
    std::string url = realm->second;
    if (url.rfind("https://", 0) != 0 && !(o_.plain_http && url.rfind("http://", 0) == 0))
      throw AppError(field + ": " + ref_.Display() + ": token realm " + RedactChartUrl(url) + " is not https");
    std::string scope = "repository:" + ref_.repository + ":pull";
    if (auto s = c.params.find("scope"); s != c.params.end() && !s->second.empty()) scope = s->second;
    url += url.find('?') == std::string::npos ? "?" : "&";
    if (auto s = c.params.find("service"); s != c.params.end()) url += "service=" + QueryEscape(s->second) + "&";
    url += "scope=" + QueryEscape(scope);
    ChartHttpRequest req;
    req.url = url;
    req.accept = "application/json";
    if (o_.credential != nullptr) {
      req.username = o_.credential->username;
      req.password = o_.credential->password;
      req.ca_file = o_.credential->ca_file;
    }
    ChartHttpResponse r = ChartHttpGet(req, field);
    if (r.status == 401 || r.status == 403) {
      throw AppError(field + ": " + ref_.Display() + ": authentication failed (token HTTP " +
                     std::to_string(r.status) + "): " + Who());
    }
    if (r.status != 200)
      throw AppError(field + ": " + ref_.Display() + ": token request: HTTP " + std::to_string(r.status));
    yaml::Node doc;
    try {
      doc = yaml::ParseJson(r.body, "token response");
    } catch (const std::exception&) {
      throw AppError(field + ": " + ref_.Display() + ": the token response is not JSON");
    }
    std::string token = doc.IsMap() ? doc.StrAt({"token"}) : "";
    if (token.empty() && doc.IsMap()) token = doc.StrAt({"access_token"});
    if (token.empty()) throw AppError(field + ": " + ref_.Display() + ": the token response holds no token");
    return token;
  }

  const helm::OciReference& ref_;
  const OciFetchOptions& o_;
  std::string base_, bearer_;
  bool basic_ = false, answered_ = false;
};

void CheckStatus(const ChartHttpResponse& r, const std::string& field, const std::string& what) {
  if (r.status == 404) throw AppError(field + ": " + what + ": not found (HTTP 404)");
  if (r.status < 200 || r.status >= 300) throw AppError(field + ": " + what + ": HTTP " + std::to_string(r.status));
}

// The Link header's next page (`<url>; rel="next"`), absolute.
std::string NextPage(const ChartHttpResponse& r, const std::string& origin) {
  auto it = r.headers.find("link");
  if (it == r.headers.end()) return "";
  const std::string& l = it->second;
  size_t lt = l.find('<'), gt = l.find('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt || l.find("next", gt) == std::string::npos)
    return "";
  std::string u = l.substr(lt + 1, gt - lt - 1);
  if (u.rfind("/", 0) == 0) return origin + u;
  if (u.rfind(origin + "/", 0) == 0) return u;
  return "";  // never follow a page link to another host
}

// Downloads `version` (its manifest and chart layer, digest checked) into
// `dir`/<chart>-<version> unless it is there already.
RepoChart Pull(RegistrySession& session, const helm::OciReference& ref, const std::string& version,
               const fs::path& dir, const OciFetchOptions& options) {
  const std::string& field = options.field;
  if (version.find('/') != std::string::npos || version.find("..") != std::string::npos)
    throw AppError(field + ": " + ref.Display() + ": invalid version \"" + version + "\"");
  fs::path chart_dir = dir / (ref.chart + "-" + version);
  std::error_code ec;
  if (fs::exists(chart_dir / "Chart.yaml", ec)) return {version, chart_dir.string()};

  std::string what = ref.Display() + ":" + helm::TagOf(version);
  ChartHttpResponse m = session.Get(session.base() + "/manifests/" + helm::TagOf(version),
                                    std::string(helm::kOciManifestType), field);
  if (m.status == 404)
    throw AppError(options.version_field + ": " + ref.Display() + ": version \"" + version + "\" not found (no tag " +
                   helm::TagOf(version) + ")");
  CheckStatus(m, field, what + " manifest");
  if (auto d = m.headers.find("docker-content-digest"); d != m.headers.end() && helm::IsSha256Digest(d->second) &&
                                                         Sha256Digest(m.body) != d->second)
    throw AppError(field + ": " + what + ": manifest digest mismatch (registry says " + d->second + ", content is " +
                   Sha256Digest(m.body) + ")");
  helm::OciDescriptor layer;
  try {
    layer = helm::ChartLayer(helm::ParseOciManifest(m.body, what + " manifest"), what);
  } catch (const helm::HelmError& e) {
    throw AppError(field + ": " + e.what());
  }
  ChartHttpResponse blob = session.Get(session.base() + "/blobs/" + layer.digest, "", field);
  CheckStatus(blob, field, what + " chart layer " + layer.digest);
  std::string got = Sha256Digest(blob.body);
  if (got != layer.digest)
    throw AppError(field + ": " + what + ": chart layer digest mismatch: the manifest says " + layer.digest +
                   ", the registry sent " + got + " (refused)");
  if (layer.size >= 0 && static_cast<int64_t>(blob.body.size()) != layer.size)
    throw AppError(field + ": " + what + ": chart layer size " + std::to_string(blob.body.size()) +
                   " differs from the manifest's " + std::to_string(layer.size));
  UnpackChartOnce(blob.body, chart_dir.string(), what, field);
  return {version, chart_dir.string()};
}

}  // namespace

const git::Credential* FindOciCredential(const git::Credentials* creds, const helm::OciReference& ref) {
  if (creds == nullptr) return nullptr;
  if (const git::Credential* c = creds->Find("oci://" + ref.registry + "/" + ref.repository)) return c;
  return creds->Find("https://" + ref.registry + "/" + ref.repository);
}

RepoChart FetchOciChart(const std::string& cache_dir, const helm::OciReference& ref, const std::string& revision,
                        const OciFetchOptions& options) {
  const std::string& field = options.field;
  fs::path dir = ChartRepoCacheDir(cache_dir, ref.Display());
  fs::path tags_path = dir / "tags.json";
  RegistrySession session(ref, options);
  std::string origin = std::string(options.plain_http ? "http://" : "https://") + ref.registry;

  auto fetch_tags = [&] {
    std::string all;
    std::vector<std::string> tags;
    std::string url = session.base() + "/tags/list";
    for (int page = 0; !url.empty() && page < 100; ++page) {
      ChartHttpResponse r = session.Get(url, "application/json", field);
      CheckStatus(r, field, ref.Display() + " tags");
      std::vector<std::string> more;
      try {
        more = helm::ParseTagsList(r.body, ref.Display() + " tags");
      } catch (const helm::HelmError& e) {
        throw AppError(field + ": " + e.what());
      }
      tags.insert(tags.end(), more.begin(), more.end());
      url = NextPage(r, origin);
    }
    yaml::Node list = yaml::Node::Seq();
    for (const auto& t : tags) list.items.push_back(yaml::Node::String(t));
    yaml::Node doc = yaml::Node::Map();
    doc.Set("tags", list);
    WriteCacheFile(tags_path.string(), yaml::EmitJson(doc));
    return tags;
  };

  // Helm (ChartDownloader.getOciURI): a version that parses as semver is
  // the tag itself, no tags list; anything else is a constraint.
  std::string exact = revision;
  size_t b = exact.find_first_not_of(" \t"), e = exact.find_last_not_of(" \t");
  exact = b == std::string::npos ? "" : exact.substr(b, e - b + 1);
  gotemplate::SemVersion parsed;
  if (!exact.empty() && gotemplate::ParseSemver(exact, &parsed)) return Pull(session, ref, exact, dir, options);

  std::vector<std::string> tags;
  bool fetched = false;
  std::string cached = options.refresh ? "" : ReadCacheFile(tags_path.string());
  if (!cached.empty()) {
    try {
      tags = helm::ParseTagsList(cached, tags_path.string());
    } catch (const helm::HelmError&) {
      cached.clear();
    }
  }
  if (cached.empty()) {
    tags = fetch_tags();
    fetched = true;
  }
  std::string version;
  try {
    version = helm::ResolveOciVersion(tags, revision, ref.Display());
  } catch (const helm::HelmError& e) {
    if (fetched) throw AppError(options.version_field + ": " + e.what());
    tags = fetch_tags();  // a version pushed after the cached list was read
    try {
      version = helm::ResolveOciVersion(tags, revision, ref.Display());
    } catch (const helm::HelmError& e2) {
      throw AppError(options.version_field + ": " + e2.what());
    }
  }
  return Pull(session, ref, version, dir, options);
}

}  // namespace capstan::app
