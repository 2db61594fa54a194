// Name resolution (locals, rules, imports, built-ins), slot assignment and
// ordering of body expressions so that variables are bound before use.
#include <algorithm>
#include <map>
#include <set>

#include "policy/builtins.h"
#include "policy/compiled.h"

namespace capstan::policy {

void ThrowAt(const std::string& file, int line, const std::string& code, const std::string& msg) {
  throw Error(code, file + ":" + std::to_string(line) + ": " + code + ": " + msg);
}

namespace {

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

DataNode* Walk(DataNode* n, const std::vector<std::string>& path) {
  for (const auto& p : path) {
    if (!n) return nullptr;
    n = n->Child(p);
  }
  return n;
}

bool HasFunction(const DataNode* n) {
  return n && !n->rules.empty() && n->rules[0]->kind == RuleKind::kFunction;
}

class Resolver {
 public:
  Resolver(Compiled* c, const Module* m, const std::string& file) : c_(c), m_(m), file_(file) {}

  std::map<std::string, int> slots;  // the rule's own scope
  std::vector<std::map<std::string, int>> inner;  // comprehension / every scopes
  std::set<std::string> declared;
  int next = 0;

  // A name's slot: the innermost scope that knows it, else a new slot in
  // the innermost scope (variables first seen in a comprehension or an
  // `every` body are local to it).
  int Slot(const std::string& name) {
    if (name == "_") return next++;
    for (auto it = inner.rbegin(); it != inner.rend(); ++it) {
      auto f = it->find(name);
      if (f != it->end()) return f->second;
    }
    auto it = slots.find(name);
    if (it != slots.end()) return it->second;
    (inner.empty() ? slots : inner.back())[name] = next;
    return next++;
  }

  // ---- pre-pass: names declared local (args, :=, some, every) --------
  void DeclareVars(const TermPtr& t) {
    if (!t) return;
    if (t->kind == TermKind::kVar) {
      declared.insert(t->name);
      return;
    }
    if (t->kind == TermKind::kArray || t->kind == TermKind::kObject || t->kind == TermKind::kSet) {
      for (auto& i : t->items) DeclareVars(i);
    }
  }
  void Declare(const Body& b) {
    for (const Expr& e : b) {
      switch (e.kind) {
        case ExprKind::kAssign: DeclareVars(e.a); break;
        case ExprKind::kSome:
          for (const Expr& v : *e.body) DeclareVars(v.a);
          break;
        case ExprKind::kSomeIn:
        case ExprKind::kEvery:
          DeclareVars(e.a);
          DeclareVars(e.b);
          if (e.kind == ExprKind::kEvery) Declare(*e.body);
          break;
        case ExprKind::kNot: Declare(*e.body); break;
        default: break;
      }
      DeclareInTerm(e.a);
      DeclareInTerm(e.b);
      DeclareInTerm(e.domain);
    }
  }
  void DeclareInTerm(const TermPtr& t) {
    if (!t) return;
    if (t->body) Declare(*t->body);
    for (auto& i : t->items) DeclareInTerm(i);
    DeclareInTerm(t->key);
    DeclareInTerm(t->val);
  }

  // ---- resolution ----------------------------------------------------
  // A name that is not a local: its data/input path, or empty.
  bool GlobalPath(const std::string& name, Term::Root* root, std::vector<std::string>* path) {
    if (name == "input" || name == "data") {
      *root = name == "input" ? Term::kInput : Term::kData;
      path->clear();
      return true;
    }
    if (!m_) return false;
    for (const Import& imp : m_->imports) {
      if (imp.alias == name) {
        *root = imp.path[0] == "input" ? Term::kInput : Term::kData;
        path->assign(imp.path.begin() + 1, imp.path.end());
        return true;
      }
    }
    DataNode* pkg = Walk(&c_->root, m_->package);
    if (pkg && pkg->Child(name)) {
      *root = Term::kData;
      *path = m_->package;
      path->push_back(name);
      return true;
    }
    return false;
  }

