// SQLite and cpp-httplib are loaded when a cluster starts, not with every
// capstan command (see base/lazy_library.h): call LoadClusterLibraries()
// before any sqlite3_* or httplib:: call. Throws std::runtime_error when a
// library cannot be loaded.
#ifndef CAPSTAN_CLUSTER_LAZY_LIBRARIES_H_
#define CAPSTAN_CLUSTER_LAZY_LIBRARIES_H_

namespace capstan::cluster {
void LoadClusterLibraries();
}

#endif  // CAPSTAN_CLUSTER_LAZY_LIBRARIES_H_
