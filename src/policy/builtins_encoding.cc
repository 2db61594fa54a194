// json.*, yaml.*, base64.*, base64url.* built-ins.
#include <stdexcept>

#include "policy/builtins.h"
#include "yaml/yaml.h"

namespace capstan::policy {

namespace {

#define BI(name) bool name(BuiltinContext& ctx, const Value* a, Value* out)

// Go's json.Marshal escapes <, > and & in strings.
std::string GoJson(const Value& v) {
  std::string s = ToJson(v), r;
  for (char c : s) {
    if (c == '<') r += "\\u003c";
    else if (c == '>') r += "\\u003e";
    else if (c == '&') r += "\\u0026";
    else r.push_back(c);
  }
  return r;
}

BI(JsonMarshal) {
  std::string s = GoJson(a[0]);
  ctx.budget->Charge(s.size() / 64 + 1);
  *out = Value::String(std::move(s));
  return true;
}
BI(JsonUnmarshal) {
  const std::string& s = StringArg("json.unmarshal", a, 0);
  ctx.budget->Charge(s.size() / 16 + 1);
  try {
    *out = FromNode(yaml::ParseJson(s, "json.unmarshal"));
  } catch (const std::exception& e) {
    ThrowBuiltin("json.unmarshal", e.what());
  }
  return true;
}
BI(JsonIsValid) {
  (void)ctx;
  if (!a[0].IsString()) {
    *out = Value::Bool(false);
    return true;
  }
  try {
    yaml::ParseJson(a[0].S(), "json.is_valid");
    *out = Value::Bool(true);
  } catch (const std::exception&) {
    *out = Value::Bool(false);
  }
  return true;
}
BI(YamlMarshal) {
  std::string s = yaml::EmitYaml(ToNode(a[0]));
  ctx.budget->Charge(s.size() / 64 + 1);
  *out = Value::String(std::move(s));
  return true;
}
BI(YamlUnmarshal) {
  const std::string& s = StringArg("yaml.unmarshal", a, 0);
  ctx.budget->Charge(s.size() / 16 + 1);
  try {
    yaml::ParseLimits limits;
    limits.max_alias_expansion = 100000;
    *out = FromNode(yaml::ParseOne(s, "yaml.unmarshal", limits));
  } catch (const std::exception& e) {
    ThrowBuiltin("yaml.unmarshal", e.what());
  }
  return true;
}
BI(YamlIsValid) {
  (void)ctx;
  if (!a[0].IsString()) {
    *out = Value::Bool(false);
    return true;
  }
  try {
    yaml::ParseLimits limits;
    limits.max_alias_expansion = 100000;
    yaml::ParseAll(a[0].S(), "yaml.is_valid", limits);
    *out = Value::Bool(true);
  } catch (const std::exception&) {
    *out = Value::Bool(false);
  }
  return true;
}

const char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(const std::string& in, const char* alpha, bool pad) {
  std::string r;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    r += alpha[n >> 18];
    r += alpha[(n >> 12) & 63];
    r += alpha[(n >> 6) & 63];
    r += alpha[n & 63];
  }
  if (i + 1 == in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    r += alpha[n >> 18];
    r += alpha[(n >> 12) & 63];
    if (pad) r += "==";
  } else if (i + 2 == in.size()) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    r += alpha[n >> 18];
    r += alpha[(n >> 12) & 63];
    r += alpha[(n >> 6) & 63];
    if (pad) r += "=";
  }
  return r;
}

// Strict decoding as Go's base64.StdEncoding / URLEncoding; padding optional
// when `pad_optional` (base64url.decode accepts both).
bool Decode(const std::string& in, const char* alpha, bool pad_optional, std::string* out) {
  std::string s = in;
  size_t pad = 0;
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
    ++pad;
  }
  if (pad > 2) return false;
  if (pad > 0 && (s.size() + pad) % 4 != 0) return false;
  if (pad == 0 && !pad_optional && s.size() % 4 != 0) return false;
  if (s.size() % 4 == 1) return false;
  unsigned buf = 0;
  int bits = 0;
  for (char c : s) {
    const char* p = std::char_traits<char>::find(alpha, 64, c);
    if (!p) return false;
    buf = (buf << 6) | static_cast<unsigned>(p - alpha);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  return true;
}

BI(B64Encode) { (void)ctx; *out = Value::String(Encode(StringArg("base64.encode", a, 0), kStd, true)); return true; }
BI(B64Decode) {
  (void)ctx;
  std::string r;
  if (!Decode(StringArg("base64.decode", a, 0), kStd, false, &r)) ThrowBuiltin("base64.decode", "illegal base64 data");
  *out = Value::String(std::move(r));
  return true;
}
BI(B64IsValid) {
  (void)ctx;
  std::string r;
  *out = Value::Bool(Decode(StringArg("base64.is_valid", a, 0), kStd, false, &r));
  return true;
}
BI(B64UrlEncode) { (void)ctx; *out = Value::String(Encode(StringArg("base64url.encode", a, 0), kUrl, true)); return true; }
BI(B64UrlEncodeNoPad) {
  (void)ctx;
  *out = Value::String(Encode(StringArg("base64url.encode_no_pad", a, 0), kUrl, false));
  return true;
}
BI(B64UrlDecode) {
  (void)ctx;
  std::string r;
  if (!Decode(StringArg("base64url.decode", a, 0), kUrl, true, &r)) ThrowBuiltin("base64url.decode", "illegal base64 data");
  *out = Value::String(std::move(r));
  return true;
}

}  // namespace

void AddEncodingBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> b = {
      {"json.marshal", 1, JsonMarshal}, {"json.unmarshal", 1, JsonUnmarshal}, {"json.is_valid", 1, JsonIsValid},
      {"yaml.marshal", 1, YamlMarshal}, {"yaml.unmarshal", 1, YamlUnmarshal}, {"yaml.is_valid", 1, YamlIsValid},
      {"base64.encode", 1, B64Encode}, {"base64.decode", 1, B64Decode}, {"base64.is_valid", 1, B64IsValid},
      {"base64url.encode", 1, B64UrlEncode}, {"base64url.encode_no_pad", 1, B64UrlEncodeNoPad},
      {"base64url.decode", 1, B64UrlDecode},
  };
  out->insert(out->end(), b.begin(), b.end());
}

}  // namespace capstan::policy
