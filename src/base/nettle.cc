// Nettle (SHA-256 for kustomize's content hash and Git cache names) loads
// on first use, like the other libraries (see lazy_library.h). Nettle needs
// no global initialisation, unlike OpenSSL 3,
// whose first digest loads its provider and configuration: that was 2 ms of
// a 13 ms `capstan build` of one overlay with a generator.

#include "base/lazy_library.h"

// Every Nettle function capstan calls (the nettle_ names its macros expand
// to); a missing one fails to link.
#define CAPSTAN_NETTLE_FUNCTIONS(X) \
  X(nettle_sha256_init) X(nettle_sha256_update) X(nettle_sha256_digest) \
  X(nettle_sha1_init) X(nettle_sha1_update) X(nettle_sha1_digest) \
  X(nettle_pbkdf2_hmac_sha256)

#define CAPSTAN_NETTLE_STUB(name) CAPSTAN_LAZY_STUB(nettle, name)
CAPSTAN_NETTLE_FUNCTIONS(CAPSTAN_NETTLE_STUB)

namespace capstan::base {
namespace {

void LoadNettle() {
  static LazyLibrary lib(CAPSTAN_NETTLE_SONAME, {CAPSTAN_NETTLE_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                         "install the Nettle runtime package libnettle8");
  lib.Load();
}

}  // namespace
}  // namespace capstan::base

CAPSTAN_LAZY_RESOLVER(nettle, capstan::base::LoadNettle)
