// Legacy vars: `$(NAME)` in var-reference fields becomes the value of a
// field of the object the var's objref names.
#include <algorithm>
#include <cctype>
#include <map>

#include "kustomize/fieldpath.h"
#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

// kustomize reads a Var through encoding/json, whose field names match
// case-insensitively (an exact match first): `fieldPath` and `fieldpath`
// are the same field.
const Node* GetFold(const Node* m, std::string_view key) {
  if (!m || !m->IsMap()) return nullptr;
  if (const Node* exact = m->Get(key)) return exact;
  for (const auto& f : m->fields) {
    const std::string& k = f.key.value;
    if (k.size() == key.size() &&
        std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return &f.value;
  }
  return nullptr;
}

std::string StrFold(const Node* m, std::string_view key) {
  const Node* n = GetFold(m, key);
  return n && n->IsScalar() ? n->value : std::string();
}

ResId ObjRefId(const Node& v) {
  Resource tmp;
  tmp.obj = Node::Map();
  const Node* ref = GetFold(&v, "objref");
  if (ref && ref->IsMap()) {
    if (const Node* a = GetFold(ref, "apiVersion")) {
      tmp.obj.Set("apiVersion", *a);
    } else {
      std::string g = StrFold(ref, "group"), v = StrFold(ref, "version");
      tmp.obj.Set("apiVersion", Str(g.empty() ? v : g + "/" + v));
    }
    if (const Node* k = GetFold(ref, "kind")) tmp.obj.Set("kind", *k);
    Node& md = tmp.obj.GetOrCreateMap("metadata");
    if (const Node* n = GetFold(ref, "name")) md.Set("name", *n);
    if (const Node* ns = GetFold(ref, "namespace")) md.Set("namespace", *ns);
  }
  return tmp.CurId();
}

// Expands $(VAR) like Kubernetes' expansion; $$ escapes. Whole-string
// references to non-string values keep their type.
Node Expand(const Node& in, const std::map<std::string, Node>& values) {
  const std::string& s = in.value;
  if (s.size() > 3 && s[0] == '$' && s[1] == '(' && s.back() == ')' &&
      s.find(')') == s.size() - 1) {
    auto it = values.find(s.substr(2, s.size() - 3));
    if (it != values.end() && it->second.IsScalar() && !it->second.IsString()) return it->second;
  }
  std::string out;
  bool changed = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char next = s[i + 1];
    if (next == '$') {
      out += '$';
      changed = true;
      ++i;
    } else if (next == '(') {
      size_t close = s.find(')', i + 2);
      if (close == std::string::npos) {
        out += "$(";
        ++i;
        continue;
      }
      std::string name = s.substr(i + 2, close - i - 2);
      auto it = values.find(name);
      if (it != values.end()) {
        out += it->second.IsScalar() ? it->second.value : std::string();
        changed = true;
      } else {
        out += "$(" + name + ")";
      }
      i = close;
    } else {
      out += '$';
      out += next;
      ++i;
    }
  }
  if (!changed) return in;
  Node n = in;
  n.value = out;
  n.tag = std::string(yaml::kStrTag);
  return n;
}

void ExpandNode(Node& n, const std::map<std::string, Node>& values) {
  if (n.IsString()) {
    n = Expand(n, values);
  } else if (n.IsMap()) {
    for (auto& f : n.fields)
      if (f.value.IsString()) f.value = Expand(f.value, values);
  } else if (n.IsSeq()) {
    for (auto& i : n.items)
      if (i.IsString()) i = Expand(i, values);
  }
}

}  // namespace

void BindVars(ResList& res, const Node& vars, const std::string& where) {
  for (const auto& v : vars.items) {
    ResId want = ObjRefId(v);
    std::vector<Resource*> matched;
    bool exact_ns = !want.ns.empty() || IsClusterScoped(want);
    for (auto& r : res) {
      for (const auto& id : r.AllIds()) {
        bool eq = id.gvk == want.gvk && id.name == want.name && (!exact_ns || NsEquals(id.ns, want.ns));
        if (eq) {
          matched.push_back(&r);
          break;
        }
      }
    }
    if (matched.size() > 1) {
      Fail(where + ": found " + std::to_string(matched.size()) + " resId matches for var " +
           v.StrAt({"name"}) + " (unable to disambiguate)");
    }
    if (matched.size() == 1) matched[0]->ref_var_names.push_back(v.StrAt({"name"}));
  }
}

void ResolveVars(ResList& res, const Node& vars, const FsSlice& fss) {
  if (vars.items.empty()) return;
  std::map<std::string, Node> values;
  for (const auto& v : vars.items) {
    std::string name = v.StrAt({"name"});
    std::string path = StrFold(GetFold(&v, "fieldref"), "fieldPath");
    if (path.empty()) path = "metadata.name";
    bool found = false;
    for (auto& r : res) {
      if (std::find(r.ref_var_names.begin(), r.ref_var_names.end(), name) == r.ref_var_names.end()) continue;
      auto hits = FindPath(r.obj, SplitDotPath(path));
      if (hits.empty()) {
        Fail("var '" + name + "': field " + path + " not found in " + IdString(r.CurId()));
      }
      values[name] = *hits[0];
      found = true;
      break;
    }
    if (!found) Fail("var '" + name + "' cannot be mapped to a field in the set of known resources");
  }
  Node leaf;
  FsSlice no_create = fss;
  for (auto& fs : no_create) fs.create = false;
  for (auto& r : res) ApplyFsSlice(r.obj, no_create, leaf, [&](Node& n) { ExpandNode(n, values); });
}

}  // namespace capstan::kustomize
