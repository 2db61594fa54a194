// JSON Web Tokens as Argo CD issues them: HS256 only. Verification refuses
// any other `alg` (including "none"), a bad signature, a token not yet
// valid (nbf) or expired (exp), before looking at anything else.
#ifndef CAPSTAN_SERVER_JWT_H_
#define CAPSTAN_SERVER_JWT_H_

#include <cstdint>
#include <string>

#include "yaml/node.h"

namespace capstan::server {

// header.payload.signature with header {"alg":"HS256","typ":"JWT"}.
std::string SignJwt(const yaml::Node& claims, const std::string& key);

struct JwtResult {
  bool ok = false;
  std::string error;   // why it was refused (never echoes the token)
  yaml::Node claims;   // when ok
};

// Checks alg, signature (constant time), exp and nbf against `now` (unix
// seconds).
JwtResult VerifyJwt(const std::string& token, const std::string& key, int64_t now);

}  // namespace capstan::server

#endif  // CAPSTAN_SERVER_JWT_H_
