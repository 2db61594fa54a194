// Test helper for push_ssh_test.py and push_https_test.py: the Git source's
// fetch (RepoCache, the path Applications take) against the same remotes.
// usage: git_fetch_probe CACHE_DIR URL REVISION CREDENTIALS_FILE
// Prints the commit REVISION resolves to, or the error on stderr (exit 1).
#include <cstdio>
#include <exception>

#include "git/git.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: git_fetch_probe CACHE_DIR URL REVISION CREDENTIALS_FILE\n");
    return 2;
  }
  try {
    capstan::git::RepoCache cache(argv[1], capstan::git::Credentials::Load(argv[4]));
    std::printf("%s\n", cache.Resolve(argv[2], argv[3]).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
