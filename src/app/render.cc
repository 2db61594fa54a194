#include "app/render.h"

#include "cache/packed_node.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/project.h"
#include "cache/packed_node.h"
#include "kustomize/kustomize.h"
#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::app {
namespace {

const char* kKustomizationNames[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw AppError(p.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Inside(const fs::path& canonical, const fs::path& root) {
  auto r = root.begin(), c = canonical.begin();
  for (; r != root.end(); ++r, ++c)
    if (c == canonical.end() || *c != *r) return false;
  return true;
}

fs::path CanonicalRoot(const std::string& root) {
  std::error_code ec;
  fs::path c = fs::canonical(root, ec);
  if (ec) throw AppError(root + ": repository checkout not readable: " + ec.message());
  return c;
}

// Everything a render reads must resolve, after symlinks, inside the
// source's checkout (Argo CD's rule): a symlink or `..` to elsewhere on the
// machine (another repository's snapshot included) is an error.
void CheckInside(const fs::path& p, const fs::path& canonical_root, const std::string& shown) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  if (ec || !Inside(c, canonical_root))
    throw AppError(shown + ": resolves outside the repository checkout (symlink or '..')");
}

// The directory `path` inside `root`, refusing anything that escapes it.
fs::path Resolve(const std::string& root, const std::string& path) {
  fs::path rel = fs::path(path).lexically_normal();
  if (rel.is_absolute() || (!rel.empty() && *rel.begin() == ".."))
    throw AppError("spec.source.path: \"" + path + "\" is outside the repository");
  fs::path dir = fs::path(root) / rel;
  CheckInside(dir, CanonicalRoot(root), "spec.source.path: \"" + path + "\"");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw AppError("spec.source.path: \"" + path + "\": app path does not exist");
  return dir;
}

fs::path KustomizationIn(const fs::path& dir) {
  for (const char* n : kKustomizationNames)
    if (fs::exists(dir / n)) return dir / n;
  return {};
}

// "name=repo:tag", "repo:tag", "repo@sha256:..." as `kustomize edit set image`.
yaml::Node ImageEntry(const std::string& spec) {
  std::string name, target = spec;
  auto eq = spec.find('=');
  if (eq != std::string::npos) {
    name = spec.substr(0, eq);
    target = spec.substr(eq + 1);
  }
  std::string new_name = target, tag, digest;
  auto at = target.find('@');
  if (at != std::string::npos) {
    new_name = target.substr(0, at);
    digest = target.substr(at + 1);
  } else {
    auto colon = target.rfind(':');
    auto slash = target.rfind('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      new_name = target.substr(0, colon);
      tag = target.substr(colon + 1);
    }
  }
  yaml::Node e = yaml::Node::Map();
  if (name.empty()) {
    e.Set("name", yaml::Node::String(new_name));
  } else {
    e.Set("name", yaml::Node::String(name));
    if (new_name != name) e.Set("newName", yaml::Node::String(new_name));
  }
  if (!tag.empty()) e.Set("newTag", yaml::Node::String(tag));
  if (!digest.empty()) e.Set("digest", yaml::Node::String(digest));
  return e;
}

// Applies the Application's kustomize overrides to a kustomization document.
void Edit(yaml::Node& k, const KustomizeSource& ks) {
  if (!ks.name_prefix.empty()) k.Set("namePrefix", yaml::Node::String(ks.name_prefix));
  if (!ks.name_suffix.empty()) k.Set("nameSuffix", yaml::Node::String(ks.name_suffix));
  if (!ks.namespace_.empty()) k.Set("namespace", yaml::Node::String(ks.namespace_));
  auto merge_map = [&k](const char* key, const std::map<std::string, std::string>& m) {
    if (m.empty()) return;
    yaml::Node& target = k.GetOrCreateMap(key);
    for (const auto& [a, b] : m) target.Set(a, yaml::Node::String(b));
  };
  merge_map("commonLabels", ks.common_labels);
  merge_map("commonAnnotations", ks.common_annotations);
  if (!ks.images.empty()) {
    yaml::Node* images = k.Get("images");
    if (!images || !images->IsSeq()) images = &k.Set("images", yaml::Node::Seq());
    for (const auto& spec : ks.images) {
      yaml::Node entry = ImageEntry(spec);
      std::string name = entry.StrAt({"name"});
      auto it = std::find_if(images->items.begin(), images->items.end(),
                             [&](const yaml::Node& n) { return n.StrAt({"name"}) == name; });
      if (it != images->items.end()) *it = entry;
      else images->items.push_back(entry);
    }
  }
}

std::vector<yaml::Node> RenderKustomization(const std::string& root, const fs::path& dir,
                                            const fs::path& kfile, const Source& src) {
  kustomize::Options opts;
  opts.confine_to = CanonicalRoot(root).string();
  if (!src.kustomize || src.kustomize->empty()) {
    try {
      return kustomize::Render(dir.string(), opts);
    } catch (const kustomize::Error& e) {
      throw AppError(std::string("kustomize build ") + src.path + ": " + e.what());
    }
  }
  // Overrides: a hard-linked copy of the tree (cheap) with the one
  // kustomization file replaced, so the shared snapshot stays untouched.
  char tmpl[] = "/tmp/capstan-render-XXXXXX";
  if (!mkdtemp(tmpl)) throw AppError("cannot create a temporary directory");
  fs::path tmp = tmpl;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  std::error_code ec;
  // Symlinks are copied as symlinks (never followed), so the confinement
  // check below sees them as they are in the checkout.
  fs::copy(root, tmp / "repo",
           fs::copy_options::recursive | fs::copy_options::create_hard_links | fs::copy_options::copy_symlinks,
           ec);
  if (ec) throw AppError("cannot stage the repository for kustomize overrides: " + ec.message());
  fs::path rel = fs::relative(kfile, root);
  fs::path staged = tmp / "repo" / rel;
  CheckInside(kfile, CanonicalRoot(root), (fs::path(src.path) / kfile.filename()).string());
  yaml::Node k;
  try {
    k = yaml::ParseOne(ReadText(kfile), rel.string());
  } catch (const yaml::ParseError& e) {
    throw AppError(e.what());
  }
  Edit(k, *src.kustomize);
  fs::remove(staged, ec);
  std::ofstream(staged) << yaml::EmitYaml(k);
  opts.confine_to = CanonicalRoot((tmp / "repo").string()).string();
  try {
    return kustomize::Render(staged.parent_path().string(), opts);
  } catch (const kustomize::Error& e) {
    throw AppError(std::string("kustomize build ") + src.path + ": " + e.what());
  }
}

void AddObjects(const yaml::Node& doc, const std::string& file, size_t index,
                std::vector<yaml::Node>* out) {
  if (doc.IsNull()) return;
  std::string where = file + ": document " + std::to_string(index + 1);
  if (!doc.IsMap()) throw AppError(where + ": not a Kubernetes object (not a mapping)");
  std::string kind = doc.StrAt({"kind"});
  if (doc.StrAt({"apiVersion"}).empty() || kind.empty())
    throw AppError(where + ": not a Kubernetes object (apiVersion and kind required)");
  if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && doc.Get("items")) {
    const yaml::Node* items = doc.Get("items");
    if (items->IsSeq())
      for (size_t i = 0; i < items->items.size(); ++i) AddObjects(items->items[i], file, i, out);
    return;
  }
  if (doc.StrAt({"metadata", "name"}).empty() && doc.StrAt({"metadata", "generateName"}).empty())
    throw AppError(where + ": " + kind + ": metadata.name: required");
  out->push_back(doc);
}

std::vector<yaml::Node> RenderDirectory(const std::string& root, const fs::path& dir, const Source& src) {
  const fs::path canonical_root = CanonicalRoot(root);
  DirectorySource d = src.directory.value_or(DirectorySource{});
  std::vector<fs::path> files;
  auto consider = [&](const fs::path& p) {
    std::string ext = p.extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") return;
    std::string rel = p.lexically_relative(dir).string();
    if (!d.include.empty() && !GlobMatch(d.include, rel) && !GlobMatch(d.include, p.filename().string()))
      return;
    if (!d.exclude.empty() && (GlobMatch(d.exclude, rel) || GlobMatch(d.exclude, p.filename().string())))
      return;
    files.push_back(p);
  };
  std::error_code ec;
  if (d.recurse) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory() && it->path().filename().string().rfind('.', 0) == 0) {
        it.disable_recursion_pending();  // .git and other hidden dirs
        continue;
      }
      if (it->is_regular_file()) consider(it->path());
    }
  } else {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file()) consider(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<yaml::Node> out;
  for (const auto& f : files) {
    std::string rel = (fs::path(src.path) / f.lexically_relative(dir)).lexically_normal().string();
    CheckInside(f, canonical_root, rel);
    std::vector<yaml::Node> docs;
    try {
      docs = yaml::ParseAll(ReadText(f), rel);
    } catch (const yaml::ParseError& e) {
      throw AppError(e.what());
    }
    for (size_t i = 0; i < docs.size(); ++i) AddObjects(docs[i], rel, i, &out);
  }
  return out;
}

}  // namespace

