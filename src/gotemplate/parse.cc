// Lexer and parser of Go text/template (text/template/parse, Go 1.23).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>

#include "gotemplate/ast.h"
#include "gotemplate/template.h"

namespace capstan::gotemplate {
namespace {

enum class Tok : uint8_t {
  kText, kLeft, kRight, kSpace, kIdent, kField, kVariable, kString, kRawString, kChar, kNumber,
  kBool, kNil, kDot, kPipe, kLParen, kRParen, kComma, kDeclare, kAssign, kKeyword, kComment, kEOF
};

struct Item {
  Tok tok;
  size_t pos;
  std::string_view val;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Go's isAlphaNumeric for ASCII; any byte of a multi-byte rune counts (Go
// accepts Unicode letters and digits there).
bool IsAlnum(unsigned char c) {
  return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

bool IsKeyword(std::string_view w) {
  switch (w.size()) {
    case 2: return w == "if";
    case 3: return w == "end";
    case 4: return w == "else" || w == "with";
    case 5: return w == "block" || w == "break" || w == "range";
    case 6: return w == "define";
    case 8: return w == "continue" || w == "template";
    default: return false;
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& name) : s_(text), name_(name) {}

  std::vector<Item> Run() {
    items_.reserve(s_.size() / 16 + 16);
    size_t pos = 0;
    while (pos < s_.size()) {
      size_t open = s_.find("{{", pos);
      if (open == std::string_view::npos) {
        Emit(Tok::kText, pos, s_.size());
        break;
      }
      size_t text_end = open;
      bool trim_left = open + 3 < s_.size() + 0 && s_.size() > open + 3 && s_[open + 2] == '-' &&
                       IsSpace(s_[open + 3]);
      if (trim_left) {
        while (text_end > pos && IsSpace(s_[text_end - 1])) --text_end;
      }
      if (text_end > pos) Emit(Tok::kText, pos, text_end);
      pos = LexAction(open, trim_left);
    }
    items_.push_back({Tok::kEOF, s_.size(), {}});
    return std::move(items_);
  }

 private:
  [[noreturn]] void Fail(size_t pos, const std::string& msg) {
    int line = 1;
    for (size_t i = 0; i < pos && i < s_.size(); ++i) line += s_[i] == '\n';
    throw ParseError("template: " + name_ + ":" + std::to_string(line) + ": " + msg, name_, line, msg);
  }
  void Emit(Tok t, size_t b, size_t e) { items_.push_back({t, b, s_.substr(b, e - b)}); }

  // After a right delimiter: skip spaces when trimming.
  size_t AfterRight(size_t p, bool trim) {
    if (trim) while (p < s_.size() && IsSpace(s_[p])) ++p;
    return p;
  }

  bool AtRight(size_t p, bool* trim) const {
    if (p + 3 < s_.size() + 1 && IsSpace(s_[p]) && p + 1 < s_.size() && s_.substr(p + 1, 3) == "-}}") {
      *trim = true;
      return true;
    }
    if (s_.substr(p, 2) == "}}") {
      *trim = false;
      return true;
    }
    return false;
  }

  size_t LexAction(size_t open, bool trim_left) {
    size_t p = open + 2 + (trim_left ? 2 : 0);
    size_t start_line_pos = open;
    // comment
    if (s_.substr(p, 2) == "/*") {
      size_t end = s_.find("*/", p + 2);
      if (end == std::string_view::npos) Fail(open, "unclosed comment");
      size_t q = end + 2;
      bool trim = false;
      if (!AtRight(q, &trim)) Fail(q, "comment ends before closing delimiter");
      Emit(Tok::kComment, p, end + 2);
      return AfterRight(q + (trim ? 4 : 2), trim);
    }
    Emit(Tok::kLeft, open, open + 2);
    int paren = 0;
    while (true) {
      if (p >= s_.size()) Fail(start_line_pos, UnclosedMsg(start_line_pos));
      bool trim = false;
      if (paren == 0 && AtRight(p, &trim)) {
        if (trim) {
          Emit(Tok::kSpace, p, p + 1);
          Emit(Tok::kRight, p + 1, p + 4);
          return AfterRight(p + 4, true);
        }
        Emit(Tok::kRight, p, p + 2);
        return p + 2;
      }
      char c = s_[p];
      if (c == '\n' || c == '\r') {
        // newlines are allowed inside actions since Go 1.16 (as spaces)
      }
      if (IsSpace(c)) {
        size_t b = p;
        while (p < s_.size() && IsSpace(s_[p])) {
          bool t2;
          if (paren == 0 && AtRight(p, &t2) && t2) break;
          ++p;
        }
        if (p > b) Emit(Tok::kSpace, b, p);
        continue;
      }
      if (s_.substr(p, 2) == "}}" ) {
        Fail(p, "unexpected right delim");
      }
      switch (c) {
        case '=': Emit(Tok::kAssign, p, p + 1); ++p; continue;
        case ':':
          if (p + 1 < s_.size() && s_[p + 1] == '=') { Emit(Tok::kDeclare, p, p + 2); p += 2; continue; }
          Fail(p, "expected :=");
        case '|': Emit(Tok::kPipe, p, p + 1); ++p; continue;
        case ',': Emit(Tok::kComma, p, p + 1); ++p; continue;
        case '(': Emit(Tok::kLParen, p, p + 1); ++p; ++paren; continue;
        case ')':
          if (paren == 0) Fail(p, "unexpected right paren");
          Emit(Tok::kRParen, p, p + 1); ++p; --paren; continue;
        case '"': {
          size_t b = p++;
          while (true) {
            if (p >= s_.size() || s_[p] == '\n') Fail(b, "unterminated quoted string");
            if (s_[p] == '\\') { p += 2; continue; }
            if (s_[p] == '"') break;
            ++p;
          }
          ++p;
          Emit(Tok::kString, b, p);
          continue;
        }
        case '`': {
          size_t e = s_.find('`', p + 1);
          if (e == std::string_view::npos) Fail(p, "unterminated raw quoted string");
          Emit(Tok::kRawString, p, e + 1);
          p = e + 1;
          continue;
        }
        case '\'': {
          size_t b = p++;
          while (true) {
            if (p >= s_.size() || s_[p] == '\n') Fail(b, "unterminated character constant");
            if (s_[p] == '\\') { p += 2; continue; }
            if (s_[p] == '\'') break;
            ++p;
          }
          ++p;
          Emit(Tok::kChar, b, p);
          continue;
        }
        case '$': {
          size_t b = p++;
          while (p < s_.size() && IsAlnum(s_[p])) ++p;
          Emit(Tok::kVariable, b, p);
          continue;
        }
        default: break;
      }
      if (c == '.') {
        if (p + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p + 1]))) {
          p = LexNumber(p);
          continue;
        }
        size_t b = p++;
        if (p < s_.size() && IsAlnum(s_[p])) {
          while (p < s_.size() && IsAlnum(s_[p])) ++p;
          Emit(Tok::kField, b, p);
        } else {
          Emit(Tok::kDot, b, p);
        }
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          ((c == '+' || c == '-') && p + 1 < s_.size() &&
           (std::isdigit(static_cast<unsigned char>(s_[p + 1])) || s_[p + 1] == '.'))) {
        p = LexNumber(p);
        continue;
      }
      if (IsAlnum(static_cast<unsigned char>(c))) {
        size_t b = p;
        while (p < s_.size() && IsAlnum(s_[p])) ++p;
        std::string_view w = s_.substr(b, p - b);
        if (IsKeyword(w)) Emit(Tok::kKeyword, b, p);
        else if (w == "true" || w == "false") Emit(Tok::kBool, b, p);
        else if (w == "nil") Emit(Tok::kNil, b, p);
        else Emit(Tok::kIdent, b, p);
        continue;
      }
      Fail(p, std::string("unrecognized character in action: ") + QuoteRune(c));
    }
  }

