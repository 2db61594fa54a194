#include "kube/throttle.h"

#include <gtest/gtest.h>

#include "kube/fake_apiserver_test.h"

namespace capstan::kube {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, BurstThenSteadyRate) {
  testing::FakeClock clock;
  RateLimiter limiter(/*qps=*/5, /*burst=*/10, &clock);
  int waited = 0;
  for (int i = 0; i < 10; ++i) waited += limiter.Take();
  EXPECT_EQ(waited, 0);  // the burst is free
  for (int i = 0; i < 5; ++i) waited += limiter.Take();
  EXPECT_EQ(waited, 5);  // then every call waits its 1/qps turn
  auto sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 5u);
  for (auto d : sleeps) EXPECT_NEAR(std::chrono::duration<double>(d).count(), 0.2, 1e-6);
  // An idle second refills 5 tokens.
  clock.Advance(std::chrono::seconds(1));
  waited = 0;
  for (int i = 0; i < 5; ++i) waited += limiter.Take();
  EXPECT_EQ(waited, 0);
  EXPECT_TRUE(limiter.Take());
}

TEST(RateLimiterTest, DisabledWhenQpsNotPositive) {
  testing::FakeClock clock;
  RateLimiter limiter(0, 1, &clock);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter.Take());
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(BackoffTest, GrowsAndIsCapped) {
  std::mt19937 rng(1);
  for (int i = 0; i < 50; ++i) {
    auto d1 = BackoffDelay(1, milliseconds(100), milliseconds(1000), rng);
    auto d3 = BackoffDelay(3, milliseconds(100), milliseconds(1000), rng);
    auto d10 = BackoffDelay(10, milliseconds(100), milliseconds(1000), rng);
    EXPECT_GE(d1.count(), 80);
    EXPECT_LE(d1.count(), 120);
    EXPECT_GE(d3.count(), 320);
    EXPECT_LE(d3.count(), 480);
    EXPECT_GE(d10.count(), 800);  // jitter stays below the cap
    EXPECT_LE(d10.count(), 1000);
  }
}

TEST(RetryAfterTest, Seconds) {
  EXPECT_EQ(ParseRetryAfter("3"), 3);
  EXPECT_EQ(ParseRetryAfter(""), -1);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
  EXPECT_EQ(ParseRetryAfter("-1"), -1);
}

}  // namespace
}  // namespace capstan::kube
