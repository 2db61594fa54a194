#include "cluster/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace capstan::cluster {
namespace {

// Connections that arrive together are served together: each task (a
// keep-alive connection) waits until the other one runs too. With one idle
// thread left, the pool used to hand both to it, so the second connection
// waited until the first one closed (two `capstan app sync` ran one after
// the other instead of one being refused).
TEST(ConnectionPool, ConnectionsArrivingTogetherEachGetAThread) {
  for (int round = 0; round < 20; ++round) {
    ConnectionPool pool(64, 8);
    std::mutex mu;
    std::condition_variable cv;
    int started = 0, finished = 0;
    bool warm_done = false;
    pool.enqueue([&] {
      std::lock_guard<std::mutex> l(mu);
      warm_done = true;
      cv.notify_all();
    });
    {
      std::unique_lock<std::mutex> l(mu);
      ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(10), [&] { return warm_done; }));
    }
    // Let the warm thread go back to waiting: it is the one idle thread.
    while (pool.threads() != 1) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::atomic<int> saw_both{0};
    auto conn = [&] {
      std::unique_lock<std::mutex> l(mu);
      ++started;
      cv.notify_all();
      if (cv.wait_for(l, std::chrono::seconds(3), [&] { return started >= 2; })) ++saw_both;
      ++finished;
      cv.notify_all();
    };
    pool.enqueue(conn);
    pool.enqueue(conn);
    std::unique_lock<std::mutex> l(mu);
    cv.wait_for(l, std::chrono::seconds(10), [&] { return finished == 2; });
    ASSERT_EQ(finished, 2);
    ASSERT_EQ(saw_both.load(), 2) << "round " << round << ": the second connection waited for the first";
  }
}

}  // namespace
}  // namespace capstan::cluster
