#include "ice/endpoint.hpp"

#include <gtest/gtest.h>

namespace tandem::ice {
namespace {

TEST(Endpoint, ParseAndFormat) {
  for (const char* text : {"192.0.2.1:32853", "[2001:db8::1]:3478", "0.0.0.0:0", "[::1]:65535"}) {
    const auto e = Endpoint::parse(text);
    ASSERT_TRUE(e) << text;
    EXPECT_EQ(e->to_string(), text);
  }
  for (const char* bad : {"", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "[::1]", "[::1]3478",
                          "::1:3478", "300.1.1.1:1", "host:80", "1.2.3.4:-1"}) {
    EXPECT_FALSE(Endpoint::parse(bad)) << bad;
  }
}

TEST(Endpoint, EqualityCoversFamilyAddressPort) {
  EXPECT_EQ(*Endpoint::parse("10.0.0.1:5"), *Endpoint::parse("10.0.0.1:5"));
  EXPECT_NE(*Endpoint::parse("10.0.0.1:5"), *Endpoint::parse("10.0.0.1:6"));
  EXPECT_NE(*Endpoint::parse("10.0.0.1:5"), *Endpoint::parse("10.0.0.2:5"));
  EXPECT_NE(*Endpoint::parse("0.0.0.0:5"), *Endpoint::parse("[::]:5"));
}

TEST(Endpoint, SockaddrRoundTrip) {
  for (const char* text : {"127.0.0.1:40000", "[fe80::1:2]:1"}) {
    const Endpoint e = *Endpoint::parse(text);
    sockaddr_storage ss{};
    const socklen_t len = e.to_sockaddr(ss);
    const auto back = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss), len);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, e);
  }
  sockaddr_storage ss{};
  ss.ss_family = AF_UNIX;
  EXPECT_FALSE(Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss), sizeof ss));
  EXPECT_FALSE(Endpoint::from_sockaddr(nullptr, 0));
}

}  // namespace
}  // namespace tandem::ice
