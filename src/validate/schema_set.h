// Internal: OpenAPI v3 schemas (Kubernetes flavour) compiled into a graph of
// plain structs the validator walks, looked up by group, version and kind.
#ifndef CAPSTAN_VALIDATE_SCHEMA_SET_H_
#define CAPSTAN_VALIDATE_SCHEMA_SET_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "validate/validate.h"
#include "yaml/node.h"

namespace capstan::validate {

class Pattern;     // compiled `pattern` (pattern.h)
class CelProgram;  // x-kubernetes-validations rule (cel.h)

struct CelRule {
  std::string rule, message;
  std::shared_ptr<const CelProgram> program;
};

// JSON types as a bitmask.
enum TypeBit : uint8_t {
  kTypeNull = 1, kTypeBool = 2, kTypeInt = 4, kTypeNumber = 8, kTypeString = 16,
  kTypeArray = 32, kTypeObject = 64,
};

enum class ByteFormat : uint8_t { kNone, kLenient, kStrict };  // lenient: "" accepted
enum class ListType : uint8_t { kNone, kAtomic, kSet, kMap };

struct Schema {
  const Schema* ref = nullptr;   // a reference: validate against *ref (other fields unused but nullable)
  bool nullable = false;         // null accepted (a null declared property is kept)
  uint8_t types = 0;             // 0: any type
  bool closed = false;           // unknown properties are errors
  std::vector<std::pair<std::string, const Schema*>> properties;  // sorted by name
  const Schema* additional = nullptr;  // additionalProperties schema
  const Schema* items = nullptr;
  std::vector<std::string> required;
  std::vector<yaml::Node> enum_values;
  bool has_enum = false;
  std::optional<double> minimum, maximum, multiple_of;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<int64_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
  bool unique_items = false;
  std::string pattern_text;
  std::shared_ptr<Pattern> pattern;
  ByteFormat byte_format = ByteFormat::kNone;
  ListType list_type = ListType::kNone;
  std::vector<std::string> map_keys;
  std::optional<yaml::Node> default_value;  // scalar defaults only (list-map keys)
  std::vector<const Schema*> all_of, any_of, one_of;
  const Schema* not_ = nullptr;
  std::vector<CelRule> cel;      // x-kubernetes-validations

  const Schema* Property(std::string_view name) const;
  // Follows references: the schema that holds the keywords.
  const Schema* Resolved() const;
  bool AcceptsNull() const;
};

struct Lookup {
  enum Status { kFound, kNoGroupVersion, kNoKind } status = kNoGroupVersion;
  const Schema* root = nullptr;
};

// One source of built-in OpenAPI documents, plus CRDs and patches.
class SchemaSet {
 public:
  // Component source: either one union document {"components", "gvs"} (the
  // embedded form) or per-group-version documents fetched on demand.
  explicit SchemaSet(Schemas::Fetch fetch, std::string source_name);
  // The union is parsed once per process and shared by every SchemaSet
  // made from the same text.
  SchemaSet(std::string_view union_json, std::string source_name);

  Lookup Find(std::string_view group, std::string_view version, std::string_view kind);
  size_t AddCrd(const yaml::Node& crd, bool override_builtin = true);
  void SetPatchDirectory(std::string dir) { patch_dir_ = std::move(dir); }

 private:
  struct GroupVersion {
    bool exists = false;
    std::map<std::string, std::string, std::less<>> kinds;   // kind -> component name
    std::shared_ptr<const yaml::Node> components;            // components.schemas
    std::map<std::string, const Schema*, std::less<>> compiled;
  };
  GroupVersion& LoadGroupVersion(const std::string& gv);
  const Schema* CompileComponent(GroupVersion& gv, const std::string& name, bool builtin_group);
  const Schema* Compile(const yaml::Node& s, GroupVersion& gv, bool crd, bool builtin_group);
  Schema* New() { return &arena_.emplace_back(); }
  const yaml::Node* ApplyPatch(const std::string& gv, yaml::Node* doc);

  std::mutex mu_;
  std::deque<Schema> arena_;
  std::string source_name_;
  Schemas::Fetch fetch_;
  std::shared_ptr<const yaml::Node> union_components_;
  using GvIndex = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
  std::shared_ptr<const GvIndex> union_gvs_;
  std::map<std::string, GroupVersion, std::less<>> gvs_;
  std::string patch_dir_;
  // CRDs: (group, version, kind) -> root schema; group-versions they define.
  std::map<std::string, const Schema*, std::less<>> crds_;
  std::map<std::string, bool, std::less<>> crd_gvs_;
  std::deque<yaml::Node> crd_sources_;
  GroupVersion crd_meta_gv_;  // ObjectMeta for CRDs when compiled from core v1
};

bool IsBuiltinGroup(std::string_view group);

}  // namespace capstan::validate

#endif  // CAPSTAN_VALIDATE_SCHEMA_SET_H_
