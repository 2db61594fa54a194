// Top-down evaluation: continuation-passing search with unification and
// backtracking over the compiled rules (compile.cc).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "policy/builtins.h"
#include "policy/compiled.h"
#include "policy/eval.h"
#include "policy/fn_ref.h"

namespace capstan::policy {

namespace {

using Cont = FnRef<bool()>;
using VCont = FnRef<bool(const Value&)>;

constexpr size_t kMaxStackBytes = 6 << 20;  // of the 8 MiB default stack

struct Frame {
  std::vector<Value> v;
  std::vector<uint8_t> bound;
  explicit Frame(int n) : v(n), bound(n, 0) {}
};

struct FuncOverride {
  const Builtin* builtin = nullptr;
  const DataNode* func = nullptr;
  const Builtin* with_builtin = nullptr;
  const DataNode* with_func = nullptr;
  Value value;
};

struct State {
  std::optional<Value> input;
  Value data;
  std::map<const DataNode*, Value> node_values;
  std::vector<FuncOverride> funcs;
  std::unordered_map<const DataNode*, std::optional<Value>> cache;
};

Value SetPath(const Value* base, const std::vector<std::string>& path, size_t i, const Value& v) {
  if (i == path.size()) return v;
  Object fields;
  if (base && base->IsObject()) fields = base->Fields();
  Value key = Value::String(path[i]);
  const Value* cur = base && base->IsObject() ? base->Find(key) : nullptr;
  Value child = SetPath(cur, path, i + 1, v);
  bool replaced = false;
  for (auto& [k, x] : fields) {
    if (k == key) {
      x = child;
      replaced = true;
    }
  }
  if (!replaced) fields.emplace_back(key, child);
  return Value::MakeObject(std::move(fields));
}

class Evaluator {
 public:
  Evaluator(const Compiled* c, bool strict, const Value* input = nullptr, const Value* data = nullptr)
      : c_(c), strict_(strict), budget_(c->limits.max_elements) {
    char here;
    stack_base_ = &here;
    st_ = std::make_shared<State>();
    st_->input = input ? std::optional<Value>(*input) : c->input;
    st_->data = data ? *data : c->data;
  }

  void Step(int line) {
    if (++steps_ > c_->limits.max_steps) {
      ThrowAt(file_, line, "eval_limit_error", "evaluation exceeded " + std::to_string(c_->limits.max_steps) + " steps");
    }
  }

  bool Body(const policy::Body& b, size_t i, Frame& f, Cont k) {
    if (i == b.size()) return k();
    Step(b[i].line);
    char here;
    if (static_cast<size_t>(stack_base_ - &here) > kMaxStackBytes) {
      ThrowAt(file_, b[i].line, "eval_limit_error", "evaluation nested too deeply");
    }
    return ExprWith(b[i], f, [&] { return Body(b, i + 1, f, k); });
  }

  // ---- rules ---------------------------------------------------------
  std::optional<Value> NodeValue(const DataNode* n) {
    auto ov = st_->node_values.find(n);
    if (ov != st_->node_values.end()) return ov->second;
    auto it = st_->cache.find(n);
    if (it != st_->cache.end()) return it->second;
    std::optional<Value> v;
    if (!n->rules.empty()) {
      v = EvalRules(n);
    } else {
      Object fields;
      for (const auto& [k, child] : n->children) {
        std::optional<Value> cv = NodeValue(child.get());
        if (cv) fields.emplace_back(Value::String(k), *cv);
      }
      v = Value::MakeObject(std::move(fields));
    }
    st_->cache[n] = v;
    return v;
  }

  struct Active {
    Evaluator* e;
    Active(Evaluator* ev, const void* key, const Rule& r) : e(ev) {
      for (const void* a : e->active_) {
        if (a == key) {
          std::string name;
          for (size_t i = 0; i < r.path.size(); ++i) name += (i ? "." : "") + r.path[i];
          ThrowAt(r.file, r.line, "rego_recursion_error", "rule data." + name + " is recursive");
        }
      }
      if (static_cast<int>(e->active_.size()) >= e->c_->limits.max_depth) {
        ThrowAt(r.file, r.line, "eval_limit_error", "rules nested more than " + std::to_string(e->c_->limits.max_depth) + " deep");
      }
      e->active_.push_back(key);
    }
    ~Active() { e->active_.pop_back(); }
  };

