// SrtpSession behaviour: round trips, ROC, replay, tampering, malformed input, SSRC table.
#include "srtp/srtp_session.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "session_helpers.hpp"
#include "srtp/byte_order.hpp"
#include "srtp/cm_transform.hpp"
#include "srtp/gcm_transform.hpp"
#include "srtp/key_derivation.hpp"
#include "test_packets.hpp"

namespace tandem::srtp {
namespace {

using test::make_session;
using test::Op;
using test::PacketFactory;
using test::run;

TEST(Profile, NamesAndIds) {
  EXPECT_EQ(profile_from_name("SRTP_AES128_CM_SHA1_80"), Profile::kAes128CmHmacSha1_80);
  EXPECT_EQ(profile_from_name("SRTP_AES128_CM_HMAC_SHA1_32"), Profile::kAes128CmHmacSha1_32);
  EXPECT_EQ(profile_from_name("AES_CM_128_HMAC_SHA1_80"), Profile::kAes128CmHmacSha1_80);
  EXPECT_EQ(profile_from_name("SRTP_AEAD_AES_128_GCM"), Profile::kAeadAes128Gcm);
  EXPECT_EQ(profile_from_name("AEAD_AES_256_GCM"), Profile::kAeadAes256Gcm);
  EXPECT_FALSE(profile_from_name("SRTP_NULL_HMAC_SHA1_80").has_value());
  EXPECT_EQ(profile_from_dtls_id(0x0007), Profile::kAeadAes128Gcm);
  EXPECT_EQ(profile_from_dtls_id(0x0002), Profile::kAes128CmHmacSha1_32);
  EXPECT_FALSE(profile_from_dtls_id(0x0003).has_value());
  EXPECT_EQ(profile_info(Profile::kAes128CmHmacSha1_32).rtcp_tag_len, 10u);
}

TEST(SrtpSession, CreateRejectsWrongKeyLengths) {
  const std::vector<uint8_t> k16(16), k32(32), s14(14), s12(12);
  EXPECT_FALSE(SrtpSession::create(Profile::kAes128CmHmacSha1_80, k16, s12, Direction::kInbound));
  EXPECT_FALSE(SrtpSession::create(Profile::kAes128CmHmacSha1_80, k32, s14, Direction::kInbound));
  EXPECT_FALSE(SrtpSession::create(Profile::kAeadAes128Gcm, k16, s14, Direction::kInbound));
  EXPECT_FALSE(SrtpSession::create(Profile::kAeadAes256Gcm, k16, s12, Direction::kInbound));
  EXPECT_FALSE(SrtpSession::create(Profile::kAeadAes128Gcm, k16, s12, Direction::kInbound,
                                   SessionOptions{.max_streams = 0}));
  EXPECT_TRUE(SrtpSession::create(Profile::kAeadAes256Gcm, k32, s12, Direction::kInbound));
}

class PerProfile : public ::testing::TestWithParam<Profile> {};

INSTANTIATE_TEST_SUITE_P(All, PerProfile, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return std::string(profile_info(info.param).sdes_name);
                         });

TEST_P(PerProfile, RtpRoundTripAcrossTwoSequenceWraps) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(7);
  const ProfileInfo& info = profile_info(GetParam());
  uint16_t seq = 65000;
  const int count = 70000;  // 65000 -> wraps twice (ROC 0 -> 2)
  for (int i = 0; i < count; ++i, ++seq) {
    const auto plain = factory.rtp(0x11223344, seq, i % 500 == 0 ? 1200 : 40);
    auto packet = plain;
    ASSERT_EQ(run(tx, Op::kProtectRtp, packet), SrtpStatus::kOk);
    ASSERT_EQ(packet.size(), plain.size() + info.rtp_tag_len);
    ASSERT_EQ(run(rx, Op::kUnprotectRtp, packet), SrtpStatus::kOk) << i;
    ASSERT_EQ(packet, plain) << i;
  }
  EXPECT_EQ(tx.stats().protected_packets, uint64_t{count});
  EXPECT_EQ(rx.stats().unprotected_packets, uint64_t{count});
}

