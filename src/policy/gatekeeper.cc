#include "policy/gatekeeper.h"

#include <stdexcept>

#include "policy/builtins.h"
#include "resource/resource.h"

namespace capstan::policy {

namespace {

[[noreturn]] void Bad(const std::string& file, const std::string& what) {
  throw std::runtime_error(file + ": " + what);
}

std::string Str(const yaml::Node* n) { return n && n->IsScalar() ? n->value : ""; }

bool Glob(const std::string& pattern, const std::string& s) {
  if (pattern.size() > 1 && pattern.back() == '*' && pattern.front() != '*') {
    return s.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  if (pattern.size() > 1 && pattern.front() == '*' && pattern.back() != '*') {
    std::string suf = pattern.substr(1);
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  }
  if (pattern == "*") return true;
  return pattern == s;
}

bool AnyGlob(const Value* list, const std::string& s) {
  if (!list) return false;
  for (const Value& p : list->Items()) {
    if (p.IsString() && Glob(p.S(), s)) return true;
  }
  return false;
}

const Value* Get(const Value& v, std::initializer_list<const char*> path) {
  const Value* cur = &v;
  for (const char* p : path) {
    cur = cur->Find(std::string_view(p));
    if (!cur) return nullptr;
  }
  return cur;
}

std::string GetStr(const Value& v, std::initializer_list<const char*> path) {
  const Value* x = Get(v, path);
  return x && x->IsString() ? x->S() : "";
}

bool SelectorMatches(const Value& sel, const Value* labels) {
  if (const Value* ml = sel.Find("matchLabels")) {
    for (const auto& [k, v] : ml->Fields()) {
      const Value* have = labels ? labels->Find(k) : nullptr;
      if (!have || *have != v) return false;
    }
  }
  if (const Value* exprs = sel.Find("matchExpressions")) {
    for (const Value& e : exprs->Items()) {
      std::string key = GetStr(e, {"key"}), op = GetStr(e, {"operator"});
      const Value* have = labels ? labels->Find(key) : nullptr;
      const Value* values = e.Find("values");
      bool in = false;
      if (have && values) {
        for (const Value& x : values->Items()) in = in || x == *have;
      }
      if (op == "In" && !in) return false;
      if (op == "NotIn" && in) return false;
      if (op == "Exists" && !have) return false;
      if (op == "DoesNotExist" && have) return false;
    }
  }
  return true;
}

}  // namespace

Template LoadTemplate(const yaml::Node& doc, const std::string& file, Limits limits) {
  if (doc.StrAt({"kind"}) != "ConstraintTemplate") Bad(file, "kind: expected ConstraintTemplate, got \"" + doc.StrAt({"kind"}) + "\"");
  Template t;
  t.file = file;
  t.kind = doc.StrAt({"spec", "crd", "spec", "names", "kind"});
  if (t.kind.empty()) Bad(file, "ConstraintTemplate " + doc.StrAt({"metadata", "name"}) + ": spec.crd.spec.names.kind is missing");
  const yaml::Node* targets = doc.At({"spec", "targets"});
  if (!targets || !targets->IsSeq() || targets->items.empty()) {
    Bad(file, "ConstraintTemplate " + doc.StrAt({"metadata", "name"}) + ": spec.targets is missing");
  }
  const yaml::Node& target = targets->items[0];
  std::string rego = Str(target.Get("rego"));
  const yaml::Node* libs = target.Get("libs");
  if (rego.empty()) {
    if (const yaml::Node* code = target.Get("code"); code && code->IsSeq()) {
      for (const yaml::Node& c : code->items) {
        if (c.StrAt({"engine"}) == "Rego") {
          rego = c.StrAt({"source", "rego"});
          libs = c.At({"source", "libs"});
        }
      }
    }
  }
  if (rego.empty()) Bad(file, "ConstraintTemplate " + doc.StrAt({"metadata", "name"}) + ": spec.targets[0].rego is missing");
  t.engine = std::make_shared<Engine>(limits);
  try {
    t.engine->AddModule(rego, file + ": spec.targets[0].rego");
    if (libs && libs->IsSeq()) {
      for (size_t i = 0; i < libs->items.size(); ++i) {
        t.engine->AddModule(libs->items[i].value, file + ": spec.targets[0].libs[" + std::to_string(i) + "]");
      }
    }
    t.engine->Compile();
  } catch (const Error& e) {
    throw std::runtime_error(e.what());
  }
  t.package = t.engine->Packages()[0];
  return t;
}

Constraint LoadConstraint(const yaml::Node& doc, const std::string& file) {
  Constraint c;
  c.file = file;
  c.kind = doc.StrAt({"kind"});
  c.name = doc.StrAt({"metadata", "name"});
  if (c.kind.empty()) Bad(file, "constraint: kind is missing");
  if (const yaml::Node* m = doc.At({"spec", "match"})) c.match = *m;
  c.match_value = FromNode(c.match);
  const yaml::Node* p = doc.At({"spec", "parameters"});
  c.parameters = p ? FromNode(*p) : Value::MakeObject({});
  std::string action = doc.StrAt({"spec", "enforcementAction"});
  if (!action.empty()) c.enforcement_action = action;
  return c;
}

Value BuildInventory(const std::vector<yaml::Node>& objects) {
  Value inv = Value::MakeObject({});
  auto set = [](const Value& base, const std::vector<std::string>& path, size_t i, const Value& v, auto&& self) -> Value {
    if (i == path.size()) return v;
    Object fields = base.IsObject() ? base.Fields() : Object();
    Value key = Value::String(path[i]);
    const Value* cur = base.Find(key);
    Value child = self(cur ? *cur : Value(), path, i + 1, v, self);
    bool done = false;
    for (auto& [k, x] : fields) {
      if (k == key) {
        x = child;
        done = true;
      }
    }
    if (!done) fields.emplace_back(key, child);
    return Value::MakeObject(std::move(fields));
  };
  for (const yaml::Node& o : objects) {
    std::string api = o.StrAt({"apiVersion"}), kind = o.StrAt({"kind"}), name = o.StrAt({"metadata", "name"});
    std::string ns = o.StrAt({"metadata", "namespace"});
    std::vector<std::string> path = ns.empty() ? std::vector<std::string>{"cluster", api, kind, name}
                                               : std::vector<std::string>{"namespace", ns, api, kind, name};
    inv = set(inv, path, 0, FromNode(o), set);
  }
  return inv;
}

Value BuildReview(const yaml::Node& object) {
  std::string api = object.StrAt({"apiVersion"});
  if (object.StrAt({"kind"}) == "AdmissionReview" && api.rfind("admission.k8s.io/", 0) == 0) {
    const yaml::Node* req = object.Get("request");
    Value r = req ? FromNode(*req) : Value::MakeObject({});
    if (!r.Find("object") || r.Find("object")->IsNull()) {
      if (const Value* old = r.Find("oldObject")) {
        Object f = r.Fields();
        bool replaced = false;
        for (auto& [k, v] : f) {
          if (k.IsString() && k.S() == "object") {
            v = *old;
            replaced = true;
          }
        }
        if (!replaced) f.emplace_back(Value::String("object"), *old);
        r = Value::MakeObject(std::move(f));
      }
    }
    return r;
  }
  resource::Gvk gvk = resource::Gvk::FromApiVersion(api, object.StrAt({"kind"}));
  Object kind = {{Value::String("group"), Value::String(gvk.group)},
                 {Value::String("version"), Value::String(gvk.version)},
                 {Value::String("kind"), Value::String(gvk.kind)}};
  Object review = {{Value::String("kind"), Value::MakeObject(std::move(kind))},
                   {Value::String("name"), Value::String(object.StrAt({"metadata", "name"}))},
                   {Value::String("object"), FromNode(object)}};
  std::string ns = object.StrAt({"metadata", "namespace"});
  if (!ns.empty()) review.emplace_back(Value::String("namespace"), Value::String(ns));
  return Value::MakeObject(std::move(review));
}

bool Matches(const Constraint& c, const Value& review, const Value& inventory) {
  if (c.match.IsNull()) return true;
  const Value& match = c.match_value;
  const Value* obj = review.Find("object");
  Value object = obj ? *obj : Value::MakeObject({});
  std::string group = GetStr(review, {"kind", "group"}), kind = GetStr(review, {"kind", "kind"});
  if (kind.empty()) {
    resource::Gvk gvk = resource::Gvk::FromApiVersion(GetStr(object, {"apiVersion"}), GetStr(object, {"kind"}));
    group = gvk.group;
    kind = gvk.kind;
  }
  if (const Value* kinds = match.Find("kinds"); kinds && kinds->Size() > 0) {
    bool any = false;
    for (const Value& k : kinds->Items()) {
      const Value* groups = k.Find("apiGroups");
      const Value* ks = k.Find("kinds");
      bool g = false, kk = false;
      if (groups) {
        for (const Value& x : groups->Items()) g = g || (x.IsString() && (x.S() == "*" || x.S() == group));
      }
      if (ks) {
        for (const Value& x : ks->Items()) kk = kk || (x.IsString() && (x.S() == "*" || x.S() == kind));
      }
      any = any || (g && kk);
    }
    if (!any) return false;
  }
  bool is_namespace = kind == "Namespace" && group.empty();
  std::string ns = is_namespace ? GetStr(object, {"metadata", "name"}) : GetStr(object, {"metadata", "namespace"});
  if (ns.empty() && !is_namespace) ns = GetStr(review, {"namespace"});
  std::string scope = GetStr(match, {"scope"});
  if (scope == "Cluster" && !ns.empty() && !is_namespace) return false;
  if (scope == "Namespaced" && (ns.empty() || is_namespace)) return false;
  if (const Value* list = match.Find("namespaces"); list && list->Size() > 0 && !ns.empty()) {
    if (!AnyGlob(list, ns)) return false;
  }
  if (const Value* list = match.Find("excludedNamespaces"); list && list->Size() > 0 && !ns.empty()) {
    if (AnyGlob(list, ns)) return false;
  }
  if (const Value* name = match.Find("name"); name && name->IsString()) {
    if (!Glob(name->S(), GetStr(object, {"metadata", "name"}))) return false;
  }
  if (const Value* sel = match.Find("labelSelector"); sel && sel->IsObject()) {
    if (!SelectorMatches(*sel, Get(object, {"metadata", "labels"}))) return false;
  }
  if (const Value* sel = match.Find("namespaceSelector"); sel && sel->IsObject()) {
    if (is_namespace) {
      if (!SelectorMatches(*sel, Get(object, {"metadata", "labels"}))) return false;
    } else if (!ns.empty()) {
      const Value* nsobj = Get(inventory, {"cluster", "v1", "Namespace"});
      nsobj = nsobj ? nsobj->Find(ns) : nullptr;
      if (!nsobj || !SelectorMatches(*sel, Get(*nsobj, {"metadata", "labels"}))) return false;
    }
  }
  return true;
}

std::vector<Violation> Review(const Template& t, const Constraint& c, const yaml::Node& object,
                              const Value& inventory) {
  return ReviewBuilt(t, c, BuildReview(object), inventory);
}

std::vector<Violation> ReviewBuilt(const Template& t, const Constraint& c, const Value& review,
                                   const Value& inventory) {
  std::vector<Violation> out;
  if (!Matches(c, review, inventory)) return out;
  Value input = Value::MakeObject({{Value::String("review"), review}, {Value::String("parameters"), c.parameters}});
  Value data = Value::MakeObject({{Value::String("inventory"), inventory}});
  std::vector<std::string> path = t.package;
  path.push_back("violation");
  std::optional<Value> v = t.engine->EvalPathWith(path, input, data);
  if (!v) return out;
  for (const Value& x : v->Items()) {
    Violation viol;
    if (const Value* msg = x.Find("msg")) viol.msg = msg->IsString() ? msg->S() : ToJson(*msg);
    if (const Value* d = x.Find("details")) viol.details = *d;
    out.push_back(std::move(viol));
  }
  return out;
}

}  // namespace capstan::policy
