#include "notify/expr.h"

#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <vector>

namespace capstan::notify {

using yaml::Node;

// --- syntax tree ---------------------------------------------------------------

struct ExprNode {
  enum Kind { kLiteral, kIdent, kMember, kIndex, kCall, kUnary, kBinary, kList } kind;
  std::string text;  // identifier, member name, operator
  bool optional = false;  // ?.
  int column = 0;
  // literal
  enum LitType { kNil, kBool, kNum, kStr } lit = kNil;
  bool b = false;
  double num = 0;
  std::vector<std::shared_ptr<ExprNode>> kids;
};

namespace {

using P = std::shared_ptr<ExprNode>;

struct Token {
  enum T { kEnd, kNum, kStr, kIdent, kOp } t = kEnd;
  std::string s;
  double num = 0;
  int col = 0;
};

[[noreturn]] void Fail(const std::string& what, int col) {
  throw ExprError("expr: " + what + " at column " + std::to_string(col));
}

std::vector<Token> Lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    int col = static_cast<int>(i) + 1;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token t;
    t.col = col;
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) ++j;
      std::string digits;
      for (size_t k = i; k < j; ++k)
        if (s[k] != '_') digits += s[k];
      t.t = Token::kNum;
      try {
        t.num = std::stod(digits);
      } catch (const std::exception&) {
        Fail("bad number \"" + digits + "\"", col);
      }
      i = j;
    } else if (c == '\'' || c == '"') {
      std::string v;
      size_t j = i + 1;
      for (; j < s.size() && s[j] != c; ++j) {
        if (s[j] == '\\' && j + 1 < s.size()) {
          char e = s[++j];
          v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          v += s[j];
        }
      }
      if (j >= s.size()) Fail("unterminated string", col);
      t.t = Token::kStr;
      t.s = v;
      i = j + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '$')) ++j;
      t.t = Token::kIdent;
      t.s = s.substr(i, j - i);
      i = j;
    } else {
      static const char* ops[] = {"?.", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", ",", ".",
                                  "<",  ">",  "!",  "+",  "-",  "*",  "/",  "%"};
      bool found = false;
      for (const char* op : ops) {
        size_t n = std::strlen(op);
        if (s.compare(i, n, op) == 0) {
          t.t = Token::kOp;
          t.s = op;
          i += n;
          found = true;
          break;
        }
      }
      if (!found) Fail(std::string("unsupported character '") + c + "'", col);
    }
    out.push_back(t);
  }
  Token end;
  end.col = static_cast<int>(s.size()) + 1;
  out.push_back(end);
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}
  P Parse() {
    P e = Or();
    if (t_[i_].t != Token::kEnd) Fail("unexpected \"" + t_[i_].s + "\"", t_[i_].col);
    return e;
  }

 private:
  bool IsOp(const std::string& s) const { return t_[i_].t == Token::kOp && t_[i_].s == s; }
  bool IsWord(const std::string& s) const { return t_[i_].t == Token::kIdent && t_[i_].s == s; }
  P Make(ExprNode::Kind k, const std::string& text, int col, std::vector<P> kids = {}) {
    auto n = std::make_shared<ExprNode>();
    n->kind = k;
    n->text = text;
    n->column = col;
    n->kids = std::move(kids);
    return n;
  }
  void Enter() {
    if (++depth_ > 100) Fail("expression nested too deeply", t_[i_].col);
  }
  P Or() {
    Enter();
    P l = And();
    while (IsOp("||") || IsWord("or")) {
      int col = t_[i_++].col;
      l = Make(ExprNode::kBinary, "or", col, {l, And()});
    }
    --depth_;
    return l;
  }
  P And() {
    P l = Not();
    while (IsOp("&&") || IsWord("and")) {
      int col = t_[i_++].col;
      l = Make(ExprNode::kBinary, "and", col, {l, Not()});
    }
    return l;
  }
  P Not() {
    if (IsOp("!") || IsWord("not")) {
      Enter();
      int col = t_[i_++].col;
      P n = Make(ExprNode::kUnary, "not", col, {Not()});
      --depth_;
      return n;
    }
    return Cmp();
  }
  P Cmp() {
    P l = Add();
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"})
      if (IsOp(op)) {
        int col = t_[i_++].col;
        return Make(ExprNode::kBinary, op, col, {l, Add()});
      }
    if (IsWord("in")) {
      int col = t_[i_++].col;
      return Make(ExprNode::kBinary, "in", col, {l, Add()});
    }
    if (IsWord("not") && t_[i_ + 1].t == Token::kIdent && t_[i_ + 1].s == "in") {
      int col = t_[i_].col;
      i_ += 2;
      return Make(ExprNode::kUnary, "not", col, {Make(ExprNode::kBinary, "in", col, {l, Add()})});
    }
    for (const char* op : {"contains", "startsWith", "endsWith"})
      if (IsWord(op)) {
        int col = t_[i_++].col;
        return Make(ExprNode::kBinary, op, col, {l, Add()});
      }
    for (const char* op : {"matches", "??", "?"})
      if (IsWord(op) || IsOp(op)) Fail(std::string("operator ") + op + " is not supported", t_[i_].col);
    return l;
  }
  P Add() {
    P l = Mul();
    while (IsOp("+") || IsOp("-")) {
      Token op = t_[i_++];
      l = Make(ExprNode::kBinary, op.s, op.col, {l, Mul()});
    }
    return l;
  }
  P Mul() {
    P l = Unary();
    while (IsOp("*") || IsOp("/") || IsOp("%")) {
      Token op = t_[i_++];
      l = Make(ExprNode::kBinary, op.s, op.col, {l, Unary()});
    }
    return l;
  }
  P Unary() {
    if (IsOp("-")) {
      Enter();
      int col = t_[i_++].col;
      P n = Make(ExprNode::kUnary, "-", col, {Unary()});
      --depth_;
      return n;
    }
    return Postfix();
  }
  P Postfix() {
    P e = Primary();
    while (true) {
      if (IsOp(".") || IsOp("?.")) {
        bool opt = t_[i_].s == "?.";
        int col = t_[i_++].col;
        if (t_[i_].t != Token::kIdent) Fail("expected a field name", t_[i_].col);
        e = Make(ExprNode::kMember, t_[i_++].s, col, {e});
        e->optional = opt;
      } else if (IsOp("[")) {
        Enter();
        int col = t_[i_++].col;
        P idx = Or();
        if (!IsOp("]")) Fail("expected ]", t_[i_].col);
        ++i_;
        --depth_;
        e = Make(ExprNode::kIndex, "[]", col, {e, idx});
      } else if (IsOp("(")) {
        Enter();
        int col = t_[i_++].col;
        std::vector<P> kids{e};
        if (!IsOp(")")) {
          kids.push_back(Or());
          while (IsOp(",")) {
            ++i_;
            kids.push_back(Or());
          }
        }
        if (!IsOp(")")) Fail("expected )", t_[i_].col);
        ++i_;
        --depth_;
        e = Make(ExprNode::kCall, "()", col, kids);
      } else {
        return e;
      }
    }
  }
  P Primary() {
    const Token& t = t_[i_];
    if (t.t == Token::kNum) {
      ++i_;
      P n = Make(ExprNode::kLiteral, "", t.col);
      n->lit = ExprNode::kNum;
      n->num = t.num;
      return n;
    }
    if (t.t == Token::kStr) {
      ++i_;
      P n = Make(ExprNode::kLiteral, t.s, t.col);
      n->lit = ExprNode::kStr;
      return n;
    }
    if (t.t == Token::kIdent) {
      ++i_;
      if (t.s == "true" || t.s == "false") {
        P n = Make(ExprNode::kLiteral, t.s, t.col);
        n->lit = ExprNode::kBool;
        n->b = t.s == "true";
        return n;
      }
      if (t.s == "nil") return Make(ExprNode::kLiteral, "nil", t.col);
      for (const char* kw : {"let", "map", "filter", "all", "any", "none", "one", "count", "reduce"})
        if (t.s == kw) Fail("\"" + t.s + "\" is not supported", t.col);
      return Make(ExprNode::kIdent, t.s, t.col);
    }
    if (IsOp("(")) {
      Enter();
      ++i_;
      P e = Or();
      if (!IsOp(")")) Fail("expected )", t_[i_].col);
      ++i_;
      --depth_;
      return e;
    }
    if (IsOp("[")) {
      Enter();
      int col = t_[i_++].col;
      std::vector<P> items;
      if (!IsOp("]")) {
        items.push_back(Or());
        while (IsOp(",")) {
          ++i_;
          items.push_back(Or());
        }
      }
      if (!IsOp("]")) Fail("expected ]", t_[i_].col);
      ++i_;
      --depth_;
      return Make(ExprNode::kList, "[]", col, items);
    }
    if (t.t == Token::kEnd) Fail("unexpected end of expression", t.col);
    Fail("unexpected \"" + t.s + "\"", t.col);
  }
  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
};

