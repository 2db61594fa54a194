#include "cluster/server_side_apply.h"

#include <algorithm>
#include <map>

#include "yaml/yaml.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

bool AllMaps(const Node& seq) {
  if (seq.items.empty()) return false;
  for (const auto& i : seq.items)
    if (!i.IsMap()) return false;
  return true;
}

using TypeRef = resource::Schema::TypeRef;

// The keys of a list field from the schema (x-kubernetes-list-type: map and
// its x-kubernetes-list-map-keys); empty = atomic. A list the schema calls a
// map whose items are not all maps holding every key is atomic too (the
// apiserver rejects it; here it must not crash), except that a missing
// `protocol` counts as TCP, the apiserver's default for ports.
std::vector<std::string> ListMapKeys(const resource::Schema& schema, TypeRef parent, const std::string& field,
                                     const Node& seq) {
  const resource::ListMeta* meta = schema.FieldListMeta(parent, field);
  if (!meta || meta->list_type != "map" || meta->map_keys.empty()) return {};
  if (!seq.IsSeq() || !AllMaps(seq)) return {};
  for (const auto& item : seq.items)
    for (const auto& k : meta->map_keys)
      if (!item.Has(k) && k != "protocol") return {};
  return meta->map_keys;
}

TypeRef TypeOf(const resource::Schema& schema, const Node& obj) {
  return schema.TypeFor(resource::Gvk::FromApiVersion(obj.StrAt({"apiVersion"}), obj.StrAt({"kind"})));
}

// metadata is ObjectMeta in every kind, also where a CRD's schema leaves it
// a bare `type: object` (ownerReferences keyed by uid, ...).
TypeRef MetadataType(const resource::Schema& schema, TypeRef type) {
  if (TypeRef t = schema.FieldType(type, "metadata"); t && schema.FieldListMeta(t, "ownerReferences")) return t;
  return schema.FieldType(schema.TypeFor({"", "v1", "ConfigMap"}), "metadata");
}

Node KeyValue(const Node& item, const std::string& k) {
  const Node* v = item.Get(k);
  if (!v && k == "protocol") return Node::String("TCP");
  return v ? *v : Node::Null();
}

std::string ItemKey(const Node& item, const std::vector<std::string>& keys) {
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  Node m = Node::Map();
  for (const auto& k : sorted) m.Set(k, KeyValue(item, k));
  return "k:" + yaml::EmitJson(m);
}

bool ItemMatches(const Node& item, const Node& key) {
  if (!item.IsMap() || !key.IsMap()) return false;
  for (const auto& f : key.fields) {
    Node v = KeyValue(item, f.key.Str());
    if (v.Str() != f.value.Str()) return false;
  }
  return true;
}

const std::set<std::string> kSystemMetadata = {
    "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
    "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    "generateName"};

// `n` is field `field` of an object of type `parent` (nullptr: unknown).
void Walk(const resource::Schema& schema, TypeRef parent, const Node& n, const std::string& field,
          FieldPath& path, FieldSet& out) {
  TypeRef type = schema.FieldType(parent, field);
  if (n.IsMap() && !n.fields.empty()) {
    for (const auto& f : n.fields) {
      path.push_back("f:" + f.key.Str());
      Walk(schema, type, f.value, f.key.Str(), path, out);
      path.pop_back();
    }
    return;
  }
  if (n.IsSeq()) {
    auto keys = ListMapKeys(schema, parent, field, n);
    if (!keys.empty()) {
      for (const auto& item : n.items) {
        path.push_back(ItemKey(item, keys));
        path.push_back(".");
        out.insert(path);
        path.pop_back();
        for (const auto& f : item.fields) {
          path.push_back("f:" + f.key.Str());
          Walk(schema, type, f.value, f.key.Str(), path, out);
          path.pop_back();
        }
        path.pop_back();
      }
      return;
    }
  }
  out.insert(path);
}

Node* FindItem(Node& seq, const std::string& pe) {
  if (!seq.IsSeq()) return nullptr;
  if (pe.rfind("k:", 0) == 0) {
    Node key;
    try {
      key = yaml::ParseJson(pe.substr(2));
    } catch (const std::exception&) {
      return nullptr;
    }
    for (auto& i : seq.items)
      if (ItemMatches(i, key)) return &i;
  } else if (pe.rfind("i:", 0) == 0) {
    size_t idx = std::strtoul(pe.c_str() + 2, nullptr, 10);
    if (idx < seq.items.size()) return &seq.items[idx];
  }
  return nullptr;
}

}  // namespace

