// libFuzzer: KnownHosts::Parse on arbitrary text (a known_hosts= file) must
// return or throw GitError, never crash; Check() of what parsed must not
// crash either (wildcards, hashed names, markers).
#include <cstddef>
#include <cstdint>
#include <string>

#include "git/git.h"
#include "git/known_hosts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    capstan::git::KnownHosts kh = capstan::git::KnownHosts::Parse(text, "fuzz");
    kh.Check("git.example.com", 22, text.substr(0, 51));
    kh.Check("127.0.0.1", 2222, text);
    capstan::git::HostKeyFingerprint(text);
  } catch (const capstan::git::GitError&) {
  }
  return 0;
}
