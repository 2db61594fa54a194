#include "kube/libcurl_stubs.h"

#include <curl/curl.h>

#include "base/lazy_library.h"
#include "kube/client.h"

// Every libcurl function capstan calls; a missing one fails to link. The
// variadic setopt/getinfo calls pass through the stubs untouched (a jump
// keeps every argument register).
#define CAPSTAN_LIBCURL_FUNCTIONS(X)                                                                  \
  X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) X(curl_easy_perform) X(curl_easy_reset) \
  X(curl_easy_setopt) X(curl_easy_strerror) X(curl_global_init) X(curl_share_cleanup)                 \
  X(curl_share_init) X(curl_share_setopt) X(curl_slist_append) X(curl_slist_free_all)

#define CAPSTAN_LIBCURL_STUB(name) CAPSTAN_LAZY_STUB(libcurl, name)
CAPSTAN_LIBCURL_FUNCTIONS(CAPSTAN_LIBCURL_STUB)

namespace capstan::kube {

void LoadLibcurl() {
  static base::LazyLibrary lib(CAPSTAN_LIBCURL_SONAME, {CAPSTAN_LIBCURL_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                               "install the libcurl runtime package");
  try {
    lib.Load([] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  } catch (const std::runtime_error& e) {
    throw KubeError(0, "ConnectionError", e.what());
  }
}

}  // namespace capstan::kube

CAPSTAN_LAZY_RESOLVER(libcurl, capstan::kube::LoadLibcurl)
