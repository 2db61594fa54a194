// Go text/template: parse and execute templates as Go 1.23 does.
//
// A TemplateSet holds named templates (files and `define`s). Parse adds a
// file's text under a name; a later `define` of the same name replaces the
// earlier one, as in Go. Execute runs one template with a dot value and the
// function map, writing the output to a string. Errors are Go's messages:
//   ParseError: "template: NAME:LINE: REASON"
//   ExecError:  "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: REASON"
// Work is bounded (Limits): nesting of template calls, output size and the
// number of steps, so hostile templates end with an error.
#ifndef CAPSTAN_GOTEMPLATE_TEMPLATE_H_
#define CAPSTAN_GOTEMPLATE_TEMPLATE_H_

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gotemplate/value.h"

namespace capstan::gotemplate {

struct ListNode;
class Executor;

struct ParseError : std::runtime_error {
  ParseError(const std::string& msg, std::string name, int line, std::string reason)
      : std::runtime_error(msg), name(std::move(name)), line(line), reason(std::move(reason)) {}
  std::string name;
  int line;
  std::string reason;
};

struct ExecError : std::runtime_error {
  ExecError(const std::string& msg, std::string location, std::string reason)
      : std::runtime_error(msg), location(std::move(location)), reason(std::move(reason)) {}
  std::string location;  // "NAME:LINE:COL"
  std::string reason;    // the error after "executing ... at <...>: "
};

struct Limits {
  int max_depth = 1000;                 // nested template/include calls
  size_t max_output = size_t{1} << 28;  // bytes one execution may write (256 MiB)
  uint64_t max_steps = uint64_t{1} << 32;  // nodes evaluated
  double max_seconds = 60;              // wall time of one rendering
};

// A function callable from templates. Arguments arrive evaluated; throw
// FuncError for "error calling NAME: ..." failures.
using Func = std::function<Value(Executor& ex, std::vector<Value>& args)>;
// Looked up by string_view without building a std::string.
struct FuncNameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
struct FuncMap {
  std::unordered_map<std::string, Func, FuncNameHash, std::equal_to<>> funcs;
  const Func* Find(std::string_view name) const;
};

struct Tree;  // a parsed template (opaque)

class TemplateSet {
 public:
  explicit TemplateSet(const FuncMap* funcs, const TemplateSet* parent = nullptr)
      : funcs_(funcs), parent_(parent) {}
  // Parses `text` as template `name` (its defines are added too). Throws ParseError.
  void Parse(const std::string& name, std::string_view text);
  const Tree* Find(std::string_view name) const;
  const FuncMap* funcs() const { return funcs_; }
  // Called by Find for a name it does not hold, to Parse it on demand
  // (returns false when there is no such template).
  using Loader = std::function<bool(TemplateSet& set, const std::string& name)>;
  void SetLoader(Loader l) { loader_ = std::move(l); }

 private:
  Loader loader_;
  const FuncMap* funcs_;
  const TemplateSet* parent_;
  std::map<std::string, std::shared_ptr<const Tree>, std::less<>> trees_;
  std::vector<std::shared_ptr<std::string>> texts_;
};

// Shared state of one rendering: limits and counters across nested
// include/tpl executions.
struct ExecState {
  Limits limits;
  int depth = 0;
  uint64_t steps = 0;
  double started = -1;  // steady-clock seconds at the first step
  void* user = nullptr;  // the embedder's context (Helm's engine)
  bool missing_key_error = false;  // Option("missingkey=error"): a missing map key fails
};

// Runs template `name` of `set` with `dot`; appends the output to *out.
// Throws ExecError (or std::runtime_error for unknown names).
void Execute(const TemplateSet& set, std::string_view name, const Value& dot, ExecState& state,
             std::string* out);

// Passed to functions: what they need of the running execution.
class Executor {
 public:
  Executor(const TemplateSet& set, ExecState& state) : set_(set), state_(state) {}
  const TemplateSet& set() const { return set_; }
  ExecState& state() { return state_; }

 private:
  const TemplateSet& set_;
  ExecState& state_;
};

// Go's builtin functions (and, or, not, len, index, slice, print, printf,
// println, eq, ne, lt, le, gt, ge, html, js, urlquery, call).
void AddBuiltins(FuncMap* m);
// fmt.Sprintf with Go's verbs and flags.
std::string Sprintf(std::string_view format, const std::vector<Value>& args, size_t first = 0);
// fmt.Sprint / fmt.Sprintln.
std::string Sprint(const std::vector<Value>& args);
std::string Sprintln(const std::vector<Value>& args);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_TEMPLATE_H_
