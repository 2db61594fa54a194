// CreateTwoWayMergePatch: the strategic merge patch from one object to
// another, as apimachinery's strategicpatch.CreateTwoWayMergePatch computes
// it (with $setElementOrder directives, as kubectl sends them).
#include <algorithm>
#include <string>
#include <vector>

#include "resource/patch.h"
#include "resource/smp_internal.h"
#include "yaml/yaml.h"

namespace capstan::resource {

namespace {

using internal::FieldMeta;
using internal::GoType;
using internal::JsonEq;
using internal::Meta;

using yaml::Node;


// How Go's %v prints a merge key value, for sorting.
std::string KeyString(const Node* n) { return n == nullptr ? "" : n->Str(); }

class Differ {
 public:
  explicit Differ(const Schema& schema) : schema_(schema) {}

  Node DiffMaps(const Node& original, const Node& modified, Schema::TypeRef type, bool retain_keys,
                const std::string& path, int depth) {
    if (depth > 500) throw PatchError("two-way merge patch: " + path + ": document nested too deeply");
    Node patch = Node::Map();
    std::vector<std::string> retain;
    for (const yaml::Field& f : modified.fields) {
      const std::string& key = f.key.Str();
      const Node& mv = f.value;
      if (retain_keys && !mv.IsNull()) retain.push_back(key);
      const Node* ov = original.Get(key);
      std::string fpath = path.empty() ? key : path + "." + key;
      if (ov == nullptr || GoType(*ov) != GoType(mv)) {
        if (ov == nullptr || !JsonEq(*ov, mv)) patch.Set(key, mv);
        continue;
      }
      Meta m = FieldMeta(schema_, type, key);
      if (mv.IsMap()) {
        if (m.strategy == "replace") {
          patch.Set(key, mv);
        } else {
          Node sub = DiffMaps(*ov, mv, m.type, m.retain_keys, fpath, depth + 1);
          if (sub.size() > 0) patch.Set(key, std::move(sub));
        }
      } else if (mv.IsSeq()) {
        if (m.strategy == "merge") {
          DiffLists(key, *ov, mv, m, patch, fpath, depth + 1);
        } else if (!JsonEq(*ov, mv)) {
          patch.Set(key, mv);
        }
      } else if (!JsonEq(*ov, mv)) {
        patch.Set(key, mv);
      }
    }
    bool removed = false;
    for (const yaml::Field& f : original.fields) {
      if (!modified.Has(f.key.Str())) {
        patch.Set(f.key.Str(), Node::Null());
        removed = true;
      }
    }
    if (!retain.empty() && (patch.size() > 0 || removed)) {
      std::sort(retain.begin(), retain.end());
      Node list = Node::Seq();
      for (const std::string& k : retain) list.items.push_back(Node::String(k));
      patch.Set("$retainKeys", std::move(list));
    }
    return patch;
  }

