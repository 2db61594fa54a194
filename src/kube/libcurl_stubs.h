// libcurl is loaded on first use (see base/lazy_library.h): call
// LoadLibcurl() before any curl_* function. Throws KubeError when the
// library cannot be loaded.
#ifndef CAPSTAN_KUBE_LIBCURL_STUBS_H_
#define CAPSTAN_KUBE_LIBCURL_STUBS_H_

namespace capstan::kube {
void LoadLibcurl();
}

#endif  // CAPSTAN_KUBE_LIBCURL_STUBS_H_
