// The subset of the expr language (github.com/expr-lang/expr) that Argo CD
// notification triggers use: literals (numbers, 'strings', "strings", true,
// false, nil, [lists]), member access (a.b, a?.b, a["b"]), comparison (==,
// !=, <, <=, >, >=), `in` / `not in`, logic (and, or, not, &&, ||, !),
// arithmetic (+ - * / %), string operators contains/startsWith/endsWith,
// len(), and time: time.Parse(s), time.Now(), time.Second/Minute/Hour,
// t.Add(d), t.Before(t2), t.After(t2), t.Sub(t2), n * duration.
// Anything else is refused with an error naming the construct and column.
#ifndef CAPSTAN_NOTIFY_EXPR_H_
#define CAPSTAN_NOTIFY_EXPR_H_

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "yaml/node.h"

namespace capstan::notify {

class ExprError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExprNode;

class Expr {
 public:
  // Parses `text`; throws ExprError ("expr: <reason> at column N").
  static Expr Parse(const std::string& text);
  // Evaluates against `env` (a map: app, ...); a condition's result must be
  // a boolean. `now_unix` is what time.Now() returns. Throws ExprError.
  bool EvalBool(const yaml::Node& env, int64_t now_unix) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const ExprNode> root_;
};

}  // namespace capstan::notify

#endif  // CAPSTAN_NOTIFY_EXPR_H_
