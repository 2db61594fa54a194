// json.*, yaml.*, base64.*, base64url.* built-ins.
#include <stdexcept>

#include "base/base64.h"
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

using base::Base64Alphabet;

BI(B64Encode) { (void)ctx; *out = Value::String(base::Base64Encode(StringArg("base64.encode", a, 0))); return true; }
BI(B64Decode) {
  (void)ctx;
  std::string r;
  if (!base::Base64Decode(StringArg("base64.decode", a, 0), &r)) ThrowBuiltin("base64.decode", "illegal base64 data");
  *out = Value::String(std::move(r));
  return true;
}
BI(B64IsValid) {
  (void)ctx;
  std::string r;
  *out = Value::Bool(base::Base64Decode(StringArg("base64.is_valid", a, 0), &r));
  return true;
}
BI(B64UrlEncode) {
  (void)ctx;
  *out = Value::String(base::Base64Encode(StringArg("base64url.encode", a, 0), Base64Alphabet::kUrl));
  return true;
}
BI(B64UrlEncodeNoPad) {
  (void)ctx;
  std::string r = base::Base64Encode(StringArg("base64url.encode_no_pad", a, 0), Base64Alphabet::kUrl);
  while (!r.empty() && r.back() == '=') r.pop_back();
  *out = Value::String(std::move(r));
  return true;
}
BI(B64UrlDecode) {
  (void)ctx;
  // OPA accepts the URL alphabet with or without padding.
  std::string in = StringArg("base64url.decode", a, 0), r;
  if (in.find('=') == std::string::npos) in.append((4 - in.size() % 4) % 4, '=');
  if (!base::Base64Decode(in, &r, Base64Alphabet::kUrl)) ThrowBuiltin("base64url.decode", "illegal base64 data");
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
