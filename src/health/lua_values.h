// How Argo CD's Lua health scripts see an object, for the checks ported from
// them to C++ (rollout.cc, cronjob.cc, application.cc): a missing field is
// nil, JSON false stays false, and indexing or comparing the wrong type is a
// script error, which Argo CD reports as Unknown with the error text.
#ifndef CAPSTAN_HEALTH_LUA_VALUES_H_
#define CAPSTAN_HEALTH_LUA_VALUES_H_

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "health/builtin.h"

namespace capstan::health::internal {

// Lua's view of a field: nil for absent or null.
inline const yaml::Node* Field(const yaml::Node* parent, std::string_view key) {
  if (parent == nullptr || !parent->IsMap()) return nullptr;
  const yaml::Node* v = parent->Get(key);
  return (v == nullptr || v->IsNull()) ? nullptr : v;
}

inline std::optional<double> Number(const yaml::Node* n) {
  if (n == nullptr || !n->IsNumber()) return std::nullopt;
  return n->IsInt() ? static_cast<double>(n->AsInt()) : n->AsFloat();
}

// Lua's tonumber on a string or number.
inline std::optional<double> ToNumber(const yaml::Node* n) {
  if (n == nullptr) return std::nullopt;
  if (n->IsNumber()) return Number(n);
  if (!n->IsScalar() || n->IsBool()) return std::nullopt;
  const std::string& s = n->value;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end == s.c_str()) return std::nullopt;
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') ++end;
  if (*end != '\0') return std::nullopt;
  return d;
}

inline bool Truthy(const yaml::Node* n) { return n != nullptr && !(n->IsBool() && !n->AsBool()); }

inline HealthStatus ScriptError(std::string_view what) {
  return {Code::kUnknown, std::string(what)};
}

// Lua's string of a field, or nullopt when absent or not a string.
inline std::optional<std::string> Str(const yaml::Node* n) {
  if (n == nullptr || !n->IsScalar() || n->IsBool() || n->IsNumber()) return std::nullopt;
  return n->value;
}

inline bool Equal(const yaml::Node* a, const yaml::Node* b) {
  if (a == nullptr || b == nullptr) return a == b;
  if (a->IsNumber() && b->IsNumber()) return *Number(a) == *Number(b);
  if (a->IsBool() != b->IsBool() || a->IsNumber() != b->IsNumber()) return false;
  if (!a->IsScalar() || !b->IsScalar()) return a == b;  // tables compare by identity
  return a->value == b->value;
}

}  // namespace capstan::health::internal

#endif  // CAPSTAN_HEALTH_LUA_VALUES_H_
