// The filesystem as capstan's modules see it, injectable like ninja's
// DiskInterface and LevelDB's Env: production code takes a FileSystem&
// (default RealFileSystem()), tests pass a FakeFileSystem.
#ifndef CAPSTAN_BASE_FILE_SYSTEM_H_
#define CAPSTAN_BASE_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace capstan::base {

struct FileStat {
  bool exists = false;
  bool is_dir = false;
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The whole file. False with `*err` ("<path>: <reason>") when it cannot be read.
  virtual bool ReadFile(const std::string& path, std::string* contents, std::string* err) = 0;
  // Follows symlinks; exists=false when absent or unreadable.
  virtual FileStat Stat(const std::string& path) = 0;
  // Entry names of a directory (no "." or ".."), sorted.
  virtual bool ListDir(const std::string& dir, std::vector<std::string>* names, std::string* err) = 0;
  // Writes a temporary file beside `path` and renames it over `path`: a
  // reader sees the old or the new contents, never a half-written file.
  virtual bool WriteFileAtomic(const std::string& path, std::string_view contents, std::string* err,
                               int mode = 0644) = 0;
};

// The machine's filesystem.
FileSystem& RealFileSystem();

// Shorthands on RealFileSystem().
bool ReadFile(const std::string& path, std::string* contents, std::string* err);
bool WriteFileAtomic(const std::string& path, std::string_view contents, std::string* err, int mode = 0644);

// In memory, for tests: files by path; a directory exists when a file lies below it.
class FakeFileSystem : public FileSystem {
 public:
  bool ReadFile(const std::string& path, std::string* contents, std::string* err) override;
  FileStat Stat(const std::string& path) override;
  bool ListDir(const std::string& dir, std::vector<std::string>* names, std::string* err) override;
  bool WriteFileAtomic(const std::string& path, std::string_view contents, std::string* err,
                       int mode = 0644) override;

  std::map<std::string, std::string> files;
  int64_t now_ns = 1;  // mtime given to the next write
  std::map<std::string, int64_t> mtimes;
};

}  // namespace capstan::base

#endif  // CAPSTAN_BASE_FILE_SYSTEM_H_
