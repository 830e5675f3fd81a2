#include "test_packets.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace tandem::srtp::test {

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::string digits;
  for (char c : hex) {
    if (c != ' ' && c != '\n') digits.push_back(c);
  }
  if (digits.size() % 2 != 0) throw std::invalid_argument("odd hex length");
  std::vector<uint8_t> out;
  for (size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<uint8_t> PacketFactory::rtp(uint32_t ssrc, uint16_t seq, size_t max_payload) {
  const uint32_t csrc_count = next(15);
  const bool extension = next(1) == 1;
  std::vector<uint8_t> p;
  p.push_back(static_cast<uint8_t>(0x80 | (extension ? 0x10 : 0) | csrc_count));
  p.push_back(static_cast<uint8_t>(next(127)));  // marker 0, random payload type
  p.push_back(static_cast<uint8_t>(seq >> 8));
  p.push_back(static_cast<uint8_t>(seq));
  for (int i = 0; i < 4; ++i) p.push_back(static_cast<uint8_t>(next(255)));  // timestamp
  for (int shift = 24; shift >= 0; shift -= 8) p.push_back(static_cast<uint8_t>(ssrc >> shift));
  for (uint32_t i = 0; i < 4 * csrc_count; ++i) p.push_back(static_cast<uint8_t>(next(255)));
  if (extension) {
    const uint32_t words = next(10);
    p.insert(p.end(), {0xBE, 0xDE, 0x00, static_cast<uint8_t>(words)});
    for (uint32_t i = 0; i < 4 * words; ++i) p.push_back(static_cast<uint8_t>(next(255)));
  }
  const uint32_t payload = next(static_cast<uint32_t>(max_payload));
  for (uint32_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(next(255)));
  return p;
}

std::vector<uint8_t> PacketFactory::rtcp(uint32_t ssrc, size_t max_words) {
  const uint32_t words = next(static_cast<uint32_t>(max_words));
  std::vector<uint8_t> p;
  p.push_back(static_cast<uint8_t>(0x80 | next(31)));
  p.push_back(static_cast<uint8_t>(200 + next(1)));  // SR or RR
  p.push_back(static_cast<uint8_t>((words + 1) >> 8));
  p.push_back(static_cast<uint8_t>(words + 1));
  for (int shift = 24; shift >= 0; shift -= 8) p.push_back(static_cast<uint8_t>(ssrc >> shift));
  for (uint32_t i = 0; i < 4 * words; ++i) p.push_back(static_cast<uint8_t>(next(255)));
  return p;
}

}  // namespace tandem::srtp::test