// --- values ----------------------------------------------------------------------

struct Value {
  enum T { kNil, kBool, kNum, kStr, kNode, kList, kTime, kDuration, kFunc, kNamespace } t = kNil;
  bool b = false;
  double num = 0;       // kNum; kTime/kDuration in nanoseconds
  std::string s;        // kStr; function or namespace name
  const Node* node = nullptr;
  std::vector<Value> list;  // kList; kFunc: [receiver]
};

Value FromNode(const Node* n) {
  Value v;
  if (!n || n->IsNull()) return v;
  if (n->IsBool()) {
    v.t = Value::kBool;
    v.b = n->AsBool();
  } else if (n->IsNumber()) {
    v.t = Value::kNum;
    v.num = n->AsFloat();
  } else if (n->IsScalar()) {
    v.t = Value::kStr;
    v.s = n->Str();
  } else {
    v.t = Value::kNode;
    v.node = n;
  }
  return v;
}

const char* TypeName(const Value& v) {
  switch (v.t) {
    case Value::kNil: return "nil";
    case Value::kBool: return "bool";
    case Value::kNum: return "number";
    case Value::kStr: return "string";
    case Value::kNode: return v.node->IsSeq() ? "array" : "map";
    case Value::kList: return "array";
    case Value::kTime: return "time.Time";
    case Value::kDuration: return "time.Duration";
    case Value::kFunc: return "function";
    case Value::kNamespace: return "package";
  }
  return "?";
}

