// Internal: running compiled queries (eval.cc).
#ifndef CAPSTAN_POLICY_EVAL_H_
#define CAPSTAN_POLICY_EVAL_H_

#include <optional>
#include <string>
#include <vector>

#include "policy/compiled.h"

namespace capstan::policy {

std::vector<Bindings> RunQuery(Compiled* c, const CompiledQuery& q, bool strict);
// input/data override the stored ones when given (nothing in *c changes).
std::optional<Value> RunPath(const Compiled* c, const std::vector<std::string>& path, bool strict,
                             const Value* input = nullptr, const Value* data = nullptr);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_EVAL_H_
