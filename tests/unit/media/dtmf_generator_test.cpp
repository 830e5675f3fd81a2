// DtmfGenerator: the RFC 4733 packet sequence of one generated digit, durations in the event
// clock, queueing, and the clamping of a peer-supplied duration.
#include "media/dtmf_generator.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::media {
namespace {

std::vector<DtmfGenerator::Packet> play(DtmfGenerator& g, TimePoint& now) {
  std::vector<DtmfGenerator::Packet> out;
  for (int i = 0; i < 1000 && !g.idle(); ++i) {
    if (auto p = g.next(now)) out.push_back(*p);
    now += DtmfGenerator::kInterval;
  }
  return out;
}

TEST(DtmfGenerator, UpdatesThenEndThreeTimes) {
  DtmfGenerator g;
  TimePoint now{};
  ASSERT_TRUE(g.push(5, Duration{100}, 8000));
  const auto packets = play(g, now);
  ASSERT_EQ(packets.size(), 8u);
  for (size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].start, i == 0);
    EXPECT_EQ(packets[i].event.event, 5);
    EXPECT_EQ(packets[i].event.end, i >= 5);
    EXPECT_EQ(packets[i].event.duration, std::min<size_t>(i + 1, 5) * 160);
  }
}

TEST(DtmfGenerator, ShortDigitsStillGetThreeUpdatesAndClockFollowsTheLeg) {
  DtmfGenerator g;
  TimePoint now{};
  ASSERT_TRUE(g.push(1, Duration{10}, 48000));
  const auto packets = play(g, now);
  ASSERT_EQ(packets.size(), 6u);
  EXPECT_EQ(packets.back().event.duration, 3 * 960);
}

TEST(DtmfGenerator, QueuedDigitsPlayInOrderAndHugeDurationsAreClamped) {
  DtmfGenerator g;
  TimePoint now{};
  ASSERT_TRUE(g.push(1, Duration{60}, 8000));
  ASSERT_TRUE(g.push(2, std::chrono::hours(1), 8000));
  const auto packets = play(g, now);
  ASSERT_EQ(packets[0].event.event, 1);
  ASSERT_EQ(packets[6].event.event, 2);
  EXPECT_TRUE(packets[6].start);
  EXPECT_EQ(packets.back().event.duration, 250u * 160);  // 5 s
  for (size_t i = 0; i < DtmfGenerator::kQueue; ++i) EXPECT_TRUE(g.push(3, Duration{60}, 8000));
  EXPECT_FALSE(g.push(3, Duration{60}, 8000));  // full
  EXPECT_FALSE(DtmfGenerator{}.push(3, Duration{60}, 0));
}

}  // namespace
}  // namespace tandem::media
