// Strategic merge patch as k8s.io/apimachinery/pkg/util/strategicpatch
// applies it on the API server (MergeParallelList and IgnoreUnmatchedNulls
// on, as for PATCH requests and kubectl patch/apply). Checked against
// `kubectl patch --local --type strategic`.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "resource/patch.h"
#include "resource/smp_internal.h"

namespace capstan::resource::internal {

namespace {

using yaml::Node;

constexpr std::string_view kDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetOrderPrefix = "$setElementOrder/";
constexpr std::string_view kDeletePrimPrefix = "$deleteFromPrimitiveList/";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }


// A value the patch adds (the original has no such field, or one of another
// type) is cleaned as apimachinery does: nulls dropped, and any mapping that
// carries a `$patch` directive dropped with its key or list slot. Returns
// false when `n` itself is such a mapping. (Elements appended to an existing
// merged list are not cleaned; kubectl patch keeps them verbatim.)
bool CleanAdded(Node& n) {
  if (n.IsMap()) {
    if (n.Has(kDirective)) return false;
    auto& fs = n.fields;
    fs.erase(std::remove_if(fs.begin(), fs.end(),
                            [](yaml::Field& f) { return f.value.IsNull() || !CleanAdded(f.value); }),
             fs.end());
  } else if (n.IsSeq()) {
    auto& is = n.items;
    is.erase(std::remove_if(is.begin(), is.end(), [](Node& i) { return !CleanAdded(i); }), is.end());
  }
  return true;
}

// Where the merge is, rendered only for error messages.
struct Path {
  const Path* parent = nullptr;
  std::string_view field;
  const std::string* elem_key = nullptr;  // list element [key=value]
  const Node* elem_value = nullptr;

  std::string Render() const {
    std::string s = parent ? parent->Render() : "";
    if (s == "<root>") s.clear();
    if (elem_key) {
      s += "[" + *elem_key + "=" + elem_value->Str() + "]";
    } else if (!field.empty()) {
      if (!s.empty()) s += ".";
      s += field;
    }
    return s.empty() ? "<root>" : s;
  }
};

// The value an element is identified by: its merge key, or itself.
const Node* KeyOf(const Node& n, const std::string& key) { return key.empty() ? &n : n.Get(key); }

std::vector<Node> KeysOf(const std::vector<Node>& list, const std::string& key) {
  std::vector<Node> out;
  out.reserve(list.size());
  for (const Node& n : list)
    if (const Node* k = KeyOf(n, key)) out.push_back(*k);
  return out;
}

class Merger {
 public:
  explicit Merger(const Schema& schema) : schema_(schema) {}

  [[noreturn]] void Fail(const Path& path, const std::string& what) const {
    throw PatchError("strategic merge patch: " + path.Render() + ": " + what);
  }

