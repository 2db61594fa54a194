#include "server/lazy_libraries.h"

#include "base/lazy_library.h"

// Every libxcrypt function the server calls; a missing one fails to link.
#define CAPSTAN_CRYPT_FUNCTIONS(X) \
  X(crypt_r) \
  X(crypt_gensalt_rn)

#define CAPSTAN_CRYPT_STUB(name) CAPSTAN_LAZY_STUB(crypt, name)
CAPSTAN_CRYPT_FUNCTIONS(CAPSTAN_CRYPT_STUB)

namespace capstan::server {

void LoadCrypt() {
  static base::LazyLibrary lib(CAPSTAN_CRYPT_SONAME, {CAPSTAN_CRYPT_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the libxcrypt runtime package libcrypt1");
  lib.Load();
}

}  // namespace capstan::server

CAPSTAN_LAZY_RESOLVER(crypt, capstan::server::LoadCrypt)