  struct FileScope {
    Evaluator* e;
    std::string saved;
    FileScope(Evaluator* ev, const std::string& f) : e(ev), saved(ev->file_) { e->file_ = f; }
    ~FileScope() { e->file_ = saved; }
  };

  // Values of one rule (following its else chain when its body fails).
  void RuleValues(const Rule& r, Frame& f, FnRef<void(const Value&)> emit, bool first_only) {
    FileScope fs(this, r.file);
    bool any = false;
    Body(r.body, 0, f, [&] {
      any = true;
      if (!r.value) {
        emit(Value::Bool(true));
        return first_only;
      }
      Term(*r.value, f, [&](const Value& v) {
        emit(v);
        return false;
      });
      return first_only || r.value->kind == TermKind::kValue;
    });
    if (!any && r.else_rule) RuleValues(*r.else_rule, f, emit, first_only);
  }

  [[noreturn]] void Conflict(const Rule& r, const char* what) { ThrowAt(r.file, r.line, "eval_conflict_error", what); }

  std::optional<Value> EvalRules(const DataNode* n) {
    const Rule* first = nullptr;
    const Rule* def = nullptr;
    for (const auto& r : n->rules) {
      if (r->is_default) def = r.get();
      else if (!first) first = r.get();
    }
    if (!first && !def) return std::nullopt;
    Active act(this, n, first ? *first : *def);
    RuleKind kind = first ? first->kind : def->kind;
    if (kind == RuleKind::kFunction) return std::nullopt;
    if (kind == RuleKind::kPartialSet) {
      Array items;
      for (const auto& r : n->rules) {
        Frame f(r->nslots);
        FileScope fs(this, r->file);
        Body(r->body, 0, f, [&] {
          return Term(*r->key, f, [&](const Value& v) {
            budget_.Charge(1);
            items.push_back(v);
            return false;
          });
        });
      }
      return Value::MakeSet(std::move(items));
    }
    if (kind == RuleKind::kPartialObject) {
      Object fields;
      for (const auto& r : n->rules) {
        if (r->is_default) continue;
        Frame f(r->nslots);
        FileScope fs(this, r->file);
        Body(r->body, 0, f, [&] {
          return Term(*r->key, f, [&](const Value& k) {
            return Term(*r->value, f, [&](const Value& v) {
              budget_.Charge(1);
              fields.emplace_back(k, v);
              return false;
            });
          });
        });
      }
      std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 1; i < fields.size(); ++i) {
        if (fields[i].first == fields[i - 1].first && fields[i].second != fields[i - 1].second) {
          Conflict(*first, "object keys must be unique");
        }
      }
      return Value::MakeObject(std::move(fields));
    }
    std::optional<Value> result;
    for (const auto& r : n->rules) {
      if (r->is_default) continue;
      Frame f(r->nslots);
      RuleValues(*r, f, [&](const Value& v) {
        if (result && *result != v) Conflict(*r, "complete rules must not produce multiple outputs");
        result = v;
      }, false);
    }
    if (!result && def) {
      Frame f(def->nslots);
      FileScope fs(this, def->file);
      Term(*def->value, f, [&](const Value& v) {
        result = v;
        return true;
      });
    }
    return result;
  }

