#include "policy/parser.h"

#include <cmath>
#include <stdexcept>

#include "policy/lexer.h"

namespace capstan::policy {

namespace {

constexpr int kMaxNesting = 200;

class Parser {
 public:
  Parser(std::string_view src, const std::string& file) : file_(file), toks_(Lex(src, file)) {}

  Module ParseModuleText() {
    Module m;
    m.file = file_;
    ExpectIdent("package");
    m.package = ParseDottedName(/*allow_data=*/false);
    while (!AtEnd()) {
      if (IsIdent("import")) {
        Next();
        Import imp;
        imp.path = ParseDottedName(true);
        if (IsIdent("as")) {
          Next();
          imp.alias = ExpectAnyIdent();
        } else {
          imp.alias = imp.path.back();
        }
        if (imp.path[0] == "rego" || imp.path[0] == "future") {
          m.v1 = m.v1 || imp.path[0] == "rego";
          continue;
        }
        if (imp.path[0] != "data" && imp.path[0] != "input") Fail("import must begin with data or input");
        m.imports.push_back(std::move(imp));
        continue;
      }
      ParseRule(&m);
    }
    return m;
  }

  Body ParseQueryText() {
    Body b;
    while (!AtEnd()) {
      b.push_back(ParseExpr());
      if (IsPunct(";")) {
        Next();
      } else if (!AtEnd() && !Cur().newline_before) {
        Fail("unexpected " + Describe(Cur()));
      }
    }
    if (b.empty()) Fail("empty query");
    return b;
  }

  TermPtr ParseTermText() {
    TermPtr t = ParseIn();
    if (!AtEnd()) Fail("unexpected " + Describe(Cur()));
    return t;
  }

 private:
  const Token& Cur() const { return toks_[pos_]; }
  const Token& Peek(int n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  bool AtEnd() const { return Cur().kind == Tok::kEnd; }
  void Next() {
    if (!AtEnd()) ++pos_;
  }
  bool IsPunct(const char* p) const { return Cur().kind == Tok::kPunct && Cur().text == p; }
  bool IsIdent(const char* p) const { return Cur().kind == Tok::kIdent && Cur().text == p; }
  [[noreturn]] void Fail(const std::string& msg) const {
    throw std::runtime_error(file_ + ":" + std::to_string(Cur().line) + ": rego_parse_error: " + msg);
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of file";
      case Tok::kString: return "string";
      default: return "token '" + t.text + "'";
    }
  }
  void Expect(const char* p) {
    if (!IsPunct(p)) Fail(std::string("expected '") + p + "', found " + Describe(Cur()));
    Next();
  }
  void ExpectIdent(const char* p) {
    if (!IsIdent(p)) Fail(std::string("expected '") + p + "', found " + Describe(Cur()));
    Next();
  }
  std::string ExpectAnyIdent() {
    if (Cur().kind != Tok::kIdent) Fail("expected a name, found " + Describe(Cur()));
    std::string s = Cur().text;
    Next();
    return s;
  }

  std::vector<std::string> ParseDottedName(bool allow_brackets) {
    std::vector<std::string> parts{ExpectAnyIdent()};
    while (true) {
      if (IsPunct(".") && !Cur().space_before) {
        Next();
        parts.push_back(ExpectAnyIdent());
      } else if (allow_brackets && IsPunct("[") && !Cur().space_before && Peek().kind == Tok::kString) {
        Next();
        parts.push_back(Cur().text);
        Next();
        Expect("]");
      } else {
        return parts;
      }
    }
  }

  static TermPtr Make(TermKind k, int line) {
    auto t = std::make_shared<Term>();
    t->kind = k;
    t->line = line;
    return t;
  }
  static TermPtr Lit(Value v, int line) {
    TermPtr t = Make(TermKind::kValue, line);
    t->value = std::move(v);
    return t;
  }
  static TermPtr Call(const std::string& name, std::vector<TermPtr> args, int line) {
    TermPtr t = Make(TermKind::kCall, line);
    t->name = name;
    t->items = std::move(args);
    return t;
  }

