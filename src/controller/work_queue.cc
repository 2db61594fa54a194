#include "controller/work_queue.h"

#include <chrono>

namespace capstan::controller {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void WorkQueue::AddLocked(const std::string& key) {
  if (shut_down_ || dirty_.count(key)) return;
  ++adds_;
  dirty_.insert(key);
  if (processing_.count(key)) return;  // handed out again by Done()
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, int64_t delay_ms) {
  if (delay_ms <= 0) return Add(key);
  std::lock_guard<std::mutex> l(mu_);
  delayed_.emplace(SteadyMs() + delay_ms, key);
  cv_.notify_all();
}

bool WorkQueue::Get(std::string* key) {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    if (shut_down_) return false;
    int64_t now = SteadyMs();
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      std::string k = delayed_.begin()->second;
      delayed_.erase(delayed_.begin());
      AddLocked(k);
    }
    if (!queue_.empty()) {
      *key = queue_.front();
      queue_.pop_front();
      processing_.insert(*key);
      dirty_.erase(*key);
      return true;
    }
    if (delayed_.empty()) cv_.wait(l);
    else cv_.wait_for(l, std::chrono::milliseconds(std::max<int64_t>(1, delayed_.begin()->first - now)));
  }
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  processing_.erase(key);
  if (dirty_.count(key)) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> l(mu_);
  shut_down_ = true;
  cv_.notify_all();
}

size_t WorkQueue::Depth() {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

uint64_t WorkQueue::Adds() {
  std::lock_guard<std::mutex> l(mu_);
  return adds_;
}

}  // namespace capstan::controller