  bool CallFunction(const DataNode* n, const std::vector<Value>& args, VCont k) {
    const Rule& first = *n->rules[0];
    std::optional<Value> result;
    {
      Active act(this, n, first);
      const Rule* def = nullptr;
      for (const auto& r : n->rules) {
        if (r->is_default) def = r.get();
        if (r->args.size() != args.size() || r->is_default) continue;
        // Index on constant arguments: skip definitions that cannot match.
        bool possible = true;
        for (size_t i = 0; i < args.size() && possible; ++i) {
          const policy::Term& p = *r->args[i];
          if (p.kind == TermKind::kValue && !IsUndefined(args[i])) possible = p.value == args[i];
        }
        if (!possible) continue;
        Frame f(r->nslots);
        FileScope fs(this, r->file);
        UnifyArgs(r->args, args, 0, f, [&] {
          RuleValues(*r, f, [&](const Value& v) {
            if (result && *result != v) {
              Conflict(*r, "functions must not produce multiple outputs for same inputs");
            }
            result = v;
          }, false);
          return false;
        });
      }
      if (!result && def) {
        Frame f(def->nslots);
        FileScope fs(this, def->file);
        Term(*def->value, f, [&](const Value& v) {
          result = v;
          return true;
        });
      }
    }
    if (!result) return false;
    return k(*result);
  }

  bool UnifyArgs(const std::vector<TermPtr>& pats, const std::vector<Value>& vals, size_t i, Frame& f, Cont k) {
    if (i == pats.size()) return k();
    return UnifyValue(*pats[i], vals[i], f, [&] { return UnifyArgs(pats, vals, i + 1, f, k); });
  }

  // ---- expressions ---------------------------------------------------
  bool ExprWith(const Expr& e, Frame& f, Cont k) {
    if (e.withs.empty()) return Expr(e, f, k);
    return ApplyWiths(e, 0, f, st_, k);
  }

  bool ApplyWiths(const policy::Expr& e, size_t i, Frame& f, const std::shared_ptr<State>& outer, Cont k) {
    if (i == e.withs.size()) {
      return Expr(e, f, [&] {
        std::shared_ptr<State> inner = st_;
        st_ = outer;
        bool r = k();
        st_ = inner;
        return r;
      });
    }
    const With& w = e.withs[i];
    auto apply = [&](const Value* v) {
      auto next = std::make_shared<State>(*st_);
      next->cache.clear();
      switch (w.kind) {
        case With::kInput:
          next->input = SetPath(next->input ? &*next->input : nullptr, w.path, 0, *v);
          break;
        case With::kData: {
          const DataNode* n = &c_->root;
          for (const auto& p : w.path) n = n ? n->Child(p) : nullptr;
          if (n) next->node_values[n] = *v;
          else next->data = SetPath(&next->data, w.path, 0, *v);
          break;
        }
        case With::kFunction: {
          FuncOverride o;
          o.builtin = w.builtin;
          o.func = w.func;
          o.with_builtin = w.with_builtin;
          o.with_func = w.with_func;
          if (v) o.value = *v;
          next->funcs.insert(next->funcs.begin(), o);
          break;
        }
      }
      std::shared_ptr<State> saved = st_;
      st_ = next;
      bool r = ApplyWiths(e, i + 1, f, outer, k);
      st_ = saved;
      return r;
    };
    if (w.kind == With::kFunction && (w.with_builtin || w.with_func)) return apply(nullptr);
    return Term(*w.value, f, [&](const Value& v) { return apply(&v); });
  }

  bool Expr(const policy::Expr& e, Frame& f, Cont k) {
    switch (e.kind) {
      case ExprKind::kTerm:
        return Term(*e.a, f, [&](const Value& v) {
          if (v.IsBool() && !v.b) return false;
          return k();
        });
      case ExprKind::kUnify:
      case ExprKind::kAssign: return Unify(*e.a, *e.b, f, k);
      case ExprKind::kSome: return k();
      case ExprKind::kNot: {
        bool found = false;
        Body(*e.body, 0, f, [&] {
          found = true;
          return true;
        });
        if (found) return false;
        return k();
      }
      case ExprKind::kSomeIn:
        return Term(*e.domain, f, [&](const Value& dom) {
          return Each(dom, [&](const Value& key, const Value& val) {
            if (!e.a) return UnifyValue(*e.b, val, f, k);
            return UnifyValue(*e.a, key, f, [&] { return UnifyValue(*e.b, val, f, k); });
          });
        });
      case ExprKind::kEvery: {
        bool defined = false;
        bool all = true;
        bool r = Term(*e.domain, f, [&](const Value& dom) {
          defined = true;
          Each(dom, [&](const Value& key, const Value& val) {
            bool ok = false;
            auto run = [&] {
              Body(*e.body, 0, f, [&] {
                ok = true;
                return true;
              });
              return true;
            };
            if (e.a) {
              UnifyValue(*e.a, key, f, [&] { return UnifyValue(*e.b, val, f, run); });
            } else {
              UnifyValue(*e.b, val, f, run);
            }
            if (!ok) all = false;
            return !ok;
          });
          if (!all) return false;
          return k();
        });
        (void)defined;
        return r;
      }
    }
    return false;
  }

