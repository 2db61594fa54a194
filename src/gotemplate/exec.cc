// Executor of parsed templates (text/template/exec.go semantics).
#include <algorithm>
#include <chrono>

#include "gotemplate/ast.h"
#include "gotemplate/template.h"

namespace capstan::gotemplate {
namespace {

enum class Flow { kNormal, kBreak, kContinue };

Value Deref(const Value& v) {
  if (v.type == Type::kObject) {
    Value u = v.obj->Underlying();
    if (u.type != Type::kInvalid) return u;
  }
  return v;
}

class State {
 public:
  State(const TemplateSet& set, ExecState& st, const Tree* tree, std::string* out)
      : set_(set), st_(st), tree_(tree), out_(out) {}

  void Run(const Value& dot) {
    vars_.push_back({"$", dot});
    Walk(dot, *tree_->root);
  }

 private:
  [[noreturn]] void Fail(const std::string& msg) {
    std::string loc = node_ ? Location(*tree_, node_->pos) : tree_->parse_name;
    std::string ctx = node_ ? NodeString(*node_) : "";
    throw ExecError("template: " + loc + ": executing \"" + tree_->name + "\" at <" + ctx + ">: " + msg,
                    loc, msg);
  }

  void Step() {
    if (++st_.steps > st_.limits.max_steps) Fail("template execution exceeded the step limit");
    if ((st_.steps & 0xFFFF) == 0) {
      double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
      if (st_.started < 0) st_.started = now;
      else if (now - st_.started > st_.limits.max_seconds)
        Fail("template execution took longer than " + std::to_string(static_cast<int>(st_.limits.max_seconds)) + " s");
    }
  }

  void Write(std::string_view s) {
    if (out_->size() + s.size() > st_.limits.max_output)
      Fail("rendered output exceeds the limit of " + std::to_string(st_.limits.max_output) + " bytes");
    out_->append(s);
  }

