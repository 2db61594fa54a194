// JSON view of yaml::Node for the diff: gitops-engine compares objects after
// a JSON round trip, so YAML spellings, tags and key order do not matter.
#ifndef CAPSTAN_DIFF_VALUE_H_
#define CAPSTAN_DIFF_VALUE_H_

#include <string>
#include <string_view>

#include "yaml/node.h"

namespace capstan::diff {

enum class JType { kNull, kBool, kNumber, kString, kArray, kObject };

JType TypeOf(const yaml::Node& n);
inline bool IsObject(const yaml::Node* n) { return n && TypeOf(*n) == JType::kObject; }
inline bool IsArray(const yaml::Node* n) { return n && TypeOf(*n) == JType::kArray; }
inline bool IsNullish(const yaml::Node* n) { return !n || TypeOf(*n) == JType::kNull; }

// Deep equality of the JSON values: map key order ignored, numbers compared
// as doubles (1 == 1.0 == 1e0), booleans by truth value.
bool JsonEqual(const yaml::Node& a, const yaml::Node& b);

// The JSON round trip of remarshal: every scalar becomes a plain JSON value
// (null, true/false, a number -- whole floats become ints as
// unstructured.Unstructured decodes them -- or a string), mapping keys become
// strings, styles are dropped.
void Canonicalize(yaml::Node& n);

// Removes null values from mappings, recursively (strategic merge's
// discardNullValuesFromPatch).
yaml::Node StripNulls(const yaml::Node& n);

// Text of a scalar as Go's fmt "%v" prints a JSON value (merge keys compare
// by it).
std::string ScalarKey(const yaml::Node& n);

// Compact JSON with sorted keys: a canonical form used for ordering.
std::string SortedJson(const yaml::Node& n);

// Mapping helpers that tolerate non-mappings.
const yaml::Node* Field(const yaml::Node* map, std::string_view key);
yaml::Node* MutableField(yaml::Node* map, std::string_view key);

}  // namespace capstan::diff

#endif  // CAPSTAN_DIFF_VALUE_H_
