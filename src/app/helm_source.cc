#include "app/helm_source.h"

#include <curl/curl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/project.h"
#include "helm/helm.h"
#include "helm/repo.h"
#include "kube/client.h"
#include "kube/libcurl_stubs.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

std::string Str(const yaml::Node* n) { return n != nullptr && n->IsScalar() ? n->value : ""; }
bool Bool(const yaml::Node* n) { return n != nullptr && n->IsScalar() && (n->value == "true" || n->value == "True"); }

// A file named in the helm block, inside the repository.
std::string RepoFile(const std::string& repo_root, const std::string& chart_dir, const std::string& name,
                     const char* field) {
  fs::path p = fs::path(name).is_absolute() ? fs::path(repo_root) / fs::path(name).relative_path()
                                            : fs::path(chart_dir) / name;
  p = p.lexically_normal();
  fs::path root = fs::path(repo_root).lexically_normal();
  auto rel = p.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..")
    throw AppError(std::string("spec.source.helm.") + field + ": \"" + name + "\" is outside the repository");
  return p.string();
}

// Argo CD escapes unescaped commas in parameter values (a {list} stays a list).
std::string CleanSetValue(const std::string& v) {
  if (v.size() >= 2 && v.front() == '{' && v.back() == '}') return v;
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == ',' && (i == 0 || v[i - 1] != '\\')) out += '\\';
    out += v[i];
  }
  return out;
}

// The URL without user:password@ (errors never show credentials).
std::string Redact(const std::string& url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

size_t Append(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > (size_t{256} << 20)) return 0;  // 256 MiB cap
  out->append(data, size * n);
  return size * n;
}

// GET `url`; throws AppError naming `field` and the URL on any failure.
std::string HttpGet(const std::string& url, const std::string& field) {
  try {
    kube::LoadLibcurl();
  } catch (const std::exception& e) {
    throw AppError(field + ": " + e.what());
  }
  CURL* h = curl_easy_init();
  if (h == nullptr) throw AppError(field + ": cannot start an HTTP request");
  std::string body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "capstan-helm");
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  if (rc != CURLE_OK)
    throw AppError(field + ": fetching " + Redact(url) + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
  if (status < 200 || status >= 300)
    throw AppError(field + ": fetching " + Redact(url) + ": HTTP " + std::to_string(status));
  return body;
}

// Stable (FNV-1a) name for a repository URL in the cache.
std::string RepoKey(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : url) h = (h ^ c) * 1099511628211ULL;
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string Temp(const fs::path& p) {
  static std::atomic<int> n{0};
  return p.string() + ".tmp." + std::to_string(getpid()) + "." + std::to_string(n++);
}

void WriteAtomically(const fs::path& p, const std::string& data) {
  std::string tmp = Temp(p);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw AppError("writing " + p.string() + " failed");
  }
  fs::rename(tmp, p);
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

RepoChart FetchRepoChart(const std::string& cache_dir, const Source& src, const std::string& revision, bool refresh) {
  if (src.repo_url.empty()) throw AppError("spec.source.repoURL: required with spec.source.chart");
  if (src.chart.find('/') != std::string::npos || src.chart == "." || src.chart == "..")
    throw AppError("spec.source.chart: \"" + src.chart + "\" is not a chart name");
  std::string base = src.repo_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  fs::path dir = fs::path(cache_dir) / "helm" / RepoKey(base);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw AppError("helm chart cache " + dir.string() + ": " + ec.message());
  fs::path index_path = dir / "index.yaml";
  std::string what = Redact(base) + "/index.yaml";
  std::string index;
  bool fetched = false;
  if (refresh || !fs::exists(index_path)) {
    index = HttpGet(base + "/index.yaml", "spec.source.repoURL");
    WriteAtomically(index_path, index);
    fetched = true;
  } else {
    index = ReadAll(index_path);
  }
  helm::ChartVersionRef ref;
  try {
    ref = helm::ResolveChartVersion(index, Redact(base), src.chart, revision, what);
  } catch (const helm::HelmError& e) {
    // A version published after the cached index was read: look again.
    if (fetched) throw AppError(std::string("spec.source.targetRevision: ") + e.what());
    index = HttpGet(base + "/index.yaml", "spec.source.repoURL");
    WriteAtomically(index_path, index);
    try {
      ref = helm::ResolveChartVersion(index, Redact(base), src.chart, revision, what);
    } catch (const helm::HelmError& e2) {
      throw AppError(std::string("spec.source.targetRevision: ") + e2.what());
    }
  }
  if (ref.version.find('/') != std::string::npos || ref.version.find("..") != std::string::npos)
    throw AppError(what + ": chart \"" + src.chart + "\" has an invalid version \"" + ref.version + "\"");
  fs::path chart_dir = dir / (src.chart + "-" + ref.version);
  if (!fs::exists(chart_dir / "Chart.yaml")) {
    std::string tgz = HttpGet(ref.url, "spec.source.chart");
    std::string tmp = Temp(chart_dir);
    try {
      helm::ExtractArchive(tgz, tmp, Redact(ref.url));
    } catch (const helm::HelmError& e) {
      fs::remove_all(tmp, ec);
      throw AppError(std::string("spec.source.chart: ") + e.what());
    }
    fs::rename(tmp, chart_dir, ec);
    if (ec) fs::remove_all(tmp, ec);  // another refresh extracted it first
    if (!fs::exists(chart_dir / "Chart.yaml"))
      throw AppError("spec.source.chart: " + Redact(ref.url) + " holds no Chart.yaml");
  }
  return {ref.version, chart_dir.string()};
}

