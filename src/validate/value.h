// Internal: how a parsed YAML value reads as JSON, the way sigs.k8s.io/yaml
// (go-yaml v2, YAML 1.1 scalars) reads manifests: `yes`/`off` are booleans,
// `0755` is octal, timestamps stay strings.
#ifndef CAPSTAN_VALIDATE_VALUE_H_
#define CAPSTAN_VALIDATE_VALUE_H_

#include <string>
#include <string_view>

#include "yaml/node.h"

namespace capstan::validate {

enum class JsonType { kNull, kBool, kInt, kFloat, kString, kArray, kObject };

// yaml11: plain scalars resolve with YAML 1.1 rules; otherwise the node's
// resolved tag decides (rendered objects, JSON).
JsonType TypeOf(const yaml::Node& n, bool yaml11);
// Numeric value of a kInt/kFloat scalar (YAML 1.1 forms included).
double NumberOf(const yaml::Node& n, bool yaml11);
bool BoolOf(const yaml::Node& n, bool yaml11);
// A mapping key as sigs.k8s.io/yaml turns it into a JSON key ("true",
// "null", "493" for 0755). Returns a view of the key text or of *buf.
std::string_view KeyText(const yaml::Node& key, bool yaml11, std::string* buf);
// "string", "integer", "number", "boolean", "null", "array", "object".
const char* TypeName(JsonType t);
// A canonical form for equality (enum, list-type set/map): 1 == 1.0.
std::string Canonical(const yaml::Node& n, bool yaml11);
// The value as Go's %v/JSON prints it in field.Error details ("\"x\"", 3,
// true, {"a":1}).
std::string GoValue(const yaml::Node& n, bool yaml11);

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_VALUE_H_