  // Calls fn(key, value) for each element; stops when fn returns true.
  template <class F>
  bool Each(const Value& v, F&& fn) {
    if (v.IsArray()) {
      const Array& a = v.Items();
      for (size_t i = 0; i < a.size(); ++i) {
        if (fn(Value::Number(static_cast<double>(i)), a[i])) return true;
      }
    } else if (v.IsSet()) {
      for (const Value& x : v.Items()) {
        if (fn(x, x)) return true;
      }
    } else if (v.IsObject()) {
      for (const auto& [key, x] : v.Fields()) {
        if (fn(key, x)) return true;
      }
    }
    return false;
  }

  // ---- unification ---------------------------------------------------
  bool IsUnboundVar(const policy::Term& t, const Frame& f) const {
    return t.kind == TermKind::kVar && t.root == Term::kLocal && !f.bound[t.slot];
  }

  // Evaluable as a value (no unbound variable outside ref keys).
  bool Ground(const policy::Term& t, const Frame& f) const {
    switch (t.kind) {
      case TermKind::kVar: return t.root != Term::kLocal || f.bound[t.slot];
      case TermKind::kRef: return Ground(*t.items[0], f);
      case TermKind::kArray:
      case TermKind::kSet:
      case TermKind::kObject:
        for (const auto& i : t.items) {
          if (!Ground(*i, f)) return false;
        }
        return true;
      default: return true;
    }
  }

  bool Bind(const policy::Term& var, const Value& v, Frame& f, Cont k) {
    f.v[var.slot] = v;
    f.bound[var.slot] = 1;
    bool r = k();
    f.bound[var.slot] = 0;
    f.v[var.slot] = Value();
    return r;
  }

  bool Unify(const policy::Term& a, const policy::Term& b, Frame& f, Cont k) {
    if (IsUnboundVar(a, f)) return Term(b, f, [&](const Value& v) { return UnifyValue(a, v, f, k); });
    if (IsUnboundVar(b, f)) return Term(a, f, [&](const Value& v) { return UnifyValue(b, v, f, k); });
    if (a.kind == TermKind::kArray && b.kind == TermKind::kArray) {
      if (a.items.size() != b.items.size()) return false;
      return UnifyPairs(a, b, 0, f, k);
    }
    if (Ground(b, f)) return Term(b, f, [&](const Value& v) { return UnifyValue(a, v, f, k); });
    if (Ground(a, f)) return Term(a, f, [&](const Value& v) { return UnifyValue(b, v, f, k); });
    ThrowAt(file_, a.line, "rego_unsafe_var_error", "unification of two unbound terms");
  }

  bool UnifyPairs(const policy::Term& a, const policy::Term& b, size_t i, Frame& f, Cont k) {
    if (i == a.items.size()) return k();
    return Unify(*a.items[i], *b.items[i], f, [&] { return UnifyPairs(a, b, i + 1, f, k); });
  }

  bool UnifyValue(const policy::Term& p, const Value& v, Frame& f, Cont k) {
    if (IsUndefined(v) && !(p.kind == TermKind::kVar && p.root == Term::kLocal && !f.bound[p.slot])) return false;
    switch (p.kind) {
      case TermKind::kVar:
        if (p.root == Term::kLocal) {
          if (!f.bound[p.slot]) return Bind(p, v, f, k);
          return f.v[p.slot] == v ? k() : false;
        }
        break;
      case TermKind::kArray:
        if (Ground(p, f)) break;
        if (!v.IsArray() || v.Size() != p.items.size()) return false;
        return UnifyItems(p, v, 0, f, k);
      case TermKind::kObject:
        if (Ground(p, f)) break;
        if (!v.IsObject() || v.Size() * 2 != p.items.size()) return false;
        return UnifyFields(p, v, 0, f, k);
      default: break;
    }
    return Term(p, f, [&](const Value& pv) { return pv == v ? k() : false; });
  }

