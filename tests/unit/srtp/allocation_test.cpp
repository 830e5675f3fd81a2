// The warmed-up packet path allocates nothing: neither from C++ nor inside OpenSSL (counted
// through CRYPTO_set_mem_functions). Nettle's HMAC allocates nothing by design (no allocator in
// its API).
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "session_helpers.hpp"
#include "support/allocation_counter.hpp"
#include "test_packets.hpp"

namespace tandem::srtp {
namespace {

class Allocation : public ::testing::TestWithParam<Profile> {};

INSTANTIATE_TEST_SUITE_P(All, Allocation, ::testing::ValuesIn(test::kAllProfiles),
                         [](const auto& info) {
                           return std::string(profile_info(info.param).sdes_name);
                         });

TEST_P(Allocation, WarmPacketPathAllocatesNothing) {
  SrtpSession tx = test::make_session(GetParam(), Direction::kOutbound);
  SrtpSession rx = test::make_session(GetParam(), Direction::kInbound);
  test::PacketFactory factory(1);
  const auto rtp = factory.rtp(0xABCD, 65000, 160);
  const auto rtcp = factory.rtcp(0xABCD, 20);
  std::vector<uint8_t> buffer(1500);

  constexpr int kRounds = 1000;
  auto loop = [&](int rounds, uint16_t first_seq) {
    for (int i = 0; i < rounds; ++i) {
      std::copy(rtp.begin(), rtp.end(), buffer.begin());
      const uint16_t seq = static_cast<uint16_t>(first_seq + i);
      buffer[2] = static_cast<uint8_t>(seq >> 8);
      buffer[3] = static_cast<uint8_t>(seq);
      size_t length = rtp.size();
      if (tx.protect_rtp(buffer, length) != SrtpStatus::kOk) return false;
      if (rx.unprotect_rtp(buffer, length) != SrtpStatus::kOk) return false;
      std::copy(rtcp.begin(), rtcp.end(), buffer.begin());
      length = rtcp.size();
      if (tx.protect_rtcp(buffer, length) != SrtpStatus::kOk) return false;
      if (rx.unprotect_rtcp(buffer, length) != SrtpStatus::kOk) return false;
    }
    return true;
  };
  ASSERT_TRUE(loop(10, 65000));  // warm up: first SSRC insertion, lazy OpenSSL state

  const long cxx_before = tandem::test::cxx_allocations();
  const long ossl_before = tandem::test::openssl_allocations();
  ASSERT_TRUE(loop(kRounds, 65010));  // crosses the sequence wrap
  const long cxx = tandem::test::cxx_allocations() - cxx_before;
  const long ossl = tandem::test::openssl_allocations() - ossl_before;

  EXPECT_EQ(cxx, 0) << "C++ allocations on the packet path";
  const double per_op = static_cast<double>(ossl) / (4.0 * kRounds);
  std::printf(
      "[ info ] %s: OpenSSL allocations per protect/unprotect: %.2f%s\n",
      std::string(profile_info(GetParam()).sdes_name).c_str(), per_op,
      tandem::test::openssl_allocations_counted() ? "" : " (hook not installed, not measured)");
  RecordProperty("openssl_allocations_per_op", std::to_string(per_op));
  if (!tandem::test::openssl_allocations_counted()) return;
  EXPECT_EQ(ossl, 0) << "the packet path allocates inside OpenSSL";
}

}  // namespace
}  // namespace tandem::srtp
