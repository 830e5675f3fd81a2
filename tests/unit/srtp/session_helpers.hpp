// Shared helpers for SrtpSession tests: fixed keys per profile and buffer-with-tail-room calls.
#pragma once

#include <cstdint>
#include <vector>

#include "srtp/srtp_session.hpp"

namespace tandem::srtp::test {

struct MasterKeys {
  std::vector<uint8_t> key;
  std::vector<uint8_t> salt;
};

// Deterministic master key and salt of the right size for profile (seed varies the bytes).
MasterKeys master_keys(Profile profile, uint8_t seed = 1);

SrtpSession make_session(Profile profile, Direction direction, const SessionOptions& options = {},
                         uint8_t seed = 1);

// Runs one SrtpSession call on a copy of packet in a buffer with kMaxTrailer tail room;
// packet becomes the output on kOk.
enum class Op { kProtectRtp, kUnprotectRtp, kProtectRtcp, kUnprotectRtcp };
SrtpStatus run(SrtpSession& session, Op op, std::vector<uint8_t>& packet);

inline const Profile kAllProfiles[] = {Profile::kAes128CmHmacSha1_80, Profile::kAes128CmHmacSha1_32,
                                       Profile::kAeadAes128Gcm, Profile::kAeadAes256Gcm};

}  // namespace tandem::srtp::test