  std::string QuoteRune(char c) {
    std::string r = "'";
    r += c;
    return r + "'";
  }

  std::string UnclosedMsg(size_t open) {
    int line = 1;
    for (size_t i = 0; i < open; ++i) line += s_[i] == '\n';
    return "unclosed action started at " + name_ + ":" + std::to_string(line);
  }

  size_t LexNumber(size_t p) {
    size_t b = p;
    if (s_[p] == '+' || s_[p] == '-') ++p;
    while (p < s_.size() && (IsAlnum(s_[p]) || s_[p] == '.' ||
                             ((s_[p] == '+' || s_[p] == '-') && p > b &&
                              std::strchr("eEpP", s_[p - 1]) != nullptr))) {
      ++p;
    }
    Emit(Tok::kNumber, b, p);
    return p;
  }

  std::string_view s_;
  const std::string& name_;
  std::vector<Item> items_;
};

// strconv.Unquote for "..." and '...'.
bool Unquote(std::string_view q, std::string* out) {
  out->clear();
  if (q.size() < 2) return false;
  char quote = q[0];
  if (quote == '`') {
    out->assign(q.substr(1, q.size() - 2));
    out->erase(std::remove(out->begin(), out->end(), '\r'), out->end());
    return true;
  }
  auto append_utf8 = [&](uint32_t r) {
    if (r < 0x80) out->push_back(static_cast<char>(r));
    else if (r < 0x800) { out->push_back(static_cast<char>(0xC0 | (r >> 6))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
    else if (r < 0x10000) { out->push_back(static_cast<char>(0xE0 | (r >> 12))); out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
    else { out->push_back(static_cast<char>(0xF0 | (r >> 18))); out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F))); out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F))); out->push_back(static_cast<char>(0x80 | (r & 0x3F))); }
  };
  for (size_t i = 1; i + 1 < q.size(); ++i) {
    char c = q[i];
    if (c != '\\') { out->push_back(c); continue; }
    if (++i + 1 > q.size() - 1 + 1) return false;
    char e = q[i];
    switch (e) {
      case 'a': out->push_back('\a'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'v': out->push_back('\v'); break;
      case '\\': out->push_back('\\'); break;
      case '\'': out->push_back('\''); break;
      case '"': out->push_back('"'); break;
      case 'x': case 'u': case 'U': {
        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n >= q.size()) return false;
        uint32_t v = 0;
        for (int k = 1; k <= n; ++k) {
          char h = q[i + k];
          v <<= 4;
          if (h >= '0' && h <= '9') v |= h - '0';
          else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
          else return false;
        }
        i += n;
        if (e == 'x') out->push_back(static_cast<char>(v)); else append_utf8(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 >= q.size()) return false;
          int v = (e - '0') * 64 + (q[i + 1] - '0') * 8 + (q[i + 2] - '0');
          out->push_back(static_cast<char>(v));
          i += 2;
          break;
        }
        return false;
    }
  }
  return true;
}

