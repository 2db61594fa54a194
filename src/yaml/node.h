// The document model every capstan module works on.
//
// A Node is an ordered YAML/JSON tree: mappings keep their key order and
// scalars keep the tag and style they were written with, so that a document
// read and written again comes out the way `kustomize build` prints it
// ("1" stays a string, 1 stays an int, `yes` stays a string).
//
// Plain value type: copy it, compare it, move it. No shared ownership.
#ifndef CAPSTAN_YAML_NODE_H_
#define CAPSTAN_YAML_NODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::yaml {

enum class Kind : uint8_t { kNull, kScalar, kSequence, kMapping };

// How a scalar was written. The emitter may pick another style when the
// original one cannot represent the value.
enum class Style : uint8_t { kAny, kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

// Core schema tags (YAML 1.2 core, as kyaml resolves them). Custom tags are
// kept verbatim in Node::tag.
inline constexpr std::string_view kStrTag = "!!str";
inline constexpr std::string_view kIntTag = "!!int";
inline constexpr std::string_view kFloatTag = "!!float";
inline constexpr std::string_view kBoolTag = "!!bool";
inline constexpr std::string_view kNullTag = "!!null";
inline constexpr std::string_view kMapTag = "!!map";
inline constexpr std::string_view kSeqTag = "!!seq";
// Also produced by the resolver, as go-yaml v3 does: plain `2024-01-02`
// resolves to !!timestamp (emitted plain; JSON treats it as a string) and a
// plain `<<` key to !!merge (merge keys are expanded while parsing).
inline constexpr std::string_view kTimestampTag = "!!timestamp";
inline constexpr std::string_view kMergeTag = "!!merge";

struct Field;

struct Node {
  Kind kind = Kind::kNull;
  Style style = Style::kAny;
  // Resolved tag of a scalar ("!!str", "!!int", ...); "!!map"/"!!seq" or a
  // custom tag for collections; "!!null" for null.
  std::string tag = std::string(kNullTag);
  std::string value;           // scalar text (for null: "" or "null" or "~")
  std::vector<Node> items;     // kSequence
  std::vector<Field> fields;   // kMapping, in document order
  bool flow = false;           // collection was written in flow style ({}, [])
  bool tagged = false;         // tag written explicitly (`!!str 1`); EmitYamlPreserving keeps it

  // --- construction -------------------------------------------------------
  static Node Null();
  static Node String(std::string_view s);
  static Node Int(int64_t v);
  static Node Bool(bool v);
  static Node Float(double v);
  // A scalar with an explicit resolved tag, e.g. Scalar("1", kIntTag).
  static Node Scalar(std::string_view text, std::string_view tag);
  static Node Map();
  static Node Seq();

  // --- inspection ---------------------------------------------------------
  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMapping; }
  bool IsSeq() const { return kind == Kind::kSequence; }
  bool IsString() const { return kind == Kind::kScalar && tag == kStrTag; }
  bool IsInt() const { return kind == Kind::kScalar && tag == kIntTag; }
  bool IsBool() const { return kind == Kind::kScalar && tag == kBoolTag; }
  bool IsFloat() const { return kind == Kind::kScalar && tag == kFloatTag; }
  bool IsNumber() const { return IsInt() || IsFloat(); }

  // Scalar accessors; return the fallback when the node is not of that type.
  const std::string& Str() const { return value; }
  int64_t AsInt(int64_t fallback = 0) const;
  double AsFloat(double fallback = 0) const;
  bool AsBool(bool fallback = false) const;

  // --- mappings -----------------------------------------------------------
  // Field lookup by key text; nullptr when absent or not a mapping.
  const Node* Get(std::string_view key) const;
  Node* Get(std::string_view key);
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  // Sets (replacing in place, or appending) a field; turns a null node into a
  // mapping first. Returns the stored value.
  Node& Set(std::string_view key, Node value);
  // Returns the field's value, creating it as an empty mapping when absent.
  Node& GetOrCreateMap(std::string_view key);
  bool Remove(std::string_view key);

  // Walks a path of mapping keys: node.At({"metadata", "name"}).
  const Node* At(std::initializer_list<std::string_view> path) const;
  // String at path, or fallback when absent or not a scalar.
  std::string StrAt(std::initializer_list<std::string_view> path,
                    std::string_view fallback = "") const;

  // Fields of a mapping, items of a sequence, else 0. (Defined below, once
  // Field is complete, so the header also builds with clang.)
  size_t size() const;
};

struct Field {
  Node key;    // almost always a string scalar
  Node value;
};

inline size_t Node::size() const {
  return IsMap() ? fields.size() : IsSeq() ? items.size() : 0;
}

// Structural equality: same kinds, same scalar values and tags (style and
// flow ignored; numbers and booleans compare by value, so 0x10 == 16 and
// !!float 1.0 == !!int 1); mappings compare in key order-insensitive fashion.
bool operator==(const Node& a, const Node& b);
inline bool operator!=(const Node& a, const Node& b) { return !(a == b); }

}  // namespace capstan::yaml

#endif  // CAPSTAN_YAML_NODE_H_
