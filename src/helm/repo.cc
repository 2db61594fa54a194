#include "helm/repo.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "gotemplate/semver.h"
#include "yaml/yaml.h"

namespace capstan::helm {
namespace fs = std::filesystem;
namespace gt = capstan::gotemplate;

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string AbsoluteUrl(const std::string& repo_url, const std::string& url) {
  if (url.find("://") != std::string::npos) return url;
  std::string base = repo_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string rel = url;
  while (rel.rfind("./", 0) == 0) rel = rel.substr(2);
  if (!rel.empty() && rel[0] == '/') {  // host-absolute path
    size_t scheme = base.find("://");
    size_t slash = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
    return (slash == std::string::npos ? base : base.substr(0, slash)) + rel;
  }
  return base + "/" + rel;
}

}  // namespace

ChartVersionRef ResolveChartVersion(const std::string& index_yaml, const std::string& repo_url,
                                    const std::string& chart, const std::string& constraint,
                                    const std::string& what) {
  yaml::Node index;
  try {
    index = yaml::ParseOne(index_yaml, what);
  } catch (const std::exception& e) {
    throw HelmError(what + ": not a chart repository index: " + e.what());
  }
  const yaml::Node* entries = index.IsMap() ? index.Get("entries") : nullptr;
  if (entries == nullptr || !entries->IsMap())
    throw HelmError(what + ": not a chart repository index (no entries)");
  const yaml::Node* list = entries->Get(chart);
  if (list == nullptr || !list->IsSeq() || list->items.empty())
    throw HelmError(what + ": chart \"" + chart + "\" not found in " + repo_url);
  std::string want = Trim(constraint);
  if (want.empty() || want == "latest") want = "*";

  struct Candidate {
    gt::SemVersion v;
    const yaml::Node* entry;
  };
  std::vector<Candidate> candidates;
  for (const auto& e : list->items) {
    if (!e.IsMap()) continue;
    std::string ver = e.StrAt({"version"});
    if (ver == want) {  // an exact string match wins, as in Helm
      candidates.clear();
      candidates.push_back({gt::SemVersion{}, &e});
      break;
    }
    gt::SemVersion v;
    if (gt::ParseSemver(ver, &v)) candidates.push_back({v, &e});
  }
  const yaml::Node* found = nullptr;
  if (candidates.size() == 1 && candidates[0].entry->StrAt({"version"}) == want) {
    found = candidates[0].entry;
  } else {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return gt::CompareSemver(a.v, b.v) > 0; });
    for (const auto& c : candidates) {
      bool ok = false;
      try {
        ok = gt::SemverSatisfies(want, c.v);
      } catch (const std::exception& e) {
        throw HelmError("targetRevision \"" + constraint + "\": invalid version or constraint: " + e.what());
      }
      if (ok) {
        found = c.entry;
        break;
      }
    }
  }
  if (found == nullptr)
    throw HelmError(what + ": chart \"" + chart + "\" has no version matching \"" + (constraint.empty() ? "*" : constraint) +
                    "\" in " + repo_url);
  ChartVersionRef ref;
  ref.version = found->StrAt({"version"});
  ref.digest = found->StrAt({"digest"});
  const yaml::Node* urls = found->Get("urls");
  if (urls == nullptr || !urls->IsSeq() || urls->items.empty() || urls->items[0].value.empty())
    throw HelmError(what + ": chart \"" + chart + "\" version " + ref.version + " has no urls");
  ref.url = AbsoluteUrl(repo_url, urls->items[0].value);
  return ref;
}

void ExtractArchive(const std::string& tgz_bytes, const std::string& dir, const std::string& what) {
  std::vector<ChartFile> files = ReadArchive(tgz_bytes, what);  // refuses `..`
  if (files.empty()) throw HelmError(what + ": empty chart archive");
  for (const auto& f : files) {
    if (!f.name.empty() && f.name[0] == '/') throw HelmError(what + ": absolute path in chart archive: " + f.name);
    fs::path p = fs::path(dir) / f.name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
    if (!out) throw HelmError(what + ": writing " + p.string() + " failed");
  }
}

}  // namespace capstan::helm