FieldSet FieldsOf(const Node& obj, bool with_status, const resource::Schema& schema) {
  FieldSet out;
  if (!obj.IsMap()) return out;
  TypeRef type = TypeOf(schema, obj);
  TypeRef metadata_type = MetadataType(schema, type);
  FieldPath path;
  for (const auto& f : obj.fields) {
    const std::string& k = f.key.Str();
    if (k == "apiVersion" || k == "kind") continue;
    if (k == "status" && !with_status) continue;
    if (k == "metadata") {
      if (!f.value.IsMap()) continue;
      for (const auto& m : f.value.fields) {
        if (kSystemMetadata.count(m.key.Str())) continue;
        path = {"f:metadata", "f:" + m.key.Str()};
        Walk(schema, metadata_type, m.value, m.key.Str(), path, out);
      }
      continue;
    }
    path = {"f:" + k};
    Walk(schema, type, f.value, k, path, out);
  }
  return out;
}

Node ToFieldsV1(const FieldSet& s) {
  Node root = Node::Map();
  for (const auto& p : s) {
    Node* cur = &root;
    for (const auto& pe : p) cur = &cur->GetOrCreateMap(pe);
  }
  return root;
}

static void FromV1(const Node& n, FieldPath& path, FieldSet& out) {
  if (!n.IsMap() || n.fields.empty()) {
    if (!path.empty()) out.insert(path);
    return;
  }
  for (const auto& f : n.fields) {
    path.push_back(f.key.Str());
    FromV1(f.value, path, out);
    path.pop_back();
  }
}

FieldSet FromFieldsV1(const Node& fields) {
  FieldSet out;
  FieldPath path;
  FromV1(fields, path, out);
  return out;
}

const Node* Lookup(const Node& obj, const FieldPath& path) {
  const Node* cur = &obj;
  for (const auto& pe : path) {
    if (!cur) return nullptr;
    if (pe == ".") continue;
    if (pe.rfind("f:", 0) == 0) {
      cur = cur->Get(pe.substr(2));
    } else {
      cur = FindItem(const_cast<Node&>(*cur), pe);
    }
  }
  return cur;
}

void RemovePath(Node& obj, const FieldPath& path) {
  if (path.empty()) return;
  FieldPath parent(path.begin(), path.end() - 1);
  std::string last = path.back();
  if (last == ".") {
    // Remove the list item itself.
    if (parent.empty()) return;
    FieldPath list_path(parent.begin(), parent.end() - 1);
    Node* list = const_cast<Node*>(Lookup(obj, list_path));
    Node* item = list ? FindItem(*list, parent.back()) : nullptr;
    if (!item) return;
    list->items.erase(list->items.begin() + (item - list->items.data()));
    return;
  }
  Node* p = const_cast<Node*>(Lookup(obj, parent));
  if (!p) return;
  if (last.rfind("f:", 0) == 0) {
    p->Remove(last.substr(2));
  } else if (Node* item = FindItem(*p, last)) {
    p->items.erase(p->items.begin() + (item - p->items.data()));
  }
}

namespace {

// `config` is field `field` of an object of type `parent` ("" and nullptr
// for the top level, whose type is `self`).
void Merge(const resource::Schema& schema, TypeRef parent, TypeRef self, Node& live, const Node& config,
           const std::string& field, bool top = false) {
  if (live.IsMap() && config.IsMap()) {
    for (const auto& f : config.fields) {
      Node* l = live.Get(f.key.Str());
      TypeRef child = top && f.key.Str() == "metadata" ? MetadataType(schema, self) : schema.FieldType(self, f.key.Str());
      if (l && !f.value.IsNull())
        Merge(schema, self, child, *l, f.value, f.key.Str());
      else
        live.Set(f.key.Str(), f.value);
    }
    return;
  }
  if (live.IsSeq() && config.IsSeq()) {
    auto keys = ListMapKeys(schema, parent, field, config);
    if (!keys.empty() && (live.items.empty() || AllMaps(live))) {
      for (const auto& item : config.items) {
        Node key;
        try {
          key = yaml::ParseJson(ItemKey(item, keys).substr(2));
        } catch (const std::exception&) {
        }
        Node* found = nullptr;
        for (auto& i : live.items)
          if (ItemMatches(i, key)) {
            found = &i;
            break;
          }
        if (found)
          Merge(schema, parent, self, *found, item, "");
        else
          live.items.push_back(item);
      }
      return;
    }
  }
  live = config;
}

}  // namespace

