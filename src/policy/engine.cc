#include <stdexcept>

#include "policy/compiled.h"
#include "policy/eval.h"
#include "policy/parser.h"
#include "policy/policy.h"

namespace capstan::policy {

namespace {
Error AsError(const std::runtime_error& e) {
  std::string msg = e.what();
  std::string code = msg.find("rego_parse_error") != std::string::npos ? "rego_parse_error" : "rego_compile_error";
  return Error(code, msg);
}
}  // namespace

Engine::Engine(Limits limits) : c_(std::make_unique<Compiled>()) { c_->limits = limits; }
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::AddModule(std::string_view source, const std::string& file) {
  try {
    c_->modules.push_back(ParseModule(source, file));
  } catch (const Error&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw AsError(e);
  }
  c_->compiled = false;
}

void Engine::Compile() { CompileModules(c_.get()); }

void Engine::SetData(Value data) { c_->data = std::move(data); }
void Engine::SetInput(std::optional<Value> input) { c_->input = std::move(input); }

std::vector<Bindings> Engine::Query(std::string_view query, bool strict) {
  if (!c_->compiled) Compile();
  Body body;
  try {
    body = ParseQuery(query, "query");
  } catch (const Error&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw AsError(e);
  }
  CompiledQuery q = CompileQuery(c_.get(), std::move(body), "query");
  return RunQuery(c_.get(), q, strict);
}

std::optional<Value> Engine::EvalPath(const std::vector<std::string>& path, bool strict) {
  if (!c_->compiled) Compile();
  return RunPath(c_.get(), path, strict);
}

std::optional<Value> Engine::EvalPathWith(const std::vector<std::string>& path, const Value& input,
                                          const Value& data, bool strict) const {
  if (!c_->compiled) throw Error("rego_compile_error", "EvalPathWith before Compile");
  return RunPath(c_.get(), path, strict, &input, &data);
}

std::vector<std::vector<std::string>> Engine::Packages() const {
  std::vector<std::vector<std::string>> out;
  for (const Module& m : c_->modules) out.push_back(m.package);
  return out;
}

Value EvalTermText(std::string_view text) {
  Engine e;
  auto rows = e.Query("capstan_term_value = " + std::string(text));
  if (rows.empty()) throw Error("eval_error", "input_term is undefined");
  for (const auto& [name, v] : rows[0]) {
    if (name == "capstan_term_value") return v;
  }
  throw Error("eval_error", "input_term is undefined");
}

}  // namespace capstan::policy