// RFC 3339 ("2024-01-02T15:04:05Z", fractional seconds, +hh:mm offsets).
bool ParseTime(const std::string& s, double* ns) {
  struct tm tm = {};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return false;
  double frac = 0;
  if (*rest == '.') {
    double scale = 0.1;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) frac += (*rest - '0') * scale;
  }
  long offset = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int sign = *rest == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return false;
    offset = sign * (hh * 3600 + mm * 60);
    rest += 6;
  } else {
    return false;
  }
  if (*rest) return false;
  *ns = (static_cast<double>(timegm(&tm) - offset) + frac) * 1e9;
  return true;
}

class Evaluator {
 public:
  Evaluator(const Node& env, int64_t now) : env_(env), now_(now) {}

  Value Eval(const ExprNode& n) {
    switch (n.kind) {
      case ExprNode::kLiteral: {
        Value v;
        if (n.lit == ExprNode::kBool) {
          v.t = Value::kBool;
          v.b = n.b;
        } else if (n.lit == ExprNode::kNum) {
          v.t = Value::kNum;
          v.num = n.num;
        } else if (n.lit == ExprNode::kStr) {
          v.t = Value::kStr;
          v.s = n.text;
        }
        return v;
      }
      case ExprNode::kIdent: {
        if (const Node* f = env_.IsMap() ? env_.Get(n.text) : nullptr) return FromNode(f);
        if (n.text == "time") {
          Value v;
          v.t = Value::kNamespace;
          v.s = "time";
          return v;
        }
        if (n.text == "len") {
          Value v;
          v.t = Value::kFunc;
          v.s = "len";
          return v;
        }
        Fail("unknown name \"" + n.text + "\"", n.column);
      }
      case ExprNode::kList: {
        Value v;
        v.t = Value::kList;
        for (const auto& k : n.kids) v.list.push_back(Eval(*k));
        return v;
      }
      case ExprNode::kMember: return Member(Eval(*n.kids[0]), n.text, n.optional, n.column);
      case ExprNode::kIndex: {
        Value base = Eval(*n.kids[0]), idx = Eval(*n.kids[1]);
        if (idx.t == Value::kStr) return Member(base, idx.s, false, n.column);
        if (idx.t == Value::kNum) {
          if (base.t == Value::kNode && base.node->IsSeq()) {
            long i = static_cast<long>(idx.num);
            if (i < 0) i += static_cast<long>(base.node->items.size());
            if (i < 0 || i >= static_cast<long>(base.node->items.size())) Fail("index out of range", n.column);
            return FromNode(&base.node->items[i]);
          }
          if (base.t == Value::kList) {
            long i = static_cast<long>(idx.num);
            if (i < 0 || i >= static_cast<long>(base.list.size())) Fail("index out of range", n.column);
            return base.list[i];
          }
        }
        Fail(std::string("cannot index ") + TypeName(base) + " with " + TypeName(idx), n.column);
      }
      case ExprNode::kCall: return Call(n);
      case ExprNode::kUnary: {
        Value v = Eval(*n.kids[0]);
        if (n.text == "not") {
          if (v.t != Value::kBool) Fail(std::string("! needs a bool, not ") + TypeName(v), n.column);
          v.b = !v.b;
          return v;
        }
        if (v.t == Value::kNum || v.t == Value::kDuration) {
          v.num = -v.num;
          return v;
        }
        Fail(std::string("cannot negate ") + TypeName(v), n.column);
      }
      case ExprNode::kBinary: return Binary(n);
    }
    Fail("bad expression", n.column);
  }

