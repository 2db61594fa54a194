#include "appset/generators.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "yaml/yaml.h"

namespace fs = std::filesystem;

namespace capstan::appset {

using yaml::Node;

void Flatten(const Node& node, const std::string& prefix, Params* out) {
  if (node.IsMap()) {
    for (const auto& f : node.fields) Flatten(f.value, prefix.empty() ? f.key.value : prefix + "." + f.key.value, out);
  } else if (node.IsSeq()) {
    for (size_t i = 0; i < node.items.size(); ++i) Flatten(node.items[i], prefix + "[" + std::to_string(i) + "]", out);
  } else if (!prefix.empty()) {
    (*out)[prefix] = node.IsNull() ? "" : node.value;
  }
}

bool GlobMatch(const std::string& p, const std::string& s) {
  // Iterative matcher with backtracking; '*' stops at '/', '**' does not.
  size_t pi = 0, si = 0, star_p = std::string::npos, star_s = 0;
  bool star_deep = false;
  while (si < s.size()) {
    if (pi + 1 < p.size() && p[pi] == '*' && p[pi + 1] == '*') {
      star_p = pi;
      star_s = si;
      star_deep = true;
      pi += 2;
      if (pi < p.size() && p[pi] == '/') ++pi;
      continue;
    }
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi;
      star_s = si;
      star_deep = false;
      ++pi;
      continue;
    }
    if (pi < p.size() && (p[pi] == '?' ? s[si] != '/' : p[pi] == s[si])) {
      ++pi;
      ++si;
      continue;
    }
    if (star_p != std::string::npos && (star_deep || s[star_s] != '/')) {
      si = ++star_s;
      pi = star_p + (star_deep ? 2 : 1);
      if (star_deep && pi < p.size() && p[pi] == '/') ++pi;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

void AddPathParams(const std::string& rel, const std::string& prefix, Params* p) {
  std::string k = prefix.empty() ? "path" : prefix + ".path";
  (*p)[k] = rel;
  std::string base = fs::path(rel).filename().string();
  (*p)[k + ".basename"] = base;
  (*p)[k + ".basenameNormalized"] = Normalize(base);
  std::stringstream ss(rel);
  std::string seg;
  int i = 0;
  while (std::getline(ss, seg, '/')) {
    (*p)[k + "[" + std::to_string(i) + "]"] = seg;
    (*p)[k + ".segments[" + std::to_string(i) + "]"] = seg;
    ++i;
  }
}

void AddValues(const Node& gen, const Params& params, Params* p) {
  if (const Node* v = gen.Get("values"); v && v->IsMap())
    for (const auto& f : v->fields) (*p)["values." + f.key.value] = RenderString(f.value.value, params, {});
}

std::vector<Params> Git(const Node& g, const GeneratorContext& c) {
  std::string url = g.StrAt({"repoURL"});
  if (url.empty()) throw TemplateError(c.where + ": spec.generators.git.repoURL: required");
  std::string rev = g.StrAt({"revision"}, "HEAD");
  std::string root = c.checkout(url, rev);
  std::string prefix = g.StrAt({"pathParamPrefix"});
  std::vector<std::string> dirs, files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    if (rel == ".git" || rel.rfind(".git/", 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory()) dirs.push_back(rel);
    else if (it->is_regular_file()) files.push_back(rel);
  }
  std::sort(dirs.begin(), dirs.end());
  std::sort(files.begin(), files.end());
  std::vector<Params> out;
  if (const Node* ds = g.Get("directories"); ds && ds->IsSeq()) {
    for (const auto& d : dirs) {
      bool inc = false, exc = false;
      for (const auto& e : ds->items) {
        if (!GlobMatch(e.StrAt({"path"}), d)) continue;
        if (e.Get("exclude") && e.Get("exclude")->AsBool()) exc = true;
        else inc = true;
      }
      if (!inc || exc) continue;
      Params p;
      AddPathParams(d, prefix, &p);
      AddValues(g, p, &p);
      out.push_back(std::move(p));
    }
    return out;
  }
  if (const Node* fsn = g.Get("files"); fsn && fsn->IsSeq()) {
    for (const auto& f : files) {
      bool inc = false, exc = false;
      for (const auto& e : fsn->items) {
        if (!GlobMatch(e.StrAt({"path"}), f)) continue;
        if (e.Get("exclude") && e.Get("exclude")->AsBool()) exc = true;
        else inc = true;
      }
      if (!inc || exc) continue;
      std::ifstream in(fs::path(root) / f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::vector<Node> docs;
      try {
        docs = yaml::ParseAll(ss.str(), f);
      } catch (const std::exception& e) {
        throw TemplateError(c.where + ": git files generator: " + e.what());
      }
      for (const auto& doc : docs) {
        Params p;
        Flatten(doc, "", &p);
        std::string dir = fs::path(f).parent_path().string();
        AddPathParams(dir, prefix, &p);
        std::string k = prefix.empty() ? "path" : prefix + ".path";
        p[k + ".filename"] = fs::path(f).filename().string();
        p[k + ".filenameNormalized"] = Normalize(fs::path(f).filename().string());
        AddValues(g, p, &p);
        out.push_back(std::move(p));
      }
    }
    return out;
  }
  throw TemplateError(c.where + ": spec.generators.git: one of directories or files is required");
}

std::vector<Params> Clusters(const Node& g, const GeneratorContext& c) {
  const Node* match = g.At({"selector", "matchLabels"});
  std::vector<Params> out;
  for (const auto& cl : c.clusters) {
    bool ok = true;
    if (match && match->IsMap())
      for (const auto& f : match->fields) {
        auto it = cl.labels.find(f.key.value);
        ok = ok && it != cl.labels.end() && it->second == f.value.value;
      }
    if (!ok) continue;
    Params p{{"name", cl.name}, {"nameNormalized", Normalize(cl.name)}, {"server", cl.server}, {"project", cl.project}};
    for (const auto& [k, v] : cl.labels) p["metadata.labels." + k] = v;
    for (const auto& [k, v] : cl.annotations) p["metadata.annotations." + k] = v;
    AddValues(g, p, &p);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<Params> Generate(const Node& gen, const GeneratorContext& c) {
  if (const Node* l = gen.Get("list")) {
    std::vector<Params> out;
    if (const Node* els = l->Get("elements"); els && els->IsSeq())
      for (const auto& e : els->items) {
        Params p;
        Flatten(e, "", &p);
        out.push_back(std::move(p));
      }
    return out;
  }
  if (const Node* g = gen.Get("git")) return Git(*g, c);
  if (const Node* g = gen.Get("clusters")) return Clusters(*g, c);
  if (const Node* m = gen.Get("matrix")) {
    const Node* gens = m->Get("generators");
    if (!gens || !gens->IsSeq() || gens->items.size() != 2)
      throw TemplateError(c.where + ": spec.generators.matrix.generators: exactly 2 generators are required");
    std::vector<Params> out;
    for (const auto& a : Generate(gens->items[0], c))
      for (const auto& b : Generate(gens->items[1], c)) {
        Params p = a;
        for (const auto& [k, v] : b) {
          auto it = p.find(k);
          if (it != p.end() && it->second != v)
            throw TemplateError(c.where + ": matrix: both generators set parameter \"" + k + "\" differently");
          p[k] = v;
        }
        out.push_back(std::move(p));
      }
    return out;
  }
  if (const Node* m = gen.Get("merge")) {
    const Node* gens = m->Get("generators");
    const Node* keys = m->Get("mergeKeys");
    if (!gens || !gens->IsSeq() || gens->items.size() < 2)
      throw TemplateError(c.where + ": spec.generators.merge.generators: at least 2 generators are required");
    if (!keys || !keys->IsSeq() || keys->items.empty())
      throw TemplateError(c.where + ": spec.generators.merge.mergeKeys: required");
    auto key_of = [&](const Params& p, bool* ok) {
      std::string k;
      *ok = true;
      for (const auto& mk : keys->items) {
        auto it = p.find(mk.value);
        if (it == p.end()) *ok = false;
        else k += it->second + "\x1f";
      }
      return k;
    };
    std::vector<Params> base = Generate(gens->items[0], c);
    for (size_t i = 1; i < gens->items.size(); ++i) {
      for (const auto& over : Generate(gens->items[i], c)) {
        bool ok;
        std::string k = key_of(over, &ok);
        if (!ok) continue;
        for (auto& b : base) {
          bool bok;
          if (key_of(b, &bok) == k && bok)
            for (const auto& [kk, v] : over) b[kk] = v;
        }
      }
    }
    return base;
  }
  std::string kind = gen.IsMap() && !gen.fields.empty() ? gen.fields[0].key.value : "<empty>";
  throw TemplateError(c.where + ": spec.generators: generator \"" + kind +
                      "\" is not supported (list, git, clusters, matrix, merge)");
}

}  // namespace capstan::appset
