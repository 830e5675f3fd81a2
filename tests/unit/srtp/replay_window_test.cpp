// ReplayWindow, RTP index estimation (RFC 3711 §3.3.1) and the stream table.
#include "srtp/replay_window.hpp"

#include <gtest/gtest.h>

#include "srtp/packet_index.hpp"
#include "srtp/stream_table.hpp"

namespace tandem::srtp {
namespace {

using Verdict = ReplayWindow::Verdict;

TEST(ReplayWindow, FirstIndexIsNew) {
  ReplayWindow w;
  EXPECT_FALSE(w.started());
  EXPECT_EQ(w.check(12345), Verdict::kNew);
  w.accept(12345);
  EXPECT_TRUE(w.started());
  EXPECT_EQ(w.highest(), 12345u);
  EXPECT_EQ(w.check(12345), Verdict::kReplay);
}

TEST(ReplayWindow, OutOfOrderWithinWindowAcceptedOnce) {
  ReplayWindow w;
  w.accept(1000);
  for (uint64_t i = 1000 - 127; i < 1000; ++i) {
    ASSERT_EQ(w.check(i), Verdict::kNew) << i;
  }
  w.accept(999);
  w.accept(900);
  w.accept(873);  // the oldest slot (distance 127)
  EXPECT_EQ(w.check(999), Verdict::kReplay);
  EXPECT_EQ(w.check(900), Verdict::kReplay);
  EXPECT_EQ(w.check(873), Verdict::kReplay);
  EXPECT_EQ(w.check(872), Verdict::kTooOld);  // distance 128
  EXPECT_EQ(w.check(998), Verdict::kNew);
  EXPECT_EQ(w.check(1001), Verdict::kNew);
}

TEST(ReplayWindow, ShiftsAcrossWordBoundaries) {
  for (uint64_t step : {1u, 5u, 63u, 64u, 65u, 100u, 127u, 128u, 129u, 1000u}) {
    ReplayWindow w;
    w.accept(500);
    w.accept(480);
    w.accept(500 + step);
    const uint64_t d500 = step;
    const uint64_t d480 = step + 20;
    EXPECT_EQ(w.check(500), d500 < 128 ? Verdict::kReplay : Verdict::kTooOld) << step;
    EXPECT_EQ(w.check(480), d480 < 128 ? Verdict::kReplay : Verdict::kTooOld) << step;
    if (d500 > 1 && d500 < 128) {
      EXPECT_EQ(w.check(501), Verdict::kNew) << step;
    }
    EXPECT_EQ(w.check(500 + step), Verdict::kReplay);
  }
}

TEST(ReplayWindow, MatchesReferenceSetModel) {
  // Compare with a brute-force model over a pseudo-random walk.
  ReplayWindow w;
  std::vector<bool> seen(20000, false);
  uint64_t highest = 0;
  bool started = false;
  uint32_t x = 12345;
  for (int n = 0; n < 50000; ++n) {
    x = x * 1103515245u + 12345u;
    const int64_t jump = static_cast<int64_t>((x >> 16) % 300) - 200;
    const int64_t candidate = static_cast<int64_t>(highest) + jump;
    if (candidate < 0 || candidate >= 20000) continue;
    const uint64_t index = static_cast<uint64_t>(candidate);
    Verdict expected = Verdict::kNew;
    if (started && index <= highest) {
      if (highest - index >= ReplayWindow::kSize) {
        expected = Verdict::kTooOld;
      } else if (seen[index]) {
        expected = Verdict::kReplay;
      }
    }
    ASSERT_EQ(w.check(index), expected) << "index " << index << " highest " << highest;
    if (expected == Verdict::kNew) {
      w.accept(index);
      seen[index] = true;
      if (!started || index > highest) highest = index;
      started = true;
    }
  }
}

TEST(PacketIndex, Rfc3711AppendixAEstimation) {
  const auto idx = [](uint64_t roc, uint16_t seq) { return (roc << 16) | seq; };
  // s_l in the lower half: a seq far above it belongs to the previous ROC.
  EXPECT_EQ(estimate_rtp_index(idx(5, 100), 101), idx(5, 101));
  EXPECT_EQ(estimate_rtp_index(idx(5, 100), 65500), idx(4, 65500));
  EXPECT_EQ(estimate_rtp_index(idx(5, 100), 100 + 32768), idx(5, 100 + 32768));
  EXPECT_EQ(estimate_rtp_index(idx(5, 100), 100 + 32769), idx(4, 100 + 32769));
  // s_l in the upper half: a seq far below it belongs to the next ROC.
  EXPECT_EQ(estimate_rtp_index(idx(5, 65500), 3), idx(6, 3));
  EXPECT_EQ(estimate_rtp_index(idx(5, 65500), 65400), idx(5, 65400));
  EXPECT_EQ(estimate_rtp_index(idx(5, 40000), 40000 - 32768), idx(5, 40000 - 32768));
  EXPECT_EQ(estimate_rtp_index(idx(5, 40000), 40000 - 32769), idx(6, 40000 - 32769));
  // ROC 0 never goes negative.
  EXPECT_EQ(estimate_rtp_index(idx(0, 10), 65000), idx(0, 65000));
  // ROC wrap is reported as an index past 48 bits.
  EXPECT_GT(estimate_rtp_index(idx(0xFFFFFFFF, 65535), 0), kMaxRtpIndex);
}

TEST(StreamTable, InsertFindRemoveAndCapacity) {
  auto table = StreamTable::create(3);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->find(1), nullptr);
  ASSERT_NE(table->insert(1), nullptr);
  ASSERT_NE(table->insert(2), nullptr);
  ASSERT_NE(table->insert(3), nullptr);
  EXPECT_TRUE(table->full());
  EXPECT_EQ(table->insert(4), nullptr);
  EXPECT_EQ(table->find(2)->ssrc, 2u);
  EXPECT_TRUE(table->remove(2));
  EXPECT_FALSE(table->remove(2));
  EXPECT_EQ(table->find(2), nullptr);
  StreamState* s4 = table->insert(4);
  ASSERT_NE(s4, nullptr);
  EXPECT_FALSE(s4->rtp.started());
  EXPECT_EQ(table->find(4), s4);
  EXPECT_EQ(table->find(1)->ssrc, 1u);
  EXPECT_FALSE(StreamTable::create(0).ok());
  EXPECT_FALSE(StreamTable::create(StreamTable::kMaxCapacity + 1).ok());
}

}  // namespace
}  // namespace tandem::srtp