TEST_P(PerProfile, RtcpRoundTripAndTrailerLayout) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(8);
  const ProfileInfo& info = profile_info(GetParam());
  for (uint32_t i = 0; i < 300; ++i) {
    const auto plain = factory.rtcp(0xCAFEBABE);
    auto packet = plain;
    ASSERT_EQ(run(tx, Op::kProtectRtcp, packet), SrtpStatus::kOk);
    ASSERT_EQ(packet.size(), plain.size() + info.rtcp_tag_len + 4);
    const size_t word_at = info.aead ? packet.size() - 4 : plain.size();
    EXPECT_EQ(load_be32(packet.data() + word_at), 0x80000000u | i);  // E = 1, index from 0
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + 8),
              std::vector<uint8_t>(plain.begin(), plain.begin() + 8));
    ASSERT_EQ(run(rx, Op::kUnprotectRtcp, packet), SrtpStatus::kOk);
    ASSERT_EQ(packet, plain);
  }
}

TEST_P(PerProfile, ReplayOutOfOrderAndTooOld) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(9);
  std::vector<std::vector<uint8_t>> protected_packets;
  for (uint16_t seq = 65400; seq != 200; ++seq) {  // crosses the wrap
    auto packet = factory.rtp(42, seq, 100);
    ASSERT_EQ(run(tx, Op::kProtectRtp, packet), SrtpStatus::kOk);
    protected_packets.push_back(packet);
  }
  const size_t n = protected_packets.size();  // 336
  // The first packet fixes ROC 0 at 65400 (a receiver cannot learn the ROC otherwise); then
  // the newest (ROC 1), then older ones inside the 128 window, out of order.
  auto copy = protected_packets[0];
  ASSERT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kOk);
  copy = protected_packets[n - 1];
  ASSERT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kOk);
  for (size_t back : {5u, 1u, 127u, 64u, 100u}) {
    copy = protected_packets[n - 1 - back];
    EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kOk) << back;
  }
  copy = protected_packets[n - 1 - 64];
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kReplay);
  copy = protected_packets[n - 1];
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kReplay);
  copy = protected_packets[n - 1 - 128];
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kTooOld);
  copy = protected_packets[0];
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kTooOld);
  EXPECT_EQ(rx.stats().replays, 2u);
  EXPECT_EQ(rx.stats().too_old, 2u);
  EXPECT_EQ(rx.stats().unprotected_packets, 7u);
}

TEST_P(PerProfile, ReorderedAcrossWrapKeepsRoc) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(10);
  std::vector<std::vector<uint8_t>> plain, sent;
  for (uint16_t seq : {65533, 65534, 65535, 0, 1, 2}) {
    plain.push_back(factory.rtp(7, seq, 60));
    sent.push_back(plain.back());
    ASSERT_EQ(run(tx, Op::kProtectRtp, sent.back()), SrtpStatus::kOk);
  }
  for (size_t i : {0u, 3u, 1u, 4u, 2u, 5u}) {  // 65533, 0, 65534, 1, 65535, 2
    auto packet = sent[i];
    ASSERT_EQ(run(rx, Op::kUnprotectRtp, packet), SrtpStatus::kOk) << i;
    EXPECT_EQ(packet, plain[i]);
  }
}

TEST_P(PerProfile, TamperedPacketsFailAuthAndDoNotAdvanceState) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(11);
  const auto plain = factory.rtp(99, 1000, 200);
  auto sent = plain;
  ASSERT_EQ(run(tx, Op::kProtectRtp, sent), SrtpStatus::kOk);
  for (size_t pos : {size_t{1}, size_t{9}, sent.size() / 2, sent.size() - 1}) {
    auto forged = sent;
    forged[pos] ^= 0x40;
    EXPECT_EQ(run(rx, Op::kUnprotectRtp, forged), SrtpStatus::kAuthFailure) << pos;
  }
  auto other_key = make_session(GetParam(), Direction::kOutbound, {}, 2);
  auto wrong = plain;
  ASSERT_EQ(run(other_key, Op::kProtectRtp, wrong), SrtpStatus::kOk);
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, wrong), SrtpStatus::kAuthFailure);
  EXPECT_EQ(rx.stats().auth_failures, 5u);
  auto good = sent;
  ASSERT_EQ(run(rx, Op::kUnprotectRtp, good), SrtpStatus::kOk);
  EXPECT_EQ(good, plain);

  auto rtcp_plain = factory.rtcp(99);
  auto rtcp = rtcp_plain;
  ASSERT_EQ(run(tx, Op::kProtectRtcp, rtcp), SrtpStatus::kOk);
  for (size_t pos : {size_t{0}, size_t{5}, rtcp.size() - 1, rtcp.size() - 15}) {
    auto forged = rtcp;
    forged[pos] ^= 0x01;
    const SrtpStatus status = run(rx, Op::kUnprotectRtcp, forged);
    EXPECT_EQ(status, SrtpStatus::kAuthFailure) << pos;
  }
  ASSERT_EQ(run(rx, Op::kUnprotectRtcp, rtcp), SrtpStatus::kOk);
  EXPECT_EQ(rtcp, rtcp_plain);
  auto again = rtcp;
  ASSERT_EQ(run(tx, Op::kProtectRtcp, again), SrtpStatus::kOk);  // index 1
  auto replayed = again;
  ASSERT_EQ(run(rx, Op::kUnprotectRtcp, again), SrtpStatus::kOk);
  EXPECT_EQ(run(rx, Op::kUnprotectRtcp, replayed), SrtpStatus::kReplay);
}