  bool UnifyItems(const policy::Term& p, const Value& v, size_t i, Frame& f, Cont k) {
    if (i == p.items.size()) return k();
    return UnifyValue(*p.items[i], v.Items()[i], f, [&] { return UnifyItems(p, v, i + 1, f, k); });
  }

  bool UnifyFields(const policy::Term& p, const Value& v, size_t i, Frame& f, Cont k) {
    if (i == p.items.size()) return k();
    return Term(*p.items[i], f, [&](const Value& key) {
      const Value* x = v.Find(key);
      if (!x) return false;
      return UnifyValue(*p.items[i + 1], *x, f, [&] { return UnifyFields(p, v, i + 2, f, k); });
    });
  }

  // ---- terms ---------------------------------------------------------
  bool Term(const policy::Term& t, Frame& f, VCont k) {
    switch (t.kind) {
      case TermKind::kValue: return k(t.value);
      case TermKind::kVar:
        if (t.root == Term::kInput) return st_->input ? k(*st_->input) : false;
        if (t.root == Term::kData) {
          return DataWalk(&c_->root, &st_->data, t, 1, f, k);
        }
        if (!f.bound[t.slot]) ThrowAt(file_, t.line, "rego_unsafe_var_error", "var " + t.name + " is unsafe");
        if (IsUndefined(f.v[t.slot])) return false;
        return k(f.v[t.slot]);
      case TermKind::kRef: {
        const policy::Term& head = *t.items[0];
        if (head.kind == TermKind::kVar && head.root == Term::kData) {
          return DataWalk(&c_->root, &st_->data, t, 1, f, k);
        }
        if (head.kind == TermKind::kVar && head.root == Term::kInput) {
          if (!st_->input) return false;
          return Walk(*st_->input, t, 1, f, k);
        }
        return Term(head, f, [&](const Value& v) { return Walk(v, t, 1, f, k); });
      }
      case TermKind::kArray:
      case TermKind::kSet:
      case TermKind::kObject: {
        std::vector<Value> acc;
        acc.reserve(t.items.size());
        return Items(t.items, 0, f, acc, [&] {
          budget_.Charge(acc.size());
          if (t.kind == TermKind::kArray) return k(Value::MakeArray(acc));
          if (t.kind == TermKind::kSet) return k(Value::MakeSet(acc));
          Object o;
          for (size_t i = 0; i + 1 < acc.size(); i += 2) o.emplace_back(acc[i], acc[i + 1]);
          return k(Value::MakeObject(std::move(o)));
        });
      }
      case TermKind::kArrayCompr:
      case TermKind::kSetCompr: {
        Array acc;
        Body(*t.body, 0, f, [&] {
          return Term(*t.key, f, [&](const Value& v) {
            budget_.Charge(1);
            acc.push_back(v);
            return false;
          });
        });
        return k(t.kind == TermKind::kArrayCompr ? Value::MakeArray(std::move(acc)) : Value::MakeSet(std::move(acc)));
      }
      case TermKind::kObjectCompr: {
        Object acc;
        Body(*t.body, 0, f, [&] {
          return Term(*t.key, f, [&](const Value& key) {
            return Term(*t.val, f, [&](const Value& v) {
              budget_.Charge(1);
              for (const auto& [k2, v2] : acc) {
                if (k2 == key && v2 != v) ThrowAt(file_, t.line, "eval_conflict_error", "object keys must be unique");
              }
              acc.emplace_back(key, v);
              return false;
            });
          });
        });
        return k(Value::MakeObject(std::move(acc)));
      }
      case TermKind::kCall: return Call(t, f, k);
    }
    return false;
  }

