// A warmed-up agent answers checks without C++ heap allocation; OpenSSL's allocations inside
// HMAC re-initialisation are counted through CRYPTO_set_mem_functions and reported.
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <new>

#include "ice/ice_lite_agent.hpp"
#include "ice_test_util.hpp"

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

namespace tandem::ice {
namespace {

using namespace std::chrono_literals;

TEST(Allocation, AnsweringChecksAllocatesNothingFromCxx) {
  IceLiteConfig config;
  config.local_ufrag = "gw01";
  config.local_pwd = "gatewaypassword0123456";
  config.remote_ufrag = "brws";
  auto agent = IceLiteAgent::create(config, nullptr, test::at(0ms)).value();
  test::CheckOptions o;
  o.username = "gw01:brws";
  o.pwd = config.local_pwd;
  o.use_candidate = true;
  const auto request = test::make_check(o);
  o.pwd = "wrongpassword012345678";
  const auto bad = test::make_check(o);
  const Endpoint from = *Endpoint::parse("198.51.100.10:50000");
  std::array<uint8_t, IceLiteAgent::kMaxResponseSize> response{};

  ASSERT_GT(agent.handle_packet(request, from, test::at(0ms), response), 0u);  // warm up
  constexpr int kRounds = 1000;
  const long cxx_before = g_cxx_allocations;
  const long ossl_before = g_openssl_allocations;
  for (int i = 0; i < kRounds; ++i) {
    const auto now = test::at(std::chrono::milliseconds(i));
    ASSERT_GT(agent.handle_packet(request, from, now, response), 0u);
    ASSERT_EQ(agent.handle_packet(bad, from, now, response), 0u);
    agent.on_tick(now);
  }
  EXPECT_EQ(g_cxx_allocations - cxx_before, 0) << "C++ allocations on the packet path";
  // Each answered check runs two HMACs (verify + sign), each rejected one runs one.
  const double per_hmac =
      static_cast<double>(g_openssl_allocations - ossl_before) / (3.0 * kRounds);
  std::printf("[ info ] OpenSSL allocations per HMAC-SHA1: %.2f%s\n", per_hmac,
              g_openssl_hooked ? "" : " (hook not installed, not measured)");
  RecordProperty("openssl_allocations_per_hmac", std::to_string(per_hmac));
  if (g_openssl_hooked) {
    EXPECT_LE(per_hmac, 2.0);  // OpenSSL 3.0's EVP_MAC re-init duplicates two SHA-1 states
  }
}

}  // namespace
}  // namespace tandem::ice
