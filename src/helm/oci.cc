#include "helm/oci.h"

#include <algorithm>
#include <cctype>

#include "base/base64.h"
#include "gotemplate/semver.h"
#include "helm/helm.h"
#include "yaml/yaml.h"

namespace capstan::helm {
namespace gt = capstan::gotemplate;

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The distribution spec's repository name: path components of
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, separated by `/`.
bool ValidRepositoryName(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part.empty()) return false;
    if (!std::isalnum(static_cast<unsigned char>(part.front())) ||
        !std::isalnum(static_cast<unsigned char>(part.back())))
      return false;
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

bool ValidHost(const std::string& host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return false;
  return true;
}

bool IsTchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

}  // namespace

bool IsOciRepoUrl(const std::string& repo_url) {
  if (repo_url.rfind("oci://", 0) == 0) return true;
  return !repo_url.empty() && repo_url.find("://") == std::string::npos && repo_url.find(':') != 0;
}

OciReference ParseOciReference(const std::string& repo_url, const std::string& chart, const std::string& field) {
  std::string rest = repo_url.rfind("oci://", 0) == 0 ? repo_url.substr(6) : repo_url;
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('@') != std::string::npos)
    throw HelmError(field + ": an OCI reference takes no user:password@ (use the credentials file)");
  size_t slash = rest.find('/');
  OciReference ref;
  ref.registry = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!ValidHost(ref.registry))
    throw HelmError(field + ": \"" + repo_url + "\" names no registry host (want oci://host/path)");
  if (!chart.empty()) {
    if (chart.find('/') != std::string::npos || chart == "." || chart == "..")
      throw HelmError("spec.source.chart: \"" + chart + "\" is not a chart name");
    ref.repository = path.empty() ? chart : path + "/" + chart;
  } else {
    ref.repository = path;
  }
  if (ref.repository.empty())
    throw HelmError(field + ": \"" + repo_url + "\" names no chart (want oci://host/path/chart)");
  if (!ValidRepositoryName(ref.repository))
    throw HelmError(field + ": \"" + ref.repository +
                    "\" is not a valid OCI repository name (lowercase letters, digits, . _ - and /)");
  ref.chart = ref.repository.substr(ref.repository.rfind('/') + 1);
  return ref;
}

std::vector<std::string> ParseTagsList(const std::string& json, const std::string& what) {
  yaml::Node doc;
  try {
    doc = yaml::ParseJson(json, what);
  } catch (const std::exception& e) {
    throw HelmError(what + ": not a tags list: " + e.what());
  }
  if (!doc.IsMap()) throw HelmError(what + ": not a tags list (not an object)");
  std::vector<std::string> out;
  const yaml::Node* tags = doc.Get("tags");
  if (tags == nullptr || tags->IsNull()) return out;
  if (!tags->IsSeq()) throw HelmError(what + ": \"tags\" is not a list");
  for (const auto& t : tags->items)
    if (t.IsScalar()) out.push_back(t.value);
  return out;
}

std::string TagOf(const std::string& version) {
  std::string t = version;
  std::replace(t.begin(), t.end(), '+', '_');
  return t;
}

std::string ResolveOciVersion(const std::vector<std::string>& tags, const std::string& constraint,
                              const std::string& what) {
  // registry.Client.Tags: semver tags only, `_` read as `+`, newest first.
  struct Candidate {
    gt::SemVersion v;
    std::string text;
  };
  std::vector<Candidate> versions;
  for (const auto& tag : tags) {
    std::string text = tag;
    std::replace(text.begin(), text.end(), '_', '+');
    gt::SemVersion v;
    if (gt::ParseSemver(text, &v)) versions.push_back({v, text});
  }
  std::stable_sort(versions.begin(), versions.end(),
                   [](const Candidate& a, const Candidate& b) { return gt::CompareSemver(a.v, b.v) > 0; });
  std::string want = constraint;
  size_t b = want.find_first_not_of(" \t"), e = want.find_last_not_of(" \t");
  want = b == std::string::npos ? "" : want.substr(b, e - b + 1);
  if (!want.empty()) {
    for (const auto& c : versions)
      if (c.text == want) return c.text;
  }
  std::string range = want.empty() ? "*" : want;
  for (const auto& c : versions) {
    bool ok = false;
    try {
      ok = gt::SemverSatisfies(range, c.v);
    } catch (const std::exception& ex) {
      throw HelmError("targetRevision \"" + constraint + "\": invalid version or constraint: " + ex.what());
    }
    if (ok) return c.text;
  }
  throw HelmError(what + ": no version matching \"" + range + "\" (" + std::to_string(versions.size()) +
                  " version tags)");
}

bool IsSha256Digest(const std::string& d) {
  if (d.size() != 7 + 64 || d.compare(0, 7, "sha256:") != 0) return false;
  for (size_t i = 7; i < d.size(); ++i)
    if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f'))) return false;
  return true;
}