 private:
  void DiffLists(const std::string& key, const Node& original, const Node& modified, const Meta& m, Node& patch,
                 const std::string& path, int depth) {
    bool maps = false, scalars = false;
    for (const auto* l : {&original, &modified})
      for (const Node& n : l->items) {
        if (n.IsSeq()) throw PatchError("two-way merge patch: " + path + ": lists of lists are not supported");
        (n.IsMap() ? maps : scalars) = true;
      }
    if (maps && scalars) throw PatchError("two-way merge patch: " + path + ": list mixes element types");
    Node add = Node::Seq();
    if (maps) {
      const std::string& mk = m.merge_key;
      if (mk.empty()) throw PatchError("two-way merge patch: " + path + ": list has no merge key");
      for (const auto* l : {&original, &modified})
        for (const Node& n : l->items)
          if (!n.Has(mk))
            throw PatchError("two-way merge patch: " + path + ": element has no merge key \"" + mk + "\"");
      auto find = [&](const Node& list, const Node& kv) -> const Node* {
        for (const Node& n : list.items)
          if (JsonEq(*n.Get(mk), kv)) return &n;
        return nullptr;
      };
      // Changes and additions in modified order.
      for (const Node& mod : modified.items) {
        const Node& kv = *mod.Get(mk);
        const Node* orig = find(original, kv);
        if (orig == nullptr) {
          add.items.push_back(mod);
          continue;
        }
        Node sub = DiffMaps(*orig, mod, m.type, m.retain_keys, path + "[" + mk + "=" + kv.Str() + "]", depth + 1);
        if (sub.size() > 0) {
          Node elem = Node::Map();
          elem.Set(mk, kv);
          for (yaml::Field& f : sub.fields) elem.Set(f.key.Str(), std::move(f.value));
          add.items.push_back(std::move(elem));
        }
      }
      // Deletions after them, sorted by key as apimachinery emits them.
      std::vector<const Node*> gone;
      for (const Node& orig : original.items)
        if (find(modified, *orig.Get(mk)) == nullptr) gone.push_back(&orig);
      std::stable_sort(gone.begin(), gone.end(),
                       [&](const Node* a, const Node* b) { return KeyString(a->Get(mk)) < KeyString(b->Get(mk)); });
      for (const Node* g : gone) {
        Node elem = Node::Map();
        elem.Set(mk, *g->Get(mk));
        elem.Set("$patch", Node::String("delete"));
        add.items.push_back(std::move(elem));
      }
      bool same_order = original.items.size() == modified.items.size();
      for (size_t i = 0; same_order && i < original.items.size(); ++i)
        same_order = JsonEq(*original.items[i].Get(mk), *modified.items[i].Get(mk));
      if (!add.items.empty()) patch.Set(key, add);
      if (!add.items.empty() || !same_order) {
        Node order = Node::Seq();
        for (const Node& mod : modified.items) {
          Node e = Node::Map();
          e.Set(mk, *mod.Get(mk));
          order.items.push_back(std::move(e));
        }
        patch.Set("$setElementOrder/" + key, std::move(order));
      }
      return;
    }
    auto contains = [](const Node& list, const Node& v) {
      return std::any_of(list.items.begin(), list.items.end(), [&](const Node& x) { return JsonEq(x, v); });
    };
    for (const Node& mod : modified.items)
      if (!contains(original, mod) && !contains(add, mod)) add.items.push_back(mod);
    std::vector<Node> gone;
    for (const Node& orig : original.items)
      if (!contains(modified, orig)) gone.push_back(orig);
    std::stable_sort(gone.begin(), gone.end(), [](const Node& a, const Node& b) { return a.Str() < b.Str(); });
    if (!add.items.empty()) patch.Set(key, add);
    if (!gone.empty()) {
      Node del = Node::Seq();
      del.items = std::move(gone);
      patch.Set("$deleteFromPrimitiveList/" + key, std::move(del));
    }
    bool equal = original.items.size() == modified.items.size();
    for (size_t i = 0; equal && i < original.items.size(); ++i) equal = JsonEq(original.items[i], modified.items[i]);
    if (!equal) patch.Set("$setElementOrder/" + key, modified);
  }

  const Schema& schema_;
};

}  // namespace

yaml::Node CreateTwoWayMergePatch(const yaml::Node& original, const yaml::Node& modified, const Schema& schema) {
  if (!original.IsMap() && !original.IsNull())
    throw PatchError("two-way merge patch: original is not a mapping");
  if (!modified.IsMap() && !modified.IsNull())
    throw PatchError("two-way merge patch: modified is not a mapping");
  const Node& obj = modified.IsMap() ? modified : original;
  Schema::TypeRef type = nullptr;
  std::string api = obj.StrAt({"apiVersion"}), kind = obj.StrAt({"kind"});
  if (!api.empty() && !kind.empty()) type = internal::TypeForOldVersions(schema, Gvk::FromApiVersion(api, kind));
  Differ d(schema);
  Node o = original.IsMap() ? original : Node::Map();
  Node m = modified.IsMap() ? modified : Node::Map();
  return d.DiffMaps(o, m, type, false, "", 0);
}

}  // namespace capstan::resource
