// Credentials file parsing and URL redaction.
#include <fstream>
#include <sstream>

#include "git/git.h"
#include "git/known_hosts.h"

namespace capstan::git {

std::string RedactUrl(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto host_start = scheme + 3;
  auto slash = url.find('/', host_start);
  auto at = url.rfind('@', slash == std::string::npos ? url.size() : slash);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

namespace {

// "%40" style escapes in userinfo, as git-credential-store writes them.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

void Credentials::Add(std::string url_prefix, Credential c) {
  c.url_prefix = url_prefix;
  by_prefix_[std::move(url_prefix)] = std::move(c);
}

const Credential* Credentials::Find(const std::string& url) const {
  std::string bare = RedactUrl(url);
  const Credential* best = nullptr;
  size_t best_len = 0;
  for (const auto& [prefix, c] : by_prefix_) {
    if (bare.compare(0, prefix.size(), prefix) == 0 && prefix.size() >= best_len) {
      best = &c;
      best_len = prefix.size();
    }
  }
  return best;
}

Credentials Credentials::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw GitError(path + ": cannot read credentials file");
  Credentials creds;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream words(line.substr(first));
    std::string url;
    words >> url;
    auto where = path + ": line " + std::to_string(lineno);
    auto scheme = url.find("://");
    if (scheme == std::string::npos)
      throw GitError(where + ": entry must start with a URL (https://... or ssh://...)");
    Credential c;
    auto host_start = scheme + 3;
    auto slash = url.find('/', host_start);
    auto at = url.rfind('@', slash == std::string::npos ? url.size() : slash);
    if (at != std::string::npos && at >= host_start) {
      std::string userinfo = url.substr(host_start, at - host_start);
      auto colon = userinfo.find(':');
      c.username = Unescape(userinfo.substr(0, colon));
      if (colon != std::string::npos) c.password = Unescape(userinfo.substr(colon + 1));
    }
    std::string opt;
    while (words >> opt) {
      auto eq = opt.find('=');
      std::string key = opt.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : opt.substr(eq + 1);
      if (key == "key") c.ssh_private_key = value;
      else if (key == "pubkey") c.ssh_public_key = value;
      else if (key == "passphrase") c.ssh_passphrase = value;
      else if (key == "username") c.username = value;
      else if (key == "known_hosts") c.known_hosts = value;
      else if (key == "ca") c.ca_file = value;
      else throw GitError(where + ": unknown option \"" + key +
                          "\" (want key=, pubkey=, passphrase=, username=, known_hosts=, ca=)");
      if ((key == "known_hosts" || key == "ca") && value.empty())
        throw GitError(where + ": " + key + "= needs a file");
    }
    if (!c.known_hosts.empty()) {
      try {
        KnownHosts::Load(c.known_hosts);
      } catch (const GitError& e) {
        throw GitError(where + ": known_hosts=" + e.what());
      }
    }
    if (!c.ca_file.empty() && !std::ifstream(c.ca_file))
      throw GitError(where + ": ca=" + c.ca_file + ": cannot read CA file");
    std::string prefix = RedactUrl(url);
    while (prefix.size() > host_start && prefix.back() == '/') prefix.pop_back();
    creds.Add(prefix, std::move(c));
  }
  return creds;
}

}  // namespace capstan::git