  // ---- rules ---------------------------------------------------------
  void ParseRule(Module* m) {
    auto rule = std::make_shared<Rule>();
    rule->file = file_;
    rule->line = Cur().line;
    if (IsIdent("default")) {
      Next();
      rule->is_default = true;
    }
    if (Cur().kind != Tok::kIdent) Fail("expected a rule, found " + Describe(Cur()));
    std::vector<std::string> name{Cur().text};
    Next();
    while (true) {
      if (IsPunct(".") && !Cur().space_before) {
        Next();
        name.push_back(ExpectAnyIdent());
      } else if (IsPunct("[") && !Cur().space_before && Peek().kind == Tok::kString && Peek(2).kind == Tok::kPunct &&
                 Peek(2).text == "]" && (Peek(3).kind == Tok::kPunct && (Peek(3).text == "." || Peek(3).text == "["))) {
        Next();
        name.push_back(Cur().text);
        Next();
        Expect("]");
      } else {
        break;
      }
    }
    rule->path = m->package;
    rule->path.insert(rule->path.end(), name.begin(), name.end());
    if (IsPunct("(") && !Cur().space_before) {
      Next();
      rule->kind = RuleKind::kFunction;
      while (!IsPunct(")")) {
        rule->args.push_back(ParseIn());
        if (IsPunct(",")) Next();
        else if (!IsPunct(")")) Fail("expected ',' or ')' in function arguments");
      }
      Next();
    } else if (IsIdent("contains")) {
      Next();
      rule->kind = RuleKind::kPartialSet;
      rule->key = ParseIn();
    } else if (IsPunct("[") && !Cur().space_before) {
      Next();
      rule->key = ParseIn();
      Expect("]");
      rule->kind = RuleKind::kPartialSet;
    }
    if (IsPunct("=") || IsPunct(":=")) {
      Next();
      rule->value = ParseIn();
      if (rule->kind == RuleKind::kPartialSet) rule->kind = RuleKind::kPartialObject;
    }
    if (rule->is_default) {
      if (!rule->value) Fail("default rule must have a value");
      m->rules.push_back(rule);
      return;
    }
    ParseRuleBody(rule.get());
    // else chain
    Rule* last = rule.get();
    while (IsIdent("else")) {
      int line = Cur().line;
      Next();
      auto e = std::make_shared<Rule>();
      e->kind = rule->kind;
      e->path = rule->path;
      e->args = rule->args;
      e->file = file_;
      e->line = line;
      if (IsPunct("=") || IsPunct(":=")) {
        Next();
        e->value = ParseIn();
      }
      ParseRuleBody(e.get());
      last->else_rule = e;
      last = e.get();
    }
    m->rules.push_back(rule);
    // v0: `p { a } { b }` defines p twice.
    while (IsPunct("{") && !Cur().newline_before) {
      auto again = std::make_shared<Rule>(*rule);
      again->else_rule = nullptr;
      again->body.clear();
      again->line = Cur().line;
      ParseRuleBody(again.get());
      m->rules.push_back(again);
    }
  }

  void ParseRuleBody(Rule* r) {
    bool had_if = false;
    if (IsIdent("if")) {
      Next();
      had_if = true;
    }
    if (IsPunct("{")) {
      Next();
      r->body = ParseBodyUntil("}");
      Next();
    } else if (had_if) {
      r->body.push_back(ParseExpr());
    } else {
      Expr t;
      t.kind = ExprKind::kTerm;
      t.line = r->line;
      t.a = Lit(Value::Bool(true), r->line);
      r->body.push_back(std::move(t));
    }
  }

  Body ParseBodyUntil(const char* close) {
    if (++depth_ > kMaxNesting) Fail("nesting too deep");
    Body b;
    while (!IsPunct(close)) {
      if (AtEnd()) Fail(std::string("expected '") + close + "'");
      b.push_back(ParseExpr());
      if (IsPunct(";")) {
        Next();
      } else if (!IsPunct(close) && !Cur().newline_before) {
        Fail("unexpected " + Describe(Cur()));
      }
    }
    if (b.empty()) Fail("found empty body");
    --depth_;
    return b;
  }

