#include "session_helpers.hpp"

#include <stdexcept>

namespace tandem::srtp::test {

MasterKeys master_keys(Profile profile, uint8_t seed) {
  const ProfileInfo& info = profile_info(profile);
  MasterKeys keys;
  for (size_t i = 0; i < info.master_key_len; ++i) {
    keys.key.push_back(static_cast<uint8_t>(seed * 31 + i * 7));
  }
  for (size_t i = 0; i < info.master_salt_len; ++i) {
    keys.salt.push_back(static_cast<uint8_t>(seed * 17 + i * 13 + 5));
  }
  return keys;
}

SrtpSession make_session(Profile profile, Direction direction, const SessionOptions& options,
                         uint8_t seed) {
  const MasterKeys keys = master_keys(profile, seed);
  auto session = SrtpSession::create(profile, keys.key, keys.salt, direction, options);
  if (!session) throw std::runtime_error(session.error().reason);
  return std::move(session).value();
}

SrtpStatus run(SrtpSession& session, Op op, std::vector<uint8_t>& packet) {
  std::vector<uint8_t> buffer = packet;
  size_t length = packet.size();
  buffer.resize(length + SrtpSession::kMaxTrailer);
  SrtpStatus status = SrtpStatus::kCryptoError;
  switch (op) {
    case Op::kProtectRtp:
      status = session.protect_rtp(buffer, length);
      break;
    case Op::kUnprotectRtp:
      status = session.unprotect_rtp(buffer, length);
      break;
    case Op::kProtectRtcp:
      status = session.protect_rtcp(buffer, length);
      break;
    case Op::kUnprotectRtcp:
      status = session.unprotect_rtcp(buffer, length);
      break;
  }
  if (status == SrtpStatus::kOk) {
    buffer.resize(length);
    packet = std::move(buffer);
  }
  return status;
}

}  // namespace tandem::srtp::test
