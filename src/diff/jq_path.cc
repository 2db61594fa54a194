#include "diff/jq_path.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <regex>

#include "diff/value.h"

namespace capstan::diff {

using yaml::Node;

struct JqNode {
  enum Op {
    kIdentity, kField, kIndex, kIterate, kPipe, kTry, kSelect, kLiteral,
    kCompare, kAnd, kOr, kNot, kLength, kTest, kStartsWith, kEndsWith, kContains, kHas,
  };
  Op op = kIdentity;
  std::string text;   // field name, comparison operator, function argument
  long index = 0;     // kIndex
  Node literal;       // kLiteral
  std::shared_ptr<const JqNode> a, b;
};

namespace {

using NodeP = std::shared_ptr<const JqNode>;

NodeP Make(JqNode n) { return std::make_shared<const JqNode>(std::move(n)); }

NodeP Mk(JqNode::Op op, std::string text = "", NodeP a = nullptr, NodeP b = nullptr) {
  JqNode n;
  n.op = op;
  n.text = std::move(text);
  n.a = std::move(a);
  n.b = std::move(b);
  return Make(std::move(n));
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  NodeP ParseAll() {
    NodeP n = Pipe();
    Skip();
    if (i_ != s_.size()) Fail("unexpected '" + std::string(1, s_[i_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw JqError("jq path expression: " + why + " at offset " + std::to_string(i_));
  }
  void Skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Peek(std::string_view tok) {
    Skip();
    return s_.substr(i_, tok.size()) == tok;
  }
  bool Eat(std::string_view tok) {
    if (!Peek(tok)) return false;
    i_ += tok.size();
    return true;
  }
  bool EatWord(std::string_view w) {
    Skip();
    if (s_.substr(i_, w.size()) != w) return false;
    size_t e = i_ + w.size();
    if (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) return false;
    i_ = e;
    return true;
  }
  void Expect(std::string_view tok) {
    if (!Eat(tok)) Fail("expected '" + std::string(tok) + "'");
  }

  NodeP Pipe() {
    // Every nesting (parentheses, function arguments) comes through here.
    if (++depth_ > kMaxDepth) Fail("expression nested more than " + std::to_string(kMaxDepth) + " deep");
    NodeP left = Or();
    while (Eat("|")) {
      NodeP right = Or();
      left = Mk(JqNode::kPipe, "", left, right);
    }
    --depth_;
    return left;
  }
  NodeP Or() {
    NodeP left = And();
    while (EatWord("or")) left = Mk(JqNode::kOr, "", left, And());
    return left;
  }
  NodeP And() {
    NodeP left = Compare();
    while (EatWord("and")) left = Mk(JqNode::kAnd, "", left, Compare());
    return left;
  }
  NodeP Compare() {
    NodeP left = Postfix();
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (Eat(op)) return Mk(JqNode::kCompare, std::string(op), left, Postfix());
    }
    return left;
  }

  std::string Ident() {
    size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
    if (start == i_) Fail("expected a name");
    return std::string(s_.substr(start, i_ - start));
  }

  std::string StringLit() {
    Skip();
    if (i_ >= s_.size() || s_[i_] != '"') Fail("expected a string");
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\' && i_ < s_.size()) {
        char e = s_[i_++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          default: out.push_back(e);
        }
      } else {
        out.push_back(c);
      }
    }
    if (i_ >= s_.size()) Fail("unterminated string");
    ++i_;
    return out;
  }

  bool AtIdentStart() const {
    return i_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_');
  }

  NodeP Bracket(NodeP base) {
    // after '['
    if (Eat("]")) return Chain(base, Mk(JqNode::kIterate));
    Skip();
    NodeP step;
    if (i_ < s_.size() && s_[i_] == '"') {
      step = Mk(JqNode::kField, StringLit());
    } else {
      size_t start = i_;
      if (i_ < s_.size() && s_[i_] == '-') ++i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (start == i_ || (s_[start] == '-' && i_ == start + 1)) Fail("expected an index or a string");
      JqNode n;
      n.op = JqNode::kIndex;
      if (std::from_chars(s_.data() + start, s_.data() + i_, n.index).ec != std::errc())
        Fail("index out of range");
      step = Make(std::move(n));
    }
    Expect("]");
    return Chain(base, step);
  }

  static NodeP Chain(NodeP base, NodeP step) {
    if (!base || base->op == JqNode::kIdentity) return step;
    return Mk(JqNode::kPipe, "", base, step);
  }

  NodeP Postfix() {
    NodeP n = Primary();
    for (;;) {
      if (Peek("?")) {
        ++i_;
        n = Mk(JqNode::kTry, "", n);
      } else if (Peek("[")) {
        ++i_;
        n = Bracket(n);
      } else if (Peek(".") && !Peek("..")) {
        ++i_;
        if (i_ < s_.size() && s_[i_] == '"') {
          n = Chain(n, Mk(JqNode::kField, StringLit()));
        } else if (i_ < s_.size() && s_[i_] == '[') {
          ++i_;
          n = Bracket(n);
        } else {
          n = Chain(n, Mk(JqNode::kField, Ident()));
        }
      } else {
        return n;
      }
    }
  }

  NodeP Primary() {
    Skip();
    if (i_ >= s_.size()) Fail("unexpected end");
    char c = s_[i_];
    if (c == '.') {
      ++i_;
      if (i_ < s_.size() && s_[i_] == '.') Fail("recursive descent '..' is not supported");
      if (AtIdentStart()) return Mk(JqNode::kField, Ident());
      if (i_ < s_.size() && s_[i_] == '"') return Mk(JqNode::kField, StringLit());
      if (i_ < s_.size() && s_[i_] == '[') {
        ++i_;
        return Bracket(Mk(JqNode::kIdentity));
      }
      return Mk(JqNode::kIdentity);
    }
    if (c == '(') {
      ++i_;
      NodeP n = Pipe();
      Expect(")");
      return n;
    }
    if (c == '"') {
      JqNode n;
      n.op = JqNode::kLiteral;
      n.literal = Node::String(StringLit());
      return Make(std::move(n));
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i_++;
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                                s_[i_] == 'e' || s_[i_] == 'E'))
        ++i_;
      JqNode n;
      n.op = JqNode::kLiteral;
      std::string num(s_.substr(start, i_ - start));
      bool is_float = num.find_first_of(".eE") != std::string::npos;
      n.literal = Node::Scalar(num, is_float ? yaml::kFloatTag : yaml::kIntTag);
      return Make(std::move(n));
    }
    if (AtIdentStart()) {
      std::string word = Ident();
      JqNode n;
      if (word == "true" || word == "false") {
        n.op = JqNode::kLiteral;
        n.literal = Node::Bool(word == "true");
        return Make(std::move(n));
      }
      if (word == "null") {
        n.op = JqNode::kLiteral;
        n.literal = Node::Null();
        return Make(std::move(n));
      }
      if (word == "not") return Mk(JqNode::kNot);
      if (word == "length") return Mk(JqNode::kLength);
      if (word == "select") {
        Expect("(");
        NodeP cond = Pipe();
        Expect(")");
        return Mk(JqNode::kSelect, "", cond);
      }
      JqNode::Op op;
      if (word == "test") op = JqNode::kTest;
      else if (word == "startswith") op = JqNode::kStartsWith;
      else if (word == "endswith") op = JqNode::kEndsWith;
      else if (word == "contains") op = JqNode::kContains;
      else if (word == "has") op = JqNode::kHas;
      else Fail("unsupported function '" + word + "'");
      Expect("(");
      std::string arg = StringLit();
      Expect(")");
      if (op == JqNode::kTest) {
        try {
          std::regex re(arg, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          Fail("invalid regular expression");
        }
      }
      return Mk(op, arg);
    }
    Fail("unexpected '" + std::string(1, c) + "'");
  }

