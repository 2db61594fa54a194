// A bounded CEL subset: tokenizer, Pratt parser, tree-walking evaluator.
#include "validate/cel.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>

#include "validate/pattern.h"
#include "validate/value.h"

namespace capstan::validate {

namespace {

constexpr size_t kMaxRuleBytes = 16 << 10;
constexpr int kMaxDepth = 64;
constexpr int64_t kMaxSteps = 200000;

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Tok { kEnd, kIdent, kInt, kDouble, kString, kOp };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
};

std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      std::string word(s.substr(i, j - i));
      if ((word == "r" || word == "R") && j < s.size() && (s[j] == '\'' || s[j] == '"'))
        throw Unsupported("raw strings");
      out.push_back({Tok::kIdent, word});
      i = j;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      bool dbl = false;
      if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        j += 2;
        while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j]))) ++j;
      } else {
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        if (j + 1 < s.size() && s[j] == '.' && std::isdigit(static_cast<unsigned char>(s[j + 1]))) {
          dbl = true;
          ++j;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
        if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
          dbl = true;
          ++j;
          if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
      }
      std::string num(s.substr(i, j - i));
      if (j < s.size() && (s[j] == 'u' || s[j] == 'U')) ++j;  // uint literal: same value
      out.push_back({dbl ? Tok::kDouble : Tok::kInt, num});
      i = j;
      continue;
    }
    if (c == '\'' || c == '"') {
      if (s.substr(i, 3) == "'''" || s.substr(i, 3) == "\"\"\"") throw Unsupported("triple-quoted strings");
      std::string v;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          char e = s[++j];
          switch (e) {
            case 'n': v += '\n'; break;
            case 't': v += '\t'; break;
            case 'r': v += '\r'; break;
            case '\\': case '\'': case '"': v += e; break;
            default: throw Unsupported("string escape \\" + std::string(1, e));
          }
        } else {
          v += s[j];
        }
      }
      if (j >= s.size()) throw Unsupported("unterminated string");
      out.push_back({Tok::kString, v});
      i = j + 1;
      continue;
    }
    static constexpr std::string_view kTwo[] = {"&&", "||", "==", "!=", "<=", ">="};
    bool two = false;
    for (std::string_view op : kTwo) {
      if (s.substr(i, 2) == op) {
        out.push_back({Tok::kOp, std::string(op)});
        i += 2;
        two = true;
        break;
      }
    }
    if (two) continue;
    if (std::string_view("!<>+-*/%().,[]?:{}").find(c) != std::string_view::npos) {
      out.push_back({Tok::kOp, std::string(1, c)});
      ++i;
      continue;
    }
    throw Unsupported(std::string("character '") + c + "'");
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

}  // namespace

struct CelExpr {
  enum Kind { kLiteral, kIdent, kSelect, kHas, kIndex, kCall, kUnary, kBinary, kTernary, kList, kMacro } kind;
  std::string name;          // ident, field, function, operator, macro
  yaml::Node literal;        // kLiteral
  std::string var;           // macro variable
  std::vector<std::unique_ptr<CelExpr>> args;  // operands; for calls with a target, args[0] is the target
  bool has_target = false;
};