void MergeApplied(Node& live, const Node& config, const resource::Schema& schema) {
  Merge(schema, nullptr, TypeOf(schema, config), live, config, "", /*top=*/true);
}

std::string PathString(const FieldPath& p) {
  std::string out;
  for (const auto& pe : p) {
    if (pe == ".") continue;
    if (pe.rfind("f:", 0) == 0) {
      out += "." + pe.substr(2);
    } else if (pe.rfind("k:", 0) == 0) {
      Node key;
      try {
        key = yaml::ParseJson(pe.substr(2));
      } catch (const std::exception&) {
      }
      out += "[";
      for (size_t i = 0; i < key.fields.size(); ++i) {
        if (i) out += ",";
        out += key.fields[i].key.Str() + "=" + yaml::EmitJson(key.fields[i].value);
      }
      out += "]";
    } else {
      out += "[" + pe + "]";
    }
  }
  return out;
}

namespace {

struct Entry {
  Node raw;
  std::string manager, operation, subresource;
  FieldSet fields;
};

std::vector<Entry> ReadEntries(const Node& obj) {
  std::vector<Entry> out;
  const Node* mf = obj.At({"metadata", "managedFields"});
  if (!mf || !mf->IsSeq()) return out;
  for (const auto& e : mf->items) {
    Entry en;
    en.raw = e;
    en.manager = e.StrAt({"manager"});
    en.operation = e.StrAt({"operation"});
    en.subresource = e.StrAt({"subresource"});
    if (const Node* f = e.Get("fieldsV1")) en.fields = FromFieldsV1(*f);
    out.push_back(std::move(en));
  }
  return out;
}

void WriteEntries(Node& obj, std::vector<Entry>& entries) {
  Node seq = Node::Seq();
  for (auto& e : entries) {
    if (e.fields.empty()) continue;
    e.raw.Set("fieldsType", Node::String("FieldsV1"));
    e.raw.Set("fieldsV1", ToFieldsV1(e.fields));
    seq.items.push_back(e.raw);
  }
  Node& md = obj.GetOrCreateMap("metadata");
  if (seq.items.empty())
    md.Remove("managedFields");
  else
    md.Set("managedFields", seq);
}

Node NewEntry(const std::string& manager, const std::string& op, const std::string& api_version,
              const std::string& now, const std::string& subresource) {
  Node e = Node::Map();
  e.Set("manager", Node::String(manager));
  e.Set("operation", Node::String(op));
  e.Set("apiVersion", Node::String(api_version));
  e.Set("time", Node::String(now));
  e.Set("fieldsType", Node::String("FieldsV1"));
  e.Set("fieldsV1", Node::Map());
  if (!subresource.empty()) e.Set("subresource", Node::String(subresource));
  return e;
}

}  // namespace

