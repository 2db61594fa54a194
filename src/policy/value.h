// Rego values: null, boolean, number, string, array, object, set.
//
// Immutable and cheap to copy (collections are shared). Objects and sets are
// kept sorted in OPA's value order (null < boolean < number < string <
// array < object < set), so equality and ordering are structural and sets
// print in the order `opa eval` prints them.
#ifndef CAPSTAN_POLICY_VALUE_H_
#define CAPSTAN_POLICY_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "yaml/node.h"

namespace capstan::policy {

enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject, kSet };

struct Value;
using Array = std::vector<Value>;
using Object = std::vector<std::pair<Value, Value>>;  // sorted by key, unique keys

struct Value {
  Type type = Type::kNull;
  bool b = false;
  double num = 0;
  // String text, or for a number written with more digits than a double
  // holds exactly, its decimal text (kept for printing and comparison).
  std::shared_ptr<const std::string> str;
  std::shared_ptr<const Array> arr;  // kArray, or kSet (sorted, unique)
  std::shared_ptr<const Object> obj;  // kObject

  static Value Null() { return Value(); }
  static Value Bool(bool v);
  static Value Number(double v);
  static Value BigNumber(double v, std::string text);
  static Value String(std::string s);
  static Value MakeArray(Array items);
  static Value MakeSet(Array items);        // sorts and removes duplicates
  static Value MakeObject(Object fields);   // sorts; later duplicate keys win

  bool IsNull() const { return type == Type::kNull; }
  bool IsBool() const { return type == Type::kBool; }
  bool IsNumber() const { return type == Type::kNumber; }
  bool IsString() const { return type == Type::kString; }
  bool IsArray() const { return type == Type::kArray; }
  bool IsObject() const { return type == Type::kObject; }
  bool IsSet() const { return type == Type::kSet; }
  bool IsTrue() const { return type == Type::kBool && b; }

  const std::string& S() const;
  const Array& Items() const;       // array or set items
  const Object& Fields() const;
  size_t Size() const;
  // Object field or nullptr.
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;
  bool SetHas(const Value& v) const;
  // Integer value when the number is integral, fits int64.
  bool AsInt(int64_t* out) const;
};

int Compare(const Value& a, const Value& b);
inline bool operator==(const Value& a, const Value& b) { return Compare(a, b) == 0; }
inline bool operator!=(const Value& a, const Value& b) { return Compare(a, b) != 0; }
inline bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }

const char* TypeName(Type t);  // "null", "boolean", "number", "string", ...
std::string NumberText(const Value& v);  // 1, 1.5, 1e+21 as Go's json prints
// Compact JSON; sets become sorted arrays; non-string object keys are
// printed as their JSON text.
std::string ToJson(const Value& v);
// As Rego prints a term (sets as {..}, set() for empty).
std::string ToRegoText(const Value& v);

Value FromNode(const yaml::Node& n);
yaml::Node ToNode(const Value& v);

}  // namespace capstan::policy

#endif  // CAPSTAN_POLICY_VALUE_H_
