// Reading and writing YAML and JSON documents.
//
// Parse* accept YAML 1.2 (core schema, as Kustomize's kyaml resolves it) and
// JSON, several documents separated by `---`. Anchors and aliases are
// expanded with a bound on the total expanded size, nesting depth is bounded,
// so hostile input fails with an error instead of exhausting memory.
//
// EmitYaml prints a document exactly as `kustomize build` (and `kubectl get
// -o yaml`) print it. Note what that means: kustomize v5 prints each
// resource as MarshalJSON -> sigs.k8s.io/yaml.JSONToYAML (go-yaml v2), so
// mapping keys come out SORTED (go-yaml v2 order), numbers are re-printed
// from their value (1.0 -> 1, 0x10 -> 16, 1e3 -> 1000), plain timestamps
// become RFC 3339 strings, tags and input styles are dropped, strings are
// quoted only when they would read as another type (also YAML 1.1 booleans
// like "yes"/"on"), 2-space indent, sequences not indented under their key,
// scalars folded past column 80, multi-line strings as literal blocks.
// EmitYamlPreserving keeps the document as written instead: key order,
// scalar styles, tags and flow collections (go-yaml v3 node encoding, as
// kyaml writes files).
#ifndef CAPSTAN_YAML_YAML_H_
#define CAPSTAN_YAML_YAML_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "yaml/node.h"

namespace capstan::yaml {

// A parse failure. what() is one line: "<source>: line L column C: <reason>".
class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& message, int line, int column, std::string go_message = "")
      : std::runtime_error(message), line_(line), column_(column),
        go_message_(std::move(go_message)) {}
  int line() const { return line_; }
  int column() const { return column_; }
  // The same failure as go-yaml words it, e.g. "yaml: line 8: did not find
  // expected key" (go-yaml reports the line where the enclosing construct
  // started, 0-based for parser errors), for messages that must match
  // kustomize's "MalformedYAMLError: <this> in File: x.yaml".
  const std::string& go_message() const { return go_message_; }

 private:
  int line_, column_;
  std::string go_message_;
};

struct ParseLimits {
  size_t max_depth = 512;                 // nesting of collections
  size_t max_alias_expansion = 1 << 20;   // nodes created through aliases (~150 MB)
  size_t max_bytes = size_t{1} << 30;     // input size
};

// All documents of a YAML (or JSON) stream. Empty documents (only comments
// or `---`) are dropped. `source` names the input in error messages.
std::vector<Node> ParseAll(std::string_view text, std::string_view source = "<input>",
                           const ParseLimits& limits = {});
// Exactly one document (an empty input gives a null node).
Node ParseOne(std::string_view text, std::string_view source = "<input>",
              const ParseLimits& limits = {});
// Strict JSON (RFC 8259), faster than the YAML path; used for API bodies.
Node ParseJson(std::string_view text, std::string_view source = "<input>");

// One document as YAML, ending in a newline; no leading `---`.
std::string EmitYaml(const Node& doc);
// Several documents joined by "---\n", as `kustomize build` prints them.
std::string EmitYamlStream(const std::vector<Node>& docs);
// Key order, styles, tags and flow style kept (for rewriting user files).
std::string EmitYamlPreserving(const Node& doc);
std::string EmitYamlStreamPreserving(const std::vector<Node>& docs);
// Compact JSON (no spaces), or indented by `indent` spaces when > 0.
std::string EmitJson(const Node& doc, int indent = 0);
// JSON as Go's json.Marshal prints the object kubectl holds (e.g. the
// kubectl.kubernetes.io/last-applied-configuration annotation): keys sorted
// bytewise, numbers re-printed from their value (1.0 -> 1, 0x10 -> 16),
// timestamps as RFC 3339 strings, <>& and U+2028/9 escaped as \u00XX.
std::string EmitJsonSorted(const Node& doc);

// Resolves the tag a plain (unquoted) scalar gets under the core schema:
// "!!null", "!!bool", "!!int", "!!float" or "!!str"; like go-yaml v3 also
// "!!timestamp" (2001-12-14, 2001-12-14T21:59:43.10-05:00) and "!!merge" (<<).
std::string_view ResolvePlainTag(std::string_view text);

}  // namespace capstan::yaml

#endif  // CAPSTAN_YAML_YAML_H_
