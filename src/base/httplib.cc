#include "base/httplib.h"

#include "base/lazy_library.h"

// Every cpp-httplib function capstan calls, by mangled C++ name; a missing
// one fails to link. Regenerate with
//   nm -u src/*/libcapstan_*.a | grep -E ' U _ZN7httplib' | sort -u
#define CAPSTAN_HTTPLIB_FUNCTIONS(X) \
  X(_ZN7httplib6Client14set_basic_authERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_) \
  X(_ZN7httplib6Client16set_read_timeoutEll) \
  X(_ZN7httplib6Client22set_connection_timeoutEll) \
  X(_ZN7httplib6Client38enable_server_certificate_verificationEb) \
  X(_ZN7httplib6Client4sendERNS_7RequestERNS_8ResponseERNS_5ErrorE) \
  X(_ZN7httplib6ClientC1ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE) \
  X(_ZN7httplib6ClientD1Ev) \
  X(_ZN7httplib6Server12bind_to_portERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEii) \
  X(_ZN7httplib6Server15set_tcp_nodelayEb) \
  X(_ZN7httplib6Server16bind_to_any_portERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi) \
  X(_ZN7httplib6Server16set_read_timeoutEll) \
  X(_ZN7httplib6Server17listen_after_bindEv) \
  X(_ZN7httplib6Server18set_socket_optionsESt8functionIFviEE) \
  X(_ZN7httplib6Server22set_keep_alive_timeoutEl) \
  X(_ZN7httplib6Server22set_payload_max_lengthEm) \
  X(_ZN7httplib6Server24set_keep_alive_max_countEm) \
  X(_ZN7httplib6Server3GetERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6Server3PutERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6Server4PostERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6Server4stopEv) \
  X(_ZN7httplib6Server5PatchERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6Server6DeleteERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6Server7OptionsERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFvRKNS_7RequestERNS_8ResponseEEE) \
  X(_ZN7httplib6ServerC1Ev) \
  X(_ZN7httplib7Request10set_headerERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_) \
  X(_ZN7httplib8Response10set_headerERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_) \
  X(_ZN7httplib8Response11set_contentERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_) \
  X(_ZN7httplib8Response28set_chunked_content_providerERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFbmRNS_8DataSinkEEES9_IFvbEE) \
  X(_ZN7httplib9SSLServerC1EP7x509_stP11evp_pkey_stP13x509_store_st) \
  X(_ZNK7httplib6Server10is_runningEv)

#define CAPSTAN_HTTPLIB_STUB(name) CAPSTAN_LAZY_STUB(httplib, name)
CAPSTAN_HTTPLIB_FUNCTIONS(CAPSTAN_HTTPLIB_STUB)

namespace capstan::base {

void LoadHttplib() {
  static LazyLibrary lib(CAPSTAN_HTTPLIB_SONAME, {CAPSTAN_HTTPLIB_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                         "install the cpp-httplib runtime package");
  lib.Load();
}

}  // namespace capstan::base

CAPSTAN_LAZY_RESOLVER(httplib, capstan::base::LoadHttplib)
