// Test helpers: hex decoding and random RTP/RTCP packets with CSRCs and header extensions.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

namespace tandem::srtp::test {

// Decodes hex digits, ignoring spaces and newlines.
std::vector<uint8_t> from_hex(std::string_view hex);

class PacketFactory {
 public:
  explicit PacketFactory(uint32_t seed) : rng_(seed) {}

  // Version 2 RTP packet: random CSRC count (0-15), optional one-byte-header extension of
  // random length, random payload of 0..max_payload bytes.
  std::vector<uint8_t> rtp(uint32_t ssrc, uint16_t seq, size_t max_payload = 1200);
  // Version 2 RTCP packet (SR or RR shaped) with a random body of whole 32-bit words.
  std::vector<uint8_t> rtcp(uint32_t ssrc, size_t max_words = 64);

  uint32_t next(uint32_t bound) { return std::uniform_int_distribution<uint32_t>(0, bound)(rng_); }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

}  // namespace tandem::srtp::test
