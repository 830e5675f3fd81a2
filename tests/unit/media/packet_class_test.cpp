#include "media/packet_class.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tandem::media {
namespace {

struct Case {
  const char* name;
  std::vector<uint8_t> bytes;
  PacketClass expected;
};

std::vector<uint8_t> with_first(uint8_t first, uint8_t second, size_t size) {
  std::vector<uint8_t> v(size, 0);
  if (size > 0) v[0] = first;
  if (size > 1) v[1] = second;
  return v;
}

TEST(PacketClass, Rfc7983Ranges) {
  const std::vector<Case> cases = {
      {"empty", {}, PacketClass::kUnknown},
      {"stun binding request", with_first(0x00, 0x01, 20), PacketClass::kStun},
      {"stun first byte 3", with_first(0x03, 0x00, 28), PacketClass::kStun},
      {"stun too short", with_first(0x00, 0x01, 19), PacketClass::kUnknown},
      {"zrtp/4..19 unknown", with_first(16, 0, 40), PacketClass::kUnknown},
      {"dtls handshake", with_first(22, 0xfe, 13), PacketClass::kDtls},
      {"dtls 63", with_first(63, 0xfe, 40), PacketClass::kDtls},
      {"dtls header truncated", with_first(22, 0xfe, 12), PacketClass::kUnknown},
      {"turn channel 64..79", with_first(64, 0, 40), PacketClass::kUnknown},
      {"rtp opus pt 111", with_first(0x80, 111, 40), PacketClass::kRtp},
      {"rtp marker vp8 pt 96", with_first(0x90, 0x80 | 96, 40), PacketClass::kRtp},
      {"rtp too short", with_first(0x80, 111, 11), PacketClass::kUnknown},
      {"rtcp sr", with_first(0x80, 200, 28), PacketClass::kRtcp},
      {"rtcp rr", with_first(0x81, 201, 32), PacketClass::kRtcp},
      {"rtcp psfb", with_first(0x81, 206, 12), PacketClass::kRtcp},
      {"pt 64..95 without marker is neither", with_first(0x80, 72, 40), PacketClass::kUnknown},
      {"pt 72 with marker reads as rtcp sr", with_first(0x80, 0x80 | 72, 40), PacketClass::kRtcp},
      {"192+ unknown", with_first(192, 0, 40), PacketClass::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(classify_datagram(c.bytes), c.expected) << c.name;
  }
}

TEST(PacketClass, Names) {
  EXPECT_EQ(to_string(PacketClass::kStun), "stun");
  EXPECT_EQ(to_string(PacketClass::kRtcp), "rtcp");
  EXPECT_EQ(to_string(PacketClass::kUnknown), "unknown");
}

}  // namespace
}  // namespace tandem::media
