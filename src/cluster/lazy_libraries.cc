#include "cluster/lazy_libraries.h"

#include <stdexcept>

#include "base/httplib.h"
#include "base/lazy_library.h"

// Every SQLite function the cluster calls; a missing one fails to link.
// (cpp-httplib's are in base/httplib.cc, shared with the server.) Regenerate with
//   nm -u libcapstan_cluster.a | grep -E ' U sqlite3_'
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

#define CAPSTAN_CLUSTER_STUB(name) CAPSTAN_LAZY_STUB(cluster, name)
CAPSTAN_SQLITE_FUNCTIONS(CAPSTAN_CLUSTER_STUB)

namespace capstan::cluster {

void LoadClusterLibraries() {
  static base::LazyLibrary sqlite(CAPSTAN_SQLITE_SONAME, {CAPSTAN_SQLITE_FUNCTIONS(CAPSTAN_LAZY_SLOT)},
                                  "install the SQLite runtime package libsqlite3-0");
  sqlite.Load();
  base::LoadHttplib();
}

}  // namespace capstan::cluster

CAPSTAN_LAZY_RESOLVER(cluster, capstan::cluster::LoadClusterLibraries)
