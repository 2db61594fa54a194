// The server's connection threads: one thread per open connection, grown
// on demand up to a cap, instead of cpp-httplib's fixed pool (where 64
// watches or idle keep-alive connections blocked every other request,
// /healthz included). Idle threads exit after a while; a few stay warm.
// Past the cap, new connections wait in a queue until a thread frees up.
#ifndef CAPSTAN_CLUSTER_CONNECTION_POOL_H_
#define CAPSTAN_CLUSTER_CONNECTION_POOL_H_

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>

namespace capstan::cluster {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t max_threads, size_t warm = 8) : max_(max_threads), warm_(warm) {}
  ~ConnectionPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> l(mu_);
    tasks_.push_back(std::move(fn));
    // Every queued connection needs a thread of its own: an idle thread
    // that was notified but has not taken its task yet still counts in
    // idle_, so compare against the queue, not against zero (two
    // connections arriving together with one idle thread left the second
    // waiting until the first, a keep-alive connection, closed).
    if (tasks_.size() > idle_ && threads_ < max_) {
      try {
        std::thread(&ConnectionPool::Worker, this).detach();
        ++threads_;
      } catch (const std::system_error&) {
        // No thread to be had: the task waits for a running one.
      }
    }
    l.unlock();
    cv_.notify_one();
  }

  void shutdown() override {
    std::unique_lock<std::mutex> l(mu_);
    stopping_ = true;
    cv_.notify_all();
    done_.wait(l, [&] { return threads_ == 0; });
  }

  size_t threads() {
    std::lock_guard<std::mutex> l(mu_);
    return threads_;
  }

 private:
  void Worker() {
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      ++idle_;
      bool woke = cv_.wait_for(l, std::chrono::seconds(30),
                               [&] { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (tasks_.empty() && (stopping_ || (!woke && threads_ > warm_))) break;
      if (tasks_.empty()) continue;
      auto fn = std::move(tasks_.front());
      tasks_.pop_front();
      l.unlock();
      fn();
      l.lock();
    }
    --threads_;
    done_.notify_all();
  }

  const size_t max_, warm_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::deque<std::function<void()>> tasks_;
  size_t threads_ = 0, idle_ = 0;
  bool stopping_ = false;
};

}  // namespace capstan::cluster

#endif  // CAPSTAN_CLUSTER_CONNECTION_POOL_H_
