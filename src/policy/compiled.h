// Internal: the loaded modules after name resolution, shared by compile.cc
// (resolution, body ordering) and eval.cc (evaluation).
#ifndef CAPSTAN_POLICY_COMPILED_H_
#define CAPSTAN_POLICY_COMPILED_H_

#include <optional>
#include <string>
#include <vector>

#include "policy/ast.h"
#include "policy/policy.h"

namespace capstan::policy {

struct Compiled {
  Limits limits;
  std::vector<Module> modules;
  DataNode root;
  bool compiled = false;
  Value data = Value::MakeObject({});
  std::optional<Value> input;
};

// Builds the rule tree and resolves every rule. Throws Error.
void CompileModules(Compiled* c);

// A compiled query: its body, frame size, and named variables by slot.
struct CompiledQuery {
  Body body;
  int nslots = 0;
  std::vector<std::pair<std::string, int>> named;  // user-visible vars
};
CompiledQuery CompileQuery(Compiled* c, Body body, const std::string& file);

[[noreturn]] void ThrowAt(const std::string& file, int line, const std::string& code, const std::string& msg);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_COMPILED_H_