TEST_P(PerProfile, TruncatedAndMalformedPacketsAreBadLength) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  const ProfileInfo& info = profile_info(GetParam());
  PacketFactory factory(12);
  auto sent = factory.rtp(5, 10, 50);
  ASSERT_EQ(run(tx, Op::kProtectRtp, sent), SrtpStatus::kOk);
  uint64_t expected_bad = 0;
  for (size_t len = 0; len < 12 + info.rtp_tag_len; ++len) {
    std::vector<uint8_t> cut(sent.begin(), sent.begin() + len);
    EXPECT_EQ(run(rx, Op::kUnprotectRtp, cut), SrtpStatus::kBadLength) << len;
    ++expected_bad;
  }
  // Header claims 15 CSRCs / an extension longer than the packet.
  std::vector<uint8_t> csrcs = {0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5};
  csrcs.resize(12 + 20 + info.rtp_tag_len);
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, csrcs), SrtpStatus::kBadLength);
  std::vector<uint8_t> ext = {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0xBE, 0xDE, 0xFF, 0xFF};
  ext.resize(ext.size() + 40 + info.rtp_tag_len);
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, ext), SrtpStatus::kBadLength);
  auto version1 = sent;
  version1[0] = 0x40;
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, version1), SrtpStatus::kBadLength);
  std::vector<uint8_t> short_rtp(11, 0x80);
  EXPECT_EQ(run(tx, Op::kProtectRtp, short_rtp), SrtpStatus::kBadLength);
  expected_bad += 3;

  std::vector<uint8_t> rtcp(8 + info.rtcp_tag_len + 3, 0x80);
  EXPECT_EQ(run(rx, Op::kUnprotectRtcp, rtcp), SrtpStatus::kBadLength);
  std::vector<uint8_t> short_rtcp = {0x80, 200, 0, 1, 0, 0, 0};
  EXPECT_EQ(run(tx, Op::kProtectRtcp, short_rtcp), SrtpStatus::kBadLength);
  expected_bad += 1;
  EXPECT_EQ(rx.stats().bad_length, expected_bad);
  EXPECT_EQ(tx.stats().bad_length, 2u);

  // Length larger than the buffer, and no tail room.
  std::vector<uint8_t> buffer(40, 0x80);
  size_t length = 41;
  EXPECT_EQ(rx.unprotect_rtp(buffer, length), SrtpStatus::kBadLength);
  length = 40 - info.rtp_tag_len + 1;
  EXPECT_EQ(tx.protect_rtp(buffer, length), SrtpStatus::kNoTailRoom);
  EXPECT_EQ(length, 40 - info.rtp_tag_len + 1);
}

TEST_P(PerProfile, SsrcTableOverflowAndForgedSsrcsTakeNoSlot) {
  SessionOptions options;
  options.max_streams = 2;
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound, options);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound, options);
  PacketFactory factory(13);
  auto forged = factory.rtp(1000, 1, 30);
  forged.resize(forged.size() + profile_info(GetParam()).rtp_tag_len);
  for (uint32_t ssrc = 1000; ssrc < 1010; ++ssrc) {
    store_be32(forged.data() + 8, ssrc);
    auto copy = forged;
    EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kAuthFailure);
  }
  for (uint32_t ssrc : {1u, 2u}) {
    auto packet = factory.rtp(ssrc, 1, 30);
    ASSERT_EQ(run(tx, Op::kProtectRtp, packet), SrtpStatus::kOk);
    ASSERT_EQ(run(rx, Op::kUnprotectRtp, packet), SrtpStatus::kOk);
  }
  auto third = factory.rtp(3, 1, 30);
  EXPECT_EQ(run(tx, Op::kProtectRtp, third), SrtpStatus::kUnknownSsrcOverflow);
  EXPECT_EQ(tx.stats().unknown_ssrc_overflow, 1u);
  // Receiver side: a valid packet for a third SSRC from a wider sender.
  SrtpSession wide = make_session(GetParam(), Direction::kOutbound);
  auto from_wide = factory.rtp(3, 1, 30);
  ASSERT_EQ(run(wide, Op::kProtectRtp, from_wide), SrtpStatus::kOk);
  auto copy = from_wide;
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, copy), SrtpStatus::kUnknownSsrcOverflow);
  auto rtcp = factory.rtcp(4);
  ASSERT_EQ(run(wide, Op::kProtectRtcp, rtcp), SrtpStatus::kOk);
  EXPECT_EQ(run(rx, Op::kUnprotectRtcp, rtcp), SrtpStatus::kUnknownSsrcOverflow);
  EXPECT_EQ(rx.stats().unknown_ssrc_overflow, 2u);
  // Freeing a slot admits the new SSRC.
  EXPECT_TRUE(rx.remove_stream(1));
  EXPECT_EQ(run(rx, Op::kUnprotectRtp, from_wide), SrtpStatus::kOk);
}

