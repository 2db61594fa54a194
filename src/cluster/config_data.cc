#include "cluster/config_data.h"

#include <vector>

#include "base/base64.h"

#include "cluster/status.h"

namespace capstan::cluster {
namespace {

using yaml::Node;

constexpr size_t kMaxSize = 1024 * 1024;  // core.MaxSecretSize

std::string JsonType(const Node& n) {
  if (n.IsMap()) return "object";
  if (n.IsSeq()) return "array";
  if (n.IsNull()) return "null";
  if (n.IsBool()) return "bool";
  if (n.IsInt() || n.IsFloat()) return "number";
  return "string";
}

// A valid ConfigMap/Secret key (IsConfigMapKey), "" when valid.
std::string CheckConfigKey(const std::string& key) {
  std::vector<std::string> errs;
  if (key.size() > 253) errs.push_back("must be no more than 253 characters");
  bool chars_ok = !key.empty();
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) chars_ok = false;
  if (!chars_ok)
    errs.push_back("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                   "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                   "'[-._a-zA-Z0-9]+')");
  if (key == ".") errs.push_back("must not be '.'");
  else if (key == "..") errs.push_back("must not be '..'");
  else if (key.rfind("..", 0) == 0) errs.push_back("must not start with '..'");
  std::string out;
  for (size_t i = 0; i < errs.size(); ++i) out += (i ? ", " : "") + errs[i];
  return out;
}

}  // namespace

std::optional<std::string> DecodeStdBase64(const std::string& in, size_t* bad_byte) {
  std::string out;
  if (base::Base64Decode(in, &out)) return out;
  // Where Go's decoder stops: the first byte outside the alphabet, else
  // the end (bad padding or length).
  *bad_byte = in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' || c == '\r' ||
          c == '\n')) {
      *bad_byte = i;
      break;
    }
  }
  return std::nullopt;
}

void DecodeAndValidateConfigData(const ResourceInfo& r, Node& obj) {
  if (r.custom || !r.group.empty() || (r.kind != "ConfigMap" && r.kind != "Secret")) return;
  const std::string& kind = r.kind;
  auto cannot = [&](const std::string& why) {
    return BadRequest(kind + " in version \"v1\" cannot be handled as a " + kind + ": " + why);
  };
  auto string_map = [&](const char* field) -> Node* {
    Node* m = obj.Get(field);
    if (!m || m->IsNull()) return nullptr;
    if (!m->IsMap())
      throw cannot("json: cannot unmarshal " + JsonType(*m) + " into Go struct field " + kind + "." +
                   field + " of type map[string]" + (kind == "Secret" && std::string(field) == "data" ? "[]uint8" : "string"));
    for (auto& f : m->fields)
      if (f.value.IsNull()) f.value = Node::String("");  // Go: null is the zero value
    for (const auto& f : m->fields)
      if (!f.value.IsString())
        throw cannot("json: cannot unmarshal " + JsonType(f.value) + " into Go struct field " +
                     kind + "." + field + " of type " +
                     (kind == "Secret" && std::string(field) == "data" ? "[]uint8" : "string"));
    return m;
  };
  std::string name = obj.StrAt({"metadata", "name"});
  std::vector<StatusCause> causes;
  size_t total = 0;
  if (kind == "ConfigMap") {
    Node* data = string_map("data");
    Node* binary = string_map("binaryData");
    if (binary)
      for (const auto& f : binary->fields) {
        size_t bad;
        if (!DecodeStdBase64(f.value.Str(), &bad))
          throw cannot("illegal base64 data at input byte " + std::to_string(bad));
      }
    if (data)
      for (const auto& f : data->fields) {
        std::string k = f.key.Str();
        if (std::string m = CheckConfigKey(k); !m.empty())
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": " + m, "data[" + k + "]"});
        total += f.value.Str().size();
      }
    if (binary)
      for (const auto& f : binary->fields) {
        std::string k = f.key.Str();
        if (std::string m = CheckConfigKey(k); !m.empty())
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": " + m, "binaryData[" + k + "]"});
        if (data && data->Get(k))
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": duplicate of key present in data",
                            "binaryData[" + k + "]"});
        size_t bad;
        total += DecodeStdBase64(f.value.Str(), &bad)->size();
      }
    if (total > kMaxSize)
      causes.push_back({"FieldValueTooLong", "Too long: may not be more than 1048576 bytes", "[]"});
  } else {
    Node* data = string_map("data");
    Node* string_data = string_map("stringData");
    if (data)
      for (const auto& f : data->fields) {
        size_t bad;
        if (!DecodeStdBase64(f.value.Str(), &bad))
          throw cannot("illegal base64 data at input byte " + std::to_string(bad));
      }
    if (string_data) {
      // stringData wins over data for the same key, then is dropped.
      Node merged = data ? *data : Node::Map();
      for (const auto& f : string_data->fields)
        merged.Set(f.key.Str(), Node::String(base::Base64Encode(f.value.Str())));
      obj.Set("data", merged);
      obj.Remove("stringData");
      data = obj.Get("data");
    } else if (obj.Get("stringData")) {
      obj.Remove("stringData");
    }
    if (data)
      for (const auto& f : data->fields) {
        std::string k = f.key.Str();
        if (std::string m = CheckConfigKey(k); !m.empty())
          causes.push_back({"FieldValueInvalid", "Invalid value: \"" + k + "\": " + m, "data[" + k + "]"});
        size_t bad;
        total += DecodeStdBase64(f.value.Str(), &bad)->size();
      }
    if (total > kMaxSize)
      causes.push_back({"FieldValueTooLong", "Too long: may not be more than 1048576 bytes", "data"});
  }
  if (!causes.empty()) throw Invalid(kind, "", name, causes);
}

}  // namespace capstan::cluster
