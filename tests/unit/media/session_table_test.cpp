#include "media/session_table.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tandem::media {
namespace {

ice::Endpoint v4(uint8_t last, uint16_t port) {
  const std::array<uint8_t, 4> addr{127, 0, 0, last};
  return ice::Endpoint::ipv4(addr, port);
}

TEST(SessionTable, FindsByUfragAndPath) {
  SessionTable t;
  EXPECT_TRUE(t.add_ufrag("abcd1234", 7));
  EXPECT_TRUE(t.add_ufrag("zzzz9999", 8));
  t.add_path(v4(1, 50000), 7);
  EXPECT_EQ(t.find_by_ufrag("abcd1234"), 7u);
  EXPECT_EQ(t.find_by_ufrag("zzzz9999"), 8u);
  EXPECT_FALSE(t.find_by_ufrag("abcd123"));
  EXPECT_FALSE(t.find_by_ufrag(""));
  EXPECT_EQ(t.find_by_path(v4(1, 50000)), 7u);
  EXPECT_FALSE(t.find_by_path(v4(1, 50001)));  // another port is another path
  EXPECT_FALSE(t.find_by_path(v4(2, 50000)));
}

TEST(SessionTable, UfragIsUnique) {
  SessionTable t;
  EXPECT_TRUE(t.add_ufrag("same", 1));
  EXPECT_FALSE(t.add_ufrag("same", 2));
  EXPECT_EQ(t.find_by_ufrag("same"), 1u);
}

TEST(SessionTable, LatestPathBindingWins) {
  SessionTable t;
  t.add_path(v4(1, 4000), 1);
  t.add_path(v4(1, 4000), 2);
  EXPECT_EQ(t.find_by_path(v4(1, 4000)), 2u);
  EXPECT_EQ(t.path_count(), 1u);
}

TEST(SessionTable, Ipv6AndIpv4AreDistinct) {
  SessionTable t;
  std::array<uint8_t, 16> six{};
  six[15] = 1;
  t.add_path(ice::Endpoint::ipv6(six, 4000), 3);
  t.add_path(v4(1, 4000), 4);
  EXPECT_EQ(t.find_by_path(ice::Endpoint::ipv6(six, 4000)), 3u);
  EXPECT_EQ(t.find_by_path(v4(1, 4000)), 4u);
}

TEST(SessionTable, RemoveSessionForgetsEverything) {
  SessionTable t;
  t.add_ufrag("one", 1);
  t.add_ufrag("one-restart", 1);
  t.add_ufrag("two", 2);
  t.add_path(v4(1, 1), 1);
  t.add_path(v4(1, 2), 1);
  t.add_path(v4(1, 3), 2);
  t.remove_session(1);
  EXPECT_FALSE(t.find_by_ufrag("one"));
  EXPECT_FALSE(t.find_by_ufrag("one-restart"));
  EXPECT_FALSE(t.find_by_path(v4(1, 1)));
  EXPECT_FALSE(t.find_by_path(v4(1, 2)));
  EXPECT_EQ(t.find_by_ufrag("two"), 2u);
  EXPECT_EQ(t.find_by_path(v4(1, 3)), 2u);
  EXPECT_EQ(t.ufrag_count(), 1u);
  EXPECT_EQ(t.path_count(), 1u);
}

TEST(SessionTable, TcpAndUdpFromTheSameAddressAreDifferentPaths) {
  SessionTable t;
  const auto udp = v4(1, 50000);
  const auto tcp = udp.with_transport(ice::Endpoint::Transport::kTcp);
  EXPECT_NE(udp, tcp);
  EXPECT_TRUE(tcp.is_tcp());
  EXPECT_EQ(tcp.to_string(), udp.to_string());
  t.add_path(udp, 1);
  t.add_path(tcp, 2);
  EXPECT_EQ(t.find_by_path(udp), 1u);
  EXPECT_EQ(t.find_by_path(tcp), 2u);
  t.remove_path(tcp);  // an ICE-TCP connection closed
  EXPECT_FALSE(t.find_by_path(tcp));
  EXPECT_EQ(t.find_by_path(udp), 1u);
}

}  // namespace
}  // namespace tandem::media