namespace {

using ExprPtr = std::unique_ptr<CelExpr>;

ExprPtr Make(CelExpr::Kind k, std::string name = "") {
  auto e = std::make_unique<CelExpr>();
  e->kind = k;
  e->name = std::move(name);
  return e;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  ExprPtr Parse() {
    ExprPtr e = Expr(0);
    if (Peek().kind != Tok::kEnd) throw Unsupported("unexpected '" + Peek().text + "'");
    return e;
  }
  bool uses_old_self = false;

 private:
  const Token& Peek() const { return t_[pos_]; }
  bool IsOp(std::string_view op) const { return Peek().kind == Tok::kOp && Peek().text == op; }
  void Expect(std::string_view op) {
    if (!IsOp(op)) throw Unsupported("expected '" + std::string(op) + "'");
    ++pos_;
  }
  struct Depth {
    Parser* p;
    explicit Depth(Parser* parser) : p(parser) {
      if (++p->depth_ > kMaxDepth) throw Unsupported("expression nested too deeply");
    }
    ~Depth() { --p->depth_; }
  };

  ExprPtr Expr(int) {
    Depth d(this);
    ExprPtr cond = Or();
    if (!IsOp("?")) return cond;
    ++pos_;
    ExprPtr a = Expr(0);
    Expect(":");
    ExprPtr b = Expr(0);
    ExprPtr e = Make(CelExpr::kTernary);
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }
  ExprPtr Binary(ExprPtr l, const std::string& op, ExprPtr r) {
    ExprPtr e = Make(CelExpr::kBinary, op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }
  ExprPtr Or() {
    ExprPtr l = And();
    while (IsOp("||")) {
      ++pos_;
      l = Binary(std::move(l), "||", And());
    }
    return l;
  }
  ExprPtr And() {
    ExprPtr l = Relation();
    while (IsOp("&&")) {
      ++pos_;
      l = Binary(std::move(l), "&&", Relation());
    }
    return l;
  }
  ExprPtr Relation() {
    ExprPtr l = Additive();
    while (true) {
      std::string op;
      if (Peek().kind == Tok::kOp && (Peek().text == "==" || Peek().text == "!=" || Peek().text == "<" ||
                                      Peek().text == "<=" || Peek().text == ">" || Peek().text == ">="))
        op = Peek().text;
      else if (Peek().kind == Tok::kIdent && Peek().text == "in")
        op = "in";
      else
        return l;
      ++pos_;
      l = Binary(std::move(l), op, Additive());
    }
  }
  ExprPtr Additive() {
    ExprPtr l = Multiplicative();
    while (IsOp("+") || IsOp("-")) {
      std::string op = Peek().text;
      ++pos_;
      l = Binary(std::move(l), op, Multiplicative());
    }
    return l;
  }
  ExprPtr Multiplicative() {
    ExprPtr l = Unary();
    while (IsOp("*") || IsOp("/") || IsOp("%")) {
      std::string op = Peek().text;
      ++pos_;
      l = Binary(std::move(l), op, Unary());
    }
    return l;
  }
  ExprPtr Unary() {
    Depth d(this);
    if (IsOp("!") || IsOp("-")) {
      std::string op = Peek().text;
      ++pos_;
      ExprPtr e = Make(CelExpr::kUnary, op);
      e->args.push_back(Unary());
      return e;
    }
    return Member();
  }
  ExprPtr Member() {
    ExprPtr e = Primary();
    while (true) {
      if (IsOp(".")) {
        ++pos_;
        if (Peek().kind != Tok::kIdent) throw Unsupported("expected a field name after '.'");
        std::string name = Peek().text;
        ++pos_;
        if (IsOp("(")) {
          ++pos_;
          if (name == "all" || name == "exists" || name == "exists_one") {
            if (Peek().kind != Tok::kIdent) throw Unsupported("macro variable");
            ExprPtr m = Make(CelExpr::kMacro, name);
            m->var = Peek().text;
            ++pos_;
            Expect(",");
            m->args.push_back(std::move(e));
            m->args.push_back(Expr(0));
            Expect(")");
            e = std::move(m);
            continue;
          }
          ExprPtr call = Make(CelExpr::kCall, name);
          call->has_target = true;
          call->args.push_back(std::move(e));
          Args(call.get());
          e = std::move(call);
        } else {
          ExprPtr sel = Make(CelExpr::kSelect, name);
          sel->args.push_back(std::move(e));
          e = std::move(sel);
        }
      } else if (IsOp("[")) {
        ++pos_;
        ExprPtr idx = Make(CelExpr::kIndex);
        idx->args.push_back(std::move(e));
        idx->args.push_back(Expr(0));
        Expect("]");
        e = std::move(idx);
      } else {
        return e;
      }
    }
  }
  void Args(CelExpr* call) {
    if (IsOp(")")) {
      ++pos_;
      return;
    }
    while (true) {
      call->args.push_back(Expr(0));
      if (IsOp(")")) {
        ++pos_;
        return;
      }
      Expect(",");
    }
  }
  ExprPtr Primary() {
    Depth d(this);
    const Token tok = Peek();
    ++pos_;
    switch (tok.kind) {
      case Tok::kInt: {
        ExprPtr e = Make(CelExpr::kLiteral);
        errno = 0;
        long long v = std::strtoll(tok.text.c_str(), nullptr, 0);
        if (errno == ERANGE) throw Unsupported("integer literal out of range");
        e->literal = yaml::Node::Int(v);
        return e;
      }
      case Tok::kDouble: {
        ExprPtr e = Make(CelExpr::kLiteral);
        e->literal = yaml::Node::Float(std::strtod(tok.text.c_str(), nullptr));
        return e;
      }
      case Tok::kString: {
        ExprPtr e = Make(CelExpr::kLiteral);
        e->literal = yaml::Node::String(tok.text);
        return e;
      }
      case Tok::kIdent: {
        if (tok.text == "true" || tok.text == "false") {
          ExprPtr e = Make(CelExpr::kLiteral);
          e->literal = yaml::Node::Bool(tok.text == "true");
          return e;
        }
        if (tok.text == "null") {
          ExprPtr e = Make(CelExpr::kLiteral);
          e->literal = yaml::Node::Null();
          return e;
        }
        if (IsOp("(")) {
          ++pos_;
          if (tok.text == "has") {
            ExprPtr arg = Expr(0);
            Expect(")");
            if (arg->kind != CelExpr::kSelect) throw Unsupported("has() needs a field selection");
            arg->kind = CelExpr::kHas;
            return arg;
          }
          ExprPtr call = Make(CelExpr::kCall, tok.text);
          Args(call.get());
          return call;
        }
        if (tok.text == "oldSelf") uses_old_self = true;
        return Make(CelExpr::kIdent, tok.text);
      }
      case Tok::kOp:
        if (tok.text == "(") {
          ExprPtr e = Expr(0);
          Expect(")");
          return e;
        }
        if (tok.text == "[") {
          ExprPtr list = Make(CelExpr::kList);
          if (IsOp("]")) {
            ++pos_;
            return list;
          }
          while (true) {
            list->args.push_back(Expr(0));
            if (IsOp("]")) {
              ++pos_;
              return list;
            }
            Expect(",");
          }
        }
        throw Unsupported("unexpected '" + tok.text + "'");
      case Tok::kEnd:
        break;
    }
    throw Unsupported("unexpected end of rule");
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  int depth_ = 0;
};

// --- evaluation ------------------------------------------------------------

struct Value {
  JsonType type = JsonType::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  const yaml::Node* node = nullptr;            // list or map from the object
  bool yaml11 = false;                          // how *node reads
  std::shared_ptr<std::vector<Value>> items;   // list literal
};

Value FromNode(const yaml::Node& n, bool yaml11) {
  Value v;
  v.type = TypeOf(n, yaml11);
  v.yaml11 = yaml11;
  switch (v.type) {
    case JsonType::kBool: v.b = BoolOf(n, yaml11); break;
    case JsonType::kInt: {
      double d = NumberOf(n, yaml11);
      if (!(d >= -9.2e18 && d <= 9.2e18)) throw EvalError("integer out of range");
      v.i = static_cast<int64_t>(d);
      break;
    }
    case JsonType::kFloat: v.d = NumberOf(n, yaml11); break;
    case JsonType::kString: v.s = n.value; break;
    case JsonType::kArray:
    case JsonType::kObject: v.node = &n; break;
    case JsonType::kNull: break;
  }
  return v;
}

Value Bool(bool b) {
  Value v;
  v.type = JsonType::kBool;
  v.b = b;
  return v;
}
Value Int(int64_t i) {
  Value v;
  v.type = JsonType::kInt;
  v.i = i;
  return v;
}
Value Dbl(double d) {
  Value v;
  v.type = JsonType::kFloat;
  v.d = d;
  return v;
}
Value Str(std::string s) {
  Value v;
  v.type = JsonType::kString;
  v.s = std::move(s);
  return v;
}

size_t ListSize(const Value& v) { return v.items ? v.items->size() : v.node->items.size(); }
Value ListAt(const Value& v, size_t i) { return v.items ? (*v.items)[i] : FromNode(v.node->items[i], v.yaml11); }

const yaml::Node* MapGet(const Value& v, std::string_view key) {
  std::string buf;
  for (const yaml::Field& f : v.node->fields)
    if (KeyText(f.key, v.yaml11, &buf) == key) return &f.value;
  return nullptr;
}

bool Equal(const Value& a, const Value& b, int depth = 0) {
  if (depth > kMaxDepth) throw EvalError("values nested too deeply");
  bool an = a.type == JsonType::kInt || a.type == JsonType::kFloat;
  bool bn = b.type == JsonType::kInt || b.type == JsonType::kFloat;
  if (an && bn) {
    if (a.type == JsonType::kInt && b.type == JsonType::kInt) return a.i == b.i;
    return (a.type == JsonType::kInt ? static_cast<double>(a.i) : a.d) ==
           (b.type == JsonType::kInt ? static_cast<double>(b.i) : b.d);
  }
  if (a.type != b.type) return false;
  switch (a.type) {
    case JsonType::kNull: return true;
    case JsonType::kBool: return a.b == b.b;
    case JsonType::kString: return a.s == b.s;
    case JsonType::kArray: {
      if (ListSize(a) != ListSize(b)) return false;
      for (size_t i = 0; i < ListSize(a); ++i)
        if (!Equal(ListAt(a, i), ListAt(b, i), depth + 1)) return false;
      return true;
    }
    case JsonType::kObject: return Canonical(*a.node, a.yaml11) == Canonical(*b.node, b.yaml11);
    default: return false;
  }
}

struct Evaluator {
  bool yaml11;
  int64_t steps = 0;
  int depth = 0;
  std::map<std::string, Value, std::less<>> vars;

  Value Eval(const CelExpr& e) {
    if (++steps > kMaxSteps) throw EvalError("evaluation exceeded its cost budget");
    if (++depth > kMaxDepth * 2) throw EvalError("evaluation nested too deeply");
    struct Leave {
      int* d;
      ~Leave() { --*d; }
    } leave{&depth};
    switch (e.kind) {
      case CelExpr::kLiteral: return FromNode(e.literal, false);
      case CelExpr::kIdent: {
        auto it = vars.find(e.name);
        if (it == vars.end()) throw Unsupported("identifier " + e.name);
        return it->second;
      }
      case CelExpr::kSelect:
      case CelExpr::kHas: {
        Value obj = Eval(*e.args[0]);
        if (obj.type != JsonType::kObject) throw EvalError("no such key: " + e.name);
        const yaml::Node* f = MapGet(obj, e.name);
        if (e.kind == CelExpr::kHas) return Bool(f != nullptr);
        if (f == nullptr) throw EvalError("no such key: " + e.name);
        return FromNode(*f, obj.yaml11);
      }
      case CelExpr::kIndex: {
        Value obj = Eval(*e.args[0]);
        Value idx = Eval(*e.args[1]);
        if (obj.type == JsonType::kArray && idx.type == JsonType::kInt) {
          if (idx.i < 0 || static_cast<size_t>(idx.i) >= ListSize(obj)) throw EvalError("index out of range");
          return ListAt(obj, static_cast<size_t>(idx.i));
        }
        if (obj.type == JsonType::kObject && idx.type == JsonType::kString) {
          const yaml::Node* f = MapGet(obj, idx.s);
          if (f == nullptr) throw EvalError("no such key: " + idx.s);
          return FromNode(*f, obj.yaml11);
        }
        throw EvalError("invalid index");
      }
      case CelExpr::kList: {
        Value v;
        v.type = JsonType::kArray;
        v.items = std::make_shared<std::vector<Value>>();
        for (const auto& a : e.args) v.items->push_back(Eval(*a));
        return v;
      }
      case CelExpr::kTernary: {
        Value c = Eval(*e.args[0]);
        if (c.type != JsonType::kBool) throw EvalError("no matching overload for _?_:_");
        return Eval(*e.args[c.b ? 1 : 2]);
      }
      case CelExpr::kUnary: {
        Value v = Eval(*e.args[0]);
        if (e.name == "!") {
          if (v.type != JsonType::kBool) throw EvalError("no matching overload for !_");
          return Bool(!v.b);
        }
        if (v.type == JsonType::kInt) {
          if (v.i == std::numeric_limits<int64_t>::min()) throw EvalError("integer overflow");
          return Int(-v.i);
        }
        if (v.type == JsonType::kFloat) return Dbl(-v.d);
        throw EvalError("no matching overload for -_");
      }
      case CelExpr::kBinary: return EvalBinary(e);
      case CelExpr::kCall: return EvalCall(e);
      case CelExpr::kMacro: return EvalMacro(e);
    }
    throw Unsupported("expression");
  }

  Value EvalBinary(const CelExpr& e) {
    const std::string& op = e.name;
    if (op == "&&" || op == "||") {
      bool is_and = op == "&&";
      std::string left_error;
      Value l;
      try {
        l = Eval(*e.args[0]);
        if (l.type != JsonType::kBool) throw EvalError("no matching overload for " + op);
        if (l.b != is_and) return Bool(l.b);  // short circuit
      } catch (const EvalError& err) {
        left_error = err.what();
      }
      Value r = Eval(*e.args[1]);
      if (r.type != JsonType::kBool) throw EvalError("no matching overload for " + op);
      if (r.b != is_and) return Bool(r.b);
      if (!left_error.empty()) throw EvalError(left_error);
      return Bool(is_and);
    }
    Value l = Eval(*e.args[0]);
    Value r = Eval(*e.args[1]);
    if (op == "==") return Bool(Equal(l, r));
    if (op == "!=") return Bool(!Equal(l, r));
    if (op == "in") {
      if (r.type == JsonType::kArray) {
        for (size_t i = 0; i < ListSize(r); ++i)
          if (Equal(l, ListAt(r, i))) return Bool(true);
        return Bool(false);
      }
      if (r.type == JsonType::kObject && l.type == JsonType::kString) return Bool(MapGet(r, l.s) != nullptr);
      throw EvalError("no matching overload for _in_");
    }
    bool ints = l.type == JsonType::kInt && r.type == JsonType::kInt;
    bool nums = (l.type == JsonType::kInt || l.type == JsonType::kFloat) &&
                (r.type == JsonType::kInt || r.type == JsonType::kFloat);
    auto dl = [&] { return l.type == JsonType::kInt ? static_cast<double>(l.i) : l.d; };
    auto dr = [&] { return r.type == JsonType::kInt ? static_cast<double>(r.i) : r.d; };
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      int cmp;
      if (ints) cmp = l.i < r.i ? -1 : l.i > r.i ? 1 : 0;
      else if (nums) cmp = dl() < dr() ? -1 : dl() > dr() ? 1 : 0;
      else if (l.type == JsonType::kString && r.type == JsonType::kString) cmp = l.s.compare(r.s) < 0 ? -1 : l.s == r.s ? 0 : 1;
      else throw EvalError("no matching overload for " + op);
      if (op == "<") return Bool(cmp < 0);
      if (op == "<=") return Bool(cmp <= 0);
      if (op == ">") return Bool(cmp > 0);
      return Bool(cmp >= 0);
    }
    if (ints) {
      int64_t out = 0;
      if (op == "+" && !__builtin_add_overflow(l.i, r.i, &out)) return Int(out);
      if (op == "-" && !__builtin_sub_overflow(l.i, r.i, &out)) return Int(out);
      if (op == "*" && !__builtin_mul_overflow(l.i, r.i, &out)) return Int(out);
      if (op == "/" || op == "%") {
        if (r.i == 0) throw EvalError(op == "/" ? "division by zero" : "modulus by zero");
        if (l.i == std::numeric_limits<int64_t>::min() && r.i == -1) throw EvalError("integer overflow");
        return Int(op == "/" ? l.i / r.i : l.i % r.i);
      }
      throw EvalError("integer overflow");
    }
    if (l.type == JsonType::kFloat && r.type == JsonType::kFloat) {
      if (op == "+") return Dbl(l.d + r.d);
      if (op == "-") return Dbl(l.d - r.d);
      if (op == "*") return Dbl(l.d * r.d);
      if (op == "/") return Dbl(l.d / r.d);
    }
    if (op == "+" && l.type == JsonType::kString && r.type == JsonType::kString) {
      if (l.s.size() + r.s.size() > (1u << 20)) throw EvalError("string too long");
      return Str(l.s + r.s);
    }
    throw EvalError("no matching overload for _" + op + "_");
  }

  Value EvalCall(const CelExpr& e) {
    std::vector<Value> a;
    for (const auto& arg : e.args) a.push_back(Eval(*arg));
    const std::string& f = e.name;
    auto need = [&](size_t n) {
      if (a.size() != n) throw Unsupported(f + "() with " + std::to_string(a.size()) + " argument(s)");
    };
    if (f == "size") {
      need(1);
      const Value& v = a[0];
      if (v.type == JsonType::kString) {
        int64_t n = 0;
        for (unsigned char c : v.s) n += (c & 0xC0) != 0x80;
        return Int(n);
      }
      if (v.type == JsonType::kArray) return Int(static_cast<int64_t>(ListSize(v)));
      if (v.type == JsonType::kObject) return Int(static_cast<int64_t>(v.node->fields.size()));
      throw EvalError("no matching overload for size");
    }
    if (f == "startsWith" || f == "endsWith" || f == "contains" || f == "matches") {
      if (!e.has_target) throw Unsupported(f + "() without a target");
      need(2);
      if (a[0].type != JsonType::kString || a[1].type != JsonType::kString) throw EvalError("no matching overload for " + f);
      const std::string& s = a[0].s;
      const std::string& p = a[1].s;
      if (f == "startsWith") return Bool(s.rfind(p, 0) == 0);
      if (f == "endsWith") return Bool(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
      if (f == "contains") return Bool(s.find(p) != std::string::npos);
      try {
        return Bool(Pattern(p).Search(s));
      } catch (const std::runtime_error& err) {
        throw EvalError(err.what());
      }
    }
    if (f == "int" && !e.has_target) {
      need(1);
      if (a[0].type == JsonType::kInt) return a[0];
      if (a[0].type == JsonType::kFloat) {
        if (!(a[0].d > -9.2e18 && a[0].d < 9.2e18)) throw EvalError("integer overflow");
        return Int(static_cast<int64_t>(a[0].d));
      }
      if (a[0].type == JsonType::kString) {
        errno = 0;
        char* end = nullptr;
        long long v = std::strtoll(a[0].s.c_str(), &end, 10);
        if (errno || a[0].s.empty() || *end != '\0') throw EvalError("cannot convert to int");
        return Int(v);
      }
      throw EvalError("no matching overload for int");
    }
    if (f == "double" && !e.has_target) {
      need(1);
      if (a[0].type == JsonType::kInt) return Dbl(static_cast<double>(a[0].i));
      if (a[0].type == JsonType::kFloat) return a[0];
      throw EvalError("no matching overload for double");
    }
    if (f == "string" && !e.has_target) {
      need(1);
      if (a[0].type == JsonType::kString) return a[0];
      if (a[0].type == JsonType::kInt) return Str(std::to_string(a[0].i));
      if (a[0].type == JsonType::kBool) return Str(a[0].b ? "true" : "false");
      throw EvalError("no matching overload for string");
    }
    throw Unsupported("function " + f + "()");
  }

  Value EvalMacro(const CelExpr& e) {
    Value range = Eval(*e.args[0]);
    std::vector<Value> elems;
    if (range.type == JsonType::kArray) {
      for (size_t i = 0; i < ListSize(range); ++i) elems.push_back(ListAt(range, i));
    } else if (range.type == JsonType::kObject) {
      std::string buf;
      for (const yaml::Field& f : range.node->fields) elems.push_back(Str(std::string(KeyText(f.key, range.yaml11, &buf))));
    } else {
      throw EvalError("no matching overload for " + e.name);
    }
    auto saved = vars.find(e.var) != vars.end() ? std::optional<Value>(vars[e.var]) : std::nullopt;
    size_t true_count = 0;
    std::string first_error;
    bool decided = false, result = e.name == "all";
    for (const Value& el : elems) {
      vars[e.var] = el;
      try {
        Value r = Eval(*e.args[1]);
        if (r.type != JsonType::kBool) throw EvalError("macro predicate is not a bool");
        if (r.b) ++true_count;
        if (e.name == "all" && !r.b) { decided = true; result = false; break; }
        if (e.name == "exists" && r.b) { decided = true; result = true; break; }
      } catch (const EvalError& err) {
        if (first_error.empty()) first_error = err.what();
      }
    }
    if (saved) vars[e.var] = *saved;
    else vars.erase(e.var);
    if (decided) return Bool(result);
    if (!first_error.empty()) throw EvalError(first_error);
    if (e.name == "all") return Bool(true);
    if (e.name == "exists") return Bool(false);
    return Bool(true_count == 1);
  }
};

}  // namespace

CelProgram::~CelProgram() = default;

std::shared_ptr<const CelProgram> CelProgram::Compile(std::string_view rule) {
  auto p = std::make_shared<CelProgram>();
  try {
    if (rule.size() > kMaxRuleBytes) throw Unsupported("rule longer than 16 KiB");
    Parser parser(Lex(rule));
    p->root_ = parser.Parse();
    if (parser.uses_old_self) {
      p->transition_ = true;
      p->root_ = nullptr;
      p->reason_ = "transition rule (oldSelf)";
    }
  } catch (const Unsupported& e) {
    p->root_ = nullptr;
    p->reason_ = e.what();
  }
  return p;
}

CelProgram::Outcome CelProgram::Evaluate(const yaml::Node& value, bool yaml11, std::string* error) const {
  if (root_ == nullptr) {
    *error = reason_;
    return Outcome::kUnsupported;
  }
  Evaluator ev{yaml11};
  try {
    ev.vars["self"] = FromNode(value, yaml11);
    Value r = ev.Eval(*root_);
    if (r.type != JsonType::kBool) {
      *error = "rule did not evaluate to a bool";
      return Outcome::kError;
    }
    return r.b ? Outcome::kTrue : Outcome::kFalse;
  } catch (const EvalError& e) {
    *error = e.what();
    return Outcome::kError;
  } catch (const Unsupported& e) {
    *error = e.what();
    return Outcome::kUnsupported;
  }
}

}  // namespace capstan::validate
