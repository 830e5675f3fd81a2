// The warmed-up packet path allocates nothing from C++; OpenSSL's own allocations are counted
// separately through CRYPTO_set_mem_functions (OpenSSL 3.0's HMAC re-init copies digest states).
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "session_helpers.hpp"
#include "test_packets.hpp"

namespace {

long g_cxx_allocations = 0;
long g_openssl_allocations = 0;

void* counting_malloc(size_t n, const char*, int) {
  ++g_openssl_allocations;
  return std::malloc(n);
}
void* counting_realloc(void* p, size_t n, const char*, int) {
  ++g_openssl_allocations;
  return std::realloc(p, n);
}
void counting_free(void* p, const char*, int) { std::free(p); }

// Must run before libcrypto allocates anything; static initialisation precedes main().
const bool g_openssl_hooked =
    CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free) == 1;

void* counted_new(size_t n) {
  ++g_cxx_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(size_t n) { return counted_new(n); }
void* operator new[](size_t n) { return counted_new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  ++g_cxx_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  ++g_cxx_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

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

  const long cxx_before = g_cxx_allocations;
  const long ossl_before = g_openssl_allocations;
  ASSERT_TRUE(loop(kRounds, 65010));  // crosses the sequence wrap
  const long cxx = g_cxx_allocations - cxx_before;
  const long ossl = g_openssl_allocations - ossl_before;

  EXPECT_EQ(cxx, 0) << "C++ allocations on the packet path";
  const double per_op = static_cast<double>(ossl) / (4.0 * kRounds);
  std::printf("[ info ] %s: OpenSSL allocations per protect/unprotect: %.2f%s\n",
              std::string(profile_info(GetParam()).sdes_name).c_str(), per_op,
              g_openssl_hooked ? "" : " (hook not installed, not measured)");
  RecordProperty("openssl_allocations_per_op", std::to_string(per_op));
  if (!g_openssl_hooked) return;
  if (profile_info(GetParam()).aead) {
    EXPECT_EQ(ossl, 0) << "AES-GCM path allocates inside OpenSSL";
  } else {
    // EVP_MAC_init(ctx, NULL, ...) in OpenSSL 3.0 duplicates two SHA-1 states per HMAC.
    EXPECT_LE(per_op, 2.0);
  }
}

}  // namespace
}  // namespace tandem::srtp
