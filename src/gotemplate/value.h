// Values a Go text/template works on, with Go's dynamic-typing rules.
//
// A Value models a Go interface{} holding one of the types Helm charts see:
// nil, bool, int, int64, float64, string, []byte, []interface{} (List),
// map[string]interface{} (Map) and a few structs (Object: .Chart,
// .Capabilities, .Files). Lists and maps are shared by reference as in Go,
// so sprig's `set` on a dict is visible through every copy.
#ifndef CAPSTAN_GOTEMPLATE_VALUE_H_
#define CAPSTAN_GOTEMPLATE_VALUE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::gotemplate {

enum class Type : uint8_t {
  kInvalid,  // no value (missing map key): prints "<no value>"
  kNil,      // untyped nil
  kBool,
  kInt,      // Go int
  kInt64,
  kFloat,    // float64
  kString,
  kBytes,    // []byte
  kList,     // []interface{} (or []string, see type_name)
  kMap,      // map[string]interface{}
  kObject,   // a struct with fields and methods
};

struct Value;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, std::less<>>;
struct Object;

// Thrown by functions; the executor adds the template position.
struct FuncError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Value {
  Type type = Type::kInvalid;
  union {
    bool b;
    int64_t i = 0;
    double f;
  };
  std::string s;                    // kString, kBytes
  std::shared_ptr<List> list;       // kList
  std::shared_ptr<Map> map;         // kMap
  std::shared_ptr<Object> obj;      // kObject
  const char* type_name = nullptr;  // Go type when not the default ("[]string", "chartutil.Values")

  static Value Invalid() { return Value(); }
  static Value Nil() { Value v; v.type = Type::kNil; return v; }
  static Value Bool(bool x) { Value v; v.type = Type::kBool; v.b = x; return v; }
  static Value Int(int64_t x) { Value v; v.type = Type::kInt; v.i = x; return v; }
  static Value Int64(int64_t x) { Value v; v.type = Type::kInt64; v.i = x; return v; }
  static Value Float(double x) { Value v; v.type = Type::kFloat; v.f = x; return v; }
  static Value String(std::string x) { Value v; v.type = Type::kString; v.s = std::move(x); return v; }
  static Value Bytes(std::string x) { Value v; v.type = Type::kBytes; v.s = std::move(x); return v; }
  static Value NewList(List items = {}) {
    Value v; v.type = Type::kList; v.list = std::make_shared<List>(std::move(items)); return v;
  }
  static Value NewMap(Map m = {}) {
    Value v; v.type = Type::kMap; v.map = std::make_shared<Map>(std::move(m)); return v;
  }
  static Value NewObject(std::shared_ptr<Object> o) {
    Value v; v.type = Type::kObject; v.obj = std::move(o); return v;
  }

  bool IsNil() const { return type == Type::kInvalid || type == Type::kNil; }
  bool IsInteger() const { return type == Type::kInt || type == Type::kInt64; }
  bool IsNumber() const { return IsInteger() || type == Type::kFloat; }
};

// A Go struct (or named type with methods) seen by templates.
struct Object {
  virtual ~Object() = default;
  virtual std::string TypeName() const = 0;     // "*chart.Metadata"
  virtual std::string KindName() const { return "ptr"; }
  // Field or method lookup: returns false when there is none. A method gets
  // its arguments; a field is called with none.
  virtual bool HasMethod(std::string_view name) const { (void)name; return false; }
  virtual Value CallMethod(std::string_view name, std::vector<Value>& args) { (void)name; (void)args; return {}; }
  virtual bool Field(std::string_view name, Value* out) const = 0;
  // How fmt prints it (%v); a Stringer returns its String().
  virtual std::string Format() const = 0;
  // A value that range/len/index use (a VersionSet is a []string), or Invalid.
  virtual Value Underlying() const { return {}; }
};

// Go's fmt %v of a value.
std::string FormatValue(const Value& v);
// Go's text/template truth.
bool IsTrue(const Value& v);
// Go type names as %T / sprig typeOf print them, and reflect kinds.
std::string TypeName(const Value& v);
std::string KindName(const Value& v);
// strconv.FormatFloat(f, 'g', -1, 64) with fmt's %v exponent rule.
std::string FormatFloatV(double f);
// Deep copy of lists and maps (sprig deepCopy).
Value DeepCopy(const Value& v);
// reflect.DeepEqual.
bool DeepEqual(const Value& a, const Value& b);

}  // namespace capstan::gotemplate

#endif  // CAPSTAN_GOTEMPLATE_VALUE_H_