 private:
  Value Member(const Value& base, const std::string& name, bool optional, int col) {
    if (base.t == Value::kNil) {
      if (optional) return Value{};
      Fail("cannot fetch " + name + " from nil", col);
    }
    if (base.t == Value::kNode) {
      if (!base.node->IsMap()) Fail("cannot fetch " + name + " from array", col);
      return FromNode(base.node->Get(name));
    }
    if (base.t == Value::kNamespace) {
      Value v;
      if (name == "Second" || name == "Minute" || name == "Hour" || name == "Millisecond") {
        v.t = Value::kDuration;
        v.num = name == "Second" ? 1e9 : name == "Minute" ? 60e9 : name == "Hour" ? 3600e9 : 1e6;
        return v;
      }
      if (name == "Parse" || name == "Now") {
        v.t = Value::kFunc;
        v.s = "time." + name;
        return v;
      }
      Fail("time." + name + " is not supported", col);
    }
    if (base.t == Value::kTime && (name == "Add" || name == "Before" || name == "After" || name == "Sub" ||
                                   name == "Unix" || name == "IsZero")) {
      Value v;
      v.t = Value::kFunc;
      v.s = "Time." + name;
      v.list.push_back(base);
      return v;
    }
    Fail("cannot fetch " + name + " from " + TypeName(base), col);
  }