// Go's strconv.ParseInt(s, 0, 64) (with underscores).
bool ParseGoInt(std::string_view s, int64_t* out, bool* overflow) {
  *overflow = false;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s.remove_prefix(1); }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char x = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (x == 'x') { base = 16; s.remove_prefix(2); }
    else if (x == 'o') { base = 8; s.remove_prefix(2); }
    else if (x == 'b') { base = 2; s.remove_prefix(2); }
    else { base = 8; s.remove_prefix(1); }
  }
  std::string digits;
  for (char c : s) if (c != '_') digits.push_back(c);
  if (digits.empty()) return false;
  unsigned long long v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (p != digits.data() + digits.size()) return false;
  if (ec == std::errc::result_out_of_range || v > (neg ? 9223372036854775808ULL : 9223372036854775807ULL)) {
    *overflow = true;
    return false;
  }
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

class Parser {
 public:
  Parser(TemplateSet* set, const FuncMap* funcs, std::string name, std::shared_ptr<std::string> text)
      : set_(set), funcs_(funcs), name_(std::move(name)), text_(std::move(text)) {}

  std::vector<std::shared_ptr<Tree>> Parse() {
    Lexer lx(*text_, name_);
    items_ = lx.Run();
    Node* root = Make(NodeType::kList, 0);
    vars_ = {"$"};
    while (Peek().tok != Tok::kEOF) {
      if (Peek().tok == Tok::kLeft) {
        size_t save = i_;
        Next();
        SkipSpace();
        if (Peek().tok == Tok::kKeyword && Peek().val == "define") {
          Next();
          ParseDefine();
          continue;
        }
        i_ = save;
      }
      NodePtr n = TextOrAction();
      if (n->type == NodeType::kElse_ || n->type == NodeType::kEnd_) Fail(n->pos, "unexpected " + n->text);
      root->nodes.push_back(n);
    }
    auto t = std::make_shared<Tree>();
    t->name = name_;
    t->parse_name = name_;
    t->text = text_;
    t->arena = arena_;
    t->root = root;
    // Go: a file that is only whitespace and defines does not replace an existing template.
    main_ = t;
    defs_.insert(defs_.begin(), t);
    return defs_;
  }
  std::shared_ptr<Tree> main_;

