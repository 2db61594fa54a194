#include "cluster/lazy_libraries.h"

#include <stdexcept>

#include "base/lazy_library.h"

// Every SQLite and cpp-httplib function the cluster calls (httplib's by
// their mangled C++ names); a missing one fails to link. Regenerate with
//   nm -u libcapstan_cluster.a | grep -E ' U (sqlite3_|_ZN7httplib)'
#define CAPSTAN_SQLITE_FUNCTIONS(X) \
  X(sqlite3_bind_int64) \
  X(sqlite3_bind_text) \
  X(sqlite3_close) \
  X(sqlite3_column_int64) \
  X(sqlite3_column_text) \
  X(sqlite3_errcode) \
  X(sqlite3_errmsg) \
  X(sqlite3_exec) \
  X(sqlite3_finalize) \
  X(sqlite3_free) \
  X(sqlite3_open) \
  X(sqlite3_prepare_v2) \
  X(sqlite3_reset) \
  X(sqlite3_step)

#define CAPSTAN_HTTPLIB_FUNCTIONS(X) \
  X(_ZN7httplib6Server12bind_to_portERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEii) \
  X(_ZN7httplib6Server15set_tcp_nodelayEb) \
  X(_ZN7httplib6Server16bind_to_any_portERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi) \
  X(_ZN7httplib6Server16set_read_timeoutEll) \
  X(_ZNK7httplib6Server10is_runningEv) \
  X(_ZN7httplib6Server18set_socket_optionsESt8functionIFviEE) \
  X(_ZN7httplib6Server17listen_after_bindEv) \
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
  X(_ZN7httplib8Response11set_contentERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES8_) \
  X(_ZN7httplib8Response28set_chunked_content_providerERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt8functionIFbmRNS_8DataSinkEEES9_IFvbEE) \
  X(_ZN7httplib9SSLServerC1EP7x509_stP11evp_pkey_stP13x509_store_st)

#define CAPSTAN_CLUSTER_STUB(name) CAPSTAN_LAZY_STUB(cluster, name)
CAPSTAN_SQLITE_FUNCTIONS(CAPSTAN_CLUSTER_STUB)
CAPSTAN_HTTPLIB_FUNCTIONS(CAPSTAN_CLUSTER_STUB)

namespace capstan::cluster {

void LoadClusterLibraries() {
  static base::LazyLibrary sqlite(CAPSTAN_SQLITE_SONAME, {CAPSTAN_SQLITE_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                                  "install the SQLite runtime package libsqlite3-0");
  static base::LazyLibrary httplib(CAPSTAN_HTTPLIB_SONAME, {CAPSTAN_HTTPLIB_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                                   "install the cpp-httplib runtime package");
  sqlite.Load();
  httplib.Load();
}

}  // namespace capstan::cluster

CAPSTAN_LAZY_RESOLVER(cluster, capstan::cluster::LoadClusterLibraries)
