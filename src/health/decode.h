// Typed reads of an unstructured object, the way Kubernetes' unstructured
// converter decodes it into a typed struct before gitops-engine's checks run:
// an absent or null field reads as its zero value, a field of the wrong type
// makes the whole decode fail. The first failure is kept so the caller can
// answer "failed to convert unstructured <Kind> to typed: <error>".
#ifndef CAPSTAN_HEALTH_DECODE_H_
#define CAPSTAN_HEALTH_DECODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/node.h"

namespace capstan::health::internal {

struct Condition {
  std::string type, status, reason, message;
};

// A field path for error messages, joined from up to three pieces only when
// a decode fails, so successful reads allocate nothing.
struct Path {
  Path(const char* s) : a(s) {}  // NOLINT: paths are written as literals
  Path(std::string_view s) : a(s) {}  // NOLINT
  Path(std::string_view x, std::string_view y, std::string_view z = {}) : a(x), b(y), c(z) {}
  std::string Join() const { return std::string(a) + std::string(b) + std::string(c); }
  std::string_view a, b, c;
};

class Decoder {
 public:
  // Each accessor reads parent[key]; `path` (".spec.replicas") names the field
  // in the error. A null parent reads as absent.
  const yaml::Node* Map(const yaml::Node* parent, std::string_view key, const Path& path);
  const yaml::Node* Seq(const yaml::Node* parent, std::string_view key, const Path& path);
  std::optional<int64_t> OptInt(const yaml::Node* parent, std::string_view key,
                                const Path& path);
  int64_t Int(const yaml::Node* parent, std::string_view key, const Path& path) {
    return OptInt(parent, key, path).value_or(0);
  }
  std::string Str(const yaml::Node* parent, std::string_view key, const Path& path);
  bool Bool(const yaml::Node* parent, std::string_view key, const Path& path);

  // Items of a list field that must hold mappings (conditions, statuses).
  std::vector<const yaml::Node*> MapItems(const yaml::Node* parent, std::string_view key,
                                          const Path& path);
  // status.conditions-style list of {type, status, reason, message}.
  std::vector<Condition> Conditions(const yaml::Node* parent, std::string_view key,
                                    const Path& path);
  // A map whose values must all be strings (labels, annotations).
  const yaml::Node* StringMap(const yaml::Node* parent, std::string_view key,
                              const Path& path);

  // Reads metadata fields every typed object has (name, namespace,
  // generation, labels, annotations) so type errors there fail as in Go.
  void Metadata(const yaml::Node& obj);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  const yaml::Node* Field(const yaml::Node* parent, std::string_view key);
  void Fail(const Path& path, std::string_view want, const yaml::Node& got);
  std::string error_;
};

// Go's %q for ordinary strings: double quotes, backslash escapes.
std::string GoQuote(std::string_view s);

}  // namespace capstan::health::internal

#endif  // CAPSTAN_HEALTH_DECODE_H_
