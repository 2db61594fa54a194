// capstan's Rego engine: load modules, compile, evaluate queries.
//
// Promises:
//  * Rego v0 and v1 syntax: packages, imports, complete/partial/default
//    rules, functions, else, not, some, every, in, comprehensions, `with`
//    (input, data, functions), the built-ins listed in builtins_*.cc.
//  * Compile() rejects calls to functions that exist neither as a rule nor
//    as a supported built-in, naming the function and the file.
//  * Evaluation is bounded (Limits): steps, rule/function depth, elements
//    created, and stack; recursion is an error. Built-ins cannot read files,
//    the network or the clock.
//  * Errors are policy::Error with OPA's codes (rego_parse_error,
//    rego_type_error, eval_conflict_error, eval_type_error,
//    eval_builtin_error, rego_recursion_error, eval_limit_error).
#ifndef CAPSTAN_POLICY_POLICY_H_
#define CAPSTAN_POLICY_POLICY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/value.h"

namespace capstan::policy {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct Limits {
  uint64_t max_steps = 20'000'000;      // expressions evaluated per query (~2 s)
  uint64_t max_elements = 4'000'000;    // values collected/created per query (~200 MB)
  int max_depth = 200;                  // nested rule/function evaluations
};

using Bindings = std::vector<std::pair<std::string, Value>>;

struct Compiled;

class Engine {
 public:
  explicit Engine(Limits limits = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Parses one module (throws Error rego_parse_error naming file and line).
  void AddModule(std::string_view source, const std::string& file);
  // Resolves names and calls; throws Error (rego_type_error etc.).
  void Compile();

  // Base documents under `data` and the `input` document.
  void SetData(Value data);
  void SetInput(std::optional<Value> input);

  // Solutions of a query (Rego text), with the named variables bound.
  std::vector<Bindings> Query(std::string_view query, bool strict_builtin_errors = false);
  // Value of the document at data.<path> (nullopt when undefined).
  std::optional<Value> EvalPath(const std::vector<std::string>& path, bool strict_builtin_errors = false);
  // The same with this input and base data instead of the stored ones; does
  // not modify the engine, so threads may call it at once after Compile().
  std::optional<Value> EvalPathWith(const std::vector<std::string>& path, const Value& input, const Value& data,
                                    bool strict_builtin_errors = false) const;
  // Package paths of the loaded modules, in load order.
  std::vector<std::vector<std::string>> Packages() const;

 private:
  std::unique_ptr<Compiled> c_;
};

// Evaluates a Rego term written as text, with no input/data (input_term).
Value EvalTermText(std::string_view text);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_POLICY_H_