  // Returns the merged map. `original` may be null.
  Node MergeMap(Node original, Node patch, Schema::TypeRef type, const Path& path, int depth) {
    if (depth > 500) Fail(path, "document nested too deeply");
    if (const Node* d = patch.Get(kDirective)) {
      if (d->Str() == "replace") {
        patch.Remove(kDirective);
        return patch;
      }
      if (d->Str() == "delete") return Node::Map();
      Fail(path, "unknown $patch directive \"" + d->Str() + "\" for a mapping");
    }
    if (!original.IsMap()) original = Node::Map();

    // $retainKeys: drop every original field not listed.
    if (const Node* rk = patch.Get(kRetainKeys)) {
      if (!rk->IsSeq()) Fail(path, "$retainKeys is not a list");
      std::set<std::string> keep;
      for (const Node& k : rk->items) keep.insert(k.Str());
      auto& fs = original.fields;
      fs.erase(std::remove_if(fs.begin(), fs.end(), [&](const yaml::Field& f) { return !keep.count(f.key.Str()); }),
               fs.end());
      patch.Remove(kRetainKeys);
    }

    // $setElementOrder/<field> with the list it orders.
    std::vector<std::string> ordered;
    for (const yaml::Field& f : patch.fields)
      if (StartsWith(f.key.Str(), kSetOrderPrefix)) ordered.push_back(f.key.Str());
    for (const std::string& key : ordered) {
      std::string field = key.substr(kSetOrderPrefix.size());
      Node order = *patch.Get(key);
      patch.Remove(key);
      Path kpath{&path, key};
      Path fpath{&path, field};
      if (!order.IsSeq()) Fail(kpath, "is not a list");
      Meta m = FieldMeta(schema_, type, field);
      const Node* orig = original.Get(field);
      const Node* pl = patch.Get(field);
      if (orig && !orig->IsSeq()) orig = nullptr;
      if (pl && !pl->IsSeq()) Fail(fpath, "is not a list");
      Node merged;
      if (orig && !pl) {
        merged = *orig;
      } else if (!orig && pl) {
        merged = RemoveListDirectives(*pl);
      } else if (orig && pl) {
        merged = MergeListField(*orig, *pl, m, false, fpath, depth + 1);
      } else {
        continue;
      }
      std::vector<Node> server_keys = orig ? KeysOf(orig->items, m.merge_key) : std::vector<Node>{};
      merged.items = Normalize(std::move(merged.items), KeysOf(order.items, m.merge_key), server_keys, m.merge_key,
                               fpath);
      original.Set(field, std::move(merged));
      patch.Remove(field);
    }

    for (yaml::Field& f : patch.fields) {
      std::string k = f.key.Str();
      Node& pv = f.value;
      if (StartsWith(k, kSetOrderPrefix) || k == kRetainKeys) continue;
      bool delete_list = false;
      if (StartsWith(k, kDeletePrimPrefix)) {
        k = k.substr(kDeletePrimPrefix.size());
        delete_list = true;
        if (!original.Has(k)) continue;
      }
      Path fpath{&path, f.key.Str()};
      if (pv.IsNull()) {
        original.Remove(k);
        continue;
      }
      Node* ov = original.Get(k);
      if (ov == nullptr || GoType(*ov) != GoType(pv)) {
        if (!delete_list) {
          if (CleanAdded(pv)) {
            original.Set(k, std::move(pv));
          } else {
            original.Remove(k);
          }
        }
        continue;
      }
      Meta m = FieldMeta(schema_, type, k);
      if (ov->IsMap()) {
        if (m.strategy == "replace") {
          *ov = std::move(pv);
        } else {
          *ov = MergeMap(std::move(*ov), std::move(pv), m.type, fpath, depth + 1);
        }
      } else if (ov->IsSeq()) {
        *ov = MergeListField(std::move(*ov), std::move(pv), m, delete_list, fpath, depth + 1);
      } else {
        *ov = std::move(pv);
      }
    }
    return original;
  }

 private:
  Node MergeListField(Node original, Node patch, const Meta& m, bool delete_list, const Path& path, int depth) {
    if (m.strategy != "merge") return patch;
    original.items = MergeSlice(std::move(original.items), std::move(patch.items), m, delete_list, path, depth);
    return original;
  }

  static Node RemoveListDirectives(const Node& list) {
    Node out = list;
    out.items.clear();
    for (const Node& i : list.items) {
      if (i.IsMap() && i.Has(kDirective)) continue;
      out.items.push_back(i);
    }
    return out;
  }

  // Element kind shared by both lists: 1 map, 2 list, 5 scalar, 0 unknown.
  int ElementKind(const std::vector<Node>& a, const std::vector<Node>& b, const Path& path) {
    int kind = -1;
    for (const auto* l : {&a, &b})
      for (const Node& n : *l) {
        int k = n.IsMap() ? 1 : n.IsSeq() ? 2 : 5;
        if (kind >= 0 && kind != k) Fail(path, "list mixes element types");
        kind = k;
      }
    return kind < 0 ? 0 : kind;
  }

