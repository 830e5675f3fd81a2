// The grouping of a send batch into UDP GSO messages (media/gso_plan): by destination in order of
// first appearance, queue order kept within a destination, runs of equal size with a shorter
// last one, and the segment and byte limits.
#include "media/gso_plan.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace tandem::media {
namespace {

struct Plan {
  std::vector<uint16_t> order;
  std::vector<TxSend> sends;
};

Plan plan(const std::vector<TxDatagram>& batch, GsoLimits limits = {}) {
  Plan p{std::vector<uint16_t>(batch.size()), std::vector<TxSend>(batch.size())};
  p.sends.resize(plan_gso_sends(batch, limits, p.order, p.sends));
  return p;
}

// "first+count@segment" per send, over the order, e.g. "0+3@1200 3+1@0".
std::string describe(const Plan& p) {
  std::string out;
  for (const TxSend& s : p.sends) {
    if (!out.empty()) out += ' ';
    out += std::to_string(s.first) + "+" + std::to_string(s.count) + "@" +
           std::to_string(s.segment_size);
  }
  return out;
}

TEST(GsoPlan, EmptyBatchHasNoSends) { EXPECT_TRUE(plan({}).sends.empty()); }

TEST(GsoPlan, AudioPatternOnePacketPerDestinationStaysPlain) {
  std::vector<TxDatagram> batch;
  for (uint16_t d = 0; d < 32; ++d) batch.push_back({d, 172});
  const Plan p = plan(batch);
  ASSERT_EQ(p.sends.size(), 32u);
  for (size_t i = 0; i < 32; ++i) {
    EXPECT_EQ(p.order[i], i);
    EXPECT_EQ(p.sends[i].count, 1);
    EXPECT_EQ(p.sends[i].segment_size, 0);  // a plain datagram, no UDP_SEGMENT
  }
}

TEST(GsoPlan, VideoFrameIsOneRunWithAShorterLastSegment) {
  const Plan p = plan({{0, 1200}, {0, 1200}, {0, 1200}, {0, 700}});
  EXPECT_EQ(describe(p), "0+4@1200");
  EXPECT_EQ(p.order, (std::vector<uint16_t>{0, 1, 2, 3}));
}

TEST(GsoPlan, AShorterDatagramEndsTheRunAndALargerOneStartsANewRun) {
  // 1200 1200 700 | 1200 | 1300 1300
  const Plan p = plan({{0, 1200}, {0, 1200}, {0, 700}, {0, 1200}, {0, 1300}, {0, 1300}});
  EXPECT_EQ(describe(p), "0+3@1200 3+1@0 4+2@1300");
}

TEST(GsoPlan, InterleavedDestinationsAreGroupedKeepingEachDestinationsOrder) {
  // a0 b0 a1 c0 b1 a2: destinations in order of first appearance (a, b, c).
  const Plan p = plan({{7, 1000}, {3, 500}, {7, 1000}, {9, 200}, {3, 500}, {7, 1000}});
  EXPECT_EQ(p.order, (std::vector<uint16_t>{0, 2, 5, 1, 4, 3}));
  EXPECT_EQ(describe(p), "0+3@1000 3+2@500 5+1@0");
}

TEST(GsoPlan, BundledAudioBetweenVideoPacketsKeepsOrderWithinTheDestination) {
  // One browser, audio (172) between video (1200): order is kept, so runs break at the audio.
  const Plan p = plan({{0, 1200}, {0, 1200}, {0, 172}, {0, 1200}, {0, 172}, {0, 172}});
  EXPECT_EQ(describe(p), "0+3@1200 3+2@1200 5+1@0");
}

TEST(GsoPlan, SegmentLimitSplitsRuns) {
  std::vector<TxDatagram> batch(10, TxDatagram{1, 100});
  EXPECT_EQ(describe(plan(batch, {4, kMaxGsoBytes})), "0+4@100 4+4@100 8+2@100");
  EXPECT_EQ(describe(plan(batch, {1, kMaxGsoBytes})),
            "0+1@0 1+1@0 2+1@0 3+1@0 4+1@0 5+1@0 6+1@0 7+1@0 8+1@0 9+1@0");
}

TEST(GsoPlan, ByteLimitSplitsRuns) {
  std::vector<TxDatagram> batch(5, TxDatagram{0, 1000});
  EXPECT_EQ(describe(plan(batch, {64, 2500})), "0+2@1000 2+2@1000 4+1@0");
  // The default limit is the IP datagram's: 64 segments of 1400 bytes do not fit in one.
  std::vector<TxDatagram> big(64, TxDatagram{0, 1400});
  const Plan p = plan(big);
  ASSERT_EQ(p.sends.size(), 2u);
  EXPECT_LE(size_t{p.sends[0].count} * 1400, kMaxGsoBytes);
  EXPECT_EQ(p.sends[0].count + p.sends[1].count, 64);
}

TEST(GsoPlan, EmptyDatagramsAreNeverSegments) {
  // A zero-length segment would vanish inside a GSO send (the kernel sees one 100-byte datagram).
  EXPECT_EQ(describe(plan({{0, 0}, {0, 0}, {0, 100}, {0, 0}})), "0+1@0 1+1@0 2+1@0 3+1@0");
}

TEST(GsoPlan, EveryDatagramAppearsOnceInTheOrder) {
  std::vector<TxDatagram> batch;
  for (uint16_t i = 0; i < 32; ++i) {
    batch.push_back({static_cast<uint16_t>(i % 5), static_cast<uint16_t>(100 + (i % 3) * 10)});
  }
  const Plan p = plan(batch);
  std::array<int, 32> seen{};
  for (const uint16_t i : p.order) ++seen[i];
  for (const int s : seen) EXPECT_EQ(s, 1);
  size_t covered = 0;
  for (const TxSend& s : p.sends) {
    EXPECT_EQ(s.first, covered);
    covered += s.count;
    for (size_t k = s.first + 1; k < size_t{s.first} + s.count; ++k) {
      EXPECT_EQ(batch[p.order[k]].destination, batch[p.order[s.first]].destination);
    }
  }
  EXPECT_EQ(covered, 32u);
}

TEST(GsoPlan, RefusesOutputArraysSmallerThanTheBatch) {
  const std::vector<TxDatagram> batch(4, TxDatagram{0, 100});
  std::array<uint16_t, 3> order{};
  std::array<TxSend, 4> sends{};
  EXPECT_EQ(plan_gso_sends(batch, {}, order, sends), 0u);
}

}  // namespace
}  // namespace tandem::media
