// Generic NACK (RFC 4585 §6.2.1): transport-layer feedback, PT 205 FMT 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "rtp/parse_result.hpp"
#include "rtp/rtcp_packet.hpp"

namespace tandem::rtp {

inline constexpr uint8_t kNackFmt = 1;

// One FCI entry: a lost packet id and a bitmask of the 16 following ones.
struct NackItem {
  uint16_t pid = 0;
  uint16_t blp = 0;
  friend bool operator==(const NackItem&, const NackItem&) noexcept = default;
};

// Packs lost sequence numbers, given in increasing order (modulo 2^16), into NACK items; returns
// how many items were written. Stops early (losing the rest) when `out` is full.
size_t pack_nack_items(std::span<const uint16_t> lost, std::span<NackItem> out) noexcept;

class NackView {
 public:
  static ParseResult<NackView> parse(const RtcpPacket& packet) noexcept;

  uint32_t sender_ssrc() const noexcept;
  uint32_t media_ssrc() const noexcept;
  size_t item_count() const noexcept { return (body_.size() - 8) / 4; }
  NackItem item(size_t i) const noexcept;
  // Calls f(uint16_t sequence) for every lost sequence number: each PID, then the BLP bits from
  // the least significant (PID+1) up.
  template <typename F>
  void for_each_lost(F&& f) const noexcept {
    for (size_t i = 0; i < item_count(); ++i) {
      const NackItem it = item(i);
      f(it.pid);
      for (unsigned bit = 0; bit < 16; ++bit) {
        if ((it.blp >> bit) & 1u) f(static_cast<uint16_t>(it.pid + bit + 1));
      }
    }
  }

 private:
  std::span<const uint8_t> body_;
};

}  // namespace tandem::rtp
