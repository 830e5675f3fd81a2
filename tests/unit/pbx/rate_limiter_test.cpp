#include "sip/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem::sip {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;

const TimePoint kStart = TimePoint{} + 1h;

RateLimit limit(double rate, double burst = 0) {
  RateLimit l;
  l.messages_per_second = rate;
  l.burst = burst;
  return l;
}

// How many of `n` messages from `ip`, spread evenly over `span`, get through.
int admitted(RateLimiter& limiter, const std::string& ip, int n, Duration span, TimePoint start) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    ok += limiter.admit(make_address(ip), start + span * i / n);
  }
  return ok;
}

TEST(RateLimiter, OffByDefaultAdmitsEverything) {
  RateLimiter limiter;
  EXPECT_FALSE(limiter.enabled());
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 100000, 0ms, kStart), 100000);
  EXPECT_EQ(limiter.dropped(), 0u);
}

TEST(RateLimiter, SteadyTrafficUnderTheRatePasses) {
  RateLimiter limiter(limit(100));
  // 90 messages/s for ten seconds.
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 900, 10s, kStart), 900);
}

TEST(RateLimiter, BurstIsCappedThenRefills) {
  RateLimiter limiter(limit(100, 50));
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 80, 0ms, kStart), 50);  // the bucket, all at once
  EXPECT_EQ(limiter.dropped(), 30u);
  EXPECT_FALSE(limiter.admit(make_address("192.0.2.1"), kStart + 5ms));  // half a token
  EXPECT_TRUE(limiter.admit(make_address("192.0.2.1"), kStart + 10ms));  // one token back
  // A second later the bucket is full again, never fuller.
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 80, 0ms, kStart + 2s), 50);
}

TEST(RateLimiter, DefaultBurstIsTwoSeconds) {
  RateLimiter limiter(limit(10));
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 100, 0ms, kStart), 20);
}

TEST(RateLimiter, FlooderDoesNotDisturbOthers) {
  RateLimiter limiter(limit(100));
  int flood_ok = 0, normal_ok = 0;
  // 10000 messages/s from one source, 50/s from another, interleaved for 5 seconds.
  for (int ms = 0; ms < 5000; ++ms) {
    const TimePoint t = kStart + 1ms * ms;
    for (int i = 0; i < 10; ++i) flood_ok += limiter.admit(make_address("203.0.113.9"), t);
    if (ms % 20 == 0) normal_ok += limiter.admit(make_address("198.51.100.7"), t);
  }
  EXPECT_EQ(normal_ok, 250);
  EXPECT_LE(flood_ok, 200 + 5 * 100 + 1);  // the burst plus the rate
  EXPECT_GE(flood_ok, 200 + 5 * 100 - 1);
}

TEST(RateLimiter, FamiliesAndAddressesAreDistinctSources) {
  RateLimiter limiter(limit(1, 1));
  EXPECT_TRUE(limiter.admit(make_address("192.0.2.1"), kStart));
  EXPECT_FALSE(limiter.admit(make_address("192.0.2.1"), kStart));
  EXPECT_TRUE(limiter.admit(make_address("192.0.2.2"), kStart));
  EXPECT_TRUE(limiter.admit(make_address("2001:db8::1"), kStart));
  EXPECT_FALSE(limiter.admit(make_address("2001:db8::1"), kStart));
  // An IPv4-mapped IPv6 address is the same host as the IPv4 one.
  EXPECT_FALSE(limiter.admit(make_address("::ffff:192.0.2.1"), kStart));
  EXPECT_EQ(limiter.tracked_sources(), 3u);
}

TEST(RateLimiter, TableStaysBoundedAndKeepsActiveSources) {
  RateLimit l = limit(10, 5);
  l.max_sources = 64;
  RateLimiter limiter(l);
  // One busy source at its rate, and 100000 one-off sources passing through meanwhile.
  int busy_ok = 0;
  for (int i = 0; i < 100000; ++i) {
    const TimePoint t = kStart + 100us * i;
    const std::string ip = "10." + std::to_string(i / 65536 % 256) + "." +
                           std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
    EXPECT_TRUE(limiter.admit(make_address(ip), t));
    if (i % 1000 == 0) busy_ok += limiter.admit(make_address("192.0.2.1"), t);
  }
  EXPECT_LE(limiter.tracked_sources(), 64u);
  EXPECT_EQ(busy_ok, 100);
}

TEST(RateLimiter, ReportsOncePerSourcePerPeriod) {
  RateLimit l = limit(10, 10);
  l.report_period = 10s;
  std::vector<std::pair<std::string, uint64_t>> reports;
  l.on_flood = [&](const boost::asio::ip::address& a, uint64_t dropped) {
    reports.emplace_back(a.to_string(), dropped);
  };
  RateLimiter limiter(l);
  admitted(limiter, "192.0.2.1", 1000, 5s, kStart);  // 200/s: most of it dropped
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0], std::make_pair(std::string("192.0.2.1"), uint64_t{0}));
  admitted(limiter, "192.0.2.1", 1000, 5s, kStart + 5s);
  EXPECT_EQ(reports.size(), 1u);  // still the same period
  admitted(limiter, "192.0.2.1", 100, 1s, kStart + 10s);
  ASSERT_EQ(reports.size(), 2u);  // the next period reports what the previous one dropped
  EXPECT_GT(reports[1].second, 1500u);
}

}  // namespace
}  // namespace tandem::sip
