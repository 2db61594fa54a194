// Reading resource files: YAML streams, with `kind: *List` objects expanded
// into their items as kustomize does.
#include <string_view>
#include <unordered_set>

#include "kustomize/resources.h"

#include "yaml/yaml.h"

namespace capstan::kustomize {

// kustomize (go-yaml) rejects a mapping that repeats a key.
static void CheckDuplicateKeys(const Node& n, const std::string& source, size_t depth) {
  if (depth > 256) return;
  if (n.IsMap()) {
    // In document order, as go-yaml reports the first one; large mappings
    // (CRD schemas) use a hash set instead of comparing all pairs.
    const bool large = n.fields.size() > 16;
    std::unordered_set<std::string_view> seen;
    if (large) seen.reserve(n.fields.size());
    for (size_t i = 0; i < n.fields.size(); ++i) {
      const std::string& key = n.fields[i].key.value;
      bool dup = false;
      if (large) {
        dup = !seen.insert(key).second;
      } else {
        for (size_t j = 0; j < i && !dup; ++j) dup = n.fields[j].key.value == key;
      }
      if (dup) Fail(source + ": mapping key \"" + key + "\" already defined");
      CheckDuplicateKeys(n.fields[i].value, source, depth + 1);
    }
  } else if (n.IsSeq()) {
    for (const auto& i : n.items) CheckDuplicateKeys(i, source, depth + 1);
  }
}

static void AddObject(Node doc, const std::string& source, ResList& out, size_t depth) {
  if (doc.IsNull()) return;
  if (!doc.IsMap()) Fail(source + ": expected a mapping (a Kubernetes object), got a " +
                         (doc.IsSeq() ? "sequence" : "scalar"));
  std::string kind = doc.StrAt({"kind"});
  const Node* items = doc.Get("items");
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && items) {
    if (depth > 8) Fail(source + ": lists nested too deeply");
    if (items->IsSeq()) {
      Node copy = *items;
      for (auto& item : copy.items) AddObject(std::move(item), source, out, depth + 1);
      return;
    }
    if (items->IsNull()) return;
  }
  if (kind.empty()) Fail(source + ": missing kind in object");
  Resource r;
  r.obj = std::move(doc);
  if (!r.obj.Get("metadata") || !r.obj.Get("metadata")->IsMap()) {
    if (!r.obj.Get("metadata") || r.obj.Get("metadata")->IsNull()) {
      Fail(source + ": " + kind + " is missing metadata.name");
    }
    Fail(source + ": " + kind + ": field metadata must be a mapping");
  }
  if (r.Name().empty() && !r.obj.At({"metadata", "generateName"})) {
    Fail(source + ": " + kind + " is missing metadata.name");
  }
  const Node* lc = r.obj.At({"metadata", "annotations", "config.kubernetes.io/local-config"});
  r.local_config = lc && lc->IsScalar() && lc->value == "true";
  out.push_back(std::move(r));
}

ResList ParseResources(std::string_view text, const std::string& source) {
  std::vector<Node> docs;
  try {
    docs = yaml::ParseAll(text, source);
  } catch (const yaml::ParseError& e) {
    Fail(e.what());
  } catch (const std::exception& e) {
    Fail(source + ": " + e.what());
  }
  ResList out;
  for (auto& d : docs) CheckDuplicateKeys(d, source, 0);
  for (auto& d : docs) AddObject(std::move(d), source, out, 0);
  return out;
}

}  // namespace capstan::kustomize
