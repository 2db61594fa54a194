// Internal: a subset of CEL for x-kubernetes-validations rules.
//
// Supported: literals (int, double, string, bool, null, lists), `self`,
// field selection and indexing, has(), size(), the operators ! - * / % + -
// < <= > >= == != in && || ?:, string startsWith/endsWith/contains/matches,
// int()/string()/double(), and the all/exists/exists_one macros. CEL's
// error-absorbing && and || are kept. Rules using anything else (oldSelf,
// messageExpression-only rules, other functions) are not evaluated and the
// caller reports them as such. Parsing and evaluation are bounded (length,
// nesting, steps), so hostile rules or values cannot exhaust the stack or
// hang.
#ifndef CAPSTAN_VALIDATE_CEL_H_
#define CAPSTAN_VALIDATE_CEL_H_

#include <memory>
#include <string>
#include <string_view>

#include "yaml/node.h"

namespace capstan::validate {

struct CelExpr;

class CelProgram {
 public:
  // Never throws: a rule outside the subset gives a program with
  // supported() == false and unsupported_reason() saying why.
  static std::shared_ptr<const CelProgram> Compile(std::string_view rule);

  bool supported() const { return root_ != nullptr; }
  const std::string& unsupported_reason() const { return reason_; }
  // Transition rules (oldSelf) only run on updates: never on a manifest.
  bool transition() const { return transition_; }

  enum class Outcome { kTrue, kFalse, kError, kUnsupported };
  // Evaluates with `self` bound to `value`. kError (a CEL runtime error,
  // reported as a violation) and kUnsupported (outside the subset) set *error.
  Outcome Evaluate(const yaml::Node& value, bool yaml11, std::string* error) const;

  ~CelProgram();

 private:
  std::unique_ptr<CelExpr> root_;
  std::string reason_;
  bool transition_ = false;
};

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_CEL_H_
