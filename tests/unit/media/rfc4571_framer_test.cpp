#include "media/rfc4571_framer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace tandem::media {
namespace {

std::vector<uint8_t> framed(std::vector<uint8_t> payload) {
  std::vector<uint8_t> out(payload.size() + Rfc4571Framer::kHeaderSize);
  EXPECT_EQ(Rfc4571Framer::write_frame(payload, out), out.size());
  return out;
}

void feed(Rfc4571Framer& f, const std::vector<uint8_t>& bytes) {
  const auto space = f.free_space();
  ASSERT_GE(space.size(), bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  f.commit(bytes.size());
}

std::vector<uint8_t> payload(size_t n, uint8_t seed) {
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(seed + i);
  return p;
}

TEST(Rfc4571Framer, WritesBigEndianLength) {
  std::vector<uint8_t> out(302);
  ASSERT_EQ(Rfc4571Framer::write_frame(payload(300, 0), out), 302u);
  EXPECT_EQ(out[0], 0x01);  // 300 = 0x012c
  EXPECT_EQ(out[1], 0x2c);
  EXPECT_EQ(out[2], 0);
  std::vector<uint8_t> small(10);
  EXPECT_EQ(Rfc4571Framer::write_frame(payload(9, 0), small), 0u);  // no room for the header
}

TEST(Rfc4571Framer, PartialFramesByteByByte) {
  Rfc4571Framer f(1500);
  const auto p = payload(100, 7);
  const auto bytes = framed(p);
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    feed(f, {bytes[i]});
    EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kNeedMore) << i;
  }
  feed(f, {bytes.back()});
  const auto next = f.next();
  ASSERT_EQ(next.status, Rfc4571Framer::Status::kFrame);
  EXPECT_TRUE(std::equal(next.frame.begin(), next.frame.end(), p.begin(), p.end()));
  EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kNeedMore);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(Rfc4571Framer, SeveralFramesInOneReadAndATailKept) {
  Rfc4571Framer f(1500);
  std::vector<uint8_t> stream;
  const std::vector<size_t> sizes{20, 1500, 0, 172};
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto b = framed(payload(sizes[i], static_cast<uint8_t>(i)));
    stream.insert(stream.end(), b.begin(), b.end());
  }
  const auto next_frame = framed(payload(50, 9));
  stream.insert(stream.end(), next_frame.begin(), next_frame.begin() + 30);  // half a frame
  feed(f, stream);
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto next = f.next();
    ASSERT_EQ(next.status, Rfc4571Framer::Status::kFrame) << i;
    EXPECT_EQ(next.frame.size(), sizes[i]);
    const auto expected = payload(sizes[i], static_cast<uint8_t>(i));
    EXPECT_TRUE(std::equal(next.frame.begin(), next.frame.end(), expected.begin(), expected.end()));
  }
  EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kNeedMore);
  EXPECT_EQ(f.buffered(), 30u);
  // The remainder moves to the front and completes with the next read.
  feed(f, std::vector<uint8_t>(next_frame.begin() + 30, next_frame.end()));
  const auto last = f.next();
  ASSERT_EQ(last.status, Rfc4571Framer::Status::kFrame);
  EXPECT_EQ(last.frame.size(), 50u);
  EXPECT_EQ(last.frame[0], 9);
}

TEST(Rfc4571Framer, FreeSpaceAlwaysHoldsAMaximalFrame) {
  Rfc4571Framer f(1500, 1);
  const auto big = framed(payload(1500, 1));
  for (int round = 0; round < 5; ++round) {
    feed(f, std::vector<uint8_t>(big.begin(), big.begin() + 700));
    EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kNeedMore);
    EXPECT_GE(f.free_space().size(), 802u);
    feed(f, std::vector<uint8_t>(big.begin() + 700, big.end()));
    ASSERT_EQ(f.next().status, Rfc4571Framer::Status::kFrame);
  }
}

TEST(Rfc4571Framer, OversizeFrameIsStickyError) {
  Rfc4571Framer f(1500);
  feed(f, {0x05, 0xdd});  // 1501
  EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kOversize);
  feed(f, framed(payload(10, 0)));
  EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kOversize);
}

TEST(Rfc4571Framer, GarbageLengthsAreOversize) {
  Rfc4571Framer f(1500);
  feed(f, {'G', 'E', 'T', ' ', '/'});  // an HTTP request on the ICE-TCP port: 0x4745 bytes
  EXPECT_EQ(f.next().status, Rfc4571Framer::Status::kOversize);
}

}  // namespace
}  // namespace tandem::media