 private:
  // pseudo node types for else/end markers
  struct NodeTypeExt {};

  const Item& Peek() { return items_[i_]; }
  const Item& Next() { return items_[i_ < items_.size() - 1 ? i_++ : i_]; }
  void SkipSpace() { while (Peek().tok == Tok::kSpace) ++i_; }
  const Item& NextNonSpace() { SkipSpace(); return Next(); }
  const Item& PeekNonSpace() { SkipSpace(); return Peek(); }

  [[noreturn]] void Fail(size_t pos, const std::string& msg) {
    int line = 1;
    for (size_t k = 0; k < pos && k < text_->size(); ++k) line += (*text_)[k] == '\n';
    throw ParseError("template: " + name_ + ":" + std::to_string(line) + ": " + msg, name_, line, msg);
  }

  NodePtr Make(NodeType t, size_t pos) { return arena_->New(t, pos); }

  void ParseDefine() {
    const Item& nm = NextNonSpace();
    std::string name;
    if (nm.tok != Tok::kString && nm.tok != Tok::kRawString) Fail(nm.pos, "unexpected " + std::string(nm.val) + " in define clause");
    if (!Unquote(nm.val, &name)) Fail(nm.pos, "bad string");
    if (NextNonSpace().tok != Tok::kRight) Fail(nm.pos, "unexpected token in define clause");
    auto saved_vars = vars_;
    vars_ = {"$"};
    NodePtr list = ItemList(/*allow_else=*/false);
    vars_ = saved_vars;
    auto t = std::make_shared<Tree>();
    t->name = name;
    t->parse_name = name_;
    t->text = text_;
    t->arena = arena_;
    t->root = list;
    defs_.push_back(t);
  }

  // Parses until {{end}} (or {{else}} when allowed); the terminator is left in last_.
  NodePtr ItemList(bool allow_else) {
    NodePtr list = Make(NodeType::kList, Peek().pos);
    while (true) {
      if (Peek().tok == Tok::kEOF) Fail(Peek().pos, "unexpected EOF");
      NodePtr n = TextOrAction();
      if (n->type == NodeType::kElse_) {
        if (!allow_else) Fail(n->pos, "unexpected {{else}}");
        last_ = n;
        return list;
      }
      if (n->type == NodeType::kEnd_) {
        last_ = n;
        return list;
      }
      list->nodes.push_back(n);
    }
  }

  NodePtr TextOrAction() {
    const Item& it = Next();
    switch (it.tok) {
      case Tok::kText: {
        NodePtr n = Make(NodeType::kText, it.pos);
        n->raw = it.val;
        return n;
      }
      case Tok::kComment: return Make(NodeType::kComment, it.pos);
      case Tok::kLeft: return Action();
      default: Fail(it.pos, "unexpected " + std::string(it.val) + " in input");
    }
  }

  NodePtr Action() {
    const Item& it = PeekNonSpace();
    if (it.tok == Tok::kKeyword) {
      Next();
      std::string_view k = it.val;
      size_t pos = it.pos;
      if (k == "block") return BlockControl(pos);
      if (k == "break" || k == "continue") {
        if (range_depth_ == 0) Fail(pos, "{{" + std::string(k) + "}} outside {{range}}");
        if (NextNonSpace().tok != Tok::kRight) Fail(pos, "unexpected token in {{" + std::string(k) + "}}");
        return Make(k == "break" ? NodeType::kBreak : NodeType::kContinue, pos);
      }
      if (k == "else") return ElseControl(pos);
      if (k == "end") {
        if (NextNonSpace().tok != Tok::kRight) Fail(pos, "unexpected token in end");
        NodePtr n = Make(NodeType::kEnd_, pos);
        n->text = "{{end}}";
        return n;
      }
      if (k == "if") return Control(NodeType::kIf, pos, "if");
      if (k == "range") return Control(NodeType::kRange, pos, "range");
      if (k == "with") return Control(NodeType::kWith, pos, "with");
      if (k == "template") return TemplateControl(pos);
      if (k == "define") Fail(pos, "unexpected <define> in command");
    }
    size_t pos = it.pos;
    NodePtr n = Make(NodeType::kAction, pos);
    n->pipe = Pipeline("command", Tok::kRight);
    return n;
  }

