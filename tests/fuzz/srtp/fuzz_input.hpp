// Shared by the SRTP fuzz target and its seed generator: the fixed keys and the meaning of the
// first input byte.
#pragma once

#include <cstdint>
#include <vector>

#include "srtp/profile.hpp"
#include "srtp/srtp_session.hpp"

namespace tandem::srtp::fuzz {

// First byte: bits 0-1 profile, bit 2 RTCP instead of RTP, bit 3 round-trip mode (protect the
// rest of the input, then unprotect it and compare) instead of unprotecting it raw.
constexpr uint8_t kRtcpBit = 0x04;
constexpr uint8_t kRoundTripBit = 0x08;

inline Profile selected_profile(uint8_t selector) { return static_cast<Profile>(selector & 3); }

// Fixed master key and salt sized for profile, so seeds made with them authenticate.
inline std::vector<uint8_t> fuzz_key(Profile profile) {
  std::vector<uint8_t> key(profile_info(profile).master_key_len);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0xA0 + i);
  return key;
}

inline std::vector<uint8_t> fuzz_salt(Profile profile) {
  std::vector<uint8_t> salt(profile_info(profile).master_salt_len);
  for (size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<uint8_t>(0x30 + 3 * i);
  return salt;
}

inline Result<SrtpSession> fuzz_session(Profile profile, Direction direction) {
  return SrtpSession::create(profile, fuzz_key(profile), fuzz_salt(profile), direction,
                             SessionOptions{.max_streams = 4});
}

}  // namespace tandem::srtp::fuzz
