// Cross-check against libsrtp2 both ways, for every profile, RTP and RTCP, with random payload
// sizes, CSRCs and header extensions, across a sequence number wrap.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "session_helpers.hpp"
#include "support/libsrtp_session.hpp"
#include "test_packets.hpp"

namespace tandem::srtp {
namespace {

using tandem::test::LibsrtpSession;
using test::make_session;
using test::Op;
using test::PacketFactory;
using test::run;

constexpr int kRtpPackets = 600;
constexpr int kRtcpPackets = 300;
constexpr uint16_t kFirstSeq = 65535 - 250;  // ROC goes 0 -> 1 part-way through
constexpr uint32_t kSsrcs[] = {0x12345678, 0xDEADBEEF, 0x00000001};

class CrossCheck : public ::testing::TestWithParam<Profile> {
 protected:
  LibsrtpSession oracle(Direction direction, uint8_t seed = 1) {
    const auto keys = test::master_keys(GetParam(), seed);
    return LibsrtpSession(GetParam(), keys.key, keys.salt, direction == Direction::kOutbound);
  }
};

INSTANTIATE_TEST_SUITE_P(All, CrossCheck, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return std::string(profile_info(info.param).sdes_name);
                         });

TEST_P(CrossCheck, OursProtectLibsrtpUnprotectRtp) {
  SrtpSession ours = make_session(GetParam(), Direction::kOutbound);
  LibsrtpSession theirs = oracle(Direction::kInbound);
  ASSERT_TRUE(theirs.ok());
  PacketFactory factory(100);
  for (int i = 0; i < kRtpPackets; ++i) {
    const uint32_t ssrc = kSsrcs[i % 3];
    const auto plain = factory.rtp(ssrc, static_cast<uint16_t>(kFirstSeq + i / 3 * 3 + i % 3));
    auto packet = plain;
    ASSERT_EQ(run(ours, Op::kProtectRtp, packet), SrtpStatus::kOk);
    ASSERT_TRUE(theirs.unprotect_rtp(packet)) << "packet " << i;
    ASSERT_EQ(packet, plain) << "packet " << i;
  }
}

TEST_P(CrossCheck, LibsrtpProtectOursUnprotectRtpByteExact) {
  // Same keys on both senders: the protected bytes must be identical, and ours must unprotect
  // libsrtp's output (delivered with local reordering across the wrap).
  LibsrtpSession theirs = oracle(Direction::kOutbound);
  ASSERT_TRUE(theirs.ok());
  SrtpSession our_sender = make_session(GetParam(), Direction::kOutbound);
  SrtpSession ours = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(200);
  std::vector<std::vector<uint8_t>> plain, wire;
  for (int i = 0; i < kRtpPackets; ++i) {
    const uint32_t ssrc = kSsrcs[i % 3];
    plain.push_back(factory.rtp(ssrc, static_cast<uint16_t>(kFirstSeq + i / 3)));
    auto packet = plain.back();
    ASSERT_TRUE(theirs.protect_rtp(packet)) << i;
    auto mine = plain.back();
    ASSERT_EQ(run(our_sender, Op::kProtectRtp, mine), SrtpStatus::kOk);
    ASSERT_EQ(mine, packet) << "protected bytes differ at packet " << i;
    wire.push_back(std::move(packet));
  }
  for (size_t i = 0; i + 7 < wire.size(); i += 7) {  // swap some neighbours of the same SSRC
    std::swap(wire[i], wire[i + 3]);
    std::swap(plain[i], plain[i + 3]);
  }
  for (size_t i = 0; i < wire.size(); ++i) {
    auto packet = wire[i];
    ASSERT_EQ(run(ours, Op::kUnprotectRtp, packet), SrtpStatus::kOk) << "packet " << i;
    ASSERT_EQ(packet, plain[i]) << "packet " << i;
  }
  EXPECT_EQ(ours.stats().unprotected_packets, uint64_t{kRtpPackets});
}

TEST_P(CrossCheck, OursProtectLibsrtpUnprotectRtcp) {
  SrtpSession ours = make_session(GetParam(), Direction::kOutbound);
  LibsrtpSession theirs = oracle(Direction::kInbound);
  ASSERT_TRUE(theirs.ok());
  PacketFactory factory(300);
  for (int i = 0; i < kRtcpPackets; ++i) {
    const auto plain = factory.rtcp(kSsrcs[i % 3]);
    auto packet = plain;
    ASSERT_EQ(run(ours, Op::kProtectRtcp, packet), SrtpStatus::kOk);
    ASSERT_TRUE(theirs.unprotect_rtcp(packet)) << "packet " << i;
    ASSERT_EQ(packet, plain) << "packet " << i;
  }
}

TEST_P(CrossCheck, LibsrtpProtectOursUnprotectRtcp) {
  LibsrtpSession theirs = oracle(Direction::kOutbound);
  ASSERT_TRUE(theirs.ok());
  SrtpSession ours = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(400);
  for (int i = 0; i < kRtcpPackets; ++i) {
    const auto plain = factory.rtcp(kSsrcs[i % 3]);
    auto packet = plain;
    ASSERT_TRUE(theirs.protect_rtcp(packet)) << i;
    ASSERT_EQ(run(ours, Op::kUnprotectRtcp, packet), SrtpStatus::kOk) << "packet " << i;
    ASSERT_EQ(packet, plain) << "packet " << i;
  }
}

TEST_P(CrossCheck, LibsrtpRejectsWhatWeForgeAndViceVersa) {
  SrtpSession our_tx = make_session(GetParam(), Direction::kOutbound);
  LibsrtpSession their_rx = oracle(Direction::kInbound);
  LibsrtpSession their_tx = oracle(Direction::kOutbound);
  SrtpSession our_rx = make_session(GetParam(), Direction::kInbound);
  ASSERT_TRUE(their_rx.ok() && their_tx.ok());
  PacketFactory factory(500);
  for (int i = 0; i < 50; ++i) {
    const auto plain = factory.rtp(kSsrcs[0], static_cast<uint16_t>(kFirstSeq + i), 300);
    auto ours = plain;
    ASSERT_EQ(run(our_tx, Op::kProtectRtp, ours), SrtpStatus::kOk);
    ours[factory.next(static_cast<uint32_t>(ours.size() - 1))] ^= 0x10;
    EXPECT_FALSE(their_rx.unprotect_rtp(ours));
    auto theirs = plain;
    ASSERT_TRUE(their_tx.protect_rtp(theirs));
    theirs[factory.next(static_cast<uint32_t>(theirs.size() - 1))] ^= 0x10;
    EXPECT_NE(run(our_rx, Op::kUnprotectRtp, theirs), SrtpStatus::kOk);
  }
  // A flipped header bit may instead make the header malformed or the index too old.
  const Stats& stats = our_rx.stats();
  EXPECT_EQ(stats.auth_failures + stats.bad_length + stats.too_old, 50u);
  EXPECT_GE(stats.auth_failures, 30u);
}

}  // namespace
}  // namespace tandem::srtp