  // ---- expressions ---------------------------------------------------
  Expr ParseExpr() {
    if (++depth_ > kMaxNesting) Fail("nesting too deep");
    Expr e;
    e.line = Cur().line;
    if (IsIdent("not")) {
      Next();
      e.kind = ExprKind::kNot;
      e.body = std::make_shared<Body>();
      e.body->push_back(ParseExpr());
      --depth_;
      return e;
    }
    if (IsIdent("some")) {
      Next();
      std::vector<TermPtr> vars{ParseRelation()};
      while (IsPunct(",")) {
        Next();
        vars.push_back(ParseRelation());
      }
      if (IsIdent("in")) {
        Next();
        if (vars.size() > 2) Fail("some: at most key and value before 'in'");
        e.kind = ExprKind::kSomeIn;
        e.a = vars.size() == 2 ? vars[0] : nullptr;
        e.b = vars.back();
        e.domain = ParseRelation();
      } else {
        e.kind = ExprKind::kSome;
        for (auto& v : vars) {
          if (v->kind != TermKind::kVar) Fail("some: expected variable names");
        }
        e.body = std::make_shared<Body>();
        for (auto& v : vars) {
          Expr x;
          x.a = v;
          e.body->push_back(x);
        }
      }
    } else if (IsIdent("every")) {
      Next();
      e.kind = ExprKind::kEvery;
      TermPtr first = ParseRelation();
      if (IsPunct(",")) {
        Next();
        e.a = first;
        e.b = ParseRelation();
      } else {
        e.b = first;
      }
      ExpectIdent("in");
      e.domain = ParseRelation();
      Expect("{");
      e.body = std::make_shared<Body>(ParseBodyUntil("}"));
      Next();
    } else {
      comma_in_ok_ = true;
      e.a = ParseIn();
      comma_in_ok_ = false;
      if (IsPunct("=") || IsPunct(":=")) {
        e.kind = IsPunct("=") ? ExprKind::kUnify : ExprKind::kAssign;
        Next();
        e.b = ParseIn();
      }
    }
    while (IsIdent("with")) {
      Next();
      With w;
      w.target = ParseTermPrimary();
      ExpectIdent("as");
      w.value = ParseIn();
      e.withs.push_back(std::move(w));
    }
    --depth_;
    return e;
  }

  TermPtr ParseIn() {
    TermPtr lhs = ParseRelation();
    if (IsPunct(",") && comma_in_ok_) {
      // `key, value in collection`
      size_t save = pos_;
      Next();
      bool saved = comma_in_ok_;
      comma_in_ok_ = false;
      TermPtr value;
      try {
        value = ParseRelation();
      } catch (const std::runtime_error&) {
        value = nullptr;
      }
      comma_in_ok_ = saved;
      if (value && IsIdent("in")) {
        int line = Cur().line;
        Next();
        lhs = Call("internal.member_3", {lhs, value, ParseRelation()}, line);
      } else {
        pos_ = save;
      }
    }
    while (IsIdent("in")) {
      int line = Cur().line;
      Next();
      TermPtr rhs = ParseRelation();
      lhs = Call("internal.member_2", {lhs, rhs}, line);
    }
    return lhs;
  }

  TermPtr ParseRelation() {
    TermPtr lhs = ParseOr();
    static const std::pair<const char*, const char*> kOps[] = {
        {"==", "equal"}, {"!=", "neq"}, {"<=", "lte"}, {">=", "gte"}, {"<", "lt"}, {">", "gt"}};
    while (true) {
      const char* fn = nullptr;
      for (auto [op, name] : kOps) {
        if (IsPunct(op)) fn = name;
      }
      if (!fn) return lhs;
      int line = Cur().line;
      Next();
      lhs = Call(fn, {lhs, ParseOr()}, line);
    }
  }

  TermPtr ParseOr() {
    TermPtr lhs = ParseAnd();
    while (IsPunct("|") && !no_or_) {
      int line = Cur().line;
      Next();
      lhs = Call("or", {lhs, ParseAnd()}, line);
    }
    return lhs;
  }

  TermPtr ParseAnd() {
    TermPtr lhs = ParseArith();
    while (IsPunct("&")) {
      int line = Cur().line;
      Next();
      lhs = Call("and", {lhs, ParseArith()}, line);
    }
    return lhs;
  }

  TermPtr ParseArith() {
    TermPtr lhs = ParseFactor();
    while ((IsPunct("+") || (IsPunct("-") && !Cur().newline_before))) {
      const char* fn = IsPunct("+") ? "plus" : "minus";
      int line = Cur().line;
      Next();
      lhs = Call(fn, {lhs, ParseFactor()}, line);
    }
    return lhs;
  }

