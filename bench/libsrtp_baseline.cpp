#include "libsrtp_baseline.hpp"

#include <array>
#include <cstring>

namespace tandem::bench {
namespace {

srtp_profile_t to_libsrtp(srtp::Profile profile) noexcept {
  switch (profile) {
    case srtp::Profile::kAes128CmHmacSha1_80:
      return srtp_profile_aes128_cm_sha1_80;
    case srtp::Profile::kAes128CmHmacSha1_32:
      return srtp_profile_aes128_cm_sha1_32;
    case srtp::Profile::kAeadAes128Gcm:
      return srtp_profile_aead_aes_128_gcm;
    case srtp::Profile::kAeadAes256Gcm:
      return srtp_profile_aead_aes_256_gcm;
  }
  return srtp_profile_reserved;
}

}  // namespace

LibsrtpSession::LibsrtpSession(srtp::Profile profile, std::span<const uint8_t> master_key,
                               std::span<const uint8_t> master_salt, bool outbound) noexcept {
  // srtp_init runs libsrtp's self-tests; once per process.
  static const bool initialised = srtp_init() == srtp_err_status_ok;
  if (!initialised) return;
  // libsrtp takes key || salt in one buffer; a stack buffer keeps creation allocation-free on
  // our side so that only libsrtp's own work is timed.
  std::array<uint8_t, 64> key{};
  if (master_key.size() + master_salt.size() > key.size()) return;
  std::memcpy(key.data(), master_key.data(), master_key.size());
  std::memcpy(key.data() + master_key.size(), master_salt.data(), master_salt.size());
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

}  // namespace tandem::bench
