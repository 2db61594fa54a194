#include "kustomize/remote.h"

#include "kustomize/internal.h"

namespace capstan::kustomize {

namespace {

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Trim(std::string s, char c) {
  while (!s.empty() && s.front() == c) s.erase(s.begin());
  while (!s.empty() && s.back() == c) s.pop_back();
  return s;
}

}  // namespace

RemoteRef ParseRemoteRef(const std::string& spec) {
  std::string s = spec;
  if (StartsWith(s, "git::")) s = s.substr(5);
  RemoteRef r;
  // Query: ref= / version= (the last one wins, as url.Values.Get takes the first: keep the first).
  if (size_t q = s.find('?'); q != std::string::npos) {
    std::string query = s.substr(q + 1);
    s = s.substr(0, q);
    bool have_ref = false;
    size_t i = 0;
    while (i <= query.size()) {
      size_t amp = query.find('&', i);
      std::string kv = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
      size_t eq = kv.find('=');
      std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if ((k == "ref" || k == "version") && !have_ref) {
        r.ref = v;
        have_ref = true;
      }
      if (amp == std::string::npos) break;
      i = amp + 1;
    }
  }
  // Scheme and host: `prefix` is kept verbatim in the clone URL, `path` is
  // what follows the host.
  std::string prefix, path;
  bool has_host = true;
  if (StartsWith(s, "file://")) {
    prefix = "file://";
    path = s.substr(7);
    has_host = false;
  } else if (StartsWith(s, "https://") || StartsWith(s, "http://") || StartsWith(s, "ssh://")) {
    size_t scheme_end = s.find("://") + 3;
    size_t slash = s.find('/', scheme_end);
    if (slash == std::string::npos) Fail("remote resource '" + spec + "': no repository path after the host");
    prefix = s.substr(0, slash);
    path = s.substr(slash);
    std::string file_part = path;
    if ((StartsWith(s, "https://") || StartsWith(s, "http://")) && path.find("//") == std::string::npos &&
        (EndsWith(file_part, ".yaml") || EndsWith(file_part, ".yml") || EndsWith(file_part, ".json")))
      Fail("remote resource '" + spec +
           "': HTTP(S) file URLs are not supported (only Git repositories); vendor the file into the "
           "repository");
  } else if (size_t at = s.find('@'); at != std::string::npos && s.find(':', at) != std::string::npos &&
                                      s.find('/') > s.find(':', at)) {
    size_t colon = s.find(':', at);
    prefix = s.substr(0, colon + 1);  // git@host:
    path = s.substr(colon + 1);
  } else {
    size_t slash = s.find('/');
    if (slash == std::string::npos || s.substr(0, slash).find('.') == std::string::npos)
      Fail("remote resource '" + spec + "': not a repository URL");
    prefix = "https://" + s.substr(0, slash);
    path = s.substr(slash);
  }
  // Where the repository ends.
  std::string repo, sub;
  size_t search_from = prefix.back() == ':' ? 0 : 1;  // skip the leading '/'
  if (size_t dd = path.find("//", search_from); dd != std::string::npos) {
    repo = path.substr(0, dd);
    sub = path.substr(dd + 2);
  } else if (size_t g = path.find(".git/"); g != std::string::npos) {
    repo = path.substr(0, g + 4);
    sub = path.substr(g + 5);
  } else if (EndsWith(path, ".git") || !has_host) {
    repo = path;
  } else {
    // host/org/repo[/sub/dir]
    size_t start = path[0] == '/' ? 1 : 0;
    size_t a = path.find('/', start);
    size_t b = a == std::string::npos ? std::string::npos : path.find('/', a + 1);
    if (a == std::string::npos) Fail("remote resource '" + spec + "': expected host/org/repo");
    repo = path.substr(0, b);
    if (b != std::string::npos) sub = path.substr(b + 1);
  }
  if (Trim(repo, '/').empty()) Fail("remote resource '" + spec + "': no repository path");
  r.repo_url = prefix + repo;
  r.subdir = Trim(sub, '/');
  if (r.subdir.find("..") != std::string::npos) {
    for (size_t i = 0; i <= r.subdir.size();) {
      size_t e = r.subdir.find('/', i);
      if (r.subdir.substr(i, e == std::string::npos ? std::string::npos : e - i) == "..")
        Fail("remote resource '" + spec + "': the path inside the repository may not contain '..'");
      if (e == std::string::npos) break;
      i = e + 1;
    }
  }
  return r;
}

}  // namespace capstan::kustomize