  TermPtr ParseFactor() {
    TermPtr lhs = ParseTermPrimary();
    while (IsPunct("*") || IsPunct("/") || IsPunct("%")) {
      const char* fn = IsPunct("*") ? "mul" : IsPunct("/") ? "div" : "rem";
      int line = Cur().line;
      Next();
      lhs = Call(fn, {lhs, ParseTermPrimary()}, line);
    }
    return lhs;
  }

  static Value NumberLiteral(const std::string& text, bool negative) {
    std::string t = negative ? "-" + text : text;
    double d = std::strtod(t.c_str(), nullptr);
    bool integral = t.find_first_of(".eE") == std::string::npos;
    if ((integral && text.size() > 15) || std::isinf(d)) return Value::BigNumber(d, t);
    return Value::Number(d);
  }

  TermPtr ParseTermPrimary() {
    if (++depth_ > kMaxNesting) Fail("nesting too deep");
    bool saved_comma = comma_in_ok_;
    comma_in_ok_ = false;
    TermPtr t = ParseTermPrimaryInner();
    comma_in_ok_ = saved_comma;
    --depth_;
    return t;
  }

  TermPtr ParseTermPrimaryInner() {
    const Token& tok = Cur();
    int line = tok.line;
    TermPtr t;
    bool saved_no_or = no_or_;
    switch (tok.kind) {
      case Tok::kEnd: Fail("unexpected end of file");
      case Tok::kNumber:
        t = Lit(NumberLiteral(tok.text, false), line);
        Next();
        return t;
      case Tok::kString:
        t = Lit(Value::String(tok.text), line);
        Next();
        return t;
      case Tok::kIdent: {
        const std::string& s = tok.text;
        if (s == "true" || s == "false") {
          t = Lit(Value::Bool(s == "true"), line);
          Next();
          return t;
        }
        if (s == "null") {
          t = Lit(Value::Null(), line);
          Next();
          return t;
        }
        if (s == "set" && Peek().kind == Tok::kPunct && Peek().text == "(" && Peek(2).kind == Tok::kPunct &&
            Peek(2).text == ")") {
          Next();
          Next();
          Next();
          t = Make(TermKind::kSet, line);
          return t;
        }
        t = Make(TermKind::kVar, line);
        t->name = s;
        Next();
        break;
      }
      case Tok::kPunct: {
        if (tok.text == "-" && Peek().kind == Tok::kNumber && !Peek().space_before) {
          Next();
          t = Lit(NumberLiteral(Cur().text, true), line);
          Next();
          return t;
        }
        if (tok.text == "-") {
          Next();
          return Call("minus", {Lit(Value::Number(0), line), ParseTermPrimary()}, line);
        }
        if (tok.text == "(") {
          Next();
          no_or_ = false;
          bool saved_comma = comma_in_ok_;
          comma_in_ok_ = true;
          t = ParseIn();
          comma_in_ok_ = saved_comma;
          no_or_ = saved_no_or;
          Expect(")");
          break;
        }
        if (tok.text == "[") {
          Next();
          t = ParseArrayLike();
          break;
        }
        if (tok.text == "{") {
          Next();
          t = ParseBraceLike(line);
          break;
        }
        Fail("unexpected " + Describe(tok));
      }
    }
    return ParseRefTail(t);
  }

  TermPtr ParseRefTail(TermPtr t) {
    while (true) {
      if (IsPunct(".") && !Cur().space_before && Peek().kind == Tok::kIdent) {
        Next();
        t = Extend(t, Lit(Value::String(Cur().text), Cur().line));
        Next();
      } else if (IsPunct("[") && !Cur().space_before) {
        Next();
        bool saved = no_or_;
        no_or_ = false;
        TermPtr k = ParseIn();
        no_or_ = saved;
        Expect("]");
        t = Extend(t, k);
      } else if (IsPunct("(") && !Cur().space_before && (t->kind == TermKind::kVar || t->kind == TermKind::kRef)) {
        std::string name = CallName(t);
        int line = Cur().line;
        Next();
        std::vector<TermPtr> args;
        bool saved = no_or_;
        no_or_ = false;
        while (!IsPunct(")")) {
          args.push_back(ParseIn());
          if (IsPunct(",")) Next();
          else if (!IsPunct(")")) Fail("expected ',' or ')' in call to " + name);
        }
        no_or_ = saved;
        Next();
        t = Call(name, std::move(args), line);
      } else {
        return t;
      }
    }
  }