ApplyResult ServerSideApply(const Node& live, const Node& config, const std::string& manager,
                            bool force, const std::string& now, const resource::Schema& schema) {
  ApplyResult res;
  FieldSet cfg = FieldsOf(config, false, schema);
  std::string api_version = config.StrAt({"apiVersion"});
  if (live.IsNull()) {
    res.object = config;
    std::vector<Entry> entries(1);
    entries[0].raw = NewEntry(manager, "Apply", api_version, now, "");
    entries[0].fields = cfg;
    WriteEntries(res.object, entries);
    return res;
  }
  std::vector<Entry> entries = ReadEntries(live);
  std::set<FieldPath> taken;
  for (auto& e : entries) {
    if (e.manager == manager && e.operation == "Apply") continue;
    for (const auto& p : cfg) {
      if (!e.fields.count(p) || p.back() == ".") continue;
      const Node* a = Lookup(live, p);
      const Node* b = Lookup(config, p);
      if (a && b && *a != *b) {
        res.conflicts.push_back({e.manager, e.raw.StrAt({"apiVersion"}), PathString(p)});
        taken.insert(p);
      }
    }
  }
  if (!res.conflicts.empty() && !force) return res;
  res.conflicts.clear();
  FieldSet prior;
  Entry* mine = nullptr;
  for (auto& e : entries)
    if (e.manager == manager && e.operation == "Apply") {
      mine = &e;
      prior = e.fields;
    }
  Node obj = live;
  // Drop what this manager applied before, no longer applies, and nobody
  // else owns. Deepest paths first so items go after their fields.
  std::vector<FieldPath> removals;
  for (const auto& p : prior) {
    if (cfg.count(p)) continue;
    bool other = false;
    for (const auto& e : entries)
      if (&e != mine && e.fields.count(p)) other = true;
    if (!other) removals.push_back(p);
  }
  std::sort(removals.begin(), removals.end(),
            [](const FieldPath& a, const FieldPath& b) { return a.size() > b.size(); });
  for (const auto& p : removals) RemovePath(obj, p);
  MergeApplied(obj, config, schema);
  for (auto& e : entries)
    if (&e != mine)
      for (const auto& p : taken) e.fields.erase(p);
  if (mine) {
    mine->fields = cfg;
    mine->raw.Set("time", Node::String(now));
    mine->raw.Set("apiVersion", Node::String(api_version));
  } else {
    Entry e;
    e.raw = NewEntry(manager, "Apply", api_version, now, "");
    e.manager = manager;
    e.operation = "Apply";
    e.fields = cfg;
    entries.push_back(e);
  }
  WriteEntries(obj, entries);
  res.object = std::move(obj);
  return res;
}

void TrackUpdate(const Node& old, Node& obj, const std::string& manager,
                 const std::string& subresource, const std::string& now, const resource::Schema& schema) {
  const Node* old_mf = old.At({"metadata", "managedFields"});
  const Node* new_mf = obj.At({"metadata", "managedFields"});
  if (new_mf && (!old_mf || *new_mf != *old_mf)) return;  // the client set them explicitly
  if (!new_mf && old_mf) obj.GetOrCreateMap("metadata").Set("managedFields", *old_mf);
  bool status = subresource == "status";
  FieldSet nf = FieldsOf(obj, status, schema), of;
  if (!old.IsNull()) of = FieldsOf(old, status, schema);
  FieldSet changed, removed;
  for (const auto& p : nf) {
    if (p.back() == ".") {
      if (!of.count(p)) changed.insert(p);
      continue;
    }
    const Node* a = old.IsNull() ? nullptr : Lookup(old, p);
    const Node* b = Lookup(obj, p);
    if (!a || !b || *a != *b) changed.insert(p);
  }
  for (const auto& p : of)
    if (!nf.count(p)) removed.insert(p);
  if (status) {
    // Only status paths are this write's business.
    for (auto it = changed.begin(); it != changed.end();)
      it = (*it)[0] == "f:status" ? std::next(it) : changed.erase(it);
  }
  if (changed.empty() && removed.empty()) return;
  std::vector<Entry> entries = ReadEntries(obj);
  Entry* mine = nullptr;
  for (auto& e : entries) {
    if (e.manager == manager && e.operation == "Update" && e.subresource == subresource) {
      mine = &e;
      continue;
    }
    for (const auto& p : changed) e.fields.erase(p);
    for (const auto& p : removed) e.fields.erase(p);
  }
  if (!mine) {
    Entry e;
    e.raw = NewEntry(manager, "Update", obj.StrAt({"apiVersion"}), now, subresource);
    e.manager = manager;
    e.operation = "Update";
    e.subresource = subresource;
    entries.push_back(e);
    mine = &entries.back();
  }
  for (const auto& p : removed) mine->fields.erase(p);
  mine->fields.insert(changed.begin(), changed.end());
  mine->raw.Set("time", Node::String(now));
  WriteEntries(obj, entries);
}

}  // namespace capstan::cluster
