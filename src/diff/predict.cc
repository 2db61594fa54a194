#include "diff/predict.h"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "diff/value.h"

namespace capstan::diff {

using yaml::Node;

// ---------------------------------------------------------------------------
// Strategic merge (known kinds)

namespace {

Node RemoveFields(const Node& config, const Node& live);

struct Strategic {
  const Gvk& gvk;
  // StatefulSet workaround: live claim templates cut back to orig's keys; the
  // patch is computed against them, but applied to the real live list.
  const Node* claim_templates_cut = nullptr;
  std::vector<std::string_view> path;

  // All merge in place into `live`, which starts as the live object.
  void MergeMap(const Node* orig, const Node& config, Node& live);
  void MergeField(const Node* orig, const Node& cv, Node& result, std::string_view key);
  void MergeKeyedList(const Node* orig, const Node& config, Node& live, const std::string& key);
};

bool AllMapsWithKey(const Node& list, const std::string& key) {
  for (const auto& item : list.items)
    if (!item.IsMap() || !item.Get(key)) return false;
  return true;
}

bool AllScalars(const Node& list) {
  for (const auto& item : list.items)
    if (item.IsMap() || item.IsSeq()) return false;
  return true;
}

void MergeScalarList(const Node* orig, const Node& config, Node& result) {
  std::unordered_set<std::string> present, wanted;
  for (const auto& item : result.items) present.insert(ScalarKey(item));
  for (const auto& item : config.items) {
    std::string k = ScalarKey(item);
    wanted.insert(k);
    if (present.insert(k).second) result.items.push_back(item);
  }
  if (IsArray(orig)) {
    std::unordered_set<std::string> drop;
    for (const auto& item : orig->items) {
      std::string k = ScalarKey(item);
      if (!wanted.count(k)) drop.insert(k);
    }
    if (!drop.empty()) {
      std::vector<Node> kept;
      for (auto& item : result.items)
        if (!drop.count(ScalarKey(item))) kept.push_back(std::move(item));
      result.items = std::move(kept);
    }
  }
}

void Strategic::MergeKeyedList(const Node* orig, const Node& config, Node& result,
                               const std::string& key) {
  std::unordered_set<std::string> wanted;
  size_t pos = 0;
  for (const auto& c : config.items) {
    std::string k = ScalarKey(*c.Get(key));
    wanted.insert(k);
    size_t found = result.items.size();
    for (size_t j = 0; j < result.items.size(); ++j) {
      const Node* lk = Field(&result.items[j], key);
      if (lk && ScalarKey(*lk) == k) {
        found = j;
        break;
      }
    }
    if (found == result.items.size()) {
      result.items.insert(result.items.begin() + static_cast<long>(pos), StripNulls(c));
      ++pos;
      continue;
    }
    const Node* o = nullptr;
    if (IsArray(orig)) {
      for (const auto& oi : orig->items) {
        const Node* ok = Field(&oi, key);
        if (ok && ScalarKey(*ok) == k) {
          o = &oi;
          break;
        }
      }
    }
    MergeMap(o, c, result.items[found]);
    pos = found + 1;
  }
  if (IsArray(orig)) {
    std::unordered_set<std::string> drop;
    for (const auto& oi : orig->items) {
      const Node* ok = Field(&oi, key);
      if (ok && !wanted.count(ScalarKey(*ok))) drop.insert(ScalarKey(*ok));
    }
    if (!drop.empty()) {
      std::vector<Node> kept;
      for (auto& item : result.items) {
        const Node* lk = Field(&item, key);
        if (!lk || !drop.count(ScalarKey(*lk))) kept.push_back(std::move(item));
      }
      result.items = std::move(kept);
    }
  }
}

void Strategic::MergeField(const Node* orig, const Node& cv, Node& result, std::string_view key) {
  Node* lv = result.Get(key);
  JType ct = TypeOf(cv);
  if (!lv) {
    // Added by config; explicit nulls of the patch match nothing.
    if (ct != JType::kNull) result.Set(key, StripNulls(cv));
    return;
  }
  JType lt = TypeOf(*lv);
  if (ct != lt) {
    if (ct == JType::kNull)
      result.Remove(key);
    else
      *lv = StripNulls(cv);
    return;
  }
  if (ct == JType::kObject) {
    path.push_back(key);
    MergeMap(IsObject(orig) ? orig : nullptr, cv, *lv);
    path.pop_back();
    return;
  }
  if (ct == JType::kArray) {
    path.push_back(key);
    ListMeta meta = ListMetaFor(gvk, path);
    const Node* compare = lv;
    if (claim_templates_cut && path.size() == 2 && path[0] == "spec" && path[1] == "volumeClaimTemplates")
      compare = claim_templates_cut;
    if (meta.merge && !meta.merge_key.empty() && AllMapsWithKey(cv, meta.merge_key) &&
        AllMapsWithKey(*lv, meta.merge_key)) {
      MergeKeyedList(IsArray(orig) ? orig : nullptr, cv, *lv, meta.merge_key);
    } else if (meta.merge && meta.merge_key.empty() && AllScalars(cv) && AllScalars(*lv)) {
      MergeScalarList(IsArray(orig) ? orig : nullptr, cv, *lv);
    } else if (!JsonEqual(cv, *compare)) {
      *lv = cv;
    }
    path.pop_back();
    return;
  }
  if (!JsonEqual(cv, *lv)) *lv = cv;
}

void Strategic::MergeMap(const Node* orig, const Node& config, Node& result) {
  for (const auto& f : config.fields) {
    const std::string& key = f.key.value;
    MergeField(Field(orig, key), f.value, result, key);
  }
  if (IsObject(orig)) {
    for (const auto& f : orig->fields)
      if (!config.Get(f.key.value)) result.Remove(f.key.value);
  }
}

}  // namespace

Node PredictStrategic(const Node* orig, const Node& config, const Node& live, const Gvk& gvk) {
  Strategic s{gvk, nullptr, {}};
  Node cut;
  if ((gvk.group == "apps" || gvk.group == "extensions") && gvk.kind == "StatefulSet" && orig) {
    const Node* ot = orig->At({"spec", "volumeClaimTemplates"});
    const Node* lt = live.At({"spec", "volumeClaimTemplates"});
    if (IsArray(ot) && IsArray(lt)) {
      cut = RemoveFields(*ot, *lt);
      s.claim_templates_cut = &cut;
    }
  }
  if (!config.IsMap() || !live.IsMap()) return StripNulls(config);
  Node result = live;
  s.MergeMap(orig && orig->IsMap() ? orig : nullptr, config, result);
  return result;
}

// ---------------------------------------------------------------------------
// JSON merge (unknown kinds)

namespace {

Node RemoveFields(const Node& config, const Node& live) {
  if (config.IsMap() && live.IsMap()) return RemoveMapFields(config, live);
  if (config.IsSeq() && live.IsSeq()) {
    Node out = Node::Seq();
    for (size_t i = 0; i < live.items.size(); ++i) {
      if (i < config.items.size() && !IsNullish(&live.items[i]))
        out.items.push_back(RemoveFields(config.items[i], live.items[i]));
      else
        out.items.push_back(live.items[i]);
    }
    return out;
  }
  return live;
}

// keepOrDeleteNullInObj(keepNull=false) for one added value.
bool FilterAdded(const Node& v, Node* out) {
  if (v.IsMap()) {
    if (v.fields.empty()) {
      *out = v;
      return true;
    }
    Node m = Node::Map();
    for (const auto& f : v.fields) {
      Node sub;
      if (TypeOf(f.value) != JType::kNull && FilterAdded(f.value, &sub)) m.fields.push_back({f.key, sub});
    }
    if (m.fields.empty()) return false;
    *out = std::move(m);
    return true;
  }
  if (TypeOf(v) == JType::kNull) return false;
  *out = v;
  return true;
}

// Changes and additions from `current` to `modified`, nulls dropped.
Node AddAndChange(const Node& current, const Node& modified) {
  Node patch = Node::Map();
  for (const auto& f : modified.fields) {
    const Node* cv = current.Get(f.key.value);
    const Node& mv = f.value;
    Node filtered;
    if (!cv) {
      if (FilterAdded(mv, &filtered)) patch.fields.push_back({f.key, filtered});
    } else if (cv->IsMap() && mv.IsMap()) {
      Node sub = AddAndChange(*cv, mv);
      if (!sub.fields.empty()) patch.fields.push_back({f.key, sub});
    } else if (!JsonEqual(*cv, mv)) {
      if (FilterAdded(mv, &filtered)) patch.fields.push_back({f.key, filtered});
    }
  }
  return patch;
}

// Deletions from `original` to `modified`: a null for every removed key.
Node Deletions(const Node& original, const Node& modified) {
  Node patch = Node::Map();
  for (const auto& f : original.fields) {
    const Node* mv = modified.Get(f.key.value);
    if (!mv) {
      patch.fields.push_back({f.key, Node::Null()});
    } else if (f.value.IsMap() && mv->IsMap()) {
      Node sub = Deletions(f.value, *mv);
      if (!sub.fields.empty()) patch.fields.push_back({f.key, sub});
    } else if (TypeOf(*mv) == JType::kNull && TypeOf(f.value) != JType::kNull) {
      patch.fields.push_back({f.key, Node::Null()});
    }
  }
  return patch;
}

}  // namespace

Node RemoveMapFields(const Node& config, const Node& live) {
  Node out = Node::Map();
  if (!config.IsMap() || !live.IsMap()) return out;
  for (const auto& f : config.fields) {
    const Node* lv = live.Get(f.key.value);
    if (!lv) continue;
    out.fields.push_back({f.key, IsNullish(lv) ? *lv : RemoveFields(f.value, *lv)});
  }
  return out;
}

Node ApplyMergePatch(const Node& target, const Node& patch) {
  if (!patch.IsMap()) return patch;
  Node result = target.IsMap() ? target : Node::Map();
  for (const auto& f : patch.fields) {
    if (TypeOf(f.value) == JType::kNull) {
      result.Remove(f.key.value);
      continue;
    }
    Node* cur = result.Get(f.key.value);
    if (cur)
      *cur = ApplyMergePatch(*cur, f.value);
    else
      result.Set(f.key.value, ApplyMergePatch(Node::Null(), f.value));
  }
  return result;
}

Node PredictJsonMerge(const Node& orig, const Node& config, const Node& live) {
  if (!config.IsMap() || !live.IsMap()) return config;
  Node cut = RemoveMapFields(orig, live);
  Node patch = orig.IsMap() ? Deletions(orig, config) : Node::Map();
  Node add = AddAndChange(cut, config);
  // MergePatch(deletePatch, addAndChangePatch): keep the deletion nulls.
  for (auto& f : add.fields) {
    Node* d = patch.Get(f.key.value);
    if (d && d->IsMap() && f.value.IsMap()) {
      *d = ApplyMergePatch(*d, f.value);
    } else {
      patch.Set(f.key.value, f.value);
    }
  }
  return ApplyMergePatch(live, patch);
}

}  // namespace capstan::diff