  NodePtr ElseControl(size_t pos) {
    const Item& p = PeekNonSpace();
    NodePtr n = Make(NodeType::kElse_, pos);
    n->text = "{{else}}";
    if (p.tok == Tok::kKeyword && (p.val == "if" || p.val == "with")) {
      n->idents.push_back(std::string(p.val));  // else-chain: leave keyword to be parsed
      return n;
    }
    if (NextNonSpace().tok != Tok::kRight) Fail(pos, "unexpected token in else");
    return n;
  }

  NodePtr Control(NodeType t, size_t pos, const std::string& ctx) {
    if (++control_depth_ > 1000) Fail(pos, "control structures nested more than 1000 deep");
    struct Dec { int& d; ~Dec() { --d; } } dec{control_depth_};
    auto saved = vars_.size();
    NodePtr n = Make(t, pos);
    if (t == NodeType::kRange) ++range_depth_;
    n->pipe = Pipeline(ctx, Tok::kRight);
    n->list = ItemList(true);
    if (t == NodeType::kRange) --range_depth_;
    if (last_->type == NodeType::kElse_) {
      NodePtr e = last_;
      if (!e->idents.empty()) {
        // {{else if ...}} / {{else with ...}}: treat as {{else}}{{if ...}}...{{end}}
        if ((t == NodeType::kIf && e->idents[0] != "if") || (t == NodeType::kWith && e->idents[0] != "with") ||
            t == NodeType::kRange) {
          Fail(e->pos, "unexpected else " + e->idents[0]);
        }
        Next();  // the keyword
        NodePtr inner = Control(t, Peek().pos, ctx);
        n->else_list = Make(NodeType::kList, inner->pos);
        n->else_list->nodes.push_back(inner);
        vars_.resize(saved);
        return n;  // inner consumed the {{end}}
      }
      n->else_list = ItemList(false);
      if (last_->type != NodeType::kEnd_) Fail(last_->pos, "expected end");
    }
    vars_.resize(saved);
    return n;
  }

  NodePtr BlockControl(size_t pos) {
    const Item& nm = NextNonSpace();
    std::string name;
    if ((nm.tok != Tok::kString && nm.tok != Tok::kRawString) || !Unquote(nm.val, &name)) Fail(nm.pos, "unexpected token in block clause");
    NodePtr n = Make(NodeType::kTemplate, pos);
    n->text = name;
    if (PeekNonSpace().tok != Tok::kRight) n->pipe = Pipeline("block clause", Tok::kRight);
    else Next();
    auto saved_vars = vars_;
    vars_ = {"$"};
    NodePtr list = ItemList(false);
    vars_ = saved_vars;
    auto t = std::make_shared<Tree>();
    t->name = name;
    t->parse_name = name_;
    t->text = text_;
    t->arena = arena_;
    t->root = list;
    defs_.push_back(t);
    return n;
  }

  NodePtr TemplateControl(size_t pos) {
    const Item& nm = NextNonSpace();
    std::string name;
    if ((nm.tok != Tok::kString && nm.tok != Tok::kRawString) || !Unquote(nm.val, &name)) Fail(nm.pos, "unexpected \"" + std::string(nm.val) + "\" in template clause");
    NodePtr n = Make(NodeType::kTemplate, pos);
    n->text = name;
    if (PeekNonSpace().tok != Tok::kRight) n->pipe = Pipeline("template clause", Tok::kRight);
    else Next();
    return n;
  }