  bool Items(const std::vector<TermPtr>& items, size_t i, Frame& f, std::vector<Value>& acc, Cont k) {
    if (i == items.size()) return k();
    return Term(*items[i], f, [&](const Value& v) {
      acc.push_back(v);
      bool r = Items(items, i + 1, f, acc, k);
      acc.pop_back();
      return r;
    });
  }

  bool Lookup(const Value& v, const Value& key, VCont k) {
    switch (v.type) {
      case Type::kArray: {
        int64_t i;
        if (!key.AsInt(&i) || i < 0 || static_cast<size_t>(i) >= v.Size()) return false;
        return k(v.Items()[i]);
      }
      case Type::kObject: {
        const Value* x = v.Find(key);
        return x ? k(*x) : false;
      }
      case Type::kSet: return v.SetHas(key) ? k(key) : false;
      default: return false;
    }
  }

  bool Walk(const Value& v, const policy::Term& ref, size_t i, Frame& f, VCont k) {
    if (i >= ref.items.size()) return k(v);  // (a bare `data`/`input` var has no items)
    const policy::Term& key = *ref.items[i];
    if (key.kind == TermKind::kValue) {
      return Lookup(v, key.value, [&](const Value& x) { return Walk(x, ref, i + 1, f, k); });
    }
    if (IsUnboundVar(key, f)) {
      return Each(v, [&](const Value& kk, const Value& x) {
        Step(key.line);
        return Bind(key, kk, f, [&] { return Walk(x, ref, i + 1, f, k); });
      });
    }
    if (Ground(key, f)) {
      return Term(key, f, [&](const Value& kv) {
        return Lookup(v, kv, [&](const Value& x) { return Walk(x, ref, i + 1, f, k); });
      });
    }
    return Each(v, [&](const Value& kk, const Value& x) {
      return UnifyValue(key, kk, f, [&] { return Walk(x, ref, i + 1, f, k); });
    });
  }

