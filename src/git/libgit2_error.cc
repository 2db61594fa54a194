#include "git/libgit2_error.h"

#include <git2.h>

#include "git/git.h"

namespace capstan::git {

std::string LastError(const std::string& what) {
  const git_error* e = git_error_last();
  std::string msg = e && e->message ? e->message : "unknown libgit2 error";
  for (size_t pos = 0; (pos = msg.find("://", pos)) != std::string::npos; pos += 3) {
    auto start = msg.rfind(' ', pos);
    start = start == std::string::npos ? 0 : start + 1;
    auto end = msg.find_first_of(" '\"", pos);
    if (end == std::string::npos) end = msg.size();
    std::string redacted = RedactUrl(msg.substr(start, end - start));
    msg.replace(start, end - start, redacted);
    pos = start + redacted.find("://");
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  for (char& c : msg)
    if (c == '\n' || c == '\r') c = ' ';
  return what + ": " + msg;
}

void Check(int rc, const std::string& what) {
  if (rc < 0) throw GitError(LastError(what));
}

}  // namespace capstan::git