  TermPtr RootRef(Term::Root root, const std::vector<std::string>& path, int line) {
    auto head = std::make_shared<Term>();
    head->kind = TermKind::kVar;
    head->name = root == Term::kInput ? "input" : "data";
    head->root = root;
    head->line = line;
    if (path.empty()) return head;
    auto ref = std::make_shared<Term>();
    ref->kind = TermKind::kRef;
    ref->line = line;
    ref->items.push_back(head);
    for (const auto& p : path) {
      auto k = std::make_shared<Term>();
      k->value = Value::String(p);
      k->line = line;
      ref->items.push_back(k);
    }
    return ref;
  }

  void ResolveFunction(Term* t) {
    std::vector<std::string> parts = Split(t->name);
    std::vector<std::string> path;
    bool is_data = false;
    Term::Root root;
    if (!declared.count(parts[0]) && GlobalPath(parts[0], &root, &path) && root == Term::kData) {
      path.insert(path.end(), parts.begin() + 1, parts.end());
      is_data = true;
    }
    if (is_data) {
      DataNode* n = Walk(&c_->root, path);
      if (HasFunction(n)) {
        t->func = n;
        t->func_path = path;
        size_t arity = n->rules[0]->args.size();
        if (t->items.size() != arity && t->items.size() != arity + 1) {
          ThrowAt(file_, t->line, "rego_type_error",
                  t->name + ": arity mismatch: function takes " + std::to_string(arity) + " arguments, got " +
                      std::to_string(t->items.size()));
        }
        return;
      }
      if (parts[0] == "data" || n) {
        ThrowAt(file_, t->line, "rego_type_error", "undefined function " + t->name);
      }
    }
    t->builtin = FindBuiltin(t->name);
    if (!t->builtin) {
      ThrowAt(file_, t->line, "rego_type_error", "undefined function " + t->name +
                                                     " (not a rule, and not a built-in capstan supports)");
    }
    size_t arity = static_cast<size_t>(t->builtin->arity);
    if (t->items.size() != arity && t->items.size() != arity + 1) {
      ThrowAt(file_, t->line, "rego_type_error",
              t->name + ": arity mismatch: built-in takes " + std::to_string(arity) + " arguments, got " +
                  std::to_string(t->items.size()));
    }
  }