  std::vector<Node> MergeSlice(std::vector<Node> original, std::vector<Node> patch, const Meta& m, bool delete_list,
                               const Path& path, int depth) {
    if (original.empty() && patch.empty()) return original;
    int kind = ElementKind(original, patch, path);
    std::vector<Node> merged;
    if (kind != 1) {
      if (delete_list) {
        std::vector<Node> out;
        for (const Node& o : original) {
          bool drop = std::any_of(patch.begin(), patch.end(), [&](const Node& p) { return JsonEq(o, p); });
          if (!drop) out.push_back(o);
        }
        return out;
      }
      for (const auto* l : {&original, &patch})
        for (const Node& n : *l)
          if (std::none_of(merged.begin(), merged.end(), [&](const Node& x) { return JsonEq(x, n); }))
            merged.push_back(n);
      std::vector<Node> patch_items, server_only;
      for (const Node& n : merged) {
        bool in_patch = std::any_of(patch.begin(), patch.end(), [&](const Node& p) { return JsonEq(p, n); });
        (in_patch ? patch_items : server_only).push_back(n);
      }
      return NormalizeOrder(std::move(patch_items), std::move(server_only), patch, original, "", path);
    }
    const std::string& key = m.merge_key;
    if (key.empty()) Fail(path, "cannot merge lists without a merge key");
    // Special elements: $patch: delete / replace.
    std::vector<Node> plain;
    bool replace = false;
    for (const Node& p : patch) {
      const Node* d = p.Get(kDirective);
      if (d == nullptr) {
        plain.push_back(p);
        continue;
      }
      if (d->Str() == "delete") {
        const Node* kv = p.Get(key);
        if (kv == nullptr) Fail(path, "$patch: delete element has no merge key \"" + key + "\"");
        original.erase(std::remove_if(original.begin(), original.end(),
                                      [&](const Node& o) {
                                        const Node* ok = o.Get(key);
                                        return ok && JsonEq(*ok, *kv);
                                      }),
                       original.end());
      } else if (d->Str() == "replace") {
        replace = true;
      } else if (d->Str() == "merge") {
        Fail(path, "merging lists cannot yet be specified in the patch");
      } else {
        Fail(path, "unknown $patch directive \"" + d->Str() + "\"");
      }
    }
    if (replace) return plain;
    patch = plain;
    std::vector<Node> server_order = KeysOf(original, key);
    merged = std::move(original);
    for (const Node& p : patch) {
      const Node* kv = p.Get(key);
      if (kv == nullptr) Fail(path, "element has no merge key \"" + key + "\"");
      auto it = std::find_if(merged.begin(), merged.end(), [&](const Node& o) {
        const Node* ok = o.Get(key);
        return ok && JsonEq(*ok, *kv);
      });
      if (it != merged.end()) {
        Path epath{&path, {}, &key, kv};
        *it = MergeMap(std::move(*it), p, m.type, epath, depth + 1);
      } else {
        merged.push_back(p);
      }
    }
    std::vector<Node> patch_items, server_only;
    for (Node& n : merged) {
      const Node* kv = n.Get(key);
      bool in_patch = kv && std::any_of(patch.begin(), patch.end(), [&](const Node& p) {
                        const Node* pk = p.Get(key);
                        return pk && JsonEq(*pk, *kv);
                      });
      (in_patch ? patch_items : server_only).push_back(std::move(n));
    }
    return NormalizeOrder(std::move(patch_items), std::move(server_only), KeysOf(patch, key), server_order, key, path);
  }

  // Index of `v` in `order`, a list of identifying values (KeysOf).
  static int IndexIn(const std::vector<Node>& order, const Node& v, const std::string& key) {
    const Node* kv = KeyOf(v, key);
    if (kv == nullptr) return -1;
    for (size_t i = 0; i < order.size(); ++i)
      if (JsonEq(order[i], *kv)) return static_cast<int>(i);
    return -1;
  }

