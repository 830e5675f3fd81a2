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

// A worker's worth of addresses (the open-addressing table grows, probe runs collide and wrap),
// then removals by session and by address, each checked against what should remain.
TEST(SessionTable, ManyPathsSurviveGrowthAndRemovals) {
  SessionTable t;
  constexpr uint32_t kSessions = 300;
  const auto path = [](uint32_t session, uint32_t k) {
    const std::array<uint8_t, 4> addr{10, static_cast<uint8_t>(k),
                                      static_cast<uint8_t>(session >> 8),
                                      static_cast<uint8_t>(session)};
    return ice::Endpoint::ipv4(addr, static_cast<uint16_t>(40000 + session % 7));
  };
  for (uint32_t s = 1; s <= kSessions; ++s) {
    for (uint32_t k = 0; k < 3; ++k) t.add_path(path(s, k), s);
  }
  ASSERT_EQ(t.path_count(), 3 * kSessions);
  for (uint32_t s = 1; s <= kSessions; s += 2) t.remove_session(s);  // odd sessions go
  for (uint32_t s = 2; s <= kSessions; s += 4) t.remove_path(path(s, 1));
  t.remove_path(path(1, 0));  // already gone: nothing happens
  size_t expected = 0;
  for (uint32_t s = 1; s <= kSessions; ++s) {
    for (uint32_t k = 0; k < 3; ++k) {
      const bool present = s % 2 == 0 && !(s % 4 == 2 && k == 1);
      expected += present ? 1 : 0;
      if (present) {
        EXPECT_EQ(t.find_by_path(path(s, k)), s) << s << "/" << k;
      } else {
        EXPECT_FALSE(t.find_by_path(path(s, k))) << s << "/" << k;
      }
    }
  }
  EXPECT_EQ(t.path_count(), expected);
}

TEST(SessionTable, EmptyTableFindsNothing) {
  SessionTable t;
  EXPECT_FALSE(t.find_by_path(v4(1, 1)));
  t.remove_path(v4(1, 1));
  t.remove_session(1);
  EXPECT_EQ(t.path_count(), 0u);
}

}  // namespace
}  // namespace tandem::media
