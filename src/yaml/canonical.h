// Internal to src/yaml: how `kustomize build` (and `kubectl get -o yaml`)
// canonicalize a document before printing it.
//
// kustomize v5 prints each resource as JSON converted to YAML
// (Resource.AsYAML: MarshalJSON, then sigs.k8s.io/yaml.JSONToYAML, which is
// go-yaml v2). So the printed form is a *value* round trip, not a node
// round trip: mapping keys come out sorted (go-yaml v2 key order), numbers
// are re-printed from their float64/int64 value, plain timestamps become
// RFC 3339 strings, tags and scalar styles are gone, and every string is
// printed the way go-yaml prints a Go string.
#ifndef CAPSTAN_YAML_CANONICAL_H_
#define CAPSTAN_YAML_CANONICAL_H_

#include <string>
#include <string_view>

#include "yaml/node.h"

namespace capstan::yaml::internal {

// The canonical text of a scalar or null node: a view of n.value when that
// is already canonical, else of *scratch. *is_string tells whether it is a
// string (printed with string quoting rules) or a null, bool, int or float
// (printed plain).
std::string_view CanonicalScalar(const Node& n, std::string* scratch, bool* is_string);

// kustomize's JSON-to-YAML step re-reads each string as a double-quoted
// YAML scalar, where json.Marshal leaves U+0085 (NEL) unescaped and YAML 1.1
// folds it like a line break: "a \u0085 b" becomes "a b", two NELs a "\n".
bool HasNextLine(std::string_view s);
std::string FoldNextLine(std::string_view s);

// go-yaml v2 map key order (keyList.Less): runs of digits compare by
// number, non-letters sort before letters.
bool KeyLess(std::string_view a, std::string_view b);

// go-yaml's isOldBool / isBase60Float: strings go-yaml quotes although the
// YAML 1.2 resolver reads them as strings.
bool IsOldBool(std::string_view s);
bool IsBase60Float(std::string_view s);

// Go's strconv.FormatFloat(v, 'g', -1, 64) with go-yaml's .inf/.nan.
std::string FormatFloat(double v);

}  // namespace capstan::yaml::internal

#endif  // CAPSTAN_YAML_CANONICAL_H_