  // Stable sort by position in `order`; elements not in it keep their place
  // relative to each other (insertion sort with apimachinery's comparison).
  static std::vector<Node> SortBy(std::vector<Node> items, const std::vector<Node>& order, const std::string& key) {
    std::stable_sort(items.begin(), items.end(), [&](const Node& a, const Node& b) {
      int ia = IndexIn(order, a, key), ib = IndexIn(order, b, key);
      if (ia >= 0 && ib >= 0) return ia < ib;
      return false;
    });
    return items;
  }

  // Merges the sorted patch items and server-only items: a server-only item
  // goes before a patch item only when it comes first in the live list.
  static std::vector<Node> MergeSorted(std::vector<Node> left, std::vector<Node> right,
                                       const std::vector<Node>& server_order, const std::string& key) {
    std::vector<Node> out;
    out.reserve(left.size() + right.size());
    size_t i = 0, j = 0;
    while (i < left.size() || j < right.size()) {
      if (i >= left.size()) {
        out.push_back(std::move(right[j++]));
      } else if (j >= right.size()) {
        out.push_back(std::move(left[i++]));
      } else {
        int li = IndexIn(server_order, left[i], key), ri = IndexIn(server_order, right[j], key);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.push_back(std::move(left[i++]));
        } else {
          out.push_back(std::move(right[j++]));
        }
      }
    }
    return out;
  }

  // `patch_order` and `server_order` hold identifying values (KeysOf).
  std::vector<Node> NormalizeOrder(std::vector<Node> patch_items, std::vector<Node> server_only,
                                   const std::vector<Node>& patch_order, const std::vector<Node>& server_order,
                                   const std::string& key, const Path& path) {
    if (!key.empty()) {
      for (const auto* l : {&patch_items, &server_only})
        for (const Node& n : *l)
          if (!n.Get(key)) Fail(path, "element has no merge key \"" + key + "\"");
    }
    return MergeSorted(SortBy(std::move(server_only), server_order, key),
                       SortBy(std::move(patch_items), patch_order, key), server_order, key);
  }

  // Orders a merged list by a $setElementOrder list (given as KeysOf).
  std::vector<Node> Normalize(std::vector<Node> merged, const std::vector<Node>& order,
                              const std::vector<Node>& server_order, const std::string& key, const Path& path) {
    std::vector<Node> in_order, server_only;
    for (Node& n : merged) (IndexIn(order, n, key) >= 0 ? in_order : server_only).push_back(std::move(n));
    return NormalizeOrder(std::move(in_order), std::move(server_only), order, server_order, key, path);
  }

  const Schema& schema_;
};

}  // namespace

// kubectl's scheme still knows retired versions (apps/v1beta2 and
// extensions/v1beta1 Deployment, ...) and patches them like the current one.
Schema::TypeRef TypeForOldVersions(const Schema& schema, const Gvk& gvk) {
  if (Schema::TypeRef t = schema.TypeFor(gvk)) return t;
  std::string group = gvk.group;
  const std::string& k = gvk.kind;
  if (group == "extensions" || group == "apps") {
    if (k == "Deployment" || k == "DaemonSet" || k == "ReplicaSet" || k == "StatefulSet" ||
        k == "ControllerRevision")
      group = "apps";
    if (k == "NetworkPolicy" || k == "Ingress") group = "networking.k8s.io";
  }
  for (const char* v : {"v1", "v2"})
    if (Schema::TypeRef t = schema.TypeFor(Gvk{group, v, k})) return t;
  return nullptr;
}

yaml::Node ApiMachineryStrategicMerge(const yaml::Node& target, const yaml::Node& patch, const Schema& schema) {
  if (!patch.IsMap()) throw PatchError("strategic merge patch: patch is not a mapping");
  Schema::TypeRef type = nullptr;
  const yaml::Node& obj = target.IsMap() ? target : patch;
  std::string api = obj.StrAt({"apiVersion"}), kind = obj.StrAt({"kind"});
  if (!api.empty() && !kind.empty()) type = TypeForOldVersions(schema, Gvk::FromApiVersion(api, kind));
  Merger m(schema);
  return m.MergeMap(target, patch, type, Path{}, 0);
}

}  // namespace capstan::resource::internal