TEST_P(PerProfile, DirectionAndRepeatTx) {
  SrtpSession tx = make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  PacketFactory factory(14);
  auto packet = factory.rtp(1, 1, 30);
  EXPECT_EQ(run(rx, Op::kProtectRtp, packet), SrtpStatus::kWrongDirection);
  EXPECT_EQ(run(tx, Op::kUnprotectRtp, packet), SrtpStatus::kWrongDirection);
  EXPECT_EQ(run(rx, Op::kProtectRtcp, packet), SrtpStatus::kWrongDirection);
  EXPECT_EQ(run(tx, Op::kUnprotectRtcp, packet), SrtpStatus::kWrongDirection);
  EXPECT_EQ(rx.stats().other_failures, 2u);

  auto first = packet;
  ASSERT_EQ(run(tx, Op::kProtectRtp, first), SrtpStatus::kOk);
  auto second = packet;
  EXPECT_EQ(run(tx, Op::kProtectRtp, second), SrtpStatus::kReplay);

  SessionOptions repeat;
  repeat.allow_repeat_tx = true;
  SrtpSession tx_repeat = make_session(GetParam(), Direction::kOutbound, repeat);
  auto a = packet, b = packet;
  ASSERT_EQ(run(tx_repeat, Op::kProtectRtp, a), SrtpStatus::kOk);
  ASSERT_EQ(run(tx_repeat, Op::kProtectRtp, b), SrtpStatus::kOk);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, first);
}

// SRTCP with E = 0 (authenticated, not encrypted; RFC 3711 §3.4, RFC 7714 §9) is accepted on
// receive even though this implementation always sends E = 1.
TEST_P(PerProfile, UnencryptedSrtcpIsAccepted) {
  const ProfileInfo& info = profile_info(GetParam());
  const auto keys = test::master_keys(GetParam());
  auto kdf = KeyDerivation::create(keys.key, keys.salt);
  ASSERT_TRUE(kdf.ok());
  SessionKeys session_keys;
  ASSERT_TRUE(kdf->derive_session_keys(info, session_keys));
  PacketFactory factory(15);
  const auto plain = factory.rtcp(0x01020304);
  std::vector<uint8_t> packet = plain;
  std::vector<uint8_t> tag(info.rtcp_tag_len);
  const uint32_t e_index = 17;  // E = 0
  bool ok = false;
  if (info.aead) {
    auto gcm = GcmTransform::create(info, session_keys);
    ASSERT_TRUE(gcm.ok());
    ok = gcm->protect_rtcp(packet, 0x01020304, e_index, tag);
    packet.insert(packet.end(), tag.begin(), tag.end());
    packet.insert(packet.end(), {0, 0, 0, 17});
  } else {
    auto cm = CmTransform::create(info, session_keys);
    ASSERT_TRUE(cm.ok());
    ok = cm->protect_rtcp(packet, 0x01020304, e_index, tag);
    packet.insert(packet.end(), {0, 0, 0, 17});
    packet.insert(packet.end(), tag.begin(), tag.end());
  }
  ASSERT_TRUE(ok);
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), packet.begin()));  // sent in the clear
  SrtpSession rx = make_session(GetParam(), Direction::kInbound);
  auto forged = packet;
  forged[9] ^= 1;
  EXPECT_EQ(run(rx, Op::kUnprotectRtcp, forged), SrtpStatus::kAuthFailure);
  ASSERT_EQ(run(rx, Op::kUnprotectRtcp, packet), SrtpStatus::kOk);
  EXPECT_EQ(packet, plain);
}

}  // namespace
}  // namespace tandem::srtp