  Flow Walk(const Value& dot, const Node& n) {
    Step();
    switch (n.type) {
      case NodeType::kList:
        for (const auto& c : n.nodes) {
          Flow f = Walk(dot, *c);
          if (f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      case NodeType::kText:
        Write(n.raw);
        return Flow::kNormal;
      case NodeType::kComment:
        return Flow::kNormal;
      case NodeType::kAction: {
        Value v = EvalPipeline(dot, *n.pipe);
        if (n.pipe->decl.empty()) PrintValue(n, v);
        return Flow::kNormal;
      }
      case NodeType::kIf: case NodeType::kWith: {
        size_t mark = vars_.size();
        Value v = EvalPipeline(dot, *n.pipe);
        Flow f = Flow::kNormal;
        if (IsTrue(v)) {
          f = Walk(n.type == NodeType::kWith ? v : dot, *n.list);
        } else if (n.else_list) {
          f = Walk(dot, *n.else_list);
        }
        vars_.resize(mark);
        return f;
      }
      case NodeType::kRange: return WalkRange(dot, n);
      case NodeType::kTemplate: return WalkTemplate(dot, n);
      case NodeType::kBreak: return Flow::kBreak;
      case NodeType::kContinue: return Flow::kContinue;
      default:
        node_ = &n;
        Fail("unknown node");
    }
  }

  void PrintValue(const Node& n, const Value& v) {
    node_ = &n;
    if (v.type == Type::kInvalid || v.type == Type::kNil) {
      Write("<no value>");
      return;
    }
    Write(FormatValue(v));
  }

  Flow WalkRange(const Value& dot, const Node& n) {
    size_t mark = vars_.size();
    node_ = &n;
    Value val = Deref(EvalPipeline(dot, *n.pipe));
    auto one = [&](const Value& key, const Value& elem) -> Flow {
      if (!n.pipe->decl.empty()) {
        if (n.pipe->decl.size() == 1) {
          SetVar(n.pipe->decl[0], elem, n.pipe->is_assign);
        } else {
          SetVar(n.pipe->decl[0], key, n.pipe->is_assign);
          SetVar(n.pipe->decl[1], elem, n.pipe->is_assign);
        }
      }
      size_t inner = vars_.size();
      Flow f = Walk(elem, *n.list);
      vars_.resize(inner);
      return f;
    };
    bool any = false;
    switch (val.type) {
      case Type::kList: {
        auto keep = val.list;  // iteration survives mutation
        for (size_t k = 0; k < keep->size(); ++k) {
          any = true;
          Value elem = (*keep)[k];
          Flow f = one(Value::Int(static_cast<int64_t>(k)), elem);
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Type::kMap: {
        auto keep = val.map;
        std::vector<std::string> keys;
        keys.reserve(keep->size());
        for (const auto& kv : *keep) keys.push_back(kv.first);
        for (const auto& k : keys) {
          auto it = keep->find(k);
          if (it == keep->end()) continue;
          any = true;
          Value elem = it->second;
          Flow f = one(Value::String(k), elem);
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Type::kInt: case Type::kInt64: {
        if (n.pipe->decl.size() > 1) Fail("can't use " + FormatValue(val) + " to iterate over more than one variable");
        for (int64_t k = 0; k < val.i; ++k) {
          any = true;
          Value iv = val;
          iv.i = k;
          Flow f = one(iv, iv);
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Type::kInvalid: case Type::kNil:
        break;
      default:
        Fail("range can't iterate over " + FormatValue(val));
    }
    vars_.resize(mark);
    if (!any && n.else_list) return Walk(dot, *n.else_list);
    return Flow::kNormal;
  }

  Flow WalkTemplate(const Value& dot, const Node& n) {
    node_ = &n;
    const Tree* t = set_.Find(n.text);
    if (t == nullptr) Fail("template \"" + n.text + "\" not defined");
    Value newdot = n.pipe ? EvalPipeline(dot, *n.pipe) : Value::Nil();
    if (newdot.type == Type::kInvalid) newdot = Value::Nil();
    if (++st_.depth > st_.limits.max_depth) {
      --st_.depth;
      Fail("exceeded maximum template depth (" + std::to_string(st_.limits.max_depth) + ")");
    }
    State sub(set_, st_, t, out_);
    try {
      sub.Run(newdot);
    } catch (...) {
      --st_.depth;
      throw;
    }
    --st_.depth;
    return Flow::kNormal;
  }

  void SetVar(const std::string& name, const Value& v, bool assign) {
    if (!assign) {
      vars_.push_back({name, v});
      return;
    }
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) {
        vars_[k].second = v;
        return;
      }
    }
    Fail("undefined variable: " + name);
  }

  Value VarValue(const std::string& name) {
    for (size_t k = vars_.size(); k-- > 0;) {
      if (vars_[k].first == name) return vars_[k].second;
    }
    Fail("undefined variable: " + name);
  }

  Value EvalPipeline(const Value& dot, const Node& pipe) {
    node_ = &pipe;
    Value value;
    bool has_final = false;
    for (const auto& cmd : pipe.nodes) {
      value = EvalCommand(dot, *cmd, has_final ? &value : nullptr);
      has_final = true;
      if (value.type == Type::kNil) value = Value::Invalid();
    }
    for (const auto& d : pipe.decl) SetVar(d, value, pipe.is_assign);
    return value;
  }

  void NotAFunction(const Node& cmd, const Value* final) {
    if (cmd.nodes.size() > 1 || final != nullptr) Fail("can't give argument to non-function " + NodeString(*cmd.nodes[0]));
  }

  Value EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    Step();
    const Node& first = *cmd.nodes[0];
    switch (first.type) {
      case NodeType::kField:
        node_ = &first;
        return EvalFieldChain(dot, dot, first, first.idents, cmd, final);
      case NodeType::kChain: {
        node_ = &first;
        Value base = EvalArgNode(dot, *first.pipe);
        if (first.idents.empty()) Fail("internal error: no fields in evalChainNode");
        node_ = &first;
        return EvalFieldChain(dot, base, first, first.idents, cmd, final);
      }
      case NodeType::kIdentifier:
        return EvalFunction(dot, first, cmd, final);
      case NodeType::kPipe:
        NotAFunction(cmd, final);
        return EvalPipeline(dot, first);
      case NodeType::kVariable: {
        node_ = &first;
        Value v = VarValue(first.idents[0]);
        if (first.idents.size() == 1) {
          NotAFunction(cmd, final);
          return v;
        }
        std::vector<std::string> rest(first.idents.begin() + 1, first.idents.end());
        return EvalFieldChain(dot, v, first, rest, cmd, final);
      }
      default: break;
    }
    node_ = &first;
    NotAFunction(cmd, final);
    switch (first.type) {
      case NodeType::kBool: case NodeType::kNumber: case NodeType::kString: return *first.literal;
      case NodeType::kDot: return dot;
      case NodeType::kNil: Fail("nil is not a command");
      default: Fail("can't evaluate command");
    }
  }

  // Evaluates one argument node to a value.
  Value EvalArgNode(const Value& dot, const Node& n) {
    node_ = &n;
    switch (n.type) {
      case NodeType::kDot: return dot;
      case NodeType::kNil: return Value::Nil();
      case NodeType::kField: return EvalFieldChain(dot, dot, n, n.idents, nullptr, nullptr);
      case NodeType::kVariable: {
        Value v = VarValue(n.idents[0]);
        if (n.idents.size() == 1) return v;
        std::vector<std::string> rest(n.idents.begin() + 1, n.idents.end());
        return EvalFieldChain(dot, v, n, rest, nullptr, nullptr);
      }
      case NodeType::kPipe: {
        Value v = EvalPipeline(dot, n);
        return v;
      }
      case NodeType::kIdentifier: {
        Node fake;
        fake.type = NodeType::kCommand;
        fake.pos = n.pos;
        return EvalFunctionNoArgs(dot, n);
      }
      case NodeType::kChain: {
        Value base = EvalArgNode(dot, *n.pipe);
        node_ = &n;
        return EvalFieldChain(dot, base, n, n.idents, nullptr, nullptr);
      }
      case NodeType::kBool: case NodeType::kNumber: case NodeType::kString: return *n.literal;
      default: Fail("can't handle " + NodeString(n) + " for arg");
    }
  }

  Value EvalFieldChain(const Value& dot, Value receiver, const Node& node, const std::vector<std::string>& idents,
                       const Node* cmd, const Value* final) {
    for (size_t k = 0; k + 1 < idents.size(); ++k) receiver = EvalField(dot, idents[k], node, nullptr, nullptr, receiver);
    return EvalField(dot, idents.back(), node, cmd, final, receiver);
  }
  Value EvalFieldChain(const Value& dot, Value receiver, const Node& node, const std::vector<std::string>& idents,
                       const Node& cmd, const Value* final) {
    return EvalFieldChain(dot, receiver, node, idents, &cmd, final);
  }

  Value EvalField(const Value& dot, const std::string& name, const Node& node, const Node* cmd, const Value* final,
                  const Value& receiver) {
    Step();
    bool has_args = (cmd != nullptr && cmd->nodes.size() > 1) || final != nullptr;
    switch (receiver.type) {
      case Type::kInvalid:
        return Value::Invalid();
      case Type::kNil:
        Fail("nil pointer evaluating interface {}." + name);
      case Type::kMap: {
        if (has_args) Fail(name + " is not a method but has arguments");
        auto it = receiver.map->find(name);
        if (it == receiver.map->end()) {
          if (st_.missing_key_error) Fail("map has no entry for key \"" + name + "\"");
          return Value::Nil();  // missingkey=zero
        }
        return it->second.type == Type::kInvalid ? Value::Nil() : it->second;
      }
      case Type::kObject: {
        if (receiver.obj->HasMethod(name)) {
          std::vector<Value> args;
          if (cmd != nullptr) {
            for (size_t k = 1; k < cmd->nodes.size(); ++k) args.push_back(EvalArgNode(dot, *cmd->nodes[k]));
          }
          if (final != nullptr) args.push_back(*final);
          node_ = &node;
          try {
            return receiver.obj->CallMethod(name, args);
          } catch (const FuncError& e) {
            Fail("error calling " + name + ": " + e.what());
          }
        }
        Value out;
        if (receiver.obj->Field(name, &out)) {
          if (has_args) Fail(name + " has arguments but cannot be invoked as function");
          return out;
        }
        Fail("can't evaluate field " + name + " in type " + receiver.obj->TypeName());
      }
      default:
        Fail("can't evaluate field " + name + " in type " + TypeName(receiver));
    }
  }

  Value EvalFunctionNoArgs(const Value& dot, const Node& ident) {
    Node cmd;
    cmd.type = NodeType::kCommand;
    cmd.pos = ident.pos;
    cmd.nodes.push_back(const_cast<Node*>(&ident));
    return EvalFunction(dot, ident, cmd, nullptr);
  }

  Value EvalFunction(const Value& dot, const Node& ident, const Node& cmd, const Value* final) {
    node_ = &ident;
    const std::string& name = ident.text;
    if (name == "and" || name == "or") {
      size_t n = cmd.nodes.size() - 1 + (final ? 1 : 0);
      if (n < 1) { node_ = &cmd; Fail("wrong number of args for " + name + ": want at least 1 got 0"); }
      Value v;
      for (size_t k = 1; k < cmd.nodes.size(); ++k) {
        v = EvalArgNode(dot, *cmd.nodes[k]);
        if (v.type == Type::kInvalid) v = Value::Nil();
        bool t = IsTrue(v);
        if (name == "and" ? !t : t) return v;
      }
      if (final) {
        v = *final;
        if (v.type == Type::kInvalid) v = Value::Nil();
      }
      return v;
    }
    const Func* fn = set_.funcs() ? set_.funcs()->Find(name) : nullptr;
    if (fn == nullptr) Fail("\"" + name + "\" is not a defined function");
    std::vector<Value> args;
    args.reserve(cmd.nodes.size());
    for (size_t k = 1; k < cmd.nodes.size(); ++k) {
      Value a = EvalArgNode(dot, *cmd.nodes[k]);
      if (a.type == Type::kInvalid) a = Value::Nil();
      args.push_back(std::move(a));
    }
    if (final) {
      Value a = *final;
      if (a.type == Type::kInvalid) a = Value::Nil();
      args.push_back(std::move(a));
    }
    node_ = &cmd;
    Executor ex(set_, st_);
    try {
      return (*fn)(ex, args);
    } catch (const FuncError& e) {
      node_ = &cmd;
      Fail("error calling " + name + ": " + e.what());
    }
  }

  const TemplateSet& set_;
  ExecState& st_;
  const Tree* tree_;
  std::string* out_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* node_ = nullptr;
};

}  // namespace

void Execute(const TemplateSet& set, std::string_view name, const Value& dot, ExecState& state, std::string* out) {
  const Tree* t = set.Find(name);
  if (t == nullptr) throw std::runtime_error("template: no template \"" + std::string(name) + "\"");
  if (++state.depth > state.limits.max_depth) {
    --state.depth;
    throw ExecError("template: " + std::string(name) + ": exceeded maximum template depth (" +
                        std::to_string(state.limits.max_depth) + ")",
                    std::string(name), "exceeded maximum template depth");
  }
  State s(set, state, t, out);
  try {
    s.Run(dot);
  } catch (...) {
    --state.depth;
    throw;
  }
  --state.depth;
}

}  // namespace capstan::gotemplate
