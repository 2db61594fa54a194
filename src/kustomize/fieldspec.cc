// Field specs: which field of which kinds a transformer touches, and the
// walk that reaches those fields (kyaml's fsslice semantics: a path element
// that meets a sequence applies to every element; `create` makes missing
// mappings on the way and the leaf at the end).
#include <algorithm>

#include "kustomize/internal.h"

namespace capstan::kustomize {

std::vector<std::string> SplitFsPath(std::string_view path) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size() && path[i + 1] == '/') {
      cur += '/';
      ++i;
    } else if (c == '/') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

namespace {

struct Walker {
  const std::vector<std::string>& path;
  bool create;
  const Node& leaf;
  const NodeFn& fn;
  const std::string& spec_path;

  void Filter(Node& obj, size_t i) {
    if (i == path.size()) {
      fn(obj);
      return;
    }
    if (obj.IsNull()) return;
    if (obj.IsSeq()) {
      for (auto& item : obj.items) Filter(item, i);
      return;
    }
    if (obj.IsMap()) {
      Field(obj, i);
      return;
    }
    Fail("field path " + spec_path + ": expected sequence or mapping node at \"" + path[i] + "\"");
  }

  void Field(Node& obj, size_t i) {
    std::string name = path[i];
    bool is_seq = false;
    if (name.size() >= 2 && name.compare(name.size() - 2, 2, "[]") == 0) {
      name.resize(name.size() - 2);
      is_seq = true;
    }
    Node* f = obj.Get(name);
    if (!f) {
      if (!create || is_seq) return;
      f = &obj.Set(name, i + 1 == path.size() ? leaf : Node::Map());
    } else if (f->IsNull() && (create || is_seq)) {
      if (is_seq) {
        *f = Node::Seq();
      } else if (create) {
        *f = i + 1 == path.size() ? leaf : Node::Map();
      }
    }
    Filter(*f, i + 1);
  }
};

}  // namespace

void ApplyFieldSpec(Node& obj, const FieldSpec& fs, const Node& create_leaf, const NodeFn& fn) {
  auto path = SplitFsPath(fs.path);
  Walker w{path, fs.create, create_leaf, fn, fs.path};
  w.Filter(obj, 0);
}

void ApplyFsSlice(Node& obj, const FsSlice& fss, const Node& create_leaf, const NodeFn& fn) {
  Gvk have = Gvk::Of(obj);
  for (const auto& fs : fss) {
    if (GvkSelects(fs.gvk, have)) ApplyFieldSpec(obj, fs, create_leaf, fn);
  }
}

FieldSpec ParseFieldSpec(const Node& n, const std::string& source) {
  if (!n.IsMap()) Fail(source + ": field spec must be a mapping");
  FieldSpec fs;
  fs.gvk.group = n.StrAt({"group"});
  fs.gvk.version = n.StrAt({"version"});
  fs.gvk.kind = n.StrAt({"kind"});
  fs.path = n.StrAt({"path"});
  if (const Node* c = n.Get("create")) fs.create = c->AsBool(false) || c->value == "true";
  return fs;
}

FsSlice ParseFsSlice(const Node* seq, const std::string& source) {
  FsSlice out;
  if (!seq || seq->IsNull()) return out;
  if (!seq->IsSeq()) Fail(source + ": field specs must be a list");
  for (const auto& item : seq->items) out.push_back(ParseFieldSpec(item, source));
  return out;
}

static void MergeFs(FsSlice& into, const FsSlice& from) {
  for (const auto& fs : from) {
    if (std::find(into.begin(), into.end(), fs) == into.end()) into.push_back(fs);
  }
}

void TransformerConfig::Merge(const TransformerConfig& o) {
  MergeFs(name_prefix, o.name_prefix);
  MergeFs(name_suffix, o.name_suffix);
  MergeFs(name_space, o.name_space);
  MergeFs(common_labels, o.common_labels);
  MergeFs(template_labels, o.template_labels);
  MergeFs(common_annotations, o.common_annotations);
  MergeFs(images, o.images);
  MergeFs(replicas, o.replicas);
  MergeFs(var_reference, o.var_reference);
  MergeFs(labels, o.labels);
  for (const auto& e : o.name_reference) {
    auto it = std::find_if(name_reference.begin(), name_reference.end(),
                           [&](const NameRefEntry& x) { return x.gvk == e.gvk; });
    if (it == name_reference.end()) {
      name_reference.push_back(e);
    } else {
      MergeFs(it->referrers, e.referrers);
    }
  }
}

TransformerConfig ParseConfig(const Node& doc, const std::string& source) {
  TransformerConfig c;
  if (doc.IsNull()) return c;
  if (!doc.IsMap()) Fail(source + ": transformer configuration must be a mapping");
  c.name_prefix = ParseFsSlice(doc.Get("namePrefix"), source);
  c.name_suffix = ParseFsSlice(doc.Get("nameSuffix"), source);
  c.name_space = ParseFsSlice(doc.Get("namespace"), source);
  c.common_labels = ParseFsSlice(doc.Get("commonLabels"), source);
  c.template_labels = ParseFsSlice(doc.Get("templateLabels"), source);
  c.common_annotations = ParseFsSlice(doc.Get("commonAnnotations"), source);
  c.images = ParseFsSlice(doc.Get("images"), source);
  c.replicas = ParseFsSlice(doc.Get("replicas"), source);
  c.var_reference = ParseFsSlice(doc.Get("varReference"), source);
  c.labels = ParseFsSlice(doc.Get("labels"), source);
  if (const Node* nr = doc.Get("nameReference"); nr && nr->IsSeq()) {
    for (const auto& e : nr->items) {
      NameRefEntry entry;
      entry.gvk.group = e.StrAt({"group"});
      entry.gvk.version = e.StrAt({"version"});
      entry.gvk.kind = e.StrAt({"kind"});
      entry.referrers = ParseFsSlice(e.Get("fieldSpecs"), source);
      c.name_reference.push_back(std::move(entry));
    }
  }
  return c;
}

}  // namespace capstan::kustomize