std::string ExpandBuildEnv(const std::string& s, const Source& src, const std::string& dest_namespace,
                           const RenderEnv& env) {
  std::map<std::string, std::string> vars = {
      {"ARGOCD_APP_NAME", env.app_name},
      {"ARGOCD_APP_NAMESPACE", dest_namespace},
      {"ARGOCD_APP_PROJECT_NAME", env.project},
      {"ARGOCD_APP_REVISION", env.revision},
      {"ARGOCD_APP_REVISION_SHORT", env.revision.substr(0, 7)},
      {"ARGOCD_APP_REVISION_SHORT_8", env.revision.substr(0, 8)},
      {"ARGOCD_APP_SOURCE_PATH", src.path},
      {"ARGOCD_APP_SOURCE_REPO_URL", src.repo_url},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", src.target_revision},
      {"KUBE_VERSION", env.kube_version},
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) { out += s[i]; continue; }
    size_t j = i + 1;
    std::string name;
    bool braced = s[j] == '{';
    if (braced) {
      size_t e = s.find('}', j);
      if (e == std::string::npos) { out += s[i]; continue; }
      name = s.substr(j + 1, e - j - 1);
      j = e + 1;
    } else {
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      name = s.substr(i + 1, j - i - 1);
    }
    auto it = vars.find(name);
    if (name.empty() || it == vars.end()) { out += s.substr(i, j - i); i = j - 1; continue; }
    out += it->second;
    i = j - 1;
  }
  return out;
}

std::vector<yaml::Node> RenderHelmChart(const std::string& repo_root, const std::string& chart_dir,
                                        const Source& src, const std::string& dest_namespace,
                                        const RenderEnv& env) {
  const yaml::Node* h = src.raw.Get("helm");
  helm::TemplateOptions o;
  o.chart_path = chart_dir;
  o.release_name = env.app_name.empty() ? "release-name" : env.app_name;
  o.namespace_ = dest_namespace.empty() ? "default" : dest_namespace;
  o.kube_version = env.kube_version;
  o.include_crds = true;
  auto expand = [&](const std::string& s) { return ExpandBuildEnv(s, src, dest_namespace, env); };
  if (h != nullptr && h->IsMap()) {
    if (!Str(h->Get("releaseName")).empty()) o.release_name = Str(h->Get("releaseName"));
    if (!Str(h->Get("namespace")).empty()) o.namespace_ = Str(h->Get("namespace"));
    if (!Str(h->Get("kubeVersion")).empty()) o.kube_version = Str(h->Get("kubeVersion"));
    if (Bool(h->Get("skipCrds"))) o.include_crds = false;
    if (Bool(h->Get("skipSchemaValidation"))) o.skip_schema_validation = true;
    if (Bool(h->Get("skipTests"))) o.skip_tests = true;
    bool ignore_missing = Bool(h->Get("ignoreMissingValueFiles"));
    if (const yaml::Node* api = h->Get("apiVersions"); api && api->IsSeq())
      for (const auto& a : api->items) o.api_versions.push_back(a.value);
    if (const yaml::Node* vf = h->Get("valueFiles"); vf && vf->IsSeq()) {
      for (const auto& f : vf->items) {
        std::string path = RepoFile(repo_root, chart_dir, expand(f.value), "valueFiles");
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
          if (ignore_missing) continue;
          throw AppError("spec.source.helm.valueFiles: \"" + f.value + "\": no such file in the repository");
        }
        o.value_files.push_back(path);
      }
    }
    // valuesObject wins over values (Argo CD)
    if (const yaml::Node* vo = h->Get("valuesObject"); vo && vo->IsMap()) {
      o.values_yaml.push_back(yaml::EmitJson(*vo));
    } else if (const yaml::Node* v = h->Get("values"); v) {
      if (v->IsScalar()) o.values_yaml.push_back(expand(v->value));
      else if (v->IsMap()) o.values_yaml.push_back(yaml::EmitJson(*v));
    }
    if (const yaml::Node* ps = h->Get("parameters"); ps && ps->IsSeq()) {
      for (const auto& p : ps->items) {
        std::string name = Str(p.Get("name"));
        if (name.empty()) throw AppError("spec.source.helm.parameters: a parameter has no name");
        std::string set = name + "=" + CleanSetValue(expand(Str(p.Get("value"))));
        (Bool(p.Get("forceString")) ? o.set_string : o.set).push_back(set);
      }
    }
    if (const yaml::Node* fps = h->Get("fileParameters"); fps && fps->IsSeq()) {
      for (const auto& p : fps->items) {
        std::string name = Str(p.Get("name"));
        std::string path = RepoFile(repo_root, chart_dir, expand(Str(p.Get("path"))), "fileParameters");
        o.set_file.push_back(name + "=" + path);
      }
    }
  }
  helm::TemplateResult r;
  try {
    r = helm::Template(o);
  } catch (const helm::HelmError& e) {
    throw AppError("spec.source: helm template " + (src.path.empty() ? src.chart : src.path) + ": " + e.what());
  }
  std::vector<yaml::Node> docs;
  try {
    docs = yaml::ParseAll(r.output, src.path);
  } catch (const yaml::ParseError& e) {
    throw AppError(std::string("spec.source: helm output: ") + e.what());
  }
  std::vector<yaml::Node> out;
  for (auto& d : docs) {
    if (d.IsNull()) continue;
    if (!d.IsMap()) throw AppError("spec.source: helm output of " + src.path + " holds a document that is not an object");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace capstan::app
