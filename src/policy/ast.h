// The parsed (and, after compile.cc, resolved) form of Rego modules.
#ifndef CAPSTAN_POLICY_AST_H_
#define CAPSTAN_POLICY_AST_H_

#include <memory>
#include <string>
#include <vector>

#include "policy/value.h"

namespace capstan::policy {

struct Term;
struct Expr;
struct Rule;
struct Builtin;
struct DataNode;
using TermPtr = std::shared_ptr<Term>;
using Body = std::vector<Expr>;

enum class TermKind : uint8_t {
  kValue,        // scalar literal (or a folded constant)
  kVar,          // local variable (slot) or, before compile, any name
  kRef,          // items[0] head (var/call/collection), items[1..] path
  kArray, kSet,  // items
  kObject,       // items: k0, v0, k1, v1, ...
  kArrayCompr, kSetCompr, kObjectCompr,  // key (and value), body
  kCall,         // name (dotted), items = args
};

struct Term {
  TermKind kind = TermKind::kValue;
  Value value;
  std::string name;  // var name; call: dotted function name as written
  int slot = -1;     // kVar after compile
  std::vector<TermPtr> items;
  TermPtr key, val;
  std::shared_ptr<Body> body;
  int line = 0;
  // kVar roots after compile: input / data
  enum Root : uint8_t { kLocal, kInput, kData } root = kLocal;
  // kCall after compile: a built-in, or a user function at a data node
  const Builtin* builtin = nullptr;
  DataNode* func = nullptr;
  std::vector<std::string> func_path;  // data path of a user function
};

struct With {
  TermPtr target;  // ref: input..., data..., or a function name
  TermPtr value;
  // After compile: what is replaced.
  enum Kind : uint8_t { kInput, kData, kFunction } kind = kInput;
  std::vector<std::string> path;      // below input / data
  const Builtin* builtin = nullptr;   // kFunction: a built-in ...
  DataNode* func = nullptr;           // ... or a user function
  // kFunction replaced by another function (else by the value term).
  const Builtin* with_builtin = nullptr;
  DataNode* with_func = nullptr;
};

enum class ExprKind : uint8_t { kTerm, kUnify, kAssign, kNot, kSome, kSomeIn, kEvery };

struct Expr {
  ExprKind kind = ExprKind::kTerm;
  TermPtr a, b;                 // term / sides; kSomeIn, kEvery: a key (may be null), b value
  TermPtr domain;               // kSomeIn, kEvery
  std::shared_ptr<Body> body;   // kEvery body; kNot: one negated expr
  std::vector<With> withs;
  int line = 0;
};

enum class RuleKind : uint8_t { kComplete, kPartialSet, kPartialObject, kFunction };

struct Rule {
  RuleKind kind = RuleKind::kComplete;
  std::vector<std::string> path;  // full data path: package + rule name parts
  TermPtr key;                    // partial set / object key
  TermPtr value;                  // value (null: true)
  std::vector<TermPtr> args;      // function arguments
  Body body;
  std::shared_ptr<Rule> else_rule;
  bool is_default = false;
  int nslots = 0;
  std::string file;
  int line = 0;
};

struct Import {
  std::vector<std::string> path;  // e.g. data lib foo
  std::string alias;
};

struct Module {
  std::string file;
  std::vector<std::string> package;  // without the leading "data"
  std::vector<Import> imports;
  std::vector<std::shared_ptr<Rule>> rules;
  bool v1 = false;
};

// The rule tree under `data`: rules defined at this path, and children.
struct DataNode {
  std::vector<std::shared_ptr<Rule>> rules;
  std::vector<std::pair<std::string, std::unique_ptr<DataNode>>> children;
  DataNode* Child(const std::string& key) const {
    for (const auto& [k, c] : children)
      if (k == key) return c.get();
    return nullptr;
  }
  DataNode* AddChild(const std::string& key) {
    if (DataNode* c = Child(key)) return c;
    children.emplace_back(key, std::make_unique<DataNode>());
    return children.back().second.get();
  }
};

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_AST_H_
