// An exclusive lock on a cluster's data directory (`<dir>/server.lock`, an
// open-file-description lock, so it conflicts within one process too and
// vanishes with the process, even after kill -9). The lock file holds the
// owner's pid, trusted only while the lock is held.
#ifndef CAPSTAN_CLUSTER_DATA_DIR_LOCK_H_
#define CAPSTAN_CLUSTER_DATA_DIR_LOCK_H_

#include <sys/types.h>

#include <string>

namespace capstan::cluster {

class DataDirLock {
 public:
  DataDirLock() = default;
  ~DataDirLock() { Release(); }
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Takes the lock and records this process's pid. Throws
  // std::runtime_error naming the directory (and the holder's pid) when
  // another server holds it.
  void Acquire(const std::string& dir);
  void Release();

  // Pid of the process holding `dir`'s lock, 0 when nobody holds it.
  static pid_t Holder(const std::string& dir);

 private:
  int fd_ = -1;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_DATA_DIR_LOCK_H_
