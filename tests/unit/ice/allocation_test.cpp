// A warmed-up agent answers checks without C++ heap allocation; OpenSSL's allocations inside
// HMAC re-initialisation are counted through CRYPTO_set_mem_functions and reported.
#include <gtest/gtest.h>
#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <new>

#include "ice/ice_lite_agent.hpp"
#include "ice_test_util.hpp"
#include "support/allocation_counter.hpp"

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
  const long cxx_before = tandem::test::cxx_allocations();
  const long ossl_before = tandem::test::openssl_allocations();
  for (int i = 0; i < kRounds; ++i) {
    const auto now = test::at(std::chrono::milliseconds(i));
    ASSERT_GT(agent.handle_packet(request, from, now, response), 0u);
    ASSERT_EQ(agent.handle_packet(bad, from, now, response), 0u);
    agent.on_tick(now);
  }
  EXPECT_EQ(tandem::test::cxx_allocations() - cxx_before, 0)
      << "C++ allocations on the packet path";
  // Each answered check runs two HMACs (verify + sign), each rejected one runs one.
  const double per_hmac =
      static_cast<double>(tandem::test::openssl_allocations() - ossl_before) / (3.0 * kRounds);
  std::printf(
      "[ info ] OpenSSL allocations per HMAC-SHA1: %.2f%s\n", per_hmac,
      tandem::test::openssl_allocations_counted() ? "" : " (hook not installed, not measured)");
  RecordProperty("openssl_allocations_per_hmac", std::to_string(per_hmac));
  if (tandem::test::openssl_allocations_counted()) {
    EXPECT_LE(per_hmac, 2.0);  // OpenSSL 3.0's EVP_MAC re-init duplicates two SHA-1 states
  }
}

}  // namespace
}  // namespace tandem::ice
