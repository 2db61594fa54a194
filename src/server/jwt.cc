#include "server/jwt.h"

#include "server/crypto.h"
#include "yaml/yaml.h"

namespace capstan::server {

std::string SignJwt(const yaml::Node& claims, const std::string& key) {
  std::string input = Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      Base64UrlEncode(yaml::EmitJson(claims));
  return input + "." + Base64UrlEncode(HmacSha256(key, input));
}

JwtResult VerifyJwt(const std::string& token, const std::string& key, int64_t now) {
  JwtResult r;
  if (token.size() > 16384) {
    r.error = "token too long";
    return r;
  }
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos) {
    r.error = "token is malformed";
    return r;
  }
  std::string header_json, payload_json, sig;
  if (!Base64UrlDecode(std::string_view(token).substr(0, d1), &header_json) ||
      !Base64UrlDecode(std::string_view(token).substr(d1 + 1, d2 - d1 - 1), &payload_json) ||
      !Base64UrlDecode(std::string_view(token).substr(d2 + 1), &sig)) {
    r.error = "token is malformed";
    return r;
  }
  yaml::Node header, claims;
  try {
    header = yaml::ParseJson(header_json, "token header");
    claims = yaml::ParseJson(payload_json, "token claims");
  } catch (const std::exception&) {
    r.error = "token is malformed";
    return r;
  }
  if (!header.IsMap() || !claims.IsMap()) {
    r.error = "token is malformed";
    return r;
  }
  if (header.StrAt({"alg"}) != "HS256") {
    r.error = "signing method " + std::string(header.StrAt({"alg"}).empty() ? "(none)" : "not allowed");
    return r;
  }
  std::string expected = HmacSha256(key, std::string_view(token).substr(0, d2));
  if (!ConstantTimeEquals(expected, sig)) {
    r.error = "signature is invalid";
    return r;
  }
  const yaml::Node* exp = claims.Get("exp");
  if (exp && exp->IsNumber() && exp->AsInt() <= now) {
    r.error = "token has expired";
    return r;
  }
  const yaml::Node* nbf = claims.Get("nbf");
  if (nbf && nbf->IsNumber() && nbf->AsInt() > now + 60) {
    r.error = "token is not valid yet";
    return r;
  }
  r.ok = true;
  r.claims = std::move(claims);
  return r;
}

}  // namespace capstan::server
