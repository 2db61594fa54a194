#include "base/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace capstan::base {
namespace {

std::string Reason(const std::string& path) { return path + ": " + std::strerror(errno); }

class RealFs : public FileSystem {
 public:
  bool ReadFile(const std::string& path, std::string* contents, std::string* err) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail(err, Reason(path));
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Fail(err, path + ": is a directory");
    }
    contents->clear();
    if (st.st_size > 0) contents->reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::string e = Reason(path);
        ::close(fd);
        return Fail(err, e);
      }
      if (n == 0) break;
      contents->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return true;
  }

  FileStat Stat(const std::string& path) override {
    FileStat s;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.is_dir = S_ISDIR(st.st_mode);
    s.size = st.st_size;
    s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return s;
  }

  bool ListDir(const std::string& dir, std::vector<std::string>* names, std::string* err) override {
    names->clear();
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Fail(err, Reason(dir));
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names->push_back(std::move(name));
    }
    ::closedir(d);
    std::sort(names->begin(), names->end());
    return true;
  }

  bool WriteFileAtomic(const std::string& path, std::string_view contents, std::string* err, int mode) override {
    static std::atomic<int> counter{0};
    std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return Fail(err, Reason(path));
    size_t done = 0;
    while (done < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::string e = Reason(path);
        ::close(fd);
        ::unlink(tmp.c_str());
        return Fail(err, e);
      }
      done += static_cast<size_t>(n);
    }
    ::fchmod(fd, static_cast<mode_t>(mode));  // umask does not narrow what the caller asked for
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
      std::string e = Reason(path);
      ::unlink(tmp.c_str());
      return Fail(err, e);
    }
    return true;
  }

 private:
  static bool Fail(std::string* err, std::string message) {
    if (err != nullptr) *err = std::move(message);
    return false;
  }
};

bool IsBelow(const std::string& path, const std::string& dir) {
  std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

FileSystem& RealFileSystem() {
  static RealFs fs;
  return fs;
}

bool ReadFile(const std::string& path, std::string* contents, std::string* err) {
  return RealFileSystem().ReadFile(path, contents, err);
}

bool WriteFileAtomic(const std::string& path, std::string_view contents, std::string* err, int mode) {
  return RealFileSystem().WriteFileAtomic(path, contents, err, mode);
}

bool FakeFileSystem::ReadFile(const std::string& path, std::string* contents, std::string* err) {
  auto it = files.find(path);
  if (it == files.end()) {
    if (err != nullptr) *err = path + ": No such file or directory";
    return false;
  }
  *contents = it->second;
  return true;
}

FileStat FakeFileSystem::Stat(const std::string& path) {
  FileStat s;
  if (auto it = files.find(path); it != files.end()) {
    s.exists = true;
    s.size = static_cast<int64_t>(it->second.size());
    s.mtime_ns = mtimes[path];
    return s;
  }
  for (const auto& [p, _] : files)
    if (IsBelow(p, path)) {
      s.exists = s.is_dir = true;
      return s;
    }
  return s;
}

bool FakeFileSystem::ListDir(const std::string& dir, std::vector<std::string>* names, std::string* err) {
  names->clear();
  std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (const auto& [p, _] : files) {
    if (!IsBelow(p, dir)) continue;
    std::string rest = p.substr(prefix.size());
    std::string name = rest.substr(0, rest.find('/'));
    names->push_back(name);
  }
  std::sort(names->begin(), names->end());
  names->erase(std::unique(names->begin(), names->end()), names->end());
  if (names->empty()) {
    if (err != nullptr) *err = dir + ": No such file or directory";
    return false;
  }
  return true;
}

bool FakeFileSystem::WriteFileAtomic(const std::string& path, std::string_view contents, std::string*, int) {
  files[path] = std::string(contents);
  mtimes[path] = now_ns++;
  return true;
}

}  // namespace capstan::base
