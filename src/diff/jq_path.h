// The subset of jq that Argo CD users write in ignoreDifferences
// jqPathExpressions. Argo CD evaluates `del(EXPR)`; capstan evaluates EXPR to
// the list of concrete paths it denotes and deletes them.
//
// Supported:
//   .            identity                .foo  ."foo.bar"  .["foo"]   field
//   .[N]  .[-1]  array index             .[]   iterate (arrays and objects)
//   ?            suppress errors of the preceding step ( .a[]?.b )
//   A | B        pipe                    select(COND)   filter
// COND: comparisons == != < <= > >= between relative paths and literals
// (strings, numbers, true, false, null), `and`, `or`, parentheses, and the
// filters `| not`, `| test("re")`, `| startswith("s")`, `| endswith("s")`,
// `| contains("s")`, `| has("key")`, `| length`.
// Whitespace between steps is allowed (`select(.name == "x") .image`).
//
// Anything else is a parse error (JqError) with a one-line message.
#ifndef CAPSTAN_DIFF_JQ_PATH_H_
#define CAPSTAN_DIFF_JQ_PATH_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "yaml/node.h"

namespace capstan::diff {

class JqError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One step of a concrete path: a mapping key or a sequence index.
using PathStep = std::variant<std::string, long>;
using Path = std::vector<PathStep>;

struct JqNode;  // parsed expression, opaque

class JqPath {
 public:
  static JqPath Parse(std::string_view expr);  // throws JqError
  // Concrete paths the expression denotes in `root`; throws JqError on an
  // evaluation error jq would report (e.g. iterating over a string).
  std::vector<Path> Paths(const yaml::Node& root) const;

 private:
  std::shared_ptr<const JqNode> root_;
};

// Deletes the paths from `root` (jq's delpaths: deepest and highest index
// first, so indices stay valid). Paths that do not exist are skipped.
void DeletePaths(yaml::Node& root, std::vector<Path> paths);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_JQ_PATH_H_