  NodePtr Pipeline(const std::string& ctx, Tok end) {
    NodePtr pipe = Make(NodeType::kPipe, Peek().pos);
    // declarations
    SkipSpace();
    if (Peek().tok == Tok::kVariable) {
      size_t save = i_;
      const Item& v = Next();
      SkipSpace();
      const Item& nx = Peek();
      if (nx.tok == Tok::kDeclare || nx.tok == Tok::kAssign) {
        Next();
        pipe->is_assign = nx.tok == Tok::kAssign;
        pipe->decl.push_back(std::string(v.val));
        if (!pipe->is_assign) vars_.push_back(std::string(v.val));
        else CheckVar(v);
      } else if (nx.tok == Tok::kComma && ctx == "range") {
        Next();
        SkipSpace();
        const Item& v2 = Next();
        if (v2.tok != Tok::kVariable) Fail(v2.pos, "range can only initialize variables");
        SkipSpace();
        const Item& d = Next();
        if (d.tok != Tok::kDeclare && d.tok != Tok::kAssign) Fail(d.pos, "range can only initialize variables");
        pipe->is_assign = d.tok == Tok::kAssign;
        pipe->decl = {std::string(v.val), std::string(v2.val)};
        if (!pipe->is_assign) { vars_.push_back(std::string(v.val)); vars_.push_back(std::string(v2.val)); }
      } else {
        i_ = save;
      }
    }
    while (true) {
      SkipSpace();
      const Item& it = Peek();
      if (it.tok == end) {
        Next();
        if (pipe->nodes.empty()) Fail(it.pos, "missing value for " + ctx);
        return pipe;
      }
      if (it.tok == Tok::kEOF) Fail(it.pos, "unclosed action");
      pipe->nodes.push_back(Command(end));
    }
  }

  void CheckVar(const Item& v) {
    std::string name(v.val);
    for (const auto& x : vars_) if (x == name) return;
    Fail(v.pos, "undefined variable \"" + name + "\"");
  }

  NodePtr Command(Tok end) {
    NodePtr cmd = Make(NodeType::kCommand, Peek().pos);
    while (true) {
      SkipSpace();
      NodePtr op = Operand();
      if (op) cmd->nodes.push_back(op);
      const Item& it = Peek();
      switch (it.tok) {
        case Tok::kSpace: continue;
        case Tok::kRight: case Tok::kRParen:
          if (it.tok != end && !(it.tok == Tok::kRParen && end == Tok::kRParen) && !(it.tok == Tok::kRight && end == Tok::kRight))
            Fail(it.pos, "unexpected " + std::string(it.val));
          break;
        case Tok::kPipe: Next(); break;
        default:
          if (!op) Fail(it.pos, "unexpected " + std::string(it.val) + " in operand");
          Fail(it.pos, "unexpected " + std::string(it.val) + " in operand");
      }
      break;
    }
    if (cmd->nodes.empty()) Fail(cmd->pos, "empty command");
    return cmd;
  }

  NodePtr Operand() {
    NodePtr n = Term();
    if (!n) return n;
    if (Peek().tok == Tok::kField) {
      NodePtr chain = Make(NodeType::kChain, Peek().pos);
      chain->pipe = n;
      while (Peek().tok == Tok::kField) chain->idents.push_back(std::string(Next().val.substr(1)));
      switch (n->type) {
        case NodeType::kField:
          for (auto& s : chain->idents) n->idents.push_back(s);
          return n;
        case NodeType::kVariable:
          for (auto& s : chain->idents) n->idents.push_back(s);
          return n;
        case NodeType::kBool: case NodeType::kString: case NodeType::kNumber: case NodeType::kNil: case NodeType::kDot:
          Fail(n->pos, "unexpected . after term \"" + NodeString(*n) + "\"");
        default: return chain;
      }
    }
    return n;
  }