std::vector<yaml::Node> RenderSource(const std::string& repo_root, const Source& src, const RenderEnv& env,
                                     const std::string& dest_namespace) {
  // A chart from a Helm repository: `repo_root` is the unpacked chart (FetchRepoChart).
  if (!src.chart.empty()) {
    if (!fs::exists(fs::path(repo_root) / "Chart.yaml"))
      throw AppError("spec.source.chart: \"" + src.chart + "\" comes from the Helm repository " + src.repo_url +
                     ", not from this tree (capstan app fetches it)");
    return RenderHelmChart(repo_root, repo_root, src, dest_namespace, env);
  }
  fs::path dir = Resolve(repo_root, src.path.empty() ? "." : src.path);
  fs::path kfile = KustomizationIn(dir);
  if (src.helm || (kfile.empty() && !src.directory && fs::exists(dir / "Chart.yaml"))) {
    if (!fs::exists(dir / "Chart.yaml"))
      throw AppError("spec.source.path: \"" + src.path + "\" has no Chart.yaml (spec.source.helm needs a chart)");
    return RenderHelmChart(repo_root, dir.string(), src, dest_namespace, env);
  }
  if (!kfile.empty() && !src.directory) return RenderKustomization(repo_root, dir, kfile, src);
  return RenderDirectory(repo_root, dir, src);
}