  Value Call(const ExprNode& n) {
    Value f = Eval(*n.kids[0]);
    if (f.t != Value::kFunc) Fail(std::string("cannot call ") + TypeName(f), n.column);
    std::vector<Value> args;
    for (size_t i = 1; i < n.kids.size(); ++i) args.push_back(Eval(*n.kids[i]));
    auto want = [&](size_t count) {
      if (args.size() != count)
        Fail(f.s + " takes " + std::to_string(count) + " argument(s), not " + std::to_string(args.size()), n.column);
    };
    Value r;
    if (f.s == "len") {
      want(1);
      r.t = Value::kNum;
      if (args[0].t == Value::kStr) r.num = static_cast<double>(args[0].s.size());
      else if (args[0].t == Value::kList) r.num = static_cast<double>(args[0].list.size());
      else if (args[0].t == Value::kNode) r.num = static_cast<double>(args[0].node->size());
      else Fail(std::string("len of ") + TypeName(args[0]), n.column);
      return r;
    }
    if (f.s == "time.Now") {
      want(0);
      r.t = Value::kTime;
      r.num = static_cast<double>(now_) * 1e9;
      return r;
    }
    if (f.s == "time.Parse") {
      // time.Parse(s) as Argo CD's expr environment defines it (RFC 3339).
      if (args.size() == 2) args.erase(args.begin());  // layout ignored
      want(1);
      if (args[0].t != Value::kStr) Fail(std::string("time.Parse needs a string, not ") + TypeName(args[0]), n.column);
      r.t = Value::kTime;
      if (!ParseTime(args[0].s, &r.num)) Fail("time.Parse: \"" + args[0].s + "\" is not an RFC 3339 time", n.column);
      return r;
    }
    const Value& recv = f.list[0];
    if (f.s == "Time.Add") {
      want(1);
      if (args[0].t != Value::kDuration) Fail("Add needs a time.Duration", n.column);
      r = recv;
      r.num += args[0].num;
      return r;
    }
    if (f.s == "Time.Before" || f.s == "Time.After") {
      want(1);
      if (args[0].t != Value::kTime) Fail(f.s.substr(5) + " needs a time.Time", n.column);
      r.t = Value::kBool;
      r.b = f.s == "Time.Before" ? recv.num < args[0].num : recv.num > args[0].num;
      return r;
    }
    if (f.s == "Time.Sub") {
      want(1);
      if (args[0].t != Value::kTime) Fail("Sub needs a time.Time", n.column);
      r.t = Value::kDuration;
      r.num = recv.num - args[0].num;
      return r;
    }
    if (f.s == "Time.Unix") {
      want(0);
      r.t = Value::kNum;
      r.num = std::floor(recv.num / 1e9);
      return r;
    }
    if (f.s == "Time.IsZero") {
      want(0);
      r.t = Value::kBool;
      r.b = recv.num == 0;
      return r;
    }
    Fail("function " + f.s + " is not supported", n.column);
  }

  static bool Equal(const Value& a, const Value& b) {
    if (a.t != b.t) return false;
    switch (a.t) {
      case Value::kNil: return true;
      case Value::kBool: return a.b == b.b;
      case Value::kNum:
      case Value::kTime:
      case Value::kDuration: return a.num == b.num;
      case Value::kStr: return a.s == b.s;
      case Value::kNode: return *a.node == *b.node;
      case Value::kList:
        if (a.list.size() != b.list.size()) return false;
        for (size_t i = 0; i < a.list.size(); ++i)
          if (!Equal(a.list[i], b.list[i])) return false;
        return true;
      default: return false;
    }
  }