  NodePtr Term() {
    const Item& it = Peek();
    switch (it.tok) {
      case Tok::kIdent: {
        Next();
        std::string name(it.val);
        if (!funcs_ || !funcs_->Find(name)) Fail(it.pos, "function \"" + name + "\" not defined");
        NodePtr n = Make(NodeType::kIdentifier, it.pos);
        n->text = name;
        return n;
      }
      case Tok::kDot: Next(); return Make(NodeType::kDot, it.pos);
      case Tok::kNil: Next(); return Make(NodeType::kNil, it.pos);
      case Tok::kVariable: {
        Next();
        CheckVar(it);
        NodePtr n = Make(NodeType::kVariable, it.pos);
        n->idents.push_back(std::string(it.val));
        return n;
      }
      case Tok::kField: {
        Next();
        NodePtr n = Make(NodeType::kField, it.pos);
        n->idents.push_back(std::string(it.val.substr(1)));
        return n;
      }
      case Tok::kBool: {
        Next();
        NodePtr n = Make(NodeType::kBool, it.pos);
        n->text = std::string(it.val);
        n->literal = std::make_shared<Value>(Value::Bool(it.val == "true"));
        return n;
      }
      case Tok::kChar: case Tok::kNumber: return Number();
      case Tok::kLParen: {
        Next();
        if (++paren_depth_ > 1000) Fail(it.pos, "parentheses nested more than 1000 deep");
        NodePtr p = Pipeline("parenthesized pipeline", Tok::kRParen);
        --paren_depth_;
        return p;
      }
      case Tok::kString: case Tok::kRawString: {
        Next();
        NodePtr n = Make(NodeType::kString, it.pos);
        n->text = std::string(it.val);
        std::string s;
        if (!Unquote(it.val, &s)) Fail(it.pos, "invalid syntax");
        n->literal = std::make_shared<Value>(Value::String(std::move(s)));
        return n;
      }
      default: return nullptr;
    }
  }

