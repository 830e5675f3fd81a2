#include "libsrtp_oracle.hpp"

#include <algorithm>

namespace tandem::srtp::test {
namespace {

srtp_profile_t to_libsrtp(Profile profile) {
  switch (profile) {
    case Profile::kAes128CmHmacSha1_80:
      return srtp_profile_aes128_cm_sha1_80;
    case Profile::kAes128CmHmacSha1_32:
      return srtp_profile_aes128_cm_sha1_32;
    case Profile::kAeadAes128Gcm:
      return srtp_profile_aead_aes_128_gcm;
    case Profile::kAeadAes256Gcm:
      return srtp_profile_aead_aes_256_gcm;
  }
  return srtp_profile_reserved;
}

}  // namespace

LibsrtpSession::LibsrtpSession(Profile profile, std::span<const uint8_t> master_key,
                               std::span<const uint8_t> master_salt, bool outbound) {
  // libsrtp 2.5's srtp_init re-runs (and here fails) its self-tests when called again.
  static const bool initialised = srtp_init() == srtp_err_status_ok;
  if (!initialised) return;
  // libsrtp takes key || salt in one buffer.
  std::vector<uint8_t> key(master_key.begin(), master_key.end());
  key.insert(key.end(), master_salt.begin(), master_salt.end());
  srtp_policy_t policy{};
  if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, to_libsrtp(profile)) ||
      srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, to_libsrtp(profile))) {
    return;
  }
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = key.data();
  policy.window_size = 128;
  policy.allow_repeat_tx = 0;
  if (srtp_create(&session_, &policy) != srtp_err_status_ok) session_ = nullptr;
}

LibsrtpSession::~LibsrtpSession() {
  if (session_ != nullptr) srtp_dealloc(session_);
}

bool LibsrtpSession::run(Fn fn, std::vector<uint8_t>& packet) {
  int len = static_cast<int>(packet.size());
  packet.resize(packet.size() + SRTP_MAX_TRAILER_LEN + 16);
  const bool ok = fn(session_, packet.data(), &len) == srtp_err_status_ok;
  packet.resize(ok ? static_cast<size_t>(len) : packet.size() - SRTP_MAX_TRAILER_LEN - 16);
  return ok;
}

bool LibsrtpSession::protect_rtp(std::vector<uint8_t>& packet) { return run(srtp_protect, packet); }
bool LibsrtpSession::unprotect_rtp(std::vector<uint8_t>& packet) {
  return run(srtp_unprotect, packet);
}
bool LibsrtpSession::protect_rtcp(std::vector<uint8_t>& packet) {
  return run(srtp_protect_rtcp, packet);
}
bool LibsrtpSession::unprotect_rtcp(std::vector<uint8_t>& packet) {
  return run(srtp_unprotect_rtcp, packet);
}

}  // namespace tandem::srtp::test
