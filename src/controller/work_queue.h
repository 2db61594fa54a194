// A work queue as client-go's: a key is queued at most once; a key being
// processed is not handed to a second worker, and a key added while it is
// processed is handed out again after Done(). AddAfter() delays an add.
#ifndef CAPSTAN_CONTROLLER_WORK_QUEUE_H_
#define CAPSTAN_CONTROLLER_WORK_QUEUE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace capstan::controller {

class WorkQueue {
 public:
  explicit WorkQueue(std::string name) : name_(std::move(name)) {}
  void Add(const std::string& key);
  void AddAfter(const std::string& key, int64_t delay_ms);
  // Blocks until a key is ready; false once shut down.
  bool Get(std::string* key);
  void Done(const std::string& key);
  void ShutDown();
  size_t Depth();
  uint64_t Adds();
  const std::string& name() const { return name_; }

 private:
  void AddLocked(const std::string& key);
  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_, processing_;
  std::multimap<int64_t, std::string> delayed_;  // due (steady ms) -> key
  bool shut_down_ = false;
  uint64_t adds_ = 0;
};

}  // namespace capstan::controller

#endif  // CAPSTAN_CONTROLLER_WORK_QUEUE_H_