  NodePtr Number() {
    const Item& it = Next();
    NodePtr n = Make(NodeType::kNumber, it.pos);
    n->text = std::string(it.val);
    if (it.tok == Tok::kChar) {
      std::string s;
      if (!Unquote(it.val, &s) || s.empty()) Fail(it.pos, "malformed character constant: " + n->text);
      // decode one UTF-8 rune
      unsigned char c0 = s[0];
      uint32_t r = c0;
      if (c0 >= 0xF0 && s.size() >= 4) r = ((c0 & 7) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
      else if (c0 >= 0xE0 && s.size() >= 3) r = ((c0 & 15) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
      else if (c0 >= 0xC0 && s.size() >= 2) r = ((c0 & 31) << 6) | (s[1] & 0x3F);
      Value rv = Value::Int(r);
      rv.type_name = "int32";
      n->literal = std::make_shared<Value>(rv);
      return n;
    }
    std::string_view t = it.val;
    bool has_float_chars = false;
    bool hex = t.size() > 2 && (t.substr(t[0] == '-' || t[0] == '+' ? 1 : 0, 2) == "0x" ||
                                t.substr(t[0] == '-' || t[0] == '+' ? 1 : 0, 2) == "0X");
    for (char c : t) if (c == '.' || (!hex && (c == 'e' || c == 'E')) || c == 'p' || c == 'P') has_float_chars = true;
    if (!has_float_chars) {
      int64_t v;
      bool overflow;
      if (ParseGoInt(t, &v, &overflow)) {
        n->literal = std::make_shared<Value>(Value::Int(v));
        return n;
      }
      if (overflow) {
        // Go: a uint constant that overflows int errors at execution; keep float
        double d = std::strtod(std::string(t).c_str(), nullptr);
        n->literal = std::make_shared<Value>(Value::Float(d));
        return n;
      }
      Fail(it.pos, "bad number syntax: " + std::string(t));
    }
    std::string clean;
    for (char c : t) if (c != '_') clean.push_back(c);
    char* endp = nullptr;
    double d = std::strtod(clean.c_str(), &endp);
    if (endp == nullptr || *endp != '\0') Fail(it.pos, "bad number syntax: " + std::string(t));
    // Go: a float constant with an integral value used as argument still is float64
    n->literal = std::make_shared<Value>(Value::Float(d));
    return n;
  }

  TemplateSet* set_;
  const FuncMap* funcs_;
  std::string name_;
  std::shared_ptr<std::string> text_;
  std::vector<Item> items_;
  size_t i_ = 0;
  std::vector<std::string> vars_;
  NodePtr last_ = nullptr;
  std::shared_ptr<NodeArena> arena_ = std::make_shared<NodeArena>();
  int range_depth_ = 0;
  int paren_depth_ = 0;
  int control_depth_ = 0;
  std::vector<std::shared_ptr<Tree>> defs_;
};

bool IsEmptyTree(const Node& list) {
  for (const auto& n : list.nodes) {
    if (n->type == NodeType::kText) {
      for (char c : n->raw) if (!IsSpace(c)) return false;
    } else if (n->type != NodeType::kComment) {
      return false;
    }
  }
  return true;
}

}  // namespace

const Func* FuncMap::Find(std::string_view name) const {
  auto it = funcs.find(name);
  return it == funcs.end() ? nullptr : &it->second;
}

void TemplateSet::Parse(const std::string& name, std::string_view text) {
  auto src = std::make_shared<std::string>(text);
  Parser p(this, funcs_, name, src);
  std::vector<std::shared_ptr<Tree>> trees = p.Parse();
  texts_.push_back(src);
  for (size_t k = 0; k < trees.size(); ++k) {
    auto& t = trees[k];
    // Go's AddParseTree: an empty definition does not replace a non-empty one.
    auto it = trees_.find(t->name);
    if (it != trees_.end() && IsEmptyTree(*t->root) && !IsEmptyTree(*it->second->root)) continue;
    trees_[t->name] = t;
  }
}

const Tree* TemplateSet::Find(std::string_view name) const {
  auto it = trees_.find(name);
  if (it != trees_.end()) return it->second.get();
  if (loader_) {
    auto* self = const_cast<TemplateSet*>(this);
    if (loader_(*self, std::string(name))) {
      it = trees_.find(name);
      if (it != trees_.end()) return it->second.get();
    }
  }
  return parent_ ? parent_->Find(name) : nullptr;
}

std::string Location(const Tree& t, size_t pos) {
  const std::string& s = *t.text;
  if (pos > s.size()) pos = s.size();
  int line = 1;
  size_t last_nl = std::string::npos;
  for (size_t k = 0; k < pos; ++k) {
    if (s[k] == '\n') { ++line; last_nl = k; }
  }
  size_t col = last_nl == std::string::npos ? pos : pos - (last_nl + 1);
  return t.parse_name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string NodeString(const Node& n) {
  switch (n.type) {
    case NodeType::kField: {
      std::string s;
      for (const auto& id : n.idents) s += "." + id;
      return s;
    }
    case NodeType::kVariable: {
      std::string s = n.idents[0];
      for (size_t k = 1; k < n.idents.size(); ++k) s += "." + n.idents[k];
      return s;
    }
    case NodeType::kChain: {
      std::string s = n.pipe->type == NodeType::kPipe ? "(" + NodeString(*n.pipe) + ")" : NodeString(*n.pipe);
      for (const auto& id : n.idents) s += "." + id;
      return s;
    }
    case NodeType::kDot: return ".";
    case NodeType::kNil: return "nil";
    case NodeType::kBool: case NodeType::kNumber: case NodeType::kString: return n.text;
    case NodeType::kIdentifier: return n.text;
    case NodeType::kCommand: {
      std::string s;
      for (size_t k = 0; k < n.nodes.size(); ++k) {
        if (k) s += " ";
        if (n.nodes[k]->type == NodeType::kPipe) s += "(" + NodeString(*n.nodes[k]) + ")";
        else s += NodeString(*n.nodes[k]);
      }
      return s;
    }
    case NodeType::kPipe: {
      std::string s;
      if (!n.decl.empty()) {
        for (size_t k = 0; k < n.decl.size(); ++k) s += (k ? ", " : "") + n.decl[k];
        s += n.is_assign ? " = " : " := ";
      }
      for (size_t k = 0; k < n.nodes.size(); ++k) s += (k ? " | " : "") + NodeString(*n.nodes[k]);
      return s;
    }
    case NodeType::kAction: return "{{" + NodeString(*n.pipe) + "}}";
    case NodeType::kTemplate: return "{{template \"" + n.text + "\"" + (n.pipe ? " " + NodeString(*n.pipe) : "") + "}}";
    case NodeType::kText: return std::string(n.raw);
    default: return n.text;
  }
}

}  // namespace capstan::gotemplate
