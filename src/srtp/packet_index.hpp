// SRTP packet index estimation from a 16-bit sequence number (RFC 3711 §3.3.1, Appendix A).
#pragma once

#include <cstdint>

namespace tandem::srtp {

// Indexes are 48 bits: ROC (32 bits) || SEQ (16 bits), §3.3.1.
inline constexpr uint64_t kMaxRtpIndex = (uint64_t{1} << 48) - 1;

// The index of seq that lies closest to highest (the receiver's ROC || s_l), per Appendix A.
// ROC - 1 is never guessed below zero: while ROC is 0 a sequence number "behind" s_l by more
// than 2^15 can only be ahead of it (libsrtp agrees). May exceed kMaxRtpIndex when ROC would
// wrap; the caller rejects that.
constexpr uint64_t estimate_rtp_index(uint64_t highest, uint16_t seq) noexcept {
  const uint64_t roc = highest >> 16;
  const uint32_t s_l = static_cast<uint32_t>(highest & 0xFFFF);
  uint64_t v = roc;
  if (s_l < 0x8000) {
    if (seq > s_l + 0x8000 && roc > 0) v = roc - 1;
  } else if (s_l - 0x8000 > seq) {
    v = roc + 1;
  }
  return (v << 16) | seq;
}

}  // namespace tandem::srtp
