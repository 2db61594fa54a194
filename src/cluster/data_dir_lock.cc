#include "cluster/data_dir_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace capstan::cluster {
namespace {

std::string LockPath(const std::string& dir) { return dir + "/server.lock"; }

pid_t ReadPid(int fd) {
  char buf[32] = {0};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  long pid = std::atol(buf);
  return pid > 0 ? static_cast<pid_t>(pid) : 0;
}

}  // namespace

void DataDirLock::Acquire(const std::string& dir) {
  if (fd_ >= 0) return;
  std::string path = LockPath(dir);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot open lock file: " + strerror(errno));
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    pid_t holder = ReadPid(fd);
    close(fd);
    throw std::runtime_error(dir + ": data directory is in use by another cluster server" +
                             (holder ? " (pid " + std::to_string(holder) + ")" : std::string()));
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    close(fd);
    throw std::runtime_error(path + ": cannot write lock file: " + strerror(errno));
  }
  fd_ = fd;
}

void DataDirLock::Release() {
  if (fd_ < 0) return;
  close(fd_);  // drops the lock
  fd_ = -1;
}

pid_t DataDirLock::Holder(const std::string& dir) {
  int fd = open(LockPath(dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  pid_t pid = 0;
  if (fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) pid = ReadPid(fd);
  close(fd);
  return pid;
}

}  // namespace capstan::cluster
