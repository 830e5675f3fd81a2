// Vocabulary of the SRTP session API: direction, per-packet outcome, counters, options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tandem::srtp {

// A session either protects (outbound) or unprotects (inbound), as each DTLS-SRTP side derives
// one key set per direction (RFC 5764 §4.2).
enum class Direction : uint8_t { kOutbound, kInbound };

enum class [[nodiscard]] SrtpStatus : uint8_t{
    kOk,
    kBadLength,            // truncated or malformed header/trailer, or length > buffer
    kAuthFailure,          // tag did not verify
    kReplay,               // index already received (or protected)
    kTooOld,               // index behind the replay window
    kUnknownSsrcOverflow,  // new SSRC but the stream table is full
    kNoTailRoom,           // buffer cannot hold the tag/trailer
    kWrongDirection,       // protect on an inbound session or the reverse
    kIndexExhausted,       // 2^48 SRTP or 2^31 SRTCP packets: the keys must be renewed
    kCryptoError,          // OpenSSL failed unexpectedly
};

std::string_view to_string(SrtpStatus status) noexcept;

struct Stats {
  uint64_t protected_packets = 0;
  uint64_t unprotected_packets = 0;
  uint64_t auth_failures = 0;
  uint64_t replays = 0;
  uint64_t too_old = 0;
  uint64_t bad_length = 0;
  uint64_t unknown_ssrc_overflow = 0;
  uint64_t other_failures = 0;  // no tail room, wrong direction, index exhausted, crypto error
};

struct SessionOptions {
  // SSRCs tracked at once (stream table slots, allocated at creation).
  size_t max_streams = 16;
  // Outbound: allow protecting an SRTP index again (libsrtp's allow_repeat_tx), e.g. to resend a
  // packet verbatim. Off by default: two different payloads under one index reuse keystream.
  bool allow_repeat_tx = false;
};

}  // namespace tandem::srtp
