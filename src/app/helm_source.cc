#include "app/helm_source.h"

#include <filesystem>
#include <map>

#include "app/chart_cache.h"
#include "app/chart_http.h"
#include "app/oci_chart.h"
#include "app/project.h"
#include "helm/helm.h"
#include "helm/oci.h"
#include "helm/repo.h"
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

// GET `url` (basic auth from `cred` when `send_auth`, its CA always); throws
// AppError naming `field` and the URL (never the password) on any failure.
std::string HttpGet(const std::string& url, const git::Credential* cred, bool send_auth, const std::string& field) {
  ChartHttpRequest req;
  req.url = url;
  if (cred != nullptr) {
    req.ca_file = cred->ca_file;
    if (send_auth) {
      req.username = cred->username;
      req.password = cred->password;
    }
  }
  ChartHttpResponse r = ChartHttpGet(req, field);
  if (r.status == 401 || r.status == 403) {
    bool has_secret = cred != nullptr && (!cred->username.empty() || !cred->password.empty());
    std::string who = !has_secret        ? "no credentials file entry matches " + RedactChartUrl(url)
                      : !send_auth       ? "credentials are sent to another host only with spec.source.helm.passCredentials"
                                         : "the credentials of " + cred->url_prefix + " were refused";
    throw AppError(field + ": fetching " + RedactChartUrl(url) + ": authentication failed (HTTP " +
                   std::to_string(r.status) + "): " + who);
  }
  if (r.status < 200 || r.status >= 300)
    throw AppError(field + ": fetching " + RedactChartUrl(url) + ": HTTP " + std::to_string(r.status));
  return std::move(r.body);
}

}  // namespace

RepoChart FetchRepoChart(const std::string& cache_dir, const Source& src, const std::string& revision, bool refresh,
                         const git::Credentials* creds) {
  if (src.repo_url.empty()) throw AppError("spec.source.repoURL: required with spec.source.chart");
  if (src.chart.find('/') != std::string::npos || src.chart == "." || src.chart == "..")
    throw AppError("spec.source.chart: \"" + src.chart + "\" is not a chart name");
  if (helm::IsOciRepoUrl(src.repo_url)) {
    helm::OciReference ref;
    try {
      ref = helm::ParseOciReference(src.repo_url, src.chart, "spec.source.repoURL");
    } catch (const helm::HelmError& e) {
      throw AppError(e.what());
    }
    OciFetchOptions o;
    o.credential = FindOciCredential(creds, ref);
    o.refresh = refresh;
    return FetchOciChart(cache_dir, ref, revision, o);
  }
  std::string base = src.repo_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  fs::path dir = ChartRepoCacheDir(cache_dir, base);
  const git::Credential* cred = creds != nullptr ? creds->Find(base) : nullptr;
  fs::path index_path = dir / "index.yaml";
  std::string what = RedactChartUrl(base) + "/index.yaml";
  std::string index;
  bool fetched = false;
  if (refresh || !fs::exists(index_path)) {
    index = HttpGet(base + "/index.yaml", cred, true, "spec.source.repoURL");
    WriteCacheFile(index_path.string(), index);
    fetched = true;
  } else {
    index = ReadCacheFile(index_path.string());
  }
  helm::ChartVersionRef ref;
  try {
    ref = helm::ResolveChartVersion(index, RedactChartUrl(base), src.chart, revision, what);
  } catch (const helm::HelmError& e) {
    // A version published after the cached index was read: look again.
    if (fetched) throw AppError(std::string("spec.source.targetRevision: ") + e.what());
    index = HttpGet(base + "/index.yaml", cred, true, "spec.source.repoURL");
    WriteCacheFile(index_path.string(), index);
    try {
      ref = helm::ResolveChartVersion(index, RedactChartUrl(base), src.chart, revision, what);
    } catch (const helm::HelmError& e2) {
      throw AppError(std::string("spec.source.targetRevision: ") + e2.what());
    }
  }
  if (ref.version.find('/') != std::string::npos || ref.version.find("..") != std::string::npos)
    throw AppError(what + ": chart \"" + src.chart + "\" has an invalid version \"" + ref.version + "\"");
  fs::path chart_dir = dir / (src.chart + "-" + ref.version);
  if (!fs::exists(chart_dir / "Chart.yaml")) {
    // Helm: the repository's credentials go to its own host; to an archive
    // elsewhere only with --pass-credentials (passCredentials).
    const yaml::Node* h = src.raw.Get("helm");
    bool pass = h != nullptr && h->IsMap() && Bool(h->Get("passCredentials"));
    bool same_host = UrlOrigin(ref.url) == UrlOrigin(base);
    bool send_auth = same_host || pass;
    const git::Credential* archive_cred = cred;
    if (!send_auth && cred == nullptr && creds != nullptr) archive_cred = creds->Find(ref.url);  // its ca= only
    std::string tgz = HttpGet(ref.url, archive_cred, send_auth, "spec.source.chart");
    UnpackChartOnce(tgz, chart_dir.string(), RedactChartUrl(ref.url), "spec.source.chart");
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