bool RegistryConfigLogin(const std::string& json, const std::string& registry, std::string* username,
                         std::string* password) {
  yaml::Node doc;
  try {
    doc = yaml::ParseJson(json, "registry config");
  } catch (const std::exception&) {
    return false;
  }
  const yaml::Node* auths = doc.IsMap() ? doc.Get("auths") : nullptr;
  if (auths == nullptr || !auths->IsMap()) return false;
  const yaml::Node* entry = auths->Get(registry);
  if (entry == nullptr) entry = auths->Get("https://" + registry);
  if (entry == nullptr || !entry->IsMap()) return false;
  std::string auth = entry->StrAt({"auth"});
  if (!auth.empty()) {
    std::string decoded;
    if (!base::Base64Decode(auth, &decoded)) return false;
    size_t colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    *username = decoded.substr(0, colon);
    *password = decoded.substr(colon + 1);
    return true;
  }
  *username = entry->StrAt({"username"});
  *password = entry->StrAt({"password"});
  return !username->empty() || !password->empty();
}

namespace {

OciDescriptor Descriptor(const yaml::Node& n, const std::string& what, const std::string& field) {
  if (!n.IsMap()) throw HelmError(what + ": " + field + " is not an object");
  OciDescriptor d;
  d.media_type = n.StrAt({"mediaType"});
  d.digest = n.StrAt({"digest"});
  if (!IsSha256Digest(d.digest))
    throw HelmError(what + ": " + field + ".digest \"" + d.digest.substr(0, 80) + "\" is not sha256:<64 hex>");
  if (const yaml::Node* s = n.Get("size"); s != nullptr && s->IsScalar()) {
    try {
      size_t used = 0;
      long long v = std::stoll(s->value, &used);
      if (used != s->value.size() || v < 0) throw std::invalid_argument("size");
      d.size = v;
    } catch (const std::exception&) {
      throw HelmError(what + ": " + field + ".size \"" + s->value.substr(0, 40) + "\" is not a size");
    }
  }
  return d;
}

}  // namespace

OciManifest ParseOciManifest(const std::string& json, const std::string& what) {
  yaml::Node doc;
  try {
    doc = yaml::ParseJson(json, what);
  } catch (const std::exception& e) {
    throw HelmError(what + ": not an OCI manifest: " + e.what());
  }
  if (!doc.IsMap()) throw HelmError(what + ": not an OCI manifest (not an object)");
  OciManifest m;
  m.media_type = doc.StrAt({"mediaType"});
  if (doc.Has("manifests"))
    throw HelmError(what + ": is an image index, not a chart manifest");
  const yaml::Node* config = doc.Get("config");
  if (config == nullptr) throw HelmError(what + ": not an OCI manifest (no config)");
  m.config = Descriptor(*config, what, "config");
  const yaml::Node* layers = doc.Get("layers");
  if (layers == nullptr || !layers->IsSeq()) throw HelmError(what + ": not an OCI manifest (no layers)");
  for (size_t i = 0; i < layers->items.size(); ++i)
    m.layers.push_back(Descriptor(layers->items[i], what, "layers[" + std::to_string(i) + "]"));
  return m;
}

OciDescriptor ChartLayer(const OciManifest& m, const std::string& what) {
  const OciDescriptor* found = nullptr;
  for (const auto& l : m.layers) {
    if (l.media_type != kHelmChartLayerType && l.media_type != "application/tar+gzip") continue;
    if (found != nullptr) throw HelmError(what + ": manifest has more than one chart layer");
    found = &l;
  }
  if (found == nullptr)
    throw HelmError(what + ": not a Helm chart (no layer of media type " + std::string(kHelmChartLayerType) + ")");
  return *found;
}

std::vector<AuthChallenge> ParseWwwAuthenticate(const std::string& h) {
  std::vector<AuthChallenge> out;
  size_t i = 0, n = h.size();
  auto skip = [&](bool commas) {
    while (i < n && (h[i] == ' ' || h[i] == '\t' || (commas && h[i] == ','))) ++i;
  };
  auto token = [&] {
    size_t s = i;
    while (i < n && IsTchar(h[i])) ++i;
    return h.substr(s, i - s);
  };
  while (i < n) {
    skip(true);
    if (i >= n) break;
    std::string scheme = token();
    if (scheme.empty()) {  // junk: drop one character
      ++i;
      continue;
    }
    AuthChallenge c;
    c.scheme = Lower(scheme);
    // auth-params `name = (token | quoted-string)` separated by commas; a
    // name not followed by `=` starts the next challenge.
    while (i < n) {
      size_t save = i;
      skip(false);
      std::string name = token();
      skip(false);
      if (name.empty() || i >= n || h[i] != '=') {
        i = save;
        break;
      }
      ++i;  // '='
      skip(false);
      std::string value;
      if (i < n && h[i] == '"') {
        ++i;
        while (i < n && h[i] != '"') {
          if (h[i] == '\\' && i + 1 < n) ++i;
          value += h[i++];
        }
        if (i < n) ++i;  // closing quote
      } else {  // a token; lenient: anything up to a separator (unquoted URLs)
        size_t s = i;
        while (i < n && h[i] != ',' && h[i] != ' ' && h[i] != '\t') ++i;
        value = h.substr(s, i - s);
      }
      c.params[Lower(name)] = value;
      skip(false);
      while (i < n && h[i] != ',') ++i;  // anything else up to the separator is junk
      skip(true);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace capstan::helm