  void Resolve(TermPtr& t) {
    if (!t) return;
    switch (t->kind) {
      case TermKind::kValue: return;
      case TermKind::kVar: {
        if (t->name != "_" && !declared.count(t->name)) {
          Term::Root root;
          std::vector<std::string> path;
          if (GlobalPath(t->name, &root, &path)) {
            t = RootRef(root, path, t->line);
            return;
          }
        }
        auto copy = std::make_shared<Term>(*t);  // terms may be shared between rules
        copy->root = Term::kLocal;
        copy->slot = Slot(t->name);
        t = copy;
        return;
      }
      case TermKind::kRef: {
        auto copy = std::make_shared<Term>(*t);
        Resolve(copy->items[0]);
        if (copy->items[0]->kind == TermKind::kRef) {
          std::vector<TermPtr> items = copy->items[0]->items;
          items.insert(items.end(), copy->items.begin() + 1, copy->items.end());
          copy->items = std::move(items);
        }
        for (size_t i = 1; i < copy->items.size(); ++i) Resolve(copy->items[i]);
        t = copy;
        return;
      }
      case TermKind::kCall: {
        auto copy = std::make_shared<Term>(*t);
        ResolveFunction(copy.get());
        for (auto& a : copy->items) Resolve(a);
        t = copy;
        return;
      }
      case TermKind::kArray:
      case TermKind::kSet:
      case TermKind::kObject: {
        auto copy = std::make_shared<Term>(*t);
        for (auto& a : copy->items) Resolve(a);
        t = copy;
        return;
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr:
      case TermKind::kObjectCompr: {
        auto copy = std::make_shared<Term>(*t);
        copy->body = std::make_shared<Body>(*t->body);
        inner.emplace_back();
        ResolveBody(*copy->body);
        Resolve(copy->key);
        Resolve(copy->val);
        inner.pop_back();
        t = copy;
        return;
      }
    }
  }

  void ResolveWith(With& w) {
    const Term& tg = *w.target;
    std::string head = tg.kind == TermKind::kVar ? tg.name
                       : tg.kind == TermKind::kRef && tg.items[0]->kind == TermKind::kVar ? tg.items[0]->name
                                                                                          : "";
    std::vector<std::string> keys;
    bool all_strings = true;
    if (tg.kind == TermKind::kRef) {
      for (size_t i = 1; i < tg.items.size(); ++i) {
        if (tg.items[i]->kind == TermKind::kValue && tg.items[i]->value.IsString()) {
          keys.push_back(tg.items[i]->value.S());
        } else {
          all_strings = false;
        }
      }
    }
    if (head.empty() || !all_strings) ThrowAt(file_, tg.line, "rego_compile_error", "with: invalid target");
    if (head == "input" || head == "data") {
      w.kind = head == "input" ? With::kInput : With::kData;
      w.path = keys;
      if (w.kind == With::kData && HasFunction(Walk(&c_->root, keys))) {
        w.kind = With::kFunction;
        w.func = Walk(&c_->root, keys);
      }
    } else {
      std::string name = head;
      for (auto& k : keys) name += "." + k;
      Term probe;
      probe.kind = TermKind::kCall;
      probe.name = name;
      probe.line = tg.line;
      std::vector<std::string> parts = Split(name);
      Term::Root root;
      std::vector<std::string> path;
      DataNode* n = nullptr;
      if (GlobalPath(parts[0], &root, &path) && root == Term::kData) {
        path.insert(path.end(), parts.begin() + 1, parts.end());
        n = Walk(&c_->root, path);
      }
      if (n && !HasFunction(n)) {
        // a rule: replace its value
        w.kind = With::kData;
        w.path = path;
      } else {
        w.kind = With::kFunction;
        if (HasFunction(n)) {
          w.func = n;
        } else {
          w.builtin = FindBuiltin(name);
          if (!w.builtin) ThrowAt(file_, tg.line, "rego_compile_error", "with: undefined function " + name);
        }
      }
    }
    if (w.kind == With::kFunction) {
      const Term& v = *w.value;
      std::string vname;
      if (v.kind == TermKind::kVar) vname = v.name;
      if (v.kind == TermKind::kRef && v.items[0]->kind == TermKind::kVar) {
        vname = v.items[0]->name;
        for (size_t i = 1; i < v.items.size(); ++i) {
          if (v.items[i]->kind != TermKind::kValue || !v.items[i]->value.IsString()) {
            vname.clear();
            break;
          }
          vname += "." + v.items[i]->value.S();
        }
      }
      if (!vname.empty() && !declared.count(Split(vname)[0])) {
        std::vector<std::string> parts = Split(vname);
        Term::Root root;
        std::vector<std::string> path;
        if (GlobalPath(parts[0], &root, &path) && root == Term::kData) {
          path.insert(path.end(), parts.begin() + 1, parts.end());
          DataNode* n = Walk(&c_->root, path);
          if (HasFunction(n)) {
            w.with_func = n;
            return;
          }
        } else if (const Builtin* b = FindBuiltin(vname)) {
          w.with_builtin = b;
          return;
        }
      }
    }
    Resolve(w.value);
  }

  void ResolveBody(Body& b) {
    for (Expr& e : b) {
      for (With& w : e.withs) ResolveWith(w);
      if (e.kind == ExprKind::kSome) {
        for (Expr& v : *e.body) Resolve(v.a);
        continue;
      }
      if (e.kind == ExprKind::kEvery) {
        Resolve(e.domain);
        inner.emplace_back();
        Resolve(e.a);
        Resolve(e.b);
        e.body = std::make_shared<Body>(*e.body);
        ResolveBody(*e.body);
        inner.pop_back();
        continue;
      }
      if (e.kind == ExprKind::kNot) {
        e.body = std::make_shared<Body>(*e.body);
        ResolveBody(*e.body);
      }
      Resolve(e.a);
      Resolve(e.b);
      Resolve(e.domain);
    }
  }

 private:
  Compiled* c_;
  const Module* m_;
  std::string file_;
};

// ---- ordering ------------------------------------------------------------

struct VarInfo {
  std::set<int> out;     // bound by evaluating the expression
  std::set<int> need;    // must be bound before
  std::set<int> nested;  // used inside nested bodies (not, every, comprehensions)
};

void AllVars(const TermPtr& t, std::set<int>* s);
void AllVarsBody(const Body& b, std::set<int>* s) {
  for (const Expr& e : b) {
    AllVars(e.a, s);
    AllVars(e.b, s);
    AllVars(e.domain, s);
    if (e.body) AllVarsBody(*e.body, s);
    for (const With& w : e.withs) AllVars(w.value, s);
  }
}
void AllVars(const TermPtr& t, std::set<int>* s) {
  if (!t) return;
  if (t->kind == TermKind::kVar && t->root == Term::kLocal && t->slot >= 0) s->insert(t->slot);
  for (auto& i : t->items) AllVars(i, s);
  AllVars(t->key, s);
  AllVars(t->val, s);
  if (t->body) AllVarsBody(*t->body, s);
}

// pattern position: direct vars are outputs
void Scan(const TermPtr& t, bool pattern, VarInfo* vi) {
  if (!t) return;
  switch (t->kind) {
    case TermKind::kValue: return;
    case TermKind::kVar:
      if (t->root != Term::kLocal) return;
      (pattern ? vi->out : vi->need).insert(t->slot);
      return;
    case TermKind::kRef:
      Scan(t->items[0], false, vi);
      for (size_t i = 1; i < t->items.size(); ++i) Scan(t->items[i], true, vi);
      return;
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (auto& i : t->items) Scan(i, pattern, vi);
      return;
    case TermKind::kCall: {
      size_t arity = t->builtin ? t->builtin->arity : t->func ? t->func->rules[0]->args.size() : t->items.size();
      for (size_t i = 0; i < t->items.size(); ++i) Scan(t->items[i], i >= arity, vi);
      return;
    }
    default:
      AllVars(t, &vi->nested);
      return;
  }
}

VarInfo Info(const Expr& e) {
  VarInfo vi;
  switch (e.kind) {
    case ExprKind::kTerm: Scan(e.a, false, &vi); break;
    case ExprKind::kUnify:
    case ExprKind::kAssign:
      Scan(e.a, true, &vi);
      Scan(e.b, true, &vi);
      break;
    case ExprKind::kSomeIn:
      Scan(e.a, true, &vi);
      Scan(e.b, true, &vi);
      Scan(e.domain, false, &vi);
      break;
    case ExprKind::kEvery:
      Scan(e.domain, false, &vi);
      AllVarsBody(*e.body, &vi.nested);
      break;
    case ExprKind::kNot: AllVarsBody(*e.body, &vi.nested); break;
    case ExprKind::kSome: break;
  }
  for (const With& w : e.withs) Scan(w.value, false, &vi);
  for (int v : vi.out) vi.need.erase(v);
  return vi;
}

void OrderBody(Body& b, std::set<int> bound);

void OrderTerm(const TermPtr& t, const std::set<int>& bound) {
  if (!t) return;
  if (t->body && (t->kind == TermKind::kArrayCompr || t->kind == TermKind::kSetCompr ||
                  t->kind == TermKind::kObjectCompr)) {
    OrderBody(*t->body, bound);
  }
  for (auto& i : t->items) OrderTerm(i, bound);
}

void OrderBody(Body& b, std::set<int> bound) {
  std::vector<VarInfo> info;
  for (const Expr& e : b) info.push_back(Info(e));
  std::vector<bool> used(b.size(), false);
  Body out;
  for (size_t n = 0; n < b.size(); ++n) {
    size_t pick = b.size();
    for (size_t i = 0; i < b.size() && pick == b.size(); ++i) {
      if (used[i]) continue;
      bool ok = true;
      for (int v : info[i].need) ok = ok && bound.count(v);
      // nested vars that some other pending expression binds must wait
      for (int v : info[i].nested) {
        if (bound.count(v)) continue;
        for (size_t j = 0; j < b.size() && ok; ++j) {
          if (j != i && !used[j] && info[j].out.count(v)) ok = false;
        }
      }
      if (ok) pick = i;
    }
    if (pick == b.size()) {
      for (size_t i = 0; i < b.size(); ++i) {
        if (!used[i]) {
          pick = i;
          break;
        }
      }
    }
    used[pick] = true;
    Expr& e = b[pick];
    if (e.body && (e.kind == ExprKind::kNot || e.kind == ExprKind::kEvery)) {
      std::set<int> inner = bound;
      if (e.kind == ExprKind::kEvery) {
        Scan(e.a, true, &info[pick]);
        AllVars(e.a, &inner);
        AllVars(e.b, &inner);
      }
      OrderBody(*e.body, inner);
    }
    OrderTerm(e.a, bound);
    OrderTerm(e.b, bound);
    OrderTerm(e.domain, bound);
    for (int v : info[pick].out) bound.insert(v);
    if (e.kind == ExprKind::kSomeIn || e.kind == ExprKind::kUnify || e.kind == ExprKind::kAssign) {
      AllVars(e.a, &bound);
    }
    out.push_back(std::move(e));
  }
  b = std::move(out);
}

void CompileRule(Compiled* c, const Module& m, Rule* r) {
  Resolver res(c, &m, m.file);
  for (Rule* x = r; x; x = x->else_rule.get()) {
    for (auto& a : x->args) res.DeclareVars(a);
    res.Declare(x->body);
  }
  for (Rule* x = r; x; x = x->else_rule.get()) {
    for (auto& a : x->args) res.Resolve(a);
    res.ResolveBody(x->body);
    res.Resolve(x->key);
    res.Resolve(x->value);
    std::set<int> bound;
    for (auto& a : x->args) AllVars(a, &bound);
    OrderBody(x->body, bound);
    std::set<int> after;
    AllVarsBody(x->body, &after);
    for (auto& a : x->args) AllVars(a, &after);
    OrderTerm(x->key, after);
    OrderTerm(x->value, after);
  }
  for (Rule* x = r; x; x = x->else_rule.get()) x->nslots = res.next;
}

}  // namespace

void CompileModules(Compiled* c) {
  c->root = DataNode();
  for (Module& m : c->modules) {
    for (auto& r : m.rules) {
      DataNode* n = &c->root;
      for (const auto& p : r->path) n = n->AddChild(p);
      if (!n->rules.empty()) {
        bool f1 = n->rules[0]->kind == RuleKind::kFunction, f2 = r->kind == RuleKind::kFunction;
        bool set1 = n->rules[0]->kind == RuleKind::kPartialSet, set2 = r->kind == RuleKind::kPartialSet;
        if (f1 != f2 || (set1 != set2 && !n->rules[0]->is_default && !r->is_default)) {
          ThrowAt(m.file, r->line, "rego_type_error", "conflicting rules data." + [&] {
            std::string s;
            for (size_t i = 0; i < r->path.size(); ++i) s += (i ? "." : "") + r->path[i];
            return s;
          }() + " found");
        }
      }
      n->rules.push_back(r);
    }
    DataNode* pkg = &c->root;
    for (const auto& p : m.package) pkg = pkg->AddChild(p);
  }
  for (Module& m : c->modules) {
    for (auto& r : m.rules) CompileRule(c, m, r.get());
  }
  c->compiled = true;
}

CompiledQuery CompileQuery(Compiled* c, Body body, const std::string& file) {
  Module none;
  none.file = file;
  Resolver res(c, nullptr, file);
  res.Declare(body);
  res.ResolveBody(body);
  OrderBody(body, {});
  CompiledQuery q;
  q.body = std::move(body);
  q.nslots = res.next;
  for (const auto& [name, slot] : res.slots) {
    if (name.empty() || name[0] == '_') continue;
    q.named.emplace_back(name, slot);
  }
  return q;
}

}  // namespace capstan::policy