  static constexpr int kMaxDepth = 200;
  std::string_view s_;
  size_t i_ = 0;
  int depth_ = 0;
};

const Node& NullNode() {
  static const Node kNull = Node::Null();
  return kNull;
}

struct Located {
  const Node* value;
  Path path;
};

const char* TypeName(const Node& n) {
  switch (TypeOf(n)) {
    case JType::kNull: return "null";
    case JType::kBool: return "boolean";
    case JType::kNumber: return "number";
    case JType::kString: return "string";
    case JType::kArray: return "array";
    case JType::kObject: return "object";
  }
  return "value";
}

bool Truthy(const Node& n) {
  JType t = TypeOf(n);
  return !(t == JType::kNull || (t == JType::kBool && !n.AsBool()));
}

int TypeRank(JType t) {
  switch (t) {
    case JType::kNull: return 0;
    case JType::kBool: return 1;
    case JType::kNumber: return 3;
    case JType::kString: return 4;
    case JType::kArray: return 5;
    case JType::kObject: return 6;
  }
  return 7;
}

int Order(const Node& a, const Node& b) {
  JType ta = TypeOf(a), tb = TypeOf(b);
  if (ta != tb) return TypeRank(ta) < TypeRank(tb) ? -1 : 1;
  if (ta == JType::kBool) return static_cast<int>(a.AsBool()) - static_cast<int>(b.AsBool());
  if (ta == JType::kNumber) return a.AsFloat() < b.AsFloat() ? -1 : a.AsFloat() > b.AsFloat() ? 1 : 0;
  if (ta == JType::kString) return a.value.compare(b.value) < 0 ? -1 : a.value == b.value ? 0 : 1;
  if (JsonEqual(a, b)) return 0;
  std::string sa = SortedJson(a), sb = SortedJson(b);
  return sa < sb ? -1 : 1;
}

void EvalPaths(const JqNode& n, const Located& in, std::vector<Located>& out);

std::vector<Node> EvalValues(const JqNode& n, const Node& v);

void EvalPaths(const JqNode& n, const Located& in, std::vector<Located>& out) {
  const Node& v = *in.value;
  switch (n.op) {
    case JqNode::kIdentity:
      out.push_back(in);
      return;
    case JqNode::kField: {
      Located next{&NullNode(), in.path};
      next.path.emplace_back(n.text);
      if (v.IsMap()) {
        if (const Node* child = v.Get(n.text)) next.value = child;
      } else if (TypeOf(v) != JType::kNull) {
        throw JqError(std::string("Cannot index ") + TypeName(v) + " with \"" + n.text + "\"");
      }
      out.push_back(std::move(next));
      return;
    }
    case JqNode::kIndex: {
      Located next{&NullNode(), in.path};
      long idx = n.index;
      if (v.IsSeq()) {
        if (idx < 0) idx += static_cast<long>(v.items.size());
        if (idx >= 0 && idx < static_cast<long>(v.items.size())) next.value = &v.items[static_cast<size_t>(idx)];
      } else if (TypeOf(v) != JType::kNull) {
        throw JqError(std::string("Cannot index ") + TypeName(v) + " with number");
      }
      next.path.emplace_back(idx);
      out.push_back(std::move(next));
      return;
    }
    case JqNode::kIterate:
      if (v.IsSeq()) {
        for (size_t i = 0; i < v.items.size(); ++i) {
          Located next{&v.items[i], in.path};
          next.path.emplace_back(static_cast<long>(i));
          out.push_back(std::move(next));
        }
      } else if (v.IsMap()) {
        for (const auto& f : v.fields) {
          Located next{&f.value, in.path};
          next.path.emplace_back(f.key.value);
          out.push_back(std::move(next));
        }
      } else {
        throw JqError(std::string("Cannot iterate over ") + TypeName(v));
      }
      return;
    case JqNode::kPipe: {
      std::vector<Located> mid;
      EvalPaths(*n.a, in, mid);
      for (const auto& m : mid) EvalPaths(*n.b, m, out);
      return;
    }
    case JqNode::kTry: {
      std::vector<Located> tmp;
      try {
        EvalPaths(*n.a, in, tmp);
      } catch (const JqError&) {
      }
      for (auto& t : tmp) out.push_back(std::move(t));
      return;
    }
    case JqNode::kSelect:
      for (const auto& c : EvalValues(*n.a, v))
        if (Truthy(c)) out.push_back(in);
      return;
    default:
      throw JqError("Invalid path expression");
  }
}

std::vector<Node> EvalValues(const JqNode& n, const Node& v) {
  switch (n.op) {
    case JqNode::kLiteral:
      return {n.literal};
    case JqNode::kCompare: {
      std::vector<Node> out;
      for (const auto& l : EvalValues(*n.a, v)) {
        for (const auto& r : EvalValues(*n.b, v)) {
          int c = Order(l, r);
          bool res = n.text == "==" ? c == 0 : n.text == "!=" ? c != 0 : n.text == "<" ? c < 0
                   : n.text == "<=" ? c <= 0 : n.text == ">" ? c > 0 : c >= 0;
          out.push_back(Node::Bool(res));
        }
      }
      return out;
    }
    case JqNode::kAnd:
    case JqNode::kOr: {
      std::vector<Node> out;
      for (const auto& l : EvalValues(*n.a, v)) {
        bool lt = Truthy(l);
        if (n.op == JqNode::kAnd && !lt) { out.push_back(Node::Bool(false)); continue; }
        if (n.op == JqNode::kOr && lt) { out.push_back(Node::Bool(true)); continue; }
        for (const auto& r : EvalValues(*n.b, v)) out.push_back(Node::Bool(Truthy(r)));
      }
      return out;
    }
    case JqNode::kNot:
      return {Node::Bool(!Truthy(v))};
    case JqNode::kLength:
      if (v.IsSeq() || v.IsMap()) return {Node::Int(static_cast<int64_t>(v.size()))};
      if (TypeOf(v) == JType::kString) return {Node::Int(static_cast<int64_t>(v.value.size()))};
      if (TypeOf(v) == JType::kNull) return {Node::Int(0)};
      if (TypeOf(v) == JType::kNumber) return {Node::Float(std::fabs(v.AsFloat()))};
      throw JqError(std::string(TypeName(v)) + " has no length");
    case JqNode::kTest:
    case JqNode::kStartsWith:
    case JqNode::kEndsWith:
    case JqNode::kContains: {
      if (TypeOf(v) != JType::kString)
        throw JqError(std::string(TypeName(v)) + " cannot be matched, as it is not a string");
      const std::string& s = v.value;
      const std::string& a = n.text;
      bool r = false;
      if (n.op == JqNode::kTest) r = std::regex_search(s, std::regex(a, std::regex::ECMAScript));
      else if (n.op == JqNode::kStartsWith) r = s.compare(0, a.size(), a) == 0 && s.size() >= a.size();
      else if (n.op == JqNode::kEndsWith) r = s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0;
      else r = s.find(a) != std::string::npos;
      return {Node::Bool(r)};
    }
    case JqNode::kHas:
      if (!v.IsMap()) throw JqError(std::string("Cannot check whether ") + TypeName(v) + " has a key");
      return {Node::Bool(v.Get(n.text) != nullptr)};
    case JqNode::kPipe: {
      std::vector<Node> out;
      for (const auto& m : EvalValues(*n.a, v)) {
        auto r = EvalValues(*n.b, m);
        out.insert(out.end(), r.begin(), r.end());
      }
      return out;
    }
    case JqNode::kTry:
      try {
        return EvalValues(*n.a, v);
      } catch (const JqError&) {
        return {};
      }
    default: {
      std::vector<Located> locs;
      EvalPaths(n, Located{&v, {}}, locs);
      std::vector<Node> out;
      out.reserve(locs.size());
      for (const auto& l : locs) out.push_back(*l.value);
      return out;
    }
  }
}

bool StepLess(const PathStep& a, const PathStep& b) {
  // jq orders numbers before strings.
  if (a.index() != b.index()) return a.index() > b.index();
  if (a.index() == 1) return std::get<long>(a) < std::get<long>(b);
  return std::get<std::string>(a) < std::get<std::string>(b);
}

void DeleteOne(Node& root, const Path& path) {
  if (path.empty()) {
    root = Node::Null();
    return;
  }
  Node* cur = &root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const PathStep& s = path[i];
    if (s.index() == 0) {
      cur = MutableField(cur, std::get<std::string>(s));
    } else {
      long idx = std::get<long>(s);
      cur = (cur->IsSeq() && idx >= 0 && idx < static_cast<long>(cur->items.size()))
                ? &cur->items[static_cast<size_t>(idx)]
                : nullptr;
    }
    if (!cur) return;
  }
  const PathStep& last = path.back();
  if (last.index() == 0) {
    if (cur->IsMap()) cur->Remove(std::get<std::string>(last));
  } else {
    long idx = std::get<long>(last);
    if (cur->IsSeq() && idx >= 0 && idx < static_cast<long>(cur->items.size()))
      cur->items.erase(cur->items.begin() + idx);
  }
}

}  // namespace

JqPath JqPath::Parse(std::string_view expr) {
  JqPath p;
  p.root_ = Parser(expr).ParseAll();
  return p;
}

std::vector<Path> JqPath::Paths(const Node& root) const {
  std::vector<Located> out;
  EvalPaths(*root_, Located{&root, {}}, out);
  std::vector<Path> paths;
  paths.reserve(out.size());
  for (auto& l : out) paths.push_back(std::move(l.path));
  return paths;
}

void DeletePaths(Node& root, std::vector<Path> paths) {
  std::sort(paths.begin(), paths.end(), [](const Path& a, const Path& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), StepLess);
  });
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) DeleteOne(root, *it);
}

}  // namespace capstan::diff