  bool DataWalk(const DataNode* n, const Value* base, const policy::Term& ref, size_t i, Frame& f, VCont k) {
    if (!n) {
      if (!base) return false;
      return Walk(*base, ref, i, f, k);
    }
    if (!n->rules.empty() || st_->node_values.count(n)) {
      std::optional<Value> v = NodeValue(n);
      if (!v) return false;
      return Walk(*v, ref, i, f, k);
    }
    size_t len = ref.kind == TermKind::kRef ? ref.items.size() : 1;
    if (i == len) {
      std::optional<Value> v = NodeValue(n);
      Object fields = v ? v->Fields() : Object();
      if (base && base->IsObject()) {
        for (const auto& fl : base->Fields()) {
          if (!v || !v->Find(fl.first)) fields.push_back(fl);
        }
      }
      return k(Value::MakeObject(std::move(fields)));
    }
    const policy::Term& key = *ref.items[i];
    auto step = [&](const Value& kv) {
      const DataNode* child = kv.IsString() ? n->Child(kv.S()) : nullptr;
      const Value* sub = base ? base->Find(kv) : nullptr;
      if (!child && !sub) return false;
      return DataWalk(child, sub, ref, i + 1, f, k);
    };
    if (IsUnboundVar(key, f)) {
      std::vector<Value> keys;
      for (const auto& [name, c] : n->children) keys.push_back(Value::String(name));
      if (base && base->IsObject()) {
        for (const auto& fl : base->Fields()) keys.push_back(fl.first);
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (const Value& kv : keys) {
        if (Bind(key, kv, f, [&] { return step(kv); })) return true;
      }
      return false;
    }
    return Term(key, f, step);
  }

  bool Call(const policy::Term& t, Frame& f, VCont k) {
    Step(t.line);
    size_t arity = t.builtin ? static_cast<size_t>(t.builtin->arity) : t.func->rules[0]->args.size();
    std::vector<Value> args;
    args.reserve(t.items.size());
    return Args(t, arity, 0, f, args, [&] {
      auto done = [&](const Value& out) {
        if (t.items.size() > arity) return UnifyValue(*t.items[arity], out, f, [&] { return k(Value::Bool(true)); });
        return k(out);
      };
      return Invoke(t.builtin, t.func, args, t.line, done);
    });
  }

  bool Args(const policy::Term& t, size_t arity, size_t i, Frame& f, std::vector<Value>& acc, Cont k) {
    if (i == arity) return k();
    bool any = false;
    auto next = [&](const Value& v) {
      any = true;
      acc.push_back(v);
      bool r = Args(t, arity, i + 1, f, acc, k);
      acc.pop_back();
      return r;
    };
    bool r = Term(*t.items[i], f, next);
    if (!any && t.func && t.items[i]->kind == TermKind::kRef) {
      // As OPA, a user function binds a ref argument lazily: an undefined
      // one only fails the call where the function uses it.
      any = true;
      return next(Undefined());
    }
    return r;
  }

  static Value Undefined() {
    Value v;
    v.b = true;  // a null carrying b = true marks "undefined" in a frame slot
    return v;
  }
  static bool IsUndefined(const Value& v) { return v.type == Type::kNull && v.b; }

  bool Invoke(const Builtin* b, const DataNode* fn, const std::vector<Value>& args, int line, VCont k,
              bool overrides = true) {
    for (size_t oi = 0; overrides && oi < st_->funcs.size(); ++oi) {
      const FuncOverride& o = st_->funcs[oi];
      if ((b && o.builtin == b) || (fn && o.func == fn)) {
        if (o.with_builtin) return Invoke(o.with_builtin, nullptr, args, line, k, false);
        if (o.with_func) {
          // The replacement sees the function it replaces unmocked.
          auto outer = st_;
          auto inner = std::make_shared<State>(*st_);
          inner->cache.clear();
          inner->funcs.erase(inner->funcs.begin() + oi);
          st_ = inner;
          bool r = CallFunction(o.with_func, args, [&](const Value& v) {
            st_ = outer;
            bool r2 = k(v);
            st_ = inner;
            return r2;
          });
          st_ = outer;
          return r;
        }
        return k(o.value);
      }
    }
    if (fn) return CallFunction(fn, args, k);
    Value out;
    bool defined;
    try {
      BuiltinContext ctx{&budget_};
      defined = b->fn(ctx, args.data(), &out);
    } catch (const BuiltinError& e) {
      if (strict_) ThrowAt(file_, line, e.code, e.message);
      return false;
    }
    if (!defined) return false;
    return k(out);
  }

  const Compiled* c_;
  bool strict_;
  Budget budget_;
  uint64_t steps_ = 0;
  char* stack_base_;
  std::shared_ptr<State> st_;
  std::string file_;
  std::vector<const void*> active_;
};

}  // namespace

std::vector<Bindings> RunQuery(Compiled* c, const CompiledQuery& q, bool strict) {
  Evaluator ev(c, strict);
  std::vector<Bindings> out;
  Frame f(q.nslots);
  ev.Body(q.body, 0, f, [&] {
    Bindings b;
    for (const auto& [name, slot] : q.named) {
      if (f.bound[slot]) b.emplace_back(name, f.v[slot]);
    }
    out.push_back(std::move(b));
    return false;
  });
  return out;
}

std::optional<Value> RunPath(const Compiled* c, const std::vector<std::string>& path, bool strict,
                             const Value* input, const Value* data) {
  Evaluator ev(c, strict, input, data);
  const DataNode* n = &c->root;
  const Value* base = data ? data : &c->data;
  for (const auto& p : path) {
    if (n && !n->rules.empty()) {
      std::optional<Value> v = ev.NodeValue(n);
      if (!v) return std::nullopt;
      const Value* x = v->Find(p);
      if (!x) return std::nullopt;
      Value keep = *x;
      n = nullptr;
      // continue walking plain values
      Value cur = keep;
      for (size_t i = &p - &path[0] + 1; i < path.size(); ++i) {
        const Value* y = cur.Find(path[i]);
        if (!y) return std::nullopt;
        cur = *y;
      }
      return cur;
    }
    n = n ? n->Child(p) : nullptr;
    base = base ? base->Find(p) : nullptr;
    if (!n && !base) return std::nullopt;
  }
  if (!n) return *base;
  std::optional<Value> v = ev.NodeValue(n);
  return v;
}

}  // namespace capstan::policy