  Value Binary(const ExprNode& n) {
    const std::string& op = n.text;
    Value r;
    r.t = Value::kBool;
    if (op == "and" || op == "or") {
      Value l = Eval(*n.kids[0]);
      if (l.t != Value::kBool) Fail(op + " needs bools, not " + TypeName(l), n.column);
      if (op == "and" && !l.b) return l;
      if (op == "or" && l.b) return l;
      Value rv = Eval(*n.kids[1]);
      if (rv.t != Value::kBool) Fail(op + " needs bools, not " + TypeName(rv), n.column);
      return rv;
    }
    Value a = Eval(*n.kids[0]), b = Eval(*n.kids[1]);
    if (op == "==" || op == "!=") {
      bool eq = Equal(a, b);
      r.b = op == "==" ? eq : !eq;
      return r;
    }
    if (op == "in") {
      if (b.t == Value::kList) {
        for (const auto& x : b.list) if (Equal(a, x)) r.b = true;
        return r;
      }
      if (b.t == Value::kNode && b.node->IsSeq()) {
        for (const auto& x : b.node->items) if (Equal(a, FromNode(&x))) r.b = true;
        return r;
      }
      if (b.t == Value::kNode && b.node->IsMap() && a.t == Value::kStr) {
        r.b = b.node->Has(a.s);
        return r;
      }
      if (b.t == Value::kNil) return r;
      Fail(std::string("in needs an array or map, not ") + TypeName(b), n.column);
    }
    if (op == "contains" || op == "startsWith" || op == "endsWith") {
      if (a.t != Value::kStr || b.t != Value::kStr) Fail(op + " needs strings", n.column);
      if (op == "contains") r.b = a.s.find(b.s) != std::string::npos;
      else if (op == "startsWith") r.b = a.s.rfind(b.s, 0) == 0;
      else r.b = a.s.size() >= b.s.size() && a.s.compare(a.s.size() - b.s.size(), b.s.size(), b.s) == 0;
      return r;
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      int c;
      if ((a.t == Value::kNum && b.t == Value::kNum) || (a.t == Value::kTime && b.t == Value::kTime) ||
          (a.t == Value::kDuration && b.t == Value::kDuration))
        c = a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
      else if (a.t == Value::kStr && b.t == Value::kStr)
        c = a.s.compare(b.s);
      else
        Fail(std::string("cannot compare ") + TypeName(a) + " and " + TypeName(b), n.column);
      r.b = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
      return r;
    }
    // arithmetic
    if (op == "+" && a.t == Value::kStr && b.t == Value::kStr) {
      r.t = Value::kStr;
      r.s = a.s + b.s;
      return r;
    }
    if (op == "*" && ((a.t == Value::kNum && b.t == Value::kDuration) || (a.t == Value::kDuration && b.t == Value::kNum))) {
      r.t = Value::kDuration;
      r.num = a.num * b.num;
      return r;
    }
    if ((op == "+" || op == "-") && a.t == Value::kDuration && b.t == Value::kDuration) {
      r.t = Value::kDuration;
      r.num = op == "+" ? a.num + b.num : a.num - b.num;
      return r;
    }
    if (a.t == Value::kNum && b.t == Value::kNum) {
      r.t = Value::kNum;
      if (op == "+") r.num = a.num + b.num;
      else if (op == "-") r.num = a.num - b.num;
      else if (op == "*") r.num = a.num * b.num;
      else if (op == "/" || op == "%") {
        if (b.num == 0) Fail("division by zero", n.column);
        r.num = op == "/" ? a.num / b.num : std::fmod(a.num, b.num);
      }
      return r;
    }
    Fail("operator " + op + " on " + TypeName(a) + " and " + TypeName(b), n.column);
  }

  const Node& env_;
  int64_t now_;
};

}  // namespace

Expr Expr::Parse(const std::string& text) {
  if (text.size() > 65536) throw ExprError("expr: expression longer than 64 KiB");
  Expr e;
  e.text_ = text;
  e.root_ = Parser(Lex(text)).Parse();
  return e;
}

bool Expr::EvalBool(const Node& env, int64_t now_unix) const {
  Value v = Evaluator(env, now_unix).Eval(*root_);
  if (v.t != Value::kBool) throw ExprError(std::string("expr: condition is a ") + TypeName(v) + ", not a bool");
  return v.b;
}

}  // namespace capstan::notify