std::string RenderCache::Key(const Source& s, const std::string& commit, const std::string& extra) {
  std::string key = NormalizeRepoUrl(s.repo_url) + "\n" + commit + "\n" + s.path + "\n" + extra + "\n";
  if (!s.chart.empty()) key += "chart:" + s.chart + "\n";
  if (const yaml::Node* h = s.raw.Get("helm")) key += "h:" + yaml::EmitJson(*h) + "\n";
  if (s.kustomize) {
    const auto& k = *s.kustomize;
    key += "k:" + k.name_prefix + "|" + k.name_suffix + "|" + k.namespace_ + "|";
    for (const auto& i : k.images) key += i + ",";
    for (const auto& [a, b] : k.common_labels) key += a + "=" + b + ",";
    for (const auto& [a, b] : k.common_annotations) key += a + "=" + b + ",";
  }
  if (s.directory)
    key += std::string("d:") + (s.directory->recurse ? "r" : "") + "|" + s.directory->include + "|" +
           s.directory->exclude;
  return key;
}

bool RenderCache::Get(const std::string& key, std::vector<yaml::Node>* out) {
  Packed p;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    p = it->second;
  }
  *out = std::move(cache::Unpack(*p).items);
  return true;
}

void RenderCache::Put(const std::string& key, std::vector<yaml::Node> objects) {
  yaml::Node seq = yaml::Node::Seq();
  seq.items = std::move(objects);
  auto packed = std::make_shared<const std::string>(cache::Pack(seq));
  size_t hash = std::hash<std::string>()(*packed);
  std::lock_guard<std::mutex> l(mu_);
  auto& same_hash = by_hash_[hash];
  Packed shared;
  for (const auto& p : same_hash)
    if (*p == *packed) shared = p;
  if (!shared) {
    shared = packed;
    same_hash.push_back(shared);
    bytes_ += shared->size();
  }
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    Packed old = it->second;
    it->second = shared;
    Release(old);
  } else {
    entries_[key] = shared;
    order_.push_back(key);
  }
  while (bytes_ > max_bytes_ && order_.size() > 1) {
    auto oldest = entries_.find(order_.front());
    order_.pop_front();
    if (oldest == entries_.end()) continue;
    Packed p = oldest->second;
    entries_.erase(oldest);
    Release(p);
  }
}

// Called with mu_ held, after an entry stopped pointing at `p`: the
// contents go when no entry shares them any more.
void RenderCache::Release(const Packed& p) {
  if (p.use_count() > 2) return;  // `p` itself and the by_hash_ slot
  auto bucket = by_hash_.find(std::hash<std::string>()(*p));
  if (bucket == by_hash_.end()) return;
  auto& v = bucket->second;
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] == p) {
      bytes_ -= p->size();
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  if (v.empty()) by_hash_.erase(bucket);
}

size_t RenderCache::size() {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

size_t RenderCache::bytes() {
  std::lock_guard<std::mutex> l(mu_);
  return bytes_;
}

}  // namespace capstan::app