  std::string CallName(const TermPtr& t) {
    if (t->kind == TermKind::kVar) return t->name;
    if (t->items[0]->kind != TermKind::kVar) Fail("invalid function name");
    std::string name = t->items[0]->name;
    for (size_t i = 1; i < t->items.size(); ++i) {
      const TermPtr& p = t->items[i];
      if (p->kind != TermKind::kValue || !p->value.IsString()) Fail("invalid function name");
      name += "." + p->value.S();
    }
    return name;
  }

  static TermPtr Extend(TermPtr t, TermPtr key) {
    if (t->kind == TermKind::kRef) {
      auto copy = std::make_shared<Term>(*t);
      copy->items.push_back(std::move(key));
      return copy;
    }
    TermPtr r = Make(TermKind::kRef, t->line);
    r->items = {std::move(t), std::move(key)};
    return r;
  }

  TermPtr ParseArrayLike() {
    int line = Cur().line;
    TermPtr arr = Make(TermKind::kArray, line);
    bool saved = no_or_;
    if (IsPunct("]")) {
      Next();
      return arr;
    }
    no_or_ = true;
    TermPtr first = ParseIn();
    no_or_ = saved;
    if (IsPunct("|")) {
      Next();
      TermPtr c = Make(TermKind::kArrayCompr, line);
      c->key = first;
      c->body = std::make_shared<Body>(ParseBodyUntil("]"));
      Next();
      return c;
    }
    arr->items.push_back(first);
    no_or_ = false;
    while (IsPunct(",")) {
      Next();
      if (IsPunct("]")) break;
      arr->items.push_back(ParseIn());
    }
    no_or_ = saved;
    Expect("]");
    return arr;
  }

  TermPtr ParseBraceLike(int line) {
    bool saved = no_or_;
    if (IsPunct("}")) {
      Next();
      return Make(TermKind::kObject, line);
    }
    no_or_ = true;
    TermPtr first = ParseIn();
    if (IsPunct(":")) {
      Next();
      TermPtr v = ParseIn();
      no_or_ = saved;
      if (IsPunct("|")) {
        Next();
        TermPtr c = Make(TermKind::kObjectCompr, line);
        c->key = first;
        c->val = v;
        c->body = std::make_shared<Body>(ParseBodyUntil("}"));
        Next();
        return c;
      }
      TermPtr obj = Make(TermKind::kObject, line);
      obj->items = {first, v};
      no_or_ = false;
      while (IsPunct(",")) {
        Next();
        if (IsPunct("}")) break;
        obj->items.push_back(ParseIn());
        Expect(":");
        obj->items.push_back(ParseIn());
      }
      no_or_ = saved;
      Expect("}");
      return obj;
    }
    no_or_ = saved;
    if (IsPunct("|")) {
      Next();
      TermPtr c = Make(TermKind::kSetCompr, line);
      c->key = first;
      c->body = std::make_shared<Body>(ParseBodyUntil("}"));
      Next();
      return c;
    }
    TermPtr set = Make(TermKind::kSet, line);
    set->items.push_back(first);
    no_or_ = false;
    while (IsPunct(",")) {
      Next();
      if (IsPunct("}")) break;
      set->items.push_back(ParseIn());
    }
    no_or_ = saved;
    Expect("}");
    return set;
  }

  std::string file_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool no_or_ = false;
  bool comma_in_ok_ = false;  // `k, v in xs` allowed (expression level, parentheses)
};

}  // namespace

Module ParseModule(std::string_view src, const std::string& file) {
  return Parser(src, file).ParseModuleText();
}

Body ParseQuery(std::string_view src, const std::string& file) {
  return Parser(src, file).ParseQueryText();
}

TermPtr ParseTerm(std::string_view src, const std::string& file) {
  return Parser(src, file).ParseTermText();
}

}  // namespace capstan::policy
