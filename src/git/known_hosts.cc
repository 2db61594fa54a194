// OpenSSH known_hosts parsing and host key lookup.
#include "git/known_hosts.h"

#include <nettle/sha2.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "git/git.h"

namespace capstan::git {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// OpenSSH's match_pattern: `*` any run, `?` any one character.
bool Wildcard(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
bool HashedMatch(const std::string& pattern, const std::string& name) {
  auto bar = pattern.find('|', 3);
  if (bar == std::string::npos) return false;
  std::string salt, hash;
  if (!base::Base64Decode(pattern.substr(3, bar - 3), &salt) ||
      !base::Base64Decode(pattern.substr(bar + 1), &hash))
    return false;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
            reinterpret_cast<const unsigned char*>(name.data()), name.size(), md, &len))
    return false;
  return hash.size() == len && std::equal(hash.begin(), hash.end(), reinterpret_cast<const char*>(md));
}

bool HostMatches(const std::vector<std::string>& patterns, const std::string& name) {
  bool matched = false;
  for (const std::string& p : patterns) {
    if (p.rfind("|1|", 0) == 0) {
      if (HashedMatch(p, name)) matched = true;
      continue;
    }
    bool negated = !p.empty() && p[0] == '!';
    std::string pat = Lower(negated ? p.substr(1) : p);
    if (Wildcard(Lower(name), pat)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

}  // namespace

std::string HostKeyType(std::string_view blob) {
  if (blob.size() < 4) return "";
  size_t n = (static_cast<unsigned char>(blob[0]) << 24) | (static_cast<unsigned char>(blob[1]) << 16) |
             (static_cast<unsigned char>(blob[2]) << 8) | static_cast<unsigned char>(blob[3]);
  if (n == 0 || n > 64 || blob.size() < 4 + n) return "";
  return std::string(blob.substr(4, n));
}

std::string KnownHostsName(const std::string& host, int port) {
  if (port <= 0 || port == 22) return host;
  return "[" + host + "]:" + std::to_string(port);
}

std::string HostKeyFingerprint(std::string_view key_blob) {
  uint8_t md[SHA256_DIGEST_SIZE];
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, key_blob.size(), reinterpret_cast<const uint8_t*>(key_blob.data()));
  sha256_digest(&ctx, sizeof md, md);
  std::string b64 = base::Base64Encode(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  std::string type = HostKeyType(key_blob);
  return (type.empty() ? "key" : type) + " SHA256:" + b64;
}

KnownHosts KnownHosts::Parse(std::string_view text, const std::string& name) {
  KnownHosts out;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream words(line);
    std::string first;
    if (!(words >> first) || first[0] == '#') continue;
    const std::string where = name + ": line " + std::to_string(lineno);
    Entry e;
    bool cert_authority = false;
    std::string hosts = first;
    if (first[0] == '@') {
      if (first == "@revoked") e.revoked = true;
      else if (first == "@cert-authority") cert_authority = true;
      else throw GitError(where + ": unknown marker \"" + first + "\" (want @revoked or @cert-authority)");
      if (!(words >> hosts)) throw GitError(where + ": missing host names after " + first);
    }
    std::string type, b64;
    if (!(words >> type >> b64))
      throw GitError(where + ": want \"HOSTS KEYTYPE BASE64-KEY\" (as ssh-keyscan prints)");
    if (!base::Base64Decode(b64, &e.key_blob) || e.key_blob.empty())
      throw GitError(where + ": the key of type " + type + " is not valid base64");
    if (HostKeyType(e.key_blob) != type)
      throw GitError(where + ": the key is not a " + type + " key");
    if (cert_authority) continue;
    std::string pattern;
    std::istringstream list(hosts);
    while (std::getline(list, pattern, ','))
      if (!pattern.empty()) e.patterns.push_back(pattern);
    if (e.patterns.empty()) throw GitError(where + ": no host names");
    out.entries_.push_back(std::move(e));
  }
  return out;
}

KnownHosts KnownHosts::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GitError(path + ": cannot read known_hosts file");
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

std::vector<std::string> KnownHosts::KeyTypes(const std::string& host, int port) const {
  const std::string name = KnownHostsName(host, port);
  std::vector<std::string> types;
  for (const Entry& e : entries_) {
    if (e.revoked || !HostMatches(e.patterns, name)) continue;
    std::string type = HostKeyType(e.key_blob);
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  }
  return types;
}

KnownHosts::Verdict KnownHosts::Check(const std::string& host, int port, std::string_view key_blob) const {
  const std::string name = KnownHostsName(host, port);
  bool listed = false, match = false;
  for (const Entry& e : entries_) {
    if (!HostMatches(e.patterns, name)) continue;
    bool same = e.key_blob == key_blob;
    if (e.revoked) {
      if (same) return Verdict::kRevoked;
      continue;
    }
    listed = true;
    if (same) match = true;
  }
  if (match) return Verdict::kMatch;
  return listed ? Verdict::kMismatch : Verdict::kUnknown;
}

}  // namespace capstan::git
