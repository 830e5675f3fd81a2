// Helpers for RTCP tests: the first packet of a datagram, and building into a fixed buffer.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "rtp/rtcp_builder.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp::test {

using Bytes = std::vector<uint8_t>;

// The only packet of a datagram that must parse (reduced size allowed).
inline RtcpPacket only_packet(std::span<const uint8_t> datagram) {
  auto compound = RtcpCompound::parse(datagram);
  EXPECT_TRUE(compound.ok()) << to_string(compound.error());
  if (!compound.ok()) return RtcpPacket{};
  EXPECT_EQ(compound->packet_count(), 1u);
  return *compound->begin();
}

// Runs `add` on a builder over a 1500-byte buffer and returns what it wrote.
template <typename F>
Bytes build(F&& add) {
  std::array<uint8_t, 1500> buffer{};
  RtcpBuilder builder(buffer);
  EXPECT_TRUE(add(builder));
  return Bytes(builder.data().begin(), builder.data().end());
}

}  // namespace tandem::rtp::test
