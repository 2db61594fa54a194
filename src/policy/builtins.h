// Built-in functions: the table the compiler resolves calls against, and the
// helpers the builtins_*.cc files share.
//
// A built-in gets its operands as values and either sets *out (defined),
// returns false (undefined) or throws BuiltinError (OPA's eval_type_error /
// eval_builtin_error; with strict errors it aborts the query, otherwise the
// call is undefined). Built-ins never touch files, the network or the clock.
#ifndef CAPSTAN_POLICY_BUILTINS_H_
#define CAPSTAN_POLICY_BUILTINS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "policy/value.h"

namespace capstan::policy {

struct BuiltinError {
  std::string code;  // eval_type_error | eval_builtin_error
  std::string message;
};

// Resources a built-in may consume; Charge throws when the budget is spent.
class Budget {
 public:
  explicit Budget(uint64_t max_elements = 50'000'000) : max_(max_elements) {}
  void Charge(uint64_t n);
  void Reset(uint64_t max) { used_ = 0; max_ = max; }
  uint64_t used() const { return used_; }

 private:
  uint64_t used_ = 0, max_;
};

struct BuiltinContext {
  Budget* budget;
};

using BuiltinFn = bool (*)(BuiltinContext& ctx, const Value* args, Value* out);

struct Builtin {
  const char* name;
  int arity;
  BuiltinFn fn;
};

// nullptr when no built-in has that name.
const Builtin* FindBuiltin(std::string_view name);

// Shared helpers for the builtins_*.cc files.
[[noreturn]] void ThrowType(const char* fn, int operand, const std::string& want, const Value& got);
[[noreturn]] void ThrowBuiltin(const char* fn, const std::string& msg);
const std::string& StringArg(const char* fn, const Value* args, int i);
double NumberArg(const char* fn, const Value* args, int i);
int64_t IntArg(const char* fn, const Value* args, int i);

void AddStringBuiltins(std::vector<Builtin>* out);
void AddCollectionBuiltins(std::vector<Builtin>* out);
void AddNumberBuiltins(std::vector<Builtin>* out);
void AddEncodingBuiltins(std::vector<Builtin>* out);
void AddRegexBuiltins(std::vector<Builtin>* out);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_BUILTINS_H_
